//! The user's own commands that cwsauth runs for an answer (`--otp-command`, a shared AWS
//! profile's `credential_process`): through the shell, in a process group of their own (ended
//! as a group, and killed if cwsauth dies first), the output read up to a cap and the whole
//! run, exit included, bounded by one deadline.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Why a command gave no answer, worded with `what` (e.g. `--otp-command`).
#[derive(Debug)]
pub enum RunError {
    /// It could not be started.
    Start(String),
    /// It did not finish within the deadline.
    TimedOut,
}

/// What the command printed (at most `max_output` bytes; only its first line when
/// `first_line` is set) and how it ended. The group is ended afterwards, so nothing it started
/// lives on, and a command that prints more than the cap and blocks cannot hang the wait.
pub fn run(
    command: &str,
    env: &[(&str, &str)],
    timeout: Duration,
    max_output: u64,
    first_line: bool,
) -> Result<(Vec<u8>, ExitStatus), RunError> {
    let deadline = Instant::now() + timeout;
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
    // In a group of its own the command gets no Ctrl-C from the terminal: it ends when
    // cwsauth does, however cwsauth ends.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl is async-signal-safe and touches only the child being started.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
            Ok(())
        });
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| RunError::Start(crate::cause::io_cause(&e)))?;
    let pid = child.id();
    let stdout = child.stdout.take();
    // The output (bounded), then the exit: both from one thread, so neither can hang us.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(out) = stdout {
            let mut reader = std::io::BufReader::new(out.take(max_output));
            let _ = if first_line {
                std::io::BufRead::read_until(&mut reader, b'\n', &mut text)
            } else {
                reader.read_to_end(&mut text)
            };
        }
        let _ = tx.send(child.wait().map(|status| (text, status)));
    });
    let left = deadline.saturating_duration_since(Instant::now());
    let outcome = rx.recv_timeout(left);
    end_group(pid);
    match outcome {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(e)) => Err(RunError::Start(crate::cause::io_cause(&e))),
        Err(_) => Err(RunError::TimedOut),
    }
}

/// Ends a process group started by [`run`] (or a function's), whatever is left of it.
pub fn end_group(pid: u32) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: killpg only sends a signal; a group with no process left makes it fail
        // harmlessly.
        unsafe {
            libc::killpg(pid, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}
