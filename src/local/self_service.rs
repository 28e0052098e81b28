//! What a user does before signing in: sign up, confirm, have the code sent again, reset a
//! forgotten password, with the codes sent to the outbox. The JSON API (SignUp, ConfirmSignUp,
//! ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword) and the hosted UI's pages
//! both come here.

use std::time::Duration;

use serde_json::{Value, json};

use super::challenges::SentCode;
use super::user_pool::{User, UserSpec};
use super::{Emulator, challenges, outbox};
use crate::redacted::Secret;

/// How long a confirmation code lives (Cognito: 24 hours); a reset code (1 hour).
const CONFIRMATION_TTL: Duration = Duration::from_secs(24 * 3600);
const RESET_TTL: Duration = Duration::from_secs(3600);

pub(crate) type Answer = Result<Value, challenges::Refusal>;

/// A new user, unconfirmed, with a confirmation code sent.
pub(crate) fn sign_up(
    emu: &Emulator,
    username: &str,
    password: &str,
    attributes: &[(String, String)],
) -> Answer {
    challenges::check_password_policy(password)?;
    let attribute = |name: &str| {
        attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut spec = UserSpec::demo();
    spec.username = username.to_string();
    spec.password = Secret::new(password);
    spec.groups = Vec::new();
    spec.phone = attribute("phone_number");
    let mut user = User::new(spec);
    if let Some(email) = attribute("email") {
        user.email = email;
    }
    let (sub, email) = (user.sub.clone(), user.email.clone());
    if !emu.add_user(user) {
        return Err(("UsernameExistsException", "User already exists".into()));
    }
    let details = send(emu, username, &email, "confirmation", |a, code| {
        a.unconfirmed = Some(SentCode::new(code));
    });
    Ok(json!({"UserConfirmed": false, "UserSub": sub, "CodeDeliveryDetails": details}))
}

/// Makes a 6-digit code, keeps it on the account and puts it in the outbox.
fn send(
    emu: &Emulator,
    username: &str,
    email: &str,
    purpose: &str,
    keep: impl FnOnce(&mut challenges::Account, Secret),
) -> Value {
    let mut digits = [0u8; 6];
    crate::random::fill(&mut digits);
    let code: String = digits.iter().map(|b| char::from(b'0' + b % 10)).collect();
    if let Some(account) = emu.state().accounts.get_mut(username) {
        keep(account, Secret::new(code.clone()));
    }
    outbox::send(emu, username, "EMAIL", email, &code, purpose);
    json!({"Destination": outbox::masked(email), "DeliveryMedium": "EMAIL", "AttributeName": "email"})
}

/// A code checked against what was sent: the wrong ones before it (five, then a new code must
/// be sent), its age, then its value.
fn check_code(
    sent: &mut Option<SentCode>,
    given: &str,
    ttl: Duration,
) -> Result<(), challenges::Refusal> {
    let Some(SentCode { code, at, wrong }) = sent else {
        return Err((
            "ExpiredCodeException",
            "Invalid code provided, please request a code again.".into(),
        ));
    };
    if *wrong >= challenges::MAX_WRONG_CODES {
        return Err((
            "LimitExceededException",
            "Attempt limit exceeded, please try after some time.".into(),
        ));
    }
    if at.elapsed() > ttl {
        return Err((
            "ExpiredCodeException",
            "Invalid code provided, please request a code again.".into(),
        ));
    }
    if aws_lc_rs::constant_time::verify_slices_are_equal(
        code.expose().as_bytes(),
        given.trim().as_bytes(),
    )
    .is_err()
    {
        *wrong += 1;
        return Err((
            "CodeMismatchException",
            "Invalid verification code provided, please try again.".into(),
        ));
    }
    Ok(())
}

pub(crate) fn confirm_sign_up(emu: &Emulator, username: &str, code: &str) -> Answer {
    let mut state = emu.state();
    let account = state.accounts.get_mut(username).ok_or_else(no_user)?;
    if account.unconfirmed.is_none() {
        return Err((
            "NotAuthorizedException",
            "User cannot be confirmed. Current status is CONFIRMED".into(),
        ));
    }
    check_code(&mut account.unconfirmed, code, CONFIRMATION_TTL)?;
    account.unconfirmed = None;
    Ok(json!({}))
}

pub(crate) fn resend(emu: &Emulator, username: &str) -> Answer {
    let user = emu.user(username).ok_or_else(no_user)?;
    let unconfirmed = emu
        .state()
        .accounts
        .get(username)
        .is_some_and(|a| a.unconfirmed.is_some());
    if !unconfirmed {
        return Err((
            "InvalidParameterException",
            "User is already confirmed.".into(),
        ));
    }
    let details = send(emu, username, &user.email, "confirmation", |a, code| {
        a.unconfirmed = Some(SentCode::new(code));
    });
    Ok(json!({"CodeDeliveryDetails": details}))
}

pub(crate) fn forgot(emu: &Emulator, username: &str) -> Answer {
    let user = emu.user(username).ok_or_else(no_user)?;
    let details = send(emu, username, &user.email, "password reset", |a, code| {
        a.reset = Some(SentCode::new(code));
    });
    Ok(json!({"CodeDeliveryDetails": details}))
}

pub(crate) fn confirm_forgot(emu: &Emulator, username: &str, code: &str, password: &str) -> Answer {
    let mut state = emu.state();
    let account = state.accounts.get_mut(username).ok_or_else(no_user)?;
    check_code(&mut account.reset, code, RESET_TTL)?;
    challenges::check_password_policy(password)?;
    account.reset = None;
    account.password = Secret::new(password);
    account.verifier =
        crate::cognito::srp::Verifier::new(crate::local::ids::POOL_ID, username, password);
    account.must_change = false;
    Ok(json!({}))
}

fn no_user() -> challenges::Refusal {
    (
        "UserNotFoundException",
        "Username/client id combination not found.".into(),
    )
}
