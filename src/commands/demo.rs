//! `cwsauth demo`: see [`crate::demo`].

use crate::cli::DemoArgs;
use crate::{ExitCode, Result};

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    crate::demo::run(crate::demo::DemoOptions {
        system_browser: args.browser,
    })
}
