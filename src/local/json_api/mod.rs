//! Cognito's JSON API at `POST /` (`X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`):
//! InitiateAuth (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH, USER_SRP_AUTH), RespondToAuthChallenge
//! (PASSWORD_VERIFIER, and through `challenges.rs` NEW_PASSWORD_REQUIRED and SOFTWARE_TOKEN_MFA),
//! GetTokensFromRefreshToken (with rotation and its grace period), RevokeToken, GetUser and
//! TOTP enrollment, with Cognito's `__type` errors.

use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::body::Incoming;
use hyper::{Request, Response};
use serde_json::{Map, Value, json};

use super::respond::{self, Body};
use super::tokens::{self, Grant};
use super::triggers::Source;
use super::{AppClient, Emulator, POOL_ID, challenges};
use crate::cognito::srp;

mod self_service;
mod user;
mod user_auth;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
/// Scope of tokens from the JSON API, as on Cognito.
const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// An SRP exchange between InitiateAuth and RespondToAuthChallenge.
pub(crate) struct SrpSession {
    server: srp::Server,
    username: String,
    client_id: String,
    srp_a: String,
    secret_block: Vec<u8>,
    expires: Instant,
}

pub(super) fn error(kind: &str, message: &str) -> Response<Body> {
    let mut resp = respond::response(
        400,
        "application/x-amz-json-1.1",
        json!({"__type": kind, "message": message}).to_string(),
    );
    if let Ok(v) = kind.parse() {
        resp.headers_mut().insert("x-amzn-ErrorType", v);
    }
    resp
}

pub(super) fn ok(body: Value) -> Response<Body> {
    respond::response(200, "application/x-amz-json-1.1", body.to_string())
}

pub(super) fn invalid(message: &str) -> Response<Body> {
    error("InvalidParameterException", message)
}

pub async fn handle(emu: &Emulator, req: Request<Incoming>) -> Response<Body> {
    let target = req
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (_, bytes) = match respond::read_body(req).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let identity_op = target
        .strip_prefix("AWSCognitoIdentityService.")
        .map(str::to_string);
    let Some(op) = target
        .strip_prefix(TARGET_PREFIX)
        .or(identity_op.as_deref())
    else {
        return error(
            "UnknownOperationException",
            "Missing or unknown X-Amz-Target",
        );
    };
    let body = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => map,
        _ => {
            return error(
                "SerializationException",
                "The request body is not a JSON object",
            );
        }
    };
    if identity_op.is_some() {
        return super::identity_pool::handle(emu, op, &body);
    }
    match op {
        "InitiateAuth" => initiate_auth(emu, &body),
        "RespondToAuthChallenge" => respond_to_auth_challenge(emu, &body),
        "GetTokensFromRefreshToken" => get_tokens_from_refresh_token(emu, &body),
        "RevokeToken" => revoke_token(emu, &body),
        "GetUser" => user::get_user(emu, &body),
        "SignUp"
        | "ConfirmSignUp"
        | "ResendConfirmationCode"
        | "ForgotPassword"
        | "ConfirmForgotPassword" => self_service::handle(emu, op, &body),
        "AssociateSoftwareToken" | "VerifySoftwareToken" | "SetUserMFAPreference" => {
            user::software_token(emu, op, &body)
        }
        _ => error(
            "UnknownOperationException",
            &format!("Unsupported operation {op}"),
        ),
    }
}

pub(super) fn str_field<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    map.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn params(body: &Map<String, Value>, name: &str) -> Map<String, Value> {
    body.get(name)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

pub(super) fn client<'a>(
    emu: &'a Emulator,
    body: &Map<String, Value>,
) -> Result<&'a AppClient, Response<Body>> {
    let Some(id) = str_field(body, "ClientId") else {
        return Err(invalid("ClientId is required"));
    };
    emu.client(id).ok_or_else(|| {
        error(
            "ResourceNotFoundException",
            &format!("User pool client {id} does not exist."),
        )
    })
}

/// The SECRET_HASH check of confidential clients.
pub(super) fn check_secret_hash(
    client: &AppClient,
    username: &str,
    given: Option<&str>,
) -> Result<(), Response<Body>> {
    let Some(secret) = &client.secret else {
        return Ok(());
    };
    let Some(given) = given else {
        return Err(error(
            "NotAuthorizedException",
            &format!(
                "Client {} is configured with secret but SECRET_HASH was not received",
                client.client_id
            ),
        ));
    };
    let expected = crate::cognito::secret_hash(username, &client.client_id, secret.expose());
    if aws_lc_rs::constant_time::verify_slices_are_equal(expected.as_bytes(), given.as_bytes())
        .is_err()
    {
        return Err(error(
            "NotAuthorizedException",
            &format!(
                "Unable to verify secret hash for client {}",
                client.client_id
            ),
        ));
    }
    Ok(())
}

fn authentication_result(issued: tokens::Issued, refresh_token: Option<String>) -> Response<Body> {
    let result = issued.answer(&tokens::JSON_API, refresh_token);
    ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
}

/// Tokens and a refresh token for a user signed in through the JSON API (`source`: what the
/// pre-token-generation trigger is told led to them).
fn sign_in(emu: &Emulator, client: &AppClient, username: &str, source: Source) -> Response<Body> {
    let Some(user) = emu.user(username) else {
        return error("UserNotFoundException", "User does not exist.");
    };
    let scopes = vec![ADMIN_SCOPE.to_string()];
    let origin_jti = super::ids::uuid();
    let auth_time = crate::timefmt::now_epoch();
    let signed_in = super::oauth_endpoints::sign_in(
        emu,
        client,
        &Grant {
            user: &user,
            client_id: &client.client_id,
            scopes: &scopes,
            auth_time,
            origin_jti: &origin_jti,
            nonce: None,
            with_id_token: true,
            source,
        },
        true,
    );
    match signed_in {
        Ok((issued, refresh)) => authentication_result(issued, Some(refresh)),
        Err(failed) => error(failed.kind, &failed.message),
    }
}

fn initiate_auth(emu: &Emulator, body: &Map<String, Value>) -> Response<Body> {
    let client = match client(emu, body) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let p = params(body, "AuthParameters");
    if let Some(flow) = str_field(body, "AuthFlow")
        && !emu.options.auth_flows.allows(flow)
    {
        return invalid(&format!("{flow} flow not enabled for this client"));
    }
    match str_field(body, "AuthFlow") {
        Some("USER_PASSWORD_AUTH") => {
            let (Some(username), Some(password)) =
                (str_field(&p, "USERNAME"), str_field(&p, "PASSWORD"))
            else {
                return invalid("USERNAME and PASSWORD are required for USER_PASSWORD_AUTH");
            };
            if let Err(resp) = check_secret_hash(client, username, str_field(&p, "SECRET_HASH")) {
                return resp;
            }
            if emu.user(username).is_none() {
                return error("UserNotFoundException", "User does not exist.");
            }
            if !challenges::password_ok(emu, username, password) {
                return error("NotAuthorizedException", "Incorrect username or password.");
            }
            next_step(emu, client, username)
        }
        Some("REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN") => {
            if emu.options.rotate_refresh_tokens {
                // Cognito: a client that rotates refresh tokens takes them only through
                // GetTokensFromRefreshToken (and the token endpoint).
                return error(
                    "NotAuthorizedException",
                    "REFRESH_TOKEN_AUTH is not allowed for app clients with refresh token rotation enabled; use GetTokensFromRefreshToken.",
                );
            }
            let Some(refresh_token) = str_field(&p, "REFRESH_TOKEN") else {
                return invalid("REFRESH_TOKEN is required");
            };
            if client.secret.is_some() {
                let username = emu
                    .state()
                    .refresh_tokens
                    .get(refresh_token)
                    .map(|g| g.username.clone())
                    .unwrap_or_default();
                let user = str_field(&p, "USERNAME").unwrap_or(&username).to_string();
                if let Err(resp) = check_secret_hash(client, &user, str_field(&p, "SECRET_HASH")) {
                    return resp;
                }
            }
            refreshed(emu, client, refresh_token)
        }
        Some("USER_SRP_AUTH") => {
            let (Some(username), Some(srp_a)) = (str_field(&p, "USERNAME"), str_field(&p, "SRP_A"))
            else {
                return invalid("USERNAME and SRP_A are required for USER_SRP_AUTH");
            };
            if let Err(resp) = check_secret_hash(client, username, str_field(&p, "SECRET_HASH")) {
                return resp;
            }
            srp_challenge(emu, client, username, srp_a)
        }
        Some("USER_AUTH") => user_auth::initiate(emu, client, &p),
        Some(flow) => invalid(&format!("Unsupported AuthFlow {flow}")),
        None => invalid("AuthFlow is required"),
    }
}

fn respond_to_auth_challenge(emu: &Emulator, body: &Map<String, Value>) -> Response<Body> {
    let client = match client(emu, body) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let r = params(body, "ChallengeResponses");
    match str_field(body, "ChallengeName") {
        Some("PASSWORD_VERIFIER") => {}
        Some(name) if challenges::IN_SESSION.contains(&name) => {
            return answer_challenge(emu, client, name, body, &r);
        }
        Some("SELECT_CHALLENGE") => return user_auth::select(emu, client, body, &r),
        _ => {
            return invalid(
                "Only the PASSWORD_VERIFIER, SELECT_CHALLENGE, EMAIL_OTP, SMS_OTP, NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA and MFA_SETUP challenges are supported",
            );
        }
    }
    let (Some(username), Some(block_b64), Some(signature), Some(timestamp)) = (
        str_field(&r, "USERNAME"),
        str_field(&r, "PASSWORD_CLAIM_SECRET_BLOCK"),
        str_field(&r, "PASSWORD_CLAIM_SIGNATURE"),
        str_field(&r, "TIMESTAMP"),
    ) else {
        return invalid(
            "USERNAME, PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE and TIMESTAMP are required",
        );
    };
    if let Err(resp) = check_secret_hash(client, username, str_field(&r, "SECRET_HASH")) {
        return resp;
    }
    let block = STANDARD.decode(block_b64).unwrap_or_default();
    // The session is named by Session, or found by its secret block as Cognito allows.
    let session = {
        let mut state = emu.state();
        let key = str_field(body, "Session")
            .filter(|s| state.srp_sessions.contains_key(*s))
            .map(str::to_string)
            .or_else(|| {
                state
                    .srp_sessions
                    .iter()
                    .find(|(_, s)| s.secret_block == block)
                    .map(|(k, _)| k.clone())
            });
        key.and_then(|k| state.srp_sessions.remove(&k))
    };
    let Some(session) = session.filter(|s| s.expires > Instant::now()) else {
        return error(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        );
    };
    let Some(verifier) = challenges::verifier(emu, username) else {
        return error("UserNotFoundException", "User does not exist.");
    };
    let proven = session.username == username
        && session.client_id == client.client_id
        && session.secret_block == block
        && session.server.check(
            &verifier,
            srp::Who {
                pool: POOL_ID,
                user: username,
            },
            &srp::Claim {
                srp_a: &session.srp_a,
                secret_block: &block,
                timestamp,
                signature,
            },
        );
    if !proven {
        return error("NotAuthorizedException", "Incorrect username or password.");
    }
    next_step(emu, client, username)
}

/// `PASSWORD_VERIFIER` for an SRP exchange the client opened with `srp_a`.
fn srp_challenge(
    emu: &Emulator,
    client: &AppClient,
    username: &str,
    srp_a: &str,
) -> Response<Body> {
    let Some(verifier) = challenges::verifier(emu, username) else {
        return error("UserNotFoundException", "User does not exist.");
    };
    let server = srp::Server::new(&verifier);
    let mut secret_block = vec![0u8; 64];
    crate::random::fill(&mut secret_block);
    let session = super::ids::random_token(32);
    let challenge = json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "Session": session,
        "ChallengeParameters": {
            "SALT": srp::pad_hex(&verifier.salt),
            "SECRET_BLOCK": STANDARD.encode(&secret_block),
            "SRP_B": server.srp_b(),
            "USERNAME": username,
            "USER_ID_FOR_SRP": username,
        },
    });
    let mut state = emu.state();
    state.srp_sessions.retain(|_, s| s.expires > Instant::now());
    state.srp_sessions.insert(
        session,
        SrpSession {
            server,
            username: username.into(),
            client_id: client.client_id.clone(),
            srp_a: srp_a.into(),
            secret_block,
            expires: Instant::now() + challenges::SESSION_TTL,
        },
    );
    ok(challenge)
}

/// After a right password: the user's next challenge, or the tokens (never for a user who has
/// not confirmed their sign-up).
fn next_step(emu: &Emulator, client: &AppClient, username: &str) -> Response<Body> {
    if !challenges::confirmed(emu, username) {
        return error("UserNotConfirmedException", "User is not confirmed.");
    }
    match challenges::after_password(emu, username, &client.client_id) {
        Some((waiting, session)) => ok(challenges::challenge_answer(
            emu, username, waiting, &session,
        )),
        None => sign_in(emu, client, username, Source::Authentication),
    }
}

/// `NEW_PASSWORD_REQUIRED` and `SOFTWARE_TOKEN_MFA` answers, in the session they were asked in.
fn answer_challenge(
    emu: &Emulator,
    client: &AppClient,
    name: &str,
    body: &Map<String, Value>,
    responses: &Map<String, Value>,
) -> Response<Body> {
    let username = str_field(responses, "USERNAME").unwrap_or("");
    if let Err(resp) = check_secret_hash(client, username, str_field(responses, "SECRET_HASH")) {
        return resp;
    }
    let Some(session) = str_field(body, "Session") else {
        return invalid("Session is required");
    };
    match challenges::answer(emu, session, &client.client_id, name, responses) {
        Ok((user, Some((waiting, session)))) => {
            ok(challenges::challenge_answer(emu, &user, waiting, &session))
        }
        Ok((user, None)) if name == "NEW_PASSWORD_REQUIRED" => {
            sign_in(emu, client, &user, Source::NewPasswordChallenge)
        }
        Ok((user, None)) => sign_in(emu, client, &user, Source::Authentication),
        Err((kind, message)) => error(kind, &message),
    }
}

/// The answer to a refresh of either operation.
fn refreshed(emu: &Emulator, client: &AppClient, refresh_token: &str) -> Response<Body> {
    use super::oauth_endpoints::{RefreshRefused, refresh_tokens};
    match refresh_tokens(emu, client, refresh_token) {
        Ok((issued, rotated)) => authentication_result(issued, rotated),
        Err(RefreshRefused::Invalid) => error("NotAuthorizedException", "Invalid Refresh Token"),
        Err(RefreshRefused::Reused) => error(
            "RefreshTokenReuseException",
            "Refresh token has been used and rotated; its grace period is over.",
        ),
        Err(RefreshRefused::Trigger(failed)) => error(failed.kind, &failed.message),
    }
}

/// `GetTokensFromRefreshToken`: a refresh that also rotates the refresh token where the
/// client does. A confidential client sends its secret itself (no SECRET_HASH here).
fn get_tokens_from_refresh_token(emu: &Emulator, body: &Map<String, Value>) -> Response<Body> {
    let client = match client(emu, body) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    if let Some(secret) = &client.secret {
        let given = str_field(body, "ClientSecret").unwrap_or("");
        if aws_lc_rs::constant_time::verify_slices_are_equal(
            secret.expose().as_bytes(),
            given.as_bytes(),
        )
        .is_err()
        {
            return error("NotAuthorizedException", "Client secret is invalid.");
        }
    }
    let Some(refresh_token) = str_field(body, "RefreshToken") else {
        return invalid("RefreshToken is required");
    };
    refreshed(emu, client, refresh_token)
}

fn revoke_token(emu: &Emulator, body: &Map<String, Value>) -> Response<Body> {
    let client = match client(emu, body) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    if let Some(secret) = &client.secret
        && str_field(body, "ClientSecret") != Some(secret.expose())
    {
        return error("NotAuthorizedException", "Client secret is invalid.");
    }
    let Some(token) = str_field(body, "Token") else {
        return invalid("Token is required");
    };
    match super::oauth_endpoints::revoke_refresh_token(emu, client, token) {
        Ok(()) => ok(json!({})),
        Err(_) => error(
            "UnauthorizedException",
            "The token was not issued to this client.",
        ),
    }
}
