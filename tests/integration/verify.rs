//! `cwsauth verify`: every error kind, the JWKS cache (rotation, penalty box, warm runs),
//! token input forms, and the authorizer's view.

use serde_json::{Value, json};

use crate::common::*;

/// A CLI whose default profile pins the test pool and points its JWKS at `server`.
fn setup(server: &JwksServer) -> Cli {
    let cli = Cli::new();
    cli.write_config(&format!(
        "[profiles.default]\nuser_pool_id = \"{POOL}\"\nclient_id = \"{CLIENT}\"\njwks_uri = \"{}\"\n",
        server.url
    ));
    cli
}

fn verify_json(cli: &Cli, token: &str, extra: &[&str]) -> (i32, Value) {
    let now = NOW.to_string();
    let mut args = vec!["verify", "--json", "--now", now.as_str(), token];
    args.extend_from_slice(extra);
    let run = cli.run(&args);
    assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
    (run.code(), run.json())
}

fn assert_kind(cli: &Cli, token: &str, extra: &[&str], kind: &str) -> Value {
    let (code, doc) = verify_json(cli, token, extra);
    assert_eq!(doc["valid"], false, "{doc}");
    assert_eq!(doc["error"]["kind"], kind, "{doc}");
    assert_eq!(
        code,
        if kind == "jwks_unavailable" { 3 } else { 1 },
        "{doc}"
    );
    doc
}

#[test]
fn valid_access_token_report_and_json() {
    let k = key("k1");
    let server = JwksServer::start(&[k]);
    let cli = setup(&server);
    let token = k.sign(&access_claims());
    let now = NOW.to_string();
    let run = cli.run(&["verify", "--now", &now, &token]);
    run.expect(0);
    assert_eq!(
        run.stdout(),
        format!(
            "VALID access token\n  principal  alice (sub 5f2c7a1e-0000-4000-8000-000000000001)\n  client     {CLIENT}\n  issuer     {}\n  scopes     openid email profile\n  groups     admin, dev\n  exp        2027-01-15T09:00:00Z  (expires in 1h)\n  iat        2027-01-15T07:59:00Z  (1m ago)\n  auth_time  2027-01-15T07:59:00Z  (1m ago)\n",
            issuer()
        )
    );
    assert_eq!(run.stderr(), "");
    let (code, doc) = verify_json(&cli, &token, &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["error"], Value::Null);
    assert_eq!(doc["header"], json!({"kid": "k1", "alg": "RS256"}));
    assert_eq!(doc["claims"], access_claims());
}

#[test]
fn id_token_needs_token_use_id() {
    let k = key("k1");
    let server = JwksServer::start(&[k]);
    let cli = setup(&server);
    let id = k.sign(&id_claims());
    let doc = assert_kind(&cli, &id, &[], "invalid_token_use");
    assert_eq!(doc["error"]["expected"], "access");
    assert_eq!(doc["error"]["actual"], "id");
    let (code, doc) = verify_json(&cli, &id, &["--token-use", "id"]);
    assert_eq!((code, &doc["valid"]), (0, &json!(true)));
    let (code, _) = verify_json(&cli, &id, &["--token-use", "any"]);
    assert_eq!(code, 0);
    let access = k.sign(&access_claims());
    assert_kind(&cli, &access, &["--token-use", "id"], "invalid_token_use");
    // An ID token's audience is checked against the client id.
    let other = k.sign(&with(id_claims(), json!({"aud": "someone-else"})));
    assert_kind(&cli, &other, &["--token-use", "id"], "invalid_client_id");
}

#[test]
fn every_structural_error_kind() {
    let k = key("k1");
    let server = JwksServer::start(&[k]);
    let cli = setup(&server);
    let good = k.sign(&access_claims());
    let parts: Vec<&str> = good.split('.').collect();

    let doc = assert_kind(
        &cli,
        &format!("{}.{}", parts[0], parts[1]),
        &[],
        "malformed",
    );
    assert_eq!(
        doc["error"]["message"],
        "a JWT has 3 dot-separated parts, this one has 2"
    );
    assert_kind(
        &cli,
        &format!("{}.@@@.{}", parts[0], parts[2]),
        &[],
        "malformed",
    );
    // "bm90IGpzb24" is base64url of "not json"; "WzFd" of "[1]".
    assert_kind(
        &cli,
        &format!("{}.bm90IGpzb24.{}", parts[0], parts[2]),
        &[],
        "malformed",
    );
    let doc = assert_kind(
        &cli,
        &format!("WzFd.{}.{}", parts[1], parts[2]),
        &[],
        "malformed",
    );
    assert_eq!(
        doc["error"]["message"],
        "the header is JSON but not an object"
    );
    let huge = k.sign(&with(access_claims(), json!({"pad": "x".repeat(20_000)})));
    assert_kind(&cli, &huge, &[], "too_large");

    let hs = k.sign_with_header(&json!({"alg": "HS256", "kid": "k1"}), &access_claims());
    let doc = assert_kind(&cli, &hs, &[], "unsupported_alg");
    assert_eq!(
        (&doc["error"]["expected"], &doc["error"]["actual"]),
        (&json!("RS256"), &json!("HS256"))
    );
    let none = format!("{}.{}.", b64(&json!({"alg": "none"})), parts[1]);
    assert_kind(&cli, &none, &[], "unsupported_alg");
    // RS256 with the signature cut off.
    let unsigned = format!("{}.{}.", parts[0], parts[1]);
    assert_kind(&cli, &unsigned, &[], "invalid_signature");
    let none_sig = format!(
        "{}.{}.c2ln",
        b64(&json!({"alg": "none", "kid": "k1"})),
        parts[1]
    );
    assert_kind(&cli, &none_sig, &[], "unsupported_alg");
    let no_kid = k.sign_with_header(&json!({"alg": "RS256"}), &access_claims());
    assert_kind(&cli, &no_kid, &[], "kid_missing");
}

fn b64(v: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

#[test]
fn every_claim_error_kind() {
    let k = key("k1");
    let server = JwksServer::start(&[k]);
    let cli = setup(&server);
    let sign = |changes: Value| k.sign(&with(access_claims(), changes));

    let doc = assert_kind(&cli, &sign(json!({"exp": NOW - 3 * 3600})), &[], "expired");
    assert_eq!(
        doc["error"]["message"],
        "the token expired at 2027-01-15T05:00:00Z (expired 3h ago)"
    );
    assert_eq!(doc["claims"]["username"], "alice");
    // The leeway forgives the skew.
    let (code, _) = verify_json(&cli, &sign(json!({"exp": NOW - 30})), &["--leeway", "30"]);
    assert_eq!(code, 0);
    assert_kind(
        &cli,
        &sign(json!({"exp": NOW - 31})),
        &["--leeway", "30"],
        "expired",
    );
    assert_kind(&cli, &sign(json!({"exp": null})), &[], "expired");
    assert_kind(&cli, &sign(json!({"nbf": NOW + 600})), &[], "not_before");
    // Issued a year from now: not valid, whatever its exp says; the leeway forgives skew.
    let doc = assert_kind(
        &cli,
        &sign(json!({"iat": NOW + 364 * 86_400, "exp": NOW + 365 * 86_400})),
        &[],
        "iat_in_future",
    );
    assert_eq!(doc["error"]["expected"], format!("iat <= {NOW}"));
    assert_eq!(
        doc["error"]["actual"],
        format!("iat = {}", NOW + 364 * 86_400)
    );
    let (code, _) = verify_json(&cli, &sign(json!({"iat": NOW + 20})), &["--leeway", "30"]);
    assert_eq!(code, 0);
    // Every error carries expected and actual, null where they do not apply.
    let doc = assert_kind(&cli, "e30.e30.!!", &[], "malformed");
    assert_eq!(doc["error"]["expected"], Value::Null);
    assert_eq!(doc["error"]["actual"], Value::Null);
    assert!(doc["error"].as_object().unwrap().contains_key("expected"));
    let doc = assert_kind(
        &cli,
        &sign(json!({"exp": "9999999999"})),
        &[],
        "invalid_claim_type",
    );
    assert_eq!(
        doc["error"]["message"],
        "the exp claim must be a number of seconds"
    );
    assert_kind(&cli, &sign(json!({"iat": true})), &[], "invalid_claim_type");
    assert_kind(
        &cli,
        &sign(json!({"cognito:groups": "admin"})),
        &[],
        "invalid_claim_type",
    );
    let doc = assert_kind(
        &cli,
        &sign(json!({"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"})),
        &[],
        "invalid_issuer",
    );
    assert_eq!(doc["error"]["expected"], issuer());
    let doc = assert_kind(
        &cli,
        &sign(json!({"client_id": "other"})),
        &[],
        "invalid_client_id",
    );
    assert_eq!(
        (&doc["error"]["expected"], &doc["error"]["actual"]),
        (&json!(CLIENT), &json!("other"))
    );
    // --client-id replaces the profile's and is repeatable.
    let (code, _) = verify_json(
        &cli,
        &sign(json!({"client_id": "other"})),
        &["--client-id", "x", "--client-id", "other"],
    );
    assert_eq!(code, 0);
    assert_kind(
        &cli,
        &sign(json!({"token_use": "refresh"})),
        &["--token-use", "any"],
        "invalid_token_use",
    );

    let good = sign(json!({}));
    let (code, _) = verify_json(&cli, &good, &["--scope", "nope", "--scope", "email"]);
    assert_eq!(code, 0);
    let doc = assert_kind(
        &cli,
        &good,
        &["--scope", "aws.cognito.signin.user.admin"],
        "invalid_scope",
    );
    assert_eq!(doc["error"]["actual"], "openid email profile");
    let (code, _) = verify_json(&cli, &good, &["--group", "dev"]);
    assert_eq!(code, 0);
    assert_kind(&cli, &good, &["--group", "ops"], "invalid_group");
    assert_kind(
        &cli,
        &sign(json!({"cognito:groups": null})),
        &["--group", "ops"],
        "invalid_group",
    );
}

#[test]
fn signature_and_key_errors() {
    let k = key("k1");
    let server = JwksServer::start(&[k]);
    let cli = setup(&server);
    // Another pool's key whose kid collides with ours.
    let forged = impostor("k1").sign(&access_claims());
    let doc = assert_kind(&cli, &forged, &[], "invalid_signature");
    assert_eq!(
        doc["error"]["message"],
        "the signature does not match key k1"
    );
    // A payload changed after signing.
    let good = k.sign(&access_claims());
    let other = k.sign(&with(access_claims(), json!({"username": "mallory"})));
    let spliced = format!(
        "{}.{}.{}",
        good.split('.').next().unwrap(),
        other.split('.').nth(1).unwrap(),
        good.split('.').nth(2).unwrap()
    );
    assert_kind(&cli, &spliced, &[], "invalid_signature");

    // A JWKS that offers an oct key under the token's kid.
    let cli2 = Cli::new();
    let oct = JwksServer::start(&[]);
    oct.serve(&json!({"keys": [{"kid": "k1", "kty": "oct", "k": "c2VjcmV0", "alg": "HS256"}]}));
    cli2.write_config(&format!(
        "[profiles.default]\nuser_pool_id = \"{POOL}\"\nclient_id = \"{CLIENT}\"\njwks_uri = \"{}\"\n",
        oct.url
    ));
    let doc = assert_kind(&cli2, &good, &[], "invalid_jwk");
    assert_eq!(doc["error"]["message"], "key k1 is not an RSA key");
}

#[test]
fn key_rotation_refetches_once_and_the_penalty_box_holds() {
    let (k1, k2, k3) = (key("k1"), key("k2"), key("k3"));
    let server = JwksServer::start(&[k1]);
    let cli = setup(&server);
    let (code, _) = verify_json(&cli, &k1.sign(&access_claims()), &[]);
    assert_eq!((code, server.hits()), (0, 1));
    // Warm: the cache answers, no request.
    let (code, _) = verify_json(&cli, &k1.sign(&access_claims()), &[]);
    assert_eq!((code, server.hits()), (0, 1));

    // The pool rotates to k2 right after our fetch: the first token with k2 refetches at once
    // (a fetch that found its kid puts nothing in the penalty box).
    server.serve_keys(&[k1, k2]);
    let (code, _) = verify_json(&cli, &k2.sign(&access_claims()), &[]);
    assert_eq!((code, server.hits()), (0, 2));

    // An unknown kid refetches once; the miss starts the penalty box: no more requests for
    // unknown kids, and known kids still verify.
    assert_kind(&cli, &k3.sign(&access_claims()), &[], "kid_not_found");
    assert_eq!(server.hits(), 3);
    assert_kind(&cli, &k3.sign(&access_claims()), &[], "kid_not_found");
    assert_eq!(server.hits(), 3);
    let (code, _) = verify_json(&cli, &k1.sign(&access_claims()), &[]);
    assert_eq!((code, server.hits()), (0, 3));

    // Out of the penalty box, an unknown kid refetches once more.
    age_cache(&cli, 11);
    assert_kind(&cli, &k3.sign(&access_claims()), &[], "kid_not_found");
    assert_eq!(server.hits(), 4);
}

#[test]
fn a_removed_key_stops_verifying_once_the_cache_is_old() {
    let (k1, k2) = (key("k1"), key("k2"));
    let server = JwksServer::start(&[k1, k2]);
    let cli = setup(&server);
    let (code, _) = verify_json(&cli, &k1.sign(&access_claims()), &[]);
    assert_eq!((code, server.hits()), (0, 1));
    // The pool drops k1. Within the cache's age limit the cached key still answers…
    server.serve_keys(&[k2]);
    let (code, _) = verify_json(&cli, &k1.sign(&access_claims()), &[]);
    assert_eq!((code, server.hits()), (0, 1));
    // …past it (default 1h) the set is fetched again and k1 is gone.
    age_cache(&cli, 3601);
    assert_kind(&cli, &k1.sign(&access_claims()), &[], "kid_not_found");
    assert_eq!(server.hits(), 2);
    // A shorter limit from the profile key (here as a flag) refetches sooner.
    let (code, _) = verify_json(&cli, &k2.sign(&access_claims()), &["--jwks-max-age", "5s"]);
    assert_eq!((code, server.hits()), (0, 2));
    age_cache(&cli, 6);
    let (code, _) = verify_json(&cli, &k2.sign(&access_claims()), &["--jwks-max-age", "5s"]);
    assert_eq!((code, server.hits()), (0, 3));
}

#[test]
fn refresh_keys_shows_the_servers_view_and_verbose_says_where_keys_came_from() {
    let (k1, k2) = (key("k1"), key("k2"));
    let server = JwksServer::start(&[k1]);
    let cli = setup(&server);
    let token = k1.sign(&access_claims());
    let now = NOW.to_string();
    let said = |extra: &[&str], needles: &[&str]| {
        let mut args = vec!["-v", "verify", "--now", &now];
        args.extend_from_slice(extra);
        args.push(&token);
        let run = cli.run(&args);
        run.expect(0);
        for needle in needles {
            assert!(run.stderr().contains(needle), "{needle}: {}", run.stderr());
        }
    };
    said(&[], &["no cached keys for http://127.0.0.1:"]);
    assert_eq!(server.hits(), 1);
    // The pool's keys change (an emulator restarted without --persist): the cache still says
    // VALID; --refresh-keys asks the server, but not within 10 s of the last fetch.
    server.serve_keys(&[k2]);
    said(
        &[],
        &["keys from the cache ", "s ago; refetched after 3600s)"],
    );
    said(
        &["--refresh-keys"],
        &["--refresh-keys: not refetching within 10s of the last fetch"],
    );
    assert_eq!(server.hits(), 1);
    age_cache(&cli, 11);
    assert_kind(&cli, &token, &["--refresh-keys"], "kid_not_found");
    assert_eq!(server.hits(), 2);
}

/// Moves the fetch time of every JWKS cache file `seconds` into the past.
fn age_cache(cli: &Cli, seconds: i64) {
    let dir = cli.home.path().join("cache/jwks");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let mut doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let at = doc["fetched_at"].as_i64().unwrap();
        doc["fetched_at"] = json!(at - seconds);
        if let Some(missed) = doc["missed_at"].as_i64() {
            doc["missed_at"] = json!(missed - seconds);
        }
        std::fs::write(&path, doc.to_string()).unwrap();
    }
}

#[test]
fn warm_verify_needs_no_server() {
    let k = key("k1");
    let server = JwksServer::start(&[k]);
    let cli = setup(&server);
    let token = k.sign(&access_claims());
    assert_eq!(verify_json(&cli, &token, &[]).0, 0);
    server.stop();
    let (code, doc) = verify_json(&cli, &token, &[]);
    assert_eq!((code, &doc["valid"]), (0, &json!(true)));
}

#[test]
fn unreachable_jwks_exits_3() {
    let k = key("k1");
    let server = JwksServer::start(&[k]);
    let cli = setup(&server);
    server.stop();
    let doc = assert_kind(&cli, &k.sign(&access_claims()), &[], "jwks_unavailable");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("cannot fetch the JWKS from http://127.0.0.1:")
    );
    let now = NOW.to_string();
    let run = cli.run(&["verify", "--now", &now, &k.sign(&access_claims())]);
    run.expect(3);
    assert_eq!(run.stdout(), "");
    assert!(
        run.stderr()
            .starts_with("cwsauth: error: jwks_unavailable: cannot fetch the JWKS"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());

    // Plain http to a non-loopback host is refused before any request.
    let run = cli.run(&[
        "verify",
        "--json",
        "--now",
        &now,
        "--jwks",
        "http://jwks.example.com/keys.json",
        &k.sign(&access_claims()),
    ]);
    run.expect(3);
    assert!(
        run.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("refusing JWKS URL http://jwks.example.com/keys.json")
    );
}

#[test]
fn token_input_forms() {
    let k = key("k1");
    let server = JwksServer::start(&[k]);
    let cli = setup(&server);
    let token = k.sign(&access_claims());
    let now = NOW.to_string();
    for arg in [
        format!("Bearer {token}"),
        format!("Authorization: Bearer {token}"),
        format!("  {token}\n"),
    ] {
        cli.run(&["verify", "--now", &now, &arg]).expect(0);
    }
    cli.run_with_stdin(&["verify", "--now", &now], format!("Bearer {token}\n"))
        .expect(0);
    cli.run_with_stdin(&["verify", "--now", &now, "-"], &token)
        .expect(0);
    let run = cli.run_with_stdin(&["verify", "--now", &now], "");
    run.expect(2);
    assert_eq!(run.stderr(), "cwsauth: error: the token is empty\n");
}

/// A JWKS file with `k` in the CLI's home.
fn jwks_file(cli: &Cli, k: &cwsauth_verify::signing::SigningKey) -> std::path::PathBuf {
    let file = cli.home.path().join("jwks.json");
    std::fs::write(
        &file,
        cwsauth_verify::signing::jwks_document(&[k]).to_string(),
    )
    .unwrap();
    file
}

#[test]
fn jwks_file_and_issuer_from_token() {
    let k = key("k1");
    let cli = Cli::new();
    let file = jwks_file(&cli, k);
    let now = NOW.to_string();
    let token = k.sign(&access_claims());
    // No profile: the token's Cognito-shaped issuer is used, with one warning line.
    let run = cli.run(&[
        "verify",
        "--now",
        &now,
        "--jwks",
        file.to_str().unwrap(),
        "--client-id",
        CLIENT,
        &token,
    ]);
    run.expect(0);
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: warning: no issuer pinned; trusting the token's own issuer {}: anyone can sign tokens with a pool of their own, so pin it with --user-pool-id or --issuer\n",
            issuer()
        )
    );
    // Pinned by flags: no warning.
    let run = cli.run(&[
        "verify",
        "--now",
        &now,
        "--jwks",
        file.to_str().unwrap(),
        "--user-pool-id",
        POOL,
        "--client-id",
        CLIENT,
        &token,
    ]);
    run.expect(0);
    assert_eq!(run.stderr(), "");
    // A non-Cognito issuer is never trusted from the token.
    let evil = k.sign(&with(
        access_claims(),
        json!({"iss": "https://evil.example.com/us-east-1_X"}),
    ));
    let run = cli.run(&[
        "verify",
        "--now",
        &now,
        "--jwks",
        file.to_str().unwrap(),
        &evil,
    ]);
    run.expect(2);
    assert!(run.stderr().starts_with(
        "cwsauth: error: no issuer pinned and the token's iss is not a Cognito user pool"
    ));
}

fn authorizer_setup() -> (JwksServer, Cli, String) {
    let k = key("k1");
    let server = JwksServer::start(&[k]);
    let cli = setup(&server);
    let token = k.sign(&access_claims());
    (server, cli, token)
}

/// The claims as the authorizer's context carries them: arrays joined with commas.
fn expected_context() -> Value {
    with(access_claims(), json!({"cognito:groups": "admin,dev"}))
}

#[test]
fn authorizer_allow_policy_has_scalar_context() {
    let (_server, cli, token) = authorizer_setup();
    let now = NOW.to_string();
    let run = cli.run(&[
        "verify",
        "--authorizer",
        "--now",
        &now,
        "--context",
        "customKey=customValue",
        &token,
    ]);
    run.expect(0);
    let mut context = expected_context();
    context["customKey"] = json!("customValue");
    assert_eq!(
        run.json(),
        json!({
            "principalId": "alice",
            "policyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": "arn:aws:execute-api:us-east-1:*:*/*/$connect"
                }]
            },
            "context": context,
        })
    );
    for (_, v) in run.json()["context"].as_object().unwrap() {
        assert!(v.is_string() || v.is_number() || v.is_boolean(), "{v}");
    }
    let run = cli.run(&[
        "verify",
        "--authorizer",
        "--now",
        &now,
        "--principal-id",
        "p1",
        "--method-arn",
        "arn:aws:execute-api:us-east-1:123:abc/prod/$connect",
        &token,
    ]);
    run.expect(0);
    assert_eq!(run.json()["principalId"], "p1");
    assert_eq!(
        run.json()["policyDocument"]["Statement"][0]["Resource"],
        "arn:aws:execute-api:us-east-1:123:abc/prod/$connect"
    );
}

#[test]
fn authorizer_invalid_outcomes() {
    let (_server, cli, _) = authorizer_setup();
    let expired = key("k1").sign(&with(access_claims(), json!({"exp": NOW - 10})));
    let now = NOW.to_string();
    let run = cli.run(&["verify", "--authorizer", "--now", &now, &expired]);
    run.expect(1);
    assert_eq!(run.stdout(), "Unauthorized\n");
    assert_eq!(
        run.stderr(),
        "cwsauth: unauthorized (401): expired: the token expired at 2027-01-15T07:59:50Z (expired 10s ago)\n"
    );
    let run = cli.run(&[
        "verify",
        "--authorizer",
        "--effect",
        "deny-on-invalid",
        "--now",
        &now,
        &expired,
    ]);
    run.expect(1);
    assert_eq!(
        run.json(),
        json!({
            "principalId": "alice",
            "policyDocument": {"Version": "2012-10-17", "Statement": [{
                "Action": "execute-api:Invoke", "Effect": "Deny",
                "Resource": "arn:aws:execute-api:us-east-1:*:*/*/$connect"}]},
            "context": {},
        })
    );
}

#[test]
fn authorizer_denies_a_user_outside_the_groups_as_the_emulator_does() {
    let (_server, cli, _) = authorizer_setup();
    let token = key("k1").sign(&with(
        access_claims(),
        json!({"cognito:groups": ["developers"]}),
    ));
    let now = NOW.to_string();
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "--now", &now];
        args.extend_from_slice(extra);
        args.push(&token);
        cli.run(&args)
    };
    let run = verify(&["--authorizer", "--group", "admins"]);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: denied (403): the user is in none of the required groups (admins)\n"
    );
    assert_eq!(
        run.json()["policyDocument"]["Statement"][0]["Effect"],
        "Deny"
    );
    let run = verify(&["--authorizer", "--json", "--group", "admins"]);
    run.expect(1);
    assert_eq!(run.json()["decision"], "deny");
    assert_eq!(run.json()["valid"], true);
    // In the group: Allow. Without --authorizer the group is a check: a rejection.
    verify(&["--authorizer", "--group", "developers"]).expect(0);
    let run = verify(&["--group", "admins"]);
    run.expect(1);
    assert!(run.stdout().starts_with("INVALID"), "{}", run.stdout());
}

#[test]
fn event_replay() {
    let (_server, cli, token) = authorizer_setup();
    let now = NOW.to_string();
    let arn = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/production/$connect";
    let write = |name: &str, event: Value| {
        let path = cli.home.path().join(name);
        std::fs::write(&path, event.to_string()).unwrap();
        path.to_str().unwrap().to_string()
    };
    // The shape API Gateway sends a REQUEST authorizer on $connect.
    let event = write(
        "event.json",
        json!({
            "type": "REQUEST",
            "methodArn": arn,
            "headers": {"Authorization": format!("Bearer {token}"), "Host": "abcdef1234.execute-api.us-east-1.amazonaws.com", "Sec-WebSocket-Key": "x"},
            "multiValueHeaders": {"Authorization": [format!("Bearer {token}")]},
            "queryStringParameters": {"clientQueryParameter": "value"},
            "multiValueQueryStringParameters": {"clientQueryParameter": ["value"]},
            "stageVariables": {},
            "requestContext": {"routeKey": "$connect", "eventType": "CONNECT", "stage": "production", "connectionId": "Y1b2cDEFGH0CEsQ="}
        }),
    );
    let run = cli.run(&["verify", "--authorizer", "--now", &now, "--event", &event]);
    run.expect(0);
    assert_eq!(
        run.json()["policyDocument"]["Statement"][0]["Resource"],
        arn
    );
    assert_eq!(run.json()["context"], expected_context());

    // Header names are case-insensitive; the Bearer prefix is required.
    let lower = write(
        "lower.json",
        json!({"methodArn": arn, "headers": {"authorization": format!("Bearer {token}")}}),
    );
    cli.run(&["verify", "--authorizer", "--now", &now, "--event", &lower])
        .expect(0);
    let raw = write(
        "raw.json",
        json!({"methodArn": arn, "headers": {"Authorization": token}}),
    );
    let run = cli.run(&["verify", "--authorizer", "--now", &now, "--event", &raw]);
    run.expect(1);
    assert_eq!(run.stdout(), "Unauthorized\n");
    assert_eq!(
        run.stderr(),
        "cwsauth: unauthorized (401): the Authorization header is not \"Bearer <token>\"\n"
    );
    let missing = write(
        "missing.json",
        json!({"methodArn": arn, "headers": {"Host": "x"}}),
    );
    let run = cli.run(&["verify", "--authorizer", "--now", &now, "--event", &missing]);
    run.expect(1);
    assert_eq!(run.stdout(), "Unauthorized\n");
    assert_eq!(
        run.stderr(),
        "cwsauth: unauthorized (401): the event has no Authorization header\n"
    );

    // Query-string identity source.
    let query = write(
        "query.json",
        json!({"methodArn": arn, "queryStringParameters": {"token": token}}),
    );
    cli.run(&[
        "verify",
        "--authorizer",
        "--now",
        &now,
        "--event",
        &query,
        "--identity-source",
        "query:token",
    ])
    .expect(0);
    let run = cli.run(&[
        "verify",
        "--authorizer",
        "--now",
        &now,
        "--event",
        &query,
        "--identity-source",
        "cookie:x",
    ]);
    run.expect(2);
    let bad = write("bad.json", json!([1, 2]));
    let run = cli.run(&["verify", "--authorizer", "--event", &bad]);
    run.expect(2);
    assert!(
        run.stderr()
            .contains("is not an API Gateway authorizer event"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_key_with_a_bad_public_exponent_is_a_bad_key() {
    let k = key("k1");
    let server = JwksServer::start(&[]);
    let mut jwk = k.jwk();
    jwk["e"] = json!("AQ");
    server.serve(&json!({"keys": [jwk]}));
    let cli = setup(&server);
    let doc = assert_kind(&cli, &k.sign(&access_claims()), &[], "invalid_jwk");
    assert_eq!(
        doc["error"]["message"],
        "key k1 has a bad public exponent; RSA needs an odd e of at least 3"
    );
    assert_eq!(doc["error"]["actual"], "e = 1");
}

/// A pool with the UPDATED issuer format: a profile set to it verifies its tokens (and
/// derives the issuer and keys from the pool), one set to the other format refuses them and
/// says which format the pool issues; bad values are refused where they are read.
#[test]
fn the_updated_issuer_format() {
    let k = key("k1");
    let cli = Cli::new();
    let file = jwks_file(&cli, k);
    let updated = format!("https://issuer-cognito-idp.us-east-1.amazonaws.com/{POOL}");
    let token = k.sign(&with(access_claims(), json!({"iss": updated})));
    let now = NOW.to_string();
    let run_with = |kind: &str| {
        cli.run(&[
            "verify",
            "--now",
            &now,
            "--jwks",
            file.to_str().unwrap(),
            "--user-pool-id",
            POOL,
            "--client-id",
            CLIENT,
            "--issuer-type",
            kind,
            &token,
        ])
    };
    let run = run_with("updated");
    run.expect(0);
    assert!(
        run.stdout()
            .contains(&format!("\n  issuer     {updated}\n")),
        "{}",
        run.stdout()
    );
    let run = run_with("original");
    run.expect(1);
    assert_eq!(
        run.stdout(),
        format!(
            "INVALID invalid_issuer: the token is from the same pool's UPDATED issuer format (the pool's IssuerConfiguration.Type); expect that format to accept it\n  expected   {}\n  actual     {updated}\n  principal  alice\n",
            issuer()
        )
    );
    assert_eq!(
        run.stderr(),
        "cwsauth: hint: the pool issues the UPDATED format: `cwsauth configure --issuer-type updated` (or --issuer-type for one run)\n"
    );
    // The derived issuer and JWKS URL follow the profile's format.
    cli.run(&[
        "configure",
        "--user-pool-id",
        POOL,
        "--client-id",
        CLIENT,
        "--issuer-type",
        "updated",
    ])
    .expect(0);
    let run = cli.run(&["configure", "--show", "--json"]);
    assert_eq!(run.json()["values"]["issuer"]["value"], updated);
    assert_eq!(
        run.json()["values"]["jwks_uri"]["value"],
        format!("{updated}/.well-known/jwks.json")
    );
    // A token with no profile pinned: the UPDATED form is a Cognito issuer too.
    let run = cli
        .cmd(&[
            "verify",
            "--now",
            &now,
            "--jwks",
            file.to_str().unwrap(),
            "--client-id",
            CLIENT,
            &token,
        ])
        .env("CWSAUTH_HOME", cli.home.path().join("empty"))
        .run();
    run.expect(0);
    // Bad values: the flag's choices, and a file's value named with its key.
    let run = run_with("new");
    run.expect(2);
    assert!(
        run.stderr()
            .contains("invalid value 'new' for '--issuer-type"),
        "{}",
        run.stderr()
    );
    cli.write_config(&format!(
        "[profiles.default]\nuser_pool_id = \"{POOL}\"\nissuer_type = \"new\"\n"
    ));
    let run = cli.run(&["verify", "--now", &now, &token]);
    run.expect(2);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: issuer_type \"new\" is not valid: \"new\" is not original or updated\n"
    );
}

#[test]
fn the_emulators_updated_issuer_is_verified_for_a_profile_set_to_it_only() {
    let local = Local::start(&["--issuer-format", "updated"]);
    local
        .password_login("file", "--password", ("demo", "Demo-Passw0rd!"), &[])
        .expect(0);
    let run = local.cli.run(&["token", "--profile", "local"]);
    run.expect(0);
    let token = run.stdout().trim().to_string();
    let claims = cwsauth_verify::decode(&token).unwrap().claims;
    assert_eq!(
        claims["iss"],
        "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_cwsLocal1"
    );
    local
        .cli
        .run(&["verify", "--profile", "local", &token])
        .expect(0);
    // The same pool, set to the original format (its issuer derived, its keys the emulator's).
    let jwks = format!("{}/us-east-1_cwsLocal1/.well-known/jwks.json", local.base);
    local
        .cli
        .run(&[
            "configure",
            "--profile",
            "original",
            "--user-pool-id",
            LOCAL_POOL,
            "--client-id",
            cwsauth::local::PUBLIC_CLIENT_ID,
            "--issuer-type",
            "original",
            "--jwks-uri",
            &jwks,
        ])
        .expect(0);
    let run = local.cli.run(&["verify", "--profile", "original", &token]);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: hint: the pool issues the UPDATED format: `cwsauth configure --issuer-type updated --profile original` (or --issuer-type for one run)\n"
    );
}
