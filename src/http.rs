//! The project's one HTTP client (reqwest on rustls), built only when a command needs the
//! network, so warm paths never load TLS roots.

use std::time::Duration;

/// Connect and whole-request timeouts: a stuck endpoint must fail, not hang.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

fn user_agent() -> String {
    format!("cwsauth/{}", env!("CARGO_PKG_VERSION"))
}

/// Installs aws-lc-rs as the process's rustls provider (the only one compiled in); every TLS
/// user (reqwest, the WebSocket client) calls this before building a config.
pub fn install_tls_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}

/// A blocking client for synchronous commands (JWKS fetch, token refresh).
pub fn blocking_client() -> reqwest::blocking::Client {
    install_tls_provider();
    reqwest::blocking::Client::builder()
        .user_agent(user_agent())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|_| reqwest::blocking::Client::new())
}

/// An async client for code already inside a runtime.
pub fn async_client() -> reqwest::Client {
    install_tls_provider();
    reqwest::Client::builder()
        .user_agent(user_agent())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
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

/// An error and its causes on one line: "error sending request: connection refused".
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    // reqwest puts the URL in its messages; the URL may carry a code or token in its query.
    crate::redacted::redact_params(&text)
}

/// An HTTP failure as the oauth2 crate sees it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OauthHttpError(String);

/// The project's blocking client as the oauth2 crate's HTTP client, logging each exchange
/// with secrets redacted.
pub fn oauth_client() -> impl Fn(oauth2::HttpRequest) -> Result<oauth2::HttpResponse, OauthHttpError>
{
    let client = blocking_client();
    move |request: oauth2::HttpRequest| {
        let (parts, body) = request.into_parts();
        tracing::debug!(
            "{} {} {}",
            parts.method,
            crate::redacted::redact_params(&parts.uri.to_string()),
            crate::redacted::redact_params(&String::from_utf8_lossy(&body))
        );
        let mut builder = client
            .request(parts.method, parts.uri.to_string())
            .body(body);
        for (name, value) in &parts.headers {
            builder = builder.header(name, value);
        }
        let response = builder
            .send()
            .map_err(|e| OauthHttpError(error_chain(&e)))?;
        let status = response.status();
        tracing::debug!("-> HTTP {status}");
        let headers = response.headers().clone();
        let bytes = response
            .bytes()
            .map_err(|e| OauthHttpError(error_chain(&e)))?;
        let mut out = oauth2::HttpResponse::new(bytes.to_vec());
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        Ok(out)
    }
}
