//! One open connection's message loop: route selection, integrations run concurrently with
//! their replies sent in the order they finish, `@connections` pushes and closes, and the
//! idle and maximum connection times.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::stream::FuturesUnordered;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Map, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::Closing;
use super::answers::{close, gateway_frame};
use super::events::{self, Context};
use crate::connect::outbox::Outbox;
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
    pub outgoing: mpsc::Receiver<String>,
    pub last_active: Arc<AtomicU64>,
    /// Set by `@connections` DELETE.
    pub closing: Arc<Closing>,
}

/// Messages queued for a client above which nothing more is taken for it: `@connections`
/// POSTs then find the connection's queue full (429), as on API Gateway.
const QUEUED_LIMIT: usize = 256;
/// How long a close frame we send may take to go out before the connection is dropped.
const CLOSE_FLUSH: std::time::Duration = std::time::Duration::from_secs(1);

/// How a connection ends, for `$disconnect`.
type Ended = (u16, String);

/// The message loop; returns the close code and reason `$disconnect` reports. Everything is
/// sent through an outbox the loop drains as the wire takes it, so a client that stops reading
/// never keeps the loop from acting on a DELETE, the idle timeout or the connection's end.
pub async fn run(open: Open<'_>, ws: WebSocketStream<Box<dyn Io>>) -> (u16, String) {
    let Open {
        emu,
        ctx,
        item,
        authorizer,
        mut outgoing,
        last_active,
        closing,
    } = open;
    let (mut wire, mut stream) = ws.split();
    let mut outbox = Outbox::default();
    let deadline = tokio::time::Instant::now() + emu.options.max_connection_time;
    let idle = emu.options.idle_timeout;
    let mut stopping = emu.stopping.subscribe();
    // Integrations running concurrently, as API Gateway runs them; their replies go out in the
    // order they finish (so a function with one process answers in order).
    let mut integrations: Running = FuturesUnordered::new();
    let mut idle_at = tokio::time::Instant::now() + idle;
    loop {
        let room = outbox.len() < QUEUED_LIMIT;
        let ended: Option<Ended> = tokio::select! {
            // The next frame is read once what was queued before it is out, so a reply never
            // loses to the client's close (nothing can be sent after it); a client that does
            // not read is still closed by DELETE, the idle timeout or its time.
            next = stream.next(), if !outbox.pending() => {
                match next {
                    None => Some((1006, String::new())),
                    Some(Ok(Message::Text(text))) => {
                        idle_at = tokio::time::Instant::now() + idle;
                        last_active.store(now_ms(), Ordering::Relaxed);
                        let message = Incoming { text: text.to_string(), binary: None };
                        on_message(emu, ctx, &item, authorizer.as_ref(), message, &mut outbox, &mut integrations)
                    }
                    Some(Ok(Message::Binary(bytes))) => {
                        idle_at = tokio::time::Instant::now() + idle;
                        last_active.store(now_ms(), Ordering::Relaxed);
                        let message = Incoming { text: String::new(), binary: Some(bytes.to_vec()) };
                        on_message(emu, ctx, &item, authorizer.as_ref(), message, &mut outbox, &mut integrations)
                    }
                    Some(Ok(Message::Close(frame))) => {
                        // tungstenite answers the close; flush it and end.
                        let _ = tokio::time::timeout(CLOSE_FLUSH, wire.flush()).await;
                        Some(match frame {
                            Some(f) => (u16::from(f.code), f.reason.to_string()),
                            None => (1005, "Client-side close frame status not set".into()),
                        })
                    }
                    // tungstenite queued the pong; it goes out with the next drain, at once.
                    Some(Ok(Message::Ping(_))) => {
                        let _ = outbox.flush().await;
                        None
                    }
                    Some(Ok(_)) => None,
                    Some(Err(WsError::Capacity(_))) => {
                        end_with(&mut outbox, &mut wire, CloseCode::Size, "Message too big").await;
                        Some((1009, "Message too big".into()))
                    }
                    Some(Err(_)) => Some((1006, String::new())),
                }
            }
            sent = outbox.drain(&mut wire), if outbox.pending() => {
                sent.err().map(|_| (1006, String::new()))
            }
            out = outgoing.recv(), if room => {
                match out {
                    Some(text) => {
                        idle_at = tokio::time::Instant::now() + idle;
                        outbox.push(Message::text(text));
                        None
                    }
                    None => Some((1006, String::new())),
                }
            }
            Some(reply) = integrations.next(), if room && !integrations.is_empty() => {
                if let Some(text) = reply {
                    outbox.push(Message::text(text));
                }
                None
            }
            _ = closing.requested() => {
                // DELETE @connections: our close, and the connection ends whatever the client does.
                end_with(&mut outbox, &mut wire, CloseCode::Normal, "").await;
                Some((1000, String::new()))
            }
            _ = tokio::time::sleep_until(idle_at) => {
                end_with(&mut outbox, &mut wire, CloseCode::Away, "Going away").await;
                Some((1001, "Going away".into()))
            }
            _ = tokio::time::sleep_until(deadline) => {
                end_with(&mut outbox, &mut wire, CloseCode::Away, "Going away").await;
                Some((1001, "Going away".into()))
            }
            _ = stopping.changed() => {
                end_with(&mut outbox, &mut wire, CloseCode::Away, "Going away").await;
                Some((1001, "Going away".into()))
            }
        };
        if let Some(ended) = ended {
            finish_in_background(integrations);
            return ended;
        }
    }
}

/// A message from the client.
struct Incoming {
    text: String,
    binary: Option<Vec<u8>>,
}

/// Sends our close with what is queued before it, for a short while at most: a client that
/// does not read is dropped.
async fn end_with(outbox: &mut Outbox, wire: &mut Wire, code: CloseCode, reason: &str) {
    outbox.push(close(code, reason));
    let _ = tokio::time::timeout(CLOSE_FLUSH, outbox.drain(wire)).await;
}

type Wire = futures_util::stream::SplitSink<WebSocketStream<Box<dyn Io>>, Message>;

/// One message of the client: the built-in echo's answer, or its route's integration started
/// (its reply comes back through the responder). `Some` ends the connection.
fn on_message(
    emu: &Arc<Emulator>,
    ctx: &Context,
    item: &Value,
    authorizer: Option<&Map<String, Value>>,
    message: Incoming,
    outbox: &mut Outbox,
    integrations: &mut Running,
) -> Option<Ended> {
    if !emu.options.api.has_routes() {
        let (body, base64) = match message.binary {
            Some(bytes) => (STANDARD.encode(&bytes), true),
            None => (message.text, false),
        };
        let reply = events::echo_reply(ctx, body, base64, item, authorizer);
        outbox.push(Message::text(reply.to_string()));
        return None;
    }
    if message.binary.is_some() {
        // API Gateway does not take binary frames from clients.
        outbox.push(close(CloseCode::Unsupported, "Unsupported frame type"));
        return Some((1003, "Unsupported frame type".into()));
    }
    let received = Instant::now();
    let text = message.text;
    let route = select_route(&emu.options.api.selection, &text)
        .filter(|key| emu.options.api.routes.contains_key(key) && !key.starts_with('$'))
        .unwrap_or_else(|| "$default".to_string());
    let (event, request_id) = events::message_event(ctx, &route, &text, authorizer);
    let Some(config) = emu.options.api.routes.get(&route) else {
        emu.log(&format!(
            "ROUTE {} no route and no $default: Forbidden",
            ctx.connection_id
        ));
        let frame = gateway_frame("Forbidden", &ctx.connection_id, &request_id);
        outbox.push(Message::text(frame));
        return None;
    };
    let function = emu.functions.get(&config.function).cloned()?;
    let (two_way, emu, connection_id) = (config.two_way, emu.clone(), ctx.connection_id.clone());
    // Queued here, in the order the messages came; answered concurrently.
    let pending = function.invoke_timed(&event);
    integrations.push(Box::pin(async move {
        let (outcome, held) = tokio::time::timeout(INTEGRATION_TIMEOUT, pending)
            .await
            .unwrap_or((Outcome::Timeout(INTEGRATION_TIMEOUT), None));
        let reply = reply_of(&emu, outcome, two_way, &connection_id, &route, &request_id);
        // The emulator's own time: from the frame in to the reply out, less the function's.
        let total = received.elapsed();
        let own = held
            .map(|h| format!(" (emulator {} µs)", total.saturating_sub(h).as_micros()))
            .unwrap_or_default();
        emu.log(&format!(
            "ROUTE {connection_id} {route} -> {} {}ms{own}",
            function.spec.name,
            total.as_millis()
        ));
        reply
    }));
    None
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
/// A connection's integrations under way.
type Running = FuturesUnordered<Integration>;

/// What is under way when a connection ends still finishes (API Gateway ran those messages'
/// integrations); only their replies have nowhere to go.
fn finish_in_background(integrations: Running) {
    if !integrations.is_empty() {
        tokio::spawn(integrations.for_each(|_| async {}));
    }
}
