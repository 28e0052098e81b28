//! Fixtures and in-process throughput for `bench/compare`.
//! `verify_throughput fixture DIR` writes a JWKS, one token and 1,000 distinct tokens;
//! `verify_throughput loop DIR SECONDS` verifies them round-robin and prints tokens per second.

use std::time::{Duration, Instant};

use cwsauth_verify::signing::{SigningKey, access_claims, jwks_document};
use cwsauth_verify::{self as jwt, Checks, ClientIds, KeySet, TokenUse};
use serde_json::json;

const POOL: &str = "us-east-1_Bench12345";
const CLIENT: &str = "benchclient1234567890abcd";

fn issuer() -> String {
    format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}")
}

/// Token `i`: its own user, subject and id, valid long after the run.
fn claims(i: usize) -> serde_json::Value {
    let mut claims = access_claims(&issuer(), CLIENT, 1_800_000_000);
    claims["exp"] = json!(4_000_000_000i64);
    claims["sub"] = json!(format!("5f2c7a1e-0000-4000-8000-{i:012}"));
    claims["jti"] = json!(format!("aaaaaaaa-bbbb-cccc-dddd-{i:012}"));
    claims["username"] = json!(format!("user{i}"));
    claims
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("fixture") => {
            let dir = std::path::Path::new(&args[2]);
            let key = SigningKey::generate("bench-kid-1").unwrap();
            std::fs::write(dir.join("jwks.json"), jwks_document(&[&key]).to_string()).unwrap();
            std::fs::write(dir.join("token"), key.sign(&claims(0))).unwrap();
            let tokens: Vec<String> = (0..1000).map(|i| key.sign(&claims(i))).collect();
            std::fs::write(dir.join("tokens.txt"), tokens.join("\n")).unwrap();
            println!("{POOL} {CLIENT}");
        }
        Some("loop") => {
            let dir = std::path::Path::new(&args[2]);
            let seconds: f64 = args[3].parse().unwrap();
            let keys = KeySet::from_json(&std::fs::read(dir.join("jwks.json")).unwrap()).unwrap();
            let text = std::fs::read_to_string(dir.join("tokens.txt")).unwrap();
            let tokens: Vec<&str> = text.lines().collect();
            let checks = Checks::new(issuer(), TokenUse::Access, ClientIds::one_of([CLIENT]));
            let deadline = Instant::now() + Duration::from_secs_f64(seconds);
            let started = Instant::now();
            let mut n = 0usize;
            while Instant::now() < deadline {
                for token in &tokens {
                    assert!(jwt::verify(token, &checks, &keys, 1_900_000_000).is_ok());
                }
                n += tokens.len();
            }
            println!("{:.0}", n as f64 / started.elapsed().as_secs_f64());
        }
        _ => eprintln!("usage: verify_throughput fixture DIR | loop DIR SECONDS"),
    }
}
