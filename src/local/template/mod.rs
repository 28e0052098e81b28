//! A CloudFormation or SAM template (JSON) read into the emulator's API: `AWS::ApiGatewayV2::Api`,
//! `::Authorizer`, `::Route`, `::RouteResponse`, `::Integration`, the functions they use
//! (`functions.rs`: name, runtime, code, handler, timeout, memory, environment) and the
//! DynamoDB tables to create (`tables.rs`), with intrinsic functions resolved (`resolve.rs`);
//! the Cognito pool and clients stand for the emulator's own. A function runs from its
//! runtime and code, or as `--function LOGICAL_ID=…` says.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use super::api::{ApiConfig, AuthorizerConfig, Identity, RouteConfig};
use super::error::{SetupError, TemplateError};
pub use resolve::{Local, api_host};
use resolve::{Resolver, err};

pub mod functions;
mod pool;
mod resolve;
mod tables;

/// Largest template read (CloudFormation's own limit is 1 MB).
pub const MAX_TEMPLATE: usize = 1024 * 1024;

/// What reading a template gives: the API, and each function's settings (without a runner).
#[derive(Debug, Clone, Default)]
pub struct FromTemplate {
    pub api: ApiConfig,
    /// Logical ids of the functions the API uses, with their handler, timeout, memory and
    /// environment.
    pub functions: BTreeMap<String, FunctionSettings>,
    /// Resources the emulator does not run (logical id, type), for a warning.
    pub not_emulated: Vec<(String, String)>,
    /// `CreateTable` requests for the template's DynamoDB tables (logical id, request).
    pub tables: Vec<(String, Value)>,
}

/// Resource types the emulator reads, or that mean nothing locally (permissions, roles,
/// deployments, stages, log groups): every other type is reported as not emulated.
const UNDERSTOOD: &[&str] = &[
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Authorizer",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::RouteResponse",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::IntegrationResponse",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Deployment",
    "AWS::Lambda::Function",
    "AWS::Lambda::Permission",
    "AWS::Serverless::Function",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolDomain",
    "AWS::Cognito::UserPoolGroup",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::Logs::LogGroup",
];

/// A function as the template deploys it.
#[derive(Debug, Clone, Default)]
pub struct FunctionSettings {
    /// Its name (`FunctionName`, or the one CloudFormation would make).
    pub function_name: Option<String>,
    /// `python3.12`, `nodejs20.x`, `provided.al2023`, …
    pub runtime: Option<String>,
    /// Its code, when the template says where (a folder or inline).
    pub code: Option<crate::local::functions::runtimes::Code>,
    pub handler: Option<String>,
    pub timeout: Option<Duration>,
    pub memory_mb: Option<u32>,
    pub concurrency: Option<usize>,
    pub env: Vec<(String, String)>,
}

/// The logical id of the function an `…/functions/{arn}/invocations` URI or an ARN names.
fn function_of(uri: &str) -> Option<String> {
    let arn = uri
        .split("/functions/")
        .nth(1)
        .map(|s| s.trim_end_matches("/invocations"))
        .unwrap_or(uri);
    let name = arn.rsplit(":function:").next()?;
    let name = name.split(':').next()?;
    (!name.is_empty() && !name.contains('/')).then(|| name.to_string())
}

/// Reads a template's API. Resources of other types are ignored unless something the API
/// needs refers to them in a way the emulator cannot resolve.
pub fn read(
    text: &str,
    local: &Local<'_>,
    template_dir: &std::path::Path,
) -> Result<FromTemplate, TemplateError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        TemplateError::Document(format!(
            "the template is not JSON ({}); YAML templates: convert them first (e.g. cfn-flip)",
            crate::sanitize::excerpt(&e.to_string(), 100)
        ))
    })?;
    let resources = doc
        .get("Resources")
        .and_then(Value::as_object)
        .ok_or_else(|| TemplateError::Document("the template has no Resources".into()))?;
    let section = |name: &str| {
        doc.get(name)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let r = Resolver {
        resources,
        parameters: section("Parameters"),
        mappings: section("Mappings"),
        local,
        depth: std::cell::Cell::new(0),
    };
    // Integrations name functions by ARN, so by their physical names: back to logical ids.
    let mut by_name = BTreeMap::new();
    for (id, v) in resources {
        if functions::is_function(v.get("Type").and_then(Value::as_str).unwrap_or("")) {
            by_name.insert(r.physical_name(id)?, id.clone());
        }
    }
    let function_of =
        |uri: &str| function_of(uri).map(|name| by_name.get(&name).cloned().unwrap_or(name));
    let of_type = |t: &'static str| {
        resources
            .iter()
            .filter(move |(_, v)| v.get("Type").and_then(Value::as_str) == Some(t))
    };
    let props = |v: &Value| v.get("Properties").cloned().unwrap_or(Value::Null);

    let apis: Vec<_> = of_type("AWS::ApiGatewayV2::Api")
        .filter(|(_, v)| props(v).get("ProtocolType").and_then(Value::as_str) == Some("WEBSOCKET"))
        .collect();
    let (api_id, api) = match apis.as_slice() {
        [one] => *one,
        [] => {
            return Err(TemplateError::Document(
                "the template has no AWS::ApiGatewayV2::Api with ProtocolType WEBSOCKET".into(),
            ));
        }
        _ => {
            return Err(TemplateError::Document(
                "the template has several WebSocket APIs; the emulator serves one".into(),
            ));
        }
    };
    let mut config = ApiConfig::default();
    if let Some(e) = props(api).get("RouteSelectionExpression") {
        config.selection = r.string(api_id, e)?;
    }

    let mut integrations = BTreeMap::new();
    for (id, v) in of_type("AWS::ApiGatewayV2::Integration") {
        let p = props(v);
        let uri = p
            .get("IntegrationUri")
            .ok_or_else(|| err(id, "no IntegrationUri"))?;
        let uri = r.string(id, uri)?;
        let function = function_of(&uri)
            .ok_or_else(|| err(id, format!("IntegrationUri {uri} names no Lambda function")))?;
        let timeout = p
            .get("TimeoutInMillis")
            .and_then(Value::as_u64)
            .map(Duration::from_millis);
        integrations.insert(id.clone(), (function, timeout));
    }
    let mut authorizers = BTreeMap::new();
    for (id, v) in of_type("AWS::ApiGatewayV2::Authorizer") {
        let p = props(v);
        if p.get("AuthorizerType").and_then(Value::as_str) != Some("REQUEST") {
            return Err(err(id, "only REQUEST authorizers exist for WebSocket APIs"));
        }
        let uri = r.string(
            id,
            p.get("AuthorizerUri")
                .ok_or_else(|| err(id, "no AuthorizerUri"))?,
        )?;
        let function = function_of(&uri)
            .ok_or_else(|| err(id, format!("AuthorizerUri {uri} names no Lambda function")))?;
        let sources = match p.get("IdentitySource") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    r.string(id, i)
                        .and_then(|s| Identity::parse(&s).map_err(|e| err(id, e)))
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(other) => vec![Identity::parse(&r.string(id, other)?).map_err(|e| err(id, e))?],
            None => Vec::new(),
        };
        authorizers.insert(id.clone(), (function, sources));
    }
    let mut route_ids = BTreeMap::new();
    config.authorizer = AuthorizerConfig::None;
    for (id, v) in of_type("AWS::ApiGatewayV2::Route") {
        let p = props(v);
        let key = r.string(id, p.get("RouteKey").ok_or_else(|| err(id, "no RouteKey"))?)?;
        let target = match p.get("Target") {
            Some(t) => r.string(id, t)?,
            None => continue,
        };
        let integration = target
            .strip_prefix("integrations/")
            .ok_or_else(|| err(id, format!("Target {target} is not integrations/ID")))?;
        let (function, _) = integrations.get(integration).ok_or_else(|| {
            err(
                id,
                format!("Target names integration {integration}, which is not in the template"),
            )
        })?;
        let two_way = p.get("RouteResponseSelectionExpression").is_some();
        if p.get("AuthorizationType").and_then(Value::as_str) == Some("CUSTOM") {
            if key != "$connect" {
                return Err(err(id, "only $connect can have an authorizer"));
            }
            let aid = r.string(
                id,
                p.get("AuthorizerId")
                    .ok_or_else(|| err(id, "AuthorizationType CUSTOM without AuthorizerId"))?,
            )?;
            let (function, sources) = authorizers.get(&aid).ok_or_else(|| {
                err(
                    id,
                    format!("AuthorizerId names {aid}, which is not in the template"),
                )
            })?;
            config.authorizer = AuthorizerConfig::Function {
                function: function.clone(),
                identity_sources: sources.clone(),
            };
        }
        if p.get("AuthorizationType").and_then(Value::as_str) == Some("AWS_IAM") {
            if key != "$connect" {
                return Err(err(id, "only $connect can be authorized"));
            }
            config.authorizer = AuthorizerConfig::Iam;
        }
        route_ids.insert(id.clone(), key.clone());
        config.routes.insert(
            key,
            RouteConfig {
                function: function.clone(),
                two_way,
            },
        );
    }
    for (id, v) in of_type("AWS::ApiGatewayV2::RouteResponse") {
        let route = r.string(
            id,
            props(v)
                .get("RouteId")
                .ok_or_else(|| err(id, "no RouteId"))?,
        )?;
        if let Some(key) = route_ids.get(&route)
            && let Some(rc) = config.routes.get_mut(key)
        {
            rc.two_way = true;
        }
    }

    // The pool's pre-token-generation trigger (LambdaConfig), run on every token it issues.
    for (id, v) in of_type("AWS::Cognito::UserPool") {
        if let Some(trigger) = pool::pre_token(&r, id, &props(v), &function_of)? {
            config.pre_token = Some(trigger);
        }
    }

    // Settings of the functions the API uses.
    let mut used: Vec<String> = config.routes.values().map(|r| r.function.clone()).collect();
    if let Some(t) = &config.pre_token {
        used.push(t.function.clone());
    }
    if let AuthorizerConfig::Function { function, .. } = &config.authorizer {
        used.push(function.clone());
    }
    let globals = doc
        .pointer("/Globals/Function")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut functions = BTreeMap::new();
    for name in used {
        let Some(resource) = resources.get(&name) else {
            return Err(TemplateError::Document(format!(
                "the API uses function {name}, which is not a resource of the template"
            )));
        };
        if !functions::is_function(resource.get("Type").and_then(Value::as_str).unwrap_or("")) {
            return Err(err(
                &name,
                "the API uses it as a function, but it is not an AWS::Lambda::Function",
            ));
        }
        let mut settings = functions::settings(&r, &name, resource, &globals, template_dir)?;
        // An integration's own timeout, when shorter.
        for (function, timeout) in integrations.values() {
            if *function == name
                && let Some(t) = timeout
            {
                settings.timeout = Some(settings.timeout.map_or(*t, |s| s.min(*t)));
            }
        }
        functions.insert(name, settings);
    }
    let mut tables = Vec::new();
    for (id, v) in of_type("AWS::DynamoDB::Table") {
        tables.push((id.clone(), tables::create_table(&r, id, v)?));
    }
    let not_emulated = resources
        .iter()
        .filter_map(|(id, v)| {
            let kind = v.get("Type").and_then(Value::as_str).unwrap_or("(no Type)");
            (!UNDERSTOOD.contains(&kind)).then(|| (id.clone(), kind.to_string()))
        })
        .collect();
    Ok(FromTemplate {
        api: config,
        functions,
        not_emulated,
        tables,
    })
}

/// Reads the template at `path` (JSON, at most [`MAX_TEMPLATE`] bytes). The pool's resources
/// stand for the emulator's own; its issuer is a placeholder until the port is known.
pub fn load(path: &std::path::Path) -> Result<FromTemplate, SetupError> {
    let bytes = crate::fsutil::read_capped(path, MAX_TEMPLATE).map_err(|e| SetupError::Value {
        setting: format!("--template {}", path.display()),
        why: format!("cannot read it: {e}"),
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let local = Local {
        pool_id: crate::local::ids::POOL_ID,
        client_id: crate::local::ids::PUBLIC_CLIENT_ID,
        issuer: crate::local::ISSUER_PLACEHOLDER,
    };
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    read(&text, &local, dir).map_err(|e| SetupError::Value {
        setting: path.display().to_string(),
        why: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn local() -> Local<'static> {
        Local {
            pool_id: "us-east-1_cwsLocal1",
            client_id: "client1",
            issuer: "http://127.0.0.1:9/us-east-1_cwsLocal1",
        }
    }

    fn template() -> Value {
        json!({
            "Parameters": {"Stage": {"Type": "String", "Default": "dev"}},
            "Resources": {
                "Pool": {"Type": "AWS::Cognito::UserPool"},
                "Client": {"Type": "AWS::Cognito::UserPoolClient"},
                "Auth": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "index.handler", "Timeout": 10,
                    "Environment": {"Variables": {"USER_POOL_ID": {"Ref": "Pool"}, "CLIENT_ID": {"Ref": "Client"},
                        "REGION": {"Ref": "AWS::Region"}, "ISS": {"Fn::Sub": "https://${Pool.ProviderURL}"}}}}},
                "Msg": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "app.handler"}},
                "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action"}},
                "Authz": {"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": {"ApiId": {"Ref": "Api"}, "AuthorizerType": "REQUEST",
                    "AuthorizerUri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Auth.Arn}/invocations"},
                    "IdentitySource": ["route.request.header.Authorization"]}},
                "MsgInteg": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {"ApiId": {"Ref": "Api"}, "IntegrationType": "AWS_PROXY",
                    "IntegrationUri": {"Fn::Join": ["", ["arn:aws:apigateway:", {"Ref": "AWS::Region"}, ":lambda:path/2015-03-31/functions/", {"Fn::GetAtt": ["Msg", "Arn"]}, "/invocations"]]}}},
                "Connect": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": {"Ref": "Api"}, "RouteKey": "$connect",
                    "AuthorizationType": "CUSTOM", "AuthorizerId": {"Ref": "Authz"},
                    "Target": {"Fn::Join": ["/", ["integrations", {"Ref": "MsgInteg"}]]}}},
                "Default": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": {"Ref": "Api"}, "RouteKey": "$default",
                    "Target": {"Fn::Sub": "integrations/${MsgInteg}"}}},
                "DefaultResponse": {"Type": "AWS::ApiGatewayV2::RouteResponse", "Properties": {"RouteId": {"Ref": "Default"}, "RouteResponseKey": "$default"}},
                "Table": {"Type": "AWS::DynamoDB::Table"}
            }
        })
    }

    #[test]
    fn a_websocket_api_with_an_authorizer_reads_whole() {
        let t = read(&template().to_string(), &local(), std::path::Path::new(".")).unwrap();
        assert_eq!(t.api.selection, "$request.body.action");
        assert_eq!(
            t.api.authorizer,
            AuthorizerConfig::Function {
                function: "Auth".into(),
                identity_sources: vec![Identity::Header("Authorization".into())]
            }
        );
        assert_eq!(
            t.api.routes["$connect"],
            RouteConfig {
                function: "Msg".into(),
                two_way: false
            }
        );
        assert_eq!(
            t.api.routes["$default"],
            RouteConfig {
                function: "Msg".into(),
                two_way: true
            }
        );
        let auth = &t.functions["Auth"];
        assert_eq!(auth.handler.as_deref(), Some("index.handler"));
        assert_eq!(auth.timeout, Some(Duration::from_secs(10)));
        assert!(
            auth.env
                .contains(&("USER_POOL_ID".into(), "us-east-1_cwsLocal1".into()))
        );
        assert!(auth.env.contains(&("CLIENT_ID".into(), "client1".into())));
        assert!(auth.env.contains(&(
            "ISS".into(),
            "https://127.0.0.1:9/us-east-1_cwsLocal1".into()
        )));
        assert_eq!(
            t.not_emulated,
            vec![("Table".to_string(), "AWS::DynamoDB::Table".to_string())]
        );
    }

    #[test]
    fn what_cannot_be_resolved_is_named_with_its_resource() {
        let mut t = template();
        t["Resources"]["Auth"]["Properties"]["Environment"]["Variables"]["X"] =
            json!({"Fn::ImportValue": "shared"});
        assert_eq!(
            read(&t.to_string(), &local(), std::path::Path::new("."))
                .unwrap_err()
                .to_string(),
            "template resource Auth: Fn::ImportValue cannot be resolved locally"
        );
        let mut t = template();
        t["Resources"]["Default"]["Properties"]["Target"] = json!("integrations/Nope");
        assert_eq!(
            read(&t.to_string(), &local(), std::path::Path::new("."))
                .unwrap_err()
                .to_string(),
            "template resource Default: Target names integration Nope, which is not in the template"
        );
        let mut t = template();
        t["Resources"]["Auth"]["Properties"]["Environment"]["Variables"]["T"] =
            json!({"Fn::GetAtt": ["Table", "Nope"]});
        assert_eq!(
            read(&t.to_string(), &local(), std::path::Path::new("."))
                .unwrap_err()
                .to_string(),
            "template resource Auth: Fn::GetAtt Table.Nope of a AWS::DynamoDB::Table cannot be resolved locally"
        );
        assert!(
            read("Resources: {}", &local(), std::path::Path::new("."))
                .unwrap_err()
                .to_string()
                .starts_with("the template is not JSON")
        );
    }
}
