//! The local stand-in for the reference architecture on 127.0.0.1: a Cognito user pool with its
//! hosted UI, OAuth endpoints, JSON API and JWKS, and an API Gateway WebSocket API whose
//! `$connect` runs the Cognito authorizer or the developer's own functions. `server.rs` takes
//! the connections; this module holds the emulator's options and state. Never logs a secret.

// Handlers return the HTTP error response as their `Err`: it is the answer, not a failure.
#![allow(clippy::result_large_err)]

mod account_pages;
pub mod api;
mod ca;
mod challenges;
pub mod config;
mod connections;
mod enrollment;
pub mod error;
pub mod functions;
pub(crate) mod gateway;
mod hosted_ui;
pub(crate) mod hosts;
mod identity_pool;
pub mod ids;
mod json_api;
mod oauth_endpoints;
mod outbox;
mod respond;
mod self_service;
mod server;
pub mod services;
pub mod template;
mod tokens;
mod triggers;
mod user_pool;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::redacted::Secret;
use cwsauth_verify::KeySet;
use cwsauth_verify::authorizer::IdentitySource;
use cwsauth_verify::signing::{SigningKey, jwks_document};
pub use error::{LocalError, SetupError};
pub use ids::{CONFIDENTIAL_CLIENT_ID, M2M_SCOPE, POOL_ID, PUBLIC_CLIENT_ID};
pub use respond::Body;
pub use server::{Running, start};
use user_pool::User;
pub use user_pool::{AppClient, AuthFlows, ISSUER_PLACEHOLDER, UserSpec, jwks_uri, write_profiles};

/// How to run the emulator.
#[derive(Clone)]
pub struct Options {
    pub bind: IpAddr,
    pub port: u16,
    pub users: Vec<UserSpec>,
    pub token_ttl: Duration,
    /// Callback URLs besides `http://localhost:3000`.
    pub callback_urls: Vec<String>,
    pub identity_source: IdentitySource,
    /// Connections of users outside these groups are denied (403).
    pub require_groups: Vec<String>,
    pub idle_timeout: Duration,
    pub max_connection_time: Duration,
    /// How long an authorization code lives (Cognito: 5 minutes).
    pub code_ttl: Duration,
    /// Keep the signing keys in this folder across starts.
    pub persist_dir: Option<std::path::PathBuf>,
    /// Each refresh returns a new refresh token and retires the old one.
    pub rotate_refresh_tokens: bool,
    /// How long a rotated-away refresh token is still taken (`RetryGracePeriodSeconds`).
    pub refresh_token_grace: Duration,
    /// The `InitiateAuth` flows the app clients allow.
    pub auth_flows: user_pool::AuthFlows,
    /// The credentials an `AWS_IAM` route accepts (access key, secret).
    pub iam_credentials: Vec<(String, Secret)>,
    /// Issue AWS's `iss` of this format instead of the emulator's own URL.
    pub issuer_format: Option<cwsauth_verify::issuer::IssuerType>,
    /// MFA is required (`MfaConfiguration: ON`): users without one enroll at sign-in.
    pub mfa_required: bool,
    /// Where the log lines go (one per request, the functions' output): none is silent.
    pub log: Option<functions::Log>,
    /// The developer's functions, routes and authorizer (none: the built-in ones).
    pub api: api::ApiConfig,
    /// Where the functions' other AWS calls go (`--aws-endpoint`).
    pub aws_endpoint: Option<String>,
    /// `CreateTable` requests for the template's tables, made at `aws_endpoint` at start.
    pub tables: Vec<serde_json::Value>,
    /// Start a function's first process at its first invocation, as Lambda does (otherwise
    /// every function starts one at start, in parallel, and the first request is warm).
    pub cold_starts: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            users: Vec::new(),
            token_ttl: Duration::from_secs(3600),
            callback_urls: Vec::new(),
            identity_source: IdentitySource::default(),
            require_groups: Vec::new(),
            idle_timeout: crate::quotas::IDLE_TIMEOUT,
            max_connection_time: crate::quotas::MAX_CONNECTION_TIME,
            code_ttl: Duration::from_secs(300),
            persist_dir: None,
            rotate_refresh_tokens: false,
            refresh_token_grace: Duration::ZERO,
            auth_flows: user_pool::AuthFlows::default(),
            iam_credentials: vec![(
                api::DEFAULT_IAM_CREDENTIALS.0.to_string(),
                Secret::new(api::DEFAULT_IAM_CREDENTIALS.1),
            )],
            issuer_format: None,
            mfa_required: false,
            log: None,
            api: api::ApiConfig::default(),
            aws_endpoint: None,
            tables: Vec::new(),
            cold_starts: false,
        }
    }
}

/// The emulator's fixed parts and its mutable state.
pub struct Emulator {
    pub base_url: String,
    pub issuer: String,
    pub ws_url: String,
    pub public_client: AppClient,
    pub confidential_client: AppClient,
    pub(crate) options: Options,
    pub(crate) users: std::sync::RwLock<Vec<Arc<User>>>,
    pub(crate) access_key: SigningKey,
    pub(crate) id_key: SigningKey,
    pub(crate) keys: KeySet,
    pub(crate) state: Mutex<State>,
    /// Set when the emulator stops; open connections end.
    pub(crate) stopping: tokio::sync::watch::Sender<bool>,
    /// The developer's functions by name.
    pub(crate) functions: HashMap<String, Arc<functions::Function>>,
    /// TLS on the same port, and the CA file clients trust it with.
    pub(crate) tls: ca::LocalTls,
    /// The emulator's own folder (its CA when nothing persists, the runtimes' bootstraps,
    /// inline code), removed when it stops.
    work: tempfile::TempDir,
}

/// What changes while the emulator runs.
#[derive(Default)]
pub(crate) struct State {
    pub codes: HashMap<String, oauth_endpoints::CodeGrant>,
    pub refresh_tokens: HashMap<String, oauth_endpoints::RefreshGrant>,
    pub srp_sessions: HashMap<String, json_api::SrpSession>,
    /// Each user's credentials as they change (new passwords, enrolled software tokens).
    pub accounts: HashMap<String, challenges::Account>,
    pub challenge_sessions: HashMap<String, challenges::ChallengeSession>,
    pub outbox: std::collections::VecDeque<outbox::Message>,
    /// The identity pool's identities (by user `sub`) and the credentials it vended.
    pub identities: HashMap<String, String>,
    pub vended: HashMap<String, identity_pool::Vended>,
    pub connections: HashMap<String, gateway::Connection>,
}

impl Emulator {
    async fn new(options: Options, addr: SocketAddr) -> Result<Emulator, LocalError> {
        let base_url = format!("http://{addr}");
        // The keys are made while the functions start (they need the CA, not the keys).
        let persist = options.persist_dir.clone();
        let loading = tokio::task::spawn_blocking(move || user_pool::load_keys(persist.as_deref()));
        let (functions, tls, issuer, work) = Self::functions(&options, addr)?;
        let (access_key, id_key) = loading.await.map_err(|e| LocalError::Keys {
            path: "memory".into(),
            why: e.to_string(),
        })??;
        let keys = KeySet::from_value(&jwks_document(&[&access_key, &id_key])).map_err(|e| {
            LocalError::Keys {
                path: "memory".into(),
                why: e.to_string(),
            }
        })?;
        let mut callbacks = vec![crate::profile::DEFAULT_REDIRECT_URI.to_string()];
        callbacks.extend(options.callback_urls.iter().cloned());
        let scopes: Vec<String> = [
            "openid",
            "email",
            "profile",
            "aws.cognito.signin.user.admin",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let public_client = AppClient {
            client_id: PUBLIC_CLIENT_ID.into(),
            secret: None,
            callback_urls: callbacks.clone(),
            logout_urls: callbacks.clone(),
            scopes: scopes.clone(),
        };
        let mut m2m_scopes = scopes;
        m2m_scopes.push(M2M_SCOPE.into());
        let confidential_client = AppClient {
            client_id: CONFIDENTIAL_CLIENT_ID.into(),
            secret: Some(Secret::new(ids::random_token(24))),
            callback_urls: callbacks.clone(),
            logout_urls: callbacks,
            scopes: m2m_scopes,
        };
        let specs = if options.users.is_empty() {
            vec![UserSpec::demo()]
        } else {
            options.users.clone()
        };
        let users: Vec<User> = specs.into_iter().map(User::new).collect();
        let state = State {
            accounts: users
                .iter()
                .map(|u| (u.spec.username.clone(), challenges::Account::new(u)))
                .collect(),
            ..State::default()
        };
        let users = std::sync::RwLock::new(users.into_iter().map(Arc::new).collect());
        Ok(Emulator {
            issuer,
            ws_url: format!("ws://{addr}/$default"),
            base_url,
            public_client,
            confidential_client,
            users,
            access_key,
            id_key,
            keys,
            state: Mutex::new(state),
            stopping: tokio::sync::watch::channel(false).0,
            functions,
            tls,
            work,
            options,
        })
    }

    /// The emulator's folder and CA, and its functions, their first processes started (unless
    /// `--cold-starts`).
    #[allow(clippy::type_complexity)]
    fn functions(
        options: &Options,
        addr: SocketAddr,
    ) -> Result<
        (
            HashMap<String, Arc<functions::Function>>,
            ca::LocalTls,
            String,
            tempfile::TempDir,
        ),
        LocalError,
    > {
        let base_url = format!("http://{addr}");
        let work = tempfile::Builder::new()
            .prefix("cwsauth-local-")
            .tempdir()
            .map_err(|e| LocalError::Ca(format!("cannot make the emulator's folder: {e}")))?;
        let tls = ca::generate(options.persist_dir.as_deref().unwrap_or(work.path()))?;
        let issuer = user_pool::issuer(&base_url, options.issuer_format);
        options.api.check()?;
        let log: functions::Log = options
            .log
            .clone()
            .unwrap_or_else(|| Arc::new(|_: &str| {}));
        // What every started function may want of the emulator: its CA (for
        // https://{domainName}/{stage}), and where its pool is, under the names functions
        // commonly read (a function's own --function-env settings come after and win).
        let ca = tls.ca_file.display().to_string();
        let clients = format!("{PUBLIC_CLIENT_ID},{CONFIDENTIAL_CLIENT_ID}");
        let mut extra_env = vec![
            ("NODE_EXTRA_CA_CERTS".to_string(), ca.clone()),
            ("AWS_CA_BUNDLE".into(), ca),
            ("COGNITO_ISSUER".into(), issuer.clone()),
            ("USER_POOL_ID".into(), POOL_ID.into()),
            ("CLIENT_IDS".into(), clients),
            ("CWSAUTH_LOCAL_ISSUER".into(), issuer.clone()),
            ("CWSAUTH_LOCAL_POOL_ID".into(), POOL_ID.into()),
            (
                "CWSAUTH_LOCAL_JWKS_URI".into(),
                user_pool::jwks_uri(&base_url),
            ),
            ("CWSAUTH_LOCAL_CLIENT_ID".into(), PUBLIC_CLIENT_ID.into()),
        ];
        if let Some(endpoint) = &options.aws_endpoint {
            extra_env.extend(services::environment(endpoint, &format!("https://{addr}")));
        }
        let mut functions = HashMap::new();
        let api_base = addr.to_string();
        for spec in &options.api.functions {
            let name = spec.name.clone();
            let mut spec = spec.clone();
            if let functions::Source::Runtime { runtime, code } = &spec.source {
                let prepared = functions::runtimes::prepare(&name, runtime, code, work.path())
                    .map_err(|source| LocalError::Function {
                        name: name.clone(),
                        source,
                    })?;
                spec.source = functions::Source::Command(prepared.command);
                spec.cwd = Some(prepared.dir);
                spec.env = prepared.env.into_iter().chain(spec.env).collect();
            }
            for (_, value) in &mut spec.env {
                *value = user_pool::with_issuer(value, &issuer);
                // The API's own endpoint, as a deployed function would reach it: here.
                *value = value.replace(&template::api_host(), &api_base);
            }
            let function = functions::Function::new(spec, extra_env.clone(), log.clone()).map_err(
                |source| LocalError::Function {
                    name: name.clone(),
                    source,
                },
            )?;
            functions.insert(name, Arc::new(function));
        }
        if !options.cold_starts {
            for f in functions.values() {
                // One that cannot start is said now; its invocations fail as they come.
                if let Err(e) = f.prestart() {
                    log(&format!("function {}: {e}", f.spec.name));
                }
            }
        }
        Ok((functions, tls, issuer, work))
    }

    /// One line of the emulator's log (when it logs).
    pub(crate) fn log(&self, line: &str) {
        if let Some(log) = &self.options.log {
            log(line);
        }
    }

    /// What an access token of this pool must satisfy: the one place the emulator makes
    /// [`cwsauth_verify::Checks`] (its authorizer, `userInfo` and `GetUser`).
    pub(crate) fn checks(&self, clients: cwsauth_verify::ClientIds) -> cwsauth_verify::Checks {
        cwsauth_verify::Checks::new(
            self.issuer.clone(),
            cwsauth_verify::TokenUse::Access,
            clients,
        )
    }

    /// The query parameters that carry credentials to the authorizer (its identity sources).
    pub(crate) fn query_identity_sources(&self) -> Vec<String> {
        let mut names = Vec::new();
        if let IdentitySource::Query(n) = &self.options.identity_source {
            names.push(n.clone());
        }
        if let api::AuthorizerConfig::Function {
            identity_sources, ..
        } = &self.options.api.authorizer
        {
            for s in identity_sources {
                if let IdentitySource::Query(n) = s {
                    names.push(n.clone());
                }
            }
        }
        names
    }

    /// The functions as they run (a template's runtime made a command), by name.
    pub fn function_specs(&self) -> Vec<&functions::FunctionSpec> {
        let mut specs: Vec<_> = self.functions.values().map(|f| &f.spec).collect();
        specs.sort_by(|a, b| a.name.cmp(&b.name));
        specs
    }

    /// The emulator's temporary folder (the CA without `--persist`, the functions' runtimes),
    /// removed when it stops.
    pub fn work_dir(&self) -> &std::path::Path {
        self.work.path()
    }

    /// The CA certificate (PEM) that the emulator's TLS certificate chains to.
    pub fn ca_file(&self) -> &std::path::Path {
        &self.tls.ca_file
    }

    /// Ends the processes of started functions.
    pub fn stop_functions(&self) {
        for f in self.functions.values() {
            f.stop();
        }
    }

    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn user(&self, username: &str) -> Option<Arc<User>> {
        self.users
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|u| u.spec.username == username)
            .cloned()
    }

    /// Adds a user (sign-up); false when the name is taken.
    pub(crate) fn add_user(&self, user: User) -> bool {
        let mut users = self.users.write().unwrap_or_else(|p| p.into_inner());
        if users.iter().any(|u| u.spec.username == user.spec.username) {
            return false;
        }
        self.state()
            .accounts
            .insert(user.spec.username.clone(), challenges::Account::new(&user));
        users.push(Arc::new(user));
        true
    }

    pub(crate) fn client(&self, client_id: &str) -> Option<&AppClient> {
        [&self.public_client, &self.confidential_client]
            .into_iter()
            .find(|c| c.client_id == client_id)
    }

    pub fn users(&self) -> Vec<UserSpec> {
        self.users
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|u| u.spec.clone())
            .collect()
    }

    /// What the emulator knows of AWS credentials: its `--iam-credentials`, the ones its
    /// functions get, and what its identity pool vended.
    pub(crate) fn aws_secret(
        &self,
        key: &str,
        token: Option<&str>,
    ) -> crate::sigv4::verify::KeyLookup {
        use crate::sigv4::verify::KeyLookup;
        if let Some((_, secret)) = self.options.iam_credentials.iter().find(|(k, _)| k == key) {
            return KeyLookup::Known(secret.expose().to_string());
        }
        if key == services::ACCESS_KEY_ID {
            return KeyLookup::Known(services::SECRET_ACCESS_KEY.to_string());
        }
        identity_pool::vended_secret(self, key, token)
    }

    /// Whether `key` is an access key of the emulator's own (its secret is known).
    pub(crate) fn owns_access_key(&self, key: &str) -> bool {
        self.options.iam_credentials.iter().any(|(k, _)| k == key)
            || key == services::ACCESS_KEY_ID
            || self.state().vended.contains_key(key)
    }

    /// Signs access-token claims with the emulator's key (the demo's expired token).
    pub fn sign_access_claims(&self, claims: &serde_json::Value) -> String {
        self.access_key.sign(claims)
    }

    /// What `$connect` stored for each open WebSocket connection (the built-in echo's view).
    pub fn connections(&self) -> Vec<serde_json::Value> {
        self.state()
            .connections
            .values()
            .map(|c| c.item.clone())
            .collect()
    }
}
