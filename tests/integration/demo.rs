//! `cwsauth demo`: the README's one command runs every step and exits 0.

use crate::common::*;

#[test]
fn demo_runs_every_step() {
    let cli = Cli::new();
    let run = cli.run(&["demo"]);
    run.expect(0);
    let out = run.stdout();
    let steps: Vec<&str> = out.lines().filter(|l| l.starts_with('[')).collect();
    let titles: Vec<String> = steps
        .iter()
        .map(|l| {
            l.split("] ")
                .nth(1)
                .unwrap()
                .rsplit_once(" (")
                .unwrap()
                .0
                .to_string()
        })
        .collect();
    assert_eq!(
        titles,
        [
            "start the local Cognito user pool and WebSocket API",
            "write profile demo",
            "log in through the hosted UI with the built-in browser and the loopback redirect",
            "verify the access token as the authorizer does",
            "the authorizer's answer",
            "send a message over the authenticated WebSocket",
            "the same API refuses a connection without a token",
            "and a connection with an expired token",
        ]
    );
    assert!(
        out.contains("    VALID access token for demo, scopes openid email profile\n"),
        "{out}"
    );
    assert_the_loop_passed(&out);
    // The demo keeps to its own folder: nothing lands in CWSAUTH_HOME.
    assert_eq!(std::fs::read_dir(cli.home.path()).unwrap().count(), 0);
}

#[test]
fn demo_with_the_authorizer_as_a_lambda_function() {
    let cli = Cli::new();
    // The workspace's tests build cwsauth-authorizer next to cwsauth.
    let run = cli.run(&["demo", "--functions"]);
    run.expect(0);
    let out = run.stdout();
    assert!(
        out.starts_with("[1] start the local Cognito user pool and WebSocket API, its authorizer a Lambda function ("),
        "{out}"
    );
    assert!(
        out.contains("cwsauth-authorizer through the Lambda Runtime API\n"),
        "{out}"
    );
    assert_the_loop_passed(&out);

    // Without the binary (an empty PATH, and a copy of cwsauth alone in a folder): one line.
    let dir = tempfile::tempdir().unwrap();
    let lone = dir.path().join("cwsauth");
    std::fs::copy(env!("CARGO_BIN_EXE_cwsauth"), &lone).unwrap();
    let out = cli
        .cmd_at(&lone, &["demo", "--functions"])
        .env("PATH", "")
        .run()
        .0;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "cwsauth: error: demo --functions runs the cwsauth-authorizer Lambda function, which is not built: run `cargo build --release --workspace` first\n"
    );
}

/// What every demo shows: the backend's view, the refusals, and the verdict.
fn assert_the_loop_passed(out: &str) {
    assert!(
        out.contains("the backend saw principal demo in groups developers"),
        "{out}"
    );
    assert!(
        out.contains("    HTTP 401 Unauthorized for a token that expired 1m ago\n"),
        "{out}"
    );
    assert!(
        out.lines()
            .last()
            .unwrap()
            .starts_with("demo passed: 8 steps in "),
        "{out}"
    );
}

/// `demo --browser` opens the browser the user chose (`CWSAUTH_BROWSER`) and prints the
/// address; when no browser starts it says so, and Ctrl-C then leaves no folder behind.
#[test]
fn demo_with_a_browser_of_your_choice_and_ctrl_c_while_waiting() {
    let cli = Cli::new();
    let tmp = tempfile::tempdir().unwrap();
    let run = cli
        .cmd(&["demo", "--browser"])
        .env("CWSAUTH_BROWSER", browser())
        .env("TMPDIR", tmp.path())
        .run();
    run.expect(0);
    assert_the_loop_passed(&run.stdout());
    assert!(
        run.stderr()
            .contains("Sign in through the hosted UI (opening your browser; or open this address yourself):\n  http://127.0.0.1:"),
        "{}",
        run.stderr()
    );
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);

    // A browser that does not start: the address and a warning, then Ctrl-C.
    let mut child = cli
        .command(&[
            "demo",
            "--browser",
            "--browser-command",
            "/nonexistent/browser",
        ])
        .env("TMPDIR", tmp.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _watchdog = Watchdog::new(child.id(), std::time::Duration::from_secs(60));
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let address = authorize_line(&mut stderr);
    assert!(address.starts_with("http://127.0.0.1:"), "{address}");
    let mut rest = String::new();
    use std::io::BufRead;
    while !rest.contains("Waiting for the browser") {
        assert_ne!(stderr.read_line(&mut rest).unwrap(), 0, "{rest}");
    }
    assert!(
        rest.contains("cwsauth: warning: ")
            && rest.contains("/nonexistent/browser: no such program"),
        "{rest}"
    );
    assert!(std::fs::read_dir(tmp.path()).unwrap().count() >= 2);
    sigint(child.id());
    let mut tail = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut tail).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert!(
        tail.ends_with("cwsauth: error: interrupted; the demo's temporary folders are removed\n"),
        "{tail}"
    );
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// SIGINT to `pid`, as Ctrl-C sends it (through `kill`, so the tests need no libc).
fn sigint(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}
