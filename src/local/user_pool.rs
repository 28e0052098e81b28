//! The user pool's parts: its users (from `--user`, with their SRP verifiers), its two app
//! clients, its signing keys (fresh, or kept with `--persist`), its discovery document, and the
//! profiles that point at an emulator.

use cwsauth_verify::signing::SigningKey;

use super::Emulator;
use super::error::{LocalError, SetupError};
use super::ids::{self, M2M_SCOPE, POOL_ID};
use crate::redacted::Secret;

/// A user from `--user NAME:PASSWORD[:GROUP,…[:OPTION,…]]`.
#[derive(Debug, Clone)]
pub struct UserSpec {
    pub username: String,
    pub password: Secret,
    pub groups: Vec<String>,
    /// The base32 secret of the user's software token (MFA at every sign-in).
    pub totp: Option<Secret>,
    /// The password is temporary: the first sign-in must set a new one.
    pub temporary: bool,
    /// A phone number for SMS codes (`phone=+15555550100`).
    pub phone: Option<String>,
    /// A second factor by code (`mfa=sms`: `SMS_MFA`, `mfa=email`: `EMAIL_OTP`).
    pub code_mfa: Option<&'static str>,
}

impl UserSpec {
    /// `NAME:PASSWORD[:GROUP,…[:OPTION,…]]`; options: `totp=BASE32` (software-token MFA with
    /// that secret), `temporary` (the password must be changed at the first sign-in),
    /// `phone=+DIGITS` (SMS one-time codes), `mfa=sms|email` (a code as the second factor).
    pub fn parse(text: &str) -> Result<UserSpec, SetupError> {
        let mut parts = text.splitn(4, ':');
        let (Some(username), Some(password)) = (parts.next(), parts.next()) else {
            return Err(SetupError::Value {
                setting: format!("user {:?}", text.split(':').next().unwrap_or("")),
                why: "is not NAME:PASSWORD[:GROUP,…[:OPTION,…]]".into(),
            });
        };
        if username.is_empty() || password.is_empty() {
            return Err(SetupError::Value {
                setting: "a user".into(),
                why: "needs a name and a password: NAME:PASSWORD[:GROUP,…[:OPTION,…]]".into(),
            });
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
        let mut spec = UserSpec {
            username: username.into(),
            password: Secret::new(password),
            groups,
            totp: None,
            temporary: false,
            phone: None,
            code_mfa: None,
        };
        for option in parts.next().into_iter().flat_map(|o| o.split(',')) {
            let bad = |why: String| SetupError::Value {
                setting: format!("user {username:?}"),
                why,
            };
            match option.split_once('=') {
                Some(("totp", secret)) => {
                    crate::cognito::totp::decode_secret(secret)
                        .map_err(|why| bad(format!("option totp: {why}")))?;
                    spec.totp = Some(Secret::new(secret));
                }
                Some(("phone", number)) => {
                    let digits = number.strip_prefix('+').unwrap_or("");
                    if digits.len() < 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(bad(format!(
                            "option phone: {:?} is not +DIGITS (E.164, e.g. +15555550100)",
                            crate::sanitize::excerpt(number, 40)
                        )));
                    }
                    spec.phone = Some(number.to_string());
                }
                Some(("mfa", "sms")) => spec.code_mfa = Some("SMS_MFA"),
                Some(("mfa", "email")) => spec.code_mfa = Some("EMAIL_OTP"),
                None if option == "temporary" => spec.temporary = true,
                None if option.is_empty() => {}
                _ => {
                    return Err(bad(format!(
                        "unknown option {:?} (known: totp=BASE32SECRET, temporary, phone=+DIGITS, mfa=sms, mfa=email)",
                        crate::sanitize::excerpt(option, 40)
                    )));
                }
            }
        }
        if spec.code_mfa == Some("SMS_MFA") && spec.phone.is_none() {
            return Err(SetupError::Value {
                setting: format!("user {username:?}"),
                why: "option mfa=sms needs a phone=+DIGITS to send the codes to".into(),
            });
        }
        Ok(spec)
    }

    /// The user every emulator has when none is given.
    pub fn demo() -> UserSpec {
        UserSpec {
            username: "demo".into(),
            password: Secret::new("Demo-Passw0rd!"),
            groups: vec!["developers".into()],
            totp: None,
            temporary: false,
            phone: None,
            code_mfa: None,
        }
    }
}

/// The `InitiateAuth` flows the app clients allow (`ExplicitAuthFlows`), all by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFlows(Vec<String>);

/// Every flow the emulator knows.
const FLOWS: [&str; 4] = [
    "USER_PASSWORD_AUTH",
    "USER_SRP_AUTH",
    "USER_AUTH",
    "REFRESH_TOKEN_AUTH",
];

impl Default for AuthFlows {
    fn default() -> Self {
        AuthFlows(FLOWS.iter().map(|f| f.to_string()).collect())
    }
}

impl AuthFlows {
    /// `USER_AUTH,REFRESH_TOKEN_AUTH` (Cognito's `ALLOW_` prefix may be given).
    pub fn parse(text: &str) -> Result<AuthFlows, SetupError> {
        let bad = |why: String| SetupError::Value {
            setting: "--auth-flows".into(),
            why,
        };
        let mut flows = Vec::new();
        for name in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let name = name
                .strip_prefix("ALLOW_")
                .unwrap_or(name)
                .to_ascii_uppercase();
            if !FLOWS.contains(&name.as_str()) {
                return Err(bad(format!(
                    "{name:?} is not a flow the emulator knows ({})",
                    FLOWS.join(", ")
                )));
            }
            flows.push(name);
        }
        if flows.is_empty() {
            return Err(bad("name at least one flow".into()));
        }
        Ok(AuthFlows(flows))
    }

    /// Whether `flow` (as InitiateAuth names it; `REFRESH_TOKEN` is `REFRESH_TOKEN_AUTH`) is
    /// allowed; flows the emulator does not know are refused where they are read.
    pub fn allows(&self, flow: &str) -> bool {
        let flow = if flow == "REFRESH_TOKEN" {
            "REFRESH_TOKEN_AUTH"
        } else {
            flow
        };
        !FLOWS.contains(&flow) || self.0.iter().any(|f| f == flow)
    }
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

/// A user of the pool.
pub(crate) struct User {
    pub spec: UserSpec,
    pub sub: String,
    pub email: String,
    pub verifier: crate::cognito::srp::Verifier,
}

impl User {
    pub fn new(spec: UserSpec) -> User {
        User {
            sub: ids::uuid(),
            email: format!("{}@example.com", spec.username),
            verifier: crate::cognito::srp::Verifier::new(
                ids::POOL_ID,
                &spec.username,
                spec.password.expose(),
            ),
            spec,
        }
    }
}

/// The two signing keys: fresh, or kept in `dir` (`--persist`).
pub fn load_keys(dir: Option<&std::path::Path>) -> Result<(SigningKey, SigningKey), LocalError> {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let generate = || -> Result<(SigningKey, SigningKey), LocalError> {
        let err = |e: cwsauth_verify::signing::KeyError| LocalError::Keys {
            path: "memory".into(),
            why: e.to_string(),
        };
        let suffix = &ids::random_token(6);
        // RSA key generation is the slowest part of the emulator's start: both at once.
        let (access, id) = std::thread::scope(|s| {
            let access = s.spawn(|| SigningKey::generate(format!("local-access-{suffix}")));
            let id = SigningKey::generate(format!("local-id-{suffix}"));
            (access.join(), id)
        });
        let access = access.map_err(|_| LocalError::Keys {
            path: "memory".into(),
            why: "the key generation thread failed".into(),
        })?;
        Ok((access.map_err(err)?, id.map_err(err)?))
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

/// What a template's `UserPool.ProviderURL` stands for until the emulator's port is known
/// (`https://` + it is the issuer); replaced in functions' environments at start.
pub const ISSUER_PLACEHOLDER: &str = "http://cwsauth-local-issuer.invalid";

/// `value` with the issuer placeholder (with any scheme, or none) made the real issuer.
pub(crate) fn with_issuer(value: &str, issuer: &str) -> String {
    let host = ISSUER_PLACEHOLDER.trim_start_matches("http://");
    let bare = issuer
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    value
        .replace(&format!("https://{host}"), issuer)
        .replace(&format!("http://{host}"), issuer)
        .replace(host, bare)
}

/// The pool's `iss`: the emulator's own URL, or AWS's in the format asked (for profiles and
/// verifiers that must see exactly what a real pool issues).
pub fn issuer(base_url: &str, format: Option<cwsauth_verify::issuer::IssuerType>) -> String {
    match format {
        None => format!("{base_url}/{POOL_ID}"),
        Some(kind) => cwsauth_verify::issuer::cognito_issuer(ids::REGION, POOL_ID, kind),
    }
}

/// Where the pool's keys are, whatever its issuer.
pub fn jwks_uri(base_url: &str) -> String {
    format!("{base_url}/{POOL_ID}/.well-known/jwks.json")
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
                Key::IssuerType,
                vec![
                    emu.options
                        .issuer_format
                        .unwrap_or_default()
                        .name()
                        .to_string(),
                ],
            ),
            (Key::JwksUri, vec![jwks_uri(&emu.base_url)]),
            (Key::IdpEndpoint, vec![emu.base_url.clone()]),
            (
                Key::IdentityPoolId,
                vec![super::ids::IDENTITY_POOL_ID.to_string()],
            ),
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

/// The pool's discovery document (`/.well-known/openid-configuration`).
pub fn openid_configuration(emu: &Emulator) -> serde_json::Value {
    let base = &emu.base_url;
    serde_json::json!({
        "issuer": emu.issuer,
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "end_session_endpoint": format!("{base}/logout"),
        "jwks_uri": jwks_uri(base),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
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
