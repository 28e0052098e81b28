//! Times as people read them (RFC 3339, "expires in 42m": from `cwsauth_verify::time`), the
//! clock, and durations on the command line.

use std::time::{SystemTime, UNIX_EPOCH};

pub use cwsauth_verify::time::{relative, rfc3339, span};

/// Seconds since the Unix epoch, now.
pub fn now_epoch() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `2026-12-07T12:00:00Z` (or with an offset, or `UTC` as the AWS CLI's SSO cache writes it).
pub fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let normal = text
        .strip_suffix("UTC")
        .map_or(text.to_string(), |t| format!("{t}Z"));
    let t = chrono::DateTime::parse_from_rfc3339(&normal).ok()?;
    let secs = u64::try_from(t.timestamp()).ok()?;
    Some(UNIX_EPOCH + std::time::Duration::from_secs(secs))
}

/// SigV4's `X-Amz-Date`, `20261207T123456Z`, as a time.
pub fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let t = chrono::NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%SZ").ok()?;
    let secs = u64::try_from(t.and_utc().timestamp()).ok()?;
    Some(UNIX_EPOCH + std::time::Duration::from_secs(secs))
}

/// A time as SigV4's `X-Amz-Date`.
pub fn amz_date(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0)
        .map(|d| d.format("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_default()
}

/// `--signing-time`: RFC 3339 or `X-Amz-Date`'s form.
pub fn parse_signing_time(text: &str) -> Result<SystemTime, String> {
    parse_amz_date(text.trim())
        .or_else(|| parse_rfc3339(text))
        .ok_or_else(|| {
            format!(
                "{:?} is not a time such as 2026-12-07T12:00:00Z or 20261207T120000Z",
                crate::sanitize::excerpt(text, 40)
            )
        })
}

/// Parses `90`, `90s`, `5m`, `1h`, `2d` or `500ms`.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let bad = || {
        format!(
            "{:?} is not a duration such as 30s, 5m or 1h",
            crate::sanitize::excerpt(text, 40)
        )
    };
    let n: u64 = number.parse().map_err(|_| bad())?;
    let secs = |mult: u64| std::time::Duration::from_secs(n.saturating_mul(mult));
    match unit {
        "" | "s" => Ok(secs(1)),
        "ms" => Ok(std::time::Duration::from_millis(n)),
        "m" => Ok(secs(60)),
        "h" => Ok(secs(3600)),
        "d" => Ok(secs(86_400)),
        _ => Err(bad()),
    }
}

/// A duration as the command line writes it (`10m`, `2h`, `30s`, `500ms`): a flag's value, and
/// its default shown in `--help` from the same constant the code uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub std::time::Duration);

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.0;
        let secs = d.as_secs();
        if d.subsec_nanos() != 0 {
            return write!(f, "{}ms", d.as_millis());
        }
        match secs {
            0 => write!(f, "0s"),
            s if s % 86_400 == 0 => write!(f, "{}d", s / 86_400),
            s if s % 3600 == 0 => write!(f, "{}h", s / 3600),
            s if s % 60 == 0 => write!(f, "{}m", s / 60),
            s => write!(f, "{s}s"),
        }
    }
}

impl std::str::FromStr for Span {
    type Err = String;

    fn from_str(text: &str) -> Result<Span, String> {
        parse_duration(text).map(Span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap().as_secs(), 90);
        assert_eq!(parse_duration("5m").unwrap().as_secs(), 300);
        assert_eq!(parse_duration("250ms").unwrap().as_millis(), 250);
        assert!(parse_duration("5 min").is_err());
        for text in ["10m", "2h", "1d", "90s", "250ms", "0s"] {
            let span: Span = text.parse().unwrap();
            assert_eq!(span.to_string(), text);
        }
    }
}
