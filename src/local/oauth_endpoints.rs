//! The OAuth 2.0 endpoints: `/oauth2/token` (authorization_code with PKCE, refresh_token,
//! client_credentials), `/oauth2/revoke` and `/oauth2/userInfo`, with Cognito's error bodies.

use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hyper::body::Incoming;
use hyper::{HeaderMap, Request, Response};
use serde_json::{Value, json};

use super::respond::{self, Body, get, oauth_error};
use super::tokens::{self, Grant, Issued};
use super::{AppClient, Emulator, M2M_SCOPE};

/// An authorization code waiting for its exchange.
pub(crate) struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub username: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub expires: Instant,
    pub auth_time: i64,
}

/// A refresh token and the sign-in it continues.
pub(crate) struct RefreshGrant {
    pub client_id: String,
    pub username: String,
    pub scopes: Vec<String>,
    pub origin_jti: String,
    pub auth_time: i64,
    pub revoked: bool,
    /// When a rotated refresh token replaced it: accepted again only within the client's
    /// grace period (`RetryGracePeriodSeconds`), and the sign-in lives on.
    pub retired: Option<Instant>,
    /// From the JSON API: ID tokens regardless of scope.
    pub always_id_token: bool,
}

/// The client named by HTTP Basic or the body, with its secret checked.
fn authenticate<'a>(
    emu: &'a Emulator,
    headers: &HeaderMap,
    form: &[(String, String)],
) -> Result<&'a AppClient, Response<Body>> {
    let (client_id, secret) = match respond::basic_auth(headers) {
        Some((id, secret)) => (id, Some(secret)),
        None => (
            get(form, "client_id").unwrap_or("").to_string(),
            get(form, "client_secret").map(str::to_string),
        ),
    };
    let Some(client) = emu.client(&client_id) else {
        return Err(oauth_error(400, "invalid_client"));
    };
    if let Some(expected) = &client.secret {
        let ok = secret.is_some_and(|s| {
            aws_lc_rs::constant_time::verify_slices_are_equal(
                s.as_bytes(),
                expected.expose().as_bytes(),
            )
            .is_ok()
        });
        if !ok {
            return Err(oauth_error(401, "invalid_client"));
        }
    }
    Ok(client)
}

/// The token endpoint's answer when the pre-token-generation trigger failed.
fn trigger_error(failed: &super::triggers::TriggerFailed) -> Response<Body> {
    respond::json(
        400,
        &serde_json::json!({"error": "invalid_request", "error_description": failed.message}),
    )
}

fn token_response(issued: Issued, refresh_token: Option<String>) -> Response<Body> {
    respond::json(200, &issued.answer(&tokens::OAUTH, refresh_token))
}

pub async fn token(emu: &Emulator, req: Request<Incoming>) -> Response<Body> {
    let is_form = req
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (parts, bytes) = match respond::read_body(req).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    if !is_form {
        return oauth_error(400, "invalid_request");
    }
    let form = respond::parse_pairs(&String::from_utf8_lossy(&bytes));
    let client = match authenticate(emu, &parts.headers, &form) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    match get(&form, "grant_type") {
        Some("authorization_code") => authorization_code(emu, client, &form),
        Some("refresh_token") => refresh(emu, client, get(&form, "refresh_token").unwrap_or("")),
        Some("client_credentials") => client_credentials(emu, client, get(&form, "scope")),
        Some(_) => oauth_error(400, "unsupported_grant_type"),
        None => oauth_error(400, "invalid_request"),
    }
}

fn authorization_code(
    emu: &Emulator,
    client: &AppClient,
    form: &[(String, String)],
) -> Response<Body> {
    let code = get(form, "code").unwrap_or("");
    // Removed before any check: a code is good for one attempt, as on Cognito.
    let Some(grant) = emu.state().codes.remove(code) else {
        return oauth_error(400, "invalid_grant");
    };
    if grant.expires < Instant::now()
        || grant.client_id != client.client_id
        || get(form, "redirect_uri") != Some(grant.redirect_uri.as_str())
    {
        return oauth_error(400, "invalid_grant");
    }
    if let Some(challenge) = &grant.code_challenge {
        let verifier = get(form, "code_verifier").unwrap_or("");
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
        if verifier.is_empty() || URL_SAFE_NO_PAD.encode(digest.as_ref()) != *challenge {
            return oauth_error(400, "invalid_grant");
        }
    }
    let Some(user) = emu.user(&grant.username) else {
        return oauth_error(400, "invalid_grant");
    };
    let origin_jti = super::ids::uuid();
    let signed_in = sign_in(
        emu,
        client,
        &Grant {
            user: &user,
            client_id: &client.client_id,
            scopes: &grant.scopes,
            auth_time: grant.auth_time,
            origin_jti: &origin_jti,
            nonce: grant.nonce.as_deref(),
            with_id_token: grant.scopes.iter().any(|s| s == "openid"),
            source: super::triggers::Source::HostedAuth,
        },
        false,
    );
    match signed_in {
        Ok((issued, refresh)) => token_response(issued, Some(refresh)),
        Err(failed) => trigger_error(&failed),
    }
}

/// A new sign-in: its tokens and a refresh token stored for it (`always_id_token`: refreshes
/// give ID tokens whatever the scopes, as the JSON API's do).
pub(crate) fn sign_in(
    emu: &Emulator,
    client: &AppClient,
    grant: &Grant<'_>,
    always_id_token: bool,
) -> Result<(Issued, String), super::triggers::TriggerFailed> {
    let issued = tokens::issue(emu, grant)?;
    let refresh = new_refresh_token(
        emu,
        client,
        &grant.user.spec.username,
        grant.scopes,
        grant.origin_jti.to_string(),
        grant.auth_time,
        always_id_token,
    );
    Ok((issued, refresh))
}

/// Stores a new refresh token for a sign-in and returns it.
pub(crate) fn new_refresh_token(
    emu: &Emulator,
    client: &AppClient,
    username: &str,
    scopes: &[String],
    origin_jti: String,
    auth_time: i64,
    always_id_token: bool,
) -> String {
    let token = super::ids::random_token(48);
    emu.state().refresh_tokens.insert(
        token.clone(),
        RefreshGrant {
            client_id: client.client_id.clone(),
            username: username.into(),
            scopes: scopes.to_vec(),
            origin_jti,
            auth_time,
            revoked: false,
            retired: None,
            always_id_token,
        },
    );
    token
}

/// Why a refresh token was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RefreshRefused {
    /// Unknown, revoked, or another client's.
    Invalid,
    /// Replaced by a rotated one longer ago than the grace period.
    Reused,
    /// The pre-token-generation trigger failed.
    Trigger(super::triggers::TriggerFailed),
}

/// New tokens for a refresh token. With rotation on, a new refresh token comes too and the
/// old one is retired: taken again only within the grace period, refused as reused after. The
/// tokens are made (the trigger run) before anything is rotated: a failing trigger leaves the
/// refresh token as it was.
pub(crate) fn refresh_tokens(
    emu: &Emulator,
    client: &AppClient,
    refresh_token: &str,
) -> Result<(Issued, Option<String>), RefreshRefused> {
    let rotate = emu.options.rotate_refresh_tokens;
    let (username, scopes, origin_jti, auth_time, always_id) = {
        let mut state = emu.state();
        let grant = state
            .refresh_tokens
            .get_mut(refresh_token)
            .ok_or(RefreshRefused::Invalid)?;
        if grant.revoked || grant.client_id != client.client_id {
            return Err(RefreshRefused::Invalid);
        }
        if grant
            .retired
            .is_some_and(|at| at.elapsed() > emu.options.refresh_token_grace)
        {
            return Err(RefreshRefused::Reused);
        }
        (
            grant.username.clone(),
            grant.scopes.clone(),
            grant.origin_jti.clone(),
            grant.auth_time,
            grant.always_id_token,
        )
    };
    let user = emu.user(&username).ok_or(RefreshRefused::Invalid)?;
    let issued = tokens::issue(
        emu,
        &Grant {
            user: &user,
            client_id: &client.client_id,
            scopes: &scopes,
            auth_time,
            origin_jti: &origin_jti,
            nonce: None,
            with_id_token: always_id || scopes.iter().any(|s| s == "openid"),
            source: super::triggers::Source::RefreshTokens,
        },
    )
    .map_err(RefreshRefused::Trigger)?;
    if rotate
        && let Some(grant) = emu.state().refresh_tokens.get_mut(refresh_token)
        && grant.retired.is_none()
    {
        grant.retired = Some(Instant::now());
    }
    let rotated = rotate.then(|| {
        new_refresh_token(
            emu,
            client,
            &username,
            &scopes,
            origin_jti.clone(),
            auth_time,
            always_id,
        )
    });
    Ok((issued, rotated))
}

fn refresh(emu: &Emulator, client: &AppClient, refresh_token: &str) -> Response<Body> {
    match refresh_tokens(emu, client, refresh_token) {
        Ok((issued, rotated)) => token_response(issued, rotated),
        Err(RefreshRefused::Trigger(failed)) => trigger_error(&failed),
        Err(_) => oauth_error(400, "invalid_grant"),
    }
}

fn client_credentials(emu: &Emulator, client: &AppClient, scope: Option<&str>) -> Response<Body> {
    if client.secret.is_none() {
        return oauth_error(400, "unauthorized_client");
    }
    let allowed: Vec<&String> = client.scopes.iter().filter(|s| s.contains('/')).collect();
    let scopes: Vec<String> = match scope {
        Some(s) => s.split_whitespace().map(str::to_string).collect(),
        None => allowed.iter().map(|s| s.to_string()).collect(),
    };
    if scopes.is_empty() || scopes.iter().any(|s| !allowed.contains(&s)) {
        return oauth_error(400, "invalid_scope");
    }
    debug_assert!(allowed.iter().any(|s| *s == M2M_SCOPE));
    match tokens::issue_m2m(emu, &client.client_id, &scopes) {
        Ok(issued) => token_response(issued, None),
        Err(failed) => trigger_error(&failed),
    }
}

/// Revokes a refresh token and the access tokens of its sign-in.
pub(crate) fn revoke_refresh_token(
    emu: &Emulator,
    client: &AppClient,
    token: &str,
) -> Result<(), &'static str> {
    let mut state = emu.state();
    let origin = match state.refresh_tokens.get(token) {
        Some(grant) if grant.client_id != client.client_id => return Err("unauthorized_client"),
        Some(grant) => grant.origin_jti.clone(),
        // RFC 7009: an unknown token is not an error.
        None => return Ok(()),
    };
    // The whole sign-in ends: every refresh token rotated from the same one, as Cognito's
    // revocation ends the tokens of one origin.
    for grant in state.refresh_tokens.values_mut() {
        if grant.origin_jti == origin {
            grant.revoked = true;
        }
    }
    Ok(())
}

pub async fn revoke(emu: &Emulator, req: Request<Incoming>) -> Response<Body> {
    let (parts, bytes) = match respond::read_body(req).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let form = respond::parse_pairs(&String::from_utf8_lossy(&bytes));
    let client = match authenticate(emu, &parts.headers, &form) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let Some(token) = get(&form, "token") else {
        return oauth_error(400, "invalid_request");
    };
    match revoke_refresh_token(emu, client, token) {
        Ok(()) => respond::response(200, "application/json;charset=UTF-8", ""),
        Err(error) => oauth_error(400, error),
    }
}

/// The claims of a valid, unrevoked access token of this pool.
pub(crate) fn check_access_token(
    emu: &Emulator,
    token: &str,
) -> Option<serde_json::Map<String, Value>> {
    let checks = emu.checks(cwsauth_verify::ClientIds::Any);
    let verified =
        cwsauth_verify::verify(token, &checks, &emu.keys, crate::timefmt::now_epoch()).ok()?;
    let origin = verified.claim_str("origin_jti").unwrap_or("");
    let revoked = emu
        .state()
        .refresh_tokens
        .values()
        .any(|g| g.revoked && g.origin_jti == origin);
    (!revoked).then_some(verified.claims)
}

pub fn userinfo(emu: &Emulator, req: &Request<Incoming>) -> Response<Body> {
    let token = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(cwsauth_verify::authorizer::bearer_token);
    let claims = token.and_then(|t| check_access_token(emu, t));
    let Some(claims) = claims else {
        let mut resp = oauth_error(401, "invalid_token");
        if let Ok(v) = "Bearer error=\"invalid_token\"".parse() {
            resp.headers_mut()
                .insert(hyper::header::WWW_AUTHENTICATE, v);
        }
        return resp;
    };
    let scope = claims.get("scope").and_then(Value::as_str).unwrap_or("");
    if !scope.split(' ').any(|s| s == "openid") {
        return oauth_error(403, "insufficient_scope");
    }
    let username = claims.get("username").and_then(Value::as_str).unwrap_or("");
    let Some(user) = emu.user(username) else {
        return oauth_error(401, "invalid_token");
    };
    respond::json(
        200,
        &json!({
            "sub": user.sub,
            "email_verified": "true",
            "email": user.email,
            "username": user.spec.username,
        }),
    )
}
