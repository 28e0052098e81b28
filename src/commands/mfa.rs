//! `cwsauth mfa setup`: enroll the logged-in user's software token (TOTP) with
//! AssociateSoftwareToken, VerifySoftwareToken and SetUserMFAPreference, with an
//! authenticator app on a terminal, or headless with `--print-secret`.

use super::{TerminalPrompter, TerminalReporter};
use crate::cli::{MfaArgs, MfaCommand, MfaForgetArgs, MfaSetupArgs};
use crate::cognito::idp::Idp;
use crate::home::Home;
use crate::report::Prompter;
use crate::session::Session;
use crate::{Error, ExitCode, Result, output};

/// The name of the kept secret in the profile's store.
use crate::session::TOTP_SECRET as TOTP;

pub fn run(home: &Home, args: MfaArgs) -> Result<ExitCode> {
    match args.command {
        MfaCommand::Setup(args) => setup(home, args),
        MfaCommand::Forget(args) => forget(home, args),
    }
}

fn forget(home: &Home, args: MfaForgetArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let session = Session::open(home, &profile, &TerminalReporter)?;
    if session.store.delete_secret(TOTP)? {
        output::info(&format!(
            "Deleted the TOTP secret kept for profile {} ({})",
            profile.name,
            session.store.location()
        ));
    } else {
        output::info(&format!(
            "No TOTP secret was kept for profile {}",
            profile.name
        ));
    }
    Ok(ExitCode::Success)
}

fn setup(home: &Home, args: MfaSetupArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let prompter = TerminalPrompter;
    let headless = args.print_secret || args.keep_secret;
    if !headless && !prompter.interactive() {
        return Err(Error::Usage(
            "no terminal to type the first code on: pass --keep-secret (logins answer the code from the profile's store) or --print-secret (for CWSAUTH_TOTP_SECRET) to enroll without an authenticator app".into(),
        ));
    }
    let session = Session::open(home, &profile, &TerminalReporter)?;
    let tokens = session.usable(60)?;
    let username = tokens.username.clone().unwrap_or_default();
    let idp = Idp::for_profile(&profile)?;
    let secret = idp.associate_software_token(&tokens.access_token)?;
    let code = crate::login::first_code(
        &profile,
        headless,
        (&TerminalReporter, &prompter),
        &username,
        &secret,
    )?;
    idp.enable_software_token(&tokens.access_token, code.trim(), &args.device_name)?;
    if args.keep_secret {
        session.store.save_secret(TOTP, &secret)?;
    }
    output::info(&format!(
        "Software token MFA is on for {}: every sign-in now asks for a code{}",
        crate::sanitize::for_terminal(&username),
        if args.keep_secret {
            format!(
                " (password and SRP logins of profile {} answer it from {}; `cwsauth mfa forget` deletes it)",
                profile.name,
                session.store.location()
            )
        } else if args.print_secret {
            " (CWSAUTH_TOTP_SECRET answers it in scripts)".to_string()
        } else {
            String::new()
        }
    ));
    if args.print_secret {
        output::println(secret.expose())?;
    }
    Ok(ExitCode::Success)
}
