//! Cognito's pre-token-generation Lambda trigger as the pool runs it: the event of its version
//! (V1_0: the ID token; V2_0: ID and access tokens, claims and scopes; V3_0: machine-to-machine
//! tokens too), the developer's function called on every token issued (5 s, as Cognito), and
//! its answer applied: claims added, overridden (JSON kept as JSON) and suppressed, scopes added
//! and suppressed, groups overridden. A failing or garbled answer fails the sign-in.

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::Emulator;
use super::api::TriggerVersion;
use super::functions::Outcome;
use super::user_pool::User;

/// Cognito's limit for a trigger's answer.
const TRIGGER_TIMEOUT: Duration = Duration::from_secs(5);

/// Claims a trigger cannot change (Cognito keeps them as it made them).
const PROTECTED: &[&str] = &[
    "acr",
    "amr",
    "aud",
    "at_hash",
    "auth_time",
    "azp",
    "cognito:username",
    "exp",
    "iat",
    "identities",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "origin_jti",
    "sub",
    "token_use",
    "client_id",
    "scope",
    "username",
];

/// Why tokens were not issued: Cognito's error type and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TriggerFailed {
    pub kind: &'static str,
    pub message: String,
}

/// What led to the tokens (the event's `triggerSource`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    HostedAuth,
    Authentication,
    NewPasswordChallenge,
    RefreshTokens,
    ClientCredentials,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::HostedAuth => "TokenGeneration_HostedAuth",
            Source::Authentication => "TokenGeneration_Authentication",
            Source::NewPasswordChallenge => "TokenGeneration_NewPasswordChallenge",
            Source::RefreshTokens => "TokenGeneration_RefreshTokens",
            Source::ClientCredentials => "TokenGeneration_ClientCredentials",
        }
    }
}

/// The tokens' claims before they are signed.
pub(crate) struct Claims<'a> {
    pub access: &'a mut Map<String, Value>,
    pub id: Option<&'a mut Map<String, Value>>,
}

/// Runs the pool's trigger, when it has one for this kind of token, and applies its answer.
pub(crate) fn customize(
    emu: &Emulator,
    source: Source,
    user: Option<&User>,
    client_id: &str,
    scopes: &[String],
    claims: Claims<'_>,
) -> Result<(), TriggerFailed> {
    let Some(trigger) = &emu.options.api.pre_token else {
        return Ok(());
    };
    if source == Source::ClientCredentials && trigger.version != TriggerVersion::V3 {
        return Ok(());
    }
    let Some(function) = emu.functions.get(&trigger.function) else {
        return Ok(());
    };
    let event = event(trigger.version, source, user, client_id, scopes);
    // Token issuance is synchronous; the function runs on the emulator's runtime meanwhile.
    let pending = function.invoke(&event);
    let outcome = tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current().block_on(async {
            tokio::time::timeout(TRIGGER_TIMEOUT, pending)
                .await
                .unwrap_or(Outcome::Timeout(TRIGGER_TIMEOUT))
        })
    });
    let failed = |why: String| TriggerFailed {
        kind: "UserLambdaValidationException",
        message: format!("PreTokenGeneration failed with error {why}."),
    };
    let answer = match outcome {
        Outcome::Result(answer) => answer,
        Outcome::Error { error_message, .. } => return Err(failed(error_message)),
        Outcome::Timeout(limit) => {
            return Err(failed(format!(
                "Task timed out after {:.2} seconds",
                limit.as_secs_f64()
            )));
        }
        Outcome::Crashed(why) => return Err(failed(why)),
    };
    apply(trigger.version, &answer, claims).map_err(|why| {
        emu.log(&format!(
            "pre-token-generation trigger {}: {why}",
            trigger.function
        ));
        TriggerFailed {
            kind: "InvalidLambdaResponseException",
            message: "Unrecognizable lambda output".into(),
        }
    })
}

/// The trigger's event, as Cognito sends it.
fn event(
    version: TriggerVersion,
    source: Source,
    user: Option<&User>,
    client_id: &str,
    scopes: &[String],
) -> Value {
    let (name, attributes, groups) = match user {
        Some(u) => (
            json!(u.spec.username),
            json!({"sub": u.sub, "email": u.email, "email_verified": "true",
                "cognito:user_status": "CONFIRMED"}),
            json!(u.spec.groups),
        ),
        None => (Value::Null, json!({}), json!([])),
    };
    let mut request = json!({
        "userAttributes": attributes,
        "groupConfiguration": {"groupsToOverride": groups, "iamRolesToOverride": [], "preferredRole": null},
    });
    let (number, response) = match version {
        TriggerVersion::V1 => ("1", json!({"claimsOverrideDetails": null})),
        TriggerVersion::V2 => ("2", json!({"claimsAndScopeOverrideDetails": null})),
        TriggerVersion::V3 => ("3", json!({"claimsAndScopeOverrideDetails": null})),
    };
    if version != TriggerVersion::V1 {
        request["scopes"] = json!(scopes);
    }
    json!({
        "version": number,
        "triggerSource": source.name(),
        "region": crate::local::ids::REGION,
        "userPoolId": crate::local::ids::POOL_ID,
        "userName": name,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
        "request": request,
        "response": response,
    })
}

/// What in a trigger's answer is not a valid answer.
#[derive(Debug, PartialEq, Eq)]
struct BadAnswer(String);

impl std::fmt::Display for BadAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Applies the trigger's answer.
fn apply(version: TriggerVersion, answer: &Value, claims: Claims<'_>) -> Result<(), BadAnswer> {
    let Claims { access, mut id } = claims;
    let response = answer.get("response").unwrap_or(answer);
    let object = |v: Option<&Value>, what: &str| -> Result<Map<String, Value>, BadAnswer> {
        match v {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(m)) => Ok(m.clone()),
            Some(_) => Err(BadAnswer(format!("{what} is not an object"))),
        }
    };
    let strings = |v: Option<&Value>, what: &str| -> Result<Vec<String>, BadAnswer> {
        match v {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| BadAnswer(format!("{what} holds a non-string")))
                })
                .collect(),
            Some(_) => Err(BadAnswer(format!("{what} is not a list"))),
        }
    };
    let (id_gen, access_gen, groups) = match version {
        TriggerVersion::V1 => {
            let details = object(
                response.get("claimsOverrideDetails"),
                "claimsOverrideDetails",
            )?;
            let add = object(
                details.get("claimsToAddOrOverride"),
                "claimsToAddOrOverride",
            )?;
            if add.values().any(|v| !v.is_string()) {
                return Err(BadAnswer("V1_0 claims must be strings".into()));
            }
            let id_gen = json!({"claimsToAddOrOverride": add,
                "claimsToSuppress": details.get("claimsToSuppress").cloned().unwrap_or(Value::Null)});
            (
                id_gen,
                Value::Null,
                details.get("groupOverrideDetails").cloned(),
            )
        }
        _ => {
            let details = object(
                response.get("claimsAndScopeOverrideDetails"),
                "claimsAndScopeOverrideDetails",
            )?;
            (
                details
                    .get("idTokenGeneration")
                    .cloned()
                    .unwrap_or(Value::Null),
                details
                    .get("accessTokenGeneration")
                    .cloned()
                    .unwrap_or(Value::Null),
                details.get("groupOverrideDetails").cloned(),
            )
        }
    };
    let shape =
        |token: &mut Map<String, Value>, generation: &Value, what: &str| -> Result<(), BadAnswer> {
            let add = object(
                generation.get("claimsToAddOrOverride"),
                &format!("{what}.claimsToAddOrOverride"),
            )?;
            let suppress = strings(
                generation.get("claimsToSuppress"),
                &format!("{what}.claimsToSuppress"),
            )?;
            for (k, v) in add {
                if !PROTECTED.contains(&k.as_str()) && !suppress.contains(&k) {
                    token.insert(k, v);
                }
            }
            for k in suppress {
                if !PROTECTED.contains(&k.as_str()) {
                    token.remove(&k);
                }
            }
            Ok(())
        };
    if let Some(id) = id.as_deref_mut() {
        shape(id, &id_gen, "idTokenGeneration")?;
    }
    if version != TriggerVersion::V1 {
        shape(access, &access_gen, "accessTokenGeneration")?;
        let mut scopes: Vec<String> = access
            .get("scope")
            .and_then(Value::as_str)
            .unwrap_or("")
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let suppress = strings(access_gen.get("scopesToSuppress"), "scopesToSuppress")?;
        for s in strings(access_gen.get("scopesToAdd"), "scopesToAdd")? {
            if !scopes.contains(&s) {
                scopes.push(s);
            }
        }
        scopes.retain(|s| !suppress.contains(s));
        access.insert("scope".into(), json!(scopes.join(" ")));
    }
    // groupOverrideDetails replaces cognito:groups in both tokens; an empty one removes them.
    if let Some(details) = groups
        && !details.is_null()
    {
        let groups = strings(details.get("groupsToOverride"), "groupsToOverride")?;
        for token in std::iter::once(access).chain(id) {
            if groups.is_empty() {
                token.remove("cognito:groups");
            } else {
                token.insert("cognito:groups".into(), json!(groups));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> (Map<String, Value>, Map<String, Value>) {
        let access =
            json!({"sub": "s", "scope": "openid email", "cognito:groups": ["a"], "username": "u"});
        let id = json!({"sub": "s", "email": "u@example.com", "cognito:groups": ["a"]});
        (
            access.as_object().unwrap().clone(),
            id.as_object().unwrap().clone(),
        )
    }

    #[test]
    fn a_v2_answer_shapes_both_tokens() {
        let (mut access, mut id) = tokens();
        let answer = json!({"response": {"claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"tier": "gold", "sub": "forged"}, "claimsToSuppress": ["email"]},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"roles": ["r1", "r2"], "meta": {"k": 1}, "gone": 1},
                "claimsToSuppress": ["gone"], "scopesToAdd": ["chat.write"], "scopesToSuppress": ["email"]},
            "groupOverrideDetails": {"groupsToOverride": ["b", "c"]}}}});
        apply(
            TriggerVersion::V2,
            &answer,
            Claims {
                access: &mut access,
                id: Some(&mut id),
            },
        )
        .unwrap();
        assert_eq!(
            Value::Object(access),
            json!({"sub": "s", "scope": "openid chat.write", "cognito:groups": ["b", "c"], "username": "u",
                "roles": ["r1", "r2"], "meta": {"k": 1}})
        );
        assert_eq!(
            Value::Object(id),
            json!({"sub": "s", "cognito:groups": ["b", "c"], "tier": "gold"})
        );
    }

    #[test]
    fn v1_shapes_the_id_token_only_with_strings() {
        let (mut access, mut id) = tokens();
        let answer = json!({"response": {"claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tier": "gold"}, "groupOverrideDetails": {"groupsToOverride": []}}}});
        apply(
            TriggerVersion::V1,
            &answer,
            Claims {
                access: &mut access,
                id: Some(&mut id),
            },
        )
        .unwrap();
        assert_eq!(access.get("tier"), None);
        assert_eq!(id["tier"], "gold");
        assert!(!access.contains_key("cognito:groups") && !id.contains_key("cognito:groups"));
        let (mut access, mut id) = tokens();
        let bad =
            json!({"response": {"claimsOverrideDetails": {"claimsToAddOrOverride": {"n": 1}}}});
        assert_eq!(
            apply(
                TriggerVersion::V1,
                &bad,
                Claims {
                    access: &mut access,
                    id: Some(&mut id)
                }
            ),
            Err(BadAnswer("V1_0 claims must be strings".into()))
        );
        let garbage = json!({"response": {"claimsOverrideDetails": "yes"}});
        assert!(
            apply(
                TriggerVersion::V1,
                &garbage,
                Claims {
                    access: &mut access,
                    id: None
                }
            )
            .is_err()
        );
    }
}
