//! The WebSocket API as API Gateway runs it. `upgrade.rs` reads the upgrade request by hand
//! (header names keep the case the client sent, as the Lambdas see them) and runs a connection
//! from `$connect` to `$disconnect`; `authorizer.rs` decides on `$connect` (built-in or a
//! function, read as API Gateway reads it: 401, 403, 500); `events.rs` builds what functions
//! receive; `answers.rs` is what API Gateway answers in its own words; `session.rs` is the
//! message loop (route selection, two-way routes, `@connections` pushes, the quotas of
//! [`crate::quotas`]). Without functions, the built-in Cognito authorizer and echo.

mod answers;
pub mod authorizer;
pub(crate) mod events;
pub(crate) mod head;
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
    /// Messages for the client (`@connections` POST).
    pub outgoing: mpsc::Sender<String>,
    /// A close asked for (`@connections` DELETE); a POST after it finds the connection gone.
    pub closing: Arc<Closing>,
    pub stage: String,
    pub connected_at: u64,
    pub last_active: Arc<AtomicU64>,
    pub identity: Value,
}

/// A close asked for from outside the connection, acted on however busy it is.
#[derive(Default)]
pub struct Closing {
    asked: std::sync::atomic::AtomicBool,
    notify: tokio::sync::Notify,
}

impl Closing {
    /// Asks for the close; false when it was asked already.
    pub fn ask(&self) -> bool {
        let first = !self.asked.swap(true, std::sync::atomic::Ordering::SeqCst);
        if first {
            self.notify.notify_one();
        }
        first
    }

    pub fn is_asked(&self) -> bool {
        self.asked.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Resolves once the close is asked for.
    pub async fn requested(&self) {
        if !self.is_asked() {
            self.notify.notified().await;
        }
    }
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
