//! The token lifecycle under faults a real machine produces: profiles with look-alike names,
//! symlinks, folders others can enter, a lock held by another process, rotated refresh tokens
//! and a failure right after the refresh, a TLS-inspecting proxy's private CA, a server error,
//! a refresh in the middle of `connect`.

use std::process::Stdio;

use serde_json::Value;

use crate::common::*;
use crate::login::{emulator, login, store_file, token_posts};

fn stored(local: &Local, profile: &str) -> Value {
    let path = local
        .cli
        .home
        .path()
        .join(format!("data/tokens/{profile}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn profiles_with_look_alike_names_never_share_tokens() {
    let local = Local::start(&[]);
    // Two profiles whose names were the same file name before: team/dev and team_dev.
    for name in ["team/dev", "team_dev"] {
        local
            .cli
            .run(&[
                "configure",
                "--profile",
                name,
                "--client-id",
                PUBLIC_CLIENT,
                "--domain",
                &local.base,
                "--user-pool-id",
                LOCAL_POOL,
                "--idp-endpoint",
                &local.base,
                "--issuer",
                &local.issuer(),
                "--jwks-uri",
                &format!("{}/.well-known/jwks.json", local.issuer()),
            ])
            .expect(0);
    }
    let login_as = |profile: &str, user: (&str, &str)| {
        local
            .cli
            .cmd(&[
                "login",
                "--profile",
                profile,
                "--store",
                "file",
                "--password",
                "--username",
                user.0,
            ])
            .env("CWSAUTH_PASSWORD", user.1)
            .run()
    };
    login_as("team/dev", ("demo", "Demo-Passw0rd!")).expect(0);
    // team_dev is not logged in, whatever team/dev did.
    let run = local.cli.run(&["token", "--profile", "team_dev"]);
    run.expect(1);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: not logged in with profile team_dev: run `cwsauth login --profile team_dev`\n"
    );
    let names: Vec<String> = std::fs::read_dir(local.cli.home.path().join("data/tokens"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("team_dev~"), "{names:?}");
}

#[cfg(unix)]
#[test]
fn symlinks_are_refused_and_open_folders_are_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let (local, redirect) = emulator(&[]);
    login(&local, &redirect, "sign-in", &[]).expect(0);
    let path = store_file(&local);
    // The token file replaced by a symlink to a 0644 file elsewhere: never followed.
    let target = local.cli.home.path().join("elsewhere.json");
    std::fs::copy(&path, &target).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&target, &path).unwrap();
    let run = local.cli.run(&["token", "--profile", "local"]);
    run.expect(2);
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: error: the token store {0} is unreadable ({0} is a symbolic link; refusing to write through it (replace it with a regular file)); it was left as it is: `cwsauth login` replaces it, or delete it\n",
            path.display()
        )
    );
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "the symlink's target keeps its mode");
    std::fs::remove_file(&path).unwrap();
    // A token folder others can enter is set to 0700, with a warning.
    let dir = path.parent().unwrap().to_path_buf();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = login(&local, &redirect, "sign-in", &[]);
    run.expect(0);
    assert!(
        run.stderr().contains(&format!(
            "cwsauth: warning: folder {} had mode 755; set it to 700\n",
            dir.display()
        )),
        "{}",
        run.stderr()
    );
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
}

#[test]
fn a_held_lock_is_reported_and_given_up_on() {
    // Tokens that live 5 s always need a refresh (--min-ttl 60), so `token` takes the lock.
    let (local, redirect) = emulator(&["--token-ttl", "5s"]);
    login(&local, &redirect, "sign-in", &[]).expect(0);
    let lock = local.cli.home.path().join("data/locks/local.lock");
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
        .create(lock.parent().unwrap())
        .unwrap();
    // Another process holds the lock (flock(1) keeps it while its command runs) and, as a
    // cwsauth would, writes its pid into the file.
    let mut holder = std::process::Command::new("flock")
        .arg(&lock)
        .args(["sh", "-c", "echo $$ > \"$0\"; echo $$; exec sleep 30"])
        .arg(&lock)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pid = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(holder.stdout.as_mut().unwrap()),
        &mut pid,
    )
    .unwrap();
    let pid = pid.trim().to_string();
    let run = local
        .cli
        .cmd(&["token", "--profile", "local"])
        .env("CWSAUTH_LOCK_TIMEOUT", "2")
        .run();
    let _ = holder.kill();
    let _ = holder.wait();
    run.expect(5);
    let stderr = run.stderr();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0]
            == format!(
                "Waiting for the token lock {}, held by pid {pid} (another cwsauth is refreshing); giving up after 2 s",
                lock.display()
            ),
        "{}",
        lines[0]
    );
    assert!(
        lines[1]
            == format!(
                "cwsauth: error: gave up after 2 s waiting for the token lock {}, held by pid {pid}: another cwsauth is refreshing; try again, or end it",
                lock.display()
            ),
        "{}",
        lines[1]
    );
    assert_eq!(run.stdout(), "");
}

#[test]
fn rotated_refresh_tokens_are_never_lost() {
    let (local, redirect) = emulator(&["--rotate-refresh-tokens"]);
    login(&local, &redirect, "sign-in", &[]).expect(0);
    let first = stored(&local, "local")["refresh_token"].clone();
    // A refresh that succeeds, then fails to verify (the JWKS cannot be reached): the new
    // refresh token is stored anyway, because the old one is already retired.
    let run = local.cli.run(&[
        "token",
        "--profile",
        "local",
        "--min-ttl",
        "99999",
        "--jwks-uri",
        "http://127.0.0.1:1/jwks.json",
    ]);
    run.expect(3);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: the access token from Cognito could not be checked, the stored tokens stay as they were (with any rotated refresh token): jwks_unavailable: cannot fetch the JWKS from http://127.0.0.1:1/jwks.json: connection refused\n"
    );
    let second = stored(&local, "local")["refresh_token"].clone();
    assert_ne!(first, second, "the rotated refresh token was stored");
    // And it works: the next refresh goes through and rotates again.
    let posts = token_posts(&local);
    local
        .cli
        .run(&["token", "--profile", "local", "--min-ttl", "99999"])
        .expect(0);
    assert_eq!(token_posts(&local), posts + 1);
    let third = stored(&local, "local")["refresh_token"].clone();
    assert_ne!(second, third);
    // The retired one no longer refreshes.
    let mut doc = stored(&local, "local");
    doc["refresh_token"] = first;
    std::fs::write(store_file(&local), doc.to_string()).unwrap();
    let run = local
        .cli
        .run(&["token", "--profile", "local", "--min-ttl", "99999"]);
    run.expect(1);
    assert!(
        run.stderr().contains("has expired or was revoked"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_refresh_during_connect_happens_off_the_async_runtime() {
    // Debug builds panic when blocking HTTP runs inside a runtime; tokens that live 5 s need a
    // refresh before every connection, and --reconnect makes several.
    let local = Local::start(&["--token-ttl", "5s", "--max-connection-time", "1s"]);
    local
        .password_login("file", "--password", ("demo", "Demo-Passw0rd!"), &[])
        .expect(0);
    let run = local.cli.run(&[
        "connect",
        "--profile",
        "local",
        "--reconnect",
        "-x",
        "r",
        "-w",
        "-1",
        "--max-messages",
        "2",
    ]);
    run.expect(0);
    assert_eq!(run.stdout().lines().count(), 2, "{}", run.stderr());
    assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
    // A login and a refresh per connection.
    local.wait_for_lines("POST / 200", 3);
}

/// An HTTPS server on 127.0.0.1 with a certificate from a private CA (as a TLS-inspecting
/// proxy presents), answering every request with `body`.
fn https_server(dir: &std::path::Path, body: String) -> u16 {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use std::io::{BufRead, Write};
    cwsauth::tls::install_tls_provider();
    let chain: Vec<_> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let config = std::sync::Arc::new(
        rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let conn = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let mut reader = std::io::BufReader::new(&mut tls);
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            drop(reader);
            let _ = write!(
                tls,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tls.flush();
        }
    });
    port
}

#[test]
fn a_private_ca_is_trusted_when_named() {
    let cli = Cli::new();
    crate::connect::make_pki(cli.home.path());
    let k = key("k1");
    let port = https_server(
        cli.home.path(),
        cwsauth_verify::signing::jwks_document(&[k]).to_string(),
    );
    let jwks = format!("https://localhost:{port}/{POOL}/.well-known/jwks.json");
    cli.write_config(&format!(
        "[profiles.default]\nuser_pool_id = \"{POOL}\"\nclient_id = \"{CLIENT}\"\njwks_uri = \"{jwks}\"\n"
    ));
    let token = k.sign(&access_claims());
    let now = NOW.to_string();
    // Not trusted by default: one short cause.
    let run = cli.run(&["verify", "--now", &now, &token]);
    run.expect(3);
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: error: jwks_unavailable: cannot fetch the JWKS from {jwks}: TLS: certificate not trusted (unknown issuer; trust its CA with ca_file or --ca)\n"
        )
    );
    // Trusted with the flag, and with the profile key.
    let ca = cli.home.path().join("ca.pem");
    cli.run(&[
        "verify",
        "--now",
        &now,
        "--ca-file",
        ca.to_str().unwrap(),
        &token,
    ])
    .expect(0);
    cli.run(&["configure", "--ca-file", ca.to_str().unwrap()])
        .expect(0);
    let run = cli.run(&["verify", "--now", &now, "--json", &token]);
    run.expect(0);
    assert_eq!(run.json()["valid"], true);
}

#[test]
fn a_server_error_is_not_a_no() {
    // A JSON API that fails with HTTP 500: exit 3 (the server failed), with the status and a
    // short body, never "wrong password".
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        for request in server.incoming_requests().take(1) {
            let _ = request.respond(
                tiny_http::Response::from_string("boom: the pool is down").with_status_code(500),
            );
        }
    });
    let cli = Cli::new();
    let base = format!("http://127.0.0.1:{port}");
    cli.write_config(&format!(
        "[profiles.default]\nuser_pool_id = \"{POOL}\"\nclient_id = \"{CLIENT}\"\nidp_endpoint = \"{base}\"\n"
    ));
    let run = cli
        .cmd(&["login", "--password", "--username", "u", "--store", "file"])
        .env("CWSAUTH_PASSWORD", "p")
        .run();
    run.expect(3);
    assert_eq!(
        run.stderr(),
        format!("cwsauth: error: {base} answered HTTP 500: boom: the pool is down\n")
    );
    // A password that is not UTF-8 is named as such, not as "not set".
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let run = cli
            .cmd(&["login", "--password", "--username", "u", "--store", "file"])
            .env(
                "CWSAUTH_PASSWORD",
                std::ffi::OsStr::from_bytes(b"\xe9t\xe9"),
            )
            .run();
        run.expect(2);
        assert_eq!(
            run.stderr(),
            "cwsauth: error: CWSAUTH_PASSWORD is set but is not valid UTF-8\n"
        );
    }
}

#[test]
fn a_localhost_callback_port_taken_on_ipv6_counts_as_taken() {
    let Ok(v6) = std::net::TcpListener::bind("[::1]:0") else {
        // No IPv6 loopback on this machine: nothing to take.
        return;
    };
    let port = v6.local_addr().unwrap().port();
    let local = Local::start(&["--callback-url", &format!("http://localhost:{port}")]);
    let run = local.cli.run(&[
        "login",
        "--profile",
        "local",
        "--store",
        "file",
        "--no-browser",
        "--redirect-uri",
        &format!("http://localhost:{port}"),
        "--timeout",
        "5s",
    ]);
    run.expect(2);
    assert!(
        run.stderr().starts_with(&format!(
            "cwsauth: error: every redirect URI's port is taken: {port}"
        )),
        "{}",
        run.stderr()
    );
    drop(v6);
}

#[test]
fn a_corrupt_persisted_key_file_names_the_file_and_the_fix() {
    let cli = Cli::new();
    let dir = cli.home.path().join("data");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("local-keys.json"), "{not json").unwrap();
    let run = cli.run(&["local", "--port", "0", "--persist"]);
    run.expect(5);
    assert!(
        run.stderr().starts_with(&format!(
            "cwsauth: error: cannot use the signing keys in {}: ",
            dir.join("local-keys.json").display()
        )) && run
            .stderr()
            .ends_with(": delete the file to start with new keys, or run without --persist\n"),
        "{}",
        run.stderr()
    );
}

/// A one-request HTTP proxy to `upstream` on 127.0.0.1: it says when the request has come and
/// forwards it only when told, so a test can act while an answer is on its way.
fn holding_proxy(
    upstream: u16,
) -> (
    u16,
    std::sync::mpsc::Receiver<()>,
    std::sync::mpsc::Sender<()>,
) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (arrived_tx, arrived) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    // Reads one HTTP message (head and a Content-Length body).
    fn message(stream: &mut std::net::TcpStream) -> Vec<u8> {
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                if data.len() >= end + 4 + length {
                    return data;
                }
            }
            let n = stream.read(&mut buf).unwrap();
            assert_ne!(n, 0, "the message ended early");
            data.extend_from_slice(&buf[..n]);
        }
    }
    std::thread::spawn(move || {
        let (mut client, _) = listener.accept().unwrap();
        let request = message(&mut client);
        arrived_tx.send(()).unwrap();
        release_rx.recv().unwrap();
        let mut server = std::net::TcpStream::connect(("127.0.0.1", upstream)).unwrap();
        server.write_all(&request).unwrap();
        let answer = message(&mut server);
        client.write_all(&answer).unwrap();
    });
    (port, arrived, release)
}

/// A logout while a refresh is on its way sticks: it waits for the refresh, then revokes what
/// the refresh stored and deletes it; nothing comes back afterwards.
#[test]
fn a_logout_during_a_refresh_sticks() {
    use std::io::BufRead;
    let (local, redirect) = emulator(&["--rotate-refresh-tokens"]);
    login(&local, &redirect, "sign-in", &[]).expect(0);
    let (proxy, arrived, release) = holding_proxy(local.port);
    let refresh = local
        .cli
        .command(&[
            "token",
            "--profile",
            "local",
            "--min-ttl",
            "99999",
            "--domain",
            &format!("http://127.0.0.1:{proxy}"),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _w1 = Watchdog::new(refresh.id(), std::time::Duration::from_secs(60));
    arrived
        .recv_timeout(std::time::Duration::from_secs(60))
        .unwrap();
    // The refresh holds the profile's lock now; a logout waits for it (and says so).
    let mut logout = local
        .cli
        .command(&["logout", "--profile", "local"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _w2 = Watchdog::new(logout.id(), std::time::Duration::from_secs(60));
    let mut said = std::io::BufReader::new(logout.stderr.take().unwrap());
    let mut line = String::new();
    while said.read_line(&mut line).unwrap() != 0 && !line.contains("Waiting for the token lock") {}
    assert!(line.contains("Waiting for the token lock"), "{line}");
    release.send(()).unwrap();
    let out = refresh.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut said, &mut rest).unwrap();
    assert_eq!(logout.wait().unwrap().code(), Some(0));
    assert!(
        rest.ends_with("Logged out of profile local: refresh token revoked, tokens deleted\n"),
        "{rest}"
    );
    let run = local.cli.run(&["token", "--profile", "local"]);
    run.expect(1);
    assert!(!store_file(&local).exists());
}

/// A login that replaces a session revokes the replaced refresh token: whichever of two
/// logins is stored last, the other's token is not left alive with no store holding it.
#[test]
fn a_replaced_session_has_its_refresh_token_revoked() {
    let (local, redirect) = emulator(&[]);
    login(&local, &redirect, "sign-in", &[]).expect(0);
    let first = stored(&local, "local")["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    let refresh = |token: &str| {
        local.token(
            &[
                ("grant_type", "refresh_token"),
                ("client_id", cwsauth::local::ids::PUBLIC_CLIENT_ID),
                ("refresh_token", token),
            ],
            None,
        )
    };
    assert_eq!(refresh(&first).0, 200);
    login(&local, &redirect, "sign-in", &[]).expect(0);
    let second = stored(&local, "local")["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(first, second);
    assert_eq!(
        refresh(&first),
        (400, serde_json::json!({"error": "invalid_grant"}))
    );
    assert_eq!(refresh(&second).0, 200);
}
