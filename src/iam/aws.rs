//! The standard AWS credential chain as the AWS CLI reads it: the environment
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), then a shared profile
//! (`--aws-profile`, `AWS_PROFILE` or `default`) of `~/.aws/credentials` and `~/.aws/config`:
//! static keys, `credential_process`, or the cached token of `aws sso login`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::redacted::Secret;
use crate::sigv4::Credentials;
use crate::{Error, Result};

/// The largest shared file or cached SSO token read.
const MAX_FILE: usize = 1024 * 1024;
/// The most of a `credential_process`'s output read.
const MAX_PROCESS_OUTPUT: u64 = 64 * 1024;

/// Credentials the chain found, and where.
pub struct Found {
    pub credentials: Credentials,
    pub from: String,
}

/// The chain: the environment unless a shared profile is named, then the profile. None when
/// nothing is set up at all (no variables, no file naming the default profile).
pub fn chain(named: Option<&str>, timeout: Duration) -> Result<Option<Found>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if named.is_none()
        && let (Some(key), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY"))
    {
        return Ok(Some(Found {
            credentials: Credentials {
                access_key_id: key,
                secret_access_key: Secret::new(secret),
                session_token: var("AWS_SESSION_TOKEN").map(Secret::new),
                expiration: None,
            },
            from: "the environment (AWS_ACCESS_KEY_ID)".into(),
        }));
    }
    let explicit = named.map(str::to_string).or_else(|| var("AWS_PROFILE"));
    let name = explicit.clone().unwrap_or_else(|| "default".into());
    let files = Files::read()?;
    let Some(settings) = files.profile(&name) else {
        return match explicit {
            Some(_) => Err(Error::Usage(format!(
                "AWS profile {name} is not in {} or {}: check the name, or run `aws configure --profile {name}`",
                files.credentials_path.display(),
                files.config_path.display()
            ))),
            None => Ok(None),
        };
    };
    profile_credentials(&name, &settings, &files, timeout).map(Some)
}

/// The two shared files, read as sections of keys.
struct Files {
    credentials_path: PathBuf,
    config_path: PathBuf,
    credentials: BTreeMap<String, BTreeMap<String, String>>,
    config: BTreeMap<String, BTreeMap<String, String>>,
}

impl Files {
    fn read() -> Result<Files> {
        let path = |var: &str, file: &str| -> Result<PathBuf> {
            match std::env::var_os(var).filter(|v| !v.is_empty()) {
                Some(p) => Ok(PathBuf::from(p)),
                None => Ok(aws_dir()?.join(file)),
            }
        };
        let credentials_path = path("AWS_SHARED_CREDENTIALS_FILE", "credentials")?;
        let config_path = path("AWS_CONFIG_FILE", "config")?;
        Ok(Files {
            credentials: sections(&credentials_path)?,
            config: sections(&config_path)?,
            credentials_path,
            config_path,
        })
    }

    /// A profile's keys: the config file's `[profile NAME]` (`[default]` for default),
    /// overridden by the credentials file's `[NAME]`.
    fn profile(&self, name: &str) -> Option<BTreeMap<String, String>> {
        let from_config = self.config.get(&format!("profile {name}")).or_else(|| {
            (name == "default")
                .then(|| self.config.get("default"))
                .flatten()
        });
        let from_credentials = self.credentials.get(name);
        if from_config.is_none() && from_credentials.is_none() {
            return None;
        }
        let mut merged = from_config.cloned().unwrap_or_default();
        merged.extend(from_credentials.cloned().unwrap_or_default());
        Some(merged)
    }
}

/// `~/.aws`; never a relative path (a folder's own `.aws` is not the user's).
fn aws_dir() -> Result<PathBuf> {
    dirs::home_dir()
        .filter(|h| h.is_absolute())
        .map(|h| h.join(".aws"))
        .ok_or_else(|| {
            Error::Local(
                "no home folder to find ~/.aws in: set HOME (or AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE)".into(),
            )
        })
}

/// An INI file's sections (`[name]` then `key = value`; `#` and `;` comments; indented lines
/// belong to a nested key and are skipped). A missing file has none.
fn sections(path: &Path) -> Result<BTreeMap<String, BTreeMap<String, String>>> {
    let bytes = match crate::fsutil::read_capped(path, MAX_FILE) {
        Ok(b) => b,
        Err(e) if e.is_not_found() => return Ok(BTreeMap::new()),
        Err(e) => return Err(Error::Local(format!("cannot read AWS's shared file: {e}"))),
    };
    Ok(parse_sections(&String::from_utf8_lossy(&bytes)))
}

fn parse_sections(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut all: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let line = line.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            all.entry(name.clone()).or_default();
            current = Some(name);
        } else if let (Some(section), Some((key, value))) = (&current, line.split_once('=')) {
            all.entry(section.clone())
                .or_default()
                .insert(key.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    all
}

fn profile_credentials(
    name: &str,
    settings: &BTreeMap<String, String>,
    files: &Files,
    timeout: Duration,
) -> Result<Found> {
    let get = |k: &str| settings.get(k).filter(|v| !v.is_empty());
    if let (Some(key), Some(secret)) = (get("aws_access_key_id"), get("aws_secret_access_key")) {
        return Ok(Found {
            credentials: Credentials {
                access_key_id: key.clone(),
                secret_access_key: Secret::new(secret.clone()),
                session_token: get("aws_session_token").map(|t| Secret::new(t.clone())),
                expiration: None,
            },
            from: format!("AWS profile {name} (keys)"),
        });
    }
    if let Some(command) = get("credential_process") {
        return process(name, command, timeout);
    }
    if get("sso_session").is_some() || get("sso_start_url").is_some() {
        return sso(name, settings, files);
    }
    let how = if get("role_arn").is_some() {
        format!(
            "it assumes a role, which cwsauth does not do itself: add `credential_process = aws configure export-credentials --profile {name} --format process` to a profile and use that one"
        )
    } else {
        "it has no aws_access_key_id, credential_process or SSO settings".to_string()
    };
    Err(Error::Usage(format!(
        "AWS profile {name} gives no credentials cwsauth can use: {how}"
    )))
}

/// `credential_process`: its output is `{"Version": 1, "AccessKeyId", "SecretAccessKey",
/// "SessionToken", "Expiration"}`, as the AWS CLI reads it.
fn process(name: &str, command: &str, timeout: Duration) -> Result<Found> {
    let failed = |why: String| {
        Error::Local(format!(
            "the credential_process of AWS profile {name} {why}"
        ))
    };
    let (out, status) = crate::external::run(command, &[], timeout, MAX_PROCESS_OUTPUT, false)
        .map_err(|e| match e {
            crate::external::RunError::Start(why) => failed(format!("cannot run: {why}")),
            crate::external::RunError::TimedOut => failed(format!(
                "gave no credentials within {}",
                crate::timefmt::Span(timeout)
            )),
        })?;
    if !status.success() {
        return Err(failed(format!("failed ({status})")));
    }
    let doc: Value = serde_json::from_slice(&out)
        .map_err(|_| failed("printed something that is not JSON".into()))?;
    if doc["Version"] != 1 {
        return Err(failed("printed no \"Version\": 1".into()));
    }
    let field = |k: &str| doc[k].as_str().filter(|v| !v.is_empty());
    let (Some(key), Some(secret)) = (field("AccessKeyId"), field("SecretAccessKey")) else {
        return Err(failed("printed no AccessKeyId and SecretAccessKey".into()));
    };
    let expiration = match field("Expiration") {
        Some(text) => Some(crate::timefmt::parse_rfc3339(text).ok_or_else(|| {
            failed(format!(
                "printed an Expiration that is not a date: {}",
                crate::sanitize::excerpt(text, 40)
            ))
        })?),
        None => None,
    };
    if expiration.is_some_and(|e| e <= SystemTime::now()) {
        return Err(failed("printed credentials that have expired".into()));
    }
    Ok(Found {
        credentials: Credentials {
            access_key_id: key.to_string(),
            secret_access_key: Secret::new(secret),
            session_token: field("SessionToken").map(Secret::new),
            expiration,
        },
        from: format!("AWS profile {name} (credential_process)"),
    })
}

/// An SSO profile: the access token `aws sso login` cached, traded for the role's
/// credentials (`GetRoleCredentials` at the SSO portal of `sso_region`).
fn sso(name: &str, settings: &BTreeMap<String, String>, files: &Files) -> Result<Found> {
    let relogin = |why: &str| {
        Error::Rejected(format!(
            "the SSO login of AWS profile {name} {why}: run `aws sso login --profile {name}`"
        ))
    };
    let mut merged = settings.clone();
    let cache_key = match settings.get("sso_session") {
        Some(session) => {
            let section = files.config.get(&format!("sso-session {session}")).ok_or_else(|| {
                Error::Usage(format!(
                    "AWS profile {name} names sso_session {session}, which {} has no [sso-session {session}] for",
                    files.config_path.display()
                ))
            })?;
            for (k, v) in section {
                merged.entry(k.clone()).or_insert_with(|| v.clone());
            }
            session.clone()
        }
        None => settings.get("sso_start_url").cloned().unwrap_or_default(),
    };
    let need = |k: &str| {
        merged
            .get(k)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| {
                Error::Usage(format!("AWS profile {name} is an SSO profile without {k}"))
            })
    };
    let (region, account, role) = (
        need("sso_region")?,
        need("sso_account_id")?,
        need("sso_role_name")?,
    );
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
        cache_key.as_bytes(),
    );
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let path = aws_dir()?.join("sso/cache").join(format!("{hex}.json"));
    let bytes = match crate::fsutil::read_capped(&path, MAX_FILE) {
        Ok(b) => b,
        Err(e) if e.is_not_found() => return Err(relogin("is not cached")),
        Err(e) => return Err(Error::Local(format!("cannot read the SSO cache: {e}"))),
    };
    let cached: Value =
        serde_json::from_slice(&bytes).map_err(|_| relogin("cache is unreadable"))?;
    let token = cached["accessToken"].as_str().filter(|t| !t.is_empty());
    let expires = cached["expiresAt"]
        .as_str()
        .and_then(crate::timefmt::parse_rfc3339);
    let (Some(token), Some(expires)) = (token, expires) else {
        return Err(relogin("cache has no token"));
    };
    if expires <= SystemTime::now() {
        return Err(relogin("has expired"));
    }
    let endpoint = std::env::var("AWS_ENDPOINT_URL_SSO")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| format!("https://portal.sso.{region}.amazonaws.com"));
    crate::http::check_endpoint("SSO portal", &endpoint)?;
    let mut url = url::Url::parse(&format!(
        "{}/federation/credentials",
        endpoint.trim_end_matches('/')
    ))
    .map_err(|e| Error::Usage(format!("AWS_ENDPOINT_URL_SSO: {e}")))?;
    url.query_pairs_mut()
        .append_pair("role_name", &role)
        .append_pair("account_id", &account);
    let deadline = crate::http::deadline();
    let response = crate::http::blocking_client()?
        .get(url.as_str())
        .header("x-amz-sso_bearer_token", token)
        .send()
        .map_err(|e| crate::http::transport(url.as_str(), &e))?;
    let status = response.status().as_u16();
    let body = crate::http::read_capped(url.as_str(), response, 64 * 1024, deadline)?;
    if status == 401 || status == 403 {
        return Err(relogin(&format!(
            "was refused by the SSO portal (HTTP {status})"
        )));
    }
    let doc: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let c = &doc["roleCredentials"];
    let field = |k: &str| c[k].as_str().filter(|v| !v.is_empty());
    let (Some(key), Some(secret)) = (field("accessKeyId"), field("secretAccessKey")) else {
        return Err(Error::Network(format!(
            "the SSO portal {endpoint} answered HTTP {status} without role credentials"
        )));
    };
    Ok(Found {
        credentials: Credentials {
            access_key_id: key.to_string(),
            secret_access_key: Secret::new(secret),
            session_token: field("sessionToken").map(Secret::new),
            expiration: c["expiration"]
                .as_u64()
                .map(|ms| UNIX_EPOCH + Duration::from_millis(ms)),
        },
        from: format!("AWS profile {name} (SSO role {role} in account {account})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_files_are_read_as_the_aws_cli_reads_them() {
        let text = "# comment\n[default]\naws_access_key_id = AK1\n; other\n[profile  dev ]\nregion=eu-west-1\ns3 =\n  max_concurrent_requests = 2\nAWS_Secret_Access_Key= s=ecret \n";
        let all = parse_sections(text);
        assert_eq!(all["default"]["aws_access_key_id"], "AK1");
        assert_eq!(all["profile dev"]["region"], "eu-west-1");
        assert_eq!(all["profile dev"]["aws_secret_access_key"], "s=ecret");
        assert!(!all["profile dev"].contains_key("max_concurrent_requests"));
    }

    #[test]
    fn dates_of_the_cli_and_of_credential_processes_are_read() {
        let at = |s| {
            crate::timefmt::parse_rfc3339(s)
                .map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs())
        };
        assert_eq!(at("2026-12-07T12:00:00Z"), Some(1_796_644_800));
        assert_eq!(at("2026-12-07T12:00:00UTC"), Some(1_796_644_800));
        assert_eq!(at("2026-12-07T13:00:00+01:00"), Some(1_796_644_800));
        assert_eq!(at("tomorrow"), None);
    }
}
