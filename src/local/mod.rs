//! The local stand-in for the reference architecture on 127.0.0.1: a Cognito user pool with its
//! hosted UI, OAuth endpoints, JSON API and JWKS, and an API Gateway WebSocket API whose
//! `$connect` runs the Cognito authorizer. Logs one line per request, never a secret.

// Handlers return the HTTP error response as their `Err`: it is the answer, not a failure.
#![allow(clippy::result_large_err)]

pub mod api;
mod ca;
mod connections;
pub mod functions;
mod gateway;
mod hosted_ui;
pub mod ids;
mod json_api;
mod oauth_endpoints;
mod respond;
pub mod template;
mod tokens;

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::{Method, Request, Response};

use crate::redacted::Secret;
use cwsauth_verify::KeySet;
use cwsauth_verify::authorizer::IdentitySource;
use cwsauth_verify::signing::{SigningKey, jwks_document};
pub use ids::{CONFIDENTIAL_CLIENT_ID, M2M_SCOPE, POOL_ID, PUBLIC_CLIENT_ID};

pub use respond::Body;

/// What a template's `UserPool.ProviderURL` stands for until the emulator's port is known
/// (`https://` + it is the issuer); replaced in functions' environments at start.
pub const ISSUER_PLACEHOLDER: &str = "http://cwsauth-local-issuer.invalid";

/// `value` with the issuer placeholder (with any scheme, or none) made the real issuer.
fn with_issuer(value: &str, issuer: &str) -> String {
    let host = ISSUER_PLACEHOLDER.trim_start_matches("http://");
    let bare = issuer
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    value
        .replace(&format!("https://{host}"), issuer)
        .replace(&format!("http://{host}"), issuer)
        .replace(host, bare)
}

/// A user from `--user NAME:PASSWORD[:GROUP,…]`.
#[derive(Debug, Clone)]
pub struct UserSpec {
    pub username: String,
    pub password: Secret,
    pub groups: Vec<String>,
}

impl UserSpec {
    pub fn parse(text: &str) -> Result<UserSpec, String> {
        let mut parts = text.splitn(3, ':');
        let (Some(username), Some(password)) = (parts.next(), parts.next()) else {
            return Err(format!(
                "user {:?} is not NAME:PASSWORD[:GROUP,…]",
                text.split(':').next().unwrap_or("")
            ));
        };
        if username.is_empty() || password.is_empty() {
            return Err("a user needs a name and a password: NAME:PASSWORD[:GROUP,…]".into());
        }
        let groups = parts
            .next()
            .map(|g| {
                g.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        Ok(UserSpec {
            username: username.into(),
            password: Secret::new(password),
            groups,
        })
    }

    /// The user every emulator has when none is given.
    pub fn demo() -> UserSpec {
        UserSpec {
            username: "demo".into(),
            password: Secret::new("Demo-Passw0rd!"),
            groups: vec!["developers".into()],
        }
    }
}

/// How to run the emulator.
#[derive(Debug, Clone)]
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
    /// Log one line per request on stderr.
    pub log_requests: bool,
    /// The developer's functions, routes and authorizer (none: the built-in ones).
    pub api: api::ApiConfig,
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
            idle_timeout: Duration::from_secs(600),
            max_connection_time: Duration::from_secs(7200),
            code_ttl: Duration::from_secs(300),
            persist_dir: None,
            rotate_refresh_tokens: false,
            log_requests: true,
            api: api::ApiConfig::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocalError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot use the signing keys in {path}: {why}")]
    Keys { path: String, why: String },
    /// The API or one of its functions cannot be set up.
    #[error("{0}")]
    Api(String),
}

/// An app client of the pool.
#[derive(Debug, Clone)]
pub struct AppClient {
    pub client_id: String,
    pub secret: Option<Secret>,
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
    pub scopes: Vec<String>,
}

pub(crate) struct User {
    pub spec: UserSpec,
    pub sub: String,
    pub email: String,
    pub verifier: crate::cognito::srp::Verifier,
}

/// The emulator's fixed parts and its mutable state.
pub struct Emulator {
    pub base_url: String,
    pub issuer: String,
    pub ws_url: String,
    pub public_client: AppClient,
    pub confidential_client: AppClient,
    pub(crate) options: Options,
    pub(crate) users: Vec<User>,
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
    /// Holds the CA's folder when nothing persists.
    _tls_dir: Option<tempfile::TempDir>,
}

#[derive(Default)]
pub(crate) struct State {
    pub codes: HashMap<String, oauth_endpoints::CodeGrant>,
    pub refresh_tokens: HashMap<String, oauth_endpoints::RefreshGrant>,
    pub srp_sessions: HashMap<String, json_api::SrpSession>,
    pub connections: HashMap<String, gateway::Connection>,
}

impl Emulator {
    async fn new(options: Options, addr: SocketAddr) -> Result<Emulator, LocalError> {
        let base_url = format!("http://{addr}");
        let (access_key, id_key) = load_keys(options.persist_dir.as_deref())?;
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
        let users = specs
            .into_iter()
            .map(|spec| User {
                sub: ids::uuid(),
                email: format!("{}@example.com", spec.username),
                verifier: crate::cognito::srp::Verifier::new(
                    POOL_ID,
                    &spec.username,
                    spec.password.expose(),
                ),
                spec,
            })
            .collect();
        let (tls_dir, temp) = match &options.persist_dir {
            Some(dir) => (dir.clone(), None),
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("cwsauth-local-")
                    .tempdir()
                    .map_err(|e| {
                        LocalError::Api(format!("cannot make a folder for the emulator's CA: {e}"))
                    })?;
                (temp.path().to_path_buf(), Some(temp))
            }
        };
        let tls = ca::generate(&tls_dir).map_err(LocalError::Api)?;
        let issuer = format!("{base_url}/{POOL_ID}");
        options.api.check().map_err(LocalError::Api)?;
        let log_requests = options.log_requests;
        let log: Arc<dyn Fn(&str) + Send + Sync> =
            Arc::new(move |line: &str| log_line(log_requests, line));
        // What every started function may want of the emulator: its CA (for
        // https://{domainName}/{stage}), and where its pool is, under the names functions
        // commonly read (a function's own --function-env settings come after and win).
        let ca = tls.ca_file.display().to_string();
        let clients = format!("{PUBLIC_CLIENT_ID},{CONFIDENTIAL_CLIENT_ID}");
        let extra_env = vec![
            ("NODE_EXTRA_CA_CERTS".to_string(), ca.clone()),
            ("AWS_CA_BUNDLE".into(), ca),
            ("COGNITO_ISSUER".into(), issuer.clone()),
            ("USER_POOL_ID".into(), POOL_ID.into()),
            ("CLIENT_IDS".into(), clients),
            ("CWSAUTH_LOCAL_ISSUER".into(), issuer.clone()),
            ("CWSAUTH_LOCAL_POOL_ID".into(), POOL_ID.into()),
            ("CWSAUTH_LOCAL_CLIENT_ID".into(), PUBLIC_CLIENT_ID.into()),
        ];
        let mut functions = HashMap::new();
        for spec in &options.api.functions {
            let name = spec.name.clone();
            let mut spec = spec.clone();
            for (_, value) in &mut spec.env {
                *value = with_issuer(value, &issuer);
            }
            let function = functions::Function::new(spec, extra_env.clone(), log.clone())
                .map_err(LocalError::Api)?;
            functions.insert(name, Arc::new(function));
        }
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
            state: Mutex::new(State::default()),
            stopping: tokio::sync::watch::channel(false).0,
            functions,
            tls,
            _tls_dir: temp,
            options,
        })
    }

    /// One line of the emulator's log on stderr (when logging is on).
    pub(crate) fn log(&self, line: &str) {
        log_line(self.options.log_requests, line);
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

    pub(crate) fn user(&self, username: &str) -> Option<&User> {
        self.users.iter().find(|u| u.spec.username == username)
    }

    pub(crate) fn client(&self, client_id: &str) -> Option<&AppClient> {
        [&self.public_client, &self.confidential_client]
            .into_iter()
            .find(|c| c.client_id == client_id)
    }

    pub fn users(&self) -> impl Iterator<Item = &UserSpec> {
        self.users.iter().map(|u| &u.spec)
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

    async fn handle(self: Arc<Self>, req: Request<Incoming>) -> Response<Body> {
        let started = Instant::now();
        let method = req.method().clone();
        let path_and_query = req
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
        let response = self.clone().route(req).await;
        if self.options.log_requests {
            eprintln!(
                "{method} {} {} {}ms",
                crate::sanitize::for_terminal(&crate::redacted::redact_params(&path_and_query)),
                response.status().as_u16(),
                started.elapsed().as_millis()
            );
        }
        response
    }

    async fn route(self: Arc<Self>, req: Request<Incoming>) -> Response<Body> {
        let path = req.uri().path().to_string();
        let pool_prefix = format!("/{POOL_ID}/.well-known/");
        if let Some((stage, id)) = connections::parse_path(&path) {
            return connections::handle(&self, req, stage, id).await;
        }
        if req.headers().get(hyper::header::UPGRADE).is_some() {
            // An upgrade after another request on the same connection: open a new one.
            return respond::json(
                400,
                &serde_json::json!({"message": "Bad Request: open a new connection for a WebSocket"}),
            );
        }
        match (req.method(), path.as_str()) {
            (&Method::GET, "/oauth2/authorize") => hosted_ui::authorize(&self, &req),
            (&Method::GET, "/login") => hosted_ui::login_form(&self, &req),
            (&Method::POST, "/login") => {
                let query = req.uri().query().unwrap_or("").to_string();
                match respond::read_form(req).await {
                    Ok(form) => hosted_ui::login_submit(&self, &query, &form),
                    Err(resp) => resp,
                }
            }
            (&Method::GET, "/login/cancel") => hosted_ui::cancel(&self, &req),
            (&Method::GET, "/logout") => hosted_ui::logout(&self, &req),
            (&Method::POST, "/oauth2/token") => oauth_endpoints::token(&self, req).await,
            (&Method::POST, "/oauth2/revoke") => oauth_endpoints::revoke(&self, req).await,
            (&Method::GET | &Method::POST, "/oauth2/userInfo") => {
                oauth_endpoints::userinfo(&self, &req)
            }
            (&Method::POST, "/") => json_api::handle(&self, req).await,
            (&Method::GET, p) if p.starts_with(&pool_prefix) => match &p[pool_prefix.len()..] {
                "jwks.json" => {
                    respond::json(200, &jwks_document(&[&self.access_key, &self.id_key]))
                }
                "openid-configuration" => respond::json(200, &self.openid_configuration()),
                _ => respond::not_found(),
            },
            _ => respond::not_found(),
        }
    }

    fn openid_configuration(&self) -> serde_json::Value {
        let base = &self.base_url;
        serde_json::json!({
            "issuer": self.issuer,
            "authorization_endpoint": format!("{base}/oauth2/authorize"),
            "token_endpoint": format!("{base}/oauth2/token"),
            "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
            "revocation_endpoint": format!("{base}/oauth2/revoke"),
            "end_session_endpoint": format!("{base}/logout"),
            "jwks_uri": format!("{}/.well-known/jwks.json", self.issuer),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        })
    }
}

/// The two signing keys: fresh, or kept in `dir` (`--persist`).
fn load_keys(dir: Option<&std::path::Path>) -> Result<(SigningKey, SigningKey), LocalError> {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let generate = || -> Result<(SigningKey, SigningKey), LocalError> {
        let err = |e: cwsauth_verify::signing::KeyError| LocalError::Keys {
            path: "memory".into(),
            why: e.to_string(),
        };
        let suffix = &ids::random_token(6);
        Ok((
            SigningKey::generate(format!("local-access-{suffix}")).map_err(err)?,
            SigningKey::generate(format!("local-id-{suffix}")).map_err(err)?,
        ))
    };
    let Some(dir) = dir else { return generate() };
    let path = dir.join("local-keys.json");
    let keys_error = |why: String| LocalError::Keys {
        path: path.display().to_string(),
        why,
    };
    match crate::fsutil::read_capped(&path, 64 * 1024) {
        Ok(bytes) => {
            let doc: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| keys_error(e.to_string()))?;
            let load = |name: &str| -> Result<SigningKey, LocalError> {
                let kid = doc[name]["kid"].as_str().unwrap_or_default();
                let der = STANDARD
                    .decode(doc[name]["pkcs8"].as_str().unwrap_or_default())
                    .map_err(|e| keys_error(e.to_string()))?;
                SigningKey::from_pkcs8(kid, &der).map_err(|e| keys_error(e.to_string()))
            };
            Ok((load("access")?, load("id")?))
        }
        Err(e) if e.is_not_found() => {
            let (access, id) = generate()?;
            let der = |k: &SigningKey| k.pkcs8_der().map_err(|e| keys_error(e.to_string()));
            let doc = serde_json::json!({
                "access": {"kid": access.kid(), "pkcs8": STANDARD.encode(der(&access)?)},
                "id": {"kid": id.kid(), "pkcs8": STANDARD.encode(der(&id)?)},
            });
            crate::fsutil::write_atomic(&path, doc.to_string().as_bytes(), 0o600)
                .map_err(|e| keys_error(e.to_string()))?;
            Ok((access, id))
        }
        Err(e) => Err(keys_error(e.to_string())),
    }
}

/// Writes profile `name` (the public client) and `name-m2m` (the confidential one) pointing
/// at this instance.
pub fn write_profiles(
    home: &crate::home::Home,
    name: &str,
    emu: &Emulator,
) -> Result<(), crate::profile::ConfigError> {
    use crate::profile::{ConfigFile, Key};
    let mut file = ConfigFile::load(&home.config_file())?;
    let common = |client_id: &str| {
        vec![
            (Key::Region, vec![ids::REGION.to_string()]),
            (Key::UserPoolId, vec![POOL_ID.to_string()]),
            (Key::ClientId, vec![client_id.to_string()]),
            (Key::Domain, vec![emu.base_url.clone()]),
            (Key::Issuer, vec![emu.issuer.clone()]),
            (
                Key::JwksUri,
                vec![format!("{}/.well-known/jwks.json", emu.issuer)],
            ),
            (Key::IdpEndpoint, vec![emu.base_url.clone()]),
            (Key::WsUrl, vec![emu.ws_url.clone()]),
            (Key::RedirectUri, emu.public_client.callback_urls.clone()),
        ]
    };
    file.update(name, &common(&emu.public_client.client_id))?;
    let mut m2m = common(&emu.confidential_client.client_id);
    if let Some(secret) = &emu.confidential_client.secret {
        m2m.push((Key::ClientSecret, vec![secret.expose().to_string()]));
    }
    m2m.push((Key::Scopes, vec![M2M_SCOPE.to_string()]));
    file.update(&format!("{name}-m2m"), &m2m)
}

/// A running emulator: its address, and a handle that stops it when dropped or on `stop`.
pub struct Running {
    pub emulator: Arc<Emulator>,
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops accepting and ends open connections.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Waits until the server stops.
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// One line of the emulator's request log on stderr, when it logs.
fn log_line(enabled: bool, line: &str) {
    if enabled {
        use std::io::Write;
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

/// One connection: TLS or plain on the same port (a TLS ClientHello starts with 0x16); a
/// WebSocket upgrade goes to the gateway with its head as sent, anything else to hyper with
/// the bytes read so far replayed.
async fn serve(emu: Arc<Emulator>, tcp: tokio::net::TcpStream, peer: SocketAddr) {
    let _ = tcp.set_nodelay(true);
    // The first byte, TLS and the request head within one bound: a client that connects and
    // says nothing does not hold a task until the emulator stops.
    let opened = tokio::time::timeout(Duration::from_secs(10), async {
        let mut first = [0u8; 1];
        let tls = matches!(tcp.peek(&mut first).await, Ok(1) if first[0] == 0x16);
        let mut io: Box<dyn crate::connect::transport::Io> = if tls {
            Box::new(emu.tls.acceptor.accept(tcp).await.ok()?)
        } else {
            Box::new(tcp)
        };
        let (head, read) = gateway::read_head(&mut io, peer).await?;
        Some((io, head, read))
    })
    .await;
    let Ok(Some((io, head, read))) = opened else {
        return;
    };
    if let Some(head) = head.filter(gateway::Head::is_upgrade) {
        return gateway::handshake(emu, head, read, io).await;
    }
    let service = hyper::service::service_fn(move |req| {
        let emu = emu.clone();
        async move { Ok::<_, Infallible>(emu.handle(req).await) }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(Replay::new(read, io)), service)
        .await;
}

/// A stream whose first bytes were already read: they are handed out again first.
struct Replay<S> {
    read: Vec<u8>,
    at: usize,
    inner: S,
}

impl<S> Replay<S> {
    fn new(read: Vec<u8>, inner: S) -> Replay<S> {
        Replay { read, at: 0, inner }
    }
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Replay<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if self.at < self.read.len() {
            let n = buf.remaining().min(self.read.len() - self.at);
            let at = self.at;
            buf.put_slice(&self.read[at..at + n]);
            self.at += n;
            return std::task::Poll::Ready(Ok(()));
        }
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Replay<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Binds and starts serving on the current tokio runtime.
pub async fn start(options: Options) -> Result<Running, LocalError> {
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| LocalError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| LocalError::Bind { addr, source })?;
    let emulator = Arc::new(Emulator::new(options, addr).await?);
    let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
    let emu = emulator.clone();
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = &mut rx => break,
                accepted = listener.accept() => {
                    let Ok((stream, peer)) = accepted else { continue };
                    let emu = emu.clone();
                    let mut stopped = emu.stopping.subscribe();
                    tokio::spawn(async move {
                        tokio::select! {
                            _ = serve(emu, stream, peer) => {}
                            _ = stopped.changed() => {}
                        }
                    });
                }
            }
        }
        let _ = emu.stopping.send(true);
        emu.stop_functions();
    });
    Ok(Running {
        emulator,
        addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_placeholder_becomes_the_issuer_in_every_form() {
        let issuer = "http://127.0.0.1:4000/us-east-1_cwsLocal1";
        let host = ISSUER_PLACEHOLDER.trim_start_matches("http://");
        assert_eq!(with_issuer(&format!("https://{host}"), issuer), issuer);
        assert_eq!(with_issuer(ISSUER_PLACEHOLDER, issuer), issuer);
        assert_eq!(
            with_issuer(&format!("{host}/x"), issuer),
            "127.0.0.1:4000/us-east-1_cwsLocal1/x"
        );
        assert_eq!(with_issuer("unrelated", issuer), "unrelated");
    }
}
