//! Who may connect: the authorizer on `$connect`, built-in (the same decision as
//! `cwsauth verify --authorizer`) or a REQUEST authorizer function, with identity sources
//! checked before it runs; and how API Gateway reads a function's answer (a policy whose
//! resources are IAM wildcards, an explicit Deny beating any Allow, a context of scalars).

use std::time::Instant;

use serde_json::{Map, Value};

use super::events::{self, Context};
use super::head::Head;
use crate::local::Emulator;
use crate::local::api::{AuthorizerConfig, Identity};
use crate::local::functions::Outcome;
use crate::quotas::AUTHORIZER_TIMEOUT;

/// What the authorizer decided.
pub enum Authorized {
    Yes {
        principal_id: String,
        context: Map<String, Value>,
        latency_ms: u64,
    },
    /// No authorizer on the route.
    Open,
    /// Refused with 401, 403 or 500 (API Gateway's answers), and a note for the log.
    Refused { status: u16, note: String },
    /// The built-in authorizer's Deny for a user outside `--require-group` (403).
    OutsideGroups { note: String },
    /// A SigV4 signature that checks out: the caller's identity fields for the events.
    Iam { identity: Map<String, Value> },
    /// A SigV4 signature refused (403), with API Gateway's message and a note for the log.
    IamRefused { message: String, note: String },
}

impl Authorized {
    fn refused(status: u16, note: impl Into<String>) -> Authorized {
        Authorized::Refused {
            status,
            note: note.into(),
        }
    }
}

/// What the API's authorizer decides on this `$connect`.
pub async fn decide(emu: &Emulator, head: &Head, ctx: &Context, method_arn: &str) -> Authorized {
    match &emu.options.api.authorizer {
        AuthorizerConfig::BuiltIn => built_in(emu, head, method_arn),
        AuthorizerConfig::None => Authorized::Open,
        AuthorizerConfig::Iam => iam(emu, head),
        AuthorizerConfig::Function {
            function: name,
            identity_sources,
        } => function(emu, name, identity_sources, head, ctx, method_arn).await,
    }
}

/// An `AWS_IAM` `$connect`: the signature checked as API Gateway checks it, against the
/// credentials the emulator accepts.
fn iam(emu: &Emulator, head: &Head) -> Authorized {
    use crate::sigv4::verify::{Expected, Received, verify};
    let received = Received {
        method: &head.method,
        target: &head.target,
        headers: &head.headers,
        body: b"",
    };
    let expected = Expected {
        region: crate::local::ids::REGION,
        service: "execute-api",
        now: std::time::SystemTime::now(),
    };
    match verify(&received, &expected, &|key, token| {
        emu.aws_secret(key, token)
    }) {
        Ok(signer) => {
            if let Some(identity) =
                crate::local::identity_pool::identity_fields(emu, &signer.access_key)
            {
                return Authorized::Iam { identity };
            }
            let account = crate::local::ids::ACCOUNT;
            let mut identity = Map::new();
            for (k, v) in [
                ("accessKey", Value::String(signer.access_key.clone())),
                ("accountId", Value::String(account.into())),
                ("caller", Value::String(signer.access_key.clone())),
                ("user", Value::String(signer.access_key.clone())),
                (
                    "userArn",
                    Value::String(format!("arn:aws:iam::{account}:user/cwsauth-local")),
                ),
                ("cognitoIdentityId", Value::Null),
                ("cognitoIdentityPoolId", Value::Null),
                ("cognitoAuthenticationType", Value::Null),
                ("cognitoAuthenticationProvider", Value::Null),
            ] {
                identity.insert(k.into(), v);
            }
            Authorized::Iam { identity }
        }
        Err(refused) => Authorized::IamRefused {
            message: refused.message,
            note: format!(" ({})", crate::sanitize::excerpt(&refused.note, 120)),
        },
    }
}

/// The emulator's own Cognito authorizer (the same decision as `cwsauth verify --authorizer`).
fn built_in(emu: &Emulator, head: &Head, method_arn: &str) -> Authorized {
    use cwsauth_verify::authorizer::{self, Decision, PolicyOptions};
    let event = identity_event(head, method_arn);
    let started = Instant::now();
    let Ok(token) = event.token(&emu.options.identity_source) else {
        return Authorized::refused(401, " (no identity source)");
    };
    let checks = emu.checks(cwsauth_verify::ClientIds::one_of([
        emu.public_client.client_id.clone(),
        emu.confidential_client.client_id.clone(),
    ]));
    let result = cwsauth_verify::verify(&token, &checks, &emu.keys, crate::timefmt::now_epoch());
    let options = PolicyOptions {
        method_arn: method_arn.to_string(),
        ..Default::default()
    };
    match authorizer::decide(&result, &options, false, &emu.options.require_groups) {
        Decision::Allow(policy) => Authorized::Yes {
            principal_id: policy["principalId"].as_str().unwrap_or("").to_string(),
            context: policy["context"].as_object().cloned().unwrap_or_default(),
            latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(0),
        },
        Decision::Deny(_, why) => Authorized::OutsideGroups {
            note: format!(" ({})", crate::sanitize::excerpt(&why, 100)),
        },
        Decision::Unauthorized(why) => {
            Authorized::refused(401, format!(" ({})", crate::sanitize::excerpt(&why, 100)))
        }
    }
}

/// What the built-in authorizer reads the identity sources from: the request as a REQUEST
/// authorizer's event has it.
pub fn identity_event(head: &Head, method_arn: &str) -> cwsauth_verify::authorizer::ConnectEvent {
    let (headers, multi) = events::header_maps(head, true, None);
    let query = events::query_maps(head);
    cwsauth_verify::authorizer::ConnectEvent {
        headers: Some(headers),
        multi_value_headers: Some(multi),
        query_string_parameters: query.as_ref().map(|(q, _)| q.clone()),
        multi_value_query_string_parameters: query.map(|(_, m)| m),
        method_arn: Some(method_arn.to_string()),
    }
}

/// A REQUEST authorizer function: identity sources first (401 without calling it), then its
/// answer as API Gateway reads it.
async fn function(
    emu: &Emulator,
    name: &str,
    sources: &[Identity],
    head: &Head,
    ctx: &Context,
    method_arn: &str,
) -> Authorized {
    let unauthorized = |note: &str| Authorized::refused(401, format!(" ({note})"));
    let query = head.query();
    for source in sources {
        let present = match source {
            Identity::Header(n) => head.header(n).is_some_and(|v| !v.trim().is_empty()),
            Identity::Query(n) => query.iter().any(|(k, v)| k == n && !v.is_empty()),
        };
        if !present {
            return unauthorized("identity source missing; authorizer not called");
        }
    }
    let Some(function) = emu.functions.get(name) else {
        return Authorized::refused(500, " (no authorizer function)");
    };
    let event = events::authorizer_event(head, ctx, method_arn);
    let started = Instant::now();
    // The function's own timeout ends it first when it is the shorter.
    let outcome = super::invoke(function, &event, AUTHORIZER_TIMEOUT).await;
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(0);
    let configuration_error = |note: String| Authorized::refused(500, format!(" ({note})"));
    match outcome {
        o if o.is_unauthorized() => unauthorized("the authorizer said Unauthorized"),
        Outcome::Result(result) => match read_policy(&result, method_arn) {
            AuthorizerAnswer::Allow {
                principal_id,
                context,
            } => Authorized::Yes {
                principal_id,
                context,
                latency_ms,
            },
            AuthorizerAnswer::Deny => Authorized::refused(403, " (the policy denies it)"),
            AuthorizerAnswer::Malformed(why) => configuration_error(why),
        },
        Outcome::Error {
            error_type,
            error_message,
        } => configuration_error(format!(
            "the authorizer failed: {}: {}",
            crate::sanitize::excerpt(&error_type, 60),
            crate::sanitize::excerpt(&error_message, 100)
        )),
        Outcome::Timeout(t) => {
            configuration_error(format!("the authorizer timed out after {} s", t.as_secs()))
        }
        Outcome::Crashed(why) => configuration_error(format!("the authorizer failed: {why}")),
    }
}

/// What API Gateway makes of an authorizer function's result.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthorizerAnswer {
    Allow {
        principal_id: String,
        context: Map<String, Value>,
    },
    /// An explicit Deny, or no Allow that covers the method ARN: 403.
    Deny,
    /// The result is not a valid answer (no principal, no policy, a non-scalar context): 500.
    Malformed(String),
}

/// Reads an authorizer's result against `method_arn`, as API Gateway does: IAM-style `*`
/// wildcards in resources, an explicit Deny beats any Allow, context values must be scalars.
pub fn read_policy(result: &Value, method_arn: &str) -> AuthorizerAnswer {
    let Some(obj) = result.as_object() else {
        return AuthorizerAnswer::Malformed("the result is not a JSON object".into());
    };
    let Some(principal) = obj.get("principalId").and_then(|p| match p {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }) else {
        return AuthorizerAnswer::Malformed("the result has no principalId".into());
    };
    let Some(document) = obj.get("policyDocument").and_then(Value::as_object) else {
        return AuthorizerAnswer::Malformed("the result has no policyDocument".into());
    };
    let statements: Vec<&Value> = match document.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => return AuthorizerAnswer::Malformed("the policy has no Statement".into()),
    };
    let mut context = Map::new();
    match obj.get("context") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (k, v) in map {
                match v {
                    Value::Null => {}
                    Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                        context.insert(k.clone(), v.clone());
                    }
                    _ => {
                        return AuthorizerAnswer::Malformed(format!(
                            "context value {} is an object or array; API Gateway takes only strings, numbers and booleans",
                            crate::sanitize::excerpt(k, 60)
                        ));
                    }
                }
            }
        }
        Some(_) => return AuthorizerAnswer::Malformed("the context is not an object".into()),
    }
    let mut allowed = false;
    for statement in statements {
        let as_list = |v: Option<&Value>| -> Vec<String> {
            match v {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
                _ => Vec::new(),
            }
        };
        let actions = as_list(statement.get("Action"));
        let resources = as_list(statement.get("Resource"));
        let covers_action = actions.iter().any(|a| wildcard(a, "execute-api:Invoke"));
        let covers_resource = resources.iter().any(|r| wildcard(r, method_arn));
        if !(covers_action && covers_resource) {
            continue;
        }
        match statement.get("Effect").and_then(Value::as_str) {
            Some(e) if e.eq_ignore_ascii_case("deny") => return AuthorizerAnswer::Deny,
            Some(e) if e.eq_ignore_ascii_case("allow") => allowed = true,
            _ => {}
        }
    }
    if allowed {
        AuthorizerAnswer::Allow {
            principal_id: principal,
            context,
        }
    } else {
        AuthorizerAnswer::Deny
    }
}

/// IAM-style matching: `*` matches any run of characters (slashes included), `?` one.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        // A `*` is always a wildcard, even where the text has a `*` too.
        if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// The context as integrations see it: `principalId`, then each value as a string (the
/// `$connect` event adds `integrationLatency`: [`with_latency`]).
pub fn delivered_context(principal_id: &str, context: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("principalId".into(), Value::String(principal_id.into()));
    for (k, v) in context {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out.insert(k.clone(), Value::String(text));
    }
    out
}

/// The context as the `$connect` integration sees it: with the authorizer's latency, which
/// API Gateway adds on `$connect` only.
pub fn with_latency(context: &Map<String, Value>, latency_ms: u64) -> Map<String, Value> {
    let mut out = Map::new();
    for (i, (k, v)) in context.iter().enumerate() {
        out.insert(k.clone(), v.clone());
        if i == 0 {
            out.insert("integrationLatency".into(), Value::from(latency_ms));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_star_is_a_wildcard_even_against_a_star() {
        // Found by the authorizer_policy fuzz target: a `*` in the text was taken literally.
        assert!(wildcard("*", "***_*zprp"));
        assert!(wildcard("a*", "a*"));
        assert!(wildcard("*b", "**b"));
        assert!(wildcard("a*c", "a*b*c"));
        assert!(!wildcard("a*c", "a*b*d"));
        assert!(!wildcard("?", "**"));
    }

    #[test]
    fn policies_are_read_as_api_gateway_reads_them() {
        let arn = "arn:aws:execute-api:us-east-1:123456789012:abc/dev/$connect";
        let policy = |effect: &str, resource: Value, context: Value| {
            json!({"principalId": "u1", "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]}, "context": context})
        };
        assert_eq!(
            read_policy(
                &policy("Allow", json!(arn), json!({"n": 1, "b": true})),
                arn
            ),
            AuthorizerAnswer::Allow {
                principal_id: "u1".into(),
                context: json!({"n": 1, "b": true}).as_object().unwrap().clone()
            }
        );
        assert!(matches!(
            read_policy(
                &policy("Allow", json!("arn:aws:execute-api:*:*:*"), json!({})),
                arn
            ),
            AuthorizerAnswer::Allow { .. }
        ));
        assert!(matches!(
            read_policy(&policy("Allow", json!(["*"]), json!(null)), arn),
            AuthorizerAnswer::Allow { .. }
        ));
        // /dev/*/* needs two more segments: it does not cover /dev/$connect.
        assert_eq!(
            read_policy(
                &policy(
                    "Allow",
                    json!("arn:aws:execute-api:us-east-1:123456789012:abc/dev/*/*"),
                    json!({})
                ),
                arn
            ),
            AuthorizerAnswer::Deny
        );
        assert_eq!(
            read_policy(&policy("Deny", json!(arn), json!({})), arn),
            AuthorizerAnswer::Deny
        );
        assert!(matches!(
            read_policy(&policy("Allow", json!(arn), json!({"o": {"x": 1}})), arn),
            AuthorizerAnswer::Malformed(_)
        ));
        assert!(matches!(
            read_policy(&json!({"statusCode": 401}), arn),
            AuthorizerAnswer::Malformed(_)
        ));
        assert!(matches!(
            read_policy(&json!("Unauthorized"), arn),
            AuthorizerAnswer::Malformed(_)
        ));
        let delivered = delivered_context(
            "u1",
            json!({"n": 1, "b": true, "s": "x"}).as_object().unwrap(),
        );
        assert_eq!(
            Value::Object(delivered.clone()),
            json!({"principalId": "u1", "n": "1", "b": "true", "s": "x"})
        );
        assert_eq!(
            Value::Object(with_latency(&delivered, 7)),
            json!({"principalId": "u1", "integrationLatency": 7, "n": "1", "b": "true", "s": "x"})
        );
    }
}
