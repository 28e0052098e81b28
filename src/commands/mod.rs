//! One function per subcommand: read the CLI, resolve the profile, call the domain modules,
//! word what happened. Each returns the exit code; errors go back to `main`. This layer is the
//! only one that prints (through `output`), and it words the domain's [`Event`]s.

mod completions;
mod configure;
mod connect;
mod credentials;
mod decode;
mod demo;
mod local;
mod login;
mod logout;
mod mfa;
mod sign;
mod signup;
mod status;
mod token;
mod verify;
mod verify_signature;

use std::io::{BufRead, IsTerminal, Read, Write};

use crate::cli::{Cli, Command, ProfileSelect, TokenInput};
use crate::fsutil::Repair;
use crate::home::Home;
use crate::output;
use crate::profile::{Overrides, Profile};
use crate::redacted::Secret;
use crate::report::{Event, Prompter, Reporter};
use crate::sanitize::for_terminal;
use crate::session::{Session, TokenKind};
use crate::{Error, ExitCode, Result};

pub use completions::script as completion_script;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let home = Home::from_env();
    let verbose = cli.verbose > 0;
    // A read command asked for JSON prints one JSON object in every outcome, failures too.
    let json = match &cli.command {
        Command::Configure(a) => a.json,
        Command::Decode(a) => a.json,
        Command::Verify(a) => a.json,
        Command::Token(a) => a.json,
        Command::Status(a) => a.json,
        _ => false,
    };
    let result = dispatch(&home, cli, verbose);
    match result {
        Err(e) if json && !matches!(e, Error::Reported(_) | Error::Output(_)) => {
            let doc =
                serde_json::json!({"error": {"kind": e.kind_name(), "message": e.to_string()}});
            output::println(&crate::sanitize::json_line(&doc))?;
            Err(e)
        }
        other => other,
    }
}

fn dispatch(home: &Home, cli: Cli, verbose: bool) -> Result<ExitCode> {
    let home = home.clone();
    match cli.command {
        Command::Configure(args) => configure::run(&home, args),
        Command::Decode(args) => decode::run(&home, args),
        Command::Verify(args) => verify::run(&home, args),
        Command::Login(args) => login::run(&home, args),
        Command::Token(args) => token::run(&home, args),
        Command::Status(args) => status::run(&home, args),
        Command::Logout(args) => logout::run(&home, args),
        Command::Mfa(args) => mfa::run(&home, args),
        Command::Signup(args) => signup::run(&home, args),
        Command::Sign(args) => sign::run(&home, args),
        Command::Credentials(args) => credentials::run(&home, args),
        Command::VerifySignature(args) => verify_signature::run(&home, args),
        Command::Connect(args) => connect::run(&home, *args, verbose),
        Command::Local(args) => local::run(&home, *args),
        Command::Demo(args) => demo::run(args),
        Command::Completions(args) => completions::run(&home, args),
    }
}

/// Resolves the selected profile with a command's flag overrides.
/// Its `ca_file` is trusted for every HTTPS call from here on.
pub(crate) fn profile(
    home: &Home,
    select: &ProfileSelect,
    overrides: &Overrides,
) -> Result<Profile> {
    let profile = crate::profile::resolve(home, &select.profile, overrides)?;
    crate::tls::trust_ca_file(
        profile
            .get(crate::profile::Key::CaFile)
            .map(std::path::Path::new),
    );
    Ok(profile)
}

/// The AWS credentials the command line and the profile point at (see [`crate::iam`]); a
/// credential_process may take up to 30 s.
pub(crate) fn aws_credentials(
    home: &Home,
    profile: &Profile,
    args: &crate::cli::CredentialArgs,
) -> Result<crate::iam::Resolved> {
    crate::iam::credentials(
        home,
        profile,
        &args.ask(std::time::Duration::from_secs(30)),
        &TerminalReporter,
    )
}

/// Words the domain's events on stderr.
pub(crate) struct TerminalReporter;

impl Reporter for TerminalReporter {
    fn report(&self, event: Event<'_>) {
        match event {
            Event::Repaired(Repair::FolderTightened { path, was }) => output::warn(&format!(
                "folder {} had mode {was:o}; set it to 700",
                path.display()
            )),
            Event::Repaired(Repair::FileTightened { path, was }) => output::warn(&format!(
                "file {} had mode {was:o}; set it to 600",
                path.display()
            )),
            Event::LockWait {
                path,
                holder,
                give_up_after,
            } => output::info(&format!(
                "Waiting for the token lock {}{} (another cwsauth is refreshing); giving up after {} s",
                path.display(),
                holder
                    .map(|p| format!(", held by pid {p}"))
                    .unwrap_or_default(),
                give_up_after.as_secs()
            )),
            Event::KeyringFallback { why, file } => output::warn(&format!(
                "no OS keyring: {why}; tokens go to the file store {} (mode 0600); `cwsauth configure --store file` makes that the choice and ends this warning",
                file.display()
            )),
            Event::StoreReplaced { what, why } => output::warn(&format!(
                "the token store {what} was unreadable ({}); this login replaces it",
                for_terminal(why)
            )),
            Event::AuthorizeUrl {
                url,
                opening,
                paste,
            } => {
                output::info(&format!(
                    "Sign in through the hosted UI{}:\n  {url}",
                    if opening {
                        " (opening your browser; or open this address yourself)"
                    } else {
                        " at this address"
                    }
                ));
                if paste && std::io::stdin().is_terminal() {
                    output::info(
                        "On another machine? Paste the address the browser ends on here and press Enter.",
                    );
                }
            }
            Event::BrowserFailed { why } => output::warn(&format!(
                "{}; open the address above yourself",
                for_terminal(why)
            )),
            Event::WaitingForBrowser {
                redirect_uri,
                timeout,
            } => output::info(&format!(
                "Waiting for the browser at {redirect_uri} (up to {}; Ctrl-C to cancel)",
                crate::timefmt::span(timeout.as_secs())
            )),
            Event::PasteRejected { why } | Event::ForeignCallback { why } => output::warn(why),
            Event::ThroughUserAuth { flow } => output::info(&format!(
                "the app client does not allow {flow}; signing in through USER_AUTH"
            )),
            Event::TotpStepWait { wait } => output::info(&format!(
                "the pool took this 30 s step's code already; answering with the next one in {} s",
                wait.as_secs()
            )),
            Event::TotpSetup { uri, key } => {
                output::info(&format!(
                    "The pool requires MFA: add this account to your authenticator app (scan the code, paste the address, or type the key):\n  {uri}\n  key: {key}"
                ));
                if let Some(code) = crate::qr::terminal_lines(uri) {
                    output::info(&code);
                }
            }
        }
    }
}

/// Asks on the terminal (stderr for prompts); refuses when stdin is not one.
pub(crate) struct TerminalPrompter;

impl Prompter for TerminalPrompter {
    fn line(&self, what: &str) -> Result<String> {
        if !self.interactive() {
            return Err(Error::Usage(format!(
                "{what} needed, but stdin is not a terminal"
            )));
        }
        eprint!("{what}: ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        let read = std::io::stdin()
            .lock()
            .take(4096)
            .read_line(&mut line)
            .map_err(|e| Error::Usage(format!("cannot read {what}: {e}")))?;
        if read == 0 {
            eprintln!();
            return Err(Error::Usage(format!("no {what}: the input ended")));
        }
        if read == 4096 && !line.ends_with('\n') {
            return Err(Error::Usage(format!("{what} is over 4096 bytes")));
        }
        Ok(line.trim().to_string())
    }

    fn secret(&self, what: &str) -> Result<Secret> {
        if !self.interactive() {
            return Err(Error::Usage(format!(
                "{what} needed, but stdin is not a terminal"
            )));
        }
        rpassword::prompt_password(format!("{what}: "))
            .map(Secret::new)
            .map_err(|e| Error::Usage(format!("cannot read {what}: {e}")))
    }

    fn interactive(&self) -> bool {
        std::io::stdin().is_terminal()
    }
}

/// Most a token read from stdin may be; a token is 1-2 KiB.
const MAX_STDIN: usize = 64 * 1024;

/// The token from the argument, or stdin for `-` or a pipe, or else `stored()` (the
/// profile's stored token, on a terminal); pasted prefixes are stripped.
pub(crate) fn read_token(
    input: &TokenInput,
    stored: impl FnOnce() -> Result<String>,
) -> Result<String> {
    let raw = match input.token.as_deref() {
        Some("-") => read_stdin()?,
        Some(token) => token.to_string(),
        None if !std::io::stdin().is_terminal() => read_stdin()?,
        None => return stored(),
    };
    let token = cwsauth_verify::strip_token(&raw);
    if token.is_empty() {
        return Err(Error::Usage("the token is empty".into()));
    }
    Ok(token.to_string())
}

/// The profile's stored token of `kind`, refreshed when needed.
pub(crate) fn stored_token(home: &Home, profile: &Profile, kind: TokenKind) -> Result<String> {
    let session = Session::open(home, profile, &TerminalReporter)?;
    let tokens = session.usable(0).map_err(|e| match e {
        Error::Store(crate::session::StoreError::NotLoggedIn { .. }) => Error::Usage(format!(
            "no token given: pass it as an argument, pipe it in (`-` reads stdin), or run `cwsauth login{}`",
            profile.flag()
        )),
        other => other,
    })?;
    Ok(tokens.pick(kind, &profile.name)?.expose().to_string())
}

/// What is on stdin (`what`, e.g. "the token"), at most [`MAX_STDIN`] bytes of UTF-8 text.
pub(crate) fn read_stdin_as(what: &str) -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_STDIN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Usage(format!("cannot read {what} from stdin: {e}")))?;
    if bytes.len() > MAX_STDIN {
        return Err(Error::Usage(format!(
            "stdin holds more than {MAX_STDIN} bytes, too much for {what}"
        )));
    }
    String::from_utf8(bytes).map_err(|_| Error::Usage(format!("{what} on stdin is not UTF-8 text")))
}

fn read_stdin() -> Result<String> {
    read_stdin_as("the token")
}
