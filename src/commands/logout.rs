//! `cwsauth logout`: revoke the refresh token, delete the stored tokens, and with
//! `--everywhere` end the hosted UI session too. Offline it still deletes locally.

use crate::cli::LogoutArgs;
use crate::cognito::oauth::HostedUi;
use crate::config::Home;
use crate::store;
use crate::{ExitCode, Result};

pub fn run(home: &Home, profile_name: &str, args: LogoutArgs) -> Result<ExitCode> {
    let profile = super::profile(home, profile_name, &args.client.overrides())?;
    let store = store::open(home, &profile, args.client.store.map(|s| s.as_str()))?;
    let tokens = store.load()?;
    let revoked = match &tokens {
        Some(t) => match store::revoke(&profile, t) {
            Ok(done) => done,
            Err(e) => {
                crate::output::warn(&format!(
                    "the refresh token was not revoked ({e}); it stays valid until it expires"
                ));
                false
            }
        },
        None => false,
    };
    store.delete()?;
    crate::output::notice(&match (&tokens, revoked) {
        (None, _) => format!("profile {} was not logged in; nothing stored", profile.name),
        (Some(_), true) => format!(
            "logged out of profile {}: refresh token revoked, tokens deleted",
            profile.name
        ),
        (Some(_), false) => format!("logged out of profile {}: tokens deleted", profile.name),
    });
    if args.everywhere {
        let redirect = profile
            .get("redirect_uri")
            .unwrap_or(crate::config::DEFAULT_REDIRECT_URI);
        let url = HostedUi::for_profile(&profile, None)?.logout_url(redirect);
        crate::output::notice(&format!("ending the hosted UI session:\n  {url}"));
        if let Err(e) = args.browser.browser().open(&url) {
            crate::output::warn(&format!(
                "could not open a browser ({e}); open the address above yourself"
            ));
        }
    }
    Ok(ExitCode::Success)
}
