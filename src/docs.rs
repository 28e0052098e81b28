//! The reference tables the README and the man pages both print: exit codes, environment
//! variables and files. One source, so the two cannot disagree (a test compares them).

use crate::exit_codes::ExitCode;

/// Every exit code and what it means.
pub const EXIT_CODES: &[(ExitCode, &str)] = &[
    (
        ExitCode::Success,
        "success: the token is valid, the login worked, the session closed normally (1000/1001) or input ended",
    ),
    (
        ExitCode::Rejected,
        "the answer is no: a rejected token (or `Unauthorized` or a Deny from `--authorizer`), a failed or expired login, not logged in, an abnormal close or a lost connection, input that was refused",
    ),
    (
        ExitCode::Usage,
        "usage or configuration error: a bad flag, config file, profile or input file",
    ),
    (
        ExitCode::Network,
        "network or TLS failure before an answer: JWKS, Cognito or the WebSocket server unreachable, or answering with a server error",
    ),
    (
        ExitCode::HandshakeRejected,
        "`connect`: the server refused the WebSocket handshake (the status is printed)",
    ),
    (
        ExitCode::Local,
        "this machine failed: a file, the keyring, a lock or stdout could not be used",
    ),
    (
        ExitCode::Interrupted,
        "interrupted: Ctrl-C while `connect` was connecting, or a second Ctrl-C in a session",
    ),
];

/// The environment variables the tool reads (besides `CWSAUTH_<KEY>` for each profile key).
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "CWSAUTH_HOME",
        "one folder for every file the tool reads and writes (config.toml, cache/, data/) instead of the platform's folders",
    ),
    (
        "CWSAUTH_PROFILE",
        "the profile to use when `--profile` is not given (default `default`)",
    ),
    (
        "CWSAUTH_<KEY>",
        "a profile key (`CWSAUTH_USER_POOL_ID`, `CWSAUTH_CLIENT_ID`, …), over the config file and under the flags",
    ),
    (
        "CWSAUTH_PASSWORD",
        "the password for `login --password` and `--srp`, instead of a prompt",
    ),
    (
        "CWSAUTH_NEW_PASSWORD",
        "answers `NEW_PASSWORD_REQUIRED` (a temporary password) in `login --password`/`--srp`",
    ),
    (
        "CWSAUTH_TOTP_SECRET",
        "a base32 TOTP secret whose code answers `SOFTWARE_TOKEN_MFA` in `login --password`/`--srp`",
    ),
    (
        "CWSAUTH_TOKEN",
        "the token `connect` sends, instead of the profile's",
    ),
    (
        "CWSAUTH_BROWSER",
        "the command that opens the sign-in page (`--browser-command`)",
    ),
    (
        "CWSAUTH_LOCK_TIMEOUT",
        "seconds a command waits for another cwsauth refreshing the same profile's tokens (default 30)",
    ),
    (
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN",
        "AWS credentials for IAM signing (`connect --iam`, `sign`, `credentials`) when the profile has no identity pool",
    ),
    (
        "AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE",
        "the shared AWS profile (keys, `credential_process` or SSO) and its files, as the AWS CLI reads them",
    ),
    (
        "AWS_REGION, AWS_DEFAULT_REGION",
        "the region signed for when the URL's host does not name one",
    ),
    (
        "AWS_ENDPOINT_URL_SSO",
        "the SSO portal an SSO profile's cached token is traded at, instead of AWS's",
    ),
    (
        "HTTPS_PROXY, NO_PROXY",
        "the proxy for `connect` (and which hosts bypass it), as curl reads them",
    ),
    ("NO_COLOR", "no colour in any output when set and not empty"),
];

/// The files the tool reads and writes, with `CWSAUTH_HOME` set (the platform's config, cache
/// and data folders otherwise).
pub const FILES: &[(&str, &str)] = &[
    (
        "$CWSAUTH_HOME/config.toml",
        "the profiles (~/.config/cwsauth/config.toml on Linux without CWSAUTH_HOME)",
    ),
    (
        "$CWSAUTH_HOME/data/tokens/",
        "the file token store: one file per profile, mode 0600 in a 0700 folder",
    ),
    (
        "$CWSAUTH_HOME/data/locks/",
        "one lock per profile, held while its tokens are refreshed or removed",
    ),
    (
        "$CWSAUTH_HOME/cache/jwks/",
        "the pools' key sets, one file per URL, refetched past `jwks_max_age`",
    ),
    (
        "~/.aws/credentials, ~/.aws/config, ~/.aws/sso/cache/",
        "read only: the AWS chain's shared profiles and the SSO logins `aws sso login` cached",
    ),
    (
        "$CWSAUTH_HOME/data/local-keys.json, local-ca.pem",
        "`cwsauth local --persist`: the emulator's signing keys and CA, kept across restarts",
    ),
];

/// A Markdown table of [`EXIT_CODES`].
pub fn exit_codes_markdown() -> String {
    let mut out = String::from("| code | meaning |\n|---|---|\n");
    for (code, meaning) in EXIT_CODES {
        out.push_str(&format!("| {} | {meaning} |\n", *code as u8));
    }
    out
}

/// A Markdown table of [`ENVIRONMENT`] and [`FILES`].
pub fn environment_and_files_markdown() -> String {
    let mut out = String::from("| variable | what it does |\n|---|---|\n");
    for (name, what) in ENVIRONMENT {
        out.push_str(&format!("| `{name}` | {what} |\n"));
    }
    out.push_str("\n| file | what it holds |\n|---|---|\n");
    for (name, what) in FILES {
        out.push_str(&format!("| `{name}` | {what} |\n"));
    }
    out
}

/// The EXIT STATUS, ENVIRONMENT and FILES sections of a man page (roff).
pub fn man_sections() -> String {
    let roff = |text: &str| text.replace('\\', "\\\\").replace('`', "");
    let mut out = String::from(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in EXIT_CODES {
        out.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            *code as u8,
            roff(meaning)
        ));
    }
    out.push_str(".SH ENVIRONMENT\n");
    for (name, what) in ENVIRONMENT {
        out.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", roff(name), roff(what)));
    }
    out.push_str(".SH FILES\n");
    for (name, what) in FILES {
        out.push_str(&format!(".TP\n\\fI{}\\fR\n{}\n", roff(name), roff(what)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exit_code_is_documented_once() {
        let codes: Vec<u8> = EXIT_CODES.iter().map(|(c, _)| *c as u8).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 130]);
        assert!(man_sections().contains(".TP\n\\fB130\\fR\ninterrupted: Ctrl-C while connect"));
    }
}
