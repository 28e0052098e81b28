//! TOTP enrollment as Cognito does it: `AssociateSoftwareToken` and `VerifySoftwareToken` for
//! a signed-in user (access token) or inside a sign-in that must set MFA up first (the
//! `MFA_SETUP` challenge's session, each call answering a new one), and
//! `SetUserMFAPreference`.

use std::time::Instant;

use serde_json::{Value, json};

use super::Emulator;
use super::challenges::{Refusal, Waiting};
use crate::cognito::totp;

/// Who enrolls: the user of an access token, or the sign-in of an `MFA_SETUP` session.
pub(crate) enum Enrolling<'a> {
    User(&'a str),
    Session(&'a str),
}

/// A sign-in's session being enrolled in: its client, and its id.
type InSession = Option<(String, String)>;

/// The user of `who`; for a session, also the session's client and id (the session stays
/// until a call succeeds, so a wrong code can be typed again).
fn user_of(emu: &Emulator, who: &Enrolling<'_>) -> Result<(String, InSession), Refusal> {
    match who {
        Enrolling::User(name) => Ok((name.to_string(), None)),
        Enrolling::Session(session) => {
            let state = emu.state();
            match state.challenge_sessions.get(*session) {
                Some(s) if s.waiting == Waiting::MfaSetup && s.expires > Instant::now() => Ok((
                    s.username.clone(),
                    Some((s.client_id.clone(), session.to_string())),
                )),
                _ => Err((
                    "NotAuthorizedException",
                    "Invalid session for the user, session is expired.".into(),
                )),
            }
        }
    }
}

/// The answer with the sign-in's next session (the one used ends), when enrolling inside one.
fn with_session(
    emu: &Emulator,
    mut answer: Value,
    username: &str,
    client: InSession,
    enrolled: bool,
) -> Value {
    if let Some((client_id, used)) = client {
        emu.state().challenge_sessions.remove(&used);
        let session = super::challenges::start(emu, username, &client_id, Waiting::MfaSetup, None);
        if enrolled && let Some(s) = emu.state().challenge_sessions.get_mut(&session) {
            s.enrolled = true;
        }
        answer["Session"] = json!(session);
    }
    answer
}

/// `AssociateSoftwareToken`: a new secret, pending until a code from it is verified.
pub(crate) fn associate(emu: &Emulator, who: &Enrolling<'_>) -> Result<Value, Refusal> {
    let (username, client) = user_of(emu, who)?;
    let secret = totp::new_secret();
    let bytes =
        totp::decode_secret(secret.expose()).map_err(|why| ("InternalErrorException", why))?;
    {
        let mut state = emu.state();
        let account = state.accounts.get_mut(&username).ok_or_else(no_user)?;
        account.pending_totp = Some(bytes);
    }
    let answer = json!({"SecretCode": secret.expose()});
    Ok(with_session(emu, answer, &username, client, false))
}

/// `VerifySoftwareToken`: a code of the pending secret enrolls it (and enables it, preferred).
pub(crate) fn verify(emu: &Emulator, who: &Enrolling<'_>, code: &str) -> Result<Value, Refusal> {
    if code.len() != 6 {
        return Err((
            "InvalidParameterException",
            "1 validation error detected: Value at 'userCode' failed to satisfy constraint: Member must have length equal to 6".into(),
        ));
    }
    let (username, client) = user_of(emu, who)?;
    let now = u64::try_from(crate::timefmt::now_epoch()).unwrap_or(0);
    let refused = {
        let mut state = emu.state();
        let account = state.accounts.get_mut(&username).ok_or_else(no_user)?;
        match account.pending_totp.clone() {
            None => Some((
                "SoftwareTokenMFANotFoundException",
                "No software token MFA has been associated for verification.".to_string(),
            )),
            Some(pending) => match totp::matching_step(&pending, code, now) {
                None => Some((
                    "EnableSoftwareTokenMFAException",
                    "Code mismatch".to_string(),
                )),
                Some(step) => {
                    account.totp = Some(pending);
                    account.pending_totp = None;
                    account.used_step = Some(step);
                    None
                }
            },
        }
    };
    if let Some(refusal) = refused {
        return Err(refusal);
    }
    Ok(with_session(
        emu,
        json!({"Status": "SUCCESS"}),
        &username,
        client,
        true,
    ))
}

/// `SetUserMFAPreference` for the software token: enabled needs an enrolled token;
/// disabled forgets it.
pub(crate) fn set_preference(
    emu: &Emulator,
    username: &str,
    settings: &Value,
) -> Result<Value, Refusal> {
    let mut state = emu.state();
    let account = state.accounts.get_mut(username).ok_or_else(no_user)?;
    match settings["SoftwareTokenMfaSettings"]["Enabled"].as_bool() {
        Some(true) if account.totp.is_none() => Err((
            "InvalidParameterException",
            "User has not verified software token mfa".into(),
        )),
        Some(false) => {
            account.totp = None;
            Ok(json!({}))
        }
        _ => Ok(json!({})),
    }
}

fn no_user() -> Refusal {
    ("UserNotFoundException", "User does not exist.".into())
}
