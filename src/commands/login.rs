//! `cwsauth login`: log in, verify, store.

use crate::cli::LoginArgs;
use crate::cognito::oauth::AuthorizeOptions;
use crate::config::Home;
use crate::login::LoginOptions;
use crate::store::{self, LoginMethod};
use crate::{ExitCode, Result};

pub fn run(home: &Home, profile_name: &str, args: LoginArgs) -> Result<ExitCode> {
    let profile = super::profile(home, profile_name, &args.client.overrides())?;
    // Open the store first: a broken store should fail before the user signs in.
    let store = store::open_writable(home, &profile, args.client.store.map(|s| s.as_str()))?;
    // A corrupt store is reported, never overwritten.
    store.load()?;
    let method = if args.password {
        LoginMethod::Password
    } else if args.srp {
        LoginMethod::Srp
    } else if args.client_credentials {
        LoginMethod::ClientCredentials
    } else {
        LoginMethod::HostedUi
    };
    let options = LoginOptions {
        method,
        username: args.username,
        authorize: AuthorizeOptions {
            scopes: args.scope,
            identity_provider: args.identity_provider,
            prompt: args.prompt,
            login_hint: args.login_hint,
        },
        browser: args.browser.browser(),
        timeout: args.timeout,
        paste: true,
    };
    let tokens = crate::login::login(home, &profile, &options)?;
    store.save(&tokens)?;
    crate::output::notice(&format!(
        "logged in{} with profile {} ({}); tokens in the {} store, access token {}",
        tokens
            .username
            .as_deref()
            .map(|u| format!(" as {}", crate::sanitize::for_terminal(u)))
            .unwrap_or_default(),
        profile.name,
        method.describe(),
        store.name(),
        crate::timefmt::relative("exp", tokens.expires_at, crate::timefmt::now_epoch())
    ));
    Ok(ExitCode::Success)
}
