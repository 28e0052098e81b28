//! `cwsauth decode`: unverified header and claims, times made readable.

use serde_json::json;

use crate::common::*;

#[test]
fn decode_prints_header_claims_and_times() {
    let cli = Cli::new();
    let k = key("k1");
    let token = k.sign(
        &json!({"sub": "s1", "exp": NOW + 42 * 60, "iat": NOW - 3 * 3600, "token_use": "access"}),
    );
    let now = NOW.to_string();
    let run = cli.run(&["decode", "--now", &now, &token]);
    run.expect(0);
    assert_eq!(
        run.stdout(),
        "Header\n{\n  \"alg\": \"RS256\",\n  \"kid\": \"k1\"\n}\nClaims\n{\n  \"exp\": 1800002520,\n  \"iat\": 1799989200,\n  \"sub\": \"s1\",\n  \"token_use\": \"access\"\n}\nTimes\n  exp        2027-01-15T08:42:00Z  (expires in 42m)\n  iat        2027-01-15T05:00:00Z  (3h ago)\n"
    );
    let run = cli.run(&[
        "decode",
        "--json",
        "--now",
        &now,
        &format!("Bearer {token}"),
    ]);
    run.expect(0);
    assert_eq!(
        run.json(),
        json!({
            "error": null,
            "header": {"alg": "RS256", "kid": "k1"},
            "claims": {"sub": "s1", "exp": NOW + 2520, "iat": NOW - 10800, "token_use": "access"},
            "times": {
                "exp": {"epoch": NOW + 2520, "utc": "2027-01-15T08:42:00Z", "relative": "expires in 42m"},
                "iat": {"epoch": NOW - 10800, "utc": "2027-01-15T05:00:00Z", "relative": "3h ago"},
            }
        })
    );
    // Expired tokens decode too, and stdin works.
    let old = k.sign(&json!({"exp": NOW - 7200}));
    let run = cli.run_with_stdin(&["decode", "--json", "--now", &now], &old);
    run.expect(0);
    assert_eq!(run.json()["times"]["exp"]["relative"], "expired 2h ago");
}

#[test]
fn decode_escapes_terminal_controls() {
    let cli = Cli::new();
    let token = key("k1").sign(&json!({"name": "evil\u{1b}[2J\u{202e}txt"}));
    let run = cli.run(&["decode", &token]);
    run.expect(0);
    assert!(
        run.stdout().contains(r#""name": "evil\u001b[2J\u202etxt""#),
        "{}",
        run.stdout()
    );
    assert!(!run.stdout().contains('\u{1b}'));
}

#[test]
fn decode_rejects_malformed_tokens() {
    let cli = Cli::new();
    let run = cli.run(&["decode", "abc.def"]);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: malformed: a JWT has 3 dot-separated parts, this one has 2\n"
    );
    assert_eq!(run.stdout(), "");
    let run = cli.run(&["decode", "e30.eyJleHAiOiAi.sig"]);
    run.expect(1);
    assert!(
        run.stderr()
            .starts_with("cwsauth: error: malformed: the payload is not JSON"),
        "{}",
        run.stderr()
    );
}

#[test]
fn decode_json_reports_malformed_tokens_as_json() {
    let cli = Cli::new();
    let run = cli.run(&["decode", "--json", "abc.def"]);
    run.expect(1);
    assert_eq!(
        run.json(),
        json!({
            "error": {"kind": "malformed", "message": "a JWT has 3 dot-separated parts, this one has 2", "expected": "3 parts", "actual": "2 parts"},
            "header": null, "claims": null, "times": null,
        })
    );
    assert_eq!(run.stderr(), "");
}

#[test]
fn extreme_times_do_not_wrap() {
    let cli = Cli::new();
    let token = key("k1").sign(&json!({"exp": i64::MIN, "iat": i64::MAX}));
    let run = cli.run(&["decode", "--json", "--now", &NOW.to_string(), &token]);
    run.expect(0);
    let times = &run.json()["times"];
    // i64::MIN is far in the past, i64::MAX far in the future: never the other way round.
    assert!(
        times["exp"]["relative"]
            .as_str()
            .unwrap()
            .starts_with("expired 106751991"),
        "{times}"
    );
    assert_eq!(times["exp"]["utc"], json!(i64::MIN.to_string()));
    assert!(
        times["iat"]["relative"]
            .as_str()
            .unwrap()
            .starts_with("in 106751991"),
        "{times}"
    );
}
