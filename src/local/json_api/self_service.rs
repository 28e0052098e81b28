//! The JSON API's self-service operations (SignUp, ConfirmSignUp, ResendConfirmationCode,
//! ForgotPassword, ConfirmForgotPassword): the request's fields read, the confidential
//! client's top-level `SecretHash` checked, the work done by `local/self_service.rs`.

use serde_json::{Map, Value};

use super::super::respond::Body;
use super::super::{Emulator, self_service};
use super::{check_secret_hash, client, error, invalid, ok, str_field};
use hyper::Response;

/// Runs the JSON API's `op` for the client and user the body names (the confidential
/// client's `SecretHash` at the top level, as these operations take it).
pub(super) fn handle(emu: &Emulator, op: &str, body: &Map<String, Value>) -> Response<Body> {
    let client = match client(emu, body) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let Some(username) = str_field(body, "Username").filter(|u| !u.is_empty()) else {
        return invalid("Username is required");
    };
    if let Err(resp) = check_secret_hash(client, username, str_field(body, "SecretHash")) {
        return resp;
    }
    let field = |k: &str| str_field(body, k).unwrap_or("");
    let result = match op {
        "SignUp" => {
            let attributes: Vec<(String, String)> = body
                .get("UserAttributes")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| {
                            Some((
                                x["Name"].as_str()?.to_string(),
                                x["Value"].as_str()?.to_string(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            self_service::sign_up(emu, username, field("Password"), &attributes)
        }
        "ConfirmSignUp" => self_service::confirm_sign_up(emu, username, field("ConfirmationCode")),
        "ResendConfirmationCode" => self_service::resend(emu, username),
        "ForgotPassword" => self_service::forgot(emu, username),
        _ => self_service::confirm_forgot(
            emu,
            username,
            field("ConfirmationCode"),
            field("Password"),
        ),
    };
    match result {
        Ok(answer) => ok(answer),
        Err((kind, message)) => error(kind, &message),
    }
}
