//! Profiles: the schema of profile keys, defined once in [`SCHEMA`] (name, environment
//! variable, flag, help, default or derivation), and everything fed from it: reading and
//! writing `config.toml` (through toml_edit, keeping the user's comments), env and flag
//! overrides, derived endpoints, and each value's source for `configure --show`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::redacted::Secret;
use cwsauth_verify::issuer::IssuerType;

pub use crate::home::Home;

/// Every profile key; [`Key::spec`] has its definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Region,
    UserPoolId,
    ClientId,
    ClientSecret,
    Domain,
    RedirectUri,
    Scopes,
    WsUrl,
    IdpEndpoint,
    Issuer,
    IssuerType,
    IdentityPoolId,
    JwksUri,
    JwksMaxAge,
    CaFile,
    Store,
}

/// Which commands take a key as a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Commands that verify tokens: `verify`, and everything that logs in or refreshes.
    Verify,
    /// Commands that log in or refresh: `login`, `token`, `status`, `logout`, `connect`.
    Client,
    /// Only `configure` sets it (a secret, or a value a command takes another way).
    ConfigureOnly,
}

/// How a key gets a value when nothing sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    None,
    Default(&'static str),
    /// Derived from other keys (described for people).
    Derived(&'static str),
}

/// One profile key: the single definition that parsing, env, flags, `configure`, `--show`,
/// the README table and the completions are built from.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    pub key: Key,
    /// The name in `config.toml` and `configure --show`.
    pub name: &'static str,
    /// The long flag, when the key has one (a secret never does: argv is visible in `ps`).
    pub flag: Option<&'static str>,
    /// An alias of the flag.
    pub alias: Option<&'static str>,
    pub value_name: &'static str,
    pub help: &'static str,
    /// A list in the file (`[…]`); from env and flags, repeatable or comma-separated.
    pub list: bool,
    pub secret: bool,
    pub reach: Reach,
    pub fallback: Fallback,
    /// The keys to set when this one is missing (a derived key names where it comes from).
    pub root: &'static [Key],
}

impl KeySpec {
    /// `CWSAUTH_USER_POOL_ID` for `user_pool_id`.
    pub fn env_var(&self) -> String {
        format!("CWSAUTH_{}", self.name.to_ascii_uppercase())
    }
}

const fn spec(
    key: Key,
    name: &'static str,
    value_name: &'static str,
    help: &'static str,
) -> KeySpec {
    KeySpec {
        key,
        name,
        flag: None,
        alias: None,
        value_name,
        help,
        list: false,
        secret: false,
        reach: Reach::ConfigureOnly,
        fallback: Fallback::None,
        root: &[],
    }
}

/// Every key, in the order `configure --show` prints them.
pub const SCHEMA: &[KeySpec] = &[
    KeySpec {
        flag: Some("region"),
        reach: Reach::Verify,
        fallback: Fallback::Derived("user_pool_id"),
        root: &[Key::UserPoolId],
        ..spec(
            Key::Region,
            "region",
            "REGION",
            "AWS region of the user pool (derived from the pool id when absent).",
        )
    },
    KeySpec {
        flag: Some("user-pool-id"),
        reach: Reach::Verify,
        ..spec(
            Key::UserPoolId,
            "user_pool_id",
            "ID",
            "Cognito user pool id, e.g. us-east-1_AbCdEf123.",
        )
    },
    KeySpec {
        flag: Some("client-id"),
        reach: Reach::Client,
        ..spec(Key::ClientId, "client_id", "ID", "App client id.")
    },
    KeySpec {
        secret: true,
        ..spec(
            Key::ClientSecret,
            "client_secret",
            "SECRET",
            "App client secret of a confidential client (env or file only, never a flag).",
        )
    },
    KeySpec {
        flag: Some("domain"),
        reach: Reach::Client,
        ..spec(
            Key::Domain,
            "domain",
            "DOMAIN",
            "Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.",
        )
    },
    KeySpec {
        flag: Some("redirect-uri"),
        reach: Reach::Client,
        list: true,
        fallback: Fallback::Default(DEFAULT_REDIRECT_URI),
        ..spec(
            Key::RedirectUri,
            "redirect_uri",
            "URL",
            "Callback URL registered on the app client (repeatable; a taken port moves to the next).",
        )
    },
    KeySpec {
        flag: Some("scopes"),
        list: true,
        fallback: Fallback::Default(DEFAULT_SCOPES),
        ..spec(
            Key::Scopes,
            "scopes",
            "SCOPES",
            "Scopes to request at login, space-separated.",
        )
    },
    KeySpec {
        flag: Some("ws-url"),
        ..spec(
            Key::WsUrl,
            "ws_url",
            "URL",
            "Default WebSocket URL for `connect`.",
        )
    },
    KeySpec {
        flag: Some("idp-endpoint"),
        reach: Reach::Client,
        fallback: Fallback::Derived("region"),
        root: &[Key::UserPoolId],
        ..spec(
            Key::IdpEndpoint,
            "idp_endpoint",
            "URL",
            "Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.",
        )
    },
    KeySpec {
        flag: Some("issuer"),
        reach: Reach::Verify,
        fallback: Fallback::Derived("region and user_pool_id"),
        root: &[Key::UserPoolId],
        ..spec(
            Key::Issuer,
            "issuer",
            "URL",
            "Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.",
        )
    },
    KeySpec {
        flag: Some("issuer-type"),
        reach: Reach::Verify,
        fallback: Fallback::Default("original"),
        ..spec(
            Key::IssuerType,
            "issuer_type",
            "original|updated",
            "The pool's issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.",
        )
    },
    KeySpec {
        flag: Some("identity-pool-id"),
        reach: Reach::Client,
        ..spec(
            Key::IdentityPoolId,
            "identity_pool_id",
            "ID",
            "Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user's ID token.",
        )
    },
    KeySpec {
        flag: Some("jwks-uri"),
        alias: Some("jwks"),
        reach: Reach::Verify,
        fallback: Fallback::Derived("issuer"),
        root: &[Key::UserPoolId],
        ..spec(
            Key::JwksUri,
            "jwks_uri",
            "URL|FILE",
            "JWKS URL or file; default {issuer}/.well-known/jwks.json.",
        )
    },
    KeySpec {
        flag: Some("jwks-max-age"),
        reach: Reach::Verify,
        fallback: Fallback::Default("1h"),
        ..spec(
            Key::JwksMaxAge,
            "jwks_max_age",
            "DURATION",
            "Refetch a cached JWKS older than this, so a removed key stops verifying.",
        )
    },
    KeySpec {
        flag: Some("ca-file"),
        reach: Reach::Verify,
        ..spec(
            Key::CaFile,
            "ca_file",
            "FILE",
            "Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy's.",
        )
    },
    KeySpec {
        flag: Some("store"),
        ..spec(
            Key::Store,
            "store",
            "keyring|file",
            "Token store at login: keyring or file (default: the keyring when one answers); later commands use the store the login chose.",
        )
    },
];

impl Key {
    /// The key's definition.
    pub fn spec(self) -> &'static KeySpec {
        SCHEMA
            .iter()
            .find(|s| s.key == self)
            .expect("every key is in SCHEMA")
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The key called `name` in the file.
    pub fn from_name(name: &str) -> Option<Key> {
        SCHEMA.iter().find(|s| s.name == name).map(|s| s.key)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

pub const DEFAULT_PROFILE: &str = "default";
pub const DEFAULT_REDIRECT_URI: &str = "http://localhost:3000";
pub const DEFAULT_SCOPES: &str = "openid email profile";
/// Larger config files are refused (a real one is a few KiB).
pub const MAX_CONFIG_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("cannot read config file {path}: {why}")]
    Unreadable { path: PathBuf, why: String },
    #[error("config file {path}, line {line}: {key}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
    #[error("there is no profile {name} in {}; {}", path.display(), profiles_hint(name, profiles))]
    UnknownProfile {
        name: String,
        path: PathBuf,
        profiles: Vec<String>,
    },
    #[error("{}", missing_message(profile, keys))]
    Missing { profile: ProfileRef, keys: Vec<Key> },
    #[error(
        "profile {} has no client secret, which this needs: set CWSAUTH_CLIENT_SECRET or client_secret in the profile (`cwsauth configure{}` asks for it)",
        profile.name, profile.flag()
    )]
    NoClientSecret { profile: ProfileRef },
    #[error("{key} {value:?} is not valid: {why}")]
    BadValue {
        key: Key,
        value: String,
        why: String,
    },
    #[error("cannot write config file {path}: {why}")]
    Unwritable { path: PathBuf, why: String },
    #[error("{}", untrusted_message(path, why))]
    Untrusted { path: PathBuf, why: String },
}

fn profiles_hint(name: &str, profiles: &[String]) -> String {
    let create = format!("create it with `cwsauth configure --profile {name}`");
    if profiles.is_empty() {
        create
    } else {
        format!("profiles here: {}; {create}", profiles.join(", "))
    }
}

/// Enough of a profile to word a hint: its name, whether it is in the file, the others.
#[derive(Debug, Clone)]
pub struct ProfileRef {
    pub name: String,
    pub in_file: bool,
    pub others: Vec<String>,
}

impl ProfileRef {
    /// ` --profile NAME` for hints, or nothing for the default profile.
    pub fn flag(&self) -> String {
        profile_flag(&self.name)
    }
}

/// ` --profile NAME` for hints, or nothing for the default profile.
pub fn profile_flag(name: &str) -> String {
    if name == DEFAULT_PROFILE {
        String::new()
    } else {
        format!(" --profile {name}")
    }
}

fn untrusted_message(path: &Path, why: &str) -> String {
    let p = path.display();
    format!(
        "refusing config file {p}: {why} (bad owner or permissions, as ssh says); make it yours and private: `chown \"$(id -u)\" {p} && chmod 600 {p}`"
    )
}

fn missing_message(profile: &ProfileRef, keys: &[Key]) -> String {
    if !profile.in_file && !profile.others.is_empty() {
        return format!(
            "there is no profile {} (profiles here: {}): pass --profile {}, or create it with `cwsauth configure{}`",
            profile.name,
            profile.others.join(", "),
            profile.others[0],
            profile.flag()
        );
    }
    let names: Vec<&str> = keys.iter().map(|k| k.name()).collect();
    let flags: Vec<String> = keys
        .iter()
        .filter_map(|k| k.spec().flag.map(|f| format!("--{f} …")))
        .collect();
    let list = match names.as_slice() {
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    // On a fresh machine there is no profile at all: the way in is configure, or the demo.
    let new_here = if !profile.in_file && profile.others.is_empty() {
        " (new here? `cwsauth demo` runs the whole loop on 127.0.0.1 first)"
    } else {
        ""
    };
    if flags.is_empty() {
        format!(
            "profile {} has no {list}: set it with `cwsauth configure{}`{new_here}",
            profile.name,
            profile.flag()
        )
    } else {
        format!(
            "profile {} has no {list}: set {} with `cwsauth configure{} {}`{new_here}",
            profile.name,
            if keys.len() == 1 { "it" } else { "them" },
            profile.flag(),
            flags.join(" ")
        )
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
    pub values: BTreeMap<Key, Vec<String>>,
}

impl Overrides {
    pub fn set(&mut self, key: Key, value: Option<String>) {
        if let Some(v) = value {
            self.values.insert(key, vec![v]);
        }
    }

    pub fn set_all(&mut self, key: Key, values: Vec<String>) {
        if !values.is_empty() {
            self.values.insert(key, values);
        }
    }

    /// Both sets, `other` winning.
    pub fn merged(mut self, other: &Overrides) -> Overrides {
        for (k, v) in &other.values {
            self.values.insert(*k, v.clone());
        }
        self
    }
}

/// A profile with every key resolved: flag > env > file > derived or default.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub config_file: PathBuf,
    /// True when the profile exists in the config file.
    pub in_file: bool,
    /// The other profiles of the file, for hints.
    pub others: Vec<String>,
    settings: BTreeMap<Key, Setting>,
}

impl Profile {
    pub fn get(&self, key: Key) -> Option<&str> {
        self.settings
            .get(&key)
            .and_then(|s| s.values.first())
            .map(String::as_str)
    }

    pub fn get_all(&self, key: Key) -> &[String] {
        self.settings.get(&key).map_or(&[], |s| s.values.as_slice())
    }

    pub fn setting(&self, key: Key) -> Option<&Setting> {
        self.settings.get(&key)
    }

    /// Enough of the profile to word a hint.
    pub fn to_ref(&self) -> ProfileRef {
        ProfileRef {
            name: self.name.clone(),
            in_file: self.in_file,
            others: self.others.clone(),
        }
    }

    /// ` --profile NAME` for hints, or nothing for the default profile.
    pub fn flag(&self) -> String {
        profile_flag(&self.name)
    }

    /// A key the command cannot do without.
    pub fn require(&self, key: Key) -> Result<&str, ConfigError> {
        self.require_all(&[key])?;
        Ok(self.get(key).unwrap_or_default())
    }

    /// Several keys a command cannot do without: every missing one is named at once, by the
    /// key that fixes it (`user_pool_id` for a missing derived `issuer`).
    pub fn require_all(&self, keys: &[Key]) -> Result<(), ConfigError> {
        let mut missing: Vec<Key> = Vec::new();
        for key in keys {
            if self.get(*key).is_some() {
                continue;
            }
            let roots = key.spec().root;
            let fix: Vec<Key> = if roots.is_empty() {
                vec![*key]
            } else {
                roots.to_vec()
            };
            for k in fix {
                if !missing.contains(&k) {
                    missing.push(k);
                }
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        missing.sort();
        Err(ConfigError::Missing {
            profile: self.to_ref(),
            keys: missing,
        })
    }

    /// What a token of this profile's pool and app client must satisfy: the one place a
    /// profile becomes [`cwsauth_verify::Checks`] (issuer and client; callers add scopes,
    /// groups and leeway).
    pub fn checks(
        &self,
        token_use: cwsauth_verify::TokenUse,
    ) -> Result<cwsauth_verify::Checks, ConfigError> {
        self.require_all(&[Key::Issuer, Key::ClientId])?;
        Ok(cwsauth_verify::Checks::new(
            self.require(Key::Issuer)?,
            token_use,
            cwsauth_verify::ClientIds::one_of([self.require(Key::ClientId)?]),
        ))
    }

    pub fn client_secret(&self) -> Option<Secret> {
        self.get(Key::ClientSecret).map(Secret::new)
    }

    /// The client secret a confidential-client flow cannot do without.
    pub fn require_client_secret(&self) -> Result<Secret, ConfigError> {
        self.client_secret()
            .ok_or_else(|| ConfigError::NoClientSecret {
                profile: self.to_ref(),
            })
    }

    /// The requested scopes, split on spaces.
    pub fn scopes(&self) -> Vec<String> {
        self.get_all(Key::Scopes)
            .iter()
            .flat_map(|s| s.split_whitespace())
            .map(str::to_string)
            .collect()
    }

    /// The hosted UI base URL (`https://abc.auth.us-east-1.amazoncognito.com`), from `domain`.
    pub fn hosted_ui_base(&self) -> Result<String, ConfigError> {
        let domain = self.require(Key::Domain)?;
        hosted_ui_base(domain, self.get(Key::Region))
    }

    /// `jwks_max_age` as a duration.
    pub fn jwks_max_age(&self) -> Result<std::time::Duration, ConfigError> {
        let text = self.get(Key::JwksMaxAge).unwrap_or("1h");
        crate::timefmt::parse_duration(text).map_err(|why| ConfigError::BadValue {
            key: Key::JwksMaxAge,
            value: crate::sanitize::excerpt(text, 100),
            why,
        })
    }
}

/// `domain` as a base URL: a full URL is kept, a bare prefix needs the region to become
/// Cognito's domain.
pub fn hosted_ui_base(domain: &str, region: Option<&str>) -> Result<String, ConfigError> {
    let domain = domain.trim_end_matches('/');
    if domain.contains("://") {
        return Ok(domain.to_string());
    }
    if domain.contains('.') {
        return Ok(format!("https://{domain}"));
    }
    match region {
        Some(region) => Ok(format!("https://{domain}.auth.{region}.amazoncognito.com")),
        None => Err(ConfigError::BadValue {
            key: Key::Domain,
            value: crate::sanitize::excerpt(domain, 100),
            why: format!(
                "a bare domain prefix needs the region (set region or user_pool_id) to become https://{domain}.auth.REGION.amazoncognito.com; or give the full domain"
            ),
        }),
    }
}

/// The region of a pool id such as `us-east-1_AbCdEf123`.
pub fn region_of_pool(pool_id: &str) -> Option<&str> {
    pool_id
        .split_once('_')
        .map(|(region, _)| region)
        .filter(|r| !r.is_empty())
}

/// True for a user pool id's shape: a region of `[a-z0-9-]`, an underscore, an alphanumeric id
/// (`us-east-1_AbCdEf123`).
pub fn is_pool_id(text: &str) -> bool {
    let region_ok = region_of_pool(text).is_some_and(|r| {
        r.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    region_ok
        && text
            .split_once('_')
            .is_some_and(|(_, id)| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// `https://cognito-idp.{region}.amazonaws.com/{pool}`.
/// The config file: its profiles as read, and its text for edits that keep comments.
#[derive(Debug, Clone, Default)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub profiles: BTreeMap<String, BTreeMap<Key, Vec<String>>>,
    text: String,
}

impl ConfigFile {
    /// Reads the file; a missing file is an empty config. Only a regular file of at most
    /// [`MAX_CONFIG_BYTES`] is read.
    pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
        // A planted file could send the next login's password to its idp_endpoint.
        if let Some(why) = crate::fsutil::untrusted(path) {
            return Err(ConfigError::Untrusted {
                path: path.to_path_buf(),
                why,
            });
        }
        match crate::fsutil::read_capped(path, MAX_CONFIG_BYTES) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| ConfigError::Unreadable {
                    path: path.to_path_buf(),
                    why: "it is not UTF-8 text".into(),
                })?;
                Self::parse(path, &text)
            }
            Err(e) if e.is_not_found() => Ok(ConfigFile {
                path: path.to_path_buf(),
                ..Default::default()
            }),
            Err(e) => Err(ConfigError::Unreadable {
                path: path.to_path_buf(),
                why: match e {
                    crate::fsutil::FsError::Io { source, .. } => source.to_string(),
                    other => other.to_string(),
                },
            }),
        }
    }

    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
        let invalid = |offset: usize, key: &str, message: String| {
            let offset = offset.min(text.len());
            let line = text[..offset].matches('\n').count() + 1;
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                key: crate::sanitize::excerpt(key, 100),
                message: crate::sanitize::excerpt(&message, 200),
            }
        };
        let doc = toml_edit::Document::parse(text.to_string()).map_err(|e| {
            let start = e.span().map_or(0, |s| s.start).min(text.len());
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_text = text[line_start..].lines().next().unwrap_or("").trim();
            let key = match line_text.split_once('=') {
                Some((key, _)) => key.trim(),
                None => line_text,
            };
            invalid(start, key, e.message().trim().replace('\n', " "))
        })?;
        let mut profiles = BTreeMap::new();
        for (top, item) in doc.as_table().iter() {
            let at = item.span().map_or(0, |s| s.start);
            // `cwsauth local`'s own section, read by the emulator.
            if top == "local" {
                continue;
            }
            if top != "profiles" {
                return Err(invalid(
                    at,
                    top,
                    "unknown section; profiles live under [profiles.NAME]".into(),
                ));
            }
            let Some(table) = item.as_table_like() else {
                return Err(invalid(at, top, "must be a table of profiles".into()));
            };
            for (name, item) in table.iter() {
                let at = item.span().map_or(0, |s| s.start);
                let Some(keys) = item.as_table_like() else {
                    return Err(invalid(
                        at,
                        name,
                        "a profile must be a table of keys".into(),
                    ));
                };
                let mut values = BTreeMap::new();
                for (key_name, value) in keys.iter() {
                    let at = value.span().map_or(0, |s| s.start);
                    let Some(key) = Key::from_name(key_name) else {
                        let known: Vec<&str> = SCHEMA.iter().map(|s| s.name).collect();
                        return Err(invalid(
                            at,
                            key_name,
                            format!("unknown key; the keys are {}", known.join(", ")),
                        ));
                    };
                    let list = key.spec().list;
                    let parsed = match value.as_value() {
                        Some(toml_edit::Value::String(s)) => vec![s.value().clone()],
                        Some(toml_edit::Value::Array(items)) if list => items
                            .iter()
                            .map(|v| v.as_str().map(str::to_string))
                            .collect::<Option<Vec<_>>>()
                            .ok_or_else(|| {
                                invalid(at, key_name, "must be a list of strings".into())
                            })?,
                        _ => {
                            return Err(invalid(
                                at,
                                key_name,
                                if list {
                                    "must be a string or a list of strings".into()
                                } else {
                                    "must be a string".into()
                                },
                            ));
                        }
                    };
                    if !parsed.is_empty() {
                        values.insert(key, parsed);
                    }
                }
                profiles.insert(name.to_string(), values);
            }
        }
        Ok(ConfigFile {
            path: path.to_path_buf(),
            profiles,
            text: text.to_string(),
        })
    }

    /// The names of the profiles in the file.
    pub fn names(&self) -> Vec<String> {
        self.profiles.keys().cloned().collect()
    }

    /// Sets keys of one profile (creating it) and writes the file atomically (0600), keeping
    /// every comment and the order of what was there.
    pub fn update(
        &mut self,
        profile: &str,
        changes: &[(Key, Vec<String>)],
    ) -> Result<(), ConfigError> {
        use toml_edit::{Item, Table};
        let unwritable = |why: String| ConfigError::Unwritable {
            path: self.path.clone(),
            why,
        };
        let mut doc: toml_edit::DocumentMut = self
            .text
            .parse()
            .map_err(|e: toml_edit::TomlError| unwritable(e.to_string()))?;
        if !doc.contains_key("profiles") {
            let mut t = Table::new();
            t.set_implicit(true);
            doc.insert("profiles", Item::Table(t));
        }
        let profiles = doc["profiles"]
            .as_table_mut()
            .ok_or_else(|| unwritable("[profiles] is not a table".into()))?;
        if !profiles.contains_key(profile) {
            profiles.insert(profile, Item::Table(Table::new()));
        }
        let table = profiles[profile].as_table_mut().ok_or_else(|| {
            unwritable(format!(
                "profile {profile} is an inline table; write it as [profiles.{profile}]"
            ))
        })?;
        for (key, values) in changes {
            let mut value: toml_edit::Value = if values.len() == 1 {
                values[0].as_str().into()
            } else {
                values
                    .iter()
                    .map(String::as_str)
                    .collect::<toml_edit::Array>()
                    .into()
            };
            match table.get_mut(key.name()) {
                Some(item) => {
                    if let Some(old) = item.as_value() {
                        *value.decor_mut() = old.decor().clone();
                    }
                    *item = Item::Value(value);
                }
                None => {
                    table.insert(key.name(), Item::Value(value));
                }
            }
            self.profiles
                .entry(profile.to_string())
                .or_default()
                .insert(*key, values.clone());
        }
        self.text = doc.to_string();
        crate::fsutil::write_atomic(&self.path, self.text.as_bytes(), 0o600)
            .map(|_| ())
            .map_err(|e| unwritable(e.to_string()))
    }
}

/// Resolves `name` from the config file, the environment and `overrides`.
pub fn resolve(home: &Home, name: &str, overrides: &Overrides) -> Result<Profile, ConfigError> {
    let file = ConfigFile::load(&home.config_file())?;
    resolve_with(&file, name, overrides, |var| std::env::var(var).ok())
}

/// [`resolve`] for a profile that may not exist yet (`configure` creates it).
pub fn resolve_new(home: &Home, name: &str, overrides: &Overrides) -> Result<Profile, ConfigError> {
    let file = ConfigFile::load(&home.config_file())?;
    resolve_inner(&file, name, overrides, |var| std::env::var(var).ok(), true)
}

/// [`resolve`] with the file already read and the environment given (for tests). A profile
/// that is not in the file is an error, except `default` (which env and flags can make).
pub fn resolve_with(
    file: &ConfigFile,
    name: &str,
    overrides: &Overrides,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Profile, ConfigError> {
    resolve_inner(file, name, overrides, env, false)
}

fn resolve_inner(
    file: &ConfigFile,
    name: &str,
    overrides: &Overrides,
    env: impl Fn(&str) -> Option<String>,
    allow_new: bool,
) -> Result<Profile, ConfigError> {
    let from_file = file.profiles.get(name);
    let others: Vec<String> = file.names().into_iter().filter(|n| n != name).collect();
    if from_file.is_none() && name != DEFAULT_PROFILE && !allow_new {
        return Err(ConfigError::UnknownProfile {
            name: name.to_string(),
            path: file.path.clone(),
            profiles: others,
        });
    }
    let mut settings = BTreeMap::new();
    for spec in SCHEMA {
        let env_var = spec.env_var();
        let setting = if let Some(values) = overrides.values.get(&spec.key) {
            Some(Setting {
                values: values.clone(),
                source: Source::Flag,
            })
        } else if let Some(value) = env(&env_var).filter(|v| !v.is_empty()) {
            let values = if spec.key == Key::RedirectUri {
                value.split(',').map(|s| s.trim().to_string()).collect()
            } else {
                vec![value]
            };
            Some(Setting {
                values,
                source: Source::Env(env_var),
            })
        } else {
            from_file
                .and_then(|p| p.get(&spec.key))
                .map(|values| Setting {
                    values: values.clone(),
                    source: Source::File,
                })
        };
        if let Some(s) = setting {
            settings.insert(spec.key, s);
        }
    }
    if let Some(kind) = settings
        .get(&Key::IssuerType)
        .and_then(|s| s.values.first())
        && let Err(why) = IssuerType::parse(kind)
    {
        return Err(ConfigError::BadValue {
            key: Key::IssuerType,
            value: crate::sanitize::excerpt(kind, 100),
            why,
        });
    }
    derive(&mut settings);
    Ok(Profile {
        name: name.to_string(),
        config_file: file.path.clone(),
        in_file: from_file.is_some(),
        others,
        settings,
    })
}

fn derive(settings: &mut BTreeMap<Key, Setting>) {
    let first =
        |s: &BTreeMap<Key, Setting>, key: Key| s.get(&key).and_then(|v| v.values.first().cloned());
    let derived = |value: String, key: Key| Setting {
        values: vec![value],
        source: match key.spec().fallback {
            Fallback::Derived(from) => Source::Derived(from),
            _ => Source::Default,
        },
    };
    let pool = first(settings, Key::UserPoolId);
    if !settings.contains_key(&Key::Region)
        && let Some(region) = pool.as_deref().and_then(region_of_pool)
    {
        settings.insert(Key::Region, derived(region.to_string(), Key::Region));
    }
    let region = first(settings, Key::Region);
    if !settings.contains_key(&Key::IdpEndpoint)
        && let Some(region) = &region
    {
        settings.insert(
            Key::IdpEndpoint,
            derived(
                format!("https://cognito-idp.{region}.amazonaws.com"),
                Key::IdpEndpoint,
            ),
        );
    }
    if !settings.contains_key(&Key::Issuer)
        && let (Some(region), Some(pool)) = (&region, &pool)
    {
        // A value that is not a format was refused when the profile was read.
        let kind = first(settings, Key::IssuerType)
            .and_then(|t| IssuerType::parse(&t).ok())
            .unwrap_or_default();
        settings.insert(
            Key::Issuer,
            derived(
                cwsauth_verify::issuer::cognito_issuer(region, pool, kind),
                Key::Issuer,
            ),
        );
    }
    if !settings.contains_key(&Key::JwksUri)
        && let Some(issuer) = first(settings, Key::Issuer)
    {
        settings.insert(
            Key::JwksUri,
            derived(format!("{issuer}/.well-known/jwks.json"), Key::JwksUri),
        );
    }
    for spec in SCHEMA {
        if let Fallback::Default(value) = spec.fallback {
            settings.entry(spec.key).or_insert_with(|| Setting {
                values: vec![value.to_string()],
                source: Source::Default,
            });
        }
    }
}

/// The README's table of profile keys, generated from [`SCHEMA`] (a test keeps the README
/// in step).
pub fn markdown_table() -> String {
    let mut text = String::from("| key | env | flag | default | what |\n|---|---|---|---|---|\n");
    for spec in SCHEMA {
        let flag = spec
            .flag
            .map_or("(none)".to_string(), |f| format!("`--{f}`"));
        let default = match spec.fallback {
            Fallback::None => String::new(),
            Fallback::Default(v) => format!("`{v}`"),
            Fallback::Derived(from) => format!("from {from}"),
        };
        text.push_str(&format!(
            "| `{}` | `{}` | {flag} | {default} | {} |\n",
            spec.name,
            spec.env_var(),
            spec.help.replace('|', "\\|")
        ));
    }
    text
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
        assert_eq!(p.get(Key::Region), Some("eu-west-1"));
        assert_eq!(
            p.get(Key::Issuer),
            Some("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC")
        );
        assert_eq!(
            p.get(Key::JwksUri),
            Some("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC/.well-known/jwks.json")
        );
        assert_eq!(
            p.setting(Key::Region).unwrap().source,
            Source::Derived("user_pool_id")
        );
        assert_eq!(p.get(Key::RedirectUri), Some("http://localhost:3000"));
        assert_eq!(p.scopes(), vec!["openid", "email", "profile"]);
    }

    #[test]
    fn flag_beats_env_beats_file() {
        let f = file("[profiles.default]\nclient_id = \"file\"\nregion = \"us-east-1\"\n");
        let mut o = Overrides::default();
        o.set(Key::Region, Some("ap-south-1".into()));
        let env = |v: &str| (v == "CWSAUTH_CLIENT_ID").then(|| "env".to_string());
        let p = resolve_with(&f, "default", &o, env).unwrap();
        assert_eq!(p.get(Key::ClientId), Some("env"));
        assert_eq!(p.get(Key::Region), Some("ap-south-1"));
        assert_eq!(p.setting(Key::Region).unwrap().source, Source::Flag);
    }

    #[test]
    fn errors_name_line_and_key() {
        let err = ConfigFile::parse(
            Path::new("c.toml"),
            "[profiles.a]\nclient_id = \"x\"\nregion = 3\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(err, "config file c.toml, line 3: region: must be a string");
        let err = ConfigFile::parse(Path::new("c.toml"), "[profiles.a]\nregoin = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("config file c.toml, line 2: regoin: unknown key"),
            "{err}"
        );
        let err = ConfigFile::parse(Path::new("c.toml"), "[profiles.a]\nregion = x\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("config file c.toml, line 2: region: "),
            "{err}"
        );
    }

    #[test]
    fn missing_keys_name_the_root_cause_all_at_once() {
        let f = file("[profiles.p]\nclient_id = \"abc\"\ndomain = \"myapp\"\n");
        let p = resolve_with(&f, "p", &Overrides::default(), |_| None).unwrap();
        let err = p
            .require_all(&[Key::IdpEndpoint, Key::UserPoolId, Key::ClientId])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "profile p has no user_pool_id: set it with `cwsauth configure --profile p --user-pool-id …`"
        );
        let err = p.hosted_ui_base().unwrap_err().to_string();
        assert!(
            err.contains("a bare domain prefix needs the region"),
            "{err}"
        );
        let empty = file("[profiles.p]\n");
        let p = resolve_with(&empty, "p", &Overrides::default(), |_| None).unwrap();
        let err = p.require_all(&[Key::ClientId, Key::Issuer]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "profile p has no user_pool_id and client_id: set them with `cwsauth configure --profile p --user-pool-id … --client-id …`"
        );
    }

    #[test]
    fn a_default_profile_that_does_not_exist_lists_the_others() {
        let f = file("[profiles.local]\nclient_id = \"abc\"\n");
        let p = resolve_with(&f, "default", &Overrides::default(), |_| None).unwrap();
        let err = p.require(Key::ClientId).unwrap_err().to_string();
        assert_eq!(
            err,
            "there is no profile default (profiles here: local): pass --profile local, or create it with `cwsauth configure`"
        );
        let err = resolve_with(&f, "lcoal", &Overrides::default(), |_| None)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "there is no profile lcoal in /x/config.toml; profiles here: local; create it with `cwsauth configure --profile lcoal`"
        );
    }

    #[test]
    fn updates_keep_comments_and_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let text = "# my pools\n[profiles.a]\n# the pool\nuser_pool_id = \"us-east-1_A\" # prod\nregion = \"us-east-1\"\n";
        std::fs::write(&path, text).unwrap();
        let mut f = ConfigFile::load(&path).unwrap();
        f.update("a", &[(Key::UserPoolId, vec!["us-east-1_B".into()])])
            .unwrap();
        f.update(
            "b",
            &[(
                Key::RedirectUri,
                vec!["http://localhost:1".into(), "http://localhost:2".into()],
            )],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "# my pools\n[profiles.a]\n# the pool\nuser_pool_id = \"us-east-1_B\" # prod\nregion = \"us-east-1\"\n\n[profiles.b]\nredirect_uri = [\"http://localhost:1\", \"http://localhost:2\"]\n"
        );
        let again = ConfigFile::load(&path).unwrap();
        assert_eq!(again.profiles["b"][&Key::RedirectUri].len(), 2);
    }

    #[test]
    fn hosted_ui_forms() {
        assert_eq!(
            hosted_ui_base("abc", Some("us-east-1")).unwrap(),
            "https://abc.auth.us-east-1.amazoncognito.com"
        );
        assert_eq!(
            hosted_ui_base("auth.example.com", None).unwrap(),
            "https://auth.example.com"
        );
        assert_eq!(
            hosted_ui_base("http://127.0.0.1:9/", None).unwrap(),
            "http://127.0.0.1:9"
        );
    }
}
