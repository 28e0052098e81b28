//! AWS Signature Version 4 through the official signer (aws-sigv4): headers for a request, or
//! a presigned URL. Never logs a secret; the session token is signed, as every AWS SDK does.
//! `verify.rs` checks a signed request as API Gateway does.

pub mod verify;

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;

use crate::redacted::Secret;

/// AWS credentials: a key pair and, for temporary ones, a session token.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    /// When temporary credentials expire.
    pub expiration: Option<SystemTime>,
}

/// Why a request could not be signed.
#[derive(Debug, thiserror::Error)]
#[error("cannot sign the request: {0}")]
pub struct SignError(String);

/// What is signed: a request as it will be sent.
pub struct Signable<'a> {
    pub method: &'a str,
    /// The full URL (scheme, host, path and query), already percent-encoded.
    pub url: &'a str,
    /// Headers to sign besides `host` (which comes from the URL).
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

/// Where the signature goes.
pub enum Location {
    /// `Authorization`, `X-Amz-Date` (and `X-Amz-Security-Token`) headers.
    Headers,
    /// A presigned URL valid for this long.
    Query(Duration),
}

/// The scope a signature is for.
pub struct Scope<'a> {
    pub service: &'a str,
    pub region: &'a str,
    pub time: SystemTime,
}

/// What signing gives: headers to add, or query parameters to append (in the signer's order).
pub struct Signed {
    pub headers: Vec<(String, String)>,
    pub params: Vec<(String, String)>,
    /// The signature itself (lower-case hex).
    pub signature: String,
}

/// Signs `request` for `scope` with `credentials`.
pub fn sign_request(
    request: &Signable<'_>,
    scope: &Scope<'_>,
    credentials: &Credentials,
    location: Location,
) -> Result<Signed, SignError> {
    let identity = aws_credential_types::Credentials::new(
        &credentials.access_key_id,
        credentials.secret_access_key.expose(),
        credentials
            .session_token
            .as_ref()
            .map(|t| t.expose().to_string()),
        credentials.expiration,
        "cwsauth",
    )
    .into();
    let mut settings = SigningSettings::default();
    match location {
        Location::Headers => settings.signature_location = SignatureLocation::Headers,
        Location::Query(expires) => {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(expires);
        }
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(scope.region)
        .name(scope.service)
        .time(scope.time)
        .settings(settings)
        .build()
        .map_err(|e| SignError(e.to_string()))?
        .into();
    let signable = SignableRequest::new(
        request.method,
        request.url,
        request
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(request.body),
    )
    .map_err(|e| SignError(e.to_string()))?;
    let output = sign(signable, &params).map_err(|e| SignError(e.to_string()))?;
    let signature = output.signature().to_string();
    let (headers, params) = output.into_parts().0.into_parts();
    Ok(Signed {
        headers: headers
            .into_iter()
            .map(|h| (h.name().to_string(), h.value().to_string()))
            .collect(),
        params: params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_owned()))
            .collect(),
        signature,
    })
}

/// A signed WebSocket upgrade: the URL to open (presigned, or as given) and the headers to add.
pub struct Upgrade {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// Signs the `GET` of a WebSocket upgrade for execute-api in `region`. The canonical request
/// is the one of the same URL over http(s) (the signer takes no ws scheme); `host` is the
/// `Host` header when one is sent instead of the URL's.
pub fn sign_upgrade(
    url: &url::Url,
    host: Option<&str>,
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
    location: Location,
) -> Result<Upgrade, SignError> {
    let mut as_http = url.clone();
    let _ = as_http.set_scheme(match url.scheme() {
        "wss" | "https" => "https",
        _ => "http",
    });
    let headers: Vec<(String, String)> = host
        .map(|h| vec![("host".to_string(), h.to_string())])
        .unwrap_or_default();
    let query = matches!(location, Location::Query(_));
    let signed = sign_request(
        &Signable {
            method: "GET",
            url: as_http.as_str(),
            headers: &headers,
            body: b"",
        },
        &Scope {
            service: "execute-api",
            region,
            time,
        },
        credentials,
        location,
    )?;
    if !query {
        return Ok(Upgrade {
            url: url.to_string(),
            headers: signed.headers,
        });
    }
    let mut presigned = url.clone();
    {
        let mut pairs = presigned.query_pairs_mut();
        for (k, v) in &signed.params {
            pairs.append_pair(k, v);
        }
    }
    Ok(Upgrade {
        url: presigned.to_string(),
        headers: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's published `get-vanilla` test vector (the aws-sigv4 suite's): one signature for
    /// the same request, time and keys.
    #[test]
    fn the_signer_agrees_with_aws_test_vectors() {
        let credentials = Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            session_token: None,
            expiration: None,
        };
        let scope = Scope {
            service: "service",
            region: "us-east-1",
            time: SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160),
        };
        let signed = sign_request(
            &Signable {
                method: "GET",
                url: "https://example.amazonaws.com/",
                headers: &[],
                body: b"",
            },
            &scope,
            &credentials,
            Location::Headers,
        )
        .unwrap();
        assert_eq!(
            signed.signature,
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
        assert!(
            signed
                .headers
                .iter()
                .any(|(k, v)| k == "x-amz-date" && v == "20150830T123600Z")
        );
    }
}
