//! The library's error type and the one place that maps error kinds to exit codes. `main.rs`
//! prints an error as one line (`cwsauth: error: …`); nothing here prints.

use cwsauth_verify::{ErrorKind, VerifyError};

use crate::cognito::CognitoError;
use crate::exit_codes::ExitCode;
use crate::http::{EndpointError, HttpError};
use crate::profile::ConfigError;
use crate::session::StoreError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A wrong command line or input the user can fix.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The answer is "no" (an expired session, refused input), already worded.
    #[error("{0}")]
    Rejected(String),
    /// The network, TLS or a server failed.
    #[error("{0}")]
    Network(String),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    #[error(transparent)]
    Verify(#[from] VerifyError),
    #[error(transparent)]
    Cognito(#[from] CognitoError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The server answered the WebSocket handshake with a non-101 status, worded.
    #[error("{0}")]
    HandshakeRejected(String),
    /// The same, not yet worded: the command layer adds the hint for its profile.
    #[error("the server refused the WebSocket handshake: HTTP {}", .0.refusal.status)]
    Refused(Box<crate::connect::Refused>),
    /// Writing the results failed (a full disk); a closed pipe is not an error.
    #[error("cannot write to stdout: {0}")]
    Output(String),
    /// Something of this machine failed (a runtime, a file, a signal handler).
    #[error("{0}")]
    Local(String),
    /// Already reported; only the exit code is left to give.
    #[error("")]
    Reported(ExitCode),
}

impl Error {
    /// The documented exit code of this error's kind.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage(_) | Error::Config(_) | Error::Endpoint(_) => ExitCode::Usage,
            Error::Rejected(_) => ExitCode::Rejected,
            Error::Network(_) | Error::Http(_) => ExitCode::Network,
            Error::Verify(e) => verify_exit_code(e.kind),
            Error::Cognito(e) => match e {
                CognitoError::Network { .. }
                | CognitoError::Protocol { .. }
                | CognitoError::Server { .. } => ExitCode::Network,
                CognitoError::Config(_) => ExitCode::Usage,
                _ => ExitCode::Rejected,
            },
            Error::Store(e) => match e {
                StoreError::NotLoggedIn { .. } => ExitCode::Rejected,
                StoreError::Corrupt { .. } | StoreError::UnknownStore(_) => ExitCode::Usage,
                StoreError::Unreadable { .. }
                | StoreError::Unwritable { .. }
                | StoreError::KeyringUnavailable(_)
                | StoreError::Lock { .. }
                | StoreError::LockTimeout { .. } => ExitCode::Local,
            },
            Error::HandshakeRejected(_) | Error::Refused(_) => ExitCode::HandshakeRejected,
            Error::Output(_) | Error::Local(_) => ExitCode::Local,
            Error::Reported(code) => *code,
        }
    }
}

impl Error {
    /// A stable name of this error's kind, for `--json` output: the exit code's name, or a
    /// narrower one where a script can act on it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Error::Verify(e) => e.kind.as_str(),
            Error::Store(StoreError::NotLoggedIn { .. }) => "not_logged_in",
            Error::Config(_) => "config",
            _ => match self.exit_code() {
                ExitCode::Usage => "usage",
                ExitCode::Rejected => "rejected",
                ExitCode::Network => "network",
                ExitCode::HandshakeRejected => "handshake_rejected",
                _ => "local",
            },
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
