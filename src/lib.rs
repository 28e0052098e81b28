//! cwsauth: log in to Amazon Cognito, verify its JWTs as an API Gateway Lambda authorizer does,
//! and open authenticated WebSocket sessions.
//!
//! The verifier ([`jwt`]) and the authorizer's policy ([`authorizer`]) are usable from other
//! Rust code, e.g. inside a Lambda authorizer; the rest serves the `cwsauth` binary.

pub mod authorizer;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod exit_codes;
pub mod fsutil;
pub mod http;
pub mod jwt;
pub mod output;
pub mod redacted;
pub mod sanitize;
pub mod timefmt;

pub use error::{Error, Result};
pub use exit_codes::ExitCode;
