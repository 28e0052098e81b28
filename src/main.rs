//! The `cwsauth` binary: parse the command line, run the command, turn an error into one line
//! and an exit code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cwsauth::cli::Cli::parse();
    init_logging(cli.verbose);
    match cwsauth::commands::run(cli) {
        Ok(code) => code.into(),
        Err(error) => {
            let code = error.exit_code();
            if !matches!(error, cwsauth::Error::Reported(_)) {
                let line = error.to_string();
                cwsauth::output::notice(&cwsauth::sanitize::for_terminal(&line));
            }
            code.into()
        }
    }
}

/// Only this crate's events: dependencies' trace logs could carry headers with tokens.
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
                .with_target(false)
                .without_time(),
        )
        .with(tracing_subscriber::filter::Targets::new().with_target("cwsauth", level))
        .try_init();
}
