//! Escapes text from untrusted sources (JWT claims, server frames, HTTP bodies) before it
//! reaches a terminal: control characters and bidi overrides could rewrite what the user sees.

use std::borrow::Cow;
use std::fmt::Write;

fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for one terminal line: every control or bidi character becomes a visible escape.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_dangerous) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_dangerous(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_dangerous(c) => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// At most `max` characters of untrusted text for an error line, escaped as in
/// [`for_terminal`], with `…` where it was cut: a 50 MB garbage input must not be echoed whole.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut cut: String = text.chars().take(max).collect();
    let longer = text.chars().nth(max).is_some();
    cut = for_terminal(&cut).into_owned();
    if longer {
        cut.push('…');
    }
    cut
}

/// Text with newlines kept (a multi-line message), everything else escaped as in [`for_terminal`].
pub fn for_terminal_multiline(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_dangerous(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.split('\n')
            .map(|line| for_terminal(line).into_owned())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Pretty JSON whose strings cannot carry bidi overrides or C1 controls to the terminal
/// (serde_json already escapes C0 controls).
pub fn json_pretty(value: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    escape_json_text(text)
}

/// Compact JSON, escaped as [`json_pretty`].
pub fn json_line(value: &serde_json::Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    escape_json_text(text)
}

fn escape_json_text(text: String) -> String {
    if !text.chars().any(is_dangerous_in_json) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous_in_json(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

fn is_dangerous_in_json(c: char) -> bool {
    c != '\n' && is_dangerous(c)
}

/// Text safe inside HTML element content and quoted attributes.
pub fn html(text: &str) -> Cow<'_, str> {
    if !text.contains(['<', '>', '&', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(for_terminal("ok"), "ok");
        assert_eq!(for_terminal("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(for_terminal("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(for_terminal_multiline("a\nb\x07"), "a\nb\\x07");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            html("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
        assert_eq!(html("plain"), "plain");
    }

    #[test]
    fn json_strings_are_escaped() {
        let v = serde_json::json!({"name": "x\u{202e}y\u{85}"});
        assert_eq!(json_line(&v), r#"{"name":"x\u202ey\u0085"}"#);
    }
}
