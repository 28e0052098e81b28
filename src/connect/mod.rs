//! `cwsauth connect`: an authenticated WebSocket session (tokio-tungstenite) with wscat's
//! flags and console, plus what wscat lacks: queued input, replies kept at the end of input,
//! keepalive, reconnect, binary done right, API Gateway's size limits, bounded memory on any
//! input. Never prints the token; always gives the terminal back.

mod console;
mod handshake;
mod outbox;
mod proxy;
mod render;
mod terminal;

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::{Error, ExitCode, Result};
pub use console::Input;
pub use handshake::{HandshakeError, Refusal, Ws, check_header, parse_url};
use outbox::Outbox;
pub use render::{BinaryFormat, Renderer};

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
    /// Extra headers, names as typed.
    pub headers: Vec<(String, String)>,
    pub subprotocols: Vec<String>,
    pub origin: Option<String>,
    pub host: Option<String>,
    pub tls: crate::tls::TlsOptions,
    pub execute: Vec<String>,
    /// Seconds with no frame after the input ends before closing; negative keeps it open.
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
    pub connect_timeout: Duration,
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
            tls: crate::tls::TlsOptions::default(),
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
            connect_timeout: Duration::from_secs(10),
            verbose: false,
        }
    }
}

/// Where a token comes from before each attempt (blocking: a refresh is an HTTP call, so it
/// runs off the async runtime).
pub type TokenSource = Arc<dyn Fn() -> Result<Option<String>> + Send + Sync>;

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
                .map_err(|e| Error::Local(format!("cannot handle Ctrl-C: {e}")))?,
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
    /// We ended it: end of input, -x's wait, --max-messages, Ctrl-C, /close.
    Done,
    /// The server closed with 1000 or 1001 (API Gateway's idle and 2-hour limits).
    Normal,
    /// Another close code, or the connection dropped: reconnect material.
    Abnormal(String),
    /// stdout was closed (`| head`): end quietly.
    OutputClosed,
    /// stdout failed otherwise (a full disk).
    OutputFailed(String),
    /// Reading the input failed or an input line was over the limit.
    InputFailed(String),
}

/// What went wrong on the way without ending the session, for the exit code.
#[derive(Default)]
struct Faults {
    /// Input lines (or -x messages) that were not sent.
    unsent: u64,
}

/// Runs the session until it ends; `token` is called before every connection attempt.
pub fn run(
    options: Options,
    mut renderer: Renderer,
    interactive: bool,
    token: TokenSource,
) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Local(format!("cannot start the async runtime: {e}")))?;
    // Saved before the line editor touches the terminal; restored on every way out.
    let _terminal = interactive.then(terminal::TerminalGuard::save);
    let (inputs, printer) = if options.execute.is_empty() || options.wait < 0.0 {
        console::spawn(interactive, options.binary, MAX_MESSAGE)
    } else {
        // -x without -w -1: the commands are the whole input.
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        drop(tx);
        (rx, None)
    };
    renderer.printer = printer;
    let result = runtime.block_on(session_loop(&options, &mut renderer, inputs, token));
    renderer.flush();
    match renderer.take_failure() {
        Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe && result.is_ok() => {
            Err(Error::Output(crate::http::io_cause(&e)))
        }
        _ => result,
    }
}

async fn session_loop(
    options: &Options,
    renderer: &mut Renderer,
    mut inputs: tokio::sync::mpsc::Receiver<Vec<Input>>,
    token: TokenSource,
) -> Result<ExitCode> {
    let connection = connection(options)?;
    // Ctrl-C is ours from the start, so it never kills the session with no close sent.
    let mut interrupts = Interrupts::new()?;
    let mut attempt = 0u32;
    let mut connected_once = false;
    let mut received = 0u64;
    let mut faults = Faults::default();
    loop {
        let source = token.clone();
        let token = tokio::task::spawn_blocking(move || source())
            .await
            .map_err(|e| Error::Local(format!("the token lookup failed: {e}")))??;
        let request = build_request(options, token.as_deref())?;
        match handshake::open(&request, &connection).await {
            Ok((ws, _protocol)) => {
                connected_once = true;
                attempt = 0;
                renderer.open(&options.url);
                let end = session(
                    options,
                    renderer,
                    ws,
                    &mut inputs,
                    &mut received,
                    &mut interrupts,
                    &mut faults,
                )
                .await?;
                match end {
                    End::Done => return finish(&faults),
                    End::OutputClosed => return Ok(ExitCode::Success),
                    End::OutputFailed(why) => return Err(Error::Output(why)),
                    End::InputFailed(why) => return Err(Error::Rejected(why)),
                    End::Normal if options.reconnect => {
                        renderer.info("the server closed the connection")
                    }
                    End::Abnormal(why) if options.reconnect => {
                        renderer.info(&format!("connection lost ({why})"))
                    }
                    End::Normal => return finish(&faults),
                    End::Abnormal(why) => {
                        return Err(Error::Rejected(format!(
                            "the connection ended abnormally: {why}"
                        )));
                    }
                }
            }
            Err(handshake::HandshakeError::Refused(refusal)) => {
                return Err(handshake_refused(options, &refusal, token.as_deref()));
            }
            Err(handshake::HandshakeError::Failed(e)) if options.reconnect && connected_once => {
                renderer.info(&format!("reconnect failed: {e}"));
            }
            Err(handshake::HandshakeError::Failed(e)) => return Err(e),
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

/// How to reach the server: the session's TLS policy (with the process's CA), and for an
/// `https://` proxy only the CAs (never `-n` or the client certificate, which are for the
/// server).
fn connection(options: &Options) -> Result<handshake::Connection> {
    let mut tls_options = options.tls.clone();
    if let Some(ca) = crate::tls::process_ca_file() {
        tls_options.ca.push(ca);
    }
    let proxy_tls = crate::tls::LazyConfig::new(crate::tls::TlsOptions {
        ca: tls_options.ca.clone(),
        ..Default::default()
    });
    let tls = crate::tls::LazyConfig::new(tls_options);
    if options
        .url
        .get(..6)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("wss://"))
    {
        // Built now, so that a bad --ca or client key is said before connecting.
        tls.get()?;
    }
    Ok(handshake::Connection {
        tls,
        proxy_tls,
        proxy: options.proxy.clone(),
        follow_redirects: options.follow_redirects,
        timeout: options.connect_timeout,
        ws_config: tungstenite::protocol::WebSocketConfig::default(),
    })
}

/// Opens a session with `options` (the demo's and tests' shortcut): the process's TLS policy,
/// no proxy unless the environment names one.
pub async fn open(
    options: &Options,
    token: Option<&str>,
) -> std::result::Result<Ws, handshake::HandshakeError> {
    let connection = connection(options)?;
    let request = build_request(options, token)?;
    handshake::open(&request, &connection)
        .await
        .map(|(ws, _)| ws)
}

/// How a close with `code` ends the session: an answer to our own close (`closing`) ends it
/// as done, unless the code is an error; 1000 and 1001 are normal; the rest are not.
fn close_end(code: u16, reason: &str, closing: bool) -> End {
    if closing && !is_error_close(code) {
        End::Done
    } else if code == 1000 || code == 1001 {
        End::Normal
    } else {
        End::Abnormal(format!("closed with {code}{}", reason_text(reason)))
    }
}

/// The exit of a session we ended: non-zero when input was refused on the way.
fn finish(faults: &Faults) -> Result<ExitCode> {
    if faults.unsent > 0 {
        return Err(Error::Rejected(format!(
            "{} message{} not sent (see above)",
            faults.unsent,
            if faults.unsent == 1 { " was" } else { "s were" }
        )));
    }
    Ok(ExitCode::Success)
}

/// The handshake request: the URL as typed (with the token's query parameter when asked), the
/// token's header, the user's headers, subprotocols, Origin and Host, names as typed.
pub fn build_request(options: &Options, token: Option<&str>) -> Result<handshake::Request> {
    let url = parse_url(&options.url)?;
    let mut request = handshake::Request {
        url: options.url.clone(),
        ..Default::default()
    };
    if let (Auth::Query(name), Some(t)) = (&options.auth, token) {
        let mut with_token = url.clone();
        with_token.query_pairs_mut().append_pair(name, t);
        request.url = with_token.to_string();
        request.credential_query = Some(name.clone());
    }
    let mut put = |name: &str, value: &str| -> Result<()> {
        check_header(name, value)?;
        request.headers.push((name.to_string(), value.to_string()));
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
    if let Some(host) = &options.host {
        put("Host", host)?;
    }
    if let Some(origin) = &options.origin {
        put("Origin", origin)?;
    }
    if !options.subprotocols.is_empty() {
        put("Sec-WebSocket-Protocol", &options.subprotocols.join(", "))?;
    }
    for (name, value) in &options.headers {
        put(name, value)?;
    }
    if let Auth::Header { name, .. } = &options.auth {
        request.credential_headers.push(name.clone());
    }
    Ok(request)
}

/// `Name: value` from `-H`, the name as typed.
pub fn parse_header(text: &str) -> Result<(String, String)> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            let (name, value) = (name.trim(), value.trim());
            check_header(name, value)?;
            Ok((name.to_string(), value.to_string()))
        }
        _ => Err(Error::Usage(format!(
            "header {:?} is not `Name: value`",
            crate::sanitize::excerpt(text, 100)
        ))),
    }
}

/// One line for a refused handshake, with a hint for 401 and 403.
fn handshake_refused(options: &Options, refusal: &Refusal, token: Option<&str>) -> Error {
    if options.verbose {
        for (k, v) in &refusal.headers {
            crate::output::info(&format!("< {k}: {}", crate::sanitize::for_terminal(v)));
        }
    }
    let body = String::from_utf8_lossy(&refusal.body);
    let status = refusal.status;
    let mut line = format!("the server refused the WebSocket handshake: HTTP {status}");
    if !body.trim().is_empty() {
        line.push_str(&format!(" {}", crate::sanitize::excerpt(body.trim(), 200)));
    }
    let claims = token
        .and_then(|t| cwsauth_verify::decode(t).ok())
        .map(|d| d.claims);
    match status {
        401 if matches!(options.auth, Auth::None) || token.is_none() => {
            line.push_str("; no token was sent (--no-auth), and the authorizer needs one");
        }
        401 => {
            let now = crate::timefmt::now_epoch();
            let expiry = claims
                .as_ref()
                .and_then(|c| cwsauth_verify::number(c, "exp"))
                .filter(|exp| *exp <= now)
                .map(|exp| format!(" (the token {})", crate::timefmt::relative("exp", exp, now)))
                .unwrap_or_default();
            line.push_str(&format!(
                "; the authorizer refused the token{expiry}: `cwsauth verify` shows why"
            ));
        }
        403 => {
            let principal = claims
                .as_ref()
                .map(cwsauth_verify::authorizer::principal_of)
                .filter(|p| p != "unknown")
                .map(|p| format!(" for principal {}", crate::sanitize::excerpt(&p, 100)))
                .unwrap_or_default();
            line.push_str(&format!(
                "; the authorizer's policy denies the connection{principal}: `cwsauth verify --authorizer` shows the policy"
            ));
        }
        _ => {}
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
            match String::from_utf8(data) {
                Ok(text) => Message::text(text),
                Err(e) => Message::binary(e.into_bytes()),
            }
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

#[allow(clippy::too_many_arguments)]
async fn session(
    options: &Options,
    renderer: &mut Renderer,
    ws: Ws,
    inputs: &mut tokio::sync::mpsc::Receiver<Vec<Input>>,
    received: &mut u64,
    interrupts: &mut Interrupts,
    faults: &mut Faults,
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
        faults,
    )
    .await;
    // What was queued before the end (a close above all) still goes out, briefly.
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.drain(&mut wire)).await;
    end
}

/// Queued messages above which input waits (a bound on memory while the server is slow).
const OUTBOX_LIMIT: usize = 256;
/// How long we wait for the server to answer our close.
const CLOSE_ANSWER: Duration = Duration::from_secs(1);
/// After Ctrl-C, longer: the user can press it again to quit at once.
const CLOSE_ANSWER_INTERRUPTED: Duration = Duration::from_secs(5);

type Wire = futures_util::stream::SplitSink<Ws, Message>;
type Incoming = futures_util::stream::Peekable<futures_util::stream::SplitStream<Ws>>;

/// Where the session is on its way out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Taking input and printing frames.
    Open,
    /// The input has ended: waiting for replies until none has come for `--wait`.
    Lingering,
    /// Our close is sent: waiting (briefly) for the server's.
    Closing,
}

#[allow(clippy::too_many_arguments)]
async fn session_body(
    options: &Options,
    renderer: &mut Renderer,
    wire: &mut Wire,
    stream: &mut Incoming,
    sink: &mut Outbox,
    inputs: &mut tokio::sync::mpsc::Receiver<Vec<Input>>,
    received: &mut u64,
    interrupts: &mut Interrupts,
    faults: &mut Faults,
) -> Result<End> {
    let max_frame = options.max_frame_size.max(1);
    for command in &options.execute {
        if command.len() > MAX_MESSAGE {
            faults.unsent += 1;
            renderer.error(&format!(
                "not sent: a -x message of {} bytes is over API Gateway's {MAX_MESSAGE}-byte limit",
                command.len()
            ));
            continue;
        }
        if let Err(e) = send_data(
            sink,
            command.clone().into_bytes(),
            options.binary,
            max_frame,
        )
        .await
        {
            return Ok(End::Abnormal(crate::http::error_chain(&e)));
        }
    }
    let _ = sink.flush().await;
    let keep_open = options.wait < 0.0;
    let linger = Duration::from_secs_f64(options.wait.max(0.0));
    let mut phase = Phase::Open;
    let mut deadline: Option<Instant> = None;
    let mut input_done = false;
    // -x (unless -w -1): the input is already over.
    if !options.execute.is_empty() && !keep_open {
        input_done = true;
        phase = Phase::Lingering;
        deadline = Some(Instant::now() + linger);
    }
    let mut ping_timer = options
        .ping_interval
        .map(|i| tokio::time::interval_at(Instant::now() + i, i));
    let mut ping_sent: Option<Instant> = None;
    let mut close_info: Option<(u16, String)> = None;
    // The end decided by the input side, reported once the close is done.
    let mut pending_end: Option<End> = None;
    // A person at a prompt: Ctrl-C reaches us as input, also while closing.
    let interactive = renderer.printer.is_some();
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
                    quit_now(renderer);
                }
                if phase != Phase::Closing {
                    close_on_interrupt(renderer, sink, &mut phase, &mut deadline);
                }
            }
            frame = stream.next() => {
                let Some(frame) = frame else {
                    renderer.flush();
                    let closing = phase == Phase::Closing;
                    return Ok(pending_end.take().unwrap_or(match close_info {
                        Some((code, reason)) => {
                            renderer.close(Some(code), &reason);
                            close_end(code, &reason, closing)
                        }
                        None if closing => {
                            renderer.close(None, "");
                            End::Done
                        }
                        None => {
                            renderer.close(None, "");
                            End::Abnormal("the connection dropped without a close frame".into())
                        }
                    }));
                };
                let counted = options.max_messages.is_some_and(|max| *received >= max);
                // Only replies keep a lingering session open; pings and pongs do not.
                let is_data = matches!(frame, Ok(Message::Text(_) | Message::Binary(_)));
                match frame {
                    // Past --max-messages nothing more is printed.
                    Ok(Message::Text(_) | Message::Binary(_)) if counted => {}
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
                        if let Some((code, reason)) = close_info {
                            // The close arrived; what follows it (a reset) does not change how it ended.
                            renderer.close(Some(code), &reason);
                            return Ok(pending_end
                                .take()
                                .unwrap_or_else(|| close_end(code, &reason, phase == Phase::Closing)));
                        }
                        if phase == Phase::Closing {
                            return Ok(pending_end.take().unwrap_or(End::Done));
                        }
                        renderer.error(&why);
                        return Ok(End::Abnormal(why));
                    }
                }
                if renderer.has_failed() {
                    return Ok(output_end(renderer));
                }
                if phase == Phase::Lingering && !keep_open && is_data {
                    // A reply came: the session stays until the replies stop.
                    deadline = Some(Instant::now() + linger);
                }
                let reached = options.max_messages.is_some_and(|max| *received >= max);
                if reached && phase != Phase::Closing {
                    renderer.flush();
                    start_close(sink, &mut phase, &mut deadline);
                }
            }
            sent = sink.drain(wire), if sink.pending() => {
                if let Err(e) = sent {
                    // After the server's close, a failed send is just the end of the connection.
                    if close_info.is_none() && phase != Phase::Closing {
                        return Ok(End::Abnormal(crate::http::error_chain(&e)));
                    }
                }
            }
            batch = inputs.recv(), if !input_done
                && ((phase == Phase::Open && sink.len() < OUTBOX_LIMIT) || (phase == Phase::Closing && interactive)) => {
                let batch = batch.unwrap_or_else(|| vec![Input::Eof]);
                if phase == Phase::Closing {
                    // At the prompt while closing, only a second Ctrl-C counts.
                    if batch.iter().any(|i| matches!(i, Input::Interrupt)) {
                        quit_now(renderer);
                    }
                    if batch.iter().any(|i| matches!(i, Input::Eof | Input::Failed(_))) {
                        input_done = true;
                    }
                    continue;
                }
                for input in batch {
                    match input {
                        Input::Text(line) => {
                            if let Some(end) = handle_line(options, renderer, sink, line.into_bytes(), false, max_frame, faults).await {
                                if matches!(end, End::Done) {
                                    // /close sent our close with the user's code.
                                    phase = Phase::Closing;
                                    deadline = Some(Instant::now() + CLOSE_ANSWER);
                                    break;
                                }
                                return Ok(end);
                            }
                        }
                        Input::Bytes(bytes) => {
                            if let Some(end) = handle_line(options, renderer, sink, bytes, true, max_frame, faults).await {
                                return Ok(end);
                            }
                        }
                        Input::Refused { line, why } => {
                            faults.unsent += 1;
                            renderer.error(&format!("line {line} of the input {why}; not sent"));
                        }
                        Input::Failed(why) => {
                            renderer.error(&why);
                            input_done = true;
                            pending_end = Some(End::InputFailed(why));
                            start_close(sink, &mut phase, &mut deadline);
                            break;
                        }
                        Input::Interrupt => {
                            // Ctrl-C at the prompt (the line editor takes it from the terminal).
                            interrupts.count += 1;
                            close_on_interrupt(renderer, sink, &mut phase, &mut deadline);
                            break;
                        }
                        Input::Eof => {
                            input_done = true;
                            if !keep_open {
                                phase = Phase::Lingering;
                                deadline = Some(Instant::now() + linger);
                            }
                            break;
                        }
                    }
                }
                if let Err(e) = sink.flush().await {
                    return Ok(End::Abnormal(crate::http::error_chain(&e)));
                }
            }
            _ = sleep => {
                match phase {
                    // No reply for --wait: close as wscat does, and give the server a moment.
                    Phase::Lingering | Phase::Open => start_close(sink, &mut phase, &mut deadline),
                    Phase::Closing => {
                        renderer.flush();
                        if close_info.is_none() {
                            renderer.close(None, "");
                        }
                        return Ok(pending_end.take().unwrap_or(End::Done));
                    }
                }
            }
            _ = tick, if phase != Phase::Closing => {
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
        if renderer.has_failed() {
            return Ok(output_end(renderer));
        }
    }
}

/// Queues our close (1000) and waits briefly for the server's answer.
fn start_close(sink: &mut Outbox, phase: &mut Phase, deadline: &mut Option<Instant>) {
    start_close_within(sink, phase, deadline, CLOSE_ANSWER);
}

fn start_close_within(
    sink: &mut Outbox,
    phase: &mut Phase,
    deadline: &mut Option<Instant>,
    wait: Duration,
) {
    *phase = Phase::Closing;
    *deadline = Some(Instant::now() + wait);
    sink.push(close_message(1000, ""));
}

/// The first Ctrl-C: a close with 1000, and a shorter wait for its answer.
fn close_on_interrupt(
    renderer: &mut Renderer,
    sink: &mut Outbox,
    phase: &mut Phase,
    deadline: &mut Option<Instant>,
) {
    renderer.info("closing (Ctrl-C again quits at once)");
    start_close_within(sink, phase, deadline, CLOSE_ANSWER_INTERRUPTED);
}

/// The second Ctrl-C: the terminal given back, and out at once with 130.
fn quit_now(renderer: &mut Renderer) -> ! {
    renderer.abandon_prompt();
    renderer.flush();
    terminal::restore();
    std::process::exit(ExitCode::Interrupted as i32);
}

/// How a failed stdout ends the session: quietly for a closed pipe.
fn output_end(renderer: &mut Renderer) -> End {
    match renderer.take_failure() {
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => End::OutputClosed,
        Some(e) => End::OutputFailed(crate::http::io_cause(&e)),
        None => End::Done,
    }
}

fn reason_text(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(" ({})", crate::sanitize::excerpt(reason, 100))
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

/// Sends a typed or piped line, or runs a slash command; `Some(End::Done)` asks for our
/// close (`/close`), any other `Some` ends the session.
async fn handle_line<S>(
    options: &Options,
    renderer: &mut Renderer,
    sink: &mut S,
    line: Vec<u8>,
    binary: bool,
    max_frame: usize,
    faults: &mut Faults,
) -> Option<End>
where
    S: futures_util::Sink<Message, Error = tungstenite::Error> + Unpin,
{
    if options.slash && !binary && line.starts_with(b"/") {
        let text = String::from_utf8_lossy(&line[1..]).into_owned();
        let mut parts = text.splitn(2, ' ');
        let command = parts.next().unwrap_or("");
        let rest = parts.next().unwrap_or("").to_string();
        let result = match command {
            "ping" => sink.feed(Message::Ping(rest.into_bytes().into())).await,
            "pong" => sink.feed(Message::Pong(rest.into_bytes().into())).await,
            "close" => {
                let mut words = rest.splitn(2, ' ');
                let code = words.next().and_then(|c| c.parse().ok()).unwrap_or(1000);
                let reason = words.next().unwrap_or("");
                // Our close, with the user's code: whatever the server answers, we are done.
                let _ = sink.feed(close_message(code, reason)).await;
                return Some(End::Done);
            }
            other => {
                renderer.error(&format!(
                    "unknown command /{}: /ping [data], /pong [data], /close [code [reason]]",
                    crate::sanitize::excerpt(other, 40)
                ));
                return None;
            }
        };
        return result.err().map(|e| End::Abnormal(e.to_string()));
    }
    if line.len() > MAX_MESSAGE {
        faults.unsent += 1;
        renderer.error(&format!(
            "not sent: the message is {} bytes, over API Gateway's {MAX_MESSAGE}-byte limit",
            line.len()
        ));
        return None;
    }
    send_data(sink, line, binary || options.binary, max_frame)
        .await
        .err()
        .map(|e| End::Abnormal(e.to_string()))
}
