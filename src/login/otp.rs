//! The one-time code of a passwordless sign-in (`EMAIL_OTP`, `SMS_OTP`): from `--otp-command`
//! in scripts (run once the code is sent; its first line is the code, as `credential_process`
//! gives the AWS CLI its credentials), else asked on a terminal.

use std::time::Duration;

use serde_json::{Map, Value};

use super::LoginOptions;
use crate::redacted::Secret;
use crate::report::Prompter;

/// Most of the command's output that is read.
const MAX_OUTPUT: u64 = 4096;

/// Why there is no code.
pub enum CodeError {
    /// Nothing to get it from (no command, no terminal).
    Missing,
    /// The command failed, worded.
    Failed(String),
}

pub use CodeError::{Failed, Missing};

/// The code for challenge `name`, whose parameters say where it was sent.
pub fn code(
    options: &LoginOptions,
    prompter: &dyn Prompter,
    name: &str,
    parameters: &Map<String, Value>,
    username: &str,
) -> Result<Secret, CodeError> {
    let destination = parameters
        .get("CODE_DELIVERY_DESTINATION")
        .and_then(Value::as_str)
        .unwrap_or("");
    let medium = if name == "SMS_OTP" { "SMS" } else { "email" };
    code_from(
        options.otp_command.as_deref(),
        options.timeout,
        prompter,
        (name, medium, destination),
        username,
    )
}

/// A code sent for `challenge` by `medium` to `destination`: from `command`, else asked.
pub fn code_from(
    command: Option<&str>,
    timeout: Duration,
    prompter: &dyn Prompter,
    (challenge, medium, destination): (&str, &str, &str),
    username: &str,
) -> Result<Secret, CodeError> {
    if let Some(command) = command {
        return run(command, challenge, destination, username, timeout);
    }
    if !prompter.interactive() {
        return Err(Missing);
    }
    prompter
        .line(&format!(
            "code sent by {medium} to {}",
            crate::sanitize::for_terminal(destination)
        ))
        .map(Secret::new)
        .map_err(|e| Failed(e.to_string()))
}

/// Runs the command with the challenge in its environment and takes the first line it prints
/// (see [`crate::external::run`]: bounded by `timeout`, its process group ended afterwards).
fn run(
    command: &str,
    challenge: &str,
    destination: &str,
    username: &str,
    timeout: Duration,
) -> Result<Secret, CodeError> {
    let env = [
        ("CWSAUTH_OTP_CHALLENGE", challenge),
        ("CWSAUTH_OTP_DESTINATION", destination),
        ("CWSAUTH_USERNAME", username),
    ];
    let (text, status) =
        crate::external::run(command, &env, timeout, MAX_OUTPUT, true).map_err(|e| match e {
            crate::external::RunError::Start(why) => {
                Failed(format!("cannot run --otp-command: {why}"))
            }
            crate::external::RunError::TimedOut => Failed(format!(
                "--otp-command gave no code within {} (--timeout)",
                crate::timefmt::Span(timeout)
            )),
        })?;
    if !status.success() {
        return Err(Failed(format!(
            "--otp-command failed ({status}); no code was sent to Cognito"
        )));
    }
    let text = String::from_utf8_lossy(&text);
    let code = text.lines().next().unwrap_or("").trim();
    if code.is_empty() {
        return Err(Failed(
            "--otp-command printed no code (its first line is the code)".into(),
        ));
    }
    Ok(Secret::new(code))
}
