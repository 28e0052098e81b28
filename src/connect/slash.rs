//! wscat's slash commands (`--slash`): `/ping [data]`, `/pong [data]`, `/close [code [reason]]`.

/// A typed line read as a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slash {
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    /// Our close with the user's code (1000 when none or not a number) and reason.
    Close(u16, String),
    /// `/something` else: said, not sent.
    Unknown(String),
}

/// The command a line starting with `/` names; `None` for any other line.
pub fn parse(line: &[u8]) -> Option<Slash> {
    let rest = line.strip_prefix(b"/")?;
    let text = String::from_utf8_lossy(rest).into_owned();
    let (command, argument) = text.split_once(' ').unwrap_or((text.as_str(), ""));
    Some(match command {
        "ping" => Slash::Ping(argument.as_bytes().to_vec()),
        "pong" => Slash::Pong(argument.as_bytes().to_vec()),
        "close" => {
            let (code, reason) = argument.split_once(' ').unwrap_or((argument, ""));
            Slash::Close(code.parse().unwrap_or(1000), reason.to_string())
        }
        other => Slash::Unknown(other.to_string()),
    })
}

/// What is said for an unknown command.
pub fn unknown(command: &str) -> String {
    format!(
        "unknown command /{}: /ping [data], /pong [data], /close [code [reason]]",
        crate::sanitize::excerpt(command, 40)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_as_wscat_reads_them() {
        assert_eq!(parse(b"hello"), None);
        assert_eq!(parse(b"/ping"), Some(Slash::Ping(Vec::new())));
        assert_eq!(parse(b"/ping a b"), Some(Slash::Ping(b"a b".to_vec())));
        assert_eq!(parse(b"/pong x"), Some(Slash::Pong(b"x".to_vec())));
        assert_eq!(parse(b"/close"), Some(Slash::Close(1000, String::new())));
        assert_eq!(
            parse(b"/close 4001 bye now"),
            Some(Slash::Close(4001, "bye now".into()))
        );
        assert_eq!(parse(b"/close x"), Some(Slash::Close(1000, String::new())));
        assert_eq!(parse(b"/quit"), Some(Slash::Unknown("quit".into())));
    }
}
