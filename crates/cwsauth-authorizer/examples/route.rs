//! A WebSocket route function on `lambda_runtime`: answers (on a two-way route) with the route
//! it was called for, the message, and who sent it as the authorizer's context tells.
//!
//! Behind `cwsauth local`:
//! `cwsauth local --function route=target/debug/examples/route --route '$default=route' --two-way '$default'`

use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::{Value, json};

async fn handle(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let request = &event.payload["requestContext"];
    let body = event.payload["body"].as_str().unwrap_or("");
    if body == "fail" {
        return Err(Diagnostic {
            error_type: "RouteFailed".into(),
            error_message: "asked to fail".into(),
        });
    }
    let answer = json!({
        "route": request["routeKey"],
        "connectionId": request["connectionId"],
        "message": body,
        "principalId": request["authorizer"]["principalId"],
        "authorizer": request["authorizer"],
    });
    Ok(json!({"statusCode": 200, "body": answer.to_string()}))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::run(service_fn(handle)).await
}
