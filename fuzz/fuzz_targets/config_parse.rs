//! Any text as config.toml: parsing and resolving every profile must not panic.
#![no_main]

use std::path::Path;

use cwsauth::profile::{ConfigFile, Overrides, resolve_with};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match ConfigFile::parse(Path::new("config.toml"), text) {
        Ok(file) => {
            let names: Vec<String> = file.profiles.keys().cloned().collect();
            for name in names {
                if let Ok(profile) = resolve_with(&file, &name, &Overrides::default(), |_| None) {
                    let _ = profile.scopes();
                    let _ = profile.hosted_ui_base();
                }
            }
        }
        Err(e) => {
            // Errors are one line.
            assert!(!e.to_string().contains('\n'));
        }
    }
});
