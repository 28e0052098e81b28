//! Times as people read them: RFC 3339 UTC and a relative phrase ("expires in 42m").

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now.
pub fn now_epoch() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `2026-11-24T19:05:01Z`, or the bare number when it is outside chrono's range.
pub fn rfc3339(epoch: i64) -> String {
    match chrono::DateTime::from_timestamp(epoch, 0) {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        None => epoch.to_string(),
    }
}

/// A duration in its two largest units: `42m`, `3h 5m`, `2d 4h`, `17s`.
pub fn span(seconds: u64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
        seconds % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) if s == 0 => format!("{m}m"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, 0) => format!("{h}h"),
        (0, _, _) => format!("{h}h {m}m"),
        (_, 0, _) => format!("{d}d"),
        _ => format!("{d}d {h}h"),
    }
}

/// The phrase for a claim relative to `now`: `expires in 42m` / `expired 3h ago` for `exp`,
/// `in 5m` / `3h ago` otherwise.
pub fn relative(claim: &str, epoch: i64, now: i64) -> String {
    let delta = epoch - now;
    let amount = span(delta.unsigned_abs());
    // Zero counts as past for issue times ("0s ago") and as future for expiry.
    let future = if matches!(claim, "exp" | "nbf") {
        delta >= 0
    } else {
        delta > 0
    };
    match (claim, future) {
        ("exp", true) => format!("expires in {amount}"),
        ("exp", false) => format!("expired {amount} ago"),
        ("nbf", true) => format!("valid in {amount}"),
        ("nbf", false) => format!("valid since {amount} ago"),
        (_, true) => format!("in {amount}"),
        (_, false) => format!("{amount} ago"),
    }
}

/// Parses `90`, `90s`, `5m`, `1h`, `2d` or `500ms`.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 30s, 5m or 1h"))?;
    let secs = |mult: u64| std::time::Duration::from_secs(n.saturating_mul(mult));
    match unit {
        "" | "s" => Ok(secs(1)),
        "ms" => Ok(std::time::Duration::from_millis(n)),
        "m" => Ok(secs(60)),
        "h" => Ok(secs(3600)),
        "d" => Ok(secs(86_400)),
        _ => Err(format!("{text:?} is not a duration such as 30s, 5m or 1h")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(relative("exp", 1000 + 42 * 60, 1000), "expires in 42m");
        assert_eq!(relative("exp", 1000, 1000 + 3 * 3600), "expired 3h ago");
        assert_eq!(relative("iat", 1000, 1090), "1m 30s ago");
        assert_eq!(span(2 * 86_400 + 4 * 3600 + 7), "2d 4h");
        assert_eq!(parse_duration("90").unwrap().as_secs(), 90);
        assert_eq!(parse_duration("5m").unwrap().as_secs(), 300);
        assert_eq!(parse_duration("250ms").unwrap().as_millis(), 250);
        assert!(parse_duration("5 min").is_err());
    }
}
