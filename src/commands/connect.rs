//! `cwsauth connect`: resolve the URL and the token source, then run the session.

use std::io::IsTerminal;
use std::time::Duration;

use crate::cli::ConnectArgs;
use crate::connect::{self, Auth, Options, Renderer};
use crate::home::Home;
use crate::profile::Key;
use crate::session::{Session, TokenKind};
use crate::{Error, ExitCode, Result};

pub fn run(home: &Home, args: ConnectArgs, verbose: bool) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let url = match args
        .url
        .clone()
        .or_else(|| args.connect.clone())
        .or_else(|| profile.get(Key::WsUrl).map(str::to_string))
    {
        Some(url) => url,
        None => {
            return Err(Error::Usage(format!(
                "no URL: pass one (wss://…/production) or set it with `cwsauth configure{} --ws-url wss://…`",
                profile.flag()
            )));
        }
    };
    let headers = args
        .header
        .iter()
        .map(|h| connect::parse_header(h))
        .collect::<Result<Vec<_>>>()?;
    // `-H Authorization: …` is the token then: the stored one is not read, and the hints say so.
    let header_token = !args.no_auth
        && !args.iam
        && args.auth_query.is_none()
        && headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case(&args.auth_header));
    if header_token {
        crate::output::warn(&format!(
            "-H {} replaces the token of profile {}; the server checks that header",
            args.auth_header, profile.name
        ));
    }
    let auth = if args.iam {
        Auth::Iam {
            credentials: iam_source(home, &profile, &args)?,
            region: crate::iam::region_for(&url, profile.get(Key::Region)),
            query: args.iam_query,
        }
    } else if args.no_auth || header_token {
        Auth::None
    } else if let Some(name) = &args.auth_query {
        Auth::Query(name.clone())
    } else {
        Auth::Header {
            name: args.auth_header.clone(),
            scheme: args.auth_scheme.clone(),
        }
    };
    let secs = |s: f64, what: &str| -> Result<Duration> {
        Duration::try_from_secs_f64(s)
            .map_err(|_| Error::Usage(format!("{what} must be a positive number of seconds")))
    };
    let options = Options {
        url,
        auth,
        headers,
        subprotocols: args.subprotocol.clone(),
        origin: args.origin.clone(),
        host: args.host.clone(),
        tls: crate::tls::TlsOptions {
            ca: args.ca.clone().into_iter().collect(),
            cert: args.cert.clone(),
            key: args.key.clone(),
            passphrase: args.passphrase.is_some(),
            no_check: args.no_check,
        },
        execute: args.execute.clone(),
        wait: args.wait,
        slash: args.slash,
        binary: args.binary,
        ping_interval: args
            .ping_interval
            .map(|s| secs(s, "--ping-interval"))
            .transpose()?,
        ping_timeout: secs(args.ping_timeout, "--ping-timeout")?,
        reconnect: args.reconnect,
        max_messages: if args.one_message {
            Some(1)
        } else {
            args.max_messages
        },
        max_frame_size: args.max_frame_size,
        follow_redirects: args.location.then_some(args.max_redirects),
        proxy: args.proxy.clone(),
        connect_timeout: secs(args.connect_timeout, "--connect-timeout")?,
        verbose,
    };
    let stdout_terminal = std::io::stdout().is_terminal();
    let interactive = std::io::stdin().is_terminal();
    let color = stdout_terminal && !args.no_color && crate::output::color_allowed();
    let mut renderer = Renderer::new(stdout_terminal, color);
    renderer.pretty = args.pretty;
    renderer.timestamps = args.timestamps;
    renderer.jsonl = args.jsonl;
    renderer.binary_format = match args.binary_format {
        crate::cli::BinaryFormat::Hex => connect::BinaryFormat::Hex,
        crate::cli::BinaryFormat::Base64 => connect::BinaryFormat::Base64,
    };
    renderer.show_ping_pong = args.show_ping_pong;

    let kind = if args.id_token {
        TokenKind::Id
    } else {
        TokenKind::Access
    };
    let given = args.token.clone();
    let no_auth = args.no_auth || header_token || args.iam;
    let profile_flag = profile.flag();
    let home = home.clone();
    // Called before every attempt (off the async runtime: a refresh blocks on HTTP), so a
    // reconnect gets a fresh token.
    let token: connect::TokenSource = std::sync::Arc::new(move || -> Result<Option<String>> {
        if no_auth {
            return Ok(None);
        }
        if let Some(t) = &given {
            return Ok(Some(cwsauth_verify::strip_token(t).to_string()));
        }
        let session = Session::open(&home, &profile, &super::TerminalReporter)?;
        let tokens = session.usable(60)?;
        Ok(Some(tokens.pick(kind, &profile.name)?.expose().to_string()))
    });
    let hints = Hints {
        profile: profile_flag,
        header_token,
        header: args.auth_header.clone(),
        iam: args.iam,
    };
    connect::run(options, renderer, interactive, token).map_err(|e| match e {
        Error::Refused(refused) => refused_line(&refused, verbose, &hints),
        other => other,
    })
}

/// What a refusal's hint needs to know of how the token was sent.
struct Hints {
    /// ` --profile NAME` (empty for the default profile).
    profile: String,
    /// The token came from `-H`, not from the profile.
    header_token: bool,
    /// The token's header name.
    header: String,
    /// The request was signed with SigV4 (--iam).
    iam: bool,
}

/// One line for a refused handshake, with a hint for 401 and 403.
fn refused_line(refused: &connect::Refused, verbose: bool, hints: &Hints) -> Error {
    let refusal = &refused.refusal;
    if verbose {
        for (k, v) in &refusal.headers {
            crate::output::info(&format!("< {k}: {}", crate::sanitize::for_terminal(v)));
        }
    }
    let body = String::from_utf8_lossy(&refusal.body);
    let status = refusal.status;
    let mut line = format!("the server refused the WebSocket handshake: HTTP {status}");
    if !body.trim().is_empty() {
        line.push_str(&format!(" {}", crate::sanitize::excerpt(body.trim(), 200)));
    }
    let claims = refused.claims.as_ref();
    match status {
        401 if hints.header_token => {
            line.push_str(&format!(
                "; the authorizer refused the {} header given with -H: pass the token with --token instead, and `cwsauth verify TOKEN` shows why",
                hints.header
            ));
        }
        401 if !refused.sent_token => {
            line.push_str("; no token was sent (--no-auth), and the authorizer needs one");
        }
        401 => {
            let now = crate::timefmt::now_epoch();
            let expiry = claims
                .and_then(|c| cwsauth_verify::number(c, "exp"))
                .filter(|exp| *exp <= now)
                .map(|exp| format!(" (the token {})", crate::timefmt::relative("exp", exp, now)))
                .unwrap_or_default();
            // The server's keys may have changed since ours were cached: refetch them.
            line.push_str(&format!(
                "; the authorizer refused the token{expiry}: `cwsauth verify --refresh-keys{}` shows why",
                hints.profile
            ));
        }
        403 if hints.iam => line.push_str(&iam_hint(&body, &hints.profile)),
        403 => {
            let principal = claims
                .map(cwsauth_verify::authorizer::principal_of)
                .filter(|p| p != "unknown")
                .map(|p| format!(" for principal {}", crate::sanitize::excerpt(&p, 100)))
                .unwrap_or_default();
            // cwsauth local names the groups it requires (its own header).
            let groups = crate::headers::header(&refusal.headers, "x-cwsauth-required-groups")
                .map(|g| {
                    g.split(',')
                        .filter(|g| !g.trim().is_empty())
                        .map(|g| format!(" --group {}", crate::sanitize::excerpt(g.trim(), 60)))
                        .collect::<String>()
                })
                .unwrap_or_default();
            line.push_str(&format!(
                "; the authorizer's policy denies the connection{principal}: `cwsauth verify --authorizer{}{groups}` shows the policy",
                hints.profile
            ));
        }
        _ => {}
    }
    Error::HandshakeRejected(line)
}

/// What to do about an `AWS_IAM` route's 403, from API Gateway's message.
fn iam_hint(body: &str, profile: &str) -> String {
    if body.contains("Signature expired") || body.contains("Signature not yet current") {
        "; the signature's time is more than 5 minutes off the server's clock: set this machine's clock right (NTP)".into()
    } else if body.contains("security token included in the request is expired") {
        format!(
            "; the AWS credentials have expired: `cwsauth credentials{profile}` shows them, and a new run gets fresh ones"
        )
    } else if body.contains("security token included in the request is invalid") {
        format!(
            "; the server does not know these AWS credentials: `cwsauth credentials{profile}` shows which were used"
        )
    } else if body.contains("signature we calculated does not match") {
        format!(
            "; the signature does not match: `cwsauth verify-signature{profile}` checks a captured request and shows the canonical request the server builds"
        )
    } else if body.contains("scoped to") {
        "; the signature is for another region or service: set AWS_REGION, or check the URL's host"
            .into()
    } else {
        "; the caller's IAM policy does not allow execute-api:Invoke on this route".into()
    }
}

/// The credentials `--iam` signs with, asked before each attempt (the first time now, so a
/// setup error is said before anything connects): see [`crate::iam::credentials`].
fn iam_source(
    home: &Home,
    profile: &crate::profile::Profile,
    args: &ConnectArgs,
) -> Result<connect::CredentialSource> {
    let first = super::aws_credentials(home, profile, &args.credentials)?;
    tracing::debug!("AWS credentials from {}", first.from);
    let first = std::sync::Mutex::new(Some(first.credentials));
    let (home, profile, flags) = (home.clone(), profile.clone(), args.credentials.clone());
    Ok(connect::CredentialSource(std::sync::Arc::new(move || {
        if let Some(c) = first.lock().map_or(None, |mut f| f.take()) {
            return Ok(c);
        }
        Ok(super::aws_credentials(&home, &profile, &flags)?.credentials)
    })))
}
