//! The developer's Lambda functions as the emulator calls them: a command that cwsauth starts
//! and hosts the Lambda Runtime API for (so any runtime interface client runs unchanged: Rust
//! `lambda_runtime`, Python `awslambdaric`, Node `aws-lambda-ric`), or a function behind a
//! running Lambda emulator's Invoke API (`cargo lambda watch`, `sam local start-lambda`, the
//! RIE). Output of started functions is shown line by line with the function's name.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt};
use tokio::sync::{Notify, oneshot};

use super::ids::{ACCOUNT, REGION};

/// Largest response a function may post (Lambda's 6 MB, plus the RIE's 100 bytes).
pub const MAX_RESPONSE: usize = 6 * 1024 * 1024 + 100;
/// A default timeout, Lambda's.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
/// Most processes of one function at once, unless its settings say otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// Longest output line of a function that is shown whole.
const MAX_LOG_LINE: usize = 8 * 1024;

/// Where a function runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command cwsauth starts with `AWS_LAMBDA_RUNTIME_API` pointing at its own host.
    Command(Vec<String>),
    /// A function at a running emulator's Invoke API.
    Invoke { base: String, name: String },
}

/// One function: what runs it and how.
#[derive(Debug, Clone)]
pub struct FunctionSpec {
    pub name: String,
    pub source: Source,
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
    pub cwd: Option<PathBuf>,
    pub memory_mb: u32,
    /// Most processes run at once (Lambda's reserved concurrency, locally).
    pub concurrency: usize,
}

impl FunctionSpec {
    /// `NAME=COMMAND…` (split as a shell would) or `NAME=http://host:port[#FUNCTION]` (an
    /// Invoke API; the function's name there defaults to NAME).
    pub fn parse(text: &str) -> Result<FunctionSpec, String> {
        let (name, rest) = text
            .split_once('=')
            .filter(|(n, r)| !n.is_empty() && !r.trim().is_empty())
            .ok_or_else(|| {
                format!(
                    "function {:?} is not NAME=COMMAND or NAME=http://HOST:PORT[#FUNCTION]",
                    crate::sanitize::excerpt(text, 60)
                )
            })?;
        let rest = rest.trim();
        let source = if rest.starts_with("http://") || rest.starts_with("https://") {
            let (base, remote) = match rest.split_once('#') {
                Some((b, n)) if !n.is_empty() => (b, n),
                _ => (rest, name),
            };
            crate::http::check_endpoint("Invoke API", base).map_err(|e| e.to_string())?;
            Source::Invoke {
                base: base.trim_end_matches('/').to_string(),
                name: remote.to_string(),
            }
        } else {
            let words = shlex::split(rest)
                .filter(|w| !w.is_empty())
                .ok_or_else(|| {
                    format!("the command of function {name} has an unclosed quote or is empty")
                })?;
            Source::Command(words)
        };
        Ok(FunctionSpec {
            name: name.to_string(),
            source,
            env: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            cwd: None,
            memory_mb: 128,
            concurrency: DEFAULT_CONCURRENCY,
        })
    }

    /// The function's ARN as the emulator reports it.
    pub fn arn(&self) -> String {
        format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{}", self.name)
    }
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
    Timeout(Duration),
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

/// A function the emulator can invoke.
pub struct Function {
    pub spec: FunctionSpec,
    kind: Kind,
    log: Arc<dyn Fn(&str) + Send + Sync>,
}

enum Kind {
    Hosted(Arc<Host>),
    Invoke(reqwest::Client),
}

impl Function {
    /// Prepares the function: a started command gets its Runtime API host now (and its process
    /// at the first invocation); an Invoke API needs a client.
    pub fn new(
        spec: FunctionSpec,
        extra_env: Vec<(String, String)>,
        log: Arc<dyn Fn(&str) + Send + Sync>,
    ) -> Result<Function, String> {
        let kind = match &spec.source {
            Source::Command(_) => Kind::Hosted(Host::new(&spec, extra_env, log.clone())),
            Source::Invoke { .. } => {
                Kind::Invoke(crate::http::async_client().map_err(|e| e.to_string())?)
            }
        };
        Ok(Function { spec, kind, log })
    }

    /// Runs the function on `event`, within its timeout. A started function's invocation is
    /// queued before this returns, so calls made in order reach the function in that order.
    pub fn invoke(
        self: &Arc<Self>,
        event: &Value,
    ) -> impl Future<Output = Outcome> + Send + 'static {
        let started = Instant::now();
        let queued = match &self.kind {
            Kind::Hosted(host) => Some(host.enqueue(event, self.spec.timeout)),
            Kind::Invoke(_) => None,
        };
        let (function, event) = (self.clone(), event.clone());
        async move {
            let outcome = match (queued, &function.kind) {
                (Some(queued), _) => queued.await,
                (None, Kind::Invoke(client)) => function.invoke_api(client, &event).await,
                (None, Kind::Hosted(_)) => Outcome::Crashed("the function's host is gone".into()),
            };
            function.report(&outcome);
            tracing::debug!("{} took {:?}", function.spec.name, started.elapsed());
            outcome
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

    async fn invoke_api(&self, client: &reqwest::Client, event: &Value) -> Outcome {
        let Source::Invoke { base, name } = &self.spec.source else {
            return Outcome::Crashed("not an Invoke API function".into());
        };
        let url = format!("{base}/2015-03-31/functions/{name}/invocations");
        let request = client
            .post(&url)
            .timeout(self.spec.timeout)
            .header("Content-Type", "application/json")
            .body(event.to_string())
            .send();
        let response = match request.await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Outcome::Timeout(self.spec.timeout),
            Err(e) => {
                return Outcome::Crashed(format!(
                    "the Invoke API at {base} failed: {}",
                    crate::http::cause(&e)
                ));
            }
        };
        let status = response.status().as_u16();
        let function_error = response.headers().contains_key("x-amz-function-error");
        let mut body = Vec::new();
        let mut response = response;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) if body.len() + chunk.len() <= MAX_RESPONSE => {
                    body.extend_from_slice(&chunk)
                }
                Ok(Some(_)) => {
                    return Outcome::Crashed("the function's answer is over 6 MB".into());
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => return Outcome::Timeout(self.spec.timeout),
                Err(e) => {
                    return Outcome::Crashed(format!(
                        "the Invoke API at {base} failed: {}",
                        crate::http::cause(&e)
                    ));
                }
            }
        }
        let parsed: Result<Value, _> = serde_json::from_slice(&body);
        match (status, function_error, parsed) {
            // cargo-lambda answers a timed-out invocation with 408.
            (408, _, _) => Outcome::Timeout(self.spec.timeout),
            (200, false, Ok(v)) => Outcome::Result(v),
            // AWS: 200 with X-Amz-Function-Error; cargo-lambda: 500 with the error body.
            (200 | 500, _, Ok(v))
                if v.get("errorMessage").is_some() || v.get("errorType").is_some() =>
            {
                error_of(&v)
            }
            (200, false, Err(_)) if body.is_empty() => Outcome::Result(Value::Null),
            (_, _, _) => Outcome::Crashed(format!(
                "the Invoke API at {base} answered HTTP {status}: {}",
                crate::sanitize::excerpt(String::from_utf8_lossy(&body).trim(), 100)
            )),
        }
    }

    /// Stops the function's process, if it runs one.
    pub fn stop(&self) {
        if let Kind::Hosted(host) = &self.kind {
            host.stop();
        }
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

/// One invocation waiting for, or held by, a process of the function.
struct Invocation {
    id: String,
    event: Bytes,
    timeout: Duration,
    /// Told when a process takes the invocation: its timeout starts then.
    taken: Option<oneshot::Sender<()>>,
    reply: oneshot::Sender<Outcome>,
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

/// The started function: its queue and its processes. Like Lambda, which gives concurrent
/// invocations sandboxes of their own, it starts another process (up to the function's
/// concurrency) when an invocation finds none free. Each process has a Runtime API listener
/// of its own, so the host knows which process holds which invocation.
struct Host {
    spec: FunctionSpec,
    env: Vec<(String, String)>,
    log: Arc<dyn Fn(&str) + Send + Sync>,
    state: Mutex<HostState>,
    /// Wakes a waiting `/next` when an invocation is queued.
    queued: Notify,
}

#[derive(Default)]
struct HostState {
    queue: VecDeque<Invocation>,
    processes: std::collections::HashMap<u64, Process>,
    /// Numbers the processes, so that an old one's exit never touches a new one.
    started: u64,
    /// The emulator stops: no process starts again.
    stopped: bool,
}

/// One process of the function.
struct Process {
    /// The invocation it holds (after `/next`, until it answers).
    current: Option<Invocation>,
    /// When it started, until its first `/next` (its init time).
    starting: Option<Instant>,
    /// What `/init/error` reported for it.
    init_error: Option<(String, String)>,
    /// Ends the process.
    kill: Option<oneshot::Sender<()>>,
    /// Its Runtime API server.
    server: tokio::task::JoinHandle<()>,
}

impl Host {
    fn new(
        spec: &FunctionSpec,
        env: Vec<(String, String)>,
        log: Arc<dyn Fn(&str) + Send + Sync>,
    ) -> Arc<Host> {
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
    /// runtime interface clients refuse to start without included), then the spec's own.
    fn environment(&self, api: &str) -> Vec<(String, String)> {
        let name = &self.spec.name;
        let handler = self
            .spec
            .env
            .iter()
            .find(|(k, _)| k == "_HANDLER")
            .map(|(_, v)| v.clone())
            .or_else(|| match &self.spec.source {
                Source::Command(words) => words.last().filter(|w| looks_like_handler(w)).cloned(),
                Source::Invoke { .. } => None,
            })
            .unwrap_or_else(|| "index.handler".into());
        let task_root = self
            .spec
            .cwd
            .clone()
            .or_else(|| std::env::current_dir().ok())
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let mut env = vec![
            ("AWS_LAMBDA_RUNTIME_API".to_string(), api.to_string()),
            ("AWS_LAMBDA_FUNCTION_NAME".into(), name.clone()),
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
                format!("local/[$LATEST]{}", super::ids::random_token(8)),
            ),
            ("AWS_LAMBDA_INITIALIZATION_TYPE".into(), "on-demand".into()),
            ("AWS_REGION".into(), REGION.into()),
            ("AWS_DEFAULT_REGION".into(), REGION.into()),
            (
                "AWS_EXECUTION_ENV".into(),
                "AWS_Lambda_cwsauth_local".into(),
            ),
            ("_HANDLER".into(), handler),
            ("LAMBDA_TASK_ROOT".into(), task_root.clone()),
            ("LAMBDA_RUNTIME_DIR".into(), task_root),
            ("TZ".into(), ":UTC".into()),
            // Any credentials do locally; SDKs refuse to sign without some.
            ("AWS_ACCESS_KEY_ID".into(), "AKIDLOCAL".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "local-secret".into()),
            ("AWS_SESSION_TOKEN".into(), "local-session".into()),
        ];
        env.extend(self.env.iter().cloned());
        env.extend(self.spec.env.iter().cloned());
        env
    }

    /// Starts processes while queued invocations outnumber the processes free (or about to
    /// be, once started) to take them, up to the function's concurrency.
    fn scale(self: &Arc<Self>) -> Result<(), String> {
        loop {
            let mut state = self.state();
            if state.stopped {
                return Err("the emulator is stopping".into());
            }
            // A process that holds nothing is starting, waits in /next, or is on its way back
            // there after answering: it takes the next invocation soon.
            let free = state
                .processes
                .values()
                .filter(|p| p.current.is_none())
                .count();
            if state.queue.len() <= free || state.processes.len() >= self.spec.concurrency {
                return Ok(());
            }
            state.started += 1;
            let number = state.started;
            drop(state);
            self.spawn(number)?;
        }
    }

    /// Starts process `number` with a Runtime API server of its own.
    fn spawn(self: &Arc<Self>, number: u64) -> Result<(), String> {
        let Source::Command(words) = &self.spec.source else {
            return Err("not a started function".into());
        };
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .and_then(tokio::net::TcpListener::from_std)
            .map_err(|e| format!("cannot listen for its Runtime API: {e}"))?;
        let api = listener
            .local_addr()
            .map_err(|e| e.to_string())?
            .to_string();
        let mut command = tokio::process::Command::new(&words[0]);
        command
            .args(&words[1..])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        for (k, v) in self.environment(&api) {
            command.env(k, v);
        }
        if let Some(dir) = &self.spec.cwd {
            command.current_dir(dir);
        }
        let mut child = command.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("cannot start it: {}: no such program", words[0])
            }
            _ => format!("cannot start it: {}: {e}", words[0]),
        })?;
        let served = self.clone();
        let server = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let host = served.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let host = host.clone();
                        async move { Ok::<_, Infallible>(host.runtime_api(number, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        let (kill, killed) = oneshot::channel::<()>();
        self.state().processes.insert(
            number,
            Process {
                current: None,
                starting: Some(Instant::now()),
                init_error: None,
                kill: Some(kill),
                server,
            },
        );
        (self.log)(&format!(
            "function {}: started (pid {})",
            self.spec.name,
            child.id().unwrap_or(0)
        ));
        let outputs: [Option<Box<dyn tokio::io::AsyncRead + Unpin + Send>>; 2] = [
            child.stdout.take().map(|s| Box::new(s) as _),
            child.stderr.take().map(|s| Box::new(s) as _),
        ];
        for stream in outputs.into_iter().flatten() {
            let (log, prefix) = (self.log.clone(), format!("[{}] ", self.spec.name));
            tokio::spawn(async move {
                let mut reader = tokio::io::BufReader::new(stream);
                let mut line = Vec::new();
                loop {
                    line.clear();
                    // A line without end is shown in pieces rather than held whole.
                    match AsyncReadExt::take(&mut reader, MAX_LOG_LINE as u64)
                        .read_until(b'\n', &mut line)
                        .await
                    {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {
                            // The runtime interface clients write a multi-line message as one
                            // line with `\r` between its lines (one CloudWatch event): show its lines.
                            let text = String::from_utf8_lossy(&line);
                            for part in text.trim_end_matches(['\n', '\r']).split('\r') {
                                log(&format!("{prefix}{}", crate::sanitize::for_terminal(part)));
                            }
                        }
                    }
                }
            });
        }
        let host = self.clone();
        tokio::spawn(async move {
            let status = tokio::select! {
                status = child.wait() => Some(status),
                _ = killed => {
                    let _ = child.kill().await;
                    None
                }
            };
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
        process.server.abort();
        if state.stopped {
            // The emulator stops: nothing waits for an answer any more.
            for inv in state.queue.drain(..) {
                let _ = inv
                    .reply
                    .send(Outcome::Crashed("the emulator stopped".into()));
            }
            return;
        }
        if let Some(status) = status {
            let why = match status {
                Ok(s) => describe_exit(s),
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
                    let _ = inv.reply.send(match process.init_error {
                        Some((t, m)) => Outcome::Error {
                            error_type: t,
                            error_message: m,
                        },
                        None => Outcome::Crashed(format!("{why} during the invocation")),
                    });
                }
                None => (self.log)(&format!("function {}: {why}", self.spec.name)),
            }
        } else {
            drop(state);
        }
        if let Err(why) = self.scale() {
            let queue: Vec<_> = self.state().queue.drain(..).collect();
            for inv in queue {
                let _ = inv.reply.send(Outcome::Crashed(why.clone()));
            }
        }
    }

    fn stop(&self) {
        let mut state = self.state();
        state.stopped = true;
        for process in state.processes.values_mut() {
            if let Some(kill) = process.kill.take() {
                let _ = kill.send(());
            }
        }
    }

    /// Queues an invocation now (starting a process if none is free); the future is its
    /// answer. A process takes one invocation at a time: the timeout counts from when it does.
    fn enqueue(
        self: &Arc<Self>,
        event: &Value,
        timeout: Duration,
    ) -> impl Future<Output = Outcome> + Send + 'static {
        let (reply, answer) = oneshot::channel();
        let (taken_tx, taken) = oneshot::channel();
        let id = super::ids::uuid();
        self.state().queue.push_back(Invocation {
            id: id.clone(),
            event: Bytes::from(event.to_string()),
            timeout,
            taken: Some(taken_tx),
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
                return Outcome::Crashed(why);
            }
            let unqueue = Unqueue {
                host: host.clone(),
                id: id.clone(),
            };
            // An error here means it was answered (an init error) without being taken.
            let _ = taken.await;
            drop(unqueue);
            let mut answer = answer;
            match tokio::time::timeout(timeout, &mut answer).await {
                Ok(Ok(outcome)) => outcome,
                Ok(Err(_)) => Outcome::Crashed("the function's host dropped the invocation".into()),
                Err(_) => {
                    // Lambda ends a timed-out sandbox: its process is ended.
                    let mut state = host.state();
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
                    Outcome::Timeout(timeout)
                }
            }
        }
    }

    /// The Lambda Runtime API (2018-06-01), as AWS and the RIE serve it, for process `number`.
    async fn runtime_api(
        self: Arc<Self>,
        number: u64,
        req: Request<Incoming>,
    ) -> Response<Full<Bytes>> {
        let path = req.uri().path().to_string();
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (req.method(), parts.as_slice()) {
            (&Method::GET, ["2018-06-01", "runtime", "invocation", "next"]) => {
                self.next(number).await
            }
            (
                &Method::POST,
                [
                    "2018-06-01",
                    "runtime",
                    "invocation",
                    id,
                    kind @ ("response" | "error"),
                ],
            ) => {
                let (id, error) = (id.to_string(), *kind == "error");
                let error_header = req
                    .headers()
                    .get("lambda-runtime-function-error-type")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let body = match Limited::new(req.into_body(), MAX_RESPONSE).collect().await {
                    Ok(b) => b.to_bytes(),
                    Err(_) => {
                        return api_error(
                            413,
                            "RequestEntityTooLarge",
                            &format!(
                                "Exceeded maximum allowed payload size ({MAX_RESPONSE} bytes)."
                            ),
                        );
                    }
                };
                let inv = self
                    .state()
                    .processes
                    .get_mut(&number)
                    .and_then(|p| p.current.take_if(|i| i.id == id));
                let Some(inv) = inv else {
                    return api_error(400, "InvalidRequestID", "Invalid request ID");
                };
                let outcome = if error {
                    match serde_json::from_slice::<Value>(&body) {
                        Ok(v) if v.is_object() => error_of(&v),
                        _ => Outcome::Error {
                            error_type: error_header.unwrap_or_else(|| "Unhandled".into()),
                            error_message: String::from_utf8_lossy(&body).into_owned(),
                        },
                    }
                } else {
                    match serde_json::from_slice::<Value>(&body) {
                        Ok(v) => Outcome::Result(v),
                        // API Gateway cannot read what is not JSON.
                        Err(_) => Outcome::Crashed(format!(
                            "answered something that is not JSON: {}",
                            crate::sanitize::excerpt(String::from_utf8_lossy(&body).trim(), 60)
                        )),
                    }
                };
                let _ = inv.reply.send(outcome);
                accepted()
            }
            (&Method::POST, ["2018-06-01", "runtime", "init", "error"]) => {
                let error_header = req
                    .headers()
                    .get("lambda-runtime-function-error-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("Runtime.InitError")
                    .to_string();
                let body = Limited::new(req.into_body(), 64 * 1024)
                    .collect()
                    .await
                    .map(|b| b.to_bytes())
                    .unwrap_or_default();
                let reported = match serde_json::from_slice::<Value>(&body) {
                    Ok(v) if v.is_object() => match error_of(&v) {
                        Outcome::Error {
                            error_type,
                            error_message,
                        } => (error_type, error_message),
                        _ => (error_header, String::new()),
                    },
                    _ => (error_header, String::from_utf8_lossy(&body).into_owned()),
                };
                (self.log)(&format!(
                    "function {}: init failed: {}: {}",
                    self.spec.name,
                    crate::sanitize::excerpt(&reported.0, 100),
                    crate::sanitize::excerpt(&reported.1, 200)
                ));
                let mut state = self.state();
                let held = state.processes.get_mut(&number).and_then(|p| {
                    p.init_error = Some(reported.clone());
                    p.current.take()
                });
                // The error answers what waits: what the process holds, or the next in line.
                if let Some(inv) = held.or_else(|| state.queue.pop_front()) {
                    let _ = inv.reply.send(Outcome::Error {
                        error_type: reported.0,
                        error_message: reported.1,
                    });
                }
                accepted()
            }
            _ => api_error(404, "NotFound", "no such Runtime API path"),
        }
    }

    /// `GET /next`: waits (without a timeout, as Lambda does) for the next invocation.
    async fn next(&self, number: u64) -> Response<Full<Bytes>> {
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
        let mut inv = loop {
            let notified = self.queued.notified();
            {
                let mut state = self.state();
                if let Some(inv) = state.queue.pop_front() {
                    break inv;
                }
            }
            notified.await;
        };
        let mut resp = Response::new(Full::new(inv.event.clone()));
        let headers = resp.headers_mut();
        let put = |headers: &mut hyper::HeaderMap, k: &'static str, v: String| {
            if let Ok(v) = v.parse() {
                headers.insert(k, v);
            }
        };
        // Exactly application/json: the C++-based clients crash without it.
        put(headers, "content-type", "application/json".into());
        put(headers, "lambda-runtime-aws-request-id", inv.id.clone());
        let deadline_ms = (std::time::SystemTime::now() + inv.timeout)
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        put(
            headers,
            "lambda-runtime-deadline-ms",
            deadline_ms.to_string(),
        );
        put(
            headers,
            "lambda-runtime-invoked-function-arn",
            self.spec.arn(),
        );
        put(
            headers,
            "lambda-runtime-trace-id",
            format!("{};Sampled=0", super::ids::trace_root()),
        );
        if let Some(taken) = inv.taken.take() {
            let _ = taken.send(());
        }
        let mut state = self.state();
        match state.processes.get_mut(&number) {
            Some(process) => process.current = Some(inv),
            // The process ended while it waited: the invocation goes back to the front.
            None => state.queue.push_front(inv),
        }
        resp
    }
}

/// Whether a command's last word names a handler (`app.handler`, `index.handler`) rather than
/// a file (`index.mjs`, `./bin/run.py`).
fn looks_like_handler(word: &str) -> bool {
    let Some((module, function)) = word.rsplit_once('.') else {
        return false;
    };
    !module.is_empty()
        && !word.contains('/')
        && !word.starts_with('-')
        && !function.is_empty()
        && !["py", "js", "mjs", "cjs", "ts", "sh", "rb", "jar"].contains(&function)
}

/// `exited with status 1`, `was killed by signal 11 (SIGSEGV)`.
fn describe_exit(status: std::process::ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("was killed by signal {signal}");
        }
    }
    "ended".to_string()
}

fn accepted() -> Response<Full<Bytes>> {
    super::respond::response(202, "application/json", r#"{"status":"OK"}"#)
}

fn api_error(status: u16, error_type: &str, message: &str) -> Response<Full<Bytes>> {
    let body = json!({"errorMessage": message, "errorType": error_type}).to_string();
    super::respond::response(status, "application/json", body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_specs() {
        let f = FunctionSpec::parse("auth=python3 -m awslambdaric 'app mod.handler'").unwrap();
        assert_eq!(f.name, "auth");
        assert_eq!(
            f.source,
            Source::Command(vec![
                "python3".into(),
                "-m".into(),
                "awslambdaric".into(),
                "app mod.handler".into()
            ])
        );
        let f = FunctionSpec::parse("echo=http://127.0.0.1:9000#_").unwrap();
        assert_eq!(
            f.source,
            Source::Invoke {
                base: "http://127.0.0.1:9000".into(),
                name: "_".into()
            }
        );
        let f = FunctionSpec::parse("echo=http://127.0.0.1:9000/").unwrap();
        assert_eq!(
            f.source,
            Source::Invoke {
                base: "http://127.0.0.1:9000".into(),
                name: "echo".into()
            }
        );
        assert!(FunctionSpec::parse("noequals").is_err());
        assert!(FunctionSpec::parse("x=http://example.com:9000").is_err());
        assert!(FunctionSpec::parse("x='unclosed").is_err());
        assert!(
            Outcome::Error {
                error_type: "Error".into(),
                error_message: "Unauthorized".into()
            }
            .is_unauthorized()
        );
        assert!(looks_like_handler("app.handler") && looks_like_handler("pkg.mod.fn"));
        assert!(
            !looks_like_handler("index.mjs")
                && !looks_like_handler("./x/app.handler")
                && !looks_like_handler("plain")
        );
    }
}
