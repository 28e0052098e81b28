//! What the Runtime API does to the pool: hands a process its next invocation, takes its
//! answer or its init failure, and turns away strangers.

use super::{Host, Next, Outcome};
use crate::local::functions::runtime_api::{ApiError, Invocations};

impl Host {
    /// `GET /next` of process `number`: waits (without a timeout, as Lambda does) for the next
    /// invocation.
    async fn take_next(&self, number: u64) -> Next {
        let asked = std::time::Instant::now();
        let init = self
            .state()
            .processes
            .get_mut(&number)
            .and_then(|p| p.starting.take());
        if let Some(started) = init {
            (self.log)(&format!(
                "function {}: ready in {} ms",
                self.spec.name,
                started.elapsed().as_millis()
            ));
        }
        // A second /next while holding an invocation gets that invocation again, as the RIE
        // answers: nothing is lost.
        if let Some(held) = self
            .state()
            .processes
            .get(&number)
            .and_then(|p| p.current.as_ref())
        {
            return Next {
                request_id: held.id.clone(),
                event: held.event.clone(),
                deadline_ms: held.deadline_ms,
                function_arn: self.spec.arn(),
                trace_id: held.trace_id.clone(),
            };
        }
        if let Some(p) = self.state().processes.get_mut(&number) {
            p.idle_since = Some(std::time::Instant::now());
        }
        let mut inv = loop {
            let notified = self.queued.notified();
            if let Some(inv) = self.state().queue.pop_front() {
                break inv;
            }
            notified.await;
        };
        inv.deadline_ms = (std::time::SystemTime::now() + inv.timeout)
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        inv.trace_id = format!("{};Sampled=0", crate::local::ids::trace_root());
        let next = Next {
            request_id: inv.id.clone(),
            event: inv.event.clone(),
            deadline_ms: inv.deadline_ms,
            function_arn: self.spec.arn(),
            trace_id: inv.trace_id.clone(),
        };
        if let Some(taken) = inv.taken.take() {
            // What the invocation waited for this process to ask is the function's time.
            let _ = taken.send((
                std::time::Instant::now(),
                asked.saturating_duration_since(inv.queued_at),
            ));
        }
        let mut state = self.state();
        match state.processes.get_mut(&number) {
            Some(process) => {
                process.current = Some(inv);
                process.idle_since = None;
            }
            // The process ended while it waited: the invocation goes back to the front.
            None => state.queue.push_front(inv),
        }
        next
    }

    /// A `/response` or `/error` of process `number` for invocation `id`: false when the
    /// process does not hold it.
    fn complete_held(&self, number: u64, id: &str, outcome: Outcome) -> bool {
        let inv = self
            .state()
            .processes
            .get_mut(&number)
            .and_then(|p| p.current.take_if(|i| i.id == id));
        match inv {
            Some(inv) => {
                let _ = inv.reply.send((outcome, std::time::Instant::now()));
                true
            }
            None => false,
        }
    }

    /// `/init/error` of process `number`: logged, and it answers what waits: what the process
    /// holds, or the next in line.
    fn init_error(&self, number: u64, reported: ApiError) {
        (self.log)(&format!(
            "function {}: init failed: {}: {}",
            self.spec.name,
            crate::sanitize::excerpt(&reported.error_type, 100),
            crate::sanitize::excerpt(&reported.error_message, 200)
        ));
        let mut state = self.state();
        let held = state.processes.get_mut(&number).and_then(|p| {
            p.init_error = Some(reported.clone());
            p.current.take()
        });
        if let Some(inv) = held.or_else(|| state.queue.pop_front()) {
            let _ = inv.reply.send((
                Outcome::Error {
                    error_type: reported.error_type,
                    error_message: reported.error_message,
                },
                std::time::Instant::now(),
            ));
        }
    }
}

impl Invocations for Host {
    fn next(&self, number: u64) -> impl Future<Output = Next> + Send {
        self.take_next(number)
    }

    fn complete(&self, number: u64, id: &str, outcome: Outcome) -> bool {
        self.complete_held(number, id, outcome)
    }

    fn init_failed(&self, number: u64, reported: ApiError) {
        self.init_error(number, reported);
    }

    fn stranger(&self, _number: u64, peer: std::net::SocketAddr) {
        (self.log)(&format!(
            "function {}: refused a Runtime API call from {peer}, a process that is not the function's",
            self.spec.name
        ));
    }
}
