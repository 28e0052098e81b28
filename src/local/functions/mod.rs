//! The developer's Lambda functions as the emulator calls them: a command that cwsauth starts
//! and hosts the Lambda Runtime API for (so any runtime interface client runs unchanged: Rust
//! `lambda_runtime`, Python `awslambdaric`, Node `aws-lambda-ric`), or a function behind a
//! running Lambda emulator's Invoke API. `spec.rs` says what a function is, `pool.rs` runs its
//! processes, `process.rs` is one process, `runtime_api.rs` the API each process calls, and
//! `invoke.rs` the Invoke API client.

mod invoke;
mod peer;
mod pool;
mod process;
pub mod runtime_api;
pub mod runtimes;
pub mod spec;

use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

pub use spec::{DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, FunctionSpec, Source};

/// Largest response a function may post (Lambda's 6 MB, plus the RIE's 100 bytes).
pub const MAX_RESPONSE: usize = 6 * 1024 * 1024 + 100;

/// Where the emulator's log lines go.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// Why a function cannot be set up or started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FunctionError {
    /// A `--function` (or config) value that does not say what to run.
    #[error("{0}")]
    Spec(String),
    #[error("cannot start it: {program}: {why}")]
    Start { program: String, why: String },
    #[error("cannot listen for its Runtime API: {0}")]
    Listen(std::io::Error),
    #[error("cannot make its Invoke API client: {0}")]
    Client(String),
    #[error("the emulator is stopping")]
    Stopping,
}

/// How one invocation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The function's result (JSON as the function wrote it).
    Result(Value),
    /// The function failed and said why (`errorType`, `errorMessage`).
    Error {
        error_type: String,
        error_message: String,
    },
    /// No answer within the function's timeout.
    Timeout(std::time::Duration),
    /// The function's process ended, or its host failed, without an answer.
    Crashed(String),
}

impl Outcome {
    /// Whether a REQUEST authorizer's failure means 401 (its message is exactly
    /// `Unauthorized`, whatever its type, as API Gateway reads it).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Outcome::Error { error_message, .. } if error_message == "Unauthorized")
    }
}

/// The error a function reported: `errorType`/`errorMessage` from its JSON.
fn error_of(v: &Value) -> Outcome {
    let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    Outcome::Error {
        error_type: field("errorType"),
        error_message: field("errorMessage"),
    }
}

/// A function the emulator can invoke.
pub struct Function {
    pub spec: FunctionSpec,
    kind: Kind,
    log: Log,
}

enum Kind {
    Hosted(Arc<pool::Host>),
    Invoke(reqwest::Client),
}

impl Function {
    /// Prepares the function: a started command gets its pool now (and its process at the
    /// first invocation); an Invoke API needs a client.
    pub fn new(
        spec: FunctionSpec,
        extra_env: Vec<(String, String)>,
        log: Log,
    ) -> Result<Function, FunctionError> {
        let kind = match &spec.source {
            Source::Command(_) => Kind::Hosted(pool::Host::new(&spec, extra_env, log.clone())),
            Source::Runtime { .. } => {
                return Err(FunctionError::Spec(
                    "its runtime was not prepared (runtimes::prepare)".into(),
                ));
            }
            Source::Invoke { .. } => Kind::Invoke(
                crate::http::async_client().map_err(|e| FunctionError::Client(e.to_string()))?,
            ),
        };
        Ok(Function { spec, kind, log })
    }

    /// Runs the function on `event`, within its timeout. A started function's invocation is
    /// queued before this returns, so calls made in order reach the function in that order.
    pub fn invoke(
        self: &Arc<Self>,
        event: &Value,
    ) -> impl Future<Output = Outcome> + Send + 'static {
        let timed = self.invoke_timed(event);
        async move { timed.await.0 }
    }

    /// [`Function::invoke`], with the function's part of its time (a started function's: from
    /// its `/next` to its answer, plus any wait for a process to ask): the rest of an
    /// integration's time is the emulator's.
    pub fn invoke_timed(
        self: &Arc<Self>,
        event: &Value,
    ) -> impl Future<Output = (Outcome, Option<std::time::Duration>)> + Send + 'static {
        let started = Instant::now();
        let queued = match &self.kind {
            Kind::Hosted(host) => Some(host.enqueue(event, self.spec.timeout)),
            Kind::Invoke(_) => None,
        };
        let (function, event) = (self.clone(), event.clone());
        async move {
            let (outcome, held) = match (queued, &function.kind, &function.spec.source) {
                (Some(queued), _, _) => queued.await,
                (None, Kind::Invoke(client), Source::Invoke { base, name }) => (
                    invoke::call(client, base, name, &event, function.spec.timeout).await,
                    None,
                ),
                (None, _, _) => (Outcome::Crashed("the function's host is gone".into()), None),
            };
            function.report(&outcome);
            tracing::debug!("{} took {:?}", function.spec.name, started.elapsed());
            (outcome, held)
        }
    }

    fn report(&self, outcome: &Outcome) {
        match outcome {
            Outcome::Timeout(t) => (self.log)(&format!(
                "function {}: timed out after {}",
                self.spec.name,
                crate::timefmt::span(t.as_secs().max(1))
            )),
            Outcome::Crashed(why) => (self.log)(&format!("function {}: {why}", self.spec.name)),
            Outcome::Error {
                error_type,
                error_message,
            } => (self.log)(&format!(
                "function {} failed: {}: {}",
                self.spec.name,
                crate::sanitize::excerpt(error_type, 100),
                crate::sanitize::excerpt(error_message, 200)
            )),
            Outcome::Result(_) => {}
        }
    }

    /// Starts a started function's first process now, so its first invocation finds it warm.
    pub fn prestart(&self) -> Result<(), FunctionError> {
        match &self.kind {
            Kind::Hosted(host) => host.prestart(),
            Kind::Invoke(_) => Ok(()),
        }
    }

    /// Stops the function's processes, if it runs any.
    pub fn stop(&self) {
        if let Kind::Hosted(host) = &self.kind {
            host.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_authorizer_error_saying_unauthorized_is_a_401() {
        assert!(
            Outcome::Error {
                error_type: "Error".into(),
                error_message: "Unauthorized".into()
            }
            .is_unauthorized()
        );
        assert!(!Outcome::Result(Value::String("Unauthorized".into())).is_unauthorized());
    }
}
