//! The OS keyring store (macOS Keychain, Windows Credential Manager, Secret Service): each
//! token in its own entry (Windows refuses secrets over 2560 bytes), every call under a timeout
//! because a locked or prompting keyring can hang.

use std::sync::mpsc;
use std::time::Duration;

use super::{StoreError, TokenSet};
use crate::redacted::Secret;

const SERVICE: &str = "cwsauth";
/// A keyring that has not answered by then is treated as unavailable.
const TIMEOUT: Duration = Duration::from_secs(5);

pub struct KeyringStore {
    profile: String,
}

/// What is kept in the `meta` entry: everything but the tokens.
#[derive(serde::Serialize, serde::Deserialize)]
struct Meta {
    expires_at: i64,
    method: super::LoginMethod,
    client_id: String,
    username: Option<String>,
    logged_in_at: i64,
    has_id: bool,
    has_refresh: bool,
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
            "no answer in {}s; is it locked?",
            TIMEOUT.as_secs()
        ))
    })
}

fn entry_name(profile: &str, part: &str) -> String {
    format!("{profile}/{part}")
}

fn get(profile: &str, part: &str) -> Result<Option<String>, StoreError> {
    let user = entry_name(profile, part);
    match with_timeout(move || keyring::Entry::new(SERVICE, &user)?.get_password())? {
        Ok(v) => Ok(Some(v)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(StoreError::Corrupt {
            what: format!("keyring entry {SERVICE} {profile}/{part}"),
            why: e.to_string(),
        }),
    }
}

fn set(profile: &str, part: &str, value: String) -> Result<(), StoreError> {
    let user = entry_name(profile, part);
    with_timeout(move || keyring::Entry::new(SERVICE, &user)?.set_password(&value))?.map_err(|e| {
        StoreError::Unwritable {
            what: format!("keyring entry {SERVICE} {profile}/{part}"),
            why: e.to_string(),
        }
    })
}

fn delete(profile: &str, part: &str) -> Result<(), StoreError> {
    let user = entry_name(profile, part);
    match with_timeout(move || keyring::Entry::new(SERVICE, &user)?.delete_credential())? {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(StoreError::Unwritable {
            what: format!("keyring entry {SERVICE} {profile}/{part}"),
            why: e.to_string(),
        }),
    }
}

impl KeyringStore {
    /// Checks that a keyring answers (a read of this profile's entry) before using it.
    pub fn connect(profile: &str) -> Result<KeyringStore, StoreError> {
        let user = entry_name(profile, "meta");
        match with_timeout(move || keyring::Entry::new(SERVICE, &user)?.get_password())? {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(KeyringStore {
                profile: profile.to_string(),
            }),
            Err(e) => Err(StoreError::KeyringUnavailable(first_line(&e.to_string()))),
        }
    }

    /// Writes and deletes a probe entry: a locked keyring answers reads but refuses writes.
    pub fn check_writable(&self) -> Result<(), StoreError> {
        set(&self.profile, "probe", "cwsauth".into())
            .and_then(|()| delete(&self.profile, "probe"))
            .map_err(|e| StoreError::KeyringUnavailable(format!("it refuses writes: {e}")))
    }

    pub fn location(&self) -> String {
        format!("keyring service {SERVICE}, entries {}/*", self.profile)
    }

    pub fn load(&self) -> Result<Option<TokenSet>, StoreError> {
        let Some(meta) = get(&self.profile, "meta")? else {
            return Ok(None);
        };
        let meta: Meta = serde_json::from_str(&meta).map_err(|e| StoreError::Corrupt {
            what: format!("keyring entry {SERVICE} {}/meta", self.profile),
            why: e.to_string(),
        })?;
        let missing = |part: &str| StoreError::Corrupt {
            what: format!("keyring entry {SERVICE} {}/{part}", self.profile),
            why: "missing".into(),
        };
        let access = get(&self.profile, "access")?.ok_or_else(|| missing("access"))?;
        let id = if meta.has_id {
            Some(get(&self.profile, "id")?.ok_or_else(|| missing("id"))?)
        } else {
            None
        };
        let refresh = if meta.has_refresh {
            Some(get(&self.profile, "refresh")?.ok_or_else(|| missing("refresh"))?)
        } else {
            None
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
        }))
    }

    pub fn save(&self, t: &TokenSet) -> Result<(), StoreError> {
        set(&self.profile, "access", t.access_token.expose().to_string())?;
        match &t.id_token {
            Some(id) => set(&self.profile, "id", id.expose().to_string())?,
            None => delete(&self.profile, "id")?,
        }
        match &t.refresh_token {
            Some(r) => set(&self.profile, "refresh", r.expose().to_string())?,
            None => delete(&self.profile, "refresh")?,
        }
        // meta last: a reader sees the new tokens only once all are written.
        let meta = Meta {
            expires_at: t.expires_at,
            method: t.method,
            client_id: t.client_id.clone(),
            username: t.username.clone(),
            logged_in_at: t.logged_in_at,
            has_id: t.id_token.is_some(),
            has_refresh: t.refresh_token.is_some(),
        };
        set(
            &self.profile,
            "meta",
            serde_json::to_string(&meta).unwrap_or_default(),
        )
    }

    pub fn delete(&self) -> Result<(), StoreError> {
        for part in ["meta", "access", "id", "refresh"] {
            delete(&self.profile, part)?;
        }
        Ok(())
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").to_string()
}
