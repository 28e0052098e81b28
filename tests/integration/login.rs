//! `cwsauth login`, `token`, `status`, `logout` against `cwsauth local`, with a scripted
//! browser (tests/integration/browser.py) passed as --browser-command.

use std::process::Stdio;

use serde_json::{Value, json};

use crate::common::*;

/// An emulator that accepts a loopback callback on a free port, and that port's URI.
pub(crate) fn emulator(extra: &[&str]) -> (Local, String) {
    let port = free_port();
    let redirect = format!("http://localhost:{port}");
    let mut args = vec!["--callback-url", redirect.as_str()];
    args.extend_from_slice(extra);
    (Local::start(&args), redirect)
}

/// `cwsauth login --profile local --store file` through the scripted browser.
pub(crate) fn login(local: &Local, redirect: &str, mode: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "login",
        "--profile",
        "local",
        "--store",
        "file",
        "--redirect-uri",
        redirect,
    ];
    if !extra.contains(&"--timeout") {
        args.extend_from_slice(&["--timeout", "20s"]);
    }
    args.extend_from_slice(extra);
    local
        .cli
        .cmd(&args)
        .env("CWSAUTH_BROWSER", browser())
        .env("BROWSER_MODE", mode)
        .run()
}

pub(crate) fn token_posts(local: &Local) -> usize {
    local
        .log()
        .lines()
        .filter(|l| l.starts_with("POST /oauth2/token 200"))
        .count()
}

pub(crate) fn store_file(local: &Local) -> std::path::PathBuf {
    local.cli.home.path().join("data/tokens/local.json")
}

#[test]
fn loopback_login_then_token_status_and_verify() {
    let (local, redirect) = emulator(&[]);
    let run = login(&local, &redirect, "sign-in", &[]);
    run.expect(0);
    assert_eq!(
        run.stdout(),
        "200 Signed in\n",
        "the browser's view of the loopback page"
    );
    let last = run.stderr().lines().last().unwrap().to_string();
    assert!(last.starts_with("Logged in as demo with profile local (hosted UI (authorization code + PKCE)); tokens in the file store, access token expires in "), "{last}");
    assert_eq!(token_posts(&local), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = std::fs::metadata(store_file(&local))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        let dir = std::fs::metadata(store_file(&local).parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!((file, dir), (0o600, 0o700));
    }

    let run = local.cli.run(&["token", "--profile", "local"]);
    run.expect(0);
    assert_eq!(run.stderr(), "");
    let token = run.stdout().trim_end().to_string();
    assert_eq!(run.stdout(), format!("{token}\n"));
    local
        .cli
        .run(&["verify", "--profile", "local", &token])
        .expect(0);
    let id = local
        .cli
        .run(&["token", "--profile", "local", "--id"])
        .stdout();
    local
        .cli
        .run(&[
            "verify",
            "--profile",
            "local",
            "--token-use",
            "id",
            id.trim(),
        ])
        .expect(0);
    let json = local
        .cli
        .run(&["token", "--profile", "local", "--json"])
        .json();
    assert_eq!(
        (
            json["token"].as_str(),
            json["token_type"].as_str(),
            json["username"].as_str()
        ),
        (Some(token.as_str()), Some("access"), Some("demo"))
    );
    // An hour's token, minus however long this machine took since the login.
    assert!((3000..=3600).contains(&json["expires_in"].as_i64().unwrap()));
    // The type says which token was printed.
    let refresh = local
        .cli
        .run(&["token", "--profile", "local", "--refresh", "--json"])
        .json();
    assert_eq!(refresh["token_type"], "refresh");
    assert_eq!(refresh["expires_at"], serde_json::Value::Null);

    let status = local.cli.run(&["status", "--profile", "local", "--json"]);
    status.expect(0);
    let s = status.json();
    assert_eq!(
        (
            s["username"].as_str(),
            s["method"].as_str(),
            s["store"].as_str()
        ),
        (Some("demo"), Some("hosted-ui"), Some("file"))
    );
    assert_eq!(
        (
            s["refresh_token"].clone(),
            s["scopes"].clone(),
            s["groups"].clone()
        ),
        (
            json!(true),
            json!(["openid", "email", "profile"]),
            json!(["developers"])
        )
    );
    let text = local.cli.run(&["status", "--profile", "local"]).stdout();
    assert!(
        text.starts_with("profile        local\nuser           demo\n"),
        "{text}"
    );
    assert!(
        text.contains("refresh token  stored (not checked with the server; --check asks it)\n"),
        "{text}"
    );
    // --check asks the server (a refresh).
    let posts = token_posts(&local);
    let checked = local
        .cli
        .run(&["status", "--profile", "local", "--check", "--json"]);
    checked.expect(0);
    assert_eq!(checked.json()["session"], "alive");
    assert_eq!(token_posts(&local), posts + 1);
    // No token ever reaches stdout of status or the emulator's log.
    assert!(!text.contains(&token) && !local.log().contains(&token));
}

#[test]
fn refresh_on_expiry_and_concurrent_token_calls_refresh_once() {
    // Tokens that live 5 s are always within the default --min-ttl of 60 s.
    let (local, redirect) = emulator(&["--token-ttl", "5s"]);
    login(&local, &redirect, "sign-in", &[]).expect(0);
    let before = std::fs::read_to_string(store_file(&local)).unwrap();
    let run = local.cli.run(&["token", "--profile", "local"]);
    run.expect(0);
    assert_eq!(token_posts(&local), 2, "the stale token was refreshed");
    let after: Value =
        serde_json::from_str(&std::fs::read_to_string(store_file(&local)).unwrap()).unwrap();
    let before: Value = serde_json::from_str(&before).unwrap();
    assert_ne!(after["access_token"], before["access_token"]);
    assert_eq!(
        after["refresh_token"], before["refresh_token"],
        "the refresh token is kept"
    );
    assert_eq!(
        run.stdout().trim_end(),
        after["access_token"].as_str().unwrap()
    );

    // Eight at once against an expired store: one refresh, one answer for all.
    let (local, redirect) = emulator(&[]);
    login(&local, &redirect, "sign-in", &[]).expect(0);
    let path = store_file(&local);
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    doc["expires_at"] = json!(cwsauth::timefmt::now_epoch() - 10);
    std::fs::write(&path, doc.to_string()).unwrap();
    let children: Vec<_> = (0..8)
        .map(|_| local.cli.cmd(&["token", "--profile", "local"]))
        .collect();
    // Run at once, each under its watchdog.
    let outputs: Vec<Run> = std::thread::scope(|scope| {
        let running: Vec<_> = children
            .into_iter()
            .map(|c| scope.spawn(move || c.run()))
            .collect();
        running.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for out in &outputs {
        out.expect(0);
        assert_eq!(out.stdout(), outputs[0].stdout());
    }
    assert_eq!(token_posts(&local), 2, "login + exactly one refresh");
    // The refresh token left behind still works.
    local
        .cli
        .run(&["token", "--profile", "local", "--min-ttl", "99999"])
        .expect(0);
    assert_eq!(token_posts(&local), 3);
}

#[test]
fn logout_revokes_so_a_later_refresh_fails() {
    let (local, redirect) = emulator(&[]);
    login(&local, &redirect, "sign-in", &[]).expect(0);
    let saved = std::fs::read(store_file(&local)).unwrap();
    let run = local.cli.run(&["logout", "--profile", "local"]);
    run.expect(0);
    assert_eq!(
        run.stderr(),
        "Logged out of profile local: refresh token revoked, tokens deleted\n"
    );
    assert!(!store_file(&local).exists());
    let run = local.cli.run(&["status", "--profile", "local"]);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: not logged in with profile local: run `cwsauth login --profile local`\n"
    );
    // --json says so in JSON too.
    let run = local.cli.run(&["status", "--profile", "local", "--json"]);
    run.expect(1);
    assert_eq!(run.json(), json!({"profile": "local", "logged_in": false}));
    // The revoked refresh token, put back, no longer refreshes.
    std::fs::write(store_file(&local), saved).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(store_file(&local), std::fs::Permissions::from_mode(0o600))
            .unwrap();
    }
    // status --check finds the session dead; the store alone would not tell.
    let run = local.cli.run(&["status", "--profile", "local", "--check"]);
    run.expect(1);
    assert!(
        run.stdout()
            .contains("refresh token  stored, but the server no longer honours it\n"),
        "{}",
        run.stdout()
    );
    let run = local
        .cli
        .run(&["token", "--profile", "local", "--min-ttl", "99999"]);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: the session of profile local has expired or was revoked; run `cwsauth login --profile local`\n"
    );
    assert_eq!(run.stdout(), "");
}

#[test]
fn logout_offline_still_deletes_and_everywhere_opens_the_hosted_ui_logout() {
    let (local, redirect) = emulator(&[]);
    login(&local, &redirect, "sign-in", &[]).expect(0);
    let base = local.base.clone();
    let cli = local.stop();
    let run = cli.run(&["logout", "--profile", "local"]);
    run.expect(0);
    let lines: Vec<String> = run.stderr().lines().map(str::to_string).collect();
    assert!(lines[0].starts_with(&format!("cwsauth: warning: the refresh token was not revoked (cannot reach {base}/oauth2/revoke: ")), "{lines:?}");
    assert!(
        lines[0].ends_with("; it stays valid until it expires"),
        "{lines:?}"
    );
    assert_eq!(lines[1], "Logged out of profile local: tokens deleted");
    assert!(!cli.home.path().join("data/tokens/local.json").exists());

    // --everywhere hands the hosted UI's /logout to the browser command (echo, here).
    let everywhere = |browser: &str| {
        cli.cmd(&[
            "logout",
            "--profile",
            "local",
            "--everywhere",
            "--browser-command",
            browser,
        ])
        .run()
    };
    let run = everywhere("echo");
    run.expect(0);
    // The profile's first redirect URI is the sign-out URL.
    assert_eq!(
        run.stdout(),
        format!(
            "{base}/logout?client_id={PUBLIC_CLIENT}&logout_uri=http%3A%2F%2Flocalhost%3A3000\n"
        )
    );
    // The command is split as a shell would: a quoted path with a space, then its arguments.
    let script = cli.home.path().join("my browser.sh");
    std::fs::write(&script, "#!/bin/sh\nprintf '%s|' \"$@\"; echo\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let command = format!("'{}' --new-window \"a b\"", script.display());
    let run = everywhere(&command);
    run.expect(0);
    assert!(
        run.stdout()
            .starts_with(&format!("--new-window|a b|{base}/logout?client_id=")),
        "{}",
        run.stdout()
    );
    // An unclosed quote is one line, and the address to open by hand.
    let run = cli
        .cmd(&[
            "logout",
            "--profile",
            "local",
            "--everywhere",
            "--browser-command",
            "'unclosed",
        ])
        .run();
    run.expect(0);
    assert!(
        run.stderr().contains("cwsauth: warning: the browser command \"'unclosed\" has an unclosed quote; open the address above yourself\n"),
        "{}",
        run.stderr()
    );
}

#[test]
fn password_srp_and_client_credentials_logins() {
    let local = Local::start(&["--user", "alice:Al1ce-pass:admin"]);
    for (flag, method) in [("--password", "password"), ("--srp", "srp")] {
        local
            .password_login("file", flag, ("alice", "Al1ce-pass"), &[])
            .expect(0);
        let s = local
            .cli
            .run(&["status", "--profile", "local", "--json"])
            .json();
        assert_eq!(
            (
                s["method"].as_str(),
                s["username"].as_str(),
                s["groups"].clone()
            ),
            (Some(method), Some("alice"), json!(["admin"]))
        );
        // REFRESH_TOKEN_AUTH on the JSON API.
        let before = local
            .log()
            .lines()
            .filter(|l| l.starts_with("POST / 200"))
            .count();
        local
            .cli
            .run(&["token", "--profile", "local", "--min-ttl", "99999"])
            .expect(0);
        assert_eq!(
            local
                .log()
                .lines()
                .filter(|l| l.starts_with("POST / 200"))
                .count(),
            before + 1
        );
    }
    let run = local
        .cli
        .cmd(&[
            "login",
            "--profile",
            "local",
            "--store",
            "file",
            "--srp",
            "--username",
            "alice",
        ])
        .env("CWSAUTH_PASSWORD", "wrong")
        .run();
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: RespondToAuthChallenge failed: NotAuthorizedException: Incorrect username or password.\n"
    );
    let run = local.cli.run(&[
        "login",
        "--profile",
        "local",
        "--store",
        "file",
        "--password",
        "--username",
        "alice",
    ]);
    run.expect(2);
    assert!(
        run.stderr()
            .starts_with("cwsauth: error: no password: set CWSAUTH_PASSWORD"),
        "{}",
        run.stderr()
    );

    // The confidential client sends SECRET_HASH.
    let run = local
        .cli
        .cmd(&[
            "login",
            "--profile",
            "local-m2m",
            "--store",
            "file",
            "--password",
            "--username",
            "alice",
        ])
        .env("CWSAUTH_PASSWORD", "Al1ce-pass")
        .run();
    run.expect(0);
    let run = local.cli.run(&[
        "login",
        "--profile",
        "local-m2m",
        "--store",
        "file",
        "--client-credentials",
    ]);
    run.expect(0);
    let s = local
        .cli
        .run(&["status", "--profile", "local-m2m", "--json"])
        .json();
    assert_eq!(
        (
            s["method"].as_str(),
            s["refresh_token"].clone(),
            s["scopes"].clone()
        ),
        (
            Some("client-credentials"),
            json!(false),
            json!(["cwsauth-local/invoke"])
        )
    );
    let posts = token_posts(&local);
    local
        .cli
        .run(&["token", "--profile", "local-m2m", "--min-ttl", "99999"])
        .expect(0);
    assert_eq!(
        token_posts(&local),
        posts + 1,
        "no refresh token: a new client_credentials grant"
    );
}

#[test]
fn failed_logins_store_nothing() {
    let (local, redirect) = emulator(&[]);
    let run = login(&local, &redirect, "cancel", &[]);
    run.expect(1);
    assert_eq!(run.stdout(), "400 Sign-in failed\n");
    assert_eq!(
        run.stderr().lines().last().unwrap(),
        "cwsauth: error: the sign-in failed: access_denied: The user cancelled the sign-in."
    );
    // A callback with another state is refused and the login waits on for its own (here
    // until its timeout).
    let run = login(&local, &redirect, "tamper-state", &["--timeout", "10s"]);
    run.expect(1);
    assert_eq!(run.stdout(), "400 Sign-in refused\n");
    assert!(
        run.stderr().ends_with(
            "cwsauth: warning: a callback without this login's state (a stale tab or another page) was refused; still waiting\ncwsauth: error: no sign-in arrived within 10s: run `cwsauth login --profile local` again (--timeout to wait longer)\n"
        ),
        "{}",
        run.stderr()
    );
    assert_eq!(token_posts(&local), 0, "nothing was exchanged");

    // Tokens that fail verification (keys that did not sign them) are not stored.
    let other = cwsauth_verify::signing::SigningKey::generate("other").unwrap();
    let jwks = local.cli.home.path().join("other-jwks.json");
    std::fs::write(
        &jwks,
        cwsauth_verify::signing::jwks_document(&[&other]).to_string(),
    )
    .unwrap();
    let run = login(
        &local,
        &redirect,
        "sign-in",
        &["--jwks-uri", jwks.to_str().unwrap()],
    );
    run.expect(1);
    assert!(run.stderr().lines().last().unwrap().starts_with("cwsauth: error: the access token from Cognito failed verification, so nothing was stored: kid_not_found"), "{}", run.stderr());
    assert!(!store_file(&local).exists());

    // A taken port, and a timeout.
    let holder =
        std::net::TcpListener::bind(redirect.replace("http://localhost", "127.0.0.1")).unwrap();
    let run = login(&local, &redirect, "sign-in", &[]);
    run.expect(2);
    let port = redirect.rsplit(':').next().unwrap();
    assert!(
        run.stderr().starts_with(&format!(
            "cwsauth: error: every redirect URI's port is taken: {port} (held by "
        )),
        "{}",
        run.stderr()
    );
    drop(holder);
    let run = login(
        &local,
        &redirect,
        "sign-in",
        &["--no-browser", "--timeout", "1s"],
    );
    run.expect(1);
    assert_eq!(
        run.stderr().lines().last().unwrap(),
        "cwsauth: error: no sign-in arrived within 1s: run `cwsauth login --profile local` again (--timeout to wait longer)"
    );
}

#[test]
fn paste_flow_completes_from_stdin() {
    use std::io::Write;
    let local = Local::start(&["--callback-url", "https://app.example.com/callback"]);
    // A redirect URI no listener can serve: the address is pasted.
    let mut child = local
        .cli
        .command(&[
            "login",
            "--profile",
            "local",
            "--store",
            "file",
            "--no-browser",
            "--redirect-uri",
            "https://app.example.com/callback",
            "--timeout",
            "20s",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let url = crate::common::authorize_line(&mut stderr);
    let authorize = url.as_str();
    let resp = http().get(authorize).send().unwrap();
    let login_path = resp.headers()["location"].to_str().unwrap().to_string();
    let query = login_path.trim_start_matches("/login?");
    let resp = local.sign_in(query, "demo", "Demo-Passw0rd!");
    let callback = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(callback.starts_with("https://app.example.com/callback?code="));
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "not a url").unwrap();
    writeln!(stdin, "{callback}").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert_eq!(status.code(), Some(0), "{rest}");
    assert!(
        rest.contains("that is not the address the browser ended on"),
        "{rest}"
    );
    assert!(
        rest.contains("Logged in as demo with profile local"),
        "{rest}"
    );
}

#[test]
fn corrupt_store_is_reported_not_overwritten_and_keyring_falls_back() {
    let (local, redirect) = emulator(&[]);
    let path = store_file(&local);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "{not json").unwrap();
    // A token file others could read is tightened first, with a warning.
    let run = local.cli.run(&["token", "--profile", "local"]);
    run.expect(2);
    assert_eq!(
        run.stderr().lines().next().unwrap(),
        format!(
            "cwsauth: warning: file {} had mode 644; set it to 600",
            path.display()
        )
    );
    let run = local.cli.run(&["token", "--profile", "local"]);
    run.expect(2);
    assert_eq!(run.stderr().lines().count(), 1);
    assert!(
        run.stderr().starts_with(&format!(
            "cwsauth: error: the token store {} is unreadable (not a token file",
            path.display()
        )),
        "{}",
        run.stderr()
    );
    // A login replaces the corrupt store, and says so first.
    let run = login(&local, &redirect, "sign-in", &[]);
    run.expect(0);
    assert!(
        run.stderr().starts_with(&format!(
            "cwsauth: warning: the token store {} was unreadable (not a token file",
            path.display()
        )),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("); this login replaces it\n"),
        "{}",
        run.stderr()
    );
    local.cli.run(&["token", "--profile", "local"]).expect(0);
    local.cli.run(&["logout", "--profile", "local"]).expect(0);
    assert!(!path.exists());

    // No Secret Service on the session bus: the file store, said once.
    let login_without_keyring = || {
        local
            .cli
            .cmd(&[
                "login",
                "--profile",
                "local",
                "--redirect-uri",
                &redirect,
                "--timeout",
                "20s",
            ])
            .env("CWSAUTH_BROWSER", browser())
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .run()
    };
    let run = login_without_keyring();
    run.expect(0);
    let notice = run.stderr().lines().next().unwrap().to_string();
    assert_eq!(
        notice,
        format!(
            "cwsauth: warning: no OS keyring: no Secret Service (GNOME Keyring, KWallet) answers on this session's D-Bus; tokens go to the file store {} (mode 0600); `cwsauth configure --store file` makes that the choice and ends this warning",
            path.display()
        )
    );
    assert!(path.exists());
    // The next login of the profile falls back the same way without saying it again.
    let run = login_without_keyring();
    run.expect(0);
    assert!(!run.stderr().contains("keyring"), "{}", run.stderr());
    // Decided once at login and remembered: later commands go to the file store without
    // asking any keyring, and say nothing about it.
    let run = local
        .cli
        .cmd(&["token", "--profile", "local"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .run();
    run.expect(0);
    assert_eq!(run.stderr(), "");
}

#[test]
fn authorize_url_parameters_and_the_terminal_status_line() {
    let (local, redirect) = emulator(&[]);
    let run = login(
        &local,
        &redirect,
        "sign-in",
        &[
            "--no-browser",
            "--timeout",
            "1s",
            "--login-hint",
            "alice",
            "--prompt",
            "login",
            "--identity-provider",
            "COGNITO",
            "--scope",
            "openid",
            "--scope",
            "email",
        ],
    );
    run.expect(1);
    let url = run
        .stderr()
        .lines()
        .find(|l| l.starts_with("  http"))
        .unwrap()
        .trim()
        .to_string();
    let url = url::Url::parse(&url).unwrap();
    let params: std::collections::HashMap<String, String> =
        url.query_pairs().into_owned().collect();
    assert_eq!(params["scope"], "openid email");
    assert_eq!(params["login_hint"], "alice");
    assert_eq!(params["prompt"], "login");
    assert_eq!(params["identity_provider"], "COGNITO");
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["redirect_uri"], redirect);
    assert!(params["state"].len() >= 16 && params["nonce"].len() >= 16);
    // One static line says what we wait for (no countdown redraws).
    assert_eq!(
        run.stderr()
            .matches(&format!(
                "Waiting for the browser at {redirect} (up to 1s; Ctrl-C to cancel)\n"
            ))
            .count(),
        1,
        "{}",
        run.stderr()
    );

    let Some(tty) = Tmux::start(&format!(
        "CWSAUTH_HOME={} {} login --profile local --store file --no-browser --timeout 30s --redirect-uri {redirect}",
        local.cli.home.path().display(),
        env!("CARGO_BIN_EXE_cwsauth")
    )) else {
        return;
    };
    let screen = tty.wait_for(&format!(
        "Waiting for the browser at {redirect} (up to 30s; Ctrl-C to cancel)"
    ));
    assert!(
        screen.contains(
            "On another machine? Paste the address the browser ends on here and press Enter."
        ),
        "{screen}"
    );
    // What is typed stays where it is: nothing redraws the line.
    tty.send(&["-l", "http://typed-so-far"]);
    let screen = tty.wait_for("http://typed-so-far");
    assert!(!screen.contains(" left"), "{screen}");
}
