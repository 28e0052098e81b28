//! A secret that cannot leak through logging: `Debug` and `Display` print `(redacted)`, and
//! its memory is wiped when dropped (secrecy's `SecretString`, zeroized).

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// Wraps a token, code, password or client secret. Read it with [`Secret::expose`].
#[derive(Clone, Default)]
pub struct Secret(SecretString);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(SecretString::from(value.into()))
    }

    /// The secret itself; every call site is a place where it can leave the process.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

/// Stores (the token file) need the value itself.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// Whether a parameter's name says it holds a credential.
fn names_a_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "token",
        "secret",
        "password",
        "signature",
        "credential",
        "auth",
    ]
    .iter()
    .any(|w| name.contains(w))
        || matches!(
            name.as_str(),
            "apikey" | "api_key" | "api-key" | "x-api-key" | "key"
        )
}

/// Whether a value (percent-encoded or not) is shaped as a JWT: `eyJ…` and three
/// base64url parts.
fn looks_like_a_jwt(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    value.starts_with("eyJ")
        && parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'%')
        })
}

/// Replaces the values of secret-bearing query or form parameters in `text` with `(redacted)`,
/// for logging URLs and bodies.
pub fn redact_params(text: &str) -> String {
    redact_params_and(text, None)
}

/// [`redact_params`], and also the parameter named `also` (a token under a name the user
/// chose, such as `connect --auth-query`).
pub fn redact_params_and(text: &str, also: Option<&str>) -> String {
    redact_params_with(text, also.as_slice())
}

/// [`redact_params`], and also the parameters named in `also` (the identity sources of an
/// API). Besides the OAuth names, any parameter whose name says it holds a credential
/// (`…token…`, `…secret…`, `…password…`, `…signature…`, `…credential…`, `…auth…`, an API key)
/// and any value shaped as a JWT is redacted, whatever its name.
pub fn redact_params_with(text: &str, also: &[&str]) -> String {
    const SECRET_KEYS: &[&str] = &[
        "code",
        "code_verifier",
        "access_token",
        "id_token",
        "refresh_token",
        "token",
        "client_secret",
        "password",
        "state",
        "nonce",
    ];
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match part.split_once('=') {
            Some((key, value))
                if {
                    let name = key.rsplit(['?', '/']).next().unwrap_or(key);
                    SECRET_KEYS.contains(&name)
                        || also.contains(&name)
                        || names_a_credential(name)
                        || looks_like_a_jwt(value)
                } =>
            {
                out.push_str(key);
                out.push_str("=(redacted)");
            }
            _ => out.push_str(part),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("eyJhbGciOi");
        assert_eq!(format!("{s} {s:?}"), "(redacted) (redacted)");
        assert_eq!(s.expose(), "eyJhbGciOi");
    }

    #[test]
    fn a_parameter_named_by_the_user_is_redacted_too() {
        assert_eq!(
            redact_params_and("wss://h/prod?idToken=eyJ.x.y&stage=1", Some("idToken")),
            "wss://h/prod?idToken=(redacted)&stage=1"
        );
    }

    #[test]
    fn params_are_redacted() {
        assert_eq!(
            redact_params("/cb?code=abc&state=xyz&scope=openid"),
            "/cb?code=(redacted)&state=(redacted)&scope=openid"
        );
        assert_eq!(
            redact_params("grant_type=refresh_token&refresh_token=r1&client_id=c"),
            "grant_type=refresh_token&refresh_token=(redacted)&client_id=c"
        );
    }

    #[test]
    fn any_identity_source_and_anything_credential_shaped_is_redacted() {
        assert_eq!(
            redact_params_with("/$default?ticket=t1&room=7", &["ticket"]),
            "/$default?ticket=(redacted)&room=7"
        );
        // A JWT under any name.
        assert_eq!(
            redact_params("/$default?jwt=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln&room=7"),
            "/$default?jwt=(redacted)&room=7"
        );
        // Names that say what they hold, and SigV4's query.
        assert_eq!(
            redact_params(
                "/?X-Amz-Security-Token=t&X-Amz-Signature=s&X-Amz-Date=d&apiKey=k&authToken=a"
            ),
            "/?X-Amz-Security-Token=(redacted)&X-Amz-Signature=(redacted)&X-Amz-Date=d&apiKey=(redacted)&authToken=(redacted)"
        );
        assert_eq!(redact_params("/?eyJnot=a.jwt"), "/?eyJnot=a.jwt");
    }
}
