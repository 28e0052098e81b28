//! Fuzzed claims signed with a test key, so that every input reaches the checks past the
//! signature (time, token use, client, scope, group) and the authorizer's decision. A token
//! is accepted only when every check holds, and an Allow's context holds scalars only.
#![no_main]

use std::sync::OnceLock;

use cwsauth_verify::authorizer::{Decision, PolicyOptions, decide};
use cwsauth_verify::signing::{SigningKey, jwks_document};
use cwsauth_verify::{Checks, ClientIds, KeySet, TokenUse, verify};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Fuzz";
const NOW: i64 = 1_800_000_000;
const LEEWAY: i64 = 5;

fn key() -> &'static (SigningKey, KeySet) {
    static KEY: OnceLock<(SigningKey, KeySet)> = OnceLock::new();
    KEY.get_or_init(|| {
        let key = SigningKey::generate("fuzz-kid").unwrap();
        let keys = KeySet::from_value(&jwks_document(&[&key])).unwrap();
        (key, keys)
    })
}

/// A claim value chosen by one byte: one of the few that matter for `good`, a fuzzed
/// string or number, a value of the wrong type, or absent (None).
fn pick(byte: u8, good: &[Value], text: &mut dyn Iterator<Item = String>) -> Option<Value> {
    let n = good.len() as u8;
    match byte % (n + 5) {
        i if i < n => Some(good[i as usize].clone()),
        i if i == n => text.next().map(Value::String),
        i if i == n + 1 => Some(json!(i64::from(byte as i8) * 997)),
        i if i == n + 2 => Some(json!([text.next().unwrap_or_default()])),
        i if i == n + 3 => Some(Value::Null),
        _ => None,
    }
}

/// Whether every check `verify` makes holds for these claims, written apart from it.
fn every_check_holds(c: &Map<String, Value>, token_use: TokenUse, groups: bool) -> bool {
    let s = |k: &str| c.get(k).and_then(Value::as_str);
    let secs = |k: &str| c.get(k).and_then(Value::as_f64).map(|v| v.floor() as i64);
    let typed = ["exp", "nbf", "iat", "auth_time"]
        .iter()
        .all(|k| c.get(*k).is_none_or(Value::is_number))
        && ["iss", "token_use", "client_id", "scope", "username", "sub"]
            .iter()
            .all(|k| c.get(*k).is_none_or(Value::is_string))
        && c.get("aud").is_none_or(|v| {
            v.is_string() || v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
        })
        && c.get("cognito:groups")
            .is_none_or(|v| v.as_array().is_some_and(|a| a.iter().all(Value::is_string)));
    let use_ok = match (token_use, s("token_use")) {
        (TokenUse::Access | TokenUse::Any, Some("access")) => s("client_id") == Some("c"),
        (TokenUse::Id | TokenUse::Any, Some("id")) => match c.get("aud") {
            Some(Value::String(a)) => a == "c",
            Some(Value::Array(a)) => a.iter().any(|v| v == "c"),
            _ => false,
        },
        _ => false,
    };
    let in_group = c
        .get("cognito:groups")
        .and_then(Value::as_array)
        .is_some_and(|g| g.iter().any(|v| v == "g"));
    typed
        && s("iss") == Some(ISSUER)
        && secs("exp").is_some_and(|e| e >= NOW - LEEWAY)
        && secs("nbf").is_none_or(|t| t <= NOW + LEEWAY)
        && secs("iat").is_none_or(|t| t <= NOW + LEEWAY)
        && use_ok
        && s("scope").is_some_and(|sc| sc.split(' ').any(|w| w == "openid"))
        && (!groups || in_group)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 10 {
        return;
    }
    let (sel, rest) = data.split_at(10);
    // The rest is extra claims when it is a JSON object, else text for the fuzzed values.
    let mut claims = match serde_json::from_slice::<Value>(rest) {
        Ok(Value::Object(extra)) => extra,
        _ => Map::new(),
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let mut text = text.split('\n').map(str::to_string).collect::<Vec<_>>().into_iter();
    let mut set = |name: &str, byte: u8, good: &[Value]| match pick(byte, good, &mut text) {
        Some(v) => {
            claims.insert(name.to_string(), v);
        }
        None => {}
    };
    let t = |d: i64| json!(NOW + d);
    set("iss", sel[0], &[json!(ISSUER), json!(format!("{ISSUER}/"))]);
    set("token_use", sel[1], &[json!("access"), json!("id")]);
    set("client_id", sel[2], &[json!("c"), json!("C")]);
    set("aud", sel[3], &[json!("c"), json!(["x", "c"]), json!(["x"])]);
    set("exp", sel[4], &[t(3600), t(-LEEWAY), t(-LEEWAY - 1), json!(NOW as f64 - 5.5)]);
    set("nbf", sel[5], &[t(0), t(LEEWAY), t(LEEWAY + 1)]);
    set("iat", sel[6], &[t(-60), t(LEEWAY + 1), json!(1e300)]);
    set("scope", sel[7], &[json!("openid"), json!("email openid"), json!("openidx")]);
    set("cognito:groups", sel[8], &[json!(["g"]), json!(["h", "g"]), json!(["G"])]);
    let token_use = [TokenUse::Access, TokenUse::Id, TokenUse::Any][usize::from(sel[9] % 3)];
    let groups = sel[9] & 4 != 0;

    let (signer, keys) = key();
    let token = signer.sign(&Value::Object(claims.clone()));
    let mut checks = Checks::new(ISSUER, token_use, ClientIds::one_of(["c"]))
        .scopes(["openid"])
        .leeway(LEEWAY as u64);
    if groups {
        checks = checks.groups(["g"]);
    }
    let result = verify(&token, &checks, keys, NOW);
    let holds = every_check_holds(&claims, token_use, groups);
    assert_eq!(result.is_ok(), holds, "claims {claims:?}: {:?}", result.as_ref().err());

    // The decision: a required group the user is outside of is a Deny, an invalid token a 401
    // (or a Deny when asked), and an Allow's context holds scalars only.
    let options = PolicyOptions {
        method_arn: "arn:aws:execute-api:us-east-1:1:a/prod/$connect".into(),
        ..Default::default()
    };
    let required = if sel[9] & 8 != 0 { vec!["g".to_string()] } else { Vec::new() };
    let deny_on_invalid = sel[9] & 16 != 0;
    match decide(&result, &options, deny_on_invalid, &required) {
        Decision::Allow(policy) => {
            assert!(result.is_ok());
            let groups = claims.get("cognito:groups").and_then(Value::as_array);
            assert!(required.is_empty() || groups.is_some_and(|g| g.iter().any(|v| v == "g")));
            assert_eq!(policy["policyDocument"]["Statement"][0]["Effect"], "Allow");
            let context = policy["context"].as_object().expect("a context object");
            for v in context.values() {
                assert!(v.is_string() || v.is_number() || v.is_boolean(), "{v:?}");
            }
        }
        Decision::Deny(policy, _) => {
            assert!((result.is_err() && deny_on_invalid) || !required.is_empty());
            assert_eq!(policy["policyDocument"]["Statement"][0]["Effect"], "Deny");
        }
        Decision::Unauthorized(_) => assert!(result.is_err() && !deny_on_invalid),
    }
});
