//! `cwsauth connect`: an authenticated WebSocket session (tokio-tungstenite) with wscat's
//! flags and console, plus what wscat lacks: queued input, a wait for replies at end of input,
//! keepalive, reconnect, binary done right, API Gateway's size limits. Never prints the token.

mod console;
mod outbox;
mod render;
pub mod tls;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::{Error, ExitCode, Result};
pub use console::Input;
use outbox::Outbox;
pub use render::Renderer;

/// API Gateway refuses messages over 128 KB.
pub const MAX_MESSAGE: usize = 128 * 1024;

/// How the token is attached.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    Header { name: String, scheme: String },
    Query(String),
}

/// Everything a session needs besides the token.
pub struct Options {
    pub url: String,
    pub auth: Auth,
    pub headers: Vec<(String, String)>,
    pub subprotocols: Vec<String>,
    pub origin: Option<String>,
    pub host: Option<String>,
    pub tls: tls::TlsOptions,
    pub execute: Vec<String>,
    /// Seconds; negative keeps the session open.
    pub wait: f64,
    pub slash: bool,
    pub binary: bool,
    pub ping_interval: Option<Duration>,
    pub ping_timeout: Duration,
    pub reconnect: bool,
    pub max_messages: Option<u64>,
    pub max_frame_size: usize,
    pub follow_redirects: Option<u32>,
    pub proxy: Option<String>,
    pub verbose: bool,
}

impl Options {
    /// wscat's defaults for `url`, with the token in `Authorization: Bearer`.
    pub fn new(url: impl Into<String>) -> Options {
        Options {
            url: url.into(),
            auth: Auth::Header {
                name: "Authorization".into(),
                scheme: "Bearer".into(),
            },
            headers: Vec::new(),
            subprotocols: Vec::new(),
            origin: None,
            host: None,
            tls: tls::TlsOptions::default(),
            execute: Vec::new(),
            wait: 2.0,
            slash: false,
            binary: false,
            ping_interval: None,
            ping_timeout: Duration::from_secs(10),
            reconnect: false,
            max_messages: None,
            max_frame_size: 32 * 1024,
            follow_redirects: None,
            proxy: None,
            verbose: false,
        }
    }
}

/// Ctrl-C, counted: the first closes the session, the second exits at once.
struct Interrupts {
    count: u32,
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
}

impl Interrupts {
    fn new() -> Result<Interrupts> {
        Ok(Interrupts {
            count: 0,
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
                .map_err(|e| Error::Network(format!("cannot handle Ctrl-C: {e}")))?,
        })
    }

    async fn next(&mut self) {
        #[cfg(unix)]
        self.signal.recv().await;
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        self.count += 1;
    }
}

/// How one connection ended.
enum End {
    /// We ended it: end of input, -x's wait, --max-messages.
    Done,
    /// The server closed with 1000 or 1001 (API Gateway's idle and 2-hour limits).
    Normal,
    /// Another close code, or the connection dropped: reconnect material.
    Abnormal(String),
    /// Ctrl-C.
    Interrupted,
}

/// Runs the session until it ends; `token` is called before every connection attempt.
pub fn run(
    options: Options,
    mut renderer: Renderer,
    interactive: bool,
    token: impl FnMut() -> Result<Option<String>>,
) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Network(format!("cannot start the runtime: {e}")))?;
    let (inputs, printer) = if options.execute.is_empty() || options.wait < 0.0 {
        console::spawn(interactive)
    } else {
        // -x without -w -1: the commands are the whole input.
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        drop(tx);
        (rx, None)
    };
    renderer.printer = printer;
    let result = runtime.block_on(session_loop(&options, &mut renderer, inputs, token));
    renderer.flush();
    result
}

async fn session_loop(
    options: &Options,
    renderer: &mut Renderer,
    mut inputs: tokio::sync::mpsc::Receiver<Input>,
    mut token: impl FnMut() -> Result<Option<String>>,
) -> Result<ExitCode> {
    let tls = tls::client_config(&options.tls)?;
    // Ctrl-C is ours from the start, so it never kills the session with no close sent.
    let mut interrupts = Interrupts::new()?;
    let mut attempt = 0u32;
    let mut connected_once = false;
    let mut received = 0u64;
    loop {
        let token = token()?;
        let request = build_request(options, token.as_deref())?;
        match connect(options, request, tls.clone()).await {
            Ok(ws) => {
                connected_once = true;
                attempt = 0;
                renderer.open(&options.url);
                match session(
                    options,
                    renderer,
                    ws,
                    &mut inputs,
                    &mut received,
                    &mut interrupts,
                )
                .await?
                {
                    End::Done | End::Interrupted => return Ok(ExitCode::Success),
                    End::Normal if options.reconnect => {
                        renderer.info("the server closed the connection")
                    }
                    End::Abnormal(why) if options.reconnect => {
                        renderer.info(&format!("connection lost ({why})"))
                    }
                    End::Normal => return Ok(ExitCode::Success),
                    End::Abnormal(_) => return Ok(ExitCode::Rejected),
                }
            }
            Err(ConnectError::Rejected(status, body, headers)) => {
                return Err(handshake_refused(
                    options,
                    status,
                    &body,
                    &headers,
                    token.as_deref(),
                ));
            }
            Err(ConnectError::Other(e)) if options.reconnect && connected_once => {
                renderer.info(&format!("reconnect failed: {e}"));
            }
            Err(ConnectError::Other(e)) => return Err(e),
        }
        attempt += 1;
        // 1, 2, 4, … seconds, at most 30.
        let delay = Duration::from_secs(1u64 << (attempt - 1).min(5)).min(Duration::from_secs(30));
        renderer.info(&format!(
            "reconnecting in {}s (attempt {attempt}) with a fresh token",
            delay.as_secs()
        ));
        renderer.flush();
        tokio::time::sleep(delay).await;
    }
}

/// The handshake request: the URL as typed, the token where `options.auth` says, the headers.
pub fn build_request(
    options: &Options,
    token: Option<&str>,
) -> Result<tungstenite::handshake::client::Request> {
    let mut url = url::Url::parse(&options.url)
        .map_err(|e| Error::Usage(format!("bad URL {}: {e}", options.url)))?;
    match url.scheme() {
        "ws" | "wss" => {}
        other => {
            return Err(Error::Usage(format!(
                "{} is a {other}:// URL; connect needs ws:// or wss://",
                options.url
            )));
        }
    }
    if let (Auth::Query(name), Some(t)) = (&options.auth, token) {
        url.query_pairs_mut().append_pair(name, t);
    }
    // The URL as typed ($default and existing query parameters stay as they are).
    let text = if matches!(options.auth, Auth::Query(_)) {
        url.to_string()
    } else {
        options.url.clone()
    };
    let mut request = text
        .into_client_request()
        .map_err(|e| Error::Usage(format!("bad URL {}: {e}", options.url)))?;
    let headers = request.headers_mut();
    let mut put = |name: &str, value: &str| -> Result<()> {
        let name = tungstenite::http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::Usage(format!("bad header name {name:?}")))?;
        let value = tungstenite::http::HeaderValue::from_str(value)
            .map_err(|_| Error::Usage(format!("bad value for header {name}")))?;
        headers.insert(name, value);
        Ok(())
    };
    if let (Auth::Header { name, scheme }, Some(t)) = (&options.auth, token) {
        let value = if scheme.is_empty() {
            t.to_string()
        } else {
            format!("{scheme} {t}")
        };
        put(name, &value)?;
    }
    for (name, value) in &options.headers {
        put(name, value)?;
    }
    if !options.subprotocols.is_empty() {
        put("Sec-WebSocket-Protocol", &options.subprotocols.join(", "))?;
    }
    if let Some(origin) = &options.origin {
        put("Origin", origin)?;
    }
    if let Some(host) = &options.host {
        put("Host", host)?;
    }
    Ok(request)
}

/// `Name: value` from `-H`.
pub fn parse_header(text: &str) -> Result<(String, String)> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(Error::Usage(format!(
            "header {text:?} is not `Name: value`"
        ))),
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

enum ConnectError {
    Rejected(u16, Vec<u8>, Vec<(String, String)>),
    Other(Error),
}

async fn connect(
    options: &Options,
    mut request: tungstenite::handshake::client::Request,
    tls: std::sync::Arc<rustls::ClientConfig>,
) -> std::result::Result<Ws, ConnectError> {
    let config = tungstenite::protocol::WebSocketConfig::default();
    let mut redirects = 0;
    loop {
        let uri = request.uri().clone();
        let host = uri
            .host()
            .unwrap_or("")
            .trim_matches(['[', ']'])
            .to_string();
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("wss") {
                443
            } else {
                80
            });
        let stream = open_tcp(options, &host, port)
            .await
            .map_err(ConnectError::Other)?;
        let connector = tokio_tungstenite::Connector::Rustls(tls.clone());
        let result = tokio_tungstenite::client_async_tls_with_config(
            request.clone(),
            stream,
            Some(config),
            Some(connector),
        )
        .await;
        match result {
            Ok((ws, _)) => return Ok(ws),
            Err(tungstenite::Error::Http(resp)) => {
                let status = resp.status().as_u16();
                let location = resp
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                if let (Some(max), true, Some(location)) = (
                    options.follow_redirects,
                    (300..400).contains(&status),
                    location,
                ) {
                    redirects += 1;
                    if redirects > max {
                        return Err(ConnectError::Other(Error::Network(format!(
                            "more than {max} redirects"
                        ))));
                    }
                    let next = url::Url::parse(&uri.to_string())
                        .and_then(|base| base.join(&location))
                        .map_err(|e| {
                            ConnectError::Other(Error::Network(format!(
                                "bad redirect {location}: {e}"
                            )))
                        })?;
                    let mut next_request = next
                        .as_str()
                        .into_client_request()
                        .map_err(|e| ConnectError::Other(Error::Network(e.to_string())))?;
                    for (name, value) in request.headers() {
                        if name != "host" && !name.as_str().starts_with("sec-websocket-key") {
                            next_request
                                .headers_mut()
                                .insert(name.clone(), value.clone());
                        }
                    }
                    request = next_request;
                    continue;
                }
                let headers = resp
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                    .collect();
                return Err(ConnectError::Rejected(
                    status,
                    resp.body().clone().unwrap_or_default(),
                    headers,
                ));
            }
            Err(e) => {
                return Err(ConnectError::Other(Error::Network(format!(
                    "cannot open the WebSocket to {}: {}",
                    options.url,
                    crate::http::error_chain(&e)
                ))));
            }
        }
    }
}

/// A TCP connection to the server, or through an HTTP proxy's CONNECT tunnel.
async fn open_tcp(options: &Options, host: &str, port: u16) -> Result<tokio::net::TcpStream> {
    let proxy = options.proxy.clone().or_else(|| proxy_from_env(host));
    let Some(proxy) = proxy else {
        return tokio::net::TcpStream::connect((host, port))
            .await
            .map_err(|e| Error::Network(format!("cannot connect to {host}:{port}: {e}")));
    };
    let proxy_url =
        url::Url::parse(&proxy).map_err(|e| Error::Usage(format!("bad proxy URL {proxy}: {e}")))?;
    let proxy_host = proxy_url.host_str().unwrap_or("").to_string();
    let proxy_port = proxy_url.port_or_known_default().unwrap_or(8080);
    let mut stream = tokio::net::TcpStream::connect((proxy_host.as_str(), proxy_port))
        .await
        .map_err(|e| {
            Error::Network(format!(
                "cannot connect to the proxy {proxy_host}:{proxy_port}: {e}"
            ))
        })?;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let target = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    stream
        .write_all(format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n").as_bytes())
        .await
        .map_err(|e| Error::Network(format!("proxy {proxy_host}: {e}")))?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
        let n = stream
            .read(&mut byte)
            .await
            .map_err(|e| Error::Network(format!("proxy {proxy_host}: {e}")))?;
        if n == 0 {
            return Err(Error::Network(format!(
                "the proxy {proxy_host} closed the connection"
            )));
        }
        head.push(byte[0]);
    }
    let status_line = String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    if status_line.split_whitespace().nth(1) != Some("200") {
        return Err(Error::Network(format!(
            "the proxy refused the tunnel: {status_line}"
        )));
    }
    Ok(stream)
}

/// `HTTPS_PROXY` (or `https_proxy`) unless `NO_PROXY` names the host.
fn proxy_from_env(host: &str) -> Option<String> {
    let get = |k: &str| {
        std::env::var(k)
            .ok()
            .or_else(|| std::env::var(k.to_lowercase()).ok())
            .filter(|v| !v.is_empty())
    };
    let proxy = get("HTTPS_PROXY")?;
    let no_proxy = get("NO_PROXY").unwrap_or_default();
    let skip = no_proxy.split(',').map(str::trim).any(|p| {
        p == "*"
            || (!p.is_empty()
                && (host == p.trim_start_matches('.')
                    || host.ends_with(&format!(".{}", p.trim_start_matches('.')))))
    });
    (!skip).then_some(proxy)
}

fn handshake_refused(
    options: &Options,
    status: u16,
    body: &[u8],
    headers: &[(String, String)],
    token: Option<&str>,
) -> Error {
    if options.verbose {
        for (k, v) in headers {
            crate::output::notice(&format!("< {k}: {}", crate::sanitize::for_terminal(v)));
        }
    }
    let body = String::from_utf8_lossy(body);
    let mut line = format!("the server refused the WebSocket handshake: HTTP {status}");
    if !body.trim().is_empty() {
        line.push_str(&format!(" {}", crate::sanitize::for_terminal(body.trim())));
    }
    if status == 401 || status == 403 {
        let expiry = token
            .and_then(|t| crate::jwt::decode(t).ok())
            .and_then(|d| d.claims.get("exp").and_then(|v| v.as_i64()))
            .filter(|exp| *exp <= crate::timefmt::now_epoch())
            .map(|exp| {
                format!(
                    " (the token {})",
                    crate::timefmt::relative("exp", exp, crate::timefmt::now_epoch())
                )
            })
            .unwrap_or_default();
        let who = if matches!(options.auth, Auth::None) || token.is_none() {
            "sent no token"
        } else {
            "refused the token"
        };
        line.push_str(&format!(
            "; the authorizer {who}{expiry}: `cwsauth verify` shows why"
        ));
    }
    Error::HandshakeRejected(line)
}

/// Close codes that report a failure rather than answer a close (RFC 6455 §7.4.1).
fn is_error_close(code: u16) -> bool {
    matches!(
        code,
        1002 | 1003 | 1006 | 1007 | 1008 | 1009 | 1010 | 1011 | 1015
    )
}

fn close_message(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason.to_string().into(),
    }))
}

/// Sends one outgoing message, split into frames of at most `max_frame` bytes.
async fn send_data<S>(
    sink: &mut S,
    data: Vec<u8>,
    binary: bool,
    max_frame: usize,
) -> std::result::Result<(), tungstenite::Error>
where
    S: futures_util::Sink<Message, Error = tungstenite::Error> + Unpin,
{
    if data.len() <= max_frame {
        let msg = if binary {
            Message::binary(data)
        } else {
            Message::text(String::from_utf8(data).unwrap_or_default())
        };
        return sink.feed(msg).await;
    }
    let kind = if binary { Data::Binary } else { Data::Text };
    let chunks: Vec<&[u8]> = data.chunks(max_frame.max(1)).collect();
    let last = chunks.len() - 1;
    for (i, chunk) in chunks.into_iter().enumerate() {
        let opcode = if i == 0 {
            OpCode::Data(kind)
        } else {
            OpCode::Data(Data::Continue)
        };
        sink.feed(Message::Frame(Frame::message(
            chunk.to_vec(),
            opcode,
            i == last,
        )))
        .await?;
    }
    Ok(())
}

async fn session(
    options: &Options,
    renderer: &mut Renderer,
    ws: Ws,
    inputs: &mut tokio::sync::mpsc::Receiver<Input>,
    received: &mut u64,
    interrupts: &mut Interrupts,
) -> Result<End> {
    let (mut wire, stream) = ws.split();
    let mut stream = stream.peekable();
    // Everything is sent through the outbox, drained by the loop below as the wire takes it.
    let mut sink = Outbox::default();
    let end = session_body(
        options,
        renderer,
        &mut wire,
        &mut stream,
        &mut sink,
        inputs,
        received,
        interrupts,
    )
    .await;
    // What was queued before the end (a close above all) still goes out, briefly.
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.drain(&mut wire)).await;
    end
}

/// Queued messages above which input waits (a bound on memory while the server is slow).
const OUTBOX_LIMIT: usize = 256;

type Wire = futures_util::stream::SplitSink<Ws, Message>;
type Incoming = futures_util::stream::Peekable<futures_util::stream::SplitStream<Ws>>;

#[allow(clippy::too_many_arguments)]
async fn session_body(
    options: &Options,
    renderer: &mut Renderer,
    wire: &mut Wire,
    stream: &mut Incoming,
    sink: &mut Outbox,
    inputs: &mut tokio::sync::mpsc::Receiver<Input>,
    received: &mut u64,
    interrupts: &mut Interrupts,
) -> Result<End> {
    let max_frame = options.max_frame_size.max(1);
    let send_err = |e: tungstenite::Error| End::Abnormal(crate::http::error_chain(&e));
    for command in &options.execute {
        if let Err(e) = send_data(
            sink,
            command.clone().into_bytes(),
            options.binary,
            max_frame,
        )
        .await
        {
            return Ok(send_err(e));
        }
    }
    let _ = sink.flush().await;
    let keep_open = options.wait < 0.0;
    let wait = Duration::from_secs_f64(options.wait.max(0.0));
    // After -x (unless kept open), or at the end of input: how long to wait for the close.
    let mut deadline: Option<Instant> =
        (!options.execute.is_empty() && !keep_open).then(|| Instant::now() + wait);
    let mut input_done = !options.execute.is_empty() && !keep_open;
    // Whether we started the close (then the session is done, not lost).
    let mut closing = false;
    let mut ping_timer = options
        .ping_interval
        .map(|i| tokio::time::interval_at(Instant::now() + i, i));
    let mut ping_sent: Option<Instant> = None;
    let mut close_info: Option<(u16, String)> = None;
    loop {
        let sleep = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        let tick = async {
            match ping_timer.as_mut() {
                Some(t) => t.tick().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = interrupts.next() => {
                if interrupts.count > 1 {
                    renderer.flush();
                    std::process::exit(130);
                }
                renderer.info("closing (Ctrl-C again quits at once)");
                let _ = sink.send(close_message(1000, "")).await;
                closing = true;
                deadline = Some(Instant::now() + Duration::from_secs(2));
            }
            frame = stream.next() => {
                let Some(frame) = frame else {
                    renderer.flush();
                    return Ok(match close_info {
                        Some((code, reason)) => {
                            renderer.close(Some(code), &reason);
                            // An answer to our own close ends the session; an error code does not.
                            if closing && !is_error_close(code) {
                                End::Done
                            } else if code == 1000 || code == 1001 {
                                End::Normal
                            } else {
                                End::Abnormal(format!("closed with {code}"))
                            }
                        }
                        None if closing => {
                            renderer.close(None, "");
                            End::Done
                        }
                        None => {
                            renderer.close(None, "");
                            End::Abnormal("the connection dropped without a close frame".into())
                        }
                    });
                };
                match frame {
                    Ok(Message::Text(text)) => {
                        renderer.text(text.as_str());
                        *received += 1;
                    }
                    Ok(Message::Binary(data)) => {
                        renderer.binary(&data);
                        *received += 1;
                    }
                    Ok(Message::Ping(data)) => renderer.ping_pong("ping", &data),
                    Ok(Message::Pong(data)) => {
                        ping_sent = None;
                        renderer.ping_pong("pong", &data);
                    }
                    Ok(Message::Close(frame)) => {
                        close_info = Some(frame.map_or((1005, String::new()), |f| (u16::from(f.code), f.reason.to_string())));
                        let _ = sink.flush().await;
                    }
                    Ok(Message::Frame(_)) => {}
                    Err(e) => {
                        renderer.flush();
                        let why = crate::http::error_chain(&e);
                        renderer.error(&why);
                        if let Some((code, reason)) = close_info {
                            renderer.close(Some(code), &reason);
                            return Ok(match code {
                                _ if closing && !is_error_close(code) => End::Done,
                                1000 | 1001 => End::Normal,
                                _ => End::Abnormal(why),
                            });
                        }
                        return Ok(End::Abnormal(why));
                    }
                }
                if options.max_messages.is_some_and(|max| *received >= max) && !closing {
                    renderer.flush();
                    let _ = sink.send(close_message(1000, "")).await;
                    closing = true;
                    deadline = Some(Instant::now() + wait.max(Duration::from_secs(1)));
                }
            }
            sent = sink.drain(wire), if sink.pending() => {
                if let Err(e) = sent {
                    return Ok(send_err(e));
                }
            }
            input = inputs.recv(), if !input_done && !closing && sink.len() < OUTBOX_LIMIT => {
                match input {
                    Some(Input::Line(line)) => {
                        if let Some(end) = handle_line(options, renderer, sink, line, max_frame, &mut closing).await {
                            return Ok(end);
                        }
                        // Send what is queued in one go when the input pauses.
                        while sink.len() < OUTBOX_LIMIT && let Ok(next) = inputs.try_recv() {
                            match next {
                                Input::Line(line) => {
                                    if let Some(end) = handle_line(options, renderer, sink, line, max_frame, &mut closing).await {
                                        return Ok(end);
                                    }
                                }
                                Input::Eof => {
                                    input_done = true;
                                    break;
                                }
                                Input::Interrupt => {
                                    let _ = sink.send(close_message(1000, "")).await;
                                    renderer.close(Some(1000), "");
                                    return Ok(End::Interrupted);
                                }
                            }
                        }
                        if let Err(e) = sink.flush().await {
                            return Ok(send_err(e));
                        }
                        if input_done && !keep_open {
                            let _ = sink.send(close_message(1000, "")).await;
                            closing = true;
                            deadline = Some(Instant::now() + wait);
                        }
                    }
                    Some(Input::Interrupt) => {
                        let _ = sink.send(close_message(1000, "")).await;
                        closing = true;
                        deadline = Some(Instant::now() + Duration::from_secs(2));
                    }
                    Some(Input::Eof) | None => {
                        input_done = true;
                        if !keep_open {
                            let _ = sink.send(close_message(1000, "")).await;
                            closing = true;
                            deadline = Some(Instant::now() + wait);
                        }
                    }
                }
            }
            _ = sleep => {
                if !closing {
                    // -x's wait is over: close as wscat does, and give the server a moment.
                    let _ = sink.send(close_message(1000, "")).await;
                    closing = true;
                    deadline = Some(Instant::now() + Duration::from_secs(1));
                    continue;
                }
                renderer.flush();
                if close_info.is_none() {
                    renderer.close(None, "");
                }
                return Ok(End::Done);
            }
            _ = tick, if !closing => {
                if let Some(sent) = ping_sent
                    && sent.elapsed() >= options.ping_timeout
                {
                    renderer.error(&format!("no pong within {}s: the connection is lost", options.ping_timeout.as_secs_f64()));
                    return Ok(End::Abnormal("ping timeout".into()));
                }
                if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    return Ok(End::Abnormal("ping failed".into()));
                }
                if ping_sent.is_none() {
                    ping_sent = Some(Instant::now());
                }
            }
        }
        // Piped output is written when no further frame is ready, so a burst of messages
        // costs one write instead of one per message.
        if !renderer.terminal && !frame_ready(stream) {
            renderer.flush();
        }
    }
}

/// Whether the next frame (or the end of the stream) can be had without waiting.
fn frame_ready<S: futures_util::Stream + Unpin>(
    stream: &mut futures_util::stream::Peekable<S>,
) -> bool {
    use futures_util::FutureExt;
    matches!(
        std::pin::Pin::new(stream).peek().now_or_never(),
        Some(Some(_))
    )
}

/// Sends a typed or piped line, or runs a slash command; `Some` ends the session.
async fn handle_line<S>(
    options: &Options,
    renderer: &mut Renderer,
    sink: &mut S,
    line: String,
    max_frame: usize,
    closing: &mut bool,
) -> Option<End>
where
    S: futures_util::Sink<Message, Error = tungstenite::Error> + Unpin,
{
    if options.slash && line.starts_with('/') {
        let mut parts = line[1..].splitn(2, ' ');
        let command = parts.next().unwrap_or("");
        let rest = parts.next().unwrap_or("").to_string();
        let result = match command {
            "ping" => sink.feed(Message::Ping(rest.into_bytes().into())).await,
            "pong" => sink.feed(Message::Pong(rest.into_bytes().into())).await,
            "close" => {
                let mut words = rest.splitn(2, ' ');
                let code = words.next().and_then(|c| c.parse().ok()).unwrap_or(1000);
                let reason = words.next().unwrap_or("");
                let _ = sink.send(close_message(code, reason)).await;
                // Our close: whatever the server answers, the session is done.
                *closing = true;
                return None;
            }
            other => {
                renderer.error(&format!(
                    "unknown command /{other}: /ping [data], /pong [data], /close [code [reason]]"
                ));
                return None;
            }
        };
        return result.err().map(|e| End::Abnormal(e.to_string()));
    }
    if line.len() > MAX_MESSAGE {
        renderer.error(&format!(
            "not sent: the message is {} bytes, over API Gateway's {MAX_MESSAGE}-byte limit",
            line.len()
        ));
        return None;
    }
    send_data(sink, line.into_bytes(), options.binary, max_frame)
        .await
        .err()
        .map(|e| End::Abnormal(e.to_string()))
}
