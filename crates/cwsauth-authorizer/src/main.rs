//! The Lambda function: reads its configuration, then answers REQUEST authorizer events
//! through the Lambda Runtime API. One log line per decision with the time it took, never the
//! token.

use cwsauth_authorizer::{Authorizer, Config, Failure};
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let config = match Config::from_env(|k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(why) => {
            eprintln!("cwsauth-authorizer: {why}");
            std::process::exit(2);
        }
    };
    let ca = std::env::var_os("AWS_CA_BUNDLE").map(std::path::PathBuf::from);
    let client = match cwsauth_authorizer::https_client(ca.as_deref()) {
        Ok(c) => c,
        Err(why) => {
            eprintln!("cwsauth-authorizer: {why}");
            std::process::exit(2);
        }
    };
    let authorizer = Authorizer::new(config, client);
    let authorizer = &authorizer;
    let handler = service_fn(move |event: LambdaEvent<Value>| async move {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let started = std::time::Instant::now();
        let answer = authorizer.authorize(&event.payload, now).await;
        let took = started.elapsed().as_micros();
        match answer {
            Ok(policy) => {
                let effect = policy["policyDocument"]["Statement"][0]["Effect"]
                    .as_str()
                    .unwrap_or("?");
                println!(
                    "{} {} ({took} µs)",
                    effect.to_lowercase(),
                    policy["principalId"].as_str().unwrap_or("")
                );
                Ok::<Value, Diagnostic>(policy)
            }
            Err(failure) => {
                match &failure {
                    Failure::Unauthorized(why) => println!("unauthorized: {why} ({took} µs)"),
                    Failure::JwksUnavailable(why) => println!("error: {why} ({took} µs)"),
                }
                let (error_type, error_message) = failure.error_type_and_message();
                Err(Diagnostic {
                    error_type: error_type.into(),
                    error_message,
                })
            }
        }
    });
    if let Err(e) = lambda_runtime::run(handler).await {
        eprintln!("cwsauth-authorizer: the Lambda runtime failed: {e}");
        std::process::exit(1);
    }
}
