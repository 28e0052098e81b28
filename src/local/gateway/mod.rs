//! The WebSocket API as API Gateway runs it. `upgrade.rs` reads the upgrade request by hand
//! (header names keep the case the client sent, as the Lambdas see them) and runs a connection
//! from `$connect` to `$disconnect`; `authorizer.rs` decides on `$connect` (built-in or a
//! function, read as API Gateway reads it: 401, 403, 500); `events.rs` builds what functions
//! receive; `answers.rs` is what API Gateway answers in its own words; `session.rs` is the
//! message loop (route selection, two-way routes, `@connections` pushes, the quotas of
//! [`crate::quotas`]). Without functions, the built-in Cognito authorizer and echo.

mod answers;
pub mod authorizer;
mod events;
mod head;
mod session;
mod upgrade;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use serde_json::Value;
use tokio::sync::mpsc;

pub use head::{Head, read_head};
pub use upgrade::handshake;

/// What a WebSocket connection is, for `@connections` and the events.
pub struct Connection {
    /// What the built-in echo stored at `$connect`.
    pub item: Value,
    pub outgoing: mpsc::Sender<Outgoing>,
    pub stage: String,
    pub connected_at: u64,
    pub last_active: Arc<AtomicU64>,
    pub identity: Value,
}

/// Something to send on a connection from elsewhere.
#[derive(Debug)]
pub enum Outgoing {
    Text(String),
    /// `@connections` DELETE.
    Close,
}

/// A function's run within API Gateway's `limit` (its own timeout ends it first when shorter).
async fn invoke(
    function: &Arc<crate::local::functions::Function>,
    event: &Value,
    limit: std::time::Duration,
) -> crate::local::functions::Outcome {
    within(limit, function.invoke(event)).await
}

/// An invocation already queued, within `limit`.
async fn within(
    limit: std::time::Duration,
    pending: impl Future<Output = crate::local::functions::Outcome>,
) -> crate::local::functions::Outcome {
    tokio::time::timeout(limit, pending)
        .await
        .unwrap_or(crate::local::functions::Outcome::Timeout(limit))
}
