//! The hosted UI: `/oauth2/authorize`, the sign-in form at `/login`, cancel, and `/logout`,
//! with Cognito's checks and errors (an error page before the redirect URI is trusted, an
//! `error=` redirect after).

use hyper::body::Incoming;
use hyper::{Request, Response};

use super::Emulator;
use super::challenges::{self, Waiting};
use super::oauth_endpoints::CodeGrant;
use super::respond::{self, Body, get};
use crate::sanitize::html;

/// A validated authorization request.
pub(crate) struct AuthorizeRequest {
    client_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    login_hint: Option<String>,
}

impl AuthorizeRequest {
    fn redirect_error(&self, error: &str, description: &str) -> Response<Body> {
        let mut params = vec![("error", error), ("error_description", description)];
        if let Some(state) = &self.state {
            params.push(("state", state));
        }
        respond::redirect(&respond::with_params(&self.redirect_uri, &params))
    }
}

pub(super) fn validate(
    emu: &Emulator,
    params: &[(String, String)],
) -> Result<AuthorizeRequest, Response<Body>> {
    let client_id = get(params, "client_id").unwrap_or("");
    let Some(client) = emu.client(client_id) else {
        return Err(respond::error_page(
            400,
            "invalid_request",
            "Client does not exist.",
        ));
    };
    let redirect_uri = get(params, "redirect_uri").unwrap_or("");
    if !client.callback_urls.iter().any(|u| u == redirect_uri) {
        return Err(respond::error_page(
            400,
            "redirect_mismatch",
            "The redirect_uri is not one of the app client's callback URLs.",
        ));
    }
    let mut request = AuthorizeRequest {
        client_id: client_id.into(),
        redirect_uri: redirect_uri.into(),
        scopes: get(params, "scope")
            .unwrap_or("openid email profile")
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        state: get(params, "state").map(str::to_string),
        nonce: get(params, "nonce").map(str::to_string),
        code_challenge: get(params, "code_challenge").map(str::to_string),
        login_hint: get(params, "login_hint").map(str::to_string),
    };
    if get(params, "response_type") != Some("code") {
        return Err(
            request.redirect_error("unsupported_response_type", "response_type must be code")
        );
    }
    if let Some(bad) = request.scopes.iter().find(|s| !client.scopes.contains(s)) {
        let description = format!("scope {bad} is not allowed for this client");
        return Err(request.redirect_error("invalid_scope", &description));
    }
    if let Some(idp) = get(params, "identity_provider")
        && idp != "COGNITO"
    {
        let description = format!("identity provider {idp} is not configured for this client");
        return Err(request.redirect_error("invalid_request", &description));
    }
    match (
        request.code_challenge.as_deref(),
        get(params, "code_challenge_method"),
    ) {
        (Some(c), Some("S256")) if !c.is_empty() => {}
        (Some(_), _) => {
            return Err(
                request.redirect_error("invalid_request", "code_challenge_method must be S256")
            );
        }
        (None, _) if client.secret.is_none() => {
            return Err(request.redirect_error(
                "invalid_request",
                "a public client must send a PKCE code_challenge (S256)",
            ));
        }
        (None, _) => request.code_challenge = None,
    }
    if request.scopes.is_empty() {
        request.scopes = vec!["openid".into()];
    }
    Ok(request)
}

pub fn authorize(emu: &Emulator, req: &Request<Incoming>) -> Response<Body> {
    match validate(emu, &respond::query(req)) {
        Ok(_) => respond::redirect(&format!("/login?{}", req.uri().query().unwrap_or(""))),
        Err(resp) => resp,
    }
}

pub fn login_form(emu: &Emulator, req: &Request<Incoming>) -> Response<Body> {
    let query = req.uri().query().unwrap_or("");
    match validate(emu, &respond::query(req)) {
        Ok(request) => form_page(query, request.login_hint.as_deref(), None),
        Err(resp) => resp,
    }
}

/// The name of the XSRF cookie the sign-in form is posted with (Cognito's).
const XSRF_COOKIE: &str = "XSRF-TOKEN";

/// The sign-in page with a fresh XSRF token, in a cookie and in the form's `_csrf` field: a
/// post must carry both, equal, as Cognito's hosted UI checks.
pub(super) fn form_page(
    query: &str,
    username: Option<&str>,
    error: Option<&str>,
) -> Response<Body> {
    let token = super::ids::random_token(32);
    with_xsrf_cookie(
        respond::html(200, form(query, username, error, &token)),
        &token,
    )
}

/// Sets the XSRF cookie a page's form must echo.
pub(super) fn with_xsrf_cookie(mut resp: Response<Body>, token: &str) -> Response<Body> {
    if let Ok(v) = format!("{XSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax").parse() {
        resp.headers_mut().insert(hyper::header::SET_COOKIE, v);
    }
    resp
}

fn form(query: &str, username: Option<&str>, error: Option<&str>, xsrf: &str) -> String {
    let error = error
        .map(|e| {
            format!(
                "<p class=\"error\" id=\"loginErrorMessage\">{}</p>",
                html(e)
            )
        })
        .unwrap_or_default();
    respond::page(
        "Signin",
        &format!(
            "<h1>Sign in to cwsauth local</h1>{error}\
             <form name=\"cognitoSignInForm\" method=\"post\" action=\"/login?{q}\">\
             <input name=\"_csrf\" type=\"hidden\" value=\"{x}\">\
             <label>Username <input id=\"signInFormUsername\" name=\"username\" type=\"text\" value=\"{u}\" autocomplete=\"username\"></label>\
             <label>Password <input id=\"signInFormPassword\" name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\
             <input name=\"signInSubmitButton\" type=\"submit\" value=\"Sign in\">\
             </form>\
             <p><a id=\"signup\" href=\"/signup?{q}\">Sign up</a> · \
             <a id=\"forgotPassword\" href=\"/forgotPassword?{q}\">Forgot your password?</a> · \
             <a id=\"cancel\" href=\"/login/cancel?{q}\">Cancel</a></p>",
            q = html(query),
            u = html(username.unwrap_or("")),
            x = html(xsrf),
        ),
    )
}

/// A form posted from elsewhere has no cookie of ours, or not the one its page was given: 403.
pub(super) fn check_xsrf(
    form_fields: &[(String, String)],
    xsrf_cookie: Option<&str>,
) -> Result<(), Response<Body>> {
    let posted = get(form_fields, "_csrf").unwrap_or("");
    let matches = xsrf_cookie.is_some_and(|c| {
        !c.is_empty()
            && aws_lc_rs::constant_time::verify_slices_are_equal(c.as_bytes(), posted.as_bytes())
                .is_ok()
    });
    if matches {
        return Ok(());
    }
    Err(respond::error_page(
        403,
        "Forbidden",
        "The form was not posted from this sign-in page (its XSRF token is missing or wrong). Reload the page and try again.",
    ))
}

pub fn login_submit(
    emu: &Emulator,
    query: &str,
    form_fields: &[(String, String)],
    xsrf_cookie: Option<&str>,
) -> Response<Body> {
    let request = match validate(emu, &respond::parse_pairs(query)) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if let Err(refused) = check_xsrf(form_fields, xsrf_cookie) {
        return refused;
    }
    // The answer to a challenge page (a new password, a code) continues its sign-in.
    if let Some(session) = get(form_fields, "session") {
        return continue_sign_in(emu, query, &request, session, form_fields);
    }
    let username = get(form_fields, "username").unwrap_or("");
    let password = get(form_fields, "password").unwrap_or("");
    if emu.user(username).is_none() || !challenges::password_ok(emu, username, password) {
        return form_page(
            query,
            Some(username),
            Some("Incorrect username or password."),
        );
    }
    if !challenges::confirmed(emu, username) {
        return form_page(query, Some(username), Some("User is not confirmed."));
    }
    match challenges::after_password(emu, username, &request.client_id) {
        Some((Waiting::MfaSetup, session)) => mfa_setup_page(emu, query, &session, username),
        Some((waiting, session)) => challenge_page(query, waiting, &session, None),
        None => signed_in(emu, &request, username),
    }
}

/// A required MFA's enrollment: a new secret for the sign-in's session, shown as its key and
/// `otpauth://` address, and a field for the first code.
fn mfa_setup_page(emu: &Emulator, query: &str, session: &str, username: &str) -> Response<Body> {
    use super::enrollment::{Enrolling, associate};
    match associate(emu, &Enrolling::Session(session)) {
        Ok(answer) => {
            let secret = answer["SecretCode"].as_str().unwrap_or("");
            let next = answer["Session"].as_str().unwrap_or("");
            setup_form(query, (next, username), secret, None)
        }
        Err((_, message)) => form_page(query, None, Some(&message)),
    }
}

/// The enrollment form of `mfa_setup_page`, again with an error after a wrong code.
fn setup_form(
    query: &str,
    (session, username): (&str, &str),
    secret: &str,
    error: Option<&str>,
) -> Response<Body> {
    let uri = crate::cognito::totp::otpauth_uri(
        super::ids::POOL_ID,
        username,
        &crate::redacted::Secret::new(secret),
    );
    let extra = format!(
        "<p>Add this account to your authenticator app: key <code id=\"secretCode\">{k}</code>, \
         or <a id=\"otpauthUri\" href=\"{u}\">its address</a>.</p>\
         <input name=\"mfa_setup\" type=\"hidden\" value=\"{k}\">",
        k = html(secret),
        u = html(&uri)
    );
    challenge_page_with(query, Waiting::MfaSetup, session, error, &extra)
}

/// Takes a challenge page's answer: the next page, the redirect with a code, or the sign-in
/// form again when the session is over.
fn continue_sign_in(
    emu: &Emulator,
    query: &str,
    request: &AuthorizeRequest,
    session: &str,
    form_fields: &[(String, String)],
) -> Response<Body> {
    if let (Some(secret), Some(code)) = (get(form_fields, "mfa_setup"), get(form_fields, "code")) {
        return finish_mfa_setup(emu, query, request, session, secret, code);
    }
    // A code answers what the session waits for: the app's, or one sent by SMS or email.
    let (waiting, key, value) = match (get(form_fields, "new_password"), get(form_fields, "code")) {
        (Some(p), _) => (Waiting::NewPassword, "NEW_PASSWORD".to_string(), p),
        (None, Some(c)) => {
            let waiting =
                challenges::session_of(emu, session).map_or(Waiting::SoftwareToken, |(_, w)| w);
            (waiting, format!("{}_CODE", waiting.name()), c)
        }
        (None, None) => return form_page(query, None, Some("Sign in again.")),
    };
    let mut responses = serde_json::Map::new();
    responses.insert(key, serde_json::Value::String(value.into()));
    match challenges::answer(emu, session, &request.client_id, waiting.name(), &responses) {
        Ok((user, None)) => signed_in(emu, request, &user),
        Ok((user, Some((Waiting::MfaSetup, session)))) => {
            mfa_setup_page(emu, query, &session, &user)
        }
        Ok((_, Some((next, session)))) => challenge_page(query, next, &session, None),
        Err((kind, message))
            if kind == "CodeMismatchException" || kind == "InvalidPasswordException" =>
        {
            challenge_page(query, waiting, session, Some(&message))
        }
        Err((_, message)) => form_page(query, None, Some(&message)),
    }
}

/// The first code of a required MFA's enrollment: verified in the sign-in's session, which
/// then ends with the redirect; a wrong code shows the form again.
fn finish_mfa_setup(
    emu: &Emulator,
    query: &str,
    request: &AuthorizeRequest,
    session: &str,
    secret: &str,
    code: &str,
) -> Response<Body> {
    use super::enrollment::{Enrolling, verify};
    let username = challenges::session_of(emu, session)
        .map(|(user, _)| user)
        .unwrap_or_default();
    let next = match verify(emu, &Enrolling::Session(session), code.trim()) {
        Ok(answer) => answer["Session"].as_str().unwrap_or("").to_string(),
        Err((kind, message)) if kind != "NotAuthorizedException" => {
            return setup_form(query, (session, &username), secret, Some(&message));
        }
        Err((_, message)) => return form_page(query, None, Some(&message)),
    };
    let none = serde_json::Map::new();
    match challenges::answer(emu, &next, &request.client_id, "MFA_SETUP", &none) {
        Ok((user, _)) => signed_in(emu, request, &user),
        Err((_, message)) => form_page(query, None, Some(&message)),
    }
}

/// A page that asks for a new password or a code, in the sign-in's session.
fn challenge_page(
    query: &str,
    waiting: Waiting,
    session: &str,
    error: Option<&str>,
) -> Response<Body> {
    challenge_page_with(query, waiting, session, error, "")
}

/// [`challenge_page`] with more of the form (`extra`, HTML) before its field.
fn challenge_page_with(
    query: &str,
    waiting: Waiting,
    session: &str,
    error: Option<&str>,
    extra: &str,
) -> Response<Body> {
    let token = super::ids::random_token(32);
    let error = error
        .map(|e| {
            format!(
                "<p class=\"error\" id=\"challengeErrorMessage\">{}</p>",
                html(e)
            )
        })
        .unwrap_or_default();
    let (title, field) = match waiting {
        Waiting::NewPassword => (
            "Change your password",
            "<label>New password <input id=\"newPassword\" name=\"new_password\" type=\"password\" autocomplete=\"new-password\"></label>",
        ),
        other => (
            match other {
                Waiting::MfaSetup => "Set up multi-factor authentication",
                Waiting::SmsMfa | Waiting::SmsOtp => "Enter the code we sent by SMS",
                Waiting::EmailOtp => "Enter the code we sent by email",
                _ => "Enter the code from your authenticator app",
            },
            "<label>Code <input id=\"totpCode\" name=\"code\" type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\"></label>",
        ),
    };
    let body = format!(
        "<h1>{title}</h1>{error}\
         <form name=\"cognitoChallengeForm\" method=\"post\" action=\"/login?{q}\">\
         <input name=\"_csrf\" type=\"hidden\" value=\"{x}\">\
         <input name=\"session\" type=\"hidden\" value=\"{s}\">{extra}{field}\
         <input name=\"challengeSubmitButton\" type=\"submit\" value=\"Continue\">\
         </form>",
        q = html(query),
        x = html(&token),
        s = html(session),
    );
    with_xsrf_cookie(respond::html(200, respond::page(title, &body)), &token)
}

/// The redirect back to the app with a new authorization code.
fn signed_in(emu: &Emulator, request: &AuthorizeRequest, username: &str) -> Response<Body> {
    let code = super::ids::uuid();
    emu.state().codes.insert(
        code.clone(),
        CodeGrant {
            client_id: request.client_id.clone(),
            redirect_uri: request.redirect_uri.clone(),
            username: username.to_string(),
            scopes: request.scopes.clone(),
            nonce: request.nonce.clone(),
            code_challenge: request.code_challenge.clone(),
            expires: std::time::Instant::now() + emu.options.code_ttl,
            auth_time: crate::timefmt::now_epoch(),
        },
    );
    let mut params = vec![("code", code.as_str())];
    if let Some(state) = &request.state {
        params.push(("state", state));
    }
    respond::redirect(&respond::with_params(&request.redirect_uri, &params))
}

pub fn cancel(emu: &Emulator, req: &Request<Incoming>) -> Response<Body> {
    match validate(emu, &respond::query(req)) {
        Ok(request) => request.redirect_error("access_denied", "The user cancelled the sign-in."),
        Err(resp) => resp,
    }
}

pub fn logout(emu: &Emulator, req: &Request<Incoming>) -> Response<Body> {
    let params = respond::query(req);
    let Some(client) = emu.client(get(&params, "client_id").unwrap_or("")) else {
        return respond::error_page(400, "invalid_request", "Client does not exist.");
    };
    match get(&params, "logout_uri") {
        Some(uri) if client.logout_urls.iter().any(|u| u == uri) => respond::redirect(uri),
        _ => respond::error_page(
            400,
            "invalid_request",
            "The logout_uri is not one of the app client's sign-out URLs.",
        ),
    }
}
