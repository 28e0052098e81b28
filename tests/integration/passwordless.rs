//! Choice-based sign-in (USER_AUTH) on both sides: passwordless codes by email and SMS from
//! the emulator's outbox, SELECT_CHALLENGE, passwords through USER_AUTH on clients that allow
//! only it; the emulator judged by botocore as its client, `login --email-otp`/`--sms-otp`
//! with `--otp-command` in scripts.

use serde_json::{Value, json};

use crate::common::*;

fn user_auth(user: &str, extra: Value) -> Value {
    let mut params = json!({"USERNAME": user});
    for (k, v) in extra.as_object().unwrap() {
        params[k] = v.clone();
    }
    json!(["initiate_auth", {"AuthFlow": "USER_AUTH", "ClientId": PUBLIC_CLIENT, "AuthParameters": params}])
}

fn respond(name: &str, user: &str, responses: Value) -> Value {
    let mut r = json!({"USERNAME": user});
    for (k, v) in responses.as_object().unwrap() {
        r[k] = v.clone();
    }
    json!(["respond_to_auth_challenge", {"ClientId": PUBLIC_CLIENT, "ChallengeName": name,
        "Session": "$S", "ChallengeResponses": r}])
}

fn code_sent(name: &str, medium: &str, destination: &str) -> Value {
    json!({"ChallengeName": name, "Session": "(session)", "ChallengeParameters": {
        "CODE_DELIVERY_DELIVERY_MEDIUM": medium, "CODE_DELIVERY_DESTINATION": destination}})
}

fn select(available: &[&str]) -> Value {
    json!({"ChallengeName": "SELECT_CHALLENGE", "Session": "(session)", "ChallengeParameters": {},
        "AvailableChallenges": available})
}

#[test]
fn the_emulator_signs_in_by_choice_as_cognito_does_for_botocore() {
    let Some(python) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let local = Local::start(&[
        "--user",
        "mia:Mia-Passw0rd1!::phone=+15555550100",
        "--user",
        "noa:Temp-Passw0rd1!::temporary",
    ]);
    let calls = json!([
        user_auth("mia", json!({})),
        respond("SELECT_CHALLENGE", "mia", json!({"ANSWER": "EMAIL_OTP"})),
        respond(
            "EMAIL_OTP",
            "mia",
            json!({"EMAIL_OTP_CODE": "$OUTBOX_WRONG:mia"})
        ),
        respond("EMAIL_OTP", "mia", json!({"EMAIL_OTP_CODE": "$OUTBOX:mia"})),
        user_auth("mia", json!({"PREFERRED_CHALLENGE": "SMS_OTP"})),
        respond("SMS_OTP", "mia", json!({"SMS_OTP_CODE": "$OUTBOX:mia"})),
        user_auth(
            "mia",
            json!({"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Mia-Passw0rd1!"})
        ),
        user_auth(
            "mia",
            json!({"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "wrong"})
        ),
        // A temporary password: no one-time code is offered.
        user_auth("noa", json!({"PREFERRED_CHALLENGE": "EMAIL_OTP"})),
        respond("SELECT_CHALLENGE", "noa", json!({"ANSWER": "EMAIL_OTP"})),
    ]);
    assert_eq!(
        boto3(&python, &local.base, &calls),
        vec![
            select(&["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]),
            code_sent("EMAIL_OTP", "EMAIL", "m***@e***"),
            json!({"error": ["CodeMismatchException", "Invalid code or auth state for the user."]}),
            token_answer(0),
            code_sent("SMS_OTP", "SMS", "+*******0100"),
            token_answer(1),
            token_answer(2),
            json!({"error": ["NotAuthorizedException", "Incorrect username or password."]}),
            select(&["PASSWORD", "PASSWORD_SRP"]),
            json!({"error": ["InvalidParameterException", "ANSWER must be one of the available challenges: PASSWORD, PASSWORD_SRP"]}),
        ]
    );
    // Each code went to the outbox (newest last) and its log line, which never holds it.
    let outbox: Value = http()
        .get(format!("{}/_local/messages?username=mia", local.base))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let messages = outbox["messages"].as_array().unwrap();
    assert_eq!(
        messages
            .iter()
            .map(|m| (
                m["medium"].as_str().unwrap(),
                m["destination"].as_str().unwrap()
            ))
            .collect::<Vec<_>>(),
        vec![("EMAIL", "mia@example.com"), ("SMS", "+15555550100")]
    );
    let log = local.log();
    assert!(
        log.contains(
            "EMAIL to mia@example.com for mia: a sign-in code (GET /_local/messages?username=mia)\n"
        ),
        "{log}"
    );
    for m in messages {
        let code = m["code"].as_str().unwrap();
        assert_eq!(code.len(), 8);
        assert!(!log.contains(code), "{log}");
    }
    drop(local);

    // A client that allows only USER_AUTH refuses the others, as Cognito's does.
    let local = Local::start(&["--auth-flows", "ALLOW_USER_AUTH,ALLOW_REFRESH_TOKEN_AUTH"]);
    let calls = json!([
        ["initiate_auth", {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PUBLIC_CLIENT,
            "AuthParameters": {"USERNAME": "demo", "PASSWORD": "Demo-Passw0rd!"}}],
        user_auth("demo", json!({"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Demo-Passw0rd!"})),
    ]);
    assert_eq!(
        boto3(&python, &local.base, &calls),
        vec![
            json!({"error": ["InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client"]}),
            token_answer(0),
        ]
    );
}

/// A shell command that prints the newest code the emulator sent `user`.
fn outbox_command(local: &Local, user: &str) -> String {
    format!(
        "python3 -c \"import json,urllib.request; print(json.load(urllib.request.urlopen('{}/_local/messages?username={user}'))['messages'][-1]['code'])\"",
        local.base
    )
}

#[test]
fn scripts_sign_in_with_a_code_from_a_command() {
    let local = Local::start(&["--user", "mia:Mia-Passw0rd1!:readers:phone=+15555550100"]);
    let login = |flag: &str, otp: Option<&str>| {
        let mut args = vec![
            "login",
            "--profile",
            "local",
            "--store",
            "file",
            flag,
            "--username",
            "mia",
        ];
        if let Some(cmd) = otp {
            args.extend(["--otp-command", cmd]);
        }
        local.cli.run(&args)
    };
    // Nothing to read the code from: said, nothing stored.
    let run = login("--email-otp", None);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: Cognito sent a code (EMAIL_OTP): pass --otp-command CMD to read it in a script, or run `cwsauth login --profile local` on a terminal\n"
    );
    let run = login("--email-otp", Some("exit 3"));
    run.expect(2);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: --otp-command failed (exit status: 3); no code was sent to Cognito\n"
    );
    let run = login("--email-otp", Some("true"));
    run.expect(2);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: --otp-command printed no code (its first line is the code)\n"
    );
    let run = login("--email-otp", Some("echo 12"));
    run.expect(1);
    assert!(
        run.stderr()
            .contains("CodeMismatchException: Invalid code or auth state for the user."),
        "{}",
        run.stderr()
    );
    local.cli.run(&["status", "--profile", "local"]).expect(1);
    // The command gets the challenge in its environment and prints the code.
    let command = outbox_command(&local, "mia");
    for (flag, how) in [
        ("--email-otp", "one-time code by email (USER_AUTH)"),
        ("--sms-otp", "one-time code by SMS (USER_AUTH)"),
    ] {
        let run = login(flag, Some(&command));
        run.expect(0);
        assert!(
            run.stderr().contains("Logged in as mia"),
            "{}",
            run.stderr()
        );
        let status = local.cli.run(&["status", "--profile", "local"]);
        assert!(
            status.stdout().contains(&format!(" via {how}\n")),
            "{}",
            status.stdout()
        );
    }
    let run = login(
        "--email-otp",
        Some(
            "printf '%s %s\\n' \"$CWSAUTH_OTP_CHALLENGE\" \"$CWSAUTH_OTP_DESTINATION\" >&2; exit 1",
        ),
    );
    assert!(
        run.stderr().starts_with("EMAIL_OTP m***@e***\n"),
        "{}",
        run.stderr()
    );
    // A passwordless session refreshes like any other.
    local
        .cli
        .run(&["token", "--profile", "local", "--min-ttl", "99999"])
        .expect(0);
}

#[test]
fn passwords_go_through_user_auth_where_the_client_allows_only_it() {
    let local = Local::start(&["--auth-flows", "USER_AUTH,REFRESH_TOKEN_AUTH"]);
    for (flag, flow) in [
        ("--password", "USER_PASSWORD_AUTH"),
        ("--srp", "USER_SRP_AUTH"),
    ] {
        let run = local.password_login("file", flag, ("demo", "Demo-Passw0rd!"), &[]);
        run.expect(0);
        assert!(
            run.stderr().starts_with(&format!(
                "the app client does not allow {flow}; signing in through USER_AUTH\n"
            )),
            "{}",
            run.stderr()
        );
    }
    let run = local.cli.run(&["local", "--auth-flows", "CUSTOM_AUTH"]);
    run.expect(2);
    assert!(
        run.stderr().contains("--auth-flows: \"CUSTOM_AUTH\" is not a flow the emulator knows (USER_PASSWORD_AUTH, USER_SRP_AUTH, USER_AUTH, REFRESH_TOKEN_AUTH)"),
        "{}",
        run.stderr()
    );
    // A factor the user does not have: the pool's choices are named.
    let run = local.cli.run(&[
        "login",
        "--profile",
        "local",
        "--sms-otp",
        "--username",
        "demo",
        "--otp-command",
        "true",
    ]);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: the pool offers demo PASSWORD, PASSWORD_SRP, EMAIL_OTP to sign in, not SMS_OTP: choose one of those\n"
    );
}

#[test]
fn a_code_by_sms_or_email_as_the_second_factor_on_every_side() {
    let Some(python) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let local = Local::start(&[
        "--user",
        "sam:Sam-Passw0rd1!::phone=+15555550123,mfa=sms",
        "--user",
        "eli:Eli-Passw0rd1!::mfa=email",
    ]);
    let password = |user: &str, pw: &str| {
        json!(["initiate_auth", {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PUBLIC_CLIENT,
            "AuthParameters": {"USERNAME": user, "PASSWORD": pw}}])
    };
    let calls = json!([
        password("sam", "Sam-Passw0rd1!"),
        respond(
            "SMS_MFA",
            "sam",
            json!({"SMS_MFA_CODE": "$OUTBOX_WRONG:sam"})
        ),
        respond("SMS_MFA", "sam", json!({"SMS_MFA_CODE": "$OUTBOX:sam"})),
        password("eli", "Eli-Passw0rd1!"),
        respond("EMAIL_OTP", "eli", json!({"EMAIL_OTP_CODE": "$OUTBOX:eli"})),
    ]);
    assert_eq!(
        boto3(&python, &local.base, &calls),
        vec![
            code_sent("SMS_MFA", "SMS", "+*******0123"),
            api_error(
                "CodeMismatchException",
                "Invalid code or auth state for the user."
            ),
            token_answer(0),
            code_sent("EMAIL_OTP", "EMAIL", "e***@e***"),
            token_answer(1),
        ]
    );
    // login --password: the code from --otp-command, or a clear line without one.
    let login = |user: &str, pw: &str, otp: Option<&str>| {
        let extra = otp
            .map(|cmd| vec!["--otp-command", cmd])
            .unwrap_or_default();
        local.password_login("file", "--password", (user, pw), &extra)
    };
    let run = login("sam", "Sam-Passw0rd1!", None);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: Cognito sent a code (SMS_MFA): pass --otp-command CMD to read it in a script, or run `cwsauth login --profile local` on a terminal\n"
    );
    login(
        "sam",
        "Sam-Passw0rd1!",
        Some(&outbox_command(&local, "sam")),
    )
    .expect(0);
    login(
        "eli",
        "Eli-Passw0rd1!",
        Some(&outbox_command(&local, "eli")),
    )
    .expect(0);
    // The hosted UI asks for the code it sent.
    let query = local.authorize_query("s3", &[]);
    let page = FormPage::read(local.sign_in(&query, "sam", "Sam-Passw0rd1!"));
    assert!(
        page.text.contains("<h1>Enter the code we sent by SMS</h1>"),
        "{}",
        page.text
    );
    let code: Value = http()
        .get(format!("{}/_local/messages?username=sam", local.base))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let code = code["messages"].as_array().unwrap().last().unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let answer = local.submit(&query, &page, &[("code", &code)]);
    assert_eq!(answer.status(), 302);
}

#[test]
fn an_sms_second_factor_needs_a_phone() {
    let run = Cli::new().run(&["local", "--user", "sam:Sam-Passw0rd1!::mfa=sms"]);
    run.expect(2);
    assert!(
        run.stderr()
            .contains("user \"sam\": option mfa=sms needs a phone=+DIGITS to send the codes to"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_code_is_refused_once_its_three_minute_session_is_over() {
    let (Some(python), Some(fast)) = (tool("CWSAUTH_TEST_PYTHON_RIC"), faketime_env(20)) else {
        return;
    };
    // The emulator's clocks run 20 times as fast: 10 s here are 200 s there. (Faster would
    // shrink its other limits, e.g. 10 s for a request's head, below what a busy machine needs.)
    let env: Vec<(&str, &str)> = fast.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let local = Local::start_env(Cli::new(), &["--user", "mia:Mia-Passw0rd1!"], &env);
    let calls = json!([
        // Answered at once, the same code flow signs in under the fast clock.
        user_auth("mia", json!({"PREFERRED_CHALLENGE": "EMAIL_OTP"})),
        respond("EMAIL_OTP", "mia", json!({"EMAIL_OTP_CODE": "$OUTBOX:mia"})),
        user_auth("mia", json!({"PREFERRED_CHALLENGE": "EMAIL_OTP"})),
        ["$sleep", 10],
        respond("EMAIL_OTP", "mia", json!({"EMAIL_OTP_CODE": "$OUTBOX:mia"})),
    ]);
    assert_eq!(
        boto3(&python, &local.base, &calls),
        vec![
            code_sent("EMAIL_OTP", "EMAIL", "m***@e***"),
            token_answer(0),
            code_sent("EMAIL_OTP", "EMAIL", "m***@e***"),
            api_error(
                "NotAuthorizedException",
                "Invalid session for the user, session is expired."
            ),
        ]
    );
}
