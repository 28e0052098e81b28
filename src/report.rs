//! What domain modules tell the command layer while they work: waits, repairs, fallbacks, the
//! steps of a login. Domain code never prints; it hands an [`Event`] to a [`Reporter`], and the
//! command layer words it (`commands::TerminalReporter`).

use std::path::Path;

use crate::fsutil::Repair;

/// Something the user should hear about now.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A file or folder of ours had a mode others could use, and was tightened.
    Repaired(&'a Repair),
    /// Another process holds the profile's token lock; we have waited a while.
    LockWait {
        path: &'a Path,
        holder: Option<u32>,
        give_up_after: std::time::Duration,
    },
    /// No OS keyring answered at login: the tokens go to the file store instead.
    KeyringFallback { why: &'a str, file: &'a Path },
    /// A store that could not be read is being replaced by this login.
    StoreReplaced { what: &'a str, why: &'a str },
    /// The hosted UI's address, and whether a browser is being opened for it.
    AuthorizeUrl {
        url: &'a str,
        opening: bool,
        paste: bool,
    },
    /// The browser could not be started.
    BrowserFailed { why: &'a str },
    /// Waiting for the browser to come back to the loopback listener.
    WaitingForBrowser {
        redirect_uri: &'a str,
        timeout: std::time::Duration,
    },
    /// A pasted line that is not the callback address, or a callback for another login.
    PasteRejected { why: &'a str },
    /// A foreign request reached the loopback listener and was refused.
    ForeignCallback { why: &'a str },
    /// The app client does not allow `flow`: the password goes through `USER_AUTH`.
    ThroughUserAuth { flow: &'static str },
    /// The pool took this step's TOTP code already; the next step's is sent after `wait`.
    TotpStepWait { wait: std::time::Duration },
    /// A software token to add to an authenticator app (sign-in's `MFA_SETUP`).
    TotpSetup { uri: &'a str, key: &'a str },
}

/// Receives events; `Sync` because logins report from listener threads.
pub trait Reporter: Sync {
    fn report(&self, event: Event<'_>);
}

/// Drops every event (the demo, tests, library use).
pub struct Silent;

impl Reporter for Silent {
    fn report(&self, _: Event<'_>) {}
}

/// Asks the person at the terminal, for flows that need an answer mid-way (a username, a new
/// password, an MFA code). The command layer provides it; off a terminal it refuses.
pub trait Prompter: Sync {
    /// A line of visible text.
    fn line(&self, what: &str) -> crate::Result<String>;
    /// A secret, not echoed.
    fn secret(&self, what: &str) -> crate::Result<crate::redacted::Secret>;
    /// Whether a person can answer at all.
    fn interactive(&self) -> bool;
}
