//! `cwsauth connect`: an authenticated WebSocket session (tokio-tungstenite) with wscat's
//! flags and console, plus what wscat lacks: queued input, replies kept at the end of input,
//! keepalive, reconnect, binary done right, API Gateway's size limits, bounded memory on any
//! input. Never prints the token; always gives the terminal back. `mod.rs` runs connection
//! after connection; `session.rs` is one connection.

pub(crate) mod answer;
mod console;
mod frames;
mod handshake;
mod interrupts;
pub mod outbox;
mod proxy;
mod render;
pub(crate) mod request;
mod session;
mod slash;
mod terminal;
pub mod transport;

use std::sync::Arc;
use std::time::Duration;

use crate::{Error, ExitCode, Result};
pub use console::Input;
pub use handshake::{HandshakeError, Refusal};
use interrupts::Interrupts;
pub use render::{BinaryFormat, Renderer};
pub use request::{Request, build_request, check_header, parse_header, parse_url};
use session::{Session, Shared};
pub use transport::{Connection, Ws};

/// How long TCP, TLS and the handshake together may take, unless `--connect-timeout` says.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a ping may go unanswered, unless `--ping-timeout` says.
pub const PING_TIMEOUT: Duration = Duration::from_secs(10);

/// How the token is attached.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    Header {
        name: String,
        scheme: String,
    },
    Query(String),
    /// SigV4 for execute-api, signed again before each attempt with credentials asked again
    /// (kept ones while they last, fresh ones after).
    Iam {
        credentials: CredentialSource,
        region: String,
        /// A presigned URL instead of headers.
        query: bool,
    },
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
            ping_timeout: PING_TIMEOUT,
            reconnect: false,
            max_messages: None,
            max_frame_size: crate::quotas::MAX_FRAME,
            follow_redirects: None,
            proxy: None,
            connect_timeout: CONNECT_TIMEOUT,
            verbose: false,
        }
    }
}

/// Where a token comes from before each attempt (blocking: a refresh is an HTTP call, so it
/// runs off the async runtime).
pub type TokenSource = Arc<dyn Fn() -> Result<Option<String>> + Send + Sync>;

/// Where AWS credentials come from before each attempt (blocking, like [`TokenSource`]).
#[derive(Clone)]
pub struct CredentialSource(pub Arc<dyn Fn() -> Result<crate::sigv4::Credentials> + Send + Sync>);

impl std::fmt::Debug for CredentialSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CredentialSource")
    }
}

/// How one connection ended.
pub enum End {
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
    /// A second Ctrl-C: out at once.
    Interrupted,
}

/// A handshake the server refused, with what a hint needs: whether a token was sent and what
/// it claimed (never the token itself).
#[derive(Debug)]
pub struct Refused {
    pub refusal: Refusal,
    pub url: String,
    pub sent_token: bool,
    pub claims: Option<serde_json::Map<String, serde_json::Value>>,
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
    let console = if options.execute.is_empty() || options.wait < 0.0 {
        console::spawn(interactive, options.binary, crate::quotas::MAX_MESSAGE)
    } else {
        // -x without -w -1: the commands are the whole input.
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        drop(tx);
        console::Console {
            inputs: rx,
            printer: None,
            interrupts: None,
            resume: None,
        }
    };
    renderer.printer = console.printer;
    let mut shared = Shared {
        options: &options,
        renderer,
        inputs: console.inputs,
        interrupts: runtime
            .block_on(async { Interrupts::new(console.interrupts, console.resume) })?,
        received: 0,
        faults: Default::default(),
    };
    let result = runtime.block_on(connections(&mut shared, token));
    // The console thread may still be reading: the runtime does not wait for it.
    runtime.shutdown_background();
    let renderer = &mut shared.renderer;
    if matches!(result, Ok(ExitCode::Interrupted)) {
        renderer.abandon_prompt();
    }
    renderer.flush();
    match renderer.take_failure() {
        Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe && result.is_ok() => {
            Err(Error::Output(crate::cause::io_cause(&e)))
        }
        _ => result,
    }
}

/// Connection after connection: one, or more with `--reconnect`.
async fn connections(shared: &mut Shared<'_>, token: TokenSource) -> Result<ExitCode> {
    let options = shared.options;
    let connection = Connection::for_session(options)?;
    let mut attempt = 0u32;
    let mut connected_once = false;
    loop {
        // Until the session runs, Ctrl-C (the signal, or at the prompt) quits at once: in the
        // token lookup or refresh, DNS, TCP, TLS, the proxy, the handshake and the back-off.
        shared.interrupts.seen();
        let source = token.clone();
        let lookup = tokio::task::spawn_blocking(move || source());
        let token = tokio::select! {
            token = lookup => token
                .map_err(|e| Error::Local(format!("the token lookup failed: {e}")))??,
            _ = shared.interrupts.any() => return Ok(ExitCode::Interrupted),
        };
        let aws = match &options.auth {
            Auth::Iam { credentials, .. } => {
                let source = credentials.0.clone();
                let lookup = tokio::task::spawn_blocking(move || source());
                tokio::select! {
                    got = lookup => Some(got.map_err(|e| {
                        Error::Local(format!("the credentials lookup failed: {e}"))
                    })??),
                    _ = shared.interrupts.any() => return Ok(ExitCode::Interrupted),
                }
            }
            _ => None,
        };
        let request = build_request(options, token.as_deref(), aws.as_ref())?;
        let opened = tokio::select! {
            opened = handshake::open(&request, &connection) => opened,
            _ = shared.interrupts.any() => return Ok(ExitCode::Interrupted),
        };
        match opened {
            Ok((ws, _protocol)) => {
                connected_once = true;
                attempt = 0;
                shared.renderer.open(&options.url);
                let end = Session::new(shared, ws).run().await?;
                let renderer = &mut shared.renderer;
                match end {
                    End::Done => return finish(&shared.faults),
                    End::Interrupted => return Ok(ExitCode::Interrupted),
                    End::OutputClosed => return Ok(ExitCode::Success),
                    End::OutputFailed(why) => return Err(Error::Output(why)),
                    End::InputFailed(why) => return Err(Error::Rejected(why)),
                    End::Normal if options.reconnect => {
                        renderer.info("the server closed the connection")
                    }
                    End::Abnormal(why) if options.reconnect => {
                        renderer.info(&format!("connection lost ({why})"))
                    }
                    End::Normal => return finish(&shared.faults),
                    End::Abnormal(why) => {
                        return Err(Error::Rejected(format!(
                            "the connection ended abnormally: {why}"
                        )));
                    }
                }
            }
            Err(HandshakeError::Refused(refusal)) => {
                return Err(Error::Refused(Box::new(Refused {
                    refusal,
                    url: request.shown(&options.url),
                    sent_token: token.is_some() && !matches!(options.auth, Auth::None),
                    claims: token
                        .as_deref()
                        .and_then(|t| cwsauth_verify::decode(t).ok())
                        .map(|d| d.claims),
                })));
            }
            Err(HandshakeError::Failed(e)) if options.reconnect && connected_once => {
                shared.renderer.info(&format!("reconnect failed: {e}"));
            }
            Err(HandshakeError::Failed(e)) => return Err(e),
        }
        attempt += 1;
        // 1, 2, 4, … seconds, at most 30.
        let delay = Duration::from_secs(1u64 << (attempt - 1).min(5)).min(Duration::from_secs(30));
        shared.renderer.info(&format!(
            "reconnecting in {}s (attempt {attempt}) with a fresh {}",
            delay.as_secs(),
            if aws.is_some() { "signature" } else { "token" }
        ));
        shared.renderer.flush();
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = shared.interrupts.any() => return Ok(ExitCode::Interrupted),
        }
    }
}

/// Opens a session with `options` (the demo's and tests' shortcut): the process's TLS policy,
/// no proxy unless the environment names one.
pub async fn open(
    options: &Options,
    token: Option<&str>,
) -> std::result::Result<Ws, HandshakeError> {
    let connection = Connection::for_session(options)?;
    let request = build_request(options, token, None)?;
    handshake::open(&request, &connection)
        .await
        .map(|(ws, _)| ws)
}

/// The exit of a session we ended: non-zero when input was refused on the way.
fn finish(faults: &session::Faults) -> Result<ExitCode> {
    if faults.unsent > 0 {
        return Err(Error::Rejected(format!(
            "{} message{} not sent (see above)",
            faults.unsent,
            if faults.unsent == 1 { " was" } else { "s were" }
        )));
    }
    Ok(ExitCode::Success)
}

/// How a failed stdout ends the session: quietly for a closed pipe.
fn output_end(renderer: &mut Renderer) -> End {
    match renderer.take_failure() {
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => End::OutputClosed,
        Some(e) => End::OutputFailed(crate::cause::io_cause(&e)),
        None => End::Done,
    }
}
