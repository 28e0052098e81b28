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
    let expiration = c.expiration.map(|t| {
        let secs = t
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        crate::timefmt::rfc3339(i64::try_from(secs).unwrap_or(0))
    });
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
    if let (Some(e), Some(left)) = (&expiration, crate::iam::seconds_left(c)) {
        lines.push(format!(
            "expires:     {e} ({})",
            crate::timefmt::relative(
                "exp",
                crate::timefmt::now_epoch() + left,
                crate::timefmt::now_epoch()
            )
        ));
    }
    if resolved.kept {
        lines.push("kept:        yes (no call was made)".into());
    }
    crate::output::println(&lines.join("\n"))?;
    Ok(ExitCode::Success)
}
