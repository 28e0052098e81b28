//! Opening the authorize URL: the system browser (`open`), a command of the user's choice
//! (`--browser-command`, with the URL as its last argument), or nothing (`--no-browser`).

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Browser {
    System,
    Command(String),
    None,
}

impl Browser {
    /// Starts the browser without waiting for it.
    pub fn open(&self, url: &str) -> Result<(), String> {
        match self {
            Browser::None => Ok(()),
            Browser::System => open::that_detached(url).map_err(|e| e.to_string()),
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
