//! A user pool's issuer (`iss`) in Cognito's two formats: ORIGINAL
//! (`https://cognito-idp.{region}.amazonaws.com/{pool}`) and UPDATED
//! (`https://issuer-cognito-idp.{region}.amazonaws.com/{pool}`, the pool's
//! `IssuerConfiguration.Type`).

/// Which issuer format a pool uses (Cognito's `IssuerConfiguration.Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IssuerType {
    /// `https://cognito-idp.{region}.amazonaws.com/{pool}`, the default.
    #[default]
    Original,
    /// `https://issuer-cognito-idp.{region}.amazonaws.com/{pool}`.
    Updated,
}

impl IssuerType {
    /// `original` or `updated` (any case), as profiles and environments spell it.
    ///
    /// ```
    /// use cwsauth_verify::issuer::IssuerType;
    /// assert_eq!(IssuerType::parse("UPDATED"), Ok(IssuerType::Updated));
    /// assert!(IssuerType::parse("new").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<IssuerType, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "original" => Ok(IssuerType::Original),
            "updated" => Ok(IssuerType::Updated),
            other => Err(format!("{other:?} is not original or updated")),
        }
    }

    /// The lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            IssuerType::Original => "original",
            IssuerType::Updated => "updated",
        }
    }

    fn host_prefix(self) -> &'static str {
        match self {
            IssuerType::Original => "cognito-idp",
            IssuerType::Updated => "issuer-cognito-idp",
        }
    }
}

/// The issuer of `pool` in `region`, in the given format.
///
/// ```
/// use cwsauth_verify::issuer::{IssuerType, cognito_issuer};
/// assert_eq!(
///     cognito_issuer("eu-west-1", "eu-west-1_AbC", IssuerType::Updated),
///     "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC"
/// );
/// ```
pub fn cognito_issuer(region: &str, pool: &str, kind: IssuerType) -> String {
    format!(
        "https://{}.{region}.amazonaws.com/{pool}",
        kind.host_prefix()
    )
}

/// Reads a Cognito issuer: its format, region and pool; None for any other URL.
///
/// ```
/// use cwsauth_verify::issuer::{IssuerType, parse_cognito_issuer};
/// assert_eq!(
///     parse_cognito_issuer("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X"),
///     Some((IssuerType::Original, "us-east-1", "us-east-1_X"))
/// );
/// assert_eq!(parse_cognito_issuer("https://example.com/us-east-1_X"), None);
/// ```
pub fn parse_cognito_issuer(iss: &str) -> Option<(IssuerType, &str, &str)> {
    let rest = iss.strip_prefix("https://")?;
    let (kind, rest) = if let Some(r) = rest.strip_prefix("issuer-cognito-idp.") {
        (IssuerType::Updated, r)
    } else {
        (IssuerType::Original, rest.strip_prefix("cognito-idp.")?)
    };
    let (region, pool) = rest.split_once(".amazonaws.com/")?;
    let valid = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && pool.split_once('_').is_some_and(|(r, id)| {
            r == region && !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    valid.then_some((kind, region, pool))
}

/// When `actual` is the same pool as `expected` in the other format, that format: what a
/// "wrong issuer" error should name.
///
/// ```
/// use cwsauth_verify::issuer::{IssuerType, other_format_of_same_pool};
/// assert_eq!(
///     other_format_of_same_pool(
///         "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X",
///         "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_X",
///     ),
///     Some(IssuerType::Updated)
/// );
/// ```
pub fn other_format_of_same_pool(expected: &str, actual: &str) -> Option<IssuerType> {
    let (want, r1, p1) = parse_cognito_issuer(expected)?;
    let (got, r2, p2) = parse_cognito_issuer(actual)?;
    (want != got && r1 == r2 && p1 == p2).then_some(got)
}
