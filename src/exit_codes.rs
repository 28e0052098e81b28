//! The process exit codes, documented in the README; only `main.rs` turns an error into one.

/// Exit codes shared by every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    /// The command did what was asked (a valid token, a normal close).
    Success = 0,
    /// The answer is "no": a rejected token, not logged in, an abnormal close.
    Rejected = 1,
    /// The command line or the configuration is wrong.
    Usage = 2,
    /// A network, TLS or I/O failure before an answer could be had.
    Network = 3,
    /// A WebSocket handshake answered with a non-101 status.
    HandshakeRejected = 4,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}
