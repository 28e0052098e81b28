//! What API Gateway answers in its own words: refused handshakes (401, 403, 500, a `$connect`
//! function's own status), the `101 Switching Protocols`, the frames it sends for failed
//! integrations, and close frames.

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// A refused handshake, in API Gateway's words.
pub fn refusal(status: u16, body: &Value, error_type: Option<&str>) -> Vec<u8> {
    let reason = hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let body = body.to_string();
    let mut text = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nx-amzn-RequestId: {}\r\n",
        body.len(),
        super::super::ids::uuid()
    );
    if let Some(t) = error_type {
        text.push_str(&format!("x-amzn-ErrorType: {t}\r\n"));
    }
    text.push_str("Connection: close\r\n\r\n");
    text.push_str(&body);
    text.into_bytes()
}

/// API Gateway's answer to a refused `$connect`: 401 Unauthorized, 403 Forbidden, or 500 for
/// an authorizer it could not use.
pub fn refusal_for(status: u16) -> Vec<u8> {
    match status {
        401 => refusal(
            401,
            &json!({"message": "Unauthorized"}),
            Some("UnauthorizedException"),
        ),
        403 => forbidden(),
        _ => refusal(
            500,
            &json!({"message": null}),
            Some("AuthorizerConfigurationException"),
        ),
    }
}

/// The built-in authorizer's 403 for a user outside `--require-group`: API Gateway's answer,
/// plus the groups in `x-cwsauth-required-groups` (the emulator's own header) so that
/// `cwsauth connect`'s hint can name them.
pub fn forbidden_outside(groups: &[String]) -> Vec<u8> {
    let mut answer = forbidden();
    let at = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(answer.len());
    let header = format!("\r\nx-cwsauth-required-groups: {}", groups.join(","));
    answer.splice(at..at, header.into_bytes());
    answer
}

/// 403 Forbidden, as for a path that names no stage.
pub fn forbidden() -> Vec<u8> {
    refusal(
        403,
        &json!({"message": "Forbidden"}),
        Some("ForbiddenException"),
    )
}

/// 400 Bad Request, as for an upgrade without a key.
pub fn bad_request() -> Vec<u8> {
    refusal(400, &json!({"message": "Bad Request"}), None)
}

/// The answer that opens the connection.
pub fn switching_protocols(key: &str, subprotocol: Option<&str>) -> Vec<u8> {
    let mut response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n",
        tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes())
    );
    if let Some(p) = subprotocol {
        response.push_str(&format!("Sec-WebSocket-Protocol: {p}\r\n"));
    }
    response.push_str("\r\n");
    response.into_bytes()
}

/// `{"message": "Internal server error", "connectionId":"…", "requestId":"…"}`, byte for byte
/// as API Gateway sends it.
pub fn gateway_frame(message: &str, connection_id: &str, request_id: &str) -> String {
    format!(
        "{{\"message\": \"{message}\", \"connectionId\":\"{connection_id}\", \"requestId\":\"{request_id}\"}}"
    )
}

/// `statusCode` of a Lambda proxy result: a missing one is 200; one that is not an HTTP
/// status a response can carry (not a number, or outside 200–599) is `None`.
pub fn status_of(result: &Value) -> Option<u16> {
    let Some(code) = result.get("statusCode") else {
        return Some(200);
    };
    code.as_u64()
        .or_else(|| code.as_str().and_then(|t| t.trim().parse().ok()))
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| (200..=599).contains(s))
}

/// A close frame.
pub fn close(code: CloseCode, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.to_string().into(),
    }))
}
