//! Times as people read them: RFC 3339 UTC and a relative phrase ("expires in 42m"). Pure
//! arithmetic on Unix seconds, saturating everywhere: a hostile `exp` of `i64::MIN` must not
//! wrap into a date in the far future.

/// `2026-11-24T19:05:01Z` for Unix seconds; years outside 0000–9999 print as the bare number.
///
/// ```
/// assert_eq!(cwsauth_verify::time::rfc3339(0), "1970-01-01T00:00:00Z");
/// assert_eq!(cwsauth_verify::time::rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
/// assert_eq!(cwsauth_verify::time::rfc3339(i64::MIN), i64::MIN.to_string());
/// ```
pub fn rfc3339(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return epoch.to_string();
    }
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe.saturating_add(era.saturating_mul(400)) + i64::from(month <= 2);
    (year, month, day)
}

/// A duration in its two largest units: `42m`, `3h 5m`, `2d 4h`, `17s`.
///
/// ```
/// assert_eq!(cwsauth_verify::time::span(2 * 86_400 + 4 * 3600 + 7), "2d 4h");
/// assert_eq!(cwsauth_verify::time::span(90), "1m 30s");
/// ```
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

/// The phrase for a time claim relative to `now`: `expires in 42m` / `expired 3h ago` for
/// `exp`, `valid in 5m` for `nbf`, `in 5m` / `3h ago` otherwise.
///
/// ```
/// use cwsauth_verify::time::relative;
/// assert_eq!(relative("exp", 1000 + 42 * 60, 1000), "expires in 42m");
/// assert_eq!(relative("exp", 1000, 1000 + 3 * 3600), "expired 3h ago");
/// assert_eq!(relative("iat", 1000, 1090), "1m 30s ago");
/// ```
pub fn relative(claim: &str, epoch: i64, now: i64) -> String {
    // i128: the difference of two i64 cannot overflow it.
    let delta = i128::from(epoch) - i128::from(now);
    let amount = span(u64::try_from(delta.unsigned_abs()).unwrap_or(u64::MAX));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_match_the_calendar() {
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_800), "253402300800");
        assert_eq!(rfc3339(i64::MAX), i64::MAX.to_string());
    }

    #[test]
    fn extremes_do_not_wrap() {
        assert_eq!(
            relative("exp", i64::MIN, 0),
            "expired 106751991167300d 15h ago"
        );
        assert_eq!(
            relative("iat", i64::MAX, i64::MIN),
            "in 213503982334601d 7h"
        );
    }
}
