//! A template's functions as Lambda deploys them: `AWS::Lambda::Function` and SAM's
//! `AWS::Serverless::Function` (with `Globals.Function`), their name, runtime, handler, code
//! (a folder relative to the template, or inline), timeout, memory, concurrency and
//! environment; reserved environment keys are refused as Lambda refuses them at deploy time.

use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value};

use super::FunctionSettings;
use super::resolve::{Resolver, err};
use crate::local::error::TemplateError;
use crate::local::functions::runtimes::Code;

/// Environment keys Lambda sets itself and refuses in a function's configuration.
pub const RESERVED_KEYS: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

/// Lambda's answer to reserved keys, naming them.
pub fn reserved_message(keys: &[String]) -> String {
    format!(
        "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: {}",
        keys.join(", ")
    )
}

/// Whether a resource is a function.
pub(super) fn is_function(kind: &str) -> bool {
    kind == "AWS::Lambda::Function" || kind == "AWS::Serverless::Function"
}

/// The settings of function `id`, its properties merged over SAM's `Globals.Function` for a
/// serverless function; `template_dir` is where relative code folders start.
pub(super) fn settings(
    r: &Resolver<'_>,
    id: &str,
    resource: &Value,
    globals: &Map<String, Value>,
    template_dir: &Path,
) -> Result<FunctionSettings, TemplateError> {
    let kind = resource.get("Type").and_then(Value::as_str).unwrap_or("");
    let mut p = resource
        .get("Properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if kind == "AWS::Serverless::Function" {
        for (k, v) in globals {
            match (p.get_mut(k), v) {
                // Environment variables merge, the function's winning.
                (Some(Value::Object(own)), Value::Object(global)) if k == "Environment" => {
                    let mut vars = global
                        .get("Variables")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    if let Some(o) = own.get("Variables").and_then(Value::as_object) {
                        vars.extend(o.clone());
                    }
                    own.insert("Variables".into(), Value::Object(vars));
                }
                (Some(_), _) => {}
                (None, v) => {
                    p.insert(k.clone(), v.clone());
                }
            }
        }
    }
    let text = |key: &str| -> Result<Option<String>, TemplateError> {
        p.get(key).map(|v| r.string(id, v)).transpose()
    };
    let number = |key: &str| -> Result<Option<u64>, TemplateError> {
        match text(key)? {
            Some(t) => t
                .parse()
                .map(Some)
                .map_err(|_| err(id, format!("{key} {t:?} is not a number"))),
            None => Ok(None),
        }
    };
    let code = match kind {
        "AWS::Serverless::Function" => match (p.get("InlineCode"), p.get("CodeUri")) {
            (Some(inline), _) => Some(Code::Inline(r.string(id, inline)?)),
            (None, Some(Value::String(dir))) => Some(Code::Dir(template_dir.join(dir))),
            // An S3 location: the code is elsewhere.
            _ => None,
        },
        // `Code: ./dir` is what `aws cloudformation package` uploads; `ZipFile` is inline.
        _ => match p.get("Code") {
            Some(Value::String(dir)) => Some(Code::Dir(template_dir.join(dir))),
            Some(code) => match code.get("ZipFile") {
                Some(inline) => Some(Code::Inline(r.string(id, inline)?)),
                None => None,
            },
            None => None,
        },
    };
    let mut settings = FunctionSettings {
        function_name: Some(r.physical_name(id)?),
        runtime: text("Runtime")?,
        code,
        handler: text("Handler")?,
        timeout: number("Timeout")?.map(Duration::from_secs),
        memory_mb: number("MemorySize")?.and_then(|m| u32::try_from(m).ok()),
        concurrency: number("ReservedConcurrentExecutions")?
            .and_then(|c| usize::try_from(c).ok())
            .map(|c| c.clamp(1, 100)),
        env: Vec::new(),
    };
    if let Some(vars) = p
        .get("Environment")
        .and_then(|e| e.get("Variables"))
        .and_then(Value::as_object)
    {
        let reserved: Vec<String> = vars
            .keys()
            .filter(|k| RESERVED_KEYS.contains(&k.as_str()))
            .cloned()
            .collect();
        if !reserved.is_empty() {
            return Err(err(id, reserved_message(&reserved)));
        }
        for (k, v) in vars {
            settings.env.push((k.clone(), r.string(id, v)?));
        }
    }
    Ok(settings)
}
