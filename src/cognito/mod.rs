//! Cognito's protocols, shared by the client (`login`, `session`) and the emulator (`local`):
//! the hosted UI's OAuth endpoints, the JSON API, SRP (`USER_SRP_AUTH`) and the `SECRET_HASH`
//! of confidential app clients. Every endpoint must pass [`crate::http::check_endpoint`].

pub mod idp;
pub mod oauth;
pub mod srp;
pub mod totp;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// A failed call to Cognito, as one line for people.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CognitoError {
    #[error("{endpoint} answered {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    OAuth {
        endpoint: String,
        error: String,
        description: Option<String>,
    },
    #[error("{operation} failed: {kind}{}", if message.is_empty() { String::new() } else { format!(": {message}") })]
    Api {
        operation: String,
        kind: String,
        message: String,
    },
    #[error("cannot reach {endpoint}: {why}")]
    Network { endpoint: String, why: String },
    #[error("unexpected answer from {endpoint}: {why}")]
    Protocol { endpoint: String, why: String },
    /// A server error (5xx): the server failed, the request was not judged.
    #[error("{endpoint} answered HTTP {status}{}", if body.is_empty() { String::new() } else { format!(": {body}") })]
    Server {
        endpoint: String,
        status: u16,
        body: String,
    },
    #[error("{0}")]
    Config(String),
}

impl CognitoError {
    /// True when the refresh token is no longer accepted: the user must log in again.
    pub fn is_session_expired(&self) -> bool {
        match self {
            CognitoError::OAuth { error, .. } => error == "invalid_grant",
            CognitoError::Api { kind, message, .. } => {
                (kind == "NotAuthorizedException" && message.contains("Refresh Token"))
                    || kind == "RefreshTokenReuseException"
            }
            _ => false,
        }
    }

    /// True when the endpoint does not know the operation: a 404, an untyped 5xx (moto
    /// answers an HTML 500 for what it has not implemented; AWS's own 5xx carry a `__type`),
    /// or `UnknownOperationException`.
    pub fn is_unknown_operation(&self) -> bool {
        match self {
            CognitoError::Server { status, .. } => *status == 404 || *status >= 500,
            CognitoError::Api { kind, .. } => kind == "UnknownOperationException",
            _ => false,
        }
    }
}

/// `SECRET_HASH`: Base64(HMAC-SHA256(client secret, username + client id)).
pub fn secret_hash(username: &str, client_id: &str, client_secret: &str) -> String {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, client_secret.as_bytes());
    let mut ctx = aws_lc_rs::hmac::Context::with_key(&key);
    ctx.update(username.as_bytes());
    ctx.update(client_id.as_bytes());
    STANDARD.encode(ctx.sign().as_ref())
}

#[cfg(test)]
mod tests {
    #[test]
    fn secret_hash_is_hmac_of_username_and_client() {
        // HMAC-SHA256("secret", "alice" + "client"), base64.
        assert_eq!(
            super::secret_hash("alice", "client", "secret"),
            "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0="
        );
    }
}
