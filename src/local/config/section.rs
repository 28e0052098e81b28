//! The `[local]` section of `config.toml`: the same settings as the flags, kept in the file,
//! and how it adds to what the template said.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Layer;
use crate::local::api::{ApiConfig, AuthorizerConfig, Identity, RouteConfig};
use crate::local::error::SetupError;
use crate::local::functions::spec::{self, FunctionSpec};

/// The `[local]` section of `config.toml`: the same settings as the flags, kept in the file.
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
    pub template: Option<PathBuf>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FunctionSection {
    command: Option<String>,
    invoke: Option<String>,
    dir: Option<PathBuf>,
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
    pub fn load(path: &Path) -> Result<LocalSection, SetupError> {
        let problem = |at: &str, why: String| SetupError::ConfigFile {
            path: path.display().to_string(),
            at: at.to_string(),
            why,
        };
        if let Some(why) = crate::fsutil::untrusted(path) {
            return Err(problem(
                "",
                format!("refusing it: {why} (bad owner or permissions); `chmod 600` it"),
            ));
        }
        let bytes = match crate::fsutil::read_capped(path, crate::profile::MAX_CONFIG_BYTES) {
            Ok(b) => b,
            Err(e) if e.is_not_found() => return Ok(LocalSection::default()),
            Err(e) => return Err(problem("", format!("cannot read it: {e}"))),
        };
        let text = String::from_utf8_lossy(&bytes);
        let doc: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| problem("", e.message().to_string()))?;
        let Some(item) = doc.get("local") else {
            return Ok(LocalSection::default());
        };
        let section = toml_edit::DocumentMut::from(item.as_table().cloned().unwrap_or_default());
        toml_edit::de::from_document(section)
            .map_err(|e| problem(", [local]", crate::sanitize::excerpt(e.message(), 200)))
    }
}

pub(super) fn apply(
    section: &LocalSection,
    api: &mut ApiConfig,
    layers: &mut BTreeMap<String, Layer>,
) -> Result<(), SetupError> {
    for (name, f) in &section.functions {
        let setting = |why: String| SetupError::Section {
            function: name.clone(),
            why,
        };
        let runner = match (&f.command, &f.invoke) {
            (Some(c), None) => c.clone(),
            (None, Some(url)) => url.clone(),
            _ => return Err(setting("needs one of command or invoke".into())),
        };
        let parsed =
            FunctionSpec::parse(&format!("{name}={runner}")).map_err(|e| setting(e.to_string()))?;
        let timeout = f
            .timeout
            .as_deref()
            .map(crate::timefmt::parse_duration)
            .transpose()
            .map_err(setting)?;
        let concurrency = f
            .concurrency
            .map(|c| spec::parse_concurrency(&c.to_string()))
            .transpose()
            .map_err(|e| setting(format!("concurrency: {e}")))?;
        layers.entry(name.clone()).or_default().under(Layer {
            source: Some(parsed.source),
            timeout,
            memory_mb: f.memory,
            concurrency,
            cwd: f.dir.clone(),
            env: f.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            ..Default::default()
        });
    }
    for (key, route) in &section.routes {
        let (function, two_way) = match route {
            RouteSection::Function(f) => (f.clone(), false),
            RouteSection::Full { function, two_way } => (function.clone(), *two_way),
        };
        api.routes
            .insert(key.clone(), RouteConfig { function, two_way });
    }
    if let Some(e) = &section.route_selection {
        api.selection = e.clone();
    }
    if let Some(name) = &section.authorizer {
        let sources = if section.identity_sources.is_empty() {
            vec![Identity::default()]
        } else {
            section
                .identity_sources
                .iter()
                .map(|s| Identity::parse(s))
                .collect::<Result<_, _>>()
                .map_err(|why| SetupError::Value {
                    setting: "[local] identity_sources".into(),
                    why,
                })?
        };
        api.authorizer = AuthorizerConfig::Function {
            function: name.clone(),
            identity_sources: sources,
        };
    }
    Ok(())
}
