//! Opening the authorize URL: the system browser (`open`), a command of the user's choice
//! (`--browser-command`, split as a shell would, with the URL as its last argument), nothing
//! (`--no-browser`), or the demo's built-in browser that fills in the sign-in form.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Browser {
    System,
    Command(String),
    None,
    /// `cwsauth demo`'s built-in browser: fills in the hosted UI's sign-in form.
    Scripted {
        username: String,
        password: crate::redacted::Secret,
    },
}

impl Browser {
    /// Starts the browser without waiting for it (the built-in one runs to the callback).
    /// The error is one short phrase.
    pub fn open(&self, url: &str) -> Result<(), String> {
        match self {
            Browser::None => Ok(()),
            Browser::System => open::that_detached(url).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => "no browser was found on this machine".to_string(),
                _ => "the system browser could not be started".to_string(),
            }),
            Browser::Scripted { username, password } => sign_in(url, username, password)
                .map_err(|e| format!("the built-in browser failed: {e}")),
            Browser::Command(cmd) => {
                let words = shlex::split(cmd)
                    .ok_or_else(|| format!("the browser command {cmd:?} has an unclosed quote"))?;
                let (program, args) = words.split_first().ok_or("the browser command is empty")?;
                std::process::Command::new(program)
                    .args(args)
                    .arg(url)
                    .stdin(std::process::Stdio::null())
                    .spawn()
                    .map(|_| ())
                    .map_err(|e| match e.kind() {
                        std::io::ErrorKind::NotFound => format!("{program}: no such program"),
                        _ => format!("{program}: {}", crate::cause::io_cause(&e)),
                    })
            }
        }
    }
}

/// Follows the authorize URL to the sign-in form, submits it, and follows the redirect to
/// the callback, as a person's browser would.
fn sign_in(
    authorize: &str,
    username: &str,
    password: &crate::redacted::Secret,
) -> Result<(), String> {
    let client = crate::http::blocking_client().map_err(|e| e.to_string())?;
    let location = |resp: reqwest::blocking::Response| -> Result<String, String> {
        resp.headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| format!("expected a redirect, got HTTP {}", resp.status()))
    };
    let authorize = url::Url::parse(authorize).map_err(|e| e.to_string())?;
    let step = |u: &url::Url| {
        client
            .get(u.as_str())
            .send()
            .map_err(|e| crate::http::cause(&e))
    };
    let login = authorize
        .join(&location(step(&authorize)?)?)
        .map_err(|e| e.to_string())?;
    let deadline = crate::http::deadline();
    let answer = step(&login)?;
    // The page's XSRF cookie goes back with the form, as a browser sends it.
    let cookie = answer
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let page = crate::http::read_capped(login.as_str(), answer, 64 * 1024, deadline)
        .map_err(|e| e.to_string())?;
    let page = String::from_utf8_lossy(&page);
    let csrf = page
        .split("name=\"_csrf\" type=\"hidden\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("")
        .to_string();
    let action = page
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("no sign-in form on the page")?
        .replace("&amp;", "&");
    let post = login.join(&action).map_err(|e| e.to_string())?;
    let mut request = client.post(post.as_str()).form(&[
        ("_csrf", csrf.as_str()),
        ("username", username),
        ("password", password.expose()),
    ]);
    if let Some(cookie) = cookie {
        request = request.header(reqwest::header::COOKIE, cookie);
    }
    let resp = request.send().map_err(|e| crate::http::cause(&e))?;
    let callback = post.join(&location(resp)?).map_err(|e| e.to_string())?;
    step(&callback)?;
    Ok(())
}
