//! The WebSocket opening handshake, done by hand so that header names go out exactly as typed
//! (API Gateway hands them to the Lambdas as the client sent them): TCP (or a proxy's CONNECT
//! tunnel), TLS for `wss://`, the HTTP/1.1 upgrade request, a bounded read of the answer, and
//! redirects that never carry credentials to another origin. Everything together is bounded by
//! one timeout.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::protocol::Role;

use super::answer::{check_accepted, parse_answer};
use super::request::{Request, parse_url};
use super::transport::{Connection, Io, Ws};
use crate::headers::header;
use crate::quotas::MAX_HEAD;
use crate::{Error, Result};

/// Most of a refusal's body that is kept for the message.
const MAX_BODY: usize = 8 * 1024;

/// A refused handshake: the status and what the server said.
#[derive(Debug)]
pub struct Refusal {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Why a connection attempt ended without a session.
#[derive(Debug)]
pub enum HandshakeError {
    /// The server answered with a non-101 status.
    Refused(Refusal),
    /// Anything else, worded.
    Failed(Error),
}

impl From<Error> for HandshakeError {
    fn from(e: Error) -> Self {
        HandshakeError::Failed(e)
    }
}

/// Opens the session: the whole handshake (and redirects) within `connection.timeout`.
pub async fn open(
    request: &Request,
    connection: &Connection,
) -> std::result::Result<(Ws, Option<String>), HandshakeError> {
    let shown = request.shown(&request.url);
    match tokio::time::timeout(connection.timeout, open_following(request, connection)).await {
        Ok(result) => result,
        Err(_) => Err(HandshakeError::Failed(Error::Network(format!(
            "timed out after {} s opening the WebSocket to {shown} (--connect-timeout to wait longer)",
            connection.timeout.as_secs_f64()
        )))),
    }
}

async fn open_following(
    request: &Request,
    connection: &Connection,
) -> std::result::Result<(Ws, Option<String>), HandshakeError> {
    let mut request = request.clone();
    let mut redirects = 0;
    loop {
        let url = parse_url(&request.url)?;
        let stream = super::proxy::connect(&url, connection).await?;
        let stream = if url.scheme() == "wss" {
            tls(stream, &url, &request, connection).await?
        } else {
            stream
        };
        match upgrade(stream, &url, &request, connection).await? {
            Upgrade::Open(ws, protocol) => return Ok((*ws, protocol)),
            Upgrade::Refused(refusal) => {
                let location = header(&refusal.headers, "location");
                let (Some(max), true, Some(location)) = (
                    connection.follow_redirects,
                    (300..400).contains(&refusal.status),
                    location,
                ) else {
                    return Err(HandshakeError::Refused(refusal));
                };
                redirects += 1;
                if redirects > max {
                    return Err(HandshakeError::Failed(Error::Network(format!(
                        "more than {max} redirects (--max-redirects to follow more)"
                    ))));
                }
                request = redirected(&request, &url, location)?;
            }
        }
    }
}

/// The request for a redirect's target: credentials stay only when scheme, host and port do;
/// a `wss` → `ws` downgrade is refused.
fn redirected(request: &Request, from: &url::Url, location: &str) -> Result<Request> {
    let next = from.join(location).map_err(|e| {
        Error::Network(format!(
            "the server redirected to {:?}, which is not a URL: {e}",
            crate::sanitize::excerpt(location, 200)
        ))
    })?;
    let next = match next.scheme() {
        "ws" | "wss" => next,
        // A redirect may name the http(s) form of the same endpoint.
        "http" | "https" => {
            let text = next.as_str().replacen("http", "ws", 1);
            url::Url::parse(&text).map_err(|e| Error::Network(e.to_string()))?
        }
        other => {
            return Err(Error::Network(format!(
                "the server redirected to a {other}:// URL; not following"
            )));
        }
    };
    if from.scheme() == "wss" && next.scheme() == "ws" {
        return Err(Error::Network(format!(
            "refusing to follow a redirect from wss:// to ws:// ({}): it would send the session in clear text",
            request.shown(next.as_str())
        )));
    }
    let same_origin = from.scheme() == next.scheme()
        && from.host_str() == next.host_str()
        && from.port_or_known_default() == next.port_or_known_default();
    let mut out = request.clone();
    out.url = next.to_string();
    if !same_origin {
        tracing::debug!("redirect to another origin: credentials dropped");
        out.headers.retain(|(name, _)| {
            !name.eq_ignore_ascii_case("authorization")
                && !name.eq_ignore_ascii_case("cookie")
                && !request
                    .credential_headers
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(name))
        });
        if let Some(param) = &request.credential_query {
            let mut url = next.clone();
            let kept: Vec<(String, String)> = next
                .query_pairs()
                .filter(|(k, _)| k != param)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.set_query(None);
            if !kept.is_empty() {
                url.query_pairs_mut().extend_pairs(kept);
            }
            out.url = url.to_string();
        }
        out.credential_headers.clear();
        out.credential_query = None;
    }
    Ok(out)
}

async fn tls(
    stream: Box<dyn Io>,
    url: &url::Url,
    request: &Request,
    connection: &Connection,
) -> Result<Box<dyn Io>> {
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_matches(['[', ']'])
        .to_string();
    let name = rustls::pki_types::ServerName::try_from(host.clone())
        .map_err(|_| Error::Usage(format!("{host} is not a valid TLS server name")))?;
    tracing::debug!("TLS with {host}");
    let connector = tokio_rustls::TlsConnector::from(connection.tls.get()?);
    let stream = connector.connect(name, stream).await.map_err(|e| {
        let cause = match crate::cause::find::<rustls::Error>(&e) {
            Some(tls) => crate::cause::tls_cause(tls),
            None => crate::cause::io_cause(&e),
        };
        Error::Network(format!(
            "cannot open the WebSocket to {}: {cause}",
            request.shown(url.as_str())
        ))
    })?;
    Ok(Box::new(stream))
}

enum Upgrade {
    Open(Box<Ws>, Option<String>),
    Refused(Refusal),
}

/// The upgrade request's bytes: request line, `Host`, the handshake headers, then the user's
/// headers exactly as typed (a typed `Host` or `Origin` replaces ours).
fn request_bytes(url: &url::Url, request: &Request, key: &str) -> Vec<u8> {
    // The path and query as typed ($default stays $default).
    let typed = request.url.as_str();
    let after_scheme = typed.split_once("://").map_or(typed, |(_, rest)| rest);
    let path = match after_scheme.find(['/', '?']) {
        Some(i) if after_scheme[i..].starts_with('?') => format!("/{}", &after_scheme[i..]),
        Some(i) => after_scheme[i..].to_string(),
        None => "/".to_string(),
    };
    let path = path.split('#').next().unwrap_or("/").to_string();
    let host = crate::headers::host_of(url);
    let typed_has = |name: &str| {
        request
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    let mut out = format!("GET {path} HTTP/1.1\r\n");
    if !typed_has("host") {
        out.push_str(&format!("Host: {host}\r\n"));
    }
    out.push_str("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
    out.push_str(&format!("Sec-WebSocket-Key: {key}\r\n"));
    for (name, value) in &request.headers {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// The request head as `-v` shows it: credentials (the token's header, `Authorization`,
/// `Cookie`, the token's query parameter, anything shaped as a secret) redacted.
fn shown_head(bytes: &[u8], request: &Request) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let secret = |name: &str| {
        name.eq_ignore_ascii_case("authorization")
            || name.eq_ignore_ascii_case("cookie")
            || name.eq_ignore_ascii_case("x-amz-security-token")
            || request
                .credential_headers
                .iter()
                .any(|c| c.eq_ignore_ascii_case(name))
    };
    text.split("\r\n")
        .filter(|line| !line.is_empty())
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                return request.shown(line);
            }
            match line.split_once(": ") {
                Some((name, value)) if secret(name) => {
                    // Keep the scheme (`Bearer`), never the credential.
                    let scheme = value
                        .split_once(' ')
                        .map(|(s, _)| format!("{s} "))
                        .unwrap_or_default();
                    format!("{name}: {scheme}(redacted)")
                }
                _ => crate::sanitize::for_terminal(line).into_owned(),
            }
        })
        .collect()
}

async fn upgrade(
    mut stream: Box<dyn Io>,
    url: &url::Url,
    request: &Request,
    connection: &Connection,
) -> Result<Upgrade> {
    let failed = |why: String| {
        Error::Network(format!(
            "cannot open the WebSocket to {}: {why}",
            request.shown(url.as_str())
        ))
    };
    let key = generate_key();
    let bytes = request_bytes(url, request, &key);
    if tracing::enabled!(tracing::Level::DEBUG) {
        for line in shown_head(&bytes, request) {
            tracing::debug!("> {line}");
        }
    }
    stream
        .write_all(&bytes)
        .await
        .map_err(|e| failed(crate::cause::io_cause(&e)))?;
    stream
        .flush()
        .await
        .map_err(|e| failed(crate::cause::io_cause(&e)))?;
    let mut buf = Vec::with_capacity(4096);
    let (status, headers, head_len) = loop {
        let mut chunk = [0u8; 4096];
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| failed(crate::cause::io_cause(&e)))?;
        if n == 0 {
            return Err(failed(
                "the server closed the connection before answering the handshake".into(),
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
        match parse_answer(&buf) {
            Ok(Some(answer)) => break answer,
            Ok(None) if buf.len() < MAX_HEAD => continue,
            Ok(None) => {
                return Err(failed(format!(
                    "the answer's head is over {MAX_HEAD} bytes"
                )));
            }
            Err(why) => return Err(failed(why)),
        }
    };
    if tracing::enabled!(tracing::Level::DEBUG) {
        tracing::debug!("< HTTP {status}");
        for (name, value) in &headers {
            tracing::debug!("< {name}: {}", crate::sanitize::for_terminal(value));
        }
    }
    let mut rest = buf.split_off(head_len);
    if status != 101 {
        // Keep what the body says (API Gateway: {"message":"Forbidden"}), bounded.
        let wanted = header(&headers, "content-length")
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0)
            .min(MAX_BODY);
        while rest.len() < wanted {
            let mut chunk = [0u8; 4096];
            match tokio::time::timeout(Duration::from_secs(2), stream.read(&mut chunk)).await {
                Ok(Ok(n)) if n > 0 => rest.extend_from_slice(&chunk[..n]),
                _ => break,
            }
        }
        rest.truncate(MAX_BODY);
        return Ok(Upgrade::Refused(Refusal {
            status,
            headers,
            body: rest,
        }));
    }
    let protocol = check_accepted(&headers, &key, request).map_err(failed)?;
    let ws = WebSocketStream::from_partially_read(
        stream,
        rest,
        Role::Client,
        Some(connection.ws_config),
    )
    .await;
    Ok(Upgrade::Open(Box::new(ws), protocol))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_head_hides_credentials() {
        let request = Request {
            url: "ws://h/p?token=SECRET1&x=1".into(),
            headers: vec![
                ("Authorization".into(), "Bearer SECRET2".into()),
                ("X-Key".into(), "SECRET3".into()),
                ("Origin".into(), "o".into()),
            ],
            credential_headers: vec!["x-key".into()],
            credential_query: Some("token".into()),
        };
        let url = url::Url::parse(&request.url).unwrap();
        let shown = shown_head(&request_bytes(&url, &request, "k"), &request).join("\n");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(
            shown.starts_with("GET /p?token=(redacted)&x=1 HTTP/1.1\n"),
            "{shown}"
        );
        assert!(
            shown.contains("\nAuthorization: Bearer (redacted)\n"),
            "{shown}"
        );
        assert!(shown.contains("\nX-Key: (redacted)\n"), "{shown}");
        assert!(shown.ends_with("\nOrigin: o"), "{shown}");
    }

    #[test]
    fn headers_go_out_as_typed_and_paths_as_typed() {
        let request = Request {
            url: "ws://127.0.0.1:9911/$default?x=1".into(),
            headers: vec![
                ("clientHeader".into(), "v".into()),
                ("Authorization".into(), "Bearer t".into()),
            ],
            ..Default::default()
        };
        let url = parse_url(&request.url).unwrap();
        let bytes = String::from_utf8(request_bytes(&url, &request, "k==")).unwrap();
        assert_eq!(
            bytes,
            "GET /$default?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9911\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: k==\r\nclientHeader: v\r\nAuthorization: Bearer t\r\n\r\n"
        );
        let bare = Request {
            url: "wss://h.example?y=2".into(),
            ..Default::default()
        };
        let bytes =
            String::from_utf8(request_bytes(&parse_url(&bare.url).unwrap(), &bare, "k")).unwrap();
        assert!(
            bytes.starts_with("GET /?y=2 HTTP/1.1\r\nHost: h.example\r\n"),
            "{bytes}"
        );
    }

    #[test]
    fn redirects_keep_credentials_only_on_the_same_origin() {
        let request = Request {
            url: "wss://a.example/x?token=T&k=1".into(),
            headers: vec![
                ("Authorization".into(), "Bearer T".into()),
                ("X-Token".into(), "T".into()),
                ("Cookie".into(), "c".into()),
                ("X-Other".into(), "o".into()),
            ],
            credential_headers: vec!["x-token".into()],
            credential_query: Some("token".into()),
        };
        let from = parse_url(&request.url).unwrap();
        let same = redirected(&request, &from, "/y?token=T").unwrap();
        assert_eq!(same.headers.len(), 4);
        let other = redirected(&request, &from, "wss://b.example/y?token=T&k=1").unwrap();
        assert_eq!(
            other.headers,
            vec![("X-Other".to_string(), "o".to_string())]
        );
        assert_eq!(other.url, "wss://b.example/y?k=1");
        let port = redirected(&request, &from, "wss://a.example:8443/y").unwrap();
        assert_eq!(port.headers.len(), 1);
        let down = redirected(&request, &from, "ws://a.example/y")
            .unwrap_err()
            .to_string();
        assert!(
            down.starts_with("refusing to follow a redirect from wss:// to ws://"),
            "{down}"
        );
    }
}
