//! The hosted UI's sign-up and forgot-password pages, as Cognito's (`/signup`, `/confirmUser`,
//! `/forgotPassword`, `/confirmForgotPassword`, under the same authorize query as `/login`):
//! each form XSRF-checked like the sign-in's, codes sent to the outbox, and back to the sign-in
//! page when done.

use hyper::Response;

use super::Emulator;
use super::hosted_ui::{check_xsrf, form_page, validate, with_xsrf_cookie};
use super::respond::{self, Body, get};
use super::self_service;
use crate::sanitize::html;

/// An input of a page's form: label, name, type.
type Field = (&'static str, &'static str, &'static str);

const SIGN_UP: &[Field] = &[
    ("Username", "username", "text"),
    ("Email", "email", "email"),
    ("Password", "password", "password"),
];
const CONFIRM: &[Field] = &[("Confirmation code", "code", "text")];
const FORGOT: &[Field] = &[("Username", "username", "text")];
const RESET: &[Field] = &[
    ("Code", "code", "text"),
    ("New password", "password", "password"),
];

/// The page at `path` (GET), or None for another path.
pub fn page(emu: &Emulator, path: &str, query: &str) -> Option<Response<Body>> {
    let (title, action, fields) = match path {
        "/signup" => ("Sign up", "/signup", SIGN_UP),
        "/forgotPassword" => ("Forgot your password?", "/forgotPassword", FORGOT),
        _ => return None,
    };
    Some(match validate(emu, &respond::parse_pairs(query)) {
        Ok(_) => form(title, action, query, fields, None, None),
        Err(resp) => resp,
    })
}

/// A posted page (POST), or None for another path.
pub fn submit(
    emu: &Emulator,
    path: &str,
    query: &str,
    posted: &[(String, String)],
    xsrf_cookie: Option<&str>,
) -> Option<Response<Body>> {
    if ![
        "/signup",
        "/confirmUser",
        "/forgotPassword",
        "/confirmForgotPassword",
    ]
    .contains(&path)
    {
        return None;
    }
    if let Err(resp) = validate(emu, &respond::parse_pairs(query)) {
        return Some(resp);
    }
    if let Err(refused) = check_xsrf(posted, xsrf_cookie) {
        return Some(refused);
    }
    let field = |k: &str| get(posted, k).unwrap_or("");
    let username = field("username");
    Some(match path {
        "/signup" => {
            let attributes = vec![("email".to_string(), field("email").to_string())];
            match self_service::sign_up(emu, username, field("password"), &attributes) {
                Ok(_) => form(
                    "Confirm your account",
                    "/confirmUser",
                    query,
                    CONFIRM,
                    Some(username),
                    None,
                ),
                Err((_, why)) => form("Sign up", "/signup", query, SIGN_UP, None, Some(&why)),
            }
        }
        "/confirmUser" => match self_service::confirm_sign_up(emu, username, field("code")) {
            Ok(_) => form_page(query, Some(username), None),
            Err((_, why)) => form(
                "Confirm your account",
                "/confirmUser",
                query,
                CONFIRM,
                Some(username),
                Some(&why),
            ),
        },
        "/forgotPassword" => match self_service::forgot(emu, username) {
            Ok(_) => form(
                "Reset your password",
                "/confirmForgotPassword",
                query,
                RESET,
                Some(username),
                None,
            ),
            Err((_, why)) => form(
                "Forgot your password?",
                "/forgotPassword",
                query,
                FORGOT,
                None,
                Some(&why),
            ),
        },
        _ => match self_service::confirm_forgot(emu, username, field("code"), field("password")) {
            Ok(_) => form_page(query, Some(username), None),
            Err((_, why)) => form(
                "Reset your password",
                "/confirmForgotPassword",
                query,
                RESET,
                Some(username),
                Some(&why),
            ),
        },
    })
}

/// A form posting to `action?query`, with a fresh XSRF token; `user` rides along hidden.
fn form(
    title: &str,
    action: &str,
    query: &str,
    fields: &[Field],
    user: Option<&str>,
    error: Option<&str>,
) -> Response<Body> {
    let token = super::ids::random_token(32);
    let error = error
        .map(|e| {
            format!(
                "<p class=\"error\" id=\"accountErrorMessage\">{}</p>",
                html(e)
            )
        })
        .unwrap_or_default();
    let hidden = user
        .map(|u| {
            format!(
                "<input name=\"username\" type=\"hidden\" value=\"{}\">",
                html(u)
            )
        })
        .unwrap_or_default();
    let inputs: String = fields
        .iter()
        .map(|(label, name, kind)| {
            format!("<label>{label} <input id=\"{name}\" name=\"{name}\" type=\"{kind}\"></label>")
        })
        .collect();
    let body = format!(
        "<h1>{title}</h1>{error}\
         <form method=\"post\" action=\"{action}?{q}\">\
         <input name=\"_csrf\" type=\"hidden\" value=\"{x}\">{hidden}{inputs}\
         <input type=\"submit\" value=\"Continue\"></form>\
         <p><a href=\"/login?{q}\">Back to sign in</a></p>",
        q = html(query),
        x = html(&token),
    );
    with_xsrf_cookie(respond::html(200, respond::page(title, &body)), &token)
}
