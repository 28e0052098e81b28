//! cwsauth: log in to Amazon Cognito, verify its JWTs as an API Gateway Lambda authorizer does,
//! and open authenticated WebSocket sessions.
//!
//! The verifier ([`jwt`]) and the authorizer's policy ([`authorizer`]) are usable from other
//! Rust code, e.g. inside a Lambda authorizer; the rest serves the `cwsauth` binary.
//!
//! ```
//! use cwsauth::jwt::{self, Checks, KeySet, TokenUse};
//! use cwsauth::jwt::signing::{SigningKey, jwks_document};
//! use serde_json::json;
//!
//! // In an authorizer the key set comes from the pool's JWKS (see `jwt::JwksCache`).
//! let key = SigningKey::generate("kid-1").unwrap();
//! let keys = KeySet::from_value(&jwks_document(&[&key])).unwrap();
//! let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example";
//! let token = key.sign(&json!({
//!     "iss": issuer, "token_use": "access", "client_id": "app", "username": "alice",
//!     "exp": 2_000_000_000, "cognito:groups": ["admin"],
//! }));
//! let checks = Checks {
//!     issuer: issuer.into(),
//!     client_ids: vec!["app".into()],
//!     token_use: TokenUse::Access,
//!     ..Default::default()
//! };
//! let verified = jwt::verify(&token, &checks, &keys, 1_900_000_000).unwrap();
//! let options = cwsauth::authorizer::PolicyOptions {
//!     method_arn: "arn:aws:execute-api:us-east-1:123456789012:abc/prod/$connect".into(),
//!     ..Default::default()
//! };
//! let policy = cwsauth::authorizer::allow(&verified.claims, &options);
//! assert_eq!(policy["principalId"], "alice");
//! assert_eq!(policy["context"]["cognito:groups"], "admin");
//!
//! let expired = jwt::verify(&token, &checks, &keys, 2_000_000_001).unwrap_err();
//! assert_eq!(expired.error.kind, jwt::ErrorKind::Expired);
//! ```

pub mod authorizer;
pub mod cli;
pub mod cognito;
pub mod commands;
pub mod config;
pub mod connect;
pub mod demo;
pub mod error;
pub mod exit_codes;
pub mod fsutil;
pub mod http;
pub mod jwt;
pub mod local;
pub mod login;
pub mod output;
pub mod redacted;
pub mod sanitize;
pub mod store;
pub mod timefmt;

pub use error::{Error, Result};
pub use exit_codes::ExitCode;
