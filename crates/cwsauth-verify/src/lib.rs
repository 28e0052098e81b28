//! Verify Amazon Cognito JWTs exactly as an API Gateway Lambda REQUEST authorizer does, and
//! build the authorizer's answer (IAM policy and context).
//!
//! A library first, the way aws-jwt-verify is: no async runtime, no HTTP client, no CLI, no
//! terminal. Where keys come from is the [`KeySource`] trait: a parsed [`KeySet`] here, a
//! cached fetch of the pool's JWKS wherever the network is (the `cwsauth` CLI, a Lambda).
//! Every check is explicit: [`Checks::new`] takes the issuer, the token use and the accepted
//! app clients, and skipping the client check is written out as [`ClientIds::Any`].
//!
//! ```
//! use cwsauth_verify::authorizer::{self, PolicyOptions};
//! use cwsauth_verify::signing::{SigningKey, jwks_document};
//! use cwsauth_verify::{Checks, ClientIds, ErrorKind, KeySet, TokenUse, verify};
//! use serde_json::json;
//!
//! // In an authorizer the key set comes from the pool's JWKS.
//! let key = SigningKey::generate("kid-1").unwrap();
//! let keys = KeySet::from_value(&jwks_document(&[&key])).unwrap();
//! let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example";
//! let token = key.sign(&json!({
//!     "iss": issuer, "token_use": "access", "client_id": "app", "username": "alice",
//!     "exp": 2_000_000_000, "cognito:groups": ["admin"],
//! }));
//! let checks = Checks::new(issuer, TokenUse::Access, ClientIds::one_of(["app"]));
//! let verified = verify(&token, &checks, &keys, 1_900_000_000).unwrap();
//! let options = PolicyOptions {
//!     method_arn: "arn:aws:execute-api:us-east-1:123456789012:abc/prod/$connect".into(),
//!     ..Default::default()
//! };
//! let policy = authorizer::allow(&verified.claims, &options);
//! assert_eq!(policy["principalId"], "alice");
//! assert_eq!(policy["context"]["cognito:groups"], "admin");
//!
//! let expired = verify(&token, &checks, &keys, 2_000_000_001).unwrap_err();
//! assert_eq!(expired.error.kind, ErrorKind::Expired);
//! ```
#![warn(missing_docs)]

pub mod authorizer;
mod checks;
mod error;
pub mod issuer;
mod keys;
#[cfg(feature = "signing")]
pub mod signing;
pub mod time;
mod token;

pub use checks::{Checks, ClientIds, Rejection, TokenUse, Verified, groups, number, verify};
pub use error::{ErrorKind, VerifyError};
pub use keys::{KeySet, KeySource, MAX_JWKS_BYTES, PublicKey, kid_not_found};
pub use token::{Decoded, MAX_TOKEN_BYTES, decode, strip_token};
