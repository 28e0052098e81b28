//! The emulator's Cognito identity pool (`AWSCognitoIdentityService`): `GetId` and
//! `GetCredentialsForIdentity` for its user pool's ID tokens (the enhanced flow), vending
//! temporary credentials that its `AWS_IAM` routes accept until they expire.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::Emulator;
use super::ids::{IDENTITY_POOL_ID, POOL_ID, REGION};
use super::respond::{self, Body};
use crate::redacted::Secret;

/// How long vended credentials live (Cognito's: one hour).
const CREDENTIALS_TTL: Duration = Duration::from_secs(3600);

/// Temporary credentials the identity pool vended.
pub(crate) struct Vended {
    pub secret: Secret,
    pub session_token: Secret,
    pub identity_id: String,
    pub sub: String,
    pub expires: SystemTime,
}

/// The user pool's provider name in `Logins`, as Cognito names it.
pub fn provider_name() -> String {
    format!("cognito-idp.{REGION}.amazonaws.com/{POOL_ID}")
}

fn answer(status: u16, body: Value) -> hyper::Response<Body> {
    respond::response(status, "application/x-amz-json-1.1", body.to_string())
}

fn error(kind: &str, message: &str) -> hyper::Response<Body> {
    answer(400, json!({"__type": kind, "message": message}))
}

/// `POST /` with `X-Amz-Target: AWSCognitoIdentityService.<op>`.
pub(crate) fn handle(emu: &Emulator, op: &str, body: &Map<String, Value>) -> hyper::Response<Body> {
    if body
        .get("IdentityPoolId")
        .and_then(Value::as_str)
        .is_some_and(|p| p != IDENTITY_POOL_ID)
    {
        return error(
            "ResourceNotFoundException",
            &format!(
                "IdentityPool '{}' not found.",
                crate::sanitize::excerpt(body["IdentityPoolId"].as_str().unwrap_or(""), 80)
            ),
        );
    }
    // The enhanced flow takes the user pool's ID token in Logins; unauthenticated identities
    // are not enabled on this pool.
    let sub = match login_sub(emu, body) {
        Ok(sub) => sub,
        Err(resp) => return resp,
    };
    let identity_id = identity_for(emu, &sub);
    match op {
        "GetId" => answer(200, json!({"IdentityId": identity_id})),
        "GetCredentialsForIdentity" => {
            if body.get("IdentityId").and_then(Value::as_str) != Some(identity_id.as_str()) {
                return error(
                    "NotAuthorizedException",
                    "Invalid login token. Token does not belong to this identity.",
                );
            }
            let access_key = format!(
                "ASIA{}",
                super::ids::random_token(16)
                    .to_ascii_uppercase()
                    .replace(['-', '_'], "X")
            );
            let secret = super::ids::random_token(30);
            let token = super::ids::random_token(48);
            let expires = SystemTime::now() + CREDENTIALS_TTL;
            emu.state().vended.insert(
                access_key.clone(),
                Vended {
                    secret: Secret::new(secret.clone()),
                    session_token: Secret::new(token.clone()),
                    identity_id: identity_id.clone(),
                    sub,
                    expires,
                },
            );
            let at = expires
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            answer(
                200,
                json!({"IdentityId": identity_id, "Credentials": {
                    "AccessKeyId": access_key, "SecretKey": secret, "SessionToken": token,
                    "Expiration": at as f64}}),
            )
        }
        _ => error(
            "UnknownOperationException",
            &format!("Unsupported operation {op}"),
        ),
    }
}

/// The user an ID token in `Logins` names, checked with the pool's keys.
fn login_sub(emu: &Emulator, body: &Map<String, Value>) -> Result<String, hyper::Response<Body>> {
    let refused = || {
        error(
            "NotAuthorizedException",
            "Unauthenticated access is not supported for this identity pool.",
        )
    };
    let logins = body
        .get("Logins")
        .and_then(Value::as_object)
        .ok_or_else(refused)?;
    let token = logins
        .get(&provider_name())
        .and_then(Value::as_str)
        .ok_or_else(|| {
            error(
                "NotAuthorizedException",
                &format!(
                    "Invalid login token. Logins holds no token for {}.",
                    provider_name()
                ),
            )
        })?;
    let checks = cwsauth_verify::Checks::new(
        emu.issuer.clone(),
        cwsauth_verify::TokenUse::Id,
        cwsauth_verify::ClientIds::one_of([
            emu.public_client.client_id.clone(),
            emu.confidential_client.client_id.clone(),
        ]),
    );
    match cwsauth_verify::verify(token, &checks, &emu.keys, crate::timefmt::now_epoch()) {
        Ok(v) => Ok(v.claim_str("sub").unwrap_or("").to_string()),
        Err(r) => Err(error(
            "NotAuthorizedException",
            &format!(
                "Invalid login token. {}",
                crate::sanitize::excerpt(&r.error.message, 120)
            ),
        )),
    }
}

/// The identity of a user: the same id for the same user, as Cognito keeps it.
fn identity_for(emu: &Emulator, sub: &str) -> String {
    let mut state = emu.state();
    state
        .identities
        .entry(sub.to_string())
        .or_insert_with(|| format!("{REGION}:{}", super::ids::uuid()))
        .clone()
}

/// The secret of credentials the pool vended, when `access_key` and `token` are a live pair.
pub(crate) fn vended_secret(
    emu: &Emulator,
    access_key: &str,
    token: Option<&str>,
) -> Option<String> {
    let state = emu.state();
    let v = state.vended.get(access_key)?;
    let token_ok = token.is_some_and(|t| {
        aws_lc_rs::constant_time::verify_slices_are_equal(
            t.as_bytes(),
            v.session_token.expose().as_bytes(),
        )
        .is_ok()
    });
    (token_ok && v.expires > SystemTime::now()).then(|| v.secret.expose().to_string())
}

/// `requestContext.identity` for vended credentials.
pub(crate) fn identity_fields(emu: &Emulator, access_key: &str) -> Option<Map<String, Value>> {
    let state = emu.state();
    let v = state.vended.get(access_key)?;
    let account = super::ids::ACCOUNT;
    let provider = provider_name();
    let fields = json!({
        "accessKey": access_key,
        "accountId": account,
        "caller": "AROACWSAUTHLOCAL00001:CognitoIdentityCredentials",
        "user": "AROACWSAUTHLOCAL00001:CognitoIdentityCredentials",
        "userArn": format!("arn:aws:sts::{account}:assumed-role/cwsauth-local-authenticated/CognitoIdentityCredentials"),
        "cognitoIdentityId": v.identity_id,
        "cognitoIdentityPoolId": IDENTITY_POOL_ID,
        "cognitoAuthenticationType": "authenticated",
        "cognitoAuthenticationProvider": format!("{provider},{provider}:CognitoSignIn:{}", v.sub),
    });
    fields.as_object().cloned()
}
