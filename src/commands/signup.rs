//! `cwsauth signup`: a new user of the pool, headless (SignUp, then ConfirmSignUp with the code
//! the pool sent, from `--otp-command` or asked), so test users need no browser.

use super::TerminalPrompter;
use crate::cli::SignupArgs;
use crate::cognito::idp::Idp;
use crate::home::Home;
use crate::login::otp;
use crate::redacted::Secret;
use crate::report::Prompter;
use crate::{Error, ExitCode, Result, output};

pub fn run(home: &Home, args: SignupArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    crate::login::check_profile(&profile, crate::session::LoginMethod::Password)?;
    let prompter = TerminalPrompter;
    let password = match std::env::var("CWSAUTH_PASSWORD") {
        Ok(p) if !p.is_empty() => Secret::new(p),
        _ if prompter.interactive() => {
            prompter.secret(&format!("password for the new user {}", args.username))?
        }
        _ => {
            return Err(Error::Usage(
                "no password: set CWSAUTH_PASSWORD, or run on a terminal to be asked (it is never read from the command line)".into(),
            ));
        }
    };
    let idp = Idp::for_profile(&profile)?;
    let answer = idp.sign_up(&args.username, &password, args.email.as_deref())?;
    if answer["UserConfirmed"].as_bool() != Some(true) {
        let details = &answer["CodeDeliveryDetails"];
        let destination = details["Destination"].as_str().unwrap_or("");
        let medium = match details["DeliveryMedium"].as_str() {
            Some("SMS") => "SMS",
            _ => "email",
        };
        let code = otp::code_from(
            args.otp_command.as_deref(),
            args.timeout,
            &prompter,
            ("CONFIRM_SIGN_UP", medium, destination),
            &args.username,
        )
        .map_err(|e| match e {
            otp::Missing => Error::Rejected(format!(
                "the pool sent a confirmation code to {destination}: pass --otp-command CMD to read it in a script, or run on a terminal (the user {} exists, unconfirmed)",
                args.username
            )),
            otp::Failed(why) => Error::Usage(why),
        })?;
        idp.confirm_sign_up(&args.username, code.expose())?;
    }
    output::info(&format!(
        "Signed up {} (confirmed): log in with `cwsauth login --password --username {}{}`",
        crate::sanitize::for_terminal(&args.username),
        args.username,
        profile.flag()
    ));
    Ok(ExitCode::Success)
}
