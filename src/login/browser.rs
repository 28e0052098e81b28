//! Opening the authorize URL: the system browser (`open`), a command of the user's choice
//! (`--browser-command`, with the URL as its last argument), or nothing (`--no-browser`).

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
    /// Starts the browser without waiting for it.
    pub fn open(&self, url: &str) -> Result<(), String> {
        match self {
            Browser::None => Ok(()),
            Browser::System => open::that_detached(url).map_err(|e| e.to_string()),
            Browser::Scripted { username, password } => {
                let (url, username, password) =
                    (url.to_string(), username.clone(), password.clone());
                std::thread::spawn(move || {
                    if let Err(e) = sign_in(&url, &username, &password) {
                        crate::output::warn(&format!("the built-in browser failed: {e}"));
                    }
                });
                Ok(())
            }
            Browser::Command(cmd) => {
                let mut words = cmd.split_whitespace();
                let program = words.next().ok_or("the browser command is empty")?;
                std::process::Command::new(program)
                    .args(words)
                    .arg(url)
                    .stdin(std::process::Stdio::null())
                    .spawn()
                    .map(|_| ())
                    .map_err(|e| format!("{program}: {e}"))
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
    let client = crate::http::blocking_client();
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
            .map_err(|e| crate::http::error_chain(&e))
    };
    let login = authorize
        .join(&location(step(&authorize)?)?)
        .map_err(|e| e.to_string())?;
    let page = step(&login)?.text().map_err(|e| e.to_string())?;
    let action = page
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("no sign-in form on the page")?
        .replace("&amp;", "&");
    let post = login.join(&action).map_err(|e| e.to_string())?;
    let resp = client
        .post(post.as_str())
        .form(&[("username", username), ("password", password.expose())])
        .send()
        .map_err(|e| crate::http::error_chain(&e))?;
    let callback = post.join(&location(resp)?).map_err(|e| e.to_string())?;
    step(&callback)?;
    Ok(())
}
