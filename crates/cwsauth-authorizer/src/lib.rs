//! The Cognito REQUEST authorizer of an API Gateway WebSocket API, as a Lambda function: the
//! token from the identity source, verified by `cwsauth-verify` against the user pool's JWKS
//! (fetched once, again only for an unknown key id), answered with an Allow policy whose
//! context carries the claims, or `Unauthorized`. What `cwsauth verify --authorizer` shows is
//! what this function answers.
//!
//! Configuration comes from the environment (see [`Config::from_env`]).

use std::time::{Duration, Instant};

use cwsauth_verify::authorizer::{self, ConnectEvent, Decision, IdentitySource, PolicyOptions};
use cwsauth_verify::issuer::{IssuerType, cognito_issuer};
use cwsauth_verify::{Checks, ClientIds, ErrorKind, KeySet, TokenUse};
use serde_json::Value;

/// Waits for the JWKS: a Lambda must answer well within API Gateway's 10 s.
const JWKS_TIMEOUT: Duration = Duration::from_secs(4);
/// After a failed or fruitless fetch, the next one waits this long (a flood of tokens with
/// made-up key ids must not become a flood of fetches).
const REFETCH_AFTER: Duration = Duration::from_secs(30);

/// What the authorizer checks, from the environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `iss` of the pool's tokens.
    pub issuer: String,
    /// Where the pool's keys are (`{issuer}/.well-known/jwks.json`).
    pub jwks_url: String,
    pub token_use: TokenUse,
    pub clients: ClientIds,
    pub source: IdentitySource,
    /// Added to the context after the claims.
    pub extra_context: Vec<(String, String)>,
    /// When not empty, users outside all of these groups are denied (403).
    pub required_groups: Vec<String>,
}

impl Config {
    /// Reads the configuration:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `USER_POOL_ID` | the pool, e.g. `eu-west-1_AbCdEf123` (the issuer follows from it) |
    /// | `ISSUER_TYPE` | `original` (default) or `updated`: the pool's issuer format (`IssuerConfiguration.Type`) |
    /// | `COGNITO_ISSUER` | the issuer instead (an emulator's, such as `cwsauth local`'s, which sets it) |
    /// | `CLIENT_IDS` (or `CLIENT_ID`) | the app clients whose tokens are accepted, comma-separated; `*` for any |
    /// | `IDENTITY_SOURCE` | `header:NAME`, `query:NAME` or `route.request.header.NAME`; default `header:Authorization` |
    /// | `TOKEN_USE` | `access` (default) or `id` |
    /// | `EXTRA_CONTEXT` | `KEY=VALUE,…` added to the context |
    /// | `REQUIRED_GROUPS` | `GROUP,…`: anyone in none of them is denied |
    ///
    /// ```
    /// let env = |k: &str| match k {
    ///     "USER_POOL_ID" => Some("eu-west-1_AbC".to_string()),
    ///     "CLIENT_IDS" => Some("app1,app2".to_string()),
    ///     _ => None,
    /// };
    /// let config = cwsauth_authorizer::Config::from_env(env).unwrap();
    /// assert_eq!(config.issuer, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC");
    /// ```
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let get = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let issuer = match (get("COGNITO_ISSUER"), get("USER_POOL_ID")) {
            (Some(issuer), _) => issuer.trim_end_matches('/').to_string(),
            (None, Some(pool)) => {
                let region = pool
                    .split_once('_')
                    .map(|(r, _)| r)
                    .filter(|r| !r.is_empty())
                    .ok_or_else(|| {
                        format!("USER_POOL_ID {pool:?} is not REGION_ID (e.g. eu-west-1_AbCdEf123)")
                    })?;
                let kind = match get("ISSUER_TYPE") {
                    Some(t) => IssuerType::parse(&t).map_err(|e| format!("ISSUER_TYPE {e}"))?,
                    None => IssuerType::Original,
                };
                cognito_issuer(region, &pool, kind)
            }
            (None, None) => return Err("set USER_POOL_ID (or COGNITO_ISSUER)".into()),
        };
        let clients = match get("CLIENT_IDS").or_else(|| get("CLIENT_ID")) {
            Some(ids) if ids == "*" => ClientIds::Any,
            Some(ids) => ClientIds::one_of(ids.split(',').map(str::trim).filter(|s| !s.is_empty())),
            None => {
                return Err(
                    "set CLIENT_IDS to the app client ids whose tokens are accepted (or * for any)"
                        .into(),
                );
            }
        };
        let source = match get("IDENTITY_SOURCE") {
            Some(s) => IdentitySource::parse(&s).map_err(|e| format!("IDENTITY_SOURCE: {e}"))?,
            None => IdentitySource::default(),
        };
        let token_use = match get("TOKEN_USE").as_deref() {
            None | Some("access") => TokenUse::Access,
            Some("id") => TokenUse::Id,
            Some(other) => return Err(format!("TOKEN_USE {other:?} is not access or id")),
        };
        let mut extra_context = Vec::new();
        for pair in get("EXTRA_CONTEXT").iter().flat_map(|s| s.split(',')) {
            let (k, v) = pair
                .split_once('=')
                .filter(|(k, _)| !k.trim().is_empty())
                .ok_or_else(|| format!("EXTRA_CONTEXT entry {pair:?} is not KEY=VALUE"))?;
            extra_context.push((k.trim().to_string(), v.trim().to_string()));
        }
        let required_groups = get("REQUIRED_GROUPS")
            .map(|g| {
                g.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Config {
            jwks_url: format!("{issuer}/.well-known/jwks.json"),
            issuer,
            token_use,
            clients,
            source,
            extra_context,
            required_groups,
        })
    }
}

/// Why the authorizer does not answer with a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No valid token: API Gateway answers 401. The reason is for the log only.
    Unauthorized(String),
    /// The pool's keys cannot be had: API Gateway answers 500.
    JwksUnavailable(String),
}

impl Failure {
    /// The error as the Lambda reports it: exactly `Unauthorized` for a 401.
    pub fn error_type_and_message(&self) -> (&'static str, String) {
        match self {
            Failure::Unauthorized(_) => ("Unauthorized", "Unauthorized".into()),
            Failure::JwksUnavailable(why) => ("JwksUnavailable", why.clone()),
        }
    }
}

#[derive(Default)]
struct KeyCache {
    keys: KeySet,
    /// The last fetch, successful or not.
    fetched_at: Option<Instant>,
    have_keys: bool,
}

/// The authorizer: its configuration, an HTTP client and the cached key set.
pub struct Authorizer {
    config: Config,
    client: reqwest::Client,
    cache: tokio::sync::Mutex<KeyCache>,
}

impl Authorizer {
    /// An authorizer that fetches the pool's keys with `client`.
    pub fn new(config: Config, client: reqwest::Client) -> Authorizer {
        Authorizer {
            config,
            client,
            cache: tokio::sync::Mutex::new(KeyCache::default()),
        }
    }

    /// An authorizer with these keys already known (tests, or keys bundled with the function).
    pub fn with_keys(config: Config, client: reqwest::Client, keys: KeySet) -> Authorizer {
        let authorizer = Authorizer::new(config, client);
        if let Ok(mut cache) = authorizer.cache.try_lock() {
            *cache = KeyCache {
                keys,
                fetched_at: Some(Instant::now()),
                have_keys: true,
            };
        }
        authorizer
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The answer to one REQUEST authorizer event, at `now` (seconds since the epoch).
    pub async fn authorize(&self, event: &Value, now: i64) -> Result<Value, Failure> {
        let parsed: ConnectEvent = serde_json::from_value(event.clone()).unwrap_or_default();
        let token = parsed
            .token(&self.config.source)
            .map_err(|e| Failure::Unauthorized(e.to_string()))?;
        let options = PolicyOptions {
            method_arn: parsed
                .method_arn
                .clone()
                .unwrap_or_else(|| authorizer::default_method_arn(None)),
            principal_id: None,
            extra_context: self.config.extra_context.clone(),
        };
        let checks = Checks::new(
            self.config.issuer.clone(),
            self.config.token_use,
            self.config.clients.clone(),
        );
        // A key not (yet) known is fetched, once, and the token checked again.
        let mut cache = self.cache.lock().await;
        let mut result = cwsauth_verify::verify(&token, &checks, &cache.keys, now);
        if matches!(&result, Err(r) if r.error.kind == ErrorKind::KidNotFound) {
            self.refresh(&mut cache).await?;
            result = cwsauth_verify::verify(&token, &checks, &cache.keys, now);
        }
        drop(cache);
        match authorizer::decide(&result, &options, false, &self.config.required_groups) {
            Decision::Allow(policy) | Decision::Deny(policy, _) => Ok(policy),
            Decision::Unauthorized(why) => Err(Failure::Unauthorized(why)),
        }
    }

    /// Fetches the key set, unless a fetch was made lately; fails only when no keys are known.
    async fn refresh(&self, cache: &mut KeyCache) -> Result<(), Failure> {
        if cache
            .fetched_at
            .is_some_and(|t| t.elapsed() < REFETCH_AFTER)
        {
            return Ok(());
        }
        cache.fetched_at = Some(Instant::now());
        match self.fetch().await {
            Ok(keys) => {
                cache.keys = keys;
                cache.have_keys = true;
                Ok(())
            }
            Err(why) if cache.have_keys => {
                println!("keeping the cached keys: {why}");
                Ok(())
            }
            Err(why) => {
                // Without keys, the next event tries again at once.
                cache.fetched_at = None;
                Err(Failure::JwksUnavailable(why))
            }
        }
    }

    async fn fetch(&self) -> Result<KeySet, String> {
        let url = &self.config.jwks_url;
        let fail = |e: reqwest::Error| format!("cannot fetch the JWKS at {url}: {}", short(&e));
        let mut response = self
            .client
            .get(url)
            .timeout(JWKS_TIMEOUT)
            .send()
            .await
            .map_err(fail)?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!(
                "the JWKS at {url} answered HTTP {}",
                status.as_u16()
            ));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(fail)? {
            if body.len() + chunk.len() > cwsauth_verify::MAX_JWKS_BYTES {
                return Err(format!(
                    "the JWKS at {url} is over {} bytes",
                    cwsauth_verify::MAX_JWKS_BYTES
                ));
            }
            body.extend_from_slice(&chunk);
        }
        KeySet::from_json(&body).map_err(|e| format!("the JWKS at {url} is not usable: {e}"))
    }
}

/// The innermost cause of a request error, which names what failed.
fn short(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    if e.is_timeout() {
        "timed out".into()
    } else {
        source.to_string()
    }
}

/// The HTTPS client: Mozilla's roots, plus the CA certificates of `AWS_CA_BUNDLE` when it is
/// set (an emulator's own CA), no redirects.
pub fn https_client(ca_bundle: Option<&std::path::Path>) -> Result<reqwest::Client, String> {
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_bundle {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| format!("AWS_CA_BUNDLE {}: {e}", path.display()))?;
        for cert in certs {
            let cert = cert.map_err(|e| format!("AWS_CA_BUNDLE {}: {e}", path.display()))?;
            roots
                .add(cert)
                .map_err(|e| format!("AWS_CA_BUNDLE {}: {e}", path.display()))?;
        }
    }
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(JWKS_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("cwsauth-authorizer/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cwsauth_verify::signing::{SigningKey, jwks_document};
    use serde_json::json;

    const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_T";
    const ARN: &str = "arn:aws:execute-api:us-east-1:123456789012:abc/prod/$connect";

    fn config(extra: &[(&str, &str)]) -> Config {
        let mut env = vec![("USER_POOL_ID", "us-east-1_T"), ("CLIENT_IDS", "app")];
        env.extend_from_slice(extra);
        Config::from_env(|k| {
            env.iter()
                .rev()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
        .unwrap()
    }

    fn event(header: &str) -> Value {
        json!({"type": "REQUEST", "methodArn": ARN, "headers": {"Authorization": header}})
    }

    fn setup(extra: &[(&str, &str)]) -> (Authorizer, SigningKey) {
        let key = SigningKey::generate("k1").unwrap();
        let keys = KeySet::from_value(&jwks_document(&[&key])).unwrap();
        let client = https_client(None).unwrap();
        (Authorizer::with_keys(config(extra), client, keys), key)
    }

    fn claims() -> Value {
        json!({"iss": ISSUER, "token_use": "access", "client_id": "app", "username": "alice",
               "sub": "s-1", "exp": 2_000_000_000u64, "cognito:groups": ["dev"]})
    }

    #[tokio::test]
    async fn allows_a_valid_token_with_the_claims_and_extra_context() {
        let (a, key) = setup(&[("EXTRA_CONTEXT", "tier=gold")]);
        let token = key.sign(&claims());
        let policy = a
            .authorize(&event(&format!("Bearer {token}")), 1_900_000_000)
            .await
            .unwrap();
        assert_eq!(policy["principalId"], "alice");
        assert_eq!(policy["policyDocument"]["Statement"][0]["Effect"], "Allow");
        assert_eq!(policy["policyDocument"]["Statement"][0]["Resource"], ARN);
        assert_eq!(policy["context"]["cognito:groups"], "dev");
        assert_eq!(policy["context"]["tier"], "gold");
    }

    #[tokio::test]
    async fn refuses_what_api_gateway_would() {
        let (a, key) = setup(&[]);
        let token = key.sign(&claims());
        // Expired, missing, wrong client: Unauthorized (401), never a policy.
        let late = a
            .authorize(&event(&format!("Bearer {token}")), 2_000_000_001)
            .await;
        assert!(
            matches!(late, Err(Failure::Unauthorized(ref why)) if why.starts_with("expired")),
            "{late:?}"
        );
        let none = a
            .authorize(&json!({"methodArn": ARN, "headers": {}}), 1_900_000_000)
            .await;
        assert!(matches!(none, Err(Failure::Unauthorized(_))));
        let mut other = claims();
        other["client_id"] = json!("someone-else");
        let foreign = a
            .authorize(
                &event(&format!("Bearer {}", key.sign(&other))),
                1_900_000_000,
            )
            .await;
        assert!(
            matches!(foreign, Err(Failure::Unauthorized(ref why)) if why.starts_with("invalid_client_id")),
            "{foreign:?}"
        );
        assert_eq!(
            Failure::Unauthorized("x".into()).error_type_and_message(),
            ("Unauthorized", "Unauthorized".to_string())
        );
    }

    #[tokio::test]
    async fn denies_users_outside_the_required_groups() {
        let (a, key) = setup(&[("REQUIRED_GROUPS", "admins")]);
        let policy = a
            .authorize(
                &event(&format!("Bearer {}", key.sign(&claims()))),
                1_900_000_000,
            )
            .await
            .unwrap();
        assert_eq!(policy["policyDocument"]["Statement"][0]["Effect"], "Deny");
    }

    #[tokio::test]
    async fn an_unknown_kid_without_reachable_keys_is_a_jwks_failure() {
        let key = SigningKey::generate("k1").unwrap();
        let mut config = config(&[]);
        // Nothing listens on port 9 of loopback: the fetch fails at once.
        config.jwks_url = "http://127.0.0.1:9/.well-known/jwks.json".into();
        let a = Authorizer::new(config, https_client(None).unwrap());
        let answer = a
            .authorize(
                &event(&format!("Bearer {}", key.sign(&claims()))),
                1_900_000_000,
            )
            .await;
        assert!(
            matches!(answer, Err(Failure::JwksUnavailable(ref why)) if why.contains("127.0.0.1:9")),
            "{answer:?}"
        );
    }

    #[test]
    fn configuration_errors_name_the_variable() {
        let err = |env: Vec<(&str, &str)>| {
            Config::from_env(|k| {
                env.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            })
            .unwrap_err()
        };
        assert_eq!(err(vec![]), "set USER_POOL_ID (or COGNITO_ISSUER)");
        assert!(
            err(vec![("USER_POOL_ID", "nounderscore"), ("CLIENT_IDS", "a")])
                .starts_with("USER_POOL_ID")
        );
        assert!(err(vec![("USER_POOL_ID", "eu-west-1_a")]).starts_with("set CLIENT_IDS"));
        assert!(
            err(vec![
                ("USER_POOL_ID", "eu-west-1_a"),
                ("CLIENT_IDS", "a"),
                ("TOKEN_USE", "refresh")
            ])
            .starts_with("TOKEN_USE")
        );
        assert!(
            err(vec![
                ("USER_POOL_ID", "eu-west-1_a"),
                ("CLIENT_IDS", "a"),
                ("EXTRA_CONTEXT", "novalue")
            ])
            .starts_with("EXTRA_CONTEXT")
        );
        assert_eq!(
            err(vec![
                ("USER_POOL_ID", "eu-west-1_a"),
                ("CLIENT_IDS", "a"),
                ("ISSUER_TYPE", "new")
            ]),
            "ISSUER_TYPE \"new\" is not original or updated"
        );
        let updated = Config::from_env(|k| match k {
            "USER_POOL_ID" => Some("eu-west-1_a".into()),
            "CLIENT_IDS" => Some("a".into()),
            "ISSUER_TYPE" => Some("updated".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            updated.issuer,
            "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_a"
        );
        assert_eq!(
            updated.jwks_url,
            "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_a/.well-known/jwks.json"
        );
        let local = Config::from_env(|k| match k {
            "COGNITO_ISSUER" => Some("http://127.0.0.1:9911/us-east-1_cwsLocal1/".into()),
            "CLIENT_IDS" => Some("*".into()),
            "IDENTITY_SOURCE" => Some("route.request.header.X-Token".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            local.jwks_url,
            "http://127.0.0.1:9911/us-east-1_cwsLocal1/.well-known/jwks.json"
        );
        assert_eq!(local.clients, ClientIds::Any);
        assert_eq!(local.source, IdentitySource::Header("X-Token".into()));
    }
}
