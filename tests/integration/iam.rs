//! AWS_IAM on `$connect`: `cwsauth local --route-auth '$connect=AWS_IAM'` checks SigV4 as API
//! Gateway does, judged with botocore's signer (headers and presigned URLs, with and without a
//! session token, and each way a signature is refused); `cwsauth connect --iam` signs with the
//! environment's credentials and the route's events carry the caller.

use serde_json::{Value, json};

use crate::common::*;

const KEY: &str = "AKIACWSAUTHLOCAL0001";
const SECRET: &str = "cwsauth-local-iam-secret";

/// Each case is `[how, key, secret, token, region, service, minutes_ago, tamper]`; answers
/// `[status, message]` for the upgrade botocore signed.
fn botocore_cases(python: &std::path::Path, port: u16, cases: &Value) -> Vec<Value> {
    let script = r#"
import datetime, json, socket, sys
import botocore.auth
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
port, cases = int(sys.argv[1]), json.loads(sys.argv[2])
real_now = botocore.auth.get_current_datetime
def upgrade(target, headers):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    lines = ["GET %s HTTP/1.1" % target, "Host: 127.0.0.1:%d" % port, "Upgrade: websocket",
             "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"]
    lines += ["%s: %s" % kv for kv in headers.items()]
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    if status != 101:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            body += chunk
    s.close()
    message = json.loads(body)["message"] if status != 101 else None
    return [status, message]
for how, key, secret, token, region, service, minutes_ago, tamper in cases:
    when = real_now() - datetime.timedelta(minutes=minutes_ago)
    botocore.auth.get_current_datetime = lambda: when
    url = "http://127.0.0.1:%d/$default?room=blue" % port
    req = AWSRequest(method="GET", url=url, headers={"Host": "127.0.0.1:%d" % port})
    creds = Credentials(key, secret, token)
    if how == "none":
        target, headers = "/$default?room=blue", {}
    elif how == "headers":
        SigV4Auth(creds, service, region).add_auth(req)
        target = "/$default?room=blue" + tamper
        headers = {k: v for k, v in req.headers.items() if k.lower() != "host"}
    else:
        SigV4QueryAuth(creds, service, region, expires=60).add_auth(req)
        target = req.url.split(str(port), 1)[1] + tamper
        headers = {}
    print(json.dumps(upgrade(target, headers)))
"#;
    python_json_lines(python, script, &[&port.to_string(), &cases.to_string()])
}

#[test]
fn the_emulator_checks_botocore_signatures_as_api_gateway_does() {
    let Some(python) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let local = Local::start(&["--route-auth", "$connect=AWS_IAM"]);
    let case =
        |how: &str,
         secret: &str,
         token: Option<&str>,
         region: &str,
         service: &str,
         ago: i64,
         tamper: &str| { json!([how, KEY, secret, token, region, service, ago, tamper]) };
    let ok = |how| case(how, SECRET, None, "us-east-1", "execute-api", 0, "");
    let cases = json!([
        ok("headers"),
        ok("query"),
        case(
            "headers",
            SECRET,
            Some("a-session-token"),
            "us-east-1",
            "execute-api",
            0,
            ""
        ),
        case(
            "query",
            SECRET,
            Some("a-session-token"),
            "us-east-1",
            "execute-api",
            0,
            ""
        ),
        case(
            "headers",
            "wrong-secret",
            None,
            "us-east-1",
            "execute-api",
            0,
            ""
        ),
        case(
            "query",
            "wrong-secret",
            None,
            "us-east-1",
            "execute-api",
            0,
            ""
        ),
        case(
            "headers",
            SECRET,
            None,
            "us-east-1",
            "execute-api",
            0,
            "&room=red"
        ),
        case(
            "query",
            SECRET,
            None,
            "us-east-1",
            "execute-api",
            0,
            "&extra=1"
        ),
        case("headers", SECRET, None, "eu-west-1", "execute-api", 0, ""),
        case("query", SECRET, None, "us-east-1", "lambda", 0, ""),
        case("headers", SECRET, None, "us-east-1", "execute-api", 10, ""),
        case("query", SECRET, None, "us-east-1", "execute-api", 10, ""),
        json!([
            "headers",
            "AKIAUNKNOWN000000000",
            SECRET,
            null,
            "us-east-1",
            "execute-api",
            0,
            ""
        ]),
        ok("none"),
    ]);
    let answers = botocore_cases(&python, local.port, &cases);
    let mismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    let status = |i: usize| answers[i][0].as_u64().unwrap();
    let message = |i: usize| answers[i][1].as_str().unwrap_or("").to_string();
    for (i, answer) in answers.iter().enumerate().take(4) {
        assert_eq!(answer[0], 101, "case {i}: {answer:?}\n{}", local.log());
    }
    for i in 4..8 {
        assert_eq!(
            (status(i), message(i)),
            (403, mismatch.to_string()),
            "case {i}"
        );
    }
    assert_eq!(
        (status(8), message(8)),
        (
            403,
            "Credential should be scoped to a valid region, not 'eu-west-1'. ".to_string()
        )
    );
    assert_eq!(
        (status(9), message(9)),
        (
            403,
            "Credential should be scoped to correct service: 'execute-api'. ".to_string()
        )
    );
    for i in [10, 11] {
        assert_eq!(status(i), 403);
        assert!(
            message(i).starts_with("Signature expired: "),
            "{}",
            message(i)
        );
    }
    assert_eq!(
        (status(12), message(12)),
        (
            403,
            "The security token included in the request is invalid.".to_string()
        )
    );
    assert_eq!(
        (status(13), message(13)),
        (403, "Missing Authentication Token".to_string())
    );
    // Each refusal's reason is in the log, never a secret or a signature.
    // Every refusal's line (ten of them) is in before the log is read.
    let log = local.wait_for_lines(" 403 ", 10);
    assert!(log.contains("(signature mismatch for access key AKIACWSAUTHLOCAL0001 (signed headers host;x-amz-date))"), "{log}");
    assert!(
        log.contains("(signed for region eu-west-1, this API is in us-east-1)"),
        "{log}"
    );
    assert!(
        !log.contains(SECRET) && !log.contains("a-session-token"),
        "{log}"
    );
}

#[test]
fn connect_iam_signs_with_the_environments_credentials() {
    let local = Local::start(&["--route-auth", "$connect=AWS_IAM"]);
    let url = format!("ws://127.0.0.1:{}/$default", local.port);
    let connect = |extra: &[&str], secret: &str| {
        let mut args = vec!["connect", "--iam", "-x", "hello", "--wait", "5", "-1"];
        args.extend_from_slice(extra);
        args.push(&url);
        local
            .cli
            .cmd(&args)
            .env("AWS_ACCESS_KEY_ID", KEY)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_SESSION_TOKEN", "a-session-token")
            .run()
    };
    for extra in [&[][..], &["--iam-query"][..]] {
        let run = connect(extra, SECRET);
        run.expect(0);
        let reply: Value = serde_json::from_str(run.stdout().trim()).unwrap();
        let identity = &reply["requestContext"]["identity"];
        assert_eq!(identity["accessKey"], KEY, "{reply}");
        assert_eq!(
            identity["userArn"],
            "arn:aws:iam::123456789012:user/cwsauth-local"
        );
        assert_eq!(identity["cognitoIdentityId"], Value::Null);
        assert_eq!(reply["requestContext"].get("authorizer"), None);
    }
    let run = connect(&[], "wrong-secret");
    run.expect(4);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: the server refused the WebSocket handshake: HTTP 403 {\"message\":\"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\"}; the signature does not match: `cwsauth verify-signature` checks a captured request and shows the canonical request the server builds\n"
    );
    assert!(!run.stderr().contains("wrong-secret"), "{}", run.stderr());
    // No credentials: one line naming the variables.
    let run = local
        .cli
        .cmd(&["connect", "--iam", "-x", "hi", &url])
        .env("AWS_ACCESS_KEY_ID", "")
        .run();
    run.expect(2);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), name a profile of ~/.aws with --aws-profile or AWS_PROFILE, or give the cwsauth profile an identity pool with `cwsauth configure --identity-pool-id REGION:ID`\n"
    );
}

#[test]
fn route_auth_values_are_checked_when_read() {
    let cli = Cli::new();
    for (value, wanted) in [
        ("$default=AWS_IAM", "names a route other than $connect"),
        ("$connect=CUSTOM", "is not AWS_IAM or NONE"),
    ] {
        let run = cli.run(&["local", "--route-auth", value]);
        run.expect(2);
        assert!(run.stderr().contains(wanted), "{}", run.stderr());
    }
}

/// boto3's cognito-identity client against the emulator: GetId, GetCredentialsForIdentity and
/// GetOpenIdToken for `id_token` under the `Logins` name `provider` (or a refusal's code and
/// message).
fn identity_pool_calls_as(
    python: &std::path::Path,
    endpoint: &str,
    id_token: &str,
    provider: &str,
) -> Value {
    let script = r#"
import json, sys, time, boto3, botocore.config, botocore.exceptions
endpoint, token, provider = sys.argv[1], sys.argv[2], sys.argv[3]
ci = boto3.client("cognito-identity", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="x", aws_secret_access_key="x",
                  config=botocore.config.Config(retries={"max_attempts": 1}))
logins = {provider: token}
try:
    identity = ci.get_id(IdentityPoolId="us-east-1:0c57a7c1-0000-4000-8000-00000000c0de", Logins=logins)["IdentityId"]
    creds = ci.get_credentials_for_identity(IdentityId=identity, Logins=logins)["Credentials"]
    openid = ci.get_open_id_token(IdentityId=identity, Logins=logins)
    print(json.dumps({"identity": identity, "key": creds["AccessKeyId"], "secret": creds["SecretKey"],
                      "token": creds["SessionToken"], "expires_in": creds["Expiration"].timestamp() - time.time(),
                      "openid": openid["Token"], "openid_identity": openid["IdentityId"]}))
except botocore.exceptions.ClientError as e:
    print(json.dumps({"error": [e.response["Error"]["Code"], e.response["Error"]["Message"]]}))
"#;
    python_json_lines(python, script, &[endpoint, id_token, provider]).remove(0)
}

fn identity_pool_calls(python: &std::path::Path, endpoint: &str, id_token: &str) -> Value {
    identity_pool_calls_as(
        python,
        endpoint,
        id_token,
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_cwsLocal1",
    )
}

#[test]
fn the_identity_pool_vends_credentials_an_iam_route_accepts() {
    let Some(python) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let local = Local::start(&["--route-auth", "$connect=AWS_IAM"]);
    let id_token = local.password_tokens("demo", "Demo-Passw0rd!")["IdToken"]
        .as_str()
        .unwrap()
        .to_string();
    // boto3 as the identity pool's client, then botocore signing with what it got.
    let vended = identity_pool_calls(&python, &local.base, &id_token);
    let identity = vended["identity"].as_str().unwrap().to_string();
    assert!(identity.starts_with("us-east-1:"), "{vended}");
    let ttl = vended["expires_in"].as_f64().unwrap();
    assert!((3500.0..=3600.0).contains(&ttl), "{vended}");
    let (key, secret, token) = (
        vended["key"].as_str().unwrap(),
        vended["secret"].as_str().unwrap(),
        vended["token"].as_str().unwrap(),
    );
    let answers = botocore_cases(
        &python,
        local.port,
        &json!([
            [
                "headers",
                key,
                secret,
                token,
                "us-east-1",
                "execute-api",
                0,
                ""
            ],
            [
                "query",
                key,
                secret,
                token,
                "us-east-1",
                "execute-api",
                0,
                ""
            ],
            [
                "headers",
                key,
                secret,
                "not-its-token",
                "us-east-1",
                "execute-api",
                0,
                ""
            ],
        ]),
    );
    assert_eq!(answers[0][0], 101, "{answers:?}");
    assert_eq!(answers[1][0], 101, "{answers:?}");
    assert_eq!(
        answers[2],
        json!([
            403,
            "The security token included in the request is invalid."
        ])
    );
    // GetOpenIdToken: the identity's own token, ten minutes, signed with the pool's keys.
    assert_eq!(vended["openid_identity"], identity.as_str());
    let openid = cwsauth_verify::decode(vended["openid"].as_str().unwrap()).unwrap();
    let c = &openid.claims;
    assert_eq!(c["iss"], "https://cognito-identity.amazonaws.com");
    assert_eq!(c["aud"], "us-east-1:0c57a7c1-0000-4000-8000-00000000c0de");
    assert_eq!(c["sub"], identity.as_str());
    assert_eq!(c["amr"][0], "authenticated");
    assert_eq!(
        c["amr"][1],
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_cwsLocal1"
    );
    assert!(
        c["amr"][2]
            .as_str()
            .unwrap()
            .starts_with("cognito-idp.us-east-1.amazonaws.com/us-east-1_cwsLocal1:CognitoSignIn:"),
        "{c:?}"
    );
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 600);
    // The UPDATED issuer's Logins name is the same provider, the same identity.
    let updated = identity_pool_calls_as(
        &python,
        &local.base,
        &id_token,
        "issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_cwsLocal1",
    );
    assert_eq!(updated["identity"], identity.as_str(), "{updated}");
    // A token that is not the pool's is refused as Cognito refuses it.
    let refused = identity_pool_calls(&python, &local.base, "not.a.token");
    assert_eq!(refused["error"][0], "NotAuthorizedException", "{refused}");

    // `login` then `connect --iam`: one step, through the profile's identity pool.
    local
        .password_login("file", "--password", ("demo", "Demo-Passw0rd!"), &[])
        .expect(0);
    let reply = local.iam_echo(&[]);
    let fields = &reply["requestContext"]["identity"];
    assert_eq!(
        fields["cognitoIdentityPoolId"],
        "us-east-1:0c57a7c1-0000-4000-8000-00000000c0de"
    );
    assert_eq!(
        fields["cognitoIdentityId"],
        identity.as_str(),
        "the same user, the same identity"
    );
    assert_eq!(fields["cognitoAuthenticationType"], "authenticated");
    assert!(
        fields["accessKey"].as_str().unwrap().starts_with("ASIA"),
        "{fields}"
    );
}

#[test]
fn connections_api_calls_with_the_emulators_keys_have_their_signatures_checked() {
    let Some(python) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let local = Local::start(&[]);
    let script = r#"
import json, sys, boto3, botocore.config, botocore.exceptions
port = sys.argv[1]
for key, secret in [("AKIDLOCAL", "local-secret"), ("AKIDLOCAL", "wrong"), ("AKIASOMEONEELSE", "any")]:
    c = boto3.client("apigatewaymanagementapi", endpoint_url="http://127.0.0.1:%s/production" % port,
                     region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
                     config=botocore.config.Config(retries={"max_attempts": 1}))
    try:
        c.post_to_connection(ConnectionId="Ab1=", Data=b"hello")
        print(json.dumps(["ok"]))
    except botocore.exceptions.ClientError as e:
        print(json.dumps([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]))
"#;
    let answers = python_json_lines(&python, script, &[&local.port.to_string()]);
    assert_eq!(
        answers,
        vec![
            json!(["GoneException", 410]),
            json!(["InvalidSignatureException", 403]),
            json!(["GoneException", 410]),
        ]
    );
    let log = local.wait_for_log("(signature mismatch for access key AKIDLOCAL");
    assert!(
        log.contains("POST /production/@connections/Ab1%3D 403 "),
        "{log}"
    );
    assert_eq!(log.matches(" 403 ").count(), 1, "{log}");
    assert!(!log.contains("local-secret"), "{log}");
}
