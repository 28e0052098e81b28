//! The API Gateway Lambda REQUEST authorizer's view of a token: the identity source of a
//! `$connect` event, the IAM policy, the scalar-only `context`, and the decision. `cwsauth
//! verify --authorizer`, the local emulator and the deployable authorizer all decide here.

use serde_json::{Map, Value, json};

use crate::checks::{Rejection, Verified};

/// Where API Gateway takes the token from.
///
/// ```
/// use cwsauth_verify::authorizer::IdentitySource;
/// assert_eq!(IdentitySource::parse("header:Authorization"), Ok(IdentitySource::Header("Authorization".into())));
/// assert_eq!(IdentitySource::parse("route.request.querystring.token"), Ok(IdentitySource::Query("token".into())));
/// assert!(IdentitySource::parse("cookie:x").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentitySource {
    /// `route.request.header.NAME` (case-insensitive), value `Bearer <token>`.
    Header(String),
    /// `route.request.querystring.NAME`, the raw token.
    Query(String),
}

impl IdentitySource {
    /// `header:NAME` or `query:NAME`, or API Gateway's own `route.request.header.NAME` and
    /// `route.request.querystring.NAME`.
    pub fn parse(text: &str) -> Result<IdentitySource, String> {
        let header = text
            .strip_prefix("header:")
            .or_else(|| text.strip_prefix("route.request.header."));
        let query = text
            .strip_prefix("query:")
            .or_else(|| text.strip_prefix("route.request.querystring."));
        match (header, query) {
            (Some(name), _) if !name.is_empty() => Ok(IdentitySource::Header(name.into())),
            (_, Some(name)) if !name.is_empty() => Ok(IdentitySource::Query(name.into())),
            _ => Err(format!(
                "identity source {text:?} is not header:NAME, query:NAME or route.request.header|querystring.NAME"
            )),
        }
    }

    /// API Gateway's spelling: `route.request.header.NAME` or `route.request.querystring.NAME`.
    pub fn gateway_form(&self) -> String {
        match self {
            IdentitySource::Header(name) => format!("route.request.header.{name}"),
            IdentitySource::Query(name) => format!("route.request.querystring.{name}"),
        }
    }
}

impl Default for IdentitySource {
    fn default() -> Self {
        IdentitySource::Header("Authorization".into())
    }
}

/// The parts of an API Gateway `$connect` authorizer event that the authorizer reads.
///
/// ```
/// use cwsauth_verify::authorizer::{ConnectEvent, IdentitySource};
/// let event: ConnectEvent = serde_json::from_str(
///     r#"{"type": "REQUEST", "headers": {"authorization": "Bearer abc"}, "methodArn": "arn:x"}"#,
/// ).unwrap();
/// assert_eq!(event.token(&IdentitySource::default()).unwrap(), "abc");
/// ```
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectEvent {
    /// Single-value headers, names as the client sent them.
    #[serde(default)]
    pub headers: Option<Map<String, Value>>,
    /// Every value of every header.
    #[serde(default)]
    pub multi_value_headers: Option<Map<String, Value>>,
    /// Single-value query parameters.
    #[serde(default)]
    pub query_string_parameters: Option<Map<String, Value>>,
    /// Every value of every query parameter.
    #[serde(default)]
    pub multi_value_query_string_parameters: Option<Map<String, Value>>,
    /// `arn:aws:execute-api:{region}:{account}:{api}/{stage}/$connect`.
    #[serde(default)]
    pub method_arn: Option<String>,
}

/// Why no token could be taken from an event: API Gateway answers 401 without calling the
/// authorizer's verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MissingIdentity {
    /// The header is absent or empty.
    #[error("the event has no {0} header")]
    NoHeader(String),
    /// The header does not carry `Bearer <token>`.
    #[error("the {0} header is not \"Bearer <token>\"")]
    NotBearer(String),
    /// The query parameter is absent or empty.
    #[error("the event has no {0} query parameter")]
    NoQuery(String),
}

impl ConnectEvent {
    /// The token named by `source`.
    pub fn token(&self, source: &IdentitySource) -> Result<String, MissingIdentity> {
        match source {
            IdentitySource::Header(name) => {
                let value = first_of_list(find_ci(self.headers.as_ref(), name))
                    .or_else(|| first_of_list(find_ci(self.multi_value_headers.as_ref(), name)))
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| MissingIdentity::NoHeader(name.clone()))?;
                bearer_token(&value)
                    .map(str::to_string)
                    .ok_or_else(|| MissingIdentity::NotBearer(name.clone()))
            }
            IdentitySource::Query(name) => {
                first_of_list(find_exact(self.query_string_parameters.as_ref(), name))
                    .or_else(|| {
                        first_of_list(find_exact(
                            self.multi_value_query_string_parameters.as_ref(),
                            name,
                        ))
                    })
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| MissingIdentity::NoQuery(name.clone()))
            }
        }
    }
}

/// The token of an `Authorization: Bearer <token>` value (scheme case-insensitive).
///
/// ```
/// assert_eq!(cwsauth_verify::authorizer::bearer_token("bearer  abc "), Some("abc"));
/// assert_eq!(cwsauth_verify::authorizer::bearer_token("Basic abc"), None);
/// ```
pub fn bearer_token(value: &str) -> Option<&str> {
    let rest = crate::token::strip_prefix_ci(value.trim(), "bearer ")?.trim();
    (!rest.is_empty()).then_some(rest)
}

fn find_ci(map: Option<&Map<String, Value>>, name: &str) -> Option<Value> {
    map?.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| value_text_or_list(v.clone()))
}

fn find_exact(map: Option<&Map<String, Value>>, name: &str) -> Option<Value> {
    map?.get(name).cloned().and_then(value_text_or_list)
}

fn value_text_or_list(v: Value) -> Option<Value> {
    match v {
        Value::String(_) | Value::Array(_) => Some(v),
        _ => None,
    }
}

fn first_of_list(v: Option<Value>) -> Option<String> {
    match v? {
        Value::Array(items) => items.first().and_then(Value::as_str).map(str::to_string),
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// Inputs of the policy besides the claims.
///
/// ```
/// use cwsauth_verify::authorizer::{PolicyOptions, allow};
/// let claims = serde_json::json!({"username": "alice", "cognito:groups": ["a", "b"]});
/// let options = PolicyOptions {
///     method_arn: "arn:aws:execute-api:us-east-1:1:api/prod/$connect".into(),
///     extra_context: vec![("tier".into(), "gold".into())],
///     ..Default::default()
/// };
/// let policy = allow(claims.as_object().unwrap(), &options);
/// assert_eq!(policy["principalId"], "alice");
/// assert_eq!(policy["context"]["cognito:groups"], "a,b");
/// assert_eq!(policy["context"]["tier"], "gold");
/// assert_eq!(policy["policyDocument"]["Statement"][0]["Effect"], "Allow");
/// ```
#[derive(Debug, Clone, Default)]
pub struct PolicyOptions {
    /// The `Resource` of the statement.
    pub method_arn: String,
    /// Overrides the principal taken from the claims.
    pub principal_id: Option<String>,
    /// `--context KEY=VALUE` entries, added after the claims.
    pub extra_context: Vec<(String, String)>,
}

/// The default resource: any API and stage of the region, route `$connect`.
///
/// ```
/// assert_eq!(
///     cwsauth_verify::authorizer::default_method_arn(Some("eu-west-1")),
///     "arn:aws:execute-api:eu-west-1:*:*/*/$connect"
/// );
/// ```
pub fn default_method_arn(region: Option<&str>) -> String {
    format!(
        "arn:aws:execute-api:{}:*:*/*/$connect",
        region.unwrap_or("*")
    )
}

/// `username` (access token), `cognito:username` (ID token), else `sub`.
///
/// ```
/// let claims = serde_json::json!({"sub": "s-1", "cognito:username": "bob"});
/// assert_eq!(cwsauth_verify::authorizer::principal_of(claims.as_object().unwrap()), "bob");
/// ```
pub fn principal_of(claims: &Map<String, Value>) -> String {
    ["username", "cognito:username", "sub"]
        .iter()
        .find_map(|k| claims.get(*k).and_then(Value::as_str))
        .unwrap_or("unknown")
        .to_string()
}

/// The authorizer's answer for a verified token.
pub fn allow(claims: &Map<String, Value>, options: &PolicyOptions) -> Value {
    policy("Allow", claims, options)
}

/// A Deny policy for the same resource, principal from the (unverified) claims when known.
pub fn deny(claims: Option<&Map<String, Value>>, options: &PolicyOptions) -> Value {
    let empty = Map::new();
    let claims = claims.unwrap_or(&empty);
    let mut answer = policy("Deny", &empty, options);
    answer["principalId"] = Value::String(
        options
            .principal_id
            .clone()
            .unwrap_or_else(|| principal_of(claims)),
    );
    answer
}

fn policy(effect: &str, claims: &Map<String, Value>, options: &PolicyOptions) -> Value {
    let principal = options
        .principal_id
        .clone()
        .unwrap_or_else(|| principal_of(claims));
    let mut context = flatten_context(claims);
    for (k, v) in &options.extra_context {
        context.insert(k.clone(), Value::String(v.clone()));
    }
    json!({
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{
                "Action": "execute-api:Invoke",
                "Effect": effect,
                "Resource": options.method_arn,
            }]
        },
        "context": context,
    })
}

/// What API Gateway makes of the authorizer's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// An Allow policy: the connection is accepted and the context reaches the backend.
    Allow(Value),
    /// A Deny policy (API Gateway answers 403 Forbidden), with the reason.
    Deny(Value, String),
    /// The authorizer failed the request (API Gateway answers 401 Unauthorized), with the reason.
    Unauthorized(String),
}

/// The authorizer's decision on a verification result. A verified user outside
/// `required_groups` (when any are given) is denied by policy; an invalid token is
/// `Unauthorized`, or denied when `deny_on_invalid`.
///
/// ```
/// use cwsauth_verify::authorizer::{Decision, PolicyOptions, decide};
/// use cwsauth_verify::{ErrorKind, Rejection, VerifyError};
/// let rejected = Err(Rejection::from(VerifyError::new(ErrorKind::Expired, "late")));
/// let options = PolicyOptions::default();
/// assert_eq!(decide(&rejected, &options, false, &[]), Decision::Unauthorized("expired: late".into()));
/// assert!(matches!(decide(&rejected, &options, true, &[]), Decision::Deny(..)));
/// ```
pub fn decide(
    result: &Result<Verified, Rejection>,
    options: &PolicyOptions,
    deny_on_invalid: bool,
    required_groups: &[String],
) -> Decision {
    match result {
        Ok(verified) => {
            let groups = crate::groups(&verified.claims);
            if !required_groups.is_empty()
                && !groups
                    .iter()
                    .any(|g| required_groups.iter().any(|r| r == g))
            {
                let reason = format!(
                    "the user is in none of the required groups ({})",
                    required_groups.join(", ")
                );
                return Decision::Deny(deny(Some(&verified.claims), options), reason);
            }
            Decision::Allow(allow(&verified.claims, options))
        }
        Err(rejection) => {
            let reason = rejection.error.to_string();
            if deny_on_invalid {
                Decision::Deny(deny(rejection.claims.as_ref(), options), reason)
            } else {
                Decision::Unauthorized(reason)
            }
        }
    }
}

/// Claims as API Gateway accepts them in `context`: strings, numbers and booleans only.
/// Arrays of scalars are joined with commas; objects and other arrays become JSON strings;
/// nulls are dropped.
///
/// ```
/// let claims = serde_json::json!({"exp": 5, "groups": ["a", "b"], "n": null});
/// let context = cwsauth_verify::authorizer::flatten_context(claims.as_object().unwrap());
/// assert_eq!(serde_json::Value::Object(context), serde_json::json!({"exp": 5, "groups": "a,b"}));
/// ```
pub fn flatten_context(claims: &Map<String, Value>) -> Map<String, Value> {
    claims
        .iter()
        .filter_map(|(k, v)| {
            let flat = match v {
                Value::Null => return None,
                Value::String(_) | Value::Number(_) | Value::Bool(_) => v.clone(),
                Value::Array(items) if items.iter().all(|i| !i.is_array() && !i.is_object()) => {
                    Value::String(
                        items
                            .iter()
                            .map(|i| match i {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(","),
                    )
                }
                other => Value::String(other.to_string()),
            };
            Some((k.clone(), flat))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_scalar_only() {
        let claims = json!({
            "sub": "s", "exp": 5, "email_verified": true,
            "cognito:groups": ["admin", "dev"], "address": {"city": "x"}, "n": null
        });
        let ctx = flatten_context(claims.as_object().unwrap());
        assert_eq!(
            Value::Object(ctx),
            json!({"sub": "s", "exp": 5, "email_verified": true,
                   "cognito:groups": "admin,dev", "address": "{\"city\":\"x\"}"})
        );
    }

    #[test]
    fn tokens_from_events() {
        let ev: ConnectEvent = serde_json::from_value(json!({
            "headers": {"authorization": "Bearer abc"},
            "queryStringParameters": {"token": "qq"},
            "methodArn": "arn:aws:execute-api:us-east-1:1:api/prod/$connect"
        }))
        .unwrap();
        assert_eq!(ev.token(&IdentitySource::default()).unwrap(), "abc");
        assert_eq!(
            ev.token(&IdentitySource::Query("token".into())).unwrap(),
            "qq"
        );
        assert_eq!(
            ev.token(&IdentitySource::Query("t".into())).unwrap_err(),
            MissingIdentity::NoQuery("t".into())
        );
        let ev: ConnectEvent = serde_json::from_value(json!({
            "multiValueHeaders": {"Authorization": ["abc"]}
        }))
        .unwrap();
        assert_eq!(
            ev.token(&IdentitySource::default()).unwrap_err(),
            MissingIdentity::NotBearer("Authorization".into())
        );
    }
}
