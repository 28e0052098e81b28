//! Any bytes as a JWKS document: parsing and key lookup must not panic.
#![no_main]

use cwsauth_verify::{KeySet, KeySource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(set) = KeySet::from_json(data) {
        let kids: Vec<String> = set.kids().map(str::to_string).collect();
        for kid in kids {
            let _ = set.key(&kid);
        }
        let _ = set.key("absent");
    }
});
