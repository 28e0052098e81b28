//! The OS keyring store (macOS Keychain, Windows Credential Manager, Secret Service). Each
//! token has its own entry (Windows refuses secrets over 2560 bytes), written under a new
//! generation; the `meta` entry, written last, points at the generation, so a save that fails
//! half-way leaves the previous set whole. Every call runs under a timeout, since a locked or
//! prompting keyring can hang.

use std::sync::mpsc;
use std::time::Duration;

use super::store::{StoreKind, TokenStore};
use super::{LoginMethod, StoreError, TokenSet};
use crate::home::{Home, profile_file_stem};
use crate::redacted::Secret;
use crate::report::Reporter;

const SERVICE: &str = "cwsauth";
/// A keyring that has not answered by then is treated as unavailable.
const TIMEOUT: Duration = Duration::from_secs(5);
/// Larger entries are refused (a JWT is a few KiB).
const MAX_ENTRY: usize = 64 * 1024;

pub struct KeyringStore {
    /// The entries' prefix: the profile (escaped), tagged with the home when one is set.
    name: String,
}

/// What is kept in the `meta` entry: everything but the tokens, and their generation.
#[derive(serde::Serialize, serde::Deserialize)]
struct Meta {
    #[serde(default)]
    generation: u64,
    expires_at: i64,
    method: LoginMethod,
    client_id: String,
    username: Option<String>,
    logged_in_at: i64,
    has_id: bool,
    has_refresh: bool,
    #[serde(default)]
    has_aws: bool,
}

/// Runs a keyring call on its own thread and gives up after [`TIMEOUT`].
fn with_timeout<T: Send + 'static>(
    f: impl FnOnce() -> keyring::Result<T> + Send + 'static,
) -> Result<keyring::Result<T>, StoreError> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(TIMEOUT).map_err(|_| {
        StoreError::KeyringUnavailable(format!(
            "it gave no answer in {} s (is it locked?)",
            TIMEOUT.as_secs()
        ))
    })
}

/// The first line of a keyring error, short enough for one line of ours.
fn short(e: &keyring::Error) -> String {
    crate::sanitize::excerpt(e.to_string().lines().next().unwrap_or(""), 100)
}

impl KeyringStore {
    pub fn new(home: &Home, profile: &str) -> KeyringStore {
        let stem = profile_file_stem(profile);
        KeyringStore {
            name: match home.namespace() {
                Some(tag) => format!("{tag}@{stem}"),
                None => stem,
            },
        }
    }

    fn entry(&self, part: &str) -> String {
        format!("{}/{part}", self.name)
    }

    fn what(&self, part: &str) -> String {
        format!("keyring entry {SERVICE} {}", self.entry(part))
    }

    fn get(&self, part: &str) -> Result<Option<String>, StoreError> {
        let user = self.entry(part);
        match with_timeout(move || keyring::Entry::new(SERVICE, &user)?.get_password())? {
            Ok(v) if v.len() > MAX_ENTRY => Err(StoreError::Corrupt {
                what: self.what(part),
                why: format!("over {MAX_ENTRY} bytes"),
            }),
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e @ (keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_))) => {
                Err(StoreError::KeyringUnavailable(short(&e)))
            }
            Err(e) => Err(StoreError::Corrupt {
                what: self.what(part),
                why: short(&e),
            }),
        }
    }

    fn set(&self, part: &str, value: String) -> Result<(), StoreError> {
        let user = self.entry(part);
        with_timeout(move || keyring::Entry::new(SERVICE, &user)?.set_password(&value))?.map_err(
            |e| StoreError::Unwritable {
                what: self.what(part),
                why: short(&e),
            },
        )
    }

    fn remove(&self, part: &str) -> Result<(), StoreError> {
        let user = self.entry(part);
        match with_timeout(move || keyring::Entry::new(SERVICE, &user)?.delete_credential())? {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(StoreError::Unwritable {
                what: self.what(part),
                why: short(&e),
            }),
        }
    }

    /// Writes and deletes a probe entry: a locked keyring answers reads but refuses writes.
    pub fn check_writable(&self) -> Result<(), StoreError> {
        self.set("probe", "cwsauth".into())
            .and_then(|()| self.remove("probe"))
            .map_err(|e| match e {
                StoreError::KeyringUnavailable(why) => StoreError::KeyringUnavailable(why),
                StoreError::Unwritable { why, .. } => StoreError::KeyringUnavailable(why),
                other => StoreError::KeyringUnavailable(other.to_string()),
            })
    }

    fn meta(&self) -> Result<Option<Meta>, StoreError> {
        let Some(text) = self.get("meta")? else {
            return Ok(None);
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                what: self.what("meta"),
                why: e.to_string(),
            })
    }

    fn remove_generation(&self, generation: u64) -> Result<(), StoreError> {
        for part in ["access", "id", "refresh", "aws"] {
            self.remove(&format!("g{generation}/{part}"))?;
        }
        Ok(())
    }
}

impl TokenStore for KeyringStore {
    fn kind(&self) -> StoreKind {
        StoreKind::Keyring
    }

    fn location(&self) -> String {
        format!("keyring service {SERVICE}, entries {}/*", self.name)
    }

    fn load(&self, _: &dyn Reporter) -> Result<Option<TokenSet>, StoreError> {
        let Some(meta) = self.meta()? else {
            return Ok(None);
        };
        let g = meta.generation;
        let part = |name: &str| -> Result<String, StoreError> {
            let key = format!("g{g}/{name}");
            self.get(&key)?.ok_or_else(|| StoreError::Corrupt {
                what: self.what(&key),
                why: "missing".into(),
            })
        };
        let access = part("access")?;
        let id = meta.has_id.then(|| part("id")).transpose()?;
        let refresh = meta.has_refresh.then(|| part("refresh")).transpose()?;
        let aws = match meta.has_aws.then(|| part("aws")).transpose()? {
            Some(text) => Some(
                serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
                    what: self.what(&format!("g{g}/aws")),
                    why: e.to_string(),
                })?,
            ),
            None => None,
        };
        Ok(Some(TokenSet {
            access_token: Secret::new(access),
            id_token: id.map(Secret::new),
            refresh_token: refresh.map(Secret::new),
            expires_at: meta.expires_at,
            method: meta.method,
            client_id: meta.client_id,
            username: meta.username,
            logged_in_at: meta.logged_in_at,
            aws_credentials: aws,
        }))
    }

    fn save(&self, t: &TokenSet, _: &dyn Reporter) -> Result<(), StoreError> {
        // An unreadable meta is replaced; its generation is unknown, so start after zero.
        let old = self.meta().ok().flatten().map(|m| m.generation);
        let generation = old.map_or(1, |g| g.wrapping_add(1).max(1));
        let g = format!("g{generation}");
        self.set(&format!("{g}/access"), t.access_token.expose().to_string())?;
        if let Some(id) = &t.id_token {
            self.set(&format!("{g}/id"), id.expose().to_string())?;
        }
        if let Some(r) = &t.refresh_token {
            self.set(&format!("{g}/refresh"), r.expose().to_string())?;
        }
        if let Some(aws) = &t.aws_credentials {
            let text = serde_json::to_string(aws).map_err(|e| StoreError::Unwritable {
                what: self.what(&format!("{g}/aws")),
                why: e.to_string(),
            })?;
            self.set(&format!("{g}/aws"), text)?;
        }
        let meta = Meta {
            generation,
            expires_at: t.expires_at,
            method: t.method,
            client_id: t.client_id.clone(),
            username: t.username.clone(),
            logged_in_at: t.logged_in_at,
            has_id: t.id_token.is_some(),
            has_refresh: t.refresh_token.is_some(),
            has_aws: t.aws_credentials.is_some(),
        };
        let meta = serde_json::to_string(&meta).map_err(|e| StoreError::Unwritable {
            what: self.what("meta"),
            why: e.to_string(),
        })?;
        // The switch: readers see the new generation only once all of it is written.
        self.set("meta", meta)?;
        if let Some(old) = old {
            // Leftovers of the old generation are harmless; failing to delete them is not an error.
            let _ = self.remove_generation(old);
        }
        Ok(())
    }

    fn load_secret(&self, name: &str) -> Result<Option<Secret>, StoreError> {
        Ok(self.get(name)?.map(Secret::new))
    }

    fn save_secret(&self, name: &str, value: &Secret) -> Result<(), StoreError> {
        self.set(name, value.expose().to_string())
    }

    fn delete_secret(&self, name: &str) -> Result<bool, StoreError> {
        let had = self.get(name)?.is_some();
        self.remove(name)?;
        Ok(had)
    }

    fn delete(&self) -> Result<(), StoreError> {
        if let Ok(Some(meta)) = self.meta() {
            self.remove_generation(meta.generation)?;
        }
        self.remove("meta")
    }
}
