//! Files generated from the CLI definition and the profile schema, committed so they ship and
//! can be read without building: shell completions, man pages, the README's table of profile
//! keys. A test regenerates each and fails on any drift; `UPDATE_GENERATED=1 cargo test
//! generated` rewrites them.

use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::common::Cli;

const SHELLS: &[(&str, &str)] = &[
    ("bash", "cwsauth.bash"),
    ("zsh", "_cwsauth"),
    ("fish", "cwsauth.fish"),
    ("powershell", "_cwsauth.ps1"),
    ("elvish", "cwsauth.elv"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes or compares one generated file; returns its name when it is stale.
fn check(path: &Path, generated: &str) -> Option<String> {
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, generated).unwrap();
        return None;
    }
    let current = std::fs::read_to_string(path).ok();
    (current.as_deref() != Some(generated)).then(|| {
        path.strip_prefix(root())
            .unwrap_or(path)
            .display()
            .to_string()
    })
}

fn assert_fresh(stale: Vec<String>) {
    assert!(
        stale.is_empty(),
        "{} differ from the CLI definition: run `UPDATE_GENERATED=1 cargo test generated` and commit them",
        stale.join(", ")
    );
}

#[test]
fn committed_completions_match_the_cli() {
    let cli = Cli::new();
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let run = cli.run(&["completions", shell]);
        run.expect(0);
        let generated = run.stdout();
        assert!(generated.contains("cwsauth"), "{shell}");
        stale.extend(check(&root().join("completions").join(file), &generated));
    }
    assert_fresh(stale);
}

/// One page per command, `cwsauth(1)` and `cwsauth-<command>(1)`, with the examples of each
/// `--help` as an EXAMPLES section.
fn man_page(cmd: &clap::Command, name: &str) -> String {
    // clap takes static names unless its `string` feature is on; a test can leak two strings.
    let title: &'static str = Box::leak(name.to_string().into_boxed_str());
    let bin: &'static str = Box::leak(name.replace('-', " ").into_boxed_str());
    let cmd = cmd.clone().name(title).bin_name(bin);
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out).unwrap();
    man.render_name_section(&mut out).unwrap();
    man.render_synopsis_section(&mut out).unwrap();
    man.render_description_section(&mut out).unwrap();
    man.render_options_section(&mut out).unwrap();
    if cmd.get_subcommands().next().is_some() {
        man.render_subcommands_section(&mut out).unwrap();
    }
    if let Some(after) = cmd.get_after_help() {
        let text = after.to_string();
        let examples = text.strip_prefix("Examples:\n").unwrap_or(&text);
        out.extend_from_slice(b".SH EXAMPLES\n");
        for line in examples.lines() {
            // roff: a line starting with a dot or quote would be a request.
            let line = line.trim_start().replace('\\', "\\\\");
            out.extend_from_slice(format!(".PP\n\\&{line}\n").as_bytes());
        }
    }
    // What every command shares, from the tables the README prints too.
    out.extend_from_slice(cwsauth::docs::man_sections().as_bytes());
    if cmd.get_version().is_some() {
        man.render_version_section(&mut out).unwrap();
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn committed_man_pages_match_the_cli() {
    // `help` has no page of its own: `--help` is every page's.
    let mut cli = cwsauth::cli::Cli::command().disable_help_subcommand(true);
    // Propagates the version (and global flags) to the subcommands.
    cli.build();
    let dir = root().join("man");
    let mut stale = Vec::new();
    stale.extend(check(&dir.join("cwsauth.1"), &man_page(&cli, "cwsauth")));
    for sub in cli.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("cwsauth-{}", sub.get_name());
        stale.extend(check(&dir.join(format!("{name}.1")), &man_page(sub, &name)));
        // A command's own commands (`mfa setup`) get pages too.
        for nested in sub.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = format!("{name}-{}", nested.get_name());
            stale.extend(check(
                &dir.join(format!("{name}.1")),
                &man_page(nested, &name),
            ));
        }
    }
    assert_fresh(stale);
    // Every page another names exists, and each has the shared sections.
    let pattern = regex::Regex::new(r"cwsauth((?:\\?-[a-z]+)*)\(1\)").unwrap();
    let mut named_pages = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let page = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for named in pattern.captures_iter(&page) {
            let name = format!("cwsauth{}", named[1].replace('\\', ""));
            assert!(dir.join(format!("{name}.1")).exists(), "{name}(1) is named");
            named_pages += 1;
        }
        for section in [".SH \"EXIT STATUS\"", ".SH ENVIRONMENT", ".SH FILES"] {
            assert!(page.contains(section), "{section}");
        }
    }
    assert!(named_pages >= 11, "{named_pages}");
}

/// The README between `<!-- NAME:start -->` and `<!-- NAME:end -->` replaced by `table`.
fn readme_with(readme: &str, name: &str, table: &str) -> String {
    let (start, end) = (
        format!("<!-- {name}:start -->\n"),
        format!("<!-- {name}:end -->"),
    );
    let a = readme
        .find(&start)
        .unwrap_or_else(|| panic!("README has no {start}"))
        + start.len();
    let b = readme
        .find(&end)
        .unwrap_or_else(|| panic!("README has no {end}"));
    let mut updated = readme.to_string();
    updated.replace_range(a..b, table);
    updated
}

#[test]
fn the_readme_tables_match_their_sources() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let updated = readme_with(&readme, "profile-keys", &cwsauth::profile::markdown_table());
    let updated = readme_with(
        &updated,
        "exit-codes",
        &cwsauth::docs::exit_codes_markdown(),
    );
    let updated = readme_with(
        &updated,
        "environment",
        &cwsauth::docs::environment_and_files_markdown(),
    );
    assert_fresh(check(&path, &updated).into_iter().collect());
}

/// Help like gh's: every subcommand's `--help` ends with examples, global flags sit under their
/// own heading, the profile-override block shows only in `--help` (not `-h`; `configure`'s flags
/// are the profile keys themselves), and `--profile`
/// is offered only where a profile is used.
#[test]
fn every_subcommand_help_has_examples_headings_and_only_its_flags() {
    let home = Cli::new();
    let cli = cwsauth::cli::Cli::command();
    let without_profile = ["demo", "completions", "local"];
    // A command with commands of its own (`mfa setup`) is checked at its leaves.
    let leaves: Vec<Vec<String>> = cli
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .flat_map(|s| {
            let nested: Vec<Vec<String>> = s
                .get_subcommands()
                .filter(|n| n.get_name() != "help")
                .map(|n| vec![s.get_name().to_string(), n.get_name().to_string()])
                .collect();
            if nested.is_empty() {
                vec![vec![s.get_name().to_string()]]
            } else {
                nested
            }
        })
        .collect();
    for path in &leaves {
        let words: Vec<&str> = path.iter().map(String::as_str).collect();
        let name = words.join(" ");
        let name = name.as_str();
        let long = home.run(&[&words[..], &["--help"]].concat());
        long.expect(0);
        let text = long.stdout();
        let examples = text.split_once("\nExamples:\n  ").map(|(_, e)| e);
        assert!(
            examples.is_some_and(|e| e.contains(&format!("cwsauth {name}"))),
            "{name} --help:\n{text}"
        );
        assert!(
            text.contains("\nGlobal options:\n  -v, --verbose"),
            "{name} --help:\n{text}"
        );
        assert_eq!(
            text.contains("--profile <NAME>"),
            !without_profile.contains(&name),
            "{name} --help:\n{text}"
        );
        let short = home.run(&[&words[..], &["-h"]].concat());
        short.expect(0);
        // configure's own flags are the profile keys: they are what it is for.
        assert!(
            name == "configure"
                || !short.stdout().contains("Profile overrides:")
                    && !short.stdout().contains("--user-pool-id"),
            "{name} -h:\n{}",
            short.stdout()
        );
        if ["status", "token", "logout", "connect"].contains(&name) {
            assert!(
                text.contains("\nProfile overrides:\n") && text.contains("--user-pool-id <ID>"),
                "{name} --help:\n{text}"
            );
        }
    }
}

#[test]
fn the_readme_names_every_error_kind_of_verify() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let missing: Vec<&str> = cwsauth_verify::ErrorKind::ALL
        .iter()
        .map(|k| k.as_str())
        .filter(|name| !readme.contains(&format!("`{name}`")))
        .collect();
    assert!(missing.is_empty(), "README.md does not name {missing:?}");
}

/// `--profile <TAB>` offers the config file's profile names in bash, zsh and fish.
#[test]
fn profile_names_complete_in_bash_zsh_and_fish() {
    let cli = Cli::new();
    cli.write_config(
        "[profiles.alpha]\nregion = \"us-east-1\"\n\n[profiles.beta]\nregion = \"eu-west-1\"\n",
    );
    let run = cli.run(&["completions", "--profiles"]);
    run.expect(0);
    assert_eq!(run.stdout(), "alpha\nbeta\n");
    // The scripts call `cwsauth` from PATH, as an installed one would.
    let bin = Path::new(env!("CARGO_BIN_EXE_cwsauth")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let shell = |program: &str, script: &str| {
        let out = crate::common::output(
            std::process::Command::new(program)
                .args(["-c", script])
                .env("PATH", &path)
                .env("CWSAUTH_HOME", cli.home.path()),
            b"",
            std::time::Duration::from_secs(60),
        );
        assert!(out.status.success(), "{program}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let bash = root().join("completions/cwsauth.bash");
    let got = shell(
        "bash",
        &format!(
            "source {}; COMP_WORDS=(cwsauth status --profile al); COMP_CWORD=3; _cwsauth cwsauth al --profile; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            bash.display()
        ),
    );
    assert_eq!(got, "alpha\n");
    let here = |p: &str| {
        std::process::Command::new(p)
            .arg("--version")
            .output()
            .is_ok()
    };
    if crate::common::present(here("fish"), "fish (.ci/run installs it)") {
        let fish = root().join("completions/cwsauth.fish");
        let got = shell(
            "fish",
            &format!(
                "source {}; complete -C 'cwsauth status --profile '",
                fish.display()
            ),
        );
        let names: Vec<&str> = got.lines().map(|l| l.split('\t').next().unwrap()).collect();
        assert_eq!(names, ["alpha", "beta"], "{got}");
    }
    if crate::common::present(here("zsh"), "zsh (.ci/run installs it)") {
        // compsys needs a terminal to run; the script must parse, and define and use the
        // function that asks cwsauth.
        let zsh = root().join("completions/_cwsauth");
        shell("zsh", &format!("zsh -n {}", zsh.display()));
        let text = std::fs::read_to_string(zsh).unwrap();
        assert!(text.contains("_cwsauth_profiles() {"));
        assert!(text.contains(
            "'--profile=[The profile to use from the config file]:NAME:_cwsauth_profiles' \\"
        ));
    }
}
