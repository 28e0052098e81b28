//! Cognito's JSON API as a client (`InitiateAuth`, `RespondToAuthChallenge`, `RevokeToken`):
//! the headless logins. Unsigned calls, as app clients make them; never logs a secret.

use serde_json::{Map, Value, json};

use super::oauth::Tokens;
use super::{CognitoError, secret_hash, srp};
use crate::redacted::Secret;

/// An app client of a pool, seen through the JSON API.
pub struct Idp {
    pub endpoint: String,
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<Secret>,
}

/// Which `InitiateAuth` flow a password goes through: its own (`USER_PASSWORD_AUTH`,
/// `USER_SRP_AUTH`), or choice-based `USER_AUTH` for clients that allow only that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Own,
    UserAuth,
}

impl Flow {
    fn name(self, own: &'static str, factor: &'static str) -> (&'static str, Option<&'static str>) {
        match self {
            Flow::Own => (own, None),
            Flow::UserAuth => ("USER_AUTH", Some(factor)),
        }
    }
}

/// What an authentication step returned.
#[derive(Debug)]
pub enum Step {
    Tokens(Tokens),
    /// A challenge that needs the user: its name, session and parameters.
    Challenge {
        name: String,
        session: Option<String>,
        parameters: Map<String, Value>,
        /// `SELECT_CHALLENGE`'s choices (`AvailableChallenges`).
        available: Vec<String>,
    },
}

/// What is asked of an identity pool.
pub struct IdentityAsk<'a> {
    pub identity_pool: &'a str,
    /// The `Logins` key (`cognito-idp.{region}.amazonaws.com/{pool}`, or the UPDATED form).
    pub provider: &'a str,
    /// A role of the pool's role choice (`CustomRoleArn`).
    pub role_arn: Option<&'a str>,
}

/// An identity pool's answer: whose credentials, and the credentials.
pub struct IdentityCredentials {
    pub identity_id: String,
    pub credentials: crate::sigv4::Credentials,
}

impl Idp {
    /// The profile's app client on its JSON API endpoint.
    pub fn for_profile(profile: &crate::profile::Profile) -> Result<Idp, crate::Error> {
        use crate::profile::Key;
        profile.require_all(&[Key::IdpEndpoint, Key::UserPoolId, Key::ClientId])?;
        let endpoint = profile.require(Key::IdpEndpoint)?;
        crate::http::check_endpoint("idp_endpoint", endpoint)?;
        Ok(Idp {
            endpoint: endpoint.to_string(),
            user_pool_id: profile.require(Key::UserPoolId)?.to_string(),
            client_id: profile.require(Key::ClientId)?.to_string(),
            client_secret: profile.client_secret(),
        })
    }

    fn call(&self, operation: &str, body: Value) -> Result<Value, CognitoError> {
        let target = format!("AWSCognitoIdentityProviderService.{operation}");
        self.call_at(&self.endpoint, &target, operation, body)
    }

    /// The identity pool's temporary credentials for the user's ID token: `GetId`, then
    /// `GetCredentialsForIdentity` (the enhanced flow; `CustomRoleArn` when a role is chosen),
    /// at Cognito's identity endpoint for the region, or at the profile's own endpoint when it
    /// is not AWS's (an emulator serves both). `provider` is the `Logins` key: the pool's
    /// issuer without its scheme, in the format the pool issues.
    pub fn identity_credentials(
        &self,
        ask: &IdentityAsk<'_>,
        id_token: &Secret,
    ) -> Result<IdentityCredentials, CognitoError> {
        // The identity pool's own region (`REGION:GUID`), which may not be the user pool's.
        let region = ask.identity_pool.split(':').next().unwrap_or("");
        let endpoint = if self.endpoint.ends_with(".amazonaws.com") {
            format!("https://cognito-identity.{region}.amazonaws.com")
        } else {
            self.endpoint.clone()
        };
        let logins = json!({ ask.provider: id_token.expose() });
        let id = self.call_at(
            &endpoint,
            "AWSCognitoIdentityService.GetId",
            "GetId",
            json!({"IdentityPoolId": ask.identity_pool, "Logins": logins}),
        )?;
        let identity = id["IdentityId"]
            .as_str()
            .ok_or_else(|| CognitoError::Protocol {
                endpoint: "GetId".into(),
                why: "no IdentityId in the answer".into(),
            })?
            .to_string();
        let mut body = json!({"IdentityId": identity, "Logins": logins});
        if let Some(role) = ask.role_arn {
            body["CustomRoleArn"] = json!(role);
        }
        let answer = self.call_at(
            &endpoint,
            "AWSCognitoIdentityService.GetCredentialsForIdentity",
            "GetCredentialsForIdentity",
            body,
        )?;
        let c = &answer["Credentials"];
        let field = |k: &str| {
            c[k].as_str()
                .map(str::to_string)
                .ok_or_else(|| CognitoError::Protocol {
                    endpoint: "GetCredentialsForIdentity".into(),
                    why: format!("no {k} in the credentials"),
                })
        };
        Ok(IdentityCredentials {
            identity_id: identity,
            credentials: crate::sigv4::Credentials {
                access_key_id: field("AccessKeyId")?,
                secret_access_key: Secret::new(field("SecretKey")?),
                session_token: Some(Secret::new(field("SessionToken")?)),
                expiration: c["Expiration"].as_f64().map(|s| {
                    std::time::UNIX_EPOCH + std::time::Duration::from_secs_f64(s.max(0.0))
                }),
            },
        })
    }

    fn call_at(
        &self,
        endpoint: &str,
        target: &str,
        operation: &str,
        body: Value,
    ) -> Result<Value, CognitoError> {
        let endpoint = endpoint.to_string();
        tracing::debug!("POST {endpoint} {operation}");
        let client = crate::http::blocking_client().map_err(|e| CognitoError::Network {
            endpoint: endpoint.clone(),
            why: e.to_string(),
        })?;
        let deadline = crate::http::deadline();
        let response = client
            .post(&endpoint)
            .header("X-Amz-Target", target)
            .header("Content-Type", "application/x-amz-json-1.1")
            .body(body.to_string())
            .send()
            .map_err(|e| CognitoError::Network {
                endpoint: endpoint.clone(),
                why: crate::http::cause(&e),
            })?;
        let status = response.status();
        tracing::debug!("-> HTTP {status}");
        let bytes = crate::http::read_capped(
            &endpoint,
            response,
            crate::http::MAX_RESPONSE_BYTES,
            deadline,
        )
        .map_err(|e| CognitoError::Network {
            endpoint: endpoint.clone(),
            why: e.to_string(),
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let parsed: Option<Value> = serde_json::from_str(&text).ok();
        let server_error = || CognitoError::Server {
            endpoint: endpoint.clone(),
            status: status.as_u16(),
            body: crate::sanitize::excerpt(text.trim(), 100),
        };
        let typed = parsed.as_ref().is_some_and(|v| v["__type"].is_string());
        if status.is_server_error() && !typed {
            return Err(server_error());
        }
        let Some(value) = parsed else {
            return Err(if status.is_success() {
                CognitoError::Protocol {
                    endpoint: endpoint.clone(),
                    why: format!("{operation} answered something that is not JSON"),
                }
            } else {
                server_error()
            });
        };
        if status.is_success() {
            return Ok(value);
        }
        let Some(kind) = value["__type"]
            .as_str()
            .map(|t| t.rsplit('#').next().unwrap_or(t).to_string())
        else {
            return Err(server_error());
        };
        let message = crate::sanitize::excerpt(
            value["message"]
                .as_str()
                .or(value["Message"].as_str())
                .unwrap_or(""),
            200,
        );
        Err(CognitoError::Api {
            operation: operation.into(),
            kind,
            message,
        })
    }

    fn hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|s| secret_hash(username, &self.client_id, s.expose()))
    }

    fn step(&self, operation: &str, answer: Value) -> Result<Step, CognitoError> {
        if let Some(result) = answer
            .get("AuthenticationResult")
            .and_then(Value::as_object)
        {
            let get = |k: &str| result.get(k).and_then(Value::as_str).map(Secret::new);
            let access_token = get("AccessToken").ok_or_else(|| CognitoError::Protocol {
                endpoint: operation.into(),
                why: "no AccessToken in AuthenticationResult".into(),
            })?;
            return Ok(Step::Tokens(Tokens {
                access_token,
                id_token: get("IdToken"),
                refresh_token: get("RefreshToken"),
            }));
        }
        match answer.get("ChallengeName").and_then(Value::as_str) {
            Some(name) => Ok(Step::Challenge {
                name: name.to_string(),
                session: answer["Session"].as_str().map(str::to_string),
                parameters: answer["ChallengeParameters"]
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
                available: answer["AvailableChallenges"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
            }),
            None => Err(CognitoError::Protocol {
                endpoint: operation.into(),
                why: "neither tokens nor a challenge in the answer".into(),
            }),
        }
    }

    /// `USER_PASSWORD_AUTH`.
    pub fn password(
        &self,
        username: &str,
        password: &Secret,
        flow: Flow,
    ) -> Result<Step, CognitoError> {
        let params = json!({"USERNAME": username, "PASSWORD": password.expose()});
        self.initiate(
            flow.name("USER_PASSWORD_AUTH", "PASSWORD"),
            username,
            params,
        )
    }

    /// `InitiateAuth` with `flow` (`USER_AUTH` takes the preferred first factor too) and the
    /// SECRET_HASH of confidential clients.
    fn initiate(
        &self,
        (flow, preferred): (&str, Option<&str>),
        username: &str,
        mut params: Value,
    ) -> Result<Step, CognitoError> {
        if let Some(p) = preferred {
            params["PREFERRED_CHALLENGE"] = json!(p);
        }
        if let Some(h) = self.hash(username) {
            params["SECRET_HASH"] = json!(h);
        }
        let answer = self.call(
            "InitiateAuth",
            json!({"AuthFlow": flow, "ClientId": self.client_id, "AuthParameters": params}),
        )?;
        self.step("InitiateAuth", answer)
    }

    /// Passwordless sign-in (`USER_AUTH` with `EMAIL_OTP` or `SMS_OTP` preferred): Cognito
    /// sends the code and answers with its challenge.
    pub fn one_time_code(&self, username: &str, factor: &str) -> Result<Step, CognitoError> {
        self.initiate(
            ("USER_AUTH", Some(factor)),
            username,
            json!({"USERNAME": username}),
        )
    }

    /// `USER_SRP_AUTH` (or `USER_AUTH` with `PASSWORD_SRP`) and its `PASSWORD_VERIFIER` answer.
    pub fn srp(&self, username: &str, password: &Secret, flow: Flow) -> Result<Step, CognitoError> {
        let client = srp::Client::new();
        let params = json!({"USERNAME": username, "SRP_A": client.srp_a()});
        let first = self.initiate(flow.name("USER_SRP_AUTH", "PASSWORD_SRP"), username, params)?;
        self.srp_verify(&client, password, first)
    }

    /// Answers `SELECT_CHALLENGE` with `PASSWORD_SRP`, then its `PASSWORD_VERIFIER`.
    pub fn select_srp(
        &self,
        username: &str,
        password: &Secret,
        session: Option<&str>,
    ) -> Result<Step, CognitoError> {
        let client = srp::Client::new();
        let mut responses =
            json!({"USERNAME": username, "ANSWER": "PASSWORD_SRP", "SRP_A": client.srp_a()});
        if let Some(h) = self.hash(username) {
            responses["SECRET_HASH"] = json!(h);
        }
        let first = self.respond("SELECT_CHALLENGE", session, responses)?;
        self.srp_verify(&client, password, first)
    }

    /// Answers `PASSWORD_VERIFIER` (any other step is handed back).
    fn srp_verify(
        &self,
        client: &srp::Client,
        password: &Secret,
        first: Step,
    ) -> Result<Step, CognitoError> {
        let (session, p) = match first {
            Step::Challenge {
                name,
                session,
                parameters,
                ..
            } if name == "PASSWORD_VERIFIER" => (session, parameters),
            other => return Ok(other),
        };
        let field = |k: &'static str| {
            p.get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| CognitoError::Protocol {
                    endpoint: "InitiateAuth".into(),
                    why: format!("the PASSWORD_VERIFIER challenge has no {k}"),
                })
        };
        let user_id = field("USER_ID_FOR_SRP")?;
        let who = srp::Who {
            pool: &self.user_pool_id,
            user: user_id,
        };
        let challenge = srp::Challenge {
            srp_b: field("SRP_B")?,
            salt: field("SALT")?,
            secret_block: field("SECRET_BLOCK")?,
        };
        let claim = client
            .respond(
                who,
                password.expose(),
                &challenge,
                crate::timefmt::now_epoch(),
            )
            .map_err(|e| CognitoError::Protocol {
                endpoint: "InitiateAuth".into(),
                why: e.to_string(),
            })?;
        let mut responses = json!({
            "USERNAME": user_id,
            "PASSWORD_CLAIM_SECRET_BLOCK": field("SECRET_BLOCK")?,
            "PASSWORD_CLAIM_SIGNATURE": claim.signature,
            "TIMESTAMP": claim.timestamp,
        });
        if let Some(h) = self.hash(user_id) {
            responses["SECRET_HASH"] = json!(h);
        }
        self.respond("PASSWORD_VERIFIER", session.as_deref(), responses)
    }

    /// Answers a challenge (`PASSWORD_VERIFIER`, `NEW_PASSWORD_REQUIRED`, `SOFTWARE_TOKEN_MFA`, …).
    pub fn respond(
        &self,
        name: &str,
        session: Option<&str>,
        responses: Value,
    ) -> Result<Step, CognitoError> {
        let mut body = json!({"ChallengeName": name, "ClientId": self.client_id, "ChallengeResponses": responses});
        if let Some(s) = session {
            body["Session"] = json!(s);
        }
        let answer = self.call("RespondToAuthChallenge", body)?;
        self.step("RespondToAuthChallenge", answer)
    }

    /// New tokens for a refresh token: `GetTokensFromRefreshToken`, the only way on an app
    /// client that rotates refresh tokens (the answer then carries the new one), or
    /// `InitiateAuth REFRESH_TOKEN_AUTH` where the endpoint does not know that operation (moto,
    /// older emulators). `username` feeds the SECRET_HASH of confidential clients there.
    pub fn refresh(&self, refresh_token: &Secret, username: &str) -> Result<Tokens, CognitoError> {
        let mut body = json!({"RefreshToken": refresh_token.expose(), "ClientId": self.client_id});
        if let Some(s) = &self.client_secret {
            body["ClientSecret"] = json!(s.expose());
        }
        match self.call("GetTokensFromRefreshToken", body) {
            Ok(answer) => self.refreshed("GetTokensFromRefreshToken", answer),
            Err(e) if e.is_unknown_operation() => {
                tracing::debug!(
                    "the endpoint does not know GetTokensFromRefreshToken ({e}); refreshing with REFRESH_TOKEN_AUTH"
                );
                self.refresh_token_auth(refresh_token, username)
            }
            Err(e) => Err(e),
        }
    }

    fn refresh_token_auth(
        &self,
        refresh_token: &Secret,
        username: &str,
    ) -> Result<Tokens, CognitoError> {
        let mut params = json!({"REFRESH_TOKEN": refresh_token.expose()});
        if let Some(h) = self.hash(username) {
            params["SECRET_HASH"] = json!(h);
        }
        let answer = self.call(
            "InitiateAuth",
            json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": self.client_id, "AuthParameters": params}),
        )?;
        self.refreshed("InitiateAuth", answer)
    }

    fn refreshed(&self, operation: &str, answer: Value) -> Result<Tokens, CognitoError> {
        match self.step(operation, answer)? {
            Step::Tokens(t) => Ok(t),
            Step::Challenge { name, .. } => Err(CognitoError::Protocol {
                endpoint: operation.into(),
                why: format!("a refresh answered with the challenge {name}"),
            }),
        }
    }

    /// `SignUp`: a new user with `password` and `email`; the answer says whether the user is
    /// confirmed and where the confirmation code went.
    pub fn sign_up(
        &self,
        username: &str,
        password: &Secret,
        email: Option<&str>,
    ) -> Result<Value, CognitoError> {
        let mut body = json!({"ClientId": self.client_id, "Username": username, "Password": password.expose()});
        if let Some(email) = email {
            body["UserAttributes"] = json!([{"Name": "email", "Value": email}]);
        }
        if let Some(h) = self.hash(username) {
            body["SecretHash"] = json!(h);
        }
        self.call("SignUp", body)
    }

    /// `ConfirmSignUp` with the code the pool sent.
    pub fn confirm_sign_up(&self, username: &str, code: &str) -> Result<(), CognitoError> {
        let mut body =
            json!({"ClientId": self.client_id, "Username": username, "ConfirmationCode": code});
        if let Some(h) = self.hash(username) {
            body["SecretHash"] = json!(h);
        }
        self.call("ConfirmSignUp", body).map(|_| ())
    }

    /// `AssociateSoftwareToken`: a new TOTP secret for the signed-in user (base32).
    pub fn associate_software_token(&self, access_token: &Secret) -> Result<Secret, CognitoError> {
        let answer = self.call(
            "AssociateSoftwareToken",
            json!({"AccessToken": access_token.expose()}),
        )?;
        answer["SecretCode"]
            .as_str()
            .map(Secret::new)
            .ok_or_else(|| CognitoError::Protocol {
                endpoint: "AssociateSoftwareToken".into(),
                why: "no SecretCode in the answer".into(),
            })
    }

    /// `AssociateSoftwareToken` inside a sign-in's `MFA_SETUP` session: the new secret, and
    /// the session to verify it in.
    pub fn associate_in_session(&self, session: &str) -> Result<(Secret, String), CognitoError> {
        let answer = self.call("AssociateSoftwareToken", json!({"Session": session}))?;
        let missing = |what: &str| CognitoError::Protocol {
            endpoint: "AssociateSoftwareToken".into(),
            why: format!("no {what} in the answer"),
        };
        let secret = answer["SecretCode"]
            .as_str()
            .ok_or_else(|| missing("SecretCode"))?;
        let next = answer["Session"]
            .as_str()
            .ok_or_else(|| missing("Session"))?;
        Ok((Secret::new(secret), next.to_string()))
    }

    /// `VerifySoftwareToken` inside the sign-in: the session that answers `MFA_SETUP`.
    pub fn verify_in_session(&self, session: &str, code: &str) -> Result<String, CognitoError> {
        let answer = self.call(
            "VerifySoftwareToken",
            json!({"Session": session, "UserCode": code, "FriendlyDeviceName": "cwsauth"}),
        )?;
        match (answer["Status"].as_str(), answer["Session"].as_str()) {
            (Some("SUCCESS"), Some(next)) => Ok(next.to_string()),
            _ => Err(CognitoError::Protocol {
                endpoint: "VerifySoftwareToken".into(),
                why: "no SUCCESS status and session in the answer".into(),
            }),
        }
    }

    /// `VerifySoftwareToken` with a code of the associated secret, then
    /// `SetUserMFAPreference` making the software token enabled and preferred.
    pub fn enable_software_token(
        &self,
        access_token: &Secret,
        code: &str,
        device: &str,
    ) -> Result<(), CognitoError> {
        let answer = self.call(
            "VerifySoftwareToken",
            json!({"AccessToken": access_token.expose(), "UserCode": code, "FriendlyDeviceName": device}),
        )?;
        if answer["Status"].as_str() != Some("SUCCESS") {
            return Err(CognitoError::Protocol {
                endpoint: "VerifySoftwareToken".into(),
                why: format!(
                    "the status is {}, not SUCCESS",
                    crate::sanitize::excerpt(&answer["Status"].to_string(), 40)
                ),
            });
        }
        self.call(
            "SetUserMFAPreference",
            json!({"AccessToken": access_token.expose(),
                "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
        )
        .map(|_| ())
    }

    /// `RevokeToken` for a refresh token.
    pub fn revoke(&self, refresh_token: &Secret) -> Result<(), CognitoError> {
        let mut body = json!({"Token": refresh_token.expose(), "ClientId": self.client_id});
        if let Some(s) = &self.client_secret {
            body["ClientSecret"] = json!(s.expose());
        }
        self.call("RevokeToken", body).map(|_| ())
    }
}
