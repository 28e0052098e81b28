//! The README is tested: every command of every `sh` block runs (and must exit 0, or the code
//! its `# exits N` comment names), and every `text` block is a transcript (`$ command` lines,
//! each followed by what it prints) whose commands run and whose output must match, with the
//! volatile parts (ports, times, tokens, ids, paths) masked and `…` standing for any text. The
//! whole README runs in order, as one tour, in a private `HOME` (`CWSAUTH_HOME=~/.cwsauth`,
//! `CWSAUTH_STORE=file`), against `cwsauth local` started by the README itself.
//!
//! A few commands cannot run inside a test and are listed in `NOT_RUN` with the reason.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use regex::Regex;

/// Commands the tour does not run, and why.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "cargo install --path .",
        "installs into ~/.cargo/bin; the test runs the binary it built",
    ),
    ("bash .ci/run", "CI itself, which runs this test"),
    (
        "cargo build --release --workspace --examples",
        "the test runs the binaries `cargo test --workspace` built",
    ),
];

#[derive(Debug)]
enum Block {
    /// Commands, with their README line.
    Sh(Vec<(usize, String)>),
    /// Commands with the output shown after each.
    Transcript(Vec<(usize, String, Vec<String>)>),
}

/// The `sh` and `text` blocks of a Markdown file, in order.
fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((_, line)) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let info = info.trim().to_string();
        let mut body = Vec::new();
        for (n, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push((n + 1, l.to_string()));
        }
        match info.as_str() {
            "sh" => {
                let mut commands: Vec<(usize, String)> = Vec::new();
                let mut pending: Option<(usize, String)> = None;
                for (n, l) in body {
                    let text = match &mut pending {
                        Some((_, acc)) => {
                            acc.push(' ');
                            acc.push_str(l.trim());
                            acc.clone()
                        }
                        None => l.clone(),
                    };
                    let start = pending.as_ref().map_or(n, |(s, _)| *s);
                    if let Some(stripped) = text.strip_suffix('\\') {
                        pending = Some((start, stripped.trim_end().to_string()));
                        continue;
                    }
                    pending = None;
                    if !text.trim().is_empty() && !text.trim_start().starts_with('#') {
                        commands.push((start, text));
                    }
                }
                out.push(Block::Sh(commands));
            }
            "text" => {
                let mut steps: Vec<(usize, String, Vec<String>)> = Vec::new();
                for (n, l) in body {
                    if let Some(cmd) = l.strip_prefix("$ ") {
                        steps.push((n, cmd.to_string(), Vec::new()));
                    } else if let Some(last) = steps.last_mut() {
                        last.2.push(l);
                    } else {
                        panic!(
                            "README line {n}: a text block must be a transcript starting with `$ `"
                        );
                    }
                }
                for step in &mut steps {
                    while step.2.last().is_some_and(|l| l.is_empty()) {
                        step.2.pop();
                    }
                }
                out.push(Block::Transcript(steps));
            }
            _ => {}
        }
    }
    out
}

/// A command without its trailing `# comment`, and the exit code the comment names (`# exits N`).
fn split_comment(line: &str) -> (String, i32) {
    match line.find("  #").or_else(|| line.find(" # ")) {
        Some(i) => {
            let comment = line[i..].trim().trim_start_matches('#').trim();
            let code = comment
                .strip_prefix("exits ")
                .and_then(|c| c.split(|ch: char| !ch.is_ascii_digit()).next())
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            (line[..i].trim_end().to_string(), code)
        }
        None => (line.trim_end().to_string(), 0),
    }
}

struct Tour {
    dir: tempfile::TempDir,
    target: PathBuf,
    path: String,
    emulator: Option<(Child, u16)>,
    /// Variables the README set (`TOKEN=$(…)`, `export NAME=…`), for the commands after.
    vars: Vec<(String, String)>,
}

impl Tour {
    fn new() -> Tour {
        let dir = tempfile::tempdir().unwrap();
        let target = Path::new(env!("CARGO_BIN_EXE_cwsauth"))
            .parent()
            .unwrap()
            .to_path_buf();
        let mut path = vec![target.display().to_string()];
        // wscat, for the examples that use it (.ci/run installs it).
        if let Some(modules) = std::env::var_os("CWSAUTH_TEST_NODE_MODULES") {
            path.push(Path::new(&modules).join(".bin").display().to_string());
        }
        path.push(std::env::var("PATH").unwrap_or_default());
        // The tour works in a folder of its own, where the repository's generated files are
        // at hand as in a clone.
        let work = dir.path().join("work");
        std::fs::create_dir_all(&work).unwrap();
        for folder in ["completions", "man"] {
            std::os::unix::fs::symlink(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(folder),
                work.join(folder),
            )
            .unwrap();
        }
        Tour {
            dir,
            target,
            path: path.join(":"),
            emulator: None,
            vars: Vec::new(),
        }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join(".cwsauth")
    }

    /// The command as it runs here: `cargo run --release --` is the binary under test, release
    /// paths are the test's build, and the emulator's default port is the one it got.
    fn rewrite(&self, cmd: &str) -> String {
        let mut cmd = cmd.replace("cargo run --release -- ", "cwsauth ");
        cmd = cmd.replace("target/release/cwsauth ", "cwsauth ");
        for path in Regex::new(r"target/release/[\w/.-]+")
            .unwrap()
            .find_iter(&cmd)
        {
            let built = self.target.join(&path.as_str()["target/release/".len()..]);
            assert!(
                built.exists(),
                "{} is missing: run the tests with --workspace, as the README says",
                built.display()
            );
        }
        cmd = cmd.replace("target/release/", &format!("{}/", self.target.display()));
        if let Some((_, port)) = &self.emulator {
            cmd = cmd.replace("127.0.0.1:9911", &format!("127.0.0.1:{port}"));
        }
        cmd
    }

    fn command(&self, script: &str) -> Command {
        let mut c = Command::new("bash");
        c.arg("-c")
            .arg(script)
            .current_dir(self.dir.path().join("work"))
            .env_clear()
            .env("PATH", &self.path)
            .env("HOME", self.dir.path())
            .env("CWSAUTH_HOME", self.home())
            .env("TZ", "UTC")
            .env("LANG", "C.UTF-8")
            // The scripted browser signs in as demo; what it prints is not the README's.
            .env(
                "CWSAUTH_BROWSER",
                format!("sh -c '{} \"$0\" >/dev/null'", crate::common::browser()),
            )
            .env("CWSAUTH_STORE", "file")
            .env("CWSAUTH_LOCK_TIMEOUT", "30");
        for var in [
            "DBUS_SESSION_BUS_ADDRESS",
            "XDG_RUNTIME_DIR",
            "CWSAUTH_TEST_NODE_MODULES",
        ] {
            if let Some(v) = std::env::var_os(var) {
                c.env(var, v);
            }
        }
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    /// `NAME=VALUE` or `export NAME=VALUE` alone on a line: evaluated as the shell would, and
    /// kept for the commands after. Returns whether `cmd` was one.
    fn assign(&mut self, cmd: &str) -> bool {
        let re = Regex::new(
            r"^(?:export )?([A-Z_][A-Z0-9_]*)=(\$\(.*\)|'[^']*'|\x22[^\x22]*\x22|[^\s;|&]+)$",
        )
        .unwrap();
        let Some(c) = re.captures(cmd) else {
            return false;
        };
        let out = crate::common::output(
            &mut self.command(&format!("printf %s {}", &c[2])),
            b"",
            Duration::from_secs(300),
        );
        assert!(
            out.status.success(),
            "`{cmd}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let value = String::from_utf8(out.stdout).unwrap();
        assert!(!value.is_empty(), "`{cmd}` set {} to nothing", &c[1]);
        self.vars.retain(|(k, _)| k != &c[1]);
        self.vars.push((c[1].to_string(), value));
        true
    }

    /// Starts `cwsauth local` in the background (on a free port, in place of an earlier one,
    /// as its default port would need) and waits for its banner.
    fn start_emulator(&mut self, cmd: &str) {
        self.stop_emulator();
        let cmd = cmd.replacen("cwsauth local", "exec cwsauth local --port 0", 1);
        let mut child = self
            .command(&cmd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(line);
            }
        });
        let mut port = None;
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .expect("cwsauth local printed no banner");
            if let Some(base) = line.strip_prefix("cwsauth local listening on ") {
                port = base.rsplit(':').next().and_then(|p| p.parse().ok());
            }
            if line.starts_with("Press Ctrl-C") {
                break;
            }
        }
        self.emulator = Some((child, port.expect("no port in the banner")));
    }

    /// Whether a program is on the tour's PATH.
    fn has(&self, program: &str) -> bool {
        self.command(&format!("command -v {program}"))
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success()
    }

    fn stop_emulator(&mut self) {
        if let Some((mut child, _)) = self.emulator.take() {
            crate::common::terminate(&mut child);
        }
    }

    /// Runs a command with stdout and stderr in one stream, as a terminal shows them.
    fn run(&self, cmd: &str) -> (i32, String) {
        let out = crate::common::output(
            &mut self.command(&format!("exec 2>&1; {cmd}")),
            b"",
            Duration::from_secs(300),
        );
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }
}

impl Drop for Tour {
    fn drop(&mut self) {
        self.stop_emulator();
    }
}

/// What varies from run to run, made the same on both sides.
fn masks(tour: &Tour) -> Vec<(Regex, String)> {
    let home = regex::escape(&tour.dir.path().display().to_string());
    let target = regex::escape(&tour.target.display().to_string());
    [
        (format!("{home}/\\.cwsauth"), "~/.cwsauth"),
        (home, "~"),
        (target, "target/release"),
        (
            r"\b(127\.0\.0\.1|localhost|\[::1\]):\d{2,5}\b".into(),
            "$1:PORT",
        ),
        (
            r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*".into(),
            "TOKEN",
        ),
        (
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z".into(),
            "TIME",
        ),
        (
            r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b".into(),
            "UUID",
        ),
        // API Gateway's connection ids: base64url, so they may start with `-` or `_`.
        (r"(^|[^A-Za-z0-9_-])[A-Za-z0-9_-]{15}=".into(), "${1}CONNID"),
        (r"\b1[7-9]\d{8}\b".into(), "EPOCH"),
        (r"\bpid \d+\b".into(), "pid N"),
        (
            r"\S*/cwsauth-demo-[A-Za-z0-9]+".into(),
            "/tmp/cwsauth-demo-XXXXXX",
        ),
        (
            r"\b(state|code_challenge|nonce|code)=[A-Za-z0-9_-]+".into(),
            "$1=RANDOM",
        ),
        (
            r"\blocal-(access|id)-[A-Za-z0-9_-]{8}".into(),
            "local-$1-KEYID",
        ),
        // Spans and durations last: ids and times above hold digits too.
        (r"\b(in )?\d+[smhd]( \d+[smhd])?( ago)?\b".into(), "SPAN"),
        (r"\b\d+(\.\d+)? (ms|µs)\b".into(), "N $2"),
    ]
    .into_iter()
    .map(|(r, with)| (Regex::new(&r).unwrap(), with.to_string()))
    .collect()
}

fn masked(text: &str, masks: &[(Regex, String)]) -> String {
    masks.iter().fold(text.to_string(), |t, (r, with)| {
        r.replace_all(&t, with.as_str()).into_owned()
    })
}

/// Whether `actual` lines match `expected` lines, where `…` in a line is any text and a line
/// that is only `…` is any number of lines.
fn matches(expected: &[String], actual: &[String]) -> bool {
    let Some((first, rest)) = expected.split_first() else {
        return actual.is_empty();
    };
    if first.trim() == "…" {
        return (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]));
    }
    let Some((line, others)) = actual.split_first() else {
        return false;
    };
    let pattern = format!(
        "^{}$",
        first
            .split('…')
            .map(regex::escape)
            .collect::<Vec<_>>()
            .join(".*")
    );
    Regex::new(&pattern).unwrap().is_match(line) && matches(rest, others)
}

#[test]
fn every_readme_example_runs_and_shows_what_it_prints() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut tour = Tour::new();
    let masks = masks(&tour);
    let mut ran = 0;
    let mut skipped = Vec::new();
    let mut skipped_tools = Vec::new();
    for block in blocks(&readme) {
        match block {
            Block::Sh(commands) => {
                for (line, text) in commands {
                    let (cmd, code) = split_comment(&text);
                    if let Some((_, why)) = NOT_RUN.iter().find(|(c, _)| *c == cmd) {
                        skipped.push(format!("README line {line}: {cmd} ({why})"));
                        continue;
                    }
                    let cmd = tour.rewrite(&cmd);
                    if tour.assign(&cmd) {
                        ran += 1;
                        continue;
                    }
                    if cmd.starts_with("wscat ")
                        && !crate::common::present(tour.has("wscat"), "wscat (.ci/run installs it)")
                    {
                        skipped_tools.push(format!(
                            "README line {line}: {cmd} (wscat is not installed)"
                        ));
                        continue;
                    }
                    // The emulator runs until Ctrl-C: in the background (`&`, or "in another
                    // terminal" as the README says).
                    if cmd.contains("cwsauth local") {
                        tour.start_emulator(cmd.trim_end_matches('&').trim());
                        ran += 1;
                        continue;
                    }
                    assert!(
                        !cmd.ends_with('&'),
                        "README line {line}: only `cwsauth local` runs in the background"
                    );
                    let (got, out) = tour.run(&cmd);
                    assert_eq!(
                        got, code,
                        "README line {line}: `{cmd}` exited {got}:\n{out}"
                    );
                    ran += 1;
                }
            }
            Block::Transcript(steps) => {
                for (line, cmd, expected) in steps {
                    let cmd = tour.rewrite(&cmd);
                    let (_, out) = tour.run(&cmd);
                    let actual: Vec<String> = masked(out.trim_end(), &masks)
                        .lines()
                        .map(str::to_string)
                        .collect();
                    let expected: Vec<String> =
                        expected.iter().map(|l| masked(l, &masks)).collect();
                    assert!(
                        matches(&expected, &actual),
                        "README line {line}: `{cmd}` printed (masked):\n{}\n\nbut the README shows (masked):\n{}",
                        actual.join("\n"),
                        expected.join("\n")
                    );
                    ran += 1;
                }
            }
        }
    }
    eprintln!(
        "README: {ran} commands run; not run:\n{}\n{}",
        skipped.join("\n"),
        skipped_tools.join("\n")
    );
    assert_eq!(
        skipped.len(),
        NOT_RUN.len(),
        "a NOT_RUN entry is no longer in the README"
    );
    assert!(ran >= 30, "only {ran} README commands ran");
}

#[test]
fn the_matcher_and_the_masks() {
    let l = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert!(matches(
        &l(&["a …", "…", "z"]),
        &l(&["a b c", "x", "y", "z"])
    ));
    assert!(matches(&l(&["…"]), &l(&[])));
    assert!(!matches(&l(&["a"]), &l(&["a", "b"])));
    assert!(!matches(&l(&["a.c"]), &l(&["abc"])));
    let tour = Tour::new();
    let m = masks(&tour);
    assert_eq!(
        masked(
            "http://127.0.0.1:34073/x at 2027-01-15T08:42:00Z (expires in 42m), 12 ms",
            &m
        ),
        "http://127.0.0.1:PORT/x at TIME (expires SPAN), N ms"
    );
    for id in ["-HeAotzVQw9AEFw=", "_HeAotzVQw9AEFw=", "aHeAotzVQw9AEFw="] {
        assert_eq!(
            masked(&format!("connection {id}\n{id}"), &m),
            "connection CONNID\nCONNID"
        );
    }
    assert_eq!(
        masked(r#""kid": "local-access-tY3Uy9T-""#, &m),
        r#""kid": "local-access-KEYID""#
    );
    assert_eq!(
        split_comment("cwsauth token --profile nope   # exits 2: no such profile"),
        ("cwsauth token --profile nope".into(), 2)
    );
}
