//! Which store holds a profile's tokens: chosen once, at login (flag, the profile's `store`, or
//! the keyring when one answers a write), and remembered next to the file store, so a
//! profile's tokens never split across two stores.

use std::path::PathBuf;

use super::StoreError;
use super::file::{FileStore, tokens_dir};
use super::keyring::KeyringStore;
use super::store::{StoreKind, TokenStore};
use crate::home::{Home, profile_file_stem};
use crate::profile::Profile;
use crate::report::{Event, Reporter};

/// The file that remembers which store a profile's login chose.
fn choice_file(home: &Home, profile: &str) -> PathBuf {
    tokens_dir(home).join(format!("{}.store", profile_file_stem(profile)))
}

/// The store the profile's login chose, if it is logged in.
pub fn remembered(home: &Home, profile: &str) -> Result<Option<StoreKind>, StoreError> {
    let path = choice_file(home, profile);
    match crate::fsutil::read_capped(&path, 64) {
        Ok(bytes) => StoreKind::parse(&String::from_utf8_lossy(&bytes)).map(Some),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(StoreError::Unreadable {
            what: path.display().to_string(),
            why: e.to_string(),
        }),
    }
}

/// Remembers where the login put the tokens.
pub fn remember(
    home: &Home,
    profile: &str,
    kind: StoreKind,
    reporter: &dyn Reporter,
) -> Result<(), StoreError> {
    let path = choice_file(home, profile);
    let repairs =
        crate::fsutil::write_atomic(&path, format!("{}\n", kind.as_str()).as_bytes(), 0o600)
            .map_err(|e| StoreError::Unwritable {
                what: path.display().to_string(),
                why: e.to_string(),
            })?;
    for r in &repairs {
        reporter.report(Event::Repaired(r));
    }
    Ok(())
}

/// Forgets the choice (logout).
pub fn forget(home: &Home, profile: &str) -> Result<(), StoreError> {
    let path = choice_file(home, profile);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::Unwritable {
            what: path.display().to_string(),
            why: e.to_string(),
        }),
    }
}

/// The store a command other than login uses: the one the login chose; for a login made
/// before choices were remembered, the file store when it has tokens.
pub fn for_profile(home: &Home, profile: &Profile) -> Result<Box<dyn TokenStore>, StoreError> {
    let kind = remembered(home, &profile.name)?.unwrap_or(StoreKind::File);
    Ok(open(home, profile, kind))
}

/// The store of `kind` for the profile.
pub fn open(home: &Home, profile: &Profile, kind: StoreKind) -> Box<dyn TokenStore> {
    match kind {
        StoreKind::File => Box::new(FileStore::new(home, &profile.name)),
        StoreKind::Keyring => Box::new(KeyringStore::new(home, &profile.name)),
    }
}

/// The store a login writes to: `choice` (flag or the profile's `store`), else the keyring
/// when one takes a write, else the file store (said once, in one line).
pub fn for_login(
    home: &Home,
    profile: &Profile,
    choice: Option<StoreKind>,
    reporter: &dyn Reporter,
) -> Result<Box<dyn TokenStore>, StoreError> {
    if let Some(kind) = choice {
        if kind == StoreKind::Keyring {
            KeyringStore::new(home, &profile.name).check_writable()?;
        }
        return Ok(open(home, profile, kind));
    }
    let keyring = KeyringStore::new(home, &profile.name);
    match keyring.check_writable() {
        Ok(()) => Ok(Box::new(keyring)),
        Err(e) => {
            let file = FileStore::new(home, &profile.name);
            // The library's own words are for -v; the warning is said once per profile (not
            // again while its last login fell back the same way).
            tracing::debug!("the keyring refused a write: {e}");
            if remembered(home, &profile.name).ok().flatten() != Some(StoreKind::File) {
                reporter.report(Event::KeyringFallback {
                    why: NO_KEYRING,
                    file: file.path(),
                });
            }
            Ok(Box::new(file))
        }
    }
}

/// Why the keyring is not used, in the words of the platform.
#[cfg(target_os = "linux")]
const NO_KEYRING: &str =
    "no Secret Service (GNOME Keyring, KWallet) answers on this session's D-Bus";
#[cfg(target_os = "macos")]
const NO_KEYRING: &str = "the login keychain could not be written";
#[cfg(target_os = "windows")]
const NO_KEYRING: &str = "the Windows Credential Manager could not be written";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
const NO_KEYRING: &str = "this platform's keyring could not be written";
