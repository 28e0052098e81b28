//! The one-time code of a passwordless sign-in (`EMAIL_OTP`, `SMS_OTP`): from `--otp-command`
//! in scripts (run once the code is sent; its first line is the code, as `credential_process`
//! gives the AWS CLI its credentials), else asked on a terminal.

use std::io::Read;
use std::process::{Command, Stdio};
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

/// Runs the command (through the shell, in a process group of its own) with the challenge in
/// its environment and takes the first line it prints; the whole run, its exit included, is
/// bounded by `timeout`, and the group is ended afterwards (nothing it started lives on).
fn run(
    command: &str,
    challenge: &str,
    destination: &str,
    username: &str,
    timeout: Duration,
) -> Result<Secret, CodeError> {
    let deadline = std::time::Instant::now() + timeout;
    let mut cmd = if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", command]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", command]);
        c
    };
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd
        .env("CWSAUTH_OTP_CHALLENGE", challenge)
        .env("CWSAUTH_OTP_DESTINATION", destination)
        .env("CWSAUTH_USERNAME", username)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| {
            Failed(format!(
                "cannot run --otp-command: {}",
                crate::cause::io_cause(&e)
            ))
        })?;
    let pid = child.id();
    let stdout = child.stdout.take();
    // The first line (bounded), then the exit: both from one thread, so neither can hang us.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(out) = stdout {
            let mut reader = std::io::BufReader::new(out.take(MAX_OUTPUT));
            let _ = std::io::BufRead::read_until(&mut reader, b'\n', &mut text);
        }
        let _ = tx.send(child.wait().map(|status| (text, status)));
    });
    let left = deadline.saturating_duration_since(std::time::Instant::now());
    let outcome = rx.recv_timeout(left);
    crate::local::functions::end_group(Some(pid));
    let (text, status) = match outcome {
        Ok(Ok(done)) => done,
        Ok(Err(e)) => {
            return Err(Failed(format!(
                "--otp-command: {}",
                crate::cause::io_cause(&e)
            )));
        }
        Err(_) => {
            return Err(Failed(format!(
                "--otp-command gave no code within {} (--timeout)",
                crate::timefmt::Span(timeout)
            )));
        }
    };
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
