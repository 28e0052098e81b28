//! Any JSON as a REQUEST authorizer function's answer, read against a method ARN as API
//! Gateway reads it: never a panic, an Allow only with a statement that covers the ARN and
//! no Deny that does, scalars only in its context; and resource wildcards stay linear.
#![no_main]

use cwsauth::fuzzing::{AuthorizerAnswer, METHOD_ARN, read_policy, wildcard};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    // Wildcards on their own: the first line a pattern, the rest the text.
    if let Ok(text) = std::str::from_utf8(data) {
        let (pattern, subject) = text.split_once('\n').unwrap_or((text, METHOD_ARN));
        let matched = wildcard(pattern, subject);
        if !pattern.contains(['*', '?']) {
            assert_eq!(matched, pattern == subject);
        }
        if pattern == "*" {
            assert!(matched);
        }
    }
    let Ok(answer) = serde_json::from_slice::<Value>(data) else { return };
    let statements = || -> Vec<Value> {
        match &answer["policyDocument"]["Statement"] {
            Value::Array(items) => items.clone(),
            one @ Value::Object(_) => vec![one.clone()],
            _ => Vec::new(),
        }
    };
    let list = |v: &Value| -> Vec<String> {
        match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).map(String::from).collect(),
            _ => Vec::new(),
        }
    };
    let covers = |s: &Value, effect: &str| {
        s["Effect"].as_str().is_some_and(|e| e.eq_ignore_ascii_case(effect))
            && list(&s["Action"]).iter().any(|a| wildcard(a, "execute-api:Invoke"))
            && list(&s["Resource"]).iter().any(|r| wildcard(r, METHOD_ARN))
    };
    match read_policy(&answer, METHOD_ARN) {
        AuthorizerAnswer::Allow { principal_id, context } => {
            assert!(!principal_id.is_empty());
            assert!(statements().iter().any(|s| covers(s, "allow")));
            assert!(!statements().iter().any(|s| covers(s, "deny")));
            for v in context.values() {
                assert!(v.is_string() || v.is_number() || v.is_boolean(), "{v:?}");
            }
        }
        AuthorizerAnswer::Deny | AuthorizerAnswer::Malformed(_) => {}
    }
});
