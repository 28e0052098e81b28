//! How received frames and session events are shown: wscat's `< ` lines on a terminal, bare
//! lines in a pipe, `--pretty`, `--timestamps`, `--jsonl`, and binary as hex or base64.
//! Server text is untrusted: control characters are escaped before a terminal sees them. The
//! first failed write to stdout is kept, so the session can end on it (quietly for a closed
//! pipe).

use std::io::Write;

use base64::Engine;
use serde_json::json;

/// How received binary frames are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryFormat {
    Hex,
    Base64,
}

pub struct Renderer {
    pub terminal: bool,
    pub color: bool,
    pub pretty: bool,
    pub timestamps: bool,
    pub jsonl: bool,
    pub binary_format: BinaryFormat,
    pub show_ping_pong: bool,
    /// On an interactive terminal, lines are printed above the prompt.
    pub printer: Option<super::console::Printer>,
    /// The printer between a close and a reconnect (`--reconnect`), back in use on open.
    parked: Option<super::console::Printer>,
    out: std::io::BufWriter<std::io::Stdout>,
    failed: Option<std::io::Error>,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Renderer {
    pub fn new(terminal: bool, color: bool) -> Renderer {
        Renderer {
            terminal,
            color,
            pretty: false,
            timestamps: false,
            jsonl: false,
            binary_format: BinaryFormat::Hex,
            show_ping_pong: false,
            printer: None,
            parked: None,
            out: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            failed: None,
        }
    }

    /// The first write to stdout that failed, if any (taken once).
    pub fn take_failure(&mut self) -> Option<std::io::Error> {
        self.failed.take()
    }

    /// Whether stdout has failed (the session should end).
    pub fn has_failed(&self) -> bool {
        self.failed.is_some()
    }

    fn keep(&mut self, result: std::io::Result<()>) {
        if let Err(e) = result
            && self.failed.is_none()
        {
            self.failed = Some(e);
        }
    }

    fn stamp(&self) -> String {
        if self.timestamps {
            format!("[{}] ", chrono::Utc::now().format("%H:%M:%S%.3f"))
        } else {
            String::new()
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn line(&mut self, text: &str) {
        if self.failed.is_some() {
            return;
        }
        if let Some(printer) = &mut self.printer {
            let _ = printer.print(format!("{text}\n"));
            return;
        }
        let mut result = self
            .out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.write_all(b"\n"));
        if self.terminal {
            result = result.and_then(|()| self.out.flush());
        }
        self.keep(result);
    }

    /// Writes out what is buffered (when the input goes quiet, and at the end).
    pub fn flush(&mut self) {
        if self.failed.is_none() {
            let result = self.out.flush();
            self.keep(result);
        }
    }

    fn event(&mut self, value: serde_json::Value) {
        // Controls (C0 and C1) and bidi overrides as \u escapes: the same JSON, and nothing a
        // terminal acts on.
        let text = crate::sanitize::json_line(&value);
        self.line(&text);
    }

    pub fn text(&mut self, text: &str) {
        if self.jsonl {
            return self.event(json!({"event": "message", "type": "text", "time": now_ms(), "size": text.len(), "data": text}));
        }
        let body = match self
            .pretty
            .then(|| serde_json::from_str::<serde_json::Value>(text))
        {
            Some(Ok(v)) => serde_json::to_string_pretty(&v).unwrap_or_else(|_| text.to_string()),
            _ => text.to_string(),
        };
        let body = if self.terminal {
            crate::sanitize::for_terminal_multiline(&body).into_owned()
        } else {
            body
        };
        let stamp = self.stamp();
        if self.terminal {
            let prefix = self.paint("34", "< ");
            self.line(&format!("{stamp}{prefix}{body}"));
        } else if stamp.is_empty() {
            self.line(&body);
        } else {
            self.line(&format!("{stamp}{body}"));
        }
    }

    pub fn binary(&mut self, data: &[u8]) {
        let encoded = match self.binary_format {
            BinaryFormat::Hex => data.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            BinaryFormat::Base64 => base64::engine::general_purpose::STANDARD.encode(data),
        };
        if self.jsonl {
            let format = match self.binary_format {
                BinaryFormat::Hex => "hex",
                BinaryFormat::Base64 => "base64",
            };
            return self.event(json!({"event": "message", "type": "binary", "time": now_ms(), "size": data.len(), "encoding": format, "data": encoded}));
        }
        let stamp = self.stamp();
        let prefix = if self.terminal {
            self.paint("34", "< ")
        } else {
            String::new()
        };
        self.line(&format!("{stamp}{prefix}{encoded}"));
    }

    pub fn ping_pong(&mut self, kind: &str, data: &[u8]) {
        if self.jsonl {
            return self.event(json!({"event": kind, "time": now_ms(), "size": data.len()}));
        }
        if !self.show_ping_pong {
            return;
        }
        let data = String::from_utf8_lossy(data);
        let text = format!(
            "{}Received {kind} (data: \"{}\")",
            self.stamp(),
            crate::sanitize::for_terminal(&data)
        );
        self.status_line(&text, "34");
    }

    pub fn open(&mut self, url: &str) {
        // A reconnect prints above the prompt again (and so draws it again).
        if self.printer.is_none() {
            self.printer = self.parked.take();
        }
        if self.jsonl {
            return self.event(json!({"event": "open", "time": now_ms(), "url": url}));
        }
        let text = format!("{}Connected (press CTRL+C to quit)", self.stamp());
        self.status_line(&text, "32");
    }

    /// Clears the prompt line before a forced exit.
    pub fn abandon_prompt(&mut self) {
        self.parked = None;
        if self.printer.take().is_some() {
            let result = self
                .out
                .write_all(b"\r\x1b[2K")
                .and_then(|()| self.out.flush());
            self.keep(result);
        }
    }

    pub fn close(&mut self, code: Option<u16>, reason: &str) {
        // The session is over: no more prompt to print above, and the process may exit next
        // (or reconnect, which takes the printer back).
        if let Some(printer) = self.printer.take() {
            self.parked = Some(printer);
            let result = self.out.write_all(b"\r\x1b[2K");
            self.keep(result);
        }
        if self.jsonl {
            return self.event(
                json!({"event": "close", "time": now_ms(), "code": code, "reason": reason}),
            );
        }
        let text = match code {
            Some(code) => format!(
                "{}Disconnected (code: {code}, reason: \"{}\")",
                self.stamp(),
                crate::sanitize::for_terminal(reason)
            ),
            None => format!("{}Disconnected (no close frame)", self.stamp()),
        };
        self.status_line(&text, "32");
    }

    pub fn error(&mut self, message: &str) {
        if self.jsonl {
            return self.event(json!({"event": "error", "time": now_ms(), "message": message}));
        }
        let text = format!(
            "{}error: {}",
            self.stamp(),
            crate::sanitize::for_terminal(message)
        );
        self.status_line(&text, "31");
    }

    pub fn info(&mut self, message: &str) {
        if self.jsonl {
            return self.event(json!({"event": "info", "time": now_ms(), "message": message}));
        }
        let text = format!("{}{message}", self.stamp());
        self.status_line(&text, "33");
    }

    /// Status lines go to stdout on a terminal (as wscat), to stderr otherwise.
    fn status_line(&mut self, text: &str, color: &str) {
        if self.terminal {
            let painted = self.paint(color, text);
            self.line(&painted);
        } else {
            self.flush();
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        }
    }
}
