//! Which `Host` the emulator answers (DNS rebinding): a web page whose name was rebound to
//! 127.0.0.1 sends its own name, and is refused on every listener, the main port and each
//! function's Runtime API, as webpack-dev-server's `allowedHosts` and vite do.

use std::net::IpAddr;

/// Whether a request's `Host` (name or address, with or without a port) is one the emulator
/// answers: `localhost` (and `*.localhost`), a loopback address, the `--bind` address, or,
/// bound to every interface, any address literal. A missing `Host` is refused.
pub fn allowed(host: Option<&str>, bind: IpAddr) -> bool {
    let Some(host) = host.map(str::trim).filter(|h| !h.is_empty()) else {
        return false;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inside, _)) => inside,
            None => return false,
        }
    } else {
        host.rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host, |(name, _)| name)
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == bind || bind.is_unspecified(),
        Err(_) => false,
    }
}

/// The log line's note and the answer's words for a refused `Host`.
pub fn refusal_note(host: Option<&str>) -> String {
    format!(
        " (Host {} is not this emulator's: only localhost and loopback addresses are answered)",
        crate::sanitize::excerpt(host.unwrap_or("(none)"), 80)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_names_and_addresses_pass() {
        let loopback = IpAddr::from([127, 0, 0, 1]);
        for host in [
            "127.0.0.1:9911",
            "127.0.0.1",
            "localhost:9911",
            "LOCALHOST",
            "app.localhost:1",
            "[::1]:9911",
            "127.8.9.10:1",
            "localhost.",
        ] {
            assert!(allowed(Some(host), loopback), "{host}");
        }
        for host in [
            "evil.example:9911",
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.nip.io:9911",
            "10.0.0.5:9911",
            "[::1",
            "",
        ] {
            assert!(!allowed(Some(host), loopback), "{host}");
        }
        assert!(!allowed(None, loopback));
        // --bind: its own address, and any address literal when bound to every interface.
        let lan = IpAddr::from([10, 0, 0, 5]);
        assert!(allowed(Some("10.0.0.5:9911"), lan));
        assert!(!allowed(Some("10.0.0.6:9911"), lan));
        let any = IpAddr::from([0, 0, 0, 0]);
        assert!(allowed(Some("10.0.0.6:9911"), any));
        assert!(!allowed(Some("box.lan:9911"), any));
    }
}
