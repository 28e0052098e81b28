//! Header lookups on headers kept as sent (names in their own case, in order), for the
//! client's hand-made handshake and the emulator's request heads.

/// A header's value by name, case-insensitive (the first of that name).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// True when a header `name` lists `token` among its comma-separated values
/// (`Connection: keep-alive, Upgrade`), names and tokens case-insensitive.
pub fn has_token(headers: &[(String, String)], name: &str, token: &str) -> bool {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .any(|(_, v)| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
}

/// The `Host` a URL asks for: its host and any port it names (`[::1]:9911`; a default port is
/// not named).
pub fn host_of(url: &url::Url) -> &str {
    &url[url::Position::BeforeHost..url::Position::AfterPort]
}
