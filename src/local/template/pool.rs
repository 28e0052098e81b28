//! The user pool's settings the emulator honours from a template: its pre-token-generation
//! trigger (`LambdaConfig.PreTokenGenerationConfig`, or the older `PreTokenGeneration`).

use serde_json::Value;

use super::TemplateError;
use super::resolve::{Resolver, err};
use crate::local::api::{PreTokenTrigger, TriggerVersion};

/// The trigger an `AWS::Cognito::UserPool`'s properties name, if any; `function_of` turns its
/// ARN into the function's logical id.
pub(super) fn pre_token(
    r: &Resolver<'_>,
    id: &str,
    properties: &Value,
    function_of: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<PreTokenTrigger>, TemplateError> {
    let config = properties.get("LambdaConfig").unwrap_or(&Value::Null);
    let (arn, version) = match (
        config.get("PreTokenGenerationConfig"),
        config.get("PreTokenGeneration"),
    ) {
        (Some(c), _) => (
            c.get("LambdaArn"),
            c.get("LambdaVersion")
                .and_then(Value::as_str)
                .unwrap_or("V1_0"),
        ),
        (None, Some(arn)) => (Some(arn), "V1_0"),
        (None, None) => return Ok(None),
    };
    let arn = r.string(
        id,
        arn.ok_or_else(|| err(id, "PreTokenGenerationConfig without LambdaArn"))?,
    )?;
    let function = function_of(&arn).ok_or_else(|| {
        err(
            id,
            format!("the pre-token-generation LambdaArn {arn} names no Lambda function"),
        )
    })?;
    let version = TriggerVersion::parse(version).ok_or_else(|| {
        err(
            id,
            format!("LambdaVersion {version} is not V1_0, V2_0 or V3_0"),
        )
    })?;
    Ok(Some(PreTokenTrigger { function, version }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::local::api::{PreTokenTrigger, TriggerVersion};
    use crate::local::template::{Local, read};

    fn with_pool(lambda_config: serde_json::Value) -> String {
        json!({"Resources": {
            "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "WEBSOCKET"}},
            "Shape": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "shape-tokens",
                "Runtime": "python3.12", "Handler": "app.handler", "Code": {"ZipFile": "def handler(e, c):\n    return e\n"}}},
            "Pool": {"Type": "AWS::Cognito::UserPool", "Properties": {"LambdaConfig": lambda_config}}
        }})
        .to_string()
    }

    fn local() -> Local<'static> {
        Local {
            pool_id: "us-east-1_cwsLocal1",
            client_id: "client1",
            issuer: "http://127.0.0.1:9/us-east-1_cwsLocal1",
        }
    }

    /// Found by the template_read fuzz target: a function whose FunctionName is its own Ref
    /// recursed until the stack ran out.
    #[test]
    fn a_resource_that_names_itself_is_refused() {
        let t = json!({"Resources": {
            "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "WEBSOCKET"}},
            "Loop": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": {"Ref": "Loop"},
                "Runtime": "python3.12", "Handler": "app.handler"}}
        }});
        let e = read(&t.to_string(), &local(), std::path::Path::new(".")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "template resource Loop: a circular reference: it refers to itself through Ref, Fn::GetAtt or Fn::Sub"
        );
    }

    #[test]
    fn the_pools_trigger_is_read_and_its_function_run() {
        let dir = std::path::Path::new(".");
        let t = read(
            &with_pool(json!({"PreTokenGenerationConfig": {
                "LambdaArn": {"Fn::GetAtt": ["Shape", "Arn"]}, "LambdaVersion": "V2_0"}})),
            &local(),
            dir,
        )
        .unwrap();
        let wanted = PreTokenTrigger {
            function: "Shape".into(),
            version: TriggerVersion::V2,
        };
        assert_eq!(t.api.pre_token, Some(wanted));
        assert!(t.functions.contains_key("Shape"));
        // The older field is V1_0, Cognito's default.
        let t = read(
            &with_pool(json!({"PreTokenGeneration": {"Fn::GetAtt": ["Shape", "Arn"]}})),
            &local(),
            dir,
        )
        .unwrap();
        assert_eq!(t.api.pre_token.map(|p| p.version), Some(TriggerVersion::V1));
        let e = read(
            &with_pool(json!({"PreTokenGenerationConfig": {
                "LambdaArn": {"Fn::GetAtt": ["Shape", "Arn"]}, "LambdaVersion": "V4_0"}})),
            &local(),
            dir,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "template resource Pool: LambdaVersion V4_0 is not V1_0, V2_0 or V3_0"
        );
    }
}
