//! `cwsauth verify-signature`: checks a captured SigV4-signed request (its head, or a
//! presigned URL) against your credentials as API Gateway does, and when the signature does
//! not match shows the canonical request the server builds and the first line where your
//! client's differs.

use std::time::SystemTime;

use crate::cli::VerifySignatureArgs;
use crate::home::Home;
use crate::sigv4::verify::{
    Expected, KeyLookup, Received, canonical_request, claimed, redact_token, time_refusal, verify,
};
use crate::{Error, ExitCode, Result};

/// Most of a captured request or canonical request read.
const MAX_INPUT: usize = 64 * 1024;

/// The request read from the capture.
struct Captured {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

pub fn run(home: &Home, args: VerifySignatureArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let text = match args.request.as_deref() {
        None if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
            return Err(Error::Usage(
                "no request: give a FILE with the captured request (its head, or a presigned URL), or pipe it in".into(),
            ));
        }
        None => super::read_stdin_as("the request")?,
        Some(p) if p.as_os_str() == "-" => super::read_stdin_as("the request")?,
        Some(path) => read_file(path)?,
    };
    let captured = parse(&text)?;
    let request = Received {
        method: &captured.method,
        target: &captured.target,
        headers: &captured.headers,
        body: b"",
    };
    let refusal = |r: crate::sigv4::verify::Refused| {
        Error::Rejected(format!(
            "the request is refused before its signature: {} ({})",
            r.message.trim(),
            r.note
        ))
    };
    let claim = claimed(&request).map_err(refusal)?;
    let resolved = super::aws_credentials(home, &profile, &args.credentials)?;
    let ours = &resolved.credentials;
    if ours.access_key_id != claim.access_key {
        return Err(Error::Rejected(format!(
            "the request was signed with access key {}, and the credentials from {} are for {}: give the ones it was signed with",
            claim.access_key, resolved.from, ours.access_key_id
        )));
    }
    let host = crate::headers::header(&captured.headers, "host").unwrap_or("");
    let region = args.signing_region.clone().unwrap_or_else(|| {
        crate::iam::region_of_host(host).unwrap_or_else(|| claim.region.clone())
    });
    // The signature at its own time: a capture is checked later than it was sent.
    let expected = Expected {
        region: &region,
        service: &args.service,
        now: claim.signed_at,
    };
    let secret = ours.secret_access_key.expose().to_string();
    let lookup = |_: &str, _: Option<&str>| KeyLookup::Known(secret.clone());
    match verify(&request, &expected, &lookup) {
        Ok(_) => {
            let mut lines = vec![format!(
                "the signature is right: access key {}, {} in {}, signed headers {}, signed at {}",
                claim.access_key,
                claim.service,
                claim.region,
                claim.signed_headers.join(";"),
                crate::timefmt::amz_date(claim.signed_at)
            )];
            if let Some(late) = time_refusal(&request, SystemTime::now()) {
                lines.push(format!(
                    "sent now, it would be refused for its time: {}",
                    late.message.trim()
                ));
            }
            crate::output::println(&lines.join("\n"))?;
            Ok(ExitCode::Success)
        }
        Err(refused)
            if refused
                .message
                .starts_with("The request signature we calculated") =>
        {
            let server = canonical_request(&request, &secret).map_err(refusal)?;
            let difference = match &args.canonical_request {
                Some(path) => first_difference(&read_file(path)?, &server),
                None => "your client's canonical request (--canonical-request) would show the first line that differs".into(),
            };
            crate::output::println(&format!(
                "The canonical request the server builds:\n{server}"
            ))?;
            Err(Error::Rejected(format!(
                "the signature does not match (access key {}, signed headers {}): {difference}",
                claim.access_key,
                claim.signed_headers.join(";")
            )))
        }
        Err(refused) => Err(Error::Rejected(format!(
            "the request is refused: {} ({})",
            refused.message.trim(),
            refused.note
        ))),
    }
}

fn read_file(path: &std::path::Path) -> Result<String> {
    let bytes = crate::fsutil::read_capped(path, MAX_INPUT)
        .map_err(|e| Error::Usage(format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes)
        .map_err(|_| Error::Usage(format!("{} is not UTF-8 text", path.display())))
}

/// A request head (`GET /target HTTP/1.1`, then `Name: value` lines, `> ` prefixes as
/// `curl -v` prints them taken off) or a presigned URL.
fn parse(text: &str) -> Result<Captured> {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .map(|l| {
            if l == ">" {
                ""
            } else {
                l.strip_prefix("> ").unwrap_or(l)
            }
        })
        .skip_while(|l| l.trim().is_empty())
        .collect();
    let first = lines.first().map(|l| l.trim()).unwrap_or("");
    if first.is_empty() {
        return Err(Error::Usage(
            "no request: give its head (GET /stage HTTP/1.1, then its headers) or a presigned URL"
                .into(),
        ));
    }
    if ["ws://", "wss://", "http://", "https://"]
        .iter()
        .any(|s| first.starts_with(s))
    {
        let url = url::Url::parse(first).map_err(|e| {
            Error::Usage(format!(
                "{} is not a URL: {e}",
                crate::sanitize::excerpt(first, 80)
            ))
        })?;
        return Ok(Captured {
            method: "GET".into(),
            target: url[url::Position::BeforePath..url::Position::AfterQuery].to_string(),
            headers: vec![("host".into(), crate::headers::host_of(&url).to_string())],
        });
    }
    let mut parts = first.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(Error::Usage(format!(
            "the first line is not a request line (GET /stage HTTP/1.1): {}",
            crate::sanitize::excerpt(first, 80)
        )));
    };
    let mut headers = Vec::new();
    for line in lines.iter().skip(1) {
        if line.trim().is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(Error::Usage(format!(
                "a header line is not `Name: value`: {}",
                crate::sanitize::excerpt(line, 80)
            )));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    Ok(Captured {
        method: method.to_string(),
        target: target.to_string(),
        headers,
    })
}

/// Names the first line where `yours` differs from `server`'s canonical request (the session
/// token compared by its length only, as the server's is shown redacted).
fn first_difference(yours: &str, server: &str) -> String {
    const NAMES: [&str; 3] = ["method", "canonical URI", "canonical query string"];
    let yours = redact_token(yours.trim_end());
    let mine: Vec<&str> = yours.lines().collect();
    let theirs: Vec<&str> = server.lines().collect();
    let headers_end = theirs
        .iter()
        .position(|l| l.is_empty())
        .unwrap_or(theirs.len());
    for i in 0..mine.len().max(theirs.len()) {
        // Lines are compared by number: the two lists differ in length.
        let (a, b) = (mine.get(i).copied(), theirs.get(i).copied());
        if a == b {
            continue;
        }
        let what = match i {
            0..=2 => NAMES.get(i).copied().unwrap_or("").to_string(),
            i if i < headers_end => "a canonical header".into(),
            i if i == headers_end => "the blank line after the headers".into(),
            i if i == headers_end + 1 => "the signed headers".into(),
            _ => "the payload hash".into(),
        };
        let show = |l: Option<&str>| match l {
            Some(l) => format!("{:?}", crate::sanitize::excerpt(l, 200)),
            None => "nothing".into(),
        };
        return format!(
            "line {} ({what}) differs: yours {}, the server's {}",
            i + 1,
            show(a),
            show(b)
        );
    }
    "your canonical request is the server's: the secret key, the date or the scope of the string to sign differ".into()
}
