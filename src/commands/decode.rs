//! `cwsauth decode`: header and claims of a token, unverified, with readable times.

use serde_json::{Map, Value, json};

use crate::cli::DecodeArgs;
use crate::sanitize::json_pretty;
use crate::timefmt::{now_epoch, relative, rfc3339};
use crate::{ExitCode, Result};

/// The claims shown as times.
pub(crate) const TIME_CLAIMS: &[&str] = &["exp", "iat", "nbf", "auth_time"];

pub fn run(home: &crate::config::Home, profile_name: &str, args: DecodeArgs) -> Result<ExitCode> {
    let token = super::read_token(&args.input, || {
        let profile = super::profile(home, profile_name, &crate::config::Overrides::default())?;
        super::stored_token(home, &profile, crate::store::TokenKind::Access)
    })?;
    let decoded = crate::jwt::decode(&token)?;
    let now = args.now.unwrap_or_else(now_epoch);
    if args.json {
        let doc = json!({
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
        if let Some(epoch) = claims.get(*name).and_then(Value::as_i64) {
            out.insert(
                name.to_string(),
                json!({"epoch": epoch, "utc": rfc3339(epoch), "relative": relative(name, epoch, now)}),
            );
        }
    }
    Value::Object(out)
}

/// `  exp        2026-11-24T20:05:01Z  (expires in 42m)`, one line per time claim present.
pub(crate) fn time_lines(claims: &Map<String, Value>, now: i64) -> String {
    let mut text = String::new();
    for name in TIME_CLAIMS {
        if let Some(epoch) = claims.get(*name).and_then(Value::as_i64) {
            text.push_str(&format!(
                "  {name:<10} {}  ({})\n",
                rfc3339(epoch),
                relative(name, epoch, now)
            ));
        }
    }
    text
}
