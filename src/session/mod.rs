//! The token lifecycle in one place: load → lock → refresh → verify → save, behind the
//! [`TokenStore`] trait (keyring and file stores). Every command that needs a token gets it
//! through [`Session::usable`]; logins hand their fresh tokens to [`verify_fresh`] and
//! [`Session::store_login`]. Never prints and never logs a token: what happens on the way is
//! reported through [`Reporter`], and errors name the store, not its contents.

mod choice;
mod file;
mod keyring;
mod lock;
mod store;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cognito::CognitoError;
use crate::cognito::idp::Idp;
use crate::cognito::oauth::{HostedUi, Tokens};
use crate::home::Home;
use crate::profile::{Key, Profile};
use crate::redacted::Secret;
use crate::report::{Event, Reporter};
use crate::{Error, Result};

pub use file::FileStore;
pub use keyring::KeyringStore;
pub use lock::{LOCK_TIMEOUT, TokenLock, lock, lock_path, lock_timeout};
pub use store::{StoreKind, TokenStore};

/// The name a kept TOTP secret has in a profile's store (`mfa setup --keep-secret`,
/// `login --enroll-totp`).
pub const TOTP_SECRET: &str = "totp";

/// How a login was made; it decides how to refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoginMethod {
    HostedUi,
    Password,
    Srp,
    ClientCredentials,
    EmailOtp,
    SmsOtp,
}

impl LoginMethod {
    pub fn describe(self) -> &'static str {
        match self {
            LoginMethod::HostedUi => "hosted UI (authorization code + PKCE)",
            LoginMethod::Password => "password (USER_PASSWORD_AUTH)",
            LoginMethod::Srp => "SRP (USER_SRP_AUTH)",
            LoginMethod::ClientCredentials => "client credentials",
            LoginMethod::EmailOtp => "one-time code by email (USER_AUTH)",
            LoginMethod::SmsOtp => "one-time code by SMS (USER_AUTH)",
        }
    }
}

/// A profile's tokens and what is known about them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: Secret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// `exp` of the access token.
    pub expires_at: i64,
    pub method: LoginMethod,
    pub client_id: String,
    #[serde(default)]
    pub username: Option<String>,
    /// When the login happened (refreshes keep it).
    pub logged_in_at: i64,
    /// An identity pool's temporary credentials for this login, kept until they expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_credentials: Option<CachedCredentials>,
}

/// Temporary AWS credentials an identity pool gave for a login's ID token, and what for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedCredentials {
    pub identity_pool_id: String,
    #[serde(default)]
    pub role_arn: Option<String>,
    pub identity_id: String,
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Secret,
    /// When they expire (seconds since the epoch).
    pub expires_at: i64,
}

/// Which token a command wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Id,
    Refresh,
}

impl TokenKind {
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::Access => "access",
            TokenKind::Id => "ID",
            TokenKind::Refresh => "refresh",
        }
    }
}

impl TokenSet {
    pub fn get(&self, kind: TokenKind) -> Option<&Secret> {
        match kind {
            TokenKind::Access => Some(&self.access_token),
            TokenKind::Id => self.id_token.as_ref(),
            TokenKind::Refresh => self.refresh_token.as_ref(),
        }
    }

    /// The token of `kind`, or an error naming what this login lacks.
    pub fn pick(&self, kind: TokenKind, profile: &str) -> Result<&Secret> {
        self.get(kind).ok_or_else(|| {
            Error::Rejected(format!(
                "the {} login of profile {profile} has no {} token",
                self.method.describe(),
                kind.name()
            ))
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("not logged in with profile {profile}: run `cwsauth login{flag}`", flag = crate::profile::profile_flag(profile))]
    NotLoggedIn { profile: String },
    #[error(
        "the token store {what} is unreadable ({why}); it was left as it is: `cwsauth login` replaces it, or delete it"
    )]
    Corrupt { what: String, why: String },
    #[error("cannot read the token store {what}: {why}")]
    Unreadable { what: String, why: String },
    #[error("cannot write the token store {what}: {why}")]
    Unwritable { what: String, why: String },
    #[error("the OS keyring is not available: {0}")]
    KeyringUnavailable(String),
    #[error("store {0:?} is not keyring or file")]
    UnknownStore(String),
    #[error("cannot take the token lock {}: {why}", path.display())]
    Lock {
        path: std::path::PathBuf,
        why: String,
    },
    #[error(
        "gave up after {} s waiting for the token lock {}{}: another cwsauth is refreshing; try again, or end it",
        waited.as_secs(), path.display(),
        holder.map(|p| format!(", held by pid {p}")).unwrap_or_default()
    )]
    LockTimeout {
        path: std::path::PathBuf,
        holder: Option<u32>,
        waited: std::time::Duration,
    },
}

/// A profile's tokens where its login put them.
pub struct Session<'a> {
    pub home: &'a Home,
    pub profile: &'a Profile,
    pub store: Box<dyn TokenStore>,
    reporter: &'a dyn Reporter,
}

/// What a logout did.
#[derive(Debug)]
pub struct LogoutOutcome {
    /// Whether anything was stored.
    pub was_logged_in: bool,
    /// `Ok(true)` when the refresh token was revoked, `Ok(false)` when there was none, or why
    /// the revocation failed (the tokens are deleted anyway).
    pub revoked: std::result::Result<bool, String>,
}

impl<'a> Session<'a> {
    /// The store the profile's login chose.
    pub fn open(
        home: &'a Home,
        profile: &'a Profile,
        reporter: &'a dyn Reporter,
    ) -> Result<Session<'a>> {
        Ok(Session {
            home,
            profile,
            store: choice::for_profile(home, profile)?,
            reporter,
        })
    }

    /// The store a login writes to: `choice`, the profile's `store`, or the keyring when one
    /// takes a write (else the file store, reported once).
    pub fn for_login(
        home: &'a Home,
        profile: &'a Profile,
        choice: Option<StoreKind>,
        reporter: &'a dyn Reporter,
    ) -> Result<Session<'a>> {
        let choice = match choice {
            Some(c) => Some(c),
            None => profile.get(Key::Store).map(StoreKind::parse).transpose()?,
        };
        Ok(Session {
            home,
            profile,
            store: choice::for_login(home, profile, choice, reporter)?,
            reporter,
        })
    }

    pub fn reporter(&self) -> &dyn Reporter {
        self.reporter
    }

    /// The stored set, if any.
    pub fn load(&self) -> Result<Option<TokenSet>> {
        Ok(self.store.load(self.reporter)?)
    }

    /// The stored set; not being logged in is an error.
    pub fn tokens(&self) -> Result<TokenSet> {
        self.load()?.ok_or_else(|| self.not_logged_in())
    }

    /// Not logged in: a profile that cannot log in yet (no pool or client) says how to set it
    /// up first, as `login` would only refuse it.
    pub fn not_logged_in(&self) -> Error {
        match self.profile.require_all(&[
            crate::profile::Key::UserPoolId,
            crate::profile::Key::ClientId,
        ]) {
            Err(e) => Error::Config(e),
            Ok(()) => Error::Store(StoreError::NotLoggedIn {
                profile: self.profile.name.clone(),
            }),
        }
    }

    /// The stored set, refreshed first when the access token expires within `min_ttl`
    /// seconds. Concurrent callers refresh once: whoever waited for the lock finds the new set.
    pub fn usable(&self, min_ttl: u64) -> Result<TokenSet> {
        let min_ttl = i64::try_from(min_ttl).unwrap_or(i64::MAX);
        let fresh =
            |t: &TokenSet| t.expires_at.saturating_sub(crate::timefmt::now_epoch()) > min_ttl;
        let current = self.tokens()?;
        if fresh(&current) {
            return Ok(current);
        }
        let _lock = lock(self.home, &self.profile.name, lock_timeout(), self.reporter)?;
        let current = self.tokens()?;
        if fresh(&current) {
            return Ok(current);
        }
        self.refresh(&current)
    }

    /// Refreshes now, whatever the expiry: whether the server still honours the session.
    pub fn refresh_now(&self) -> Result<TokenSet> {
        let _lock = lock(self.home, &self.profile.name, lock_timeout(), self.reporter)?;
        let current = self.tokens()?;
        self.refresh(&current)
    }

    /// Refreshes under the lock. A rotated refresh token is saved before anything else can
    /// fail, so no later failure (verification, keys, the final save) can lose it.
    fn refresh(&self, current: &TokenSet) -> Result<TokenSet> {
        let tokens = refresh_call(self.profile, current)?;
        // The store is read again before anything is saved: a session that was logged out
        // (or replaced by a login) while the answer was on its way is not brought back, and
        // a rotated refresh token it got is revoked rather than left alive.
        let still = self.store.load(self.reporter).ok().flatten();
        if still.as_ref().map(|t| &t.refresh_token) != Some(&current.refresh_token) {
            if let Some(rotated) = &tokens.refresh_token
                && Some(rotated) != current.refresh_token.as_ref()
            {
                let mut orphan = current.clone();
                orphan.refresh_token = Some(rotated.clone());
                if let Err(e) = revoke(self.profile, &orphan) {
                    tracing::debug!(
                        "revoking the refresh token of a session logged out meanwhile: {e}"
                    );
                }
            }
            return Err(self.not_logged_in());
        }
        if let Some(rotated) = &tokens.refresh_token
            && Some(rotated) != current.refresh_token.as_ref()
        {
            let mut kept = current.clone();
            kept.refresh_token = Some(rotated.clone());
            self.store.save(&kept, self.reporter)?;
        }
        let now = crate::timefmt::now_epoch();
        let refreshed = verify_fresh(
            self.home,
            self.profile,
            tokens,
            None,
            current.method,
            now,
            Some(current),
        )?;
        self.store.save(&refreshed, self.reporter)?;
        Ok(refreshed)
    }

    /// Stores a login's verified tokens and remembers where they went, under the profile's
    /// lock. The session it replaces (an earlier login, or one that won a race with this
    /// one) has its refresh token revoked: nothing stays alive that no store holds.
    pub fn store_login(&self, tokens: &TokenSet) -> Result<()> {
        let _lock = lock(self.home, &self.profile.name, lock_timeout(), self.reporter)?;
        let replaced = self.store.load(self.reporter).ok().flatten();
        self.store.save(tokens, self.reporter)?;
        choice::remember(
            self.home,
            &self.profile.name,
            self.store.kind(),
            self.reporter,
        )?;
        if let Some(old) = replaced
            && old.refresh_token.is_some()
            && old.refresh_token != tokens.refresh_token
            && let Err(e) = revoke(self.profile, &old)
        {
            tracing::debug!("revoking the refresh token of the replaced session: {e}");
        }
        Ok(())
    }

    /// Keeps an identity pool's credentials with the login whose ID token they were made
    /// for, under the profile's lock; a login replaced meanwhile (or logged out) is left alone.
    pub fn store_credentials(
        &self,
        made_from: &TokenSet,
        credentials: CachedCredentials,
    ) -> Result<()> {
        let _lock = lock(self.home, &self.profile.name, lock_timeout(), self.reporter)?;
        let Some(mut current) = self.store.load(self.reporter)? else {
            return Ok(());
        };
        if current.logged_in_at != made_from.logged_in_at || current.username != made_from.username
        {
            return Ok(());
        }
        current.aws_credentials = Some(credentials);
        self.store.save(&current, self.reporter)?;
        Ok(())
    }

    /// Before a login: a store that cannot be read is replaced (and said so), never silently.
    pub fn prepare_login(&self) -> Result<()> {
        match self.store.load(self.reporter) {
            Ok(_) => Ok(()),
            Err(StoreError::Corrupt { what, why }) => {
                self.reporter.report(Event::StoreReplaced {
                    what: &what,
                    why: &why,
                });
                self.store.delete()?;
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Revokes the refresh token where it was issued, deletes the tokens (even when the
    /// revocation fails, e.g. offline) and forgets the store.
    pub fn logout(&self) -> Result<LogoutOutcome> {
        // A refresh under way finishes first (and saves); what it saved is what is revoked.
        let _lock = lock(self.home, &self.profile.name, lock_timeout(), self.reporter)?;
        let tokens = match self.store.load(self.reporter) {
            Ok(t) => t,
            Err(StoreError::Corrupt { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let revoked = match &tokens {
            Some(t) => revoke(self.profile, t).map_err(|e| e.to_string()),
            None => Ok(false),
        };
        self.store.delete()?;
        choice::forget(self.home, &self.profile.name)?;
        Ok(LogoutOutcome {
            was_logged_in: tokens.is_some(),
            revoked,
        })
    }
}

/// The refresh call of the login's method; a refresh token the server no longer takes is
/// "run `cwsauth login` again", with the user's profile.
fn refresh_call(profile: &Profile, current: &TokenSet) -> Result<Tokens> {
    let expired = |e: CognitoError| {
        if e.is_session_expired() {
            Error::Rejected(format!(
                "the session of profile {} has expired or was revoked; run `cwsauth login{}`",
                profile.name,
                profile.flag()
            ))
        } else {
            e.into()
        }
    };
    match current.method {
        LoginMethod::ClientCredentials => {
            let secret = profile.require_client_secret()?;
            let ui = HostedUi::for_profile(profile, Some(&secret))?;
            let scopes = cwsauth_verify::decode(current.access_token.expose())
                .ok()
                .and_then(|d| {
                    d.claims
                        .get("scope")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .map(|s| s.split(' ').map(str::to_string).collect())
                .unwrap_or_else(|| profile.scopes());
            ui.client_credentials(&scopes).map_err(expired)
        }
        method => {
            let refresh_token = current.refresh_token.as_ref().ok_or_else(|| {
                Error::Rejected(format!(
                    "the stored login has no refresh token; run `cwsauth login{}`",
                    profile.flag()
                ))
            })?;
            if method == LoginMethod::HostedUi {
                let ui = HostedUi::for_profile(profile, profile.client_secret().as_ref())?;
                ui.refresh(refresh_token).map_err(expired)
            } else {
                let idp = Idp::for_profile(profile)?;
                let username = current.username.clone().unwrap_or_default();
                idp.refresh(refresh_token, &username).map_err(expired)
            }
        }
    }
}

/// Checks tokens fresh from Cognito with the project's verifier and builds what is stored;
/// `previous` keeps the refresh token (unless rotated), ID token and login time across a
/// refresh. Nothing that fails here is stored.
pub fn verify_fresh(
    home: &Home,
    profile: &Profile,
    tokens: Tokens,
    nonce: Option<&Secret>,
    method: LoginMethod,
    now: i64,
    previous: Option<&TokenSet>,
) -> Result<TokenSet> {
    use cwsauth_verify::{TokenUse, verify};
    profile.require_all(&[Key::ClientId, Key::Issuer, Key::JwksUri])?;
    let client_id = profile.require(Key::ClientId)?.to_string();
    let keys = crate::jwks::for_profile(home, profile)?;
    let checks = profile.checks(TokenUse::Access)?;
    let refuse = |what: &str, e: cwsauth_verify::VerifyError| {
        let outcome = if previous.is_some() {
            "the stored tokens stay as they were (with any rotated refresh token)"
        } else {
            "so nothing was stored"
        };
        if e.kind == cwsauth_verify::ErrorKind::JwksUnavailable {
            Error::Network(format!(
                "the {what} token from Cognito could not be checked, {outcome}: {e}"
            ))
        } else {
            Error::Rejected(format!(
                "the {what} token from Cognito failed verification, {outcome}: {e}"
            ))
        }
    };
    let access = verify(tokens.access_token.expose(), &checks, keys.as_ref(), now)
        .map_err(|r| refuse("access", r.error))?;
    let mut username = access.claim_str("username").map(str::to_string);
    if let Some(id) = &tokens.id_token {
        let checks = profile.checks(TokenUse::Id)?;
        let id =
            verify(id.expose(), &checks, keys.as_ref(), now).map_err(|r| refuse("ID", r.error))?;
        if let Some(expected) = nonce
            && id.claim_str("nonce") != Some(expected.expose())
        {
            return Err(Error::Rejected(
                "the ID token's nonce does not match this login, so nothing was stored".into(),
            ));
        }
        username = username.or_else(|| id.claim_str("cognito:username").map(str::to_string));
    }
    let expires_at = cwsauth_verify::number(&access.claims, "exp").unwrap_or(now);
    Ok(TokenSet {
        access_token: tokens.access_token,
        id_token: tokens
            .id_token
            .or_else(|| previous.and_then(|p| p.id_token.clone())),
        // Cognito returns a new refresh token only when the app client rotates them; an
        // answer without one keeps the old.
        refresh_token: tokens
            .refresh_token
            .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
        expires_at,
        method,
        client_id,
        username: username.or_else(|| previous.and_then(|p| p.username.clone())),
        logged_in_at: previous.map_or(now, |p| p.logged_in_at),
        aws_credentials: previous.and_then(|p| p.aws_credentials.clone()),
    })
}

/// Revokes the stored refresh token where it was issued: the hosted UI's `/oauth2/revoke`,
/// or `RevokeToken` on the JSON API. `Ok(false)` when there is none.
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
        LoginMethod::Password | LoginMethod::Srp | LoginMethod::EmailOtp | LoginMethod::SmsOtp => {
            Idp::for_profile(profile)?.revoke(refresh_token)?
        }
    }
    Ok(true)
}
