//! `cwsauth completions SHELL`: the completion script generated from the clap definitions.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::{ExitCode, Result};

pub fn run(args: CompletionsArgs) -> Result<ExitCode> {
    let script = script(args.shell);
    crate::output::println(script.trim_end())?;
    Ok(ExitCode::Success)
}

/// The script for `shell`, as committed in `completions/`.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "cwsauth", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
