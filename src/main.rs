//! The `cwsauth` binary: parse the command line, run the command, turn an error into one line
//! and an exit code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    cwsauth::hardening::keep_secrets_in();
    let cli = match cwsauth::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    init_logging(cli.verbose);
    cwsauth::random::on_failure(random_failed);
    match cwsauth::commands::run(cli) {
        Ok(code) => code.into(),
        Err(error) => {
            let code = error.exit_code();
            if !matches!(error, cwsauth::Error::Reported(_)) {
                cwsauth::output::error(&cwsauth::sanitize::for_terminal(&error.to_string()));
            }
            code.into()
        }
    }
}

/// The system's random number generator failed: nothing secret can be made, so stop.
fn random_failed() -> ! {
    cwsauth::output::error("the system's random number generator failed; stopping");
    std::process::exit(cwsauth::ExitCode::Local as i32);
}

/// Help and version as clap prints them; a wrong command line as one line with clap's tip
/// and where to read more, exit 2.
fn usage_error(e: clap::Error) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return std::process::ExitCode::from(
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                2
            } else {
                0
            },
        );
    }
    let text = e.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines
        .next()
        .unwrap_or("bad command line")
        .trim_start_matches("error: ")
        .to_string();
    let mut line = first;
    for l in lines {
        if let Some(tip) = l.strip_prefix("tip: ") {
            line.push_str(&format!("; {tip}"));
        }
    }
    // Where to read more: the subcommand's help when one was named.
    use clap::CommandFactory;
    let command = cwsauth::cli::Cli::command();
    let sub = std::env::args()
        .skip(1)
        .find(|a| command.get_subcommands().any(|s| s.get_name() == a));
    let usage = match sub {
        Some(sub) => format!("cwsauth {sub} --help"),
        None => "cwsauth --help".to_string(),
    };
    cwsauth::output::error(&format!("{line} (see `{usage}`)"));
    cwsauth::ExitCode::Usage.into()
}

/// Only this crate's events: dependencies' trace logs could carry headers with tokens.
/// Colour only on a terminal, never with NO_COLOR.
fn init_logging(verbose: u8) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    if verbose == 0 {
        return;
    }
    let level = if verbose == 1 {
        tracing::Level::DEBUG
    } else {
        tracing::Level::TRACE
    };
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(cwsauth::output::stderr_color())
                .with_target(false)
                .without_time(),
        )
        .with(tracing_subscriber::filter::Targets::new().with_target("cwsauth", level))
        .try_init();
}
