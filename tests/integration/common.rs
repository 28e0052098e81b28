//! What the tests share: running the binary in a private `CWSAUTH_HOME`, minting Cognito-shaped
//! tokens, and an in-process JWKS server that counts its hits.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use cwsauth::jwt::signing::{SigningKey, jwks_document};
use serde_json::{Value, json};

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
            if key.starts_with("CWSAUTH_") || key == "NO_COLOR" {
                cmd.env_remove(key);
            }
        }
        cmd.env("CWSAUTH_HOME", self.home.path()).args(args);
        cmd
    }

    /// Runs with stdin closed (or fed `stdin`) and returns the output.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn cwsauth");
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).unwrap();
        drop(input);
        Run(child.wait_with_output().unwrap())
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, "")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.home.path().join("config.toml"), text).unwrap();
    }
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
    json!({
        "sub": "5f2c7a1e-0000-4000-8000-000000000001",
        "cognito:groups": ["admin", "dev"],
        "iss": issuer(),
        "version": 2,
        "client_id": CLIENT,
        "origin_jti": "11111111-2222-3333-4444-555555555555",
        "event_id": "66666666-7777-8888-9999-000000000000",
        "token_use": "access",
        "scope": "openid email profile",
        "auth_time": NOW - 60,
        "exp": NOW + 3600,
        "iat": NOW - 60,
        "jti": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "username": "alice",
    })
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
