//! The Lambda Runtime API (2018-06-01) as AWS and the RIE serve it, for one process of a
//! function: the routes as types, the header names as constants, errors as a typed body, and
//! what each route hands to the pool (`pool.rs`), which owns the invocations.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use serde_json::Value;

use super::{MAX_RESPONSE, Outcome, error_of};

/// The API's version, the first segment of every path.
pub const VERSION: &str = "2018-06-01";

/// Header names of the Runtime API.
pub mod header {
    pub const REQUEST_ID: &str = "lambda-runtime-aws-request-id";
    pub const DEADLINE_MS: &str = "lambda-runtime-deadline-ms";
    pub const FUNCTION_ARN: &str = "lambda-runtime-invoked-function-arn";
    pub const TRACE_ID: &str = "lambda-runtime-trace-id";
    pub const ERROR_TYPE: &str = "lambda-runtime-function-error-type";
}

/// Largest body of `/init/error`.
const MAX_INIT_ERROR: usize = 64 * 1024;

/// A request of the Runtime API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `GET /runtime/invocation/next`: the next event.
    Next,
    /// `POST /runtime/invocation/{id}/response`.
    Response(String),
    /// `POST /runtime/invocation/{id}/error`.
    Error(String),
    /// `POST /runtime/init/error`.
    InitError,
}

impl Route {
    /// The route a method and path name, if any.
    pub fn parse(method: &Method, path: &str) -> Option<Route> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (method, parts.as_slice()) {
            (&Method::GET, [VERSION, "runtime", "invocation", "next"]) => Some(Route::Next),
            (&Method::POST, [VERSION, "runtime", "invocation", id, "response"]) => {
                Some(Route::Response(id.to_string()))
            }
            (&Method::POST, [VERSION, "runtime", "invocation", id, "error"]) => {
                Some(Route::Error(id.to_string()))
            }
            (&Method::POST, [VERSION, "runtime", "init", "error"]) => Some(Route::InitError),
            _ => None,
        }
    }
}

/// An error answer of the Runtime API, and the error a function reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    #[serde(default)]
    pub error_message: String,
    #[serde(default)]
    pub error_type: String,
}

impl ApiError {
    pub fn new(error_type: &str, message: &str) -> ApiError {
        ApiError {
            error_message: message.to_string(),
            error_type: error_type.to_string(),
        }
    }

    fn response(&self, status: u16) -> Response<Full<Bytes>> {
        let body = serde_json::to_string(self).unwrap_or_default();
        crate::local::respond::response(status, "application/json", body)
    }
}

/// An invocation handed to a process by `/next`.
pub struct Next {
    pub request_id: String,
    pub event: Bytes,
    /// When the invocation times out, in milliseconds since the epoch.
    pub deadline_ms: u128,
    pub function_arn: String,
    pub trace_id: String,
}

/// What the routes act on: the function's invocations (the pool).
pub trait Invocations: Send + Sync + 'static {
    /// Waits for the next invocation for process `number`.
    fn next(&self, number: u64) -> impl Future<Output = Next> + Send;
    /// The outcome of invocation `id`; false when process `number` does not hold it.
    fn complete(&self, number: u64, id: &str, outcome: Outcome) -> bool;
    /// Process `number` could not start its runtime.
    fn init_failed(&self, number: u64, reported: ApiError);
    /// A process outside the function's group connected to process `number`'s API.
    fn stranger(&self, number: u64, peer: std::net::SocketAddr);
}

impl Next {
    fn response(self) -> Response<Full<Bytes>> {
        let mut resp = Response::new(Full::new(self.event));
        let headers = resp.headers_mut();
        let mut put = |k: &'static str, v: String| {
            if let Ok(v) = v.parse() {
                headers.insert(k, v);
            }
        };
        // Exactly application/json: the C++-based clients crash without it.
        put("content-type", "application/json".into());
        put(header::REQUEST_ID, self.request_id);
        put(header::DEADLINE_MS, self.deadline_ms.to_string());
        put(header::FUNCTION_ARN, self.function_arn);
        put(header::TRACE_ID, self.trace_id);
        resp
    }
}

/// `202 {"status":"OK"}`.
fn accepted() -> Response<Full<Bytes>> {
    crate::local::respond::response(202, "application/json", r#"{"status":"OK"}"#)
}

/// Serves the Runtime API of process `number` (process group `pgid`) on `listener` until
/// aborted. Connections from processes outside the group are closed unanswered.
pub async fn serve<H: Invocations>(
    listener: tokio::net::TcpListener,
    host: Arc<H>,
    number: u64,
    pgid: Option<u32>,
) {
    let local = listener.local_addr().ok();
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let host = host.clone();
        tokio::spawn(async move {
            // Once per connection: the runtime clients keep theirs open.
            if let (Some(pgid), Some(local)) = (pgid, local) {
                let allowed =
                    tokio::task::spawn_blocking(move || super::peer::in_group(peer, local, pgid))
                        .await
                        .ok()
                        .flatten();
                if allowed == Some(false) {
                    host.stranger(number, peer);
                    return;
                }
            }
            let service = hyper::service::service_fn(move |req| {
                let host = host.clone();
                async move { Ok::<_, Infallible>(answer(&host, number, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// One request of process `number`.
async fn answer<H: Invocations>(
    host: &Arc<H>,
    number: u64,
    req: Request<Incoming>,
) -> Response<Full<Bytes>> {
    // The Runtime API is on 127.0.0.1 only; a page rebound to it sends another name.
    let named = req
        .headers()
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok());
    if !crate::local::hosts::allowed(named, std::net::IpAddr::from([127, 0, 0, 1])) {
        return ApiError::new("InvalidRequest", "unknown Host").response(400);
    }
    let Some(route) = Route::parse(req.method(), req.uri().path()) else {
        return ApiError::new("NotFound", "no such Runtime API path").response(404);
    };
    let error_type = req
        .headers()
        .get(header::ERROR_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    match route {
        Route::Next => host.next(number).await.response(),
        Route::Response(id) => {
            let Some(body) = read(req, MAX_RESPONSE).await else {
                // Lambda fails the invocation at once; the runtime hears 413.
                host.complete(number, &id, too_large_outcome());
                return too_large();
            };
            let outcome = match serde_json::from_slice::<Value>(&body) {
                Ok(v) => Outcome::Result(v),
                // No body is a null result, as Lambda reads it.
                Err(_) if body.iter().all(u8::is_ascii_whitespace) => Outcome::Result(Value::Null),
                // API Gateway cannot read what is not JSON.
                Err(_) => Outcome::Crashed(format!(
                    "answered something that is not JSON: {}",
                    crate::sanitize::excerpt(String::from_utf8_lossy(&body).trim(), 60)
                )),
            };
            delivered(host.complete(number, &id, outcome))
        }
        Route::Error(id) => {
            let Some(body) = read(req, MAX_RESPONSE).await else {
                host.complete(number, &id, too_large_outcome());
                return too_large();
            };
            let outcome = match serde_json::from_slice::<Value>(&body) {
                Ok(v) if v.is_object() => error_of(&v),
                _ => Outcome::Error {
                    error_type: error_type.unwrap_or_else(|| "Unhandled".into()),
                    error_message: String::from_utf8_lossy(&body).into_owned(),
                },
            };
            delivered(host.complete(number, &id, outcome))
        }
        Route::InitError => {
            let body = read(req, MAX_INIT_ERROR).await.unwrap_or_default();
            let error_type = error_type.unwrap_or_else(|| "Runtime.InitError".into());
            let reported = match serde_json::from_slice::<ApiError>(&body) {
                Ok(e) => e,
                Err(_) => ApiError::new(&error_type, &String::from_utf8_lossy(&body)),
            };
            host.init_failed(number, reported);
            accepted()
        }
    }
}

/// The answer to a `/response` or `/error` for an invocation the process did not hold.
fn delivered(found: bool) -> Response<Full<Bytes>> {
    if found {
        accepted()
    } else {
        ApiError::new("InvalidRequestID", "Invalid request ID").response(400)
    }
}

/// What the caller of an invocation whose answer is too large gets, in Lambda's words.
fn too_large_outcome() -> Outcome {
    Outcome::Error {
        error_type: "Function.ResponseSizeTooLarge".into(),
        error_message: format!(
            "Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE} bytes)."
        ),
    }
}

fn too_large() -> Response<Full<Bytes>> {
    ApiError::new(
        "RequestEntityTooLarge",
        &format!("Exceeded maximum allowed payload size ({MAX_RESPONSE} bytes)."),
    )
    .response(413)
}

/// The body, when it is at most `limit` bytes.
async fn read(req: Request<Incoming>, limit: usize) -> Option<Bytes> {
    Limited::new(req.into_body(), limit)
        .collect()
        .await
        .ok()
        .map(|b| b.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_of_the_runtime_api() {
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(
            Route::parse(&get, "/2018-06-01/runtime/invocation/next"),
            Some(Route::Next)
        );
        assert_eq!(
            Route::parse(&post, "/2018-06-01/runtime/invocation/abc/response"),
            Some(Route::Response("abc".into()))
        );
        assert_eq!(
            Route::parse(&post, "/2018-06-01/runtime/invocation/abc/error"),
            Some(Route::Error("abc".into()))
        );
        assert_eq!(
            Route::parse(&post, "/2018-06-01/runtime/init/error"),
            Some(Route::InitError)
        );
        assert_eq!(
            Route::parse(&post, "/2018-06-01/runtime/invocation/next"),
            None
        );
        assert_eq!(
            Route::parse(&get, "/2020-01-01/runtime/invocation/next"),
            None
        );
        assert_eq!(
            serde_json::to_value(ApiError::new("T", "m")).unwrap(),
            serde_json::json!({"errorMessage": "m", "errorType": "T"})
        );
    }
}
