//! The logins: the hosted UI through a loopback redirect (or a pasted address), and the
//! headless ones (password, SRP, client credentials). Tokens are verified with the project's
//! verifier before anything is stored. Never prints a token, code or password.

pub mod browser;
pub mod loopback;

use std::io::{BufRead, IsTerminal, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cognito::idp::{Idp, Step};
use crate::cognito::oauth::{AuthorizeOptions, HostedUi, Tokens};
use crate::config::{Home, Profile};
use crate::jwt::{self, Checks, TokenUse};
use crate::redacted::Secret;
use crate::store::{LoginMethod, TokenSet};
use crate::{Error, Result};

pub use browser::Browser;
use loopback::{LoopbackListener, Outcome};

/// How to log in.
#[derive(Debug, Clone)]
pub struct LoginOptions {
    pub method: LoginMethod,
    pub username: Option<String>,
    pub authorize: AuthorizeOptions,
    pub browser: Browser,
    pub timeout: Duration,
    /// Also read a pasted callback address from stdin.
    pub paste: bool,
}

/// Logs in as `options` say and returns the verified tokens (not yet stored).
pub fn login(home: &Home, profile: &Profile, options: &LoginOptions) -> Result<TokenSet> {
    let client_id = profile.require("client_id")?.to_string();
    let (tokens, nonce) = match options.method {
        LoginMethod::HostedUi => hosted_ui(profile, &client_id, options)?,
        LoginMethod::Password | LoginMethod::Srp => (headless(profile, options)?, None),
        LoginMethod::ClientCredentials => {
            let secret = profile.require_client_secret()?;
            let ui = HostedUi::for_profile(profile, Some(&secret))?;
            let scopes = if options.authorize.scopes.is_empty() {
                profile.scopes()
            } else {
                options.authorize.scopes.clone()
            };
            (ui.client_credentials(&scopes)?, None)
        }
    };
    let now = crate::timefmt::now_epoch();
    verified_set(
        home,
        profile,
        tokens,
        nonce.as_ref(),
        options.method,
        now,
        None,
    )
}

/// Checks fresh tokens with the verifier and builds what is stored; `previous` keeps the
/// refresh token and login time across a refresh.
pub fn verified_set(
    home: &Home,
    profile: &Profile,
    tokens: Tokens,
    nonce: Option<&Secret>,
    method: LoginMethod,
    now: i64,
    previous: Option<&TokenSet>,
) -> Result<TokenSet> {
    let client_id = profile.require("client_id")?.to_string();
    let issuer = profile.require("issuer")?.to_string();
    let jwks = profile.require("jwks_uri")?.to_string();
    let keys = jwt::jwks::key_source(&jwks, &home.cache_dir().join("jwks"))?;
    let mut checks = Checks {
        issuer,
        client_ids: vec![client_id.clone()],
        token_use: TokenUse::Access,
        ..Default::default()
    };
    let refuse = |what: &str, e: jwt::VerifyError| {
        Error::Rejected(format!(
            "the {what} token from Cognito failed verification, so nothing was stored: {e}"
        ))
    };
    let access = jwt::verify(tokens.access_token.expose(), &checks, keys.as_ref(), now)
        .map_err(|r| refuse("access", r.error))?;
    let mut username = access.claim_str("username").map(str::to_string);
    if let Some(id) = &tokens.id_token {
        checks.token_use = TokenUse::Id;
        let id = jwt::verify(id.expose(), &checks, keys.as_ref(), now)
            .map_err(|r| refuse("ID", r.error))?;
        if let Some(expected) = nonce
            && id.claim_str("nonce") != Some(expected.expose())
        {
            return Err(Error::Rejected(
                "the ID token's nonce does not match this login, so nothing was stored".into(),
            ));
        }
        username = username.or_else(|| id.claim_str("cognito:username").map(str::to_string));
    }
    let expires_at = access
        .claims
        .get("exp")
        .and_then(Value::as_i64)
        .unwrap_or(now);
    Ok(TokenSet {
        access_token: tokens.access_token,
        id_token: tokens
            .id_token
            .or_else(|| previous.and_then(|p| p.id_token.clone())),
        // Cognito does not rotate refresh tokens: a refresh answer without one keeps the old.
        refresh_token: tokens
            .refresh_token
            .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
        expires_at,
        method,
        client_id,
        username: username.or_else(|| previous.and_then(|p| p.username.clone())),
        logged_in_at: previous.map_or(now, |p| p.logged_in_at),
    })
}

fn hosted_ui(
    profile: &Profile,
    client_id: &str,
    options: &LoginOptions,
) -> Result<(Tokens, Option<Secret>)> {
    let base = profile.hosted_ui_base()?;
    let uris = profile.get_all("redirect_uri").to_vec();
    let listener = if uris.iter().any(|u| loopback::is_loopback_redirect(u)) {
        let loopback: Vec<String> = uris
            .iter()
            .filter(|u| loopback::is_loopback_redirect(u))
            .cloned()
            .collect();
        Some(LoopbackListener::bind(&loopback).map_err(|e| Error::Usage(e.to_string()))?)
    } else {
        None
    };
    let redirect_uri = listener.as_ref().map_or_else(
        || uris.first().cloned().unwrap_or_default(),
        |l| l.redirect_uri.clone(),
    );
    let ui = HostedUi::new(
        &base,
        client_id,
        profile.client_secret().as_ref(),
        &redirect_uri,
    )?;
    let mut authorize = options.authorize.clone();
    if authorize.scopes.is_empty() {
        authorize.scopes = profile.scopes();
    }
    let request = ui.authorize_url(&authorize);

    let (tx, rx) = mpsc::channel();
    if let Some(l) = &listener {
        l.serve(request.state.clone(), tx.clone());
    }
    if options.paste || listener.is_none() {
        read_pasted(request.state.clone(), tx);
    }
    crate::output::notice(&format!(
        "sign in through the hosted UI{}:\n  {}",
        match (&options.browser, listener.is_some()) {
            (Browser::None, _) => " at this address",
            (_, true) => " (opening your browser; or open this address yourself)",
            (_, false) => " (opening your browser)",
        },
        request.url
    ));
    if options.paste && std::io::stdin().is_terminal() {
        crate::output::notice(
            "on another machine, paste the address the browser ended on here and press Enter",
        );
    }
    if let Err(e) = options.browser.open(&request.url) {
        crate::output::warn(&format!(
            "could not open a browser ({e}); open the address above yourself"
        ));
    }
    let outcome = wait(&rx, options.timeout, &redirect_uri);
    if let Some(l) = &listener {
        l.finish();
    }
    let code = match outcome? {
        Outcome::Code(code) => code,
        Outcome::Denied { error, description } => {
            return Err(Error::Rejected(format!(
                "the sign-in failed: {error}{}",
                description.map(|d| format!(": {d}")).unwrap_or_default()
            )));
        }
        Outcome::StateMismatch => {
            return Err(Error::Rejected(
                "the callback's state does not match this login (a stale tab or a forged request); nothing was exchanged: run `cwsauth login` again".into(),
            ));
        }
        Outcome::NoCode => {
            return Err(Error::Rejected(
                "the callback has no code; nothing was exchanged".into(),
            ));
        }
    };
    let tokens = ui.exchange_code(&code, request.verifier)?;
    Ok((tokens, Some(request.nonce)))
}

/// Waits for the first outcome, showing a status line with the time left on a terminal.
fn wait(rx: &mpsc::Receiver<Outcome>, timeout: Duration, redirect_uri: &str) -> Result<Outcome> {
    let deadline = Instant::now() + timeout;
    let status = std::io::stderr().is_terminal();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            if status {
                eprint!("\r\x1b[2K");
            }
            return Err(Error::Rejected(format!(
                "no sign-in arrived within {}: run `cwsauth login` again (--timeout to wait longer)",
                crate::timefmt::span(timeout.as_secs())
            )));
        }
        if status {
            eprint!(
                "\r\x1b[2KWaiting for the browser at {redirect_uri}, {} left",
                crate::timefmt::span(left.as_secs())
            );
            let _ = std::io::stderr().flush();
        }
        match rx.recv_timeout(left.min(Duration::from_secs(1))) {
            Ok(outcome) => {
                if status {
                    eprint!("\r\x1b[2K");
                }
                return Ok(outcome);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // Nothing can deliver a callback any more (no listener, stdin closed).
                return Err(Error::Rejected(
                    "no way left to receive the sign-in (stdin closed and no loopback listener)"
                        .into(),
                ));
            }
        }
    }
}

/// Reads pasted addresses from stdin until one carries a callback.
fn read_pasted(state: Secret, tx: mpsc::Sender<Outcome>) {
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { return };
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            match url::Url::parse(line) {
                Ok(url) if url.query().is_some() => {
                    let _ = tx.send(Outcome::from_query(url.query().unwrap_or(""), &state));
                    return;
                }
                _ => crate::output::notice(
                    "that is not the address the browser ended on (it has ?code=…&state=…); try again",
                ),
            }
        }
    });
}

fn read_password(prompt: &str) -> Result<Secret> {
    if let Ok(p) = std::env::var("CWSAUTH_PASSWORD")
        && !p.is_empty()
    {
        return Ok(Secret::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "no password: set CWSAUTH_PASSWORD, or run on a terminal to be asked (it is never read from the command line)".into(),
        ));
    }
    rpassword::prompt_password(prompt)
        .map(Secret::new)
        .map_err(|e| Error::Usage(format!("cannot read the password: {e}")))
}

fn read_line(prompt: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage(format!(
            "{prompt} needed, but stdin is not a terminal"
        )));
    }
    eprint!("{prompt}: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Error::Usage(format!("cannot read {prompt}: {e}")))?;
    Ok(line.trim().to_string())
}

fn headless(profile: &Profile, options: &LoginOptions) -> Result<Tokens> {
    let idp = Idp::for_profile(profile)?;
    let username = match &options.username {
        Some(u) => u.clone(),
        None => read_line("username (or pass --username)")?,
    };
    let password = read_password(&format!("password for {username}: "))?;
    let mut step = if options.method == LoginMethod::Srp {
        idp.srp(&username, &password)?
    } else {
        idp.password(&username, &password)?
    };
    // Challenges that need the user, answered on a terminal.
    for _ in 0..3 {
        let (name, session, parameters) = match step {
            Step::Tokens(tokens) => return Ok(tokens),
            Step::Challenge {
                name,
                session,
                parameters,
            } => (name, session, parameters),
        };
        let user_id = parameters
            .get("USER_ID_FOR_SRP")
            .or(parameters.get("USERNAME"))
            .and_then(Value::as_str)
            .unwrap_or(&username)
            .to_string();
        let mut responses = serde_json::json!({"USERNAME": user_id});
        match name.as_str() {
            "NEW_PASSWORD_REQUIRED" if std::io::stdin().is_terminal() => {
                responses["NEW_PASSWORD"] = serde_json::json!(
                    read_password("new password (the pool requires one): ")?.expose()
                );
            }
            "SOFTWARE_TOKEN_MFA" if std::io::stdin().is_terminal() => {
                responses["SOFTWARE_TOKEN_MFA_CODE"] =
                    serde_json::json!(read_line("code from your authenticator app")?);
            }
            "SMS_MFA" if std::io::stdin().is_terminal() => {
                responses["SMS_MFA_CODE"] = serde_json::json!(read_line("code sent by SMS")?);
            }
            other => {
                return Err(Error::Rejected(format!(
                    "Cognito asks for the {other} challenge, which needs a person at a terminal (or the hosted UI: `cwsauth login` without --password/--srp)"
                )));
            }
        }
        if let Some(secret) = &idp.client_secret {
            responses["SECRET_HASH"] = serde_json::json!(crate::cognito::secret_hash(
                &user_id,
                &idp.client_id,
                secret.expose()
            ));
        }
        step = idp.respond(&name, session.as_deref(), responses)?;
    }
    Err(Error::Rejected(
        "Cognito kept asking for challenges; giving up".into(),
    ))
}
