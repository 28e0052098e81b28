//! The `@connections` management API on the emulator's port, as the AWS SDKs call it:
//! `POST|GET|DELETE /{stage}/@connections/{id}` (the `@` and the id's `=` percent-encoded or
//! not). Requests must carry a SigV4 `Authorization` of the right shape; when the credentials
//! are the emulator's own (its functions', `--iam-credentials`, its identity pool's), the
//! signature is checked for real; other keys are accepted on their shape.
//! Errors carry AWS's types (`x-amzn-ErrorType`), so the SDKs raise `GoneException`,
//! `PayloadTooLargeException`, `ForbiddenException`.

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use serde_json::json;

use super::Emulator;
use super::respond::{self, Body};
use crate::quotas::MAX_MESSAGE;

/// The stage and connection id of an `@connections` path, if it is one:
/// `/{stage}/@connections/{id}`, or `/@connections/{id}` (any stage) as an SDK calls it through
/// `AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI`.
pub fn parse_path(path: &str) -> Option<(Option<String>, String)> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let marker = |m: &str| m == "@connections" || m.eq_ignore_ascii_case("%40connections");
    let (stage, id) = match parts.as_slice() {
        [stage, m, id] if marker(m) => (Some(percent_decode(stage)), *id),
        [m, id] if marker(m) => (None, *id),
        _ => return None,
    };
    (!id.is_empty()).then(|| (stage, percent_decode(id)))
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn aws_error(status: u16, error_type: &str, message: Option<&str>) -> Response<Body> {
    let body = message
        .map(|m| json!({"message": m}).to_string())
        .unwrap_or_default();
    let mut resp = respond::response(status, "application/json", body);
    if let Ok(v) = error_type.parse() {
        resp.headers_mut().insert("x-amzn-ErrorType", v);
    }
    if let Ok(v) = super::ids::uuid().parse() {
        resp.headers_mut().insert("x-amzn-RequestId", v);
    }
    resp
}

/// Why a request's signature has the wrong shape, if it does.
fn signature_problem(req: &hyper::http::request::Parts) -> Option<(&'static str, &'static str)> {
    let Some(auth) = req
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
    else {
        return Some((
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ));
    };
    let incomplete = Some((
        "IncompleteSignatureException",
        "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' of AWS4-HMAC-SHA256 for service execute-api",
    ));
    let Some(rest) = auth.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return incomplete;
    };
    let field = |name: &str| {
        rest.split(',')
            .map(str::trim)
            .find_map(|p| p.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
    };
    let (Some(credential), Some(signed), Some(signature)) = (
        field("Credential"),
        field("SignedHeaders"),
        field("Signature"),
    ) else {
        return incomplete;
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let shape_ok = scope.len() == 5
        && !scope[0].is_empty()
        && scope[1].len() == 8
        && scope[1].bytes().all(|b| b.is_ascii_digit())
        && scope[3] == "execute-api"
        && scope[4] == "aws4_request"
        && signed.split(';').any(|h| h == "host")
        && signature.len() == 64
        && signature.bytes().all(|b| b.is_ascii_hexdigit());
    let dated = req
        .headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|d| d.len() == 16 && d.as_bytes()[8] == b'T' && d.ends_with('Z'));
    if !shape_ok || !dated {
        return incomplete;
    }
    None
}

/// The refusal of a request signed with the emulator's own credentials whose signature is
/// wrong (or expired), with AWS's error types; the reason goes to the log.
fn signature_refused(
    emu: &Emulator,
    parts: &hyper::http::request::Parts,
    body: &[u8],
) -> Option<Response<Body>> {
    use crate::sigv4::verify::{Expected, Received, verify};
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let target = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let received = Received {
        method: parts.method.as_str(),
        target: &target,
        headers: &headers,
        body,
    };
    let expected = Expected {
        region: super::ids::REGION,
        service: "execute-api",
        now: std::time::SystemTime::now(),
    };
    // Keys the emulator does not know are taken on their shape, as before.
    let signer = crate::sigv4::verify::claimed(&received).ok()?;
    if !emu.owns_access_key(&signer.access_key) {
        return None;
    }
    let refused = verify(&received, &expected, &|k, t| emu.aws_secret(k, t)).err()?;
    let error_type = if refused.message.contains("security token") {
        "UnrecognizedClientException"
    } else {
        "InvalidSignatureException"
    };
    let mut response = aws_error(403, error_type, Some(&refused.message));
    response
        .extensions_mut()
        .insert(respond::LogNote(crate::sanitize::excerpt(
            &refused.note,
            160,
        )));
    Some(response)
}

/// Most of an oversized body read (and dropped) before answering 413, so that the client,
/// still sending, reads the answer rather than a reset connection.
const DRAIN_LIMIT: usize = 8 * 1024 * 1024;

/// The body when it fits a message; `None` when it does not (read up to [`DRAIN_LIMIT`]) or
/// does not arrive within 30 s.
async fn read_message(mut body: Incoming) -> Option<Vec<u8>> {
    let mut kept = Vec::new();
    let mut seen = 0usize;
    let read = async {
        while seen <= DRAIN_LIMIT {
            match body.frame().await {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        seen += data.len();
                        if seen <= MAX_MESSAGE {
                            kept.extend_from_slice(data);
                        }
                    }
                }
                Some(Err(_)) | None => break,
            }
        }
    };
    // A client that stops sending mid-body gets no message delivered.
    tokio::time::timeout(std::time::Duration::from_secs(30), read)
        .await
        .ok()?;
    (seen <= MAX_MESSAGE).then_some(kept)
}

fn iso(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(i64::try_from(ms).unwrap_or(0))
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

/// Answers one `@connections` request.
pub async fn handle(
    emu: &Emulator,
    req: Request<Incoming>,
    stage: Option<String>,
    id: String,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    if let Some((error_type, message)) = signature_problem(&parts) {
        return aws_error(403, error_type, Some(message));
    }
    let body = if parts.method == Method::POST {
        match read_message(body).await {
            Some(body) => body,
            None => {
                return aws_error(
                    413,
                    "PayloadTooLargeException",
                    Some(&format!("Message too long: over {MAX_MESSAGE} bytes")),
                );
            }
        }
    } else {
        Vec::new()
    };
    if let Some(refused) = signature_refused(emu, &parts, &body) {
        return refused;
    }
    // A connection whose close was asked for is gone for every later call.
    let known = emu
        .state()
        .connections
        .get(&id)
        .filter(|c| stage.as_ref().is_none_or(|s| *s == c.stage))
        .filter(|c| !c.closing.is_asked())
        .map(|c| {
            (
                c.outgoing.clone(),
                c.connected_at,
                c.last_active.clone(),
                c.identity.clone(),
                c.closing.clone(),
            )
        });
    match parts.method {
        Method::POST => {
            let Some((outgoing, _, last_active, _, _)) = known else {
                return aws_error(410, "GoneException", None);
            };
            let text = String::from_utf8_lossy(&body).into_owned();
            match outgoing.try_send(text) {
                Ok(()) => {
                    last_active.store(super::ids::now_ms(), std::sync::atomic::Ordering::Relaxed);
                    respond::response(200, "application/json", "")
                }
                Err(tokio::sync::mpsc::error::TrySendError::Full(_)) => {
                    aws_error(429, "LimitExceededException", Some("Too Many Requests"))
                }
                Err(_) => aws_error(410, "GoneException", None),
            }
        }
        Method::GET => match known {
            Some((_, connected_at, last_active, identity, _)) => {
                let mut identity = identity;
                if identity.get("userAgent").is_none() {
                    identity["userAgent"] = json!("");
                }
                respond::json(
                    200,
                    &json!({
                        "connectedAt": iso(connected_at),
                        "identity": identity,
                        "lastActiveAt": iso(last_active.load(std::sync::atomic::Ordering::Relaxed)),
                    }),
                )
            }
            None => aws_error(410, "GoneException", None),
        },
        // The close is acted on however busy the connection is: never a 429.
        Method::DELETE => match known {
            Some((.., closing)) if closing.ask() => respond::response(204, "application/json", ""),
            _ => aws_error(410, "GoneException", None),
        },
        _ => aws_error(403, "ForbiddenException", Some("Forbidden")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_as_the_sdks_send_them() {
        assert_eq!(
            parse_path("/dev/@connections/L0SM9cOFvHcCIhw%3D"),
            Some((Some("dev".into()), "L0SM9cOFvHcCIhw=".into()))
        );
        assert_eq!(
            parse_path("/$default/%40connections/a-b_c="),
            Some((Some("$default".into()), "a-b_c=".into()))
        );
        assert_eq!(parse_path("/dev/connections/x"), None);
        assert_eq!(parse_path("/dev/@connections/"), None);
        assert_eq!(parse_path("/@connections/x"), Some((None, "x".into())));
        assert_eq!(parse_path("/a/b/@connections/x"), None);
    }
}
