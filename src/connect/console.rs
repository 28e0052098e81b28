//! Where outgoing lines come from: a `> ` prompt with line editing and history (rustyline) on
//! a terminal, or stdin read as lines in a pipe. Lines are queued from the start, so nothing
//! typed or piped before the connection opens is lost.

use std::io::BufRead;

use tokio::sync::mpsc;

pub enum Input {
    Line(String),
    /// End of input (Ctrl-D or the end of the pipe).
    Eof,
    /// Ctrl-C at the prompt.
    Interrupt,
}

/// Prints above the prompt, so received messages do not tear the line being typed.
pub type Printer = Box<dyn rustyline::ExternalPrinter + Send>;

/// Starts reading input on its own thread.
pub fn spawn(interactive: bool) -> (mpsc::Receiver<Input>, Option<Printer>) {
    let (tx, rx) = mpsc::channel(4096);
    if interactive && let Ok(mut editor) = rustyline::DefaultEditor::new() {
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
                        Input::Line(line)
                    }
                    Err(rustyline::error::ReadlineError::Interrupted) => Input::Interrupt,
                    Err(_) => Input::Eof,
                };
                let end = matches!(input, Input::Eof);
                if tx.blocking_send(input).is_err() || end {
                    return;
                }
            }
        });
        return (rx, printer);
    }
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut reader = std::io::BufReader::with_capacity(64 * 1024, stdin.lock());
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => {
                    let _ = tx.blocking_send(Input::Eof);
                    return;
                }
                Ok(_) => {
                    let text = line.trim_end_matches(['\n', '\r']).to_string();
                    if tx.blocking_send(Input::Line(text)).is_err() {
                        return;
                    }
                }
            }
        }
    });
    (rx, None)
}
