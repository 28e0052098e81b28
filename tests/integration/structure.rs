//! The code's shape, checked from its text (ARCHITECTURE.md's rules): no import circle
//! between files, every limit and id defined once, no file of the emulator or the session over
//! 500 lines, no printing or exiting outside the command layer, typed errors in the emulator.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, relative to the repository.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path.strip_prefix(root()).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The file's code without comments (line comments, doc comments) and string literals, so
/// that paths and words in prose or text do not count.
fn code(path: &Path) -> String {
    strip(path, false)
}

/// Without comments; string literals kept or not.
fn strip(path: &Path, keep_strings: bool) -> String {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut prev = ' ';
        let mut kept = String::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !in_string && c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            }
            if c == '"' && prev != '\\' && prev != '\'' {
                in_string = !in_string;
                kept.push('"');
            } else if !in_string || keep_strings {
                kept.push(c);
            }
            prev = if prev == '\\' && c == '\\' { ' ' } else { c };
            i += 1;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

/// The source root (`src` of the crate) a file belongs to, and its module folder.
fn crate_root(file: &Path) -> PathBuf {
    let mut p = file.to_path_buf();
    while p.file_name().is_some_and(|n| n != "src") {
        p.pop();
    }
    p
}

/// The folder a file's own module lives in (its children's folder), and its parent's.
fn module_dirs(file: &Path) -> (PathBuf, PathBuf) {
    let name = file.file_stem().unwrap().to_string_lossy().to_string();
    let dir = file.parent().unwrap().to_path_buf();
    if name == "mod" || name == "lib" || name == "main" {
        let parent = if name == "mod" {
            dir.parent().unwrap().to_path_buf()
        } else {
            dir.clone()
        };
        (dir, parent)
    } else {
        (dir.join(&name), dir)
    }
}

/// The file a module path names, walking from `dir` as far as files exist.
fn resolve(mut dir: PathBuf, segments: &[&str], start: PathBuf) -> PathBuf {
    let mut found = start;
    for seg in segments {
        let file = dir.join(format!("{seg}.rs"));
        let module = dir.join(seg).join("mod.rs");
        if root().join(&file).exists() {
            found = file;
            dir = dir.join(seg);
        } else if root().join(&module).exists() {
            found = module;
            dir = dir.join(seg);
        } else {
            break;
        }
    }
    found
}

/// Every path `crate::…`, `super::…` in a file (in `use` lines and inline), resolved to files.
fn dependencies(file: &Path) -> BTreeSet<PathBuf> {
    let text = code(file);
    let src = crate_root(file);
    let lib = if root().join(src.join("lib.rs")).exists() {
        src.join("lib.rs")
    } else {
        src.join("main.rs")
    };
    let (_, parent_dir) = module_dirs(file);
    let parent_file = {
        let m = parent_dir.join("mod.rs");
        if root().join(&m).exists() && parent_dir != src {
            m
        } else if parent_dir == src {
            lib.clone()
        } else {
            parent_dir.with_extension("rs")
        }
    };
    let mut out = BTreeSet::new();
    // Expand `use a::{b, c::{d}}` into paths first.
    let mut paths: Vec<String> = Vec::new();
    for statement in text.split(';') {
        let statement = statement.trim_start();
        let body = ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
            .iter()
            .find_map(|p| statement.strip_prefix(p));
        if let Some(body) = body {
            expand("", body.trim(), &mut paths);
        }
    }
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b':';
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i..].starts_with(b"crate::") || bytes[i..].starts_with(b"super::");
        if starts && (i == 0 || !word(bytes[i - 1])) {
            let start = i;
            while i < bytes.len() && word(bytes[i]) {
                i += 1;
            }
            paths.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
        } else {
            i += 1;
        }
    }
    for path in paths {
        let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        let target = match segments.first() {
            Some(&"crate") => resolve(src.clone(), &segments[1..], lib.clone()),
            Some(&"super") => {
                let mut dir = parent_dir.clone();
                let mut start = parent_file.clone();
                let mut rest = &segments[1..];
                while rest.first() == Some(&"super") {
                    start = if dir.parent().is_some_and(|p| *p == src) {
                        lib.clone()
                    } else {
                        dir.parent().unwrap().join("mod.rs")
                    };
                    dir = dir.parent().unwrap().to_path_buf();
                    rest = &rest[1..];
                }
                resolve(dir, rest, start)
            }
            _ => continue,
        };
        out.insert(target);
    }
    out.remove(file);
    out
}

/// `a::{b, c::{d, e}}` with `prefix` into `a::b`, `a::c::d`, `a::c::e`.
fn expand(prefix: &str, text: &str, out: &mut Vec<String>) {
    let text = text.trim();
    if let Some(open) = text.find('{') {
        let head = format!("{prefix}{}", &text[..open]);
        let inner = &text[open + 1..text.rfind('}').unwrap_or(text.len())];
        let mut depth = 0;
        let mut part = String::new();
        for c in inner.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&head, &part, out);
                    part.clear();
                    continue;
                }
                _ => {}
            }
            part.push(c);
        }
        expand(&head, &part, out);
    } else if !text.is_empty() {
        let path = format!("{prefix}{text}");
        out.push(path.split(" as ").next().unwrap_or("").trim().to_string());
    }
}

/// Whether `ancestor` is a module file above `file` (its parent's mod.rs, lib.rs, …).
fn is_ancestor(ancestor: &Path, file: &Path) -> bool {
    let name = ancestor.file_name().unwrap();
    (name == "mod.rs" || name == "lib.rs" || name == "main.rs")
        && file.starts_with(ancestor.parent().unwrap())
        && file != ancestor
}

#[test]
fn no_file_imports_another_that_imports_it_back() {
    let mut files = rust_files(Path::new("src"));
    for c in ["crates/cwsauth-verify/src", "crates/cwsauth-authorizer/src"] {
        files.extend(rust_files(Path::new(c)));
    }
    let edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = files
        .iter()
        .map(|f| {
            let deps = dependencies(f)
                .into_iter()
                .filter(|d| !is_ancestor(d, f))
                .collect();
            (f.clone(), deps)
        })
        .collect();
    // The import graph must have no cycle: a depth-first search that finds a back edge
    // names the circle.
    fn visit(
        node: &PathBuf,
        edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        stack: &mut Vec<PathBuf>,
        done: &mut BTreeSet<PathBuf>,
        circles: &mut Vec<String>,
    ) {
        if done.contains(node) {
            return;
        }
        if let Some(at) = stack.iter().position(|n| n == node) {
            let circle: Vec<String> = stack[at..]
                .iter()
                .chain(std::iter::once(node))
                .map(|p| p.display().to_string())
                .collect();
            circles.push(circle.join(" -> "));
            return;
        }
        stack.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, stack, done, circles);
        }
        stack.pop();
        done.insert(node.clone());
    }
    let mut circles = Vec::new();
    let mut done = BTreeSet::new();
    for f in edges.keys() {
        visit(f, &edges, &mut Vec::new(), &mut done, &mut circles);
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
    // The checker itself sees imports: the emulator's gateway reads its quotas.
    assert!(edges[Path::new("src/local/gateway/upgrade.rs")].contains(Path::new("src/quotas.rs")));
}

/// The constants of a file: `const NAME: TYPE = VALUE;` as (name, value text).
fn constants(file: &str) -> Vec<(String, String)> {
    let text = strip(Path::new(file), true);
    text.split(';')
        .filter_map(|statement| {
            let at = statement.find("const ")?;
            let (name, rest) = statement[at + 6..].split_once(':')?;
            let (_, value) = rest.split_once('=')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}

#[test]
fn each_limit_and_id_is_defined_once() {
    // The values of the quotas and ids, read from their homes (so a changed value is still
    // checked): elsewhere they may stand only as the value of a constant of another name (a
    // limit of its own, such as the HTTP client's 256 KiB), never as a bare literal.
    let mut once: Vec<(String, &str)> = Vec::new();
    for home in ["src/quotas.rs", "src/local/ids.rs"] {
        for (_, value) in constants(home) {
            if value.len() > 4 {
                once.push((value, home));
            }
        }
    }
    assert!(
        once.iter().any(|(v, _)| v.contains("128 * 1024")),
        "{once:?}"
    );
    let mut strays = Vec::new();
    for file in rust_files(Path::new("src")) {
        // Tests and comments may spell values out; only the code counts.
        let text = strip(&file, true);
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        for (value, home) in &once {
            if file == Path::new(home) {
                continue;
            }
            for line in text.lines().filter(|l| l.contains(value.as_str())) {
                let a_constant_of_its_own = line.trim_start().starts_with("const ")
                    || line.trim_start().starts_with("pub const ");
                if !a_constant_of_its_own {
                    strays.push(format!(
                        "{value} in {}: {} (defined in {home})",
                        file.display(),
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(strays.is_empty(), "{}", strays.join("\n"));
}

#[test]
fn the_emulator_and_the_session_read_in_small_files_with_typed_errors() {
    let mut problems = Vec::new();
    for dir in ["src/local", "src/connect"] {
        for file in rust_files(Path::new(dir)) {
            let text = std::fs::read_to_string(root().join(&file)).unwrap();
            let lines = text.lines().count();
            if lines > 500 {
                problems.push(format!("{} has {lines} lines", file.display()));
            }
            if dir == "src/local" && text.contains(", String>") && text.contains("Result<") {
                for (n, line) in text.lines().enumerate() {
                    if line.contains("Result<") && line.contains(", String>") {
                        problems.push(format!("{}:{}: Result<_, String>", file.display(), n + 1));
                    }
                }
            }
        }
    }
    for file in rust_files(Path::new("src")) {
        let text = code(&file);
        if text.contains("too_many_arguments") {
            problems.push(format!("{}: too_many_arguments", file.display()));
        }
        let may_print = file.starts_with("src/commands")
            || ["src/main.rs", "src/connect/render.rs", "src/output.rs"]
                .iter()
                .any(|f| file == Path::new(f));
        if may_print {
            continue;
        }
        for word in [
            "process::exit",
            "println!",
            "eprintln!",
            "print!(",
            "eprint!(",
            "io::stdout()",
            "io::stderr()",
            "output::info",
            "output::warn",
            "output::error",
            "output::println",
        ] {
            if text.contains(word) {
                problems.push(format!("{}: {word}", file.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
