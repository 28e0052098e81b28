//! One test per attack on a tool like this: forged and confused tokens against `verify` and
//! the emulator's authorizer, hostile key sets, hostile pages and requests at the loopback
//! listener, a token file others can read, and logs that could leak secrets.

use std::io::Write as _;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::common::*;

use crate::login::{emulator, login, store_file, token_posts};

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

/// `header.payload.signature` with an HMAC-SHA256 signature under `secret`.
fn hs256(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
    let tag = aws_lc_rs::hmac::sign(&key, input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

/// The PEM text of a JWK's RSA public key, as an attacker would use it for HS256.
fn public_pem(jwk: &Value) -> String {
    use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap();
    let parsed = aws_lc_rs::signature::RsaPublicKeyComponents { n, e }
        .to_parsed_public_key(&aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256)
        .unwrap();
    let der: PublicKeyX509Der = parsed.as_der().unwrap();
    let body = STANDARD.encode(der.as_ref());
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        lines.join("\n")
    )
}

/// `verify --json` and `verify --authorizer` on one token: the error kind, exit 1, the
/// authorizer's `Unauthorized`, and the token nowhere in the output.
fn refused_by_verify(cli: &Cli, profile: &str, token: &str, extra: &[&str], kind: &str) {
    let mut args = vec!["verify", "--profile", profile, "--json", token];
    args.extend_from_slice(extra);
    let run = cli.run(&args);
    let doc = run.json();
    assert_eq!(
        (
            run.code(),
            doc["valid"].clone(),
            doc["error"]["kind"].clone()
        ),
        (1, json!(false), json!(kind)),
        "{doc}"
    );
    let mut args = vec!["verify", "--profile", profile, "--authorizer", token];
    args.extend_from_slice(extra);
    let run = cli.run(&args);
    assert_eq!(
        (run.code(), run.stdout()),
        (1, "Unauthorized\n".to_string())
    );
    assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());
    assert!(
        run.stderr()
            .starts_with(&format!("cwsauth: unauthorized (401): {kind}: ")),
        "{}",
        run.stderr()
    );
    let signature = token.rsplit('.').next().unwrap();
    for out in [run.stdout(), run.stderr()] {
        assert!(!out.contains("panicked"));
        assert!(
            signature.len() < 8 || !out.contains(signature),
            "token material in the output"
        );
    }
}

/// Forgeries an attacker can build from the pool's public JWKS, refused by `verify` and by
/// the emulator's `$connect` authorizer (the real peer) alike.
#[test]
fn forged_tokens_are_refused_by_verify_and_by_the_authorizer() {
    let local = Local::start(&["--user", "erin:Er1n-pass:admin"]);
    let tokens = local.password_tokens("erin", "Er1n-pass");
    let access = tokens["AccessToken"].as_str().unwrap().to_string();
    let id = tokens["IdToken"].as_str().unwrap().to_string();
    let jwks = local.jwks();
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(access.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    let kid = header["kid"].as_str().unwrap().to_string();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .unwrap()
        .clone();
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(access.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    // The genuine token passes both, so each refusal below is the forgery's doing.
    local
        .cli
        .run(&["verify", "--profile", "local", &access])
        .expect(0);
    let mut ws =
        tokio_tungstenite::tungstenite::connect(ws_request(&local, "/prod", Some(&access)))
            .unwrap();
    let _ = ws.0.close(None);

    let other_pool = cwsauth_verify::signing::SigningKey::generate(kid.clone()).unwrap();
    let pem = public_pem(&jwk);
    let attacks: Vec<(&str, String, &str)> = vec![
        (
            "alg none, no signature",
            format!(
                "{}.{}.",
                b64(&json!({"alg": "none", "kid": kid})),
                b64(&claims)
            ),
            "unsupported_alg",
        ),
        (
            "HS256 keyed with the pool's public key (PEM)",
            hs256(
                &json!({"alg": "HS256", "kid": kid}),
                &claims,
                pem.as_bytes(),
            ),
            "unsupported_alg",
        ),
        (
            "HS256 keyed with the JWK's modulus",
            hs256(
                &json!({"alg": "HS256", "kid": kid}),
                &claims,
                jwk["n"].as_str().unwrap().as_bytes(),
            ),
            "unsupported_alg",
        ),
        (
            "another pool's key under a colliding kid",
            other_pool.sign(&claims),
            "invalid_signature",
        ),
        (
            "the claims of another user spliced onto a real signature",
            {
                let mut forged = claims.clone();
                forged["username"] = json!("demo");
                let parts: Vec<&str> = access.split('.').collect();
                format!("{}.{}.{}", parts[0], b64(&forged), parts[2])
            },
            "invalid_signature",
        ),
        (
            "an ID token where an access token is required",
            id.clone(),
            "invalid_token_use",
        ),
    ];
    for (what, token, kind) in &attacks {
        eprintln!("attack: {what}");
        refused_by_verify(&local.cli, "local", token, &[], kind);
        let (status, body) = refused(&local, "/prod", Some(token));
        assert_eq!(
            (status, body.as_str()),
            (401, r#"{"message":"Unauthorized"}"#),
            "{what}"
        );
    }
    // The reverse: an access token where an ID token is required.
    refused_by_verify(
        &local.cli,
        "local",
        &access,
        &["--token-use", "id"],
        "invalid_token_use",
    );
    // A token of this pool issued to another app client (the emulator's confidential one).
    let (status, m2m) = local.token(
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CONFIDENTIAL_CLIENT),
        ],
        Some((CONFIDENTIAL_CLIENT, &local.client_secret())),
    );
    assert_eq!(status, 200, "{m2m}");
    refused_by_verify(
        &local.cli,
        "local",
        m2m["access_token"].as_str().unwrap(),
        &[],
        "invalid_client_id",
    );
}

/// Key sets no verifier should trust: symmetric keys, weak RSA keys, keys for other uses,
/// and keys fetched over plain http from anywhere but loopback.
#[test]
fn hostile_key_sets_are_refused() {
    let k = key("k1");
    let token = k.sign(&access_claims());
    let setup = |doc: Value| {
        let cli = Cli::new();
        let path = cli.home.path().join("jwks.json");
        std::fs::write(&path, doc.to_string()).unwrap();
        cli.write_config(&format!(
            "[profiles.default]\nuser_pool_id = \"{POOL}\"\nclient_id = \"{CLIENT}\"\njwks_uri = \"{}\"\n",
            path.display()
        ));
        cli
    };
    let now = NOW.to_string();
    let at = ["--now", now.as_str()];

    // An `oct` key under the token's kid, and a token HMAC-signed with that key.
    let secret = b"shared-secret-the-attacker-chose";
    let cli = setup(json!({"keys": [{"kid": "k1", "kty": "oct", "alg": "HS256",
                                     "k": URL_SAFE_NO_PAD.encode(secret)}]}));
    refused_by_verify(&cli, "default", &token, &at, "invalid_jwk");
    let hmac = hs256(
        &json!({"alg": "HS256", "kid": "k1"}),
        &access_claims(),
        secret,
    );
    refused_by_verify(&cli, "default", &hmac, &at, "unsupported_alg");

    // A 1024-bit modulus, a key meant for encryption, and one for another algorithm.
    let mut small = vec![0xc5u8; 128];
    small[127] = 0x01;
    let weak = json!({"kid": "k1", "kty": "RSA", "alg": "RS256", "use": "sig", "e": "AQAB",
                      "n": URL_SAFE_NO_PAD.encode(&small)});
    let cli = setup(json!({"keys": [weak]}));
    refused_by_verify(&cli, "default", &token, &at, "invalid_jwk");
    let run = cli.run(&["verify", "--json", "--now", &now, &token]);
    assert_eq!(
        run.json()["error"]["message"],
        "key k1 is a 1024-bit RSA key; RS256 keys must have 2048 to 8192 bits"
    );
    for (field, value) in [("use", "enc"), ("alg", "PS256")] {
        let mut jwk = k.jwk();
        jwk[field] = json!(value);
        let cli = setup(json!({"keys": [jwk]}));
        refused_by_verify(&cli, "default", &token, &at, "invalid_jwk");
    }

    // Plain http from a non-loopback host is refused before any request.
    let cli = Cli::new();
    cli.write_config(&format!(
        "[profiles.default]\nuser_pool_id = \"{POOL}\"\nclient_id = \"{CLIENT}\"\njwks_uri = \"http://jwks.example.invalid/keys.json\"\n"
    ));
    let run = cli.run(&["verify", "--json", "--now", &now, &token]);
    assert_eq!(run.code(), 3);
    assert_eq!(run.json()["error"]["kind"], "jwks_unavailable");
    assert_eq!(
        run.json()["error"]["message"],
        "refusing JWKS URL http://jwks.example.invalid/keys.json: it must be https (plain http only to a loopback address such as 127.0.0.1)"
    );
}

/// The same rule for every endpoint that sees a password, a code or a client secret: a login
/// over plain http to another host is refused before any request.
#[test]
fn secrets_never_go_out_over_plain_http() {
    let cli = Cli::new();
    cli.write_config(&format!(
        "[profiles.default]\nuser_pool_id = \"{POOL}\"\nclient_id = \"{CLIENT}\"\ndomain = \"http://auth.example.invalid\"\nidp_endpoint = \"http://idp.example.invalid\"\n"
    ));
    let run = cli.run(&["login", "--no-browser", "--store", "file"]);
    run.expect(2);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: refusing hosted UI domain URL http://auth.example.invalid: it must be https (plain http only to a loopback address such as 127.0.0.1)\n"
    );
    let run = cli
        .cmd(&["login", "--password", "--username", "u", "--store", "file"])
        .env("CWSAUTH_PASSWORD", "p")
        .run()
        .0;
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&run.stderr),
        "cwsauth: error: refusing idp_endpoint URL http://idp.example.invalid: it must be https (plain http only to a loopback address such as 127.0.0.1)\n"
    );
    let run = cli.run(&[
        "configure",
        "--profile",
        "x",
        "--issuer",
        "http://issuer.example.invalid",
        "--discover",
    ]);
    run.expect(2);
    assert!(run.stderr().starts_with("cwsauth: error: refusing discovery URL http://issuer.example.invalid/.well-known/openid-configuration"), "{}", run.stderr());
}

/// A page elsewhere that sends the browser to the loopback callback with the attacker's own
/// code and state gets a refusal, no redirect and no CORS grant; it neither completes nor
/// ends the login, which still completes with the user's own callback.
#[test]
fn a_foreign_page_cannot_complete_the_login() {
    let (local, redirect) = emulator(&[]);
    let run = login(&local, &redirect, "foreign-page", &["--timeout", "20s"]);
    assert_eq!(run.stdout(), "400 Sign-in refused\n200 Signed in\n");
    run.expect(0);
    let stderr = run.stderr();
    assert!(
        stderr.contains("cwsauth: warning: a callback without this login's state (a stale tab or another page) was refused; still waiting\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("error:"), "{stderr}");
    assert_eq!(
        token_posts(&local),
        1,
        "only the user's own code was exchanged"
    );
    assert!(store_file(&local).exists());
    assert!(!run.stderr().contains("attackers-code"));
}

/// A page that fires hundreds of forged callbacks does not flood the terminal: the first is
/// said, the rest are counted in one line, and the login still completes.
#[test]
fn forged_callbacks_are_said_once_and_counted() {
    let (local, redirect) = emulator(&[]);
    let run = login(&local, &redirect, "flood", &["--timeout", "60s"]);
    run.expect(0);
    assert_eq!(run.stdout(), "300 forged: ['400']\n200 Signed in\n");
    let stderr = run.stderr();
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(
        warnings[0],
        "cwsauth: warning: a callback without this login's state (a stale tab or another page) was refused; still waiting",
    );
    // The rest in a line every 5 s at most (one, unless the machine is very slow), summing up.
    let counted: u32 = warnings[1..]
        .iter()
        .map(|l| {
            l.strip_prefix("cwsauth: warning: ")
                .and_then(|l| {
                    l.strip_suffix(" more callbacks without this login's state were refused")
                })
                .unwrap_or_else(|| panic!("{l}"))
                .parse::<u32>()
                .unwrap()
        })
        .sum();
    assert_eq!(counted, 299, "{stderr}");
    assert!(warnings.len() <= 4, "{stderr}");
}

/// Stray requests at the listener around a real sign-in: a foreign Host (DNS rebinding), a
/// POST and another path are refused, and the one real callback still completes the login.
#[test]
fn the_loopback_listener_answers_only_its_callback() {
    let (local, redirect) = emulator(&[]);
    let run = login(&local, &redirect, "hostile", &[]);
    assert_eq!(
        run.stdout(),
        "400 Bad request\n404 Not found\n404 Not found\n200 Signed in\n"
    );
    run.expect(0);
    assert_eq!(token_posts(&local), 1);
}

/// A token file others can read is set back to 0600 before it is used, with a warning.
#[cfg(unix)]
#[test]
fn a_readable_token_file_is_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let (local, redirect) = emulator(&[]);
    login(&local, &redirect, "sign-in", &[]).expect(0);
    let path = store_file(&local);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(
        path.parent().unwrap(),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();
    let run = local.cli.run(&["token", "--profile", "local"]);
    run.expect(0);
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: warning: file {} had mode 644; set it to 600\n",
            path.display()
        )
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the tokens are untouched"
    );
}

/// `-vv` logs of every login method, and the emulator's own log, hold no token, code,
/// verifier, client secret or password.
#[test]
fn verbose_logs_hold_no_secrets() {
    let (local, redirect) = emulator(&["--token-ttl", "5s"]);
    let run = login(&local, &redirect, "sign-in", &["-vv"]);
    run.expect(0);
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(store_file(&local)).unwrap()).unwrap();
    let run2 = local.cli.run(&["token", "--profile", "local", "-vv"]);
    run2.expect(0);
    let logs = format!("{}{}", run.stderr(), run2.stderr());
    assert!(logs.contains("POST http://127.0.0.1:"), "{logs}");
    // Written to a pipe (as `2>log` would), the log has no colour codes.
    assert!(!logs.contains('\u{1b}'), "{logs:?}");
    assert!(
        logs.contains("code=(redacted)") && logs.contains("refresh_token=(redacted)"),
        "{logs}"
    );
    assert!(!logs.contains("code_verifier=") || logs.contains("code_verifier=(redacted)"));
    let mut secrets: Vec<String> = ["access_token", "refresh_token", "id_token"]
        .iter()
        .map(|k| stored[k].as_str().unwrap().to_string())
        .collect();
    secrets.push(local.client_secret());
    secrets.push("Demo-Passw0rd!".into());

    let mut all = logs;
    for flag in ["--password", "--srp"] {
        let run = local.password_login("file", flag, ("demo", "Demo-Passw0rd!"), &["-vv"]);
        run.expect(0);
        all.push_str(&run.stderr());
        let stored: Value =
            serde_json::from_str(&std::fs::read_to_string(store_file(&local)).unwrap()).unwrap();
        secrets.push(stored["access_token"].as_str().unwrap().to_string());
        secrets.push(stored["refresh_token"].as_str().unwrap().to_string());
    }
    let m2m = local.cli.run(&[
        "login",
        "--profile",
        "local-m2m",
        "--store",
        "file",
        "--client-credentials",
        "-vv",
    ]);
    m2m.expect(0);
    all.push_str(&m2m.stderr());
    all.push_str(&local.log());
    for secret in &secrets {
        assert!(
            !all.contains(secret.as_str()),
            "a secret leaked into the logs ({} bytes long)",
            secret.len()
        );
    }
    // Secrets stay out of the logs, but the logs still say what happened.
    assert!(all.contains("InitiateAuth"), "{all}");
}

/// DNS rebinding: a page whose name resolves to 127.0.0.1 sends its own name in `Host`; every
/// listener of the emulator (its port, the WebSocket upgrade, each Runtime API) answers 400.
#[test]
fn the_emulator_answers_only_local_host_names() {
    let local = Local::start(&[]);
    let evil = "evil.example:9911";
    let initiate = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": cwsauth::local::ids::PUBLIC_CLIENT_ID,
        "AuthParameters": {"USERNAME": "demo", "PASSWORD": "Demo-Passw0rd!"}});
    let pool = cwsauth::local::ids::POOL_ID;
    for (method, path, body) in [
        ("POST", "/".to_string(), Some(initiate.to_string())),
        ("GET", format!("/{pool}/.well-known/jwks.json"), None),
        (
            "GET",
            format!("/{pool}/.well-known/openid-configuration"),
            None,
        ),
        (
            "GET",
            format!("/oauth2/authorize?{}", local.authorize_query("s", &[])),
            None,
        ),
        (
            "GET",
            format!("/login?{}", local.authorize_query("s", &[])),
            None,
        ),
        (
            "POST",
            "/oauth2/token".to_string(),
            Some("grant_type=client_credentials".into()),
        ),
    ] {
        for (host, status) in [(evil, 400), ("localhost:1", 0), ("127.0.0.1", 0)] {
            let mut req = http()
                .request(method.parse().unwrap(), format!("{}{path}", local.base))
                .header("host", host)
                .header(
                    "x-amz-target",
                    "AWSCognitoIdentityProviderService.InitiateAuth",
                )
                .header("content-type", "application/x-amz-json-1.1");
            if let Some(b) = &body {
                req = req.body(b.clone());
            }
            let resp = req.send().unwrap();
            if status == 400 {
                assert_eq!(resp.status(), 400, "{method} {path} with Host {host}");
                assert_eq!(
                    resp.text().unwrap(),
                    r#"{"message":"Bad Request: unknown Host"}"#
                );
            } else {
                // Answered as usual (the token request itself may be refused: not for its Host).
                let status = resp.status();
                assert_ne!(
                    resp.text().unwrap(),
                    r#"{"message":"Bad Request: unknown Host"}"#,
                    "{method} {path} with Host {host} ({status})"
                );
            }
        }
    }
    // The WebSocket upgrade, raw.
    let mut tcp = std::net::TcpStream::connect(("127.0.0.1", local.port)).unwrap();
    tcp.write_all(format!("GET /$default HTTP/1.1\r\nHost: {evil}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").as_bytes()).unwrap();
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut tcp, &mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    local.wait_for_log("(Host evil.example:9911 is not this emulator's: only localhost and loopback addresses are answered)");
}

/// The hosted UI's sign-in page cannot be framed, and its form is only taken back with the
/// XSRF cookie it was served with (a page elsewhere cannot post it).
#[test]
fn the_sign_in_form_needs_its_own_xsrf_cookie_and_cannot_be_framed() {
    let local = Local::start(&[]);
    let query = local.authorize_query("s", &[]);
    let page = http()
        .get(format!("{}/login?{query}", local.base))
        .send()
        .unwrap();
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert_eq!(
        page.headers()["content-security-policy"],
        "frame-ancestors 'none'"
    );
    let cookie = page.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("XSRF-TOKEN=") && cookie.ends_with("; Path=/; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
    let token = cookie["XSRF-TOKEN=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let post = |cookie: Option<&str>, field: &str| {
        let mut req = http().post(format!("{}/login?{query}", local.base)).form(&[
            ("_csrf", field),
            ("username", "demo"),
            ("password", "Demo-Passw0rd!"),
        ]);
        if let Some(c) = cookie {
            req = req.header("cookie", format!("XSRF-TOKEN={c}"));
        }
        req.send().unwrap().status().as_u16()
    };
    assert_eq!(post(None, &token), 403);
    assert_eq!(post(Some(&token), "forged"), 403);
    assert_eq!(post(Some(""), ""), 403);
    assert_eq!(post(Some(&token), &token), 302);
}

/// The confidential client's secret stays out of the banner unless asked for; a non-loopback
/// --bind says what becomes reachable.
#[test]
fn the_banner_keeps_the_client_secret_and_bind_warns() {
    let local = Local::start(&[]);
    let secret = local.client_secret();
    let banner = local.banner.join("\n");
    assert!(!banner.contains(&secret), "{banner}");
    assert!(
        banner.contains("(secret in profile local-m2m; scope cwsauth-local/invoke)"),
        "{banner}"
    );
    let shown = Local::start(&["--show-secrets"]);
    let banner = shown.banner.join("\n");
    assert!(
        banner.contains(&format!("(secret {}; scope", shown.client_secret())),
        "{banner}"
    );
    // The CA's path is in the banner, and it is the file clients trust.
    let ca = banner
        .lines()
        .find_map(|l| l.strip_prefix("  TLS CA         "))
        .unwrap()
        .split(" (")
        .next()
        .unwrap()
        .to_string();
    assert!(
        std::fs::read_to_string(&ca)
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    // On a port already taken, so the run ends at once, after the warning.
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = Cli::new()
        .cmd(&["local", "--bind", "0.0.0.0", "--port", &port])
        .run();
    run.expect(3);
    assert!(
        run.stderr().starts_with(
            "cwsauth: warning: --bind 0.0.0.0: other machines can reach this emulator"
        ),
        "{}",
        run.stderr()
    );
}

/// A config file another user owns or others can write (it decides where the next login's
/// password goes) is refused, naming the file and the fix, as ssh refuses its config.
#[test]
fn a_planted_config_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let cli = Cli::new();
    cli.write_config(&format!(
        "[profiles.default]\nuser_pool_id = \"{POOL}\"\nclient_id = \"{CLIENT}\"\n"
    ));
    let path = cli.home.path().join("config.toml");
    let fix = format!(
        "(bad owner or permissions, as ssh says); make it yours and private: `chown \"$(id -u)\" {0} && chmod 600 {0}`\n",
        path.display()
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
    let run = cli.run(&["status"]);
    run.expect(2);
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: error: refusing config file {}: others can write to it (mode 666) {fix}",
            path.display()
        )
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    // Owned by someone else (only root can make that happen here).
    let chown = std::process::Command::new("chown")
        .args(["65534", path.to_str().unwrap()])
        .status();
    if chown.is_ok_and(|s| s.success()) {
        let run = cli.run(&["status"]);
        run.expect(2);
        assert_eq!(
            run.stderr(),
            format!(
                "cwsauth: error: refusing config file {}: it is owned by another user (uid 65534) {fix}",
                path.display()
            )
        );
        std::process::Command::new("chown")
            .args(["0", path.to_str().unwrap()])
            .status()
            .unwrap();
    }
    // In a folder anyone can write to.
    std::fs::set_permissions(cli.home.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let run = cli.run(&["status"]);
    run.expect(2);
    assert!(
        run.stderr().contains(&format!(
            ": its folder {} can be written by anyone ",
            cli.home.path().display()
        )),
        "{}",
        run.stderr()
    );
    std::fs::set_permissions(cli.home.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    // Private again: read as before (not logged in).
    cli.run(&["status"]).expect(1);
}
