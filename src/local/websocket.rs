//! The API Gateway WebSocket API: `$connect` runs the Cognito authorizer (the same decision as
//! `cwsauth verify --authorizer`), `$default` answers each message with the stored connection
//! and an event-shaped `requestContext`, and API Gateway's limits apply.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::{SinkExt, StreamExt};
use hyper::body::Incoming;
use hyper::{Request, Response};
use serde_json::{Map, Value, json};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::Emulator;
use super::http::{self, Body};
use cwsauth_verify::authorizer::{self, ConnectEvent, Decision, IdentitySource, PolicyOptions};

/// API Gateway's quotas: 128 KB per message, 32 KB per frame.
pub const MAX_MESSAGE: usize = 128 * 1024;
pub const MAX_FRAME: usize = 32 * 1024;

/// What `$connect` stored for a connection.
pub(crate) struct Connection {
    pub item: Value,
}

pub fn is_upgrade(req: &Request<Incoming>) -> bool {
    let has = |name: hyper::header::HeaderName, token: &str| {
        req.headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    };
    has(hyper::header::UPGRADE, "websocket") && has(hyper::header::CONNECTION, "upgrade")
}

fn gateway_error(status: u16, message: &str) -> Response<Body> {
    let mut resp = http::json(status, &json!({"message": message}));
    if let Ok(v) = "ForbiddenException".parse()
        && status == 403
    {
        resp.headers_mut().insert("x-amzn-ErrorType", v);
    }
    resp
}

/// The `$connect` event API Gateway would hand the authorizer for this request.
fn connect_event(req: &Request<Incoming>, stage: &str) -> ConnectEvent {
    let mut headers = Map::new();
    let mut multi = Map::new();
    for (name, value) in req.headers() {
        let Ok(value) = value.to_str() else { continue };
        let key = name.as_str().to_string();
        headers.entry(key.clone()).or_insert_with(|| json!(value));
        if let Some(list) = multi.entry(key).or_insert_with(|| json!([])).as_array_mut() {
            list.push(json!(value));
        }
    }
    let mut query = Map::new();
    let mut multi_query = Map::new();
    for (k, v) in http::query(req) {
        query.entry(k.clone()).or_insert_with(|| json!(v));
        if let Some(list) = multi_query
            .entry(k)
            .or_insert_with(|| json!([]))
            .as_array_mut()
        {
            list.push(json!(v));
        }
    }
    ConnectEvent {
        headers: Some(headers),
        multi_value_headers: Some(multi),
        query_string_parameters: (!query.is_empty()).then_some(query),
        multi_value_query_string_parameters: (!multi_query.is_empty()).then_some(multi_query),
        method_arn: Some(format!(
            "arn:aws:execute-api:us-east-1:000000000000:local/{stage}/$connect"
        )),
    }
}

pub fn upgrade(emu: Arc<Emulator>, req: Request<Incoming>) -> Response<Body> {
    let stage = req.uri().path().trim_start_matches('/').to_string();
    if stage.is_empty() || stage.contains('/') {
        return gateway_error(403, "Forbidden");
    }
    let Some(key) = req
        .headers()
        .get("sec-websocket-key")
        .map(|k| k.as_bytes().to_vec())
    else {
        return gateway_error(400, "Bad Request");
    };
    let event = connect_event(&req, &stage);
    let token = match event.token(&emu.options.identity_source) {
        Ok(t) => t,
        Err(_) => return gateway_error(401, "Unauthorized"),
    };
    let checks = cwsauth_verify::Checks::new(
        emu.issuer.clone(),
        cwsauth_verify::TokenUse::Access,
        cwsauth_verify::ClientIds::one_of([
            emu.public_client.client_id.clone(),
            emu.confidential_client.client_id.clone(),
        ]),
    );
    let result = cwsauth_verify::verify(&token, &checks, &emu.keys, crate::timefmt::now_epoch());
    let options = PolicyOptions {
        method_arn: event.method_arn.clone().unwrap_or_default(),
        ..Default::default()
    };
    let policy = match authorizer::decide(&result, &options, false, &emu.options.require_groups) {
        Decision::Allow(policy) => policy,
        Decision::Deny(..) => return gateway_error(403, "Forbidden"),
        Decision::Unauthorized(_) => return gateway_error(401, "Unauthorized"),
    };

    let connection_id = {
        let mut id = [0u8; 11];
        crate::random::fill(&mut id);
        STANDARD.encode(id)
    };
    let mut context = policy["context"].as_object().cloned().unwrap_or_default();
    context.insert("principalId".into(), policy["principalId"].clone());
    // The stored copy never keeps the credential itself.
    let mut stored_headers = event.headers.clone().unwrap_or_default();
    let mut stored_query = event.query_string_parameters.clone();
    match &emu.options.identity_source {
        IdentitySource::Header(name) => {
            for (k, v) in stored_headers.iter_mut() {
                if k.eq_ignore_ascii_case(name) {
                    *v = json!("(redacted)");
                }
            }
        }
        IdentitySource::Query(name) => {
            if let Some(v) = stored_query.as_mut().and_then(|q| q.get_mut(name)) {
                *v = json!("(redacted)");
            }
        }
    }
    let item = json!({
        "connectionId": connection_id,
        "connectedAt": now_ms(),
        "stage": stage,
        "headers": stored_headers,
        "queryStringParameters": stored_query,
        "authorizer": context,
    });
    emu.state()
        .connections
        .insert(connection_id.clone(), Connection { item: item.clone() });

    let subprotocol = req
        .headers()
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_string());
    let mut resp = http::response(101, "text/plain", "");
    resp.headers_mut().remove(hyper::header::CONTENT_TYPE);
    let headers = resp.headers_mut();
    headers.insert(
        hyper::header::UPGRADE,
        hyper::header::HeaderValue::from_static("websocket"),
    );
    headers.insert(
        hyper::header::CONNECTION,
        hyper::header::HeaderValue::from_static("Upgrade"),
    );
    if let Ok(v) = tokio_tungstenite::tungstenite::handshake::derive_accept_key(&key).parse() {
        headers.insert("sec-websocket-accept", v);
    }
    if let Some(p) = subprotocol.and_then(|p| p.parse().ok()) {
        headers.insert("sec-websocket-protocol", p);
    }
    tokio::spawn(async move {
        if let Ok(upgraded) = hyper::upgrade::on(req).await {
            let io = hyper_util::rt::TokioIo::new(upgraded);
            session(emu.clone(), io, &connection_id, &stage, item).await;
        }
        emu.state().connections.remove(&connection_id);
    });
    resp
}

fn now_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

fn close(code: CloseCode, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.to_string().into(),
    }))
}

async fn session<S>(emu: Arc<Emulator>, io: S, connection_id: &str, stage: &str, item: Value)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_FRAME));
    let ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await;
    let (mut sink, mut stream) = ws.split();
    let deadline = tokio::time::Instant::now() + emu.options.max_connection_time;
    let idle = emu.options.idle_timeout;
    let mut stopping = emu.stopping.subscribe();
    let authorizer = item["authorizer"].clone();
    loop {
        let next = tokio::select! {
            next = tokio::time::timeout(idle, stream.next()) => next,
            _ = tokio::time::sleep_until(deadline) => {
                let _ = sink.send(close(CloseCode::Away, "Going away")).await;
                break;
            }
            _ = stopping.changed() => {
                let _ = sink.send(close(CloseCode::Away, "Going away")).await;
                break;
            }
        };
        let (body, base64) = match next {
            Err(_) => {
                let _ = sink.send(close(CloseCode::Away, "Going away")).await;
                break;
            }
            Ok(None) => break,
            Ok(Some(Ok(Message::Text(text)))) => (text.to_string(), false),
            Ok(Some(Ok(Message::Binary(bytes)))) => (STANDARD.encode(&bytes), true),
            Ok(Some(Ok(Message::Close(_)))) => {
                // tungstenite answers the close; flush it and end.
                let _ = sink.flush().await;
                continue;
            }
            Ok(Some(Ok(Message::Ping(_)))) => {
                // tungstenite queued the pong; send it now, as API Gateway answers at once.
                let _ = sink.flush().await;
                continue;
            }
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(WsError::Capacity(_)))) => {
                let _ = sink.send(close(CloseCode::Size, "Message too big")).await;
                break;
            }
            Ok(Some(Err(_))) => break,
        };
        let reply = json!({
            "requestContext": {
                "routeKey": "$default",
                "eventType": "MESSAGE",
                "messageDirection": "IN",
                "connectionId": connection_id,
                "stage": stage,
                "apiId": "local",
                "requestTimeEpoch": now_ms(),
                "authorizer": authorizer,
            },
            "body": body,
            "isBase64Encoded": base64,
            "item": item,
        });
        if sink.send(Message::text(reply.to_string())).await.is_err() {
            break;
        }
    }
}
