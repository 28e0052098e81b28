//! `cwsauth mfa setup`: enroll the logged-in user's software token (TOTP) with
//! AssociateSoftwareToken, VerifySoftwareToken and SetUserMFAPreference, with an
//! authenticator app on a terminal, or headless with `--print-secret`.

use super::{TerminalPrompter, TerminalReporter};
use crate::cli::{MfaArgs, MfaCommand, MfaSetupArgs};
use crate::cognito::idp::Idp;
use crate::cognito::totp;
use crate::home::Home;
use crate::profile::Key;
use crate::report::Prompter;
use crate::session::Session;
use crate::{Error, ExitCode, Result, output};

pub fn run(home: &Home, args: MfaArgs) -> Result<ExitCode> {
    match args.command {
        MfaCommand::Setup(args) => setup(home, args),
    }
}

fn setup(home: &Home, args: MfaSetupArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let prompter = TerminalPrompter;
    if !args.print_secret && !prompter.interactive() {
        return Err(Error::Usage(
            "no terminal to type the first code on: pass --print-secret to enroll without an authenticator app (cwsauth computes the code and prints the secret for CWSAUTH_TOTP_SECRET)".into(),
        ));
    }
    let session = Session::open(home, &profile, &TerminalReporter)?;
    let tokens = session.usable(60)?;
    let username = tokens.username.clone().unwrap_or_default();
    let idp = Idp::for_profile(&profile)?;
    let secret = idp.associate_software_token(&tokens.access_token)?;
    let key = totp::decode_secret(secret.expose()).map_err(|why| {
        Error::Network(format!(
            "AssociateSoftwareToken answered a secret that is not base32: {why}"
        ))
    })?;
    let code = if args.print_secret {
        let now = u64::try_from(crate::timefmt::now_epoch()).unwrap_or(0);
        totp::code_now(&key, now)
    } else {
        let issuer = profile.get(Key::UserPoolId).unwrap_or("cognito");
        output::info(&format!(
            "Add this account to your authenticator app (scan or paste the address, or type the key):\n  {}\n  key: {}",
            totp::otpauth_uri(issuer, &username, &secret),
            secret.expose()
        ));
        prompter.line("code the app shows now")?
    };
    idp.enable_software_token(&tokens.access_token, code.trim(), &args.device_name)?;
    output::info(&format!(
        "Software token MFA is on for {}: every sign-in now asks for a code{}",
        crate::sanitize::for_terminal(&username),
        if args.print_secret {
            " (CWSAUTH_TOTP_SECRET answers it in scripts)"
        } else {
            ""
        }
    ));
    if args.print_secret {
        output::println(secret.expose())?;
    }
    Ok(ExitCode::Success)
}
