//! The steps of a sign-in besides the password, as Cognito does them: a temporary password's
//! `NEW_PASSWORD_REQUIRED`, software-token MFA (`SOFTWARE_TOKEN_MFA`, real TOTP checks),
//! choice-based sign-in's `SELECT_CHALLENGE` and one-time codes (`EMAIL_OTP`, `SMS_OTP`, sent to
//! the local outbox), a required MFA's `MFA_SETUP` (enrollment in `enrollment.rs`), and their
//! 3-minute sessions. The JSON API and the hosted UI both ask here.

use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::Emulator;
use super::user_pool::User;
use crate::cognito::{srp, totp};
use crate::redacted::Secret;

/// How long a challenge's session lives (Cognito: 3 minutes).
pub(crate) const SESSION_TTL: Duration = Duration::from_secs(180);

/// Wrong codes a session takes before it ends (Cognito ends it too).
pub(crate) const MAX_WRONG_CODES: u32 = 5;

/// A user's credentials as they change while the emulator runs.
pub(crate) struct Account {
    pub password: Secret,
    pub verifier: srp::Verifier,
    /// A temporary password not changed yet (FORCE_CHANGE_PASSWORD).
    pub must_change: bool,
    /// The software token's secret once enrolled (or given with `totp=`).
    pub totp: Option<Vec<u8>>,
    /// A secret associated but not verified yet.
    pub pending_totp: Option<Vec<u8>>,
    /// The last TOTP step used, so a code is taken once.
    pub used_step: Option<u64>,
    /// Signed up and not confirmed yet: the confirmation code and when it was sent.
    pub unconfirmed: Option<SentCode>,
    /// A password reset asked for (ForgotPassword): its code and when it was sent.
    pub reset: Option<SentCode>,
}

/// A confirmation or reset code sent, when, and the wrong codes typed for it since.
pub(crate) struct SentCode {
    pub code: Secret,
    pub at: Instant,
    pub wrong: u32,
}

impl SentCode {
    pub fn new(code: Secret) -> SentCode {
        SentCode {
            code,
            at: Instant::now(),
            wrong: 0,
        }
    }
}

impl Account {
    pub fn new(user: &User) -> Account {
        Account {
            password: user.spec.password.clone(),
            verifier: user.verifier.clone(),
            must_change: user.spec.temporary,
            totp: user
                .spec
                .totp
                .as_ref()
                .and_then(|s| totp::decode_secret(s.expose()).ok()),
            pending_totp: None,
            used_step: None,
            unconfirmed: None,
            reset: None,
        }
    }
}

/// The challenges answered in the session they were asked in (`RespondToAuthChallenge`).
pub(crate) const IN_SESSION: [&str; 6] = [
    "NEW_PASSWORD_REQUIRED",
    "SMS_MFA",
    "SOFTWARE_TOKEN_MFA",
    "EMAIL_OTP",
    "SMS_OTP",
    "MFA_SETUP",
];

/// The user a sign-in's session is for and what it waits for, while it lives.
pub(crate) fn session_of(emu: &Emulator, session: &str) -> Option<(String, Waiting)> {
    let state = emu.state();
    let s = state.challenge_sessions.get(session)?;
    (s.expires > Instant::now()).then(|| (s.username.clone(), s.waiting))
}

/// The step a sign-in waits at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waiting {
    NewPassword,
    SoftwareToken,
    Select,
    EmailOtp,
    SmsOtp,
    /// The pool requires MFA and the user has none: enroll a software token first.
    MfaSetup,
    /// A code by SMS as the second factor.
    SmsMfa,
}

impl Waiting {
    pub fn name(self) -> &'static str {
        match self {
            Waiting::NewPassword => "NEW_PASSWORD_REQUIRED",
            Waiting::SoftwareToken => "SOFTWARE_TOKEN_MFA",
            Waiting::Select => "SELECT_CHALLENGE",
            Waiting::EmailOtp => "EMAIL_OTP",
            Waiting::SmsOtp => "SMS_OTP",
            Waiting::MfaSetup => "MFA_SETUP",
            Waiting::SmsMfa => "SMS_MFA",
        }
    }
}

/// A sign-in past its password, waiting for a challenge's answer.
pub(crate) struct ChallengeSession {
    pub username: String,
    pub client_id: String,
    pub waiting: Waiting,
    pub expires: Instant,
    pub wrong_codes: u32,
    /// The one-time code sent for this session.
    pub code: Option<Secret>,
    /// `MFA_SETUP`: the software token was verified in this session.
    pub enrolled: bool,
}

/// Why an answer was not taken: Cognito's error type and message.
pub(crate) type Refusal = (&'static str, String);

/// Whether `password` is the user's current one.
pub(crate) fn password_ok(emu: &Emulator, username: &str, password: &str) -> bool {
    emu.state().accounts.get(username).is_some_and(|a| {
        aws_lc_rs::constant_time::verify_slices_are_equal(
            a.password.expose().as_bytes(),
            password.as_bytes(),
        )
        .is_ok()
    })
}

/// Whether the user has confirmed their sign-up (users given at start always have).
pub(crate) fn confirmed(emu: &Emulator, username: &str) -> bool {
    emu.state()
        .accounts
        .get(username)
        .is_some_and(|a| a.unconfirmed.is_none())
}

/// The user's current SRP verifier.
pub(crate) fn verifier(emu: &Emulator, username: &str) -> Option<srp::Verifier> {
    emu.state()
        .accounts
        .get(username)
        .map(|a| a.verifier.clone())
}

/// What a user must do after a right password: None for the tokens now, else the challenge
/// and its new session.
pub(crate) fn after_password(
    emu: &Emulator,
    username: &str,
    client_id: &str,
) -> Option<(Waiting, String)> {
    // The user list before the state: the order every other path takes the two locks in.
    let code_mfa = emu.user(username).and_then(|u| u.spec.code_mfa);
    let state = emu.state();
    let account = state.accounts.get(username)?;
    let waiting = if account.must_change {
        Waiting::NewPassword
    } else if account.totp.is_some() {
        Waiting::SoftwareToken
    } else if let Some(factor) = code_mfa {
        drop(state);
        let answer = send_code(emu, username, client_id, factor);
        let session = answer["Session"].as_str().unwrap_or("").to_string();
        let waiting = if factor == "SMS_MFA" {
            Waiting::SmsMfa
        } else {
            Waiting::EmailOtp
        };
        return Some((waiting, session));
    } else if emu.options.mfa_required {
        Waiting::MfaSetup
    } else {
        return None;
    };
    drop(state);
    Some((waiting, start(emu, username, client_id, waiting, None)))
}

/// A new 3-minute session waiting for `waiting`.
pub(crate) fn start(
    emu: &Emulator,
    username: &str,
    client_id: &str,
    waiting: Waiting,
    code: Option<Secret>,
) -> String {
    let session = super::ids::random_token(48);
    let now = Instant::now();
    let mut state = emu.state();
    state.challenge_sessions.retain(|_, s| s.expires > now);
    state.challenge_sessions.insert(
        session.clone(),
        ChallengeSession {
            username: username.to_string(),
            client_id: client_id.to_string(),
            waiting,
            expires: now + SESSION_TTL,
            wrong_codes: 0,
            code,
            enrolled: false,
        },
    );
    session
}

/// The first factors a user can choose with `USER_AUTH` (no one-time code while the password
/// is temporary; SMS only with a phone number).
pub(crate) fn first_factors(emu: &Emulator, username: &str) -> Vec<&'static str> {
    let must_change = emu
        .state()
        .accounts
        .get(username)
        .is_some_and(|a| a.must_change);
    let phone = emu.user(username).is_some_and(|u| u.spec.phone.is_some());
    let mut factors = vec!["PASSWORD", "PASSWORD_SRP"];
    // A one-time code is a whole sign-in: a pool that requires MFA does not offer it.
    if !must_change && !emu.options.mfa_required {
        factors.push("EMAIL_OTP");
        if phone {
            factors.push("SMS_OTP");
        }
    }
    factors
}

/// Sends a one-time code (`EMAIL_OTP` or `SMS_OTP`) to the outbox and answers its challenge.
pub(crate) fn send_code(emu: &Emulator, username: &str, client_id: &str, factor: &str) -> Value {
    let waiting = match factor {
        "SMS_OTP" => Waiting::SmsOtp,
        "SMS_MFA" => Waiting::SmsMfa,
        _ => Waiting::EmailOtp,
    };
    let (medium, destination) = delivery(emu, username, waiting);
    let mut digits = [0u8; 8];
    crate::random::fill(&mut digits);
    let code: String = digits.iter().map(|b| char::from(b'0' + b % 10)).collect();
    super::outbox::send(emu, username, medium, &destination, &code, "sign-in");
    let session = start(emu, username, client_id, waiting, Some(Secret::new(code)));
    challenge_answer(emu, username, waiting, &session)
}

/// Where a code challenge's code goes: SMS to the user's phone, else email.
fn delivery(emu: &Emulator, username: &str, waiting: Waiting) -> (&'static str, String) {
    let user = emu.user(username);
    if waiting == Waiting::EmailOtp {
        ("EMAIL", user.map(|u| u.email.clone()).unwrap_or_default())
    } else {
        (
            "SMS",
            user.and_then(|u| u.spec.phone.clone()).unwrap_or_default(),
        )
    }
}

/// Takes a `SELECT_CHALLENGE` session: the user who chooses.
pub(crate) fn take_select(
    emu: &Emulator,
    session: &str,
    client_id: &str,
) -> Result<String, Refusal> {
    let mut state = emu.state();
    match state.challenge_sessions.remove(session) {
        Some(s)
            if s.waiting == Waiting::Select
                && s.expires > Instant::now()
                && s.client_id == client_id =>
        {
            Ok(s.username)
        }
        _ => Err((
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.".to_string(),
        )),
    }
}

/// The challenge as the JSON API answers it.
pub(crate) fn challenge_answer(
    emu: &Emulator,
    username: &str,
    waiting: Waiting,
    session: &str,
) -> Value {
    let parameters = match waiting {
        Waiting::NewPassword => {
            let email = emu
                .user(username)
                .map(|u| u.email.clone())
                .unwrap_or_default();
            json!({
                "USER_ID_FOR_SRP": username,
                "requiredAttributes": "[]",
                "userAttributes": json!({"email": email}).to_string(),
            })
        }
        Waiting::MfaSetup => json!({"MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]"}),
        Waiting::EmailOtp | Waiting::SmsOtp | Waiting::SmsMfa => {
            let (medium, destination) = delivery(emu, username, waiting);
            json!({
                "CODE_DELIVERY_DELIVERY_MEDIUM": medium,
                "CODE_DELIVERY_DESTINATION": super::outbox::masked(&destination),
            })
        }
        _ => json!({
            "USER_ID_FOR_SRP": username,
            "FRIENDLY_DEVICE_NAME": "TOTP device",
        }),
    };
    json!({"ChallengeName": waiting.name(), "Session": session, "ChallengeParameters": parameters})
}

/// Takes an answer to the challenge `name` in `session`: the next step (None: the tokens),
/// or why not. A wrong code keeps the session (up to five); anything else ends it.
pub(crate) fn answer(
    emu: &Emulator,
    session: &str,
    client_id: &str,
    name: &str,
    responses: &Map<String, Value>,
) -> Result<(String, Option<(Waiting, String)>), Refusal> {
    let expired = || {
        (
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.".to_string(),
        )
    };
    let (username, waiting, enrolled) = {
        let mut state = emu.state();
        let s = state.challenge_sessions.get(session).ok_or_else(expired)?;
        if s.expires <= Instant::now() || s.client_id != client_id {
            state.challenge_sessions.remove(session);
            return Err(expired());
        }
        (s.username.clone(), s.waiting, s.enrolled)
    };
    if name != waiting.name() {
        return Err((
            "InvalidParameterException",
            format!("The session waits for {}, not {name}.", waiting.name()),
        ));
    }
    let field = |k: &str| responses.get(k).and_then(Value::as_str).unwrap_or("");
    match waiting {
        // The token verified in this session (VerifySoftwareToken) ends the sign-in.
        Waiting::MfaSetup if enrolled => {
            emu.state().challenge_sessions.remove(session);
            return Ok((username, None));
        }
        Waiting::MfaSetup => {
            return Err((
                "InvalidParameterException",
                "Software token MFA has not been verified: AssociateSoftwareToken and VerifySoftwareToken with this session first.".into(),
            ));
        }
        Waiting::Select => {
            return Err((
                "InvalidParameterException",
                "SELECT_CHALLENGE is answered with ANSWER.".to_string(),
            ));
        }
        Waiting::EmailOtp | Waiting::SmsOtp | Waiting::SmsMfa => {
            let given = field(&format!("{}_CODE", waiting.name()));
            let mut state = emu.state();
            let right = state
                .challenge_sessions
                .get(session)
                .and_then(|s| s.code.as_ref())
                .is_some_and(|c| {
                    aws_lc_rs::constant_time::verify_slices_are_equal(
                        c.expose().as_bytes(),
                        given.trim().as_bytes(),
                    )
                    .is_ok()
                });
            if !right {
                return Err(wrong_code(
                    &mut state,
                    session,
                    "Invalid code or auth state for the user.",
                ));
            }
            state.challenge_sessions.remove(session);
            // A passwordless sign-in is complete: no second factor after it.
            return Ok((username, None));
        }
        Waiting::NewPassword => {
            let new = field("NEW_PASSWORD");
            check_password_policy(new)?;
            let mut state = emu.state();
            state.challenge_sessions.remove(session);
            if let Some(a) = state.accounts.get_mut(&username) {
                a.verifier = srp::Verifier::new(super::ids::POOL_ID, &username, new);
                a.password = Secret::new(new);
                a.must_change = false;
            }
        }
        Waiting::SoftwareToken => {
            let code = field("SOFTWARE_TOKEN_MFA_CODE");
            let now = u64::try_from(crate::timefmt::now_epoch()).unwrap_or(0);
            let mut state = emu.state();
            let (step, used) = state
                .accounts
                .get(&username)
                .and_then(|a| a.totp.as_deref().map(|s| (s, a.used_step)))
                .map(|(secret, used)| (totp::matching_step(secret, code, now), used))
                .unwrap_or((None, None));
            if step.is_some() && step <= used {
                return Err((
                    "CodeMismatchException",
                    "Your software token has already been used once.".to_string(),
                ));
            }
            let Some(step) = step else {
                return Err(wrong_code(
                    &mut state,
                    session,
                    "Invalid code received for user",
                ));
            };
            state.challenge_sessions.remove(session);
            if let Some(a) = state.accounts.get_mut(&username) {
                a.used_step = Some(step);
            }
        }
    }
    // A changed temporary password may still need the second factor; a code ends the steps.
    let next = match waiting {
        Waiting::NewPassword => after_password(emu, &username, client_id),
        _ => None,
    };
    Ok((username, next))
}

/// A wrong code: counted, and the session ends at the fifth.
fn wrong_code(state: &mut super::State, session: &str, message: &str) -> Refusal {
    let ended = state.challenge_sessions.get_mut(session).is_none_or(|s| {
        s.wrong_codes += 1;
        s.wrong_codes >= MAX_WRONG_CODES
    });
    if ended {
        state.challenge_sessions.remove(session);
        return (
            "NotAuthorizedException",
            "Invalid session for the user, too many failed attempts.".to_string(),
        );
    }
    ("CodeMismatchException", message.to_string())
}

/// Cognito's default password policy: 8 characters, upper, lower, digit and symbol.
pub(crate) fn check_password_policy(password: &str) -> Result<(), Refusal> {
    let rules: [(&str, bool); 5] = [
        ("Password not long enough", password.chars().count() >= 8),
        (
            "Password must have uppercase characters",
            password.chars().any(|c| c.is_ascii_uppercase()),
        ),
        (
            "Password must have lowercase characters",
            password.chars().any(|c| c.is_ascii_lowercase()),
        ),
        (
            "Password must have numeric characters",
            password.chars().any(|c| c.is_ascii_digit()),
        ),
        (
            "Password must have symbol characters",
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ),
    ];
    match rules.iter().find(|(_, ok)| !ok) {
        Some((why, _)) => Err((
            "InvalidPasswordException",
            format!("Password did not conform with policy: {why}"),
        )),
        None => Ok(()),
    }
}
