//! When a started function gets another process and when one ends: the start rule (a pure
//! function of what waits and what runs), the first process started ahead of the first
//! invocation, and extra processes ended when idle.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{FunctionError, Host, Process};

/// How long an invocation waits for a busy process to come back before another one starts for
/// it. A function that answers through `@connections` is still finishing when its reply
/// reaches the client, and the client's next message arrives then: starting a process for
/// that message at once costs a runtime's memory and start for nothing (measured in
/// BENCHMARKS.md).
pub const START_AFTER: Duration = Duration::from_millis(50);
/// An extra process idle this long is ended (the first one stays warm).
pub const IDLE_END: Duration = Duration::from_secs(60);

/// What the start rule looks at.
#[derive(Debug, Clone, Copy)]
pub struct Demand {
    /// Invocations waiting for a process.
    pub queued: usize,
    /// Processes free to take one (starting, waiting in `/next`, or on their way back).
    pub free: usize,
    /// Processes, busy or not.
    pub running: usize,
    /// The function's concurrency.
    pub concurrency: usize,
    /// How long the oldest waiting invocation has waited.
    pub waited: Duration,
}

/// What the start rule decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Start a process now.
    Now,
    /// Look again after this long (a busy process may take the invocation first).
    After(Duration),
    No,
}

/// The start rule: a process starts when an invocation waits that no process is free for,
/// within the function's concurrency — at once for a function with no process, after
/// [`START_AFTER`] of waiting otherwise.
pub fn start_rule(d: Demand) -> Start {
    if d.queued <= d.free || d.running >= d.concurrency {
        Start::No
    } else if d.running == 0 || d.waited >= START_AFTER {
        Start::Now
    } else {
        Start::After(START_AFTER - d.waited)
    }
}

impl Host {
    /// Starts processes while [`start_rule`] says so.
    pub(super) fn scale(self: &Arc<Self>) -> Result<(), FunctionError> {
        loop {
            let number = {
                let mut state = self.state();
                if state.stopped {
                    return Err(FunctionError::Stopping);
                }
                let demand = Demand {
                    queued: state.queue.len(),
                    free: state
                        .processes
                        .values()
                        .filter(|p| p.current.is_none())
                        .count(),
                    running: state.processes.len(),
                    concurrency: self.spec.concurrency,
                    waited: state
                        .queue
                        .front()
                        .map_or(Duration::ZERO, |i| i.queued_at.elapsed()),
                };
                match start_rule(demand) {
                    Start::No => return Ok(()),
                    Start::After(wait) => {
                        if !state.recheck {
                            state.recheck = true;
                            let host = self.clone();
                            tokio::spawn(async move {
                                tokio::time::sleep(wait).await;
                                host.state().recheck = false;
                                let _ = host.scale();
                            });
                        }
                        return Ok(());
                    }
                    Start::Now => {}
                }
                state.started += 1;
                let number = state.started;
                // Counted now, under the lock: the next caller sees it.
                state.processes.insert(
                    number,
                    Process {
                        starting: Some(Instant::now()),
                        ..Default::default()
                    },
                );
                number
            };
            if let Err(e) = self.spawn(number) {
                self.state().processes.remove(&number);
                return Err(e);
            }
        }
    }

    /// Starts the function's first process ahead of its first invocation (no-op when one runs).
    pub fn prestart(self: &Arc<Self>) -> Result<(), FunctionError> {
        let number = {
            let mut state = self.state();
            if state.stopped || !state.processes.is_empty() {
                return Ok(());
            }
            state.started += 1;
            let number = state.started;
            state.processes.insert(
                number,
                Process {
                    starting: Some(Instant::now()),
                    ..Default::default()
                },
            );
            number
        };
        if let Err(e) = self.spawn(number) {
            self.state().processes.remove(&number);
            return Err(e);
        }
        Ok(())
    }

    /// Ends extra processes idle for [`IDLE_END`], every so often, while the emulator runs;
    /// one process of the function stays warm.
    pub(super) fn reap_idle(self: &Arc<Self>) {
        {
            let mut state = self.state();
            if state.reaping {
                return;
            }
            state.reaping = true;
        }
        let host = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(IDLE_END / 4).await;
                let mut state = host.state();
                if state.stopped {
                    return;
                }
                let mut idle: Vec<u64> = state
                    .processes
                    .iter()
                    .filter(|(_, p)| {
                        p.current.is_none()
                            && p.idle_since
                                .is_some_and(|since| since.elapsed() >= IDLE_END)
                    })
                    .map(|(n, _)| *n)
                    .collect();
                idle.sort_unstable();
                if idle.len() == state.processes.len() {
                    // The oldest stays warm.
                    idle.remove(0);
                }
                for number in idle {
                    if let Some(kill) = state.processes.get_mut(&number).and_then(|p| p.kill.take())
                    {
                        let _ = kill.send(());
                        (host.log)(&format!(
                            "function {}: a process idle for {} s ended",
                            host.spec.name,
                            IDLE_END.as_secs()
                        ));
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demand(queued: usize, free: usize, running: usize, waited_ms: u64) -> Demand {
        Demand {
            queued,
            free,
            running,
            concurrency: 4,
            waited: Duration::from_millis(waited_ms),
        }
    }

    #[test]
    fn a_process_starts_only_for_an_invocation_that_waited_within_the_concurrency() {
        assert_eq!(
            start_rule(demand(1, 0, 0, 0)),
            Start::Now,
            "the first at once"
        );
        assert_eq!(
            start_rule(demand(1, 1, 1, 0)),
            Start::No,
            "a free process takes it"
        );
        assert_eq!(
            start_rule(demand(2, 1, 1, 20)),
            Start::After(START_AFTER - Duration::from_millis(20)),
            "a busy process may come back first"
        );
        assert_eq!(start_rule(demand(2, 1, 1, 60)), Start::Now);
        assert_eq!(
            start_rule(demand(5, 0, 4, 999)),
            Start::No,
            "at the concurrency"
        );
        assert_eq!(start_rule(demand(0, 0, 0, 0)), Start::No, "nothing waits");
        let one = Demand {
            concurrency: 1,
            ..demand(3, 0, 1, 999)
        };
        assert_eq!(start_rule(one), Start::No);
    }
}
