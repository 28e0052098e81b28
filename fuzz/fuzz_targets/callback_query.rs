//! Any text as the query of a loopback callback or a pasted address: reading it must not
//! panic, and only a matching state may yield a code.
#![no_main]

use cwsauth::login::loopback::Outcome;
use cwsauth::redacted::Secret;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else { return };
    let state = Secret::new("expected-state");
    if let Outcome::Code(_) = Outcome::from_query(query, &state) {
        assert!(query.contains("state=expected-state") || query.contains("state=expected%2Dstate"));
    }
});
