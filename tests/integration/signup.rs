//! Sign-up and password reset on both sides: the emulator's SignUp, ConfirmSignUp,
//! ResendConfirmationCode, ForgotPassword and ConfirmForgotPassword judged by botocore, and
//! `cwsauth signup` headless against the emulator and ministack.

use serde_json::{Value, json};

use crate::common::*;

fn call(op: &str, params: Value) -> Value {
    let mut p = json!({"ClientId": PUBLIC_CLIENT});
    for (k, v) in params.as_object().unwrap() {
        p[k] = v.clone();
    }
    json!([op, p])
}

fn initiate(user: &str, password: &str) -> Value {
    call(
        "initiate_auth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": user, "PASSWORD": password}}),
    )
}

#[test]
fn the_emulator_signs_up_and_resets_passwords_as_cognito_does_for_botocore() {
    let Some(python) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let local = Local::start(&[]);
    let zoe = json!({"Username": "zoe", "Password": "Zoe-Passw0rd1!",
        "UserAttributes": [{"Name": "email", "Value": "zoe@example.org"}]});
    let delivered =
        json!({"Destination": "z***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"});
    let wrong_reset = call(
        "confirm_forgot_password",
        json!({"Username": "zoe", "ConfirmationCode": "$OUTBOX_WRONG:zoe", "Password": "Third-Passw0rd1!"}),
    );
    let calls = json!([
        call(
            "sign_up",
            json!({"Username": "zoe", "Password": "weakpassword"})
        ),
        call("sign_up", zoe.clone()),
        initiate("zoe", "Zoe-Passw0rd1!"),
        call(
            "confirm_sign_up",
            json!({"Username": "zoe", "ConfirmationCode": "$OUTBOX_WRONG:zoe"})
        ),
        call("resend_confirmation_code", json!({"Username": "zoe"})),
        call(
            "confirm_sign_up",
            json!({"Username": "zoe", "ConfirmationCode": "$OUTBOX:zoe"})
        ),
        call(
            "confirm_sign_up",
            json!({"Username": "zoe", "ConfirmationCode": "$OUTBOX:zoe"})
        ),
        call("sign_up", zoe),
        initiate("zoe", "Zoe-Passw0rd1!"),
        call("forgot_password", json!({"Username": "zoe"})),
        call(
            "confirm_forgot_password",
            json!({"Username": "zoe", "ConfirmationCode": "$OUTBOX_WRONG:zoe", "Password": "New-Passw0rd1!"})
        ),
        call(
            "confirm_forgot_password",
            json!({"Username": "zoe", "ConfirmationCode": "$OUTBOX:zoe", "Password": "New-Passw0rd1!"})
        ),
        initiate("zoe", "Zoe-Passw0rd1!"),
        initiate("zoe", "New-Passw0rd1!"),
        call("forgot_password", json!({"Username": "nobody"})),
        // Five wrong codes: the sixth try is refused even with the right code, until a new
        // code is sent.
        call("forgot_password", json!({"Username": "zoe"})),
        wrong_reset.clone(),
        wrong_reset.clone(),
        wrong_reset.clone(),
        wrong_reset.clone(),
        wrong_reset,
        call(
            "confirm_forgot_password",
            json!({"Username": "zoe", "ConfirmationCode": "$OUTBOX:zoe", "Password": "Third-Passw0rd1!"})
        ),
        call("forgot_password", json!({"Username": "zoe"})),
        call(
            "confirm_forgot_password",
            json!({"Username": "zoe", "ConfirmationCode": "$OUTBOX:zoe", "Password": "Third-Passw0rd1!"})
        ),
    ]);
    let mismatch = api_error(
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    );
    let answers = boto3(&python, &local.base, &calls);
    // The new user's id is a fresh uuid: checked, then set aside.
    assert_eq!(answers[1]["UserSub"].as_str().map(str::len), Some(36));
    let mut answers = answers;
    answers[1]["UserSub"] = json!("(uuid)");
    assert_eq!(
        answers,
        vec![
            api_error(
                "InvalidPasswordException",
                "Password did not conform with policy: Password must have uppercase characters"
            ),
            json!({"UserConfirmed": false, "UserSub": "(uuid)", "CodeDeliveryDetails": delivered}),
            api_error("UserNotConfirmedException", "User is not confirmed."),
            api_error(
                "CodeMismatchException",
                "Invalid verification code provided, please try again."
            ),
            json!({"CodeDeliveryDetails": delivered}),
            json!({}),
            api_error(
                "NotAuthorizedException",
                "User cannot be confirmed. Current status is CONFIRMED"
            ),
            api_error("UsernameExistsException", "User already exists"),
            token_answer(0),
            json!({"CodeDeliveryDetails": delivered}),
            api_error(
                "CodeMismatchException",
                "Invalid verification code provided, please try again."
            ),
            json!({}),
            api_error("NotAuthorizedException", "Incorrect username or password."),
            token_answer(1),
            api_error(
                "UserNotFoundException",
                "Username/client id combination not found."
            ),
            json!({"CodeDeliveryDetails": delivered}),
            mismatch.clone(),
            mismatch.clone(),
            mismatch.clone(),
            mismatch.clone(),
            mismatch,
            api_error(
                "LimitExceededException",
                "Attempt limit exceeded, please try after some time."
            ),
            json!({"CodeDeliveryDetails": delivered}),
            json!({}),
        ]
    );
    let log = local.log();
    assert!(
        log.contains("EMAIL to zoe@example.org for zoe: a confirmation code ("),
        "{log}"
    );
    assert!(
        log.contains("EMAIL to zoe@example.org for zoe: a password reset code ("),
        "{log}"
    );
}

#[test]
fn signup_makes_a_user_headless() {
    let local = Local::start(&[]);
    let command = format!(
        "curl -s '{}/_local/messages?username=kai' | jq -r '.messages[-1].code'",
        local.base
    );
    let signup = |otp: Option<&str>| {
        let mut args = vec![
            "signup",
            "--profile",
            "local",
            "--username",
            "kai",
            "--email",
            "kai@example.org",
        ];
        if let Some(cmd) = otp {
            args.extend(["--otp-command", cmd]);
        }
        local
            .cli
            .cmd(&args)
            .env("CWSAUTH_PASSWORD", "Kai-Passw0rd1!")
            .run()
    };
    let run = signup(Some(&command));
    run.expect(0);
    assert_eq!(
        run.stderr(),
        "Signed up kai (confirmed): log in with `cwsauth login --password --username kai --profile local`\n"
    );
    local
        .password_login("file", "--password", ("kai", "Kai-Passw0rd1!"), &[])
        .expect(0);
    let run = signup(Some(&command));
    run.expect(1);
    assert!(
        run.stderr()
            .contains("UsernameExistsException: User already exists"),
        "{}",
        run.stderr()
    );
    // No way to read the code: said, and the user stays unconfirmed.
    let run = local
        .cli
        .cmd(&["signup", "--profile", "local", "--username", "lea"])
        .env("CWSAUTH_PASSWORD", "Lea-Passw0rd1!")
        .run();
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: the pool sent a confirmation code to l***@e***: pass --otp-command CMD to read it in a script, or run on a terminal (the user lea exists, unconfirmed)\n"
    );
    let run = local.password_login("file", "--password", ("lea", "Lea-Passw0rd1!"), &[]);
    run.expect(1);
    assert!(
        run.stderr()
            .contains("UserNotConfirmedException: User is not confirmed."),
        "{}",
        run.stderr()
    );
}

#[test]
fn signup_against_ministack() {
    let Some(ms) = Ministack::start("cognito-idp", false) else {
        return;
    };
    let pool = cognito_call(
        &ms.base,
        "CreateUserPool",
        json!({"PoolName": "cwsauth-signup"}),
    )["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let client = cognito_call(
        &ms.base,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool, "ClientName": "cwsauth",
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_string();
    let cli = Cli::new();
    cli.run(&[
        "configure",
        "--user-pool-id",
        &pool,
        "--client-id",
        &client,
        "--idp-endpoint",
        &ms.base,
        "--jwks-uri",
        &format!("{}/{pool}/.well-known/jwks.json", ms.base),
        "--store",
        "file",
    ])
    .expect(0);
    // Without AUTH, ministack takes any confirmation code.
    cli.cmd(&[
        "signup",
        "--username",
        "ivy",
        "--email",
        "ivy@example.org",
        "--otp-command",
        "echo 123456",
    ])
    .env("CWSAUTH_PASSWORD", "Ivy-Passw0rd1!")
    .run()
    .expect(0);
    cli.cmd(&["login", "--password", "--username", "ivy"])
        .env("CWSAUTH_PASSWORD", "Ivy-Passw0rd1!")
        .run()
        .expect(0);
}

/// The newest code the emulator sent `user`.
fn outbox_code(local: &Local, user: &str) -> String {
    let doc: Value = http()
        .get(format!("{}/_local/messages?username={user}", local.base))
        .send()
        .unwrap()
        .json()
        .unwrap();
    doc["messages"].as_array().unwrap().last().unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_hosted_ui_signs_up_and_resets_a_password() {
    let local = Local::start(&[]);
    let query = local.authorize_query("s2", &[]);
    let page = |path: &str| {
        FormPage::read(
            http()
                .get(format!("{}{path}?{query}", local.base))
                .send()
                .unwrap(),
        )
    };
    let login = FormPage::read(
        http()
            .get(format!("{}/login?{query}", local.base))
            .send()
            .unwrap(),
    );
    assert!(
        login.text.contains("href=\"/signup?") && login.text.contains("href=\"/forgotPassword?")
    );

    let form = page("/signup");
    assert_eq!(form.status, 200);
    let weak = FormPage::read(local.submit_to(
        "/signup",
        &query,
        &form,
        &[
            ("username", "ana"),
            ("email", "ana@example.org"),
            ("password", "weak"),
        ],
    ));
    assert!(
        weak.text.contains("Password did not conform with policy"),
        "{}",
        weak.text
    );
    let confirm = FormPage::read(local.submit_to(
        "/signup",
        &query,
        &weak,
        &[
            ("username", "ana"),
            ("email", "ana@example.org"),
            ("password", "Ana-Passw0rd1!"),
        ],
    ));
    assert!(
        confirm.text.contains("<h1>Confirm your account</h1>"),
        "{}",
        confirm.text
    );
    // Not confirmed yet: the sign-in says so.
    let early = FormPage::read(local.sign_in(&query, "ana", "Ana-Passw0rd1!"));
    assert!(
        early.text.contains("User is not confirmed."),
        "{}",
        early.text
    );
    let code = outbox_code(&local, "ana");
    let signin =
        FormPage::read(local.submit_to("/confirmUser", &query, &confirm, &[("code", &code)]));
    assert!(
        signin.text.contains("<h1>Sign in to cwsauth local</h1>")
            && signin.text.contains("value=\"ana\""),
        "{}",
        signin.text
    );
    assert_eq!(local.sign_in(&query, "ana", "Ana-Passw0rd1!").status(), 302);

    // Forgot the password: a code, then a new password; the old one no longer signs in.
    let form = page("/forgotPassword");
    let reset =
        FormPage::read(local.submit_to("/forgotPassword", &query, &form, &[("username", "ana")]));
    assert!(
        reset.text.contains("<h1>Reset your password</h1>"),
        "{}",
        reset.text
    );
    let code = outbox_code(&local, "ana");
    let wrong = format!("{}0", &code[..5]);
    let again = FormPage::read(local.submit_to(
        "/confirmForgotPassword",
        &query,
        &reset,
        &[
            ("code", if wrong == code { "999999" } else { &wrong }),
            ("password", "New-Passw0rd1!"),
        ],
    ));
    assert!(
        again.text.contains("Invalid verification code provided"),
        "{}",
        again.text
    );
    let done = FormPage::read(local.submit_to(
        "/confirmForgotPassword",
        &query,
        &again,
        &[("code", &code), ("password", "New-Passw0rd1!")],
    ));
    assert!(
        done.text.contains("<h1>Sign in to cwsauth local</h1>"),
        "{}",
        done.text
    );
    assert_eq!(local.sign_in(&query, "ana", "Ana-Passw0rd1!").status(), 200);
    assert_eq!(local.sign_in(&query, "ana", "New-Passw0rd1!").status(), 302);
    // Every one of these forms is XSRF-checked.
    let forged = FormPage {
        cookie: String::new(),
        ..page("/signup")
    };
    assert_eq!(
        local
            .submit_to(
                "/signup",
                &query,
                &forged,
                &[("username", "mal"), ("password", "Mal-Passw0rd1!")]
            )
            .status(),
        403
    );
}
