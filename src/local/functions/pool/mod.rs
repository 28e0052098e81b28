//! A started function's processes and its queue of invocations. Like Lambda, which gives
//! concurrent invocations sandboxes of their own, it starts another process (up to the
//! function's concurrency) when an invocation finds none free. Each process has a Runtime API
//! listener of its own (`runtime_api.rs`), so the pool knows which process holds which
//! invocation; a process's timeout or death fails what it held and nothing else.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::Value;
use tokio::sync::{Notify, oneshot};

use super::process::{self, Launch};
use super::runtime_api::{ApiError, Next};

mod runtime;
mod scaling;

use super::spec::{FunctionSpec, Source};
use super::{FunctionError, Log, Outcome};
use crate::local::ids::REGION;
use crate::local::services;

/// Lambda's limit on a function's init phase.
pub const INIT_LIMIT: Duration = Duration::from_secs(10);

/// One invocation waiting for, or held by, a process of the function.
struct Invocation {
    id: String,
    event: Bytes,
    timeout: Duration,
    /// Told when a process takes the invocation (and when): its timeout starts then.
    /// Told when a process takes it, and how long it waited for that process to ask.
    taken: Option<oneshot::Sender<(Instant, Duration)>>,
    queued_at: Instant,
    /// Set when a process takes it.
    deadline_ms: u128,
    trace_id: String,
    /// The outcome, and when it came.
    reply: oneshot::Sender<(Outcome, Instant)>,
}

/// Takes a queued invocation out of the queue when its caller stops waiting.
struct Unqueue {
    host: Arc<Host>,
    id: String,
}

impl Drop for Unqueue {
    fn drop(&mut self) {
        self.host.state().queue.retain(|i| i.id != self.id);
    }
}

/// The started function: its queue and its processes.
pub struct Host {
    spec: FunctionSpec,
    env: Vec<(String, String)>,
    log: Log,
    state: Mutex<HostState>,
    /// Wakes a waiting `/next` when an invocation is queued.
    queued: Notify,
}

#[derive(Default)]
struct HostState {
    queue: VecDeque<Invocation>,
    processes: HashMap<u64, Process>,
    /// Numbers the processes, so that an old one's exit never touches a new one.
    started: u64,
    /// The emulator stops: no process starts again.
    stopped: bool,
    /// A look at the start rule is due (a timer runs).
    recheck: bool,
    /// The task that ends idle extra processes runs.
    reaping: bool,
}

/// One process of the function. It is counted from the moment its start is decided, so two
/// invocations arriving together never start more than the concurrency allows.
#[derive(Default)]
struct Process {
    /// The invocation it holds (after `/next`, until it answers).
    current: Option<Invocation>,
    /// When it started, until its first `/next` (its init time).
    starting: Option<Instant>,
    /// What `/init/error` reported for it.
    init_error: Option<ApiError>,
    /// Ends the process.
    kill: Option<oneshot::Sender<()>>,
    /// Its process (and group) id, once started.
    pid: Option<u32>,
    /// Since when it has held nothing (after its first `/next`).
    idle_since: Option<Instant>,
    /// Its Runtime API server.
    server: Option<tokio::task::JoinHandle<()>>,
}

impl Host {
    pub fn new(spec: &FunctionSpec, env: Vec<(String, String)>, log: Log) -> Arc<Host> {
        Arc::new(Host {
            spec: spec.clone(),
            env,
            log,
            state: Mutex::new(HostState::default()),
            queued: Notify::new(),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, HostState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The environment a function process sees: the standard Lambda variables (the ones the
    /// runtime interface clients refuse to start without included), then the emulator's, then
    /// the spec's own.
    fn environment(&self, api: &str) -> Vec<(String, String)> {
        let name = self.spec.deployed_name();
        let task_root = self
            .spec
            .cwd
            .clone()
            .or_else(|| std::env::current_dir().ok())
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let mut env = vec![
            ("AWS_LAMBDA_RUNTIME_API".to_string(), api.to_string()),
            ("AWS_LAMBDA_FUNCTION_NAME".into(), name.to_string()),
            ("AWS_LAMBDA_FUNCTION_VERSION".into(), "$LATEST".into()),
            (
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE".into(),
                self.spec.memory_mb.to_string(),
            ),
            (
                "AWS_LAMBDA_LOG_GROUP_NAME".into(),
                format!("/aws/lambda/{name}"),
            ),
            (
                "AWS_LAMBDA_LOG_STREAM_NAME".into(),
                format!("local/[$LATEST]{}", crate::local::ids::random_token(8)),
            ),
            ("AWS_LAMBDA_INITIALIZATION_TYPE".into(), "on-demand".into()),
            ("AWS_REGION".into(), REGION.into()),
            ("AWS_DEFAULT_REGION".into(), REGION.into()),
            (
                "AWS_EXECUTION_ENV".into(),
                "AWS_Lambda_cwsauth_local".into(),
            ),
            ("_HANDLER".into(), self.spec.handler()),
            ("LAMBDA_TASK_ROOT".into(), task_root.clone()),
            ("LAMBDA_RUNTIME_DIR".into(), task_root),
            ("TZ".into(), ":UTC".into()),
            // Any credentials do locally; SDKs refuse to sign without some.
            ("AWS_ACCESS_KEY_ID".into(), services::ACCESS_KEY_ID.into()),
            (
                "AWS_SECRET_ACCESS_KEY".into(),
                services::SECRET_ACCESS_KEY.into(),
            ),
            ("AWS_SESSION_TOKEN".into(), services::SESSION_TOKEN.into()),
        ];
        env.extend(self.env.iter().cloned());
        env.extend(self.spec.env.iter().cloned());
        env
    }

    /// Starts process `number` (already counted) with a Runtime API server of its own.
    fn spawn(self: &Arc<Self>, number: u64) -> Result<(), FunctionError> {
        let Source::Command(words) = &self.spec.source else {
            return Err(FunctionError::Spec("not a started function".into()));
        };
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .and_then(tokio::net::TcpListener::from_std)
            .map_err(FunctionError::Listen)?;
        let api = listener.local_addr().map_err(FunctionError::Listen)?;
        let launch = Launch {
            words,
            env: self.environment(&api.to_string()),
            cwd: self.spec.cwd.as_deref(),
        };
        let mut child = process::start(launch, &self.spec.name, &self.log)?;
        let pid = child.id();
        let server = tokio::spawn(super::runtime_api::serve(
            listener,
            self.clone(),
            number,
            pid,
        ));
        let (kill, killed) = oneshot::channel::<()>();
        {
            let mut state = self.state();
            match state.processes.get_mut(&number) {
                Some(p) => {
                    p.kill = Some(kill);
                    p.server = Some(server);
                    p.pid = pid;
                }
                None => server.abort(),
            }
        }
        (self.log)(&format!(
            "function {}: started (pid {})",
            self.spec.name,
            pid.unwrap_or(0)
        ));
        self.reap_idle();
        let host = self.clone();
        let started = Instant::now();
        tokio::spawn(async move {
            // Lambda's init limit: a process that has not asked for work within it is ended
            // (and another started for what waits), not counted as free forever.
            let init_limit = tokio::time::sleep(INIT_LIMIT);
            tokio::pin!(init_limit);
            let mut killed = killed;
            let status = loop {
                tokio::select! {
                    status = child.wait() => break Some(status),
                    _ = &mut killed => {
                        process::end(&mut child).await;
                        break None;
                    }
                    _ = &mut init_limit => {
                        if host.still_starting(number) {
                            (host.log)(&format!(
                                "function {}: not ready after {} s (Lambda's init limit); ended",
                                host.spec.name,
                                started.elapsed().as_secs()
                            ));
                            host.fail_first(number, Outcome::Crashed(format!(
                                "did not start within Lambda's {} s init limit",
                                INIT_LIMIT.as_secs()
                            )));
                            process::end(&mut child).await;
                            break None;
                        }
                        // Ready in time: only its exit or its end is waited for now.
                        init_limit.as_mut().reset(tokio::time::Instant::now() + Duration::from_secs(86_400 * 365));
                    }
                }
            };
            // What it started may outlive it: its group goes with it.
            if let Some(pid) = pid {
                crate::external::end_group(pid);
            }
            host.ended(number, status);
        });
        Ok(())
    }

    /// After process `number` ended by itself (`status`) or was ended: what it held fails,
    /// and waiting invocations get a new process.
    fn ended(
        self: &Arc<Self>,
        number: u64,
        status: Option<std::io::Result<std::process::ExitStatus>>,
    ) {
        let mut state = self.state();
        let Some(process) = state.processes.remove(&number) else {
            return;
        };
        if let Some(server) = &process.server {
            server.abort();
        }
        if state.stopped {
            // The emulator stops: nothing waits for an answer any more.
            for inv in state.queue.drain(..) {
                let _ = inv.reply.send((
                    Outcome::Crashed("the emulator stopped".into()),
                    Instant::now(),
                ));
            }
            return;
        }
        if let Some(status) = status {
            let why = match status {
                Ok(s) => process::describe_exit(s),
                Err(e) => format!("could not be watched: {e}"),
            };
            // What the process held fails; a process that died before taking anything fails
            // the first in line, so one that dies at start cannot restart forever.
            let failed = match process.current {
                Some(inv) => Some(inv),
                None if process.starting.is_some() => state.queue.pop_front(),
                None => None,
            };
            drop(state);
            match failed {
                // The invocation's failure is logged with it.
                Some(inv) => {
                    let _ = inv.reply.send((
                        match process.init_error {
                            Some(e) => Outcome::Error {
                                error_type: e.error_type,
                                error_message: e.error_message,
                            },
                            None => Outcome::Crashed(format!("{why} during the invocation")),
                        },
                        Instant::now(),
                    ));
                }
                None => (self.log)(&format!("function {}: {why}", self.spec.name)),
            }
        } else {
            drop(state);
        }
        if let Err(why) = self.scale() {
            let queue: Vec<_> = self.state().queue.drain(..).collect();
            for inv in queue {
                let _ = inv
                    .reply
                    .send((Outcome::Crashed(why.to_string()), Instant::now()));
            }
        }
    }

    /// Ends every process and what it started, now (the emulator may exit next); none starts
    /// again.
    pub fn stop(&self) {
        let mut state = self.state();
        state.stopped = true;
        for process in state.processes.values_mut() {
            if let Some(pid) = process.pid {
                crate::external::end_group(pid);
            }
            if let Some(kill) = process.kill.take() {
                let _ = kill.send(());
            }
        }
    }

    /// Whether process `number` has not asked for work yet.
    fn still_starting(&self, number: u64) -> bool {
        self.state()
            .processes
            .get(&number)
            .is_some_and(|p| p.starting.is_some())
    }

    /// Fails what process `number` would have taken: the first invocation in line.
    fn fail_first(&self, number: u64, outcome: Outcome) {
        let mut state = self.state();
        if let Some(p) = state.processes.get_mut(&number) {
            // It is ended for this reason; its exit fails nothing more.
            p.starting = None;
        }
        if let Some(inv) = state.queue.pop_front() {
            let _ = inv.reply.send((outcome, Instant::now()));
        }
    }

    /// Queues an invocation now (starting a process if none is free); the future is its
    /// answer. A process takes one invocation at a time: the timeout counts from when it does.
    pub fn enqueue(
        self: &Arc<Self>,
        event: &Value,
        timeout: Duration,
    ) -> impl Future<Output = (Outcome, Option<Duration>)> + Send + 'static {
        let (reply, answer) = oneshot::channel();
        let (taken_tx, taken) = oneshot::channel();
        let id = crate::local::ids::uuid();
        self.state().queue.push_back(Invocation {
            id: id.clone(),
            event: Bytes::from(event.to_string()),
            timeout,
            taken: Some(taken_tx),
            queued_at: Instant::now(),
            deadline_ms: 0,
            trace_id: String::new(),
            reply,
        });
        self.queued.notify_one();
        let started = self.scale();
        if started.is_err() {
            self.state().queue.retain(|i| i.id != id);
        }
        let host = self.clone();
        async move {
            if let Err(why) = started {
                return (Outcome::Crashed(why.to_string()), None);
            }
            let unqueue = Unqueue {
                host: host.clone(),
                id: id.clone(),
            };
            // An error here means it was answered (an init error) without being taken.
            let taken_at = taken.await.ok();
            drop(unqueue);
            let mut answer = answer;
            match tokio::time::timeout(timeout, &mut answer).await {
                // The function's time: from its /next to its answer, and any wait for a
                // process to ask (a runtime still busy or starting).
                Ok(Ok((outcome, at))) => (
                    outcome,
                    taken_at.map(|(t, waited)| at.saturating_duration_since(t) + waited),
                ),
                Ok(Err(_)) => (
                    Outcome::Crashed("the function's host dropped the invocation".into()),
                    None,
                ),
                Err(_) => {
                    host.end_holder(&id);
                    (Outcome::Timeout(timeout), None)
                }
            }
        }
    }

    /// Lambda ends a timed-out sandbox: the process that holds invocation `id` is ended.
    fn end_holder(&self, id: &str) {
        let mut state = self.state();
        if let Some(process) = state
            .processes
            .values_mut()
            .find(|p| p.current.as_ref().is_some_and(|i| i.id == id))
        {
            process.current = None;
            if let Some(kill) = process.kill.take() {
                let _ = kill.send(());
            }
        }
    }
}
