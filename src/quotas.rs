//! API Gateway's WebSocket quotas, defined once: what `connect` splits and refuses, what the
//! emulator enforces, and the CLI's defaults. Change a limit here and every user follows.

use std::time::Duration;

/// Largest message API Gateway takes or sends (128 KB).
pub const MAX_MESSAGE: usize = 128 * 1024;
/// Largest frame (32 KB); longer messages are split into frames of this size.
pub const MAX_FRAME: usize = 32 * 1024;
/// A connection with no message for this long is closed (10 minutes).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// Longest a connection lives (2 hours).
pub const MAX_CONNECTION_TIME: Duration = Duration::from_secs(2 * 60 * 60);
/// Longest a REQUEST authorizer may take.
pub const AUTHORIZER_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest an integration may take (29 seconds).
pub const INTEGRATION_TIMEOUT: Duration = Duration::from_secs(29);
/// Largest HTTP head of an upgrade request or its answer that is read.
pub const MAX_HEAD: usize = 16 * 1024;
