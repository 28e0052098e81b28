//! The emulator's Cognito identity pool (`AWSCognitoIdentityService`): `GetId`,
//! `GetCredentialsForIdentity` (with the role choice of `CustomRoleArn`) and `GetOpenIdToken`
//! for its user pool's ID tokens (the enhanced flow), vending temporary credentials that its
//! `AWS_IAM` routes accept until they expire.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::Emulator;
use super::ids::{IDENTITY_POOL_ID, POOL_ID, REGION};
use super::respond::{self, Body};
use crate::redacted::Secret;

/// How long vended credentials live (Cognito's: one hour).
const CREDENTIALS_TTL: Duration = Duration::from_secs(3600);
/// How long an identity's OpenID token lives (Cognito's: ten minutes).
const OPENID_TTL: i64 = 600;
/// The issuer of identity pools' OpenID tokens.
const OPENID_ISSUER: &str = "https://cognito-identity.amazonaws.com";

/// Temporary credentials the identity pool vended.
pub(crate) struct Vended {
    pub secret: Secret,
    pub session_token: Secret,
    pub identity_id: String,
    pub sub: String,
    /// The role they are for.
    pub role: String,
    pub expires: SystemTime,
}

/// The user pool's provider name in `Logins`, as Cognito names it.
pub fn provider_name() -> String {
    format!("cognito-idp.{REGION}.amazonaws.com/{POOL_ID}")
}

/// The same provider in the UPDATED issuer's form, which Cognito accepts as well.
fn updated_provider_name() -> String {
    format!("issuer-cognito-idp.{REGION}.amazonaws.com/{POOL_ID}")
}

/// The role authenticated identities get unless they choose another.
fn default_role() -> String {
    format!(
        "arn:aws:iam::{}:role/cwsauth-local-authenticated",
        super::ids::ACCOUNT
    )
}

/// The role of a user pool group (the emulator gives each group one, as `cognito:roles`
/// would list them).
fn group_role(group: &str) -> String {
    format!(
        "arn:aws:iam::{}:role/cwsauth-local-group-{group}",
        super::ids::ACCOUNT
    )
}

/// Who signed in, from the ID token in `Logins`.
struct Login {
    sub: String,
    provider: String,
    groups: Vec<String>,
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
    let login = match login_of(emu, body) {
        Ok(login) => login,
        Err(resp) => return resp,
    };
    let identity_id = identity_for(emu, &login.sub);
    let own_identity =
        || body.get("IdentityId").and_then(Value::as_str) == Some(identity_id.as_str());
    let not_its_identity = || {
        error(
            "NotAuthorizedException",
            "Invalid login token. Token does not belong to this identity.",
        )
    };
    match op {
        "GetId" => answer(200, json!({"IdentityId": identity_id})),
        "GetCredentialsForIdentity" => {
            if !own_identity() {
                return not_its_identity();
            }
            let role = match body.get("CustomRoleArn").and_then(Value::as_str) {
                None => default_role(),
                Some(asked) => {
                    let allowed = std::iter::once(default_role())
                        .chain(login.groups.iter().map(|g| group_role(g)))
                        .any(|r| r == asked);
                    if !allowed {
                        return error(
                            "InvalidParameterException",
                            &format!(
                                "CustomRoleArn {} is not a role of this identity pool's role choice for this user (its default role, or a role of one of its groups)",
                                crate::sanitize::excerpt(asked, 120)
                            ),
                        );
                    }
                    asked.to_string()
                }
            };
            vend(emu, &identity_id, login.sub, role)
        }
        "GetOpenIdToken" => {
            if !own_identity() {
                return not_its_identity();
            }
            let now = crate::timefmt::now_epoch();
            let claims = json!({
                "iss": OPENID_ISSUER,
                "sub": identity_id,
                "aud": IDENTITY_POOL_ID,
                "amr": ["authenticated", login.provider,
                        format!("{}:CognitoSignIn:{}", login.provider, login.sub)],
                "iat": now,
                "exp": now + OPENID_TTL,
            });
            let token = emu.id_key.sign(&claims);
            answer(200, json!({"IdentityId": identity_id, "Token": token}))
        }
        _ => error(
            "UnknownOperationException",
            &format!("Unsupported operation {op}"),
        ),
    }
}

/// New temporary credentials of `role` for the identity, remembered so the emulator can
/// check what they sign.
fn vend(emu: &Emulator, identity_id: &str, sub: String, role: String) -> hyper::Response<Body> {
    let access_key = format!(
        "ASIA{}",
        super::ids::random_token(16)
            .to_ascii_uppercase()
            .replace(['-', '_'], "X")
    );
    let secret = super::ids::random_token(30);
    let token = super::ids::random_token(48);
    let now = SystemTime::now();
    let expires = now + CREDENTIALS_TTL;
    let mut state = emu.state();
    // Credentials that expired are refused as expired for as long again, then forgotten.
    state
        .vended
        .retain(|_, v| v.expires + CREDENTIALS_TTL > now);
    state.vended.insert(
        access_key.clone(),
        Vended {
            secret: Secret::new(secret.clone()),
            session_token: Secret::new(token.clone()),
            identity_id: identity_id.to_string(),
            sub,
            role,
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

/// The user an ID token in `Logins` names (under the provider's name in either issuer
/// format), checked with the pool's keys.
fn login_of(emu: &Emulator, body: &Map<String, Value>) -> Result<Login, hyper::Response<Body>> {
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
    let (provider, token) = [provider_name(), updated_provider_name()]
        .into_iter()
        .find_map(|p| logins.get(&p).and_then(Value::as_str).map(|t| (p, t)))
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
        Ok(v) => Ok(Login {
            sub: v.claim_str("sub").unwrap_or("").to_string(),
            provider,
            groups: cwsauth_verify::groups(&v.claims)
                .into_iter()
                .map(str::to_string)
                .collect(),
        }),
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

/// What is known of credentials the pool vended: the secret when `access_key` and `token` are
/// a pair it vended and they have not expired.
pub(crate) fn vended_secret(
    emu: &Emulator,
    access_key: &str,
    token: Option<&str>,
) -> crate::sigv4::verify::KeyLookup {
    use crate::sigv4::verify::KeyLookup;
    let state = emu.state();
    let Some(v) = state.vended.get(access_key) else {
        return KeyLookup::Unknown;
    };
    let token_ok = token.is_some_and(|t| {
        aws_lc_rs::constant_time::verify_slices_are_equal(
            t.as_bytes(),
            v.session_token.expose().as_bytes(),
        )
        .is_ok()
    });
    match (token_ok, v.expires > SystemTime::now()) {
        (false, _) => KeyLookup::Unknown,
        (true, false) => KeyLookup::Expired,
        (true, true) => KeyLookup::Known(v.secret.expose().to_string()),
    }
}

/// `requestContext.identity` for vended credentials.
pub(crate) fn identity_fields(emu: &Emulator, access_key: &str) -> Option<Map<String, Value>> {
    let state = emu.state();
    let v = state.vended.get(access_key)?;
    let account = super::ids::ACCOUNT;
    let provider = provider_name();
    let role_name = v.role.rsplit('/').next().unwrap_or("");
    let caller = "AROACWSAUTHLOCAL00001:CognitoIdentityCredentials";
    let fields = json!({
        "accessKey": access_key,
        "accountId": account,
        "caller": caller,
        "user": caller,
        "userArn": format!("arn:aws:sts::{account}:assumed-role/{role_name}/CognitoIdentityCredentials"),
        "cognitoIdentityId": v.identity_id,
        "cognitoIdentityPoolId": IDENTITY_POOL_ID,
        "cognitoAuthenticationType": "authenticated",
        "cognitoAuthenticationProvider": format!("{provider},{provider}:CognitoSignIn:{}", v.sub),
    });
    fields.as_object().cloned()
}
