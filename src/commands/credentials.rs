//! `cwsauth credentials`: the AWS credentials IAM signing uses and where they come from; with
//! `--json`, in the `credential_process` format, so the AWS CLI and SDKs can use them too.

use serde_json::json;

use crate::cli::CredentialsArgs;
use crate::home::Home;
use crate::{ExitCode, Result};

pub fn run(home: &Home, args: CredentialsArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let resolved = super::aws_credentials(home, &profile, &args.credentials)?;
    let c = &resolved.credentials;
    let expires_at = c.expiration.map(|t| {
        t.duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    });
    let expiration = expires_at.map(crate::timefmt::rfc3339);
    if args.json {
        // The AWS CLI's credential_process format: printed on purpose, secrets included.
        let mut doc = json!({
            "Version": 1,
            "AccessKeyId": c.access_key_id,
            "SecretAccessKey": c.secret_access_key.expose(),
        });
        if let Some(token) = &c.session_token {
            doc["SessionToken"] = json!(token.expose());
        }
        if let Some(e) = &expiration {
            doc["Expiration"] = json!(e);
        }
        crate::output::println(&doc.to_string())?;
        return Ok(ExitCode::Success);
    }
    let mut lines = vec![
        format!("from:        {}", resolved.from),
        format!("access key:  {}", c.access_key_id),
    ];
    if let (Some(e), Some(at)) = (&expiration, expires_at) {
        let now = crate::timefmt::now_epoch();
        lines.push(format!(
            "expires:     {e} ({})",
            crate::timefmt::relative("exp", at, now)
        ));
    }
    if resolved.kept {
        lines.push("kept:        yes (no call was made)".into());
    }
    crate::output::println(&lines.join("\n"))?;
    Ok(ExitCode::Success)
}
