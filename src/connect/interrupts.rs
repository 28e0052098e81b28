//! Ctrl-C, from the signal and from the prompt (where the line editor reads it as a key):
//! counted, so the first closes a session and the second quits, and awaited in every phase.

use crate::Result;

/// Ctrl-C, counted: the first closes the session, the second exits at once.
pub struct Interrupts {
    pub count: u32,
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
    /// Ctrl-C at the prompt, counted by the console (a session reads it from the input).
    console: Option<tokio::sync::watch::Receiver<u32>>,
    /// Lets the prompt read again after a Ctrl-C that did not quit.
    resume: Option<std::sync::mpsc::Sender<()>>,
}

impl Interrupts {
    pub fn new(
        console: Option<tokio::sync::watch::Receiver<u32>>,
        resume: Option<std::sync::mpsc::Sender<()>>,
    ) -> Result<Interrupts> {
        Ok(Interrupts {
            count: 0,
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
                .map_err(|e| crate::Error::Local(format!("cannot handle Ctrl-C: {e}")))?,
            console,
            resume,
        })
    }

    /// The prompt may read again: its Ctrl-C started a close instead of quitting.
    pub fn resume_prompt(&self) {
        if let Some(r) = &self.resume {
            let _ = r.send(());
        }
    }

    /// The next SIGINT.
    pub async fn next(&mut self) {
        #[cfg(unix)]
        self.signal.recv().await;
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        self.count += 1;
    }

    /// Forgets Ctrl-C at the prompt so far (a session has read them as input).
    pub fn seen(&mut self) {
        if let Some(c) = &mut self.console {
            c.borrow_and_update();
        }
    }

    /// The next Ctrl-C, from the signal or at the prompt.
    pub async fn any(&mut self) {
        let console = async {
            let changed = match &mut self.console {
                Some(c) => c.changed().await.is_ok(),
                None => false,
            };
            if !changed {
                // No console, or it has ended: only the signal is left.
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        tokio::select! {
            _ = self.signal.recv() => {}
            _ = console => {}
        }
        #[cfg(not(unix))]
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = console => {}
        }
        self.count += 1;
    }
}
