//! `cwsauth sign`: the SigV4-signed upgrade request of an `AWS_IAM` route, as headers or a
//! presigned URL, for clients that cannot sign (wscat, a browser, a test).

use serde_json::json;

use crate::cli::SignArgs;
use crate::home::Home;
use crate::profile::Key;
use crate::sigv4::{Location, sign_upgrade};
use crate::{Error, ExitCode, Result};

pub fn run(home: &Home, args: SignArgs) -> Result<ExitCode> {
    let profile = super::profile(home, &args.select, args.keys.overrides())?;
    let Some(text) = args
        .url
        .clone()
        .or_else(|| profile.get(Key::WsUrl).map(str::to_string))
    else {
        return Err(Error::Usage(format!(
            "no URL: pass one (wss://…/production) or set it with `cwsauth configure{} --ws-url wss://…`",
            profile.flag()
        )));
    };
    let url = crate::connect::parse_url(&text)?;
    let resolved = super::aws_credentials(home, &profile, &args.credentials)?;
    let region = args
        .signing_region
        .clone()
        .unwrap_or_else(|| crate::iam::region_for(url.as_str(), profile.get(Key::Region)));
    let location = if args.query {
        Location::Query(std::time::Duration::from_secs(args.expires))
    } else {
        Location::Headers
    };
    let time = args.signing_time.unwrap_or_else(std::time::SystemTime::now);
    let signed = sign_upgrade(&url, None, &resolved.credentials, &region, time, location)
        .map_err(|e| Error::Usage(e.to_string()))?;
    let host = crate::headers::host_of(&url);
    if args.json {
        let mut headers = serde_json::Map::new();
        headers.insert("host".into(), json!(host));
        for (k, v) in &signed.headers {
            headers.insert(k.clone(), json!(v));
        }
        let doc = json!({"method": "GET", "url": signed.url, "headers": headers, "region": region, "credentials_from": resolved.from});
        crate::output::println(&doc.to_string())?;
    } else if args.query {
        crate::output::println(&signed.url)?;
    } else {
        let target = &url[url::Position::BeforePath..url::Position::AfterQuery];
        let mut text = format!("GET {target} HTTP/1.1\nhost: {host}");
        for (k, v) in &signed.headers {
            text.push_str(&format!("\n{k}: {v}"));
        }
        crate::output::println(&text)?;
    }
    Ok(ExitCode::Success)
}
