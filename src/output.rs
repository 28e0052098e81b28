//! Writing results to stdout and notices to stderr. A closed pipe (`cwsauth decode | head`)
//! ends the output quietly instead of panicking.

use std::io::Write;

/// Writes `text` and a newline to stdout.
pub fn println(text: &str) -> crate::Result<()> {
    let mut out = std::io::stdout().lock();
    let result = out
        .write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(crate::Error::Network(
            format!("cannot write to stdout: {e}"),
        )),
        _ => Ok(()),
    }
}

/// One notice line on stderr, prefixed `cwsauth: `; untrusted parts must be sanitized first.
pub fn notice(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "cwsauth: {text}");
}

/// A warning line on stderr.
pub fn warn(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "cwsauth: warning: {text}");
}
