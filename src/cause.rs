//! Failures worded for people: an error's cause chain on one line, and TLS and I/O failures in a
//! few words. Knows no client or server; every module that words a failure uses it.

/// The first error of type `T` in a cause chain, looking inside `io::Error`s (which wrap their
/// cause without exposing it as `source`).
pub fn find<'a, T: std::error::Error + 'static>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        let mut io = e.downcast_ref::<std::io::Error>();
        while let Some(i) = io {
            let Some(inner) = i.get_ref() else { break };
            if let Some(found) = inner.downcast_ref::<T>() {
                return Some(found);
            }
            io = inner.downcast_ref::<std::io::Error>();
        }
        source = e.source();
    }
    None
}

/// The innermost `io::Error` wrapped in `error`.
pub fn innermost_io(mut error: &std::io::Error) -> &std::io::Error {
    while let Some(inner) = error
        .get_ref()
        .and_then(|i| i.downcast_ref::<std::io::Error>())
    {
        error = inner;
    }
    error
}

/// A TLS failure in a few words.
pub fn tls_cause(error: &rustls::Error) -> String {
    use rustls::{CertificateError, Error};
    match error {
        Error::InvalidCertificate(CertificateError::UnknownIssuer) => {
            "TLS: certificate not trusted (unknown issuer; trust its CA with ca_file or --ca)"
                .into()
        }
        Error::InvalidCertificate(CertificateError::NotValidForName)
        | Error::InvalidCertificate(CertificateError::NotValidForNameContext { .. }) => {
            "TLS: the certificate is for another host name".into()
        }
        Error::InvalidCertificate(CertificateError::Expired)
        | Error::InvalidCertificate(CertificateError::ExpiredContext { .. }) => {
            "TLS: the certificate has expired".into()
        }
        other => format!("TLS: {other}"),
    }
}

/// An I/O failure in a few words.
pub fn io_cause(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::ConnectionRefused => "connection refused".into(),
        ErrorKind::ConnectionReset => "connection reset by the server".into(),
        ErrorKind::TimedOut => "timed out".into(),
        ErrorKind::UnexpectedEof => "the server closed the connection early".into(),
        _ => error.to_string(),
    }
}

/// An error and its causes on one line: "error sending request: connection refused".
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    // reqwest puts the URL in its messages; the URL may carry a code or token in its query.
    crate::redacted::redact_params(&text)
}
