//! `cwsauth local`: run the emulator until Ctrl-C, after printing where everything is.

use crate::cli::LocalArgs;
use crate::home::Home;
use crate::local::api::{ApiConfig, AuthorizerConfig};
use crate::local::{self, Emulator, LocalError, Options};
use crate::{Error, ExitCode, Result};

pub fn run(home: &Home, args: LocalArgs) -> Result<ExitCode> {
    let api = api_config(home, &args)?;
    let options = Options {
        bind: args.bind,
        port: args.port,
        users: args.user,
        token_ttl: args.token_ttl,
        callback_urls: args.callback_url,
        identity_source: args.identity_source.first().cloned().unwrap_or_default(),
        require_groups: args.require_group,
        idle_timeout: args.idle_timeout,
        max_connection_time: args.max_connection_time,
        code_ttl: args.code_ttl,
        persist_dir: args.persist.then(|| home.data_dir()),
        rotate_refresh_tokens: args.rotate_refresh_tokens,
        log_requests: true,
        api,
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
            LocalError::Api(why) => Error::Usage(why),
        })?;
        let emu = running.emulator.clone();
        if let Some(name) = &args.write_profile {
            local::write_profiles(home, name, &emu)?;
        }
        crate::output::println(&banner(&emu, args.write_profile.as_deref()))?;
        wait_for_shutdown().await;
        running.stop().await;
        Ok(ExitCode::Success)
    })
}

/// The API from the template, then the config file's `[local]` section, then the flags.
fn api_config(home: &Home, args: &LocalArgs) -> Result<ApiConfig> {
    use crate::local::functions::FunctionSpec;
    let usage = |e: String| Error::Usage(e);
    let section = crate::local::api::LocalSection::load(&home.config_file()).map_err(usage)?;
    let mut config = ApiConfig::default();
    let mut from_template = None;
    // Shown once the whole configuration is known to work.
    let mut warnings = Vec::new();
    if let Some(path) = args.template.as_ref().or(section.template.as_ref()) {
        let bytes = crate::fsutil::read_capped(path, crate::local::template::MAX_TEMPLATE)
            .map_err(|e| Error::Usage(format!("cannot read the template: {e}")))?;
        let text = String::from_utf8_lossy(&bytes);
        // The issuer is known once the port is: a placeholder until the functions start.
        let t = crate::local::template::read(
            &text,
            &crate::local::template::Local {
                pool_id: local::POOL_ID,
                client_id: local::PUBLIC_CLIENT_ID,
                issuer: local::ISSUER_PLACEHOLDER,
            },
        )
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
        for (id, kind) in &t.not_emulated {
            warnings.push(format!(
                "{}: resource {id} ({kind}) is not emulated; code that uses it will not find it locally",
                path.display()
            ));
        }
        config = t.api.clone();
        from_template = Some(t);
    }
    section.apply(&mut config).map_err(usage)?;
    for text in &args.functions {
        let spec = FunctionSpec::parse(text).map_err(usage)?;
        config.functions.retain(|f| f.name != spec.name);
        config.functions.push(spec);
    }
    let find = |config: &mut ApiConfig, name: &str| -> Result<usize> {
        config
            .functions
            .iter()
            .position(|f| f.name == name)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "no --function {name}=… for the settings given to it"
                ))
            })
    };
    let mut timeouts = Vec::new();
    for text in &args.function_timeout {
        let (name, t) = ApiConfig::parse_timeout(text).map_err(usage)?;
        let i = find(&mut config, &name)?;
        config.functions[i].timeout = t;
        timeouts.push(name);
    }
    for text in &args.function_env {
        let (name, k, v) = ApiConfig::parse_env(text).map_err(usage)?;
        let i = find(&mut config, &name)?;
        config.functions[i].env.push((k, v));
    }
    for text in &args.function_concurrency {
        let (name, n) = text
            .split_once('=')
            .and_then(|(n, c)| {
                Some((
                    n,
                    c.trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|c| (1..=100).contains(c))?,
                ))
            })
            .ok_or_else(|| {
                Error::Usage(format!("{text:?} is not FUNCTION=N with N from 1 to 100"))
            })?;
        let i = find(&mut config, name)?;
        config.functions[i].concurrency = n;
    }
    for text in &args.function_dir {
        let (name, dir) = text
            .split_once('=')
            .ok_or_else(|| Error::Usage(format!("{text:?} is not FUNCTION=DIR")))?;
        let i = find(&mut config, name)?;
        config.functions[i].cwd = Some(std::path::PathBuf::from(dir));
    }
    for text in &args.route {
        let (key, function) = ApiConfig::parse_route(text).map_err(usage)?;
        let two_way = config.routes.get(&key).is_some_and(|r| r.two_way);
        config
            .routes
            .insert(key, crate::local::api::RouteConfig { function, two_way });
    }
    for key in &args.two_way {
        match config.routes.get_mut(key) {
            Some(r) => r.two_way = true,
            None => {
                return Err(Error::Usage(format!(
                    "--two-way {key}: there is no route {key}"
                )));
            }
        }
    }
    if let Some(e) = &args.route_selection {
        config.selection = e.clone();
    }
    let sources = args.identity_source.clone();
    if let Some(name) = &args.authorizer {
        config.authorizer = AuthorizerConfig::Function {
            function: name.clone(),
            identity_sources: if sources.is_empty() {
                vec![Default::default()]
            } else {
                sources
            },
        };
    } else if let AuthorizerConfig::Function {
        identity_sources, ..
    } = &mut config.authorizer
        && !sources.is_empty()
    {
        *identity_sources = sources;
    }
    // The template's handler, timeout and environment for each function it uses.
    if let Some(t) = &from_template {
        for (name, settings) in &t.functions {
            let Some(spec) = config.functions.iter_mut().find(|f| &f.name == name) else {
                return Err(Error::Usage(format!(
                    "the template's function {name} has nothing to run it: pass --function {name}=COMMAND (or =http://HOST:PORT)"
                )));
            };
            crate::local::template::apply(spec, settings, timeouts.contains(name));
        }
    }
    config.check().map_err(usage)?;
    for w in &warnings {
        crate::output::warn(w);
    }
    Ok(config)
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

fn banner(emu: &Emulator, profile: Option<&str>) -> String {
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
    text.push_str(&format!(
        "  JWKS           {}/.well-known/jwks.json\n",
        emu.issuer
    ));
    text.push_str(&format!("  WebSocket API  {}\n", emu.ws_url));
    text.push_str(&api_lines(emu));
    text.push_str(&format!(
        "  public client  {} (PKCE; callbacks {})\n",
        emu.public_client.client_id,
        emu.public_client.callback_urls.join(", ")
    ));
    text.push_str(&format!(
        "  confidential   {} (secret {}; scope {})\n",
        emu.confidential_client.client_id,
        emu.confidential_client
            .secret
            .as_ref()
            .map_or("", |s| s.expose()),
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
            "Next, in another terminal (or restart with --write-profile local):\n  cwsauth configure --profile local --user-pool-id {} --client-id {} --domain {base} --idp-endpoint {base} --issuer {} --ws-url '{}'\n  cwsauth login --profile local\n  cwsauth connect --profile local\n",
            local::POOL_ID, emu.public_client.client_id, emu.issuer, emu.ws_url
        )),
    }
    text.push_str("Press Ctrl-C to stop.");
    text
}
