//! CloudFormation's intrinsic functions as the emulator resolves them: `Ref` and `Fn::GetAtt`
//! with the value each resource type really has (a table's name, a stage's name, a function's
//! name and ARN, the API's endpoint, a queue's URL, …), and `Fn::Sub`, `Fn::Join`,
//! `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::Base64` over them. The pool's resources
//! stand for the emulator's own; physical names follow CloudFormation's rule: the name the
//! template gives, else `{stack}-{logicalId}-{SUFFIX}`.

use serde_json::{Map, Value};

use crate::local::error::TemplateError;
use crate::local::ids::{ACCOUNT, API_ID, REGION, STACK_NAME};

/// What the pool's resources stand for locally.
pub struct Local<'a> {
    pub pool_id: &'a str,
    pub client_id: &'a str,
    pub issuer: &'a str,
}

pub(super) struct Resolver<'a> {
    pub(super) resources: &'a Map<String, Value>,
    pub(super) parameters: Map<String, Value>,
    pub(super) mappings: Map<String, Value>,
    pub(super) local: &'a Local<'a>,
    /// How deep intrinsics are nested now: a resource that names itself (through `Ref`,
    /// `GetAtt` or `Sub`) would otherwise recurse without end.
    pub(super) depth: std::cell::Cell<u32>,
}

/// Deeper than this, a reference is circular (CloudFormation refuses those too).
const MAX_DEPTH: u32 = 64;

pub(super) fn err(id: &str, why: impl std::fmt::Display) -> TemplateError {
    TemplateError::at(id, why)
}

/// The property of a type that names its resource, when the template may set it.
fn name_property(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => "FunctionName",
        "AWS::DynamoDB::Table" => "TableName",
        "AWS::ApiGatewayV2::Stage" => "StageName",
        "AWS::IAM::Role" => "RoleName",
        "AWS::S3::Bucket" => "BucketName",
        "AWS::SQS::Queue" => "QueueName",
        "AWS::SNS::Topic" => "TopicName",
        "AWS::Logs::LogGroup" => "LogGroupName",
        _ => return None,
    })
}

/// CloudFormation's generated name: `{stack}-{logicalId}-{12 characters}`, the same at every
/// start (the characters come from the logical id), lower-case for buckets.
pub(super) fn generated_name(id: &str, kind: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, id.as_bytes());
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let suffix: String = digest.as_ref()[..12]
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    let name = format!("{STACK_NAME}-{id}-{suffix}");
    if kind == "AWS::S3::Bucket" {
        name.to_ascii_lowercase()
    } else {
        name
    }
}

impl Resolver<'_> {
    fn kind(&self, id: &str) -> Option<&str> {
        self.resources.get(id)?.get("Type")?.as_str()
    }

    /// A resource's physical name: its name property, resolved, or the generated one.
    pub(super) fn physical_name(&self, id: &str) -> Result<String, TemplateError> {
        let kind = self.kind(id).unwrap_or("");
        let given = name_property(kind)
            .and_then(|p| self.resources.get(id)?.pointer(&format!("/Properties/{p}")));
        match given {
            Some(v) => self.string(id, v),
            None => Ok(generated_name(id, kind)),
        }
    }

    /// `Ref` of a resource or a parameter.
    fn reference(&self, at: &str, name: &str) -> Result<String, TemplateError> {
        match name {
            "AWS::Region" => return Ok(REGION.into()),
            "AWS::AccountId" => return Ok(ACCOUNT.into()),
            "AWS::Partition" => return Ok("aws".into()),
            "AWS::StackName" => return Ok(STACK_NAME.into()),
            "AWS::StackId" => {
                return Ok(format!(
                    "arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{STACK_NAME}/00000000-0000-4000-8000-000000000000"
                ));
            }
            "AWS::URLSuffix" => return Ok("amazonaws.com".into()),
            "AWS::NoValue" => return Ok(String::new()),
            _ => {}
        }
        if let Some(p) = self.parameters.get(name) {
            return match p.get("Default") {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(v.to_string()),
                Some(Value::Array(items)) => Ok(items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(",")),
                _ => Err(err(
                    at,
                    format!("parameter {name} has no Default to use locally"),
                )),
            };
        }
        let Some(kind) = self.kind(name) else {
            return Err(err(
                at,
                format!("Ref to {name}, which is neither a resource nor a parameter"),
            ));
        };
        match kind {
            "AWS::Cognito::UserPool" => Ok(self.local.pool_id.into()),
            "AWS::Cognito::UserPoolClient" => Ok(self.local.client_id.into()),
            "AWS::ApiGatewayV2::Api" => Ok(API_ID.into()),
            "AWS::SQS::Queue" => Ok(format!(
                "https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{}",
                self.physical_name(name)?
            )),
            "AWS::SNS::Topic" => Ok(format!(
                "arn:aws:sns:{REGION}:{ACCOUNT}:{}",
                self.physical_name(name)?
            )),
            k if name_property(k).is_some() => self.physical_name(name),
            // Routes, integrations, authorizers, deployments: their logical id names them.
            _ => Ok(name.into()),
        }
    }

    /// `Fn::GetAtt` of the attributes each type has.
    fn attribute(&self, at: &str, id: &str, attr: &str) -> Result<String, TemplateError> {
        let Some(kind) = self.kind(id) else {
            return Err(err(
                at,
                format!("Fn::GetAtt of {id}, which is not a resource"),
            ));
        };
        let name = || self.physical_name(id);
        let provider = || {
            self.local
                .issuer
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .to_string()
        };
        let value = match (kind, attr) {
            ("AWS::Lambda::Function" | "AWS::Serverless::Function", "Arn") => {
                format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{}", name()?)
            }
            ("AWS::Cognito::UserPool", "ProviderURL" | "ProviderName") => provider(),
            ("AWS::Cognito::UserPool", "Arn") => format!(
                "arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{}",
                self.local.pool_id
            ),
            ("AWS::Cognito::UserPool", "UserPoolId") => self.local.pool_id.into(),
            ("AWS::Cognito::UserPoolClient", "ClientId") => self.local.client_id.into(),
            ("AWS::ApiGatewayV2::Api", "ApiEndpoint") => {
                let scheme = match self
                    .resources
                    .get(id)
                    .and_then(|r| r.pointer("/Properties/ProtocolType"))
                    .and_then(Value::as_str)
                {
                    Some("WEBSOCKET") => "wss",
                    _ => "https",
                };
                format!("{scheme}://{}", api_host())
            }
            ("AWS::ApiGatewayV2::Api", "ApiId") => API_ID.into(),
            ("AWS::ApiGatewayV2::Route", "RouteId")
            | ("AWS::ApiGatewayV2::Integration", "IntegrationId")
            | ("AWS::ApiGatewayV2::Authorizer", "AuthorizerId")
            | ("AWS::ApiGatewayV2::Deployment", "DeploymentId") => id.into(),
            ("AWS::DynamoDB::Table", "Arn") => {
                format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{}", name()?)
            }
            ("AWS::DynamoDB::Table", "StreamArn") => format!(
                "arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{}/stream/2024-01-01T00:00:00.000",
                name()?
            ),
            ("AWS::IAM::Role", "Arn") => format!("arn:aws:iam::{ACCOUNT}:role/{}", name()?),
            ("AWS::IAM::Role", "RoleId") => "AROALOCALCWSAUTHROLE1".into(),
            ("AWS::SQS::Queue", "Arn") => format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{}", name()?),
            ("AWS::SQS::Queue", "QueueName") => name()?,
            ("AWS::SQS::Queue", "QueueUrl") => self.reference(at, id)?,
            ("AWS::SNS::Topic", "TopicArn") => self.reference(at, id)?,
            ("AWS::SNS::Topic", "TopicName") => name()?,
            ("AWS::S3::Bucket", "Arn") => format!("arn:aws:s3:::{}", name()?),
            ("AWS::S3::Bucket", "DomainName") => format!("{}.s3.amazonaws.com", name()?),
            ("AWS::S3::Bucket", "RegionalDomainName") => {
                format!("{}.s3.{REGION}.amazonaws.com", name()?)
            }
            ("AWS::Logs::LogGroup", "Arn") => {
                format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{}:*", name()?)
            }
            _ => {
                return Err(err(
                    at,
                    format!("Fn::GetAtt {id}.{attr} of a {kind} cannot be resolved locally"),
                ));
            }
        };
        Ok(value)
    }

    /// A value with its intrinsic functions resolved (objects and arrays resolved inside).
    pub(super) fn value(&self, at: &str, v: &Value) -> Result<Value, TemplateError> {
        if self.depth.get() >= MAX_DEPTH {
            return Err(err(
                at,
                "a circular reference: it refers to itself through Ref, Fn::GetAtt or Fn::Sub",
            ));
        }
        self.depth.set(self.depth.get() + 1);
        let resolved = self.value_inner(at, v);
        self.depth.set(self.depth.get() - 1);
        resolved
    }

    fn value_inner(&self, at: &str, v: &Value) -> Result<Value, TemplateError> {
        match v {
            Value::Object(o) if o.len() == 1 && is_intrinsic(o) => self.intrinsic(at, o),
            Value::Object(o) => o
                .iter()
                .map(|(k, v)| Ok((k.clone(), self.value(at, v)?)))
                .collect::<Result<Map<_, _>, _>>()
                .map(Value::Object),
            Value::Array(items) => items
                .iter()
                .map(|i| self.value(at, i))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    /// A value resolved to a string.
    pub(super) fn string(&self, at: &str, v: &Value) -> Result<String, TemplateError> {
        match self.value(at, v)? {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(err(
                at,
                format!(
                    "{} is not a value the emulator can use",
                    crate::sanitize::excerpt(&other.to_string(), 80)
                ),
            )),
        }
    }

    fn intrinsic(&self, at: &str, o: &Map<String, Value>) -> Result<Value, TemplateError> {
        let Some((f, arg)) = o.iter().next() else {
            return Ok(Value::Null);
        };
        let text = |s: String| Ok(Value::String(s));
        match f.as_str() {
            "Ref" => text(self.reference(at, arg.as_str().unwrap_or(""))?),
            "Fn::GetAtt" => {
                let (id, attr) = match arg {
                    Value::Array(a) if a.len() == 2 => (
                        a[0].as_str().unwrap_or("").to_string(),
                        self.string(at, &a[1])?,
                    ),
                    Value::String(s) => match s.split_once('.') {
                        Some((i, a)) => (i.to_string(), a.to_string()),
                        None => return Err(err(at, "Fn::GetAtt needs RESOURCE.ATTRIBUTE")),
                    },
                    _ => return Err(err(at, "Fn::GetAtt needs [RESOURCE, ATTRIBUTE]")),
                };
                text(self.attribute(at, &id, &attr)?)
            }
            "Fn::Join" => {
                let Some([sep, list]) = arg.as_array().map(Vec::as_slice) else {
                    return Err(err(at, "Fn::Join needs [SEPARATOR, [VALUES]]"));
                };
                let Value::Array(items) = self.value(at, list)? else {
                    return Err(err(at, "Fn::Join needs [SEPARATOR, [VALUES]]"));
                };
                let parts = items
                    .iter()
                    .map(|i| self.string(at, i))
                    .collect::<Result<Vec<_>, _>>()?;
                text(parts.join(sep.as_str().unwrap_or("")))
            }
            "Fn::Sub" => {
                let (body, vars) = match arg {
                    Value::String(s) => (s.clone(), Map::new()),
                    Value::Array(a) if a.len() == 2 => (
                        a[0].as_str().unwrap_or("").to_string(),
                        a[1].as_object().cloned().unwrap_or_default(),
                    ),
                    _ => return Err(err(at, "Fn::Sub needs a string or [STRING, {VARIABLES}]")),
                };
                text(self.substitute(at, &body, &vars)?)
            }
            "Fn::Select" => {
                let Some([index, list]) = arg.as_array().map(Vec::as_slice) else {
                    return Err(err(at, "Fn::Select needs [INDEX, [VALUES]]"));
                };
                let index: usize = self
                    .string(at, index)?
                    .parse()
                    .map_err(|_| err(at, "Fn::Select's index is not a number"))?;
                match self.value(at, list)? {
                    Value::Array(items) => items
                        .get(index)
                        .cloned()
                        .ok_or_else(|| err(at, "Fn::Select's index is past the list")),
                    _ => Err(err(at, "Fn::Select needs a list")),
                }
            }
            "Fn::Split" => {
                let Some([sep, source]) = arg.as_array().map(Vec::as_slice) else {
                    return Err(err(at, "Fn::Split needs [SEPARATOR, STRING]"));
                };
                let source = self.string(at, source)?;
                let sep = sep.as_str().unwrap_or(",");
                Ok(Value::Array(
                    source.split(sep).map(|s| Value::String(s.into())).collect(),
                ))
            }
            "Fn::FindInMap" => {
                let Some([map, first, second]) = arg.as_array().map(Vec::as_slice) else {
                    return Err(err(at, "Fn::FindInMap needs [MAP, KEY, KEY]"));
                };
                let (map, first, second) = (
                    self.string(at, map)?,
                    self.string(at, first)?,
                    self.string(at, second)?,
                );
                self.mappings
                    .get(&map)
                    .and_then(|m| m.get(&first))
                    .and_then(|m| m.get(&second))
                    .cloned()
                    .ok_or_else(|| {
                        err(
                            at,
                            format!("Fn::FindInMap: {map}.{first}.{second} is not in Mappings"),
                        )
                    })
            }
            "Fn::Base64" => {
                use base64::Engine;
                text(base64::engine::general_purpose::STANDARD.encode(self.string(at, arg)?))
            }
            other => Err(err(at, format!("{other} cannot be resolved locally"))),
        }
    }

    /// `${Name}`, `${Resource.Attribute}` and `${!Literal}` of `Fn::Sub`.
    fn substitute(
        &self,
        at: &str,
        body: &str,
        vars: &Map<String, Value>,
    ) -> Result<String, TemplateError> {
        let mut out = String::new();
        let mut rest = body;
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
            } else if let Some((id, attr)) = name.split_once('.')
                && !name.starts_with("AWS::")
            {
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

/// `{"Ref": …}` or `{"Fn::…": …}`.
fn is_intrinsic(o: &Map<String, Value>) -> bool {
    o.keys().all(|k| k == "Ref" || k.starts_with("Fn::"))
}

/// The host of the API's own endpoint, as a deployed function would see it; the emulator makes
/// every value that names it reach itself.
pub fn api_host() -> String {
    format!("{API_ID}.execute-api.{REGION}.amazonaws.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_are_stable_and_shaped_as_cloudformation_makes_them() {
        let a = generated_name("ConnectionsTable", "AWS::DynamoDB::Table");
        assert_eq!(
            a,
            generated_name("ConnectionsTable", "AWS::DynamoDB::Table")
        );
        assert!(
            a.starts_with(&format!("{STACK_NAME}-ConnectionsTable-")),
            "{a}"
        );
        assert_eq!(a.len(), STACK_NAME.len() + "-ConnectionsTable-".len() + 12);
        let b = generated_name("Logs", "AWS::S3::Bucket");
        assert_eq!(b, b.to_ascii_lowercase());
    }
}
