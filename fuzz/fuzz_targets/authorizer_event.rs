//! Any bytes as an API Gateway $connect event: taking the token and flattening a context
//! must not panic, and the context must hold scalars only.
#![no_main]

use cwsauth_verify::authorizer::{ConnectEvent, IdentitySource, flatten_context};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    if let Ok(event) = serde_json::from_slice::<ConnectEvent>(data) {
        let _ = event.token(&IdentitySource::default());
        let _ = event.token(&IdentitySource::Query("token".into()));
    }
    if let Ok(Value::Object(claims)) = serde_json::from_slice::<Value>(data) {
        for (_, v) in flatten_context(&claims) {
            assert!(v.is_string() || v.is_number() || v.is_boolean());
        }
    }
});
