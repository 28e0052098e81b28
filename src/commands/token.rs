//! `cwsauth token`: a usable token on stdout and nothing else, for `$(cwsauth token)`.

use serde_json::json;

use crate::cli::TokenArgs;
use crate::config::Home;
use crate::store::{self, TokenKind};
use crate::{ExitCode, Result};

pub fn run(home: &Home, profile_name: &str, args: TokenArgs) -> Result<ExitCode> {
    let profile = super::profile(home, profile_name, &args.client.overrides())?;
    let store = store::open(home, &profile, args.client.store.map(|s| s.as_str()))?;
    let kind = if args.id {
        TokenKind::Id
    } else if args.refresh {
        TokenKind::Refresh
    } else {
        TokenKind::Access
    };
    let tokens = store::usable_tokens(home, &profile, &store, args.min_ttl)?;
    let token = store::pick(&tokens, &profile.name, kind)?;
    if args.json {
        let now = crate::timefmt::now_epoch();
        let exp = match kind {
            TokenKind::Refresh => None,
            _ => crate::jwt::decode(token.expose())
                .ok()
                .and_then(|d| d.claims.get("exp").and_then(|v| v.as_i64())),
        };
        let doc = json!({
            "token": token.expose(),
            "token_type": "Bearer",
            "expires_at": exp,
            "expires_in": exp.map(|e| e - now),
            "username": tokens.username,
        });
        crate::output::println(&doc.to_string())?;
    } else {
        crate::output::println(token.expose())?;
    }
    Ok(ExitCode::Success)
}
