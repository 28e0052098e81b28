//! `cwsauth status`: profile, user, store, login method, expiries, scopes and groups.

use serde_json::{Value, json};

use crate::cli::StatusArgs;
use crate::config::Home;
use crate::sanitize::for_terminal;
use crate::store::{self, StoreError};
use crate::timefmt::{now_epoch, relative, rfc3339};
use crate::{Error, ExitCode, Result};

pub fn run(home: &Home, profile_name: &str, args: StatusArgs) -> Result<ExitCode> {
    let profile = super::profile(home, profile_name, &args.client.overrides())?;
    let store = store::open(home, &profile, args.client.store.map(|s| s.as_str()))?;
    let Some(tokens) = store.load()? else {
        return Err(Error::Store(StoreError::NotLoggedIn {
            profile: profile.name.clone(),
            flag: if profile.name == crate::config::DEFAULT_PROFILE {
                String::new()
            } else {
                format!(" --profile {}", profile.name)
            },
        }));
    };
    let now = now_epoch();
    let claims = crate::jwt::decode(tokens.access_token.expose())
        .map(|d| d.claims)
        .unwrap_or_default();
    let scope = claims
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let groups: Vec<String> = claims
        .get("cognito:groups")
        .and_then(Value::as_array)
        .map(|g| {
            g.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let id_exp = tokens
        .id_token
        .as_ref()
        .and_then(|t| crate::jwt::decode(t.expose()).ok())
        .and_then(|d| d.claims.get("exp").and_then(Value::as_i64));
    if args.json {
        let doc = json!({
            "profile": profile.name,
            "username": tokens.username,
            "store": store.name(),
            "store_location": store.location(),
            "method": tokens.method,
            "client_id": tokens.client_id,
            "logged_in_at": tokens.logged_in_at,
            "access_token": {"expires_at": tokens.expires_at, "expired": tokens.expires_at <= now},
            "id_token": id_exp.map(|e| json!({"expires_at": e, "expired": e <= now})),
            "refresh_token": tokens.refresh_token.is_some(),
            "scopes": scope.split(' ').filter(|s| !s.is_empty()).collect::<Vec<_>>(),
            "groups": groups,
        });
        crate::output::println(&crate::sanitize::json_line(&doc))?;
        return Ok(ExitCode::Success);
    }
    let mut text = format!("profile        {}\n", profile.name);
    text.push_str(&format!(
        "user           {}\n",
        for_terminal(tokens.username.as_deref().unwrap_or("(machine client)"))
    ));
    text.push_str(&format!(
        "logged in      {} via {}\n",
        relative("iat", tokens.logged_in_at, now),
        tokens.method.describe()
    ));
    text.push_str(&format!(
        "store          {} ({})\n",
        store.name(),
        store.location()
    ));
    text.push_str(&format!(
        "access token   {} ({})\n",
        rfc3339(tokens.expires_at),
        relative("exp", tokens.expires_at, now)
    ));
    if let Some(e) = id_exp {
        text.push_str(&format!(
            "id token       {} ({})\n",
            rfc3339(e),
            relative("exp", e, now)
        ));
    }
    text.push_str(&format!(
        "refresh token  {}\n",
        if tokens.refresh_token.is_some() {
            "stored"
        } else {
            "none"
        }
    ));
    text.push_str(&format!("scopes         {}\n", for_terminal(&scope)));
    if !groups.is_empty() {
        text.push_str(&format!(
            "groups         {}\n",
            for_terminal(&groups.join(", "))
        ));
    }
    crate::output::println(text.trim_end())?;
    Ok(ExitCode::Success)
}
