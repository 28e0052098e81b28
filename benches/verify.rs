//! The hot paths of `verify`: decoding, verifying with warm keys, loading the JWKS cache from
//! disk, and building the authorizer's policy. Run with `cargo bench`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cwsauth::jwks::JwksCache;
use cwsauth_verify::authorizer::{PolicyOptions, allow};
use cwsauth_verify::signing::{SigningKey, access_claims, jwks_document};
use cwsauth_verify::{self as jwt, Checks, ClientIds, KeySet, KeySource, TokenUse};
use serde_json::json;

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Bench1234";

/// An access token with Cognito's claim set, valid long after the benches run.
fn token(key: &SigningKey) -> String {
    let mut claims = access_claims(ISSUER, "benchclient1234567890", 1_800_000_000);
    claims["exp"] = json!(4_000_000_000i64);
    key.sign(&claims)
}

fn checks() -> Checks {
    Checks::new(
        ISSUER,
        TokenUse::Access,
        ClientIds::one_of(["benchclient1234567890"]),
    )
}

fn benches(c: &mut Criterion) {
    let key = SigningKey::generate("bench-kid").unwrap();
    let token = token(&key);
    let keys = KeySet::from_value(&jwks_document(&[&key])).unwrap();
    let checks = checks();

    c.bench_function("decode", |b| {
        b.iter(|| jwt::decode(black_box(&token)).unwrap())
    });
    c.bench_function("verify_warm_rs256_2048", |b| {
        b.iter(|| jwt::verify(black_box(&token), &checks, &keys, 1_900_000_000).unwrap())
    });

    // Fill a disk cache once through a loopback server, then time loading it.
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/us-east-1_Bench1234/.well-known/jwks.json",
        server.server_addr().to_ip().unwrap()
    );
    let body = jwks_document(&[&key]).to_string();
    let serve = std::thread::spawn(move || {
        if let Ok(request) = server.recv() {
            let _ = request.respond(tiny_http::Response::from_string(body));
        }
    });
    let dir = tempfile::tempdir().unwrap();
    JwksCache::new(url.clone(), Some(dir.path()))
        .unwrap()
        .key("bench-kid")
        .unwrap();
    serve.join().unwrap();
    c.bench_function("jwks_cache_load_from_disk", |b| {
        b.iter(|| {
            let cache = JwksCache::new(url.clone(), Some(dir.path())).unwrap();
            cache.key(black_box("bench-kid")).unwrap()
        })
    });

    let verified = jwt::verify(&token, &checks, &keys, 1_900_000_000).unwrap();
    let options = PolicyOptions {
        method_arn: "arn:aws:execute-api:us-east-1:123456789012:abc/prod/$connect".into(),
        ..Default::default()
    };
    c.bench_function("authorizer_policy", |b| {
        b.iter(|| serde_json::to_string(&allow(black_box(&verified.claims), &options)).unwrap())
    });
}

criterion_group!(verify, benches);
criterion_main!(verify);
