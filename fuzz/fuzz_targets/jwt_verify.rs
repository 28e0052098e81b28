//! Any bytes as a token: decode and verify must answer Ok or a typed error, never panic.
#![no_main]

use std::sync::OnceLock;

use cwsauth_verify::signing::{SigningKey, jwks_document};
use cwsauth_verify::{Checks, ClientIds, KeySet, TokenUse, decode, verify};
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
    let checks = Checks::new(
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Fuzz",
        TokenUse::Any,
        ClientIds::one_of(["c"]),
    )
    .scopes(["openid"])
    .groups(["g"])
    .leeway(5);
    let _ = verify(token, &checks, keys(), 1_800_000_000);
});
