//! Where outgoing lines come from: a `> ` prompt with line editing and history (rustyline) on
//! a terminal, or stdin read as lines in a pipe. Lines are queued from the start, so nothing
//! typed or piped before the connection opens is lost. Reading is bounded: a line is refused
//! while it is read once it passes the message limit, a line that is not UTF-8 is refused by
//! number in text mode, and a read error is an error, never the end of input.

use std::io::BufRead;

use tokio::sync::mpsc;

/// One thing from the input.
#[derive(Debug)]
pub enum Input {
    /// A line to send as text.
    Text(String),
    /// A line to send as a binary frame, byte for byte (`--binary`).
    Bytes(Vec<u8>),
    /// A line that was not sent (not UTF-8 in text mode); the input goes on.
    Refused { line: u64, why: String },
    /// The input stopped with an error (a line over the limit, a read error).
    Failed(String),
    /// End of input (Ctrl-D or the end of the pipe).
    Eof,
    /// Ctrl-C at the prompt.
    Interrupt,
}

/// Prints above the prompt, so received messages do not tear the line being typed.
pub type Printer = Box<dyn rustyline::ExternalPrinter + Send>;

/// A batch is sent on when it holds this much, or when stdin has nothing more buffered.
const BATCH_BYTES: usize = 64 * 1024;
const BATCH_LINES: usize = 256;
/// Batches in flight: with [`BATCH_BYTES`] and one oversized line at most per batch, this
/// bounds the memory queued between stdin and the session.
const QUEUED_BATCHES: usize = 32;

/// What [`spawn`] gives: the input in batches, the printer above the prompt (on a terminal),
/// and a count of Ctrl-C at the prompt (for the phases that read no input: while connecting).
pub struct Console {
    pub inputs: mpsc::Receiver<Vec<Input>>,
    pub printer: Option<Printer>,
    pub interrupts: Option<tokio::sync::watch::Receiver<u32>>,
    /// After a Ctrl-C the prompt waits for this before it reads again (and so before it puts
    /// the terminal back in raw mode): a Ctrl-C that quits leaves the terminal as it was.
    pub resume: Option<std::sync::mpsc::Sender<()>>,
}

/// Starts reading input on its own thread. `max_line` is the message limit; `binary` sends
/// lines as they are.
pub fn spawn(interactive: bool, binary: bool, max_line: usize) -> Console {
    let (tx, rx) = mpsc::channel(QUEUED_BATCHES);
    if interactive && let Ok(mut editor) = rustyline::DefaultEditor::new() {
        let (interrupted, interrupts) = tokio::sync::watch::channel(0u32);
        let (resume, resumed) = std::sync::mpsc::channel::<()>();
        let printer = editor
            .create_external_printer()
            .ok()
            .map(|p| Box::new(p) as Printer);
        std::thread::spawn(move || {
            loop {
                let input = match editor.readline("> ") {
                    Ok(line) => {
                        if !line.is_empty() {
                            let _ = editor.add_history_entry(line.as_str());
                        }
                        if binary {
                            Input::Bytes(line.into_bytes())
                        } else {
                            Input::Text(line)
                        }
                    }
                    Err(rustyline::error::ReadlineError::Interrupted) => {
                        interrupted.send_modify(|n| *n += 1);
                        Input::Interrupt
                    }
                    Err(rustyline::error::ReadlineError::Eof) => Input::Eof,
                    Err(e) => Input::Failed(format!("cannot read the terminal: {e}")),
                };
                let end = matches!(input, Input::Eof | Input::Failed(_));
                let interrupt = matches!(input, Input::Interrupt);
                if tx.blocking_send(vec![input]).is_err() || end {
                    return;
                }
                if interrupt && resumed.recv().is_err() {
                    return;
                }
            }
        });
        return Console {
            inputs: rx,
            printer,
            interrupts: Some(interrupts),
            resume: Some(resume),
        };
    }
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut reader = std::io::BufReader::with_capacity(64 * 1024, stdin.lock());
        read_lines(&mut reader, binary, max_line, |batch| {
            tx.blocking_send(batch).is_ok()
        });
    });
    Console {
        inputs: rx,
        printer: None,
        interrupts: None,
        resume: None,
    }
}

/// How reading one line went.
enum LineRead {
    Line,
    Eof,
    /// Over the limit; `ended` when its `\n` was read too.
    TooLong {
        ended: bool,
    },
}

/// Reads up to and without the next `\n` into `buf`, holding at most `max + 1` bytes.
fn read_line_capped(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<LineRead> {
    buf.clear();
    loop {
        let available = fill(reader)?;
        if available.is_empty() {
            return Ok(if buf.is_empty() {
                LineRead::Eof
            } else {
                LineRead::Line
            });
        }
        let (take, found) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (available.len(), false),
        };
        let room = (max + 1).saturating_sub(buf.len());
        buf.extend_from_slice(&available[..take.min(room)]);
        reader.consume(if found { take + 1 } else { take });
        if buf.len() > max {
            return Ok(LineRead::TooLong { ended: found });
        }
        if found {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(LineRead::Line);
        }
    }
}

/// The reader's next bytes (empty at the end), retrying reads a signal interrupted.
fn fill(reader: &mut impl BufRead) -> std::io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // A second call: the borrow checker does not let the first's buffer out of the loop.
            Ok(_) => return reader.fill_buf(),
            Err(e) => return Err(e),
        }
    }
}

/// Reads past the rest of the current line (up to and with its `\n`, or the end of input),
/// holding nothing of it.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let available = fill(reader)?;
        if available.is_empty() {
            return Ok(());
        }
        match available.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = available.len();
                reader.consume(n);
            }
        }
    }
}

/// Reads `reader` as lines into batches handed to `send` (which says whether to go on).
pub fn read_lines<R: std::io::Read>(
    reader: &mut std::io::BufReader<R>,
    binary: bool,
    max_line: usize,
    mut send: impl FnMut(Vec<Input>) -> bool,
) {
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    let mut number = 0u64;
    let mut buf = Vec::new();
    loop {
        let read = read_line_capped(reader, &mut buf, max_line);
        number += 1;
        let (input, last) = match read {
            Ok(LineRead::Line) if binary => (Input::Bytes(std::mem::take(&mut buf)), false),
            Ok(LineRead::Line) => match String::from_utf8(std::mem::take(&mut buf)) {
                Ok(text) => (Input::Text(text), false),
                Err(_) => (
                    Input::Refused {
                        line: number,
                        why: "is not valid UTF-8 (use --binary to send bytes as they are)".into(),
                    },
                    false,
                ),
            },
            Ok(LineRead::Eof) => (Input::Eof, true),
            // Refused, and the rest of it read past without holding it: the next lines go on.
            Ok(LineRead::TooLong { ended }) => match if ended { Ok(()) } else { skip_line(reader) }
            {
                Ok(()) => (
                    Input::Refused {
                        line: number,
                        why: format!("is longer than the {max_line}-byte message limit"),
                    },
                    false,
                ),
                Err(e) => (Input::Failed(format!("cannot read stdin: {e}")), true),
            },
            Err(e) => (Input::Failed(format!("cannot read stdin: {e}")), true),
        };
        batch_bytes += match &input {
            Input::Text(t) => t.len(),
            Input::Bytes(b) => b.len(),
            _ => 0,
        };
        batch.push(input);
        // Hand the batch on when it is big, or when more input would mean waiting.
        let would_wait = reader.buffer().is_empty();
        if last || batch_bytes >= BATCH_BYTES || batch.len() >= BATCH_LINES || would_wait {
            if !send(std::mem::take(&mut batch)) || last {
                return;
            }
            batch_bytes = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &[u8], binary: bool, max: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut reader = std::io::BufReader::with_capacity(4, std::io::Cursor::new(input.to_vec()));
        read_lines(&mut reader, binary, max, |batch| {
            for i in batch {
                out.push(match i {
                    Input::Text(t) => format!("text {t}"),
                    Input::Bytes(b) => format!("bytes {b:02x?}"),
                    Input::Refused { line, why } => format!("refused {line} {why}"),
                    Input::Failed(why) => format!("failed {why}"),
                    Input::Eof => "eof".into(),
                    Input::Interrupt => "interrupt".into(),
                });
            }
            true
        });
        out
    }

    #[test]
    fn lines_are_checked_and_bounded() {
        assert_eq!(
            read(b"a\r\nb\nc", false, 10),
            ["text a", "text b", "text c", "eof"]
        );
        let mixed = read(b"a\n\xe9t\xe9\nb\n", false, 10);
        assert_eq!(mixed[0], "text a");
        assert!(
            mixed[1].starts_with("refused 2 is not valid UTF-8"),
            "{mixed:?}"
        );
        assert_eq!(&mixed[2..], ["text b", "eof"]);
        assert_eq!(read(b"\xe9\x00\n", true, 10), ["bytes [e9, 00]", "eof"]);
        let long = read(b"ok\n0123456789A\nnext\n0123456789ABCDEF", false, 10);
        assert_eq!(
            long,
            [
                "text ok",
                "refused 2 is longer than the 10-byte message limit",
                "text next",
                "refused 4 is longer than the 10-byte message limit",
                "eof"
            ]
        );
        // Exactly the limit is fine.
        assert_eq!(read(b"0123456789\n", false, 10), ["text 0123456789", "eof"]);
    }
}
