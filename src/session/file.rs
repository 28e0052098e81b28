//! The file store: one JSON file per profile, 0600 in a 0700 folder, replaced atomically,
//! never written or chmod-ed through a symlink.

use std::path::{Path, PathBuf};

use super::store::{StoreKind, TokenStore};
use super::{StoreError, TokenSet};
use crate::home::{Home, profile_file_stem};
use crate::redacted::Secret;
use crate::report::{Event, Reporter};

/// Most a token file may be (a set is a few KiB).
const MAX_BYTES: usize = 64 * 1024;

/// The folder of the file store and of the remembered choices.
pub fn tokens_dir(home: &Home) -> PathBuf {
    home.data_dir().join("tokens")
}

/// The path of a profile's file store.
pub fn file_path(home: &Home, profile: &str) -> PathBuf {
    tokens_dir(home).join(format!("{}.json", profile_file_stem(profile)))
}

pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    pub fn new(home: &Home, profile: &str) -> FileStore {
        FileStore {
            path: file_path(home, profile),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn what(&self) -> String {
        self.path.display().to_string()
    }
}

fn report(reporter: &dyn Reporter, repairs: &[crate::fsutil::Repair]) {
    for r in repairs {
        reporter.report(Event::Repaired(r));
    }
}

impl TokenStore for FileStore {
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }

    fn location(&self) -> String {
        self.what()
    }

    fn load(&self, reporter: &dyn Reporter) -> Result<Option<TokenSet>, StoreError> {
        // A token file others can read is tightened as it is read (never through a symlink).
        let (bytes, repairs) = match crate::fsutil::read_private(&self.path, MAX_BYTES) {
            Ok(read) => read,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(crate::fsutil::FsError::Io { source, .. }) => {
                return Err(StoreError::Unreadable {
                    what: self.what(),
                    why: source.to_string(),
                });
            }
            Err(e) => {
                return Err(StoreError::Corrupt {
                    what: self.what(),
                    why: e.to_string(),
                });
            }
        };
        report(reporter, &repairs);
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                what: self.what(),
                why: format!(
                    "not a token file: {}",
                    e.to_string().split(" at line").next().unwrap_or("")
                ),
            })
    }

    fn save(&self, tokens: &TokenSet, reporter: &dyn Reporter) -> Result<(), StoreError> {
        let unwritable = |why: String| StoreError::Unwritable {
            what: self.what(),
            why,
        };
        let body = serde_json::to_vec_pretty(tokens).map_err(|e| unwritable(e.to_string()))?;
        let repairs = crate::fsutil::write_atomic(&self.path, &body, 0o600)
            .map_err(|e| unwritable(e.to_string()))?;
        report(reporter, &repairs);
        Ok(())
    }

    fn load_secret(&self, name: &str) -> Result<Option<Secret>, StoreError> {
        let path = self.path.with_extension(name);
        match crate::fsutil::read_private(&path, 4096) {
            Ok((bytes, _)) => Ok(Some(Secret::new(
                String::from_utf8_lossy(&bytes).trim().to_string(),
            ))),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(StoreError::Unreadable {
                what: path.display().to_string(),
                why: e.to_string(),
            }),
        }
    }

    fn save_secret(&self, name: &str, value: &Secret) -> Result<(), StoreError> {
        let path = self.path.with_extension(name);
        crate::fsutil::write_atomic(&path, value.expose().as_bytes(), 0o600)
            .map(|_| ())
            .map_err(|e| StoreError::Unwritable {
                what: path.display().to_string(),
                why: e.to_string(),
            })
    }

    fn delete_secret(&self, name: &str) -> Result<bool, StoreError> {
        let path = self.path.with_extension(name);
        let failed = |why: String| StoreError::Unwritable {
            what: path.display().to_string(),
            why,
        };
        crate::fsutil::refuse_symlink(&path).map_err(|e| failed(e.to_string()))?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(failed(e.to_string())),
        }
    }

    fn delete(&self) -> Result<(), StoreError> {
        crate::fsutil::refuse_symlink(&self.path).map_err(|e| StoreError::Unwritable {
            what: self.what(),
            why: e.to_string(),
        })?;
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::Unwritable {
                what: self.what(),
                why: e.to_string(),
            }),
        }
    }
}
