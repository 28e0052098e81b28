//! A template's DynamoDB tables, as `CreateTable` requests: the emulator creates the ones
//! missing at the `--aws-endpoint` it was given, so the stack needs no setup by hand.

use serde_json::{Map, Value, json};

use super::resolve::Resolver;
use crate::local::error::TemplateError;

/// The `CreateTable` properties CloudFormation passes on, by their API names.
const PASSED_ON: &[&str] = &[
    "AttributeDefinitions",
    "KeySchema",
    "BillingMode",
    "ProvisionedThroughput",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "StreamSpecification",
    "SSESpecification",
    "TableClass",
];

/// The `CreateTable` request of table `id`.
pub fn create_table(r: &Resolver<'_>, id: &str, resource: &Value) -> Result<Value, TemplateError> {
    let mut request = Map::new();
    request.insert("TableName".into(), json!(r.physical_name(id)?));
    if let Some(props) = resource.get("Properties").and_then(Value::as_object) {
        for key in PASSED_ON {
            if let Some(v) = props.get(*key) {
                request.insert((*key).into(), r.value(id, v)?);
            }
        }
    }
    if !request.contains_key("BillingMode") && !request.contains_key("ProvisionedThroughput") {
        // CloudFormation's default is provisioned; locally capacity means nothing.
        request.insert("BillingMode".into(), json!("PAY_PER_REQUEST"));
    }
    Ok(Value::Object(request))
}
