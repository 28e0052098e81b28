//! `cwsauth decode`: header and claims of a token, unverified, with readable times.

use serde_json::{Map, Value, json};

use crate::cli::DecodeArgs;
use crate::home::Home;
use crate::sanitize::json_pretty;
use crate::session::TokenKind;
use crate::timefmt::{now_epoch, relative, rfc3339};
use crate::{ExitCode, Result};

/// The claims shown as times.
pub(crate) const TIME_CLAIMS: &[&str] = &["exp", "iat", "nbf", "auth_time"];

pub fn run(home: &Home, args: DecodeArgs) -> Result<ExitCode> {
    let token = super::read_token(&args.input, || {
        let profile = super::profile(home, &args.select, &Default::default())?;
        super::stored_token(home, &profile, TokenKind::Access)
    })?;
    let now = args.now.unwrap_or_else(now_epoch);
    let decoded = match cwsauth_verify::decode(&token) {
        Ok(d) => d,
        Err(error) if args.json => {
            let doc = json!({"error": error, "header": null, "claims": null, "times": null});
            crate::output::println(&crate::sanitize::json_line(&doc))?;
            return Ok(ExitCode::Rejected);
        }
        Err(error) => return Err(error.into()),
    };
    if args.json {
        let doc = json!({
            "error": null,
            "header": decoded.header,
            "claims": decoded.claims,
            "times": times_json(&decoded.claims, now),
        });
        crate::output::println(&crate::sanitize::json_line(&doc))?;
    } else {
        let mut text = String::new();
        text.push_str("Header\n");
        text.push_str(&json_pretty(&Value::Object(decoded.header)));
        text.push_str("\nClaims\n");
        text.push_str(&json_pretty(&Value::Object(decoded.claims.clone())));
        let times = time_lines(&decoded.claims, now);
        if !times.is_empty() {
            text.push_str("\nTimes\n");
            text.push_str(&times);
        }
        crate::output::println(text.trim_end())?;
    }
    Ok(ExitCode::Success)
}

fn times_json(claims: &Map<String, Value>, now: i64) -> Value {
    let mut out = Map::new();
    for name in TIME_CLAIMS {
        if let Some(epoch) = time_claim(claims, name) {
            out.insert(
                name.to_string(),
                json!({"epoch": epoch, "utc": rfc3339(epoch), "relative": relative(name, epoch, now)}),
            );
        }
    }
    Value::Object(out)
}

/// A time claim as whole seconds, when it is a number.
fn time_claim(claims: &Map<String, Value>, name: &str) -> Option<i64> {
    claims
        .get(name)
        .filter(|v| v.is_number())
        .and_then(|_| cwsauth_verify::number(claims, name))
}

/// `  exp        2026-11-24T20:05:01Z  (expires in 42m)`, one line per time claim present.
pub(crate) fn time_lines(claims: &Map<String, Value>, now: i64) -> String {
    let mut text = String::new();
    for name in TIME_CLAIMS {
        if let Some(epoch) = time_claim(claims, name) {
            text.push_str(&format!(
                "  {name:<10} {}  ({})\n",
                rfc3339(epoch),
                relative(name, epoch, now)
            ));
        }
    }
    text
}
