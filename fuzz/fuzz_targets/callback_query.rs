//! Any text as the query of a loopback callback or a pasted address: reading it must not
//! panic, and only a state that decodes to the expected one may yield a code.
#![no_main]

use cwsauth::login::loopback::Outcome;
use cwsauth::redacted::Secret;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else { return };
    let state = Secret::new("expected-state");
    if let Outcome::Code(_) = Outcome::from_query(query, &state) {
        // Decoded as a form, as a callback is: its first state is the expected one, whether
        // percent-encoded or not (`state=%65xpected-state` is the same state).
        let first = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "state");
        assert!(
            first.is_some_and(|(_, v)| v == "expected-state"),
            "a code came without the expected state: {query:?}"
        );
    }
});
