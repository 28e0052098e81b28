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
