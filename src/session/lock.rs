//! The profile's token lock: one refresh at a time across processes. A wait past a second is
//! reported with the holder's pid (written into the lock file by whoever holds it), and gives
//! up after [`LOCK_TIMEOUT`] with an error instead of hanging.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::StoreError;
use crate::home::{Home, profile_file_stem};
use crate::report::{Event, Reporter};

/// Longest wait for another process's refresh (a refresh takes a few seconds at most);
/// `CWSAUTH_LOCK_TIMEOUT` (seconds) changes it.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// [`LOCK_TIMEOUT`], or `CWSAUTH_LOCK_TIMEOUT` seconds when that is set.
pub fn lock_timeout() -> Duration {
    std::env::var("CWSAUTH_LOCK_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .unwrap_or(LOCK_TIMEOUT)
}
/// When a wait is first reported.
const REPORT_AFTER: Duration = Duration::from_secs(1);

/// Holds the lock until dropped.
#[derive(Debug)]
pub struct TokenLock {
    _file: std::fs::File,
}

pub fn lock_path(home: &Home, profile: &str) -> PathBuf {
    home.data_dir()
        .join("locks")
        .join(format!("{}.lock", profile_file_stem(profile)))
}

/// Takes the profile's lock, waiting at most `timeout`.
pub fn lock(
    home: &Home,
    profile: &str,
    timeout: Duration,
    reporter: &dyn Reporter,
) -> Result<TokenLock, StoreError> {
    let path = lock_path(home, profile);
    let err = |why: String| StoreError::Lock {
        path: path.clone(),
        why,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    for r in crate::fsutil::create_private_dir(dir).map_err(|e| err(e.to_string()))? {
        reporter.report(Event::Repaired(&r));
    }
    crate::fsutil::refuse_symlink(&path).map_err(|e| err(e.to_string()))?;
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).read(true).write(true);
    #[cfg(unix)]
    {
        // A symlink put there after the check above is still not followed.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW).mode(0o600);
    }
    let mut file = options.open(&path).map_err(|e| err(e.to_string()))?;
    let started = Instant::now();
    let mut reported = false;
    let mut pause = Duration::from_millis(10);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => return Err(err(e.to_string())),
        }
        let waited = started.elapsed();
        let holder = read_holder(&mut file);
        if waited >= timeout {
            return Err(StoreError::LockTimeout {
                path: path.clone(),
                holder,
                waited: timeout,
            });
        }
        if !reported && waited >= REPORT_AFTER {
            reported = true;
            reporter.report(Event::LockWait {
                path: &path,
                holder,
                give_up_after: timeout,
            });
        }
        // The lock has no wake-up signal across processes: poll, backing off to 200 ms.
        std::thread::sleep(pause.min(timeout.saturating_sub(waited)));
        pause = (pause * 2).min(Duration::from_millis(200));
    }
    // Ours now: say who holds it, for anyone waiting.
    let _ = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| write!(file, "{}", std::process::id()));
    Ok(TokenLock { _file: file })
}

fn read_holder(file: &mut std::fs::File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}
