//! What a session runs on: any byte stream (TCP, TLS, TLS through a proxy's TLS), the
//! WebSocket over it, and how to reach the server (TLS policy, proxy, redirects, one timeout).
//! The emulator's gateway runs its connections on the same [`Io`].

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use super::Options;
use crate::Result;

/// Any byte stream the session can run on (TCP, TLS, TLS through a proxy's TLS).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The session's stream.
pub type Ws = WebSocketStream<Box<dyn Io>>;

/// How to reach the server.
#[derive(Clone)]
pub struct Connection {
    pub tls: crate::tls::LazyConfig,
    /// For an `https://` proxy: the trusted CAs only.
    pub proxy_tls: crate::tls::LazyConfig,
    /// `--proxy`, else the environment's HTTPS_PROXY / NO_PROXY.
    pub proxy: Option<String>,
    /// Most redirects to follow (`-L`), or none.
    pub follow_redirects: Option<u32>,
    /// TCP, TLS and the handshake together.
    pub timeout: Duration,
    pub ws_config: WebSocketConfig,
}

impl Connection {
    /// How a session with `options` reaches its server: the session's TLS policy (with the
    /// process's CA), and for an `https://` proxy only the CAs (never `-n` or the client
    /// certificate, which are for the server).
    pub fn for_session(options: &Options) -> Result<Connection> {
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
        Ok(Connection {
            tls,
            proxy_tls,
            proxy: options.proxy.clone(),
            follow_redirects: options.follow_redirects,
            timeout: options.connect_timeout,
            ws_config: WebSocketConfig::default(),
        })
    }
}
