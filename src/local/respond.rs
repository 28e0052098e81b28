//! Small HTTP helpers for the emulator's handlers: bodies, forms, JSON, HTML and redirects.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use hyper::{Request, Response, StatusCode};
use serde_json::Value;

pub type Body = Full<Bytes>;

/// Largest request body accepted (API Gateway and Cognito reject far smaller ones).
const MAX_BODY: usize = 256 * 1024;

pub fn response(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response<Body> {
    let mut resp = Response::new(Full::new(body.into()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = content_type.parse() {
        resp.headers_mut().insert(CONTENT_TYPE, v);
    }
    if let Ok(v) = "no-store".parse() {
        resp.headers_mut().insert(CACHE_CONTROL, v);
    }
    resp
}

pub fn json(status: u16, value: &Value) -> Response<Body> {
    response(status, "application/json;charset=UTF-8", value.to_string())
}

/// An OAuth error as Cognito's endpoints give it: `{"error": "invalid_grant"}`.
pub fn oauth_error(status: u16, error: &str) -> Response<Body> {
    json(status, &serde_json::json!({"error": error}))
}

/// An HTML page; no other site may frame it (clickjacking of the sign-in form), as
/// Cognito's hosted UI sends.
pub fn html(status: u16, body: String) -> Response<Body> {
    let mut resp = response(status, "text/html;charset=UTF-8", body);
    let headers = resp.headers_mut();
    headers.insert(
        "x-frame-options",
        hyper::header::HeaderValue::from_static("DENY"),
    );
    headers.insert(
        "content-security-policy",
        hyper::header::HeaderValue::from_static("frame-ancestors 'none'"),
    );
    resp
}

/// The value of cookie `name` in the request, if sent.
pub fn cookie(req: &Request<Incoming>, name: &str) -> Option<String> {
    req.headers()
        .get_all(hyper::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn redirect(location: &str) -> Response<Body> {
    let mut resp = response(302, "text/plain", "");
    if let Ok(v) = location.parse() {
        resp.headers_mut().insert(LOCATION, v);
    }
    resp
}

pub fn not_found() -> Response<Body> {
    json(404, &serde_json::json!({"message": "Not Found"}))
}

/// An HTML error page, as the hosted UI shows when it cannot redirect.
pub fn error_page(status: u16, title: &str, detail: &str) -> Response<Body> {
    html(
        status,
        page(
            title,
            &format!(
                "<h1>{}</h1><p>{}</p>",
                crate::sanitize::html(title),
                crate::sanitize::html(detail)
            ),
        ),
    )
}

pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body>{body}</body></html>",
        crate::sanitize::html(title)
    )
}

/// Query parameters, first value of each name.
pub fn query(req: &Request<Incoming>) -> Vec<(String, String)> {
    parse_pairs(req.uri().query().unwrap_or(""))
}

pub fn parse_pairs(text: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub async fn read_body(
    req: Request<Incoming>,
) -> Result<(hyper::http::request::Parts, Bytes), Response<Body>> {
    let (parts, body) = req.into_parts();
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok((parts, collected.to_bytes())),
        Err(_) => Err(json(
            413,
            &serde_json::json!({"message": "Request Entity Too Large"}),
        )),
    }
}

/// An `application/x-www-form-urlencoded` body.
pub async fn read_form(req: Request<Incoming>) -> Result<Vec<(String, String)>, Response<Body>> {
    let (_, bytes) = read_body(req).await?;
    Ok(parse_pairs(&String::from_utf8_lossy(&bytes)))
}

/// Adds query parameters to a URL that may already have some.
pub fn with_params(url: &str, params: &[(&str, &str)]) -> String {
    let mut out = url.to_string();
    let mut sep = if url.contains('?') { '&' } else { '?' };
    for (k, v) in params {
        out.push(sep);
        sep = '&';
        out.extend(url::form_urlencoded::byte_serialize(k.as_bytes()));
        out.push('=');
        out.extend(url::form_urlencoded::byte_serialize(v.as_bytes()));
    }
    out
}

/// The `user:password` of an HTTP Basic `Authorization` header.
pub fn basic_auth(headers: &hyper::HeaderMap) -> Option<(String, String)> {
    use base64::Engine;
    let value = headers.get(hyper::header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .get(..6)
        .filter(|scheme| scheme.eq_ignore_ascii_case("basic "))
        .map(|_| &value[6..])?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((form_decode(user), form_decode(pass)))
}

/// RFC 6749 §2.3.1: Basic credentials are form-encoded before base64.
fn form_decode(text: &str) -> String {
    url::form_urlencoded::parse(text.as_bytes())
        .next()
        .map(|(k, v)| {
            if v.is_empty() {
                k.into_owned()
            } else {
                format!("{k}={v}")
            }
        })
        .unwrap_or_default()
}

/// Why a request was answered as it was, for the request's log line (a response extension).
#[derive(Clone)]
pub struct LogNote(pub String);
