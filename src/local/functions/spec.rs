//! What a function is before it runs: its name, what runs it (a command, or a function behind
//! a running emulator's Invoke API), its environment, timeout, memory, folder and concurrency.
//! Parsed from `--function NAME=…` by clap, checked when parsed.

use std::path::PathBuf;
use std::time::Duration;

use super::FunctionError;
use crate::local::ids::{ACCOUNT, REGION};

/// A default timeout, Lambda's.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
/// Most processes of one function at once, unless its settings say otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// The range a function's concurrency may take.
pub const CONCURRENCY: std::ops::RangeInclusive<usize> = 1..=100;

/// Where a function runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command cwsauth starts with `AWS_LAMBDA_RUNTIME_API` pointing at its own host.
    Command(Vec<String>),
    /// A function at a running emulator's Invoke API.
    Invoke { base: String, name: String },
    /// The template's runtime, run by cwsauth (`runtimes.rs`); made a command at start.
    Runtime {
        runtime: String,
        code: super::runtimes::Code,
    },
}

/// One function: what runs it and how.
#[derive(Debug, Clone)]
pub struct FunctionSpec {
    /// The logical id (routes and flags name it).
    pub name: String,
    /// The name it is deployed under (`FunctionName`), when the template says.
    pub function_name: Option<String>,
    /// The handler (`Handler`), when the template says.
    pub handler: Option<String>,
    /// The runtime the template declares (`python3.12`), shown at start.
    pub runtime: Option<String>,
    pub source: Source,
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
    pub cwd: Option<PathBuf>,
    pub memory_mb: u32,
    /// Most processes run at once (Lambda's reserved concurrency, locally).
    pub concurrency: usize,
}

impl FunctionSpec {
    /// `NAME=COMMAND…` (split as a shell would) or `NAME=http://host:port[#FUNCTION]` (an
    /// Invoke API; the function's name there defaults to NAME).
    pub fn parse(text: &str) -> Result<FunctionSpec, FunctionError> {
        let (name, rest) = text
            .split_once('=')
            .filter(|(n, r)| !n.is_empty() && !r.trim().is_empty())
            .ok_or_else(|| {
                FunctionError::Spec(format!(
                    "function {:?} is not NAME=COMMAND or NAME=http://HOST:PORT[#FUNCTION]",
                    crate::sanitize::excerpt(text, 60)
                ))
            })?;
        let rest = rest.trim();
        let source = if rest.starts_with("http://") || rest.starts_with("https://") {
            let (base, remote) = match rest.split_once('#') {
                Some((b, n)) if !n.is_empty() => (b, n),
                _ => (rest, name),
            };
            crate::http::check_endpoint("Invoke API", base)
                .map_err(|e| FunctionError::Spec(e.to_string()))?;
            Source::Invoke {
                base: base.trim_end_matches('/').to_string(),
                name: remote.to_string(),
            }
        } else {
            let words = shlex::split(rest)
                .filter(|w| !w.is_empty())
                .ok_or_else(|| {
                    FunctionError::Spec(format!(
                        "the command of function {name} has an unclosed quote or is empty"
                    ))
                })?;
            Source::Command(words)
        };
        Ok(FunctionSpec::new(name, source))
    }

    /// A function with Lambda's defaults.
    pub fn new(name: &str, source: Source) -> FunctionSpec {
        FunctionSpec {
            name: name.to_string(),
            function_name: None,
            handler: None,
            runtime: None,
            source,
            env: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            cwd: None,
            memory_mb: 128,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// The name it runs under (`AWS_LAMBDA_FUNCTION_NAME`): the deployed name, else the
    /// logical id.
    pub fn deployed_name(&self) -> &str {
        self.function_name.as_deref().unwrap_or(&self.name)
    }

    /// The function's ARN as the emulator reports it.
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:lambda:{REGION}:{ACCOUNT}:function:{}",
            self.deployed_name()
        )
    }

    /// The handler the runtime interface clients load (`_HANDLER`): the template's, else the
    /// command's last word when it names one (`app.handler`), else `index.handler`.
    pub fn handler(&self) -> String {
        self.handler
            .clone()
            .or_else(|| match &self.source {
                Source::Command(words) => words.last().filter(|w| looks_like_handler(w)).cloned(),
                Source::Invoke { .. } | Source::Runtime { .. } => None,
            })
            .unwrap_or_else(|| "index.handler".into())
    }
}

/// Parses a concurrency (`1` to `100`), for the flag and the config file alike.
pub fn parse_concurrency(text: &str) -> Result<usize, FunctionError> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|c| CONCURRENCY.contains(c))
        .ok_or_else(|| {
            FunctionError::Spec(format!(
                "{:?} is not a number from {} to {}",
                crate::sanitize::excerpt(text, 20),
                CONCURRENCY.start(),
                CONCURRENCY.end()
            ))
        })
}

/// Whether a command's last word names a handler (`app.handler`, `index.handler`) rather than
/// a file (`index.mjs`, `./bin/run.py`).
fn looks_like_handler(word: &str) -> bool {
    let Some((module, function)) = word.rsplit_once('.') else {
        return false;
    };
    !module.is_empty()
        && !word.contains('/')
        && !word.starts_with('-')
        && !function.is_empty()
        && !["py", "js", "mjs", "cjs", "ts", "sh", "rb", "jar"].contains(&function)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_specs() {
        let f = FunctionSpec::parse("auth=python3 -m awslambdaric 'app mod.handler'").unwrap();
        assert_eq!(f.name, "auth");
        assert_eq!(
            f.source,
            Source::Command(vec![
                "python3".into(),
                "-m".into(),
                "awslambdaric".into(),
                "app mod.handler".into()
            ])
        );
        let f = FunctionSpec::parse("echo=http://127.0.0.1:9000#_").unwrap();
        assert_eq!(
            f.source,
            Source::Invoke {
                base: "http://127.0.0.1:9000".into(),
                name: "_".into()
            }
        );
        let f = FunctionSpec::parse("echo=http://127.0.0.1:9000/").unwrap();
        assert_eq!(
            f.source,
            Source::Invoke {
                base: "http://127.0.0.1:9000".into(),
                name: "echo".into()
            }
        );
        assert!(FunctionSpec::parse("noequals").is_err());
        assert!(FunctionSpec::parse("x=http://example.com:9000").is_err());
        assert!(FunctionSpec::parse("x='unclosed").is_err());
        assert!(looks_like_handler("app.handler") && looks_like_handler("pkg.mod.fn"));
        assert!(
            !looks_like_handler("index.mjs")
                && !looks_like_handler("./x/app.handler")
                && !looks_like_handler("plain")
        );
        assert_eq!(parse_concurrency("4").unwrap(), 4);
        assert!(parse_concurrency("0").is_err() && parse_concurrency("101").is_err());
    }
}
