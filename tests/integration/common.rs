//! What the tests share: running the binary in a private `CWSAUTH_HOME`, minting Cognito-shaped
//! tokens, and an in-process JWKS server that counts its hits.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use cwsauth_verify::signing::{SigningKey, jwks_document};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub const POOL: &str = "us-east-1_TestPool1";
pub const CLIENT: &str = "testclient123";
pub const NOW: i64 = 1_800_000_000;

pub fn issuer() -> String {
    format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}")
}

/// The binary with a private home and no CWSAUTH_* variables from the caller's environment.
pub struct Cli {
    pub home: tempfile::TempDir,
}

impl Cli {
    pub fn new() -> Cli {
        Cli {
            home: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cwsauth"));
        for (key, _) in std::env::vars() {
            if key.starts_with("CWSAUTH_") || key.starts_with("AWS_") || key == "NO_COLOR" {
                cmd.env_remove(key);
            }
        }
        // Not the machine's own ~/.aws either: files of the test's home, absent unless written.
        let aws = self.home.path().join("aws");
        cmd.env("AWS_SHARED_CREDENTIALS_FILE", aws.join("credentials"))
            .env("AWS_CONFIG_FILE", aws.join("config"));
        cmd.env("CWSAUTH_HOME", self.home.path()).args(args);
        cmd
    }

    /// The one way tests run the binary: `cli.cmd(args).env(..).stdin(..).run()`, always
    /// under a watchdog.
    pub fn cmd(&self, args: &[&str]) -> CliCmd {
        CliCmd::new(self.command(args))
    }

    /// The same with another copy of the binary.
    pub fn cmd_at(&self, program: &std::path::Path, args: &[&str]) -> CliCmd {
        let mut command = self.command(args);
        let mut other = Command::new(program);
        other.args(command.get_args());
        for (k, v) in command.get_envs() {
            match v {
                Some(v) => other.env(k, v),
                None => other.env_remove(k),
            };
        }
        command = other;
        CliCmd::new(command)
    }

    /// Runs with stdin closed (or fed `stdin`) and returns the output.
    pub fn run_with_stdin(&self, args: &[&str], stdin: impl AsRef<[u8]>) -> Run {
        self.cmd(args).stdin(stdin).run()
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.cmd(args).run()
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.home.path().join("config.toml"), text).unwrap();
    }
}

/// A run of the binary being set up; [`CliCmd::run`] runs it under a watchdog.
pub struct CliCmd {
    command: Command,
    stdin: Vec<u8>,
    stdout: Option<Stdio>,
    limit: std::time::Duration,
}

impl CliCmd {
    fn new(command: Command) -> CliCmd {
        CliCmd {
            command,
            stdin: Vec::new(),
            stdout: None,
            limit: std::time::Duration::from_secs(300),
        }
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> CliCmd {
        self.command.env(key, value);
        self
    }

    /// Fed on stdin, which then ends.
    pub fn stdin(mut self, data: impl AsRef<[u8]>) -> CliCmd {
        self.stdin = data.as_ref().to_vec();
        self
    }

    /// stdout goes there instead of being captured.
    pub fn stdout(mut self, to: impl Into<Stdio>) -> CliCmd {
        self.stdout = Some(to.into());
        self
    }

    pub fn run(mut self) -> Run {
        let stdout = self.stdout.take().unwrap_or_else(Stdio::piped);
        Run(bounded(
            self.command.stdout(stdout),
            &self.stdin,
            self.limit,
        ))
    }
}

/// Runs any program with its output captured, `stdin` fed from a thread (a large input must
/// not wait on output nobody reads yet), and kills it after `limit`, so a hang fails its test
/// (no exit code).
pub fn output(command: &mut Command, stdin: &[u8], limit: std::time::Duration) -> Output {
    bounded(command.stdout(Stdio::piped()), stdin, limit)
}

/// [`output`] with stdout as the caller set it.
fn bounded(command: &mut Command, stdin: &[u8], limit: std::time::Duration) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let watchdog = Watchdog::new(child.id(), limit);
    let out = child.wait_with_output().unwrap();
    drop(watchdog);
    feeder.join().unwrap();
    out
}

/// Whether a third-party piece a test needs is here (`what` says which and how to get it):
/// without it the test is skipped, except in CI, where it is a failure (`.ci/run` installs
/// everything the tests need).
pub fn present(here: bool, what: &str) -> bool {
    if !here {
        assert!(std::env::var_os("CI").is_none(), "{what} is missing in CI");
        eprintln!("skipping: {what} is missing");
    }
    here
}

/// The program a tool's variable names (`.ci/run` sets it), when it exists; see [`present`].
pub fn tool(var: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os(var)
        .map(std::path::PathBuf::from)
        .filter(|p| p.exists());
    present(
        path.is_some(),
        &format!("{var} (.ci/run installs it and sets it)"),
    )
    .then(|| path.unwrap_or_default())
}

pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().expect("exit code")
    }
    pub fn stdout(&self) -> String {
        String::from_utf8(self.0.stdout.clone()).unwrap()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8(self.0.stderr.clone()).unwrap()
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout()))
    }
    /// Asserts the exit code, showing both streams when it differs.
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(
            self.code(),
            code,
            "stdout: {}\nstderr: {}",
            self.stdout(),
            self.stderr()
        );
        assert!(!self.stderr().contains("panicked"), "{}", self.stderr());
        self
    }
}

/// An access token's claims as Cognito issues them, valid at [`NOW`] for an hour.
pub fn access_claims() -> Value {
    let mut claims = cwsauth_verify::signing::access_claims(&issuer(), CLIENT, NOW - 60);
    claims["exp"] = json!(NOW + 3600);
    claims
}

/// An ID token's claims for the same login.
pub fn id_claims() -> Value {
    json!({
        "sub": "5f2c7a1e-0000-4000-8000-000000000001",
        "aud": CLIENT,
        "email_verified": true,
        "iss": issuer(),
        "cognito:username": "alice",
        "email": "alice@example.com",
        "token_use": "id",
        "auth_time": NOW - 60,
        "exp": NOW + 3600,
        "iat": NOW - 60,
    })
}

/// `claims` with `changes` merged in (a null removes the claim).
pub fn with(mut claims: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

/// A JWKS server on 127.0.0.1:0 serving a replaceable document and counting requests.
pub struct JwksServer {
    pub url: String,
    hits: Arc<AtomicUsize>,
    body: Arc<Mutex<String>>,
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl JwksServer {
    pub fn start(keys: &[&SigningKey]) -> JwksServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let body = Arc::new(Mutex::new(jwks_document(keys).to_string()));
        let thread = {
            let (server, hits, body) = (server.clone(), hits.clone(), body.clone());
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    hits.fetch_add(1, Ordering::SeqCst);
                    let text = body.lock().unwrap().clone();
                    let _ = request.respond(tiny_http::Response::from_string(text));
                }
            })
        };
        JwksServer {
            url: format!("http://127.0.0.1:{port}/{POOL}/.well-known/jwks.json"),
            hits,
            body,
            server,
            thread: Some(thread),
        }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    pub fn serve(&self, document: &Value) {
        *self.body.lock().unwrap() = document.to_string();
    }

    pub fn serve_keys(&self, keys: &[&SigningKey]) {
        self.serve(&jwks_document(keys));
    }

    pub fn base(&self) -> String {
        self.url
            .trim_end_matches("/.well-known/jwks.json")
            .to_string()
    }

    /// Stops serving; later requests are refused.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// One 2048-bit key per kid, generated once per test binary (generation is slow-ish).
pub fn key(kid: &str) -> &'static SigningKey {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static KEYS: OnceLock<Mutex<HashMap<String, &'static SigningKey>>> = OnceLock::new();
    let mut map = KEYS.get_or_init(Default::default).lock().unwrap();
    map.entry(kid.to_string())
        .or_insert_with(|| Box::leak(Box::new(SigningKey::generate(kid).unwrap())))
}

/// A second key with the same kid as `key(kid)`: another pool's key colliding on kid.
pub fn impostor(kid: &str) -> &'static SigningKey {
    use std::sync::OnceLock;
    static IMPOSTORS: OnceLock<Mutex<std::collections::HashMap<String, &'static SigningKey>>> =
        OnceLock::new();
    let mut map = IMPOSTORS.get_or_init(Default::default).lock().unwrap();
    map.entry(kid.to_string())
        .or_insert_with(|| Box::leak(Box::new(SigningKey::generate(kid).unwrap())))
}

/// `cwsauth local --port 0` as a child process with its own home; stopped on drop.
pub struct Local {
    pub cli: Cli,
    pub base: String,
    pub port: u16,
    /// The banner lines printed at start.
    pub banner: Vec<String>,
    child: std::process::Child,
    /// Everything the emulator wrote on stderr, and a signal for each new line.
    log: Arc<(Mutex<String>, std::sync::Condvar)>,
}

pub use cwsauth::local::ids::{
    CONFIDENTIAL_CLIENT_ID as CONFIDENTIAL_CLIENT, POOL_ID as LOCAL_POOL,
    PUBLIC_CLIENT_ID as PUBLIC_CLIENT,
};
/// The PKCE pair of RFC 7636's example.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

impl Local {
    /// Starts the emulator with `args` and waits for its banner (no sleeping: it reads stdout).
    pub fn start(args: &[&str]) -> Local {
        Self::start_in(Cli::new(), args)
    }

    pub fn start_in(cli: Cli, args: &[&str]) -> Local {
        Self::start_env(cli, args, &[])
    }

    /// The same with more environment for the emulator (and its functions).
    pub fn start_env(cli: Cli, args: &[&str], env: &[(&str, &str)]) -> Local {
        use std::io::BufRead;
        let mut all = vec!["local", "--port", "0", "--write-profile", "local"];
        all.extend_from_slice(args);
        // Its temporary files (the CA) go inside the test's home, gone with it however it ends.
        let mut command = cli.command(&all);
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command
            .env("TMPDIR", cli.home.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn cwsauth local");
        let log = Arc::new((Mutex::new(String::new()), std::sync::Condvar::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).split(b'\n') {
                let Ok(line) = line else { break };
                let (text, signal) = &*sink;
                let mut text = text.lock().unwrap();
                text.push_str(&String::from_utf8_lossy(&line));
                text.push('\n');
                signal.notify_all();
            }
        });
        let stdout = child.stdout.take().unwrap();
        let mut banner = Vec::new();
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let done = line.starts_with("Press Ctrl-C");
            banner.push(line);
            if done {
                break;
            }
        }
        let first = banner.first().cloned().unwrap_or_default();
        let Some(base) = first.strip_prefix("cwsauth local listening on ") else {
            terminate(&mut child);
            let (text, _) = &*log;
            panic!(
                "unexpected banner: {banner:?}; stderr: {}",
                text.lock().unwrap()
            );
        };
        let base = base.to_string();
        let port = base.rsplit(':').next().unwrap().parse().unwrap();
        Local {
            cli,
            base,
            port,
            banner,
            child,
            log,
        }
    }

    /// Waits (60 s at most, then fails with the log) until the emulator's log has a line
    /// containing `needle`, and returns the log so far.
    pub fn wait_for_log(&self, needle: &str) -> String {
        self.wait_for_lines(needle, 1)
    }

    /// Waits until `count` lines of the log contain `needle`.
    pub fn wait_for_lines(&self, needle: &str, count: usize) -> String {
        let (text, signal) = &*self.log;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let mut guard = text.lock().unwrap();
        loop {
            if guard.lines().filter(|l| l.contains(needle)).count() >= count {
                return guard.clone();
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            assert!(
                !left.is_zero(),
                "no {count} log lines with {needle:?} in 60 s; log:\n{guard}"
            );
            guard = signal.wait_timeout(guard, left).unwrap().0;
        }
    }

    pub fn issuer(&self) -> String {
        format!("{}/{LOCAL_POOL}", self.base)
    }

    /// The confidential client's secret, from the profile `--write-profile` wrote.
    pub fn client_secret(&self) -> String {
        let text = std::fs::read_to_string(self.cli.home.path().join("config.toml")).unwrap();
        let doc: toml_edit::DocumentMut = text.parse().unwrap();
        doc["profiles"]["local-m2m"]["client_secret"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// What the emulator logged on stderr so far, up to and including every request already
    /// answered: a marker request goes last (the emulator logs a request before it answers), and
    /// its line is waited for, so counts of earlier lines never race the log's reader.
    pub fn log(&self) -> String {
        static MARKERS: AtomicUsize = AtomicUsize::new(0);
        let path = format!(
            "/cwsauth-test-log-marker-{}",
            MARKERS.fetch_add(1, Ordering::Relaxed)
        );
        if http().get(format!("{}{path}", self.base)).send().is_ok() {
            return self.wait_for_log(&format!("GET {path} "));
        }
        // The emulator is gone: what it logged is all there is.
        self.log.0.lock().unwrap().clone()
    }

    pub fn authorize_query(&self, state: &str, extra: &[(&str, &str)]) -> String {
        let mut params = vec![
            ("client_id", PUBLIC_CLIENT),
            ("response_type", "code"),
            ("redirect_uri", "http://localhost:3000"),
            ("scope", "openid email profile"),
            ("state", state),
            ("nonce", "n-0S6_WzA2Mj"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ];
        for (k, v) in extra {
            params.retain(|(name, _)| name != k);
            if !v.is_empty() {
                params.push((k, v));
            }
        }
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish()
    }

    /// Signs in through the hosted UI form, as a browser does: the page first (its XSRF cookie
    /// and `_csrf` field), then the post; returns the post's answer.
    pub fn sign_in(&self, query: &str, user: &str, password: &str) -> reqwest::blocking::Response {
        let page = http()
            .get(format!("{}/login?{query}", self.base))
            .send()
            .unwrap();
        self.submit(
            query,
            &FormPage::read(page),
            &[("username", user), ("password", password)],
        )
    }

    /// Posts `fields` to `/login?query` as the form on `page` does: with the page's XSRF cookie
    /// and `_csrf` field, and its hidden `session` when it has one (a challenge page).
    pub fn submit(
        &self,
        query: &str,
        page: &FormPage,
        fields: &[(&str, &str)],
    ) -> reqwest::blocking::Response {
        self.submit_to("/login", query, page, fields)
    }

    /// [`Local::submit`] to another of the hosted UI's pages (`/signup`, …).
    pub fn submit_to(
        &self,
        path: &str,
        query: &str,
        page: &FormPage,
        fields: &[(&str, &str)],
    ) -> reqwest::blocking::Response {
        // Every hidden input goes back, as a browser sends them (`_csrf`, a challenge's
        // `session`, the account pages' `username`).
        let form: Vec<(String, String)> = page
            .text
            .split("<input name=\"")
            .skip(1)
            .filter_map(|rest| {
                let (name, rest) = rest.split_once('"')?;
                let value = rest
                    .strip_prefix(" type=\"hidden\" value=\"")?
                    .split('"')
                    .next()?;
                Some((name.to_string(), value.replace("&amp;", "&")))
            })
            .collect();
        let mut form = form;
        form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        http()
            .post(format!("{}{path}?{query}", self.base))
            .header("cookie", &page.cookie)
            .form(&form)
            .send()
            .unwrap()
    }

    /// A code from a successful sign-in with the demo user.
    pub fn code(&self, query: &str) -> String {
        let resp = self.sign_in(query, "demo", "Demo-Passw0rd!");
        assert_eq!(resp.status(), 302);
        let location = resp.headers()["location"].to_str().unwrap().to_string();
        let url = url::Url::parse(&location).unwrap();
        url.query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| panic!("no code in {location}"))
    }

    /// POST /oauth2/token with a form; returns status and JSON body.
    pub fn token(&self, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> (u16, Value) {
        let mut req = http()
            .post(format!("{}/oauth2/token", self.base))
            .form(form);
        if let Some((user, pass)) = basic {
            req = req.basic_auth(user, Some(pass));
        }
        let resp = req.send().unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().unwrap_or(Value::Null))
    }

    /// A call to the Cognito JSON API; returns status, the x-amzn-ErrorType header and the body.
    pub fn json_api(&self, op: &str, body: Value) -> (u16, String, Value) {
        let resp = http()
            .post(format!("{}/", self.base))
            .header(
                "X-Amz-Target",
                format!("AWSCognitoIdentityProviderService.{op}"),
            )
            .header("Content-Type", "application/x-amz-json-1.1")
            .body(body.to_string())
            .send()
            .unwrap();
        let status = resp.status().as_u16();
        let kind = resp
            .headers()
            .get("x-amzn-errortype")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, kind, resp.json().unwrap_or(Value::Null))
    }

    /// Tokens for `user` through USER_PASSWORD_AUTH on the public client.
    pub fn password_tokens(&self, user: &str, password: &str) -> Value {
        let (status, _, body) = self.json_api(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PUBLIC_CLIENT,
                   "AuthParameters": {"USERNAME": user, "PASSWORD": password}}),
        );
        assert_eq!(status, 200, "{body}");
        body["AuthenticationResult"].clone()
    }
}

impl Local {
    /// `connect --profile local --iam EXTRA -x hi` to the echo route: the event it saw.
    pub fn iam_echo(&self, extra: &[&str]) -> Value {
        let mut args = vec!["connect", "--profile", "local", "--iam"];
        args.extend_from_slice(extra);
        args.extend(["-x", "hi", "--wait", "5", "-1"]);
        let run = self.cli.cmd(&args).run();
        run.expect(0);
        serde_json::from_str(run.stdout().trim()).unwrap()
    }

    /// `cwsauth login --profile local --store STORE FLAG --username USER` (FLAG `--password`
    /// or `--srp`), the password in CWSAUTH_PASSWORD, plus `extra`.
    pub fn password_login(
        &self,
        store: &str,
        flag: &str,
        (user, password): (&str, &str),
        extra: &[&str],
    ) -> Run {
        self.password_login_cmd(store, flag, (user, password), extra)
            .run()
    }

    /// [`Local::password_login`] not run yet, for more environment.
    pub fn password_login_cmd(
        &self,
        store: &str,
        flag: &str,
        (user, password): (&str, &str),
        extra: &[&str],
    ) -> CliCmd {
        let mut args = vec![
            "login",
            "--profile",
            "local",
            "--store",
            store,
            flag,
            "--username",
            user,
        ];
        args.extend_from_slice(extra);
        self.cli.cmd(&args).env("CWSAUTH_PASSWORD", password)
    }

    /// The emulator's JWKS document.
    pub fn jwks(&self) -> Value {
        http()
            .get(format!("{}/.well-known/jwks.json", self.issuer()))
            .send()
            .unwrap()
            .json()
            .unwrap()
    }
}

impl Local {
    /// Stops the emulator as a user's Ctrl-C or a service manager would, checks that it shut
    /// down cleanly, and hands back its home.
    pub fn stop(mut self) -> Cli {
        assert_eq!(
            terminate(&mut self.child),
            Some(0),
            "cwsauth local after SIGTERM"
        );
        std::mem::replace(&mut self.cli, Cli::new())
    }
}

impl Local {
    /// Kills the emulator at once, as a network that goes away: its connections just end.
    pub fn kill(mut self) -> Cli {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::mem::replace(&mut self.cli, Cli::new())
    }
}

/// Kills process `pid` if it is still running after `limit` (unless dropped first).
pub struct Watchdog(Option<std::sync::mpsc::Sender<()>>);

impl Watchdog {
    pub fn new(pid: u32, limit: std::time::Duration) -> Watchdog {
        let (done, wait) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(limit) {
                // SAFETY: kill(2) on a child of this process that has not been reaped.
                unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            }
        });
        Watchdog(Some(done))
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        if let Some(done) = self.0.take() {
            let _ = done.send(());
        }
    }
}

/// Waits up to `limit` for `child` to exit and returns its code; kills it after that (`None`).
pub fn wait_bounded(child: &mut std::process::Child, limit: std::time::Duration) -> Option<i32> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        // No signal for "a child exited" without a reaper thread; a short poll bounds the wait.
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Sends SIGTERM and waits (up to 20 s) for the process to exit, so that it removes its
/// temporary files; kills it if it does not. Returns its exit code (`None`: killed).
pub fn terminate(child: &mut std::process::Child) -> Option<i32> {
    if let Ok(Some(status)) = child.try_wait() {
        return status.code();
    }
    // SAFETY: kill(2) with a pid this process spawned and has not reaped.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    wait_bounded(child, std::time::Duration::from_secs(20))
}

impl Drop for Local {
    fn drop(&mut self) {
        terminate(&mut self.child);
    }
}

/// A blocking HTTP client that does not follow redirects.
pub fn http() -> reqwest::blocking::Client {
    cwsauth::tls::install_tls_provider();
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A program running in a real terminal (tmux), for what only happens on a TTY.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` (a shell line) in a 200x50 window, or None when tmux is missing
    /// outside CI.
    pub fn start(command: &str) -> Option<Tmux> {
        let here = Command::new("tmux")
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !present(here, "tmux (.ci/run installs it)") {
            return None;
        }
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let tmux = Tmux {
            socket: format!(
                "cwsauth-test-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst)
            ),
        };
        // The shell stays after the command ends so its last screen can be read.
        tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "200",
            "-y",
            "50",
            &format!("{command}; sleep 60"),
        ]);
        Some(tmux)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap()
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "t"]).stdout).to_string()
    }

    pub fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Polls the screen until `needle` shows (a terminal gives no other signal).
    pub fn wait_for(&self, needle: &str) -> String {
        // The captured screen has no trailing spaces.
        let needle = needle.trim_end();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "never saw {needle:?} in:\n{s}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

/// A WebSocket upgrade request to the emulator, with the token in `Authorization`.
pub fn ws_request(
    local: &Local,
    path: &str,
    token: Option<&str>,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let mut req = format!("ws://127.0.0.1:{}{path}", local.port)
        .into_client_request()
        .unwrap();
    if let Some(t) = token {
        req.headers_mut()
            .insert("Authorization", format!("Bearer {t}").parse().unwrap());
    }
    req
}

/// The status and body of a refused handshake.
pub fn refused(local: &Local, path: &str, token: Option<&str>) -> (u16, String) {
    match tokio_tungstenite::tungstenite::connect(ws_request(local, path, token)) {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => (
            resp.status().as_u16(),
            String::from_utf8(resp.body().clone().unwrap_or_default()).unwrap(),
        ),
        Ok(_) => panic!("handshake accepted"),
        Err(e) => panic!("unexpected error {e}"),
    }
}

/// Reads a login's stderr up to the line with the authorize address (`  http…`) and returns
/// it; fails with what was read if the login ends first.
pub fn authorize_line(stderr: &mut impl std::io::BufRead) -> String {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            panic!("the login ended before printing its address: {seen}");
        }
        if line.starts_with("  http") {
            return line.trim().to_string();
        }
        seen.push_str(&line);
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The scripted browser (tests/integration/browser.py) as a --browser-command.
pub fn browser() -> String {
    format!(
        "python3 {}/tests/integration/browser.py",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Runs `calls` (a JSON list of `[operation, params]`) with boto3's Cognito client against
/// `endpoint`; one JSON line per call: the answer, or `{"error": [code, message]}`.
/// Placeholders in params: `$R0`, `$R1`… the refresh tokens in the order answers carry them,
/// `$S` the last Session, `$A` the last access token, `$TOTP:SECRET` the code of a base32
/// secret now (`$SECRET` the last SecretCode), `$TOTP_WRONG:…` a code that is not it,
/// `$TOTP_LAST` the last code sent, `$OUTBOX:NAME` the newest one-time code the emulator sent
/// NAME (`$OUTBOX_WRONG:NAME` one that is not it). Answers show tokens as `(token)`, sessions as
/// `(session)`, secrets as `(secret)`. `["$sleep", SECONDS]` lets time pass (for an emulator
/// whose clock runs faster, see [`faketime_env`]) and prints nothing.
pub fn boto3(python: &std::path::Path, endpoint: &str, calls: &Value) -> Vec<Value> {
    let script = r#"
import base64, hashlib, hmac, json, struct, sys, time, urllib.request
import boto3, botocore.config, botocore.exceptions
endpoint, calls = sys.argv[1], json.loads(sys.argv[2])
idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="x", aws_secret_access_key="x",
                   config=botocore.config.Config(retries={"max_attempts": 1}))
seen = {"refresh": [], "S": None, "A": None, "SECRET": None, "TOTP_LAST": None}
def totp(secret):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 1000000)
def fill(v):
    if isinstance(v, dict):
        return {k: fill(x) for k, x in v.items()}
    if not isinstance(v, str) or not v.startswith("$"):
        return v
    if v.startswith("$R"):
        return seen["refresh"][int(v[2:])]
    if v in ("$S", "$A", "$SECRET", "$TOTP_LAST"):
        return seen[v[1:]]
    kind, _, secret = v[1:].partition(":")
    if kind in ("OUTBOX", "OUTBOX_WRONG"):
        url = endpoint + "/_local/messages?username=" + secret
        code = json.load(urllib.request.urlopen(url))["messages"][-1]["code"]
        return code if kind == "OUTBOX" else code[:-1] + str((int(code[-1]) + 1) % 10)
    secret = seen["SECRET"] if secret == "$SECRET" else secret
    code = totp(secret)
    if kind == "TOTP_WRONG":
        return "%06d" % ((int(code) + 1) % 1000000)
    seen["TOTP_LAST"] = code
    return code
for op, params in calls:
    if op == "$sleep":
        time.sleep(params)
        continue
    try:
        answer = getattr(idp, op)(**fill(params))
        answer.pop("ResponseMetadata", None)
        result = answer.get("AuthenticationResult", {})
        if "RefreshToken" in result:
            seen["refresh"].append(result["RefreshToken"])
            result["RefreshToken"] = "$R%d" % (len(seen["refresh"]) - 1)
        if "AccessToken" in result:
            seen["A"] = result["AccessToken"]
        for k in ("AccessToken", "IdToken"):
            if k in result:
                result[k] = "(token)"
        if "Session" in answer:
            seen["S"] = answer["Session"]
            answer["Session"] = "(session)"
        if "SecretCode" in answer:
            seen["SECRET"] = answer["SecretCode"]
            answer["SecretCode"] = "(secret)"
        print(json.dumps(answer, sort_keys=True))
    except botocore.exceptions.ClientError as e:
        print(json.dumps({"error": [e.response["Error"]["Code"], e.response["Error"]["Message"]]}))
"#;
    python_json_lines(python, script, &[endpoint, &calls.to_string()])
}

/// The environment that runs a program's clocks (wall and monotonic) `speed` times as fast
/// under libfaketime (.ci/run installs it), or None when it is missing outside CI.
pub fn faketime_env(speed: u32) -> Option<Vec<(&'static str, String)>> {
    let lib = [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/faketime/libfaketime.so.1",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists());
    if !present(lib.is_some(), "libfaketime (.ci/run installs faketime)") {
        return None;
    }
    Some(vec![
        ("LD_PRELOAD", lib.unwrap_or_default().to_string()),
        ("FAKETIME", format!("+0 x{speed}")),
    ])
}

/// Runs a Python `script` with `args`; each line it prints is a JSON value. It must succeed.
pub fn python_json_lines(python: &std::path::Path, script: &str, args: &[&str]) -> Vec<Value> {
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A Cognito error as `boto3` shows it.
pub fn api_error(code: &str, message: &str) -> Value {
    json!({"error": [code, message]})
}

/// A Cognito sign-in's answer with tokens, as `boto3` shows it (refresh token `$R{n}`).
pub fn token_answer(n: usize) -> Value {
    json!({"AuthenticationResult": {"AccessToken": "(token)", "IdToken": "(token)",
        "RefreshToken": format!("$R{n}"), "TokenType": "Bearer", "ExpiresIn": 3600},
        "ChallengeParameters": {}})
}

/// A hosted-UI page as a browser keeps it: its status, the cookie it set and its HTML.
pub struct FormPage {
    pub status: u16,
    pub cookie: String,
    pub text: String,
}

impl FormPage {
    pub fn read(resp: reqwest::blocking::Response) -> FormPage {
        FormPage {
            status: resp.status().as_u16(),
            cookie: resp
                .headers()
                .get("set-cookie")
                .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
                .unwrap_or_default(),
            text: resp.text().unwrap(),
        }
    }
}

/// A Cognito JSON API call to a third-party emulator at `base` (with a SigV4-shaped
/// Authorization, which ministack and moto take without checking); the answer must be 2xx.
pub fn cognito_call(base: &str, op: &str, body: Value) -> Value {
    let resp = http()
        .post(format!("{base}/"))
        .header("X-Amz-Target", format!("AWSCognitoIdentityProviderService.{op}"))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20261124/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00")
        .body(body.to_string())
        .send()
        .unwrap();
    assert!(resp.status().is_success(), "{op}: {}", resp.status());
    resp.json().unwrap()
}

/// ministack (PyPI, installed by .ci/run; `MINISTACK` names it) on a free port of 127.0.0.1
/// with `services`; `auth` makes it check signatures, SECRET_HASH and auth flows. Stopped on
/// drop.
pub struct Ministack {
    child: std::process::Child,
    pub base: String,
    _state: tempfile::TempDir,
}

impl Drop for Ministack {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Ministack {
    pub fn start(services: &str, auth: bool) -> Option<Ministack> {
        use std::process::{Command, Stdio};
        let bin = crate::common::tool("MINISTACK")?;
        let port = free_port();
        let state = tempfile::tempdir().unwrap();
        let mut child = Command::new(bin)
            .env("AUTH", if auth { "true" } else { "false" })
            .env("SFTP_ENABLED", "0")
            .env("STATE_DIR", state.path())
            .env("BIND_HOST", "127.0.0.1")
            .env("GATEWAY_PORT", port.to_string())
            .env("SERVICES", services)
            .env("IOT_MTLS_ENABLED", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ministack");
        wait_for_output(&mut child, "Running on http://127.0.0.1", "ministack");
        Some(Ministack {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _state: state,
        })
    }
}

/// Waits (60 s at most) until `child` writes a line containing `needle` on stdout or stderr,
/// which it must have piped; what it writes later is read and dropped.
pub fn wait_for_output(child: &mut std::process::Child, needle: &str, what: &str) {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stream)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(line);
            }
        });
    }
    loop {
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("{what} did not become ready"));
        if line.contains(needle) {
            return;
        }
    }
}

/// moto (PyPI, installed by .ci/run; `MOTO_SERVER` names `moto_server`) on a free port.
pub struct Moto {
    child: std::process::Child,
    pub base: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    pub fn start() -> Option<Moto> {
        let bin = tool("MOTO_SERVER")?;
        let port = free_port();
        let mut child = std::process::Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start moto_server");
        wait_for_output(&mut child, "Running on http://127.0.0.1", "moto_server");
        Some(Moto {
            child,
            base: format!("http://127.0.0.1:{port}"),
        })
    }

    pub fn call(&self, op: &str, body: Value) -> Value {
        cognito_call(&self.base, op, body)
    }

    /// A user pool with a password client and user mia, a profile for it (plus `extra`
    /// configure flags) with the file store, and mia logged in with her password.
    pub fn logged_in_cli(&self, extra: &[&str]) -> Cli {
        let pool =
            self.call("CreateUserPool", json!({"PoolName": "cwsauth-moto"}))["UserPool"]["Id"]
                .as_str()
                .unwrap()
                .to_string();
        let client = self.call(
            "CreateUserPoolClient",
            json!({"UserPoolId": pool, "ClientName": "cwsauth",
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
        )["UserPoolClient"]["ClientId"]
            .as_str()
            .unwrap()
            .to_string();
        self.call(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": "mia", "MessageAction": "SUPPRESS"}),
        );
        self.call(
            "AdminSetUserPassword",
            json!({"UserPoolId": pool, "Username": "mia", "Password": "Mia-Passw0rd!", "Permanent": true}),
        );
        let cli = Cli::new();
        let jwks = format!("{}/{pool}/.well-known/jwks.json", self.base);
        let mut args = vec![
            "configure",
            "--user-pool-id",
            &pool,
            "--client-id",
            &client,
            "--domain",
            &self.base,
            "--idp-endpoint",
            &self.base,
            "--jwks-uri",
            &jwks,
            "--store",
            "file",
        ];
        args.extend_from_slice(extra);
        cli.run(&args).expect(0);
        cli.cmd(&["login", "--password", "--username", "mia"])
            .env("CWSAUTH_PASSWORD", "Mia-Passw0rd!")
            .run()
            .expect(0);
        cli
    }
}
