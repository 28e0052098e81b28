//! The client side of IAM: `cwsauth sign` byte for byte against botocore's signer, a presigned
//! URL of the JavaScript SDK v3's `SignatureV4` accepted by `cwsauth local`, where credentials
//! come from (identity pool kept with the login, the AWS chain's shared files and
//! credential_process), moto's cognito-identity as a second identity pool, and bad input.

use serde_json::{Value, json};

use crate::common::*;

const EXAMPLE_KEY: &str = "AKIDEXAMPLE";
const EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const EXAMPLE_TOKEN: &str = "TOKEN/with+chars=";
const API: &str = "abc123.execute-api.eu-west-1.amazonaws.com";

/// botocore's signature of `GET https://{API}/prod?room=blue` at 2026-12-07T12:00:00Z:
/// `{"authorization", "x-amz-date", "x-amz-security-token"}` or the presigned URL's parameters.
fn botocore_signs(python: &std::path::Path, query: bool, token: Option<&str>) -> Value {
    let script = r#"
import datetime, json, sys, urllib.parse
import botocore.auth
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
query, key, secret, token, host = sys.argv[1] == "query", sys.argv[2], sys.argv[3], sys.argv[4] or None, sys.argv[5]
when = datetime.datetime(2026, 12, 7, 12, 0, 0)
botocore.auth.get_current_datetime = lambda: when
req = AWSRequest(method="GET", url="https://%s/prod?room=blue" % host)
creds = Credentials(key, secret, token)
if query:
    SigV4QueryAuth(creds, "execute-api", "eu-west-1", expires=60).add_auth(req)
    print(json.dumps(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(req.url).query))))
else:
    SigV4Auth(creds, "execute-api", "eu-west-1").add_auth(req)
    print(json.dumps({k.lower(): v for k, v in req.headers.items()}))
"#;
    python_json_lines(
        python,
        script,
        &[
            if query { "query" } else { "headers" },
            EXAMPLE_KEY,
            EXAMPLE_SECRET,
            token.unwrap_or(""),
            API,
        ],
    )
    .remove(0)
}

#[test]
fn sign_agrees_with_botocore_byte_for_byte() {
    let Some(python) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let cli = Cli::new();
    let url = format!("wss://{API}/prod?room=blue");
    for token in [None, Some(EXAMPLE_TOKEN)] {
        for query in [false, true] {
            let mut args = vec!["sign", "--json", "--signing-time", "2026-12-07T12:00:00Z"];
            if query {
                args.extend(["--query", "--expires", "60"]);
            }
            args.push(&url);
            let mut cmd = cli
                .cmd(&args)
                .env("AWS_ACCESS_KEY_ID", EXAMPLE_KEY)
                .env("AWS_SECRET_ACCESS_KEY", EXAMPLE_SECRET);
            if let Some(t) = token {
                cmd = cmd.env("AWS_SESSION_TOKEN", t);
            }
            let run = cmd.run();
            run.expect(0);
            let ours: Value = serde_json::from_str(run.stdout().trim()).unwrap();
            let theirs = botocore_signs(&python, query, token);
            let case = format!("query {query}, token {token:?}");
            assert_eq!(ours["region"], "eu-west-1", "{case}");
            if query {
                let signed = url::Url::parse(ours["url"].as_str().unwrap()).unwrap();
                let params: serde_json::Map<String, Value> = signed
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                    .collect();
                assert_eq!(Value::Object(params), theirs, "{case}");
                assert_eq!(ours["headers"], json!({"host": API}), "{case}");
            } else {
                let mut expected = theirs.clone();
                expected["host"] = json!(API);
                assert_eq!(ours["headers"], expected, "{case}");
                assert_eq!(ours["url"], url.as_str());
            }
        }
    }
    // The plain form: the request line, then the headers to send.
    let run = cli
        .cmd(&["sign", "--signing-time", "20261207T120000Z", &url])
        .env("AWS_ACCESS_KEY_ID", EXAMPLE_KEY)
        .env("AWS_SECRET_ACCESS_KEY", EXAMPLE_SECRET)
        .run();
    run.expect(0);
    let theirs = botocore_signs(&python, false, None);
    assert_eq!(
        run.stdout(),
        format!(
            "GET /prod?room=blue HTTP/1.1\nhost: {API}\nx-amz-date: 20261207T120000Z\nauthorization: {}\n",
            theirs["authorization"].as_str().unwrap()
        )
    );
    assert!(!run.stdout().contains(EXAMPLE_SECRET));
}

#[test]
fn a_presigned_url_of_the_javascript_sdk_is_accepted_by_the_emulator() {
    let Some(modules) = tool("CWSAUTH_TEST_NODE_MODULES") else {
        return;
    };
    let local = Local::start(&["--route-auth", "$connect=AWS_IAM"]);
    let script = r#"
const [modules, port, key, secret, token, region, service] = process.argv.slice(1);
const { SignatureV4 } = require(modules + "/@smithy/signature-v4");
const crypto = require("crypto");
// The SDK's Checksum interface over node's own SHA-256 and HMAC.
class Sha256 {
  constructor(secret) { this.h = secret ? crypto.createHmac("sha256", secret) : crypto.createHash("sha256"); }
  update(data) { this.h.update(data); }
  async digest() { return new Uint8Array(this.h.digest()); }
}
const signer = new SignatureV4({ credentials: { accessKeyId: key, secretAccessKey: secret,
  sessionToken: token || undefined }, region, service, sha256: Sha256 });
signer.presign({ method: "GET", protocol: "http:", hostname: "127.0.0.1", port: Number(port),
  path: "/$default", query: { room: "blue" }, headers: { host: "127.0.0.1:" + port } },
  { expiresIn: 60 }).then((r) => {
  const q = new URLSearchParams(r.query).toString();
  console.log("ws://127.0.0.1:" + port + r.path + "?" + q);
});
"#;
    let presign = |secret: &str, token: &str, region: &str, service: &str| -> String {
        let out = std::process::Command::new("node")
            .args(["-e", script])
            .arg(&modules)
            .args([
                &local.port.to_string(),
                "AKIACWSAUTHLOCAL0001",
                secret,
                token,
                region,
                service,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let status = |url: &str| -> (u16, String) {
        match tokio_tungstenite::tungstenite::connect(url) {
            Ok((mut ws, resp)) => {
                let _ = ws.close(None);
                (resp.status().as_u16(), String::new())
            }
            Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
                let body = resp.body().clone().unwrap_or_default();
                let message: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                (
                    resp.status().as_u16(),
                    message["message"].as_str().unwrap_or("").to_string(),
                )
            }
            Err(e) => panic!("{e}"),
        }
    };
    let secret = "cwsauth-local-iam-secret";
    for token in ["", "a-session-token"] {
        let url = presign(secret, token, "us-east-1", "execute-api");
        assert!(url.contains("X-Amz-Signature="), "{url}");
        assert_eq!(status(&url).0, 101, "{url}\n{}", local.log());
    }
    let mismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    let good = presign(secret, "", "us-east-1", "execute-api");
    assert_eq!(
        status(&good.replace("room=blue", "room=red")),
        (403, mismatch.to_string())
    );
    assert_eq!(
        status(&presign("wrong", "", "us-east-1", "execute-api")),
        (403, mismatch.to_string())
    );
    assert_eq!(
        status(&presign(secret, "", "eu-west-1", "execute-api")).1,
        "Credential should be scoped to a valid region, not 'eu-west-1'. "
    );
    assert_eq!(
        status(&presign(secret, "", "us-east-1", "lambda")).1,
        "Credential should be scoped to correct service: 'execute-api'. "
    );
    let log = local.wait_for_log("(signed for service lambda)");
    assert!(
        log.contains("(signature mismatch for access key AKIACWSAUTHLOCAL0001"),
        "{log}"
    );
    assert!(!log.contains(secret), "{log}");
}

/// The emulator's profile, logged in as demo with the file store.
fn logged_in(local: &Local) {
    local
        .password_login("file", "--password", ("demo", "Demo-Passw0rd!"), &[])
        .expect(0);
}

fn credentials_json(local: &Local, extra: &[&str]) -> Run {
    let mut args = vec!["credentials", "--profile", "local"];
    args.extend_from_slice(extra);
    local.cli.cmd(&args).run()
}

#[test]
fn identity_pool_credentials_are_kept_with_the_login_and_fetched_again_near_expiry() {
    let local = Local::start(&["--route-auth", "$connect=AWS_IAM"]);
    logged_in(&local);
    let first = credentials_json(&local, &["--json"]);
    first.expect(0);
    let doc: Value = serde_json::from_str(first.stdout().trim()).unwrap();
    assert_eq!(doc["Version"], 1);
    let key = doc["AccessKeyId"].as_str().unwrap().to_string();
    assert!(key.starts_with("ASIA"), "{doc}");
    assert!(doc["SecretAccessKey"].as_str().unwrap().len() >= 30);
    assert!(doc["SessionToken"].is_string());
    assert!(doc["Expiration"].as_str().unwrap().ends_with('Z'));
    // Kept: the second run makes no call and gives the same credentials.
    let second = credentials_json(&local, &[]);
    second.expect(0);
    assert!(
        second.stdout().contains(&format!("access key:  {key}\n")),
        "{}",
        second.stdout()
    );
    assert!(
        second.stdout().contains("kept:        yes"),
        "{}",
        second.stdout()
    );
    assert!(second.stdout().starts_with("from:        identity pool us-east-1:0c57a7c1-0000-4000-8000-00000000c0de (identity us-east-1:"));
    assert!(
        !second
            .stdout()
            .contains(doc["SecretAccessKey"].as_str().unwrap())
    );
    // Near their expiry they are fetched again.
    let file = local.cli.home.path().join("data/tokens/local.json");
    let mut stored: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(stored["aws_credentials"]["access_key_id"], key.as_str());
    stored["aws_credentials"]["expires_at"] = json!(cwsauth::timefmt::now_epoch() + 60);
    std::fs::write(&file, stored.to_string()).unwrap();
    let third = credentials_json(&local, &["--json"]);
    third.expect(0);
    let renewed: Value = serde_json::from_str(third.stdout().trim()).unwrap();
    assert_ne!(renewed["AccessKeyId"], key.as_str());

    // The AWS CLI's credential_process format is what botocore reads: its signature with them
    // is accepted by the route (tested in iam.rs); here, connect --iam uses the kept ones.
    let reply = local.iam_echo(&[]);
    assert_eq!(
        reply["requestContext"]["identity"]["accessKey"],
        renewed["AccessKeyId"]
    );

    // --role-arn: a role of the user's groups, or refused.
    let gus = Local::start_in(
        Cli::new(),
        &[
            "--route-auth",
            "$connect=AWS_IAM",
            "--user",
            "gus:Gus-Passw0rd!:admins",
        ],
    );
    gus.password_login("file", "--password", ("gus", "Gus-Passw0rd!"), &[])
        .expect(0);
    let role = "arn:aws:iam::123456789012:role/cwsauth-local-group-admins";
    let reply = gus.iam_echo(&["--role-arn", role]);
    assert_eq!(
        reply["requestContext"]["identity"]["userArn"],
        "arn:aws:sts::123456789012:assumed-role/cwsauth-local-group-admins/CognitoIdentityCredentials"
    );
    let run = gus
        .cli
        .cmd(&[
            "credentials",
            "--profile",
            "local",
            "--role-arn",
            "arn:aws:iam::123456789012:role/other",
        ])
        .run();
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: GetCredentialsForIdentity failed: InvalidParameterException: CustomRoleArn arn:aws:iam::123456789012:role/other is not a role of this identity pool's role choice for this user (its default role, or a role of one of its groups)\n"
    );
}

/// A client of the test's own ~/.aws: `credentials` and `config` written in its home.
fn aws_files(cli: &Cli, credentials: &str, config: &str) {
    let dir = cli.home.path().join("aws");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("credentials"), credentials).unwrap();
    std::fs::write(dir.join("config"), config).unwrap();
}

#[test]
fn the_aws_chain_reads_shared_profiles_and_credential_processes() {
    let cli = Cli::new();
    let later = "2099-01-01T00:00:00Z";
    aws_files(
        &cli,
        "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = default-secret\n\n[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = dev-secret\naws_session_token = dev-token\n",
        &format!(
            "[profile proc]\ncredential_process = printf '{{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", \"SecretAccessKey\": \"proc-secret\", \"SessionToken\": \"proc-token\", \"Expiration\": \"{later}\"}}'\n\
             [profile old]\ncredential_process = printf '{{\"Version\": 1, \"AccessKeyId\": \"AKIAOLD\", \"SecretAccessKey\": \"s\", \"Expiration\": \"2020-01-01T00:00:00Z\"}}'\n\
             [profile broken]\ncredential_process = echo oops >&2; exit 3\n\
             [profile garbage]\ncredential_process = echo not json\n\
             [profile assume]\nrole_arn = arn:aws:iam::111122223333:role/x\nsource_profile = default\n"
        ),
    );
    let json = |args: &[&str]| -> Value {
        let mut all = vec!["credentials", "--json"];
        all.extend_from_slice(args);
        let run = cli.cmd(&all).run();
        run.expect(0);
        serde_json::from_str(run.stdout().trim()).unwrap()
    };
    // No variables, no AWS_PROFILE: the default profile.
    assert_eq!(
        json(&[]),
        json!({"Version": 1, "AccessKeyId": "AKIADEFAULT", "SecretAccessKey": "default-secret"})
    );
    assert_eq!(
        json(&["--aws-profile", "dev"]),
        json!({"Version": 1, "AccessKeyId": "AKIADEV", "SecretAccessKey": "dev-secret", "SessionToken": "dev-token"})
    );
    // AWS_PROFILE names it; a credential_process's answer comes through unchanged.
    let run = cli
        .cmd(&["credentials", "--json"])
        .env("AWS_PROFILE", "proc")
        .run();
    run.expect(0);
    assert_eq!(
        serde_json::from_str::<Value>(run.stdout().trim()).unwrap(),
        json!({"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "proc-secret", "SessionToken": "proc-token", "Expiration": later})
    );
    // The environment comes first, unless a profile is named on the command line.
    let run = cli
        .cmd(&["credentials"])
        .env("AWS_ACCESS_KEY_ID", "AKIAENV")
        .env("AWS_SECRET_ACCESS_KEY", "env-secret")
        .env("AWS_PROFILE", "dev")
        .run();
    run.expect(0);
    assert_eq!(
        run.stdout(),
        "from:        the environment (AWS_ACCESS_KEY_ID)\naccess key:  AKIAENV\n"
    );
    let run = cli.run(&["credentials", "--aws-profile", "dev"]);
    assert_eq!(
        run.stdout(),
        "from:        AWS profile dev (keys)\naccess key:  AKIADEV\n"
    );
    // Signed with the profile's keys.
    let run = cli.run(&[
        "sign",
        "--aws-profile",
        "dev",
        "--json",
        "wss://abc.execute-api.us-west-2.amazonaws.com/prod",
    ]);
    run.expect(0);
    let signed: Value = serde_json::from_str(run.stdout().trim()).unwrap();
    assert!(
        signed["headers"]["authorization"]
            .as_str()
            .unwrap()
            .contains("Credential=AKIADEV/")
    );
    assert!(
        signed["headers"]["authorization"]
            .as_str()
            .unwrap()
            .contains("/us-west-2/execute-api/aws4_request")
    );
    assert_eq!(signed["headers"]["x-amz-security-token"], "dev-token");

    // Bad input: one line each, the right exit code, no secret.
    let fails = |args: &[&str], code: i32, line: &str| {
        let mut all = vec!["credentials"];
        all.extend_from_slice(args);
        let run = cli.cmd(&all).run();
        run.expect(code);
        assert_eq!(
            run.stderr(),
            format!("cwsauth: error: {line}\n"),
            "{args:?}"
        );
    };
    fails(
        &["--aws-profile", "old"],
        5,
        "the credential_process of AWS profile old printed credentials that have expired",
    );
    let run = cli.cmd(&["credentials", "--aws-profile", "broken"]).run();
    run.expect(5);
    assert_eq!(
        run.stderr(),
        "oops\ncwsauth: error: the credential_process of AWS profile broken failed (exit status: 3)\n"
    );
    fails(
        &["--aws-profile", "garbage"],
        5,
        "the credential_process of AWS profile garbage printed something that is not JSON",
    );
    fails(
        &["--aws-profile", "assume"],
        2,
        "AWS profile assume gives no credentials cwsauth can use: it assumes a role, which cwsauth does not do itself: add `credential_process = aws configure export-credentials --profile assume --format process` to a profile and use that one",
    );
    let aws = cli.home.path().join("aws");
    fails(
        &["--aws-profile", "nope"],
        2,
        &format!(
            "AWS profile nope is not in {} or {}: check the name, or run `aws configure --profile nope`",
            aws.join("credentials").display(),
            aws.join("config").display()
        ),
    );
    fails(
        &["--credentials-from", "identity-pool"],
        2,
        "profile default has no identity pool: `cwsauth configure --identity-pool-id REGION:ID`",
    );
    fails(
        &["--role-arn", "arn:aws:iam::1:role/r"],
        2,
        "--role-arn chooses a role of a Cognito identity pool, and these credentials do not come from one",
    );
}

/// A stand-in for the SSO portal's GetRoleCredentials on 127.0.0.1 port 0 (no free emulator of
/// the portal exists): it answers only the cached token, for the profile's account and role.
/// Killed when dropped, however the test ends.
struct SsoPortal(std::process::Child, u16);

impl Drop for SsoPortal {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sso_portal() -> SsoPortal {
    let script = r#"
import http.server, json, sys, urllib.parse
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        ok = (u.path == "/federation/credentials" and q == {"role_name": "Dev", "account_id": "111122223333"}
              and self.headers.get("x-amz-sso_bearer_token") == "sso-access-token")
        body = json.dumps({"roleCredentials": {"accessKeyId": "ASIASSO", "secretAccessKey": "sso-secret",
               "sessionToken": "sso-token", "expiration": 4102444800000}} if ok else
               {"message": "Session token not found or invalid"}).encode()
        self.send_response(200 if ok else 401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    let port = line.trim().parse().unwrap();
    SsoPortal(child, port)
}

#[test]
fn an_sso_profile_trades_the_cached_token_for_the_roles_credentials() {
    let cli = Cli::new();
    aws_files(
        &cli,
        "",
        "[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\
         [sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n",
    );
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    // The AWS CLI names the cache file after the SHA-1 of the session's name.
    let file = cache.join("a3a1b7a4a5e2a80fe1ddc2b1e0e5e3a3c2f0fa1e.json");
    let sha1 = std::process::Command::new("python3")
        .args([
            "-c",
            "import hashlib; print(hashlib.sha1(b'corp').hexdigest())",
        ])
        .output()
        .unwrap();
    let file = file.with_file_name(format!(
        "{}.json",
        String::from_utf8(sha1.stdout).unwrap().trim()
    ));
    let write = |token: &str, expires: &str| {
        std::fs::write(
            &file,
            json!({"accessToken": token, "expiresAt": expires, "region": "us-east-1"}).to_string(),
        )
        .unwrap();
    };
    let portal = sso_portal();
    let port = portal.1;
    let run = |args: &[&str]| {
        let mut all = vec!["credentials", "--aws-profile", "sso"];
        all.extend_from_slice(args);
        cli.cmd(&all)
            .env("HOME", home.path())
            .env("AWS_ENDPOINT_URL_SSO", format!("http://127.0.0.1:{port}"))
            .run()
    };
    write("sso-access-token", "2099-01-01T00:00:00UTC");
    let ok = run(&["--json"]);
    ok.expect(0);
    assert_eq!(
        serde_json::from_str::<Value>(ok.stdout().trim()).unwrap(),
        json!({"Version": 1, "AccessKeyId": "ASIASSO", "SecretAccessKey": "sso-secret", "SessionToken": "sso-token", "Expiration": "2100-01-01T00:00:00Z"})
    );
    assert!(
        run(&[])
            .stdout()
            .starts_with("from:        AWS profile sso (SSO role Dev in account 111122223333)\n")
    );
    write("sso-access-token", "2020-01-01T00:00:00Z");
    let expired = run(&[]);
    expired.expect(1);
    assert_eq!(
        expired.stderr(),
        "cwsauth: error: the SSO login of AWS profile sso has expired: run `aws sso login --profile sso`\n"
    );
    write("revoked-token", "2099-01-01T00:00:00Z");
    let refused = run(&[]);
    refused.expect(1);
    assert_eq!(
        refused.stderr(),
        "cwsauth: error: the SSO login of AWS profile sso was refused by the SSO portal (HTTP 401): run `aws sso login --profile sso`\n"
    );
    std::fs::remove_file(&file).unwrap();
    run(&[]).expect(1);
}

#[test]
fn a_clock_far_off_is_named_as_the_cause() {
    let faketime = std::process::Command::new("faketime")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present(faketime, "faketime (.ci/run installs it)") {
        return;
    }
    let local = Local::start(&["--route-auth", "$connect=AWS_IAM"]);
    let url = format!("ws://127.0.0.1:{}/$default", local.port);
    let mut command = local.cli.command(&["connect", "--iam", "-x", "hi", &url]);
    let mut cmd = std::process::Command::new("faketime");
    cmd.args(["-f", "-10m"])
        .arg(command.get_program())
        .args(command.get_args());
    for (k, v) in command.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let _ = &mut command;
    cmd.env("AWS_ACCESS_KEY_ID", "AKIACWSAUTHLOCAL0001")
        .env("AWS_SECRET_ACCESS_KEY", "cwsauth-local-iam-secret");
    let out = output(&mut cmd, b"", std::time::Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("cwsauth: error: the server refused the WebSocket handshake: HTTP 403 {\"message\":\"Signature expired: "),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("; the signature's time is more than 5 minutes off the server's clock: set this machine's clock right (NTP)\n"),
        "{stderr}"
    );
}

#[test]
fn moto_is_a_second_identity_pool() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let identity_pool = moto_identity_pool(&moto);
    let cli = moto.logged_in_cli(&["--identity-pool-id", &identity_pool]);
    let run = cli.run(&["credentials", "--json"]);
    run.expect(0);
    let doc: Value = serde_json::from_str(run.stdout().trim()).unwrap();
    // moto vends fixed credentials; that they arrive whole is what is checked here.
    assert_eq!(doc["Version"], 1);
    assert_eq!(doc["AccessKeyId"], "TESTACCESSKEY12345");
    assert_eq!(doc["SecretAccessKey"], "ABCSECRETKEY");
    assert_eq!(doc["SessionToken"], "ABC12345");
    let shown = cli.run(&["credentials"]);
    assert!(
        shown.stdout().starts_with(&format!(
            "from:        identity pool {identity_pool} (identity "
        )),
        "{}",
        shown.stdout()
    );
    // moto's credentials live 90 s, less than the 5 minutes kept ones must have left: each
    // run asks again.
    assert!(
        shown.stdout().contains("\nexpires:     "),
        "{}",
        shown.stdout()
    );
    assert!(!shown.stdout().contains("kept:"), "{}", shown.stdout());
}

/// An identity pool of moto's `cognito-identity`, made with its own JSON API.
fn moto_identity_pool(moto: &Moto) -> String {
    let resp = reqwest::blocking::Client::new()
        .post(&moto.base)
        .header("X-Amz-Target", "AWSCognitoIdentityService.CreateIdentityPool")
        .header("Content-Type", "application/x-amz-json-1.1")
        .header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/cognito-identity/aws4_request, SignedHeaders=host, Signature=0",
        )
        .body(json!({"IdentityPoolName": "cwsauth", "AllowUnauthenticatedIdentities": false}).to_string())
        .send()
        .unwrap();
    let doc: Value = resp.json().unwrap();
    doc["IdentityPoolId"]
        .as_str()
        .unwrap_or_else(|| panic!("{doc}"))
        .to_string()
}

/// botocore's header signature of `GET https://{API}/prod?room=blue` at 2026-12-07T12:00:00Z
/// and its canonical request (what its debug log shows).
fn botocore_canonical(python: &std::path::Path) -> Value {
    let script = r#"
import datetime, json, sys
import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
botocore.auth.get_current_datetime = lambda: datetime.datetime(2026, 12, 7, 12, 0, 0)
req = AWSRequest(method="GET", url="https://%s/prod?room=blue" % sys.argv[3])
auth = SigV4Auth(Credentials(sys.argv[1], sys.argv[2]), "execute-api", "eu-west-1")
auth.add_auth(req)
print(json.dumps({"headers": {k.lower(): v for k, v in req.headers.items()},
                  "canonical": auth.canonical_request(req)}))
"#;
    python_json_lines(python, script, &[EXAMPLE_KEY, EXAMPLE_SECRET, API]).remove(0)
}

#[test]
fn verify_signature_checks_a_capture_and_names_the_first_difference() {
    let Some(python) = tool("CWSAUTH_TEST_PYTHON_RIC") else {
        return;
    };
    let cli = Cli::new();
    let check = |input: &str, extra: &[&str], key: &str| {
        let mut args = vec!["verify-signature"];
        args.extend_from_slice(extra);
        cli.cmd(&args)
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", EXAMPLE_SECRET)
            .stdin(input)
            .run()
    };
    // A presigned URL of `cwsauth sign`, checked right away.
    let run = cli
        .cmd(&["sign", "--query", &format!("wss://{API}/prod?room=blue")])
        .env("AWS_ACCESS_KEY_ID", EXAMPLE_KEY)
        .env("AWS_SECRET_ACCESS_KEY", EXAMPLE_SECRET)
        .run();
    run.expect(0);
    let url = run.stdout().trim().to_string();
    let ok = check(&url, &[], EXAMPLE_KEY);
    ok.expect(0);
    assert!(
        ok.stdout().starts_with("the signature is right: access key AKIDEXAMPLE, execute-api in eu-west-1, signed headers host, signed at 20"),
        "{}",
        ok.stdout()
    );
    assert_eq!(ok.stdout().lines().count(), 1, "{}", ok.stdout());
    // The same URL with another query: the server's canonical request on stdout, and why.
    let bad = check(&url.replace("room=blue", "room=red"), &[], EXAMPLE_KEY);
    bad.expect(1);
    assert!(
        bad.stdout()
            .starts_with("The canonical request the server builds:\nGET\n/prod\n"),
        "{}",
        bad.stdout()
    );
    assert!(
        bad.stdout()
            .contains("&X-Amz-SignedHeaders=host&room=red\n"),
        "{}",
        bad.stdout()
    );
    assert_eq!(
        bad.stderr(),
        "cwsauth: error: the signature does not match (access key AKIDEXAMPLE, signed headers host): your client's canonical request (--canonical-request) would show the first line that differs\n"
    );

    // A header-signed capture of botocore's, as a proxy logs it, with botocore's canonical
    // request: right as captured, and the first difference named once its query is changed.
    let signed = botocore_canonical(&python);
    let canonical = cli.home.path().join("canonical.txt");
    std::fs::write(&canonical, signed["canonical"].as_str().unwrap()).unwrap();
    let head = |target: &str| {
        format!(
            "> GET {target} HTTP/1.1\r\n> Host: {API}\r\n> X-Amz-Date: {}\r\n> Authorization: {}\r\n> Upgrade: websocket\r\n>\r\n",
            signed["headers"]["x-amz-date"].as_str().unwrap(),
            signed["headers"]["authorization"].as_str().unwrap()
        )
    };
    let args = ["--canonical-request", canonical.to_str().unwrap()];
    let ok = check(&head("/prod?room=blue"), &args, EXAMPLE_KEY);
    ok.expect(0);
    let lines: Vec<String> = ok.stdout().lines().map(String::from).collect();
    assert_eq!(
        lines[0],
        "the signature is right: access key AKIDEXAMPLE, execute-api in eu-west-1, signed headers host;x-amz-date, signed at 20261207T120000Z"
    );
    assert!(
        lines[1].starts_with("sent now, it would be refused for its time: Signature expired: 20261207T120000Z is now earlier than "),
        "{lines:?}"
    );
    let bad = check(&head("/prod?room=red"), &args, EXAMPLE_KEY);
    bad.expect(1);
    assert_eq!(
        bad.stderr(),
        "cwsauth: error: the signature does not match (access key AKIDEXAMPLE, signed headers host;x-amz-date): line 3 (canonical query string) differs: yours \"room=blue\", the server's \"room=red\"\n"
    );
    // Credentials of another key: said, not checked.
    let other = check(&head("/prod?room=blue"), &[], "AKIAOTHER");
    other.expect(1);
    assert_eq!(
        other.stderr(),
        "cwsauth: error: the request was signed with access key AKIDEXAMPLE, and the credentials from the environment (AWS_ACCESS_KEY_ID) are for AKIAOTHER: give the ones it was signed with\n"
    );
    // Not a request at all.
    let none = check("hello\n", &[], EXAMPLE_KEY);
    none.expect(2);
    assert_eq!(
        none.stderr(),
        "cwsauth: error: the first line is not a request line (GET /stage HTTP/1.1): hello\n"
    );
}

#[test]
fn identity_pool_refusals_are_one_line_and_the_updated_issuer_is_spoken() {
    let local = Local::start(&["--route-auth", "$connect=AWS_IAM"]);
    // Not logged in: the login is what is missing.
    let run = credentials_json(&local, &[]);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: not logged in with profile local: run `cwsauth login --profile local`\n"
    );
    logged_in(&local);
    let configure = |extra: &[&str]| {
        let mut args = vec!["configure", "--profile", "local", "--identity-pool-id"];
        args.extend_from_slice(extra);
        local.cli.run(&args).expect(0);
    };
    // A pool the endpoint does not have: Cognito's answer, named.
    configure(&["us-east-1:00000000-0000-4000-8000-000000000000"]);
    let run = credentials_json(&local, &[]);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: GetId failed: ResourceNotFoundException: IdentityPool 'us-east-1:00000000-0000-4000-8000-000000000000' not found.\n"
    );
    // A pool that issues the UPDATED issuer: Logins under its name, which the pool accepts.
    configure(&[
        "us-east-1:0c57a7c1-0000-4000-8000-00000000c0de",
        "--issuer-type",
        "updated",
    ]);
    let run = local.cli.cmd(&["credentials", "--profile", "local"]).run();
    run.expect(0);
    assert!(
        run.stdout()
            .starts_with("from:        identity pool us-east-1:0c57a7c1-"),
        "{}",
        run.stdout()
    );
}

#[test]
fn a_reconnect_signs_again() {
    // The server ends each connection after 1 s; the reconnect's presigned URL is new.
    let local = Local::start(&[
        "--route-auth",
        "$connect=AWS_IAM",
        "--max-connection-time",
        "1s",
    ]);
    let url = format!("ws://127.0.0.1:{}/$default", local.port);
    let run = local
        .cli
        .cmd(&[
            "connect",
            "--iam",
            "--iam-query",
            "--reconnect",
            "-x",
            "again",
            "-w",
            "-1",
            "--max-messages",
            "2",
            &url,
        ])
        .env("AWS_ACCESS_KEY_ID", "AKIACWSAUTHLOCAL0001")
        .env("AWS_SECRET_ACCESS_KEY", "cwsauth-local-iam-secret")
        .run();
    run.expect(0);
    let replies: Vec<Value> = run
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(replies.len(), 2, "{}", run.stdout());
    let date = |i: usize| replies[i]["item"]["queryStringParameters"]["X-Amz-Date"].clone();
    assert!(date(0).is_string(), "{}", replies[0]);
    assert_ne!(date(0), date(1), "the second connection was signed again");
    assert!(
        run.stderr()
            .contains("reconnecting in 1s (attempt 1) with a fresh signature"),
        "{}",
        run.stderr()
    );
}
