//! The library's error type. `main.rs` prints it as one line (`cwsauth: …`) and exits with
//! [`Error::exit_code`]; nothing here prints.

use crate::cognito::CognitoError;
use crate::config::ConfigError;
use crate::exit_codes::ExitCode;
use crate::jwt::{ErrorKind, VerifyError};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A wrong command line or input the user can fix.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A rejected token. Its report was already printed, so `main` prints nothing more.
    #[error("{0}")]
    Rejected(String),
    /// The network or the file system failed.
    #[error("{0}")]
    Network(String),
    #[error(transparent)]
    Verify(#[from] VerifyError),
    #[error(transparent)]
    Cognito(#[from] CognitoError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The server answered the WebSocket handshake with a non-101 status.
    #[error("{0}")]
    HandshakeRejected(String),
    /// Already reported on stderr; only the exit code is left to give.
    #[error("")]
    Reported(ExitCode),
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage(_) | Error::Config(_) => ExitCode::Usage,
            Error::Rejected(_) => ExitCode::Rejected,
            Error::Network(_) => ExitCode::Network,
            Error::Verify(e) => verify_exit_code(e.kind),
            Error::Cognito(CognitoError::Network { .. } | CognitoError::Protocol { .. }) => {
                ExitCode::Network
            }
            Error::Cognito(CognitoError::Config(_)) => ExitCode::Usage,
            Error::Cognito(_) => ExitCode::Rejected,
            Error::Store(StoreError::NotLoggedIn { .. }) => ExitCode::Rejected,
            Error::Store(_) => ExitCode::Usage,
            Error::HandshakeRejected(_) => ExitCode::HandshakeRejected,
            Error::Reported(code) => *code,
        }
    }
}

/// `jwks_unavailable` is the network's fault; every other kind rejects the token.
pub fn verify_exit_code(kind: ErrorKind) -> ExitCode {
    match kind {
        ErrorKind::JwksUnavailable => ExitCode::Network,
        _ => ExitCode::Rejected,
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
