//! One port for everything: each connection sniffed for TLS (a ClientHello starts with 0x16),
//! its first request head read by hand, an upgrade handed to the gateway, anything else to
//! hyper and the route table here (path to handler), one log line per request.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::{Method, Request, Response};

use super::error::LocalError;
use super::ids::POOL_ID;
use super::respond::{self, Body};
use super::{
    Emulator, Options, connections, gateway, hosted_ui, json_api, oauth_endpoints, user_pool,
};
use cwsauth_verify::signing::jwks_document;

/// A running emulator: its address, and a handle that stops it when dropped or on `stop`.
pub struct Running {
    pub emulator: Arc<Emulator>,
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops accepting and ends open connections.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Waits until the server stops.
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// How long a new connection may take to send its first request head (TLS included).
const FIRST_REQUEST: Duration = Duration::from_secs(10);

/// One connection: TLS or plain on the same port (a TLS ClientHello starts with 0x16); a
/// WebSocket upgrade goes to the gateway with its head as sent, anything else to hyper with
/// the bytes read so far replayed.
async fn serve(emu: Arc<Emulator>, tcp: tokio::net::TcpStream, peer: SocketAddr) {
    let _ = tcp.set_nodelay(true);
    // The first byte, TLS and the request head within one bound: a client that connects and
    // says nothing does not hold a task until the emulator stops.
    let opened = tokio::time::timeout(FIRST_REQUEST, async {
        let mut first = [0u8; 1];
        let tls = matches!(tcp.peek(&mut first).await, Ok(1) if first[0] == 0x16);
        let mut io: Box<dyn crate::connect::transport::Io> = if tls {
            Box::new(emu.tls.acceptor.accept(tcp).await.ok()?)
        } else {
            Box::new(tcp)
        };
        let (head, read) = gateway::read_head(&mut io, peer).await?;
        Some((io, head, read))
    })
    .await;
    let Ok(Some((io, head, read))) = opened else {
        return;
    };
    if let Some(head) = head.filter(gateway::Head::is_upgrade) {
        return gateway::handshake(emu, head, read, io).await;
    }
    let service = hyper::service::service_fn(move |req| {
        let emu = emu.clone();
        async move { Ok::<_, Infallible>(handle(emu, req).await) }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(Replay::new(read, io)), service)
        .await;
}

/// A stream whose first bytes were already read: they are handed out again first.
struct Replay<S> {
    read: Vec<u8>,
    at: usize,
    inner: S,
}

impl<S> Replay<S> {
    fn new(read: Vec<u8>, inner: S) -> Replay<S> {
        Replay { read, at: 0, inner }
    }
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Replay<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if self.at < self.read.len() {
            let n = buf.remaining().min(self.read.len() - self.at);
            let at = self.at;
            buf.put_slice(&self.read[at..at + n]);
            self.at += n;
            return std::task::Poll::Ready(Ok(()));
        }
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Replay<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Binds and starts serving on the current tokio runtime.
pub async fn start(options: Options) -> Result<Running, LocalError> {
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| LocalError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| LocalError::Bind { addr, source })?;
    let emulator = Arc::new(Emulator::new(options, addr).await?);
    if let Some(endpoint) = &emulator.options.aws_endpoint
        && !emulator.options.tables.is_empty()
    {
        for name in super::services::create_tables(endpoint, &emulator.options.tables).await? {
            emulator.log(&format!("table {name} created at {endpoint}"));
        }
    }
    let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
    let emu = emulator.clone();
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = &mut rx => break,
                accepted = listener.accept() => {
                    let Ok((stream, peer)) = accepted else { continue };
                    let emu = emu.clone();
                    let mut stopped = emu.stopping.subscribe();
                    tokio::spawn(async move {
                        tokio::select! {
                            _ = serve(emu, stream, peer) => {}
                            _ = stopped.changed() => {}
                        }
                    });
                }
            }
        }
        let _ = emu.stopping.send(true);
        emu.stop_functions();
    });
    Ok(Running {
        emulator,
        addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// Answers one HTTP request and logs it.
async fn handle(emu: Arc<Emulator>, req: Request<Incoming>) -> Response<Body> {
    let started = Instant::now();
    let method = req.method().clone();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
    let host = req
        .headers()
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    // The JSON API's operation, for the log line.
    let operation = req
        .headers()
        .get("x-amz-target")
        .and_then(|t| t.to_str().ok())
        .and_then(|t| t.rsplit('.').next())
        .filter(|op| {
            !op.is_empty() && op.len() <= 64 && op.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        .map(|op| format!(" ({op})"))
        .unwrap_or_default();
    let response = if super::hosts::allowed(host.as_deref(), emu.options.bind) {
        route(emu.clone(), req).await
    } else {
        emu.log(&format!(
            "refused a request{}",
            super::hosts::refusal_note(host.as_deref())
        ));
        respond::json(
            400,
            &serde_json::json!({"message": "Bad Request: unknown Host"}),
        )
    };
    let note = response
        .extensions()
        .get::<respond::LogNote>()
        .map(|n| format!(" ({})", crate::sanitize::for_terminal(&n.0)))
        .unwrap_or_default();
    emu.log(&format!(
        "{method} {} {} {}ms{operation}{note}",
        crate::sanitize::for_terminal(&crate::redacted::redact_params(&path_and_query)),
        response.status().as_u16(),
        started.elapsed().as_millis()
    ));
    response
}

/// The route table.
async fn route(emu: Arc<Emulator>, req: Request<Incoming>) -> Response<Body> {
    let path = req.uri().path().to_string();
    let pool_prefix = format!("/{POOL_ID}/.well-known/");
    if let Some((stage, id)) = connections::parse_path(&path) {
        return connections::handle(&emu, req, stage, id).await;
    }
    if req.headers().get(hyper::header::UPGRADE).is_some() {
        // An upgrade after another request on the same connection: open a new one.
        return respond::json(
            400,
            &serde_json::json!({"message": "Bad Request: open a new connection for a WebSocket"}),
        );
    }
    match (req.method(), path.as_str()) {
        (&Method::GET, "/oauth2/authorize") => hosted_ui::authorize(&emu, &req),
        (&Method::GET, "/login") => hosted_ui::login_form(&emu, &req),
        (&Method::POST, "/login") => {
            let query = req.uri().query().unwrap_or("").to_string();
            let xsrf = respond::cookie(&req, "XSRF-TOKEN");
            match respond::read_form(req).await {
                Ok(form) => hosted_ui::login_submit(&emu, &query, &form, xsrf.as_deref()),
                Err(resp) => resp,
            }
        }
        (&Method::GET, "/login/cancel") => hosted_ui::cancel(&emu, &req),
        (&Method::GET, p @ ("/signup" | "/forgotPassword")) => {
            super::account_pages::page(&emu, p, req.uri().query().unwrap_or(""))
                .unwrap_or_else(|| respond::json(404, &serde_json::json!({"message": "Not Found"})))
        }
        (
            &Method::POST,
            p @ ("/signup" | "/confirmUser" | "/forgotPassword" | "/confirmForgotPassword"),
        ) => {
            let (path, query) = (p.to_string(), req.uri().query().unwrap_or("").to_string());
            let xsrf = respond::cookie(&req, "XSRF-TOKEN");
            match respond::read_form(req).await {
                Ok(form) => {
                    super::account_pages::submit(&emu, &path, &query, &form, xsrf.as_deref())
                        .unwrap_or_else(|| {
                            respond::json(404, &serde_json::json!({"message": "Not Found"}))
                        })
                }
                Err(resp) => resp,
            }
        }
        (&Method::GET, "/logout") => hosted_ui::logout(&emu, &req),
        (&Method::POST, "/oauth2/token") => oauth_endpoints::token(&emu, req).await,
        (&Method::POST, "/oauth2/revoke") => oauth_endpoints::revoke(&emu, req).await,
        (&Method::GET | &Method::POST, "/oauth2/userInfo") => oauth_endpoints::userinfo(&emu, &req),
        (&Method::POST, "/") => json_api::handle(&emu, req).await,
        (&Method::GET, "/_local/messages") => {
            super::outbox::list(&emu, req.uri().query().unwrap_or(""))
        }
        (&Method::GET, p) if p.starts_with(&pool_prefix) => match &p[pool_prefix.len()..] {
            "jwks.json" => respond::json(200, &jwks_document(&[&emu.access_key, &emu.id_key])),
            "openid-configuration" => respond::json(200, &user_pool::openid_configuration(&emu)),
            _ => respond::not_found(),
        },
        _ => respond::not_found(),
    }
}
