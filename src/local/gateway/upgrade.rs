//! One WebSocket connection from its upgrade request to `$disconnect`: the stage and key
//! checked, the authorizer, the `$connect` integration (a 2xx upgrades, any other status
//! refuses with it, a failure is 502), the 101, the session, and `$disconnect` after the
//! connection is gone.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use serde_json::{Map, Value, json};
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use super::answers::{self, refusal, refusal_for, status_of};
use super::authorizer::{self, Authorized, delivered_context, with_latency};
use super::events::{self, Context};
use super::head::Head;
use super::session::{self, Open};
use super::{Connection, invoke};
use crate::connect::transport::Io;
use crate::local::Emulator;
use crate::local::functions::Outcome;
use crate::local::ids::{ACCOUNT, API_ID, REGION};
use crate::quotas::{INTEGRATION_TIMEOUT, MAX_FRAME, MAX_MESSAGE};

/// Handles one WebSocket upgrade end to end: the authorizer, `$connect`, the session, and
/// `$disconnect`.
pub async fn handshake(emu: Arc<Emulator>, head: Head, leftover: Vec<u8>, mut stream: Box<dyn Io>) {
    let started = Instant::now();
    let stage = head.path().trim_start_matches('/').to_string();
    // The request as logged: every identity source carried in the query redacted, with
    // anything that looks like a credential.
    let sources = emu.query_identity_sources();
    let names: Vec<&str> = sources.iter().map(String::as_str).collect();
    let shown = crate::redacted::redact_params_with(&head.target, &names);
    let log = |status: u16, note: &str| {
        emu.log(&format!(
            "WS {shown} {status} {}ms{note}",
            started.elapsed().as_millis()
        ));
    };
    let host = head.header("host");
    if !crate::local::hosts::allowed(host, emu.options.bind) {
        let _ = stream.write_all(&answers::bad_request()).await;
        return log(400, &crate::local::hosts::refusal_note(host));
    }
    if stage.is_empty() || stage.contains('/') {
        let _ = stream.write_all(&answers::forbidden()).await;
        return log(403, "");
    }
    let Some(key) = head.header("sec-websocket-key").map(str::to_string) else {
        let _ = stream.write_all(&answers::bad_request()).await;
        return log(400, "");
    };
    let mut ctx = Context::new(&head, &stage);
    let method_arn = format!("arn:aws:execute-api:{REGION}:{ACCOUNT}:{API_ID}/{stage}/$connect");
    // What every route sees of the authorizer, and what $connect sees (its latency too).
    let (authorizer_context, connect_context) =
        match authorizer::decide(&emu, &head, &ctx, &method_arn).await {
            Authorized::Refused { status, note } => {
                let _ = stream.write_all(&refusal_for(status)).await;
                return log(status, &note);
            }
            Authorized::OutsideGroups { note } => {
                let answer = answers::forbidden_outside(&emu.options.require_groups);
                let _ = stream.write_all(&answer).await;
                return log(403, &note);
            }
            Authorized::Open => (None, None),
            Authorized::Iam { identity } => {
                if let Some(fields) = ctx.identity.as_object_mut() {
                    fields.extend(identity);
                }
                (None, None)
            }
            Authorized::IamRefused { message, note } => {
                let answer = answers::refusal(403, &serde_json::json!({"message": message}), None);
                let _ = stream.write_all(&answer).await;
                return log(403, &note);
            }
            Authorized::Yes {
                principal_id,
                context,
                latency_ms,
            } => {
                let delivered = delivered_context(&principal_id, &context);
                let on_connect = with_latency(&delivered, latency_ms);
                (Some(delivered), Some(on_connect))
            }
        };
    let subprotocol = match connect_integration(&emu, &head, &ctx, connect_context.as_ref()).await {
        Ok(subprotocol) => subprotocol,
        Err((answer, status, note)) => {
            let _ = stream.write_all(&answer).await;
            return log(status, note);
        }
    };
    let opened = answers::switching_protocols(&key, subprotocol.as_deref());
    if stream.write_all(&opened).await.is_err() {
        return;
    }
    log(101, "");

    let item = events::stored_item(
        &head,
        &ctx,
        &emu.options.identity_source,
        authorizer_context.as_ref(),
    );
    let (outgoing, incoming) = mpsc::channel(1024);
    let closing = Arc::new(super::Closing::default());
    let last_active = Arc::new(AtomicU64::new(ctx.connected_at));
    emu.state().connections.insert(
        ctx.connection_id.clone(),
        Connection {
            item: item.clone(),
            outgoing,
            closing: closing.clone(),
            stage: stage.clone(),
            connected_at: ctx.connected_at,
            last_active: last_active.clone(),
            identity: ctx.identity.clone(),
        },
    );
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_FRAME));
    let ws = WebSocketStream::from_partially_read(
        stream,
        leftover.get(head.len..).unwrap_or_default().to_vec(),
        Role::Server,
        Some(config),
    )
    .await;
    let open = Open {
        emu: &emu,
        ctx: &ctx,
        item,
        authorizer: authorizer_context.clone(),
        outgoing: incoming,
        last_active,
        closing,
    };
    let (code, reason) = session::run(open, ws).await;
    emu.state().connections.remove(&ctx.connection_id);
    emu.log(&format!(
        "WS {} closed {code}{}",
        ctx.connection_id,
        if reason.is_empty() {
            String::new()
        } else {
            format!(" ({reason})")
        }
    ));

    // $disconnect: best effort, after the connection is gone.
    if let Some(route) = emu.options.api.routes.get("$disconnect")
        && let Some(function) = emu.functions.get(&route.function)
    {
        let event = events::disconnect_event(&ctx, code, &reason, authorizer_context.as_ref());
        let _ = invoke(function, &event, INTEGRATION_TIMEOUT).await;
    }
}

/// A refused upgrade: the bytes to answer, the status and a note for the log.
type Refusal = (Vec<u8>, u16, &'static str);

/// The `$connect` integration, when there is one: the subprotocol it chose, or the refusal.
/// Without one, the first offered subprotocol, as the built-in API always did.
async fn connect_integration(
    emu: &Emulator,
    head: &Head,
    ctx: &Context,
    authorizer: Option<&Map<String, Value>>,
) -> Result<Option<String>, Refusal> {
    let function = emu
        .options
        .api
        .routes
        .get("$connect")
        .and_then(|route| emu.functions.get(&route.function));
    let Some(function) = function else {
        return Ok(head
            .header("sec-websocket-protocol")
            .and_then(|requested| requested.split(',').next())
            .map(|s| s.trim().to_string()));
    };
    let event = events::connect_event(head, ctx, authorizer);
    let result = match invoke(function, &event, INTEGRATION_TIMEOUT).await {
        Outcome::Result(result) => result,
        _ => {
            let answer = refusal(502, &json!({"message": "Internal server error"}), None);
            return Err((answer, 502, " ($connect failed)"));
        }
    };
    let Some(status) = status_of(&result) else {
        emu.log(&format!(
            "WS $connect: malformed Lambda proxy response: statusCode {}",
            crate::sanitize::excerpt(&result["statusCode"].to_string(), 40)
        ));
        let answer = refusal(502, &json!({"message": "Internal server error"}), None);
        return Err((answer, 502, " ($connect answered no HTTP status)"));
    };
    if !(200..300).contains(&status) {
        let body = result
            .get("body")
            .cloned()
            .unwrap_or(json!({"message": "Forbidden"}));
        let body = match body {
            Value::String(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
            other => other,
        };
        return Err((refusal(status, &body, None), status, " ($connect refused)"));
    }
    Ok(result
        .get("headers")
        .and_then(Value::as_object)
        .and_then(|h| {
            h.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("sec-websocket-protocol"))
        })
        .and_then(|(_, v)| v.as_str())
        .map(str::to_string))
}
