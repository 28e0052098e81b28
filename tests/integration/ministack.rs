//! Interop with a third-party Cognito emulator, ministack (PyPI, installed by .ci/run into a
//! virtualenv; `MINISTACK` names its executable): hosted UI with PKCE, USER_PASSWORD_AUTH,
//! real SRP, SECRET_HASH, refresh, and verification of its AWS-form issuer through the
//! `jwks_uri`/`idp_endpoint` overrides.

use serde_json::{Value, json};

use crate::common::*;

impl Ministack {
    /// A Cognito JSON API call (ministack accepts any SigV4-shaped Authorization).
    fn call(&self, op: &str, body: Value) -> Value {
        cognito_call(&self.base, op, body)
    }
}

#[test]
fn login_refresh_and_verify_against_ministack() {
    let Some(ms) = Ministack::start("cognito-idp", true) else {
        return;
    };
    let pool = ms.call("CreateUserPool", json!({"PoolName": "cwsauth-interop"}))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let port = free_port();
    let callback = format!("http://localhost:{port}");
    let client = |secret: bool| -> Value {
        ms.call("CreateUserPoolClient", json!({
            "UserPoolId": pool, "ClientName": "cwsauth", "GenerateSecret": secret,
            "AllowedOAuthFlows": ["code"], "AllowedOAuthFlowsUserPoolClient": true,
            "AllowedOAuthScopes": ["openid", "email", "profile"], "CallbackURLs": [callback],
            "SupportedIdentityProviders": ["COGNITO"],
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        }))["UserPoolClient"].clone()
    };
    let public = client(false);
    let confidential = client(true);
    ms.call(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "mia", "MessageAction": "SUPPRESS",
        "UserAttributes": [{"Name": "email", "Value": "mia@example.com"}]}),
    );
    ms.call("AdminSetUserPassword", json!({"UserPoolId": pool, "Username": "mia", "Password": "Mia-Passw0rd!", "Permanent": true}));

    let cli = Cli::new();
    let jwks = format!("{}/{pool}/.well-known/jwks.json", ms.base);
    for (profile, c) in [("ms", &public), ("ms-secret", &confidential)] {
        cli.run(&[
            "configure",
            "--profile",
            profile,
            "--user-pool-id",
            &pool,
            "--client-id",
            c["ClientId"].as_str().unwrap(),
            "--domain",
            &ms.base,
            "--idp-endpoint",
            &ms.base,
            "--jwks-uri",
            &jwks,
            "--redirect-uri",
            &callback,
            "--store",
            "file",
        ])
        .expect(0);
    }
    let login = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = cli.cmd(args);
        for (k, v) in env {
            cmd = cmd.env(k, v);
        }
        cmd.run()
    };
    let secret = confidential["ClientSecret"].as_str().unwrap();
    for (profile, flag) in [
        ("ms", "--password"),
        ("ms", "--srp"),
        ("ms-secret", "--password"),
        ("ms-secret", "--srp"),
    ] {
        // Only the confidential client has a secret: Cognito refuses a SECRET_HASH otherwise.
        let mut env = vec![("CWSAUTH_PASSWORD", "Mia-Passw0rd!")];
        if profile == "ms-secret" {
            env.push(("CWSAUTH_CLIENT_SECRET", secret));
        }
        let run = login(
            &["login", "--profile", profile, flag, "--username", "mia"],
            &env,
        );
        run.expect(0);
        assert!(
            run.stderr().contains("Logged in as mia"),
            "{profile} {flag}: {}",
            run.stderr()
        );
        // GetTokensFromRefreshToken, which ministack has (the client's secret itself for the
        // confidential client): no fallback to REFRESH_TOKEN_AUTH.
        let token = login(
            &["token", "--profile", profile, "--min-ttl", "99999", "-v"],
            &env[1..],
        );
        token.expect(0);
        assert!(
            token.stderr().contains(" GetTokensFromRefreshToken\n")
                && !token.stderr().contains("REFRESH_TOKEN_AUTH"),
            "{}",
            token.stderr()
        );
        // Its issuer is the AWS form; the keys come through the jwks_uri override.
        let run = cli.run(&[
            "verify",
            "--profile",
            profile,
            "--json",
            token.stdout().trim(),
        ]);
        run.expect(0);
        assert_eq!(
            run.json()["claims"]["iss"],
            format!("https://cognito-idp.us-east-1.amazonaws.com/{pool}")
        );
    }
    let run = login(
        &["login", "--profile", "ms", "--srp", "--username", "mia"],
        &[("CWSAUTH_PASSWORD", "wrong-Passw0rd!")],
    );
    run.expect(1);
    assert!(
        run.stderr().contains("NotAuthorizedException"),
        "{}",
        run.stderr()
    );

    // A user with a temporary password: the challenge needs a person, and says so.
    ms.call("AdminCreateUser", json!({"UserPoolId": pool, "Username": "noa", "MessageAction": "SUPPRESS", "TemporaryPassword": "Temp-Passw0rd!"}));
    let run = login(
        &[
            "login",
            "--profile",
            "ms",
            "--password",
            "--username",
            "noa",
        ],
        &[("CWSAUTH_PASSWORD", "Temp-Passw0rd!")],
    );
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: Cognito asks for NEW_PASSWORD_REQUIRED: set CWSAUTH_NEW_PASSWORD to answer it in a script, or run `cwsauth login --profile ms` on a terminal\n"
    );
    // A script answers it, and the new password is the one from then on.
    login(
        &[
            "login",
            "--profile",
            "ms",
            "--password",
            "--username",
            "noa",
        ],
        &[
            ("CWSAUTH_PASSWORD", "Temp-Passw0rd!"),
            ("CWSAUTH_NEW_PASSWORD", "Noa-Passw0rd1!"),
        ],
    )
    .expect(0);
    login(
        &["login", "--profile", "ms", "--srp", "--username", "noa"],
        &[("CWSAUTH_PASSWORD", "Noa-Passw0rd1!")],
    )
    .expect(0);

    // TOTP at ministack: noa enrolls with `mfa setup --print-secret` (ministack checks the
    // code), the pool turns MFA on, and a script's login answers with CWSAUTH_TOTP_SECRET.
    let run = cli.run(&["mfa", "setup", "--profile", "ms", "--print-secret"]);
    run.expect(0);
    let secret = run.stdout().trim().to_string();
    ms.call(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool, "MfaConfiguration": "OPTIONAL",
            "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
    );
    let run = login(
        &[
            "login",
            "--profile",
            "ms",
            "--password",
            "--username",
            "noa",
        ],
        &[("CWSAUTH_PASSWORD", "Noa-Passw0rd1!")],
    );
    run.expect(1);
    assert!(
        run.stderr().contains("Cognito asks for SOFTWARE_TOKEN_MFA"),
        "{}",
        run.stderr()
    );
    let run = login(
        &[
            "login",
            "--profile",
            "ms",
            "--password",
            "--username",
            "noa",
        ],
        &[
            ("CWSAUTH_PASSWORD", "Noa-Passw0rd1!"),
            ("CWSAUTH_TOTP_SECRET", &secret),
        ],
    );
    run.expect(0);
    assert!(
        run.stderr().contains("Logged in as noa"),
        "{}",
        run.stderr()
    );
    ms.call(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool, "MfaConfiguration": "OFF"}),
    );

    // The hosted UI with PKCE, through the scripted browser.
    let browser = browser();
    let run = login(
        &[
            "login",
            "--profile",
            "ms",
            "--browser-command",
            &browser,
            "--timeout",
            "30s",
        ],
        &[
            ("BROWSER_USER", "mia"),
            ("BROWSER_PASSWORD", "Mia-Passw0rd!"),
        ],
    );
    run.expect(0);
    assert_eq!(run.stdout(), "200 Signed in\n");
    let status = cli.run(&["status", "--profile", "ms", "--json"]).json();
    assert_eq!(
        (status["method"].as_str(), status["username"].as_str()),
        (Some("hosted-ui"), Some("mia"))
    );
    let id = cli.run(&["token", "--profile", "ms", "--id"]);
    cli.run(&[
        "verify",
        "--profile",
        "ms",
        "--token-use",
        "id",
        id.stdout().trim(),
    ])
    .expect(0);
}

#[test]
fn the_same_pre_token_trigger_shapes_ministacks_tokens_as_the_emulators() {
    let (Some(ms), Some(python)) = (
        Ministack::start("cognito-idp,lambda,iam", true),
        tool("CWSAUTH_TEST_PYTHON_RIC"),
    ) else {
        return;
    };
    // The fixture's V2 function (the one triggers.rs runs in cwsauth local), deployed to
    // ministack's Lambda, made the pool's trigger; carol in groups admin and ops.
    let script = r#"
import io, json, sys, zipfile, boto3
endpoint, source = sys.argv[1], sys.argv[2]
kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.write(source, "app.py")
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"Service": "lambda.amazonaws.com"}}]}
role = boto3.client("iam", **kw).create_role(RoleName="pretoken",
    AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
fn = boto3.client("lambda", **kw).create_function(FunctionName="pretoken", Runtime="python3.11",
    Handler="app.pre_token", Role=role, Code={"ZipFile": buf.getvalue()})
idp = boto3.client("cognito-idp", **kw)
pool = idp.create_user_pool(PoolName="cwsauth-trigger", LambdaConfig={"PreTokenGenerationConfig":
    {"LambdaVersion": "V2_0", "LambdaArn": fn["FunctionArn"]}})["UserPool"]["Id"]
client = idp.create_user_pool_client(UserPoolId=pool, ClientName="cwsauth",
    ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
idp.admin_create_user(UserPoolId=pool, Username="carol", MessageAction="SUPPRESS")
idp.admin_set_user_password(UserPoolId=pool, Username="carol", Password="Car0l-Passw0rd!", Permanent=True)
for group in ("admin", "ops"):
    idp.create_group(UserPoolId=pool, GroupName=group)
    idp.admin_add_user_to_group(UserPoolId=pool, Username="carol", GroupName=group)
print(json.dumps({"pool": pool, "client": client}))
"#;
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/functions/python/app.py");
    let made = python_json_lines(&python, script, &[&ms.base, source.to_str().unwrap()]).remove(0);
    let pool = made["pool"].as_str().unwrap();
    let cli = Cli::new();
    cli.run(&[
        "configure",
        "--profile",
        "ms",
        "--user-pool-id",
        pool,
        "--client-id",
        made["client"].as_str().unwrap(),
        "--domain",
        &ms.base,
        "--idp-endpoint",
        &ms.base,
        "--jwks-uri",
        &format!("{}/{pool}/.well-known/jwks.json", ms.base),
        "--store",
        "file",
    ])
    .expect(0);
    cli.cmd(&[
        "login",
        "--profile",
        "ms",
        "--password",
        "--username",
        "carol",
    ])
    .env("CWSAUTH_PASSWORD", "Car0l-Passw0rd!")
    .run()
    .expect(0);
    let run = cli.run(&["token", "--profile", "ms"]);
    run.expect(0);
    let verified = cli.run(&["verify", "--profile", "ms", "--json", run.stdout().trim()]);
    verified.expect(0);
    let claims = &verified.json()["claims"];
    // What triggers.rs asserts of the emulator's tokens, claim for claim.
    assert_eq!(claims["tier"], "gold", "{claims}");
    assert_eq!(claims["roles"], json!(["reader", "writer"]));
    let mut team: Vec<&str> = claims["meta"]["team"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    team.sort_unstable();
    assert_eq!(team, ["admin", "ops"], "{claims}");
    assert_eq!(claims["trigger"], "TokenGeneration_Authentication");
    assert!(
        claims["scope"]
            .as_str()
            .unwrap()
            .split(' ')
            .any(|s| s == "chat/write"),
        "{claims}"
    );
    assert_eq!(claims.get("event_id"), None);
}
