//! Cognito's protocols shared by the client (`login`) and the emulator (`local`): SRP
//! (`USER_SRP_AUTH`) and the `SECRET_HASH` of confidential app clients.

pub mod srp;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

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
