//! Entry points for the fuzz targets in `fuzz/` into readers that are private to their
//! modules. Not an API: hidden from the docs, free to change with the readers.

use std::net::{IpAddr, SocketAddr};

use serde_json::Value;

pub use crate::local::error::TemplateError;
pub use crate::local::functions::runtime_api::Route;
pub use crate::local::gateway::authorizer::{AuthorizerAnswer, read_policy, wildcard};
pub use crate::local::template::{FromTemplate, Local, read as read_template};

/// The method ARN the head target's events carry.
pub const METHOD_ARN: &str = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/$connect";

/// What the emulator makes of an upgrade request's head.
pub struct HeadEvents {
    /// Headers as parsed, in order.
    pub headers: Vec<(String, String)>,
    /// Query pairs as parsed, in order.
    pub query: Vec<(String, String)>,
    /// Whether the head asks for a WebSocket upgrade.
    pub is_upgrade: bool,
    /// Whether its Host is one the emulator answers (bound to 127.0.0.1).
    pub host_allowed: bool,
    /// The REQUEST authorizer's event.
    pub authorizer_event: Value,
    /// The `$connect` integration's event.
    pub connect_event: Value,
    /// The built-in authorizer's token (`Authorization` header), if any.
    pub token: Option<String>,
}

/// Parses a request head as the emulator's upgrade path does and builds both `$connect`
/// events from it; None while the head is incomplete or not HTTP.
pub fn request_head(bytes: &[u8]) -> Option<HeadEvents> {
    use crate::local::gateway::{authorizer, events, head};
    let peer = SocketAddr::from(([127, 0, 0, 1], 50_000));
    let head::Parsed::Complete(head) = head::parse_head(bytes, peer) else {
        return None;
    };
    let ctx = events::Context::new(&head, head.path().trim_start_matches('/'));
    let token = authorizer::identity_event(&head, METHOD_ARN)
        .token(&cwsauth_verify::authorizer::IdentitySource::default())
        .ok();
    Some(HeadEvents {
        query: head.query(),
        is_upgrade: head.is_upgrade(),
        host_allowed: crate::local::hosts::allowed(
            head.header("host"),
            IpAddr::from([127, 0, 0, 1]),
        ),
        authorizer_event: events::authorizer_event(&head, &ctx, METHOD_ARN),
        connect_event: events::connect_event(&head, &ctx, None),
        token,
        headers: head.headers,
    })
}

/// The client's reading of a handshake answer, as `connect` reads it after sending
/// `Sec-WebSocket-Key: key` and offering `offered` subprotocols: the status and chosen
/// subprotocol, None while the head is incomplete, or why the answer is refused.
pub fn handshake_answer(
    bytes: &[u8],
    key: &str,
    offered: &[&str],
) -> Result<Option<(u16, Option<String>)>, String> {
    let Some((status, headers, _len)) = crate::connect::answer::parse_answer(bytes)? else {
        return Ok(None);
    };
    if status != 101 {
        return Ok(Some((status, None)));
    }
    let request = crate::connect::request::Request {
        url: "ws://127.0.0.1/".into(),
        headers: offered
            .iter()
            .map(|p| ("Sec-WebSocket-Protocol".to_string(), p.to_string()))
            .collect(),
        credential_headers: Vec::new(),
        credential_query: None,
    };
    let protocol = crate::connect::answer::check_accepted(&headers, key, &request)?;
    Ok(Some((status, protocol)))
}

/// A Runtime API request's route, from its method and path.
pub fn runtime_route(method: &[u8], path: &str) -> Option<Route> {
    let method = hyper::Method::from_bytes(method).ok()?;
    Route::parse(&method, path)
}
