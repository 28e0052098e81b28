//! The checks of a Cognito JWT authorizer: aws-jwt-verify's `CognitoJwtVerifier` plus AWS's
//! documented steps, each failure a typed [`VerifyError`] with the expected and actual values.

use serde_json::{Map, Value};

use super::jwks::KeySource;
use super::{Decoded, decode};

/// Why a token was rejected; the names are the `kind` values of `verify --json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    Malformed,
    TooLarge,
    UnsupportedAlg,
    KidMissing,
    KidNotFound,
    InvalidJwk,
    InvalidSignature,
    Expired,
    NotBefore,
    InvalidIssuer,
    InvalidTokenUse,
    InvalidClientId,
    InvalidScope,
    InvalidGroup,
    InvalidClaimType,
    JwksUnavailable,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Malformed => "malformed",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::UnsupportedAlg => "unsupported_alg",
            ErrorKind::KidMissing => "kid_missing",
            ErrorKind::KidNotFound => "kid_not_found",
            ErrorKind::InvalidJwk => "invalid_jwk",
            ErrorKind::InvalidSignature => "invalid_signature",
            ErrorKind::Expired => "expired",
            ErrorKind::NotBefore => "not_before",
            ErrorKind::InvalidIssuer => "invalid_issuer",
            ErrorKind::InvalidTokenUse => "invalid_token_use",
            ErrorKind::InvalidClientId => "invalid_client_id",
            ErrorKind::InvalidScope => "invalid_scope",
            ErrorKind::InvalidGroup => "invalid_group",
            ErrorKind::InvalidClaimType => "invalid_claim_type",
            ErrorKind::JwksUnavailable => "jwks_unavailable",
        }
    }
}

/// One failed check: what was wrong, what was expected, what the token had.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("{kind}: {message}", kind = kind.as_str())]
pub struct VerifyError {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
}

impl VerifyError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        VerifyError {
            kind,
            message: message.into(),
            expected: None,
            actual: None,
        }
    }

    pub fn values(mut self, expected: impl Into<String>, actual: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self.actual = Some(actual.into());
        self
    }
}

/// Which token the caller accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TokenUse {
    #[default]
    Access,
    Id,
    Any,
}

/// What a token must satisfy besides its signature.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    /// The pinned issuer, `https://cognito-idp.{region}.amazonaws.com/{pool}`.
    pub issuer: String,
    /// Accepted app client ids (`client_id` of access tokens, `aud` of ID tokens); empty skips.
    pub client_ids: Vec<String>,
    pub token_use: TokenUse,
    /// At least one of these must be in `scope` (empty: no requirement).
    pub scopes: Vec<String>,
    /// At least one of these must be in `cognito:groups` (empty: no requirement).
    pub groups: Vec<String>,
    /// Seconds of clock skew allowed on `exp` and `nbf`.
    pub leeway: u64,
}

/// A token that passed every check.
#[derive(Debug, Clone)]
pub struct Verified {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
}

impl Verified {
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

/// A rejected token, with whatever could be decoded of it for the report.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub error: VerifyError,
    pub header: Option<Map<String, Value>>,
    pub claims: Option<Map<String, Value>>,
}

// A rejection carries the decoded parts for the report; it is the cold path.
#[allow(clippy::result_large_err)]
/// Verifies `token` at time `now` (Unix seconds) against `checks`, with keys from `keys`.
pub fn verify(
    token: &str,
    checks: &Checks,
    keys: &dyn KeySource,
    now: i64,
) -> Result<Verified, Rejection> {
    let decoded = decode(token).map_err(|error| Rejection {
        error,
        header: None,
        claims: None,
    })?;
    match check(&decoded, checks, keys, now) {
        Ok(()) => Ok(Verified {
            header: decoded.header,
            claims: decoded.claims,
        }),
        Err(error) => Err(Rejection {
            error,
            header: Some(decoded.header),
            claims: Some(decoded.claims),
        }),
    }
}

fn check(
    d: &Decoded<'_>,
    checks: &Checks,
    keys: &dyn KeySource,
    now: i64,
) -> Result<(), VerifyError> {
    let alg = d.header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg != "RS256" {
        return Err(
            VerifyError::new(ErrorKind::UnsupportedAlg, "Cognito signs with RS256 only")
                .values("RS256", shown(d.header.get("alg"))),
        );
    }
    let kid = match d.header.get("kid") {
        Some(Value::String(kid)) if !kid.is_empty() => kid.as_str(),
        _ => {
            return Err(VerifyError::new(
                ErrorKind::KidMissing,
                "the header has no kid, so no key can be chosen",
            ));
        }
    };
    check_claim_types(&d.claims)?;
    let iss = d.claims.get("iss").and_then(Value::as_str);
    if iss != Some(checks.issuer.as_str()) {
        return Err(
            VerifyError::new(ErrorKind::InvalidIssuer, "the token is from another issuer")
                .values(checks.issuer.clone(), shown(d.claims.get("iss"))),
        );
    }

    let key = keys.key(kid)?;
    if !key.verifies(d.signing_input.as_bytes(), &d.signature) {
        return Err(VerifyError::new(
            ErrorKind::InvalidSignature,
            format!("the signature does not match key {kid}"),
        ));
    }

    let leeway = checks.leeway as i64;
    match number(&d.claims, "exp") {
        None => {
            return Err(
                VerifyError::new(ErrorKind::Expired, "the token has no exp claim")
                    .values("exp present", "absent"),
            );
        }
        Some(exp) if exp + leeway < now => {
            return Err(VerifyError::new(
                ErrorKind::Expired,
                format!(
                    "the token expired at {} ({})",
                    crate::timefmt::rfc3339(exp),
                    crate::timefmt::relative("exp", exp, now)
                ),
            )
            .values(
                format!("exp >= {} (now, leeway {leeway}s)", now - leeway),
                format!("exp = {exp}"),
            ));
        }
        Some(_) => {}
    }
    if let Some(nbf) = number(&d.claims, "nbf")
        && nbf > now + leeway
    {
        return Err(VerifyError::new(
            ErrorKind::NotBefore,
            format!(
                "the token is not valid before {}",
                crate::timefmt::rfc3339(nbf)
            ),
        )
        .values(format!("nbf <= {}", now + leeway), format!("nbf = {nbf}")));
    }

    let token_use = d
        .claims
        .get("token_use")
        .and_then(Value::as_str)
        .unwrap_or("");
    let wanted = match checks.token_use {
        TokenUse::Access => &["access"][..],
        TokenUse::Id => &["id"][..],
        TokenUse::Any => &["access", "id"][..],
    };
    if !wanted.contains(&token_use) {
        return Err(VerifyError::new(
            ErrorKind::InvalidTokenUse,
            match checks.token_use {
                TokenUse::Id => "an ID token is required",
                TokenUse::Access => "an access token is required",
                TokenUse::Any => "token_use must be access or id",
            },
        )
        .values(wanted.join(" or "), shown(d.claims.get("token_use"))));
    }

    if !checks.client_ids.is_empty() {
        let (claim, actual) = if token_use == "access" {
            ("client_id", d.claims.get("client_id"))
        } else {
            ("aud", d.claims.get("aud"))
        };
        let matches = match actual {
            Some(Value::String(s)) => checks.client_ids.contains(s),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .any(|s| checks.client_ids.iter().any(|c| c == s)),
            _ => false,
        };
        if !matches {
            return Err(VerifyError::new(
                ErrorKind::InvalidClientId,
                format!("the token's {claim} is not an accepted app client"),
            )
            .values(checks.client_ids.join(" or "), shown(actual)));
        }
    }

    if !checks.scopes.is_empty() {
        let scope = d.claims.get("scope").and_then(Value::as_str).unwrap_or("");
        if !scope
            .split(' ')
            .any(|s| checks.scopes.iter().any(|w| w == s))
        {
            return Err(VerifyError::new(
                ErrorKind::InvalidScope,
                "the token has none of the required scopes",
            )
            .values(checks.scopes.join(" or "), shown(d.claims.get("scope"))));
        }
    }

    if !checks.groups.is_empty() {
        let groups = d.claims.get("cognito:groups").and_then(Value::as_array);
        let any = groups.is_some_and(|g| {
            g.iter()
                .filter_map(Value::as_str)
                .any(|s| checks.groups.iter().any(|w| w == s))
        });
        if !any {
            return Err(VerifyError::new(
                ErrorKind::InvalidGroup,
                "the user is in none of the required groups",
            )
            .values(
                checks.groups.join(" or "),
                shown(d.claims.get("cognito:groups")),
            ));
        }
    }
    Ok(())
}

/// A present claim of the wrong type is an error, never "absent": a string `exp` must not
/// make a token immortal.
fn check_claim_types(claims: &Map<String, Value>) -> Result<(), VerifyError> {
    for name in ["exp", "nbf", "iat", "auth_time"] {
        if let Some(v) = claims.get(name)
            && !v.is_number()
        {
            return Err(type_error(name, "a number of seconds", v));
        }
    }
    for name in ["iss", "token_use", "client_id", "scope", "username", "sub"] {
        if let Some(v) = claims.get(name)
            && !v.is_string()
        {
            return Err(type_error(name, "a string", v));
        }
    }
    if let Some(v) = claims.get("aud") {
        let ok = v.is_string() || v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
        if !ok {
            return Err(type_error("aud", "a string or an array of strings", v));
        }
    }
    if let Some(v) = claims.get("cognito:groups")
        && !v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
    {
        return Err(type_error("cognito:groups", "an array of strings", v));
    }
    Ok(())
}

fn type_error(name: &str, expected: &str, actual: &Value) -> VerifyError {
    VerifyError::new(
        ErrorKind::InvalidClaimType,
        format!("the {name} claim must be {expected}"),
    )
    .values(expected, shown(Some(actual)))
}

fn number(claims: &Map<String, Value>, name: &str) -> Option<i64> {
    claims.get(name).and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_u64().map(|u| u.min(i64::MAX as u64) as i64))
            // NumericDate may have a fraction (RFC 7519 §2); the cast saturates.
            .or_else(|| v.as_f64().map(|f| f.floor() as i64))
    })
}

fn shown(value: Option<&Value>) -> String {
    match value {
        None => "absent".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}
