//! The function host and the gateway under faults, a case per test: the Runtime API abused
//! (a process that never asks for work, asks twice, answers too much or nothing, leaves a
//! child behind), a stranger on a function's Runtime API, `@connections` at its limits, a
//! `$connect` answer with no HTTP status, the start rule under many connections at once,
//! credentials in logs, and settings that cannot work. Each failed before its fix.

use std::time::Duration;

use serde_json::json;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::common::*;
use crate::functions::{Ws, assert_gateway_frame, close, count, fixtures, open, text};

/// `--function NAME=python3 hostile.py MODE [ARG]` with a route KEY.
fn hostile(name: &str, mode: &str, extra: &[&str]) -> Vec<String> {
    let script = fixtures().join("python/hostile.py");
    let mut command = format!("{name}=python3 {} {mode}", script.display());
    for e in extra {
        command.push(' ');
        command.push_str(e);
    }
    vec!["--function".into(), command]
}

fn start(args: Vec<String>) -> Local {
    crate::functions::start(&args)
}

/// The demo user's access token, for the built-in authorizer.
fn token(local: &Local) -> String {
    local.password_tokens("demo", "Demo-Passw0rd!")["AccessToken"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A connection through the built-in authorizer.
fn connect(local: &Local) -> Ws {
    open(local, "/$default", &token(local))
}

#[test]
fn a_process_that_never_asks_for_work_is_ended_at_lambdas_init_limit() {
    let mut args = hostile("quiet", "silent", &[]);
    args.extend([
        "--route".into(),
        "$default=quiet".into(),
        "--two-way".into(),
        "$default".into(),
    ]);
    let local = start(args);
    let mut ws = connect(&local);
    ws.send(Message::text("hello")).unwrap();
    // It fails once the init limit passes, not when API Gateway's 29 s do.
    assert_gateway_frame(&text(&mut ws), "Internal server error");
    // The pool's line and the invocation's come from different tasks: wait for each.
    local.wait_for_log("function quiet: not ready after 10 s (Lambda's init limit); ended");
    local.wait_for_log("did not start within Lambda's 10 s init limit");
    close(ws, 1000, "");
}

#[test]
fn a_second_next_gets_the_held_invocation_again() {
    let mut args = hostile("twice", "twice", &[]);
    args.extend([
        "--route".into(),
        "$default=twice".into(),
        "--two-way".into(),
        "$default".into(),
    ]);
    let local = start(args);
    let mut ws = connect(&local);
    ws.send(Message::text("hi")).unwrap();
    assert_eq!(text(&mut ws), "same");
    close(ws, 1000, "");
}

#[test]
fn an_answer_over_six_megabytes_fails_at_once_and_an_empty_one_is_null() {
    let mut args = hostile("huge", "huge", &[]);
    args.extend(hostile("empty", "empty", &[]));
    args.extend([
        "--route".into(),
        "big=huge".into(),
        "--route".into(),
        "$default=empty".into(),
        "--two-way".into(),
        "big".into(),
        // A timeout far beyond the test: only the 413 can end the invocation.
        "--function-timeout".into(),
        "huge=60s".into(),
    ]);
    let local = start(args);
    let mut ws = connect(&local);
    ws.send(Message::text(r#"{"action":"big"}"#)).unwrap();
    assert_gateway_frame(&text(&mut ws), "Internal server error");
    // The function's own line and the emulator's come through different pipes: wait for both.
    local.wait_for_log("HUGE answered 413");
    local.wait_for_log("function huge failed: Function.ResponseSizeTooLarge: Response payload size exceeded maximum allowed payload size (6291556 bytes).");
    // An empty answer on a one-way route is no error: nothing comes back for it, and the
    // next reply is the next message's.
    ws.send(Message::text("quiet")).unwrap();
    ws.send(Message::text(r#"{"action":"big"}"#)).unwrap();
    assert_gateway_frame(&text(&mut ws), "Internal server error");
    // The ROUTE line is written once the invocation has ended, after any failure line.
    let log = local.wait_for_log(" $default -> empty ");
    assert!(!log.contains("function empty failed"), "{log}");
    assert!(!log.contains("function empty: answered"), "{log}");
    close(ws, 1000, "");
}

#[test]
fn a_connect_answer_without_an_http_status_is_a_502() {
    let mut args = hostile("status", "status", &[]);
    args.extend(["--route".into(), "$connect=status".into()]);
    let local = start(args);
    let token = token(&local);
    for status in ["0", "99", "101", "700"] {
        let (code, body) = refused(&local, &format!("/$default?status={status}"), Some(&token));
        assert_eq!(
            (code, body.as_str()),
            (502, r#"{"message":"Internal server error"}"#),
            "statusCode {status}"
        );
    }
    // A real status is still API Gateway's answer as given.
    assert_eq!(refused(&local, "/$default?status=418", Some(&token)).0, 418);
}

/// Processes whose command line holds `marker`.
fn alive_with(marker: &str) -> usize {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter(|e| {
            std::fs::read(e.path().join("cmdline"))
                .map(|c| String::from_utf8_lossy(&c).contains(marker))
                .unwrap_or(false)
        })
        .count()
}

/// Waits (20 s at most) until no process holds `marker`.
fn gone(marker: &str) -> bool {
    for _ in 0..200 {
        if alive_with(marker) == 0 {
            return true;
        }
        // /proc gives no signal for a process's end.
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn what_a_function_starts_ends_with_it_at_its_timeout_and_at_the_emulators_end() {
    let tag = format!("cwsauth-test-{}", std::process::id());
    // The child's command line ends in TAG-child; the emulator's holds TAG alone.
    let marker = format!("{tag}-child");
    let mut args = hostile("spawner", "child", &[&tag]);
    args.extend([
        "--route".into(),
        "$default=spawner".into(),
        "--function-timeout".into(),
        "spawner=1s".into(),
    ]);
    let local = start(args);
    let mut ws = connect(&local);
    ws.send(Message::text("go")).unwrap();
    local.wait_for_log("[spawner] CHILD started");
    local.wait_for_log("function spawner: timed out after 1s");
    assert!(gone(&marker), "the child outlived its function's timeout");
    // Again, and this time the emulator stops while the function runs.
    ws.send(Message::text("go")).unwrap();
    local.wait_for_lines("[spawner] CHILD started", 2);
    drop(ws);
    local.stop();
    assert!(gone(&marker), "the child outlived the emulator");
}

#[test]
fn a_process_of_another_program_cannot_take_a_functions_invocations() {
    let mut args = hostile("echo", "twice", &[]);
    args.extend([
        "--route".into(),
        "$default=echo".into(),
        "--two-way".into(),
        "$default".into(),
    ]);
    let local = start(args);
    let mut ws = connect(&local);
    ws.send(Message::text("first")).unwrap();
    assert_eq!(text(&mut ws), "same");
    // The function's Runtime API address, from its environment (as any process of the same
    // user can read it).
    let log = local.log();
    let pid = log
        .lines()
        .find_map(|l| l.strip_prefix("function echo: started (pid "))
        .and_then(|r| r.trim_end_matches(')').parse::<u32>().ok())
        .expect("the function's pid");
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
    let api = String::from_utf8_lossy(&environ)
        .split('\0')
        .find_map(|v| {
            v.strip_prefix("AWS_LAMBDA_RUNTIME_API=")
                .map(str::to_string)
        })
        .unwrap();
    // A stranger asks for the next invocation: it is turned away, and the function keeps
    // getting its own.
    let stranger = std::thread::spawn(move || {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        client
            .get(format!("http://{api}/2018-06-01/runtime/invocation/next"))
            .send()
            .map(|r| r.status().as_u16())
            .map_err(|e| e.to_string())
    });
    local.wait_for_log("refused a Runtime API call from 127.0.0.1:");
    ws.send(Message::text("second")).unwrap();
    assert_eq!(text(&mut ws), "same");
    assert!(
        stranger.join().unwrap().is_err(),
        "the stranger got an answer"
    );
    close(ws, 1000, "");
}

#[test]
fn many_connections_at_once_start_no_more_processes_than_the_concurrency() {
    let mut args = hostile("one", "empty", &[]);
    args.extend([
        "--route".into(),
        "$connect=one".into(),
        "--function-concurrency".into(),
        "one=1".into(),
    ]);
    let local = start(args);
    let token = token(&local);
    let handles: Vec<_> = (0..60)
        .map(|_| {
            let request = ws_request(&local, "/$default", Some(&token));
            std::thread::spawn(move || tungstenite::connect(request).map(|(ws, _)| ws).is_ok())
        })
        .collect();
    let opened = handles
        .into_iter()
        .filter_map(|h| h.join().ok())
        .filter(|ok| *ok)
        .count();
    assert_eq!(opened, 60);
    let log = local.log();
    assert_eq!(count(&log, "function one: started (pid "), 1, "{log}");
}

/// The built-in echo's connection id for this connection.
fn connection_id(ws: &mut Ws) -> String {
    ws.send(Message::text("who am i")).unwrap();
    let reply: serde_json::Value = serde_json::from_str(&text(ws)).unwrap();
    reply["requestContext"]["connectionId"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A SigV4-shaped `@connections` call; its status.
fn manage(local: &Local, method: reqwest::Method, id: &str, body: &[u8]) -> u16 {
    let url = format!(
        "{}/$default/@connections/{}",
        local.base,
        url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
    );
    let req = crate::functions::sigv4_shaped(http().request(method, url)).body(body.to_vec());
    req.send().unwrap().status().as_u16()
}

#[test]
fn a_delete_closes_even_a_connection_that_does_not_read_and_a_post_after_it_is_gone() {
    let local = Local::start(&[]);
    let token = token(&local);
    let dial = || {
        tungstenite::connect(ws_request(&local, "/$default", Some(&token)))
            .unwrap()
            .0
    };

    // A POST after an accepted DELETE is not delivered behind the close: it is 410.
    let mut ws = dial();
    let id = connection_id(&mut ws);
    assert_eq!(manage(&local, reqwest::Method::DELETE, &id, b""), 204);
    assert_eq!(manage(&local, reqwest::Method::POST, &id, b"too late"), 410);
    assert_eq!(manage(&local, reqwest::Method::DELETE, &id, b""), 410);
    loop {
        match ws.read() {
            Ok(Message::Close(f)) => {
                assert_eq!(f.map(|f| u16::from(f.code)), Some(1000));
                break;
            }
            Ok(Message::Text(t)) => panic!("a message after the DELETE: {t}"),
            Ok(_) => continue,
            Err(e) => panic!("no close: {e}"),
        }
    }
    local.wait_for_log(&format!("WS {id} closed 1000"));

    // A client that stops reading: POSTs fill its queue (429), and a DELETE still closes it.
    let mut ws = dial();
    let id = connection_id(&mut ws);
    let chunk = vec![b'x'; 32 * 1024];
    let mut posted = 0;
    loop {
        match manage(&local, reqwest::Method::POST, &id, &chunk) {
            200 => posted += 1,
            429 => break,
            other => panic!("POST answered {other} after {posted}"),
        }
        assert!(posted < 20_000, "the queue never filled");
    }
    assert_eq!(manage(&local, reqwest::Method::DELETE, &id, b""), 204);
    local.wait_for_log(&format!("WS {id} closed 1000"));
    drop(ws);
}

#[test]
fn identity_sources_and_credentials_in_the_query_never_reach_the_log() {
    let local = Local::start(&["--identity-source", "query:ticket"]);
    let token = token(&local);
    let (ws, _) = tungstenite::connect(
        format!(
            "ws://127.0.0.1:{}/$default?ticket={token}&room=7&jwt={token}",
            local.port
        )
        .as_str(),
    )
    .unwrap();
    drop(ws);
    let log = local.wait_for_log("WS /$default?");
    assert!(!log.contains(&token), "{log}");
    assert!(
        log.contains("WS /$default?ticket=(redacted)&room=7&jwt=(redacted) 101"),
        "{log}"
    );
}

#[test]
fn settings_that_cannot_work_are_said_before_anything_runs() {
    let cli = Cli::new();
    let run = |args: &[&str]| {
        let mut all = vec!["local", "--port", "0"];
        all.extend_from_slice(args);
        let run = cli.run(&all);
        run.expect(2);
        run.stderr()
    };
    let missing = cli.home.path().join("no-such-folder");
    assert_eq!(
        run(&[
            "--function",
            "f=python3 app.py",
            "--function-dir",
            &format!("f={}", missing.display()),
            "--route",
            "$default=f"
        ]),
        format!(
            "cwsauth: error: --function-dir f: {} is not a folder\n",
            missing.display()
        )
    );
    // Reserved keys, refused as Lambda refuses them at deploy time.
    let mut template: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("template.json")).unwrap())
            .unwrap();
    template["Resources"]["MessageFunction"]["Properties"]["Environment"]["Variables"]["AWS_REGION"] =
        json!("eu-west-1");
    let path = cli.home.path().join("reserved.json");
    std::fs::write(&path, template.to_string()).unwrap();
    assert_eq!(
        run(&["--template", path.to_str().unwrap()]),
        format!(
            "cwsauth: error: {}: template resource MessageFunction: Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION\n",
            path.display()
        )
    );
    assert_eq!(
        run(&[
            "--function",
            "f=true",
            "--function-env",
            "f:AWS_LAMBDA_RUNTIME_API=x",
            "--route",
            "$default=f"
        ]),
        "cwsauth: error: function f: Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_LAMBDA_RUNTIME_API\n"
    );
}
