//! Any bytes as a token: decode and verify must answer Ok or a typed error, never panic.
#![no_main]

use std::sync::OnceLock;

use cwsauth::jwt::signing::{SigningKey, jwks_document};
use cwsauth::jwt::{Checks, KeySet, TokenUse, decode, verify};
use libfuzzer_sys::fuzz_target;

fn keys() -> &'static KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| {
        let key = SigningKey::generate("fuzz-kid").unwrap();
        KeySet::from_value(&jwks_document(&[&key])).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else { return };
    let _ = decode(token);
    let checks = Checks {
        issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Fuzz".into(),
        client_ids: vec!["c".into()],
        token_use: TokenUse::Any,
        scopes: vec!["openid".into()],
        groups: vec!["g".into()],
        leeway: 5,
    };
    let _ = verify(token, &checks, keys(), 1_800_000_000);
});
