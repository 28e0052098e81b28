//! The process exit codes, documented in the README; only [`crate::error::Error::exit_code`]
//! chooses one, from the error's kind.

/// Exit codes shared by every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    /// The command did what was asked (a valid token, a normal close).
    Success = 0,
    /// The answer is "no": a rejected token, not logged in, an expired session, an abnormal
    /// close, input that was refused.
    Rejected = 1,
    /// The command line or the configuration is wrong.
    Usage = 2,
    /// A network, TLS or server failure before an answer could be had (a server error is not a
    /// "no").
    Network = 3,
    /// A WebSocket handshake answered with a non-101 status.
    HandshakeRejected = 4,
    /// This machine failed: a file, the keyring, a lock, or stdout could not be used.
    Local = 5,
    /// Interrupted by a second Ctrl-C.
    Interrupted = 130,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}
