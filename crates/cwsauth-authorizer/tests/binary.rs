//! The function binary refuses to start without its configuration, in one line that names
//! the variable (its end-to-end tests behind `cwsauth local` are in the workspace's tests).

use std::process::Command;

fn run(env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cwsauth-authorizer"));
    command.env_clear();
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn missing_configuration_is_one_line_and_exit_2() {
    assert_eq!(
        run(&[]),
        (
            Some(2),
            "cwsauth-authorizer: set USER_POOL_ID (or COGNITO_ISSUER)\n".into()
        )
    );
    assert_eq!(
        run(&[
            ("USER_POOL_ID", "eu-west-1_AbC"),
            ("CLIENT_IDS", "a"),
            ("IDENTITY_SOURCE", "cookie:x")
        ])
        .0,
        Some(2)
    );
}
