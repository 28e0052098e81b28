//! RS256 signing keys (feature `signing`), for emulators and tests: generate or load a key,
//! publish it as a JWK, sign claims into a compact JWT. An authorizer never needs this.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::RSA_PKCS1_SHA256;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// An RSA-2048 private key with its `kid`.
///
/// ```
/// use cwsauth_verify::signing::SigningKey;
/// let key = SigningKey::generate("k1").unwrap();
/// let token = key.sign(&serde_json::json!({"sub": "a"}));
/// assert_eq!(cwsauth_verify::decode(&token).unwrap().header["kid"], "k1");
/// ```
pub struct SigningKey {
    kid: String,
    pair: KeyPair,
}

/// A key that could not be generated, read or written.
#[derive(Debug, thiserror::Error)]
#[error("RSA key error: {0}")]
pub struct KeyError(String);

impl SigningKey {
    /// A fresh 2048-bit key (takes tens of milliseconds).
    pub fn generate(kid: impl Into<String>) -> Result<SigningKey, KeyError> {
        let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|e| KeyError(e.to_string()))?;
        Ok(SigningKey {
            kid: kid.into(),
            pair,
        })
    }

    /// A key from its PKCS#8 DER bytes, as [`SigningKey::pkcs8_der`] wrote them.
    pub fn from_pkcs8(kid: impl Into<String>, der: &[u8]) -> Result<SigningKey, KeyError> {
        let pair = KeyPair::from_pkcs8(der).map_err(|e| KeyError(e.to_string()))?;
        Ok(SigningKey {
            kid: kid.into(),
            pair,
        })
    }

    /// The private key as PKCS#8 DER, to keep it across restarts.
    pub fn pkcs8_der(&self) -> Result<Vec<u8>, KeyError> {
        self.pair
            .as_der()
            .map(|d| d.as_ref().to_vec())
            .map_err(|e| KeyError(e.to_string()))
    }

    /// The key id published in the JWK and put in token headers.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half as Cognito publishes it: `{"alg","e","kid","kty","n","use"}`.
    pub fn jwk(&self) -> Value {
        use aws_lc_rs::signature::KeyPair as _;
        let public = self.pair.public_key();
        json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
            "kid": self.kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "use": "sig",
        })
    }

    /// Signs `claims` with header `{"kid", "alg": "RS256"}`.
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_with_header(&json!({"kid": self.kid, "alg": "RS256"}), claims)
    }

    /// Signs with any header, e.g. a wrong `alg` for tests of the verifier.
    pub fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
        let mut token = URL_SAFE_NO_PAD.encode(header.to_string());
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut signature = vec![0; self.pair.public_modulus_len()];
        let rng = aws_lc_rs::rand::SystemRandom::new();
        // Signing with a valid key pair and a correctly sized buffer cannot fail.
        let _ = self
            .pair
            .sign(&RSA_PKCS1_SHA256, &rng, token.as_bytes(), &mut signature);
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(signature));
        token
    }
}

/// `{"keys": [...]}` for a set of keys.
pub fn jwks_document(keys: &[&SigningKey]) -> Value {
    json!({"keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()})
}

/// An access token's claims as Cognito issues them, for tests and benchmarks: user `alice`
/// of `issuer`, app client `client_id`, groups `admin` and `dev`, issued at `iat`, valid for an
/// hour. Change a claim with `claims["name"] = …`.
///
/// ```
/// let claims = cwsauth_verify::signing::access_claims("https://issuer", "app", 1_800_000_000);
/// assert_eq!(claims["exp"], 1_800_003_600);
/// assert_eq!(claims["token_use"], "access");
/// ```
pub fn access_claims(issuer: &str, client_id: &str, iat: i64) -> Value {
    serde_json::json!({
        "sub": "5f2c7a1e-0000-4000-8000-000000000001",
        "cognito:groups": ["admin", "dev"],
        "iss": issuer,
        "version": 2,
        "client_id": client_id,
        "origin_jti": "11111111-2222-3333-4444-555555555555",
        "event_id": "66666666-7777-8888-9999-000000000000",
        "token_use": "access",
        "scope": "openid email profile",
        "auth_time": iat,
        "exp": iat + 3600,
        "iat": iat,
        "jti": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "username": "alice",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Checks, ClientIds, KeySet, TokenUse, verify};

    #[test]
    fn signed_tokens_verify_and_reload() {
        let key = SigningKey::generate("k1").unwrap();
        let set = KeySet::from_value(&jwks_document(&[&key])).unwrap();
        let claims = json!({"iss": "i", "exp": 2_000_000_000i64, "token_use": "access"});
        let checks = Checks::new("i", TokenUse::Any, ClientIds::Any);
        assert!(verify(&key.sign(&claims), &checks, &set, 1_000_000_000).is_ok());
        let again = SigningKey::from_pkcs8("k1", &key.pkcs8_der().unwrap()).unwrap();
        assert_eq!(again.jwk(), key.jwk());
    }
}
