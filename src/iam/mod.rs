//! Where IAM signing gets its AWS credentials: the profile's Cognito identity pool for the
//! logged-in user (kept with the login and fetched again before they expire), else the
//! standard AWS chain (`aws.rs`). Never prints a secret; `cwsauth credentials --json` does on
//! purpose.

mod aws;

use std::time::{Duration, UNIX_EPOCH};

use crate::cognito::idp::{IdentityAsk, Idp};
use crate::home::Home;
use crate::profile::{Key, Profile};
use crate::redacted::Secret;
use crate::report::Reporter;
use crate::session::{CachedCredentials, Session, TokenKind};
use crate::sigv4::Credentials;
use crate::{Error, Result};

/// Kept credentials are used only while they have this long left.
const MARGIN: i64 = 300;

/// Which source to use, when a flag says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// The profile's Cognito identity pool, for the logged-in user's ID token.
    IdentityPool,
    /// The standard AWS chain: the environment, then a shared profile of ~/.aws.
    Aws,
}

/// What the command line says about credentials.
#[derive(Debug, Clone, Default)]
pub struct Ask {
    pub from: Option<Source>,
    /// A role of the identity pool's role choice (`CustomRoleArn`).
    pub role_arn: Option<String>,
    /// A shared AWS profile (instead of the environment and `AWS_PROFILE`).
    pub aws_profile: Option<String>,
    /// Bounds a `credential_process`.
    pub timeout: Duration,
}

/// Credentials and where they came from.
pub struct Resolved {
    pub credentials: Credentials,
    /// For messages: "identity pool …", "the environment (…)", "AWS profile dev (keys)".
    pub from: String,
    /// Whether kept credentials were used (no call was made).
    pub kept: bool,
}

/// The credentials `ask` and the profile point at: the identity pool first when the profile
/// has one (unless `--credentials-from aws`), else the AWS chain.
pub fn credentials(
    home: &Home,
    profile: &Profile,
    ask: &Ask,
    reporter: &dyn Reporter,
) -> Result<Resolved> {
    let pool = profile.get(Key::IdentityPoolId);
    let chain = |named: Option<&str>| -> Result<Resolved> {
        match aws::chain(named, ask.timeout)? {
            Some(found) => Ok(Resolved {
                credentials: found.credentials,
                from: found.from,
                kept: false,
            }),
            None => Err(Error::Usage(format!(
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), name a profile of ~/.aws with --aws-profile or AWS_PROFILE, or give the cwsauth profile an identity pool with `cwsauth configure{} --identity-pool-id REGION:ID`",
                profile.flag()
            ))),
        }
    };
    if ask.role_arn.is_some() && (ask.from == Some(Source::Aws) || pool.is_none()) {
        return Err(Error::Usage(
            "--role-arn chooses a role of a Cognito identity pool, and these credentials do not come from one".into(),
        ));
    }
    match (ask.from, pool) {
        (Some(Source::Aws), _) => chain(ask.aws_profile.as_deref()),
        (None, _) if ask.aws_profile.is_some() => chain(ask.aws_profile.as_deref()),
        (_, Some(pool)) => identity_pool(home, profile, pool, ask.role_arn.as_deref(), reporter),
        (Some(Source::IdentityPool), None) => Err(Error::Usage(format!(
            "profile {} has no identity pool: `cwsauth configure{} --identity-pool-id REGION:ID`",
            profile.name,
            profile.flag()
        ))),
        (None, None) => chain(None),
    }
}

/// The identity pool's credentials for the logged-in user: the kept ones while they last,
/// else `GetId` + `GetCredentialsForIdentity` with the ID token, kept with the login.
fn identity_pool(
    home: &Home,
    profile: &Profile,
    pool: &str,
    role_arn: Option<&str>,
    reporter: &dyn Reporter,
) -> Result<Resolved> {
    let session = Session::open(home, profile, reporter)?;
    // Kept credentials need no fresh token: the stored set is read first, refreshed only when
    // new credentials must be asked for.
    let tokens = session.tokens()?;
    let now = crate::timefmt::now_epoch();
    let from = |identity: &str| format!("identity pool {pool} (identity {identity})");
    if let Some(kept) = &tokens.aws_credentials
        && kept.identity_pool_id == pool
        && kept.role_arn.as_deref() == role_arn
        && kept.expires_at.saturating_sub(now) > MARGIN
    {
        return Ok(Resolved {
            credentials: Credentials {
                access_key_id: kept.access_key_id.clone(),
                secret_access_key: kept.secret_access_key.clone(),
                session_token: Some(kept.session_token.clone()),
                expiration: Some(UNIX_EPOCH + Duration::from_secs(kept.expires_at.max(0) as u64)),
            },
            from: from(&kept.identity_id),
            kept: true,
        });
    }
    let tokens = session.usable(60)?;
    let id_token = tokens.pick(TokenKind::Id, &profile.name)?;
    let idp = Idp::for_profile(profile)?;
    let provider = provider_name(profile.get(Key::IssuerType), &idp.user_pool_id);
    let got = idp.identity_credentials(
        &IdentityAsk {
            identity_pool: pool,
            provider: &provider,
            role_arn,
        },
        id_token,
    )?;
    let expires_at = got
        .credentials
        .expiration
        .and_then(|e| e.duration_since(UNIX_EPOCH).ok())
        .map_or(now + 3600, |d| {
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
        });
    let keep = CachedCredentials {
        identity_pool_id: pool.to_string(),
        role_arn: role_arn.map(str::to_string),
        identity_id: got.identity_id.clone(),
        access_key_id: got.credentials.access_key_id.clone(),
        secret_access_key: got.credentials.secret_access_key.clone(),
        session_token: got
            .credentials
            .session_token
            .clone()
            .unwrap_or_else(|| Secret::new("")),
        expires_at,
    };
    // Keeping them saves a call next time; failing to keep them does not fail this one.
    if let Err(e) = session.store_credentials(&tokens, keep) {
        tracing::debug!("the identity pool's credentials were not kept: {e}");
    }
    Ok(Resolved {
        credentials: got.credentials,
        from: from(&got.identity_id),
        kept: false,
    })
}

/// The `Logins` key of a user pool: its issuer without the scheme, in the format the profile
/// says the pool issues (`issuer_type`).
fn provider_name(issuer_type: Option<&str>, user_pool_id: &str) -> String {
    let region = crate::profile::region_of_pool(user_pool_id).unwrap_or("");
    let kind = issuer_type
        .and_then(|t| cwsauth_verify::issuer::IssuerType::parse(t).ok())
        .unwrap_or_default();
    let issuer = cwsauth_verify::issuer::cognito_issuer(region, user_pool_id, kind);
    issuer.trim_start_matches("https://").to_string()
}

/// `{api}.execute-api.{region}.amazonaws.com`'s region (a port after the host is ignored).
pub fn region_of_host(host: &str) -> Option<String> {
    let rest = host.split(':').next()?.split_once(".execute-api.")?.1;
    rest.strip_suffix(".amazonaws.com").map(str::to_string)
}

/// The region a signature is for: an execute-api host's own
/// (`{api}.execute-api.{region}.amazonaws.com`), else AWS_REGION, AWS_DEFAULT_REGION, the
/// profile's region, or us-east-1 (the emulator's).
pub fn region_for(url: &str, profile_region: Option<&str>) -> String {
    let from_host = url::Url::parse(url)
        .ok()
        .and_then(|u| region_of_host(u.host_str()?));
    from_host
        .or_else(|| std::env::var("AWS_REGION").ok().filter(|r| !r.is_empty()))
        .or_else(|| {
            std::env::var("AWS_DEFAULT_REGION")
                .ok()
                .filter(|r| !r.is_empty())
        })
        .or_else(|| profile_region.map(str::to_string))
        .unwrap_or_else(|| crate::local::ids::REGION.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_names_the_pool_in_the_format_it_issues() {
        assert_eq!(
            provider_name(None, "eu-west-1_AbC"),
            "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC"
        );
        assert_eq!(
            provider_name(Some("updated"), "eu-west-1_AbC"),
            "issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC"
        );
    }
}
