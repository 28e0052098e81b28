//! `cwsauth completions SHELL`: the completion script generated from the clap definitions.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::{ExitCode, Result};

pub fn run(home: &crate::home::Home, args: CompletionsArgs) -> Result<ExitCode> {
    if args.profiles {
        // For the scripts: quiet about a missing or broken file (there is nothing to offer).
        if let Ok(file) = crate::profile::ConfigFile::load(&home.config_file()) {
            for name in file.names() {
                crate::output::println(&name)?;
            }
        }
        return Ok(ExitCode::Success);
    }
    let Some(shell) = args.shell else {
        return Err(crate::Error::Usage(
            "name a shell: bash, zsh, fish, powershell or elvish".into(),
        ));
    };
    let script = script(shell);
    crate::output::println(script.trim_end())?;
    Ok(ExitCode::Success)
}

/// What `cwsauth completions --profiles` gives, in each shell's words.
const BASH_PROFILES: &str =
    r#"COMPREPLY=($(compgen -W "$(cwsauth completions --profiles 2>/dev/null)" -- "${cur}"))"#;
const ZSH_PROFILES: &str = "_cwsauth_profiles() {\n    local -a profiles\n    profiles=(${(f)\"$(cwsauth completions --profiles 2>/dev/null)\"})\n    _describe 'profile' profiles\n}\n\n";
const FISH_PROFILES: &str = r#"-f -a "(cwsauth completions --profiles 2>/dev/null)""#;

/// The script for `shell`, as committed in `completions/`: clap's, with `--profile`
/// completing the config file's profile names (bash, zsh, fish) instead of file names.
pub fn script(shell: clap_complete::Shell) -> String {
    use clap_complete::Shell;
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "cwsauth", &mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    match shell {
        Shell::Bash => text.replace(
            "--profile)\n                    COMPREPLY=($(compgen -f \"${cur}\"))",
            &format!("--profile)\n                    {BASH_PROFILES}"),
        ),
        Shell::Zsh => {
            let text = text
                .lines()
                .map(|line| {
                    if line.starts_with("'--profile=[") {
                        line.replace(":NAME:_default'", ":NAME:_cwsauth_profiles'")
                    } else {
                        line.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                + "\n";
            // Defined before clap's own function, so every use finds it.
            text.replacen("_cwsauth() {", &format!("{ZSH_PROFILES}_cwsauth() {{"), 1)
        }
        Shell::Fish => {
            text.lines()
                .map(|line| {
                    if line.contains(" -l profile ") && line.ends_with(" -r") {
                        format!("{line} {FISH_PROFILES}")
                    } else {
                        line.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        }
        _ => text,
    }
}
