//! Where tokens live: the OS keyring (one entry per token) or a 0600 file per profile, a lock
//! so concurrent refreshes make one request, and [`usable_token`], the one way every command
//! gets a fresh token. Never prints a token; errors name the store, not its contents.

mod file;
mod keyring;
mod refresh;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::{Home, Profile};
use crate::redacted::Secret;

pub use file::FileStore;
pub use keyring::KeyringStore;
pub use refresh::{pick, revoke, usable_token, usable_tokens};

/// How a login was made; it decides how to refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoginMethod {
    HostedUi,
    Password,
    Srp,
    ClientCredentials,
}

impl LoginMethod {
    pub fn describe(self) -> &'static str {
        match self {
            LoginMethod::HostedUi => "hosted UI (authorization code + PKCE)",
            LoginMethod::Password => "password (USER_PASSWORD_AUTH)",
            LoginMethod::Srp => "SRP (USER_SRP_AUTH)",
            LoginMethod::ClientCredentials => "client credentials",
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
}

/// Which token a command wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Id,
    Refresh,
}

impl TokenSet {
    pub fn get(&self, kind: TokenKind) -> Option<&Secret> {
        match kind {
            TokenKind::Access => Some(&self.access_token),
            TokenKind::Id => self.id_token.as_ref(),
            TokenKind::Refresh => self.refresh_token.as_ref(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("not logged in with profile {profile}: run `cwsauth login{flag}`")]
    NotLoggedIn { profile: String, flag: String },
    #[error(
        "the token store {what} is unreadable ({why}); it was left as it is: fix or delete it, then run `cwsauth login`"
    )]
    Corrupt { what: String, why: String },
    #[error("cannot write the token store {what}: {why}")]
    Unwritable { what: String, why: String },
    #[error("the OS keyring is not available ({0})")]
    KeyringUnavailable(String),
    #[error("store {0:?} is not keyring or file")]
    UnknownStore(String),
    #[error("cannot take the token lock {path}: {why}")]
    Lock { path: PathBuf, why: String },
}

/// The two stores behind one face.
pub enum Store {
    Keyring(KeyringStore),
    File(FileStore),
}

impl Store {
    pub fn name(&self) -> &'static str {
        match self {
            Store::Keyring(_) => "keyring",
            Store::File(_) => "file",
        }
    }

    /// Where the tokens are, for messages.
    pub fn location(&self) -> String {
        match self {
            Store::Keyring(k) => k.location(),
            Store::File(f) => f.path().display().to_string(),
        }
    }

    pub fn load(&self) -> Result<Option<TokenSet>, StoreError> {
        match self {
            Store::Keyring(k) => k.load(),
            Store::File(f) => f.load(),
        }
    }

    pub fn save(&self, tokens: &TokenSet) -> Result<(), StoreError> {
        match self {
            Store::Keyring(k) => k.save(tokens),
            Store::File(f) => f.save(tokens),
        }
    }

    pub fn delete(&self) -> Result<(), StoreError> {
        match self {
            Store::Keyring(k) => k.delete(),
            Store::File(f) => f.delete(),
        }
    }
}

/// The store chosen by `--store`, the profile's `store`, or the keyring when it answers
/// (the file otherwise, said once on stderr).
pub fn open(home: &Home, profile: &Profile, choice: Option<&str>) -> Result<Store, StoreError> {
    let file = || FileStore::new(home.data_dir().join("tokens"), &profile.name);
    match choice.or(profile.get("store")) {
        Some("file") => Ok(Store::File(file())),
        Some("keyring") => Ok(Store::Keyring(KeyringStore::connect(&keyring_name(
            home, profile,
        ))?)),
        Some(other) => Err(StoreError::UnknownStore(other.into())),
        None => match KeyringStore::connect(&keyring_name(home, profile)) {
            Ok(k) => Ok(Store::Keyring(k)),
            Err(e) => {
                let f = file();
                crate::output::notice(&format!(
                    "{e}; using the file store {} (choose with --store or the profile key store)",
                    f.path().display()
                ));
                Ok(Store::File(f))
            }
        },
    }
}

/// [`open`] for a command that will write: a keyring that answers reads but refuses writes
/// (a locked collection) is caught now, and an automatic choice falls back to the file.
pub fn open_writable(
    home: &Home,
    profile: &Profile,
    choice: Option<&str>,
) -> Result<Store, StoreError> {
    let store = open(home, profile, choice)?;
    let Store::Keyring(keyring) = &store else {
        return Ok(store);
    };
    match keyring.check_writable() {
        Ok(()) => Ok(store),
        Err(e) if choice.or(profile.get("store")).is_none() => {
            let f = FileStore::new(home.data_dir().join("tokens"), &profile.name);
            crate::output::notice(&format!(
                "{e}; using the file store {} (choose with --store or the profile key store)",
                f.path().display()
            ));
            Ok(Store::File(f))
        }
        Err(e) => Err(e),
    }
}

/// The profile's name in the keyring: `name`, or `tag@name` under a `CWSAUTH_HOME`.
fn keyring_name(home: &Home, profile: &Profile) -> String {
    match home.namespace() {
        Some(tag) => format!("{tag}@{}", profile.name),
        None => profile.name.clone(),
    }
}

/// Holds the profile's token lock until dropped: one refresh at a time, across processes.
pub struct TokenLock {
    _file: std::fs::File,
}

pub fn lock(home: &Home, profile: &str) -> Result<TokenLock, StoreError> {
    let dir = home.data_dir().join("locks");
    let path = dir.join(format!("{}.lock", file::safe_name(profile)));
    let err = |why: String| StoreError::Lock {
        path: path.clone(),
        why,
    };
    crate::fsutil::create_private_dir(&dir).map_err(|e| err(e.to_string()))?;
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| err(e.to_string()))?;
    f.lock().map_err(|e| err(e.to_string()))?;
    Ok(TokenLock { _file: f })
}
