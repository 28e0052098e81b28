//! `cwsauth connect` against the WebSocket API of `cwsauth local`, against websocat as a
//! third-party echo server (plain and TLS), and under a real terminal (tmux).

use std::io::Write as _;
use std::process::Stdio;

use serde_json::Value;

use crate::common::*;

/// An emulator with the demo user logged in (file store) as profile `local`.
fn logged_in(extra: &[&str]) -> Local {
    let local = Local::start(extra);
    local
        .password_login("file", "--password", ("demo", "Demo-Passw0rd!"), &[])
        .expect(0);
    local
}

fn connect(local: &Local, args: &[&str], stdin: &str) -> Run {
    let mut all = vec!["connect", "--profile", "local"];
    all.extend_from_slice(args);
    local.cli.run_with_stdin(&all, stdin)
}

fn replies(run: &Run) -> Vec<Value> {
    run.stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn piped_session_sends_queued_lines_and_waits_for_replies() {
    let local = logged_in(&[]);
    // 50 lines are in the pipe before the connection opens; every reply arrives before exit.
    let input: String = (0..50).map(|i| format!("message {i}\n")).collect();
    let run = connect(&local, &[], &input);
    run.expect(0);
    let got = replies(&run);
    assert_eq!(got.len(), 50);
    for (i, reply) in got.iter().enumerate() {
        assert_eq!(reply["body"], format!("message {i}"));
        assert_eq!(reply["requestContext"]["authorizer"]["username"], "demo");
        assert_eq!(reply["requestContext"]["authorizer"]["principalId"], "demo");
    }
    assert_eq!(
        run.stderr(),
        "Connected (press CTRL+C to quit)\nDisconnected (code: 1000, reason: \"\")\n"
    );
    // The token never shows in what the API echoes or in our output.
    let token = local.cli.run(&["token", "--profile", "local"]).stdout();
    assert!(!run.stdout().contains(token.trim()));
}

/// More input than the socket buffers hold: while the server waits for us to read its
/// replies, we must keep reading even though it has stopped reading what we send.
#[test]
fn a_flood_of_input_keeps_reading_while_the_server_pushes_back() {
    let local = logged_in(&[]);
    let pad = "x".repeat(200);
    let input: String = (0..20_000).map(|i| format!("{i} {pad}\n")).collect();
    // A hang fails the test: every run of the CLI is bounded (common::Watchdog).
    let run = connect(&local, &["-w", "30", "-H", "X-Test: flood"], &input);
    run.expect(0);
    let got = replies(&run);
    assert_eq!(got.len(), 20_000);
    for (i, reply) in got.iter().enumerate() {
        assert_eq!(reply["body"], format!("{i} {pad}"));
    }
}

#[test]
fn refused_handshakes_exit_4_with_a_hint() {
    let local = logged_in(&[]);
    let run = connect(&local, &["--no-auth"], "");
    run.expect(4);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: the server refused the WebSocket handshake: HTTP 401 {\"message\":\"Unauthorized\"}; no token was sent (--no-auth), and the authorizer needs one\n"
    );
    // A token the pool did not sign, expired a minute ago.
    let other = cwsauth_verify::signing::SigningKey::generate("x").unwrap();
    let expired = other.sign(
        &serde_json::json!({"exp": cwsauth::timefmt::now_epoch() - 60, "token_use": "access"}),
    );
    let run = connect(&local, &["--token", &expired], "");
    run.expect(4);
    // No wall-clock text: the phrase's shape, not its numbers.
    let err = run.stderr();
    assert!(
        err.starts_with("cwsauth: error: the server refused the WebSocket handshake: HTTP 401 {\"message\":\"Unauthorized\"}; the authorizer refused the token (the token expired ")
            && err.ends_with(" ago): `cwsauth verify --refresh-keys --profile local` shows why\n")
            && err.lines().count() == 1,
        "{err}"
    );
    assert!(!run.stderr().contains(&expired));
    let local = logged_in(&["--require-group", "ops"]);
    let run = connect(&local, &[], "");
    run.expect(4);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: the server refused the WebSocket handshake: HTTP 403 {\"message\":\"Forbidden\"}; the authorizer's policy denies the connection for principal demo: `cwsauth verify --authorizer --profile local --group ops` shows the policy\n"
    );
    // The hint's command gives the same answer as the emulator: a Deny.
    let token = local.cli.run(&["token", "--profile", "local"]).stdout();
    let run = local.cli.run(&[
        "verify",
        "--authorizer",
        "--profile",
        "local",
        "--group",
        "ops",
        token.trim(),
    ]);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: denied (403): the user is in none of the required groups (ops)\n"
    );
    // A token given with -H replaces the profile's: said once, and the hint is about it.
    let run = connect(
        &local,
        &["-H", &format!("Authorization: Bearer {expired}")],
        "",
    );
    run.expect(4);
    assert_eq!(
        run.stderr(),
        "cwsauth: warning: -H Authorization replaces the token of profile local; the server checks that header\n\
         cwsauth: error: the server refused the WebSocket handshake: HTTP 401 {\"message\":\"Unauthorized\"}; the authorizer refused the Authorization header given with -H: pass the token with --token instead, and `cwsauth verify TOKEN` shows why\n"
    );
    // Bad input before any network.
    let run = connect(&local, &["https://example.com/x"], "");
    run.expect(2);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: https://example.com/x is a https:// URL; a WebSocket URL is ws:// or wss://\n"
    );
    let run = connect(&local, &["-H", "NoColonHere"], "");
    run.expect(2);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = connect(&local, &[&format!("ws://127.0.0.1:{port}/")], "");
    run.expect(3);
    assert!(
        run.stderr().starts_with(&format!(
            "cwsauth: error: cannot connect to 127.0.0.1:{port}: connection refused"
        )),
        "{}",
        run.stderr()
    );
}

#[test]
fn execute_wait_auth_query_and_id_token() {
    let local = logged_in(&["--identity-source", "query:token"]);
    let run = connect(
        &local,
        &[
            "--auth-query",
            "token",
            "-x",
            "one",
            "-x",
            "two",
            "-w",
            "-1",
            "--max-messages",
            "2",
        ],
        "",
    );
    run.expect(0);
    let got = replies(&run);
    assert_eq!(
        got.iter()
            .map(|r| r["body"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["one", "two"]
    );
    assert_eq!(
        got[0]["item"]["queryStringParameters"]["token"],
        "(redacted)"
    );
    // The header is not where this API looks.
    connect(&local, &["-x", "x"], "").expect(4);
    // An ID token is refused by an authorizer that wants access tokens.
    connect(
        &local,
        &["--auth-query", "token", "--id-token", "-x", "x"],
        "",
    )
    .expect(4);
}

#[test]
fn wscat_headers_origin_subprotocol_and_host_reach_the_api() {
    let local = logged_in(&[]);
    let host = format!("127.0.0.1:{}", local.port);
    let run = connect(
        &local,
        &[
            "-H",
            "X-Trace: abc 123",
            "-o",
            "https://app.example",
            "-s",
            "chat.v1",
            "-s",
            "chat.v2",
            "--host",
            &host,
            "-x",
            "h",
            "-w",
            "1",
        ],
        "",
    );
    run.expect(0);
    // The API sees each header under the name as it was sent.
    let headers = &replies(&run)[0]["item"]["headers"];
    assert_eq!(headers["X-Trace"], "abc 123");
    assert_eq!(headers["Origin"], "https://app.example");
    assert_eq!(headers["Sec-WebSocket-Protocol"], "chat.v1, chat.v2");
    assert_eq!(headers["Host"], host.as_str());
    assert_eq!(headers["Authorization"], "(redacted)");
}

/// A one-shot HTTP CONNECT proxy on 127.0.0.1 that records the CONNECT line.
fn connect_proxy() -> (u16, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (client, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(client.try_clone().unwrap());
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 2 {
            line.clear();
        }
        let target = first.split_whitespace().nth(1).unwrap().to_string();
        tx.send(first.trim_end().to_string()).unwrap();
        let upstream = std::net::TcpStream::connect(&target).unwrap();
        let mut client_w = client.try_clone().unwrap();
        client_w
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .unwrap();
        let (mut up_r, mut up_w) = (upstream.try_clone().unwrap(), upstream);
        let mut client_r = client;
        std::thread::spawn(move || std::io::copy(&mut up_r, &mut client_w));
        let _ = std::io::copy(&mut client_r, &mut up_w);
    });
    (port, rx)
}

#[test]
fn proxy_and_redirects() {
    let local = logged_in(&[]);
    let (port, seen) = connect_proxy();
    let run = connect(
        &local,
        &[
            "--proxy",
            &format!("http://127.0.0.1:{port}"),
            "-x",
            "via proxy",
            "-w",
            "1",
        ],
        "",
    );
    run.expect(0);
    assert_eq!(replies(&run)[0]["body"], "via proxy");
    assert_eq!(
        seen.recv().unwrap(),
        format!("CONNECT 127.0.0.1:{} HTTP/1.1", local.port)
    );

    // HTTPS_PROXY is honoured, and NO_PROXY names hosts that go direct.
    let (port, seen) = connect_proxy();
    let proxy = format!("http://127.0.0.1:{port}");
    let with_env = |no_proxy: &str| {
        local
            .cli
            .cmd(&[
                "connect",
                "--profile",
                "local",
                "-x",
                "env",
                "-w",
                "-1",
                "-1",
            ])
            .env("HTTPS_PROXY", &proxy)
            .env("NO_PROXY", no_proxy)
            .run()
    };
    with_env("example.com").expect(0);
    assert_eq!(
        seen.recv().unwrap(),
        format!("CONNECT 127.0.0.1:{} HTTP/1.1", local.port)
    );
    let run = with_env("example.com,127.0.0.1");
    run.expect(0);
    assert_eq!(replies(&run)[0]["body"], "env");
    assert!(seen.try_recv().is_err(), "NO_PROXY went through the proxy");

    // A handshake answered with a redirect: refused without -L.
    let (old, _heads) = recording_server("127.0.0.1", vec![redirect_to("/new")]);
    let url = format!("ws://127.0.0.1:{old}/old");
    let run = connect(&local, &[&url, "-x", "moved"], "");
    run.expect(4);
    assert!(
        run.stderr()
            .starts_with("cwsauth: error: the server refused the WebSocket handshake: HTTP 302"),
        "{}",
        run.stderr()
    );
}

/// A raw HTTP server on `ip`:0 that answers each connection with the next canned response
/// and hands over the request heads it read.
fn recording_server(ip: &str, responses: Vec<String>) -> (u16, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind((ip, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for response in responses {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let _ = tx.send(head);
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (port, rx)
}

fn redirect_to(location: &str) -> String {
    format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n")
}

const REFUSE: &str = "HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\nno";

/// -L follows redirects; credentials (the token's header, Cookie, the token's query
/// parameter) go only to the same scheme, host and port.
#[test]
fn redirects_never_carry_credentials_to_another_origin() {
    let cli = Cli::new();
    let token = "aaa.bbb.ccc";
    // Same origin: the credentials follow.
    let (port, heads) = recording_server("127.0.0.1", vec![redirect_to("/new"), REFUSE.into()]);
    let run = cli.run(&[
        "connect",
        "--token",
        token,
        "-H",
        "Cookie: c=1",
        "-L",
        &format!("ws://127.0.0.1:{port}/old"),
        "-x",
        "m",
    ]);
    run.expect(4);
    let (first, second) = (heads.recv().unwrap(), heads.recv().unwrap());
    assert!(first.starts_with("GET /old HTTP/1.1\r\n"), "{first}");
    assert!(second.starts_with("GET /new HTTP/1.1\r\n"), "{second}");
    assert!(
        second.contains(&format!("Authorization: Bearer {token}\r\n")),
        "{second}"
    );
    assert!(second.contains("Cookie: c=1\r\n"), "{second}");
    // Another host (127.0.0.2 is loopback too): no Authorization, no Cookie, no token query
    // (a server that echoes the query back into Location included).
    for (auth, location) in [
        (&[][..], "/there?keep=1"),
        (
            &["--auth-query", "token"][..],
            "/there?keep=1&token=aaa.bbb.ccc",
        ),
    ] {
        let (other, other_heads) = recording_server("127.0.0.2", vec![REFUSE.into()]);
        let (port, heads) = recording_server(
            "127.0.0.1",
            vec![redirect_to(&format!("ws://127.0.0.2:{other}{location}"))],
        );
        let mut args = vec![
            "connect",
            "--token",
            token,
            "-H",
            "Cookie: c=1",
            "-H",
            "X-Keep: k",
            "-L",
        ];
        args.extend_from_slice(auth);
        let url = format!("ws://127.0.0.1:{port}/old");
        args.extend_from_slice(&[url.as_str(), "-x", "m"]);
        let run = cli.run(&args);
        run.expect(4);
        let first = heads.recv().unwrap();
        assert!(
            first.contains(token),
            "the first request carries it: {first}"
        );
        let there = other_heads.recv().unwrap();
        assert!(
            there.starts_with("GET /there?keep=1 HTTP/1.1\r\n"),
            "{there}"
        );
        assert!(!there.contains(token), "{there}");
        assert!(!there.contains("Cookie"), "{there}");
        assert!(there.contains("X-Keep: k\r\n"), "{there}");
        assert!(!run.stderr().contains(token), "{}", run.stderr());
    }
    // At most --max-redirects.
    let (port, _heads) = recording_server(
        "127.0.0.1",
        vec![redirect_to("/a"), redirect_to("/b"), redirect_to("/c")],
    );
    let run = cli.run(&[
        "connect",
        "--no-auth",
        "-L",
        "--max-redirects",
        "2",
        &format!("ws://127.0.0.1:{port}/"),
        "-x",
        "m",
    ]);
    run.expect(3);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: more than 2 redirects (--max-redirects to follow more)\n"
    );
}

#[test]
fn message_and_frame_limits() {
    let local = logged_in(&[]);
    let big = "a".repeat(100 * 1024);
    let too_big = "b".repeat(cwsauth::quotas::MAX_MESSAGE + 1024);
    // Messages up to the limit go out in 32 KB frames.
    let run = connect(&local, &[], &format!("{big}\n"));
    run.expect(0);
    let got = replies(&run);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0]["body"].as_str().unwrap().len(),
        100 * 1024,
        "sent as 32 KB frames and reassembled"
    );
    // A piped line over the limit is refused while it is read; the next lines still go, and
    // the run exits 1 with the refusal said once.
    let run = connect(&local, &[], &format!("{big}\n{too_big}\nnext\n"));
    run.expect(1);
    let got = replies(&run);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1]["body"], "next");
    assert_eq!(
        run.stderr(),
        format!(
            "Connected (press CTRL+C to quit)\n\
             error: line 2 of the input is longer than the {}-byte message limit; not sent\n\
             Disconnected (code: 1000, reason: \"\")\n\
             cwsauth: error: 1 message was not sent (see above)\n",
            cwsauth::quotas::MAX_MESSAGE
        )
    );
    // One 100 KB frame is over the API's 32 KB frame limit: closed with 1009.
    let run = connect(&local, &["--max-frame-size", "200000"], &format!("{big}\n"));
    run.expect(1);
    assert!(
        run.stderr()
            .contains("Disconnected (code: 1009, reason: \"Message too big\")"),
        "{}",
        run.stderr()
    );
}

#[test]
fn binary_ping_pong_jsonl_and_max_messages() {
    let local = logged_in(&[]);
    let run = connect(
        &local,
        &["--binary", "-x", "hi", "-w", "-1", "--max-messages", "1"],
        "",
    );
    run.expect(0);
    let got = replies(&run);
    assert_eq!(
        (got[0]["body"].as_str(), got[0]["isBase64Encoded"].as_bool()),
        (Some("aGk="), Some(true))
    );
    let run = connect(
        &local,
        &["-P", "--ping-interval", "0.2", "-x", "x", "-w", "3"],
        "",
    );
    run.expect(0);
    assert!(
        run.stderr().contains("Received pong (data: \"\")"),
        "{}",
        run.stderr()
    );
    let run = connect(&local, &["--jsonl", "-1", "-x", "j", "-w", "2"], "");
    run.expect(0);
    let events: Vec<Value> = run
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["open", "message", "close"]);
    assert_eq!(events[1]["type"], "text");
    assert!(events[1]["size"].as_u64().unwrap() > 100);
    // A message with C1 controls (CSI) and a bidi override comes out escaped, and the same
    // text once parsed.
    let hostile = "a\u{9b}31mred\u{202e}gnp.exe";
    let run = connect(&local, &["--jsonl", "-1", "-x", hostile, "-w", "2"], "");
    run.expect(0);
    let line = run.stdout().lines().nth(1).unwrap().to_string();
    assert!(
        line.contains("\\u009b31mred\\u202egnp.exe")
            && !line.contains('\u{9b}')
            && !line.contains('\u{202e}'),
        "{line}"
    );
    let event: Value = serde_json::from_str(&line).unwrap();
    let echoed: Value = serde_json::from_str(event["data"].as_str().unwrap()).unwrap();
    assert_eq!(echoed["body"], hostile);
}

#[test]
fn reconnects_with_a_fresh_token_after_the_server_closes() {
    let local = logged_in(&["--max-connection-time", "1s"]);
    let run = connect(
        &local,
        &[
            "--reconnect",
            "-x",
            "again",
            "-w",
            "-1",
            "--max-messages",
            "2",
        ],
        "",
    );
    run.expect(0);
    let got = replies(&run);
    assert_eq!(got.len(), 2);
    assert_ne!(
        got[0]["requestContext"]["connectionId"],
        got[1]["requestContext"]["connectionId"]
    );
    let err = run.stderr();
    assert!(err.contains("Disconnected (code: 1001, reason: \"Going away\")\nthe server closed the connection\nreconnecting in 1s (attempt 1) with a fresh token\nConnected (press CTRL+C to quit)"), "{err}");
    // Without --reconnect the session just ends.
    let run = connect(&local, &["-x", "once", "-w", "-1"], "");
    run.expect(0);
    assert_eq!(replies(&run).len(), 1);
}

fn websocat() -> Option<String> {
    crate::common::tool("WEBSOCAT").map(|p| p.display().to_string())
}

/// websocat as an echo server on a free port; killed on drop.
struct Websocat(std::process::Child, u16);

impl Websocat {
    fn start(bin: &str, args: &[&str], listen: &str) -> Websocat {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cmd = std::process::Command::new(bin);
        cmd.args(args)
            .arg(format!("{listen}:127.0.0.1:{port}"))
            .arg("mirror:")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = cmd.spawn().unwrap();
        // Ready when it accepts a TCP connection (no other signal exists).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "websocat did not start"
            );
            std::thread::yield_now();
        }
        Websocat(child, port)
    }
}

impl Drop for Websocat {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn websocat_echo_plain_binary_and_tls() {
    let Some(bin) = websocat() else { return };
    let cli = Cli::new();
    let server = Websocat::start(&bin, &["-b"], "ws-l");
    let url = format!("ws://127.0.0.1:{}/", server.1);
    let run = cli.run_with_stdin(
        &[
            "connect",
            "--no-auth",
            &url,
            "--binary",
            "--binary-format",
            "hex",
        ],
        "\u{1}AB\n",
    );
    run.expect(0);
    assert_eq!(run.stdout(), "014142\n");
    let run = cli.run_with_stdin(
        &[
            "connect",
            "--no-auth",
            &url,
            "--binary",
            "--binary-format",
            "base64",
        ],
        "hi\n",
    );
    assert_eq!(run.stdout(), "aGk=\n");

    // TLS with a private CA and a server certificate made now.
    let dir = cli.home.path();
    make_pki(dir);
    let ok = std::process::Command::new("openssl")
        .current_dir(dir)
        .args([
            "pkcs12",
            "-export",
            "-passout",
            "pass:",
            "-inkey",
            "server.key",
            "-in",
            "server.pem",
            "-out",
            "cert.p12",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success());
    let p12 = dir.join("cert.p12");
    let tls = Websocat::start(&bin, &["--pkcs12-der", p12.to_str().unwrap()], "wss-l");
    let url = format!("wss://localhost:{}/", tls.1);
    let ca = dir.join("ca.pem");
    let run = cli.run_with_stdin(
        &["connect", "--no-auth", &url, "--ca", ca.to_str().unwrap()],
        "secure\n",
    );
    run.expect(0);
    assert_eq!(run.stdout(), "secure\n");
    let run = cli.run_with_stdin(&["connect", "--no-auth", &url], "x\n");
    run.expect(3);
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: error: cannot open the WebSocket to {url}: TLS: certificate not trusted (unknown issuer; trust its CA with ca_file or --ca)\n"
        )
    );
    let run = cli.run_with_stdin(&["connect", "--no-auth", &url, "-n"], "insecure\n");
    run.expect(0);
    assert_eq!(run.stdout(), "insecure\n");
}

#[test]
fn terminal_session_under_tmux() {
    let local = logged_in(&[]);
    let Some(tty) = Tmux::start(&format!(
        "CWSAUTH_HOME={} NO_COLOR=1 {} connect --profile local",
        local.cli.home.path().display(),
        env!("CARGO_BIN_EXE_cwsauth")
    )) else {
        return;
    };
    tty.wait_for("Connected (press CTRL+C to quit)");
    tty.send(&["hello tty", "Enter"]);
    let s = tty.wait_for("< {");
    assert!(s.contains("> hello tty"), "{s}");
    assert!(s.contains("\"body\":\"hello tty\""), "{s}");
    tty.send(&["C-c"]);
    let s = tty.wait_for("Disconnected (code: 1000");
    assert!(!s.contains("\u{1b}["), "no colours with NO_COLOR");
}

/// Writes a private CA, a server certificate for localhost and a client certificate into `dir`.
pub(crate) fn make_pki(dir: &std::path::Path) {
    std::fs::write(dir.join("server.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n").unwrap();
    std::fs::write(
        dir.join("client.cnf"),
        "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
    )
    .unwrap();
    let openssl = |args: &[&str]| {
        let ok = std::process::Command::new("openssl")
            .current_dir(dir)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(ok.success(), "openssl {args:?}");
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=cwsauth test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    for (name, cn) in [("server", "localhost"), ("client", "cwsauth-client")] {
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            &format!("/CN={cn}"),
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
        ]);
        openssl(&[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            &format!("{name}.cnf"),
            "-out",
            &format!("{name}.pem"),
        ]);
    }
}

/// A TLS WebSocket echo server on 127.0.0.1 that requires a client certificate from the CA.
fn mtls_echo(dir: &std::path::Path) -> u16 {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    cwsauth::tls::install_tls_provider();
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(dir.join("ca.pem")).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let verifier = rustls::server::WebPkiClientVerifier::builder(std::sync::Arc::new(roots))
        .build()
        .unwrap();
    let chain: Vec<_> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let config = std::sync::Arc::new(
        rustls::ServerConfig::builder()
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)
            .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(3) {
            let Ok(stream) = stream else { continue };
            let conn = rustls::ServerConnection::new(config.clone()).unwrap();
            let tls = rustls::StreamOwned::new(conn, stream);
            let Ok(mut ws) = tokio_tungstenite::tungstenite::accept(tls) else {
                continue;
            };
            while let Ok(msg) = ws.read() {
                if msg.is_text() && ws.send(msg).is_err() {
                    break;
                }
            }
        }
    });
    port
}

#[test]
fn client_certificates() {
    let cli = Cli::new();
    let dir = cli.home.path();
    make_pki(dir);
    let port = mtls_echo(dir);
    let url = format!("wss://localhost:{port}/");
    let path = |f: &str| dir.join(f).to_str().unwrap().to_string();
    let run = cli.run_with_stdin(
        &[
            "connect",
            "--no-auth",
            &url,
            "--ca",
            &path("ca.pem"),
            "--cert",
            &path("client.pem"),
            "--key",
            &path("client.key"),
        ],
        "mutual\n",
    );
    run.expect(0);
    assert_eq!(run.stdout(), "mutual\n");
    // Without a client certificate the server ends the TLS handshake.
    let run = cli.run_with_stdin(
        &[
            "connect",
            "--no-auth",
            &url,
            "--ca",
            &path("ca.pem"),
            "-x",
            "x",
        ],
        "",
    );
    run.expect(3);
    assert!(
        run.stderr().starts_with(&format!(
            "cwsauth: error: cannot open the WebSocket to {url}: "
        )),
        "{}",
        run.stderr()
    );
    assert!(run.stdout().is_empty());
    let run = cli.run_with_stdin(
        &[
            "connect",
            "--no-auth",
            &url,
            "--ca",
            &path("ca.pem"),
            "--cert",
            &path("client.pem"),
            "--key",
            &path("client.key"),
            "--passphrase",
            "x",
        ],
        "",
    );
    run.expect(2);
    assert!(
        run.stderr().starts_with(&format!(
            "cwsauth: error: the client key {} is encrypted, which is not supported",
            path("client.key")
        )),
        "{}",
        run.stderr()
    );
}

#[test]
fn ctrl_c_closes_with_1000_and_a_second_one_exits_at_once() {
    use std::io::BufRead;
    let interrupt = |pid: u32| {
        // SAFETY: kill(2) on a child of this test that has not been reaped.
        assert_eq!(unsafe { libc::kill(pid as libc::pid_t, libc::SIGINT) }, 0);
    };
    let start = |cli: &Cli, args: &[&str]| {
        let mut child = cli
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let err = std::io::BufReader::new(child.stderr.take().unwrap());
        // A session that ignores Ctrl-C is killed, so the reads below end instead of hanging.
        let watchdog = Watchdog::new(child.id(), std::time::Duration::from_secs(60));
        (child, err, watchdog)
    };
    let read_line = |err: &mut std::io::BufReader<std::process::ChildStderr>| {
        let mut line = String::new();
        err.read_line(&mut line).unwrap();
        line
    };

    let local = logged_in(&[]);
    let (mut child, mut err, _watchdog) =
        start(&local.cli, &["connect", "--profile", "local", "-w", "-1"]);
    assert_eq!(read_line(&mut err), "Connected (press CTRL+C to quit)\n");
    interrupt(child.id());
    assert_eq!(
        read_line(&mut err),
        "closing (Ctrl-C again quits at once)\n"
    );
    assert_eq!(
        read_line(&mut err),
        "Disconnected (code: 1000, reason: \"\")\n"
    );
    assert_eq!(child.wait().unwrap().code(), Some(0));

    // A server that never answers the close: the second Ctrl-C does not wait for it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (hold_tx, hold_rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let _ws = tokio_tungstenite::tungstenite::accept(stream).unwrap();
        let _ = hold_rx.recv();
    });
    let (mut child, mut err, _watchdog) = start(
        &local.cli,
        &[
            "connect",
            "--no-auth",
            &format!("ws://127.0.0.1:{port}/"),
            "-w",
            "-1",
        ],
    );
    assert_eq!(read_line(&mut err), "Connected (press CTRL+C to quit)\n");
    interrupt(child.id());
    assert_eq!(
        read_line(&mut err),
        "closing (Ctrl-C again quits at once)\n"
    );
    interrupt(child.id());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    drop(hold_tx);
}

#[test]
fn slash_commands_pretty_and_timestamps() {
    let local = logged_in(&[]);
    let run = connect(
        &local,
        &["--slash", "-P", "-w", "-1"],
        "/ping hello\n/nope\n/close 4000 bye\n",
    );
    run.expect(0);
    let err = run.stderr();
    assert!(err.contains("Received pong (data: \"hello\")\n"), "{err}");
    assert!(
        err.contains(
            "error: unknown command /nope: /ping [data], /pong [data], /close [code [reason]]\n"
        ),
        "{err}"
    );
    assert!(
        err.ends_with("Disconnected (code: 4000, reason: \"bye\")\n"),
        "{err}"
    );
    assert_eq!(run.stdout(), "");

    let run = connect(
        &local,
        &["--pretty", "--timestamps", "-x", "p", "-w", "-1", "-1"],
        "",
    );
    run.expect(0);
    let out = run.stdout();
    let first = out.lines().next().unwrap();
    // [HH:MM:SS.mmm] then the JSON, pretty-printed over many lines.
    assert_eq!(
        (first.len(), &first[0..1], &first[13..]),
        (16, "[", "] {"),
        "{out}"
    );
    assert!(out.contains("\n  \"body\": \"p\",\n"), "{out}");
    assert!(
        run.stderr().lines().all(|l| l.starts_with('[')),
        "{}",
        run.stderr()
    );
}

/// What a tmux command line runs after cwsauth: its exit code, then the terminal's modes one
/// per line (`stty -a` prints them among other words), then a marker.
const STTY: &str =
    "echo EXIT=$?; stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)'; echo STTY-DONE";

/// Waits for the command to end and asserts its exit `code` and that the terminal is back in
/// its normal modes (`icanon`, `echo`), not the line editor's raw mode.
fn sane(tty: &Tmux, how: &str, code: i32) {
    let screen = tty.wait_for("STTY-DONE");
    assert!(
        screen.contains(&format!("EXIT={code}\n")),
        "{how}: {screen}"
    );
    let modes: Vec<&str> = screen
        .lines()
        .map(str::trim)
        .filter(|l| matches!(*l, "icanon" | "-icanon" | "echo" | "-echo"))
        .collect();
    assert_eq!(modes, ["icanon", "echo"], "{how}: {screen}");
}

/// Every way out of an interactive session gives the terminal back: `stty -a` after the
/// command shows `icanon` and `echo`, not the line editor's raw mode.
#[test]
fn the_terminal_is_given_back_on_every_way_out() {
    let tmux = std::process::Command::new("tmux")
        .arg("-V")
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok();
    if !crate::common::present(tmux, "tmux (.ci/run installs it)") {
        return;
    }
    let session = |local: &Local, marker: &str| {
        // `stty -a` prints the modes among other words; one per line makes them easy to read.
        Tmux::start(&format!(
            "CWSAUTH_HOME={} NO_COLOR=1 {} connect --profile local --slash --header 'X-Marker: {marker}'; {STTY}",
            local.cli.home.path().display(),
            env!("CARGO_BIN_EXE_cwsauth")
        ))
        .unwrap()
    };
    let local = logged_in(&[]);
    // Ctrl-C at the prompt.
    let tty = session(&local, "ctrl-c");
    tty.wait_for("Connected (press CTRL+C to quit)");
    tty.send(&["C-c"]);
    sane(&tty, "Ctrl-C", 0);
    // /close.
    let tty = session(&local, "slash-close");
    tty.wait_for("Connected (press CTRL+C to quit)");
    tty.send(&["/close", "Enter"]);
    sane(&tty, "/close", 0);
    // The server closes (API Gateway's maximum connection time), on an emulator of its own so
    // that the cases above never meet that limit on a slow machine.
    let brief = logged_in(&["--max-connection-time", "4s"]);
    let tty = session(&brief, "server-close");
    tty.wait_for("Connected (press CTRL+C to quit)");
    sane(&tty, "server close", 0);
    // Two Ctrl-Cs against a server that never answers our close: the first starts the close,
    // the second (once it is announced) exits 130 at once.
    let silent = silent_ws_server();
    let tty = Tmux::start(&format!(
        "{} connect --no-auth {silent} ; {STTY}",
        env!("CARGO_BIN_EXE_cwsauth")
    ))
    .unwrap();
    tty.wait_for("Connected (press CTRL+C to quit)");
    tty.send(&["C-c"]);
    tty.wait_for("closing (Ctrl-C again quits at once)");
    tty.send(&["C-c"]);
    sane(&tty, "second Ctrl-C", 130);
    // The network goes away.
    let tty = session(&local, "network");
    tty.wait_for("Connected (press CTRL+C to quit)");
    let _home = local.kill();
    sane(&tty, "network error", 1);
}

/// A WebSocket server on 127.0.0.1 that accepts and then never reads or answers anything.
fn silent_ws_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(4) {
            let Ok(stream) = stream else { continue };
            if let Ok(ws) = tokio_tungstenite::tungstenite::accept(stream) {
                held.push(ws);
            }
        }
    });
    format!("ws://127.0.0.1:{port}/")
}

#[test]
fn verbose_shows_the_handshake_without_the_token() {
    let local = logged_in(&[]);
    let token = local.cli.run(&["token", "--profile", "local"]).stdout();
    let run = connect(&local, &["-v", "-x", "hi", "-1"], "");
    run.expect(0);
    let err = run.stderr();
    assert!(err.contains("DEBUG > GET /$default HTTP/1.1\n"), "{err}");
    assert!(
        err.contains("DEBUG > Authorization: Bearer (redacted)\n"),
        "{err}"
    );
    assert!(err.contains("DEBUG < HTTP 101\n"), "{err}");
    assert!(!err.contains(token.trim()), "{err}");
}

/// A TCP server on 127.0.0.1 that accepts and then never reads or answers: a connect stuck in
/// TLS, the proxy's CONNECT or the handshake.
fn mute_tcp_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(64) {
            held.extend(stream.ok());
        }
    });
    port
}

/// A WebSocket server that accepts one connection, closes it, and then refuses every other:
/// `--reconnect` then backs off 1, 2, 4 s… between attempts.
fn one_shot_ws_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Some(Ok(stream)) = listener.incoming().next()
            && let Ok(mut ws) = tokio_tungstenite::tungstenite::accept(stream)
        {
            let _ = ws.close(None);
            let _ = ws.flush();
        }
        drop(listener);
    });
    format!("ws://127.0.0.1:{port}/")
}

/// Ctrl-C ends a connect in every phase before the session (TLS, proxy, handshake, the
/// reconnect back-off), at the prompt and in a pipe, exit 130, the terminal given back; and
/// the second Ctrl-C of a closing session gives it back every time.
#[test]
fn ctrl_c_ends_a_connect_stuck_in_any_phase() {
    let Some(probe) = Tmux::start("true") else {
        return;
    };
    drop(probe);
    let bin = env!("CARGO_BIN_EXE_cwsauth");
    let mute = mute_tcp_server();
    // Each phase, and the -v line that says it has begun.
    let stuck = [
        (
            "handshake",
            format!("ws://127.0.0.1:{mute}/"),
            "DEBUG > GET / HTTP/1.1",
        ),
        (
            "TLS",
            format!("wss://127.0.0.1:{mute}/"),
            "DEBUG TLS with 127.0.0.1",
        ),
        (
            "proxy",
            format!("--proxy http://127.0.0.1:{mute} ws://192.0.2.1/"),
            "DEBUG CONNECT 192.0.2.1:80 through http://127.0.0.1:",
        ),
    ];
    for (phase, target, begun) in &stuck {
        for (mode, stdin) in [("prompt", ""), ("pipe", " < /dev/null")] {
            let how = format!("{phase} at the {mode}");
            let tty = Tmux::start(&format!(
                "NO_COLOR=1 {bin} -v connect --no-auth --connect-timeout 300 {target}{stdin}; {STTY}"
            ))
            .unwrap();
            tty.wait_for(begun);
            tty.send(&["C-c"]);
            sane(&tty, &how, 130);
        }
    }
    // The reconnect back-off.
    let tty = Tmux::start(&format!(
        "{bin} connect --no-auth --reconnect {}; {STTY}",
        one_shot_ws_server()
    ))
    .unwrap();
    tty.wait_for("reconnecting in 2s (attempt 2)");
    tty.send(&["C-c"]);
    sane(&tty, "reconnect back-off", 130);
    // Twenty times: Ctrl-C starts the close, the second quits, the terminal is given back.
    for round in 0..20 {
        let silent = silent_ws_server();
        let tty = Tmux::start(&format!("{bin} connect --no-auth {silent}; {STTY}")).unwrap();
        tty.wait_for("Connected (press CTRL+C to quit)");
        tty.send(&["C-c"]);
        tty.wait_for("closing (Ctrl-C again quits at once)");
        tty.send(&["C-c"]);
        sane(&tty, &format!("second Ctrl-C, round {round}"), 130);
    }
}

/// A WebSocket server that closes its first connection at once and echoes on every other.
fn close_first_then_echo_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().take(8).enumerate() {
            let Ok(stream) = stream else { continue };
            std::thread::spawn(move || {
                let Ok(mut ws) = tokio_tungstenite::tungstenite::accept(stream) else {
                    return;
                };
                if n == 0 {
                    let _ = ws.close(None);
                    let _ = ws.flush();
                    return;
                }
                while let Ok(m) = ws.read() {
                    if m.is_text() && ws.send(m).is_err() {
                        break;
                    }
                }
            });
        }
    });
    format!("ws://127.0.0.1:{port}/")
}

/// After `--reconnect` the prompt is drawn again below "Connected", and typed lines go out.
#[test]
fn the_prompt_comes_back_after_a_reconnect() {
    let Some(tty) = Tmux::start(&format!(
        "NO_COLOR=1 {} connect --no-auth --reconnect {}",
        env!("CARGO_BIN_EXE_cwsauth"),
        close_first_then_echo_server()
    )) else {
        return;
    };
    tty.wait_for("reconnecting in 1s (attempt 1) with a fresh token");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let screen = loop {
        let screen = tty.screen();
        let last = screen.lines().rev().find(|l| !l.trim().is_empty());
        if screen.matches("Connected (press CTRL+C to quit)").count() == 2
            && last.is_some_and(|l| l.trim_end() == ">")
        {
            break screen;
        }
        assert!(std::time::Instant::now() < deadline, "{screen}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    // The first connection's end is said (where the prompt was: it races the close).
    assert!(
        screen.contains("Disconnected (code: 1005, reason: \"\")")
            && screen.contains("connection lost (closed with 1005)\n"),
        "{screen}"
    );
    tty.send(&["-l", "after reconnect"]);
    tty.send(&["Enter"]);
    let screen = tty.wait_for("< after reconnect");
    let last = screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert_eq!(last.trim_end(), ">", "{screen}");
}
