//! The loopback redirect listener (tiny_http): bound before the browser opens, answers only
//! the callback path on a loopback `Host`, checks `state`, and hands the first callback's
//! outcome to the login. Pages are HTML-escaped; the code is never printed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;

use crate::redacted::Secret;
use crate::sanitize::html;

/// What a callback (or a pasted address) brought.
#[derive(Debug)]
pub enum Outcome {
    Code(Secret),
    /// `error=` from the authorization server.
    Denied {
        error: String,
        description: Option<String>,
    },
    StateMismatch,
    NoCode,
    /// Pasted text that is not a callback address.
    NotCallback,
}

impl Outcome {
    /// Reads the query of the address the browser ended on. Without this login's `state`
    /// nothing else in it counts, `error=` included: any web page can send a browser here.
    pub fn from_query(query: &str, expected_state: &Secret) -> Outcome {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let state_ok = get("state").is_some_and(|s| {
            aws_lc_rs::constant_time::verify_slices_are_equal(
                s.as_bytes(),
                expected_state.expose().as_bytes(),
            )
            .is_ok()
        });
        if !state_ok {
            return Outcome::StateMismatch;
        }
        if let Some(error) = get("error") {
            return Outcome::Denied {
                error: crate::sanitize::excerpt(&error, 100),
                description: get("error_description").map(|d| crate::sanitize::excerpt(&d, 300)),
            };
        }
        match get("code") {
            Some(code) if !code.is_empty() => Outcome::Code(Secret::new(code)),
            _ => Outcome::NoCode,
        }
    }

    /// Whether the outcome ends the login (a foreign callback does not).
    pub fn is_final(&self) -> bool {
        !matches!(self, Outcome::StateMismatch | Outcome::NotCallback)
    }
}

/// The loopback servers of one redirect URI.
pub struct LoopbackListener {
    servers: Vec<Arc<tiny_http::Server>>,
    pub redirect_uri: String,
    path: String,
    hosts: Vec<String>,
    done: Arc<AtomicBool>,
}

#[derive(Debug, thiserror::Error)]
pub enum BindError {
    #[error(
        "every redirect URI's port is taken: {0}; stop what holds it or add another redirect_uri registered on the app client"
    )]
    AllTaken(String),
    #[error("redirect_uri {0} is not a loopback http URL with a port")]
    NotLoopback(String),
}

/// True for http URLs on localhost, 127.0.0.1 or ::1.
pub fn is_loopback_redirect(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| u.scheme() == "http" && crate::http::is_loopback(&u))
}

impl LoopbackListener {
    /// Binds the first redirect URI whose port is free; `localhost` listens on both
    /// 127.0.0.1 and ::1, since browsers try either.
    pub fn bind(redirect_uris: &[String]) -> Result<LoopbackListener, BindError> {
        let mut taken = Vec::new();
        for uri in redirect_uris {
            let url = url::Url::parse(uri).map_err(|_| BindError::NotLoopback(uri.clone()))?;
            if !is_loopback_redirect(uri) {
                return Err(BindError::NotLoopback(uri.clone()));
            }
            let port = url.port_or_known_default().unwrap_or(80);
            let host = url.host_str().unwrap_or("localhost").to_string();
            let addrs: Vec<SocketAddr> = match host.as_str() {
                "localhost" => vec![
                    ([127, 0, 0, 1], port).into(),
                    (std::net::Ipv6Addr::LOCALHOST, port).into(),
                ],
                "[::1]" => vec![(std::net::Ipv6Addr::LOCALHOST, port).into()],
                _ => vec![([127, 0, 0, 1], port).into()],
            };
            let mut servers = Vec::new();
            let mut failed = false;
            for (i, addr) in addrs.iter().enumerate() {
                match tiny_http::Server::http(addr) {
                    Ok(s) => servers.push(Arc::new(s)),
                    // ::1 may simply not exist on this machine; any other failure there
                    // (a port taken on ::1) would hand the browser, and the code, to another
                    // process, so it counts as taken.
                    Err(e) if i > 0 && ipv6_unavailable(e.as_ref()) => {}
                    Err(_) => failed = true,
                }
            }
            if failed || servers.is_empty() {
                // Our own half of the pair closes first, so the holder named is the other one.
                servers.clear();
                taken.push(match holder_of(port) {
                    Some(holder) => format!("{port} (held by {holder})"),
                    None => port.to_string(),
                });
                continue;
            }
            let path = match url.path() {
                "" => "/".to_string(),
                p => p.to_string(),
            };
            let hosts = ["localhost", "127.0.0.1", "[::1]"]
                .iter()
                .flat_map(|h| {
                    let with_port = format!("{h}:{port}");
                    if port == 80 {
                        vec![with_port, h.to_string()]
                    } else {
                        vec![with_port]
                    }
                })
                .collect();
            return Ok(LoopbackListener {
                servers,
                redirect_uri: uri.clone(),
                path,
                hosts,
                done: Arc::new(AtomicBool::new(false)),
            });
        }
        Err(BindError::AllTaken(taken.join(", ")))
    }

    /// Serves callbacks on background threads; outcomes go to `tx` (the first final one ends
    /// the flow).
    pub fn serve(&self, expected_state: Secret, tx: Sender<Outcome>) {
        for server in &self.servers {
            let server = server.clone();
            let (path, hosts, done, state, tx) = (
                self.path.clone(),
                self.hosts.clone(),
                self.done.clone(),
                expected_state.clone(),
                tx.clone(),
            );
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    handle(request, &path, &hosts, &done, &state, &tx);
                }
            });
        }
    }

    /// Marks the flow finished: later callbacks are told so and change nothing.
    pub fn finish(&self) {
        self.done.store(true, Ordering::SeqCst);
    }
}

impl Drop for LoopbackListener {
    fn drop(&mut self) {
        for s in &self.servers {
            s.unblock();
        }
    }
}

fn page(status: u16, title: &str, text: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>cwsauth: {t}</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>{t}</h1><p>{x}</p></body></html>",
        t = html(title),
        x = html(text)
    );
    let mut resp = tiny_http::Response::from_data(body.into_bytes()).with_status_code(status);
    // The callback URL holds the code: never cached, never sent on as a Referer.
    for (name, value) in [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
    ] {
        if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            resp.add_header(h);
        }
    }
    resp
}

fn handle(
    request: tiny_http::Request,
    path: &str,
    hosts: &[String],
    done: &AtomicBool,
    state: &Secret,
    tx: &Sender<Outcome>,
) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_ascii_lowercase())
        .unwrap_or_default();
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 must not drive us.
    if !hosts.contains(&host) {
        let _ = request.respond(page(
            400,
            "Bad request",
            "This address only answers the browser's return from sign-in.",
        ));
        return;
    }
    let url = request.url().to_string();
    let (req_path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    if *request.method() != tiny_http::Method::Get || req_path != path {
        let _ = request.respond(page(404, "Not found", "Nothing here."));
        return;
    }
    tracing::debug!("callback {}", crate::redacted::redact_params(&url));
    if done.load(Ordering::SeqCst) {
        let _ = request.respond(page(
            400,
            "Already done",
            "This sign-in is already complete; this tab can be closed.",
        ));
        return;
    }
    let outcome = Outcome::from_query(query, state);
    // Only this login's own callback may end it; a forged one is refused and changes nothing.
    if outcome.is_final() && done.swap(true, Ordering::SeqCst) {
        let _ = request.respond(page(
            400,
            "Already done",
            "This sign-in is already complete; this tab can be closed.",
        ));
        return;
    }
    let response = match &outcome {
        Outcome::Code(_) => page(
            200,
            "Signed in",
            "cwsauth has your sign-in. You can close this tab.",
        ),
        Outcome::Denied { error, description } => page(
            400,
            "Sign-in failed",
            &format!(
                "{error}{}",
                description
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            ),
        ),
        Outcome::StateMismatch => page(
            400,
            "Sign-in refused",
            "This is not the sign-in cwsauth is waiting for (the state does not match); nothing was exchanged.",
        ),
        Outcome::NoCode | Outcome::NotCallback => {
            page(400, "Sign-in failed", "The callback has no code.")
        }
    };
    let _ = request.respond(response);
    let _ = tx.send(outcome);
}

/// Whether a bind error only says this machine has no IPv6 loopback.
fn ipv6_unavailable(error: &(dyn std::error::Error + 'static)) -> bool {
    let Some(io) = error.downcast_ref::<std::io::Error>() else {
        return false;
    };
    #[cfg(unix)]
    if io.raw_os_error() == Some(libc::EAFNOSUPPORT) {
        return true;
    }
    matches!(
        io.kind(),
        std::io::ErrorKind::AddrNotAvailable | std::io::ErrorKind::Unsupported
    )
}

/// The process listening on a TCP port, when /proc can tell (Linux).
fn holder_of(port: u16) -> Option<String> {
    let inode = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .find_map(|file| {
            let text = std::fs::read_to_string(file).ok()?;
            text.lines().skip(1).find_map(|line| {
                let cols: Vec<&str> = line.split_whitespace().collect();
                let local_port = cols.get(1)?.rsplit(':').next()?;
                (u16::from_str_radix(local_port, 16).ok()? == port && cols.get(3)? == &"0A")
                    .then(|| cols.get(9).map(|s| s.to_string()))?
            })
        })?;
    let target = format!("socket:[{inode}]");
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let pid = entry.file_name().to_string_lossy().to_string();
        if !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        if fds
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l.to_string_lossy() == target))
        {
            let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            return Some(format!("{} pid {pid}", comm.trim()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_from_queries() {
        let state = Secret::new("s1");
        assert!(
            matches!(Outcome::from_query("code=abc&state=s1", &state), Outcome::Code(c) if c.expose() == "abc")
        );
        assert!(matches!(
            Outcome::from_query("code=abc&state=s2", &state),
            Outcome::StateMismatch
        ));
        assert!(matches!(
            Outcome::from_query("code=abc", &state),
            Outcome::StateMismatch
        ));
        assert!(matches!(
            Outcome::from_query("state=s1", &state),
            Outcome::NoCode
        ));
        assert!(matches!(
            Outcome::from_query("error=access_denied&error_description=no%3Cb%3E&state=s1", &state),
            Outcome::Denied { error, description: Some(d) } if error == "access_denied" && d == "no<b>"
        ));
        // An error without this login's state is a foreign request, not the end of the login.
        assert!(matches!(
            Outcome::from_query("error=access_denied", &state),
            Outcome::StateMismatch
        ));
        assert!(!Outcome::StateMismatch.is_final());
        assert!(is_loopback_redirect("http://localhost:3000"));
        assert!(is_loopback_redirect("http://127.0.0.1:3000/callback"));
        assert!(!is_loopback_redirect("https://app.example.com/cb"));
    }
}

#[cfg(test)]
mod server_tests {
    use super::*;

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    fn get(port: u16, path: &str, host: &str, method: &str) -> (u16, String) {
        get_at("127.0.0.1".parse().unwrap(), port, path, host, method)
    }

    fn get_at(
        ip: std::net::IpAddr,
        port: u16,
        path: &str,
        host: &str,
        method: &str,
    ) -> (u16, String) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect((ip, port)).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        let status = out[9..12].parse().unwrap();
        (status, out)
    }

    #[test]
    fn one_callback_counts_and_strangers_are_refused() {
        let port = free_port();
        let listener = LoopbackListener::bind(&[format!("http://localhost:{port}/cb")]).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        listener.serve(Secret::new("st"), tx);
        let host = format!("localhost:{port}");
        // DNS rebinding: another name that resolves here.
        let (status, _) = get(
            port,
            "/cb?code=c&state=st",
            &format!("evil.example:{port}"),
            "GET",
        );
        assert_eq!(status, 400);
        assert_eq!(get(port, "/favicon.ico", &host, "GET").0, 404);
        // localhost listens on ::1 too, where the machine has it.
        if listener.servers.len() == 2 {
            assert_eq!(
                get_at("::1".parse().unwrap(), port, "/favicon.ico", &host, "GET").0,
                404
            );
        }
        assert_eq!(get(port, "/cb?code=c&state=st", &host, "POST").0, 404);
        assert!(rx.try_recv().is_err(), "nothing may end the flow so far");
        // A forged callback (another state, with an error) is refused and ends nothing.
        let (status, body) = get(port, "/cb?error=access_denied&state=forged", &host, "GET");
        assert_eq!(status, 400);
        assert!(body.contains("Sign-in refused"), "{body}");
        assert!(matches!(rx.recv().unwrap(), Outcome::StateMismatch));
        let (status, body) = get(port, "/cb?code=c1&state=st", &host, "GET");
        assert_eq!(status, 200);
        assert!(body.contains("<h1>Signed in</h1>"));
        assert!(!body.contains("c1"), "the page must not echo the code");
        let (status, body) = get(
            port,
            "/cb?code=c2&state=st",
            &format!("127.0.0.1:{port}"),
            "GET",
        );
        assert_eq!(status, 400);
        assert!(body.contains("Already done"));
        assert!(matches!(rx.recv().unwrap(), Outcome::Code(c) if c.expose() == "c1"));
        assert!(rx.try_recv().is_err(), "a second callback must not count");
    }

    #[test]
    fn error_pages_escape_html_and_taken_ports_are_named() {
        let port = free_port();
        let listener = LoopbackListener::bind(&[format!("http://127.0.0.1:{port}")]).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        listener.serve(Secret::new("st"), tx);
        let (status, body) = get(
            port,
            "/?error=access_denied&error_description=%3Cscript%3Ex%3C%2Fscript%3E&state=st",
            &format!("127.0.0.1:{port}"),
            "GET",
        );
        assert_eq!(status, 400);
        assert!(
            body.contains("access_denied: &lt;script&gt;x&lt;/script&gt;"),
            "{body}"
        );
        assert!(
            matches!(rx.recv().unwrap(), Outcome::Denied { description: Some(d), .. } if d == "<script>x</script>")
        );
        // Held by this test process: the error names the port (and the holder when /proc says).
        let err = LoopbackListener::bind(&[format!("http://127.0.0.1:{port}")])
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.starts_with(&format!("every redirect URI's port is taken: {port}")),
            "{err}"
        );
    }
}
