//! The upgrade request a session sends: the URL as typed (with the token's query parameter
//! when asked), the token's header, the user's headers, subprotocols, Origin and Host, names as
//! typed; and the checks on what the user typed (URL, header names and values).

use super::{Auth, Options};
use crate::{Error, Result};

/// What goes into the upgrade request besides the URL.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The URL as typed (the token query parameter already added when asked).
    pub url: String,
    /// Headers as typed, the token's included, in order.
    pub headers: Vec<(String, String)>,
    /// Names of headers that carry credentials (dropped when a redirect changes origin).
    pub credential_headers: Vec<String>,
    /// The query parameter that carries the token, when it goes in the URL.
    pub credential_query: Option<String>,
}

impl Request {
    /// `url` as messages show it: secret parameters, and the token's own, redacted.
    pub fn shown(&self, url: &str) -> String {
        crate::redacted::redact_params_and(url, self.credential_query.as_deref())
    }
}

/// The handshake request: the URL as typed (with the token's query parameter when asked), the
/// token's header, the user's headers, subprotocols, Origin and Host, names as typed.
/// Signs the upgrade for execute-api: `Authorization`, `X-Amz-Date` (and the session token)
/// headers, or the presigned URL's `X-Amz-*` parameters; both count as credentials.
fn sign(
    request: &mut Request,
    url: &url::Url,
    host: Option<&str>,
    credentials: &crate::sigv4::Credentials,
    region: &str,
    query: bool,
) -> Result<()> {
    use crate::sigv4::{Location, sign_upgrade};
    let location = if query {
        Location::Query(std::time::Duration::from_secs(300))
    } else {
        Location::Headers
    };
    let signed = sign_upgrade(
        url,
        host,
        credentials,
        region,
        std::time::SystemTime::now(),
        location,
    )
    .map_err(|e| Error::Usage(e.to_string()))?;
    if query {
        request.url = signed.url;
        request.credential_query = Some("X-Amz-Signature".into());
    } else {
        for (name, value) in signed.headers {
            let secret = name.eq_ignore_ascii_case("authorization")
                || name.eq_ignore_ascii_case("x-amz-security-token");
            if secret {
                request.credential_headers.push(name.to_ascii_lowercase());
            }
            request.headers.push((name, value));
        }
    }
    Ok(())
}

/// `aws`: the credentials an [`Auth::Iam`] request is signed with (it is refused without).
pub fn build_request(
    options: &Options,
    token: Option<&str>,
    aws: Option<&crate::sigv4::Credentials>,
) -> Result<Request> {
    let url = parse_url(&options.url)?;
    let mut request = Request {
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
    if let Auth::Iam { region, query, .. } = &options.auth {
        let credentials = aws
            .ok_or_else(|| Error::Usage("an IAM-signed connection needs AWS credentials".into()))?;
        sign(
            &mut request,
            &url,
            options.host.as_deref(),
            credentials,
            region,
            *query,
        )?;
    }
    Ok(request)
}

/// Whether a scheme-less URL names a loopback host: `localhost`, `127.x.x.x` or `[::1]`.
fn is_loopback_host(text: &str) -> bool {
    let authority = text.split(['/', '?', '#']).next().unwrap_or("");
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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

/// `ws://` or `wss://` URL. Without a scheme, a loopback host (`localhost:8080/path`) is
/// `ws://`, as wscat assumes; another host gets a suggestion (it may well need `wss://`).
pub fn parse_url(text: &str) -> Result<url::Url> {
    if !text.contains("://") && is_loopback_host(text) {
        return parse_url(&format!("ws://{text}"));
    }
    if !text.contains("://") {
        return Err(Error::Usage(format!(
            "{} has no scheme: did you mean ws://{0} or wss://{0}?",
            crate::sanitize::excerpt(text, 200)
        )));
    }
    let url = url::Url::parse(text).map_err(|e| {
        Error::Usage(format!(
            "bad URL {}: {e}",
            crate::sanitize::excerpt(text, 200)
        ))
    })?;
    match url.scheme() {
        "ws" | "wss" => {}
        other => {
            return Err(Error::Usage(format!(
                "{} is a {other}:// URL; a WebSocket URL is ws:// or wss://",
                crate::sanitize::excerpt(text, 200)
            )));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Usage(format!(
            "{} has no host",
            crate::sanitize::excerpt(text, 200)
        )));
    }
    Ok(url)
}

/// Checks a header typed by the user: a token name and a value without line breaks.
pub fn check_header(name: &str, value: &str) -> Result<()> {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(Error::Usage(format!(
            "bad header name {:?}",
            crate::sanitize::excerpt(name, 60)
        )));
    }
    if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(Error::Usage(format!(
            "bad value for header {name}: it has a line break"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_without_a_scheme_get_a_suggestion() {
        let e = parse_url("example.com:9911").unwrap_err().to_string();
        assert_eq!(
            e,
            "example.com:9911 has no scheme: did you mean ws://example.com:9911 or wss://example.com:9911?"
        );
        // A loopback host is ws://, as wscat assumes.
        for typed in [
            "localhost:9911/x",
            "127.0.0.1:9911",
            "[::1]:9911",
            "LOCALHOST",
        ] {
            assert_eq!(parse_url(typed).unwrap().scheme(), "ws", "{typed}");
        }
        assert!(parse_url("127.example.com:1").is_err());
        assert!(parse_url("https://x").is_err());
        assert!(check_header("X-Ok", "v").is_ok());
        assert!(check_header("Bad Name", "v").is_err());
        assert!(check_header("X", "a\r\nInjected: 1").is_err());
    }
}
