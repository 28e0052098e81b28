//! The project's one HTTP client (reqwest on rustls), built only when a command needs the
//! network, so warm paths never load TLS roots. Owns the endpoint rule (https, or plain http to
//! a loopback address only), bounded body reads, and short causes for failures.

use std::io::Read;
use std::time::Duration;

/// Connect and whole-request timeouts: a stuck endpoint must fail, not hang.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Most an answer of Cognito's endpoints may be (token responses are a few KiB).
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024;

fn user_agent() -> String {
    format!("cwsauth/{}", env!("CARGO_PKG_VERSION"))
}

/// A failure to talk to an endpoint, worded for people: the URL once and a short cause.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpError {
    #[error("{url}: {cause}")]
    Transport { url: String, cause: String },
    #[error("{url} answered HTTP {status}{}", body_hint(.body))]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("{url}: the answer is over {limit} bytes")]
    TooLarge { url: String, limit: usize },
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

impl HttpError {
    /// The failure without the URL, for messages that name the URL themselves.
    pub fn reason(&self) -> String {
        match self {
            HttpError::Transport { cause, .. } => cause.clone(),
            HttpError::Status { status, body, .. } => format!("HTTP {status}{}", body_hint(body)),
            HttpError::TooLarge { limit, .. } => format!("the answer is over {limit} bytes"),
            HttpError::Client(why) => why.clone(),
        }
    }
}

fn body_hint(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        String::new()
    } else {
        format!(": {}", crate::sanitize::excerpt(body, 100))
    }
}

/// Why an endpoint URL is refused before any request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("bad {what} URL {url:?}: {why}")]
    Bad {
        what: &'static str,
        url: String,
        why: String,
    },
    #[error(
        "refusing {what} URL {url}: it must be https (plain http only to a loopback address such as 127.0.0.1)"
    )]
    Insecure { what: &'static str, url: String },
}

/// The one rule for every endpoint that sees a secret or hands out keys (hosted UI domain,
/// JSON API, JWKS, discovery, revocation): https, or http to a loopback address only.
pub fn check_endpoint(what: &'static str, url: &str) -> Result<url::Url, EndpointError> {
    let parsed = url::Url::parse(url).map_err(|e| EndpointError::Bad {
        what,
        url: crate::sanitize::excerpt(url, 100),
        why: e.to_string(),
    })?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        _ => Err(EndpointError::Insecure {
            what,
            url: crate::sanitize::excerpt(url, 100),
        }),
    }
}

/// The trust policy's configuration for reqwest: HTTP/1.1 only (the ALPN reqwest leaves to a
/// preconfigured backend).
fn tls_for_reqwest() -> Result<rustls::ClientConfig, HttpError> {
    let mut config =
        (*crate::tls::https_config().map_err(|e| HttpError::Client(e.to_string()))?).clone();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The settings both clients share: the trust policy, timeouts, no redirects, no retries (the
/// blocking and async builders are different types with no trait in common).
macro_rules! configured {
    ($builder:expr) => {
        $builder
            .tls_backend_preconfigured(tls_for_reqwest()?)
            .user_agent(user_agent())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .build()
            .map_err(|e| HttpError::Client(crate::cause::error_chain(&e)))
    };
}

/// The blocking client for synchronous commands (JWKS fetch, token refresh), built once per
/// process. Building it only fails when the TLS setup does, which is reported, never replaced
/// by a client without timeouts.
pub fn blocking_client() -> Result<reqwest::blocking::Client, HttpError> {
    static CLIENT: std::sync::OnceLock<Result<reqwest::blocking::Client, HttpError>> =
        std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| configured!(reqwest::blocking::Client::builder()))
        .clone()
}

/// An async client for code already inside a runtime.
pub fn async_client() -> Result<reqwest::Client, HttpError> {
    configured!(reqwest::Client::builder())
}

/// When an exchange that starts now must be over: one deadline for connecting, the head and
/// the whole body (reqwest's blocking timeout bounds each read, not a body that trickles).
pub fn deadline() -> std::time::Instant {
    std::time::Instant::now() + REQUEST_TIMEOUT
}

/// GETs `url` and reads at most `limit` bytes of a 2xx answer, stopping as soon as there
/// are more.
pub fn get_capped(url: &str, limit: usize) -> Result<Vec<u8>, HttpError> {
    let deadline = deadline();
    let response = blocking_client()?
        .get(url)
        .send()
        .map_err(|e| transport(url, &e))?;
    let status = response.status();
    if !status.is_success() {
        let body = read_capped(url, response, 4096, deadline).unwrap_or_default();
        return Err(HttpError::Status {
            url: url.to_string(),
            status: status.as_u16(),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    read_capped(url, response, limit, deadline)
}

/// Reads a response body, refusing it once it passes `limit` bytes (never holding more) or
/// once `deadline` (from [`deadline`], taken before the request was sent) has passed.
pub fn read_capped(
    url: &str,
    response: reqwest::blocking::Response,
    limit: usize,
    deadline: std::time::Instant,
) -> Result<Vec<u8>, HttpError> {
    let failed = |cause: String| HttpError::Transport {
        url: crate::redacted::redact_params(url),
        cause,
    };
    let mut body = Vec::new();
    let mut reader = response.take(limit as u64 + 1);
    let mut chunk = [0u8; 8192];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(failed(crate::cause::io_cause(&e))),
        };
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
        if std::time::Instant::now() > deadline {
            return Err(failed(format!(
                "timed out after {} s (the answer came too slowly)",
                REQUEST_TIMEOUT.as_secs()
            )));
        }
    }
    if body.len() > limit {
        return Err(HttpError::TooLarge {
            url: url.to_string(),
            limit,
        });
    }
    Ok(body)
}

/// A transport failure of `url` with its short cause.
pub fn transport(url: &str, error: &reqwest::Error) -> HttpError {
    HttpError::Transport {
        url: crate::redacted::redact_params(url),
        cause: cause(error),
    }
}

/// The short cause of a reqwest failure: "connection refused", "timed out after 5 s",
/// "TLS: certificate not trusted (UnknownIssuer)", "cannot resolve the host name".
pub fn cause(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return format!("timed out after {} s", REQUEST_TIMEOUT.as_secs());
    }
    if let Some(tls) = crate::cause::find::<rustls::Error>(error) {
        return crate::cause::tls_cause(tls);
    }
    if let Some(io) = crate::cause::find::<std::io::Error>(error) {
        return crate::cause::io_cause(crate::cause::innermost_io(io));
    }
    let text = crate::cause::error_chain(error);
    if text.contains("dns error") || text.contains("failed to lookup") {
        return "cannot resolve the host name".into();
    }
    // The innermost cause is the informative one; reqwest's outer layers repeat the URL.
    let mut innermost = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        innermost = e.to_string();
        source = e.source();
    }
    crate::redacted::redact_params(&innermost)
}

/// True for `localhost`, 127.0.0.0/8 and ::1.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// An HTTP failure as the oauth2 crate sees it.
#[derive(Debug, thiserror::Error)]
pub enum OauthHttpError {
    #[error("{0}")]
    Transport(String),
    /// A 5xx answer: the server failed.
    #[error("HTTP {status}")]
    Server { status: u16, body: String },
}

/// The project's blocking client as the oauth2 crate's HTTP client, logging each exchange
/// with secrets redacted; answers are read up to [`MAX_RESPONSE_BYTES`].
pub fn oauth_client()
-> Result<impl Fn(oauth2::HttpRequest) -> Result<oauth2::HttpResponse, OauthHttpError>, HttpError> {
    let client = blocking_client()?;
    Ok(move |request: oauth2::HttpRequest| {
        let (parts, body) = request.into_parts();
        let url = parts.uri.to_string();
        tracing::debug!(
            "{} {} {}",
            parts.method,
            crate::redacted::redact_params(&url),
            crate::redacted::redact_params(&String::from_utf8_lossy(&body))
        );
        let deadline = deadline();
        let mut builder = client.request(parts.method, &url).body(body);
        for (name, value) in &parts.headers {
            builder = builder.header(name, value);
        }
        let response = builder
            .send()
            .map_err(|e| OauthHttpError::Transport(cause(&e)))?;
        let status = response.status();
        tracing::debug!("-> HTTP {status}");
        let headers = response.headers().clone();
        let bytes = read_capped(&url, response, MAX_RESPONSE_BYTES, deadline)
            .map_err(|e| OauthHttpError::Transport(e.to_string()))?;
        if status.is_server_error() {
            return Err(OauthHttpError::Server {
                status: status.as_u16(),
                body: crate::sanitize::excerpt(String::from_utf8_lossy(&bytes).trim(), 100),
            });
        }
        let mut out = oauth2::HttpResponse::new(bytes);
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_https_or_loopback_http() {
        assert!(check_endpoint("JWKS", "https://cognito-idp.us-east-1.amazonaws.com/x").is_ok());
        for ok in [
            "http://127.0.0.1:9/x",
            "http://[::1]:9/x",
            "http://localhost:9/x",
            "http://127.1.2.3/",
        ] {
            assert!(check_endpoint("JWKS", ok).is_ok(), "{ok}");
        }
        assert_eq!(
            check_endpoint("domain", "http://example.com/x"),
            Err(EndpointError::Insecure {
                what: "domain",
                url: "http://example.com/x".into()
            })
        );
        assert!(matches!(
            check_endpoint("domain", "ftp://127.0.0.1/"),
            Err(EndpointError::Insecure { .. })
        ));
        assert!(matches!(
            check_endpoint("domain", "not a url"),
            Err(EndpointError::Bad { .. })
        ));
    }
}
