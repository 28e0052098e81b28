//! The server's answer to the upgrade request, read from bytes alone (no I/O, so it can be
//! fuzzed): its head parsed, and a 101 checked against what was asked (RFC 6455 §4.1).

use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use super::request::Request;
use crate::headers::{has_token, header};

/// An answer's head from the bytes read so far: status, headers and the head's length, or
/// None while more bytes are needed.
pub(crate) type AnswerHead = (u16, Vec<(String, String)>, usize);

pub(crate) fn parse_answer(buf: &[u8]) -> std::result::Result<Option<AnswerHead>, String> {
    let mut raw = [httparse::EMPTY_HEADER; 96];
    let mut response = httparse::Response::new(&mut raw);
    match response.parse(buf) {
        Ok(httparse::Status::Complete(len)) => {
            let headers = response
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_string(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect();
            Ok(Some((response.code.unwrap_or(0), headers, len)))
        }
        Ok(httparse::Status::Partial) => Ok(None),
        Err(e) => Err(format!("the answer is not HTTP ({e})")),
    }
}

/// Checks a 101 answer against what was asked (RFC 6455 §4.1): an upgrade to a WebSocket,
/// the accept key of `key`, no extension, and a subprotocol only among those offered.
/// Returns the chosen subprotocol.
pub(crate) fn check_accepted(
    headers: &[(String, String)],
    key: &str,
    request: &Request,
) -> std::result::Result<Option<String>, String> {
    if !has_token(headers, "upgrade", "websocket") || !has_token(headers, "connection", "upgrade") {
        return Err("the server answered 101 without upgrading to a WebSocket".into());
    }
    if header(headers, "sec-websocket-accept").map(str::trim)
        != Some(derive_accept_key(key.as_bytes()).as_str())
    {
        return Err("the server's Sec-WebSocket-Accept does not match our key".into());
    }
    if header(headers, "sec-websocket-extensions").is_some() {
        return Err("the server chose an extension we did not offer".into());
    }
    let offered: Vec<String> = request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("sec-websocket-protocol"))
        .flat_map(|(_, v)| v.split(',').map(|p| p.trim().to_string()))
        .collect();
    let protocol = header(headers, "sec-websocket-protocol").map(|p| p.trim().to_string());
    if let Some(p) = &protocol
        && !offered.contains(p)
    {
        return Err(format!(
            "the server chose the subprotocol {:?}, which we did not offer",
            crate::sanitize::excerpt(p, 60)
        ));
    }
    Ok(protocol)
}
