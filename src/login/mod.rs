//! The logins: the hosted UI through a loopback redirect (or a pasted address), and the
//! headless ones (password, SRP, client credentials). They return the tokens Cognito gave;
//! `session` verifies and stores them. Never prints: the steps go to a [`Reporter`] and
//! questions to a [`Prompter`]; never logs a token, code or password.

pub mod browser;
pub mod loopback;
pub mod otp;

use std::io::{BufRead, Read};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cognito::idp::{Flow, Idp, Step};
use crate::cognito::oauth::{AuthorizeOptions, HostedUi, Tokens};
use crate::profile::{Key, Profile};
use crate::redacted::Secret;
use crate::report::{Event, Prompter, Reporter};
use crate::session::LoginMethod;
use crate::{Error, Result};

pub use browser::Browser;
use loopback::{LoopbackListener, Outcome};

/// How to log in.
#[derive(Debug, Clone)]
pub struct LoginOptions {
    pub method: LoginMethod,
    pub username: Option<String>,
    pub authorize: AuthorizeOptions,
    pub browser: Browser,
    pub timeout: Duration,
    /// Also read a pasted callback address from stdin.
    pub paste: bool,
    /// Gives a passwordless sign-in's one-time code (`--otp-command`).
    pub otp_command: Option<String>,
    /// The software token's secret `mfa setup --keep-secret` kept for this profile.
    pub totp_secret: Option<Secret>,
    /// A required MFA's enrollment (`MFA_SETUP`) may be done without an app: the first code
    /// computed, the secret handed back to be kept (`--enroll-totp`).
    pub enroll_totp: bool,
}

/// What a login brought back, not yet verified.
pub struct LoggedIn {
    pub tokens: Tokens,
    /// The ID token must carry it (hosted UI logins).
    pub nonce: Option<Secret>,
    /// The software token enrolled on the way (`MFA_SETUP` with `enroll_totp`), to keep.
    pub enrolled_totp: Option<Secret>,
}

/// Checks that the profile has what `method` needs (and what verifying its tokens needs),
/// naming every missing key at once.
pub fn check_profile(profile: &Profile, method: LoginMethod) -> Result<()> {
    let mut keys = vec![Key::ClientId, Key::Issuer, Key::JwksUri];
    match method {
        LoginMethod::HostedUi => keys.push(Key::Domain),
        LoginMethod::Password | LoginMethod::Srp | LoginMethod::EmailOtp | LoginMethod::SmsOtp => {
            keys.extend([Key::IdpEndpoint, Key::UserPoolId])
        }
        LoginMethod::ClientCredentials => keys.push(Key::Domain),
    }
    profile.require_all(&keys)?;
    if method == LoginMethod::ClientCredentials {
        profile.require_client_secret()?;
    }
    if matches!(
        method,
        LoginMethod::HostedUi | LoginMethod::ClientCredentials
    ) {
        crate::http::check_endpoint("hosted UI domain", &profile.hosted_ui_base()?)?;
    } else {
        crate::http::check_endpoint("idp_endpoint", profile.require(Key::IdpEndpoint)?)?;
    }
    Ok(())
}

/// Logs in as `options` say.
pub fn login(
    profile: &Profile,
    options: &LoginOptions,
    reporter: &dyn Reporter,
    prompter: &dyn Prompter,
) -> Result<LoggedIn> {
    match options.method {
        LoginMethod::HostedUi => hosted_ui(profile, options, reporter),
        LoginMethod::Password | LoginMethod::Srp | LoginMethod::EmailOtp | LoginMethod::SmsOtp => {
            let mut enrolled_totp = None;
            let tokens = headless(profile, options, reporter, prompter, &mut enrolled_totp)?;
            Ok(LoggedIn {
                tokens,
                nonce: None,
                enrolled_totp,
            })
        }
        LoginMethod::ClientCredentials => {
            let secret = profile.require_client_secret()?;
            let ui = HostedUi::for_profile(profile, Some(&secret))?;
            let scopes = if options.authorize.scopes.is_empty() {
                profile.scopes()
            } else {
                options.authorize.scopes.clone()
            };
            Ok(LoggedIn {
                tokens: ui.client_credentials(&scopes)?,
                nonce: None,
                enrolled_totp: None,
            })
        }
    }
}

fn hosted_ui(
    profile: &Profile,
    options: &LoginOptions,
    reporter: &dyn Reporter,
) -> Result<LoggedIn> {
    profile.require_all(&[Key::ClientId, Key::Domain, Key::Issuer])?;
    let client_id = profile.require(Key::ClientId)?;
    let base = profile.hosted_ui_base()?;
    crate::http::check_endpoint("hosted UI domain", &base)?;
    let uris = profile.get_all(Key::RedirectUri).to_vec();
    let loopback: Vec<String> = uris
        .iter()
        .filter(|u| loopback::is_loopback_redirect(u))
        .cloned()
        .collect();
    let listener = if loopback.is_empty() {
        None
    } else {
        Some(LoopbackListener::bind(&loopback).map_err(|e| Error::Usage(e.to_string()))?)
    };
    let redirect_uri = listener.as_ref().map_or_else(
        || uris.first().cloned().unwrap_or_default(),
        |l| l.redirect_uri.clone(),
    );
    let ui = HostedUi::new(
        &base,
        client_id,
        profile.client_secret().as_ref(),
        &redirect_uri,
    )?;
    let mut authorize = options.authorize.clone();
    if authorize.scopes.is_empty() {
        authorize.scopes = profile.scopes();
    }
    let request = ui.authorize_url(&authorize);

    let (tx, rx) = mpsc::channel();
    if let Some(l) = &listener {
        l.serve(request.state.clone(), tx.clone());
    }
    let paste = options.paste || listener.is_none();
    if paste {
        read_pasted(request.state.clone(), tx);
    }
    let opening = !matches!(options.browser, Browser::None);
    reporter.report(Event::AuthorizeUrl {
        url: &request.url,
        opening,
        paste,
    });
    if let Err(why) = options.browser.open(&request.url) {
        reporter.report(Event::BrowserFailed { why: &why });
    }
    if listener.is_some() {
        reporter.report(Event::WaitingForBrowser {
            redirect_uri: &redirect_uri,
            timeout: options.timeout,
        });
    }
    let outcome = wait(&rx, options.timeout, reporter, &profile.flag());
    if let Some(l) = &listener {
        l.finish();
    }
    let code = match outcome? {
        Outcome::Code(code) => code,
        Outcome::Denied { error, description } => {
            return Err(Error::Rejected(format!(
                "the sign-in failed: {error}{}",
                description.map(|d| format!(": {d}")).unwrap_or_default()
            )));
        }
        Outcome::StateMismatch | Outcome::NotCallback | Outcome::NoCode => {
            return Err(Error::Rejected(
                "the callback has no code; nothing was exchanged".into(),
            ));
        }
    };
    let tokens = ui.exchange_code(&code, request.verifier)?;
    Ok(LoggedIn {
        tokens,
        nonce: Some(request.nonce),
        enrolled_totp: None,
    })
}

/// Waits for the first final outcome; foreign callbacks are reported and ignored.
fn wait(
    rx: &mpsc::Receiver<Outcome>,
    timeout: Duration,
    reporter: &dyn Reporter,
    profile_flag: &str,
) -> Result<Outcome> {
    let deadline = Instant::now() + timeout;
    // Any page can send forged callbacks, hundreds at once: the first is said, the rest are
    // counted and said as one line at most every few seconds (and before the end).
    let mut foreign = ForeignCallbacks::default();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            foreign.flush(reporter);
            return Err(Error::Rejected(format!(
                "no sign-in arrived within {}: run `cwsauth login{profile_flag}` again (--timeout to wait longer)",
                crate::timefmt::span(timeout.as_secs())
            )));
        }
        let wait = foreign.due().map_or(left, |due| due.min(left));
        match rx.recv_timeout(wait) {
            Ok(outcome) if outcome.is_final() => {
                foreign.flush(reporter);
                return Ok(outcome);
            }
            Ok(Outcome::NotCallback) => reporter.report(Event::PasteRejected {
                why: "that is not the address the browser ended on (it has ?code=…&state=…); try again",
            }),
            Ok(_) => foreign.refused(reporter),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if foreign.due().is_some_and(|d| d.is_zero()) {
                    foreign.flush(reporter);
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // Nothing can deliver a callback any more (no listener, stdin closed).
                return Err(Error::Rejected(
                    "no way left to receive the sign-in (stdin closed and no loopback listener)"
                        .into(),
                ));
            }
        }
    }
}

/// Forged or stale callbacks, said once and then counted.
#[derive(Default)]
struct ForeignCallbacks {
    /// Refused since the last line that said so.
    unsaid: u32,
    /// When a line last said so.
    said_at: Option<Instant>,
}

impl ForeignCallbacks {
    /// How often the count is said.
    const EVERY: Duration = Duration::from_secs(5);

    fn refused(&mut self, reporter: &dyn Reporter) {
        if self.said_at.is_none() {
            self.said_at = Some(Instant::now());
            reporter.report(Event::ForeignCallback {
                why: "a callback without this login's state (a stale tab or another page) was refused; still waiting",
            });
        } else {
            self.unsaid += 1;
        }
    }

    /// How long until the count is due, when there is one to say.
    fn due(&self) -> Option<Duration> {
        let at = self.said_at?;
        (self.unsaid > 0).then(|| Self::EVERY.saturating_sub(at.elapsed()))
    }

    fn flush(&mut self, reporter: &dyn Reporter) {
        if self.unsaid == 0 {
            return;
        }
        let why = format!(
            "{} more callback{} without this login's state {} refused",
            self.unsaid,
            if self.unsaid == 1 { "" } else { "s" },
            if self.unsaid == 1 { "was" } else { "were" }
        );
        reporter.report(Event::ForeignCallback { why: &why });
        self.unsaid = 0;
        self.said_at = Some(Instant::now());
    }
}

/// Longest line read as a pasted address: a redirect with a code and a state is short.
const MAX_PASTED: u64 = 16 * 1024;

/// Reads pasted addresses from stdin until one carries this login's callback; a read error
/// ends the paste reader (the listener, if any, still waits).
fn read_pasted(state: Secret, tx: mpsc::Sender<Outcome>) {
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut reader = std::io::BufReader::new(stdin.lock());
        let mut line = String::new();
        loop {
            line.clear();
            // A pasted address is short; a line without end is not one.
            match Read::by_ref(&mut reader)
                .take(MAX_PASTED)
                .read_line(&mut line)
            {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = line.trim();
            if text.is_empty() {
                continue;
            }
            let outcome = match url::Url::parse(text) {
                Ok(url) if url.query().is_some() => {
                    Outcome::from_query(url.query().unwrap_or(""), &state)
                }
                _ => Outcome::NotCallback,
            };
            let last = outcome.is_final();
            if tx.send(outcome).is_err() || last {
                return;
            }
        }
    });
}

/// A secret from the environment: None when unset or empty, an error when not UTF-8.
fn env_secret(name: &str) -> Result<Option<Secret>> {
    match std::env::var_os(name) {
        Some(v) if !v.is_empty() => v
            .into_string()
            .map(|v| Some(Secret::new(v)))
            .map_err(|_| Error::Usage(format!("{name} is set but is not valid UTF-8"))),
        _ => Ok(None),
    }
}

/// The code of the software token: from CWSAUTH_TOTP_SECRET, else from the secret
/// `mfa setup --keep-secret` kept; None when there is neither.
fn totp_code(options: &LoginOptions) -> Result<Option<String>> {
    let (secret, what) = match env_secret("CWSAUTH_TOTP_SECRET")? {
        Some(secret) => (secret, "CWSAUTH_TOTP_SECRET"),
        None => match &options.totp_secret {
            Some(kept) => (kept.clone(), "the kept TOTP secret"),
            None => return Ok(None),
        },
    };
    let key = crate::cognito::totp::decode_secret(secret.expose())
        .map_err(|why| Error::Usage(format!("{what}: {why}")))?;
    Ok(Some(crate::cognito::totp::current_code(&key)))
}

/// Cognito's refusal of a flow the app client does not allow.
fn is_flow_not_enabled(e: &crate::cognito::CognitoError) -> bool {
    matches!(e, crate::cognito::CognitoError::Api { kind, message, .. }
        if kind == "InvalidParameterException" && message.contains("flow not enabled for this client"))
}

/// A one-time code with nothing to get it from.
fn needs_otp(profile: &Profile, challenge: &str) -> Error {
    Error::Rejected(format!(
        "Cognito sent a code ({challenge}): pass --otp-command CMD to read it in a script, or run `cwsauth login{}` on a terminal",
        profile.flag()
    ))
}

/// Cognito's refusal of a TOTP code used before.
fn is_used_code(e: &crate::cognito::CognitoError) -> bool {
    matches!(e, crate::cognito::CognitoError::Api { message, .. } if message.contains("already been used"))
}

/// The first code of a software token enrolled at sign-in: computed (`--enroll-totp`), or
/// from the user's app once they added it (on a terminal only).
fn enrollment_code(
    profile: &Profile,
    options: &LoginOptions,
    reporter: &dyn Reporter,
    prompter: &dyn Prompter,
    username: &str,
    secret: &Secret,
) -> Result<String> {
    if !options.enroll_totp && !prompter.interactive() {
        return Err(Error::Rejected(format!(
            "the pool requires MFA and {username} has none (MFA_SETUP): pass --enroll-totp to enroll a software token whose secret the profile's store keeps, or run `cwsauth login{}` on a terminal to add it to an authenticator app",
            profile.flag()
        )));
    }
    first_code(
        profile,
        options.enroll_totp,
        (reporter, prompter),
        username,
        secret,
    )
}

/// The first code of a newly associated software token: computed from its secret
/// (`computed`), or typed from the user's app once they added it (its address, key and a QR
/// code shown through `reporter`).
pub fn first_code(
    profile: &Profile,
    computed: bool,
    (reporter, prompter): (&dyn Reporter, &dyn Prompter),
    username: &str,
    secret: &Secret,
) -> Result<String> {
    let key = crate::cognito::totp::decode_secret(secret.expose()).map_err(|why| {
        Error::Network(format!(
            "AssociateSoftwareToken answered a secret that is not base32: {why}"
        ))
    })?;
    if computed {
        return Ok(crate::cognito::totp::current_code(&key));
    }
    let issuer = profile.get(Key::UserPoolId).unwrap_or("cognito");
    let uri = crate::cognito::totp::otpauth_uri(issuer, username, secret);
    reporter.report(Event::TotpSetup {
        uri: &uri,
        key: secret.expose(),
    });
    prompter.line("code the app shows now")
}

/// A challenge off a terminal with nothing to answer it from.
fn needs_env(profile: &Profile, challenge: &str, var: &str) -> Error {
    Error::Rejected(format!(
        "Cognito asks for {challenge}: set {var} to answer it in a script, or run `cwsauth login{}` on a terminal",
        profile.flag()
    ))
}

fn headless(
    profile: &Profile,
    options: &LoginOptions,
    reporter: &dyn Reporter,
    prompter: &dyn Prompter,
    enrolled: &mut Option<Secret>,
) -> Result<Tokens> {
    let idp = Idp::for_profile(profile)?;
    let username = match &options.username {
        Some(u) => u.clone(),
        None => prompter.line("username (or pass --username)")?,
    };
    let passwordless = matches!(options.method, LoginMethod::EmailOtp | LoginMethod::SmsOtp);
    let password = if passwordless {
        Secret::new("")
    } else {
        match env_secret("CWSAUTH_PASSWORD")? {
            Some(p) => p,
            None if prompter.interactive() => {
                prompter.secret(&format!("password for {username}"))?
            }
            None => {
                return Err(Error::Usage(
                    "no password: set CWSAUTH_PASSWORD, or run on a terminal to be asked (it is never read from the command line)".into(),
                ));
            }
        }
    };
    let first = |flow: Flow| match options.method {
        LoginMethod::Srp => idp.srp(&username, &password, flow),
        LoginMethod::EmailOtp => idp.one_time_code(&username, "EMAIL_OTP"),
        LoginMethod::SmsOtp => idp.one_time_code(&username, "SMS_OTP"),
        _ => idp.password(&username, &password, flow),
    };
    // A client that allows only choice-based sign-in takes the password through USER_AUTH.
    let mut step = match first(Flow::Own) {
        Err(e) if !passwordless && is_flow_not_enabled(&e) => {
            reporter.report(Event::ThroughUserAuth {
                flow: if options.method == LoginMethod::Srp {
                    "USER_SRP_AUTH"
                } else {
                    "USER_PASSWORD_AUTH"
                },
            });
            first(Flow::UserAuth)?
        }
        other => other?,
    };
    // Challenges: from the environment or a command in scripts, else asked on a terminal.
    for _ in 0..5 {
        let (name, mut session, parameters, available) = match step {
            Step::Tokens(tokens) => return Ok(tokens),
            Step::Challenge {
                name,
                session,
                parameters,
                available,
            } => (name, session, parameters, available),
        };
        if name == "SELECT_CHALLENGE" {
            let wanted = match options.method {
                LoginMethod::Srp => "PASSWORD_SRP",
                LoginMethod::EmailOtp => "EMAIL_OTP",
                LoginMethod::SmsOtp => "SMS_OTP",
                _ => "PASSWORD",
            };
            if !available.iter().any(|a| a == wanted) {
                // Passkeys need a browser: the hosted UI does them.
                let passkey = if available.iter().any(|a| a == "WEB_AUTHN") {
                    format!(
                        " (a passkey, WEB_AUTHN, signs in through the hosted UI: `cwsauth login{}`)",
                        profile.flag()
                    )
                } else {
                    String::new()
                };
                return Err(Error::Rejected(format!(
                    "the pool offers {username} {} to sign in, not {wanted}: choose one of those{passkey}",
                    if available.is_empty() {
                        "nothing".to_string()
                    } else {
                        available.join(", ")
                    }
                )));
            }
            step = if wanted == "PASSWORD_SRP" {
                idp.select_srp(&username, &password, session.as_deref())?
            } else {
                let mut responses = serde_json::json!({"USERNAME": username, "ANSWER": wanted});
                if wanted == "PASSWORD" {
                    responses["PASSWORD"] = serde_json::json!(password.expose());
                }
                if let Some(secret) = &idp.client_secret {
                    responses["SECRET_HASH"] = serde_json::json!(crate::cognito::secret_hash(
                        &username,
                        &idp.client_id,
                        secret.expose()
                    ));
                }
                idp.respond(&name, session.as_deref(), responses)?
            };
            continue;
        }
        let user_id = parameters
            .get("USER_ID_FOR_SRP")
            .or(parameters.get("USERNAME"))
            .and_then(Value::as_str)
            .unwrap_or(&username)
            .to_string();
        let mut responses = serde_json::json!({"USERNAME": user_id});
        match name.as_str() {
            "NEW_PASSWORD_REQUIRED" => {
                let new = match env_secret("CWSAUTH_NEW_PASSWORD")? {
                    Some(p) => p,
                    None if prompter.interactive() => {
                        prompter.secret("new password (the pool requires one)")?
                    }
                    None => return Err(needs_env(profile, &name, "CWSAUTH_NEW_PASSWORD")),
                };
                responses["NEW_PASSWORD"] = serde_json::json!(new.expose());
            }
            "SOFTWARE_TOKEN_MFA" => {
                let code = match totp_code(options)? {
                    Some(code) => code,
                    None if prompter.interactive() => {
                        prompter.line("code from your authenticator app")?
                    }
                    None => return Err(needs_env(profile, &name, "CWSAUTH_TOTP_SECRET")),
                };
                responses["SOFTWARE_TOKEN_MFA_CODE"] = serde_json::json!(code);
            }
            "EMAIL_OTP" | "SMS_OTP" => {
                let code = otp::code(options, prompter, &name, &parameters, &username).map_err(
                    |e| match e {
                        otp::Missing => needs_otp(profile, &name),
                        otp::Failed(why) => Error::Usage(why),
                    },
                )?;
                responses[format!("{name}_CODE")] = serde_json::json!(code.expose());
            }
            "MFA_SETUP" => {
                let Some(current) = session.as_deref() else {
                    return Err(Error::Rejected(
                        "Cognito asks for MFA_SETUP without a session".into(),
                    ));
                };
                let (secret, next) = idp.associate_in_session(current)?;
                let code =
                    enrollment_code(profile, options, reporter, prompter, &username, &secret)?;
                session = Some(idp.verify_in_session(&next, code.trim())?);
                if options.enroll_totp {
                    *enrolled = Some(secret);
                }
            }
            "SMS_MFA" => {
                let code = otp::code(options, prompter, "SMS_OTP", &parameters, &username)
                    .map_err(|e| match e {
                        otp::Missing => needs_otp(profile, &name),
                        otp::Failed(why) => Error::Usage(why),
                    })?;
                responses["SMS_MFA_CODE"] = serde_json::json!(code.expose());
            }
            other => {
                return Err(Error::Rejected(format!(
                    "Cognito asks for the {} challenge, which needs a person at a terminal (or the hosted UI: `cwsauth login{}` without --password/--srp)",
                    crate::sanitize::excerpt(other, 60),
                    profile.flag()
                )));
            }
        }
        if let Some(secret) = &idp.client_secret {
            responses["SECRET_HASH"] = serde_json::json!(crate::cognito::secret_hash(
                &user_id,
                &idp.client_id,
                secret.expose()
            ));
        }
        step = match idp.respond(&name, session.as_deref(), responses.clone()) {
            // A code computed from CWSAUTH_TOTP_SECRET that the pool already took (a login
            // in the same 30 s step): the next step's code, once.
            Err(e)
                if name == "SOFTWARE_TOKEN_MFA"
                    && is_used_code(&e)
                    && totp_code(options)?.is_some() =>
            {
                let now = u64::try_from(crate::timefmt::now_epoch()).unwrap_or(0);
                let wait = crate::cognito::totp::STEP - now % crate::cognito::totp::STEP;
                let wait = std::time::Duration::from_secs(wait);
                reporter.report(Event::TotpStepWait { wait });
                std::thread::sleep(wait);
                responses["SOFTWARE_TOKEN_MFA_CODE"] = serde_json::json!(totp_code(options)?);
                idp.respond(&name, session.as_deref(), responses)?
            }
            other => other?,
        };
    }
    Err(Error::Rejected(
        "Cognito kept asking for challenges; giving up".into(),
    ))
}
