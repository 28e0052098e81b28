//! The TCP leg of a session: straight to the server, or through an HTTP(S) proxy's CONNECT
//! tunnel (hyper-util's `Tunnel`), chosen by `--proxy` or the environment (`HTTPS_PROXY`,
//! `ALL_PROXY`, and `NO_PROXY` with hyper-util's matcher: domains, IPs, CIDRs, `*`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::Uri;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

use super::transport::{Connection, Io};
use crate::{Error, Result};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A stream to `url`'s host and port, through a proxy when one applies.
pub async fn connect(url: &url::Url, connection: &Connection) -> Result<Box<dyn Io>> {
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_matches(['[', ']'])
        .to_string();
    let port = url.port_or_known_default().unwrap_or(80);
    // Every WebSocket goes through a CONNECT tunnel, as TLS does: the https rules apply.
    let bracketed = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.clone()
    };
    let probe: Uri = format!("https://{bracketed}:{port}/")
        .parse()
        .map_err(|e| Error::Usage(format!("bad host {host}: {e}")))?;
    let matcher = match &connection.proxy {
        Some(proxy) => Matcher::builder().all(proxy.as_str()).build(),
        None => Matcher::from_env(),
    };
    let Some(intercept) = matcher.intercept(&probe) else {
        tracing::debug!("connecting to {bracketed}:{port}");
        let tcp = TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| {
                Error::Network(format!(
                    "cannot connect to {bracketed}:{port}: {}",
                    crate::cause::io_cause(&e)
                ))
            })?;
        let _ = tcp.set_nodelay(true);
        return Ok(Box::new(tcp));
    };
    let proxy = intercept.uri().clone();
    let shown = format!(
        "{}://{}",
        proxy.scheme_str().unwrap_or("http"),
        proxy.authority().map(|a| a.as_str()).unwrap_or("")
    );
    let failed = |e: BoxError| {
        Error::Network(format!(
            "the proxy {shown} did not open a tunnel to {bracketed}:{port}: {}",
            tunnel_cause(e.as_ref())
        ))
    };
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    tracing::debug!("CONNECT {bracketed}:{port} through {shown}");
    match proxy.scheme_str() {
        Some("https") => {
            let inner = TlsToProxy {
                http,
                tls: tokio_rustls::TlsConnector::from(connection.proxy_tls.get()?),
            };
            let mut tunnel = Tunnel::new(proxy, inner);
            if let Some(auth) = intercept.basic_auth() {
                tunnel = tunnel.with_auth(auth.clone());
            }
            let io = tunnel.call(probe).await.map_err(|e| failed(Box::new(e)))?;
            Ok(Box::new(io.into_inner()))
        }
        Some("http") => {
            let mut tunnel = Tunnel::new(proxy, http);
            if let Some(auth) = intercept.basic_auth() {
                tunnel = tunnel.with_auth(auth.clone());
            }
            let io = tunnel.call(probe).await.map_err(|e| failed(Box::new(e)))?;
            Ok(Box::new(io.into_inner()))
        }
        other => Err(Error::Usage(format!(
            "proxy {shown}: the {} scheme is not supported; use an http:// or https:// proxy",
            other.unwrap_or("?")
        ))),
    }
}

/// The proxy's failure in a few words: the tunnel's error and its innermost cause.
fn tunnel_cause(error: &(dyn std::error::Error + 'static)) -> String {
    if let Some(io) = crate::cause::find::<std::io::Error>(error) {
        return crate::cause::io_cause(io);
    }
    crate::cause::error_chain(error)
}

/// TCP and then TLS to an `https://` proxy itself.
#[derive(Clone)]
struct TlsToProxy {
    http: HttpConnector,
    tls: tokio_rustls::TlsConnector,
}

impl Service<Uri> for TlsToProxy {
    type Response = TokioIo<tokio_rustls::client::TlsStream<TcpStream>>;
    type Error = BoxError;
    type Future =
        Pin<Box<dyn Future<Output = std::result::Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<std::result::Result<(), BoxError>> {
        self.http.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, proxy: Uri) -> Self::Future {
        let (mut http, tls) = (self.http.clone(), self.tls.clone());
        Box::pin(async move {
            let host = proxy
                .host()
                .ok_or("the proxy URL has no host")?
                .trim_matches(['[', ']'])
                .to_string();
            let tcp = http.call(proxy).await?.into_inner();
            let name = rustls::pki_types::ServerName::try_from(host)?;
            Ok(TokioIo::new(tls.connect(name, tcp).await?))
        })
    }
}
