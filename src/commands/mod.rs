//! One function per subcommand: read the CLI, resolve the profile, call the domain module,
//! print. Each returns the exit code; errors go back to `main`.

mod completions;
mod configure;
mod connect;
mod decode;
mod demo;
mod local;
mod login;
mod logout;
mod status;
mod token;
mod verify;

use std::io::{IsTerminal, Read};

use crate::cli::{Cli, Command, TokenInput};
use crate::config::{Home, Overrides, Profile};
use crate::store::TokenKind;
use crate::{Error, ExitCode, Result};

pub use local::write_profiles as write_local_profiles;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let home = Home::from_env();
    match cli.command {
        Command::Configure(args) => configure::run(&home, &cli.profile, args),
        Command::Decode(args) => decode::run(&home, &cli.profile, args),
        Command::Verify(args) => verify::run(&home, &cli.profile, args),
        Command::Login(args) => login::run(&home, &cli.profile, args),
        Command::Token(args) => token::run(&home, &cli.profile, args),
        Command::Status(args) => status::run(&home, &cli.profile, args),
        Command::Logout(args) => logout::run(&home, &cli.profile, args),
        Command::Connect(args) => connect::run(&home, &cli.profile, args, cli.verbose > 0),
        Command::Local(args) => local::run(&home, args),
        Command::Demo(args) => demo::run(args),
        Command::Completions(args) => completions::run(args),
    }
}

/// Resolves the selected profile with a command's flag overrides.
pub(crate) fn profile(home: &Home, name: &str, overrides: &Overrides) -> Result<Profile> {
    Ok(crate::config::resolve(home, name, overrides)?)
}

/// Most a token read from stdin may be; more is refused as too large later anyway.
const MAX_STDIN: u64 = 1024 * 1024;

/// The token from the argument, or stdin for `-` or a pipe, or else `stored()` (the
/// profile's stored token); pasted prefixes are stripped.
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
    let token = crate::jwt::strip_token(&raw);
    if token.is_empty() {
        return Err(Error::Usage("the token is empty".into()));
    }
    Ok(token.to_string())
}

/// The profile's stored token of `kind`, refreshed when needed.
pub(crate) fn stored_token(home: &Home, profile: &Profile, kind: TokenKind) -> Result<String> {
    let store = crate::store::open(home, profile, None)?;
    let token = crate::store::usable_token(home, profile, &store, kind, 0).map_err(|e| match e {
        Error::Store(crate::store::StoreError::NotLoggedIn { .. }) => Error::Usage(
            "no token given: pass it as an argument, pipe it in (`-` reads stdin), or run `cwsauth login`".into(),
        ),
        other => other,
    })?;
    Ok(token.expose().to_string())
}

fn read_stdin() -> Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .take(MAX_STDIN)
        .read_to_string(&mut text)
        .map_err(|e| Error::Usage(format!("cannot read the token from stdin: {e}")))?;
    Ok(text)
}
