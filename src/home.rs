//! Where the tool's files live: everything under `CWSAUTH_HOME` when it is set, else the
//! platform's config, cache and data folders. Names only; nothing here reads or writes.

use std::path::PathBuf;

/// The folders the tool reads and writes.
#[derive(Debug, Clone)]
pub struct Home {
    root: Option<PathBuf>,
}

impl Home {
    pub fn from_env() -> Home {
        Home {
            root: std::env::var_os("CWSAUTH_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }

    pub fn at(root: impl Into<PathBuf>) -> Home {
        Home {
            root: Some(root.into()),
        }
    }

    /// The `CWSAUTH_HOME` folder, when one is set.
    pub fn root(&self) -> Option<&std::path::Path> {
        self.root.as_deref()
    }

    fn platform(&self, base: Option<PathBuf>, sub: &str) -> PathBuf {
        match &self.root {
            Some(root) if sub.is_empty() => root.clone(),
            Some(root) => root.join(sub),
            None => base.unwrap_or_else(|| PathBuf::from(".")).join("cwsauth"),
        }
    }

    /// A short tag of `CWSAUTH_HOME` for shared namespaces such as the OS keyring, so that two
    /// homes never share tokens; `None` for the default home.
    pub fn namespace(&self) -> Option<String> {
        let root = self.root.as_ref()?;
        Some(short_digest(&root.to_string_lossy(), 4))
    }

    pub fn config_file(&self) -> PathBuf {
        self.platform(dirs::config_dir(), "").join("config.toml")
    }

    /// JWKS cache and other rebuildable files.
    pub fn cache_dir(&self) -> PathBuf {
        self.platform(dirs::cache_dir(), "cache")
    }

    /// The file token store, locks and emulator keys.
    pub fn data_dir(&self) -> PathBuf {
        self.platform(dirs::data_dir(), "data")
    }
}

/// The first `bytes` bytes of SHA-256(`text`), in hex.
pub fn short_digest(text: &str, bytes: usize) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes());
    digest.as_ref()[..bytes.min(32)]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A profile name as a file name with no collisions: names made only of `[A-Za-z0-9._-]`
/// (and not starting with a dot) are kept, anything else is escaped and tagged with a digest,
/// so `team/dev` and `team_dev` never share a file.
pub fn profile_file_stem(profile: &str) -> String {
    let plain = !profile.is_empty()
        && !profile.starts_with('.')
        && profile.len() <= 64
        && profile
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if plain && !profile.contains('~') {
        return profile.to_string();
    }
    let readable: String = profile
        .chars()
        .take(32)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    // `~` never appears in a plain name, so an escaped name cannot equal a plain one.
    format!("{readable}~{}", short_digest(profile, 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_file_names_never_collide() {
        assert_eq!(profile_file_stem("default"), "default");
        assert_eq!(profile_file_stem("team_dev"), "team_dev");
        let escaped = profile_file_stem("team/dev");
        assert!(escaped.starts_with("team_dev~"), "{escaped}");
        assert_ne!(escaped, profile_file_stem("team_dev"));
        assert_ne!(profile_file_stem("a/b"), profile_file_stem("a:b"));
        assert!(profile_file_stem("..").contains('~'));
        assert!(!profile_file_stem("../../etc/passwd").contains('/'));
    }
}
