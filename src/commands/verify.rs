//! `cwsauth verify`: the authorizer's checks on one token, as a report, JSON, or the
//! authorizer's own answer (`--authorizer`).

use serde_json::{Value, json};

use crate::cli::{Effect, TokenUseArg, VerifyArgs};
use crate::error::verify_exit_code;
use crate::home::Home;
use crate::output::{self, warn};
use crate::profile::{Key, Profile, Source};
use crate::sanitize::{for_terminal, json_line, json_pretty};
use crate::session::TokenKind;
use crate::timefmt::now_epoch;
use crate::{Error, ExitCode, Result};
use cwsauth_verify::authorizer::{self, ConnectEvent, Decision, IdentitySource, PolicyOptions};
use cwsauth_verify::{Checks, ClientIds, ErrorKind, Rejection, TokenUse, Verified};

/// Most an event file may be (API Gateway's events are a few KiB).
const MAX_EVENT_BYTES: usize = 1024 * 1024;

pub fn run(home: &Home, args: VerifyArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let (token, event) = match &args.event {
        Some(path) => {
            let event = read_event(path)?;
            let source = IdentitySource::parse(&args.identity_source).map_err(Error::Usage)?;
            match event.token(&source) {
                Ok(token) => (token, Some(event)),
                Err(missing) => return no_identity(&args, &missing.to_string()),
            }
        }
        None => {
            let kind = match args.token_use {
                TokenUseArg::Id => TokenKind::Id,
                _ => TokenKind::Access,
            };
            let token =
                super::read_token(&args.input, || super::stored_token(home, &profile, kind))?;
            (token, None)
        }
    };
    let now = args.now.unwrap_or_else(now_epoch);
    let outcome = verify_token(home, &profile, &token, &args, now)?;

    if args.authorizer {
        return authorizer_answer(&profile, &args, event.as_ref(), outcome);
    }
    match outcome {
        Ok(verified) => {
            if args.json {
                let doc = json!({"valid": true, "error": null, "header": verified.header, "claims": verified.claims});
                output::println(&json_line(&doc))?;
            } else {
                output::println(&valid_report(&verified, now))?;
            }
            Ok(ExitCode::Success)
        }
        Err(rejection) => {
            let code = verify_exit_code(rejection.error.kind);
            if args.json {
                output::println(&json_line(&rejection_json(&rejection)))?;
            } else if rejection.error.kind == ErrorKind::JwksUnavailable {
                return Err(rejection.error.into());
            } else {
                output::println(&invalid_report(&rejection))?;
                if let Some(kind) = other_issuer_format(&rejection) {
                    output::info(&format!(
                        "cwsauth: hint: the pool issues the {} format: `cwsauth configure --issuer-type {}{}` (or --issuer-type for one run)",
                        kind.name().to_ascii_uppercase(),
                        kind.name(),
                        profile.flag()
                    ));
                }
            }
            Ok(code)
        }
    }
}

fn rejection_json(rejection: &Rejection) -> Value {
    json!({
        "valid": false,
        "error": rejection.error,
        "header": rejection.header,
        "claims": rejection.claims,
    })
}

/// API Gateway answers 401 without calling the authorizer when the identity source is missing.
fn no_identity(args: &VerifyArgs, why: &str) -> Result<ExitCode> {
    if args.json {
        let doc = json!({
            "valid": false,
            "error": {"kind": "no_identity", "message": why, "expected": args.identity_source, "actual": null},
            "header": null,
            "claims": null,
            "decision": "unauthorized",
            "answer": "Unauthorized",
        });
        output::println(&json_line(&doc))?;
    } else {
        output::info(&format!(
            "cwsauth: unauthorized (401): {}",
            for_terminal(why)
        ));
        output::println("Unauthorized")?;
    }
    Ok(ExitCode::Rejected)
}

/// Verifies with the profile's pinned issuer and keys, or the token's own Cognito issuer
/// (with a warning) when nothing is pinned.
fn verify_token(
    home: &Home,
    profile: &Profile,
    token: &str,
    args: &VerifyArgs,
    now: i64,
) -> Result<std::result::Result<Verified, Rejection>> {
    let issuer = match profile.get(Key::Issuer) {
        Some(issuer) => issuer.to_string(),
        None => match cwsauth_verify::decode(token) {
            Err(error) => return Ok(Err(Rejection::from(error))),
            Ok(decoded) => {
                let iss = decoded
                    .claims
                    .get("iss")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if !is_cognito_issuer(iss) {
                    return Err(Error::Usage(format!(
                        "no issuer pinned and the token's iss is not a Cognito user pool: pass --user-pool-id or --issuer, or set user_pool_id with `cwsauth configure{}`",
                        profile.flag()
                    )));
                }
                warn(&format!(
                    "no issuer pinned; trusting the token's own issuer {}: anyone can sign tokens with a pool of their own, so pin it with --user-pool-id or --issuer",
                    for_terminal(iss)
                ));
                iss.to_string()
            }
        },
    };
    let clients = if args.any_client {
        ClientIds::Any
    } else if !args.client_id.is_empty() {
        ClientIds::one_of(args.client_id.clone())
    } else if let Some(id) = profile.get(Key::ClientId) {
        ClientIds::one_of([id])
    } else {
        warn(
            "no app client id to check, so any client of the pool passes: pass --client-id, set client_id in the profile, or --any-client to say so",
        );
        ClientIds::Any
    };
    let token_use = match args.token_use {
        TokenUseArg::Access => TokenUse::Access,
        TokenUseArg::Id => TokenUse::Id,
        TokenUseArg::Any => TokenUse::Any,
    };
    let checks = Checks::new(issuer.clone(), token_use, clients)
        .scopes(args.scope.clone())
        .leeway(args.leeway);
    // As the authorizer, a user outside the groups is a Deny policy (403), decided by the
    // same function as the emulator's and cwsauth-authorizer's; as a check, a rejection.
    let checks = if args.authorizer {
        checks
    } else {
        checks.groups(args.group.clone())
    };
    // An explicit jwks_uri wins; a derived one follows the issuer actually used.
    let jwks = match profile.setting(Key::JwksUri) {
        Some(s) if !matches!(s.source, Source::Derived(_)) => s.values[0].clone(),
        _ => format!("{issuer}/.well-known/jwks.json"),
    };
    let keys = crate::jwks::key_source_with(
        &jwks,
        &home.cache_dir().join("jwks"),
        profile.jwks_max_age()?,
        args.refresh_keys,
    );
    Ok(match keys {
        Ok(keys) => cwsauth_verify::verify(token, &checks, keys.as_ref(), now),
        Err(error) => Err(Rejection::from(error)),
    })
}

/// `https://cognito-idp.{region}.amazonaws.com/{region}_{id}` or the UPDATED format's
/// `https://issuer-cognito-idp.…`: the only issuers trusted from the token itself.
fn is_cognito_issuer(iss: &str) -> bool {
    cwsauth_verify::issuer::parse_cognito_issuer(iss).is_some()
}

fn read_event(path: &std::path::Path) -> Result<ConnectEvent> {
    let bytes = crate::fsutil::read_capped(path, MAX_EVENT_BYTES).map_err(|e| {
        Error::Usage(match e {
            crate::fsutil::FsError::Io { source, .. } => {
                format!("cannot read event file {}: {source}", path.display())
            }
            other => format!("cannot read event file: {other}"),
        })
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::Usage(format!(
            "event file {} is not an API Gateway authorizer event: {}",
            path.display(),
            crate::sanitize::excerpt(&e.to_string(), 100)
        ))
    })
}

fn authorizer_answer(
    profile: &Profile,
    args: &VerifyArgs,
    event: Option<&ConnectEvent>,
    outcome: std::result::Result<Verified, Rejection>,
) -> Result<ExitCode> {
    let options = PolicyOptions {
        method_arn: args
            .method_arn
            .clone()
            .or_else(|| event.and_then(|e| e.method_arn.clone()))
            .unwrap_or_else(|| authorizer::default_method_arn(profile.get(Key::Region))),
        principal_id: args.principal_id.clone(),
        extra_context: args.context.clone(),
    };
    if let Err(rejection) = &outcome
        && rejection.error.kind == ErrorKind::JwksUnavailable
    {
        if args.json {
            output::println(&json_line(&rejection_json(rejection)))?;
            return Ok(ExitCode::Network);
        }
        return Err(rejection.error.clone().into());
    }
    let deny_on_invalid = args.effect == Effect::DenyOnInvalid;
    let decision = authorizer::decide(&outcome, &options, deny_on_invalid, &args.group);
    if args.json {
        let (name, answer, reason) = match &decision {
            Decision::Allow(policy) => ("allow", policy.clone(), None),
            Decision::Deny(policy, reason) => ("deny", policy.clone(), Some(reason.clone())),
            Decision::Unauthorized(reason) => {
                ("unauthorized", json!("Unauthorized"), Some(reason.clone()))
            }
        };
        let mut doc = match &outcome {
            Ok(v) => json!({"valid": true, "error": null, "header": v.header, "claims": v.claims}),
            Err(r) => rejection_json(r),
        };
        doc["decision"] = json!(name);
        doc["answer"] = answer;
        doc["reason"] = json!(reason);
        output::println(&json_line(&doc))?;
        return Ok(match decision {
            Decision::Allow(_) => ExitCode::Success,
            _ => ExitCode::Rejected,
        });
    }
    match decision {
        Decision::Allow(policy) => {
            output::println(&json_pretty(&policy))?;
            Ok(ExitCode::Success)
        }
        Decision::Deny(policy, reason) => {
            output::info(&format!("cwsauth: denied (403): {}", for_terminal(&reason)));
            output::println(&json_pretty(&policy))?;
            Ok(ExitCode::Rejected)
        }
        Decision::Unauthorized(reason) => {
            output::info(&format!(
                "cwsauth: unauthorized (401): {}",
                for_terminal(&reason)
            ));
            output::println("Unauthorized")?;
            Ok(ExitCode::Rejected)
        }
    }
}

fn valid_report(v: &Verified, now: i64) -> String {
    let claim = |name: &str| v.claims.get(name).map(shown).unwrap_or_default();
    let token_use = v.claim_str("token_use").unwrap_or("");
    let mut lines = vec![format!(
        "VALID {} token",
        if token_use == "id" { "ID" } else { "access" }
    )];
    let mut row = |label: &str, value: String| {
        if !value.is_empty() {
            lines.push(format!("  {label:<10} {}", for_terminal(&value)));
        }
    };
    row(
        "principal",
        format!(
            "{} (sub {})",
            authorizer::principal_of(&v.claims),
            claim("sub")
        ),
    );
    row(
        "client",
        if token_use == "id" {
            claim("aud")
        } else {
            claim("client_id")
        },
    );
    row("issuer", claim("iss"));
    row("scopes", claim("scope"));
    row("groups", claim("cognito:groups"));
    let mut text = lines.join("\n");
    text.push('\n');
    text.push_str(&super::decode::time_lines(&v.claims, now));
    text.trim_end().to_string()
}

/// The other issuer format of the same pool, when that is why the token was refused.
fn other_issuer_format(r: &Rejection) -> Option<cwsauth_verify::issuer::IssuerType> {
    let e = &r.error;
    if e.kind != ErrorKind::InvalidIssuer {
        return None;
    }
    cwsauth_verify::issuer::other_format_of_same_pool(e.expected.as_deref()?, e.actual.as_deref()?)
}

fn invalid_report(r: &Rejection) -> String {
    let e = &r.error;
    let mut text = format!("INVALID {}: {}", e.kind.as_str(), for_terminal(&e.message));
    if let Some(expected) = &e.expected {
        text.push_str(&format!("\n  expected   {}", for_terminal(expected)));
    }
    if let Some(actual) = &e.actual {
        text.push_str(&format!("\n  actual     {}", for_terminal(actual)));
    }
    if let Some(claims) = &r.claims {
        let principal = authorizer::principal_of(claims);
        text.push_str(&format!("\n  principal  {}", for_terminal(&principal)));
    }
    text
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
