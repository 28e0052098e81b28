//! Refresh on app clients that rotate refresh tokens: `GetTokensFromRefreshToken` on both
//! sides, judged by botocore as the emulator's client; the `REFRESH_TOKEN_AUTH` fallback
//! against moto, which lacks the operation.

use serde_json::{Value, json};

use crate::common::*;

fn sign_in() -> Value {
    json!(["initiate_auth", {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PUBLIC_CLIENT,
        "AuthParameters": {"USERNAME": "demo", "PASSWORD": "Demo-Passw0rd!"}}])
}

fn get_tokens(refresh: &str) -> Value {
    json!(["get_tokens_from_refresh_token", {"ClientId": PUBLIC_CLIENT, "RefreshToken": refresh}])
}

fn tokens(refresh: Option<&str>) -> Value {
    let mut result = json!({"AccessToken": "(token)", "IdToken": "(token)", "TokenType": "Bearer", "ExpiresIn": 3600});
    if let Some(r) = refresh {
        result["RefreshToken"] = json!(r);
    }
    json!({"AuthenticationResult": result})
}

/// What InitiateAuth answers with tokens.
fn signed_in(refresh: Option<&str>) -> Value {
    let mut answer = tokens(refresh);
    answer["ChallengeParameters"] = json!({});
    answer
}

#[test]
fn the_emulator_rotates_as_cognito_does_for_botocore() {
    let Some(python) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    // Rotation on, no grace: each refresh token is taken once.
    let local = Local::start(&["--rotate-refresh-tokens"]);
    let calls = json!([
        sign_in(),
        get_tokens("$R0"),
        get_tokens("$R0"),
        ["initiate_auth", {"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": PUBLIC_CLIENT,
            "AuthParameters": {"REFRESH_TOKEN": "$R1"}}],
        get_tokens("$R1"),
        ["revoke_token", {"ClientId": PUBLIC_CLIENT, "Token": "$R2"}],
        get_tokens("$R2"),
        ["get_tokens_from_refresh_token", {"ClientId": CONFIDENTIAL_CLIENT, "RefreshToken": "$R2"}],
    ]);
    assert_eq!(
        boto3(&python, &local.base, &calls),
        vec![
            signed_in(Some("$R0")),
            tokens(Some("$R1")),
            api_error(
                "RefreshTokenReuseException",
                "Refresh token has been used and rotated; its grace period is over."
            ),
            api_error(
                "NotAuthorizedException",
                "REFRESH_TOKEN_AUTH is not allowed for app clients with refresh token rotation enabled; use GetTokensFromRefreshToken."
            ),
            tokens(Some("$R2")),
            json!({}),
            api_error("NotAuthorizedException", "Invalid Refresh Token"),
            api_error("NotAuthorizedException", "Client secret is invalid."),
        ]
    );
    drop(local);

    // A grace period: the replaced token is taken again while it lasts (and rotates again).
    let local = Local::start(&["--rotate-refresh-tokens", "--refresh-token-grace", "60"]);
    let calls = json!([sign_in(), get_tokens("$R0"), get_tokens("$R0")]);
    assert_eq!(
        boto3(&python, &local.base, &calls),
        vec![
            signed_in(Some("$R0")),
            tokens(Some("$R1")),
            tokens(Some("$R2"))
        ]
    );
    drop(local);

    // Rotation off: new access and ID tokens only, and REFRESH_TOKEN_AUTH works too.
    let local = Local::start(&[]);
    let calls = json!([
        sign_in(),
        get_tokens("$R0"),
        ["initiate_auth", {"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": PUBLIC_CLIENT,
            "AuthParameters": {"REFRESH_TOKEN": "$R0"}}],
    ]);
    assert_eq!(
        boto3(&python, &local.base, &calls),
        vec![signed_in(Some("$R0")), tokens(None), signed_in(None)]
    );
}

#[test]
fn a_grace_period_needs_rotation_and_stays_within_a_minute() {
    let cli = Cli::new();
    for (args, wanted) in [
        (
            &["local", "--refresh-token-grace", "5"][..],
            "the following required arguments were not provided",
        ),
        (
            &[
                "local",
                "--rotate-refresh-tokens",
                "--refresh-token-grace",
                "61",
            ][..],
            "61 is not in 0..=60",
        ),
    ] {
        let run = cli.run(args);
        run.expect(2);
        assert!(run.stderr().contains(wanted), "{}", run.stderr());
    }
}

/// The stored refresh token after each refresh.
fn stored_refresh(local: &Local) -> String {
    let path = local.cli.home.path().join("data/tokens/local.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["refresh_token"].as_str().unwrap().to_string()
}

#[test]
fn password_logins_stay_logged_in_on_a_rotating_client() {
    let local = Local::start(&["--rotate-refresh-tokens"]);
    local
        .password_login("file", "--password", ("demo", "Demo-Passw0rd!"), &[])
        .expect(0);
    let mut seen = vec![stored_refresh(&local)];
    for _ in 0..3 {
        let run = local
            .cli
            .run(&["token", "--profile", "local", "--min-ttl", "99999", "-v"]);
        run.expect(0);
        assert!(
            run.stderr().contains(" GetTokensFromRefreshToken\n"),
            "{}",
            run.stderr()
        );
        assert!(
            !run.stderr().contains("REFRESH_TOKEN_AUTH"),
            "{}",
            run.stderr()
        );
        let now = stored_refresh(&local);
        assert!(!seen.contains(&now), "the rotated refresh token was stored");
        seen.push(now);
    }
    // The emulator saw the operation, never the flow it refuses.
    let log = local.log();
    assert_eq!(
        log.matches(" (GetTokensFromRefreshToken)\n").count(),
        3,
        "{log}"
    );
}

#[test]
fn an_endpoint_without_the_operation_gets_refresh_token_auth() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let cli = moto.logged_in_cli(&[]);
    let run = cli.run(&["token", "--min-ttl", "99999", "-v"]);
    run.expect(0);
    assert!(
        run.stderr()
            .contains("does not know GetTokensFromRefreshToken (")
            && run
                .stderr()
                .contains("; refreshing with REFRESH_TOKEN_AUTH\n"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.stdout().trim().split('.').count(), 3);
}
