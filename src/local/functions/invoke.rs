//! A function behind a running Lambda emulator's Invoke API (`cargo lambda watch`,
//! `sam local start-lambda`, the RIE): `POST /2015-03-31/functions/{name}/invocations`, its
//! answer read bounded, its error conventions (AWS's `X-Amz-Function-Error`, cargo-lambda's
//! 500 and 408) read as outcomes.

use std::time::Duration;

use serde_json::Value;

use super::{MAX_RESPONSE, Outcome, error_of};

/// Invokes `name` at `base` with `event`, within `timeout`.
pub async fn call(
    client: &reqwest::Client,
    base: &str,
    name: &str,
    event: &Value,
    timeout: Duration,
) -> Outcome {
    let url = format!("{base}/2015-03-31/functions/{name}/invocations");
    let failed = |e: &reqwest::Error| {
        Outcome::Crashed(format!(
            "the Invoke API at {base} failed: {}",
            crate::http::cause(e)
        ))
    };
    let request = client
        .post(&url)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .body(event.to_string())
        .send();
    let mut response = match request.await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => return Outcome::Timeout(timeout),
        Err(e) => return failed(&e),
    };
    let status = response.status().as_u16();
    let function_error = response.headers().contains_key("x-amz-function-error");
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() <= MAX_RESPONSE => {
                body.extend_from_slice(&chunk)
            }
            Ok(Some(_)) => {
                return Outcome::Crashed("the function's answer is over 6 MB".into());
            }
            Ok(None) => break,
            Err(e) if e.is_timeout() => return Outcome::Timeout(timeout),
            Err(e) => return failed(&e),
        }
    }
    let parsed: Result<Value, _> = serde_json::from_slice(&body);
    match (status, function_error, parsed) {
        // cargo-lambda answers a timed-out invocation with 408.
        (408, _, _) => Outcome::Timeout(timeout),
        (200, false, Ok(v)) => Outcome::Result(v),
        // AWS: 200 with X-Amz-Function-Error; cargo-lambda: 500 with the error body.
        (200 | 500, _, Ok(v))
            if v.get("errorMessage").is_some() || v.get("errorType").is_some() =>
        {
            error_of(&v)
        }
        (200, false, Err(_)) if body.is_empty() => Outcome::Result(Value::Null),
        (_, _, _) => Outcome::Crashed(format!(
            "the Invoke API at {base} answered HTTP {status}: {}",
            crate::sanitize::excerpt(String::from_utf8_lossy(&body).trim(), 100)
        )),
    }
}
