//! The message convention, in one place. Results go to stdout; everything else to stderr:
//! errors as `cwsauth: error: …` and warnings as `cwsauth: warning: …` (one line each, the
//! label coloured on a terminal), progress and success lines as plain text. Colour only on a
//! terminal, and never with `NO_COLOR`. A closed stdout ends the output quietly; any other
//! write error is an error.

use std::io::{IsTerminal, Write};

/// Whether stderr gets colour: a terminal, `NO_COLOR` unset or empty, `TERM` not `dumb`.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && color_allowed()
}

/// Whether the environment allows colour at all.
pub fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

fn label(text: &str, code: &str) -> String {
    if stderr_color() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Writes `text` and a newline to stdout. A closed pipe (`cwsauth decode | head`) is quiet;
/// other failures (a full disk) are errors.
pub fn println(text: &str) -> crate::Result<()> {
    let mut out = std::io::stdout().lock();
    let result = out
        .write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(crate::Error::Output(crate::cause::io_cause(&e)))
        }
        _ => Ok(()),
    }
}

/// `cwsauth: error: {text}`; untrusted parts must be sanitized first.
pub fn error(text: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "cwsauth: {} {text}",
        label("error:", "1;31")
    );
}

/// `cwsauth: warning: {text}`.
pub fn warn(text: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "cwsauth: {} {text}",
        label("warning:", "1;33")
    );
}

/// A progress or success line, as is.
pub fn info(text: &str) {
    // One write per line: stderr is unbuffered, and a line in two writes can be split by
    // another writer's.
    let mut line = String::with_capacity(text.len() + 1);
    line.push_str(text);
    line.push('\n');
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
