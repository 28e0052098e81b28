//! Tokens with Cognito's claim sets: access tokens signed by one key, ID tokens by the other.

use serde_json::{Value, json};

use super::triggers::{self, Claims, TriggerFailed};
use super::{Emulator, User};

/// One sign-in's tokens.
pub struct Issued {
    pub access_token: String,
    pub id_token: Option<String>,
    pub expires_in: u64,
}

/// How an endpoint names the fields of its token answer.
pub struct FieldNames {
    pub access: &'static str,
    pub expires_in: &'static str,
    pub token_type: &'static str,
    pub id: &'static str,
    pub refresh: &'static str,
}

/// `/oauth2/token`'s names.
pub const OAUTH: FieldNames = FieldNames {
    access: "access_token",
    expires_in: "expires_in",
    token_type: "token_type",
    id: "id_token",
    refresh: "refresh_token",
};

/// The JSON API's `AuthenticationResult` names.
pub const JSON_API: FieldNames = FieldNames {
    access: "AccessToken",
    expires_in: "ExpiresIn",
    token_type: "TokenType",
    id: "IdToken",
    refresh: "RefreshToken",
};

impl Issued {
    /// The tokens as an endpoint answers them, with the refresh token when there is one.
    pub fn answer(self, names: &FieldNames, refresh_token: Option<String>) -> Value {
        let mut body = serde_json::Map::new();
        body.insert(names.access.into(), json!(self.access_token));
        body.insert(names.expires_in.into(), json!(self.expires_in));
        body.insert(names.token_type.into(), json!("Bearer"));
        if let Some(id) = self.id_token {
            body.insert(names.id.into(), json!(id));
        }
        if let Some(refresh) = refresh_token {
            body.insert(names.refresh.into(), json!(refresh));
        }
        Value::Object(body)
    }
}

/// Everything that ties the tokens of one sign-in together.
pub struct Grant<'a> {
    pub user: &'a User,
    pub client_id: &'a str,
    pub scopes: &'a [String],
    pub auth_time: i64,
    pub origin_jti: &'a str,
    pub nonce: Option<&'a str>,
    /// ID tokens only with the `openid` scope (hosted UI) or always (JSON API).
    pub with_id_token: bool,
    /// What led to the tokens, for the pre-token-generation trigger.
    pub source: super::triggers::Source,
}

/// The tokens of a sign-in, shaped by the pool's pre-token-generation trigger when it has one.
pub fn issue(emu: &Emulator, grant: &Grant<'_>) -> Result<Issued, TriggerFailed> {
    let now = crate::timefmt::now_epoch();
    let ttl = emu.options.token_ttl.as_secs().max(1);
    let exp = now + ttl as i64;
    let event_id = super::ids::uuid();
    let user = grant.user;
    let mut access = json!({
        "sub": user.sub,
        "iss": emu.issuer,
        "client_id": grant.client_id,
        "origin_jti": grant.origin_jti,
        "event_id": event_id,
        "token_use": "access",
        "scope": grant.scopes.join(" "),
        "auth_time": grant.auth_time,
        "exp": exp,
        "iat": now,
        "jti": super::ids::uuid(),
        "username": user.spec.username,
        "version": 2,
    });
    if !user.spec.groups.is_empty() {
        access["cognito:groups"] = json!(user.spec.groups);
    }
    let id_token = grant.with_id_token.then(|| {
        let mut id = json!({
            "sub": user.sub,
            "aud": grant.client_id,
            "iss": emu.issuer,
            "cognito:username": user.spec.username,
            "email": user.email,
            "email_verified": true,
            "token_use": "id",
            "auth_time": grant.auth_time,
            "exp": exp,
            "iat": now,
            "jti": super::ids::uuid(),
            "origin_jti": grant.origin_jti,
            "event_id": event_id,
        });
        if let Some(nonce) = grant.nonce {
            id["nonce"] = json!(nonce);
        }
        if !user.spec.groups.is_empty() {
            id["cognito:groups"] = json!(user.spec.groups);
        }
        id
    });
    let (Value::Object(mut access), mut id) = (
        access,
        id_token.and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        }),
    ) else {
        unreachable!("the claims are built as objects above")
    };
    triggers::customize(
        emu,
        grant.source,
        Some(user),
        grant.client_id,
        grant.scopes,
        Claims {
            access: &mut access,
            id: id.as_mut(),
        },
    )?;
    Ok(Issued {
        access_token: emu.access_key.sign(&Value::Object(access)),
        id_token: id.map(|id| emu.id_key.sign(&Value::Object(id))),
        expires_in: ttl,
    })
}

/// A machine-to-machine access token (`client_credentials`): no user, no ID token.
pub fn issue_m2m(
    emu: &Emulator,
    client_id: &str,
    scopes: &[String],
) -> Result<Issued, TriggerFailed> {
    let now = crate::timefmt::now_epoch();
    let ttl = emu.options.token_ttl.as_secs().max(1);
    let access: Value = json!({
        "sub": client_id,
        "iss": emu.issuer,
        "client_id": client_id,
        "token_use": "access",
        "scope": scopes.join(" "),
        "auth_time": now,
        "exp": now + ttl as i64,
        "iat": now,
        "jti": super::ids::uuid(),
        "version": 2,
    });
    let Value::Object(mut access) = access else {
        unreachable!("the claims are built as an object above")
    };
    triggers::customize(
        emu,
        triggers::Source::ClientCredentials,
        None,
        client_id,
        scopes,
        Claims {
            access: &mut access,
            id: None,
        },
    )?;
    Ok(Issued {
        access_token: emu.access_key.sign(&Value::Object(access)),
        id_token: None,
        expires_in: ttl,
    })
}
