//! The pool's pre-token-generation trigger in `cwsauth local`: a Python (stdlib) V2 function
//! shapes the tokens of every sign-in and refresh, `verify` shows the claims, the built-in
//! authorizer flattens them as API Gateway delivers a context, and a failing or garbled
//! trigger fails the sign-in as Cognito does.

use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::common::*;
use crate::functions::{open, python, start};

#[test]
fn a_v2_trigger_shapes_tokens_and_the_authorizer_shows_what_api_gateway_delivers() {
    let Some(py) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let mut args = python(&py, "pretoken", "pre_token");
    args.extend(
        [
            "--trigger",
            "pre-token-generation=pretoken:V2_0",
            "--user",
            "carol:Car0l-pass:admin,ops",
            "--user",
            "bob:B0b-pass",
            "--user",
            "eve:Eve-pass",
            "--user",
            "tim:Temp-Passw0rd1!::temporary",
        ]
        .map(String::from),
    );
    let local = start(&args);
    let tokens = local.password_tokens("carol", "Car0l-pass");
    let access = tokens["AccessToken"].as_str().unwrap().to_string();
    let run = local
        .cli
        .run(&["verify", "--profile", "local", "--json", &access]);
    run.expect(0);
    let claims = &run.json()["claims"];
    assert_eq!(claims["tier"], "gold");
    assert_eq!(claims["roles"], json!(["reader", "writer"]));
    assert_eq!(claims["meta"], json!({"team": ["admin", "ops"]}));
    assert_eq!(claims["trigger"], "TokenGeneration_Authentication");
    assert_eq!(claims["scope"], "aws.cognito.signin.user.admin chat/write");
    assert_eq!(claims.get("event_id"), None);
    // Claims Cognito keeps as it made them stay.
    assert_eq!(claims["username"], "carol");
    let id = run_id(&local, tokens["IdToken"].as_str().unwrap());
    assert_eq!((id["tier"].as_str(), id.get("roles")), (Some("gold"), None));

    // What API Gateway delivers of them: strings, arrays joined, objects as JSON text.
    let mut ws = open(&local, "/$default", &access);
    ws.send(Message::text("hi")).unwrap();
    let reply: serde_json::Value = serde_json::from_str(&crate::functions::text(&mut ws)).unwrap();
    let ctx = &reply["requestContext"]["authorizer"];
    assert_eq!(ctx["tier"], "gold");
    assert_eq!(ctx["roles"], "reader,writer");
    assert_eq!(ctx["meta"], r#"{"team":["admin","ops"]}"#);
    let _ = ws.close(None);

    // Refreshes run it too, with their own trigger source.
    let refresh = tokens["RefreshToken"].as_str().unwrap();
    let resp = http()
        .post(format!("{}/oauth2/token", local.base))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", PUBLIC_CLIENT),
            ("refresh_token", refresh),
        ])
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().unwrap();
    let run = local.cli.run(&[
        "verify",
        "--profile",
        "local",
        "--json",
        body["access_token"].as_str().unwrap(),
    ]);
    assert_eq!(
        run.json()["claims"]["trigger"],
        "TokenGeneration_RefreshTokens"
    );

    // Tokens issued by the answer to NEW_PASSWORD_REQUIRED have their own source too.
    local
        .password_login_cmd("file", "--password", ("tim", "Temp-Passw0rd1!"), &[])
        .env("CWSAUTH_NEW_PASSWORD", "New-Passw0rd1!")
        .run()
        .expect(0);
    let token = local.cli.run(&["token", "--profile", "local"]).stdout();
    let run = local
        .cli
        .run(&["verify", "--profile", "local", "--json", token.trim()]);
    assert_eq!(
        run.json()["claims"]["trigger"],
        "TokenGeneration_NewPasswordChallenge"
    );

    // A trigger that throws fails the sign-in with Cognito's words; one that answers garbage too.
    let bob = local.password_login("file", "--password", ("bob", "B0b-pass"), &[]);
    bob.expect(1);
    assert!(
        bob.stderr().contains(
            "UserLambdaValidationException: PreTokenGeneration failed with error bob may not sign in."
        ),
        "{}",
        bob.stderr()
    );
    let eve = local.password_login("file", "--password", ("eve", "Eve-pass"), &[]);
    eve.expect(1);
    assert!(
        eve.stderr()
            .contains("InvalidLambdaResponseException: Unrecognizable lambda output"),
        "{}",
        eve.stderr()
    );
    local.wait_for_log(
        "pre-token-generation trigger pretoken: claimsAndScopeOverrideDetails is not an object",
    );
}

fn run_id(local: &Local, token: &str) -> serde_json::Value {
    let run = local.cli.run(&[
        "verify",
        "--profile",
        "local",
        "--token-use",
        "id",
        "--json",
        token,
    ]);
    run.expect(0);
    run.json()["claims"].clone()
}

#[test]
fn trigger_flags_are_checked_when_read() {
    let cli = Cli::new();
    for (value, wanted) in [
        (
            "post-confirmation=f",
            "is not pre-token-generation=FUNCTION[:VERSION]",
        ),
        (
            "pre-token-generation=f:V9_0",
            "its version is not V1_0, V2_0 or V3_0",
        ),
    ] {
        let run = cli.run(&["local", "--trigger", value]);
        run.expect(2);
        assert!(run.stderr().contains(wanted), "{}", run.stderr());
    }
    let run = cli.run(&["local", "--trigger", "pre-token-generation=nothere"]);
    run.expect(2);
    assert!(run.stderr().contains("nothere"), "{}", run.stderr());
}
