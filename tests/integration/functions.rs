//! The developer's own Lambda functions behind `cwsauth local`: Python functions on
//! awslambdaric, a Node function on aws-lambda-ric calling `@connections` with the AWS SDK, the
//! Rust authorizer and route function on lambda_runtime, and cargo-lambda's emulator as an
//! independent Invoke API. `.ci/run` installs the third-party parts and names them with
//! `CWSAUTH_TEST_PYTHON_RIC`, `CWSAUTH_TEST_NODE_MODULES` and `CARGO_LAMBDA`; without them
//! these tests skip (and fail in CI).

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::stream::MaybeTlsStream;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::common::*;

pub(crate) type Ws = tungstenite::WebSocket<MaybeTlsStream<TcpStream>>;

pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/functions")
}

/// `NAME=python -m awslambdaric app.HANDLER` plus its folder.
pub(crate) fn python(python: &Path, name: &str, handler: &str) -> Vec<String> {
    vec![
        "--function".into(),
        format!("{name}={} -m awslambdaric app.{handler}", python.display()),
        "--function-dir".into(),
        format!("{name}={}", fixtures().join("python").display()),
    ]
}

pub(crate) fn start(args: &[String]) -> Local {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Local::start(&args)
}

pub(crate) fn open(local: &Local, path: &str, token: &str) -> Ws {
    let (ws, resp) =
        tungstenite::connect(ws_request(local, path, Some(token))).unwrap_or_else(|e| {
            panic!("handshake with {token}: {e}\n{}", local.log());
        });
    assert_eq!(resp.status(), 101);
    if let MaybeTlsStream::Plain(s) = ws.get_ref() {
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    }
    ws
}

/// The next text message (60 s at most).
pub(crate) fn text(ws: &mut Ws) -> String {
    loop {
        match ws.read() {
            Ok(Message::Text(t)) => return t.to_string(),
            Ok(Message::Close(f)) => panic!("closed instead: {f:?}"),
            Ok(_) => continue,
            Err(e) => panic!("no message: {e}"),
        }
    }
}

pub(crate) fn json_text(ws: &mut Ws) -> Value {
    let t = text(ws);
    serde_json::from_str(&t).unwrap_or_else(|e| panic!("{e}: {t}"))
}

/// Reads until the close frame; its code and reason.
pub(crate) fn closed(ws: &mut Ws) -> (u16, String) {
    loop {
        match ws.read() {
            Ok(Message::Close(Some(f))) => return (u16::from(f.code), f.reason.to_string()),
            Ok(Message::Close(None)) => return (1005, String::new()),
            Ok(_) => continue,
            Err(e) => panic!("no close frame: {e}"),
        }
    }
}

/// Closes from our side and reads to the end.
pub(crate) fn close(mut ws: Ws, code: u16, reason: &str) {
    ws.close(Some(tungstenite::protocol::CloseFrame {
        code: code.into(),
        reason: reason.to_string().into(),
    }))
    .unwrap();
    loop {
        match ws.read() {
            Ok(_) => continue,
            Err(tungstenite::Error::ConnectionClosed) => return,
            Err(e) => panic!("{e}"),
        }
    }
}

/// The JSON after `marker` on the last log line that has it.
pub(crate) fn logged(log: &str, marker: &str) -> Value {
    let line = log
        .lines()
        .rev()
        .find_map(|l| l.split_once(marker).map(|(_, j)| j))
        .unwrap_or_else(|| panic!("no {marker} line in\n{log}"));
    serde_json::from_str(line).unwrap()
}

pub(crate) fn count(log: &str, needle: &str) -> usize {
    log.lines().filter(|l| l.contains(needle)).count()
}

/// The gateway's error frame: `{"message": "…", "connectionId":"…", "requestId":"…"}`.
pub(crate) fn assert_gateway_frame(frame: &str, message: &str) {
    let v: Value = serde_json::from_str(frame).unwrap_or_else(|e| panic!("{e}: {frame}"));
    assert_eq!(v["message"], message, "{frame}");
    assert!(
        frame.starts_with(&format!(
            "{{\"message\": \"{message}\", \"connectionId\":\""
        )),
        "{frame}"
    );
    assert_eq!(v["connectionId"].as_str().unwrap().len(), 16, "{frame}");
}

/// What the Python functions print, as the emulator shows it (with the function's name).
const AUTHORIZER: &str = "[auth] AUTHORIZER ";
const CONNECT: &str = "[connect] CONNECT ";
const DISCONNECT: &str = "[disconnect] DISCONNECT ";

/// The `$connect` method ARN of the emulator's API on `stage`.
fn method_arn(stage: &str) -> String {
    use cwsauth::local::ids::{ACCOUNT, API_ID, REGION};
    format!("arn:aws:execute-api:{REGION}:{ACCOUNT}:{API_ID}/{stage}/$connect")
}

#[test]
fn a_python_authorizer_answers_as_api_gateway_reads_it() {
    let Some(py) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let mut args = python(&py, "auth", "authorizer");
    args.extend(python(&py, "echo", "route"));
    args.extend(
        [
            "--authorizer",
            "auth",
            "--identity-source",
            "header:Authorization",
            "--route",
            "$default=echo",
            "--two-way",
            "$default",
            "--function-timeout",
            "auth=2s",
        ]
        .map(String::from),
    );
    let local = start(&args);
    assert!(
        local
            .banner
            .iter()
            .any(|l| l == "  authorizer     function auth (identity header Authorization)"),
        "{:?}",
        local.banner
    );

    // No identity source: 401, and the authorizer is not called.
    assert_eq!(
        refused(&local, "/$default", None),
        (401, r#"{"message":"Unauthorized"}"#.into())
    );
    assert_eq!(count(&local.log(), AUTHORIZER), 0);

    // Allow: the event as API Gateway builds it, and its context on the route as strings.
    let mut ws = open(&local, "/$default?room=a&room=b", "allow-alice");
    let event = logged(&local.wait_for_log(AUTHORIZER), AUTHORIZER);
    assert_eq!(event["type"], "REQUEST");
    assert_eq!(event["methodArn"], method_arn("$default"));
    assert_eq!(
        (event["routeKey"].as_str(), event["eventType"].as_str()),
        (Some("$connect"), Some("CONNECT"))
    );
    assert_eq!(event["query"], json!({"room": "b"}));
    assert_eq!(event["multiQuery"], json!({"room": ["a", "b"]}));
    assert_eq!(event["stageVariables"], json!({}));
    assert_eq!(event["function"], "auth");
    assert_eq!(event["remaining"], true);
    // Header names as the client sent them (tungstenite writes its own capitalised, ours in
    // lower case), plus the ones API Gateway adds.
    assert_eq!(
        event["headerNames"],
        json!([
            "Connection",
            "Host",
            "Sec-WebSocket-Key",
            "Sec-WebSocket-Version",
            "Upgrade",
            "X-Amzn-Trace-Id",
            "X-Forwarded-For",
            "X-Forwarded-Port",
            "X-Forwarded-Proto",
            "authorization"
        ])
    );
    ws.send(Message::text("hello")).unwrap();
    let reply = json_text(&mut ws);
    assert_eq!(
        (reply["routeKey"].as_str(), reply["body"].as_str()),
        (Some("$default"), Some("hello"))
    );
    // integrationLatency is $connect's alone, as on API Gateway.
    assert_eq!(
        reply["authorizer"],
        json!({"principalId": "alice", "user": "alice", "n": "7", "admin": "true", "ratio": "0.5"})
    );
    close(ws, 1000, "");

    // Each other kind of answer, as API Gateway gives it.
    let forbidden = (403, r#"{"message":"Forbidden"}"#.to_string());
    let unauthorized = (401, r#"{"message":"Unauthorized"}"#.to_string());
    let failed = (500, r#"{"message":null}"#.to_string());
    assert_eq!(refused(&local, "/$default", Some("deny")), forbidden);
    assert_eq!(
        refused(&local, "/$default", Some("unauthorized")),
        unauthorized
    );
    assert_eq!(refused(&local, "/$default", Some("malformed")), failed);
    local.wait_for_log("(the result has no policyDocument)");
    assert_eq!(refused(&local, "/$default", Some("nested")), failed);
    local.wait_for_log("context value roles is an object or array");
    assert_eq!(refused(&local, "/$default", Some("other")), failed);
    local.wait_for_log("function auth failed: ValueError: no such mode other");
    assert_eq!(refused(&local, "/$default", Some("crash")), failed);
    local.wait_for_log("function auth: exited with status 3");
    assert_eq!(refused(&local, "/$default", Some("slow")), failed);
    local.wait_for_log("function auth: timed out after 2s");
    // After a crash and a timeout, a new process answers.
    let ws = open(&local, "/$default", "allow-bob");
    close(ws, 1000, "");
    assert!(
        count(&local.log(), "function auth: started") >= 3,
        "{}",
        local.log()
    );
}

#[test]
fn routes_connect_disconnect_and_failing_functions() {
    let Some(py) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let raw = |name: &str, mode: &str| {
        vec![
            "--function".to_string(),
            format!(
                "{name}=python3 {} {mode}",
                fixtures().join("python/raw_runtime.py").display()
            ),
        ]
    };
    let mut args = python(&py, "auth", "authorizer");
    for (name, handler) in [
        ("connect", "connect"),
        ("disconnect", "disconnect"),
        ("echo", "route"),
    ] {
        args.extend(python(&py, name, handler));
    }
    args.extend(raw("garbage", "garbage"));
    args.extend(raw("quitter", "exit-after-next"));
    args.extend(
        [
            "--authorizer",
            "auth",
            "--route",
            "$connect=connect",
            "--route",
            "$disconnect=disconnect",
            "--route",
            "$default=echo",
            "--route",
            "ping=echo",
            "--route",
            "garbage=garbage",
            "--route",
            "quit=quitter",
            "--two-way",
            "$default",
            "--two-way",
            "ping",
            "--two-way",
            "garbage",
            "--two-way",
            "quit",
            "--function-timeout",
            "echo=2s",
        ]
        .map(String::from),
    );
    let local = start(&args);

    // $connect sees the authorizer's context; a non-2xx answer refuses with that status.
    let mut ws = open(&local, "/$default", "allow-carol");
    let connected = logged(&local.wait_for_log(CONNECT), CONNECT);
    assert_eq!(
        (
            connected["routeKey"].as_str(),
            connected["eventType"].as_str()
        ),
        (Some("$connect"), Some("CONNECT"))
    );
    assert_eq!(connected["authorizer"]["principalId"], "carol");
    assert_eq!(connected["authorizer"]["n"], "7");
    let id = connected["id"].as_str().unwrap().to_string();
    assert_eq!(
        refused(&local, "/$default?refuse=403", Some("allow-carol")),
        (403, r#"{"why":"refused by $connect"}"#.into())
    );

    // Route selection by $request.body.action, $default for the rest; the context on each.
    ws.send(Message::text(r#"{"action":"ping","n":1}"#))
        .unwrap();
    let reply = json_text(&mut ws);
    assert_eq!(
        (reply["routeKey"].as_str(), reply["eventType"].as_str()),
        (Some("ping"), Some("MESSAGE"))
    );
    assert_eq!(reply["connectionId"], id.as_str());
    assert_eq!(reply["authorizer"]["user"], "carol");
    assert_eq!(reply["messageId"].as_str().map(str::len), Some(16));
    for message in [
        r#"{"action":"nothing-here"}"#,
        "plain text",
        r#"{"action":{"not":"a key"}}"#,
    ] {
        ws.send(Message::text(message)).unwrap();
        let reply = json_text(&mut ws);
        assert_eq!(
            (reply["routeKey"].as_str(), reply["body"].as_str()),
            (Some("$default"), Some(message))
        );
        assert_eq!(reply["authorizer"]["principalId"], "carol");
    }

    // A failing route: API Gateway's "Internal server error" frame; the next message works.
    for message in [
        "raise",
        "crash",
        "slow",
        "not-an-object",
        r#"{"action":"garbage"}"#,
        r#"{"action":"quit"}"#,
    ] {
        ws.send(Message::text(message)).unwrap();
        assert_gateway_frame(&text(&mut ws), "Internal server error");
        ws.send(Message::text("still there?")).unwrap();
        assert_eq!(
            json_text(&mut ws)["body"],
            "still there?",
            "after {message}"
        );
    }
    for line in [
        "function echo failed: RuntimeError: the route failed",
        "function echo: exited with status 1",
        "function echo: timed out after 2s",
        "malformed Lambda proxy response: \"just a string\"",
        "function garbage: answered something that is not JSON: this is {not json",
        "function quitter: exited with status 4",
    ] {
        local.wait_for_log(line);
    }

    // A flood of output is shown line by line, long lines in pieces, and the answer arrives.
    ws.send(Message::text("flood")).unwrap();
    assert_eq!(json_text(&mut ws)["body"], "flood");
    let log = local.wait_for_log("[echo] flood line 19999 ");
    assert!(
        log.lines().all(|l| l.len() <= 8 * 1024 + 16),
        "a log line over 8 KiB"
    );

    // $disconnect after the client closes, with its code and reason and the context.
    close(ws, 4001, "bye now");
    let gone = logged(&local.wait_for_log(DISCONNECT), DISCONNECT);
    assert_eq!(
        gone,
        json!({"id": id, "code": 4001, "reason": "bye now", "eventType": "DISCONNECT",
               "authorizer": gone["authorizer"].clone()})
    );
    assert_eq!(gone["authorizer"]["principalId"], "carol");

    // ...and after the API closes it (@connections DELETE).
    let mut ws = open(&local, "/$default", "allow-dan");
    let id = logged(&local.wait_for_lines(CONNECT, 3), CONNECT)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!(
        "{}/$default/@connections/{}",
        local.base,
        id.replace('=', "%3D")
    );
    let resp = sigv4_shaped(http().delete(&url)).send().unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(closed(&mut ws), (1000, String::new()));
    let gone = logged(&local.wait_for_lines(DISCONNECT, 2), DISCONNECT);
    assert_eq!(
        (gone["id"].as_str(), gone["code"].as_u64()),
        (Some(id.as_str()), Some(1000))
    );
}

/// Headers with the shape of a SigV4 signature (what the AWS SDKs send; any credentials do).
pub(crate) fn sigv4_shaped(
    req: reqwest::blocking::RequestBuilder,
) -> reqwest::blocking::RequestBuilder {
    req.header("X-Amz-Date", "20261201T010203Z").header(
        "Authorization",
        format!(
            "AWS4-HMAC-SHA256 Credential=AKIDSOMEONEELSE/20261201/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature={}",
            "0".repeat(64)
        ),
    )
}

#[test]
fn unknown_routes_without_default_and_connections_api_errors() {
    let Some(py) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    // The functions and routes from the config file's [local] section this time.
    let cli = Cli::new();
    cli.write_config(&format!(
        "# my local API\n[local.functions.echo]\ncommand = \"{} -m awslambdaric app.route\"\ndir = \"{}\"\ntimeout = \"5s\"\n\n[local.routes]\nping = {{ function = \"echo\", two_way = true }}\n",
        py.display(),
        fixtures().join("python").display()
    ));
    let local = Local::start_in(cli, &[]);
    assert!(
        local
            .banner
            .iter()
            .any(|l| l == "  route          ping -> echo (two-way)"),
        "{:?}",
        local.banner
    );
    let token = local.password_tokens("demo", "Demo-Passw0rd!")["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let mut ws = open(&local, "/$default", &token);
    // No route and no $default: API Gateway's Forbidden frame, and the connection stays.
    ws.send(Message::text(r#"{"action":"nope"}"#)).unwrap();
    assert_gateway_frame(&text(&mut ws), "Forbidden");
    ws.send(Message::text(r#"{"action":"ping"}"#)).unwrap();
    let reply = json_text(&mut ws);
    // The built-in Cognito authorizer's context reaches the route as strings too.
    assert_eq!(reply["authorizer"]["username"], "demo");
    assert!(reply["authorizer"]["exp"].is_string(), "{reply}");

    // @connections: POST, GET, errors with AWS's types.
    let id = reply["connectionId"].as_str().unwrap().to_string();
    let url = |id: &str| format!("{}/$default/@connections/{}", local.base, id);
    let resp = sigv4_shaped(http().post(url(&id)))
        .body("pushed")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(text(&mut ws), "pushed");
    let resp = sigv4_shaped(http().get(url(&id))).send().unwrap();
    assert_eq!(resp.status(), 200);
    let info: Value = resp.json().unwrap();
    assert_eq!(info["identity"]["sourceIp"], "127.0.0.1");
    assert!(
        info["connectedAt"].as_str().unwrap().ends_with('Z'),
        "{info}"
    );
    assert!(info["lastActiveAt"].is_string(), "{info}");
    let resp = http().post(url(&id)).body("unsigned").send().unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(
        resp.headers()["x-amzn-errortype"],
        "MissingAuthenticationTokenException"
    );
    let resp = sigv4_shaped(http().post(url("AAAAAAAAAAAAAAA=")))
        .body("x")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 410);
    assert_eq!(resp.headers()["x-amzn-errortype"], "GoneException");
    // 5 MB: 413 PayloadTooLargeException, read to the end rather than reset.
    let resp = sigv4_shaped(http().post(url(&id)))
        .body(vec![b'x'; 5 * 1024 * 1024])
        .send()
        .unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(
        resp.headers()["x-amzn-errortype"],
        "PayloadTooLargeException"
    );
    // The connection still works.
    ws.send(Message::text(r#"{"action":"ping","after":"413"}"#))
        .unwrap();
    assert_eq!(json_text(&mut ws)["routeKey"], "ping");
    close(ws, 1000, "");
    let resp = sigv4_shaped(http().get(url(&id))).send().unwrap();
    assert_eq!(resp.status(), 410);
}

#[test]
fn a_node_function_answers_through_the_sdk_at_the_endpoint_it_computes() {
    let (Some(py), Some(modules)) = (
        tool("CWSAUTH_TEST_PYTHON_RIC"),
        tool("CWSAUTH_TEST_NODE_MODULES"),
    ) else {
        return;
    };
    // The function's folder: its code and the installed packages, as a deployment has them.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("node/index.mjs"),
        dir.path().join("index.mjs"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&modules, dir.path().join("node_modules")).unwrap();
    let ric = modules.join("aws-lambda-ric/index.mjs");
    let mut args = python(&py, "auth", "authorizer");
    args.extend(
        [
            "--function".to_string(),
            format!("manage=node {} index.handler", ric.display()),
            "--function-dir".into(),
            format!("manage={}", dir.path().display()),
            "--function-timeout".into(),
            "manage=20s".into(),
        ]
        .into_iter()
        .chain(["--authorizer", "auth", "--route", "manage=manage"].map(String::from)),
    );
    let local = start(&args);
    let mut ws = open(&local, "/$default", "allow-erin");
    ws.send(Message::text(r#"{"action":"manage","do":"self"}"#))
        .unwrap();
    assert_eq!(
        json_text(&mut ws),
        json!({"hello": "from node", "principalId": "erin"})
    );
    assert_eq!(
        json_text(&mut ws),
        json!({"connectedAt": true, "lastActiveAt": true, "sourceIp": "127.0.0.1"})
    );
    ws.send(Message::text(r#"{"action":"manage","do":"gone"}"#))
        .unwrap();
    assert_eq!(
        json_text(&mut ws),
        json!({"name": "GoneException", "status": 410})
    );
    ws.send(Message::text(r#"{"action":"manage","do":"big"}"#))
        .unwrap();
    assert_eq!(
        json_text(&mut ws),
        json!({"name": "PayloadTooLargeException", "status": 413})
    );
    // One connection to another.
    let mut other = open(&local, "/$default", "allow-frank");
    let get = sigv4_shaped(http().get(format!("{}/$default/@connections/x", local.base)))
        .send()
        .unwrap();
    assert_eq!(get.status(), 410);
    ws.send(Message::text(r#"{"action":"manage","do":"close"}"#))
        .unwrap();
    assert_eq!(closed(&mut ws), (1000, String::new()));
    local.wait_for_log("[manage] ");
    other.send(Message::text("no route for this")).unwrap();
    assert_gateway_frame(&text(&mut other), "Forbidden");
}

/// The cwsauth-authorizer and example route binaries next to the cwsauth under test.
fn rust_function(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_BIN_EXE_cwsauth"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = if name == "route" {
        dir.join("examples").join(name)
    } else {
        dir.join(name)
    };
    assert!(
        path.exists(),
        "{} is missing: run the tests with --workspace (or cargo build --workspace --examples)",
        path.display()
    );
    path
}

#[test]
fn the_rust_authorizer_and_route_run_behind_the_runtime_api() {
    let authorizer = rust_function("cwsauth-authorizer");
    let route = rust_function("route");
    let local = Local::start(&[
        "--function",
        &format!("auth={}", authorizer.display()),
        "--function-env",
        "auth:EXTRA_CONTEXT=tier=gold",
        "--function",
        &format!("route={}", route.display()),
        "--authorizer",
        "auth",
        "--route",
        "$default=route",
        "--two-way",
        "$default",
        "--user",
        "gina:Gina-pass1:ops",
    ]);
    let tokens = local.password_tokens("gina", "Gina-pass1");
    let access = tokens["AccessToken"].as_str().unwrap();
    let mut ws = open(&local, "/$default", access);
    ws.send(Message::text("hi from gina")).unwrap();
    let reply = json_text(&mut ws);
    assert_eq!(
        (reply["route"].as_str(), reply["message"].as_str()),
        (Some("$default"), Some("hi from gina"))
    );
    assert_eq!(reply["principalId"], "gina");
    assert_eq!(reply["authorizer"]["cognito:groups"], "ops");
    assert_eq!(reply["authorizer"]["tier"], "gold");
    assert_eq!(reply["authorizer"]["token_use"], "access");
    // Numbers reach the route as strings, as API Gateway delivers them.
    assert!(reply["authorizer"]["exp"].is_string(), "{reply}");
    ws.send(Message::text("fail")).unwrap();
    assert_gateway_frame(&text(&mut ws), "Internal server error");
    close(ws, 1000, "");
    // The ID token, a missing token and a garbled one: 401.
    let id = tokens["IdToken"].as_str().unwrap();
    assert_eq!(
        refused(&local, "/$default", Some(id)),
        (401, r#"{"message":"Unauthorized"}"#.into())
    );
    assert_eq!(
        refused(&local, "/$default", Some("x.y.z")),
        (401, r#"{"message":"Unauthorized"}"#.into())
    );
    let log = local.wait_for_log("[auth] unauthorized: ");
    assert!(log.contains("[auth] allow gina"), "{log}");
    assert!(
        !log.contains(access) && !log.contains(id),
        "a token in the log"
    );
}

/// cargo-lambda's emulator on a free port, serving the Invoke and Runtime APIs only.
struct CargoLambda {
    child: std::process::Child,
    port: u16,
    _project: tempfile::TempDir,
}

impl CargoLambda {
    fn start(bin: &Path) -> CargoLambda {
        use std::io::BufRead;
        // It needs a Cargo project with a binary to start, and builds nothing with --only-lambda-apis.
        let project = tempfile::tempdir().unwrap();
        std::fs::write(
            project.path().join("Cargo.toml"),
            "[package]\nname = \"authorizer\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .unwrap();
        std::fs::create_dir(project.path().join("src")).unwrap();
        std::fs::write(project.path().join("src/main.rs"), "fn main() {}\n").unwrap();
        for _ in 0..5 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut child = std::process::Command::new(bin)
                .args([
                    "lambda",
                    "watch",
                    "--only-lambda-apis",
                    "-A",
                    "127.0.0.1",
                    "-P",
                    &port.to_string(),
                    "--timeout",
                    "5",
                ])
                .current_dir(project.path())
                .env("NO_COLOR", "1")
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("start cargo-lambda");
            // It says it is ready on stdout (or exits, when the port is taken); one that
            // says nothing for 120 s (a cargo lock held elsewhere) is killed, ending the read.
            let watchdog = Watchdog::new(child.id(), std::time::Duration::from_secs(120));
            let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
            let ready = lines
                .by_ref()
                .map_while(Result::ok)
                .any(|l| l.contains("starting Runtime server"));
            drop(watchdog);
            if ready {
                // The rest of its output is read so that it never blocks writing it.
                std::thread::spawn(move || lines.for_each(drop));
                return CargoLambda {
                    child,
                    port,
                    _project: project,
                };
            }
            // The port was taken between our probe and its bind: another one.
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("cargo-lambda did not start");
    }
}

impl Drop for CargoLambda {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_rust_authorizer_under_cargo_lambda_through_the_invoke_api() {
    let Some(cargo_lambda) = tool("CARGO_LAMBDA") else {
        return;
    };
    let authorizer = rust_function("cwsauth-authorizer");
    let emulator = CargoLambda::start(&cargo_lambda);
    // The emulator's pool is needed first: the authorizer reads its issuer at start.
    let local = Local::start(&[
        "--function",
        &format!("auth=http://127.0.0.1:{}#_", emulator.port),
        "--authorizer",
        "auth",
    ]);
    let mut function = std::process::Command::new(&authorizer)
        .env(
            "AWS_LAMBDA_RUNTIME_API",
            format!("http://127.0.0.1:{}/.rt", emulator.port),
        )
        .env("AWS_LAMBDA_FUNCTION_NAME", "_")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("COGNITO_ISSUER", local.issuer())
        .env("CLIENT_IDS", PUBLIC_CLIENT)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let public = local.password_tokens("demo", "Demo-Passw0rd!")["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let mut ws = open(&local, "/$default", &public);
    // No routes: the built-in echo, with the Rust authorizer's context.
    ws.send(Message::text("via cargo-lambda")).unwrap();
    let reply = json_text(&mut ws);
    assert_eq!(reply["requestContext"]["authorizer"]["principalId"], "demo");
    assert_eq!(
        reply["requestContext"]["authorizer"]["client_id"],
        PUBLIC_CLIENT
    );
    close(ws, 1000, "");
    // cargo-lambda answers a function error with 500 and its body: still a 401 for Unauthorized.
    assert_eq!(
        refused(&local, "/$default", Some("not-a-token")),
        (401, r#"{"message":"Unauthorized"}"#.into())
    );
    // Another app client's token is refused by the function's CLIENT_IDS.
    let secret = local.client_secret();
    let (status, m2m) = local.token(
        &[("grant_type", "client_credentials")],
        Some((CONFIDENTIAL_CLIENT, &secret)),
    );
    assert_eq!(status, 200);
    assert_eq!(
        refused(&local, "/$default", m2m["access_token"].as_str()),
        (401, r#"{"message":"Unauthorized"}"#.into())
    );
    let _ = function.kill();
    let _ = function.wait();
    // With the function gone, cargo-lambda times out (408): API Gateway's 500.
    assert_eq!(
        refused(&local, "/$default", Some(&public)),
        (500, r#"{"message":null}"#.into())
    );
    local.wait_for_log("function auth: timed out");
}

#[test]
fn the_api_and_its_functions_from_a_cloudformation_template() {
    let Some(py) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let template = fixtures().join("template.json");
    let mut args = vec!["--template".to_string(), template.display().to_string()];
    for (id, handler) in [
        ("AuthorizerFunction", "authorizer"),
        ("ConnectFunction", "connect"),
        ("MessageFunction", "route"),
    ] {
        args.extend(python(&py, id, handler));
    }
    let local = start(&args);
    assert!(
        local
            .banner
            .iter()
            .any(|l| l
                == "  authorizer     function AuthorizerFunction (identity header Authorization)"),
        "{:?}",
        local.banner
    );
    assert!(
        local
            .banner
            .iter()
            .any(|l| l == "  route          send -> MessageFunction (two-way)"),
        "{:?}",
        local.banner
    );
    local.wait_for_log("resource ConnectionsTable (AWS::DynamoDB::Table) is not emulated");

    let mut ws = open(&local, "/dev", "allow-hana");
    // The template's environment, with the pool's references made the emulator's.
    let event = logged(
        &local.wait_for_log("[AuthorizerFunction] AUTHORIZER "),
        "[AuthorizerFunction] AUTHORIZER ",
    );
    assert_eq!(
        event["env"],
        json!({"USER_POOL_ID": LOCAL_POOL, "APP_CLIENT_ID": PUBLIC_CLIENT, "ISSUER": local.issuer(),
               "COGNITO_ISSUER": local.issuer()})
    );
    assert_eq!(event["memory"], "256");
    assert_eq!(event["methodArn"], method_arn("dev"));
    local.wait_for_log("[ConnectFunction] CONNECT ");
    ws.send(Message::text(r#"{"action":"send","text":"hi"}"#))
        .unwrap();
    let reply = json_text(&mut ws);
    assert_eq!(
        (
            reply["routeKey"].as_str(),
            reply["authorizer"]["user"].as_str()
        ),
        (Some("send"), Some("hana"))
    );
    // No $default in the template: anything else is Forbidden.
    ws.send(Message::text("hello?")).unwrap();
    assert_gateway_frame(&text(&mut ws), "Forbidden");
    close(ws, 1000, "");
}

#[test]
fn templates_and_function_settings_that_cannot_work_are_one_line_each() {
    let cli = Cli::new();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let mut template: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("template.json")).unwrap())
            .unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["local", "--port", "0"];
        all.extend_from_slice(args);
        let run = cli.run(&all);
        run.expect(2);
        assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());
        run.stderr()
    };
    let yaml = write(
        "t.yaml",
        "Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n",
    );
    assert!(run(&["--template", &yaml]).starts_with(&format!(
        "cwsauth: error: {yaml}: the template is not JSON ("
    )));
    template["Resources"]["MessageFunction"]["Properties"]["Environment"]["Variables"]["TABLE"] =
        json!({"Fn::ImportValue": "shared-table"});
    let import = write("import.json", &template.to_string());
    assert_eq!(
        run(&[
            "--template",
            &import,
            "--function",
            "AuthorizerFunction=true",
            "--function",
            "ConnectFunction=true",
            "--function",
            "MessageFunction=true"
        ]),
        format!(
            "cwsauth: error: {import}: template resource MessageFunction: Fn::ImportValue cannot be resolved locally\n"
        )
    );
    // A function whose code is elsewhere (S3) needs its folder or a command; a runtime
    // cwsauth cannot run needs a command.
    let fresh = || -> Value {
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("template.json")).unwrap())
            .unwrap()
    };
    let mut no_code = fresh();
    no_code["Resources"]["ConnectFunction"]["Properties"]["Code"] =
        json!({"S3Bucket": "artifacts", "S3Key": "connect.zip"});
    let no_code = write("no-code.json", &no_code.to_string());
    assert_eq!(
        run(&[
            "--template",
            &no_code,
            "--function",
            "AuthorizerFunction=true",
            "--function",
            "MessageFunction=true"
        ]),
        "cwsauth: error: the template's function ConnectFunction has no code here (its Code is elsewhere, e.g. S3): pass --function-dir ConnectFunction=DIR with its code, or --function ConnectFunction=COMMAND\n"
    );
    let mut java = fresh();
    java["Resources"]["ConnectFunction"]["Properties"]["Runtime"] = json!("java21");
    let java = write("java.json", &java.to_string());
    assert_eq!(
        run(&[
            "--template",
            &java,
            "--function",
            "AuthorizerFunction=true",
            "--function",
            "MessageFunction=true"
        ]),
        "cwsauth: error: function ConnectFunction: runtime java21 has no built-in runner: pass --function ConnectFunction=COMMAND\n"
    );
    let mut unruntimed = fresh();
    unruntimed["Resources"]["ConnectFunction"]["Properties"]
        .as_object_mut()
        .unwrap()
        .remove("Runtime");
    let unruntimed = write("no-runtime.json", &unruntimed.to_string());
    assert_eq!(
        run(&[
            "--template",
            &unruntimed,
            "--function",
            "AuthorizerFunction=true",
            "--function",
            "MessageFunction=true"
        ]),
        "cwsauth: error: the template's function ConnectFunction has nothing to run it: pass --function ConnectFunction=COMMAND (or =http://HOST:PORT)\n"
    );
    assert_eq!(
        run(&["--function", "a=true", "--route", "$default=b"]),
        "cwsauth: error: route $default names function b, which no --function defines\n"
    );
    assert_eq!(
        run(&["--function", "noequals"]),
        // Checked when clap parses it, so the line names the flag and where to read more.
        "cwsauth: error: invalid value 'noequals' for '--function <NAME=COMMAND|URL>': function \"noequals\" is not NAME=COMMAND or NAME=http://HOST:PORT[#FUNCTION] (see `cwsauth local --help`)\n"
    );
    assert!(
        run(&["--function", "a=http://192.0.2.1:9000"]).starts_with("cwsauth: error: "),
        "an Invoke API off loopback over plain HTTP is refused"
    );
    assert_eq!(
        run(&["--function", "a=true", "--two-way", "ping"]),
        "cwsauth: error: --two-way ping: there is no route ping\n"
    );
    cli.write_config(
        "[local.functions.a]\ncommand = \"true\"\ninvoke = \"http://127.0.0.1:9000\"\n",
    );
    assert_eq!(
        run(&[]),
        "cwsauth: error: [local.functions.a] needs one of command or invoke\n"
    );
}

#[test]
fn a_function_that_cannot_start_fails_its_invocations_and_nothing_else() {
    let local = Local::start(&[
        "--function",
        "auth=/nonexistent/authorizer",
        "--authorizer",
        "auth",
    ]);
    assert_eq!(
        refused(&local, "/$default", Some("anything")),
        (500, r#"{"message":null}"#.into())
    );
    local.wait_for_log("cannot start it: /nonexistent/authorizer: no such program");
    // The rest of the emulator serves on.
    let tokens = local.password_tokens("demo", "Demo-Passw0rd!");
    assert!(tokens["AccessToken"].is_string());
}

#[test]
fn a_slow_invocation_gets_a_process_of_its_own_and_concurrency_one_keeps_order() {
    let Some(py) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let mut args = python(&py, "echo", "route");
    args.extend(python(&py, "inorder", "route"));
    args.extend(
        [
            "--route",
            "$default=echo",
            "--two-way",
            "$default",
            "--route",
            "ordered=inorder",
            "--two-way",
            "ordered",
            "--function-timeout",
            "echo=60s",
            "--function-concurrency",
            "inorder=1",
        ]
        .map(String::from),
    );
    let local = start(&args);
    let token = local.password_tokens("demo", "Demo-Passw0rd!")["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    // One connection's message sleeps; another's is answered meanwhile by a second process,
    // as Lambda runs concurrent invocations in sandboxes of their own.
    let mut slow = open(&local, "/$default", &token);
    slow.send(Message::text("slow")).unwrap();
    // The slow message holds the first process before the quick one is sent.
    local.wait_for_log("[echo] slow: sleeping");
    let mut quick = open(&local, "/$default", &token);
    quick.send(Message::text("quick")).unwrap();
    assert_eq!(json_text(&mut quick)["body"], "quick");
    let log = local.wait_for_lines("function echo: started", 2);
    assert_eq!(count(&log, "timed out"), 0, "{log}");
    // With concurrency 1, messages sent at once are answered in the order sent.
    for i in 0..5 {
        quick
            .send(Message::text(format!(r#"{{"action":"ordered","n":{i}}}"#)))
            .unwrap();
    }
    for i in 0..5 {
        let reply = json_text(&mut quick);
        assert_eq!(reply["body"], format!(r#"{{"action":"ordered","n":{i}}}"#));
    }
    assert_eq!(
        count(
            &local.wait_for_log("function inorder: started"),
            "function inorder: started"
        ),
        1
    );
    drop(slow);
}
