//! CloudFormation's intrinsic functions as the emulator resolves them: `Ref`, `Fn::GetAtt`,
//! `Fn::Sub` and `Fn::Join` over the template's parameters and resources, with the pool's
//! resources standing for the emulator's own.

use serde_json::{Map, Value};

use crate::local::error::TemplateError;
use crate::local::ids::{ACCOUNT, REGION};

/// What the pool's resources stand for locally.
pub struct Local<'a> {
    pub pool_id: &'a str,
    pub client_id: &'a str,
    pub issuer: &'a str,
}

pub(super) struct Resolver<'a> {
    pub(super) resources: &'a Map<String, Value>,
    pub(super) parameters: Map<String, Value>,
    pub(super) local: &'a Local<'a>,
}

pub(super) fn err(id: &str, why: impl std::fmt::Display) -> TemplateError {
    TemplateError::at(id, why)
}

impl Resolver<'_> {
    fn kind(&self, id: &str) -> Option<&str> {
        self.resources.get(id)?.get("Type")?.as_str()
    }

    /// `Ref` of a resource or a parameter.
    fn reference(&self, at: &str, name: &str) -> Result<String, TemplateError> {
        match name {
            "AWS::Region" => return Ok(REGION.into()),
            "AWS::AccountId" => return Ok(ACCOUNT.into()),
            "AWS::Partition" => return Ok("aws".into()),
            "AWS::StackName" => return Ok("cwsauth-local".into()),
            "AWS::URLSuffix" => return Ok("amazonaws.com".into()),
            "AWS::NoValue" => return Ok(String::new()),
            _ => {}
        }
        if let Some(p) = self.parameters.get(name) {
            return match p.get("Default") {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(v.to_string()),
                _ => Err(err(
                    at,
                    format!("parameter {name} has no Default to use locally"),
                )),
            };
        }
        match self.kind(name) {
            Some("AWS::Cognito::UserPool") => Ok(self.local.pool_id.into()),
            Some("AWS::Cognito::UserPoolClient") => Ok(self.local.client_id.into()),
            Some("AWS::ApiGatewayV2::Api") => Ok(crate::local::ids::API_ID.into()),
            // Functions, integrations, authorizers, routes: their logical id names them.
            Some(_) => Ok(name.into()),
            None => Err(err(
                at,
                format!("Ref to {name}, which is neither a resource nor a parameter"),
            )),
        }
    }

    /// `Fn::GetAtt` of the attributes the emulator can give.
    fn attribute(&self, at: &str, id: &str, attr: &str) -> Result<String, TemplateError> {
        match (self.kind(id), attr) {
            (Some("AWS::Lambda::Function"), "Arn") => {
                Ok(format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{id}"))
            }
            (Some("AWS::Cognito::UserPool"), "ProviderURL") => Ok(self
                .local
                .issuer
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .into()),
            (Some("AWS::Cognito::UserPool"), "Arn") => Ok(format!(
                "arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{}",
                self.local.pool_id
            )),
            (Some("AWS::ApiGatewayV2::Api"), "ApiEndpoint") => Ok(format!(
                "wss://{}.execute-api.{REGION}.amazonaws.com",
                crate::local::ids::API_ID
            )),
            (Some("AWS::ApiGatewayV2::Api"), "ApiId") => Ok(crate::local::ids::API_ID.into()),
            (Some(kind), _) => Err(err(
                at,
                format!("Fn::GetAtt {id}.{attr} of a {kind} cannot be resolved locally"),
            )),
            (None, _) => Err(err(
                at,
                format!("Fn::GetAtt of {id}, which is not a resource"),
            )),
        }
    }

    /// A value with its intrinsic functions resolved to a string.
    pub(super) fn string(&self, at: &str, v: &Value) -> Result<String, TemplateError> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Object(o) if o.len() == 1 => {
                let (f, arg) = o
                    .iter()
                    .next()
                    .map(|(k, v)| (k.as_str(), v))
                    .unwrap_or(("", v));
                match f {
                    "Ref" => self.reference(at, arg.as_str().unwrap_or("")),
                    "Fn::GetAtt" => {
                        let (id, attr) = match arg {
                            Value::Array(a) if a.len() == 2 => (
                                a[0].as_str().unwrap_or("").to_string(),
                                a[1].as_str().unwrap_or("").to_string(),
                            ),
                            Value::String(s) => match s.split_once('.') {
                                Some((i, a)) => (i.to_string(), a.to_string()),
                                None => return Err(err(at, "Fn::GetAtt needs RESOURCE.ATTRIBUTE")),
                            },
                            _ => return Err(err(at, "Fn::GetAtt needs [RESOURCE, ATTRIBUTE]")),
                        };
                        self.attribute(at, &id, &attr)
                    }
                    "Fn::Join" => {
                        let Some([sep, Value::Array(items)]) = arg.as_array().map(Vec::as_slice)
                        else {
                            return Err(err(at, "Fn::Join needs [SEPARATOR, [VALUES]]"));
                        };
                        let parts = items
                            .iter()
                            .map(|i| self.string(at, i))
                            .collect::<Result<Vec<_>, _>>()?;
                        Ok(parts.join(sep.as_str().unwrap_or("")))
                    }
                    "Fn::Sub" => {
                        let (text, vars) = match arg {
                            Value::String(s) => (s.clone(), Map::new()),
                            Value::Array(a) if a.len() == 2 => (
                                a[0].as_str().unwrap_or("").to_string(),
                                a[1].as_object().cloned().unwrap_or_default(),
                            ),
                            _ => {
                                return Err(err(
                                    at,
                                    "Fn::Sub needs a string or [STRING, {VARIABLES}]",
                                ));
                            }
                        };
                        self.substitute(at, &text, &vars)
                    }
                    other => Err(err(at, format!("{other} cannot be resolved locally"))),
                }
            }
            _ => Err(err(
                at,
                format!(
                    "{} is not a value the emulator can use",
                    crate::sanitize::excerpt(&v.to_string(), 80)
                ),
            )),
        }
    }

    /// `${Name}`, `${Resource.Attribute}` and `${!Literal}` of `Fn::Sub`.
    fn substitute(
        &self,
        at: &str,
        text: &str,
        vars: &Map<String, Value>,
    ) -> Result<String, TemplateError> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .map(|e| e + start)
                .ok_or_else(|| err(at, "Fn::Sub has a ${ without its }"))?;
            let name = &rest[start + 2..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str(&format!("${{{literal}}}"));
            } else if let Some(v) = vars.get(name) {
                out.push_str(&self.string(at, v)?);
            } else if let Some((id, attr)) = name.split_once('.') {
                out.push_str(&self.attribute(at, id, attr)?);
            } else {
                out.push_str(&self.reference(at, name)?);
            }
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}
