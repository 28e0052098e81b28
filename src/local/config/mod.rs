//! The emulator's API settings from their three sources, layered in one place: a CloudFormation
//! template, then the config file's `[local]` section, then the flags (a later source wins,
//! setting by setting). Each flag's value is checked when clap parses it, with the parsers here.
//!
//! ```toml
//! [local]
//! authorizer = "auth"
//! identity_sources = ["route.request.header.Authorization"]
//! [local.functions.auth]
//! command = "python3 -m awslambdaric app.handler"   # or invoke = "http://127.0.0.1:9000#auth"
//! dir = "functions/auth"
//! timeout = "10s"
//! env = { USER_POOL_ID = "us-east-1_cwsLocal1" }
//! [local.routes]
//! "$default" = { function = "echo", two_way = true }
//! "sendmessage" = "echo"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::api::{ApiConfig, AuthorizerConfig, Identity, RouteConfig};
use super::error::SetupError;
use super::functions::runtimes::Code;
use super::functions::spec::{self, FunctionSpec, Source};
use super::template::functions::{RESERVED_KEYS, reserved_message};
use super::template::{FromTemplate, FunctionSettings};
pub use section::LocalSection;

mod section;

/// The flags' share, each value already parsed.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub functions: Vec<FunctionSpec>,
    pub env: Vec<NamedEnv>,
    pub timeouts: Vec<(String, Duration)>,
    pub concurrency: Vec<(String, usize)>,
    pub dirs: Vec<(String, PathBuf)>,
    pub routes: Vec<(String, String)>,
    pub two_way: Vec<String>,
    pub authorizer: Option<String>,
    pub identity_sources: Vec<Identity>,
    pub route_selection: Option<String>,
    /// `--trigger pre-token-generation=NAME[:VERSION]`.
    pub pre_token: Option<crate::local::api::PreTokenTrigger>,
    /// `--route-auth '$connect=AWS_IAM|NONE'`.
    pub route_auth: Option<AuthorizerConfig>,
    pub template: Option<PathBuf>,
    /// `--aws-endpoint`: where the tables are made (no warning that they are not emulated).
    pub aws_endpoint: Option<String>,
}

/// `FUNCTION:KEY=VALUE` of `--function-env`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedEnv {
    pub function: String,
    pub key: String,
    pub value: String,
}

/// `--function NAME=COMMAND|URL`.
pub fn function(text: &str) -> Result<FunctionSpec, super::error::FunctionError> {
    FunctionSpec::parse(text)
}

/// `--function-env FUNCTION:KEY=VALUE`.
pub fn named_env(text: &str) -> Result<NamedEnv, SetupError> {
    let bad = || SetupError::form(text, "FUNCTION:KEY=VALUE");
    let (function, rest) = text.split_once(':').ok_or_else(bad)?;
    let (key, value) = rest.split_once('=').ok_or_else(bad)?;
    if function.is_empty() || key.is_empty() {
        return Err(bad());
    }
    Ok(NamedEnv {
        function: function.into(),
        key: key.into(),
        value: value.into(),
    })
}

/// `NAME=VALUE`, split at the first `=`, both sides non-empty.
fn named<'a>(text: &'a str, form: &'static str) -> Result<(&'a str, &'a str), SetupError> {
    text.split_once('=')
        .filter(|(n, v)| !n.is_empty() && !v.trim().is_empty())
        .ok_or_else(|| SetupError::form(text, form))
}

/// `--function-timeout FUNCTION=DURATION`.
pub fn named_duration(text: &str) -> Result<(String, Duration), SetupError> {
    let (name, d) = named(text, "FUNCTION=DURATION")?;
    let d = crate::timefmt::parse_duration(d).map_err(|why| SetupError::Value {
        setting: format!("function {name}"),
        why,
    })?;
    Ok((name.into(), d))
}

/// `--function-concurrency FUNCTION=N`.
pub fn named_concurrency(text: &str) -> Result<(String, usize), SetupError> {
    let (name, n) = named(text, "FUNCTION=N with N from 1 to 100")?;
    let n = spec::parse_concurrency(n).map_err(|e| SetupError::Value {
        setting: format!("function {name}"),
        why: e.to_string(),
    })?;
    Ok((name.into(), n))
}

/// `--function-dir FUNCTION=DIR`.
pub fn named_dir(text: &str) -> Result<(String, PathBuf), SetupError> {
    let (name, dir) = named(text, "FUNCTION=DIR")?;
    Ok((name.into(), PathBuf::from(dir)))
}

/// `--route KEY=FUNCTION`.
pub fn route(text: &str) -> Result<(String, String), SetupError> {
    let (key, function) = named(text, "KEY=FUNCTION (e.g. '$default=echo')")?;
    Ok((key.into(), function.into()))
}

/// One function's settings from one source; `None` leaves the earlier source's.
#[derive(Debug, Clone, Default)]
pub(super) struct Layer {
    pub(super) source: Option<Source>,
    pub(super) timeout: Option<Duration>,
    pub(super) memory_mb: Option<u32>,
    pub(super) concurrency: Option<usize>,
    pub(super) cwd: Option<PathBuf>,
    pub(super) env: Vec<(String, String)>,
    /// The handler (the template's `Handler`).
    pub(super) handler: Option<String>,
    /// The template's runtime and code: what runs the function when no runner is given.
    pub(super) runtime: Option<(String, Option<Code>)>,
    pub(super) function_name: Option<String>,
}

impl Layer {
    /// `later` over `self`.
    pub(super) fn under(&mut self, later: Layer) {
        self.source = later.source.or(self.source.take());
        self.timeout = later.timeout.or(self.timeout);
        self.memory_mb = later.memory_mb.or(self.memory_mb);
        self.concurrency = later.concurrency.or(self.concurrency);
        self.cwd = later.cwd.or(self.cwd.take());
        self.runtime = later.runtime.or(self.runtime.take());
        self.handler = later.handler.or(self.handler.take());
        self.function_name = later.function_name.or(self.function_name.take());
        // Later values win: they come after.
        self.env.extend(later.env);
    }

    fn from_template(settings: &FunctionSettings) -> Layer {
        let env = settings.env.clone();
        Layer {
            handler: settings.handler.clone(),
            source: None,
            timeout: settings.timeout,
            memory_mb: settings.memory_mb,
            concurrency: settings.concurrency,
            cwd: None,
            env,
            runtime: settings.runtime.clone().map(|r| (r, settings.code.clone())),
            function_name: settings.function_name.clone(),
        }
    }
}

/// The API and its functions, with what to warn about once they are known to work.
#[derive(Debug)]
pub struct Resolved {
    pub api: ApiConfig,
    pub warnings: Vec<String>,
    /// `CreateTable` requests for the template's tables.
    pub tables: Vec<serde_json::Value>,
}

/// Reads the `[local]` section of `config_file` and the template (the flag's, else the
/// section's), then layers them with the flags.
pub fn load(config_file: &Path, flags: &Flags) -> Result<Resolved, SetupError> {
    let section = LocalSection::load(config_file)?;
    let template = match flags.template.as_ref().or(section.template.as_ref()) {
        Some(path) => Some((path.clone(), super::template::load(path)?)),
        None => None,
    };
    resolve(template, &section, flags)
}

/// Layers template → section → flags into the API.
pub fn resolve(
    template: Option<(PathBuf, FromTemplate)>,
    section: &LocalSection,
    flags: &Flags,
) -> Result<Resolved, SetupError> {
    let mut api = ApiConfig::default();
    let mut warnings = Vec::new();
    let mut layers: BTreeMap<String, Layer> = BTreeMap::new();
    if let Some((path, t)) = &template {
        for (id, kind) in &t.not_emulated {
            let table = kind == "AWS::DynamoDB::Table";
            if table && flags.aws_endpoint.is_some() {
                continue;
            }
            let hint = if table {
                " (--aws-endpoint URL creates it at a local DynamoDB: ministack, moto, DynamoDB Local)"
            } else {
                ""
            };
            warnings.push(format!(
                "{}: resource {id} ({kind}) is not emulated; code that uses it will not find it locally{hint}",
                path.display()
            ));
        }
        api = t.api.clone();
        for (name, settings) in &t.functions {
            layers.insert(name.clone(), Layer::from_template(settings));
        }
    }
    section::apply(section, &mut api, &mut layers)?;
    apply_flags(flags, &mut api, &mut layers)?;
    let template_functions: Vec<&String> = template
        .as_ref()
        .map(|(_, t)| t.functions.keys().collect())
        .unwrap_or_default();
    for f in &flags.functions {
        if !template_functions.contains(&&f.name) && !api.uses(&f.name) && template.is_some() {
            warnings.push(format!(
                "--function {}: the template uses no function of that logical id, and no route names it",
                f.name
            ));
        }
    }
    for (name, layer) in layers {
        let reserved: Vec<String> = layer
            .env
            .iter()
            .map(|(k, _)| k.clone())
            .filter(|k| RESERVED_KEYS.contains(&k.as_str()))
            .collect();
        if !reserved.is_empty() {
            return Err(SetupError::Value {
                setting: format!("function {name}"),
                why: reserved_message(&reserved),
            });
        }
        let declared = layer.runtime.as_ref().map(|(r, _)| r.clone());
        let (source, cwd) = match (layer.source, layer.runtime) {
            (Some(source), _) => (source, layer.cwd),
            // The template's runtime runs it, from --function-dir when given, else its code.
            (None, Some((runtime, code))) => match layer.cwd.map(Code::Dir).or(code) {
                Some(code) => (
                    Source::Runtime {
                        runtime: runtime.clone(),
                        code,
                    },
                    None,
                ),
                None => return Err(SetupError::NoCode { function: name }),
            },
            (None, None) if template_functions.contains(&&name) => {
                return Err(SetupError::NoRunner { function: name });
            }
            (None, None) => return Err(SetupError::NoSuchFunction { function: name }),
        };
        if let Some(dir) = &cwd
            && !dir.is_dir()
        {
            return Err(SetupError::Value {
                setting: format!("--function-dir {name}"),
                why: format!("{} is not a folder", dir.display()),
            });
        }
        let mut spec = FunctionSpec::new(&name, source);
        spec.runtime = declared;
        spec.function_name = layer.function_name;
        spec.handler = layer.handler;
        spec.timeout = layer.timeout.unwrap_or(spec.timeout);
        spec.memory_mb = layer.memory_mb.unwrap_or(spec.memory_mb);
        spec.concurrency = layer.concurrency.unwrap_or(spec.concurrency);
        spec.cwd = cwd;
        spec.env = layer.env;
        api.functions.push(spec);
    }
    api.check()?;
    let tables = template
        .map(|(_, t)| t.tables.into_iter().map(|(_, request)| request).collect())
        .unwrap_or_default();
    Ok(Resolved {
        api,
        warnings,
        tables,
    })
}

/// The settings of a function some source defines.
fn known<'a>(
    layers: &'a mut BTreeMap<String, Layer>,
    name: &str,
) -> Result<&'a mut Layer, SetupError> {
    layers
        .get_mut(name)
        .ok_or_else(|| SetupError::NoSuchFunction {
            function: name.to_string(),
        })
}

fn apply_flags(
    flags: &Flags,
    api: &mut ApiConfig,
    layers: &mut BTreeMap<String, Layer>,
) -> Result<(), SetupError> {
    let mut seen = std::collections::BTreeSet::new();
    for f in &flags.functions {
        if !seen.insert(f.name.clone()) {
            return Err(SetupError::Value {
                setting: format!("--function {}", f.name),
                why: "is given twice; give each function once".into(),
            });
        }
        layers.entry(f.name.clone()).or_default().under(Layer {
            source: Some(f.source.clone()),
            ..Default::default()
        });
    }
    for (name, t) in &flags.timeouts {
        known(layers, name)?.timeout = Some(*t);
    }
    for e in &flags.env {
        known(layers, &e.function)?
            .env
            .push((e.key.clone(), e.value.clone()));
    }
    for (name, n) in &flags.concurrency {
        known(layers, name)?.concurrency = Some(*n);
    }
    for (name, dir) in &flags.dirs {
        known(layers, name)?.cwd = Some(dir.clone());
    }
    for (key, function) in &flags.routes {
        let two_way = api.routes.get(key).is_some_and(|r| r.two_way);
        api.routes.insert(
            key.clone(),
            RouteConfig {
                function: function.clone(),
                two_way,
            },
        );
    }
    for key in &flags.two_way {
        match api.routes.get_mut(key) {
            Some(r) => r.two_way = true,
            None => return Err(SetupError::NoRoute { key: key.clone() }),
        }
    }
    if let Some(e) = &flags.route_selection {
        api.selection = e.clone();
    }
    api.pre_token = flags.pre_token.clone().or(api.pre_token.take());
    if let Some(auth) = &flags.route_auth {
        api.authorizer = auth.clone();
    }
    let sources = flags.identity_sources.clone();
    if let Some(name) = &flags.authorizer {
        api.authorizer = AuthorizerConfig::Function {
            function: name.clone(),
            identity_sources: if sources.is_empty() {
                vec![Identity::default()]
            } else {
                sources
            },
        };
    } else if let AuthorizerConfig::Function {
        identity_sources, ..
    } = &mut api.authorizer
        && !sources.is_empty()
    {
        *identity_sources = sources;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(text: &str) -> LocalSection {
        let doc: toml_edit::DocumentMut = text.parse().unwrap();
        let table = doc.get("local").unwrap().as_table().cloned().unwrap();
        toml_edit::de::from_document(toml_edit::DocumentMut::from(table)).unwrap()
    }

    #[test]
    fn flag_values_are_checked_when_parsed() {
        assert_eq!(
            named_env("auth:KEY=a=b").unwrap(),
            NamedEnv {
                function: "auth".into(),
                key: "KEY".into(),
                value: "a=b".into()
            }
        );
        assert_eq!(
            named_env("nocolon").unwrap_err().to_string(),
            "\"nocolon\" is not FUNCTION:KEY=VALUE"
        );
        assert_eq!(
            named_duration("f=10s").unwrap(),
            ("f".to_string(), Duration::from_secs(10))
        );
        assert!(named_duration("f=soon").is_err());
        assert_eq!(named_concurrency("f=3").unwrap(), ("f".to_string(), 3));
        assert_eq!(
            named_concurrency("f=101").unwrap_err().to_string(),
            "function f: \"101\" is not a number from 1 to 100"
        );
        assert_eq!(
            route("$default=echo").unwrap(),
            ("$default".to_string(), "echo".to_string())
        );
        assert!(route("=echo").is_err() && route("$default=").is_err());
    }

    #[test]
    fn later_sources_win_setting_by_setting() {
        let mut t = FromTemplate::default();
        t.api.routes.insert(
            "$default".into(),
            RouteConfig {
                function: "Echo".into(),
                two_way: true,
            },
        );
        t.functions.insert(
            "Echo".into(),
            FunctionSettings {
                function_name: Some("echo-fn".into()),
                runtime: None,
                code: None,
                handler: Some("app.handler".into()),
                timeout: Some(Duration::from_secs(10)),
                memory_mb: Some(256),
                concurrency: Some(2),
                env: vec![
                    ("A".into(), "template".into()),
                    ("B".into(), "template".into()),
                ],
            },
        );
        let s = section(
            "[local.functions.Echo]\ncommand = \"python3 app.py\"\ntimeout = \"20s\"\nenv = { B = \"file\" }\n",
        );
        let flags = Flags {
            concurrency: vec![("Echo".into(), 1)],
            env: vec![named_env("Echo:C=flag").unwrap()],
            ..Default::default()
        };
        let r = resolve(Some(("t.json".into(), t.clone())), &s, &flags).unwrap();
        let f = &r.api.functions[0];
        assert_eq!(
            f.timeout,
            Duration::from_secs(20),
            "the file's over the template's"
        );
        assert_eq!(f.concurrency, 1, "the flag's over the template's");
        assert_eq!(f.memory_mb, 256, "the template's when nothing else says");
        assert_eq!(f.handler(), "app.handler");
        let env = |k: &str| {
            f.env
                .iter()
                .rev()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            (env("A"), env("B"), env("C")),
            (Some("template"), Some("file"), Some("flag"))
        );
        // Without a runner the template's function cannot run.
        let e = resolve(
            Some(("t.json".into(), t)),
            &LocalSection::default(),
            &Flags::default(),
        )
        .unwrap_err();
        assert_eq!(
            e,
            SetupError::NoRunner {
                function: "Echo".into()
            }
        );
        // Settings for a function nothing defines.
        let e = resolve(None, &LocalSection::default(), &flags).unwrap_err();
        assert_eq!(
            e,
            SetupError::NoSuchFunction {
                function: "Echo".into()
            }
        );
    }
}
