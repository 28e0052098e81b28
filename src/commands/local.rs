//! `cwsauth local`: run the emulator until Ctrl-C, after printing where everything is.

use crate::cli::LocalArgs;
use crate::home::Home;
use crate::local::api::AuthorizerConfig;
use crate::local::{self, Emulator, LocalError, Options, SetupError, config};
use crate::{Error, ExitCode, Result};

pub fn run(home: &Home, args: LocalArgs) -> Result<ExitCode> {
    let flags = config::Flags {
        functions: args.functions.clone(),
        env: args.function_env.clone(),
        timeouts: args.function_timeout.clone(),
        concurrency: args.function_concurrency.clone(),
        dirs: args.function_dir.clone(),
        routes: args.route.clone(),
        two_way: args.two_way.clone(),
        authorizer: args.authorizer.clone(),
        identity_sources: args.identity_source.clone(),
        route_selection: args.route_selection.clone(),
        pre_token: args.trigger.clone(),
        route_auth: args.route_auth.clone(),
        template: args.template.clone(),
        aws_endpoint: args.aws_endpoint.clone(),
    };
    let resolved = config::load(&home.config_file(), &flags).map_err(setup_error)?;
    if !args.bind.is_loopback() {
        crate::output::warn(&format!(
            "--bind {}: other machines can reach this emulator: its hosted UI and JSON API sign in its users (whose passwords may be public), its token endpoint mints tokens, and its WebSocket API runs your functions",
            args.bind
        ));
    }
    let options = Options {
        bind: args.bind,
        port: args.port,
        users: args.user,
        token_ttl: args.token_ttl,
        callback_urls: args.callback_url,
        identity_source: args.identity_source.first().cloned().unwrap_or_default(),
        require_groups: args.require_group,
        idle_timeout: args.idle_timeout.0,
        max_connection_time: args.max_connection_time.0,
        code_ttl: args.code_ttl,
        persist_dir: args.persist.then(|| home.data_dir()),
        rotate_refresh_tokens: args.rotate_refresh_tokens,
        refresh_token_grace: std::time::Duration::from_secs(args.refresh_token_grace),
        auth_flows: args.auth_flows.clone().unwrap_or_default(),
        iam_credentials: if args.iam_credentials.is_empty() {
            crate::local::Options::default().iam_credentials
        } else {
            args.iam_credentials.clone()
        },
        mfa_required: args.mfa_required,
        issuer_format: args
            .issuer_format
            .as_deref()
            .and_then(|f| cwsauth_verify::issuer::IssuerType::parse(f).ok()),
        log: Some(log_writer()),
        api: resolved.api,
        aws_endpoint: args.aws_endpoint.clone(),
        tables: resolved.tables,
        cold_starts: args.cold_starts,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Local(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let running = local::start(options).await.map_err(|e| match e {
            LocalError::Bind { .. } => {
                Error::Network(format!("{e}: pick another --port, or 0 for any free one"))
            }
            LocalError::Keys { .. } => Error::Local(format!(
                "{e}: delete the file to start with new keys, or run without --persist"
            )),
            LocalError::Setup(e) => setup_error(e),
            LocalError::Function { .. } => Error::Usage(e.to_string()),
            LocalError::Aws(_) => Error::Network(e.to_string()),
            _ => Error::Local(e.to_string()),
        })?;
        // Shown once the whole configuration is known to work.
        for w in &resolved.warnings {
            crate::output::warn(w);
        }
        let emu = running.emulator.clone();
        if let Some(name) = &args.write_profile {
            local::write_profiles(home, name, &emu)?;
        }
        crate::output::println(&banner(
            &emu,
            args.write_profile.as_deref(),
            args.show_secrets,
        ))?;
        wait_for_shutdown().await;
        running.stop().await;
        Ok(ExitCode::Success)
    })
}

/// The emulator's log on stderr, written by a thread of its own: a request's handling never
/// waits on the terminal (up to a backlog of lines, then it does rather than lose one).
fn log_writer() -> crate::local::functions::Log {
    let (tx, rx) = std::sync::mpsc::sync_channel::<String>(10_000);
    std::thread::spawn(move || {
        for line in rx {
            crate::output::info(&line);
        }
    });
    std::sync::Arc::new(move |line: &str| {
        let _ = tx.send(line.to_string());
    })
}

/// A setting of the emulator that does not work is the user's to fix.
fn setup_error(e: SetupError) -> Error {
    Error::Usage(e.to_string())
}

async fn wait_for_shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// The developer's API: its authorizer, routes and `@connections` (nothing for the built-in).
fn api_lines(emu: &Emulator) -> String {
    use crate::local::api::Identity;
    let api = &emu.options.api;
    if !api.has_routes() && api.authorizer == AuthorizerConfig::BuiltIn {
        return String::new();
    }
    let mut text = String::new();
    let authorizer = match &api.authorizer {
        AuthorizerConfig::BuiltIn => "built-in Cognito JWT check".to_string(),
        AuthorizerConfig::None => "none".to_string(),
        AuthorizerConfig::Iam => "AWS_IAM (SigV4, the emulator's credentials)".to_string(),
        AuthorizerConfig::Function {
            function,
            identity_sources,
        } => {
            let sources: Vec<String> = identity_sources
                .iter()
                .map(|s| match s {
                    Identity::Header(n) => format!("header {n}"),
                    Identity::Query(n) => format!("query {n}"),
                })
                .collect();
            format!("function {function} (identity {})", sources.join(", "))
        }
    };
    text.push_str(&format!("  authorizer     {authorizer}\n"));
    for (key, route) in &api.routes {
        let two_way = if route.two_way { " (two-way)" } else { "" };
        text.push_str(&format!(
            "  route          {key} -> {}{two_way}\n",
            route.function
        ));
    }
    for spec in emu.function_specs() {
        text.push_str(&format!("  function       {}\n", function_line(spec)));
    }
    if api.has_routes() {
        text.push_str(&format!("  selection      {}\n", api.selection));
        let stage = emu.ws_url.rsplit('/').next().unwrap_or("$default");
        text.push_str(&format!(
            "  @connections   {}/{stage}/@connections/{{connectionId}}\n",
            emu.base_url
        ));
    }
    text
}

/// What runs a function: `NAME (RUNTIME) runs \`COMMAND\` in DIR`, or its Invoke API.
fn function_line(spec: &crate::local::functions::FunctionSpec) -> String {
    use crate::local::functions::Source;
    let runtime = spec
        .runtime
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    let runner = match &spec.source {
        Source::Command(words) => {
            let command = shlex::try_join(words.iter().map(String::as_str))
                .unwrap_or_else(|_| words.join(" "));
            match &spec.cwd {
                Some(dir) => format!("runs `{command}` in {}", dir.display()),
                None => format!("runs `{command}`"),
            }
        }
        Source::Invoke { base, name } => format!("at {base}, function {name}"),
        Source::Runtime { runtime, .. } => format!("runs on runtime {runtime}"),
    };
    format!("{}{runtime} {runner}", spec.name)
}

fn banner(emu: &Emulator, profile: Option<&str>, show_secrets: bool) -> String {
    let base = &emu.base_url;
    let mut text = format!("cwsauth local listening on {base}\n");
    text.push_str(&format!(
        "  user pool      {} (issuer {})\n",
        local::POOL_ID,
        emu.issuer
    ));
    text.push_str(&format!("  hosted UI      {base}/oauth2/authorize\n"));
    text.push_str(&format!("  token endpoint {base}/oauth2/token\n"));
    text.push_str(&format!("  JSON API       {base}/\n"));
    text.push_str(&format!("  JWKS           {}\n", local::jwks_uri(base)));
    text.push_str(&format!("  WebSocket API  {}\n", emu.ws_url));
    text.push_str(&format!(
        "  TLS CA         {} (wss:// and https:// on the same port)\n",
        emu.ca_file().display()
    ));
    text.push_str(&api_lines(emu));
    text.push_str(&format!(
        "  public client  {} (PKCE; callbacks {})\n",
        emu.public_client.client_id,
        emu.public_client.callback_urls.join(", ")
    ));
    // The secret is a secret even here: in the profile written for it, or on request.
    let secret = match (show_secrets, profile) {
        (true, _) => format!(
            "secret {}",
            emu.confidential_client
                .secret
                .as_ref()
                .map_or("", |s| s.expose())
        ),
        (false, Some(name)) => format!("secret in profile {name}-m2m"),
        (false, None) => "secret not shown: --write-profile or --show-secrets".to_string(),
    };
    text.push_str(&format!(
        "  confidential   {} ({secret}; scope {})\n",
        emu.confidential_client.client_id,
        local::M2M_SCOPE
    ));
    for user in emu.users() {
        let groups = if user.groups.is_empty() {
            String::new()
        } else {
            format!(" (groups {})", user.groups.join(", "))
        };
        // The demo user's password is public (README); a given one is not echoed.
        let password = if user.username == local::UserSpec::demo().username
            && user.password == local::UserSpec::demo().password
        {
            format!(" / {}", user.password.expose())
        } else {
            String::new()
        };
        text.push_str(&format!(
            "  user           {}{password}{groups}\n",
            user.username
        ));
    }
    match profile {
        Some(name) => text.push_str(&format!(
            "Wrote profiles {name} and {name}-m2m. Next, in another terminal:\n  cwsauth login --profile {name}\n  cwsauth connect --profile {name}\n"
        )),
        None => text.push_str(&format!(
            "Next, in another terminal (or restart with --write-profile local):\n  cwsauth configure --profile local --user-pool-id {} --client-id {} --domain {base} --idp-endpoint {base} --issuer {} --jwks-uri {} --ws-url '{}'\n  cwsauth login --profile local\n  cwsauth connect --profile local\n",
            local::POOL_ID, emu.public_client.client_id, emu.issuer, local::jwks_uri(base), emu.ws_url
        )),
    }
    text.push_str("Press Ctrl-C to stop.");
    text
}
