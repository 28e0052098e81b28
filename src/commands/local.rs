//! `cwsauth local`: run the emulator until Ctrl-C, after printing where everything is.

use crate::cli::LocalArgs;
use crate::config::{ConfigFile, Home};
use crate::local::{self, Emulator, Options};
use crate::{Error, ExitCode, Result};

pub fn run(home: &Home, args: LocalArgs) -> Result<ExitCode> {
    let options = Options {
        bind: args.bind,
        port: args.port,
        users: args.user,
        token_ttl: args.token_ttl,
        callback_urls: args.callback_url,
        identity_source: args.identity_source,
        require_groups: args.require_group,
        idle_timeout: args.idle_timeout,
        max_connection_time: args.max_connection_time,
        code_ttl: args.code_ttl,
        persist_dir: args.persist.then(|| home.data_dir()),
        log_requests: true,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Network(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let running = local::start(options).await.map_err(|e| {
            Error::Network(format!("{e}: pick another --port, or 0 for any free one"))
        })?;
        let emu = running.emulator.clone();
        if let Some(name) = &args.write_profile {
            write_profiles(home, name, &emu)?;
        }
        crate::output::println(&banner(&emu, args.write_profile.as_deref()))?;
        wait_for_shutdown().await;
        running.stop().await;
        Ok(ExitCode::Success)
    })
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

/// The profile pointing at this instance: `name` for the public client, `name-m2m` for the
/// confidential one.
pub fn write_profiles(home: &Home, name: &str, emu: &Emulator) -> Result<()> {
    let path = home.config_file();
    let mut file = ConfigFile::load(&path)?;
    let common = |client_id: &str| {
        vec![
            ("region", vec!["us-east-1".to_string()]),
            ("user_pool_id", vec![local::POOL_ID.to_string()]),
            ("client_id", vec![client_id.to_string()]),
            ("domain", vec![emu.base_url.clone()]),
            ("issuer", vec![emu.issuer.clone()]),
            (
                "jwks_uri",
                vec![format!("{}/.well-known/jwks.json", emu.issuer)],
            ),
            ("idp_endpoint", vec![emu.base_url.clone()]),
            ("ws_url", vec![emu.ws_url.clone()]),
            ("redirect_uri", emu.public_client.callback_urls.clone()),
        ]
    };
    file.update(name, &common(&emu.public_client.client_id))?;
    let mut m2m = common(&emu.confidential_client.client_id);
    if let Some(secret) = &emu.confidential_client.secret {
        m2m.push(("client_secret", vec![secret.expose().to_string()]));
    }
    m2m.push(("scopes", vec![local::M2M_SCOPE.to_string()]));
    file.update(&format!("{name}-m2m"), &m2m)?;
    Ok(())
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
            "Wrote profiles {name} and {name}-m2m. Next, in another terminal:\n  cwsauth verify --profile {name} \"$TOKEN\"\n"
        )),
        None => text.push_str(&format!(
            "Next, in another terminal:\n  cwsauth configure --profile local --issuer {} --client-id {} --domain {base}\n",
            emu.issuer, emu.public_client.client_id
        )),
    }
    text.push_str("Press Ctrl-C to stop.");
    text
}
