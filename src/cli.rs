//! The command line: the single source for `--help`, the completions in `completions/` and the
//! README's flag lists. Doc comments here are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Overrides;
use crate::jwt::TokenUse;

/// Log in to Amazon Cognito, verify its JWTs as an API Gateway authorizer does, and open
/// authenticated WebSocket sessions.
#[derive(Debug, Parser)]
#[command(
    name = "cwsauth",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The profile to use from the config file.
    #[arg(
        long,
        global = true,
        env = "CWSAUTH_PROFILE",
        default_value = "default"
    )]
    pub profile: String,

    /// Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write or show a profile in the config file.
    Configure(ConfigureArgs),
    /// Print a token's header and claims without verifying it.
    Decode(DecodeArgs),
    /// Verify a token exactly as a Cognito JWT authorizer does.
    Verify(VerifyArgs),
    /// Log in through the hosted UI (browser), or headless with --password, --srp or --client-credentials.
    Login(LoginArgs),
    /// Print a usable token (refreshed when it is about to expire) and nothing else.
    Token(TokenArgs),
    /// Show who is logged in with the profile, and until when.
    Status(StatusArgs),
    /// Revoke the refresh token and delete the stored tokens.
    Logout(LogoutArgs),
    /// Open an authenticated WebSocket session, with wscat's flags and habits.
    Connect(Box<ConnectArgs>),
    /// The whole loop on 127.0.0.1: local user pool, hosted-UI login, verify, WebSocket.
    Demo(DemoArgs),
    /// Run a local Cognito user pool and API Gateway WebSocket API on 127.0.0.1.
    Local(LocalArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

/// Profile keys that a command can override; each wins over the config file and env.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Profile overrides")]
pub struct ProfileArgs {
    /// AWS region of the user pool (derived from the pool id when absent).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Cognito user pool id, e.g. us-east-1_AbCdEf123.
    #[arg(long, value_name = "ID")]
    pub user_pool_id: Option<String>,
    /// Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// JWKS URL or file; default {issuer}/.well-known/jwks.json.
    #[arg(long, visible_alias = "jwks", value_name = "URL|FILE")]
    pub jwks_uri: Option<String>,
    /// Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.
    #[arg(long, value_name = "URL")]
    pub idp_endpoint: Option<String>,
}

impl ProfileArgs {
    pub fn overrides(&self) -> Overrides {
        let mut o = Overrides::default();
        o.set("region", self.region.clone());
        o.set("user_pool_id", self.user_pool_id.clone());
        o.set("issuer", self.issuer.clone());
        o.set("jwks_uri", self.jwks_uri.clone());
        o.set("idp_endpoint", self.idp_endpoint.clone());
        o
    }
}

#[derive(Debug, Args)]
pub struct ConfigureArgs {
    /// Print the resolved profile with the source of each value, and change nothing.
    #[arg(long, conflicts_with_all = ["discover"])]
    pub show: bool,
    /// With --show, print JSON.
    #[arg(long, requires = "show")]
    pub json: bool,
    /// Fill issuer, jwks_uri and domain from {issuer}/.well-known/openid-configuration.
    #[arg(long)]
    pub discover: bool,
    /// Scopes to request at login, space-separated.
    #[arg(long, value_name = "SCOPES")]
    pub scopes: Option<String>,
    /// Default WebSocket URL for `connect`.
    #[arg(long, value_name = "URL")]
    pub ws_url: Option<String>,
    #[command(flatten)]
    pub client: ClientArgs,
}

/// Where a token comes from.
#[derive(Debug, Clone, Args)]
pub struct TokenInput {
    /// The token; `-` or a pipe reads stdin. `Bearer …` and `Authorization: Bearer …` are fine.
    #[arg(value_name = "TOKEN|-")]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
pub struct DecodeArgs {
    #[command(flatten)]
    pub input: TokenInput,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    pub json: bool,
    /// Evaluate relative times at this Unix time instead of now.
    #[arg(long, value_name = "EPOCH")]
    pub now: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Effect {
    /// An invalid token gets the authorizer's `Unauthorized` (API Gateway answers 401).
    Unauthorized,
    /// An invalid token gets a Deny policy (API Gateway answers 403).
    DenyOnInvalid,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub input: TokenInput,
    /// Which token is accepted.
    #[arg(long, value_enum, default_value = "access", value_name = "USE")]
    pub token_use: TokenUse,
    /// Accepted app client id (repeatable); default the profile's client_id.
    #[arg(long, value_name = "ID")]
    pub client_id: Vec<String>,
    /// Require one of these scopes (repeatable).
    #[arg(long, value_name = "SCOPE")]
    pub scope: Vec<String>,
    /// Require membership in one of these groups (repeatable; cognito:groups).
    #[arg(long, value_name = "GROUP")]
    pub group: Vec<String>,
    /// Seconds of clock skew allowed on exp and nbf.
    #[arg(long, default_value_t = 0, value_name = "SECS")]
    pub leeway: u64,
    /// Evaluate at this Unix time instead of now.
    #[arg(long, value_name = "EPOCH")]
    pub now: Option<i64>,
    /// Print {valid, error, header, claims} as JSON.
    #[arg(long)]
    pub json: bool,

    /// Print what a Lambda REQUEST authorizer returns: the policy and context.
    #[arg(long, help_heading = "Authorizer")]
    pub authorizer: bool,
    /// Resource of the policy; default the event's methodArn or arn:aws:execute-api:{region}:*:*/*/$connect.
    #[arg(long, value_name = "ARN", help_heading = "Authorizer")]
    pub method_arn: Option<String>,
    /// Add KEY=VALUE to the context (repeatable).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_key_value, help_heading = "Authorizer")]
    pub context: Vec<(String, String)>,
    /// principalId of the policy; default the token's username (or sub).
    #[arg(long, value_name = "ID", help_heading = "Authorizer")]
    pub principal_id: Option<String>,
    /// What an invalid token gets.
    #[arg(
        long,
        value_enum,
        default_value = "unauthorized",
        help_heading = "Authorizer"
    )]
    pub effect: Effect,
    /// Replay an API Gateway $connect authorizer event (JSON) and take the token from it.
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Authorizer",
        conflicts_with = "token"
    )]
    pub event: Option<PathBuf>,
    /// Where the event carries the token: header:NAME or query:NAME.
    #[arg(
        long,
        default_value = "header:Authorization",
        value_name = "SOURCE",
        help_heading = "Authorizer"
    )]
    pub identity_source: String,

    #[command(flatten)]
    pub profile: ProfileArgs,
}

fn parse_key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("{text:?} is not KEY=VALUE")),
    }
}

/// Where tokens are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreKind {
    Keyring,
    File,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Keyring => "keyring",
            StoreKind::File => "file",
        }
    }
}

/// The app client and hosted UI a login uses, over the profile's.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Profile overrides")]
pub struct ClientArgs {
    /// App client id.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Hosted UI domain: abc123.auth.us-east-1.amazoncognito.com, a bare prefix, a custom domain, or a URL.
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,
    /// Callback URL registered on the app client (repeatable; a taken port moves to the next).
    #[arg(long, value_name = "URL")]
    pub redirect_uri: Vec<String>,
    /// Token store: keyring or file (default: the keyring when one answers).
    #[arg(long, value_enum)]
    pub store: Option<StoreKind>,
    #[command(flatten)]
    pub profile: ProfileArgs,
}

impl ClientArgs {
    pub fn overrides(&self) -> Overrides {
        let mut o = self.profile.overrides();
        o.set("client_id", self.client_id.clone());
        o.set("domain", self.domain.clone());
        o.set_all("redirect_uri", self.redirect_uri.clone());
        o
    }
}

/// How the authorize URL is opened.
#[derive(Debug, Clone, Args)]
pub struct BrowserArgs {
    /// Run this command with the URL as its last argument instead of the system browser.
    #[arg(long, env = "CWSAUTH_BROWSER", value_name = "CMD")]
    pub browser_command: Option<String>,
    /// Only print the URL (wins over --browser-command and CWSAUTH_BROWSER).
    #[arg(long)]
    pub no_browser: bool,
}

impl BrowserArgs {
    pub fn browser(&self) -> crate::login::Browser {
        match (&self.browser_command, self.no_browser) {
            (_, true) => crate::login::Browser::None,
            (Some(cmd), _) => crate::login::Browser::Command(cmd.clone()),
            (None, false) => crate::login::Browser::System,
        }
    }
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Headless: USER_PASSWORD_AUTH on the JSON API (password from CWSAUTH_PASSWORD or a prompt).
    #[arg(long, group = "method")]
    pub password: bool,
    /// Headless: USER_SRP_AUTH, the password never leaves this machine.
    #[arg(long, group = "method")]
    pub srp: bool,
    /// Machine to machine: client_credentials with the client secret; no refresh token.
    #[arg(long, group = "method")]
    pub client_credentials: bool,
    /// User name for --password and --srp (asked on a terminal otherwise).
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,
    /// Scope to request (repeatable); default the profile's scopes.
    #[arg(long, value_name = "SCOPE")]
    pub scope: Vec<String>,
    /// Send the user to this federated identity provider.
    #[arg(long, value_name = "NAME")]
    pub identity_provider: Option<String>,
    /// Ask the hosted UI to show the sign-in form even with a session (e.g. login).
    #[arg(long, value_name = "PROMPT")]
    pub prompt: Option<String>,
    /// Prefill the user name on the sign-in form.
    #[arg(long, value_name = "USER")]
    pub login_hint: Option<String>,
    /// Give up waiting for the browser after this long.
    #[arg(long, default_value = "5m", value_name = "DURATION", value_parser = crate::timefmt::parse_duration)]
    pub timeout: std::time::Duration,
    #[command(flatten)]
    pub browser: BrowserArgs,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The access token (the default).
    #[arg(long, group = "kind")]
    pub access: bool,
    /// The ID token.
    #[arg(long, group = "kind")]
    pub id: bool,
    /// The refresh token.
    #[arg(long, group = "kind")]
    pub refresh: bool,
    /// Print {"token", "token_type", "expires_at", "expires_in"} as JSON.
    #[arg(long)]
    pub json: bool,
    /// Refresh first when the access token expires within this many seconds.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub min_ttl: i64,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Also end the hosted UI session in the browser (/logout).
    #[arg(long)]
    pub everywhere: bool,
    #[command(flatten)]
    pub browser: BrowserArgs,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BinaryFormat {
    Hex,
    Base64,
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The WebSocket URL (ws:// or wss://), taken as typed; default the profile's ws_url.
    #[arg(value_name = "URL")]
    pub url: Option<String>,

    /// Send the ID token instead of the access token.
    #[arg(long, help_heading = "Authentication")]
    pub id_token: bool,
    /// Header that carries the token.
    #[arg(
        long,
        default_value = "Authorization",
        value_name = "NAME",
        help_heading = "Authentication"
    )]
    pub auth_header: String,
    /// Scheme before the token; empty sends the raw token.
    #[arg(
        long,
        default_value = "Bearer",
        value_name = "SCHEME",
        help_heading = "Authentication"
    )]
    pub auth_scheme: String,
    /// Put the token in this query parameter instead of a header.
    #[arg(long, value_name = "NAME", help_heading = "Authentication")]
    pub auth_query: Option<String>,
    /// Use this token instead of the stored one.
    #[arg(
        long,
        env = "CWSAUTH_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true,
        help_heading = "Authentication"
    )]
    pub token: Option<String>,
    /// Send no token.
    #[arg(long, conflicts_with_all = ["token", "id_token", "auth_query"], help_heading = "Authentication")]
    pub no_auth: bool,

    /// Extra header `Name: value` (repeatable).
    #[arg(short = 'H', long, value_name = "HEADER", help_heading = "wscat")]
    pub header: Vec<String>,
    /// Subprotocol to offer (repeatable).
    #[arg(short, long, value_name = "PROTOCOL", help_heading = "wscat")]
    pub subprotocol: Vec<String>,
    /// Origin header.
    #[arg(short, long, value_name = "ORIGIN", help_heading = "wscat")]
    pub origin: Option<String>,
    /// Host header.
    #[arg(long, value_name = "HOST", help_heading = "wscat")]
    pub host: Option<String>,
    /// Do not check the server's TLS certificate.
    #[arg(short = 'n', long, help_heading = "wscat")]
    pub no_check: bool,
    /// Trust the CA certificates in this PEM file too.
    #[arg(long, value_name = "FILE", help_heading = "wscat")]
    pub ca: Option<PathBuf>,
    /// Client certificate (PEM).
    #[arg(long, value_name = "FILE", requires = "key", help_heading = "wscat")]
    pub cert: Option<PathBuf>,
    /// Client key (PEM, unencrypted).
    #[arg(long, value_name = "FILE", requires = "cert", help_heading = "wscat")]
    pub key: Option<PathBuf>,
    /// Passphrase of the client key.
    #[arg(long, value_name = "PASSPHRASE", help_heading = "wscat")]
    pub passphrase: Option<String>,
    /// Send this message after connecting (repeatable), then wait and exit.
    #[arg(short = 'x', long, value_name = "MESSAGE", help_heading = "wscat")]
    pub execute: Vec<String>,
    /// Seconds to wait after -x or at end of input for replies and the server's close; -1 keeps the session open.
    #[arg(
        short,
        long,
        default_value_t = 2.0,
        value_name = "SECS",
        allow_negative_numbers = true,
        help_heading = "wscat"
    )]
    pub wait: f64,
    /// Show pings and pongs.
    #[arg(short = 'P', long, help_heading = "wscat")]
    pub show_ping_pong: bool,
    /// Enable /ping [data], /pong [data] and /close [code [reason]].
    #[arg(long, help_heading = "wscat")]
    pub slash: bool,
    /// Follow redirects of the handshake.
    #[arg(short = 'L', long, help_heading = "wscat")]
    pub location: bool,
    /// Most redirects to follow with -L.
    #[arg(long, default_value_t = 10, value_name = "N", help_heading = "wscat")]
    pub max_redirects: u32,
    /// Connect through this HTTP proxy (CONNECT); HTTPS_PROXY and NO_PROXY are honoured.
    #[arg(long, value_name = "URL", help_heading = "wscat")]
    pub proxy: Option<String>,
    /// No colours (also NO_COLOR).
    #[arg(long, help_heading = "wscat")]
    pub no_color: bool,

    /// Send lines as binary frames.
    #[arg(long, help_heading = "Beyond wscat")]
    pub binary: bool,
    /// How received binary frames are shown.
    #[arg(
        long,
        value_enum,
        default_value = "hex",
        value_name = "FORMAT",
        help_heading = "Beyond wscat"
    )]
    pub binary_format: BinaryFormat,
    /// Send a ping this often (seconds).
    #[arg(long, value_name = "SECS", help_heading = "Beyond wscat")]
    pub ping_interval: Option<f64>,
    /// A ping unanswered this long (seconds) means the connection is lost.
    #[arg(
        long,
        default_value_t = 10.0,
        value_name = "SECS",
        help_heading = "Beyond wscat"
    )]
    pub ping_timeout: f64,
    /// Reconnect after a lost or abnormally closed connection, with a fresh token each time.
    #[arg(long, help_heading = "Beyond wscat")]
    pub reconnect: bool,
    /// Pretty-print JSON messages.
    #[arg(long, help_heading = "Beyond wscat")]
    pub pretty: bool,
    /// Prefix lines with the time.
    #[arg(long, help_heading = "Beyond wscat")]
    pub timestamps: bool,
    /// Print one JSON event per line (open, message, ping, pong, close, error).
    #[arg(long, help_heading = "Beyond wscat")]
    pub jsonl: bool,
    /// Exit after the first received message.
    #[arg(short = '1', long, help_heading = "Beyond wscat")]
    pub one_message: bool,
    /// Exit after this many received messages.
    #[arg(long, value_name = "N", help_heading = "Beyond wscat")]
    pub max_messages: Option<u64>,
    /// Largest outgoing frame; longer messages are split (API Gateway: 32 KB).
    #[arg(long, default_value_t = 32 * 1024, value_name = "BYTES", help_heading = "Beyond wscat")]
    pub max_frame_size: usize,

    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Sign in with the system browser instead of the built-in one.
    #[arg(long)]
    pub browser: bool,
}

#[derive(Debug, Args)]
pub struct LocalArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 9911)]
    pub port: u16,
    /// Address to listen on; anything but loopback exposes the emulator to the network.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,
    /// A user of the pool (repeatable); without any, user demo with password Demo-Passw0rd!.
    #[arg(long, value_name = "NAME:PASSWORD[:GROUP,…]", value_parser = crate::local::UserSpec::parse)]
    pub user: Vec<crate::local::UserSpec>,
    /// Lifetime of access and ID tokens (e.g. 1h, 5m, 30s).
    #[arg(long, default_value = "1h", value_name = "DURATION", value_parser = crate::timefmt::parse_duration)]
    pub token_ttl: std::time::Duration,
    /// Another callback (and sign-out) URL for the app clients, besides http://localhost:3000.
    #[arg(long, value_name = "URL")]
    pub callback_url: Vec<String>,
    /// Where the WebSocket API's authorizer takes the token: header:NAME or query:NAME.
    #[arg(long, default_value = "header:Authorization", value_name = "SOURCE", value_parser = crate::authorizer::IdentitySource::parse)]
    pub identity_source: crate::authorizer::IdentitySource,
    /// Deny (403) WebSocket connections of users outside this group (repeatable).
    #[arg(long, value_name = "GROUP")]
    pub require_group: Vec<String>,
    /// Close WebSocket connections idle this long (API Gateway: 10m).
    #[arg(long, default_value = "10m", value_name = "DURATION", value_parser = crate::timefmt::parse_duration)]
    pub idle_timeout: std::time::Duration,
    /// Close WebSocket connections after this long (API Gateway: 2h).
    #[arg(long, default_value = "2h", value_name = "DURATION", value_parser = crate::timefmt::parse_duration)]
    pub max_connection_time: std::time::Duration,
    /// Lifetime of authorization codes (Cognito: 5m); shorter only to test expiry.
    #[arg(long, default_value = "5m", value_name = "DURATION", value_parser = crate::timefmt::parse_duration)]
    pub code_ttl: std::time::Duration,
    /// Keep the signing keys under CWSAUTH_HOME so tokens stay valid across restarts.
    #[arg(long)]
    pub persist: bool,
    /// Write profile NAME (public client) and NAME-m2m (confidential client) for this instance.
    #[arg(long, value_name = "NAME")]
    pub write_profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
