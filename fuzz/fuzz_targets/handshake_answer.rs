//! Any bytes as a server's answer to `connect`'s upgrade request: a status, a refusal or "more
//! bytes needed", never a panic; a 101 is accepted only with the accept key of the key sent
//! and a subprotocol among those offered.
#![no_main]

use cwsauth::fuzzing::handshake_answer;
use libfuzzer_sys::fuzz_target;

/// The key of RFC 6455 §1.3's example, and its accept value.
const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

fuzz_target!(|data: &[u8]| {
    if let Ok(Some((101, protocol))) = handshake_answer(data, KEY, &["chat", "v2"]) {
        let text = String::from_utf8_lossy(data);
        assert!(text.contains(ACCEPT), "accepted without the accept key");
        if let Some(p) = protocol {
            assert!(p == "chat" || p == "v2", "chose {p:?}");
        }
    }
});
