//! The emulator's errors, in a module of their own that every other module of `local/` imports
//! (so errors never tie its files into a circle). The command layer words them and picks the
//! exit code.

use std::net::SocketAddr;

pub use super::functions::FunctionError;

/// Why the emulator cannot start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocalError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot use the signing keys in {path}: {why}")]
    Keys { path: String, why: String },
    /// The API, its functions or their settings are wrong (the user's to fix).
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// A function cannot be set up.
    #[error("function {name}: {source}")]
    Function { name: String, source: FunctionError },
    /// The emulator's certificate authority cannot be made or written.
    #[error("{0}")]
    Ca(String),
    /// The services at `--aws-endpoint` could not be set up.
    #[error("{0}")]
    Aws(String),
}

/// A setting of the emulator that does not work: from a flag, the `[local]` section, or a
/// template. Each names the setting and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// A `NAME=…` value that is not of its form.
    #[error("{value:?} is not {form}")]
    Form { value: String, form: &'static str },
    /// A route or the authorizer names a function no source defines.
    #[error("{what} names function {function}, which no --function defines")]
    UnknownFunction { what: String, function: String },
    /// A flag gives settings to a function no source defines.
    #[error("no --function {function}=… for the settings given to it")]
    NoSuchFunction { function: String },
    /// The template uses a function nothing runs.
    #[error(
        "the template's function {function} has nothing to run it: pass --function {function}=COMMAND (or =http://HOST:PORT)"
    )]
    NoRunner { function: String },
    /// The template's function has a runtime but no code here.
    #[error(
        "the template's function {function} has no code here (its Code is elsewhere, e.g. S3): pass --function-dir {function}=DIR with its code, or --function {function}=COMMAND"
    )]
    NoCode { function: String },
    #[error("--two-way {key}: there is no route {key}")]
    NoRoute { key: String },
    #[error(
        "route selection expression {expression:?} is not $request.body.PATH (or ${{request.body.PATH}} in a template)"
    )]
    Selection { expression: String },
    /// The config file's `[local]` section.
    #[error("config file {path}{at}: {why}")]
    ConfigFile {
        path: String,
        at: String,
        why: String,
    },
    #[error("{0}")]
    Template(#[from] TemplateError),
    /// A function's table in the `[local]` section.
    #[error("[local.functions.{function}] {why}")]
    Section { function: String, why: String },
    /// A value out of its range, or otherwise wrong, named with its setting.
    #[error("{setting}: {why}")]
    Value { setting: String, why: String },
}

/// What a template says that the emulator cannot use, with the resource that says it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("template resource {resource}: {why}")]
    Resource { resource: String, why: String },
    /// The template as a whole.
    #[error("{0}")]
    Document(String),
}

impl TemplateError {
    pub fn at(resource: &str, why: impl std::fmt::Display) -> TemplateError {
        TemplateError::Resource {
            resource: resource.to_string(),
            why: why.to_string(),
        }
    }
}

impl SetupError {
    /// A `NAME=…` value that is not of its form (e.g. `"NAME=DURATION"`).
    pub fn form(value: &str, form: &'static str) -> SetupError {
        SetupError::Form {
            value: crate::sanitize::excerpt(value, 60),
            form,
        }
    }
}
