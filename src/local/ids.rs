//! The emulator's fixed ids (its pool, app clients, account, region and API) and the ids it
//! makes (UUIDs, random tokens, connection and request ids, trace roots). Defined once: the
//! rest of the emulator, the CLI and the tests import them from here.

use base64::Engine;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};

/// The region every emulator is in.
pub const REGION: &str = "us-east-1";
/// The account id the emulator's ARNs carry.
pub const ACCOUNT: &str = "123456789012";
/// The pool every emulator serves; its prefix is [`REGION`], as on AWS.
pub const POOL_ID: &str = "us-east-1_cwsLocal1";
/// The public app client (PKCE, no secret).
pub const PUBLIC_CLIENT_ID: &str = "cwsauthlocalpublic00000001";
/// The confidential app client (a secret; `client_credentials`).
pub const CONFIDENTIAL_CLIENT_ID: &str = "cwsauthlocalconfidential01";
/// Scope of the resource server, for the `client_credentials` grant.
pub const M2M_SCOPE: &str = "cwsauth-local/invoke";
/// The stack name a template's `AWS::StackName` stands for.
pub const STACK_NAME: &str = "cwsauth-local";
/// The WebSocket API's id (10 lowercase letters and digits, as API Gateway's).
pub const API_ID: &str = "cwslocal01";
/// The emulator's Cognito identity pool.
pub const IDENTITY_POOL_ID: &str = "us-east-1:0c57a7c1-0000-4000-8000-00000000c0de";

/// Random bytes as base64url, for codes, refresh tokens and session ids.
pub fn random_token(bytes: usize) -> String {
    URL_SAFE_NO_PAD.encode(crate::random::bytes(bytes))
}

/// A random version-4 UUID.
pub fn uuid() -> String {
    let mut b = [0u8; 16];
    crate::random::fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// An X-Ray trace root, `Root=1-{epoch hex}-{24 random hex digits}`, as API Gateway and
/// Lambda pass along.
pub fn trace_root() -> String {
    format!(
        "Root=1-{:08x}-{}",
        crate::timefmt::now_epoch(),
        &uuid().replace('-', "")[..24]
    )
}

/// A connection or request id, `PJqB0fHsqRcCHlw=`: 11 random bytes, URL-safe base64 with its
/// padding, as API Gateway's.
pub fn new_id() -> String {
    let mut id = [0u8; 11];
    crate::random::fill(&mut id);
    URL_SAFE.encode(id)
}

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_aws_shapes() {
        assert!(POOL_ID.starts_with(&format!("{REGION}_")));
        assert_eq!(API_ID.len(), 10);
        let id = new_id();
        assert_eq!(id.len(), 16);
        assert!(id.ends_with('='));
        let u = uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(trace_root().starts_with("Root=1-"));
    }
}
