//! The operations a signed-in user calls on themselves with an access token: GetUser and
//! TOTP enrollment (AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference).

use serde_json::{Map, Value, json};

use super::super::respond::Body;
use super::super::{Emulator, challenges};
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

/// TOTP enrollment by the signed-in user: `AssociateSoftwareToken`, `VerifySoftwareToken`,
/// `SetUserMFAPreference`.
pub(super) fn software_token(
    emu: &Emulator,
    op: &str,
    body: &Map<String, Value>,
) -> Response<Body> {
    let username = match signed_in_user(emu, body) {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let result = match op {
        "AssociateSoftwareToken" => challenges::associate(emu, &username),
        "VerifySoftwareToken" => {
            challenges::verify(emu, &username, str_field(body, "UserCode").unwrap_or(""))
        }
        _ => challenges::set_preference(emu, &username, &Value::Object(body.clone())),
    };
    match result {
        Ok(answer) => ok(answer),
        Err((kind, message)) => error(kind, &message),
    }
}
