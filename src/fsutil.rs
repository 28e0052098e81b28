//! Files the tool owns: written through a temp file with an unpredictable name (tempfile:
//! `O_EXCL`, 0600, same folder) and renamed into place; never written or chmod-ed through a
//! symlink; private folders tightened to 0700; outside files read only when they are regular
//! files, and only up to a cap.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What a write or a check had to change on the way, for the command layer to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// A folder others could enter was set to 0700 (its old mode).
    FolderTightened { path: PathBuf, was: u32 },
    /// A file others could read was set to 0600 (its old mode).
    FileTightened { path: PathBuf, was: u32 },
}

/// Why a path is refused.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error(
        "{path} is a symbolic link; refusing to write through it (replace it with a regular file)"
    )]
    Symlink { path: PathBuf },
    #[error("{path} is not a regular file")]
    NotRegular { path: PathBuf },
    #[error("{path} leads to a folder another user owns; refusing to keep secrets there")]
    NotOwned { path: PathBuf },
    #[error("{path} is over {limit} bytes")]
    TooLarge { path: PathBuf, limit: usize },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl FsError {
    fn io(path: &Path, source: std::io::Error) -> FsError {
        FsError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// True when the file simply does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, FsError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Writes `bytes` to `path` atomically with `mode` (Unix), creating the parent folder (0700).
/// A symlink at `path` is refused, never followed.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<Vec<Repair>, FsError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let repairs = create_private_dir(dir)?;
    refuse_symlink(path)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".cwsauth-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut tmp = builder.tempfile_in(dir).map_err(|e| FsError::io(dir, e))?;
    tmp.write_all(bytes)
        .map_err(|e| FsError::io(tmp.path(), e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| FsError::io(tmp.path(), e))?;
    // rename(2) replaces a symlink itself, never its target; the check above gives the error.
    tmp.persist(path).map_err(|e| FsError::io(path, e.error))?;
    Ok(repairs)
}

/// Refuses a symbolic link at `path` (a missing path is fine).
pub fn refuse_symlink(path: &Path) -> Result<(), FsError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(FsError::Symlink {
            path: path.to_path_buf(),
        }),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(FsError::io(path, e)),
    }
}

/// Creates `dir` and its parents; the last one is 0700 on Unix. An existing `dir` that others
/// can enter is tightened to 0700 (reported); a symlink there is refused.
pub fn create_private_dir(dir: &Path) -> Result<Vec<Repair>, FsError> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => {
            // A symlinked home (e.g. a dotfiles checkout) is the user's choice; follow it for
            // folders only when it leads to a folder we own.
            let target = std::fs::metadata(dir).map_err(|e| FsError::io(dir, e))?;
            if !target.is_dir() {
                return Err(FsError::NotRegular {
                    path: dir.to_path_buf(),
                });
            }
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                // SAFETY: geteuid has no preconditions and cannot fail.
                if target.uid() != unsafe { libc::geteuid() } {
                    return Err(FsError::NotOwned {
                        path: dir.to_path_buf(),
                    });
                }
            }
            return tighten_dir(dir, &target);
        }
        Ok(meta) if meta.is_dir() => return tighten_dir(dir, &meta),
        Ok(_) => {
            return Err(FsError::NotRegular {
                path: dir.to_path_buf(),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(FsError::io(dir, e)),
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| FsError::io(dir, e))?;
    Ok(Vec::new())
}

#[cfg(unix)]
fn tighten_dir(dir: &Path, meta: &std::fs::Metadata) -> Result<Vec<Repair>, FsError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    // A shared folder (the sticky bit, as /tmp) is never changed: our files in it are 0600.
    if mode & 0o077 == 0 || meta.permissions().mode() & 0o1000 != 0 {
        return Ok(Vec::new());
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| FsError::io(dir, e))?;
    Ok(vec![Repair::FolderTightened {
        path: dir.to_path_buf(),
        was: mode,
    }])
}

#[cfg(not(unix))]
fn tighten_dir(_: &Path, _: &std::fs::Metadata) -> Result<Vec<Repair>, FsError> {
    Ok(Vec::new())
}

/// Reads a private file of ours (at most `limit` bytes) through one descriptor opened with
/// `O_NOFOLLOW`, tightening it to 0600 first when others can read it: a symlink is refused
/// before anything is read, and the file checked is the file read.
pub fn read_private(path: &Path, limit: usize) -> Result<(Vec<u8>, Vec<Repair>), FsError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        refuse_symlink(path)?;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
            .map_err(|e| FsError::io(path, e))?;
        let meta = file.metadata().map_err(|e| FsError::io(path, e))?;
        if !meta.is_file() {
            return Err(FsError::NotRegular {
                path: path.to_path_buf(),
            });
        }
        let mode = meta.permissions().mode() & 0o777;
        let mut repairs = Vec::new();
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(|e| FsError::io(path, e))?;
            repairs.push(Repair::FileTightened {
                path: path.to_path_buf(),
                was: mode,
            });
        }
        Ok((read_limited(file, path, meta.len(), limit)?, repairs))
    }
    #[cfg(not(unix))]
    {
        Ok((read_capped(path, limit)?, Vec::new()))
    }
}

fn read_limited(
    file: std::fs::File,
    path: &Path,
    size: u64,
    limit: usize,
) -> Result<Vec<u8>, FsError> {
    let mut bytes = Vec::with_capacity(size.min(limit as u64) as usize);
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FsError::io(path, e))?;
    if bytes.len() > limit {
        return Err(FsError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(bytes)
}

/// Why a file that decides where secrets go (the config file) must not be trusted, if it must
/// not: owned by another user (root excepted), writable by group or others, or in a folder
/// others can write to (without the sticky bit) — the checks ssh makes of its config.
pub fn untrusted(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(path).ok()?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me && meta.uid() != 0 {
            return Some(format!("it is owned by another user (uid {})", meta.uid()));
        }
        if meta.mode() & 0o022 != 0 {
            return Some(format!(
                "others can write to it (mode {:o})",
                meta.mode() & 0o777
            ));
        }
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty())?;
        let dir_meta = std::fs::metadata(dir).ok()?;
        if dir_meta.mode() & 0o002 != 0 && dir_meta.mode() & 0o1000 == 0 {
            return Some(format!(
                "its folder {} can be written by anyone",
                dir.display()
            ));
        }
        if dir_meta.uid() != me && dir_meta.uid() != 0 && dir_meta.mode() & 0o020 != 0 {
            return Some(format!(
                "its folder {} is another user's and group-writable",
                dir.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    None
}

/// Reads a regular file of at most `limit` bytes; a FIFO, a device or a folder is refused
/// before it is opened for reading, and a file that grows past `limit` while being read is
/// refused without holding more than `limit + 1` bytes.
pub fn read_capped(path: &Path, limit: usize) -> Result<Vec<u8>, FsError> {
    let meta = std::fs::metadata(path).map_err(|e| FsError::io(path, e))?;
    if !meta.is_file() {
        return Err(FsError::NotRegular {
            path: path.to_path_buf(),
        });
    }
    let file = std::fs::File::open(path).map_err(|e| FsError::io(path, e))?;
    read_limited(file, path, meta.len(), limit)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn writes_never_follow_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "keep").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(
            write_atomic(&link, b"new", 0o600),
            Err(FsError::Symlink { .. })
        ));
        assert!(matches!(
            read_private(&link, 100),
            Err(FsError::Symlink { .. })
        ));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
    }

    #[test]
    fn writes_are_private_and_leave_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a");
        std::fs::create_dir(&sub).unwrap();
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
        let file = sub.join("f.json");
        let repairs = write_atomic(&file, b"x", 0o600).unwrap();
        assert_eq!(
            repairs,
            vec![Repair::FolderTightened {
                path: sub.clone(),
                was: 0o755
            }]
        );
        assert_eq!(
            std::fs::metadata(&sub).unwrap().permissions().mode() & 0o777,
            0o700
        );
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let names: Vec<_> = std::fs::read_dir(&sub)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("f.json")]);
    }

    #[test]
    fn shared_folders_are_left_alone_and_symlinked_ones_tightened() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        assert_eq!(
            write_atomic(&shared.join("f"), b"x", 0o600).unwrap(),
            vec![]
        );
        assert_eq!(
            std::fs::metadata(&shared).unwrap().permissions().mode() & 0o7777,
            0o1777
        );
        // A symlinked folder of ours (a dotfiles checkout) is followed, and tightened.
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o755)).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(
            write_atomic(&link.join("f"), b"x", 0o600).unwrap(),
            vec![Repair::FolderTightened {
                path: link.clone(),
                was: 0o755
            }]
        );
        assert_eq!(
            std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }

    #[test]
    fn reads_are_capped_and_regular_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, "12345").unwrap();
        assert_eq!(read_capped(&file, 5).unwrap(), b"12345");
        assert!(matches!(
            read_capped(&file, 4),
            Err(FsError::TooLarge { limit: 4, .. })
        ));
        assert!(matches!(
            read_capped(dir.path(), 4),
            Err(FsError::NotRegular { .. })
        ));
        assert!(matches!(
            read_capped(Path::new("/dev/zero"), 4),
            Err(FsError::NotRegular { .. })
        ));
    }
}
