//! The AWS services the emulator does not run itself: with `--aws-endpoint URL`, the
//! functions' other AWS calls go there (`AWS_ENDPOINT_URL`, the SDKs' standard variable), and
//! the template's DynamoDB tables are created there at start when missing, so the stack needs
//! no setup by hand. `@connections` still reaches the emulator.

use std::time::SystemTime;

use serde_json::Value;

use super::error::LocalError;
use super::ids::REGION;
use crate::redacted::Secret;
use crate::sigv4::{Credentials, Location, Scope, Signable, sign_request};

/// The credentials functions get (any do for local emulators; they must only look real).
pub const ACCESS_KEY_ID: &str = "AKIDLOCAL";
pub const SECRET_ACCESS_KEY: &str = "local-secret";
pub const SESSION_TOKEN: &str = "local-session";

/// What `--aws-endpoint` adds to every function's environment: the endpoint for all services,
/// and for the API Gateway management API the emulator itself (`emulator` is its https base).
pub fn environment(endpoint: &str, emulator: &str) -> Vec<(String, String)> {
    vec![
        ("AWS_ENDPOINT_URL".into(), endpoint.to_string()),
        (
            "AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI".into(),
            emulator.to_string(),
        ),
    ]
}

/// Creates each table of `requests` (`CreateTable` bodies) at `endpoint`; a table that exists
/// already is left as it is. Returns the names created.
pub async fn create_tables(endpoint: &str, requests: &[Value]) -> Result<Vec<String>, LocalError> {
    let client = crate::http::async_client().map_err(|e| LocalError::Aws(e.to_string()))?;
    let credentials = Credentials {
        access_key_id: ACCESS_KEY_ID.into(),
        secret_access_key: Secret::new(SECRET_ACCESS_KEY),
        session_token: Some(Secret::new(SESSION_TOKEN)),
        expiration: None,
    };
    let url = format!("{}/", endpoint.trim_end_matches('/'));
    let mut created = Vec::new();
    for request in requests {
        let name = request["TableName"].as_str().unwrap_or("").to_string();
        let body = request.to_string();
        let headers = vec![
            (
                "content-type".to_string(),
                "application/x-amz-json-1.0".to_string(),
            ),
            (
                "x-amz-target".to_string(),
                "DynamoDB_20120810.CreateTable".to_string(),
            ),
        ];
        let signed = sign_request(
            &Signable {
                method: "POST",
                url: &url,
                headers: &headers,
                body: body.as_bytes(),
            },
            &Scope {
                service: "dynamodb",
                region: REGION,
                time: SystemTime::now(),
            },
            &credentials,
            Location::Headers,
        )
        .map_err(|e| LocalError::Aws(e.to_string()))?;
        let mut post = client.post(&url).body(body);
        for (k, v) in headers.iter().chain(&signed.headers) {
            post = post.header(k.as_str(), v.as_str());
        }
        let failed = |why: String| {
            LocalError::Aws(format!("cannot create table {name} at {endpoint}: {why}"))
        };
        let response = post
            .send()
            .await
            .map_err(|e| failed(crate::http::cause(&e)))?;
        let status = response.status().as_u16();
        let answer = response.bytes().await.unwrap_or_default();
        let answer: Value = serde_json::from_slice(&answer).unwrap_or(Value::Null);
        let kind = answer["__type"].as_str().unwrap_or("");
        match status {
            200 => created.push(name),
            // It exists: leave it.
            400 if kind.ends_with("ResourceInUseException") => {}
            _ => {
                return Err(failed(format!(
                    "HTTP {status} {}",
                    crate::sanitize::excerpt(&answer.to_string(), 200)
                )));
            }
        }
    }
    Ok(created)
}
