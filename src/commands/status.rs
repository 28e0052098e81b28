//! `cwsauth status`: profile, user, store, login method, expiries, scopes and groups; with
//! `--check`, whether the server still honours the session.

use serde_json::{Value, json};

use super::TerminalReporter;
use crate::cli::StatusArgs;
use crate::home::Home;
use crate::sanitize::for_terminal;
use crate::session::{Session, TokenSet};
use crate::timefmt::{now_epoch, relative, rfc3339};
use crate::{Error, ExitCode, Result};

pub fn run(home: &Home, args: StatusArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let session = Session::open(home, &profile, &TerminalReporter)?;
    let Some(mut tokens) = session.load()? else {
        if args.json {
            let doc = json!({"profile": profile.name, "logged_in": false});
            crate::output::println(&doc.to_string())?;
            return Ok(ExitCode::Rejected);
        }
        return Err(session.not_logged_in());
    };
    // --check: a refresh is the only way to ask Cognito whether the session is alive.
    let check: Option<std::result::Result<(), String>> = if args.check {
        match session.refresh_now() {
            Ok(fresh) => {
                tokens = fresh;
                // Asking is refreshing: the stored tokens are new ones now. Say so.
                if !args.json {
                    crate::output::info(&format!(
                        "cwsauth: --check refreshed the session to ask the server; new tokens stored (access token {})",
                        relative("exp", tokens.expires_at, now_epoch())
                    ));
                }
                Some(Ok(()))
            }
            Err(Error::Rejected(why)) => Some(Err(why)),
            Err(Error::Cognito(e))
                if !matches!(
                    e,
                    crate::cognito::CognitoError::Network { .. }
                        | crate::cognito::CognitoError::Server { .. }
                ) =>
            {
                Some(Err(e.to_string()))
            }
            Err(other) => return Err(other),
        }
    } else {
        None
    };
    let now = now_epoch();
    let view = View::of(&tokens);
    let session_state = match &check {
        None => "unchecked",
        Some(Ok(())) => "alive",
        Some(Err(_)) => "dead",
    };
    if args.json {
        let doc = json!({
            "profile": profile.name,
            "logged_in": true,
            "username": tokens.username,
            "store": session.store.kind().as_str(),
            "store_location": session.store.location(),
            "method": tokens.method,
            "client_id": tokens.client_id,
            "logged_in_at": tokens.logged_in_at,
            "access_token": {"expires_at": tokens.expires_at, "expired": tokens.expires_at <= now},
            "id_token": view.id_exp.map(|e| json!({"expires_at": e, "expired": e <= now})),
            "refresh_token": tokens.refresh_token.is_some(),
            "session": session_state,
            "refreshed": matches!(check, Some(Ok(()))),
            "session_error": check.as_ref().and_then(|c| c.as_ref().err()),
            "scopes": view.scope.split(' ').filter(|s| !s.is_empty()).collect::<Vec<_>>(),
            "groups": view.groups,
        });
        crate::output::println(&crate::sanitize::json_line(&doc))?;
        return Ok(match check {
            Some(Err(_)) => ExitCode::Rejected,
            _ => ExitCode::Success,
        });
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
        session.store.kind().as_str(),
        session.store.location()
    ));
    text.push_str(&format!(
        "access token   {} ({})\n",
        rfc3339(tokens.expires_at),
        relative("exp", tokens.expires_at, now)
    ));
    if let Some(e) = view.id_exp {
        text.push_str(&format!(
            "id token       {} ({})\n",
            rfc3339(e),
            relative("exp", e, now)
        ));
    }
    let refresh = match (&tokens.refresh_token, &check) {
        (None, _) => "none".to_string(),
        (Some(_), None) => "stored (not checked with the server; --check asks it)".to_string(),
        (Some(_), Some(Ok(()))) => "stored, and the server honours it".to_string(),
        (Some(_), Some(Err(_))) => "stored, but the server no longer honours it".to_string(),
    };
    text.push_str(&format!("refresh token  {refresh}\n"));
    text.push_str(&format!("scopes         {}\n", for_terminal(&view.scope)));
    if !view.groups.is_empty() {
        text.push_str(&format!(
            "groups         {}\n",
            for_terminal(&view.groups.join(", "))
        ));
    }
    if let Some(Err(why)) = &check {
        text.push_str(&format!("session        dead: {}\n", for_terminal(why)));
    }
    crate::output::println(text.trim_end())?;
    Ok(match check {
        Some(Err(_)) => ExitCode::Rejected,
        _ => ExitCode::Success,
    })
}

/// What the tokens say about themselves.
struct View {
    scope: String,
    groups: Vec<String>,
    id_exp: Option<i64>,
}

impl View {
    fn of(tokens: &TokenSet) -> View {
        let claims = cwsauth_verify::decode(tokens.access_token.expose())
            .map(|d| d.claims)
            .unwrap_or_default();
        View {
            scope: claims
                .get("scope")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            groups: cwsauth_verify::groups(&claims)
                .into_iter()
                .map(str::to_string)
                .collect(),
            id_exp: tokens
                .id_token
                .as_ref()
                .and_then(|t| cwsauth_verify::decode(t.expose()).ok())
                .and_then(|d| cwsauth_verify::number(&d.claims, "exp")),
        }
    }
}
