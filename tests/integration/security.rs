//! One test per attack on a tool like this: forged and confused tokens against `verify` and
//! the emulator's authorizer, hostile key sets, hostile pages and requests at the loopback
//! listener, a token file others can read, and logs that could leak secrets.

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
