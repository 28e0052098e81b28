//! Cognito's SRP-6a (`USER_SRP_AUTH` + `PASSWORD_VERIFIER`) for both sides: the client proves
//! the password without sending it; the emulator keeps only a salt and a verifier.
//! Hex numbers are "padded" as Cognito does: even length, and a leading `00` when the high bit
//! is set, so hashes match the service's.

use std::sync::OnceLock;

use aws_lc_rs::{digest, hkdf, hmac};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use num_bigint::BigUint;

/// The 3072-bit group of RFC 5054, as Cognito uses it.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33",
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864",
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

struct Group {
    n: BigUint,
    g: BigUint,
    k: BigUint,
}

fn group() -> &'static Group {
    static GROUP: OnceLock<Group> = OnceLock::new();
    GROUP.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default();
        let g = BigUint::from(2u32);
        let k = hash_hex(&format!("{}{}", pad_hex(&n), pad_hex(&g)));
        Group { n, g, k }
    })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SrpError {
    #[error("the SRP challenge has a bad {0}")]
    BadParameter(&'static str),
    #[error("the SRP exchange failed its safety check")]
    Unsafe,
}

/// Cognito's hex form of a number: even length, `00` first when the high bit is set.
pub fn pad_hex(n: &BigUint) -> String {
    let mut hex = n.to_str_radix(16);
    if hex.len() % 2 == 1 {
        hex.insert(0, '0');
    } else if hex
        .as_bytes()
        .first()
        .is_some_and(|c| b"89abcdef".contains(c))
    {
        hex.insert_str(0, "00");
    }
    hex
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect()
}

fn parse_hex(name: &'static str, hex: &str) -> Result<BigUint, SrpError> {
    BigUint::parse_bytes(hex.as_bytes(), 16).ok_or(SrpError::BadParameter(name))
}

/// SHA-256 of the bytes a hex string stands for, as a number.
fn hash_hex(hex: &str) -> BigUint {
    BigUint::from_bytes_be(digest::digest(&digest::SHA256, &hex_bytes(hex)).as_ref())
}

fn random_biguint(bytes: usize) -> BigUint {
    BigUint::from_bytes_be(&crate::random::bytes(bytes))
}

/// The part of the pool id after the region: `us-east-1_AbC` → `AbC`.
pub fn pool_name(user_pool_id: &str) -> &str {
    user_pool_id
        .split_once('_')
        .map_or(user_pool_id, |(_, n)| n)
}

/// x = H(salt | H(poolName | userId | ":" | password)).
fn private_x(pool: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let inner = crate::home::short_digest(&format!("{}{user_id}:{password}", pool_name(pool)), 32);
    hash_hex(&format!("{}{inner}", pad_hex(salt)))
}

fn scrambler(a: &BigUint, b: &BigUint) -> BigUint {
    hash_hex(&format!("{}{}", pad_hex(a), pad_hex(b)))
}

/// HKDF-SHA256(ikm = S, salt = u, info = "Caldera Derived Key"), 16 bytes.
fn session_key(s: &BigUint, u: &BigUint) -> [u8; 16] {
    struct Len16;
    impl hkdf::KeyType for Len16 {
        fn len(&self) -> usize {
            16
        }
    }
    let salt = hkdf::Salt::new(hkdf::HKDF_SHA256, &hex_bytes(&pad_hex(u)));
    let prk = salt.extract(&hex_bytes(&pad_hex(s)));
    let mut out = [0u8; 16];
    if let Ok(okm) = prk.expand(&[b"Caldera Derived Key"], Len16) {
        let _ = okm.fill(&mut out);
    }
    out
}

/// The signature both sides compute: HMAC(key, poolName | userId | secretBlock | timestamp).
fn claim_signature(
    key: &[u8; 16],
    pool: &str,
    user_id: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(pool_name(pool).as_bytes());
    ctx.update(user_id.as_bytes());
    ctx.update(secret_block);
    ctx.update(timestamp.as_bytes());
    STANDARD.encode(ctx.sign().as_ref())
}

/// Cognito's TIMESTAMP: `Tue Nov 4 19:05:01 UTC 2026` (day not zero-padded).
pub fn timestamp(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0)
        .map(|t| t.format("%a %b %-d %H:%M:%S UTC %Y").to_string())
        .unwrap_or_default()
}

/// Whose password is proven: the pool and the user's SRP id (`USER_ID_FOR_SRP`).
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub pool: &'a str,
    pub user: &'a str,
}

/// The server's `PASSWORD_VERIFIER` challenge as it is sent: hex `SRP_B` and `SALT`, base64
/// `SECRET_BLOCK`.
#[derive(Debug, Clone, Copy)]
pub struct Challenge<'a> {
    pub srp_b: &'a str,
    pub salt: &'a str,
    pub secret_block: &'a str,
}

/// The client's claim as the server receives it.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub srp_a: &'a str,
    pub secret_block: &'a [u8],
    pub timestamp: &'a str,
    pub signature: &'a str,
}

/// The client's half: `a` secret, `A` sent as `SRP_A`.
pub struct Client {
    a: BigUint,
    big_a: BigUint,
}

/// What the client answers to a `PASSWORD_VERIFIER` challenge.
#[derive(Debug, Clone)]
pub struct ClaimResponse {
    pub signature: String,
    pub timestamp: String,
}

impl Client {
    pub fn new() -> Client {
        let grp = group();
        loop {
            let a = random_biguint(128) % &grp.n;
            let big_a = grp.g.modpow(&a, &grp.n);
            if big_a != BigUint::ZERO {
                return Client { a, big_a };
            }
        }
    }

    /// `SRP_A` as Cognito expects it: plain lowercase hex.
    pub fn srp_a(&self) -> String {
        self.big_a.to_str_radix(16)
    }

    /// Answers the challenge from the server's `SRP_B`, `SALT` and `SECRET_BLOCK`.
    pub fn respond(
        &self,
        who: Who<'_>,
        password: &str,
        challenge: &Challenge<'_>,
        epoch: i64,
    ) -> Result<ClaimResponse, SrpError> {
        let (user_pool_id, user_id_for_srp) = (who.pool, who.user);
        let grp = group();
        let big_b = parse_hex("SRP_B", challenge.srp_b)?;
        if (&big_b % &grp.n) == BigUint::ZERO {
            return Err(SrpError::Unsafe);
        }
        let salt = parse_hex("SALT", challenge.salt)?;
        let secret_block = STANDARD
            .decode(challenge.secret_block)
            .map_err(|_| SrpError::BadParameter("SECRET_BLOCK"))?;
        let u = scrambler(&self.big_a, &big_b);
        if u == BigUint::ZERO {
            return Err(SrpError::Unsafe);
        }
        let x = private_x(user_pool_id, user_id_for_srp, password, &salt);
        let kgx = (&grp.k * grp.g.modpow(&x, &grp.n)) % &grp.n;
        let base = (&big_b + &grp.n - kgx) % &grp.n;
        let s = base.modpow(&(&self.a + &u * &x), &grp.n);
        let key = session_key(&s, &u);
        let timestamp = timestamp(epoch);
        Ok(ClaimResponse {
            signature: claim_signature(
                &key,
                user_pool_id,
                user_id_for_srp,
                &secret_block,
                &timestamp,
            ),
            timestamp,
        })
    }
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

/// What the server stores for a user instead of the password.
#[derive(Debug, Clone)]
pub struct Verifier {
    pub salt: BigUint,
    pub v: BigUint,
}

impl Verifier {
    pub fn new(user_pool_id: &str, user_id: &str, password: &str) -> Verifier {
        let grp = group();
        let salt = random_biguint(16);
        let x = private_x(user_pool_id, user_id, password, &salt);
        Verifier {
            v: grp.g.modpow(&x, &grp.n),
            salt,
        }
    }
}

/// The server's half of one exchange.
pub struct Server {
    b: BigUint,
    big_b: BigUint,
}

impl Server {
    pub fn new(verifier: &Verifier) -> Server {
        let grp = group();
        loop {
            let b = random_biguint(128) % &grp.n;
            let big_b = (&grp.k * &verifier.v + grp.g.modpow(&b, &grp.n)) % &grp.n;
            if big_b != BigUint::ZERO {
                return Server { b, big_b };
            }
        }
    }

    /// `SRP_B` as Cognito sends it.
    pub fn srp_b(&self) -> String {
        self.big_b.to_str_radix(16)
    }

    /// True when the client's signature proves the password.
    pub fn check(&self, verifier: &Verifier, who: Who<'_>, claim: &Claim<'_>) -> bool {
        let grp = group();
        let Ok(big_a) = parse_hex("SRP_A", claim.srp_a) else {
            return false;
        };
        if (&big_a % &grp.n) == BigUint::ZERO {
            return false;
        }
        let u = scrambler(&big_a, &self.big_b);
        let s = (big_a * verifier.v.modpow(&u, &grp.n)).modpow(&self.b, &grp.n);
        let key = session_key(&s, &u);
        let expected = claim_signature(
            &key,
            who.pool,
            who.user,
            claim.secret_block,
            claim.timestamp,
        );
        // Constant-time compare: the signature is a password proof.
        aws_lc_rs::constant_time::verify_slices_are_equal(
            expected.as_bytes(),
            claim.signature.as_bytes(),
        )
        .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known answers from an independent implementation (pycognito's AWSSRP, the client most
    /// Python code uses against Cognito), computed once with a fixed `a`, `b` and time:
    /// Cognito's SRP is not RFC 5054 (padding, x, HKDF info), so agreeing with ourselves
    /// proves little.
    #[test]
    fn known_answers_from_an_independent_client() {
        let a = BigUint::from_bytes_be(&[0x1f; 32]);
        let grp = group();
        let client = Client {
            big_a: grp.g.modpow(&a, &grp.n),
            a,
        };
        assert!(
            client
                .srp_a()
                .starts_with("89830aec1b6010b91bc65e075a7732b2a68cb03f")
        );
        assert_eq!(client.srp_a().len(), 768);
        assert!(
            pad_hex(&grp.k)
                .trim_start_matches('0')
                .starts_with("538282c4354742d7cbbde2359fcf67f9f5b3a6b0")
        );
        let answer = client
            .respond(
                Who {
                    pool: "us-east-1_AbCdEf123",
                    user: "9a3ed7e1-5b8c-4a4e-9f37-1d3c2a0b4c5d",
                },
                "Passw0rd!",
                &Challenge {
                    srp_b: "fa7b01d456cd28b468e855f776594efe732a41d4dec061cb0d533a915b570d8a63dd94cbcc7607293ca5624c280dea041f3ce6464fa57b014775113daae747552775af9f79537d3380c128be9f983b23a86fe862ef035c3da67ace4616d35b4333c1547d7fd201ae1b82e8761cfb133c4ca6ebd949cbb18c7f2ff9a6e63989807d3ee48953489e38f0de0ee1300535d81f12bd5d95d6f5ac2ba76e4ed6bde5390c8cd77e42f043de96ad97c044a30b731b90dc754f1d461f0df07cef47484c935910025985a05be80970502d3ef1c5c91d690c18ad6cbb29b13cd2714efe4e1887df78d27071bff092247c2baaea7fed226f6e0cb330b157a47ee7687ad3890a9c6d813559837e1d3414d0f53b1398f8e99b36107aa8c5ff55ad9ee64fd0fa14915d3565ca8c223ad0190bb653e959a9f6f02627d2a235770163fbd4d69694e3bc9b570f92eb5095dbf981f9bdf4dc97807c4d74fee9880e270405da9a92ec317360043b15db29f4a215abf28337282d67bda3c3018354c66d6947608503dfe5",
                    salt: "5ad1f7c0a5b3e2d4",
                    secret_block: "c2VjcmV0LWJsb2NrLWZvci10ZXN0cw==",
                },
                1_793_819_101,
            )
            .unwrap();
        assert_eq!(answer.timestamp, "Wed Nov 4 19:05:01 UTC 2026");
        assert_eq!(
            answer.signature,
            "0PFJG5x4R6R9OYj3hiXm/naNyS0rKJd9W0WzW66YWUI="
        );
    }

    #[test]
    fn client_and_server_agree_only_on_the_right_password() {
        let pool = "us-east-1_AbC";
        let verifier = Verifier::new(pool, "alice", "Passw0rd!");
        let server = Server::new(&verifier);
        let client = Client::new();
        let block = b"opaque secret block";
        let block_b64 = STANDARD.encode(block);
        let salt = pad_hex(&verifier.salt);
        let who = Who {
            pool,
            user: "alice",
        };
        let srp_b = server.srp_b();
        let challenge = Challenge {
            srp_b: &srp_b,
            salt: &salt,
            secret_block: &block_b64,
        };
        let srp_a = client.srp_a();
        let claim = |c: &ClaimResponse| -> bool {
            server.check(
                &verifier,
                who,
                &Claim {
                    srp_a: &srp_a,
                    secret_block: block,
                    timestamp: &c.timestamp,
                    signature: &c.signature,
                },
            )
        };
        let ok = client
            .respond(who, "Passw0rd!", &challenge, 1_800_000_000)
            .unwrap();
        assert_eq!(ok.timestamp, "Fri Jan 15 08:00:00 UTC 2027");
        assert!(claim(&ok));
        let bad = client
            .respond(who, "wrong", &challenge, 1_800_000_000)
            .unwrap();
        assert!(!claim(&bad));
        let zero = Challenge {
            srp_b: "0",
            ..challenge
        };
        assert_eq!(
            client.respond(who, "x", &zero, 0).unwrap_err(),
            SrpError::Unsafe
        );
    }

    #[test]
    fn pad_hex_matches_cognito() {
        assert_eq!(pad_hex(&BigUint::from(0x0fu32)), "0f");
        assert_eq!(pad_hex(&BigUint::from(0x7fu32)), "7f");
        assert_eq!(pad_hex(&BigUint::from(0x80u32)), "0080");
        assert_eq!(pad_hex(&BigUint::from(0x123u32)), "0123");
        assert_eq!(timestamp(1_793_905_501), "Thu Nov 5 19:05:01 UTC 2026");
    }
}
