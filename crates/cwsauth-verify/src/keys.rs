//! The JSON Web Key Set: parsing and checking RSA keys once, and [`KeySource`], the trait for
//! wherever keys come from (a parsed set here; a cached HTTP fetch in the CLI or a Lambda).

use std::sync::Arc;

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::error::{ErrorKind, VerifyError};

/// JWKS documents larger than this are refused; readers should stop reading past it.
pub const MAX_JWKS_BYTES: usize = 1024 * 1024;

/// Anything that can hand out the verification key for a `kid`: a [`KeySet`], or a cache that
/// fetches the pool's JWKS when a `kid` is unknown.
///
/// ```
/// use cwsauth_verify::{ErrorKind, KeySource, PublicKey, VerifyError};
///
/// /// A source with no keys at all.
/// struct Empty;
/// impl KeySource for Empty {
///     fn key(&self, kid: &str) -> Result<PublicKey, VerifyError> {
///         Err(VerifyError::new(ErrorKind::KidNotFound, format!("no key {kid}")))
///     }
/// }
/// assert_eq!(Empty.key("k").unwrap_err().kind, ErrorKind::KidNotFound);
/// ```
pub trait KeySource {
    /// The key for `kid`, or why there is none (`kid_not_found`, `invalid_jwk`,
    /// `jwks_unavailable`).
    fn key(&self, kid: &str) -> Result<PublicKey, VerifyError>;
}

/// An RSA public key, parsed once when the JWKS is read so that each verification only does
/// the signature arithmetic.
#[derive(Clone)]
pub struct PublicKey(Arc<ParsedPublicKey>);

impl PublicKey {
    /// Smallest and largest modulus accepted, as in RS256 verifiers generally.
    const BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

    /// Builds the key from a JWK's base64url `n` and `e`, refusing moduli outside 2048–8192
    /// bits and exponents that are even, below 3 or over 33 bits.
    ///
    /// ```
    /// use cwsauth_verify::{ErrorKind, PublicKey};
    /// // n = 0xAD (an 8-bit modulus): far too small.
    /// let e = PublicKey::from_components("k", "rQ", "AQAB").unwrap_err();
    /// assert_eq!(e.kind, ErrorKind::InvalidJwk);
    /// ```
    pub fn from_components(kid: &str, n: &str, e: &str) -> Result<PublicKey, VerifyError> {
        let bad = || VerifyError::new(ErrorKind::InvalidJwk, format!("key {kid} has a bad n or e"));
        let n = URL_SAFE_NO_PAD
            .decode(n.trim_end_matches('='))
            .map_err(|_| bad())?;
        let e = URL_SAFE_NO_PAD
            .decode(e.trim_end_matches('='))
            .map_err(|_| bad())?;
        // Some encoders keep a sign byte; the key components must not have leading zeros.
        let n = strip_zeros(&n);
        let e = strip_zeros(&e);
        let Some(first) = n.first() else {
            return Err(bad());
        };
        let bits = n.len() * 8 - first.leading_zeros() as usize;
        if !Self::BITS.contains(&bits) {
            return Err(VerifyError::new(
                ErrorKind::InvalidJwk,
                format!(
                    "key {kid} is a {bits}-bit RSA key; RS256 keys must have 2048 to 8192 bits"
                ),
            )
            .values("2048 to 8192 bits", format!("{bits} bits")));
        }
        check_exponent(kid, e)?;
        RsaPublicKeyComponents { n, e }
            .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
            .map(|key| PublicKey(Arc::new(key)))
            .map_err(|_| bad())
    }

    /// Whether `signature` is this key's RS256 signature of `message`.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        self.0.verify_sig(message, signature).is_ok()
    }
}

/// RSA's public exponent must be odd and at least 3; aws-lc takes at most 33 bits.
fn check_exponent(kid: &str, e: &[u8]) -> Result<(), VerifyError> {
    let value = (e.len() <= 5).then(|| e.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b)));
    match value {
        Some(v) if v >= 3 && v % 2 == 1 && v < 1 << 33 => Ok(()),
        other => Err(VerifyError::new(
            ErrorKind::InvalidJwk,
            format!("key {kid} has a bad public exponent; RSA needs an odd e of at least 3"),
        )
        .values(
            "odd e >= 3",
            other.map_or_else(|| "over 33 bits".to_string(), |v| format!("e = {v}")),
        )),
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PublicKey(RSA)")
    }
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// A parsed key set. Keys that fail the checks are kept with their error, so the error is
/// reported only when a token names that `kid`.
///
/// ```
/// use cwsauth_verify::{ErrorKind, KeySet, KeySource};
/// let set = KeySet::from_json(br#"{"keys": [{"kid": "a", "kty": "oct", "k": "c2VjcmV0"}]}"#).unwrap();
/// assert!(set.contains("a"));
/// assert_eq!(set.key("a").unwrap_err().kind, ErrorKind::InvalidJwk);
/// assert_eq!(set.key("b").unwrap_err().kind, ErrorKind::KidNotFound);
/// ```
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: Vec<(String, Result<PublicKey, VerifyError>)>,
}

impl KeySet {
    /// Parses `{"keys": [...]}` from bytes; anything else is `invalid_jwk`.
    pub fn from_json(bytes: &[u8]) -> Result<KeySet, VerifyError> {
        if bytes.len() > MAX_JWKS_BYTES {
            return Err(VerifyError::new(
                ErrorKind::InvalidJwk,
                format!("the JWKS is over {MAX_JWKS_BYTES} bytes"),
            ));
        }
        let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
            VerifyError::new(ErrorKind::InvalidJwk, format!("the JWKS is not JSON ({e})"))
        })?;
        Self::from_value(&doc)
    }

    /// Parses an already decoded `{"keys": [...]}` document.
    pub fn from_value(doc: &Value) -> Result<KeySet, VerifyError> {
        let Some(keys) = doc.get("keys").and_then(Value::as_array) else {
            return Err(VerifyError::new(
                ErrorKind::InvalidJwk,
                "the JWKS has no \"keys\" array",
            ));
        };
        let keys = keys
            .iter()
            .filter_map(|jwk| {
                let kid = jwk.get("kid")?.as_str()?.to_string();
                let key = check_jwk(&kid, jwk);
                Some((kid, key))
            })
            .collect();
        Ok(KeySet { keys })
    }

    /// Whether the set has a key (usable or not) with this `kid`.
    pub fn contains(&self, kid: &str) -> bool {
        self.keys.iter().any(|(k, _)| k == kid)
    }

    /// The `kid`s of the set, in document order.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(k, _)| k.as_str())
    }

    /// The key for `kid`, or its error; `None` when the set has no such `kid`.
    pub fn lookup(&self, kid: &str) -> Option<Result<PublicKey, VerifyError>> {
        self.keys
            .iter()
            .find(|(k, _)| k == kid)
            .map(|(_, key)| key.clone())
    }
}

impl KeySource for KeySet {
    fn key(&self, kid: &str) -> Result<PublicKey, VerifyError> {
        self.lookup(kid).unwrap_or_else(|| Err(kid_not_found(kid)))
    }
}

/// The error for a `kid` that no key of the set has.
pub fn kid_not_found(kid: &str) -> VerifyError {
    VerifyError::new(
        ErrorKind::KidNotFound,
        format!("no key with kid {kid} in the JWKS"),
    )
}

fn check_jwk(kid: &str, jwk: &Value) -> Result<PublicKey, VerifyError> {
    let field = |name: &str| jwk.get(name).and_then(Value::as_str);
    let bad = |msg: String| Err(VerifyError::new(ErrorKind::InvalidJwk, msg));
    if field("kty") != Some("RSA") {
        return Err(VerifyError::new(
            ErrorKind::InvalidJwk,
            format!("key {kid} is not an RSA key"),
        )
        .values(
            "kty RSA",
            jwk.get("kty").map_or("absent".into(), Value::to_string),
        ));
    }
    if let Some(u) = jwk.get("use")
        && u.as_str() != Some("sig")
    {
        return bad(format!("key {kid} is for use {u}, not sig"));
    }
    if let Some(alg) = jwk.get("alg")
        && alg.as_str() != Some("RS256")
    {
        return bad(format!("key {kid} is for alg {alg}, the token uses RS256"));
    }
    let (Some(n), Some(e)) = (field("n"), field("e")) else {
        return bad(format!("key {kid} lacks its n or e"));
    };
    PublicKey::from_components(kid, n, e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jwk_checks() {
        let good = crate::signing::SigningKey::generate("f").unwrap().jwk();
        let with_e = |kid: &str, e: &str| {
            let mut jwk = good.clone();
            jwk["kid"] = json!(kid);
            jwk["e"] = json!(e);
            jwk
        };
        let set = KeySet::from_value(&json!({"keys": [
            {"kid": "a", "kty": "oct", "k": "c2VjcmV0"},
            {"kid": "b", "kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"},
            {"kid": "c", "kty": "RSA", "alg": "RS512", "n": "AQAB", "e": "AQAB"},
            {"kid": "d", "kty": "RSA", "alg": "RS256", "use": "sig", "n": "AQAB", "e": "AQAB"},
            {"kid": "e", "kty": "RSA", "alg": "RS256", "use": "sig", "n": "AK0", "e": "AQAB"},
            {"kid": "g", "kty": "RSA", "alg": "RS256", "use": "sig", "n": "AAAA", "e": "AQAB"},
            with_e("e1", "AQ"),
            with_e("e2", "Ag"),
            with_e("e0", "AA"),
            with_e("ebig", "AQAAAAAB"),
            good,
        ]}))
        .unwrap();
        for kid in ["a", "b", "c", "d", "e", "g", "e1", "e2", "e0", "ebig"] {
            assert_eq!(
                set.key(kid).unwrap_err().kind,
                ErrorKind::InvalidJwk,
                "{kid}"
            );
        }
        assert!(set.key("d").unwrap_err().message.contains("17-bit"));
        assert!(set.key("g").unwrap_err().message.contains("bad n or e"));
        let e1 = set.key("e1").unwrap_err();
        assert!(e1.message.contains("bad public exponent"), "{e1:?}");
        assert_eq!(e1.actual.as_deref(), Some("e = 1"));
        assert_eq!(
            set.key("ebig").unwrap_err().actual.as_deref(),
            Some("over 33 bits")
        );
        assert!(set.key("f").is_ok());
        assert_eq!(set.key("zz").unwrap_err().kind, ErrorKind::KidNotFound);
    }
}
