//! Gives the terminal back: the line editor puts it in raw mode while it reads, and a session
//! can end while it waits (a server close, `/close`, Ctrl-C, a panic). The settings from before
//! the session are saved once and restored on every way out.

use std::sync::Mutex;

#[cfg(unix)]
static SAVED: Mutex<Option<libc::termios>> = Mutex::new(None);

/// Restores the terminal when dropped (and from the panic hook and before a forced exit).
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    /// Saves stdin's terminal settings, if it is a terminal.
    pub fn save() -> TerminalGuard {
        #[cfg(unix)]
        {
            // SAFETY: tcgetattr writes a termios for fd 0; a zeroed termios is a valid buffer.
            let mut t: libc::termios = unsafe { std::mem::zeroed() };
            if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut t) } == 0 {
                *SAVED.lock().unwrap_or_else(|p| p.into_inner()) = Some(t);
                let previous = std::panic::take_hook();
                std::panic::set_hook(Box::new(move |info| {
                    restore();
                    previous(info);
                }));
            }
        }
        TerminalGuard { _private: () }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts back the saved settings (no-op when nothing was saved).
pub fn restore() {
    #[cfg(unix)]
    {
        let saved = *SAVED.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = saved {
            // SAFETY: tcsetattr reads the termios saved from the same fd.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t);
            }
        }
    }
}
