//! The file store: one JSON file per profile, 0600 in a 0700 folder, replaced atomically.

use std::path::{Path, PathBuf};

use super::{StoreError, TokenSet};

pub struct FileStore {
    path: PathBuf,
}

/// A profile name as a file name: anything but `[A-Za-z0-9._-]` becomes `_`.
pub fn safe_name(profile: &str) -> String {
    profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl FileStore {
    pub fn new(dir: PathBuf, profile: &str) -> FileStore {
        FileStore {
            path: dir.join(format!("{}.json", safe_name(profile))),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn load(&self) -> Result<Option<TokenSet>, StoreError> {
        let corrupt = |why: String| StoreError::Corrupt {
            what: self.path.display().to_string(),
            why,
        };
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(corrupt(e.to_string())),
        };
        self.check_mode();
        serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            corrupt(format!(
                "not a token file: {}",
                e.to_string().split(" at line").next().unwrap_or("")
            ))
        })
    }

    /// A token file others can read is tightened to 0600, with a warning.
    fn check_mode(&self) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if let Ok(meta) = std::fs::metadata(&self.path) {
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    let fixed = std::fs::set_permissions(
                        &self.path,
                        std::fs::Permissions::from_mode(0o600),
                    )
                    .is_ok();
                    crate::output::warn(&format!(
                        "token file {} had mode {mode:o}; {}",
                        self.path.display(),
                        if fixed {
                            "set it to 600"
                        } else {
                            "could not set it to 600"
                        }
                    ));
                }
            }
        }
    }

    pub fn save(&self, tokens: &TokenSet) -> Result<(), StoreError> {
        let body = serde_json::to_vec_pretty(tokens).unwrap_or_default();
        crate::fsutil::write_atomic(&self.path, &body, 0o600).map_err(|e| StoreError::Unwritable {
            what: self.path.display().to_string(),
            why: e.to_string(),
        })
    }

    pub fn delete(&self) -> Result<(), StoreError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::Unwritable {
                what: self.path.display().to_string(),
                why: e.to_string(),
            }),
        }
    }
}
