//! Choice-based sign-in (`InitiateAuth` with `USER_AUTH`): the preferred first factor when the
//! user has it, else `SELECT_CHALLENGE` with the factors available, and its answer.

use serde_json::{Map, Value, json};

use super::super::respond::Body;
use super::super::{AppClient, Emulator, challenges};
use super::{check_secret_hash, error, invalid, next_step, ok, srp_challenge, str_field};
use hyper::Response;

/// `InitiateAuth` with `USER_AUTH`.
pub(super) fn initiate(
    emu: &Emulator,
    client: &AppClient,
    p: &Map<String, Value>,
) -> Response<Body> {
    let Some(username) = str_field(p, "USERNAME") else {
        return invalid("USERNAME is required for USER_AUTH");
    };
    if let Err(resp) = check_secret_hash(client, username, str_field(p, "SECRET_HASH")) {
        return resp;
    }
    if emu.user(username).is_none() {
        return error("UserNotFoundException", "User does not exist.");
    }
    if !challenges::confirmed(emu, username) {
        return error("UserNotConfirmedException", "User is not confirmed.");
    }
    let available = challenges::first_factors(emu, username);
    let preferred = str_field(p, "PREFERRED_CHALLENGE").filter(|c| available.contains(c));
    match preferred {
        Some("PASSWORD") if str_field(p, "PASSWORD").is_some() => password(
            emu,
            client,
            username,
            str_field(p, "PASSWORD").unwrap_or(""),
        ),
        Some("PASSWORD_SRP") if str_field(p, "SRP_A").is_some() => {
            srp_challenge(emu, client, username, str_field(p, "SRP_A").unwrap_or(""))
        }
        Some(factor @ ("EMAIL_OTP" | "SMS_OTP")) => ok(challenges::send_code(
            emu,
            username,
            &client.client_id,
            factor,
        )),
        _ => {
            let session = challenges::start(
                emu,
                username,
                &client.client_id,
                challenges::Waiting::Select,
                None,
            );
            ok(json!({
                "ChallengeName": "SELECT_CHALLENGE",
                "Session": session,
                "ChallengeParameters": {},
                "AvailableChallenges": available,
            }))
        }
    }
}

/// `RespondToAuthChallenge` with `SELECT_CHALLENGE`: the chosen factor, with its password or
/// `SRP_A`, or a one-time code sent.
pub(super) fn select(
    emu: &Emulator,
    client: &AppClient,
    body: &Map<String, Value>,
    r: &Map<String, Value>,
) -> Response<Body> {
    let username = str_field(r, "USERNAME").unwrap_or("");
    if let Err(resp) = check_secret_hash(client, username, str_field(r, "SECRET_HASH")) {
        return resp;
    }
    let Some(session) = str_field(body, "Session") else {
        return invalid("Session is required");
    };
    let user = match challenges::take_select(emu, session, &client.client_id) {
        Ok(u) => u,
        Err((kind, message)) => return error(kind, &message),
    };
    let available = challenges::first_factors(emu, &user);
    match str_field(r, "ANSWER").filter(|a| available.contains(a)) {
        Some("PASSWORD") => password(emu, client, &user, str_field(r, "PASSWORD").unwrap_or("")),
        Some("PASSWORD_SRP") => match str_field(r, "SRP_A") {
            Some(srp_a) => srp_challenge(emu, client, &user, srp_a),
            None => invalid("SRP_A is required with ANSWER PASSWORD_SRP"),
        },
        Some(factor @ ("EMAIL_OTP" | "SMS_OTP")) => {
            ok(challenges::send_code(emu, &user, &client.client_id, factor))
        }
        _ => invalid(&format!(
            "ANSWER must be one of the available challenges: {}",
            available.join(", ")
        )),
    }
}

fn password(emu: &Emulator, client: &AppClient, username: &str, password: &str) -> Response<Body> {
    if !challenges::password_ok(emu, username, password) {
        return error("NotAuthorizedException", "Incorrect username or password.");
    }
    next_step(emu, client, username)
}
