//! The terminal: raw mode and the alternate screen, always given back.
//!
//! [`TerminalGuard`] enters raw mode and the alternate screen and hides the
//! cursor; its `Drop` undoes all of it, so every exit path (return, `?`,
//! panic unwinding) restores the tty. A panic hook restores the terminal
//! before the panic message prints (and then runs the previous hook), and
//! [`ShutdownSignals`] turns SIGTERM/SIGHUP (an SSH session dropping) into a
//! flag the event loop checks, so the guard still runs. Must not: draw.

use std::io::{self, Stdout};
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// The terminal type the cockpit draws on.
pub type Tty = Terminal<CrosstermBackend<Stdout>>;

/// Whether the terminal is in cockpit mode (so a panic must restore it).
static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();

/// Puts the terminal back: ends any synchronized update, leaves the alternate
/// screen, shows the cursor, leaves raw mode. Safe to call twice; does nothing
/// when the cockpit does not hold the terminal. Errors are ignored: the tty
/// may already be gone (SSH dropped).
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = execute!(io::stdout(), EndSynchronizedUpdate, LeaveAlternateScreen, Show);
        let _ = disable_raw_mode();
    }
}

/// Installs (once per process) a panic hook that restores the terminal and
/// then runs the hook that was there before, so the message lands on a sane
/// screen.
pub fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Owns the terminal while the cockpit runs; dropping it restores the tty.
pub struct TerminalGuard {
    terminal: Tty,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen and hides the cursor.
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut stdout = io::stdout();
        if let Err(e) = execute!(stdout, EnterAlternateScreen, Hide) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }

    /// The terminal to draw on.
    pub fn terminal_mut(&mut self) -> &mut Tty {
        &mut self.terminal
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// SIGTERM and SIGHUP, caught as a flag while the cockpit runs.
///
/// A first signal sets the flag (the loop ends and the guard restores the
/// terminal); a second one, or any after the cockpit ended, gets the default
/// action (the process ends), so a stuck loop can still be killed.
pub struct ShutdownSignals {
    flag: Arc<AtomicBool>,
    /// Set when dropped: from then on the signals take their default action.
    dropped: Arc<AtomicBool>,
    #[cfg(unix)]
    ids: Vec<signal_hook::SigId>,
}

impl ShutdownSignals {
    /// Starts catching SIGTERM and SIGHUP (no-op off Unix).
    pub fn register() -> io::Result<ShutdownSignals> {
        let flag = Arc::new(AtomicBool::new(false));
        let dropped = Arc::new(AtomicBool::new(false));
        #[cfg(unix)]
        let ids = {
            use signal_hook::consts::{SIGHUP, SIGTERM};
            let mut ids = Vec::new();
            for sig in [SIGTERM, SIGHUP] {
                // Order matters: the default action is checked before the flag is set.
                signal_hook::flag::register_conditional_default(sig, Arc::clone(&flag))?;
                signal_hook::flag::register_conditional_default(sig, Arc::clone(&dropped))?;
                ids.push(signal_hook::flag::register(sig, Arc::clone(&flag))?);
            }
            ids
        };
        Ok(ShutdownSignals {
            flag,
            dropped,
            #[cfg(unix)]
            ids,
        })
    }

    /// Whether a shutdown signal arrived.
    pub fn requested(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

impl Drop for ShutdownSignals {
    fn drop(&mut self) {
        #[cfg(unix)]
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
        self.dropped.store(true, Ordering::SeqCst);
    }
}
