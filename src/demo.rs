//! `cwsauth demo`: the whole loop on 127.0.0.1 in one process — emulator, hosted-UI login
//! through the loopback redirect, verification, the authorizer's view, an authenticated
//! WebSocket message, and the refusals — each step timed. Exits 0 only if every step behaved.

use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::config::{ConfigFile, Home};
use crate::local::{self, UserSpec};
use crate::login::{Browser, LoginOptions};
use crate::store::{FileStore, LoginMethod, Store};
use crate::{Error, ExitCode, Result};

/// How the demo runs.
pub struct DemoOptions {
    /// Use the system browser instead of the built-in one.
    pub system_browser: bool,
}

struct Steps {
    started: Instant,
    count: usize,
}

impl Steps {
    /// Runs one step, printing what it did and how long it took.
    fn run<T>(&mut self, title: &str, f: impl FnOnce() -> Result<(T, String)>) -> Result<T> {
        self.count += 1;
        let t = Instant::now();
        let result = f();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        match result {
            Ok((value, detail)) => {
                crate::output::println(&format!("[{}] {title} ({ms:.0} ms)", self.count))?;
                for line in detail.lines() {
                    crate::output::println(&format!("    {line}"))?;
                }
                Ok(value)
            }
            Err(e) => {
                crate::output::println(&format!("[{}] {title}: FAILED ({ms:.0} ms)", self.count))?;
                Err(Error::Rejected(format!(
                    "demo step {} ({title}) failed: {e}",
                    self.count
                )))
            }
        }
    }
}

pub fn run(options: DemoOptions) -> Result<ExitCode> {
    // A private home: the demo never touches your config, keyring or tokens.
    let root = std::env::temp_dir().join(format!("cwsauth-demo-{}", std::process::id()));
    let result = run_in(&Home::at(&root), &options);
    let _ = std::fs::remove_dir_all(&root);
    result
}

fn run_in(home: &Home, options: &DemoOptions) -> Result<ExitCode> {
    let mut steps = Steps {
        started: Instant::now(),
        count: 0,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Network(format!("cannot start the runtime: {e}")))?;
    let callback_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| Error::Network(format!("no free loopback port: {e}")))?;
    let callback = format!("http://localhost:{callback_port}");
    let demo_user = UserSpec::demo();

    let running = steps.run(
        "start the local Cognito user pool and WebSocket API",
        || {
            let running = runtime
                .block_on(local::start(local::Options {
                    callback_urls: vec![callback.clone()],
                    log_requests: false,
                    ..Default::default()
                }))
                .map_err(|e| Error::Network(e.to_string()))?;
            let emu = &running.emulator;
            let detail = format!(
                "user pool {} at {}\nWebSocket API {}",
                local::POOL_ID,
                emu.base_url,
                emu.ws_url
            );
            Ok((running, detail))
        },
    )?;
    let emu = running.emulator.clone();

    let profile = steps.run("write profile demo", || {
        crate::commands::write_local_profiles(home, "demo", &emu)?;
        let mut file = ConfigFile::load(&home.config_file())?;
        file.update(
            "demo",
            &[
                ("redirect_uri", vec![callback.clone()]),
                ("store", vec!["file".into()]),
            ],
        )?;
        let profile = crate::config::resolve(home, "demo", &crate::config::Overrides::default())?;
        Ok((profile, format!("{}", home.config_file().display())))
    })?;

    let store = Store::File(FileStore::new(home.data_dir().join("tokens"), "demo"));
    let tokens = steps.run("log in through the hosted UI and the loopback redirect", || {
        let browser = if options.system_browser {
            Browser::System
        } else {
            Browser::Scripted {
                username: demo_user.username.clone(),
                password: demo_user.password.clone(),
            }
        };
        let tokens = crate::login::login(
            home,
            &profile,
            &LoginOptions {
                method: LoginMethod::HostedUi,
                username: None,
                authorize: Default::default(),
                browser,
                timeout: std::time::Duration::from_secs(if options.system_browser { 300 } else { 20 }),
                paste: false,
            },
        )?;
        store.save(&tokens)?;
        let detail = format!(
            "signed in as {} (authorization code + PKCE, state and nonce checked)\ntokens stored in {}",
            tokens.username.as_deref().unwrap_or("?"),
            store.location()
        );
        Ok((tokens, detail))
    })?;

    let access = tokens.access_token.clone();
    let verified = steps.run("verify the access token as the authorizer does", || {
        let issuer = profile.require("issuer")?.to_string();
        let checks = crate::jwt::Checks {
            issuer,
            client_ids: vec![profile.require("client_id")?.to_string()],
            ..Default::default()
        };
        let keys = crate::jwt::jwks::key_source(
            profile.require("jwks_uri")?,
            &home.cache_dir().join("jwks"),
        )?;
        let verified = crate::jwt::verify(
            access.expose(),
            &checks,
            keys.as_ref(),
            crate::timefmt::now_epoch(),
        )
        .map_err(|r| Error::Verify(r.error))?;
        let detail = format!(
            "VALID access token for {}, scopes {}",
            crate::authorizer::principal_of(&verified.claims),
            verified.claim_str("scope").unwrap_or("")
        );
        Ok((verified, detail))
    })?;

    steps.run("the authorizer's answer", || {
        let options = crate::authorizer::PolicyOptions {
            method_arn: crate::authorizer::default_method_arn(Some("us-east-1")),
            ..Default::default()
        };
        let policy = crate::authorizer::allow(&verified.claims, &options);
        let detail = format!(
            "{} execute-api:Invoke on {} for principal {}\ncontext: {}",
            policy["policyDocument"]["Statement"][0]["Effect"]
                .as_str()
                .unwrap_or(""),
            options.method_arn,
            policy["principalId"].as_str().unwrap_or(""),
            policy["context"]
                .as_object()
                .map(|c| c.keys().cloned().collect::<Vec<_>>().join(", "))
                .unwrap_or_default()
        );
        Ok(((), detail))
    })?;

    let ws_url = emu.ws_url.clone();
    steps.run("send a message over the authenticated WebSocket", || {
        let reply = runtime.block_on(echo(&ws_url, Some(access.expose())))?;
        let ctx = &reply["requestContext"]["authorizer"];
        if ctx["username"] != json!(demo_user.username) {
            return Err(Error::Rejected(format!("unexpected authorizer context {ctx}")));
        }
        let detail = format!(
            "sent \"hello from cwsauth demo\"; the backend saw principal {} in groups {} on connection {}",
            ctx["principalId"].as_str().unwrap_or(""),
            ctx["cognito:groups"].as_str().unwrap_or(""),
            reply["requestContext"]["connectionId"].as_str().unwrap_or("")
        );
        Ok(((), detail))
    })?;

    steps.run("the same API refuses a connection without a token", || {
        let status = runtime.block_on(refused(&ws_url, None))?;
        Ok((
            (),
            format!("HTTP {status} Unauthorized, as API Gateway answers"),
        ))
    })?;

    steps.run("and a connection with an expired token", || {
        let mut claims = Value::Object(verified.claims.clone());
        claims["exp"] = json!(crate::timefmt::now_epoch() - 60);
        let expired = emu.sign_access_claims(&claims);
        let status = runtime.block_on(refused(&ws_url, Some(&expired)))?;
        Ok((
            (),
            format!("HTTP {status} Unauthorized for a token that expired 1m ago"),
        ))
    })?;

    runtime.block_on(running.stop());
    crate::output::println(&format!(
        "demo passed: {} steps in {:.0} ms",
        steps.count,
        steps.started.elapsed().as_secs_f64() * 1000.0
    ))?;
    Ok(ExitCode::Success)
}

/// Sends one message and returns the API's JSON reply.
async fn echo(url: &str, token: Option<&str>) -> Result<Value> {
    let request = crate::connect::build_request(&crate::connect::Options::new(url), token)?;
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|e| Error::Network(format!("cannot connect to {url}: {e}")))?;
    ws.send(Message::text("hello from cwsauth demo"))
        .await
        .map_err(|e| Error::Network(e.to_string()))?;
    let reply = loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => break text.to_string(),
            Some(Ok(_)) => continue,
            other => return Err(Error::Network(format!("no reply: {other:?}"))),
        }
    };
    let _ = ws.close(None).await;
    serde_json::from_str(&reply).map_err(|e| Error::Network(format!("the reply is not JSON: {e}")))
}

/// The status of a handshake that must be refused.
async fn refused(url: &str, token: Option<&str>) -> Result<u16> {
    let mut options = crate::connect::Options::new(url);
    if token.is_none() {
        options.auth = crate::connect::Auth::None;
    }
    let request = crate::connect::build_request(&options, token)?;
    match tokio_tungstenite::connect_async(request).await {
        Err(tungstenite::Error::Http(resp)) if resp.status() == 401 => Ok(401),
        Err(e) => Err(Error::Network(format!("expected 401, got {e}"))),
        Ok(_) => Err(Error::Rejected("the connection was accepted".into())),
    }
}
