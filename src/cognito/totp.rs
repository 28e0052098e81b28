//! Time-based one-time passwords (RFC 6238 over RFC 4226: HMAC-SHA1, 30 s steps, 6 digits),
//! as Cognito's software-token MFA and authenticator apps use them: the code of a base32
//! secret, and the check of a typed code (the current step and one either side).

use crate::redacted::Secret;

/// Seconds per step.
pub const STEP: u64 = 30;

/// The secret of a base32 text such as Cognito's `SecretCode` (case, spaces and `=` padding
/// forgiven).
pub fn decode_secret(text: &str) -> Result<Vec<u8>, String> {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=' && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if clean.is_empty() {
        return Err("the TOTP secret is empty".into());
    }
    data_encoding::BASE32_NOPAD
        .decode(clean.as_bytes())
        .map_err(|_| "the TOTP secret is not base32 (A-Z and 2-7)".into())
}

/// A new random secret as base32 (20 bytes, as Cognito's).
pub fn new_secret() -> Secret {
    let mut bytes = [0u8; 20];
    crate::random::fill(&mut bytes);
    Secret::new(data_encoding::BASE32_NOPAD.encode(&bytes))
}

/// The 6-digit code of `secret` for step `counter` (RFC 4226 §5.3).
pub fn code_at(secret: &[u8], counter: u64) -> String {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let mac = aws_lc_rs::hmac::sign(&key, &counter.to_be_bytes());
    let mac = mac.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        mac[offset],
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]) & 0x7fff_ffff;
    format!("{:06}", binary % 1_000_000)
}

/// The code for the Unix time `now`.
pub fn code_now(secret: &[u8], now: u64) -> String {
    code_at(secret, now / STEP)
}

/// The code for this machine's clock now.
pub fn current_code(secret: &[u8]) -> String {
    code_now(
        secret,
        u64::try_from(crate::timefmt::now_epoch()).unwrap_or(0),
    )
}

/// The step a typed code belongs to, among the current one and one either side (clocks
/// drift; ministack and authenticator servers allow the same), compared in constant time.
pub fn matching_step(secret: &[u8], code: &str, now: u64) -> Option<u64> {
    let current = now / STEP;
    [current, current.saturating_sub(1), current + 1]
        .into_iter()
        .find(|&step| {
            aws_lc_rs::constant_time::verify_slices_are_equal(
                code_at(secret, step).as_bytes(),
                code.trim().as_bytes(),
            )
            .is_ok()
        })
}

/// The `otpauth://` URI authenticator apps read (Google's Key Uri Format), labelled
/// `issuer:account`.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &Secret) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}",
        enc(issuer).replace('+', "%20"),
        enc(account).replace('+', "%20"),
        secret.expose(),
        enc(issuer).replace('+', "%20")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA1 rows, as 6 digits (the last six of the 8-digit values).
    #[test]
    fn the_rfc_6238_vectors() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_now(secret, time), code, "T={time}");
        }
    }

    #[test]
    fn base32_secrets_and_the_window() {
        let secret = decode_secret("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap();
        assert_eq!(secret, b"12345678901234567890");
        assert!(decode_secret("not base32!").is_err());
        assert!(decode_secret(" ").is_err());
        let now = 1_111_111_109;
        assert_eq!(matching_step(&secret, "081804", now), Some(now / STEP));
        // One step either side is taken; two are not.
        assert_eq!(
            matching_step(&secret, &code_at(&secret, now / STEP + 1), now),
            Some(now / STEP + 1)
        );
        assert_eq!(
            matching_step(&secret, &code_at(&secret, now / STEP - 2), now),
            None
        );
        assert_eq!(matching_step(&secret, "000000", now), None);
    }

    #[test]
    fn the_uri_is_what_apps_read() {
        assert_eq!(
            otpauth_uri("us-east-1_AbC", "mia lee", &Secret::new("GEZDGNBV")),
            "otpauth://totp/us-east-1_AbC:mia%20lee?secret=GEZDGNBV&issuer=us-east-1_AbC"
        );
    }
}
