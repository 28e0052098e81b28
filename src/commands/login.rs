//! `cwsauth login`: log in, verify, store (where the login chooses, remembered).

use super::{TerminalPrompter, TerminalReporter};
use crate::cli::{LoginArgs, StoreArg};
use crate::cognito::oauth::AuthorizeOptions;
use crate::home::Home;
use crate::login::{Browser, LoginOptions};
use crate::session::{LoginMethod, Session, StoreKind};
use crate::{ExitCode, Result};

pub fn run(home: &Home, args: LoginArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let method = if args.password {
        LoginMethod::Password
    } else if args.srp {
        LoginMethod::Srp
    } else if args.client_credentials {
        LoginMethod::ClientCredentials
    } else if args.email_otp {
        LoginMethod::EmailOtp
    } else if args.sms_otp {
        LoginMethod::SmsOtp
    } else {
        LoginMethod::HostedUi
    };
    // What the method needs, named all at once before anything else happens.
    crate::login::check_profile(&profile, method)?;
    let reporter = TerminalReporter;
    let store = args.store.map(|s| match s {
        StoreArg::Keyring => StoreKind::Keyring,
        StoreArg::File => StoreKind::File,
    });
    // Open the store first: a broken store should fail before the user signs in.
    let session = Session::for_login(home, &profile, store, &reporter)?;
    session.prepare_login()?;
    // A software token's secret kept by `mfa setup --keep-secret` answers SOFTWARE_TOKEN_MFA.
    let totp_secret = match method {
        LoginMethod::Password | LoginMethod::Srp => {
            session.store.load_secret(crate::session::TOTP_SECRET)?
        }
        _ => None,
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
        browser: browser(&args.browser),
        timeout: args.timeout,
        paste: true,
        otp_command: args.otp_command,
        totp_secret,
        enroll_totp: args.enroll_totp,
    };
    let logged_in = crate::login::login(&profile, &options, &reporter, &TerminalPrompter)?;
    let now = crate::timefmt::now_epoch();
    let tokens = crate::session::verify_fresh(
        home,
        &profile,
        logged_in.tokens,
        logged_in.nonce.as_ref(),
        method,
        now,
        None,
    )?;
    session.store_login(&tokens)?;
    if let Some(secret) = &logged_in.enrolled_totp {
        session
            .store
            .save_secret(crate::session::TOTP_SECRET, secret)?;
        crate::output::info(&format!(
            "Enrolled a software token (MFA_SETUP); its secret is kept in {} for the next logins (`cwsauth mfa forget{}` deletes it)",
            session.store.location(),
            profile.flag()
        ));
    }
    crate::output::info(&format!(
        "Logged in{} with profile {} ({}); tokens in the {} store, access token {}",
        tokens
            .username
            .as_deref()
            .map(|u| format!(" as {}", crate::sanitize::for_terminal(u)))
            .unwrap_or_default(),
        profile.name,
        method.describe(),
        session.store.kind().as_str(),
        crate::timefmt::relative("exp", tokens.expires_at, now)
    ));
    Ok(ExitCode::Success)
}

/// How `--browser-command` and `--no-browser` open the authorize URL.
pub(super) fn browser(args: &crate::cli::BrowserArgs) -> Browser {
    match (&args.browser_command, args.no_browser) {
        (_, true) => Browser::None,
        (Some(cmd), _) => Browser::Command(cmd.clone()),
        (None, false) => Browser::System,
    }
}
