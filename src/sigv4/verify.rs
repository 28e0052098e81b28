//! Checks a SigV4-signed request as API Gateway checks one on an `AWS_IAM` route: the
//! `Authorization` header or a presigned query, the credential scope, the clock window (or the
//! presigned URL's expiry), the access key, then the signature itself, made again with the
//! official signer over exactly what the client says it signed and compared in constant time.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::timefmt::{amz_date, parse_amz_date};

use aws_sigv4::http_request::{
    SessionTokenMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;

/// The query parameters a presigned URL's signer adds (the signer adds them again when the
/// signature is made again); the client's other `X-Amz-*` parameters are its own, and signed.
const SIGNER_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm=",
    "X-Amz-Credential=",
    "X-Amz-Date=",
    "X-Amz-Expires=",
    "X-Amz-SignedHeaders=",
    "X-Amz-Signature=",
    "X-Amz-Security-Token=",
];

/// The clock difference API Gateway allows for a signed header.
const SKEW: Duration = Duration::from_secs(5 * 60);
/// The longest a presigned URL may live (a week).
const MAX_EXPIRES: u64 = 604_800;

/// A request as the server received it.
pub struct Received<'a> {
    pub method: &'a str,
    /// The request target as sent (`/stage?query`).
    pub target: &'a str,
    pub headers: &'a [(String, String)],
    /// The body as received (empty for an upgrade).
    pub body: &'a [u8],
}

/// What the signature must be for.
pub struct Expected<'a> {
    pub region: &'a str,
    pub service: &'a str,
    pub now: SystemTime,
}

/// Who signed a request that checks out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    pub access_key: String,
    pub session_token: Option<String>,
}

/// A refusal: API Gateway's message, and what the log says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub message: String,
    pub note: String,
}

fn refused(message: impl Into<String>, note: impl Into<String>) -> Refused {
    Refused {
        message: message.into(),
        note: note.into(),
    }
}

/// What the client claims it signed.
struct Claim {
    access_key: String,
    scope_date: String,
    region: String,
    service: String,
    signed_headers: Vec<String>,
    signature: String,
    amz_date: String,
    token: Option<String>,
    /// A presigned URL's lifetime; None for the header form.
    expires: Option<u64>,
}

/// What the server knows of an access key (and its session token).
pub enum KeyLookup {
    Known(String),
    /// Temporary credentials that were good and have expired.
    Expired,
    Unknown,
}

/// Checks `request`; `secret_for(access key, session token)` says what is known of the pair.
pub fn verify(
    request: &Received<'_>,
    expected: &Expected<'_>,
    secret_for: &dyn Fn(&str, Option<&str>) -> KeyLookup,
) -> Result<Signer, Refused> {
    let (claim, path, query) = read_claim(request)?;
    check_scope(&claim, expected)?;
    check_time(&claim, expected.now)?;
    let secret = match secret_for(&claim.access_key, claim.token.as_deref()) {
        KeyLookup::Known(secret) => secret,
        KeyLookup::Expired => {
            return Err(refused(
                "The security token included in the request is expired",
                format!(
                    "the credentials of access key {} have expired",
                    claim.access_key
                ),
            ));
        }
        KeyLookup::Unknown => {
            return Err(refused(
                "The security token included in the request is invalid.",
                format!(
                    "access key {} (or its token) is not one this emulator issued",
                    claim.access_key
                ),
            ));
        }
    };
    if !claim.signed_headers.iter().any(|h| h == "host") {
        return Err(refused(
            "Signed headers must include 'host'.",
            "the signature does not cover the host",
        ));
    }
    let ours = resign(request, path, query, &claim, &secret)?;
    let same = aws_lc_rs::constant_time::verify_slices_are_equal(
        ours.as_bytes(),
        claim.signature.as_bytes(),
    )
    .is_ok();
    if !same {
        return Err(refused(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
            format!(
                "signature mismatch for access key {} (signed headers {})",
                claim.access_key,
                claim.signed_headers.join(";")
            ),
        ));
    }
    Ok(Signer {
        access_key: claim.access_key,
        session_token: claim.token,
    })
}

/// The claim of `request` (its `Authorization` header, or its presigned query), and its path
/// and query.
fn read_claim<'a>(request: &Received<'a>) -> Result<(Claim, &'a str, &'a str), Refused> {
    let header = |name: &str| crate::headers::header(request.headers, name);
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target, ""));
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let claim = match header("authorization") {
        Some(value) => header_claim(value, header("x-amz-date"), header("x-amz-security-token"))?,
        None if pairs.iter().any(|(k, _)| k == "X-Amz-Signature") => query_claim(&pairs)?,
        None => {
            return Err(refused(
                "Missing Authentication Token",
                "no Authorization header and no presigned query",
            ));
        }
    };
    Ok((claim, path, query))
}

/// What a signed request says of itself, read without checking it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub access_key: String,
    pub region: String,
    pub service: String,
    pub signed_at: SystemTime,
    pub signed_headers: Vec<String>,
    /// A presigned URL's lifetime in seconds; None for the header form.
    pub expires: Option<u64>,
}

/// What `request` claims: who signed it, for what scope, when.
pub fn claimed(request: &Received<'_>) -> Result<Claimed, Refused> {
    let (claim, ..) = read_claim(request)?;
    let signed_at = parse_amz_date(&claim.amz_date).ok_or_else(|| {
        refused(
            format!(
                "Invalid X-Amz-Date {}",
                crate::sanitize::excerpt(&claim.amz_date, 30)
            ),
            "an X-Amz-Date that is not YYYYMMDDTHHMMSSZ",
        )
    })?;
    Ok(Claimed {
        access_key: claim.access_key,
        region: claim.region,
        service: claim.service,
        signed_at,
        signed_headers: claim.signed_headers,
        expires: claim.expires,
    })
}

/// Why API Gateway would refuse `request` at `now` for its time alone (the 5-minute window of
/// a header signature, a presigned URL's expiry).
pub fn time_refusal(request: &Received<'_>, now: SystemTime) -> Option<Refused> {
    let (claim, ..) = read_claim(request).ok()?;
    check_time(&claim, now).err()
}

/// The canonical request the official signer builds for `request` with `secret` (as its trace
/// shows it, the session token redacted): what the signature should have been made of.
pub fn canonical_request(request: &Received<'_>, secret: &str) -> Result<String, Refused> {
    let (claim, path, query) = read_claim(request)?;
    let capture = std::sync::Arc::new(Capture::default());
    let dispatch = tracing::Dispatch::new(CaptureSubscriber(capture.clone()));
    tracing::dispatcher::with_default(&dispatch, || resign(request, path, query, &claim, secret))?;
    let text = capture
        .0
        .lock()
        .ok()
        .and_then(|c| c.clone())
        .ok_or_else(|| refused("Forbidden", "the signer showed no canonical request"))?;
    Ok(redact_token(&text))
}

/// The session token's value in a canonical request (its header's and its query's), redacted
/// as the signer redacts its header: only its length is left.
pub fn redact_token(text: &str) -> String {
    text.lines()
        .map(|line| line.trim_end_matches('\r'))
        .map(|line| {
            if let Some(value) = line.strip_prefix("x-amz-security-token:")
                && !value.starts_with("** redacted")
            {
                return format!(
                    "x-amz-security-token:** redacted (length={}) **",
                    value.len()
                );
            }
            line.split('&')
                .map(|p| match p.split_once('=') {
                    Some(("X-Amz-Security-Token", v)) => {
                        format!("X-Amz-Security-Token=** redacted (length={}) **", v.len())
                    }
                    _ => p.to_string(),
                })
                .collect::<Vec<_>>()
                .join("&")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `canonical_request` field of aws-sigv4's trace event.
#[derive(Default)]
struct Capture(std::sync::Mutex<Option<String>>);

/// A subscriber that sees only aws-sigv4's events and keeps the canonical request.
struct CaptureSubscriber(std::sync::Arc<Capture>);

impl tracing::field::Visit for &Capture {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "canonical_request"
            && let Ok(mut slot) = self.0.lock()
        {
            *slot = Some(format!("{value:?}"));
        }
    }
}

impl tracing::Subscriber for CaptureSubscriber {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target().starts_with("aws_sigv4")
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut &*self.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// `AWS4-HMAC-SHA256 Credential=AK/DATE/REGION/SERVICE/aws4_request, SignedHeaders=…, Signature=…`.
fn header_claim(value: &str, date: Option<&str>, token: Option<&str>) -> Result<Claim, Refused> {
    let incomplete = || {
        refused(
            format!(
                "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={}",
                crate::sanitize::excerpt(value.split(' ').next().unwrap_or(""), 40)
            ),
            "an Authorization header that is not SigV4",
        )
    };
    let rest = value
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or_else(incomplete)?;
    let field = |name: &str| {
        rest.split(',')
            .map(str::trim)
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_string)
    };
    let (Some(credential), Some(signed), Some(signature), Some(date)) = (
        field("Credential"),
        field("SignedHeaders"),
        field("Signature"),
        date,
    ) else {
        return Err(incomplete());
    };
    let mut claim = scope_claim(&credential, date, signature, &signed)?;
    claim.token = token.map(str::to_string);
    Ok(claim)
}

/// `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`,
/// `X-Amz-Signature` (and `X-Amz-Security-Token`).
fn query_claim(pairs: &[(String, String)]) -> Result<Claim, Refused> {
    let q = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let incomplete = |what: &str| {
        refused(
            format!(
                "AWS query-string parameters must include '{what}'. Re-examine the query-string parameters."
            ),
            format!("a presigned query without {what}"),
        )
    };
    if q("X-Amz-Algorithm") != Some("AWS4-HMAC-SHA256") {
        return Err(incomplete("X-Amz-Algorithm"));
    }
    let credential = q("X-Amz-Credential").ok_or_else(|| incomplete("X-Amz-Credential"))?;
    let date = q("X-Amz-Date").ok_or_else(|| incomplete("X-Amz-Date"))?;
    let signed = q("X-Amz-SignedHeaders").ok_or_else(|| incomplete("X-Amz-SignedHeaders"))?;
    let signature = q("X-Amz-Signature").ok_or_else(|| incomplete("X-Amz-Signature"))?;
    let expires = q("X-Amz-Expires")
        .ok_or_else(|| incomplete("X-Amz-Expires"))?
        .parse::<u64>()
        .map_err(|_| {
            refused(
                "X-Amz-Expires should be a number",
                "X-Amz-Expires is not a number",
            )
        })?;
    if expires > MAX_EXPIRES {
        return Err(refused(
            "X-Amz-Expires must be less than a week (in seconds) that is 604800",
            format!("X-Amz-Expires {expires}"),
        ));
    }
    let mut claim = scope_claim(credential, date, signature.to_string(), signed)?;
    claim.token = q("X-Amz-Security-Token").map(str::to_string);
    claim.expires = Some(expires);
    Ok(claim)
}

fn scope_claim(
    credential: &str,
    date: &str,
    signature: String,
    signed: &str,
) -> Result<Claim, Refused> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key, scope_date, region, service, "aws4_request"] = parts.as_slice() else {
        return Err(refused(
            format!(
                "Credential should be scoped to a valid region, service and terminator: {}",
                crate::sanitize::excerpt(credential, 80)
            ),
            "a credential scope that is not KEY/DATE/REGION/SERVICE/aws4_request",
        ));
    };
    Ok(Claim {
        access_key: access_key.to_string(),
        scope_date: scope_date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        signed_headers: signed.split(';').map(|h| h.to_ascii_lowercase()).collect(),
        signature,
        amz_date: date.to_string(),
        token: None,
        expires: None,
    })
}

fn check_scope(claim: &Claim, expected: &Expected<'_>) -> Result<(), Refused> {
    if claim.service != expected.service {
        return Err(refused(
            format!(
                "Credential should be scoped to correct service: '{}'. ",
                expected.service
            ),
            format!("signed for service {}", claim.service),
        ));
    }
    if claim.region != expected.region {
        return Err(refused(
            format!(
                "Credential should be scoped to a valid region, not '{}'. ",
                claim.region
            ),
            format!(
                "signed for region {}, this API is in {}",
                claim.region, expected.region
            ),
        ));
    }
    if !claim.amz_date.starts_with(&claim.scope_date) || claim.scope_date.len() != 8 {
        return Err(refused(
            format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}'",
                claim.scope_date,
                claim.amz_date.get(..8).unwrap_or("")
            ),
            "the scope's date is not the signature's",
        ));
    }
    Ok(())
}

fn check_time(claim: &Claim, now: SystemTime) -> Result<(), Refused> {
    let Some(signed) = parse_amz_date(&claim.amz_date) else {
        return Err(refused(
            format!(
                "Invalid X-Amz-Date {}",
                crate::sanitize::excerpt(&claim.amz_date, 30)
            ),
            "an X-Amz-Date that is not YYYYMMDDTHHMMSSZ",
        ));
    };
    let stamp = |t: SystemTime| amz_date(t);
    match claim.expires {
        None if signed + SKEW < now => Err(refused(
            format!(
                "Signature expired: {} is now earlier than {} ({} - 5 min.)",
                claim.amz_date,
                stamp(now - SKEW),
                stamp(now)
            ),
            "signed more than 5 minutes ago",
        )),
        None if signed > now + SKEW => Err(refused(
            format!(
                "Signature not yet current: {} is still later than {} ({} + 5 min.)",
                claim.amz_date,
                stamp(now + SKEW),
                stamp(now)
            ),
            "signed more than 5 minutes ahead",
        )),
        Some(expires) if signed + Duration::from_secs(expires) < now => Err(refused(
            format!(
                "Signature expired: {} is now earlier than {}",
                stamp(signed + Duration::from_secs(expires)),
                stamp(now)
            ),
            format!("a presigned URL that expired (X-Amz-Expires {expires})"),
        )),
        Some(_) if signed > now + SKEW => Err(refused(
            format!(
                "Signature not yet current: {} is still later than {} ({} + 5 min.)",
                claim.amz_date,
                stamp(now + SKEW),
                stamp(now)
            ),
            "a presigned URL dated in the future",
        )),
        _ => Ok(()),
    }
}

/// The signature the client should have made, by the official signer.
fn resign(
    request: &Received<'_>,
    path: &str,
    query: &str,
    claim: &Claim,
    secret: &str,
) -> Result<String, Refused> {
    let failed = |e: String| {
        refused(
            "Forbidden",
            format!("the request cannot be signed again: {e}"),
        )
    };
    let time = parse_amz_date(&claim.amz_date).unwrap_or(UNIX_EPOCH);
    let identity = aws_credential_types::Credentials::new(
        &claim.access_key,
        secret,
        claim.token.clone(),
        None,
        "signature-check",
    )
    .into();
    let mut settings = SigningSettings::default();
    settings.excluded_headers = None;
    let token_signed = claim.expires.is_some()
        || claim
            .signed_headers
            .iter()
            .any(|h| h == "x-amz-security-token");
    settings.session_token_mode = if token_signed {
        SessionTokenMode::Include
    } else {
        SessionTokenMode::Exclude
    };
    // The signer adds the X-Amz-* parameters (or headers) itself: what the client sent besides.
    let uri = match claim.expires {
        Some(expires) => {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(Duration::from_secs(expires));
            let rest: Vec<&str> = query
                .split('&')
                .filter(|p| !p.is_empty() && !SIGNER_PARAMS.iter().any(|s| p.starts_with(s)))
                .collect();
            if rest.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", rest.join("&"))
            }
        }
        None => {
            settings.signature_location = SignatureLocation::Headers;
            request.target.to_string()
        }
    };
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&claim.region)
        .name(&claim.service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| failed(e.to_string()))?
        .into();
    let listed: Vec<(String, String)> = claim
        .signed_headers
        .iter()
        .filter(|h| !matches!(h.as_str(), "x-amz-date" | "x-amz-security-token"))
        .map(|h| {
            let value = crate::headers::header(request.headers, h).unwrap_or("");
            (h.clone(), value.trim().to_string())
        })
        .collect();
    let signable = SignableRequest::new(
        request.method,
        uri,
        listed.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(request.body),
    )
    .map_err(|e| failed(e.to_string()))?;
    let output = sign(signable, &params).map_err(|e| failed(e.to_string()))?;
    Ok(output.signature().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A URL presigned by botocore (and the JavaScript SDK, which agree) for AKIDEXAMPLE with a
    /// session token at 2024-01-02T03:04:05Z.
    const PRESIGNED: &str = "/prod?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20240102%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Date=20240102T030405Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Security-Token=TOKEN%2Fwith%2Bchars%3D&X-Amz-Signature=2a12edfa5c0ba05cb527b07feab61a4ecf3acd9a161fdb1190082c422fb06dea";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn received<'a>(target: &'a str, headers: &'a [(String, String)]) -> Received<'a> {
        Received {
            method: "GET",
            target,
            headers,
            body: b"",
        }
    }

    #[test]
    fn another_signers_presigned_url_checks_out_and_shows_its_canonical_request() {
        let headers = [(
            "host".to_string(),
            "abc123.execute-api.us-east-1.amazonaws.com".to_string(),
        )];
        let request = received(PRESIGNED, &headers);
        let claim = claimed(&request).unwrap();
        assert_eq!(
            (
                claim.access_key.as_str(),
                claim.region.as_str(),
                claim.expires
            ),
            ("AKIDEXAMPLE", "us-east-1", Some(300))
        );
        let expected = Expected {
            region: "us-east-1",
            service: "execute-api",
            now: claim.signed_at,
        };
        let known = |_: &str, _: Option<&str>| KeyLookup::Known(SECRET.into());
        let signer = verify(&request, &expected, &known).unwrap();
        assert_eq!(signer.session_token.as_deref(), Some("TOKEN/with+chars="));
        // botocore's canonical request for it, its token redacted.
        assert_eq!(
            canonical_request(&request, SECRET).unwrap(),
            "GET\n/prod\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20240102%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Date=20240102T030405Z&X-Amz-Expires=300&X-Amz-Security-Token=** redacted (length=23) **&X-Amz-SignedHeaders=host\nhost:abc123.execute-api.us-east-1.amazonaws.com\n\nhost\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // A second after its 300 s, the URL has expired.
        let later = claim.signed_at + Duration::from_secs(301);
        assert!(
            time_refusal(&request, later)
                .unwrap()
                .message
                .starts_with("Signature expired: 20240102T030905Z is now earlier than ")
        );
        assert!(time_refusal(&request, claim.signed_at).is_none());
        // Temporary credentials the server knows to have expired are refused as such.
        let expired = |_: &str, _: Option<&str>| KeyLookup::Expired;
        let refusal = verify(&request, &expected, &expired).unwrap_err();
        assert_eq!(
            refusal.message,
            "The security token included in the request is expired"
        );
        let unknown = |_: &str, _: Option<&str>| KeyLookup::Unknown;
        let refusal = verify(&request, &expected, &unknown).unwrap_err();
        assert_eq!(
            refusal.message,
            "The security token included in the request is invalid."
        );
    }
}
