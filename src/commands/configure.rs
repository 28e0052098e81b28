//! `cwsauth configure`: write a profile, fill it by OIDC discovery, or show it resolved.

use serde_json::{Map, Value, json};

use crate::cli::ConfigureArgs;
use crate::config::{ConfigFile, Home, KEYS};
use crate::output;
use crate::{Error, ExitCode, Result};

pub fn run(home: &Home, profile_name: &str, args: ConfigureArgs) -> Result<ExitCode> {
    if args.show {
        return show(home, profile_name, &args);
    }
    let mut changes: Vec<(&str, Vec<String>)> = Vec::new();
    let mut put = |key: &'static str, value: &Option<String>| {
        if let Some(v) = value {
            changes.push((key, vec![v.clone()]));
        }
    };
    let (client, profile) = (&args.client, &args.client.profile);
    put("region", &profile.region);
    put("user_pool_id", &profile.user_pool_id);
    put("client_id", &client.client_id);
    put("domain", &client.domain);
    put("scopes", &args.scopes);
    put("ws_url", &args.ws_url);
    put("idp_endpoint", &profile.idp_endpoint);
    put("issuer", &profile.issuer);
    put("jwks_uri", &profile.jwks_uri);
    put("store", &client.store.map(|s| s.as_str().to_string()));
    if !client.redirect_uri.is_empty() {
        changes.push(("redirect_uri", client.redirect_uri.clone()));
    }
    if args.discover {
        let mut overrides = client.overrides();
        for (key, values) in &changes {
            if let Some(k) = KEYS.iter().find(|k| *k == key) {
                overrides.set_all(k, values.clone());
            }
        }
        let profile = super::profile(home, profile_name, &overrides)?;
        let issuer = profile.require("issuer")?.to_string();
        changes.extend(discover(&issuer)?);
    }
    if changes.is_empty() {
        return Err(Error::Usage(
            "nothing to configure: pass --user-pool-id, --client-id, --domain, … or --discover, or use --show".into(),
        ));
    }
    let path = home.config_file();
    let mut file = ConfigFile::load(&path)?;
    file.update(profile_name, &changes)?;
    let keys: Vec<&str> = changes.iter().map(|(k, _)| *k).collect();
    output::notice(&format!(
        "wrote {} to profile {profile_name} in {}",
        keys.join(", "),
        path.display()
    ));
    Ok(ExitCode::Success)
}

/// Reads `{issuer}/.well-known/openid-configuration` and returns the keys it fills.
fn discover(issuer: &str) -> Result<Vec<(&'static str, Vec<String>)>> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let parsed =
        url::Url::parse(&url).map_err(|e| Error::Usage(format!("bad issuer {issuer}: {e}")))?;
    if parsed.scheme() != "https" && !crate::http::is_loopback(&parsed) {
        return Err(Error::Usage(format!(
            "refusing discovery over {}: the issuer must be https (plain http only on a loopback address)",
            parsed.scheme()
        )));
    }
    let failed = |why: String| Error::Network(format!("discovery at {url} failed: {why}"));
    let response = crate::http::blocking_client()
        .get(&url)
        .send()
        .map_err(|e| failed(crate::http::error_chain(&e)))?;
    if !response.status().is_success() {
        return Err(failed(format!("HTTP {}", response.status())));
    }
    let doc: Value = response
        .json()
        .map_err(|e| failed(format!("the answer is not JSON ({e})")))?;
    let field = |name: &str| doc.get(name).and_then(Value::as_str).map(str::to_string);
    let found_issuer = field("issuer").ok_or_else(|| failed("no issuer in the document".into()))?;
    if found_issuer != issuer {
        return Err(failed(format!(
            "the document is for issuer {found_issuer}, not {issuer}"
        )));
    }
    let mut changes = vec![("issuer", vec![found_issuer])];
    if let Some(jwks) = field("jwks_uri") {
        changes.push(("jwks_uri", vec![jwks]));
    }
    if let Some(authorize) = field("authorization_endpoint")
        && let Some(base) = authorize.strip_suffix("/oauth2/authorize")
    {
        changes.push(("domain", vec![base.to_string()]));
    }
    Ok(changes)
}

fn show(home: &Home, profile_name: &str, args: &ConfigureArgs) -> Result<ExitCode> {
    let profile = super::profile(home, profile_name, &args.client.overrides())?;
    let shown = |key: &str, values: &[String]| -> String {
        if key == "client_secret" {
            "(redacted)".to_string()
        } else {
            values.join(" ")
        }
    };
    if args.json {
        let mut values = Map::new();
        for key in KEYS {
            let entry = match profile.setting(key) {
                Some(s) => json!({"value": shown(key, &s.values), "source": s.source.to_string()}),
                None => Value::Null,
            };
            values.insert(key.to_string(), entry);
        }
        let doc = json!({
            "profile": profile.name,
            "config_file": profile.config_file,
            "in_file": profile.in_file,
            "values": values,
        });
        output::println(&crate::sanitize::json_line(&doc))?;
        return Ok(ExitCode::Success);
    }
    let mut text = format!(
        "profile {} ({}{})\n",
        profile.name,
        profile.config_file.display(),
        if profile.in_file {
            ""
        } else {
            ", not in the file"
        }
    );
    for key in KEYS {
        let line = match profile.setting(key) {
            Some(s) => format!("  {key:<14} {:<60} {}\n", shown(key, &s.values), s.source),
            None => format!("  {key:<14} {:<60} not set\n", "-"),
        };
        text.push_str(&crate::sanitize::for_terminal_multiline(&line));
    }
    output::println(text.trim_end())?;
    Ok(ExitCode::Success)
}
