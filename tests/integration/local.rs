//! `cwsauth local`: the hosted UI, OAuth endpoints, JSON API and WebSocket API, each with its
//! error paths, driven over HTTP and WebSocket as clients would.

use std::io::{Read, Write};

use base64::Engine;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::common::*;

fn decode_claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

fn header_kid(token: &str) -> String {
    let header = token.split('.').next().unwrap();
    let v: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .unwrap(),
    )
    .unwrap();
    v["kid"].as_str().unwrap().to_string()
}

fn exchange(local: &Local, code: &str) -> (u16, Value) {
    local.token(
        &[
            ("grant_type", "authorization_code"),
            ("client_id", PUBLIC_CLIENT),
            ("code", code),
            ("redirect_uri", "http://localhost:3000"),
            ("code_verifier", VERIFIER),
        ],
        None,
    )
}

#[test]
fn hosted_ui_login_with_pkce_yields_cognito_tokens() {
    let local = Local::start(&[]);
    assert_eq!(local.banner.last().unwrap(), "Press Ctrl-C to stop.");
    let query = local.authorize_query("st4te", &[]);
    let resp = http()
        .get(format!("{}/oauth2/authorize?{query}", local.base))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 302);
    assert_eq!(
        resp.headers()["location"],
        format!("/login?{query}").as_str()
    );
    let form = http()
        .get(format!("{}/login?{query}", local.base))
        .send()
        .unwrap();
    assert_eq!(form.status(), 200);
    let page = form.text().unwrap();
    assert!(
        page.contains("<form name=\"cognitoSignInForm\" method=\"post\" action=\"/login?"),
        "{page}"
    );

    let resp = local.sign_in(&query, "demo", "Demo-Passw0rd!");
    assert_eq!(resp.status(), 302);
    let location = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(
        location.origin().ascii_serialization(),
        "http://localhost:3000"
    );
    let params: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    assert_eq!(params[1], ("state".to_string(), "st4te".to_string()));
    let code = &params[0].1;

    let (status, body) = exchange(&local, code);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let access = decode_claims(body["access_token"].as_str().unwrap());
    let id = decode_claims(body["id_token"].as_str().unwrap());
    assert!(body["refresh_token"].as_str().unwrap().len() > 40);
    let mut keys: Vec<&str> = access
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "auth_time",
            "client_id",
            "cognito:groups",
            "event_id",
            "exp",
            "iat",
            "iss",
            "jti",
            "origin_jti",
            "scope",
            "sub",
            "token_use",
            "username",
            "version"
        ]
    );
    assert_eq!(access["iss"], local.issuer());
    assert_eq!(access["client_id"], PUBLIC_CLIENT);
    assert_eq!(access["scope"], "openid email profile");
    assert_eq!(access["cognito:groups"], json!(["developers"]));
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        3600
    );
    assert_eq!(id["aud"], PUBLIC_CLIENT);
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(id["cognito:username"], "demo");
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["origin_jti"], access["origin_jti"]);
    // Access and ID tokens are signed by different keys, both in the JWKS.
    let (ak, ik) = (
        header_kid(body["access_token"].as_str().unwrap()),
        header_kid(body["id_token"].as_str().unwrap()),
    );
    assert_ne!(ak, ik);
    let jwks = local.jwks();
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids, [ak.as_str(), ik.as_str()]);
    let oidc: Value = http()
        .get(format!(
            "{}/.well-known/openid-configuration",
            local.issuer()
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(oidc["issuer"], local.issuer());
    assert_eq!(
        oidc["token_endpoint"],
        format!("{}/oauth2/token", local.base)
    );

    // The profile written by --write-profile verifies both tokens.
    local
        .cli
        .run(&[
            "verify",
            "--profile",
            "local",
            body["access_token"].as_str().unwrap(),
        ])
        .expect(0);
    local
        .cli
        .run(&[
            "verify",
            "--profile",
            "local",
            "--token-use",
            "id",
            body["id_token"].as_str().unwrap(),
        ])
        .expect(0);

    // A code is good once.
    let (status, body) = exchange(&local, code);
    assert_eq!((status, body), (400, json!({"error": "invalid_grant"})));

    // The request log names method, path and status, and never a code or state.
    let log = local.wait_for_log("state=(redacted)");
    assert!(log.contains("POST /oauth2/token 200 "), "{log}");
    assert!(log.contains("state=(redacted)"), "{log}");
    assert!(
        !log.contains(code.as_str()) && !log.contains("st4te"),
        "{log}"
    );
}

#[test]
fn authorize_errors_follow_cognito() {
    let local = Local::start(&[]);
    let get = |query: String| {
        http()
            .get(format!("{}/oauth2/authorize?{query}", local.base))
            .send()
            .unwrap()
    };

    let resp = get(local.authorize_query("s", &[("client_id", "nope")]));
    assert_eq!(resp.status(), 400);
    assert!(resp.text().unwrap().contains("Client does not exist."));
    let resp = get(local.authorize_query("s", &[("redirect_uri", "http://localhost:3001")]));
    assert_eq!(resp.status(), 400);
    assert!(resp.text().unwrap().contains("redirect_mismatch"));

    let redirected = |query: String| -> Vec<(String, String)> {
        let resp = get(query);
        assert_eq!(resp.status(), 302);
        let url = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
        url.query_pairs().into_owned().collect()
    };
    let p = redirected(local.authorize_query("s1", &[("scope", "openid admin")]));
    assert_eq!(p[0], ("error".into(), "invalid_scope".into()));
    assert_eq!(p[2], ("state".into(), "s1".into()));
    let p = redirected(local.authorize_query(
        "s",
        &[("code_challenge", ""), ("code_challenge_method", "")],
    ));
    assert_eq!(p[0], ("error".into(), "invalid_request".into()));
    assert_eq!(
        p[1].1,
        "a public client must send a PKCE code_challenge (S256)"
    );
    let p = redirected(local.authorize_query("s", &[("code_challenge_method", "plain")]));
    assert_eq!(p[1].1, "code_challenge_method must be S256");
    let p = redirected(local.authorize_query("s", &[("response_type", "token")]));
    assert_eq!(p[0], ("error".into(), "unsupported_response_type".into()));
    let p = redirected(local.authorize_query("s", &[("identity_provider", "Google")]));
    assert_eq!(p[0], ("error".into(), "invalid_request".into()));

    // Cancel on the form: access_denied with the state.
    let query = local.authorize_query("s2", &[]);
    let resp = http()
        .get(format!("{}/login/cancel?{query}", local.base))
        .send()
        .unwrap();
    assert_eq!(
        resp.headers()["location"],
        "http://localhost:3000?error=access_denied&error_description=The+user+cancelled+the+sign-in.&state=s2"
    );

    // A wrong password shows the form again with Cognito's message, HTML-escaped input kept.
    let resp = local.sign_in(&query, "<b>demo</b>", "nope");
    assert_eq!(resp.status(), 200);
    let page = resp.text().unwrap();
    assert!(page.contains("Incorrect username or password."));
    assert!(page.contains("value=\"&lt;b&gt;demo&lt;/b&gt;\""), "{page}");
    let resp = local.sign_in(&query, "demo", "wrong");
    assert_eq!(resp.status(), 200);
}

#[test]
fn token_endpoint_errors() {
    let local = Local::start(&["--code-ttl", "0s"]);
    // An expired code (lifetime 0 here) is invalid_grant.
    let code = local.code(&local.authorize_query("s", &[]));
    assert_eq!(
        exchange(&local, &code),
        (400, json!({"error": "invalid_grant"}))
    );

    let local = Local::start(&[]);
    let query = local.authorize_query("s", &[]);
    let code = local.code(&query);
    let bad_verifier = local.token(
        &[
            ("grant_type", "authorization_code"),
            ("client_id", PUBLIC_CLIENT),
            ("code", &code),
            ("redirect_uri", "http://localhost:3000"),
            ("code_verifier", "x".repeat(43).as_str()),
        ],
        None,
    );
    assert_eq!(bad_verifier, (400, json!({"error": "invalid_grant"})));
    // The failed attempt used the code up.
    assert_eq!(exchange(&local, &code).0, 400);

    let code = local.code(&query);
    let wrong_redirect = local.token(
        &[
            ("grant_type", "authorization_code"),
            ("client_id", PUBLIC_CLIENT),
            ("code", &code),
            ("redirect_uri", "http://localhost:3001"),
            ("code_verifier", VERIFIER),
        ],
        None,
    );
    assert_eq!(wrong_redirect, (400, json!({"error": "invalid_grant"})));
    let unknown_client = local.token(
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "nope"),
            ("code", "x"),
        ],
        None,
    );
    assert_eq!(unknown_client, (400, json!({"error": "invalid_client"})));
    let wrong_secret = local.token(
        &[("grant_type", "client_credentials")],
        Some((CONFIDENTIAL_CLIENT, "wrong")),
    );
    assert_eq!(wrong_secret, (401, json!({"error": "invalid_client"})));
    let no_secret = local.token(
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CONFIDENTIAL_CLIENT),
        ],
        None,
    );
    assert_eq!(no_secret, (401, json!({"error": "invalid_client"})));
    let public_m2m = local.token(
        &[
            ("grant_type", "client_credentials"),
            ("client_id", PUBLIC_CLIENT),
        ],
        None,
    );
    assert_eq!(public_m2m, (400, json!({"error": "unauthorized_client"})));
    let grant = local.token(
        &[("grant_type", "password"), ("client_id", PUBLIC_CLIENT)],
        None,
    );
    assert_eq!(grant, (400, json!({"error": "unsupported_grant_type"})));
    let not_form = http()
        .post(format!("{}/oauth2/token", local.base))
        .json(&json!({"grant_type": "x"}))
        .send()
        .unwrap();
    assert_eq!(not_form.status(), 400);
}

#[test]
fn refresh_revoke_client_credentials_and_userinfo() {
    let local = Local::start(&["--user", "alice:Wonder-1and:admin,dev"]);
    let query = local.authorize_query("s", &[]);
    let resp = local.sign_in(&query, "alice", "Wonder-1and");
    let url = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let code = url.query_pairs().next().unwrap().1.into_owned();
    let (_, tokens) = exchange(&local, &code);
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let access = tokens["access_token"].as_str().unwrap();

    let (status, renewed) = local.token(
        &[
            ("grant_type", "refresh_token"),
            ("client_id", PUBLIC_CLIENT),
            ("refresh_token", refresh),
        ],
        None,
    );
    assert_eq!(status, 200);
    assert!(renewed.get("refresh_token").is_none());
    let claims = decode_claims(renewed["access_token"].as_str().unwrap());
    assert_eq!(
        (
            claims["username"].as_str(),
            claims["cognito:groups"].clone()
        ),
        (Some("alice"), json!(["admin", "dev"]))
    );
    assert_eq!(claims["origin_jti"], decode_claims(access)["origin_jti"]);

    let info = http()
        .get(format!("{}/oauth2/userInfo", local.base))
        .bearer_auth(access)
        .send()
        .unwrap();
    assert_eq!(info.status(), 200);
    let info: Value = info.json().unwrap();
    assert_eq!(
        (info["username"].as_str(), info["email"].as_str()),
        (Some("alice"), Some("alice@example.com"))
    );
    let info = http()
        .get(format!("{}/oauth2/userInfo", local.base))
        .bearer_auth("nope")
        .send()
        .unwrap();
    assert_eq!(info.status(), 401);

    let revoke = http()
        .post(format!("{}/oauth2/revoke", local.base))
        .form(&[("token", refresh), ("client_id", PUBLIC_CLIENT)])
        .send()
        .unwrap();
    assert_eq!(revoke.status(), 200);
    let after = local.token(
        &[
            ("grant_type", "refresh_token"),
            ("client_id", PUBLIC_CLIENT),
            ("refresh_token", refresh),
        ],
        None,
    );
    assert_eq!(after, (400, json!({"error": "invalid_grant"})));
    let info = http()
        .get(format!("{}/oauth2/userInfo", local.base))
        .bearer_auth(access)
        .send()
        .unwrap();
    assert_eq!(info.status(), 401);

    let secret = local.client_secret();
    for basic in [true, false] {
        let (status, m2m) = if basic {
            local.token(
                &[
                    ("grant_type", "client_credentials"),
                    ("scope", "cwsauth-local/invoke"),
                ],
                Some((CONFIDENTIAL_CLIENT, &secret)),
            )
        } else {
            local.token(
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", CONFIDENTIAL_CLIENT),
                    ("client_secret", &secret),
                ],
                None,
            )
        };
        assert_eq!(status, 200, "{m2m}");
        assert!(m2m.get("refresh_token").is_none() && m2m.get("id_token").is_none());
        let claims = decode_claims(m2m["access_token"].as_str().unwrap());
        assert_eq!(
            (claims["scope"].as_str(), claims["sub"].as_str()),
            (Some("cwsauth-local/invoke"), Some(CONFIDENTIAL_CLIENT))
        );
    }
    let bad_scope = local.token(
        &[("grant_type", "client_credentials"), ("scope", "openid")],
        Some((CONFIDENTIAL_CLIENT, &secret)),
    );
    assert_eq!(bad_scope, (400, json!({"error": "invalid_scope"})));

    let logout = http()
        .get(format!(
            "{}/logout?client_id={PUBLIC_CLIENT}&logout_uri=http://localhost:3000",
            local.base
        ))
        .send()
        .unwrap();
    assert_eq!(
        (
            logout.status().as_u16(),
            logout.headers()["location"].to_str().unwrap()
        ),
        (302, "http://localhost:3000")
    );
    let logout = http()
        .get(format!(
            "{}/logout?client_id={PUBLIC_CLIENT}&logout_uri=https://evil.example",
            local.base
        ))
        .send()
        .unwrap();
    assert_eq!(logout.status(), 400);
}

#[test]
fn json_api_password_refresh_srp_and_errors() {
    let local = Local::start(&["--user", "bob:B0b-secret!"]);
    let result = local.password_tokens("bob", "B0b-secret!");
    assert_eq!(result["TokenType"], "Bearer");
    let access = result["AccessToken"].as_str().unwrap();
    assert_eq!(
        decode_claims(access)["scope"],
        "aws.cognito.signin.user.admin"
    );
    assert!(decode_claims(access).get("cognito:groups").is_none());

    let fail = |op: &str, body: Value| local.json_api(op, body);
    let (s, kind, body) = fail(
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PUBLIC_CLIENT, "AuthParameters": {"USERNAME": "bob", "PASSWORD": "nope"}}),
    );
    assert_eq!(
        (s, kind.as_str(), body),
        (
            400,
            "NotAuthorizedException",
            json!({"__type": "NotAuthorizedException", "message": "Incorrect username or password."})
        )
    );
    let (_, kind, _) = fail(
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PUBLIC_CLIENT, "AuthParameters": {"USERNAME": "zed", "PASSWORD": "x"}}),
    );
    assert_eq!(kind, "UserNotFoundException");
    let (_, kind, _) = fail(
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "nope", "AuthParameters": {}}),
    );
    assert_eq!(kind, "ResourceNotFoundException");
    let (_, kind, _) = fail(
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PUBLIC_CLIENT}),
    );
    assert_eq!(kind, "InvalidParameterException");
    let (_, kind, _) = fail("DeleteUserPool", json!({}));
    assert_eq!(kind, "UnknownOperationException");
    let resp = http()
        .post(format!("{}/", local.base))
        .header(
            "X-Amz-Target",
            "AWSCognitoIdentityProviderService.InitiateAuth",
        )
        .body("{nope")
        .send()
        .unwrap();
    assert_eq!(
        (
            resp.status().as_u16(),
            resp.headers()["x-amzn-errortype"].to_str().unwrap()
        ),
        (400, "SerializationException")
    );

    // Confidential client: SECRET_HASH missing, wrong, right.
    let secret = local.client_secret();
    let with_hash = |hash: Option<String>| {
        let mut params = json!({"USERNAME": "bob", "PASSWORD": "B0b-secret!"});
        if let Some(h) = hash {
            params["SECRET_HASH"] = json!(h);
        }
        fail(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": CONFIDENTIAL_CLIENT, "AuthParameters": params}),
        )
    };
    let (_, _, body) = with_hash(None);
    assert_eq!(
        body["message"],
        format!(
            "Client {CONFIDENTIAL_CLIENT} is configured with secret but SECRET_HASH was not received"
        )
    );
    let (_, _, body) = with_hash(Some(cwsauth::cognito::secret_hash(
        "bob",
        CONFIDENTIAL_CLIENT,
        "wrong",
    )));
    assert_eq!(
        body["message"],
        format!("Unable to verify secret hash for client {CONFIDENTIAL_CLIENT}")
    );
    let (s, _, body) = with_hash(Some(cwsauth::cognito::secret_hash(
        "bob",
        CONFIDENTIAL_CLIENT,
        &secret,
    )));
    assert_eq!(s, 200, "{body}");

    // REFRESH_TOKEN_AUTH, GetUser, RevokeToken.
    let refresh = result["RefreshToken"].as_str().unwrap();
    let (s, _, body) = fail(
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": PUBLIC_CLIENT, "AuthParameters": {"REFRESH_TOKEN": refresh}}),
    );
    assert_eq!(s, 200);
    assert!(
        body["AuthenticationResult"]["IdToken"].is_string()
            && body["AuthenticationResult"].get("RefreshToken").is_none()
    );
    let (s, _, user) = fail("GetUser", json!({"AccessToken": access}));
    assert_eq!((s, &user["Username"]), (200, &json!("bob")));
    assert_eq!(
        fail(
            "RevokeToken",
            json!({"Token": refresh, "ClientId": PUBLIC_CLIENT})
        )
        .0,
        200
    );
    let (_, kind, body) = fail(
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": PUBLIC_CLIENT, "AuthParameters": {"REFRESH_TOKEN": refresh}}),
    );
    assert_eq!(
        (kind.as_str(), &body["message"]),
        ("NotAuthorizedException", &json!("Invalid Refresh Token"))
    );
    let (_, kind, _) = fail("GetUser", json!({"AccessToken": access}));
    assert_eq!(kind, "NotAuthorizedException");

    // USER_SRP_AUTH with the project's client-side SRP.
    for (password, expect) in [("B0b-secret!", 200), ("wrong", 400)] {
        let client = cwsauth::cognito::srp::Client::new();
        let (s, _, challenge) = fail(
            "InitiateAuth",
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": PUBLIC_CLIENT, "AuthParameters": {"USERNAME": "bob", "SRP_A": client.srp_a()}}),
        );
        assert_eq!(
            (s, &challenge["ChallengeName"]),
            (200, &json!("PASSWORD_VERIFIER"))
        );
        let p = &challenge["ChallengeParameters"];
        use cwsauth::cognito::srp::{Challenge, Who};
        let who = Who {
            pool: LOCAL_POOL,
            user: p["USER_ID_FOR_SRP"].as_str().unwrap(),
        };
        let challenge_sent = Challenge {
            srp_b: p["SRP_B"].as_str().unwrap(),
            salt: p["SALT"].as_str().unwrap(),
            secret_block: p["SECRET_BLOCK"].as_str().unwrap(),
        };
        let claim = client
            .respond(
                who,
                password,
                &challenge_sent,
                cwsauth::timefmt::now_epoch(),
            )
            .unwrap();
        let (s, kind, body) = fail(
            "RespondToAuthChallenge",
            json!({
            "ChallengeName": "PASSWORD_VERIFIER", "ClientId": PUBLIC_CLIENT, "Session": challenge["Session"],
            "ChallengeResponses": {"USERNAME": "bob", "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
                "PASSWORD_CLAIM_SIGNATURE": claim.signature, "TIMESTAMP": claim.timestamp}}),
        );
        assert_eq!(s, expect, "{body}");
        if expect == 200 {
            assert_eq!(
                decode_claims(
                    body["AuthenticationResult"]["AccessToken"]
                        .as_str()
                        .unwrap()
                )["username"],
                "bob"
            );
        } else {
            assert_eq!(kind, "NotAuthorizedException");
        }
    }
}

#[test]
fn websocket_api_runs_the_authorizer_and_echoes_its_context() {
    let local = Local::start(&["--user", "carol:Car0l-pass:admin"]);
    let access = local.password_tokens("carol", "Car0l-pass")["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let (mut ws, resp) = tungstenite::connect(ws_request(
        &local,
        "/$default?clientQueryParameter=value",
        Some(&access),
    ))
    .unwrap();
    assert_eq!(resp.status(), 101);
    ws.send(Message::text("hello")).unwrap();
    let reply: Value = serde_json::from_str(ws.read().unwrap().to_text().unwrap()).unwrap();
    assert_eq!(reply["body"], "hello");
    assert_eq!(reply["isBase64Encoded"], false);
    let ctx = &reply["requestContext"];
    assert_eq!(
        (ctx["routeKey"].as_str(), ctx["stage"].as_str()),
        (Some("$default"), Some("$default"))
    );
    assert_eq!(ctx["connectionId"], reply["item"]["connectionId"]);
    assert_eq!(
        reply["item"]["queryStringParameters"],
        json!({"clientQueryParameter": "value"})
    );
    assert_eq!(ctx["authorizer"]["principalId"], "carol");
    assert_eq!(ctx["authorizer"]["cognito:groups"], "admin");

    // The context `verify --authorizer` prints for the token, as API Gateway delivers it:
    // every value a string, with principalId added (integrationLatency is $connect's alone).
    let run = local
        .cli
        .run(&["verify", "--profile", "local", "--authorizer", &access]);
    run.expect(0);
    let mut expected = serde_json::Map::new();
    for (k, v) in run.json()["context"].as_object().unwrap() {
        let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        expected.insert(k.clone(), json!(text));
    }
    expected.insert("principalId".into(), json!("carol"));
    let delivered = ctx["authorizer"].as_object().unwrap().clone();
    assert_eq!(delivered, expected);
    assert_eq!(
        delivered["exp"],
        json!(run.json()["context"]["exp"].to_string())
    );

    ws.send(Message::binary(vec![0u8, 159, 255])).unwrap();
    let reply: Value = serde_json::from_str(ws.read().unwrap().to_text().unwrap()).unwrap();
    assert_eq!(
        (reply["body"].as_str(), reply["isBase64Encoded"].as_bool()),
        (Some("AJ//"), Some(true))
    );
    ws.close(None).unwrap();
    loop {
        match ws.read() {
            Ok(_) => continue,
            Err(tungstenite::Error::ConnectionClosed) => break,
            Err(e) => panic!("{e}"),
        }
    }

    assert_eq!(
        refused(&local, "/$default", None),
        (401, r#"{"message":"Unauthorized"}"#.to_string())
    );
    assert_eq!(refused(&local, "/$default", Some("not.a.jwt")).0, 401);
    let id = local.password_tokens("carol", "Car0l-pass")["IdToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(refused(&local, "/$default", Some(&id)).0, 401);
    assert_eq!(
        refused(&local, "/", Some(&access)),
        (403, r#"{"message":"Forbidden"}"#.to_string())
    );
}

/// Reads until the server's close frame and returns it.
fn read_close<S: std::io::Read + std::io::Write>(
    ws: &mut tungstenite::WebSocket<S>,
) -> tungstenite::protocol::CloseFrame {
    loop {
        match ws.read() {
            Ok(Message::Close(frame)) => return frame.unwrap(),
            Ok(_) => continue,
            Err(e) => panic!("{e}"),
        }
    }
}

#[test]
fn websocket_group_policy_query_source_and_limits() {
    let local = Local::start(&[
        "--user",
        "dave:Dave-pass1",
        "--user",
        "erin:Erin-pass1:ops",
        "--require-group",
        "ops",
        "--identity-source",
        "query:token",
        "--idle-timeout",
        "5s",
    ]);
    let dave = local.password_tokens("dave", "Dave-pass1")["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let erin = local.password_tokens("erin", "Erin-pass1")["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        refused(&local, &format!("/prod?token={dave}"), None),
        (403, r#"{"message":"Forbidden"}"#.to_string())
    );
    // With a query identity source, a header alone is not enough.
    assert_eq!(refused(&local, "/prod", Some(&erin)).0, 401);
    let (mut ws, _) =
        tungstenite::connect(ws_request(&local, &format!("/prod?token={erin}"), None)).unwrap();
    ws.send(Message::text("x".repeat(40 * 1024))).unwrap();
    let close = read_close(&mut ws);
    assert_eq!(
        (u16::from(close.code), close.reason.as_str()),
        (1009, "Message too big")
    );

    // Idle for longer than --idle-timeout: API Gateway's "Going away".
    let (mut ws, _) =
        tungstenite::connect(ws_request(&local, &format!("/prod?token={erin}"), None)).unwrap();
    let close = read_close(&mut ws);
    assert_eq!(
        (u16::from(close.code), close.reason.as_str()),
        (1001, "Going away")
    );
}

#[test]
fn garbage_requests_do_not_stop_the_emulator() {
    let local = Local::start(&[]);
    for garbage in [
        &b"\x00\x01\x02 nonsense\r\n\r\n"[..],
        b"GET /oauth2/authorize?%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\nab",
    ] {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", local.port)).unwrap();
        s.write_all(garbage).unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        assert!(
            !String::from_utf8_lossy(&out).contains("200 OK"),
            "{}",
            String::from_utf8_lossy(&out)
        );
    }
    let resp = http()
        .get(format!("{}/.well-known/jwks.json", local.issuer()))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[test]
fn persisted_keys_survive_a_restart() {
    let cli = Cli::new();
    let first = Local::start_in(cli, &["--persist"]);
    let jwks = |l: &Local| -> Value {
        http()
            .get(format!("{}/.well-known/jwks.json", l.issuer()))
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    let keys = jwks(&first);
    let cli = first.stop();
    let second = Local::start_in(cli, &["--persist"]);
    assert_eq!(jwks(&second), keys);
    let fresh = Local::start(&[]);
    assert_ne!(jwks(&fresh)["keys"][0]["kid"], keys["keys"][0]["kid"]);
}
