//! The pool's JWKS for the CLI: a per-URL disk cache so that a warm `verify` makes no request,
//! refetched when older than its maximum age (so a removed key stops verifying) or when a token
//! names an unknown `kid`; after a refetch that still lacks the `kid`, a penalty box holds off
//! further fetches for a while, as aws-jwt-verify does. `--jwks FILE` reads a local set. The
//! keys themselves are parsed by `cwsauth_verify`; every read is bounded.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use cwsauth_verify::{ErrorKind, KeySet, KeySource, PublicKey, VerifyError, kid_not_found};
use serde_json::Value;

/// How long after a refetch that did not find a `kid` no other fetch is made.
pub const PENALTY_BOX: Duration = Duration::from_secs(10);
/// The default maximum age of a cached JWKS (profile key `jwks_max_age`).
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(3600);
pub use cwsauth_verify::MAX_JWKS_BYTES;

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

/// The keys of a JWKS URL (disk-cached under `cache_dir`, refetched past `max_age`) or file.
pub fn key_source(
    jwks: &str,
    cache_dir: &Path,
    max_age: Duration,
) -> Result<Box<dyn KeySource + Send + Sync>, VerifyError> {
    key_source_with(jwks, cache_dir, max_age, false)
}

/// [`key_source`]; `refresh` fetches a URL's keys again unless the cache is under
/// [`PENALTY_BOX`] old (`verify --refresh-keys`).
pub fn key_source_with(
    jwks: &str,
    cache_dir: &Path,
    max_age: Duration,
    refresh: bool,
) -> Result<Box<dyn KeySource + Send + Sync>, VerifyError> {
    match JwksSource::parse(jwks) {
        JwksSource::File(path) => {
            tracing::debug!("keys from the file {}", path.display());
            Ok(Box::new(load_file(&path)?))
        }
        JwksSource::Url(url) => {
            let mut cache = JwksCache::new(url, Some(cache_dir))?.max_age(max_age);
            cache.refresh = refresh;
            Ok(Box::new(cache))
        }
    }
}

/// Reads a key set from a local file (`--jwks FILE`): a regular file of at most
/// [`MAX_JWKS_BYTES`].
pub fn load_file(path: &Path) -> Result<KeySet, VerifyError> {
    let bytes = crate::fsutil::read_capped(path, MAX_JWKS_BYTES).map_err(|e| {
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
    max_age: Duration,
    now: fn() -> i64,
    /// Fetch once even when the cache is fresh (not within the penalty box).
    refresh: bool,
    state: Mutex<Option<Cached>>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct CacheFile {
    url: String,
    fetched_at: i64,
    /// When a refetch last failed to find a token's `kid` (the penalty box starts there).
    #[serde(default)]
    missed_at: Option<i64>,
    jwks: Value,
}

struct Cached {
    fetched_at: i64,
    missed_at: Option<i64>,
    keys: KeySet,
    jwks: Value,
}

impl JwksCache {
    /// `cache_dir` holds one file per URL; `None` keeps keys in memory only. The URL must be
    /// https, or http to a loopback address.
    pub fn new(url: impl Into<String>, cache_dir: Option<&Path>) -> Result<JwksCache, VerifyError> {
        let url = url.into();
        crate::http::check_endpoint("JWKS", &url)
            .map_err(|e| VerifyError::new(ErrorKind::JwksUnavailable, e.to_string()))?;
        let cache_file =
            cache_dir.map(|dir| dir.join(format!("{}.json", crate::home::short_digest(&url, 16))));
        Ok(JwksCache {
            url,
            cache_file,
            max_age: DEFAULT_MAX_AGE,
            now: crate::timefmt::now_epoch,
            refresh: false,
            state: Mutex::new(None),
        })
    }

    /// Refetch a cached set older than this.
    pub fn max_age(mut self, max_age: Duration) -> JwksCache {
        self.max_age = max_age;
        self
    }

    /// A clock other than the system's, for tests.
    pub fn with_clock(mut self, now: fn() -> i64) -> JwksCache {
        self.now = now;
        self
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn load_disk(&self) -> Option<Cached> {
        let path = self.cache_file.as_ref()?;
        // The document plus the cache's own fields.
        let bytes = crate::fsutil::read_capped(path, MAX_JWKS_BYTES + 4096).ok()?;
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
            missed_at: file.missed_at,
            keys,
            jwks: file.jwks,
        })
    }

    fn save_disk(&self, cached: &Cached) {
        let Some(path) = &self.cache_file else { return };
        let file = CacheFile {
            url: self.url.clone(),
            fetched_at: cached.fetched_at,
            missed_at: cached.missed_at,
            jwks: cached.jwks.clone(),
        };
        let written = match serde_json::to_vec(&file) {
            Ok(body) => crate::fsutil::write_atomic(path, &body, 0o600).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = written {
            tracing::warn!("cannot write the JWKS cache {}: {e}", path.display());
        }
    }

    fn fetch(&self) -> Result<Cached, VerifyError> {
        let unavailable = |why: String| {
            VerifyError::new(
                ErrorKind::JwksUnavailable,
                format!("cannot fetch the JWKS from {}: {why}", self.url),
            )
        };
        tracing::debug!("GET {}", self.url);
        let bytes = crate::http::get_capped(&self.url, MAX_JWKS_BYTES)
            .map_err(|e| unavailable(e.reason()))?;
        let jwks: Value = serde_json::from_slice(&bytes)
            .map_err(|e| unavailable(format!("the answer is not JSON ({e})")))?;
        let keys = KeySet::from_value(&jwks)?;
        Ok(Cached {
            fetched_at: (self.now)(),
            missed_at: None,
            keys,
            jwks,
        })
    }
}

impl KeySource for JwksCache {
    fn key(&self, kid: &str) -> Result<PublicKey, VerifyError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let first = state.is_none();
        if first {
            *state = self.load_disk();
        }
        let now = (self.now)();
        let max_age = i64::try_from(self.max_age.as_secs()).unwrap_or(i64::MAX);
        if state.is_none() {
            tracing::debug!("no cached keys for {}; fetching them", self.url);
        }
        if let Some(cached) = state.as_ref() {
            let age = now.saturating_sub(cached.fetched_at);
            // A cache from the future (a clock set back) counts as stale.
            let fresh = (0..=max_age).contains(&age);
            let boxed = (0..PENALTY_BOX.as_secs() as i64).contains(&age);
            if first && self.refresh && fresh && !boxed {
                tracing::debug!(
                    "--refresh-keys: fetching the keys again (the cache is {age}s old)"
                );
            } else if fresh {
                if first {
                    tracing::debug!(
                        "keys from the cache {} (fetched {age}s ago; refetched after {max_age}s)",
                        self.cache_file
                            .as_ref()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default()
                    );
                    if self.refresh {
                        tracing::debug!(
                            "--refresh-keys: not refetching within {}s of the last fetch",
                            PENALTY_BOX.as_secs()
                        );
                    }
                }
                if let Some(key) = cached.keys.lookup(kid) {
                    return key;
                }
                tracing::debug!("kid {kid} is not in the cached keys");
                // Key rotation: an unknown kid refetches, unless the last refetch for an
                // unknown kid was moments ago.
                if let Some(missed) = cached.missed_at
                    && (0..PENALTY_BOX.as_secs() as i64).contains(&now.saturating_sub(missed))
                {
                    tracing::debug!(
                        "kid {kid} unknown; a refetch missed it {}s ago",
                        now - missed
                    );
                    return Err(kid_not_found(kid));
                }
            } else {
                tracing::debug!("JWKS cache is {age}s old (max {max_age}s); refetching");
            }
        }
        let mut fresh = self.fetch()?;
        let key = fresh.keys.lookup(kid);
        if key.is_none() {
            fresh.missed_at = Some(now);
        }
        self.save_disk(&fresh);
        *state = Some(fresh);
        key.unwrap_or_else(|| Err(kid_not_found(kid)))
    }
}

/// The profile's keys: its `jwks_uri` (URL or file), cached under the home, with its
/// `jwks_max_age`. The one way a command gets the verifier's keys.
pub fn for_profile(
    home: &crate::home::Home,
    profile: &crate::profile::Profile,
) -> crate::Result<Box<dyn KeySource + Send + Sync>> {
    let jwks = profile.require(crate::profile::Key::JwksUri)?;
    Ok(key_source(
        jwks,
        &home.cache_dir().join("jwks"),
        profile.jwks_max_age()?,
    )?)
}
