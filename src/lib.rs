//! cwsauth: log in to Amazon Cognito, verify its JWTs as an API Gateway Lambda authorizer does,
//! and open authenticated WebSocket sessions. The library behind the `cwsauth` binary; the
//! verifier itself is the `cwsauth-verify` crate (see ARCHITECTURE.md for the map).

pub mod cause;
pub mod cli;
pub mod cognito;
pub mod commands;
pub mod connect;
pub mod docs;
pub mod error;
pub mod exit_codes;
pub mod external;
pub mod fsutil;
#[doc(hidden)]
pub mod fuzzing;
pub mod hardening;
pub mod headers;
pub mod home;
pub mod http;
pub mod iam;
pub mod jwks;
pub mod local;
pub mod login;
pub mod output;
pub mod profile;
pub mod qr;
pub mod quotas;
pub mod random;
pub mod redacted;
pub mod report;
pub mod sanitize;
pub mod session;
pub mod sigv4;
pub mod timefmt;
pub mod tls;

pub use error::{Error, Result};
pub use exit_codes::ExitCode;
