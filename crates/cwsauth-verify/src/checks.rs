//! The checks of a Cognito JWT authorizer: aws-jwt-verify's `CognitoJwtVerifier` plus AWS's
//! documented steps. Every check is explicit in [`Checks`]; each failure is a typed
//! [`VerifyError`] with the expected and actual values, never the token itself.

use serde_json::{Map, Value};

use crate::error::{ErrorKind, VerifyError};
use crate::keys::KeySource;
use crate::time::{relative, rfc3339};
use crate::token::{Decoded, decode};

/// Which token the caller accepts (`token_use`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// Access tokens only: what API authorizers should accept.
    Access,
    /// ID tokens only.
    Id,
    /// Either.
    Any,
}

/// The app clients a token may come from. There is no default: skipping the check has to be
/// written out as [`ClientIds::Any`], as aws-jwt-verify's `clientId: null`.
///
/// ```
/// use cwsauth_verify::ClientIds;
/// assert!(ClientIds::one_of(["app"]).accepts("app"));
/// assert!(!ClientIds::one_of(["app"]).accepts("other"));
/// assert!(ClientIds::Any.accepts("anything"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientIds {
    /// No client check at all.
    Any,
    /// `client_id` (access tokens) or `aud` (ID tokens) must be one of these.
    OneOf(Vec<String>),
}

impl ClientIds {
    /// A list of accepted client ids.
    pub fn one_of<S: Into<String>>(ids: impl IntoIterator<Item = S>) -> ClientIds {
        ClientIds::OneOf(ids.into_iter().map(Into::into).collect())
    }

    /// Whether `id` passes.
    pub fn accepts(&self, id: &str) -> bool {
        match self {
            ClientIds::Any => true,
            ClientIds::OneOf(ids) => ids.iter().any(|c| c == id),
        }
    }
}

/// What a token must satisfy besides its signature. The issuer, the token use and the clients
/// are required by [`Checks::new`]; scopes, groups and leeway are optional requirements.
///
/// ```
/// use cwsauth_verify::{Checks, ClientIds, TokenUse};
/// let checks = Checks::new(
///     "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example",
///     TokenUse::Access,
///     ClientIds::one_of(["app"]),
/// )
/// .scopes(["orders/read"])
/// .leeway(5);
/// assert_eq!(checks.leeway, 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checks {
    /// The pinned issuer, `https://cognito-idp.{region}.amazonaws.com/{pool}`.
    pub issuer: String,
    /// Which token is accepted.
    pub token_use: TokenUse,
    /// Accepted app clients.
    pub clients: ClientIds,
    /// At least one of these must be in `scope` (empty: no requirement).
    pub scopes: Vec<String>,
    /// At least one of these must be in `cognito:groups` (empty: no requirement).
    pub groups: Vec<String>,
    /// Seconds of clock skew allowed on `exp`, `nbf` and `iat`.
    pub leeway: u64,
}

impl Checks {
    /// The required checks; no scope or group requirement, no leeway.
    pub fn new(issuer: impl Into<String>, token_use: TokenUse, clients: ClientIds) -> Checks {
        Checks {
            issuer: issuer.into(),
            token_use,
            clients,
            scopes: Vec::new(),
            groups: Vec::new(),
            leeway: 0,
        }
    }

    /// Requires one of these scopes.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Checks {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Requires membership in one of these groups.
    pub fn groups<S: Into<String>>(mut self, groups: impl IntoIterator<Item = S>) -> Checks {
        self.groups = groups.into_iter().map(Into::into).collect();
        self
    }

    /// Allows this much clock skew, in seconds.
    pub fn leeway(mut self, seconds: u64) -> Checks {
        self.leeway = seconds;
        self
    }
}

/// A token that passed every check.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The JOSE header.
    pub header: Map<String, Value>,
    /// The claims.
    pub claims: Map<String, Value>,
}

impl Verified {
    /// A string claim.
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

/// A rejected token, with whatever could be decoded of it for a report.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// Why.
    pub error: VerifyError,
    /// The header, when the token could be decoded.
    pub header: Option<Map<String, Value>>,
    /// The claims, when the token could be decoded (unverified: for reports only).
    pub claims: Option<Map<String, Value>>,
}

impl From<VerifyError> for Rejection {
    fn from(error: VerifyError) -> Rejection {
        Rejection {
            error,
            header: None,
            claims: None,
        }
    }
}

/// Verifies `token` at time `now` (Unix seconds) against `checks`, with keys from `keys`.
/// The order is aws-jwt-verify's: shape, alg, kid, claim types, issuer, signature, times,
/// token use, client, scopes, groups.
///
/// ```
/// use cwsauth_verify::signing::{SigningKey, jwks_document};
/// use cwsauth_verify::{Checks, ClientIds, ErrorKind, KeySet, TokenUse, verify};
/// use serde_json::json;
///
/// let key = SigningKey::generate("kid-1").unwrap();
/// let keys = KeySet::from_value(&jwks_document(&[&key])).unwrap();
/// let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example";
/// let token = key.sign(&json!({
///     "iss": issuer, "token_use": "access", "client_id": "app", "exp": 2_000_000_000,
/// }));
/// let checks = Checks::new(issuer, TokenUse::Access, ClientIds::one_of(["app"]));
/// assert!(verify(&token, &checks, &keys, 1_900_000_000).is_ok());
/// let late = verify(&token, &checks, &keys, 2_000_000_001).unwrap_err();
/// assert_eq!(late.error.kind, ErrorKind::Expired);
/// ```
// A rejection carries the decoded parts for the report; it is the cold path.
#[allow(clippy::result_large_err)]
pub fn verify(
    token: &str,
    checks: &Checks,
    keys: &dyn KeySource,
    now: i64,
) -> Result<Verified, Rejection> {
    let decoded = decode(token).map_err(Rejection::from)?;
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
            )
            .values("a kid", shown(d.header.get("kid"))));
        }
    };
    check_claim_types(&d.claims)?;
    let iss = d.claims.get("iss").and_then(Value::as_str);
    if iss != Some(checks.issuer.as_str()) {
        let message = match iss
            .and_then(|i| crate::issuer::other_format_of_same_pool(&checks.issuer, i))
        {
            Some(kind) => format!(
                "the token is from the same pool's {} issuer format (the pool's IssuerConfiguration.Type); expect that format to accept it",
                kind.name().to_ascii_uppercase()
            ),
            None => "the token is from another issuer".to_string(),
        };
        return Err(VerifyError::new(ErrorKind::InvalidIssuer, message)
            .values(checks.issuer.clone(), shown(d.claims.get("iss"))));
    }

    let key = keys.key(kid)?;
    if !key.verifies(d.signing_input.as_bytes(), &d.signature) {
        return Err(VerifyError::new(
            ErrorKind::InvalidSignature,
            format!("the signature does not match key {kid}"),
        ));
    }
    check_times(&d.claims, now, checks.leeway)?;
    check_audience(&d.claims, checks)
}

fn check_times(claims: &Map<String, Value>, now: i64, leeway: u64) -> Result<(), VerifyError> {
    let leeway = i64::try_from(leeway).unwrap_or(i64::MAX);
    let earliest = now.saturating_sub(leeway);
    let latest = now.saturating_add(leeway);
    match number(claims, "exp") {
        None => {
            return Err(
                VerifyError::new(ErrorKind::Expired, "the token has no exp claim")
                    .values("exp present", "absent"),
            );
        }
        Some(exp) if exp < earliest => {
            return Err(VerifyError::new(
                ErrorKind::Expired,
                format!(
                    "the token expired at {} ({})",
                    rfc3339(exp),
                    relative("exp", exp, now)
                ),
            )
            .values(
                format!("exp >= {earliest} (now, leeway {leeway}s)"),
                format!("exp = {exp}"),
            ));
        }
        Some(_) => {}
    }
    if let Some(nbf) = number(claims, "nbf")
        && nbf > latest
    {
        return Err(VerifyError::new(
            ErrorKind::NotBefore,
            format!("the token is not valid before {}", rfc3339(nbf)),
        )
        .values(format!("nbf <= {latest}"), format!("nbf = {nbf}")));
    }
    if let Some(iat) = number(claims, "iat")
        && iat > latest
    {
        return Err(VerifyError::new(
            ErrorKind::IatInFuture,
            format!(
                "the token claims to be issued at {} ({}), after now: a clock is wrong or the token is forged",
                rfc3339(iat),
                relative("iat", iat, now)
            ),
        )
        .values(format!("iat <= {latest}"), format!("iat = {iat}")));
    }
    Ok(())
}

fn check_audience(claims: &Map<String, Value>, checks: &Checks) -> Result<(), VerifyError> {
    let token_use = claims
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
        .values(wanted.join(" or "), shown(claims.get("token_use"))));
    }

    if let ClientIds::OneOf(ids) = &checks.clients {
        let (claim, actual) = if token_use == "access" {
            ("client_id", claims.get("client_id"))
        } else {
            ("aud", claims.get("aud"))
        };
        let matches = match actual {
            Some(Value::String(s)) => checks.clients.accepts(s),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .any(|s| checks.clients.accepts(s)),
            _ => false,
        };
        if !matches {
            return Err(VerifyError::new(
                ErrorKind::InvalidClientId,
                format!("the token's {claim} is not an accepted app client"),
            )
            .values(ids.join(" or "), shown(actual)));
        }
    }

    if !checks.scopes.is_empty() {
        let scope = claims.get("scope").and_then(Value::as_str).unwrap_or("");
        if !scope
            .split(' ')
            .any(|s| checks.scopes.iter().any(|w| w == s))
        {
            return Err(VerifyError::new(
                ErrorKind::InvalidScope,
                "the token has none of the required scopes",
            )
            .values(checks.scopes.join(" or "), shown(claims.get("scope"))));
        }
    }

    if !checks.groups.is_empty() {
        let groups = claims.get("cognito:groups").and_then(Value::as_array);
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
                shown(claims.get("cognito:groups")),
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

/// A NumericDate claim as whole seconds; fractions are floored and out-of-range values
/// saturate (RFC 7519 §2 allows fractions).
pub fn number(claims: &Map<String, Value>, name: &str) -> Option<i64> {
    claims.get(name).and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_u64().map(|u| i64::try_from(u).unwrap_or(i64::MAX)))
            // `as` from f64 saturates (and maps NaN to 0, which JSON cannot carry anyway).
            .or_else(|| v.as_f64().map(|f| f.floor() as i64))
    })
}

/// The user's groups (`cognito:groups`, an array of strings); none when the claim is missing
/// or is not such an array.
pub fn groups(claims: &Map<String, Value>) -> Vec<&str> {
    claims
        .get("cognito:groups")
        .and_then(Value::as_array)
        .map(|g| g.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn shown(value: Option<&Value>) -> String {
    match value {
        None => "absent".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeySet;
    use crate::signing::{SigningKey, jwks_document};
    use serde_json::json;

    fn setup() -> (SigningKey, KeySet, Checks) {
        let key = SigningKey::generate("k").unwrap();
        let set = KeySet::from_value(&jwks_document(&[&key])).unwrap();
        (
            key,
            set,
            Checks::new("i", TokenUse::Access, ClientIds::one_of(["c"])),
        )
    }

    #[test]
    fn times_use_the_leeway_and_never_wrap() {
        let (key, set, checks) = setup();
        let base = json!({"iss": "i", "token_use": "access", "client_id": "c", "exp": 2000});
        let at = |claims: Value, now: i64, leeway: u64| {
            verify(
                &key.sign(&claims),
                &checks.clone().leeway(leeway),
                &set,
                now,
            )
            .map(|_| ())
            .map_err(|r| r.error.kind)
        };
        assert_eq!(at(base.clone(), 1000, 0), Ok(()));
        let mut future_iat = base.clone();
        future_iat["iat"] = json!(1100);
        assert_eq!(at(future_iat.clone(), 1000, 0), Err(ErrorKind::IatInFuture));
        assert_eq!(at(future_iat.clone(), 1000, 100), Ok(()));
        assert_eq!(at(base.clone(), 2001, 0), Err(ErrorKind::Expired));
        assert_eq!(at(base.clone(), 2001, 1), Ok(()));
        let mut extreme = base.clone();
        extreme["exp"] = json!(i64::MIN);
        assert_eq!(at(extreme, 0, u64::MAX), Err(ErrorKind::Expired));
        let mut nbf = base;
        nbf["nbf"] = json!(i64::MAX);
        assert_eq!(at(nbf, i64::MAX - 1, u64::MAX), Ok(()));
    }

    #[test]
    fn any_client_is_explicit() {
        let (key, set, checks) = setup();
        let token =
            key.sign(&json!({"iss": "i", "token_use": "access", "client_id": "x", "exp": 2000}));
        assert_eq!(
            verify(&token, &checks, &set, 0).unwrap_err().error.kind,
            ErrorKind::InvalidClientId
        );
        let any = Checks::new("i", TokenUse::Access, ClientIds::Any);
        assert!(verify(&token, &any, &set, 0).is_ok());
        // An empty list accepts nobody: it is not "any".
        let none = Checks::new("i", TokenUse::Access, ClientIds::OneOf(Vec::new()));
        assert!(verify(&token, &none, &set, 0).is_err());
    }
}
