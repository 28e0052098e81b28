//! Random bytes from the operating system (aws-lc). A failure means the system's random number
//! generator is broken; nothing secret (a PKCE verifier, an SRP secret, a code) may be made
//! from zeros then, so the process stops with one line and exit code 5 instead of going on.

/// Fills `buf` with random bytes, or ends the process.
pub fn fill(buf: &mut [u8]) {
    if aws_lc_rs::rand::fill(buf).is_err() {
        crate::output::error("the system's random number generator failed; stopping");
        std::process::exit(crate::ExitCode::Local as i32);
    }
}

/// `n` random bytes.
pub fn bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    fill(&mut buf);
    buf
}
