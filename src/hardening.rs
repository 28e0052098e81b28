//! What the process does to keep its secrets out of reach of other processes: no core file
//! (which would hold tokens and passwords), and on Linux not dumpable (no ptrace or
//! `/proc/PID/mem` by other processes of the same user without privilege).

/// Applies both, as early as possible; failures are ignored (the platform may not allow it).
pub fn keep_secrets_in() {
    #[cfg(unix)]
    {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: setrlimit reads the struct it is given and has no other precondition.
        unsafe {
            libc::setrlimit(libc::RLIMIT_CORE, &none);
        }
    }
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_DUMPABLE takes an integer argument and changes only this process.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn the_process_is_no_longer_dumpable() {
        super::keep_secrets_in();
        // SAFETY: PR_GET_DUMPABLE has no arguments and only reads.
        let dumpable = unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) };
        assert_eq!(dumpable, 0);
        let mut limit = libc::rlimit {
            rlim_cur: 1,
            rlim_max: 1,
        };
        // SAFETY: getrlimit writes into the struct it is given.
        unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut limit) };
        assert_eq!((limit.rlim_cur, limit.rlim_max), (0, 0));
    }
}
