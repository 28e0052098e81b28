//! The WebSocket API's shape, as API Gateway configures it: routes and their functions, the
//! route selection expression, the authorizer and its identity sources. Built from flags, from
//! the `[local]` section of `config.toml`, or from a CloudFormation template (`template.rs`).
//! Also the rules API Gateway applies: route selection, and reading an authorizer's policy.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

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
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            functions: Vec::new(),
            routes: BTreeMap::new(),
            authorizer: AuthorizerConfig::BuiltIn,
            selection: "$request.body.action".into(),
        }
    }
}

impl ApiConfig {
    /// Whether the developer's functions run anything (otherwise the built-in echo answers).
    pub fn has_routes(&self) -> bool {
        !self.routes.is_empty()
    }

    /// Checks that every route and the authorizer name a known function, and the expression.
    pub fn check(&self) -> Result<(), String> {
        let known = |name: &str| self.functions.iter().any(|f| f.name == name);
        for (key, route) in &self.routes {
            if !known(&route.function) {
                return Err(format!(
                    "route {key} names function {}, which no --function defines",
                    route.function
                ));
            }
        }
        if let AuthorizerConfig::Function { function, .. } = &self.authorizer
            && !known(function)
        {
            return Err(format!(
                "the authorizer names function {function}, which no --function defines"
            ));
        }
        selection_paths(&self.selection)?;
        Ok(())
    }

    /// Parses `KEY=FUNCTION` of `--route`.
    pub fn parse_route(text: &str) -> Result<(String, String), String> {
        match text.split_once('=') {
            Some((key, function)) if !key.is_empty() && !function.is_empty() => {
                Ok((key.to_string(), function.to_string()))
            }
            _ => Err(format!(
                "route {:?} is not KEY=FUNCTION (e.g. '$default=echo')",
                crate::sanitize::excerpt(text, 60)
            )),
        }
    }

    /// `NAME:KEY=VALUE` of `--function-env`.
    pub fn parse_env(text: &str) -> Result<(String, String, String), String> {
        let bad = || {
            format!(
                "{:?} is not FUNCTION:KEY=VALUE",
                crate::sanitize::excerpt(text, 60)
            )
        };
        let (name, rest) = text.split_once(':').ok_or_else(bad)?;
        let (key, value) = rest.split_once('=').ok_or_else(bad)?;
        if name.is_empty() || key.is_empty() {
            return Err(bad());
        }
        Ok((name.into(), key.into(), value.into()))
    }

    /// `NAME=DURATION` of `--function-timeout`.
    pub fn parse_timeout(text: &str) -> Result<(String, Duration), String> {
        let (name, d) = text.split_once('=').ok_or_else(|| {
            format!(
                "{:?} is not FUNCTION=DURATION",
                crate::sanitize::excerpt(text, 60)
            )
        })?;
        Ok((name.into(), crate::timefmt::parse_duration(d)?))
    }
}

/// The `[local]` section of `config.toml`: the same settings as the flags, kept in the file.
///
/// ```toml
/// [local]
/// authorizer = "auth"
/// identity_sources = ["route.request.header.Authorization"]
/// [local.functions.auth]
/// command = "python3 -m awslambdaric app.handler"   # or invoke = "http://127.0.0.1:9000#auth"
/// dir = "functions/auth"
/// timeout = "10s"
/// env = { USER_POOL_ID = "us-east-1_cwsLocal1" }
/// [local.routes]
/// "$default" = { function = "echo", two_way = true }
/// "sendmessage" = "echo"
/// ```
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalSection {
    #[serde(default)]
    functions: BTreeMap<String, FunctionSection>,
    #[serde(default)]
    routes: BTreeMap<String, RouteSection>,
    authorizer: Option<String>,
    #[serde(default)]
    identity_sources: Vec<String>,
    route_selection: Option<String>,
    pub template: Option<std::path::PathBuf>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FunctionSection {
    command: Option<String>,
    invoke: Option<String>,
    dir: Option<std::path::PathBuf>,
    timeout: Option<String>,
    memory: Option<u32>,
    concurrency: Option<usize>,
    #[serde(default)]
    env: BTreeMap<String, String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum RouteSection {
    Function(String),
    Full {
        function: String,
        #[serde(default)]
        two_way: bool,
    },
}

impl LocalSection {
    /// The section of the config file at `path`, if it has one.
    pub fn load(path: &std::path::Path) -> Result<LocalSection, String> {
        let bytes = match crate::fsutil::read_capped(path, crate::profile::MAX_CONFIG_BYTES) {
            Ok(b) => b,
            Err(e) if e.is_not_found() => return Ok(LocalSection::default()),
            Err(e) => return Err(format!("cannot read config file: {e}")),
        };
        let text = String::from_utf8_lossy(&bytes);
        let doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            format!("config file {}: {}", path.display(), e.message())
        })?;
        let Some(item) = doc.get("local") else {
            return Ok(LocalSection::default());
        };
        let section = toml_edit::DocumentMut::from(item.as_table().cloned().unwrap_or_default());
        toml_edit::de::from_document(section).map_err(|e| {
            format!(
                "config file {}, [local]: {}",
                path.display(),
                crate::sanitize::excerpt(e.message(), 200)
            )
        })
    }

    /// Adds the section's settings to `config`.
    pub fn apply(&self, config: &mut ApiConfig) -> Result<(), String> {
        for (name, f) in &self.functions {
            let runner = match (&f.command, &f.invoke) {
                (Some(c), None) => c.clone(),
                (None, Some(url)) => url.clone(),
                _ => {
                    return Err(format!(
                        "[local.functions.{name}] needs one of command or invoke"
                    ));
                }
            };
            let mut spec = FunctionSpec::parse(&format!("{name}={runner}"))?;
            spec.cwd = f.dir.clone();
            if let Some(t) = &f.timeout {
                spec.timeout = crate::timefmt::parse_duration(t)?;
            }
            if let Some(m) = f.memory {
                spec.memory_mb = m;
            }
            if let Some(c) = f.concurrency {
                if !(1..=100).contains(&c) {
                    return Err(format!(
                        "[local.functions.{name}] concurrency must be from 1 to 100"
                    ));
                }
                spec.concurrency = c;
            }
            spec.env = f.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            config.functions.retain(|x| x.name != *name);
            config.functions.push(spec);
        }
        for (key, route) in &self.routes {
            let (function, two_way) = match route {
                RouteSection::Function(f) => (f.clone(), false),
                RouteSection::Full { function, two_way } => (function.clone(), *two_way),
            };
            config
                .routes
                .insert(key.clone(), RouteConfig { function, two_way });
        }
        if let Some(e) = &self.route_selection {
            config.selection = e.clone();
        }
        if let Some(name) = &self.authorizer {
            let sources = if self.identity_sources.is_empty() {
                vec![Identity::default()]
            } else {
                self.identity_sources
                    .iter()
                    .map(|s| Identity::parse(s))
                    .collect::<Result<_, _>>()?
            };
            config.authorizer = AuthorizerConfig::Function {
                function: name.clone(),
                identity_sources: sources,
            };
        }
        Ok(())
    }
}

/// The JSON paths of a selection expression: `$request.body.action` or templates such as
/// `${request.body.service}/${request.body.action}`; literals are kept.
fn selection_paths(expression: &str) -> Result<Vec<Part>, String> {
    let bad = || {
        format!(
            "route selection expression {:?} is not $request.body.PATH (or ${{request.body.PATH}} in a template)",
            crate::sanitize::excerpt(expression, 100)
        )
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
