//! `cwsauth connect` against servers that behave unlike ours and inputs and outputs that fail:
//! a server that answers a close at once, bursts past --max-messages, a frame and a close in
//! one segment, a server that never answers the handshake, input that is not UTF-8 or never
//! ends, a closed or full stdout, header names as typed.

use std::io::{BufRead, Read, Write};
use std::process::Stdio;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::common::*;

/// What a test server does on each connection.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Echoes each text 100 ms later; answers a close at once (as Python's websockets does).
    SlowEchoQuickClose,
    /// Sends `n` texts in one burst, then echoes.
    Burst(usize),
    /// Sends one text and a 1000 close in a single write.
    FrameAndClose,
    /// Sends a text every 5 ms until the client goes.
    Stream,
    /// Echoes binary frames as hex text.
    BinaryAsHex,
}

/// A WebSocket server on 127.0.0.1:0 running `behaviour` for every connection, on its own
/// runtime thread; stops with the test process.
fn ws_server(behaviour: Behaviour) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(serve(tcp, behaviour));
            }
        });
    });
    format!("ws://127.0.0.1:{port}/")
}

async fn serve(mut tcp: tokio::net::TcpStream, behaviour: Behaviour) {
    use tokio::io::AsyncWriteExt;
    if let Behaviour::FrameAndClose = behaviour {
        // The handshake by hand, then a text frame and a close frame in one write.
        let Ok(ws) = tokio_tungstenite::accept_async(&mut tcp).await else {
            return;
        };
        drop(ws);
        // Once the client's first frame is here (unread, so hanging up sends a reset)...
        let _ = tcp.readable().await;
        let mut bytes = vec![0x81, 5];
        bytes.extend_from_slice(b"hello");
        bytes.extend_from_slice(&[0x88, 2, 0x03, 0xe8]);
        let _ = tcp.write_all(&bytes).await;
        let _ = tcp.flush().await;
        // And hangs up at once: our close frame then meets a reset, which the client must
        // take as the end it already read, not as a failure (the old code exited 1 silently
        // in about 4 runs out of 100 on a busy machine).
        return;
    }
    let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else {
        return;
    };
    let (mut tx, mut rx) = ws.split();
    let (out, mut queue) = tokio::sync::mpsc::unbounded_channel::<Message>();
    let writer = tokio::spawn(async move {
        while let Some(m) = queue.recv().await {
            let close = m.is_close();
            if tx.send(m).await.is_err() || close {
                return;
            }
        }
    });
    match behaviour {
        Behaviour::Burst(n) => {
            for i in 0..n {
                let _ = out.send(Message::text(format!("burst {i}")));
            }
        }
        Behaviour::Stream => {
            let out = out.clone();
            tokio::spawn(async move {
                for i in 0.. {
                    if out.send(Message::text(format!("tick {i}"))).is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            });
        }
        _ => {}
    }
    while let Some(Ok(m)) = rx.next().await {
        match m {
            Message::Text(t) if matches!(behaviour, Behaviour::SlowEchoQuickClose) => {
                let out = out.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    let _ = out.send(Message::Text(t));
                });
            }
            Message::Text(t) => {
                let _ = out.send(Message::Text(t));
            }
            Message::Binary(b) if matches!(behaviour, Behaviour::BinaryAsHex) => {
                let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                let _ = out.send(Message::text(hex));
            }
            Message::Close(_) => {
                let _ = out.send(Message::Close(None));
                break;
            }
            _ => {}
        }
    }
    let _ = writer.await;
}

#[test]
fn end_of_input_keeps_every_reply_from_a_server_that_closes_at_once() {
    let url = ws_server(Behaviour::SlowEchoQuickClose);
    let cli = Cli::new();
    let out = cli.run_with_stdin(&["connect", "--no-auth", &url], b"a\nb\nc\n");
    out.expect(0);
    assert_eq!(out.stdout(), "a\nb\nc\n");
    // -x keeps its replies the same way.
    let out = cli.run_with_stdin(
        &["connect", "--no-auth", "-x", "one", "-x", "two", &url],
        b"",
    );
    out.expect(0);
    assert_eq!(out.stdout(), "one\ntwo\n");
}

#[test]
fn max_messages_prints_exactly_that_many() {
    let url = ws_server(Behaviour::Burst(20));
    let cli = Cli::new();
    for (args, expected) in [
        (&["--max-messages", "3"][..], "burst 0\nburst 1\nburst 2\n"),
        (&["-1"][..], "burst 0\n"),
    ] {
        let mut all = vec!["connect", "--no-auth", url.as_str(), "-w", "-1"];
        all.extend_from_slice(args);
        let out = cli.run_with_stdin(&all, b"");
        out.expect(0);
        assert_eq!(out.stdout(), expected);
    }
}

#[test]
fn a_frame_and_a_close_in_one_segment_print_the_frame_and_exit_by_the_close() {
    let url = ws_server(Behaviour::FrameAndClose);
    let cli = Cli::new();
    for _ in 0..60 {
        let out = cli.run_with_stdin(&["connect", "--no-auth", &url], b"a\n");
        out.expect(0);
        assert_eq!(out.stdout(), "hello\n");
        assert!(
            out.stderr()
                .ends_with("Disconnected (code: 1000, reason: \"\")\n"),
            "{}",
            out.stderr()
        );
    }
}

#[test]
fn input_is_never_dropped_silently() {
    let cli = Cli::new();
    let url = ws_server(Behaviour::BinaryAsHex);
    // A line that is not UTF-8 is refused by number; the others go; the run ends non-zero.
    let out = cli.run_with_stdin(&["connect", "--no-auth", &url], b"a\n\xe9t\xe9\nb\n");
    out.expect(1);
    assert_eq!(out.stdout(), "a\nb\n");
    let err = out.stderr();
    assert!(
        err.contains("error: line 2 of the input is not valid UTF-8 (use --binary to send bytes as they are); not sent\n"),
        "{err}"
    );
    assert!(
        err.ends_with("cwsauth: error: 1 message was not sent (see above)\n"),
        "{err}"
    );
    // --binary: each line is one binary frame, byte for byte.
    let out = cli.run_with_stdin(
        &["connect", "--no-auth", "--binary", &url],
        b"\xe9\x00t\n\xff\n",
    );
    out.expect(0);
    assert_eq!(out.stdout(), "e90074\nff\n");
}

#[test]
fn a_huge_line_is_refused_with_bounded_memory_and_the_next_lines_go_on() {
    let url = ws_server(Behaviour::BinaryAsHex);
    let cli = Cli::new();
    // A small Python parent feeds cwsauth a 64 MiB line and then a short one (through a
    // shell pipe), and reports its peak RSS: measured from this (large, multi-threaded) test process, a child's ru_maxrss
    // would count our pages too.
    const MEASURE: &str = "import resource, subprocess, sys\n\
        feed = '{ head -c 67108864 /dev/zero; printf \"\\\\nafter\\\\n\"; } | \"$0\" \"$@\"'\n\
        r = subprocess.run(['sh', '-c', feed] + sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n\
        sys.stderr.write(r.stderr.decode())\n\
        print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.stdout.decode().strip())\n";
    // The run of cwsauth inside is bounded by its parent's watchdog.
    let measured = crate::common::output(
        std::process::Command::new("python3")
            .args([
                "-c",
                MEASURE,
                env!("CARGO_BIN_EXE_cwsauth"),
                "connect",
                "--no-auth",
                "-w",
                "1",
                &url,
            ])
            .env("CWSAUTH_HOME", cli.home.path()),
        b"",
        std::time::Duration::from_secs(120),
    );
    let report = String::from_utf8_lossy(&measured.stdout).to_string();
    let stderr = String::from_utf8_lossy(&measured.stderr).to_string();
    let mut words = report.split_whitespace();
    let (code, max_rss_kb): (i32, i64) = (
        words.next().unwrap().parse().unwrap(),
        words.next().unwrap().parse().unwrap(),
    );
    assert_eq!(code, 1, "{stderr}");
    // The line after the huge one was sent and echoed.
    assert_eq!(words.next(), Some("after"), "{report}");
    assert!(
        stderr.contains(&format!(
            "error: line 1 of the input is longer than the {}-byte message limit; not sent\n",
            cwsauth::quotas::MAX_MESSAGE
        )),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("cwsauth: error: 1 message was not sent (see above)\n"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("longer than").count(), 1, "{stderr}");
    assert!(max_rss_kb < 50 * 1024, "peak RSS {max_rss_kb} KiB");
}

#[test]
fn a_closed_stdout_ends_the_session_quietly_and_a_full_one_is_an_error() {
    let url = ws_server(Behaviour::Stream);
    let cli = Cli::new();
    let mut child = cli
        .command(&["connect", "--no-auth", &url, "-w", "-1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "tick 0\n");
    // `| head -1`: the reader goes away; connect must end on its own, quietly.
    drop(out);
    let status = wait_bounded(&mut child, Duration::from_secs(30));
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status, Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");

    // /dev/full: the replies cannot be written, and the run says so.
    let run = cli
        .cmd(&["connect", "--no-auth", &url, "-x", "hi", "-w", "0.5"])
        .stdout(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
        .run();
    run.expect(5);
    assert!(
        run.stderr().ends_with(
            "cwsauth: error: cannot write to stdout: No space left on device (os error 28)\n"
        ),
        "{}",
        run.stderr()
    );
}

/// The child's exit code, or None (after killing it) when it runs past `limit`.

#[test]
fn a_server_that_never_answers_the_handshake_times_out() {
    // Accepts TCP and then says nothing.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let holder = std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(2).collect();
        std::thread::sleep(Duration::from_secs(5));
        drop(held);
    });
    let cli = Cli::new();
    let url = format!("ws://127.0.0.1:{port}/");
    let run = cli.run(&["connect", "--no-auth", "--connect-timeout", "1", &url]);
    run.expect(3);
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: error: timed out after 1 s opening the WebSocket to {url} (--connect-timeout to wait longer)\n"
        )
    );
    // The token in the query, under a name of the user's choosing, is never shown.
    let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
    let run = cli.run(&[
        "connect",
        "--token",
        token,
        "--auth-query",
        "idToken",
        "--connect-timeout",
        "1",
        &url,
    ]);
    run.expect(3);
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: error: timed out after 1 s opening the WebSocket to {url}?idToken=(redacted) (--connect-timeout to wait longer)\n"
        )
    );
    holder.join().unwrap();
}

#[test]
fn header_names_go_out_as_typed() {
    use std::io::BufReader;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        head
    });
    let cli = Cli::new();
    let run = cli.run(&[
        "connect",
        "--token",
        "t.t.t",
        "--auth-header",
        "X-Api-TOKEN",
        "-H",
        "clientHeader: v",
        "-H",
        "x-lower: w",
        "-c",
        &format!("ws://127.0.0.1:{port}/$default?x=1"),
        "-x",
        "m",
    ]);
    run.expect(4);
    let head = server.join().unwrap();
    assert!(head.starts_with("GET /$default?x=1 HTTP/1.1\r\n"), "{head}");
    assert!(head.contains("\r\nX-Api-TOKEN: Bearer t.t.t\r\n"), "{head}");
    assert!(
        head.contains("\r\nclientHeader: v\r\nx-lower: w\r\n"),
        "{head}"
    );
    // wscat habits: -c is the URL; a loopback URL without a scheme is ws://, another host's
    // gets a suggestion.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = cli.run(&["connect", "--no-auth", &format!("localhost:{closed}/x")]);
    run.expect(3);
    assert!(
        run.stderr().starts_with(&format!(
            "cwsauth: error: cannot connect to localhost:{closed}"
        )),
        "{}",
        run.stderr()
    );
    let run = cli.run(&["connect", "--no-auth", "example.com:9911"]);
    run.expect(2);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: example.com:9911 has no scheme: did you mean ws://example.com:9911 or wss://example.com:9911?\n"
    );
}
