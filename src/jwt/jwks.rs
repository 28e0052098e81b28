//! The JSON Web Key Set: parsing and checking keys, and a per-URL disk cache so that a warm
//! `verify` makes no request. An unknown `kid` refetches once; a penalty box stops repeats.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::verify::{ErrorKind, VerifyError};

/// How long after a fetch an unknown `kid` may not trigger another one.
pub const PENALTY_BOX: Duration = Duration::from_secs(10);
/// JWKS documents larger than this are refused.
pub const MAX_JWKS_BYTES: usize = 1024 * 1024;

/// Anything that can hand out the verification key for a `kid`.
pub trait KeySource {
    fn key(&self, kid: &str) -> Result<PublicKey, VerifyError>;
}

/// An RSA public key, parsed once when the JWKS is read so that each verification
/// only does the signature arithmetic.
#[derive(Clone)]
pub struct PublicKey(Arc<ParsedPublicKey>);

impl PublicKey {
    /// Smallest and largest modulus accepted, as in RS256 verifiers generally.
    const BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

    /// Builds the key from the JWK's base64url `n` and `e`.
    fn from_components(kid: &str, n: &str, e: &str) -> Result<PublicKey, VerifyError> {
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
            ));
        }
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

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PublicKey(RSA)")
    }
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Where the keys come from: a URL (cached on disk) or a local file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    Url(String),
    File(PathBuf),
}

impl JwksSource {
    /// `http(s)://…` is a URL, anything else a path.
    pub fn parse(text: &str) -> JwksSource {
        if text.starts_with("https://") || text.starts_with("http://") {
            JwksSource::Url(text.to_string())
        } else {
            JwksSource::File(PathBuf::from(text))
        }
    }
}

/// A parsed key set. Keys that fail the checks are kept with their error, so the error is
/// reported only when a token names that `kid`.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: Vec<(String, Result<PublicKey, VerifyError>)>,
}

impl KeySet {
    /// Parses `{"keys": [...]}`; anything else is `invalid_jwk`.
    pub fn from_json(bytes: &[u8]) -> Result<KeySet, VerifyError> {
        let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
            VerifyError::new(ErrorKind::InvalidJwk, format!("the JWKS is not JSON ({e})"))
        })?;
        Self::from_value(&doc)
    }

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

    pub fn contains(&self, kid: &str) -> bool {
        self.keys.iter().any(|(k, _)| k == kid)
    }

    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(k, _)| k.as_str())
    }

    fn lookup(&self, kid: &str) -> Option<Result<PublicKey, VerifyError>> {
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

fn kid_not_found(kid: &str) -> VerifyError {
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

/// The keys of a JWKS URL (disk-cached under `cache_dir`) or file, for a verification.
pub fn key_source(
    jwks: &str,
    cache_dir: &Path,
) -> Result<Box<dyn KeySource + Send + Sync>, VerifyError> {
    match JwksSource::parse(jwks) {
        JwksSource::File(path) => Ok(Box::new(load_file(&path)?)),
        JwksSource::Url(url) => Ok(Box::new(JwksCache::new(url, Some(cache_dir))?)),
    }
}

/// Reads a key set from a local file (`--jwks FILE`).
pub fn load_file(path: &Path) -> Result<KeySet, VerifyError> {
    let bytes = std::fs::read(path).map_err(|e| {
        VerifyError::new(
            ErrorKind::JwksUnavailable,
            format!("cannot read JWKS file {}: {e}", path.display()),
        )
    })?;
    KeySet::from_json(&bytes)
}

/// The keys of one JWKS URL, read from the disk cache and fetched only when needed.
pub struct JwksCache {
    url: String,
    cache_file: Option<PathBuf>,
    now: fn() -> i64,
    state: Mutex<Option<Cached>>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct CacheFile {
    url: String,
    fetched_at: i64,
    jwks: Value,
}

struct Cached {
    fetched_at: i64,
    keys: KeySet,
}

impl JwksCache {
    /// `cache_dir` holds one file per URL; `None` keeps keys in memory only.
    pub fn new(url: impl Into<String>, cache_dir: Option<&Path>) -> Result<JwksCache, VerifyError> {
        let url = url.into();
        check_url(&url)?;
        let cache_file = cache_dir.map(|dir| dir.join(format!("{}.json", url_digest(&url))));
        Ok(JwksCache {
            url,
            cache_file,
            now: crate::timefmt::now_epoch,
            state: Mutex::new(None),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn load_disk(&self) -> Option<Cached> {
        let path = self.cache_file.as_ref()?;
        let bytes = std::fs::read(path).ok()?;
        let file: CacheFile = match serde_json::from_slice(&bytes) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!("ignoring corrupt JWKS cache {}: {e}", path.display());
                return None;
            }
        };
        if file.url != self.url {
            tracing::warn!(
                "ignoring JWKS cache {} written for another URL",
                path.display()
            );
            return None;
        }
        let keys = KeySet::from_value(&file.jwks).ok()?;
        Some(Cached {
            fetched_at: file.fetched_at,
            keys,
        })
    }

    fn fetch(&self) -> Result<Cached, VerifyError> {
        let unavailable = |why: String| {
            VerifyError::new(
                ErrorKind::JwksUnavailable,
                format!("cannot fetch the JWKS from {}: {why}", self.url),
            )
        };
        tracing::debug!("GET {}", self.url);
        let response = crate::http::blocking_client()
            .get(&self.url)
            .send()
            .map_err(|e| unavailable(crate::http::error_chain(&e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(unavailable(format!("HTTP {status}")));
        }
        let bytes = response
            .bytes()
            .map_err(|e| unavailable(crate::http::error_chain(&e)))?;
        if bytes.len() > MAX_JWKS_BYTES {
            return Err(unavailable(format!(
                "the document is over {MAX_JWKS_BYTES} bytes"
            )));
        }
        let jwks: Value = serde_json::from_slice(&bytes)
            .map_err(|e| unavailable(format!("the answer is not JSON ({e})")))?;
        let keys = KeySet::from_value(&jwks)?;
        let fetched_at = (self.now)();
        if let Some(path) = &self.cache_file {
            let file = CacheFile {
                url: self.url.clone(),
                fetched_at,
                jwks,
            };
            let body = serde_json::to_vec(&file).unwrap_or_default();
            if let Err(e) = crate::fsutil::write_atomic(path, &body, 0o644) {
                tracing::warn!("cannot write the JWKS cache {}: {e}", path.display());
            }
        }
        Ok(Cached { fetched_at, keys })
    }
}

impl KeySource for JwksCache {
    fn key(&self, kid: &str) -> Result<PublicKey, VerifyError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.is_none() {
            *state = self.load_disk();
        }
        if let Some(cached) = state.as_ref() {
            if let Some(key) = cached.keys.lookup(kid) {
                return key;
            }
            // Key rotation: an unknown kid refetches, at most once per penalty period.
            let age = (self.now)() - cached.fetched_at;
            if (0..PENALTY_BOX.as_secs() as i64).contains(&age) {
                tracing::debug!("kid {kid} unknown; JWKS fetched {age}s ago, not refetching");
                return Err(kid_not_found(kid));
            }
        }
        let fresh = self.fetch()?;
        let key = fresh.keys.lookup(kid);
        *state = Some(fresh);
        key.unwrap_or_else(|| Err(kid_not_found(kid)))
    }
}

/// JWKS must come over https, except from loopback addresses (the local emulator, tests).
fn check_url(url: &str) -> Result<(), VerifyError> {
    let parsed = url::Url::parse(url).map_err(|e| {
        VerifyError::new(
            ErrorKind::JwksUnavailable,
            format!("bad JWKS URL {url}: {e}"),
        )
    })?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if crate::http::is_loopback(&parsed) => Ok(()),
        _ => Err(VerifyError::new(
            ErrorKind::JwksUnavailable,
            format!(
                "refusing JWKS URL {url}: keys must come over https (plain http only from a loopback address)"
            ),
        )),
    }
}

fn url_digest(url: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, url.as_bytes());
    digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jwk_checks() {
        let set = KeySet::from_value(&json!({"keys": [
            {"kid": "a", "kty": "oct", "k": "c2VjcmV0"},
            {"kid": "b", "kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"},
            {"kid": "c", "kty": "RSA", "alg": "RS512", "n": "AQAB", "e": "AQAB"},
            {"kid": "d", "kty": "RSA", "alg": "RS256", "use": "sig", "n": "AQAB", "e": "AQAB"},
            {"kid": "e", "kty": "RSA", "alg": "RS256", "use": "sig", "n": "AK0", "e": "AQAB"},
            {"kid": "g", "kty": "RSA", "alg": "RS256", "use": "sig", "n": "AAAA", "e": "AQAB"},
            crate::jwt::signing::SigningKey::generate("f").unwrap().jwk(),
        ]}))
        .unwrap();
        for kid in ["a", "b", "c", "d", "e", "g"] {
            assert_eq!(
                set.key(kid).unwrap_err().kind,
                ErrorKind::InvalidJwk,
                "{kid}"
            );
        }
        assert!(set.key("d").unwrap_err().message.contains("17-bit"));
        assert!(set.key("g").unwrap_err().message.contains("bad n or e"));
        assert!(set.key("f").is_ok());
        assert_eq!(set.key("zz").unwrap_err().kind, ErrorKind::KidNotFound);
    }

    #[test]
    fn urls_must_be_https_unless_loopback() {
        assert!(
            check_url("https://cognito-idp.us-east-1.amazonaws.com/x/.well-known/jwks.json")
                .is_ok()
        );
        assert!(check_url("http://127.0.0.1:9/x").is_ok());
        assert!(check_url("http://[::1]:9/x").is_ok());
        assert!(check_url("http://localhost:9/x").is_ok());
        assert!(check_url("http://example.com/x").is_err());
    }
}
