//! The committed scripts in `completions/` must match what the CLI generates.
//! `UPDATE_COMPLETIONS=1 cargo test completions` rewrites them.

use crate::common::Cli;

const FILES: &[(&str, &str)] = &[
    ("bash", "cwsauth.bash"),
    ("zsh", "_cwsauth"),
    ("fish", "cwsauth.fish"),
    ("powershell", "_cwsauth.ps1"),
    ("elvish", "cwsauth.elv"),
];

#[test]
fn committed_completions_match_the_cli() {
    let cli = Cli::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in FILES {
        let run = cli.run(&["completions", shell]);
        run.expect(0);
        let generated = run.stdout();
        assert!(generated.contains("cwsauth"), "{shell}");
        let path = dir.join(file);
        if update {
            std::fs::write(&path, &generated).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(generated.as_str()) {
            stale.push(*file);
        }
    }
    assert!(
        stale.is_empty(),
        "completions/{} differ from the CLI: run `UPDATE_COMPLETIONS=1 cargo test completions` and commit them",
        stale.join(", completions/")
    );
}
