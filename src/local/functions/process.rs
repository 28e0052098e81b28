//! One process of a started function: the command started in a process group of its own (so
//! ending it ends whatever it started too), its output shown line by line with the function's
//! name, and how it ended, in words.

use tokio::io::{AsyncBufReadExt, AsyncReadExt};

use super::FunctionError;
use super::Log;

/// Longest output line of a function that is shown whole.
const MAX_LOG_LINE: usize = 8 * 1024;

/// What to start.
pub struct Launch<'a> {
    pub words: &'a [String],
    pub env: Vec<(String, String)>,
    pub cwd: Option<&'a std::path::Path>,
}

/// Starts the command with stdin closed and its output piped to `log`, each line prefixed
/// with `[name] `.
pub fn start(
    launch: Launch<'_>,
    name: &str,
    log: &Log,
) -> Result<tokio::process::Child, FunctionError> {
    let program = &launch.words[0];
    let mut command = tokio::process::Command::new(program);
    command
        .args(&launch.words[1..])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    for (k, v) in launch.env {
        command.env(k, v);
    }
    if let Some(dir) = launch.cwd {
        command.current_dir(dir);
    }
    let mut child = command.spawn().map_err(|e| FunctionError::Start {
        program: program.clone(),
        why: match e.kind() {
            std::io::ErrorKind::NotFound => "no such program".into(),
            _ => e.to_string(),
        },
    })?;
    let outputs: [Option<Box<dyn tokio::io::AsyncRead + Unpin + Send>>; 2] = [
        child.stdout.take().map(|s| Box::new(s) as _),
        child.stderr.take().map(|s| Box::new(s) as _),
    ];
    for stream in outputs.into_iter().flatten() {
        pump(stream, log.clone(), format!("[{name}] "));
    }
    Ok(child)
}

/// Shows a stream's lines in the log as they come.
fn pump(stream: Box<dyn tokio::io::AsyncRead + Unpin + Send>, log: Log, prefix: String) {
    tokio::spawn(async move {
        let mut reader = tokio::io::BufReader::new(stream);
        let mut line = Vec::new();
        loop {
            line.clear();
            // A line without end is shown in pieces rather than held whole.
            match AsyncReadExt::take(&mut reader, MAX_LOG_LINE as u64)
                .read_until(b'\n', &mut line)
                .await
            {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    // The runtime interface clients write a multi-line message as one line
                    // with `\r` between its lines (one CloudWatch event): show its lines.
                    let text = String::from_utf8_lossy(&line);
                    for part in text.trim_end_matches(['\n', '\r']).split('\r') {
                        log(&format!("{prefix}{}", crate::sanitize::for_terminal(part)));
                    }
                }
            }
        }
    });
}

/// Ends the process and every process of its group.
pub async fn end(child: &mut tokio::process::Child) {
    if let Some(pid) = child.id() {
        crate::external::end_group(pid);
    }
    let _ = child.kill().await;
}

/// `exited with status 1`, `was killed by signal 11 (SIGSEGV)`.
pub fn describe_exit(status: std::process::ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("was killed by signal {signal}");
        }
    }
    "ended".to_string()
}
