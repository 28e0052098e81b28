//! `cwsauth logout`: revoke the refresh token, delete the stored tokens, and with
//! `--everywhere` end the hosted UI session too. Offline it still deletes locally.

use super::TerminalReporter;
use crate::cli::LogoutArgs;
use crate::cognito::oauth::HostedUi;
use crate::home::Home;
use crate::output;
use crate::profile::Key;
use crate::session::Session;
use crate::{ExitCode, Result};

pub fn run(home: &Home, args: LogoutArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let session = Session::open(home, &profile, &TerminalReporter)?;
    let outcome = session.logout()?;
    if let Err(why) = &outcome.revoked {
        output::warn(&format!(
            "the refresh token was not revoked ({}); it stays valid until it expires",
            crate::sanitize::for_terminal(why)
        ));
    }
    output::info(&match (outcome.was_logged_in, &outcome.revoked) {
        (false, _) => format!("Profile {} was not logged in; nothing stored", profile.name),
        (true, Ok(true)) => format!(
            "Logged out of profile {}: refresh token revoked, tokens deleted",
            profile.name
        ),
        (true, _) => format!("Logged out of profile {}: tokens deleted", profile.name),
    });
    if args.everywhere {
        let redirect = profile
            .get(Key::RedirectUri)
            .unwrap_or(crate::profile::DEFAULT_REDIRECT_URI);
        let url = HostedUi::for_profile(&profile, None)?.logout_url(redirect);
        output::info(&format!("Ending the hosted UI session:\n  {url}"));
        if let Err(why) = super::login::browser(&args.browser).open(&url) {
            output::warn(&format!(
                "{}; open the address above yourself",
                crate::sanitize::for_terminal(&why)
            ));
        }
    }
    Ok(ExitCode::Success)
}
