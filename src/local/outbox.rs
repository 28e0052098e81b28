//! Where the emulator's pool "sends" its email and SMS messages (sign-in, confirmation and
//! password-reset codes): kept in memory (the newest 1,000), one log line each (without the
//! code), and served to tests and `--otp-command` scripts at
//! `GET /_local/messages?username=NAME` (JSON, newest last).

use serde_json::{Value, json};

use super::Emulator;
use super::respond::{self, Body};
use crate::redacted::Secret;

/// Messages kept.
const KEPT: usize = 1000;

/// A message the pool sent.
pub(crate) struct Message {
    pub username: String,
    pub medium: &'static str,
    pub destination: String,
    pub code: Secret,
    /// `sign-in`, `confirmation` or `password reset`.
    pub purpose: String,
    pub sent_ms: u64,
}

/// Puts a code in the outbox and logs that it was sent (`purpose`: what the code is for).
pub(crate) fn send(
    emu: &Emulator,
    username: &str,
    medium: &'static str,
    destination: &str,
    code: &str,
    purpose: &str,
) {
    {
        let mut state = emu.state();
        if state.outbox.len() >= KEPT {
            state.outbox.pop_front();
        }
        state.outbox.push_back(Message {
            username: username.to_string(),
            medium,
            destination: destination.to_string(),
            code: Secret::new(code),
            purpose: purpose.to_string(),
            sent_ms: super::ids::now_ms(),
        });
    }
    emu.log(&format!(
        "{medium} to {} for {}: a {purpose} code (GET /_local/messages?username={})",
        crate::sanitize::for_terminal(destination),
        crate::sanitize::for_terminal(username),
        url::form_urlencoded::byte_serialize(username.as_bytes()).collect::<String>()
    ));
}

/// `m***@e***` / `+*******0100`, as Cognito shows where a code went.
pub(crate) fn masked(destination: &str) -> String {
    match destination.split_once('@') {
        Some((user, domain)) => format!(
            "{}***@{}***",
            user.chars().next().unwrap_or('*'),
            domain.chars().next().unwrap_or('*')
        ),
        None => {
            let digits: Vec<char> = destination.chars().collect();
            let keep = digits.len().saturating_sub(4);
            digits
                .iter()
                .enumerate()
                .map(|(i, c)| if i == 0 || i >= keep { *c } else { '*' })
                .collect()
        }
    }
}

/// `GET /_local/messages[?username=NAME]`.
pub(crate) fn list(emu: &Emulator, query: &str) -> hyper::Response<Body> {
    let pairs = respond::parse_pairs(query);
    let wanted = respond::get(&pairs, "username");
    let state = emu.state();
    let messages: Vec<Value> = state
        .outbox
        .iter()
        .filter(|m| wanted.is_none_or(|w| w == m.username))
        .map(|m| {
            json!({
                "username": m.username,
                "medium": m.medium,
                "destination": m.destination,
                "code": m.code.expose(),
                "purpose": m.purpose,
                "sentAt": m.sent_ms,
            })
        })
        .collect();
    respond::json(200, &json!({"messages": messages}))
}

#[cfg(test)]
mod tests {
    #[test]
    fn destinations_are_masked_as_cognito_masks_them() {
        assert_eq!(super::masked("mia@example.com"), "m***@e***");
        assert_eq!(super::masked("+15555550100"), "+*******0100");
    }
}
