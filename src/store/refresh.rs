//! Refresh on read: [`usable_token`] is the one way commands get a token that will still be
//! valid for a while, refreshing under the profile's lock so concurrent calls make one request.

use crate::cognito::idp::Idp;
use crate::cognito::oauth::HostedUi;
use crate::config::{Home, Profile};
use crate::redacted::Secret;
use crate::store::{self, LoginMethod, Store, StoreError, TokenKind, TokenSet};
use crate::{Error, Result};

/// The stored token of `kind`, refreshed first when the access token expires within
/// `min_ttl` seconds.
pub fn usable_token(
    home: &Home,
    profile: &Profile,
    store: &Store,
    kind: TokenKind,
    min_ttl: i64,
) -> Result<Secret> {
    pick(
        &usable_tokens(home, profile, store, min_ttl)?,
        &profile.name,
        kind,
    )
}

/// The token of `kind` from a set, or an error naming what the login lacks.
pub fn pick(tokens: &TokenSet, profile: &str, kind: TokenKind) -> Result<Secret> {
    tokens.get(kind).cloned().ok_or_else(|| {
        Error::Rejected(format!(
            "the {} login of profile {profile} has no {} token",
            tokens.method.describe(),
            match kind {
                TokenKind::Access => "access",
                TokenKind::Id => "ID",
                TokenKind::Refresh => "refresh",
            }
        ))
    })
}

/// The stored token set, refreshed when needed.
pub fn usable_tokens(
    home: &Home,
    profile: &Profile,
    store: &Store,
    min_ttl: i64,
) -> Result<TokenSet> {
    let fresh = |t: &TokenSet| t.expires_at - crate::timefmt::now_epoch() > min_ttl;
    let current = load(profile, store)?;
    if fresh(&current) {
        return Ok(current);
    }
    // One refresh at a time; whoever waited finds the new tokens and uses them.
    let _lock = store::lock(home, &profile.name)?;
    let current = load(profile, store)?;
    if fresh(&current) {
        return Ok(current);
    }
    let refreshed = refresh(home, profile, &current)?;
    store.save(&refreshed)?;
    Ok(refreshed)
}

fn load(profile: &Profile, store: &Store) -> Result<TokenSet> {
    store.load()?.ok_or_else(|| {
        Error::Store(StoreError::NotLoggedIn {
            profile: profile.name.clone(),
            flag: if profile.name == crate::config::DEFAULT_PROFILE {
                String::new()
            } else {
                format!(" --profile {}", profile.name)
            },
        })
    })
}

fn refresh(home: &Home, profile: &Profile, current: &TokenSet) -> Result<TokenSet> {
    let expired = |e: crate::cognito::CognitoError| {
        if e.is_session_expired() {
            Error::Rejected("the session has expired; run `cwsauth login`".into())
        } else {
            e.into()
        }
    };
    let tokens = match current.method {
        LoginMethod::ClientCredentials => {
            let secret = profile.require_client_secret()?;
            let ui = HostedUi::for_profile(profile, Some(&secret))?;
            let scopes = crate::jwt::decode(current.access_token.expose())
                .ok()
                .and_then(|d| {
                    d.claims
                        .get("scope")
                        .and_then(|s| s.as_str())
                        .map(str::to_string)
                })
                .map(|s| s.split(' ').map(str::to_string).collect())
                .unwrap_or_else(|| profile.scopes());
            ui.client_credentials(&scopes).map_err(expired)?
        }
        method => {
            let refresh_token = current.refresh_token.as_ref().ok_or_else(|| {
                Error::Rejected("the stored login has no refresh token; run `cwsauth login`".into())
            })?;
            if method == LoginMethod::HostedUi {
                let ui = HostedUi::for_profile(profile, profile.client_secret().as_ref())?;
                ui.refresh(refresh_token).map_err(expired)?
            } else {
                let idp = Idp::for_profile(profile)?;
                let username = current.username.clone().unwrap_or_default();
                idp.refresh(refresh_token, &username).map_err(expired)?
            }
        }
    };
    let now = crate::timefmt::now_epoch();
    crate::login::verified_set(
        home,
        profile,
        tokens,
        None,
        current.method,
        now,
        Some(current),
    )
}

/// Revokes the stored refresh token where it was issued: the hosted UI's `/oauth2/revoke`, or
/// `RevokeToken` on the JSON API.
pub fn revoke(profile: &Profile, tokens: &TokenSet) -> Result<bool> {
    let Some(refresh_token) = &tokens.refresh_token else {
        return Ok(false);
    };
    match tokens.method {
        LoginMethod::HostedUi | LoginMethod::ClientCredentials => {
            let secret = profile.client_secret();
            HostedUi::for_profile(profile, secret.as_ref())?
                .revoke(refresh_token, secret.as_ref())?;
        }
        LoginMethod::Password | LoginMethod::Srp => {
            Idp::for_profile(profile)?.revoke(refresh_token)?
        }
    }
    Ok(true)
}
