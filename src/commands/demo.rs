//! `cwsauth demo`: the whole loop on 127.0.0.1 in one process — emulator, hosted-UI login
//! through the loopback redirect, verification, the authorizer's view, an authenticated
//! WebSocket message, and the refusals — each step timed. Exits 0 only if every step behaved.

use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::connect;

use crate::cli::DemoArgs;
use crate::home::Home;
use crate::local::{self, UserSpec};
use crate::login::{Browser, LoginOptions};
use crate::profile::{ConfigFile, Key};
use crate::report::Silent;
use crate::session::{LoginMethod, Session, StoreKind};
use crate::{Error, ExitCode, Result};

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

pub fn run(options: DemoArgs) -> Result<ExitCode> {
    // A private home (unpredictable name, 0700, removed at the end): the demo never touches
    // your config, keyring or tokens.
    let root = tempfile::Builder::new()
        .prefix("cwsauth-demo-")
        .tempdir()
        .map_err(|e| Error::Local(format!("cannot make the demo's temporary home: {e}")))?;
    run_in(&Home::at(root.path()), &options)
}

fn run_in(home: &Home, options: &DemoArgs) -> Result<ExitCode> {
    let mut steps = Steps {
        started: Instant::now(),
        count: 0,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Local(format!("cannot start the async runtime: {e}")))?;
    // Ctrl-C at any step: the demo's folders and the emulator's go, and its functions end.
    let leftovers = std::sync::Arc::new(std::sync::Mutex::new(Leftovers {
        dirs: home.root().map(|r| r.to_path_buf()).into_iter().collect(),
        emulator: None,
    }));
    let on_interrupt = leftovers.clone();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove();
            crate::output::error("interrupted; the demo's temporary folders are removed");
            std::process::exit(ExitCode::Interrupted as i32);
        }
    });
    let callback_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| Error::Local(format!("no free loopback port: {e}")))?;
    let callback = format!("http://localhost:{callback_port}");
    let demo_user = UserSpec::demo();

    let authorizer = options.functions.then(authorizer_binary).transpose()?;
    let start_title = if authorizer.is_some() {
        "start the local Cognito user pool and WebSocket API, its authorizer a Lambda function"
    } else {
        "start the local Cognito user pool and WebSocket API"
    };
    let running = steps.run(start_title, || {
        let mut api = local::api::ApiConfig::default();
        if let Some(path) = &authorizer {
            api.functions.push(local::functions::FunctionSpec::new(
                "authorizer",
                local::functions::Source::Command(vec![path.display().to_string()]),
            ));
            api.authorizer = local::api::AuthorizerConfig::Function {
                function: "authorizer".into(),
                identity_sources: vec![local::api::Identity::Header("Authorization".into())],
            };
        }
        let running = runtime
            .block_on(local::start(local::Options {
                callback_urls: vec![callback.clone()],
                log: None,
                api,
                ..Default::default()
            }))
            .map_err(|e| Error::Network(e.to_string()))?;
        let emu = &running.emulator;
        let mut detail = format!(
            "user pool {} at {}\nWebSocket API {}",
            local::POOL_ID,
            emu.base_url,
            emu.ws_url
        );
        if let Some(path) = &authorizer {
            detail.push_str(&format!(
                "\nauthorizer: {} through the Lambda Runtime API",
                path.display()
            ));
        }
        Ok((running, detail))
    })?;
    let emu = running.emulator.clone();
    leftovers.lock().unwrap_or_else(|p| p.into_inner()).emulator = Some(emu.clone());

    let profile = steps.run("write profile demo", || {
        local::write_profiles(home, "demo", &emu)?;
        let mut file = ConfigFile::load(&home.config_file())?;
        file.update(
            "demo",
            &[
                (Key::RedirectUri, vec![callback.clone()]),
                (Key::Store, vec!["file".into()]),
            ],
        )?;
        let profile = crate::profile::resolve(home, "demo", &Default::default())?;
        Ok((profile, format!("{}", home.config_file().display())))
    })?;

    let session = Session::for_login(home, &profile, Some(StoreKind::File), &Silent)?;
    let login_title = if options.browser {
        "log in through the hosted UI in your browser and the loopback redirect"
    } else {
        "log in through the hosted UI with the built-in browser and the loopback redirect"
    };
    let tokens = steps.run(login_title, || {
        let browser = if options.browser {
            super::login::browser(&options.browser_args)
        } else {
            Browser::Scripted {
                username: demo_user.username.clone(),
                password: demo_user.password.clone(),
            }
        };
        let options = LoginOptions {
            method: LoginMethod::HostedUi,
            username: None,
            authorize: Default::default(),
            browser,
            timeout: std::time::Duration::from_secs(if options.browser { 300 } else { 20 }),
            paste: false,
            otp_command: None,
            totp_secret: None,
            enroll_totp: false,
        };
        // With a real browser the person needs the address, and to hear when none started.
        let logged_in = if matches!(options.browser, Browser::Scripted { .. }) {
            crate::login::login(&profile, &options, &Silent, &super::TerminalPrompter)?
        } else {
            crate::login::login(
                &profile,
                &options,
                &super::TerminalReporter,
                &super::TerminalPrompter,
            )?
        };
        let tokens = crate::session::verify_fresh(
            home,
            &profile,
            logged_in.tokens,
            logged_in.nonce.as_ref(),
            LoginMethod::HostedUi,
            crate::timefmt::now_epoch(),
            None,
        )?;
        session.store_login(&tokens)?;
        let detail = format!(
            "signed in as {} (authorization code + PKCE, state and nonce checked)\ntokens stored in {}",
            tokens.username.as_deref().unwrap_or("?"),
            session.store.location()
        );
        Ok((tokens, detail))
    })?;

    let access = tokens.access_token.clone();
    let verified = steps.run("verify the access token as the authorizer does", || {
        let checks = profile.checks(cwsauth_verify::TokenUse::Access)?;
        let keys = crate::jwks::for_profile(home, &profile)?;
        let verified = cwsauth_verify::verify(
            access.expose(),
            &checks,
            keys.as_ref(),
            crate::timefmt::now_epoch(),
        )
        .map_err(|r| Error::Verify(r.error))?;
        let detail = format!(
            "VALID access token for {}, scopes {}",
            cwsauth_verify::authorizer::principal_of(&verified.claims),
            verified.claim_str("scope").unwrap_or("")
        );
        Ok((verified, detail))
    })?;

    steps.run("the authorizer's answer", || {
        let options = cwsauth_verify::authorizer::PolicyOptions {
            method_arn: cwsauth_verify::authorizer::default_method_arn(Some(
                crate::local::ids::REGION,
            )),
            ..Default::default()
        };
        let policy = cwsauth_verify::authorizer::allow(&verified.claims, &options);
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

    running.emulator.stop_functions();
    runtime.block_on(running.stop());
    crate::output::println(&format!(
        "demo passed: {} steps in {:.0} ms",
        steps.count,
        steps.started.elapsed().as_secs_f64() * 1000.0
    ))?;
    Ok(ExitCode::Success)
}

/// The cwsauth-authorizer function: next to this executable (a workspace build), else on PATH.
/// What an interrupted demo leaves unless it removes it: its home, the emulator's folder, the
/// emulator's function processes.
struct Leftovers {
    dirs: Vec<std::path::PathBuf>,
    emulator: Option<std::sync::Arc<local::Emulator>>,
}

impl Leftovers {
    fn remove(&mut self) {
        if let Some(emu) = self.emulator.take() {
            emu.stop_functions();
            self.dirs.push(emu.work_dir().to_path_buf());
        }
        for dir in &self.dirs {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn authorizer_binary() -> Result<std::path::PathBuf> {
    const NAME: &str = "cwsauth-authorizer";
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join(NAME)));
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(NAME))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    beside
        .into_iter()
        .chain(on_path)
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Error::Usage(format!(
                "demo --functions runs the {NAME} Lambda function, which is not built: run `cargo build --release --workspace` first"
            ))
        })
}

/// Sends one message and returns the API's JSON reply.
async fn echo(url: &str, token: Option<&str>) -> Result<Value> {
    let mut ws = connect::open(&connect::Options::new(url), token)
        .await
        .map_err(|e| match e {
            connect::HandshakeError::Failed(e) => e,
            connect::HandshakeError::Refused(r) => {
                Error::Rejected(format!("the handshake was refused with HTTP {}", r.status))
            }
        })?;
    ws.send(Message::text("hello from cwsauth demo"))
        .await
        .map_err(|e| Error::Network(e.to_string()))?;
    // The backend may be a Lambda function starting cold: 30 s, then the demo says so.
    let wait = std::time::Duration::from_secs(30);
    let reply = tokio::time::timeout(wait, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => return Ok(text.to_string()),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(Error::Network(format!("no reply: {e}"))),
                None => return Err(Error::Network("no reply: the connection closed".into())),
            }
        }
    })
    .await
    .map_err(|_| Error::Network(format!("no reply within {} s", wait.as_secs())))??;
    let _ = ws.close(None).await;
    serde_json::from_str(&reply).map_err(|e| Error::Network(format!("the reply is not JSON: {e}")))
}

/// The status of a handshake that must be refused.
async fn refused(url: &str, token: Option<&str>) -> Result<u16> {
    let mut options = connect::Options::new(url);
    if token.is_none() {
        options.auth = connect::Auth::None;
    }
    match connect::open(&options, token).await {
        Err(connect::HandshakeError::Refused(r)) if r.status == 401 => Ok(401),
        Err(connect::HandshakeError::Refused(r)) => {
            Err(Error::Rejected(format!("expected 401, got {}", r.status)))
        }
        Err(connect::HandshakeError::Failed(e)) => Err(e),
        Ok(_) => Err(Error::Rejected("the connection was accepted".into())),
    }
}
