//! The hosted UI's OAuth 2.0 endpoints as a client: the authorize URL with PKCE, the code
//! exchange, refresh, client credentials and revocation, through the oauth2 crate with the
//! project's one HTTP client. Secrets never reach a log line.

use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    Scope, StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

use super::CognitoError;
use crate::redacted::Secret;

/// Cognito's token response keeps the ID token, which plain OAuth drops.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl oauth2::ExtraTokenFields for IdTokenField {}

type CognitoTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;
type CognitoClient = oauth2::Client<
    BasicErrorResponse,
    CognitoTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// Tokens as an endpoint returned them.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: Secret,
    pub id_token: Option<Secret>,
    pub refresh_token: Option<Secret>,
}

/// An app client on a hosted UI domain.
pub struct HostedUi {
    base: String,
    client: CognitoClient,
    client_id: String,
}

/// The authorize URL and what the callback must match.
pub struct AuthorizeRequest {
    pub url: String,
    pub state: Secret,
    pub nonce: Secret,
    pub verifier: PkceCodeVerifier,
}

/// Extra parameters of the authorize URL.
#[derive(Debug, Clone, Default)]
pub struct AuthorizeOptions {
    pub scopes: Vec<String>,
    pub identity_provider: Option<String>,
    pub prompt: Option<String>,
    pub login_hint: Option<String>,
}

fn bad_url(what: &str, e: impl std::fmt::Display) -> CognitoError {
    CognitoError::Config(format!("bad {what} URL: {e}"))
}

impl HostedUi {
    pub fn new(
        base: &str,
        client_id: &str,
        client_secret: Option<&Secret>,
        redirect_uri: &str,
    ) -> Result<HostedUi, CognitoError> {
        let base = base.trim_end_matches('/').to_string();
        let mut client = oauth2::Client::new(ClientId::new(client_id.to_string()))
            .set_auth_uri(
                AuthUrl::new(format!("{base}/oauth2/authorize"))
                    .map_err(|e| bad_url("authorize", e))?,
            )
            .set_token_uri(
                TokenUrl::new(format!("{base}/oauth2/token")).map_err(|e| bad_url("token", e))?,
            )
            .set_redirect_uri(
                RedirectUrl::new(redirect_uri.to_string()).map_err(|e| bad_url("redirect", e))?,
            )
            .set_auth_type(AuthType::BasicAuth);
        if let Some(secret) = client_secret {
            client = client.set_client_secret(ClientSecret::new(secret.expose().to_string()));
        }
        Ok(HostedUi {
            base,
            client,
            client_id: client_id.to_string(),
        })
    }

    /// The profile's app client on its hosted UI domain, redirecting to its first redirect URI.
    pub fn for_profile(
        profile: &crate::profile::Profile,
        secret: Option<&Secret>,
    ) -> Result<HostedUi, crate::Error> {
        use crate::profile::Key;
        profile.require_all(&[Key::ClientId, Key::Domain])?;
        let redirect = profile
            .get(Key::RedirectUri)
            .unwrap_or(crate::profile::DEFAULT_REDIRECT_URI);
        let base = profile.hosted_ui_base()?;
        crate::http::check_endpoint("hosted UI domain", &base)?;
        Ok(HostedUi::new(
            &base,
            profile.require(Key::ClientId)?,
            secret,
            redirect,
        )?)
    }

    /// A fresh authorize URL with random state, nonce and PKCE (S256) challenge.
    pub fn authorize_url(&self, options: &AuthorizeOptions) -> AuthorizeRequest {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = CsrfToken::new_random().secret().clone();
        let mut request = self
            .client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(options.scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            .add_extra_param("nonce", nonce.clone());
        for (name, value) in [
            ("identity_provider", &options.identity_provider),
            ("prompt", &options.prompt),
            ("login_hint", &options.login_hint),
        ] {
            if let Some(v) = value {
                request = request.add_extra_param(name, v.clone());
            }
        }
        let (url, state) = request.url();
        AuthorizeRequest {
            url: url.to_string(),
            state: Secret::new(state.secret().clone()),
            nonce: Secret::new(nonce),
            verifier,
        }
    }

    pub fn exchange_code(
        &self,
        code: &Secret,
        verifier: PkceCodeVerifier,
    ) -> Result<Tokens, CognitoError> {
        let http = crate::http::oauth_client().map_err(|e| network(&self.token_endpoint(), e))?;
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.expose().to_string()))
            .set_pkce_verifier(verifier)
            .request(&http)
            .map_err(|e| token_error(&self.token_endpoint(), e))?;
        Ok(tokens(&response))
    }

    pub fn refresh(&self, refresh_token: &Secret) -> Result<Tokens, CognitoError> {
        let http = crate::http::oauth_client().map_err(|e| network(&self.token_endpoint(), e))?;
        let response = self
            .client
            .exchange_refresh_token(&RefreshToken::new(refresh_token.expose().to_string()))
            .request(&http)
            .map_err(|e| token_error(&self.token_endpoint(), e))?;
        Ok(tokens(&response))
    }

    pub fn client_credentials(&self, scopes: &[String]) -> Result<Tokens, CognitoError> {
        let http = crate::http::oauth_client().map_err(|e| network(&self.token_endpoint(), e))?;
        let response = self
            .client
            .exchange_client_credentials()
            .add_scopes(scopes.iter().cloned().map(Scope::new))
            .request(&http)
            .map_err(|e| token_error(&self.token_endpoint(), e))?;
        Ok(tokens(&response))
    }

    /// Revokes a refresh token at `/oauth2/revoke`. Sent directly rather than through the
    /// oauth2 crate, which refuses plain-http revocation URLs even on loopback.
    pub fn revoke(
        &self,
        refresh_token: &Secret,
        client_secret: Option<&Secret>,
    ) -> Result<(), CognitoError> {
        let endpoint = format!("{}/oauth2/revoke", self.base);
        tracing::debug!("POST {endpoint} token=(redacted)");
        let client = crate::http::blocking_client().map_err(|e| network(&endpoint, e))?;
        let deadline = crate::http::deadline();
        let mut request = client.post(&endpoint).form(&[
            ("token", refresh_token.expose()),
            ("client_id", &self.client_id),
        ]);
        if let Some(secret) = client_secret {
            request = request.basic_auth(&self.client_id, Some(secret.expose()));
        }
        let response = request.send().map_err(|e| CognitoError::Network {
            endpoint: endpoint.clone(),
            why: crate::http::cause(&e),
        })?;
        let status = response.status();
        tracing::debug!("-> HTTP {status}");
        if status.is_success() {
            return Ok(());
        }
        let bytes =
            crate::http::read_capped(&endpoint, response, 4096, deadline).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        if status.is_server_error() || body["error"].as_str().is_none() {
            return Err(CognitoError::Server {
                endpoint,
                status: status.as_u16(),
                body: crate::sanitize::excerpt(text.trim(), 100),
            });
        }
        Err(CognitoError::OAuth {
            endpoint: "/oauth2/revoke".into(),
            error: body["error"]
                .as_str()
                .map_or_else(|| format!("HTTP {status}"), str::to_string),
            description: body["error_description"].as_str().map(str::to_string),
        })
    }

    fn token_endpoint(&self) -> String {
        format!("{}/oauth2/token", self.base)
    }

    /// The hosted UI's sign-out URL for `logout_uri`.
    pub fn logout_url(&self, logout_uri: &str) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.client_id)
            .append_pair("logout_uri", logout_uri)
            .finish();
        format!("{}/logout?{query}", self.base)
    }
}

fn network(endpoint: &str, e: crate::http::HttpError) -> CognitoError {
    CognitoError::Network {
        endpoint: endpoint.into(),
        why: e.to_string(),
    }
}

fn tokens(r: &CognitoTokenResponse) -> Tokens {
    Tokens {
        access_token: Secret::new(r.access_token().secret().clone()),
        id_token: r.extra_fields().id_token.clone().map(Secret::new),
        refresh_token: r.refresh_token().map(|t| Secret::new(t.secret().clone())),
    }
}

fn token_error(
    endpoint: &str,
    e: RequestTokenError<crate::http::OauthHttpError, BasicErrorResponse>,
) -> CognitoError {
    match e {
        RequestTokenError::ServerResponse(r) => CognitoError::OAuth {
            endpoint: endpoint.into(),
            error: match r.error() {
                BasicErrorResponseType::Extension(s) => s.clone(),
                other => other.to_string(),
            },
            description: r.error_description().cloned(),
        },
        other => request_error(endpoint, other),
    }
}

fn request_error<T: oauth2::ErrorResponse>(
    endpoint: &str,
    e: RequestTokenError<crate::http::OauthHttpError, T>,
) -> CognitoError {
    match e {
        RequestTokenError::Request(crate::http::OauthHttpError::Server { status, body }) => {
            CognitoError::Server {
                endpoint: endpoint.into(),
                status,
                body,
            }
        }
        RequestTokenError::Request(err) => CognitoError::Network {
            endpoint: endpoint.into(),
            why: err.to_string(),
        },
        RequestTokenError::Parse(err, _) => CognitoError::Protocol {
            endpoint: endpoint.into(),
            why: format!("the answer is not a token response ({})", err.inner()),
        },
        RequestTokenError::Other(why) => CognitoError::Protocol {
            endpoint: endpoint.into(),
            why,
        },
        RequestTokenError::ServerResponse(r) => CognitoError::OAuth {
            endpoint: endpoint.into(),
            error: r.to_string(),
            description: None,
        },
    }
}
