//! `cwsauth token`: a usable token on stdout and nothing else, for `$(cwsauth token)`.

use serde_json::json;

use super::TerminalReporter;
use crate::cli::TokenArgs;
use crate::home::Home;
use crate::session::{Session, TokenKind};
use crate::{ExitCode, Result};

pub fn run(home: &Home, args: TokenArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let session = Session::open(home, &profile, &TerminalReporter)?;
    let kind = if args.id {
        TokenKind::Id
    } else if args.refresh {
        TokenKind::Refresh
    } else {
        TokenKind::Access
    };
    let tokens = session.usable(args.min_ttl)?;
    let token = tokens.pick(kind, &profile.name)?;
    if args.json {
        let now = crate::timefmt::now_epoch();
        let exp = match kind {
            TokenKind::Refresh => None,
            _ => cwsauth_verify::decode(token.expose())
                .ok()
                .and_then(|d| cwsauth_verify::number(&d.claims, "exp")),
        };
        let doc = json!({
            "token": token.expose(),
            "token_type": match kind {
                TokenKind::Access => "access",
                TokenKind::Id => "id",
                TokenKind::Refresh => "refresh",
            },
            "expires_at": exp,
            "expires_in": exp.map(|e| e.saturating_sub(now)),
            "username": tokens.username,
        });
        crate::output::println(&doc.to_string())?;
    } else {
        crate::output::println(token.expose())?;
    }
    Ok(ExitCode::Success)
}
