//! The runtimes a template may name, run with nothing installed but the language: `python3.x`
//! and `nodejs*` by cwsauth's own Runtime API bootstraps (standard library only, embedded in
//! the binary, written to the emulator's work folder), `provided.al2023`/`provided.al2` by the
//! code's own `bootstrap`. A function's code is its folder, or its inline `ZipFile` written
//! out as `index.py` or `index.js`, as Lambda names it.

use std::path::{Path, PathBuf};

use super::FunctionError;

/// The Python runtime's bootstrap.
const PYTHON: &str = include_str!("bootstrap/python.py");
/// The Node.js runtime's bootstrap (CommonJS).
const NODE: &str = include_str!("bootstrap/node.cjs");

/// Where a function's code is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// A folder (the template's `CodeUri`/`Code`, resolved, or `--function-dir`).
    Dir(PathBuf),
    /// `Code.ZipFile` / `InlineCode`.
    Inline(String),
}

/// The language of a runtime id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Python,
    Node,
    /// `provided.*`: the code's `bootstrap` is the runtime.
    Provided,
}

impl Language {
    /// The language of `runtime` (`python3.12`, `nodejs20.x`, `provided.al2023`), if cwsauth
    /// can run it.
    pub fn of(runtime: &str) -> Option<Language> {
        if runtime.starts_with("python3") {
            Some(Language::Python)
        } else if runtime.starts_with("nodejs") {
            Some(Language::Node)
        } else if runtime.starts_with("provided") {
            Some(Language::Provided)
        } else {
            None
        }
    }

    /// Lambda's name for inline code of this language.
    fn inline_file(self) -> Option<&'static str> {
        match self {
            Language::Python => Some("index.py"),
            Language::Node => Some("index.js"),
            Language::Provided => None,
        }
    }
}

/// What runs a template function: its command, folder and the environment the runtime needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub command: Vec<String>,
    pub dir: PathBuf,
    pub env: Vec<(String, String)>,
}

/// Prepares function `name` of `runtime` with `code` in `work` (the emulator's folder for
/// bootstraps and inline code).
pub fn prepare(
    name: &str,
    runtime: &str,
    code: &Code,
    work: &Path,
) -> Result<Prepared, FunctionError> {
    let language = Language::of(runtime).ok_or_else(|| {
        FunctionError::Spec(format!(
            "runtime {runtime} has no built-in runner: pass --function {name}=COMMAND"
        ))
    })?;
    let write = |path: &Path, text: &str| -> Result<(), FunctionError> {
        crate::fsutil::write_atomic(path, text.as_bytes(), 0o600)
            .map(|_| ())
            .map_err(|e| FunctionError::Spec(format!("cannot write {}: {e}", path.display())))
    };
    let dir = match code {
        Code::Dir(dir) => dir.clone(),
        Code::Inline(text) => {
            let Some(file) = language.inline_file() else {
                return Err(FunctionError::Spec(format!(
                    "runtime {runtime} takes no inline code: give the function a folder with a bootstrap (--function-dir {name}=DIR)"
                )));
            };
            let dir = work.join("functions").join(name);
            std::fs::create_dir_all(&dir)
                .map_err(|e| FunctionError::Spec(format!("cannot make {}: {e}", dir.display())))?;
            write(&dir.join(file), text)?;
            dir
        }
    };
    if !dir.is_dir() {
        return Err(FunctionError::Spec(format!(
            "its code folder {} does not exist: pass --function-dir {name}=DIR",
            dir.display()
        )));
    }
    let root = dir.display().to_string();
    let (command, mut env) = match language {
        Language::Python => {
            let bootstrap = work.join("runtimes").join("python.py");
            std::fs::create_dir_all(work.join("runtimes")).map_err(|e| {
                FunctionError::Spec(format!("cannot make the runtimes folder: {e}"))
            })?;
            write(&bootstrap, PYTHON)?;
            (
                vec!["python3".to_string(), bootstrap.display().to_string()],
                vec![("PYTHONUNBUFFERED".to_string(), "1".to_string())],
            )
        }
        Language::Node => {
            let bootstrap = work.join("runtimes").join("node.cjs");
            std::fs::create_dir_all(work.join("runtimes")).map_err(|e| {
                FunctionError::Spec(format!("cannot make the runtimes folder: {e}"))
            })?;
            write(&bootstrap, NODE)?;
            (
                vec!["node".to_string(), bootstrap.display().to_string()],
                vec![("CWSAUTH_NODE_RUNTIME".to_string(), runtime.to_string())],
            )
        }
        Language::Provided => {
            let bootstrap = dir.join("bootstrap");
            if !bootstrap.is_file() {
                return Err(FunctionError::Spec(format!(
                    "runtime {runtime} runs the code's bootstrap, and {} has none",
                    dir.display()
                )));
            }
            (vec![bootstrap.display().to_string()], Vec::new())
        }
    };
    env.push(("AWS_EXECUTION_ENV".into(), format!("AWS_Lambda_{runtime}")));
    env.push(("LAMBDA_TASK_ROOT".into(), root));
    Ok(Prepared { command, dir, env })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_runtime_gets_its_runner() {
        let work = tempfile::tempdir().unwrap();
        let code = tempfile::tempdir().unwrap();
        let p = prepare(
            "F",
            "python3.12",
            &Code::Dir(code.path().to_path_buf()),
            work.path(),
        )
        .unwrap();
        assert_eq!(p.command[0], "python3");
        assert_eq!(
            std::fs::read_to_string(&p.command[1]).unwrap(),
            PYTHON,
            "the bootstrap is written out"
        );
        assert_eq!(p.dir, code.path());
        let p = prepare(
            "G",
            "nodejs20.x",
            &Code::Inline("exports.handler = async () => 1;".into()),
            work.path(),
        )
        .unwrap();
        assert_eq!(p.command[0], "node");
        assert_eq!(
            std::fs::read_to_string(p.dir.join("index.js")).unwrap(),
            "exports.handler = async () => 1;"
        );
        assert!(
            p.env
                .contains(&("CWSAUTH_NODE_RUNTIME".into(), "nodejs20.x".into()))
        );
        assert!(
            p.env
                .contains(&("AWS_EXECUTION_ENV".into(), "AWS_Lambda_nodejs20.x".into()))
        );
        assert!(
            prepare("H", "java21", &Code::Dir(code.path().into()), work.path())
                .unwrap_err()
                .to_string()
                .contains("--function H=COMMAND")
        );
        assert!(
            prepare(
                "P",
                "provided.al2023",
                &Code::Dir(code.path().into()),
                work.path()
            )
            .unwrap_err()
            .to_string()
            .contains("has none")
        );
        assert!(
            prepare(
                "Q",
                "python3.12",
                &Code::Dir(code.path().join("nope")),
                work.path()
            )
            .unwrap_err()
            .to_string()
            .contains("--function-dir Q=DIR")
        );
    }
}
