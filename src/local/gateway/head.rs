//! The first request head of a connection, read by hand and kept as the client sent it
//! (header names in their own case, in order), bounded in size.

use std::net::SocketAddr;

use tokio::io::{AsyncRead, AsyncReadExt};

use crate::quotas::MAX_HEAD;

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
        crate::headers::header(&self.headers, name)
    }

    pub fn is_upgrade(&self) -> bool {
        let has = |name, token| crate::headers::has_token(&self.headers, name, token);
        self.method == "GET" && has("upgrade", "websocket") && has("connection", "upgrade")
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("/")
    }

    /// Query parameters, in order.
    pub fn query(&self) -> Vec<(String, String)> {
        self.target
            .split_once('?')
            .map(|(_, q)| super::super::respond::parse_pairs(q))
            .unwrap_or_default()
    }
}

/// What the bytes read so far make of a request head.
#[derive(Debug)]
pub enum Parsed {
    Complete(Head),
    /// More bytes are needed.
    Partial,
    /// Not an HTTP/1 request head.
    Invalid,
}

/// Parses a request head from the bytes read so far (at most 96 headers).
pub fn parse_head(buf: &[u8], peer: SocketAddr) -> Parsed {
    let mut raw = [httparse::EMPTY_HEADER; 96];
    let mut request = httparse::Request::new(&mut raw);
    match request.parse(buf) {
        Ok(httparse::Status::Complete(len)) => Parsed::Complete(Head {
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
        }),
        Ok(httparse::Status::Partial) => Parsed::Partial,
        Err(_) => Parsed::Invalid,
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
            match parse_head(&buf, peer) {
                Parsed::Complete(head) => return Some(Some(head)),
                Parsed::Partial if buf.len() < MAX_HEAD => continue,
                // Too big or not HTTP: hyper gives the answer.
                Parsed::Partial | Parsed::Invalid => return Some(None),
            }
        }
    };
    let head = read.await?;
    Some((head, buf))
}
