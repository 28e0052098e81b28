//! The WebSocket API's shape, as API Gateway configures it: routes and their functions, the
//! route selection expression, the authorizer and its identity sources (layered from their
//! sources in `config.rs`); and API Gateway's route selection.

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::SetupError;
use super::functions::FunctionSpec;

/// An identity source: `route.request.header.NAME` or `route.request.querystring.NAME`, the
/// verifier's own type (the Lambda authorizer reads the same sources).
pub use cwsauth_verify::authorizer::IdentitySource as Identity;

/// Who decides on `$connect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizerConfig {
    /// The emulator's own Cognito JWT authorizer (the default).
    BuiltIn,
    /// A REQUEST authorizer function.
    Function {
        function: String,
        identity_sources: Vec<Identity>,
    },
    /// `AuthorizationType: NONE`.
    None,
    /// `AuthorizationType: AWS_IAM`: a SigV4-signed `$connect`, checked against the
    /// emulator's credentials.
    Iam,
}

/// `--route-auth '$connect=AWS_IAM'` (or `NONE`): how `$connect` is authorized without a
/// function (a WebSocket API authorizes on `$connect` only).
pub fn route_auth(text: &str) -> Result<AuthorizerConfig, SetupError> {
    let bad = |why: &str| SetupError::Value {
        setting: format!("--route-auth {}", crate::sanitize::excerpt(text, 60)),
        why: why.into(),
    };
    let (key, kind) = text
        .split_once('=')
        .ok_or_else(|| bad("is not $connect=AWS_IAM|NONE"))?;
    if key != "$connect" {
        return Err(bad(
            "names a route other than $connect (a WebSocket API authorizes on $connect only)",
        ));
    }
    match kind {
        "AWS_IAM" => Ok(AuthorizerConfig::Iam),
        "NONE" => Ok(AuthorizerConfig::None),
        _ => Err(bad(
            "is not AWS_IAM or NONE (a function authorizer is --authorizer NAME)",
        )),
    }
}

/// The test credentials an `AWS_IAM` route accepts when none are given (documented; the
/// emulator answers loopback names only).
pub const DEFAULT_IAM_CREDENTIALS: (&str, &str) =
    ("AKIACWSAUTHLOCAL0001", "cwsauth-local-iam-secret");

/// `--iam-credentials ACCESS_KEY:SECRET`.
pub fn iam_credentials(text: &str) -> Result<(String, crate::redacted::Secret), SetupError> {
    match text.split_once(':') {
        Some((key, secret)) if !key.is_empty() && !secret.is_empty() => {
            Ok((key.to_string(), crate::redacted::Secret::new(secret)))
        }
        _ => Err(SetupError::Value {
            setting: "--iam-credentials".into(),
            why: "is not ACCESS_KEY:SECRET".into(),
        }),
    }
}

/// The version of the pre-token-generation trigger's event (Cognito's `LambdaVersion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerVersion {
    /// The ID token only (Cognito's default).
    V1,
    /// ID and access tokens, claims and scopes.
    V2,
    /// V2, and machine-to-machine (client credentials) access tokens too.
    V3,
}

impl TriggerVersion {
    /// `V1_0`, `V2_0` or `V3_0`.
    pub fn parse(text: &str) -> Option<TriggerVersion> {
        match text {
            "V1_0" => Some(TriggerVersion::V1),
            "V2_0" => Some(TriggerVersion::V2),
            "V3_0" => Some(TriggerVersion::V3),
            _ => None,
        }
    }
}

/// The user pool's pre-token-generation Lambda trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreTokenTrigger {
    pub function: String,
    pub version: TriggerVersion,
}

/// `--trigger pre-token-generation=NAME[:V1_0|V2_0|V3_0]` (V1_0 by default, as Cognito's).
pub fn trigger(text: &str) -> Result<PreTokenTrigger, SetupError> {
    let bad = |why: &str| SetupError::Value {
        setting: format!("--trigger {}", crate::sanitize::excerpt(text, 60)),
        why: why.into(),
    };
    let Some(("pre-token-generation", spec)) = text.split_once('=') else {
        return Err(bad(
            "is not pre-token-generation=FUNCTION[:VERSION] (the one trigger the emulator runs)",
        ));
    };
    let (function, version) = match spec.split_once(':') {
        Some((f, v)) => (
            f,
            TriggerVersion::parse(v).ok_or_else(|| bad("its version is not V1_0, V2_0 or V3_0"))?,
        ),
        None => (spec, TriggerVersion::V1),
    };
    if function.is_empty() {
        return Err(bad("names no function"));
    }
    Ok(PreTokenTrigger {
        function: function.to_string(),
        version,
    })
}

/// A route's integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteConfig {
    pub function: String,
    /// A route response is configured: the function's `body` goes back to the client.
    pub two_way: bool,
}

/// The whole API.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    pub functions: Vec<FunctionSpec>,
    pub routes: BTreeMap<String, RouteConfig>,
    pub authorizer: AuthorizerConfig,
    pub selection: String,
    /// The pool's pre-token-generation trigger (not part of the API, but run by the same host).
    pub pre_token: Option<PreTokenTrigger>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            functions: Vec::new(),
            routes: BTreeMap::new(),
            authorizer: AuthorizerConfig::BuiltIn,
            selection: "$request.body.action".into(),
            pre_token: None,
        }
    }
}

impl ApiConfig {
    /// Whether the developer's functions run anything (otherwise the built-in echo answers).
    pub fn has_routes(&self) -> bool {
        !self.routes.is_empty()
    }

    /// Whether a route or the authorizer names function `name`.
    pub fn uses(&self, name: &str) -> bool {
        self.routes.values().any(|r| r.function == name)
            || matches!(&self.authorizer, AuthorizerConfig::Function { function, .. } if function == name)
            || self.pre_token.as_ref().is_some_and(|t| t.function == name)
    }

    /// Checks that every route and the authorizer name a known function, and the expression.
    pub fn check(&self) -> Result<(), SetupError> {
        let known = |name: &str| self.functions.iter().any(|f| f.name == name);
        for (key, route) in &self.routes {
            if !known(&route.function) {
                return Err(SetupError::UnknownFunction {
                    what: format!("route {key}"),
                    function: route.function.clone(),
                });
            }
        }
        if let AuthorizerConfig::Function { function, .. } = &self.authorizer
            && !known(function)
        {
            return Err(SetupError::UnknownFunction {
                what: "the authorizer".into(),
                function: function.clone(),
            });
        }
        if let Some(t) = &self.pre_token
            && !known(&t.function)
        {
            return Err(SetupError::UnknownFunction {
                what: "the pre-token-generation trigger".into(),
                function: t.function.clone(),
            });
        }
        selection_paths(&self.selection)?;
        Ok(())
    }
}

/// The JSON paths of a selection expression: `$request.body.action` or templates such as
/// `${request.body.service}/${request.body.action}`; literals are kept.
fn selection_paths(expression: &str) -> Result<Vec<Part>, SetupError> {
    let bad = || SetupError::Selection {
        expression: crate::sanitize::excerpt(expression, 100),
    };
    if let Some(path) = expression.strip_prefix("$request.body.") {
        if path.is_empty() {
            return Err(bad());
        }
        return Ok(vec![Part::Path(
            path.split('.').map(str::to_string).collect(),
        )]);
    }
    let mut parts = Vec::new();
    let mut rest = expression;
    while let Some(start) = rest.find("${") {
        if start > 0 {
            parts.push(Part::Literal(rest[..start].to_string()));
        }
        let end = rest[start..].find('}').ok_or_else(bad)? + start;
        let path = rest[start + 2..end]
            .strip_prefix("request.body.")
            .ok_or_else(bad)?;
        parts.push(Part::Path(path.split('.').map(str::to_string).collect()));
        rest = &rest[end + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest.replace("\\$", "$")));
    }
    if parts.iter().all(|p| matches!(p, Part::Literal(_))) {
        return Err(bad());
    }
    Ok(parts)
}

enum Part {
    Literal(String),
    Path(Vec<String>),
}

/// The route key a message selects: the expression over the message as JSON (a missing path
/// is empty, other values stringified); `None` for a message that is not JSON.
pub fn select_route(expression: &str, message: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(message).ok()?;
    let parts = selection_paths(expression).ok()?;
    let mut key = String::new();
    for part in parts {
        match part {
            Part::Literal(text) => key.push_str(&text),
            Part::Path(path) => {
                let mut v = &doc;
                for step in &path {
                    v = v.get(step.as_str()).unwrap_or(&Value::Null);
                }
                match v {
                    Value::Null => {}
                    Value::String(s) => key.push_str(s),
                    Value::Array(items) => key.push_str(&format!(
                        "[{}]",
                        items.iter().map(stringify).collect::<Vec<_>>().join(", ")
                    )),
                    other => key.push_str(&stringify(other)),
                }
            }
        }
    }
    Some(key)
}

fn stringify(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_selected_as_api_gateway_does() {
        let e = "$request.body.action";
        assert_eq!(
            select_route(e, r#"{"action":"sendmessage"}"#).as_deref(),
            Some("sendmessage")
        );
        assert_eq!(select_route(e, r#"{"other":1}"#).as_deref(), Some(""));
        assert_eq!(select_route(e, "not json"), None);
        assert_eq!(select_route(e, r#"{"action":5}"#).as_deref(), Some("5"));
        assert_eq!(
            select_route("$request.body.a.b", r#"{"a":{"b":"deep"}}"#).as_deref(),
            Some("deep")
        );
        assert_eq!(
            select_route(
                "${request.body.service}/${request.body.action}",
                r#"{"service":"chat","action":"join"}"#
            )
            .as_deref(),
            Some("chat/join")
        );
        assert_eq!(
            select_route(
                "${request.body.action}-${request.body.missing}",
                r#"{"action":"join"}"#
            )
            .as_deref(),
            Some("join-")
        );
        assert!(selection_paths("$request.header.x").is_err());
        assert!(selection_paths("literal").is_err());
    }
}
