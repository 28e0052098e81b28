//! The command line: the single source for `--help`, the completions in `completions/`, the
//! man pages in `man/` and the README's flag lists. Doc comments here are the help text; the
//! profile keys' flags come from [`crate::profile::SCHEMA`], so each is defined once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::profile::{Key, Overrides, Reach, SCHEMA};

/// Log in to Amazon Cognito, verify its JWTs as an API Gateway authorizer does, and open
/// authenticated WebSocket sessions.
#[derive(Debug, Parser)]
#[command(
    name = "cwsauth",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_help = "Start with `cwsauth demo` (no AWS needed), or `cwsauth configure` for your own pool."
)]
pub struct Cli {
    /// Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Global options")]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a profile (asks on a terminal), fill it by discovery, or show it resolved.
    #[command(after_help = EXAMPLES_CONFIGURE)]
    Configure(ConfigureArgs),
    /// Print a token's header and claims without verifying it.
    #[command(after_help = EXAMPLES_DECODE)]
    Decode(DecodeArgs),
    /// Verify a token exactly as a Cognito JWT authorizer does.
    #[command(after_help = EXAMPLES_VERIFY)]
    Verify(VerifyArgs),
    /// Log in through the hosted UI (browser), or headless with --password, --srp or --client-credentials.
    #[command(after_help = EXAMPLES_LOGIN)]
    Login(LoginArgs),
    /// Print a usable token (refreshed when it is about to expire) and nothing else.
    #[command(after_help = EXAMPLES_TOKEN)]
    Token(TokenArgs),
    /// Show who is logged in with the profile, and until when.
    #[command(after_help = EXAMPLES_STATUS)]
    Status(StatusArgs),
    /// Revoke the refresh token and delete the stored tokens.
    #[command(after_help = EXAMPLES_LOGOUT)]
    Logout(LogoutArgs),
    /// Make a new user of the pool headless (SignUp, then ConfirmSignUp with the code it sent).
    #[command(after_help = EXAMPLES_SIGNUP)]
    Signup(SignupArgs),
    /// Multi-factor authentication: `mfa setup` enrolls a software token, `mfa forget` deletes a kept secret.
    #[command(after_help = EXAMPLES_MFA)]
    Mfa(MfaArgs),
    /// Print a request signed with SigV4 for an AWS_IAM route: its headers, or a presigned URL.
    #[command(after_help = EXAMPLES_SIGN)]
    Sign(SignArgs),
    /// Check a captured SigV4-signed request against your credentials, naming what differs.
    #[command(name = "verify-signature", after_help = EXAMPLES_VERIFY_SIGNATURE)]
    VerifySignature(VerifySignatureArgs),
    /// Print the AWS credentials IAM signing uses (none of their secrets unless --json).
    #[command(after_help = EXAMPLES_CREDENTIALS)]
    Credentials(CredentialsArgs),
    /// Open an authenticated WebSocket session, with wscat's flags and habits.
    #[command(after_help = EXAMPLES_CONNECT)]
    Connect(Box<ConnectArgs>),
    /// The whole loop on 127.0.0.1: local user pool, hosted-UI login, verify, WebSocket.
    #[command(after_help = EXAMPLES_DEMO)]
    Demo(DemoArgs),
    /// Run a local Cognito user pool and API Gateway WebSocket API on 127.0.0.1.
    #[command(after_help = EXAMPLES_LOCAL)]
    Local(Box<LocalArgs>),
    /// Print a shell completion script.
    #[command(after_help = EXAMPLES_COMPLETIONS)]
    Completions(CompletionsArgs),
}

const EXAMPLES_CONFIGURE: &str = "\
Examples:
  cwsauth configure                                   # asks for pool id, client id and domain
  cwsauth configure --user-pool-id us-east-1_AbC123 --client-id 1a2b3c --domain myapp
  cwsauth configure --profile staging --issuer https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X --discover
  cwsauth configure --show --json";
const EXAMPLES_MFA_FORGET: &str = "\
Examples:
  cwsauth mfa forget --profile dev     # logins ask for the code again (or CWSAUTH_TOTP_SECRET)";
const EXAMPLES_SIGN: &str = "\
Examples:
  cwsauth sign wss://abc123.execute-api.eu-west-1.amazonaws.com/prod
  cwsauth sign --query --expires 60 wss://abc123.execute-api.eu-west-1.amazonaws.com/prod
  cwsauth sign --aws-profile dev --json wss://abc123.execute-api.eu-west-1.amazonaws.com/prod";
const EXAMPLES_VERIFY_SIGNATURE: &str = "\
Examples:
  cwsauth verify-signature request.txt         # GET /prod HTTP/1.1, then its headers
  cwsauth sign --query | cwsauth verify-signature
  cwsauth verify-signature --canonical-request mine.txt request.txt";
const EXAMPLES_CREDENTIALS: &str = "\
Examples:
  cwsauth credentials                      # where they come from, until when
  cwsauth credentials --json               # credential_process format, secrets included
  # ~/.aws/config: [profile ws]  credential_process = cwsauth credentials --json --profile prod";
const EXAMPLES_DECODE: &str = "\
Examples:
  cwsauth decode \"$TOKEN\"
  cwsauth token | cwsauth decode --json | jq .claims";
const EXAMPLES_VERIFY: &str = "\
Examples:
  cwsauth verify \"$TOKEN\"
  cwsauth token | cwsauth verify --scope orders/read --json
  cwsauth verify --authorizer --context tier=gold \"$TOKEN\"
  cwsauth verify --authorizer --event connect-event.json";
const EXAMPLES_LOGIN: &str = "\
Examples:
  cwsauth login                            # the hosted UI in your browser
  cwsauth login --no-browser               # print the address; paste where the browser ended
  CWSAUTH_PASSWORD=… cwsauth login --password --username alice
  cwsauth login --profile local-m2m --client-credentials";
const EXAMPLES_TOKEN: &str = "\
Examples:
  wscat -c wss://abc.execute-api.us-east-1.amazonaws.com/prod -H \"Authorization: Bearer $(cwsauth token)\"
  cwsauth token --id --json";
const EXAMPLES_STATUS: &str = "\
Examples:
  cwsauth status
  cwsauth status --check --json";
const EXAMPLES_LOGOUT: &str = "\
Examples:
  cwsauth logout
  cwsauth logout --everywhere              # also end the hosted UI session";
const EXAMPLES_SIGNUP: &str = "\
Examples:
  cwsauth signup --username mia --email mia@example.com      # asks the password and the code
  CWSAUTH_PASSWORD='Mia-Passw0rd1!' cwsauth signup --username mia --otp-command './read-code.sh'";
const EXAMPLES_MFA: &str = "\
Examples:
  cwsauth mfa setup                        # shows the otpauth:// address, asks the app's code
  SECRET=$(cwsauth mfa setup --print-secret)   # headless: a test user's secret for CWSAUTH_TOTP_SECRET";
const EXAMPLES_CONNECT: &str = "\
Examples:
  cwsauth connect wss://abc.execute-api.us-east-1.amazonaws.com/production
  cwsauth connect -x '{\"action\":\"sendmessage\",\"data\":\"hi\"}' wss://…/production
  printf 'a\\nb\\n' | cwsauth connect --jsonl ws://127.0.0.1:9911/$default";
const EXAMPLES_DEMO: &str = "\
Examples:
  cwsauth demo
  cwsauth demo --browser                   # sign in with your own browser";
const EXAMPLES_LOCAL: &str = "\
Examples:
  cwsauth local --write-profile local      # then: cwsauth login --profile local
  cwsauth local --port 0 --user alice:Passw0rd!:admins --require-group admins";
const EXAMPLES_COMPLETIONS: &str = "\
Examples:
  cwsauth completions bash > ~/.local/share/bash-completion/completions/cwsauth
  cwsauth completions zsh > \"${fpath[1]}/_cwsauth\"";

/// Which profile to use.
#[derive(Debug, Clone, Args)]
pub struct ProfileSelect {
    /// The profile to use from the config file.
    #[arg(
        long,
        env = "CWSAUTH_PROFILE",
        default_value = crate::profile::DEFAULT_PROFILE,
        value_name = "NAME",
        help_heading = "Profile"
    )]
    pub profile: String,
}

/// Where IAM signing takes its AWS credentials from.
#[derive(Debug, Clone, Args)]
pub struct CredentialArgs {
    /// The source of AWS credentials: the profile's identity pool (the default when it has
    /// one), or the AWS chain (AWS_ACCESS_KEY_ID…, then --aws-profile/AWS_PROFILE in ~/.aws).
    #[arg(
        long,
        value_enum,
        value_name = "SOURCE",
        help_heading = "AWS credentials"
    )]
    pub credentials_from: Option<crate::iam::Source>,
    /// A role of the identity pool's role choice (CustomRoleArn), instead of its default role.
    #[arg(long, value_name = "ARN", help_heading = "AWS credentials")]
    pub role_arn: Option<String>,
    /// A profile of ~/.aws/credentials and ~/.aws/config (keys, credential_process or SSO).
    #[arg(long, value_name = "NAME", help_heading = "AWS credentials")]
    pub aws_profile: Option<String>,
}

impl CredentialArgs {
    pub fn ask(&self, timeout: std::time::Duration) -> crate::iam::Ask {
        crate::iam::Ask {
            from: self.credentials_from,
            role_arn: self.role_arn.clone(),
            aws_profile: self.aws_profile.clone(),
            timeout,
        }
    }
}

/// Flags of profile keys acting on verification (`verify`).
pub const VERIFY_KEYS: u8 = 1;
/// Flags of profile keys acting on logins and refreshes.
pub const CLIENT_KEYS: u8 = 2;
/// Every key with a flag, as values to write (`configure`).
pub const ALL_KEYS: u8 = 4;

/// The flags of profile keys, built from [`SCHEMA`]: `SET` chooses which keys (those that act
/// on the command). Overrides are listed under their own heading in `--help` only.
#[derive(Debug, Clone, Default)]
pub struct ProfileFlags<const SET: u8> {
    pub values: Overrides,
}

fn in_set(reach: Reach, set: u8) -> bool {
    match reach {
        Reach::Verify => true,
        Reach::Client => set & (CLIENT_KEYS | ALL_KEYS) != 0,
        Reach::ConfigureOnly => set & ALL_KEYS != 0,
    }
}

impl<const SET: u8> ProfileFlags<SET> {
    pub fn overrides(&self) -> &Overrides {
        &self.values
    }
}

impl<const SET: u8> clap::FromArgMatches for ProfileFlags<SET> {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = Self::default();
        flags.update_from_arg_matches(matches)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        for spec in SCHEMA
            .iter()
            .filter(|s| s.flag.is_some() && in_set(s.reach, SET))
        {
            if let Ok(Some(values)) = matches.try_get_many::<String>(spec.name) {
                self.values.set_all(spec.key, values.cloned().collect());
            }
        }
        Ok(())
    }
}

impl<const SET: u8> Args for ProfileFlags<SET> {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        let overrides = SET & ALL_KEYS == 0;
        for spec in SCHEMA {
            let Some(flag) = spec.flag.filter(|_| in_set(spec.reach, SET)) else {
                continue;
            };
            let mut arg = clap::Arg::new(spec.name)
                .long(flag)
                .value_name(spec.value_name)
                .help(spec.help)
                .long_help(spec.help)
                .num_args(1)
                .help_heading(if overrides {
                    "Profile overrides"
                } else {
                    "Profile keys"
                })
                .hide_short_help(overrides);
            if let Some(alias) = spec.alias {
                arg = arg.visible_alias(alias);
            }
            arg = if spec.list {
                arg.action(clap::ArgAction::Append)
            } else {
                arg.action(clap::ArgAction::Set)
            };
            arg = match spec.key {
                Key::Store => arg.value_parser(["keyring", "file"]),
                Key::IssuerType => arg.value_parser(["original", "updated"]),
                Key::JwksMaxAge => arg.value_parser(|text: &str| {
                    crate::timefmt::parse_duration(text).map(|_| text.to_string())
                }),
                _ => arg,
            };
            cmd = cmd.arg(arg);
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

#[derive(Debug, Args)]
pub struct ConfigureArgs {
    /// Print the resolved profile with the source of each value, and change nothing.
    #[arg(long, conflicts_with_all = ["discover", "no_input"])]
    pub show: bool,
    /// With --show, print JSON.
    #[arg(long, requires = "show")]
    pub json: bool,
    /// Fill issuer, jwks_uri and domain from {issuer}/.well-known/openid-configuration.
    #[arg(long)]
    pub discover: bool,
    /// Never ask: with nothing to set, name what is missing instead.
    #[arg(long)]
    pub no_input: bool,
    #[command(flatten)]
    pub keys: ProfileFlags<ALL_KEYS>,
    #[command(flatten)]
    pub select: ProfileSelect,
}

/// Where a token comes from.
#[derive(Debug, Clone, Args)]
pub struct TokenInput {
    /// The token; `-` or a pipe reads stdin; none on a terminal uses the stored one.
    /// `Bearer …` and `Authorization: Bearer …` are fine.
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
    #[command(flatten)]
    pub select: ProfileSelect,
}

/// Which token `verify` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenUseArg {
    Access,
    Id,
    Any,
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
    pub token_use: TokenUseArg,
    /// Accepted app client id (repeatable); default the profile's client_id.
    #[arg(long, value_name = "ID")]
    pub client_id: Vec<String>,
    /// Skip the app client check (the token may come from any client of the pool).
    #[arg(long, conflicts_with = "client_id")]
    pub any_client: bool,
    /// Require one of these scopes (repeatable).
    #[arg(long, value_name = "SCOPE")]
    pub scope: Vec<String>,
    /// Require membership in one of these groups (repeatable; cognito:groups).
    #[arg(long, value_name = "GROUP")]
    pub group: Vec<String>,
    /// Seconds of clock skew allowed on exp, nbf and iat.
    #[arg(long, default_value_t = 0, value_name = "SECS")]
    pub leeway: u64,
    /// Evaluate at this Unix time instead of now.
    #[arg(long, value_name = "EPOCH")]
    pub now: Option<i64>,
    /// Fetch the pool's keys again instead of using the cached ones (the server's view after
    /// its keys changed; not within 10 s of the last fetch).
    #[arg(long)]
    pub refresh_keys: bool,
    /// Print one JSON object: {valid, error, header, claims} (with --authorizer: the answer too).
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
    pub select: ProfileSelect,
    #[command(flatten)]
    pub keys: ProfileFlags<VERIFY_KEYS>,
}

/// `--aws-endpoint`: https, or http to a loopback address.
fn parse_aws_endpoint(text: &str) -> Result<String, crate::http::EndpointError> {
    crate::http::check_endpoint("--aws-endpoint", text)
        .map(|_| text.trim_end_matches('/').to_string())
}

fn parse_key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("{text:?} is not KEY=VALUE")),
    }
}

/// How the authorize URL is opened.
#[derive(Debug, Clone, Args)]
pub struct BrowserArgs {
    /// Run this command with the URL as its last argument instead of the system browser
    /// (split as a shell would: quotes and spaces work).
    #[arg(long, env = "CWSAUTH_BROWSER", value_name = "CMD")]
    pub browser_command: Option<String>,
    /// Only print the URL (wins over --browser-command and CWSAUTH_BROWSER).
    #[arg(long)]
    pub no_browser: bool,
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
    /// Passwordless: a one-time code by email (USER_AUTH with EMAIL_OTP).
    #[arg(long, group = "method")]
    pub email_otp: bool,
    /// Passwordless: a one-time code by SMS (USER_AUTH with SMS_OTP).
    #[arg(long, group = "method")]
    pub sms_otp: bool,
    /// Runs CMD (in a shell) once a one-time code is sent and takes its first line as the code
    /// (CWSAUTH_OTP_CHALLENGE, CWSAUTH_OTP_DESTINATION and CWSAUTH_USERNAME in its environment).
    #[arg(long, value_name = "CMD")]
    pub otp_command: Option<String>,
    /// When the pool requires MFA and the user has none (MFA_SETUP): enroll a software token
    /// without an app and keep its secret in the profile's store (as `mfa setup --keep-secret`).
    #[arg(long)]
    pub enroll_totp: bool,
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
    /// Where to keep the tokens (default: the profile's store, else the keyring when one
    /// answers, else a file); later commands use what the login chose.
    #[arg(long, value_enum, value_name = "STORE")]
    pub store: Option<StoreArg>,
    #[command(flatten)]
    pub browser: BrowserArgs,
    #[command(flatten)]
    pub select: ProfileSelect,
    #[command(flatten)]
    pub keys: ProfileFlags<CLIENT_KEYS>,
}

/// A token store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreArg {
    Keyring,
    File,
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
    /// Print {"token", "token_type", "expires_at", "expires_in", "username"} as JSON.
    #[arg(long)]
    pub json: bool,
    /// Refresh first when the access token expires within this many seconds.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub min_ttl: u64,
    #[command(flatten)]
    pub select: ProfileSelect,
    #[command(flatten)]
    pub keys: ProfileFlags<CLIENT_KEYS>,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The WebSocket URL (wss://…/stage); default the profile's ws_url.
    #[arg(value_name = "URL")]
    pub url: Option<String>,
    /// Signs with SigV4 (execute-api); the default and, for now, the only way.
    #[arg(long)]
    pub iam: bool,
    /// A presigned URL (X-Amz-* in the query) instead of headers.
    #[arg(long)]
    pub query: bool,
    /// How long a presigned URL is valid, in seconds (at most 604800, a week).
    #[arg(long, default_value_t = 300, value_name = "SECS", requires = "query",
          value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub expires: u64,
    /// Sign as of this time (RFC 3339, or X-Amz-Date's 20261207T120000Z) instead of now, to
    /// reproduce another signer's signature.
    #[arg(long, value_name = "TIME", value_parser = crate::timefmt::parse_signing_time)]
    pub signing_time: Option<std::time::SystemTime>,
    /// The region signed for; default the execute-api host's, else AWS_REGION, the profile's.
    #[arg(long, value_name = "REGION")]
    pub signing_region: Option<String>,
    /// Print {"method", "url", "headers"} as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub credentials: CredentialArgs,
    #[command(flatten)]
    pub select: ProfileSelect,
    #[command(flatten)]
    pub keys: ProfileFlags<CLIENT_KEYS>,
}

#[derive(Debug, Args)]
pub struct VerifySignatureArgs {
    /// The captured request: its head (request line and headers, as a proxy or `curl -v`
    /// shows it) or a presigned URL; `-` or none reads stdin.
    #[arg(value_name = "FILE")]
    pub request: Option<std::path::PathBuf>,
    /// Your client's canonical request (from its debug log): the first line that differs from
    /// the server's is named.
    #[arg(long, value_name = "FILE")]
    pub canonical_request: Option<std::path::PathBuf>,
    /// The region the API is in; default the execute-api host's, else the request's own.
    #[arg(long, value_name = "REGION")]
    pub signing_region: Option<String>,
    /// The service signed for.
    #[arg(long, default_value = "execute-api", value_name = "NAME")]
    pub service: String,
    #[command(flatten)]
    pub credentials: CredentialArgs,
    #[command(flatten)]
    pub select: ProfileSelect,
    #[command(flatten)]
    pub keys: ProfileFlags<CLIENT_KEYS>,
}

#[derive(Debug, Args)]
pub struct CredentialsArgs {
    /// Print them in the AWS CLI's credential_process format, secrets included, on purpose.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub credentials: CredentialArgs,
    #[command(flatten)]
    pub select: ProfileSelect,
    #[command(flatten)]
    pub keys: ProfileFlags<CLIENT_KEYS>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print one JSON object (also when logged out).
    #[arg(long)]
    pub json: bool,
    /// Ask the server whether the session is still alive (a refresh), not only the store.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub select: ProfileSelect,
    #[command(flatten)]
    pub keys: ProfileFlags<CLIENT_KEYS>,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Also end the hosted UI session in the browser (/logout).
    #[arg(long)]
    pub everywhere: bool,
    #[command(flatten)]
    pub browser: BrowserArgs,
    #[command(flatten)]
    pub select: ProfileSelect,
    #[command(flatten)]
    pub keys: ProfileFlags<CLIENT_KEYS>,
}

#[derive(Debug, Args)]
pub struct SignupArgs {
    /// The new user's name.
    #[arg(long, value_name = "USER")]
    pub username: String,
    /// The new user's email (where the pool sends the confirmation code).
    #[arg(long, value_name = "ADDRESS")]
    pub email: Option<String>,
    /// Runs CMD (in a shell) once the confirmation code is sent and takes its first line as the
    /// code (CWSAUTH_OTP_CHALLENGE, CWSAUTH_OTP_DESTINATION and CWSAUTH_USERNAME in its environment).
    #[arg(long, value_name = "CMD")]
    pub otp_command: Option<String>,
    /// How long to wait for --otp-command.
    #[arg(long, default_value = "5m", value_name = "DURATION", value_parser = crate::timefmt::parse_duration)]
    pub timeout: std::time::Duration,
    #[command(flatten)]
    pub select: ProfileSelect,
    #[command(flatten)]
    pub keys: ProfileFlags<CLIENT_KEYS>,
}

#[derive(Debug, Args)]
pub struct MfaArgs {
    #[command(subcommand)]
    pub command: MfaCommand,
}

#[derive(Debug, Subcommand)]
pub enum MfaCommand {
    /// Enroll a software token (TOTP) for the logged-in user and make it the preferred MFA.
    #[command(after_help = EXAMPLES_MFA)]
    Setup(MfaSetupArgs),
    /// Delete the TOTP secret `mfa setup --keep-secret` kept (the enrollment stays).
    #[command(after_help = EXAMPLES_MFA_FORGET)]
    Forget(MfaForgetArgs),
}

#[derive(Debug, Args)]
pub struct MfaForgetArgs {
    #[command(flatten)]
    pub select: ProfileSelect,
    #[command(flatten)]
    pub keys: ProfileFlags<CLIENT_KEYS>,
}

#[derive(Debug, Args)]
pub struct MfaSetupArgs {
    /// Enroll without an app: compute the first code and print the secret on stdout (for a
    /// test user's CWSAUTH_TOTP_SECRET; whoever holds it passes the second factor).
    #[arg(long)]
    pub print_secret: bool,
    /// Keep the secret in the profile's store (keyring, or a 0600 file), so password and SRP
    /// logins answer the code themselves: this machine becomes the second factor.
    #[arg(long)]
    pub keep_secret: bool,
    /// The name the pool keeps for the device.
    #[arg(long, default_value = "cwsauth", value_name = "NAME")]
    pub device_name: String,
    #[command(flatten)]
    pub select: ProfileSelect,
    #[command(flatten)]
    pub keys: ProfileFlags<CLIENT_KEYS>,
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
    /// The URL, as wscat takes it (-c/--connect).
    #[arg(
        short = 'c',
        long = "connect",
        value_name = "URL",
        conflicts_with = "url"
    )]
    pub connect: Option<String>,

    /// Send the ID token instead of the access token.
    #[arg(long, help_heading = "Authentication")]
    pub id_token: bool,
    /// Header that carries the token (sent with the name as typed).
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
    /// Sign the upgrade with SigV4 (execute-api) instead of sending a token, for AWS_IAM routes;
    /// credentials from the profile's identity pool, else the AWS chain (see --credentials-from).
    #[arg(long, conflicts_with_all = ["token", "id_token", "auth_query", "no_auth"], help_heading = "Authentication")]
    pub iam: bool,
    /// With --iam: a presigned URL (X-Amz-* in the query, as browsers must) instead of headers.
    #[arg(long, requires = "iam", help_heading = "Authentication")]
    pub iam_query: bool,
    #[command(flatten)]
    pub credentials: CredentialArgs,

    /// Extra header `Name: value` (repeatable), sent with the name as typed.
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
    /// Trust the CA certificates in this PEM file too (also the profile's ca_file).
    #[arg(long, value_name = "FILE", help_heading = "wscat")]
    pub ca: Option<PathBuf>,
    /// Client certificate (PEM).
    #[arg(long, value_name = "FILE", requires = "key", help_heading = "wscat")]
    pub cert: Option<PathBuf>,
    /// Client key (PEM, unencrypted).
    #[arg(long, value_name = "FILE", requires = "cert", help_heading = "wscat")]
    pub key: Option<PathBuf>,
    /// Not supported: a passphrase on the command line is visible to every user; decrypt the key.
    #[arg(long, num_args = 0..=1, value_name = "PASSPHRASE", hide = true)]
    pub passphrase: Option<Option<String>>,
    /// Send this message after connecting (repeatable), then wait and exit.
    #[arg(short = 'x', long, value_name = "MESSAGE", help_heading = "wscat")]
    pub execute: Vec<String>,
    /// After -x or the end of input, close once no frame has arrived for this long (seconds);
    /// -1 keeps the session open.
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
    /// Follow redirects of the handshake (credentials are dropped when the origin changes).
    #[arg(short = 'L', long, help_heading = "wscat")]
    pub location: bool,
    /// Most redirects to follow with -L.
    #[arg(long, default_value_t = 5, value_name = "N", help_heading = "wscat")]
    pub max_redirects: u32,
    /// Connect through this HTTP proxy (CONNECT); HTTPS_PROXY and NO_PROXY are honoured.
    #[arg(long, value_name = "URL", help_heading = "wscat")]
    pub proxy: Option<String>,
    /// No colours (also NO_COLOR).
    #[arg(long, help_heading = "wscat")]
    pub no_color: bool,

    /// Give up when TCP, TLS and the WebSocket handshake take longer than this (seconds).
    #[arg(
        long,
        default_value_t = crate::connect::CONNECT_TIMEOUT.as_secs_f64(),
        value_name = "SECS",
        help_heading = "Beyond wscat"
    )]
    pub connect_timeout: f64,
    /// Send each line of input as a binary frame, byte for byte (no UTF-8 needed).
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
        default_value_t = crate::connect::PING_TIMEOUT.as_secs_f64(),
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
    /// Exit after this many received messages (exactly this many are printed).
    #[arg(long, value_name = "N", help_heading = "Beyond wscat")]
    pub max_messages: Option<u64>,
    /// Largest outgoing frame; longer messages are split (API Gateway: 32 KB).
    #[arg(long, default_value_t = crate::quotas::MAX_FRAME, value_name = "BYTES", help_heading = "Beyond wscat")]
    pub max_frame_size: usize,

    #[command(flatten)]
    pub select: ProfileSelect,
    #[command(flatten)]
    pub keys: ProfileFlags<CLIENT_KEYS>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Sign in with the system browser instead of the built-in one (or the command of
    /// --browser-command / CWSAUTH_BROWSER; the address is printed either way).
    #[arg(long)]
    pub browser: bool,
    #[command(flatten)]
    pub browser_args: BrowserArgs,
    /// Run the authorizer as a real Lambda function: the cwsauth-authorizer binary (built next
    /// to cwsauth by `cargo build --release --workspace`, or on PATH) behind the Runtime API.
    #[arg(long)]
    pub functions: bool,
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
    /// Options: totp=BASE32SECRET (software-token MFA), temporary (a new password at first sign-in).
    #[arg(long, value_name = "NAME:PASSWORD[:GROUP,…[:OPTION,…]]", value_parser = crate::local::UserSpec::parse)]
    pub user: Vec<crate::local::UserSpec>,
    /// Lifetime of access and ID tokens (e.g. 1h, 5m, 30s).
    #[arg(long, default_value = "1h", value_name = "DURATION", value_parser = crate::timefmt::parse_duration)]
    pub token_ttl: std::time::Duration,
    /// Another callback (and sign-out) URL for the app clients, besides http://localhost:3000.
    #[arg(long, value_name = "URL")]
    pub callback_url: Vec<String>,
    /// Where the authorizer takes the token: header:NAME or query:NAME (or API Gateway's
    /// route.request.header.NAME); repeatable for an authorizer function, all must be present.
    #[arg(long, value_name = "SOURCE", value_parser = cwsauth_verify::authorizer::IdentitySource::parse)]
    pub identity_source: Vec<cwsauth_verify::authorizer::IdentitySource>,
    /// Deny (403) WebSocket connections of users outside this group (repeatable).
    #[arg(long, value_name = "GROUP")]
    pub require_group: Vec<String>,
    /// Close WebSocket connections idle this long (the default is API Gateway's).
    #[arg(long, default_value_t = crate::timefmt::Span(crate::quotas::IDLE_TIMEOUT), value_name = "DURATION")]
    pub idle_timeout: crate::timefmt::Span,
    /// Close WebSocket connections after this long (the default is API Gateway's).
    #[arg(long, default_value_t = crate::timefmt::Span(crate::quotas::MAX_CONNECTION_TIME), value_name = "DURATION")]
    pub max_connection_time: crate::timefmt::Span,
    /// Lifetime of authorization codes (Cognito: 5m); shorter only to test expiry.
    #[arg(long, default_value = "5m", value_name = "DURATION", value_parser = crate::timefmt::parse_duration)]
    pub code_ttl: std::time::Duration,
    /// Rotate refresh tokens: each refresh returns a new one and retires the old
    /// (REFRESH_TOKEN_AUTH is then refused: GetTokensFromRefreshToken or /oauth2/token).
    #[arg(long)]
    pub rotate_refresh_tokens: bool,
    /// The InitiateAuth flows the app clients allow, comma-separated (Cognito's ExplicitAuthFlows;
    /// default all: USER_PASSWORD_AUTH, USER_SRP_AUTH, USER_AUTH, REFRESH_TOKEN_AUTH).
    #[arg(long, value_name = "FLOWS", value_parser = crate::local::AuthFlows::parse)]
    pub auth_flows: Option<crate::local::AuthFlows>,
    /// Seconds a rotated-away refresh token is still taken (Cognito's RetryGracePeriodSeconds).
    #[arg(long, default_value_t = 0, value_name = "SECONDS", requires = "rotate_refresh_tokens",
          value_parser = clap::value_parser!(u64).range(0..=60))]
    pub refresh_token_grace: u64,
    /// Keep the signing keys under CWSAUTH_HOME so tokens stay valid across restarts.
    #[arg(long)]
    pub persist: bool,
    /// Require MFA (Cognito's MfaConfiguration ON): a user without one enrolls a software token
    /// at sign-in (MFA_SETUP), in the JSON API and the hosted UI.
    #[arg(long)]
    pub mfa_required: bool,
    /// Issue AWS's `iss` (https://cognito-idp.… or, updated, https://issuer-cognito-idp.…)
    /// instead of the emulator's URL; its keys stay on the emulator (jwks_uri).
    #[arg(long, value_name = "FORMAT", value_parser = ["original", "updated"])]
    pub issuer_format: Option<String>,
    /// Write profile NAME (public client) and NAME-m2m (confidential client) for this instance.
    #[arg(long, value_name = "NAME")]
    pub write_profile: Option<String>,
    /// Print the confidential client's secret in the banner (otherwise it goes only into the
    /// NAME-m2m profile that --write-profile writes).
    #[arg(long)]
    pub show_secrets: bool,

    /// A Lambda function: NAME=COMMAND (started with the Lambda Runtime API) or
    /// NAME=http://HOST:PORT[#FUNCTION] (a running emulator's Invoke API). Repeatable.
    #[arg(
        long = "function",
        value_name = "NAME=COMMAND|URL",
        value_parser = crate::local::config::function,
        help_heading = "Your functions"
    )]
    pub functions: Vec<crate::local::functions::FunctionSpec>,
    /// An environment variable of a function (repeatable).
    #[arg(long, value_name = "NAME:KEY=VALUE", value_parser = crate::local::config::named_env, help_heading = "Your functions")]
    pub function_env: Vec<crate::local::config::NamedEnv>,
    /// A function's timeout (default 3s, Lambda's).
    #[arg(long, value_name = "NAME=DURATION", value_parser = crate::local::config::named_duration, help_heading = "Your functions")]
    pub function_timeout: Vec<(String, std::time::Duration)>,
    /// Most processes of a started function at once (default 4; 1 runs one invocation at a
    /// time, in order).
    #[arg(long, value_name = "NAME=N", value_parser = crate::local::config::named_concurrency, help_heading = "Your functions")]
    pub function_concurrency: Vec<(String, usize)>,
    /// The folder a started function runs in.
    #[arg(long, value_name = "NAME=DIR", value_parser = crate::local::config::named_dir, help_heading = "Your functions")]
    pub function_dir: Vec<(String, PathBuf)>,
    /// A route and its function: KEY=NAME with KEY $connect, $disconnect, $default or your own.
    #[arg(long, value_name = "KEY=NAME", value_parser = crate::local::config::route, help_heading = "Your functions")]
    pub route: Vec<(String, String)>,
    /// A route whose function's answer (its body) goes back to the client (a route response).
    #[arg(long, value_name = "KEY", help_heading = "Your functions")]
    pub two_way: Vec<String>,
    /// The REQUEST authorizer on $connect: a function, instead of the built-in Cognito one.
    #[arg(long, value_name = "NAME", help_heading = "Your functions")]
    pub authorizer: Option<String>,
    /// How $connect is authorized without a function: '$connect=AWS_IAM' (SigV4 with the
    /// emulator's credentials, --iam-credentials) or '$connect=NONE'.
    #[arg(long, value_name = "$connect=TYPE", value_parser = crate::local::api::route_auth, conflicts_with = "authorizer", help_heading = "Your functions")]
    pub route_auth: Option<crate::local::api::AuthorizerConfig>,
    /// Credentials an AWS_IAM route accepts (repeatable); default the documented test pair
    /// AKIACWSAUTHLOCAL0001:cwsauth-local-iam-secret.
    #[arg(long, value_name = "ACCESS_KEY:SECRET", value_parser = crate::local::api::iam_credentials, help_heading = "Your functions")]
    pub iam_credentials: Vec<(String, crate::redacted::Secret)>,
    /// The route selection expression.
    #[arg(long, value_name = "EXPRESSION", help_heading = "Your functions")]
    pub route_selection: Option<String>,
    /// The pool's pre-token-generation trigger: a function that shapes every token issued
    /// (V1_0: the ID token, Cognito's default; V2_0: ID and access tokens; V3_0: also M2M).
    #[arg(long, value_name = "pre-token-generation=NAME[:VERSION]", value_parser = crate::local::api::trigger, help_heading = "Your functions")]
    pub trigger: Option<crate::local::api::PreTokenTrigger>,
    /// Start each function's first process at its first invocation, as Lambda does, to see real
    /// cold starts (by default every function starts one when the emulator starts).
    #[arg(long, help_heading = "Your functions")]
    pub cold_starts: bool,
    /// Where the functions' other AWS calls go (AWS_ENDPOINT_URL): a local DynamoDB such as
    /// ministack, moto or DynamoDB Local; the template's tables are created there at start.
    #[arg(long, value_name = "URL", value_parser = parse_aws_endpoint, help_heading = "Your functions")]
    pub aws_endpoint: Option<String>,
    /// Read routes, authorizer and functions from a CloudFormation or SAM template (JSON):
    /// Python and Node functions run from their code as deployed; --function overrides.
    #[arg(long, value_name = "FILE", help_heading = "Your functions")]
    pub template: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum, required_unless_present = "profiles")]
    pub shell: Option<clap_complete::Shell>,
    /// Print the config file's profile names, one per line (what the scripts complete
    /// `--profile` with).
    #[arg(long, hide = true, conflicts_with = "shell")]
    pub profiles: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn profile_flags_come_from_the_schema() {
        use clap::Parser;
        let cli = super::Cli::try_parse_from([
            "cwsauth",
            "login",
            "--user-pool-id",
            "us-east-1_X",
            "--redirect-uri",
            "http://localhost:1",
            "--redirect-uri",
            "http://localhost:2",
            "--profile",
            "p",
        ])
        .unwrap();
        let super::Command::Login(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.select.profile, "p");
        let values = &args.keys.overrides().values;
        assert_eq!(values[&crate::profile::Key::UserPoolId], ["us-east-1_X"]);
        assert_eq!(values[&crate::profile::Key::RedirectUri].len(), 2);
        // verify takes no client keys: its --client-id is the accepted list.
        assert!(super::Cli::try_parse_from(["cwsauth", "verify", "--domain", "x"]).is_err());
    }
}
