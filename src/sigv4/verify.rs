//! Checks a SigV4-signed request as API Gateway checks one on an `AWS_IAM` route: the
//! `Authorization` header or a presigned query, the credential scope, the clock window (or the
//! presigned URL's expiry), the access key, then the signature itself, made again with the
//! official signer over exactly what the client says it signed and compared in constant time.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::{
    SessionTokenMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;

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

/// Checks `request`; `secret_for(access key, session token)` gives the key's secret when the
/// pair is known.
pub fn verify(
    request: &Received<'_>,
    expected: &Expected<'_>,
    secret_for: &dyn Fn(&str, Option<&str>) -> Option<String>,
) -> Result<Signer, Refused> {
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
    check_scope(&claim, expected)?;
    check_time(&claim, expected.now)?;
    let Some(secret) = secret_for(&claim.access_key, claim.token.as_deref()) else {
        return Err(refused(
            "The security token included in the request is invalid.",
            format!(
                "access key {} (or its token) is not one this emulator issued",
                claim.access_key
            ),
        ));
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
                .filter(|p| !p.is_empty() && !p.starts_with("X-Amz-"))
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
        SignableBody::Bytes(b""),
    )
    .map_err(|e| failed(e.to_string()))?;
    let output = sign(signable, &params).map_err(|e| failed(e.to_string()))?;
    Ok(output.signature().to_string())
}

/// `20261207T123456Z` as a time.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let t = chrono::NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%SZ").ok()?;
    let secs = u64::try_from(t.and_utc().timestamp()).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

fn amz_date(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0)
        .map(|d| d.format("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_default()
}
