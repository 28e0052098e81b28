//! Random bytes from the operating system (aws-lc). A failure means the system's random number
//! generator is broken; nothing secret (a PKCE verifier, an SRP secret, a code) may be made
//! from zeros then, so the process must stop: the binary says how (`on_failure`, set by
//! `main.rs`, which prints one line and exits 5); a library user without one aborts.

use std::sync::OnceLock;

static ON_FAILURE: OnceLock<fn() -> !> = OnceLock::new();

/// What to do when the generator fails; the first call wins.
pub fn on_failure(stop: fn() -> !) {
    let _ = ON_FAILURE.set(stop);
}

/// Fills `buf` with random bytes, or stops the process.
pub fn fill(buf: &mut [u8]) {
    if aws_lc_rs::rand::fill(buf).is_err() {
        match ON_FAILURE.get() {
            Some(stop) => stop(),
            None => std::process::abort(),
        }
    }
}

/// `n` random bytes.
pub fn bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    fill(&mut buf);
    buf
}
