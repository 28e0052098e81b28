//! The WebSocket API as API Gateway runs it: the upgrade request read by hand (header names
//! keep the case the client sent, as the Lambdas see them), identity sources checked before
//! the authorizer, the authorizer's answer read as API Gateway reads it (401, 403, 500),
//! `$connect`, route selection, `$default`, two-way routes, `$disconnect`, the authorizer's
//! context on every event (as strings), and the quotas (128 KB messages, 32 KB frames, idle and
//! maximum connection times). Without functions, the built-in Cognito authorizer and echo.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::Emulator;
use super::api::{
    AuthorizerAnswer, AuthorizerConfig, Identity, delivered_context, read_policy, select_route,
};
use super::functions::{ACCOUNT, Outcome, REGION};

/// API Gateway's quotas: 128 KB per message, 32 KB per frame.
pub const MAX_MESSAGE: usize = 128 * 1024;
pub const MAX_FRAME: usize = 32 * 1024;
/// The emulator's API id (10 lowercase letters and digits, as API Gateway's).
pub const API_ID: &str = "cwslocal01";
/// Longest a REQUEST authorizer may take (API Gateway's limit), and an integration.
const AUTHORIZER_LIMIT: Duration = Duration::from_secs(10);
const INTEGRATION_LIMIT: Duration = Duration::from_secs(29);
/// Largest upgrade request head.
const MAX_HEAD: usize = 16 * 1024;

/// Any byte stream a connection runs on (TCP or TLS).
pub trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

/// What a WebSocket connection is, for `@connections` and the events.
pub struct Connection {
    /// What the built-in echo stored at `$connect`.
    pub item: Value,
    pub outgoing: mpsc::Sender<Outgoing>,
    pub stage: String,
    pub connected_at: u64,
    pub last_active: Arc<AtomicU64>,
    pub identity: Value,
}

/// Something to send on a connection from elsewhere.
#[derive(Debug)]
pub enum Outgoing {
    Text(String),
    /// `@connections` DELETE.
    Close,
}

/// The request head of an upgrade, as the client sent it.
#[derive(Debug, Clone)]
pub struct Head {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub peer: SocketAddr,
    /// How many bytes the head took (what follows may be a first frame).
    pub len: usize,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::http::header(&self.headers, name)
    }

    pub fn is_upgrade(&self) -> bool {
        let has = |name, token| crate::http::has_token(&self.headers, name, token);
        self.method == "GET" && has("upgrade", "websocket") && has("connection", "upgrade")
    }

    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("/")
    }

    /// Query parameters, in order.
    fn query(&self) -> Vec<(String, String)> {
        self.target
            .split_once('?')
            .map(|(_, q)| super::http::parse_pairs(q))
            .unwrap_or_default()
    }
}

/// Reads the first request head of a connection (bounded in size; the caller bounds the time);
/// returns it with every byte read so far, for hyper to read again when it is not an upgrade.
pub async fn read_head<S: AsyncRead + Unpin>(
    stream: &mut S,
    peer: SocketAddr,
) -> Option<(Option<Head>, Vec<u8>)> {
    let mut buf = Vec::with_capacity(2048);
    let read = async {
        loop {
            let mut chunk = [0u8; 2048];
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return (!buf.is_empty()).then_some(None);
            }
            buf.extend_from_slice(&chunk[..n]);
            let mut raw = [httparse::EMPTY_HEADER; 96];
            let mut request = httparse::Request::new(&mut raw);
            match request.parse(&buf) {
                Ok(httparse::Status::Complete(len)) => {
                    return Some(Some(Head {
                        len,
                        method: request.method.unwrap_or("").to_string(),
                        target: request.path.unwrap_or("/").to_string(),
                        headers: request
                            .headers
                            .iter()
                            .map(|h| {
                                (
                                    h.name.to_string(),
                                    String::from_utf8_lossy(h.value).into_owned(),
                                )
                            })
                            .collect(),
                        peer,
                    }));
                }
                Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => continue,
                // Too big or not HTTP: hyper gives the answer.
                _ => return Some(None),
            }
        }
    };
    let head = read.await?;
    Some((head, buf))
}

pub(super) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// `PJqB0fHsqRcCHlw=`: 11 random bytes, URL-safe base64 with its padding, as API Gateway's.
pub fn new_id() -> String {
    let mut id = [0u8; 11];
    crate::random::fill(&mut id);
    URL_SAFE.encode(id)
}

/// `29/Nov/2023:08:04:03 +0000`.
fn request_time(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(i64::try_from(ms).unwrap_or(0))
        .map(|t| t.format("%d/%b/%Y:%H:%M:%S +0000").to_string())
        .unwrap_or_default()
}

/// The parts of every event's `requestContext`.
struct Context {
    connection_id: String,
    stage: String,
    domain: String,
    connected_at: u64,
    identity: Value,
}

impl Context {
    fn request_context(&self, route: &str, event_type: &str) -> Map<String, Value> {
        let now = now_ms();
        let request_id = new_id();
        let mut ctx = Map::new();
        ctx.insert("routeKey".into(), json!(route));
        if event_type == "MESSAGE" {
            ctx.insert("messageId".into(), json!(new_id()));
        }
        ctx.insert("eventType".into(), json!(event_type));
        ctx.insert("extendedRequestId".into(), json!(request_id));
        ctx.insert("requestTime".into(), json!(request_time(now)));
        ctx.insert("messageDirection".into(), json!("IN"));
        ctx.insert("stage".into(), json!(self.stage));
        ctx.insert("connectedAt".into(), json!(self.connected_at));
        ctx.insert("requestTimeEpoch".into(), json!(now));
        ctx.insert("identity".into(), self.identity.clone());
        ctx.insert("requestId".into(), json!(request_id));
        ctx.insert("domainName".into(), json!(self.domain));
        ctx.insert("connectionId".into(), json!(self.connection_id));
        ctx.insert("apiId".into(), json!(API_ID));
        ctx
    }
}

/// `headers` and `multiValueHeaders` with names as sent, without the hop-by-hop ones the
/// `$connect` integration does not see.
fn header_maps(
    head: &Head,
    for_authorizer: bool,
    redact: Option<&str>,
) -> (Map<String, Value>, Map<String, Value>) {
    let mut single = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    let skip = ["connection", "upgrade", "content-length"];
    for (name, value) in &head.headers {
        if !for_authorizer && skip.contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        let value = match redact {
            Some(r) if name.eq_ignore_ascii_case(r) => "(redacted)".to_string(),
            _ => value.clone(),
        };
        single.insert(name.clone(), json!(value));
        if let Some(list) = multi
            .entry(name.clone())
            .or_insert_with(|| json!([]))
            .as_array_mut()
        {
            list.push(json!(value));
        }
    }
    let mut add = |k: &str, v: String| {
        if !single.keys().any(|n| n.eq_ignore_ascii_case(k)) {
            single.insert(k.into(), json!(v));
            multi.insert(k.into(), json!([v]));
        }
    };
    add("X-Forwarded-For", head.peer.ip().to_string());
    add("X-Forwarded-Port", head.peer.port().to_string());
    add("X-Forwarded-Proto", "https".into());
    add("X-Amzn-Trace-Id", super::tokens::trace_root());
    (single, multi)
}

/// `queryStringParameters` and `multiValueQueryStringParameters`, present only with a query.
fn query_maps(head: &Head) -> Option<(Map<String, Value>, Map<String, Value>)> {
    let pairs = head.query();
    if pairs.is_empty() {
        return None;
    }
    let mut single = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    for (k, v) in pairs {
        // The single-value map keeps the last value, as API Gateway's does.
        single.insert(k.clone(), json!(v));
        if let Some(list) = multi.entry(k).or_insert_with(|| json!([])).as_array_mut() {
            list.push(json!(v));
        }
    }
    Some((single, multi))
}

/// A refused handshake, in API Gateway's words.
fn refusal(status: u16, body: &Value, error_type: Option<&str>) -> Vec<u8> {
    let reason = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Error",
    };
    let body = body.to_string();
    let mut text = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nx-amzn-RequestId: {}\r\n",
        body.len(),
        super::tokens::uuid()
    );
    if let Some(t) = error_type {
        text.push_str(&format!("x-amzn-ErrorType: {t}\r\n"));
    }
    text.push_str("Connection: close\r\n\r\n");
    text.push_str(&body);
    text.into_bytes()
}

/// What the authorizer decided.
enum Authorized {
    Yes {
        principal_id: String,
        context: Map<String, Value>,
        latency_ms: u64,
    },
    /// No authorizer on the route.
    Open,
    /// Refused with 401, 403 or 500 (API Gateway's answers), and a note for the log.
    Refused { status: u16, note: String },
}

impl Authorized {
    fn refused(status: u16, note: impl Into<String>) -> Authorized {
        Authorized::Refused {
            status,
            note: note.into(),
        }
    }
}

/// API Gateway's answer to a refused `$connect`: 401 Unauthorized, 403 Forbidden, or 500 for
/// an authorizer it could not use.
fn refusal_for(status: u16) -> Vec<u8> {
    match status {
        401 => refusal(
            401,
            &json!({"message": "Unauthorized"}),
            Some("UnauthorizedException"),
        ),
        403 => refusal(
            403,
            &json!({"message": "Forbidden"}),
            Some("ForbiddenException"),
        ),
        _ => refusal(
            500,
            &json!({"message": null}),
            Some("AuthorizerConfigurationException"),
        ),
    }
}

/// Handles one WebSocket upgrade end to end: the authorizer, `$connect`, the session, and
/// `$disconnect`.
pub async fn handshake(emu: Arc<Emulator>, head: Head, leftover: Vec<u8>, mut stream: Box<dyn Io>) {
    let head_len = head.len;
    let started = Instant::now();
    let path = head.path().to_string();
    let stage = path.trim_start_matches('/').to_string();
    let log = |status: u16, note: &str| {
        emu.log(&format!(
            "WS {} {status} {}ms{note}",
            crate::redacted::redact_params(&head.target),
            started.elapsed().as_millis()
        ));
    };
    if stage.is_empty() || stage.contains('/') {
        let _ = stream
            .write_all(&refusal(
                403,
                &json!({"message": "Forbidden"}),
                Some("ForbiddenException"),
            ))
            .await;
        return log(403, "");
    }
    let Some(key) = head.header("sec-websocket-key").map(str::to_string) else {
        let _ = stream
            .write_all(&refusal(400, &json!({"message": "Bad Request"}), None))
            .await;
        return log(400, "");
    };
    let connected_at = now_ms();
    let identity = {
        let mut id = json!({"sourceIp": head.peer.ip().to_string()});
        if let Some(agent) = head.header("user-agent") {
            id["userAgent"] = json!(agent);
        }
        id
    };
    let ctx = Context {
        connection_id: new_id(),
        stage: stage.clone(),
        domain: head.header("host").unwrap_or("127.0.0.1").to_string(),
        connected_at,
        identity: identity.clone(),
    };
    let method_arn = format!("arn:aws:execute-api:{REGION}:{ACCOUNT}:{API_ID}/{stage}/$connect");

    let authorized = match &emu.options.api.authorizer {
        AuthorizerConfig::BuiltIn => built_in_authorizer(&emu, &head, &method_arn),
        AuthorizerConfig::None => Authorized::Open,
        AuthorizerConfig::Function {
            function,
            identity_sources,
        } => function_authorizer(&emu, function, identity_sources, &head, &ctx, &method_arn).await,
    };
    let authorizer_context = match authorized {
        Authorized::Refused { status, note } => {
            let _ = stream.write_all(&refusal_for(status)).await;
            return log(status, &note);
        }
        Authorized::Open => None,
        Authorized::Yes {
            principal_id,
            context,
            latency_ms,
        } => Some(delivered_context(&principal_id, &context, latency_ms)),
    };

    // $connect: a 2xx upgrades; any other status refuses with that status; an error is 502.
    let mut subprotocol = None;
    if let Some(route) = emu.options.api.routes.get("$connect")
        && let Some(function) = emu.functions.get(&route.function)
    {
        let (headers, multi) = header_maps(&head, false, None);
        let mut event = json!({"headers": headers, "multiValueHeaders": multi});
        if let Some((q, mq)) = query_maps(&head) {
            event["queryStringParameters"] = json!(q);
            event["multiValueQueryStringParameters"] = json!(mq);
        }
        let mut rc = ctx.request_context("$connect", "CONNECT");
        if let Some(a) = &authorizer_context {
            rc.insert("authorizer".into(), Value::Object(a.clone()));
        }
        event["requestContext"] = Value::Object(rc);
        event["isBase64Encoded"] = json!(false);
        match invoke(function, &event, INTEGRATION_LIMIT).await {
            Outcome::Result(result) => {
                let status = status_of(&result);
                if !(200..300).contains(&status) {
                    let body = result
                        .get("body")
                        .cloned()
                        .unwrap_or(json!({"message": "Forbidden"}));
                    let body = match body {
                        Value::String(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
                        other => other,
                    };
                    let _ = stream.write_all(&refusal(status, &body, None)).await;
                    return log(status, " ($connect refused)");
                }
                subprotocol = result
                    .get("headers")
                    .and_then(Value::as_object)
                    .and_then(|h| {
                        h.iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("sec-websocket-protocol"))
                    })
                    .and_then(|(_, v)| v.as_str())
                    .map(str::to_string);
            }
            _ => {
                let _ = stream
                    .write_all(&refusal(
                        502,
                        &json!({"message": "Internal server error"}),
                        None,
                    ))
                    .await;
                return log(502, " ($connect failed)");
            }
        }
    } else if let Some(requested) = head.header("sec-websocket-protocol") {
        // No $connect function: the first offered subprotocol, as the built-in API always did.
        subprotocol = requested.split(',').next().map(|s| s.trim().to_string());
    }

    let mut response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n",
        tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes())
    );
    if let Some(p) = &subprotocol {
        response.push_str(&format!("Sec-WebSocket-Protocol: {p}\r\n"));
    }
    response.push_str("\r\n");
    if stream.write_all(response.as_bytes()).await.is_err() {
        return;
    }
    log(101, "");

    // The built-in echo's stored item: the connection as $connect saw it, never the credential.
    let redact = match &emu.options.identity_source {
        cwsauth_verify::authorizer::IdentitySource::Header(n) => Some(n.as_str()),
        _ => None,
    };
    let (stored_headers, _) = header_maps(&head, false, redact);
    let stored_query = query_maps(&head).map(|(mut q, _)| {
        if let cwsauth_verify::authorizer::IdentitySource::Query(n) = &emu.options.identity_source
            && let Some(v) = q.get_mut(n)
        {
            *v = json!("(redacted)");
        }
        Value::Object(q)
    });
    let item = json!({
        "connectionId": ctx.connection_id,
        "connectedAt": connected_at,
        "stage": stage,
        "headers": stored_headers,
        "queryStringParameters": stored_query,
        "authorizer": authorizer_context,
    });
    let (outgoing, incoming) = mpsc::channel(1024);
    let last_active = Arc::new(AtomicU64::new(connected_at));
    emu.state().connections.insert(
        ctx.connection_id.clone(),
        Connection {
            item: item.clone(),
            outgoing,
            stage: stage.clone(),
            connected_at,
            last_active: last_active.clone(),
            identity,
        },
    );
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_FRAME));
    let ws = WebSocketStream::from_partially_read(
        stream,
        leftover.get(head_len..).unwrap_or_default().to_vec(),
        Role::Server,
        Some(config),
    )
    .await;
    let (code, reason) = session(
        &emu,
        ws,
        &ctx,
        item,
        authorizer_context.clone(),
        incoming,
        last_active,
    )
    .await;
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
        let host = ctx.domain.clone();
        let mut rc = ctx.request_context("$disconnect", "DISCONNECT");
        rc.insert("disconnectStatusCode".into(), json!(code));
        rc.insert("disconnectReason".into(), json!(reason));
        if let Some(a) = &authorizer_context {
            rc.insert("authorizer".into(), Value::Object(a.clone()));
        }
        let event = json!({
            "headers": {"Host": host, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""},
            "multiValueHeaders": {"Host": [host], "x-api-key": [""], "X-Forwarded-For": [""], "x-restapi": [""]},
            "requestContext": rc,
            "isBase64Encoded": false,
        });
        let _ = invoke(function, &event, INTEGRATION_LIMIT).await;
    }
}

/// A route's integration: at most its own timeout and API Gateway's limit.
async fn invoke(
    function: &Arc<super::functions::Function>,
    event: &Value,
    limit: Duration,
) -> Outcome {
    within(limit, function.invoke(event)).await
}

async fn within(limit: Duration, pending: impl Future<Output = Outcome>) -> Outcome {
    tokio::time::timeout(limit, pending)
        .await
        .unwrap_or(Outcome::Timeout(limit))
}

/// `statusCode` of a Lambda proxy result (a missing one is 200).
fn status_of(result: &Value) -> u16 {
    result
        .get("statusCode")
        .and_then(|s| {
            s.as_u64()
                .or_else(|| s.as_str().and_then(|t| t.parse().ok()))
        })
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(200)
}

/// The emulator's own Cognito authorizer (the same decision as `cwsauth verify --authorizer`).
fn built_in_authorizer(emu: &Emulator, head: &Head, method_arn: &str) -> Authorized {
    use cwsauth_verify::authorizer::{self, ConnectEvent, Decision, PolicyOptions};
    let (headers, multi) = header_maps(head, true, None);
    let query = query_maps(head);
    let event = ConnectEvent {
        headers: Some(headers),
        multi_value_headers: Some(multi),
        query_string_parameters: query.as_ref().map(|(q, _)| q.clone()),
        multi_value_query_string_parameters: query.map(|(_, m)| m),
        method_arn: Some(method_arn.to_string()),
    };
    let started = Instant::now();
    let Ok(token) = event.token(&emu.options.identity_source) else {
        return Authorized::refused(401, " (no identity source)");
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
        method_arn: method_arn.to_string(),
        ..Default::default()
    };
    match authorizer::decide(&result, &options, false, &emu.options.require_groups) {
        Decision::Allow(policy) => Authorized::Yes {
            principal_id: policy["principalId"].as_str().unwrap_or("").to_string(),
            context: policy["context"].as_object().cloned().unwrap_or_default(),
            latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(0),
        },
        Decision::Deny(_, why) => {
            Authorized::refused(403, format!(" ({})", crate::sanitize::excerpt(&why, 100)))
        }
        Decision::Unauthorized(why) => {
            Authorized::refused(401, format!(" ({})", crate::sanitize::excerpt(&why, 100)))
        }
    }
}

/// A REQUEST authorizer function: identity sources first (401 without calling it), then its
/// answer as API Gateway reads it.
async fn function_authorizer(
    emu: &Emulator,
    name: &str,
    sources: &[Identity],
    head: &Head,
    ctx: &Context,
    method_arn: &str,
) -> Authorized {
    let unauthorized = |note: &str| Authorized::refused(401, format!(" ({note})"));
    let query = head.query();
    for source in sources {
        let present = match source {
            Identity::Header(n) => head.header(n).is_some_and(|v| !v.trim().is_empty()),
            Identity::Query(n) => query.iter().any(|(k, v)| k == n && !v.is_empty()),
        };
        if !present {
            return unauthorized("identity source missing; authorizer not called");
        }
    }
    let Some(function) = emu.functions.get(name) else {
        return Authorized::refused(500, " (no authorizer function)");
    };
    let (headers, multi) = header_maps(head, true, None);
    let mut event = json!({
        "type": "REQUEST",
        "methodArn": method_arn,
        "headers": headers,
        "multiValueHeaders": multi,
        "stageVariables": {},
    });
    if let Some((q, mq)) = query_maps(head) {
        event["queryStringParameters"] = json!(q);
        event["multiValueQueryStringParameters"] = json!(mq);
    }
    event["requestContext"] = Value::Object(ctx.request_context("$connect", "CONNECT"));
    let started = Instant::now();
    // The function's own timeout ends it first when it is the shorter.
    let outcome = invoke(function, &event, AUTHORIZER_LIMIT).await;
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(0);
    let configuration_error = |note: String| Authorized::refused(500, format!(" ({note})"));
    match outcome {
        o if o.is_unauthorized() => unauthorized("the authorizer said Unauthorized"),
        Outcome::Result(Value::String(s)) if s == "Unauthorized" => {
            unauthorized("the authorizer said Unauthorized")
        }
        Outcome::Result(result) => match read_policy(&result, method_arn) {
            AuthorizerAnswer::Allow {
                principal_id,
                context,
            } => Authorized::Yes {
                principal_id,
                context,
                latency_ms,
            },
            AuthorizerAnswer::Deny => Authorized::refused(403, " (the policy denies it)"),
            AuthorizerAnswer::Malformed(why) => configuration_error(why),
        },
        Outcome::Error {
            error_type,
            error_message,
        } => configuration_error(format!(
            "the authorizer failed: {}: {}",
            crate::sanitize::excerpt(&error_type, 60),
            crate::sanitize::excerpt(&error_message, 100)
        )),
        Outcome::Timeout(t) => {
            configuration_error(format!("the authorizer timed out after {} s", t.as_secs()))
        }
        Outcome::Crashed(why) => configuration_error(format!("the authorizer failed: {why}")),
    }
}

fn close(code: CloseCode, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.to_string().into(),
    }))
}

/// `{"message": "Internal server error", "connectionId":"…", "requestId":"…"}`, byte for byte
/// as API Gateway sends it.
fn gateway_frame(message: &str, connection_id: &str, request_id: &str) -> String {
    format!(
        "{{\"message\": \"{message}\", \"connectionId\":\"{connection_id}\", \"requestId\":\"{request_id}\"}}"
    )
}

/// The message loop; returns the close code and reason `$disconnect` reports.
async fn session(
    emu: &Arc<Emulator>,
    ws: WebSocketStream<Box<dyn Io>>,
    ctx: &Context,
    item: Value,
    authorizer: Option<Map<String, Value>>,
    mut outgoing: mpsc::Receiver<Outgoing>,
    last_active: Arc<AtomicU64>,
) -> (u16, String) {
    let (mut sink, mut stream) = ws.split();
    let deadline = tokio::time::Instant::now() + emu.options.max_connection_time;
    let idle = emu.options.idle_timeout;
    let mut stopping = emu.stopping.subscribe();
    // Replies of integrations running concurrently, as API Gateway runs them, handed on in
    // the order the integrations finish (so a function with one process answers in order).
    let (replies, mut replied) = mpsc::channel::<String>(1024);
    let integrations = spawn_responder(replies);
    let mut idle_at = tokio::time::Instant::now() + idle;
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
                let _ = sink.send(close(CloseCode::Away, "Going away")).await;
                return (1001, "Going away".into());
            }
            _ = tokio::time::sleep_until(deadline) => {
                let _ = sink.send(close(CloseCode::Away, "Going away")).await;
                return (1001, "Going away".into());
            }
            _ = stopping.changed() => {
                let _ = sink.send(close(CloseCode::Away, "Going away")).await;
                return (1001, "Going away".into());
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
            // The built-in echo: the message, the stored connection, an event-shaped context.
            let (body, base64) = match binary {
                Some(bytes) => (STANDARD.encode(&bytes), true),
                None => (text, false),
            };
            let mut rc = ctx.request_context("$default", "MESSAGE");
            if let Some(a) = &authorizer {
                rc.insert("authorizer".into(), Value::Object(a.clone()));
            }
            let reply = json!({"requestContext": rc, "body": body, "isBase64Encoded": base64, "item": item});
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
        let mut rc = ctx.request_context(&route, "MESSAGE");
        let request_id = rc["requestId"].as_str().unwrap_or("").to_string();
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
        if let Some(a) = &authorizer {
            rc.insert("authorizer".into(), Value::Object(a.clone()));
        }
        let event = json!({"requestContext": rc, "body": text, "isBase64Encoded": false});
        let Some(function) = emu.functions.get(&config.function).cloned() else {
            continue;
        };
        let (two_way, emu, connection_id) =
            (config.two_way, emu.clone(), ctx.connection_id.clone());
        // Queued here, in the order the messages came; answered concurrently.
        let pending = function.invoke(&event);
        let _ = integrations.send(Box::pin(async move {
            let started = Instant::now();
            let outcome = within(INTEGRATION_LIMIT, pending).await;
            emu.log(&format!(
                "ROUTE {connection_id} {route} -> {} {}ms",
                function.spec.name,
                started.elapsed().as_millis()
            ));
            match outcome {
                Outcome::Result(Value::Object(result)) if two_way => match result.get("body") {
                    Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                    Some(v) if !v.is_null() && !matches!(v, Value::String(_)) => {
                        Some(v.to_string())
                    }
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
                        &connection_id,
                        &request_id,
                    ))
                }
                Outcome::Result(_) => None,
                _ => Some(gateway_frame(
                    "Internal server error",
                    &connection_id,
                    &request_id,
                )),
            }
        }));
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
