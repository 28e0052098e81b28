//! Why a token was rejected: the error kinds and the error every other module of the crate
//! returns. Imports nothing of the crate, so errors never tie its files into a circle.

/// Why a token was rejected; [`ErrorKind::as_str`] gives the stable names used in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// Not three base64url parts of JSON objects.
    Malformed,
    /// Over [`crate::MAX_TOKEN_BYTES`].
    TooLarge,
    /// An `alg` other than RS256 (including `none`).
    UnsupportedAlg,
    /// No `kid` in the header.
    KidMissing,
    /// No key with the token's `kid`, even after a refetch.
    KidNotFound,
    /// The key named by `kid` is unusable (not RSA, wrong use or alg, bad size or exponent).
    InvalidJwk,
    /// The signature does not match the key.
    InvalidSignature,
    /// `exp` is in the past (beyond the leeway), or absent.
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    NotBefore,
    /// `iat` is in the future (beyond the leeway).
    IatInFuture,
    /// `iss` is not the pinned issuer.
    InvalidIssuer,
    /// `token_use` is not the accepted one.
    InvalidTokenUse,
    /// `client_id` (access) or `aud` (ID) is not an accepted app client.
    InvalidClientId,
    /// None of the required scopes.
    InvalidScope,
    /// None of the required groups.
    InvalidGroup,
    /// A known claim has the wrong JSON type (a string `exp`, say).
    InvalidClaimType,
    /// The keys could not be had (network, file); the token was not judged.
    JwksUnavailable,
}

impl ErrorKind {
    /// Every kind, in the order of the checks.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::Malformed,
        ErrorKind::TooLarge,
        ErrorKind::UnsupportedAlg,
        ErrorKind::KidMissing,
        ErrorKind::KidNotFound,
        ErrorKind::InvalidJwk,
        ErrorKind::InvalidSignature,
        ErrorKind::Expired,
        ErrorKind::NotBefore,
        ErrorKind::IatInFuture,
        ErrorKind::InvalidIssuer,
        ErrorKind::InvalidTokenUse,
        ErrorKind::InvalidClientId,
        ErrorKind::InvalidScope,
        ErrorKind::InvalidGroup,
        ErrorKind::InvalidClaimType,
        ErrorKind::JwksUnavailable,
    ];

    /// The kind's stable name.
    ///
    /// ```
    /// assert_eq!(cwsauth_verify::ErrorKind::KidNotFound.as_str(), "kid_not_found");
    /// ```
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
            ErrorKind::IatInFuture => "iat_in_future",
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

/// One failed check: what was wrong, what was expected, what the token had. `expected` and
/// `actual` serialize as `null` where they do not apply, so JSON readers see every field.
///
/// ```
/// use cwsauth_verify::{ErrorKind, VerifyError};
/// let e = VerifyError::new(ErrorKind::InvalidIssuer, "another issuer").values("a", "b");
/// assert_eq!(e.to_string(), "invalid_issuer: another issuer");
/// assert_eq!(
///     serde_json::to_value(&e).unwrap(),
///     serde_json::json!({"kind": "invalid_issuer", "message": "another issuer", "expected": "a", "actual": "b"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("{kind}: {message}", kind = kind.as_str())]
pub struct VerifyError {
    /// Which check failed.
    pub kind: ErrorKind,
    /// One line for people.
    pub message: String,
    /// What the check wanted, when there is a value to show.
    pub expected: Option<String>,
    /// What the token (or key) had.
    pub actual: Option<String>,
}

impl VerifyError {
    /// An error of `kind` without values.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        VerifyError {
            kind,
            message: message.into(),
            expected: None,
            actual: None,
        }
    }

    /// Adds the expected and actual values.
    pub fn values(mut self, expected: impl Into<String>, actual: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self.actual = Some(actual.into());
        self
    }
}
