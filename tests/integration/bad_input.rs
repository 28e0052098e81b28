//! Bad input across every command: each case gets its exit code, one error line that names
//! the problem, no panic, no token material in any output, and stored tokens and config left
//! exactly as they were.

use std::io::{Read, Write};
use std::process::Stdio;

use crate::common::*;

/// A home with a profile and a stored (fake but well-formed) token set, to check nothing moves.
struct Home {
    cli: Cli,
    token: String,
}

const STORED_TOKEN: &str = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdG9yZWQiOiJ0b2tlbiJ9.c3RvcmVk";

impl Home {
    fn new() -> Home {
        let cli = Cli::new();
        cli.write_config(&format!(
            "[profiles.default]\nuser_pool_id = \"{POOL}\"\nclient_id = \"{CLIENT}\"\nstore = \"file\"\ndomain = \"http://127.0.0.1:9\"\nidp_endpoint = \"http://127.0.0.1:9\"\n"
        ));
        let dir = cli.home.path().join("data/tokens");
        std::fs::create_dir_all(&dir).unwrap();
        let set = serde_json::json!({
            "access_token": STORED_TOKEN, "refresh_token": "stored-refresh-token-value",
            "expires_at": 4_000_000_000i64, "method": "hosted-ui", "client_id": CLIENT,
            "username": "alice", "logged_in_at": NOW,
        });
        write_private(&dir.join("default.json"), &set.to_string());
        Home {
            cli,
            token: STORED_TOKEN.to_string(),
        }
    }

    fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        for rel in ["config.toml", "data/tokens/default.json"] {
            let path = self.cli.home.path().join(rel);
            // A FIFO (one of the cases) would block the read.
            let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            files.push((
                rel.to_string(),
                if regular {
                    std::fs::read(&path).unwrap_or_default()
                } else {
                    Vec::new()
                },
            ));
        }
        files
    }
}

fn write_private(path: &std::path::Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

/// Runs one case and checks everything every case must satisfy.
fn case(home: &Home, args: &[&str], stdin: &str, code: i32, needle: &str) {
    let before = home.snapshot();
    let run = home.cli.run_with_stdin(args, stdin);
    let (out, err) = (run.stdout(), run.stderr());
    assert_eq!(run.code(), code, "{args:?}\nstdout: {out}\nstderr: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{args:?}: {err}"
    );
    assert!(
        err.contains(needle),
        "{args:?}: expected {needle:?} in {err:?}"
    );
    let error_lines = err
        .lines()
        .filter(|l| l.starts_with("cwsauth: error:") || l.starts_with("error:"))
        .count();
    assert!(
        error_lines <= 1 || needle.is_empty(),
        "{args:?}: more than one error line: {err}"
    );
    for secret in [
        home.token.as_str(),
        "stored-refresh-token-value",
        "c3RvcmVk",
    ] {
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "{args:?} printed token material"
        );
    }
    assert_eq!(
        home.snapshot(),
        before,
        "{args:?} changed stored tokens or config"
    );
}

fn b64(v: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v)
}

#[test]
fn tokens_that_are_not_tokens() {
    let home = Home::new();
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let cases: Vec<(Vec<String>, &str, i32, &str)> = vec![
        (
            vec!["decode".into(), "abc.def".into()],
            "",
            1,
            "malformed: a JWT has 3 dot-separated parts, this one has 2",
        ),
        (
            vec!["decode".into(), "a.b.c.d".into()],
            "",
            1,
            "this one has 4",
        ),
        (
            vec!["decode".into(), "!!!.e30.c2ln".into()],
            "",
            1,
            "malformed: the header part is not base64url",
        ),
        (
            vec!["decode".into(), format!("e30.{}.c2ln", b64("not json"))],
            "",
            1,
            "malformed: the payload is not JSON",
        ),
        (
            vec!["decode".into(), format!("{}.e30.c2ln", b64("[1]"))],
            "",
            1,
            "the header is JSON but not an object",
        ),
        (
            vec!["decode".into(), format!("e30.{}.c2ln", b64("\"str\""))],
            "",
            1,
            "the payload is JSON but not an object",
        ),
        (
            vec!["decode".into(), format!("e30.{}.c2ln", b64(&deep))],
            "",
            1,
            "malformed: the payload is not JSON",
        ),
        (
            vec!["decode".into(), format!("e30.{}.c2ln", "A".repeat(20_000))],
            "",
            1,
            "too_large: the token is 20009 bytes, more than the 16384-byte limit",
        ),
        (
            vec!["decode".into(), "e30.e30.!!".into()],
            "",
            1,
            "the signature part is not base64url",
        ),
        (vec!["decode".into()], "", 2, "the token is empty"),
        (
            vec!["decode".into(), "Bearer   ".into()],
            "",
            2,
            "the token is empty",
        ),
        (
            vec!["verify".into(), "-".into()],
            "\n\n",
            2,
            "the token is empty",
        ),
        (
            vec![
                "verify".into(),
                "--now".into(),
                "soon".into(),
                "x.y.z".into(),
            ],
            "",
            2,
            "invalid value 'soon'",
        ),
        (
            vec![
                "verify".into(),
                "--token-use".into(),
                "refresh".into(),
                "x.y.z".into(),
            ],
            "",
            2,
            "invalid value 'refresh'",
        ),
        (
            vec![
                "verify".into(),
                "--context".into(),
                "novalue".into(),
                "x.y.z".into(),
            ],
            "",
            2,
            "is not KEY=VALUE",
        ),
    ];
    for (args, stdin, code, needle) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        case(&home, &args, stdin, *code, needle);
    }
    // A string exp is a type error, never "no expiry".
    let k = key("k1");
    let jwks = home.cli.home.path().join("jwks.json");
    std::fs::write(
        &jwks,
        cwsauth_verify::signing::jwks_document(&[k]).to_string(),
    )
    .unwrap();
    let token = k.sign(&with(access_claims(), serde_json::json!({"exp": "never"})));
    case(
        &home,
        &["verify", "--jwks", jwks.to_str().unwrap(), &token],
        "",
        1,
        "",
    );
    let run = home
        .cli
        .run(&["verify", "--jwks", jwks.to_str().unwrap(), &token]);
    assert!(
        run.stdout()
            .starts_with("INVALID invalid_claim_type: the exp claim must be a number of seconds\n"),
        "{}",
        run.stdout()
    );
    let run = home
        .cli
        .run(&["verify", "--json", "--jwks", jwks.to_str().unwrap(), &token]);
    assert_eq!(run.json()["error"]["kind"], "invalid_claim_type");
}

#[test]
fn configuration_mistakes() {
    let home = Home::new();
    let empty = home.cli.home.path().join("empty.json");
    std::fs::write(&empty, "").unwrap();
    case(
        &home,
        &["status", "--profile", "nope"],
        "",
        2,
        "there is no profile nope",
    );
    case(
        &home,
        &["configure", "--store", "cloud"],
        "",
        2,
        "invalid value 'cloud'",
    );
    case(
        &home,
        &["completions", "tcsh"],
        "",
        2,
        "invalid value 'tcsh'",
    );
    case(
        &home,
        &["local", "--user", "nopassword"],
        "",
        2,
        "is not NAME:PASSWORD",
    );
    case(
        &home,
        &["local", "--token-ttl", "5 min"],
        "",
        2,
        "is not a duration",
    );
    case(
        &home,
        &["local", "--identity-source", "cookie:x"],
        "",
        2,
        "is not header:NAME, query:NAME or route.request.header|querystring.NAME (see `cwsauth local --help`)",
    );
    case(
        &home,
        &["verify", "--event", "/nonexistent/event.json"],
        "",
        2,
        "cannot read event file /nonexistent/event.json",
    );
    case(
        &home,
        &[
            "verify",
            "--authorizer",
            "--identity-source",
            "nope",
            "--event",
            empty.to_str().unwrap(),
        ],
        "",
        2,
        "is not an API Gateway authorizer event",
    );
    // Only regular files are read: a device never ends, a FIFO may never answer.
    case(
        &home,
        &["verify", "--authorizer", "--event", "/dev/zero"],
        "",
        2,
        "cannot read event file: /dev/zero is not a regular file",
    );
    case(
        &home,
        &["verify", "--jwks", "/dev/zero", &home.token],
        "",
        3,
        "/dev/zero is not a regular file",
    );
    case(
        &home,
        &["login", "--client-credentials"],
        "",
        2,
        "profile default has no client secret",
    );
    case(&home, &["connect"], "", 2, "no URL: pass one");
    case(
        &home,
        &["login", "--password", "--username", "alice"],
        "",
        2,
        "no password: set CWSAUTH_PASSWORD",
    );

    // Broken config files: the file, the line, the key.
    let path = home.cli.home.path().join("config.toml");
    let saved = std::fs::read_to_string(&path).unwrap();
    for (text, needle) in [
        ("[profiles.default\n", "line 1"),
        (
            "[profiles.default]\nregion = 7\n",
            "line 2: region: must be a string",
        ),
        ("[profiles.default]\nscopes = [1]\n", "line 2: scopes:"),
        (
            "[profiles.default]\nclient = \"x\"\n",
            "line 2: client: unknown key; the keys are region,",
        ),
        ("profiles = 3\n", "line 1: profiles"),
        ("\u{0}\u{1}binary", "line 1"),
    ] {
        std::fs::write(&path, text).unwrap();
        case(
            &home,
            &["token"],
            "",
            2,
            &format!("config file {}, {needle}", path.display()),
        );
    }
    // A long line of garbage: the error quotes at most about 100 characters of it.
    std::fs::write(&path, format!("{} = 1\n", "x".repeat(500_000))).unwrap();
    let run = home.cli.run(&["token"]);
    run.expect(2);
    assert!(
        run.stderr().len() < 600,
        "{} bytes of error",
        run.stderr().len()
    );
    assert!(run.stderr().contains("…"), "{}", run.stderr());
    // Too big, or not a regular file (a FIFO would block forever): refused before reading.
    std::fs::write(&path, "#".repeat(2 * 1024 * 1024)).unwrap();
    case(&home, &["token"], "", 2, "is over 1048576 bytes");
    std::fs::remove_file(&path).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    case(&home, &["token"], "", 2, "is not a regular file");
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, &saved).unwrap();

    // A home where a folder is a file: reading the config fails with a clear line.
    let cli = Cli::new();
    let file_home = cli.home.path().join("not-a-dir");
    std::fs::write(&file_home, "x").unwrap();
    let run = cli
        .cmd(&["configure", "--client-id", "c"])
        .env("CWSAUTH_HOME", &file_home)
        .run();
    run.expect(2);
    assert!(
        run.stderr().starts_with(&format!(
            "cwsauth: error: cannot read config file {}/config.toml",
            file_home.display()
        )),
        "{}",
        run.stderr()
    );
}

#[test]
fn stores_and_caches_that_are_broken() {
    let home = Home::new();
    let path = home.cli.home.path().join("data/tokens/default.json");
    let good = std::fs::read_to_string(&path).unwrap();
    for broken in ["{not json", &good[..good.len() / 2], "[]", ""] {
        write_private(&path, broken);
        case(
            &home,
            &["token"],
            "",
            2,
            &format!("the token store {} is unreadable", path.display()),
        );
        case(&home, &["status"], "", 2, "it was left as it is");
    }
    write_private(&path, &good);

    // A corrupt JWKS cache, or one written for another URL, is refetched, not trusted.
    let k = key("k1");
    let server = JwksServer::start(&[k]);
    let cli = Cli::new();
    cli.write_config(&format!("[profiles.default]\nuser_pool_id = \"{POOL}\"\nclient_id = \"{CLIENT}\"\njwks_uri = \"{}\"\n", server.url));
    let token = k.sign(&access_claims());
    let now = NOW.to_string();
    cli.run(&["verify", "--now", &now, &token]).expect(0);
    let cache = std::fs::read_dir(cli.home.path().join("cache/jwks"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&cache, "{garbage").unwrap();
    cli.run(&["verify", "--now", &now, &token]).expect(0);
    assert_eq!(server.hits(), 2);
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    doc["url"] = serde_json::json!("https://elsewhere.example/jwks.json");
    doc["jwks"] = serde_json::json!({"keys": []});
    std::fs::write(&cache, doc.to_string()).unwrap();
    cli.run(&["verify", "--now", &now, &token]).expect(0);
    assert_eq!(server.hits(), 3);
    let jwks = cli.home.path().join("bad-jwks.json");
    std::fs::write(&jwks, "not json").unwrap();
    let run = cli.run(&[
        "verify",
        "--json",
        "--now",
        &now,
        "--jwks",
        jwks.to_str().unwrap(),
        &token,
    ]);
    run.expect(1);
    assert_eq!(run.json()["error"]["kind"], "invalid_jwk");
}

/// A server that answers an upgrade request with `response` (raw bytes) and then closes.
fn raw_server(response: &'static [u8]) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(response);
        }
    });
    port
}

/// A WebSocket server that completes the handshake, then sends `frames` raw and closes.
fn bad_frames_server(frames: &'static [u8]) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(2) {
            let stream = stream.unwrap();
            let Ok(ws) = tokio_tungstenite::tungstenite::accept(stream) else {
                continue;
            };
            let mut raw = ws.into_inner();
            let _ = raw.write_all(frames);
            let _ = raw.shutdown(std::net::Shutdown::Both);
        }
    });
    port
}

#[test]
fn servers_that_misbehave() {
    let home = Home::new();
    let refused = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = |port: u16| format!("ws://127.0.0.1:{port}/$default");
    case(
        &home,
        &["connect", "--no-auth", "http://127.0.0.1/x"],
        "",
        2,
        "a WebSocket URL is ws:// or wss://",
    );
    // A CA file that cannot be read is said before any connection is tried (exit 2, not the
    // refused connection's 3); a ws:// session has no TLS to configure.
    let missing = home.cli.home.path().join("missing-ca.pem");
    let missing = missing.to_str().unwrap();
    let wss = format!("wss://127.0.0.1:{refused}/");
    case(
        &home,
        &["connect", "--no-auth", "--ca", missing, &wss],
        "",
        2,
        &format!("cannot read CA certificates from {missing}"),
    );
    case(
        &home,
        &["connect", "--no-auth", "--ca", missing, &url(refused)],
        "",
        3,
        &format!("cannot connect to 127.0.0.1:{refused}: connection refused"),
    );
    case(
        &home,
        &["connect", "--no-auth", "not a url"],
        "",
        2,
        "not a url has no scheme: did you mean ws://not a url",
    );
    case(
        &home,
        &["connect", "--no-auth", "-H", "NoColon", &url(refused)],
        "",
        2,
        "header \"NoColon\" is not `Name: value`",
    );
    case(
        &home,
        &["connect", "--no-auth", &url(refused)],
        "",
        3,
        &format!("cannot connect to 127.0.0.1:{refused}"),
    );
    case(
        &home,
        &["connect", "--no-auth", "ws://[::1]:1/"],
        "",
        3,
        "cannot connect to [::1]:1: connection refused",
    );
    let p = raw_server(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 21\r\n\r\n{\"message\":\"broken\"}\n");
    case(
        &home,
        &["connect", "--no-auth", &url(p)],
        "",
        4,
        "HTTP 500 {\"message\":\"broken\"}",
    );
    let p = raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    case(
        &home,
        &["connect", "--no-auth", &url(p)],
        "",
        4,
        "the server refused the WebSocket handshake: HTTP 200",
    );
    let p = raw_server(
        b"HTTP/1.1 403 Forbidden\r\nContent-Length: 23\r\n\r\n{\"message\":\"Forbidden\"}",
    );
    case(
        &home,
        &["connect", "--token", STORED_TOKEN, &url(p)],
        "",
        4,
        "HTTP 403 {\"message\":\"Forbidden\"}; the authorizer's policy denies the connection: `cwsauth verify --authorizer` shows the policy",
    );
    let p = raw_server(b"garbage\r\n\r\n");
    case(
        &home,
        &["connect", "--no-auth", &url(p)],
        "",
        3,
        "cannot open the WebSocket",
    );
    // An invalid frame (reserved opcode 0x3), and a message cut off mid-way.
    let p = bad_frames_server(&[0x83, 0x01, b'x']);
    case(
        &home,
        &["connect", "--no-auth", "-w", "-1", &url(p)],
        "",
        1,
        "",
    );
    let p = bad_frames_server(&[0x01, 0x03, b'a', b'b', b'c']);
    case(
        &home,
        &["connect", "--no-auth", "-w", "-1", &url(p)],
        "",
        1,
        "",
    );
}

#[test]
fn callbacks_that_are_wrong() {
    let local = Local::start(&[]);
    let port = free_port();
    let redirect = format!("http://localhost:{port}");
    for (queries, needle) in [
        // A forged callback is refused and the login waits on for its own.
        (
            &["code=abc&state=forged", "error=access_denied&state=STATE"][..],
            "cwsauth: warning: a callback without this login's state (a stale tab or another page) was refused; still waiting\ncwsauth: error: the sign-in failed: access_denied\n",
        ),
        (&["state=STATE"][..], "the callback has no code"),
        (
            &["error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E%1B%5B2J&state=STATE"][..],
            "the sign-in failed: access_denied: <b>no</b>\\x1b[2J",
        ),
    ] {
        let mut child = local
            .cli
            .command(&[
                "login",
                "--profile",
                "local",
                "--store",
                "file",
                "--no-browser",
                "--timeout",
                "20s",
                "--redirect-uri",
                &redirect,
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
        let line = crate::common::authorize_line(&mut err);
        let state = url::Url::parse(&line)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "state")
            .unwrap()
            .1
            .into_owned();
        for query in queries {
            let resp = http()
                .get(format!(
                    "http://127.0.0.1:{port}/?{}",
                    query.replace("STATE", &state)
                ))
                .header("Host", format!("localhost:{port}"))
                .send()
                .unwrap();
            assert_eq!(resp.status(), 400);
            let page = resp.text().unwrap();
            assert!(!page.contains("<b>no</b>"), "the page escapes HTML: {page}");
        }
        let status = child.wait().unwrap();
        let mut rest = String::new();
        err.read_to_string(&mut rest).unwrap();
        assert_eq!(status.code(), Some(1), "{rest}");
        assert!(rest.contains(needle), "{needle:?} not in {rest:?}");
        assert!(!rest.contains('\u{1b}'), "control characters are escaped");
        assert!(
            !local
                .cli
                .home
                .path()
                .join("data/tokens/local.json")
                .exists()
        );
    }
}

/// `--json` keeps its promise when the command fails: one JSON object on stdout, naming the
/// error's kind, with the same exit code and stderr line as without it.
#[test]
fn json_is_one_object_in_every_failure() {
    let cli = Cli::new();
    cli.write_config(&format!(
        "[profiles.default]\nuser_pool_id = \"{POOL}\"\nclient_id = \"{CLIENT}\"\nstore = \"file\"\n"
    ));
    for (args, stdin, code, kind) in [
        (
            &["status", "--json", "--profile", "nope"][..],
            "",
            2,
            "config",
        ),
        (&["token", "--json"][..], "", 1, "not_logged_in"),
        (&["verify", "--json"][..], "", 2, "usage"),
        (
            &["configure", "--show", "--json", "--profile", "nope"][..],
            "",
            2,
            "config",
        ),
    ] {
        let run = cli.run_with_stdin(args, stdin);
        run.expect(code);
        let out = run.stdout();
        assert_eq!(out.lines().count(), 1, "{args:?}: {out}");
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["error"]["kind"], kind, "{args:?}: {out}");
        let message = doc["error"]["message"].as_str().unwrap();
        assert_eq!(
            run.stderr(),
            format!("cwsauth: error: {message}\n"),
            "{args:?}"
        );
    }
}

/// An HTTP answer that trickles (one byte every 200 ms, forever) is cut at the exchange's
/// deadline, not kept alive by each byte.
#[test]
fn a_trickling_answer_is_cut_at_one_deadline() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
                while stream.write_all(b" ").is_ok() {
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
            });
        }
    });
    let cli = Cli::new();
    let k = key("k1");
    let token = k.sign(&access_claims());
    let run = cli.run(&[
        "verify",
        "--user-pool-id",
        POOL,
        "--client-id",
        CLIENT,
        "--jwks-uri",
        &format!("http://127.0.0.1:{port}/jwks.json"),
        "--now",
        &NOW.to_string(),
        &token,
    ]);
    run.expect(3);
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: error: jwks_unavailable: cannot fetch the JWKS from http://127.0.0.1:{port}/jwks.json: timed out after 5 s (the answer came too slowly)\n"
        )
    );
}
