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
    /// App client id.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Hosted UI domain: abc123.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,
    /// Callback URL registered on the app client (repeatable; tried in order).
    #[arg(long, value_name = "URL")]
    pub redirect_uri: Vec<String>,
    /// Scopes to request at login, space-separated.
    #[arg(long, value_name = "SCOPES")]
    pub scopes: Option<String>,
    /// Default WebSocket URL for `connect`.
    #[arg(long, value_name = "URL")]
    pub ws_url: Option<String>,
    /// Token store: keyring or file.
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,
    #[command(flatten)]
    pub profile: ProfileArgs,
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
    /// Hosted UI domain or base URL.
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
