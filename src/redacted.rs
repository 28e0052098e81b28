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

/// Replaces the values of secret-bearing query or form parameters in `text` with `(redacted)`,
/// for logging URLs and bodies.
pub fn redact_params(text: &str) -> String {
    redact_params_and(text, None)
}

/// [`redact_params`], and also the parameter named `also` (a token under a name the user
/// chose, such as `connect --auth-query`).
pub fn redact_params_and(text: &str, also: Option<&str>) -> String {
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
            Some((key, _))
                if {
                    let name = key.rsplit(['?', '/']).next().unwrap_or(key);
                    SECRET_KEYS.contains(&name) || also == Some(name)
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
}
