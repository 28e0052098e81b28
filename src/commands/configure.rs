//! `cwsauth configure`: write a profile from flags, ask for it on a terminal (like `aws
//! configure`), fill it by OIDC discovery, or show it resolved with each value's source.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use serde_json::{Map, Value, json};

use super::TerminalPrompter;
use crate::cli::ConfigureArgs;
use crate::home::Home;
use crate::output;
use crate::profile::{ConfigFile, Key, SCHEMA};
use crate::report::Prompter;
use crate::{Error, ExitCode, Result};

/// Most a discovery document may be (Cognito's is about 2 KiB).
const MAX_DISCOVERY_BYTES: usize = 256 * 1024;

/// What a new profile needs before anything works.
const ESSENTIAL: &[Key] = &[Key::UserPoolId, Key::ClientId, Key::Domain];

pub fn run(home: &Home, args: ConfigureArgs) -> Result<ExitCode> {
    let name = args.select.profile.clone();
    if args.show {
        return show(home, &name, &args);
    }
    // Later changes win; the summary names each key once.
    let mut changes: BTreeMap<Key, Vec<String>> = args.keys.overrides().values.clone();
    let prompter = TerminalPrompter;
    if changes.is_empty() && !args.discover {
        if args.no_input || !prompter.interactive() || !std::io::stderr().is_terminal() {
            return Err(nothing_to_do(home, &name));
        }
        changes = ask(home, &name, &prompter)?;
        if !changes.is_empty()
            && ask_yes_no(
                &prompter,
                "Fill issuer, JWKS URL and domain by OIDC discovery now?",
            )?
            && let Err(e) = discover_into(home, &name, &mut changes)
        {
            // What was typed is kept; discovery can run again once the pool is reachable.
            output::warn(&format!(
                "{e}; saving what you typed: run `cwsauth configure{} --discover` when the pool can be reached",
                crate::profile::profile_flag(&name)
            ));
        }
    } else if args.discover {
        discover_into(home, &name, &mut changes)?;
    }
    if changes.is_empty() {
        return Err(nothing_to_do(home, &name));
    }
    let path = home.config_file();
    let mut file = ConfigFile::load(&path)?;
    let list: Vec<(Key, Vec<String>)> = changes.into_iter().collect();
    file.update(&name, &list)?;
    let keys: Vec<&str> = list.iter().map(|(k, _)| k.name()).collect();
    output::info(&format!(
        "Wrote {} to profile {name} in {}",
        keys.join(", "),
        path.display()
    ));
    Ok(ExitCode::Success)
}

/// Off a terminal with nothing to set: name every missing essential key at once.
fn nothing_to_do(home: &Home, name: &str) -> Error {
    let missing: Vec<Key> = crate::profile::resolve_new(home, name, &Default::default())
        .map(|p| {
            ESSENTIAL
                .iter()
                .copied()
                .filter(|k| p.get(*k).is_none())
                .collect()
        })
        .unwrap_or_else(|_| ESSENTIAL.to_vec());
    let flag = crate::profile::profile_flag(name);
    if missing.is_empty() {
        return Error::Usage(format!(
            "no change given: profile {name} is complete; pass keys to change (`cwsauth configure{flag} --client-id …`), --discover, or --show"
        ));
    }
    let names: Vec<&str> = missing.iter().map(|k| k.name()).collect();
    let flags: Vec<String> = missing
        .iter()
        .filter_map(|k| k.spec().flag.map(|f| format!("--{f} …")))
        .collect();
    Error::Usage(format!(
        "profile {name} is not set up: it lacks {}; pass them (`cwsauth configure{flag} {}`), or run it on a terminal to be asked",
        names.join(", "),
        flags.join(" ")
    ))
}

/// The guided first run: pool id, client id, domain (and a client secret), each checked as
/// it is typed; Enter keeps the current value.
fn ask(home: &Home, name: &str, prompter: &dyn Prompter) -> Result<BTreeMap<Key, Vec<String>>> {
    let current = crate::profile::resolve_new(home, name, &Default::default())?;
    output::info(&format!(
        "Configuring profile {name} in {} (Enter keeps the value in brackets).",
        home.config_file().display()
    ));
    let mut changes = BTreeMap::new();
    type Check = fn(&str) -> std::result::Result<(), String>;
    let questions: [(Key, &str, Check); 3] = [
        (
            Key::UserPoolId,
            "User pool id (e.g. us-east-1_AbCdEf123)",
            check_pool_id,
        ),
        (Key::ClientId, "App client id", check_client_id),
        (
            Key::Domain,
            "Hosted UI domain (prefix, full domain or https:// URL)",
            check_domain,
        ),
    ];
    for (key, question, check) in questions {
        let now = current.get(key).map(str::to_string);
        let prompt = match &now {
            Some(v) => format!("{question} [{v}]"),
            None => question.to_string(),
        };
        for attempt in 0.. {
            let answer = prompter.line(&prompt)?;
            if answer.is_empty() {
                if now.is_some() || attempt >= 2 {
                    break;
                }
                output::warn(&format!(
                    "{} is needed for login; type it, or Ctrl-C to stop",
                    key.name()
                ));
                continue;
            }
            match check(&answer) {
                Ok(()) => {
                    changes.insert(key, vec![answer]);
                    break;
                }
                Err(why) if attempt < 2 => output::warn(&why),
                Err(why) => return Err(Error::Usage(why)),
            }
        }
    }
    // Optional: where `connect` goes without a URL.
    let ws_now = current.get(Key::WsUrl).map(str::to_string);
    let ws_prompt = match &ws_now {
        Some(v) => format!("WebSocket URL for connect [{v}]"),
        None => "WebSocket URL for connect (wss://…/stage; Enter to skip)".to_string(),
    };
    for attempt in 0..3 {
        let answer = prompter.line(&ws_prompt)?;
        if answer.is_empty() {
            break;
        }
        match check_ws_url(&answer) {
            Ok(()) => {
                changes.insert(Key::WsUrl, vec![answer]);
                break;
            }
            Err(why) if attempt < 2 => output::warn(&why),
            Err(why) => return Err(Error::Usage(why)),
        }
    }
    // A bare domain prefix becomes Cognito's domain through the region of the pool.
    let secret =
        prompter.secret("Client secret (only for a client that has one; Enter for none)")?;
    if !secret.expose().is_empty() {
        changes.insert(Key::ClientSecret, vec![secret.expose().to_string()]);
    }
    Ok(changes)
}

fn ask_yes_no(prompter: &dyn Prompter, question: &str) -> Result<bool> {
    let answer = prompter.line(&format!("{question} [y/N]"))?;
    Ok(matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes"))
}

fn check_pool_id(text: &str) -> std::result::Result<(), String> {
    if crate::profile::is_pool_id(text) {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a user pool id: it looks like us-east-1_AbCdEf123 (region, underscore, id)",
            crate::sanitize::excerpt(text, 60)
        ))
    }
}

fn check_client_id(text: &str) -> std::result::Result<(), String> {
    if (1..=128).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not an app client id: letters and digits only",
            crate::sanitize::excerpt(text, 60)
        ))
    }
}

fn check_ws_url(text: &str) -> std::result::Result<(), String> {
    match url::Url::parse(text) {
        Ok(u) if matches!(u.scheme(), "ws" | "wss") => Ok(()),
        _ => Err(format!(
            "{:?} is not a WebSocket URL: it looks like wss://abc123.execute-api.us-east-1.amazonaws.com/production",
            crate::sanitize::excerpt(text, 60)
        )),
    }
}

fn check_domain(text: &str) -> std::result::Result<(), String> {
    if text.contains("://") {
        return crate::http::check_endpoint("hosted UI domain", text)
            .map(|_| ())
            .map_err(|e| e.to_string());
    }
    let ok = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a domain: give the prefix (myapp), the full domain (myapp.auth.us-east-1.amazoncognito.com) or an https:// URL",
            crate::sanitize::excerpt(text, 60)
        ))
    }
}

/// Adds what discovery says to `changes`; keys the user gave explicitly win.
fn discover_into(home: &Home, name: &str, changes: &mut BTreeMap<Key, Vec<String>>) -> Result<()> {
    let mut overrides = crate::profile::Overrides::default();
    for (key, values) in changes.iter() {
        overrides.set_all(*key, values.clone());
    }
    let profile = crate::profile::resolve_new(home, name, &overrides)?;
    let issuer = profile.require(Key::Issuer)?.to_string();
    for (key, values) in discover(&issuer)? {
        changes.entry(key).or_insert(values);
    }
    Ok(())
}

/// Reads `{issuer}/.well-known/openid-configuration` and returns the keys it fills.
fn discover(issuer: &str) -> Result<Vec<(Key, Vec<String>)>> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    crate::http::check_endpoint("discovery", &url)?;
    let failed = |why: String| Error::Network(format!("discovery at {url} failed: {why}"));
    let bytes = crate::http::get_capped(&url, MAX_DISCOVERY_BYTES)?;
    let doc: Value = serde_json::from_slice(&bytes)
        .map_err(|e| failed(format!("the answer is not JSON ({e})")))?;
    let field = |name: &str| doc.get(name).and_then(Value::as_str).map(str::to_string);
    let found_issuer = field("issuer").ok_or_else(|| failed("no issuer in the document".into()))?;
    // A Cognito pool may answer with its other issuer format (IssuerConfiguration.Type): the
    // same pool, so taken, and the format is stored.
    let same_pool =
        cwsauth_verify::issuer::other_format_of_same_pool(issuer, &found_issuer).is_some();
    if found_issuer != issuer && !same_pool {
        return Err(failed(format!(
            "the document is for issuer {}, not {issuer}",
            crate::sanitize::excerpt(&found_issuer, 100)
        )));
    }
    // An issuer off AWS (an emulator) serves its JSON API at the issuer's origin, where
    // `login --password`/`--srp` must go; on AWS the default from the region is right.
    let idp = url::Url::parse(&found_issuer).ok().and_then(|u| {
        let aws = u.host_str().is_some_and(|h| h.ends_with(".amazonaws.com"));
        (!aws).then(|| u.origin().ascii_serialization())
    });
    let kind = cwsauth_verify::issuer::parse_cognito_issuer(&found_issuer).map(|(kind, ..)| kind);
    let mut changes = vec![(Key::Issuer, vec![found_issuer.clone()])];
    if let Some(kind) = kind {
        changes.push((Key::IssuerType, vec![kind.name().to_string()]));
    }
    if let Some(idp) = idp {
        changes.push((Key::IdpEndpoint, vec![idp]));
    }
    // What the document names is stored only as an https (or loopback http) URL, never a
    // path, and an endpoint off the issuer's origin (Cognito's never are) is said.
    let issuer_origin = url::Url::parse(issuer).map(|u| u.origin()).ok();
    let endpoint = |what: &'static str, value: &str| -> Result<String> {
        let url = crate::http::check_endpoint(what, value)
            .map_err(|e| failed(format!("the document's {e}")))?;
        if issuer_origin.as_ref() != Some(&url.origin()) {
            output::warn(&format!(
                "the discovery document's {what} {} is on another origin than the issuer {issuer}; check that you trust it",
                crate::sanitize::excerpt(value, 100)
            ));
        }
        Ok(value.to_string())
    };
    if let Some(jwks) = field("jwks_uri") {
        changes.push((Key::JwksUri, vec![endpoint("jwks_uri", &jwks)?]));
    }
    if let Some(authorize) = field("authorization_endpoint") {
        let authorize = endpoint("authorization_endpoint", &authorize)?;
        if let Some(base) = authorize.strip_suffix("/oauth2/authorize") {
            changes.push((Key::Domain, vec![base.to_string()]));
        }
    }
    Ok(changes)
}

fn show(home: &Home, name: &str, args: &ConfigureArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let shown = |key: Key, values: &[String]| -> String {
        if key.spec().secret {
            "(redacted)".to_string()
        } else {
            values.join(" ")
        }
    };
    if args.json {
        let mut values = Map::new();
        for spec in SCHEMA {
            let entry = match profile.setting(spec.key) {
                Some(s) => {
                    json!({"value": shown(spec.key, &s.values), "source": s.source.to_string()})
                }
                None => Value::Null,
            };
            values.insert(spec.name.to_string(), entry);
        }
        let doc = json!({
            "profile": name,
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
    let width = SCHEMA.iter().map(|s| s.name.len()).max().unwrap_or(14);
    for spec in SCHEMA {
        let line = match profile.setting(spec.key) {
            Some(s) => format!(
                "  {:<width$} {:<60} {}\n",
                spec.name,
                shown(spec.key, &s.values),
                s.source
            ),
            None => format!("  {:<width$} {:<60} not set\n", spec.name, "-"),
        };
        text.push_str(&crate::sanitize::for_terminal_multiline(&line));
    }
    output::println(text.trim_end())?;
    Ok(ExitCode::Success)
}
