//! Splitting and parsing a compact JWS without checking anything but its shape, and taking a
//! token out of what people paste (`Authorization: Bearer …`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::error::{ErrorKind, VerifyError};

/// Tokens larger than this are refused before any parsing (Cognito tokens are 1-2 KiB).
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// A JWT split into its parts, with header and claims parsed but nothing verified.
///
/// ```
/// // {"alg":"none"} . {"sub":"a"} . (no signature)
/// let decoded = cwsauth_verify::decode("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.").unwrap();
/// assert_eq!(decoded.header["alg"], "none");
/// assert_eq!(decoded.claims["sub"], "a");
/// assert!(decoded.signature.is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    /// The JOSE header.
    pub header: Map<String, Value>,
    /// The payload's claims.
    pub claims: Map<String, Value>,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: &'a str,
    /// The third part, base64url-decoded.
    pub signature: Vec<u8>,
}

/// Splits and parses a compact JWS without checking anything but its shape.
///
/// ```
/// use cwsauth_verify::{ErrorKind, decode};
/// assert_eq!(decode("not-a-jwt").unwrap_err().kind, ErrorKind::Malformed);
/// ```
pub fn decode(token: &str) -> Result<Decoded<'_>, VerifyError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(VerifyError::new(
            ErrorKind::TooLarge,
            format!(
                "the token is {} bytes, more than the {MAX_TOKEN_BYTES}-byte limit",
                token.len()
            ),
        )
        .values(
            format!("at most {MAX_TOKEN_BYTES} bytes"),
            format!("{} bytes", token.len()),
        ));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        let count = token.split('.').count();
        return Err(VerifyError::new(
            ErrorKind::Malformed,
            format!("a JWT has 3 dot-separated parts, this one has {count}"),
        )
        .values("3 parts", format!("{count} parts")));
    };
    let header = json_object("header", h)?;
    let claims = json_object("payload", p)?;
    // An empty signature is an unsecured JWS (`alg: none`); the checks name its alg.
    let Ok(signature) = URL_SAFE_NO_PAD.decode(s) else {
        return Err(VerifyError::new(
            ErrorKind::Malformed,
            "the signature part is not base64url",
        ));
    };
    Ok(Decoded {
        header,
        claims,
        signing_input: &token[..h.len() + 1 + p.len()],
        signature,
    })
}

fn json_object(what: &str, part: &str) -> Result<Map<String, Value>, VerifyError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| {
            VerifyError::new(
                ErrorKind::Malformed,
                format!("the {what} part is not base64url"),
            )
        })?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(VerifyError::new(
            ErrorKind::Malformed,
            format!("the {what} is JSON but not an object"),
        )),
        Err(e) => Err(VerifyError::new(
            ErrorKind::Malformed,
            format!("the {what} is not JSON ({e})"),
        )),
    }
}

/// Strips what people paste around a token: whitespace, `Authorization:` and `Bearer `.
/// A bare `Bearer` (the scheme without its token) leaves an empty string.
///
/// ```
/// use cwsauth_verify::strip_token;
/// assert_eq!(strip_token("  Authorization: Bearer abc.def.ghi\n"), "abc.def.ghi");
/// assert_eq!(strip_token("Bearer"), "");
/// ```
pub fn strip_token(input: &str) -> &str {
    let mut t = input.trim();
    if let Some(rest) = strip_prefix_ci(t, "authorization:") {
        t = rest.trim_start();
    }
    if let Some(rest) = strip_prefix_ci(t, "bearer ") {
        t = rest.trim_start();
    } else if t.eq_ignore_ascii_case("bearer") {
        t = "";
    }
    t
}

/// `prefix` stripped from `text`, compared without regard to ASCII case.
pub(crate) fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_pasted_prefixes() {
        assert_eq!(strip_token("  Bearer abc.def.ghi\n"), "abc.def.ghi");
        assert_eq!(strip_token("Authorization: Bearer abc"), "abc");
        assert_eq!(strip_token("authorization:bearer abc"), "abc");
        assert_eq!(strip_token("abc"), "abc");
        assert_eq!(strip_token("Bearer   "), "");
    }

    #[test]
    fn decode_rejects_shapes() {
        assert_eq!(decode("a.b").unwrap_err().kind, ErrorKind::Malformed);
        assert_eq!(decode("a.b.c.d").unwrap_err().kind, ErrorKind::Malformed);
        assert_eq!(
            decode(&"a".repeat(MAX_TOKEN_BYTES + 1)).unwrap_err().kind,
            ErrorKind::TooLarge
        );
        // "[]" as header
        assert!(
            decode("W10.e30.c2ln")
                .unwrap_err()
                .message
                .contains("not an object")
        );
        let ok = decode("e30.e30.c2ln").unwrap();
        assert_eq!(ok.signing_input, "e30.e30");
    }
}
