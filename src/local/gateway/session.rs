//! One open connection's message loop: route selection, integrations run concurrently with
//! their replies sent in the order they finish, `@connections` pushes and closes, and the
//! idle and maximum connection times.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Map, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::Outgoing;
use super::answers::{close, gateway_frame};
use super::events::{self, Context};
use crate::connect::transport::Io;
use crate::local::Emulator;
use crate::local::api::select_route;
use crate::local::functions::Outcome;
use crate::local::ids::now_ms;
use crate::quotas::INTEGRATION_TIMEOUT;

/// What a connection is while it runs.
pub struct Open<'a> {
    pub emu: &'a Arc<Emulator>,
    pub ctx: &'a Context,
    /// What the built-in echo stored at `$connect`.
    pub item: Value,
    pub authorizer: Option<Map<String, Value>>,
    pub outgoing: mpsc::Receiver<Outgoing>,
    pub last_active: Arc<AtomicU64>,
}

/// The message loop; returns the close code and reason `$disconnect` reports.
pub async fn run(open: Open<'_>, ws: WebSocketStream<Box<dyn Io>>) -> (u16, String) {
    let Open {
        emu,
        ctx,
        item,
        authorizer,
        mut outgoing,
        last_active,
    } = open;
    let (mut sink, mut stream) = ws.split();
    let deadline = tokio::time::Instant::now() + emu.options.max_connection_time;
    let idle = emu.options.idle_timeout;
    let mut stopping = emu.stopping.subscribe();
    // Replies of integrations running concurrently, as API Gateway runs them, handed on in
    // the order the integrations finish (so a function with one process answers in order).
    let (replies, mut replied) = mpsc::channel::<String>(1024);
    let integrations = spawn_responder(replies);
    let mut idle_at = tokio::time::Instant::now() + idle;
    let going_away = || {
        (
            close(CloseCode::Away, "Going away"),
            (1001, "Going away".into()),
        )
    };
    loop {
        let event = tokio::select! {
            next = stream.next() => next,
            out = outgoing.recv() => {
                match out {
                    Some(Outgoing::Text(text)) => {
                        idle_at = tokio::time::Instant::now() + idle;
                        if sink.send(Message::text(text)).await.is_err() {
                            return (1006, String::new());
                        }
                        continue;
                    }
                    Some(Outgoing::Close) | None => {
                        let _ = sink.send(close(CloseCode::Normal, "")).await;
                        return (1000, String::new());
                    }
                }
            }
            Some(text) = replied.recv() => {
                if sink.send(Message::text(text)).await.is_err() {
                    return (1006, String::new());
                }
                continue;
            }
            _ = tokio::time::sleep_until(idle_at) => {
                let (frame, end) = going_away();
                let _ = sink.send(frame).await;
                return end;
            }
            _ = tokio::time::sleep_until(deadline) => {
                let (frame, end) = going_away();
                let _ = sink.send(frame).await;
                return end;
            }
            _ = stopping.changed() => {
                let (frame, end) = going_away();
                let _ = sink.send(frame).await;
                return end;
            }
        };
        let (text, binary) = match event {
            None => return (1006, String::new()),
            Some(Ok(Message::Text(text))) => (text.to_string(), None),
            Some(Ok(Message::Binary(bytes))) => (String::new(), Some(bytes)),
            Some(Ok(Message::Close(frame))) => {
                // tungstenite answers the close; flush it and end.
                let _ = sink.flush().await;
                return match frame {
                    Some(f) => (u16::from(f.code), f.reason.to_string()),
                    None => (1005, "Client-side close frame status not set".into()),
                };
            }
            Some(Ok(Message::Ping(_))) => {
                // tungstenite queued the pong; send it now, as API Gateway answers at once.
                let _ = sink.flush().await;
                continue;
            }
            Some(Ok(_)) => continue,
            Some(Err(WsError::Capacity(_))) => {
                let _ = sink.send(close(CloseCode::Size, "Message too big")).await;
                return (1009, "Message too big".into());
            }
            Some(Err(_)) => return (1006, String::new()),
        };
        idle_at = tokio::time::Instant::now() + idle;
        last_active.store(now_ms(), Ordering::Relaxed);
        if !emu.options.api.has_routes() {
            let (body, base64) = match binary {
                Some(bytes) => (STANDARD.encode(&bytes), true),
                None => (text, false),
            };
            let reply = events::echo_reply(ctx, body, base64, &item, authorizer.as_ref());
            if sink.send(Message::text(reply.to_string())).await.is_err() {
                return (1006, String::new());
            }
            continue;
        }
        if binary.is_some() {
            // API Gateway does not take binary frames from clients.
            let _ = sink
                .send(close(CloseCode::Unsupported, "Unsupported frame type"))
                .await;
            return (1003, "Unsupported frame type".into());
        }
        let route = select_route(&emu.options.api.selection, &text)
            .filter(|key| emu.options.api.routes.contains_key(key) && !key.starts_with('$'))
            .unwrap_or_else(|| "$default".to_string());
        let (event, request_id) = events::message_event(ctx, &route, &text, authorizer.as_ref());
        let Some(config) = emu.options.api.routes.get(&route) else {
            emu.log(&format!(
                "ROUTE {} no route and no $default: Forbidden",
                ctx.connection_id
            ));
            let frame = gateway_frame("Forbidden", &ctx.connection_id, &request_id);
            if sink.send(Message::text(frame)).await.is_err() {
                return (1006, String::new());
            }
            continue;
        };
        let Some(function) = emu.functions.get(&config.function).cloned() else {
            continue;
        };
        let (two_way, emu, connection_id) =
            (config.two_way, emu.clone(), ctx.connection_id.clone());
        // Queued here, in the order the messages came; answered concurrently.
        let pending = function.invoke(&event);
        let _ = integrations.send(Box::pin(async move {
            let started = Instant::now();
            let outcome = super::within(INTEGRATION_TIMEOUT, pending).await;
            emu.log(&format!(
                "ROUTE {connection_id} {route} -> {} {}ms",
                function.spec.name,
                started.elapsed().as_millis()
            ));
            reply_of(&emu, outcome, two_way, &connection_id, &route, &request_id)
        }));
    }
}

/// The frame an integration's outcome sends back, if any: a two-way route's `body`, or API
/// Gateway's error frame for a failed or malformed integration.
fn reply_of(
    emu: &Emulator,
    outcome: Outcome,
    two_way: bool,
    connection_id: &str,
    route: &str,
    request_id: &str,
) -> Option<String> {
    match outcome {
        Outcome::Result(Value::Object(result)) if two_way => match result.get("body") {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(v) if !v.is_null() && !matches!(v, Value::String(_)) => Some(v.to_string()),
            _ => None,
        },
        Outcome::Result(other) if two_way => {
            // A proxy integration's answer is an object with statusCode and body.
            emu.log(&format!(
                "ROUTE {connection_id} {route}: malformed Lambda proxy response: {}",
                crate::sanitize::excerpt(&other.to_string(), 60)
            ));
            Some(gateway_frame(
                "Internal server error",
                connection_id,
                request_id,
            ))
        }
        Outcome::Result(_) => None,
        _ => Some(gateway_frame(
            "Internal server error",
            connection_id,
            request_id,
        )),
    }
}

/// An integration's run, ending in the frame to send back (if any).
type Integration = std::pin::Pin<Box<dyn std::future::Future<Output = Option<String>> + Send>>;

/// Runs a connection's integrations concurrently and sends their frames to `replies` in the
/// order they finish (wake order), not in the order their tasks happen to be scheduled.
fn spawn_responder(replies: mpsc::Sender<String>) -> mpsc::UnboundedSender<Integration> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Integration>();
    tokio::spawn(async move {
        let mut running = futures_util::stream::FuturesUnordered::new();
        let mut open = true;
        while open || !running.is_empty() {
            tokio::select! {
                next = rx.recv(), if open => match next {
                    Some(integration) => running.push(integration),
                    None => open = false,
                },
                Some(frame) = running.next(), if !running.is_empty() => {
                    // A connection that is gone takes no frame; its integrations still finish.
                    if let Some(frame) = frame {
                        let _ = replies.send(frame).await;
                    }
                }
            }
        }
    });
    tx
}
