//! Profiles: where files live (`CWSAUTH_HOME`), the TOML config file, env and flag overrides,
//! and the Cognito endpoints derived from a pool id. Knows each value's source for `--show`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::redacted::Secret;

/// Every profile key, in the order `configure --show` prints them.
pub const KEYS: &[&str] = &[
    "region",
    "user_pool_id",
    "client_id",
    "client_secret",
    "domain",
    "redirect_uri",
    "scopes",
    "ws_url",
    "idp_endpoint",
    "issuer",
    "jwks_uri",
    "store",
];

/// Keys whose file value may be a list.
const LIST_KEYS: &[&str] = &["redirect_uri", "scopes"];

pub const DEFAULT_PROFILE: &str = "default";
pub const DEFAULT_REDIRECT_URI: &str = "http://localhost:3000";
pub const DEFAULT_SCOPES: &str = "openid email profile";

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}, line {line}: {key}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
    #[error(
        "profile {name} is not in {path}: create it with `cwsauth configure --profile {name} --user-pool-id … --client-id …`"
    )]
    UnknownProfile { name: String, path: PathBuf },
    #[error(
        "profile {profile} has no {key}: set it with `cwsauth configure --profile {profile} --{flag} …` or pass --{flag}"
    )]
    Missing {
        profile: String,
        key: &'static str,
        flag: String,
    },
    #[error(
        "profile {profile} has no client secret, which this needs: set CWSAUTH_CLIENT_SECRET or client_secret in the profile"
    )]
    NoClientSecret { profile: String },
    #[error("{key} {value:?} is not valid: {why}")]
    BadValue {
        key: &'static str,
        value: String,
        why: String,
    },
    #[error("cannot write config file {path}: {source}")]
    Unwritable {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The folders the tool reads and writes: all under `CWSAUTH_HOME` when it is set.
#[derive(Debug, Clone)]
pub struct Home {
    root: Option<PathBuf>,
}

impl Home {
    pub fn from_env() -> Home {
        Home {
            root: std::env::var_os("CWSAUTH_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }

    pub fn at(root: impl Into<PathBuf>) -> Home {
        Home {
            root: Some(root.into()),
        }
    }

    fn platform(&self, base: Option<PathBuf>, sub: &str) -> PathBuf {
        match &self.root {
            Some(root) if sub.is_empty() => root.clone(),
            Some(root) => root.join(sub),
            None => base.unwrap_or_else(|| PathBuf::from(".")).join("cwsauth"),
        }
    }

    /// A short tag of `CWSAUTH_HOME` for shared namespaces such as the OS keyring, so that two
    /// homes never share tokens; `None` for the default home.
    pub fn namespace(&self) -> Option<String> {
        let root = self.root.as_ref()?;
        let digest = aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            root.to_string_lossy().as_bytes(),
        );
        Some(
            digest.as_ref()[..4]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        )
    }

    pub fn config_file(&self) -> PathBuf {
        self.platform(dirs::config_dir(), "").join("config.toml")
    }

    /// JWKS cache and other rebuildable files.
    pub fn cache_dir(&self) -> PathBuf {
        self.platform(dirs::cache_dir(), "cache")
    }

    /// The file token store and emulator keys.
    pub fn data_dir(&self) -> PathBuf {
        self.platform(dirs::data_dir(), "data")
    }
}

/// Where a resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env(String),
    File,
    Derived(&'static str),
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env(var) => write!(f, "env {var}"),
            Source::File => f.write_str("file"),
            Source::Derived(from) => write!(f, "derived from {from}"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// One resolved key.
#[derive(Debug, Clone)]
pub struct Setting {
    pub values: Vec<String>,
    pub source: Source,
}

/// Values given on the command line; they win over env and file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub values: BTreeMap<&'static str, Vec<String>>,
}

impl Overrides {
    pub fn set(&mut self, key: &'static str, value: Option<String>) {
        if let Some(v) = value {
            self.values.insert(key, vec![v]);
        }
    }

    pub fn set_all(&mut self, key: &'static str, values: Vec<String>) {
        if !values.is_empty() {
            self.values.insert(key, values);
        }
    }
}

/// A profile with every key resolved: flag > env > file > derived or default.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub config_file: PathBuf,
    /// True when the profile exists in the config file.
    pub in_file: bool,
    settings: BTreeMap<&'static str, Setting>,
}

impl Profile {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .get(key)
            .and_then(|s| s.values.first())
            .map(String::as_str)
    }

    pub fn get_all(&self, key: &str) -> &[String] {
        self.settings.get(key).map_or(&[], |s| s.values.as_slice())
    }

    pub fn setting(&self, key: &str) -> Option<&Setting> {
        self.settings.get(key)
    }

    /// A key the command cannot do without.
    pub fn require(&self, key: &'static str) -> Result<&str, ConfigError> {
        self.get(key).ok_or_else(|| ConfigError::Missing {
            profile: self.name.clone(),
            key,
            flag: key.replace('_', "-"),
        })
    }

    pub fn client_secret(&self) -> Option<Secret> {
        self.get("client_secret").map(Secret::new)
    }

    /// The client secret a confidential-client flow cannot do without.
    pub fn require_client_secret(&self) -> Result<Secret, ConfigError> {
        self.client_secret()
            .ok_or_else(|| ConfigError::NoClientSecret {
                profile: self.name.clone(),
            })
    }

    /// The requested scopes, split on spaces.
    pub fn scopes(&self) -> Vec<String> {
        self.get_all("scopes")
            .iter()
            .flat_map(|s| s.split_whitespace())
            .map(str::to_string)
            .collect()
    }

    /// The hosted UI base URL (`https://abc.auth.us-east-1.amazoncognito.com`), from `domain`.
    pub fn hosted_ui_base(&self) -> Result<String, ConfigError> {
        let domain = self.require("domain")?;
        Ok(hosted_ui_base(domain, self.get("region")))
    }
}

/// `domain` as a base URL: a full URL is kept, a bare prefix gets Cognito's domain.
pub fn hosted_ui_base(domain: &str, region: Option<&str>) -> String {
    let domain = domain.trim_end_matches('/');
    if domain.contains("://") {
        domain.to_string()
    } else if !domain.contains('.')
        && let Some(region) = region
    {
        format!("https://{domain}.auth.{region}.amazoncognito.com")
    } else {
        format!("https://{domain}")
    }
}

/// The region of a pool id such as `us-east-1_AbCdEf123`.
pub fn region_of_pool(pool_id: &str) -> Option<&str> {
    pool_id
        .split_once('_')
        .map(|(region, _)| region)
        .filter(|r| !r.is_empty())
}

/// `https://cognito-idp.{region}.amazonaws.com/{pool}`.
pub fn cognito_issuer(region: &str, pool_id: &str) -> String {
    format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}")
}

/// The config file as written on disk.
#[derive(Debug, Clone, Default)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub profiles: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    #[serde(default)]
    profiles: BTreeMap<String, ProfileDoc>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileDoc {
    region: Option<String>,
    user_pool_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    domain: Option<String>,
    redirect_uri: Option<OneOrMany>,
    scopes: Option<OneOrMany>,
    ws_url: Option<String>,
    idp_endpoint: Option<String>,
    issuer: Option<String>,
    jwks_uri: Option<String>,
    store: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl ConfigFile {
    /// Reads the file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ConfigFile {
                    path: path.to_path_buf(),
                    ..Default::default()
                });
            }
            Err(source) => {
                return Err(ConfigError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
        let doc: Doc = toml::from_str(text).map_err(|e| {
            let start = e.span().map_or(0, |s| s.start).min(text.len());
            let line = text[..start].matches('\n').count() + 1;
            let line_text = text.lines().nth(line - 1).unwrap_or("").trim();
            let key = match line_text.split_once('=') {
                Some((key, _)) => key.trim().to_string(),
                None => line_text.to_string(),
            };
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                key,
                message: e.message().trim().replace('\n', " "),
            }
        })?;
        let profiles = doc
            .profiles
            .into_iter()
            .map(|(name, p)| {
                let mut map = BTreeMap::new();
                let mut put = |key: &str, v: Option<String>| {
                    if let Some(v) = v {
                        map.insert(key.to_string(), vec![v]);
                    }
                };
                put("region", p.region);
                put("user_pool_id", p.user_pool_id);
                put("client_id", p.client_id);
                put("client_secret", p.client_secret);
                put("domain", p.domain);
                put("ws_url", p.ws_url);
                put("idp_endpoint", p.idp_endpoint);
                put("issuer", p.issuer);
                put("jwks_uri", p.jwks_uri);
                put("store", p.store);
                for (key, v) in [("redirect_uri", p.redirect_uri), ("scopes", p.scopes)] {
                    match v {
                        Some(OneOrMany::One(s)) => {
                            map.insert(key.to_string(), vec![s]);
                        }
                        Some(OneOrMany::Many(list)) if !list.is_empty() => {
                            map.insert(key.to_string(), list);
                        }
                        _ => {}
                    }
                }
                (name, map)
            })
            .collect();
        Ok(ConfigFile {
            path: path.to_path_buf(),
            profiles,
        })
    }

    /// Sets keys of one profile (creating it) and writes the file atomically, 0600.
    pub fn update(
        &mut self,
        profile: &str,
        changes: &[(&str, Vec<String>)],
    ) -> Result<(), ConfigError> {
        let entry = self.profiles.entry(profile.to_string()).or_default();
        for (key, values) in changes {
            entry.insert(key.to_string(), values.clone());
        }
        self.save()
    }

    pub fn save(&self) -> Result<(), ConfigError> {
        let mut profiles = toml::Table::new();
        for (name, keys) in &self.profiles {
            let mut table = toml::Table::new();
            for key in KEYS {
                let Some(values) = keys.get(*key) else {
                    continue;
                };
                let value = if values.len() == 1 {
                    toml::Value::String(values[0].clone())
                } else {
                    toml::Value::Array(values.iter().cloned().map(toml::Value::String).collect())
                };
                table.insert(key.to_string(), value);
            }
            profiles.insert(name.clone(), toml::Value::Table(table));
        }
        let mut root = toml::Table::new();
        root.insert("profiles".into(), toml::Value::Table(profiles));
        let text = toml::to_string(&root).unwrap_or_default();
        crate::fsutil::write_atomic(&self.path, text.as_bytes(), 0o600).map_err(|source| {
            ConfigError::Unwritable {
                path: self.path.clone(),
                source,
            }
        })
    }
}

/// Resolves `name` from the config file, the environment and `overrides`.
pub fn resolve(home: &Home, name: &str, overrides: &Overrides) -> Result<Profile, ConfigError> {
    let file = ConfigFile::load(&home.config_file())?;
    resolve_with(&file, name, overrides, |var| std::env::var(var).ok())
}

/// [`resolve`] with the file already read and the environment given (for tests).
pub fn resolve_with(
    file: &ConfigFile,
    name: &str,
    overrides: &Overrides,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Profile, ConfigError> {
    let from_file = file.profiles.get(name);
    if from_file.is_none() && name != DEFAULT_PROFILE {
        return Err(ConfigError::UnknownProfile {
            name: name.to_string(),
            path: file.path.clone(),
        });
    }
    let mut settings = BTreeMap::new();
    for key in KEYS {
        let env_var = format!("CWSAUTH_{}", key.to_ascii_uppercase());
        let setting = if let Some(values) = overrides.values.get(key) {
            Some(Setting {
                values: values.clone(),
                source: Source::Flag,
            })
        } else if let Some(value) = env(&env_var).filter(|v| !v.is_empty()) {
            let values = if LIST_KEYS.contains(key) && *key == "redirect_uri" {
                value.split(',').map(|s| s.trim().to_string()).collect()
            } else {
                vec![value]
            };
            Some(Setting {
                values,
                source: Source::Env(env_var),
            })
        } else {
            from_file.and_then(|p| p.get(*key)).map(|values| Setting {
                values: values.clone(),
                source: Source::File,
            })
        };
        if let Some(s) = setting {
            settings.insert(*key, s);
        }
    }
    derive(&mut settings);
    Ok(Profile {
        name: name.to_string(),
        config_file: file.path.clone(),
        in_file: from_file.is_some(),
        settings,
    })
}

fn derive(settings: &mut BTreeMap<&'static str, Setting>) {
    let first = |s: &BTreeMap<&'static str, Setting>, key: &str| {
        s.get(key).and_then(|v| v.values.first().cloned())
    };
    let derived = |value: String, from: &'static str| Setting {
        values: vec![value],
        source: Source::Derived(from),
    };
    let pool = first(settings, "user_pool_id");
    if !settings.contains_key("region")
        && let Some(region) = pool.as_deref().and_then(region_of_pool)
    {
        settings.insert("region", derived(region.to_string(), "user_pool_id"));
    }
    let region = first(settings, "region");
    if !settings.contains_key("idp_endpoint")
        && let Some(region) = &region
    {
        settings.insert(
            "idp_endpoint",
            derived(
                format!("https://cognito-idp.{region}.amazonaws.com"),
                "region",
            ),
        );
    }
    if !settings.contains_key("issuer")
        && let (Some(region), Some(pool)) = (&region, &pool)
    {
        settings.insert(
            "issuer",
            derived(cognito_issuer(region, pool), "region and user_pool_id"),
        );
    }
    if !settings.contains_key("jwks_uri")
        && let Some(issuer) = first(settings, "issuer")
    {
        settings.insert(
            "jwks_uri",
            derived(format!("{issuer}/.well-known/jwks.json"), "issuer"),
        );
    }
    for (key, default) in [
        ("redirect_uri", DEFAULT_REDIRECT_URI),
        ("scopes", DEFAULT_SCOPES),
    ] {
        settings.entry(key).or_insert_with(|| Setting {
            values: vec![default.to_string()],
            source: Source::Default,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> ConfigFile {
        ConfigFile::parse(Path::new("/x/config.toml"), text).unwrap()
    }

    #[test]
    fn derives_endpoints_from_pool_id() {
        let f = file("[profiles.default]\nuser_pool_id = \"eu-west-1_AbC\"\nclient_id = \"c1\"\n");
        let p = resolve_with(&f, "default", &Overrides::default(), |_| None).unwrap();
        assert_eq!(p.get("region"), Some("eu-west-1"));
        assert_eq!(
            p.get("issuer"),
            Some("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC")
        );
        assert_eq!(
            p.get("jwks_uri"),
            Some("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC/.well-known/jwks.json")
        );
        assert_eq!(
            p.setting("region").unwrap().source,
            Source::Derived("user_pool_id")
        );
        assert_eq!(p.get("redirect_uri"), Some("http://localhost:3000"));
        assert_eq!(p.scopes(), vec!["openid", "email", "profile"]);
    }

    #[test]
    fn flag_beats_env_beats_file() {
        let f = file("[profiles.default]\nclient_id = \"file\"\nregion = \"us-east-1\"\n");
        let mut o = Overrides::default();
        o.set("region", Some("ap-south-1".into()));
        let env = |v: &str| (v == "CWSAUTH_CLIENT_ID").then(|| "env".to_string());
        let p = resolve_with(&f, "default", &o, env).unwrap();
        assert_eq!(p.get("client_id"), Some("env"));
        assert_eq!(p.get("region"), Some("ap-south-1"));
        assert_eq!(p.setting("region").unwrap().source, Source::Flag);
    }

    #[test]
    fn errors_name_line_and_key() {
        let err = ConfigFile::parse(
            Path::new("c.toml"),
            "[profiles.a]\nclient_id = \"x\"\nregion = 3\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("config file c.toml, line 3: region: "),
            "{err}"
        );
        let err = ConfigFile::parse(Path::new("c.toml"), "[profiles.a]\nregoin = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2: regoin"), "{err}");
    }

    #[test]
    fn hosted_ui_forms() {
        assert_eq!(
            hosted_ui_base("abc", Some("us-east-1")),
            "https://abc.auth.us-east-1.amazoncognito.com"
        );
        assert_eq!(
            hosted_ui_base("auth.example.com", None),
            "https://auth.example.com"
        );
        assert_eq!(
            hosted_ui_base("http://127.0.0.1:9/", None),
            "http://127.0.0.1:9"
        );
    }
}
