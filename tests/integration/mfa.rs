//! Past the password: NEW_PASSWORD_REQUIRED and software-token MFA on both sides (the
//! emulator judged by botocore as its client, the hosted UI's challenge pages, `login` in
//! scripts with CWSAUTH_NEW_PASSWORD and CWSAUTH_TOTP_SECRET, `mfa setup`), and against
//! ministack's TOTP.

use serde_json::{Value, json};

use crate::common::*;

/// RFC 6238's test secret ("12345678901234567890") in base32.
const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn initiate(user: &str, password: &str) -> Value {
    json!(["initiate_auth", {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PUBLIC_CLIENT,
        "AuthParameters": {"USERNAME": user, "PASSWORD": password}}])
}

fn respond(name: &str, user: &str, key: &str, value: &str) -> Value {
    json!(["respond_to_auth_challenge", {"ClientId": PUBLIC_CLIENT, "ChallengeName": name,
        "Session": "$S", "ChallengeResponses": {"USERNAME": user, key: value}}])
}

fn challenge(name: &str, parameters: Value) -> Value {
    json!({"ChallengeName": name, "ChallengeParameters": parameters, "Session": "(session)"})
}

#[test]
fn the_emulator_asks_past_the_password_as_cognito_does_for_botocore() {
    let Some(python) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let local = Local::start(&[
        "--user",
        &format!("mia:Temp-Passw0rd1!::temporary,totp={SECRET}"),
        "--user",
        "bob:Bob-Passw0rd1!",
    ]);
    let totp = format!("$TOTP:{SECRET}");
    let wrong = format!("$TOTP_WRONG:{SECRET}");
    let calls = json!([
        initiate("mia", "Temp-Passw0rd1!"),
        respond("NEW_PASSWORD_REQUIRED", "mia", "NEW_PASSWORD", "short"),
        respond("NEW_PASSWORD_REQUIRED", "mia", "NEW_PASSWORD", "New-Passw0rd1!"),
        respond("SOFTWARE_TOKEN_MFA", "mia", "SOFTWARE_TOKEN_MFA_CODE", &wrong),
        respond("SOFTWARE_TOKEN_MFA", "mia", "SOFTWARE_TOKEN_MFA_CODE", &totp),
        initiate("mia", "Temp-Passw0rd1!"),
        initiate("mia", "New-Passw0rd1!"),
        // The code already used is not taken twice.
        respond("SOFTWARE_TOKEN_MFA", "mia", "SOFTWARE_TOKEN_MFA_CODE", "$TOTP_LAST"),
        // Enrollment by a signed-in user.
        initiate("bob", "Bob-Passw0rd1!"),
        ["associate_software_token", {"AccessToken": "$A"}],
        ["verify_software_token", {"AccessToken": "$A", "UserCode": "$TOTP_WRONG:$SECRET"}],
        ["verify_software_token", {"AccessToken": "$A", "UserCode": "$TOTP:$SECRET"}],
        ["set_user_mfa_preference", {"AccessToken": "$A",
            "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}],
        initiate("bob", "Bob-Passw0rd1!"),
        ["respond_to_auth_challenge", {"ClientId": PUBLIC_CLIENT, "ChallengeName": "SOFTWARE_TOKEN_MFA",
            "Session": "not-a-session-of-this-pool", "ChallengeResponses": {"USERNAME": "bob", "SOFTWARE_TOKEN_MFA_CODE": "123456"}}],
    ]);
    let mfa = challenge(
        "SOFTWARE_TOKEN_MFA",
        json!({"USER_ID_FOR_SRP": "mia", "FRIENDLY_DEVICE_NAME": "TOTP device"}),
    );
    assert_eq!(
        boto3(&python, &local.base, &calls),
        vec![
            challenge(
                "NEW_PASSWORD_REQUIRED",
                json!({"USER_ID_FOR_SRP": "mia", "requiredAttributes": "[]",
                    "userAttributes": "{\"email\":\"mia@example.com\"}"})
            ),
            api_error(
                "InvalidPasswordException",
                "Password did not conform with policy: Password not long enough"
            ),
            mfa.clone(),
            api_error("CodeMismatchException", "Invalid code received for user"),
            token_answer(0),
            api_error("NotAuthorizedException", "Incorrect username or password."),
            mfa,
            api_error(
                "CodeMismatchException",
                "Your software token has already been used once."
            ),
            token_answer(1),
            json!({"SecretCode": "(secret)"}),
            api_error("EnableSoftwareTokenMFAException", "Code mismatch"),
            json!({"Status": "SUCCESS"}),
            json!({}),
            challenge(
                "SOFTWARE_TOKEN_MFA",
                json!({"USER_ID_FOR_SRP": "bob", "FRIENDLY_DEVICE_NAME": "TOTP device"})
            ),
            api_error(
                "NotAuthorizedException",
                "Invalid session for the user, session is expired."
            ),
        ]
    );
}

#[test]
fn user_options_are_checked_when_read() {
    let cli = Cli::new();
    for (user, wanted) in [
        (
            "mia:Pw:g:totp=not base32!",
            "user \"mia\": option totp: the TOTP secret is not base32 (A-Z and 2-7)",
        ),
        (
            "mia:Pw::sms",
            "user \"mia\": unknown option \"sms\" (known: totp=BASE32SECRET, temporary, phone=+DIGITS, mfa=sms, mfa=email)",
        ),
    ] {
        let run = cli.run(&["local", "--user", user]);
        run.expect(2);
        assert!(run.stderr().contains(wanted), "{}", run.stderr());
    }
}

#[test]
fn scripts_answer_a_new_password_and_a_code_from_the_environment() {
    let local = Local::start(&[
        "--user",
        &format!("mia:Mia-Passw0rd1!::totp={SECRET}"),
        "--user",
        "noa:Temp-Passw0rd1!::temporary",
    ]);
    let login = |flag: &str, user: (&str, &str), env: &[(&str, &str)]| {
        let mut cmd = local.cli.cmd(&[
            "login",
            "--profile",
            "local",
            "--store",
            "file",
            flag,
            "--username",
            user.0,
        ]);
        cmd = cmd.env("CWSAUTH_PASSWORD", user.1);
        for (k, v) in env {
            cmd = cmd.env(k, v);
        }
        cmd.run()
    };
    let mia = ("mia", "Mia-Passw0rd1!");
    for flag in ["--password", "--srp"] {
        // Off a terminal with nothing to answer: said, nothing stored.
        let run = login(flag, mia, &[]);
        run.expect(1);
        assert_eq!(
            run.stderr(),
            "cwsauth: error: Cognito asks for SOFTWARE_TOKEN_MFA: set CWSAUTH_TOTP_SECRET to answer it in a script, or run `cwsauth login --profile local` on a terminal\n"
        );
        // Another secret's code is refused by the pool.
        let run = login(flag, mia, &[("CWSAUTH_TOTP_SECRET", "JBSWY3DPEHPK3PXP")]);
        run.expect(1);
        assert!(
            run.stderr()
                .contains("CodeMismatchException: Invalid code received for user"),
            "{}",
            run.stderr()
        );
        let run = login(flag, mia, &[("CWSAUTH_TOTP_SECRET", "not base32!")]);
        run.expect(2);
        assert_eq!(
            run.stderr(),
            "cwsauth: error: CWSAUTH_TOTP_SECRET: the TOTP secret is not base32 (A-Z and 2-7)\n"
        );
        local.cli.run(&["status", "--profile", "local"]).expect(1);
    }
    // The right secret: signed in (the code of each login is a new step or refused as used,
    // so the two flows log in a step apart or the second waits for the next).
    let run = login(
        "--password",
        mia,
        &[("CWSAUTH_TOTP_SECRET", &SECRET.to_lowercase())],
    );
    run.expect(0);
    assert!(
        run.stderr().contains("Logged in as mia"),
        "{}",
        run.stderr()
    );

    // A temporary password: CWSAUTH_NEW_PASSWORD answers, and the next login uses the new one.
    let noa = ("noa", "Temp-Passw0rd1!");
    let run = login("--srp", noa, &[]);
    run.expect(1);
    assert!(
        run.stderr()
            .contains("Cognito asks for NEW_PASSWORD_REQUIRED: set CWSAUTH_NEW_PASSWORD"),
        "{}",
        run.stderr()
    );
    let run = login("--srp", noa, &[("CWSAUTH_NEW_PASSWORD", "weak")]);
    run.expect(1);
    assert!(
        run.stderr().contains("InvalidPasswordException: Password did not conform with policy: Password not long enough"),
        "{}",
        run.stderr()
    );
    login("--srp", noa, &[("CWSAUTH_NEW_PASSWORD", "Noa-Passw0rd1!")]).expect(0);
    login("--srp", noa, &[]).expect(1);
    login("--password", ("noa", "Noa-Passw0rd1!"), &[]).expect(0);
}

#[test]
fn mfa_setup_enrolls_and_later_logins_ask() {
    let local = Local::start(&[]);
    local
        .password_login("file", "--password", ("demo", "Demo-Passw0rd!"), &[])
        .expect(0);
    // No terminal and neither --keep-secret nor --print-secret: nobody could type the code.
    let run = local.cli.run(&["mfa", "setup", "--profile", "local"]);
    run.expect(2);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: no terminal to type the first code on: pass --keep-secret (logins answer the code from the profile's store) or --print-secret (for CWSAUTH_TOTP_SECRET) to enroll without an authenticator app\n"
    );
    let run = local
        .cli
        .run(&["mfa", "setup", "--profile", "local", "--print-secret"]);
    run.expect(0);
    let secret = run.stdout().trim().to_string();
    assert_eq!(secret.len(), 32, "{secret}");
    assert!(
        secret
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    );
    assert_eq!(
        run.stderr(),
        "Software token MFA is on for demo: every sign-in now asks for a code (CWSAUTH_TOTP_SECRET answers it in scripts)\n"
    );
    let log = local.log();
    for op in [
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
    ] {
        assert!(
            log.lines()
                .any(|l| l.starts_with("POST / 200 ") && l.ends_with(&format!("ms ({op})"))),
            "{log}"
        );
    }
    local
        .password_login("file", "--password", ("demo", "Demo-Passw0rd!"), &[])
        .expect(1);
    // The code of the enrollment's step is taken once: a login in the same 30 s step gets
    // "already used" and answers with the next step's code.
    let run = local
        .cli
        .cmd(&[
            "login",
            "--profile",
            "local",
            "--store",
            "file",
            "--password",
            "--username",
            "demo",
        ])
        .env("CWSAUTH_PASSWORD", "Demo-Passw0rd!")
        .env("CWSAUTH_TOTP_SECRET", &secret)
        .run();
    run.expect(0);
    assert!(
        run.stderr().contains("Logged in as demo"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_hosted_ui_asks_for_a_new_password_then_a_code() {
    let local = Local::start(&[
        "--user",
        &format!("mia:Temp-Passw0rd1!::temporary,totp={SECRET}"),
    ]);
    let query = local.authorize_query("s1", &[]);
    let page = FormPage::read(local.sign_in(&query, "mia", "Temp-Passw0rd1!"));
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("<h1>Change your password</h1>"),
        "{}",
        page.text
    );
    // A weak password: the same page again, saying why.
    let page = FormPage::read(local.submit(&query, &page, &[("new_password", "short")]));
    assert_eq!(page.status, 200);
    assert!(
        page.text
            .contains("Password did not conform with policy: Password not long enough"),
        "{}",
        page.text
    );
    let page = FormPage::read(local.submit(&query, &page, &[("new_password", "New-Passw0rd1!")]));
    assert!(
        page.text
            .contains("<h1>Enter the code from your authenticator app</h1>"),
        "{}",
        page.text
    );
    let key = cwsauth::cognito::totp::decode_secret(SECRET).unwrap();
    let now = u64::try_from(cwsauth::timefmt::now_epoch()).unwrap();
    let code = cwsauth::cognito::totp::code_now(&key, now);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let page = FormPage::read(local.submit(&query, &page, &[("code", &wrong)]));
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("Invalid code received for user"),
        "{}",
        page.text
    );
    // A form posted without this page's XSRF cookie is refused, as the sign-in form is.
    let forged = FormPage {
        cookie: String::new(),
        ..FormPage::read(local.sign_in(&query, "mia", "New-Passw0rd1!"))
    };
    assert_eq!(
        local.submit(&query, &forged, &[("code", &code)]).status(),
        403
    );
    let answer = local.submit(&query, &page, &[("code", &code)]);
    let status = answer.status();
    assert_eq!(status, 302, "{}", answer.text().unwrap());
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("http://localhost:3000?code=") && location.ends_with("&state=s1"),
        "{location}"
    );
}

#[test]
fn a_pool_that_requires_mfa_enrolls_at_sign_in_as_cognito_does_for_botocore() {
    let Some(python) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let local = Local::start(&["--mfa-required", "--user", "bob:Bob-Passw0rd1!"]);
    let setup = |extra: Value| {
        let mut call = json!(["respond_to_auth_challenge", {"ClientId": PUBLIC_CLIENT,
            "ChallengeName": "MFA_SETUP", "Session": "$S", "ChallengeResponses": {"USERNAME": "bob"}}]);
        if let Some(o) = extra.as_object() {
            for (k, v) in o {
                call[1][k] = v.clone();
            }
        }
        call
    };
    let calls = json!([
        initiate("bob", "Bob-Passw0rd1!"),
        ["associate_software_token", {"Session": "$S"}],
        // Not verified yet: the sign-in cannot end.
        setup(json!({})),
        ["verify_software_token", {"Session": "$S", "UserCode": "$TOTP_WRONG:$SECRET"}],
        ["verify_software_token", {"Session": "$S", "UserCode": "$TOTP:$SECRET"}],
        setup(json!({})),
        // Enrolled: the next sign-in asks for a code.
        initiate("bob", "Bob-Passw0rd1!"),
        ["associate_software_token", {"Session": "not-a-session-of-this-pool"}],
    ]);
    assert_eq!(
        boto3(&python, &local.base, &calls),
        vec![
            challenge(
                "MFA_SETUP",
                json!({"MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]"})
            ),
            json!({"SecretCode": "(secret)", "Session": "(session)"}),
            api_error(
                "InvalidParameterException",
                "Software token MFA has not been verified: AssociateSoftwareToken and VerifySoftwareToken with this session first."
            ),
            api_error("EnableSoftwareTokenMFAException", "Code mismatch"),
            json!({"Status": "SUCCESS", "Session": "(session)"}),
            token_answer(0),
            challenge(
                "SOFTWARE_TOKEN_MFA",
                json!({"USER_ID_FOR_SRP": "bob", "FRIENDLY_DEVICE_NAME": "TOTP device"})
            ),
            api_error(
                "NotAuthorizedException",
                "Invalid session for the user, session is expired."
            ),
        ]
    );
}

#[test]
fn a_kept_secret_answers_the_code_until_it_is_forgotten() {
    let local = Local::start(&["--mfa-required", "--user", "bob:Bob-Passw0rd1!"]);
    let login = |extra: &[&str]| {
        local.password_login("file", "--password", ("bob", "Bob-Passw0rd1!"), extra)
    };
    // Off a terminal, MFA_SETUP needs --enroll-totp.
    let run = login(&[]);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: the pool requires MFA and bob has none (MFA_SETUP): pass --enroll-totp to enroll a software token whose secret the profile's store keeps, or run `cwsauth login --profile local` on a terminal to add it to an authenticator app\n"
    );
    let run = login(&["--enroll-totp"]);
    run.expect(0);
    assert!(
        run.stderr()
            .contains("Enrolled a software token (MFA_SETUP); its secret is kept in "),
        "{}",
        run.stderr()
    );
    let kept = local.cli.home.path().join("data/tokens/local.totp");
    let secret = std::fs::read_to_string(&kept).unwrap();
    assert!(
        cwsauth::cognito::totp::decode_secret(&secret).is_ok(),
        "{secret}"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // A logout keeps it; the next login answers SOFTWARE_TOKEN_MFA from it.
    local.cli.run(&["logout", "--profile", "local"]).expect(0);
    assert!(kept.exists());
    login(&[]).expect(0);
    // Forgotten: the code must come from somewhere else again.
    let run = local.cli.run(&["mfa", "forget", "--profile", "local"]);
    run.expect(0);
    assert!(!kept.exists());
    let run = login(&[]);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: Cognito asks for SOFTWARE_TOKEN_MFA: set CWSAUTH_TOTP_SECRET to answer it in a script, or run `cwsauth login --profile local` on a terminal\n"
    );
    // mfa setup --keep-secret does the same for a user who enrolls after signing in.
    let other = Local::start(&["--user", "ann:Ann-Passw0rd1!"]);
    other
        .password_login("file", "--password", ("ann", "Ann-Passw0rd1!"), &[])
        .expect(0);
    other
        .cli
        .run(&["mfa", "setup", "--profile", "local", "--keep-secret"])
        .expect(0);
    other.cli.run(&["logout", "--profile", "local"]).expect(0);
    other
        .password_login("file", "--password", ("ann", "Ann-Passw0rd1!"), &[])
        .expect(0);
}

#[test]
fn the_hosted_ui_enrolls_a_user_of_a_pool_that_requires_mfa() {
    let local = Local::start(&[
        "--mfa-required",
        "--user",
        "bob:Bob-Passw0rd1!",
        "--user",
        "tia:Temp-Passw0rd1!::temporary",
    ]);
    let query = local.authorize_query("s2", &[]);
    let page = FormPage::read(local.sign_in(&query, "bob", "Bob-Passw0rd1!"));
    assert_eq!(page.status, 200);
    assert!(
        page.text
            .contains("<h1>Set up multi-factor authentication</h1>"),
        "{}",
        page.text
    );
    let secret = page
        .text
        .split("id=\"secretCode\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap()
        .to_string();
    assert!(page.text.contains("otpauth://totp/"), "{}", page.text);
    let key = cwsauth::cognito::totp::decode_secret(&secret).unwrap();
    let now = u64::try_from(cwsauth::timefmt::now_epoch()).unwrap();
    let code = cwsauth::cognito::totp::code_now(&key, now);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let page = FormPage::read(local.submit(&query, &page, &[("code", &wrong)]));
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Code mismatch"), "{}", page.text);
    assert!(
        page.text.contains(&secret),
        "the same secret is shown again"
    );
    let answer = local.submit(&query, &page, &[("code", &code)]);
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("http://localhost:3000?code=") && location.ends_with("&state=s2"),
        "{location}"
    );
    // A temporary password first, then the enrollment the pool requires.
    let query = local.authorize_query("s4", &[]);
    let page = FormPage::read(local.sign_in(&query, "tia", "Temp-Passw0rd1!"));
    assert!(
        page.text.contains("<h1>Change your password</h1>"),
        "{}",
        page.text
    );
    let page = FormPage::read(local.submit(&query, &page, &[("new_password", "New-Passw0rd1!")]));
    assert!(
        page.text
            .contains("<h1>Set up multi-factor authentication</h1>")
            && page.text.contains("id=\"secretCode\">"),
        "{}",
        page.text
    );
}

#[test]
fn on_a_terminal_the_enrollment_shows_a_qr_code_and_asks_the_first_code() {
    let local = Local::start(&["--mfa-required", "--user", "bob:Bob-Passw0rd1!"]);
    let Some(tty) = Tmux::start(&format!(
        "CWSAUTH_HOME={} CWSAUTH_PASSWORD=Bob-Passw0rd1! NO_COLOR=1 {} login --profile local --store file --password --username bob",
        local.cli.home.path().display(),
        env!("CARGO_BIN_EXE_cwsauth")
    )) else {
        return;
    };
    let screen = tty.wait_for("code the app shows now");
    let secret = screen
        .lines()
        .find_map(|l| l.trim().strip_prefix("key: "))
        .unwrap()
        .trim()
        .to_string();
    assert!(
        screen.contains("otpauth://totp/us-east-1_cwsLocal1:bob?secret="),
        "{screen}"
    );
    assert!(
        screen
            .lines()
            .filter(|l| l.contains('█') || l.contains('▀'))
            .count()
            > 10,
        "no QR code drawn:\n{screen}"
    );
    let key = cwsauth::cognito::totp::decode_secret(&secret).unwrap();
    let now = u64::try_from(cwsauth::timefmt::now_epoch()).unwrap();
    tty.send(&["-l", &cwsauth::cognito::totp::code_now(&key, now)]);
    tty.send(&["Enter"]);
    tty.wait_for("Logged in as bob with profile local");
}
