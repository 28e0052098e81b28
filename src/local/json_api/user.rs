//! The operations a signed-in user calls on themselves with an access token: GetUser and
//! TOTP enrollment (AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference), the
//! first two also inside an `MFA_SETUP` sign-in with its session.

use serde_json::{Map, Value, json};

use super::super::Emulator;
use super::super::enrollment::{self, Enrolling};
use super::super::respond::Body;
use super::{ADMIN_SCOPE, error, invalid, ok, str_field};
use hyper::Response;

/// The user an access token with the `aws.cognito.signin.user.admin` scope names, as the
/// operations a user calls on themselves require.
fn signed_in_user(emu: &Emulator, body: &Map<String, Value>) -> Result<String, Response<Body>> {
    let Some(token) = str_field(body, "AccessToken") else {
        return Err(invalid("AccessToken is required"));
    };
    let Some(claims) = super::super::oauth_endpoints::check_access_token(emu, token) else {
        return Err(error("NotAuthorizedException", "Invalid Access Token"));
    };
    let scope = claims.get("scope").and_then(Value::as_str).unwrap_or("");
    if !scope.split(' ').any(|s| s == ADMIN_SCOPE) {
        return Err(error(
            "NotAuthorizedException",
            "Access Token does not have required scopes",
        ));
    }
    Ok(claims
        .get("username")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string())
}

pub(super) fn get_user(emu: &Emulator, body: &Map<String, Value>) -> Response<Body> {
    let username = match signed_in_user(emu, body) {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let Some(user) = emu.user(&username) else {
        return error("UserNotFoundException", "User does not exist.");
    };
    ok(json!({
        "Username": user.spec.username,
        "UserAttributes": [
            {"Name": "sub", "Value": user.sub},
            {"Name": "email", "Value": user.email},
            {"Name": "email_verified", "Value": "true"},
        ],
    }))
}

/// TOTP enrollment: `AssociateSoftwareToken` and `VerifySoftwareToken` by the signed-in user
/// (AccessToken) or inside an `MFA_SETUP` sign-in (Session), `SetUserMFAPreference`.
pub(super) fn software_token(
    emu: &Emulator,
    op: &str,
    body: &Map<String, Value>,
) -> Response<Body> {
    let session = str_field(body, "Session").filter(|_| op != "SetUserMFAPreference");
    let username = match session {
        Some(_) => String::new(),
        None => match signed_in_user(emu, body) {
            Ok(u) => u,
            Err(resp) => return resp,
        },
    };
    let who = match session {
        Some(s) => Enrolling::Session(s),
        None => Enrolling::User(&username),
    };
    let result = match op {
        "AssociateSoftwareToken" => enrollment::associate(emu, &who),
        "VerifySoftwareToken" => {
            enrollment::verify(emu, &who, str_field(body, "UserCode").unwrap_or(""))
        }
        _ => enrollment::set_preference(emu, &username, &Value::Object(body.clone())),
    };
    match result {
        Ok(answer) => ok(answer),
        Err((kind, message)) => error(kind, &message),
    }
}
