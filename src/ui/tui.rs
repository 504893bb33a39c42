//! The terminal: raw mode and the alternate screen, always given back.
//!
//! [`TerminalGuard`] enters raw mode and the alternate screen, hides the
//! cursor and (when asked) captures the mouse; its `Drop` undoes all of it,
//! so every exit path (return, `?`,
//! panic unwinding) restores the tty. A panic hook restores the terminal
//! before the panic message prints (and then runs the previous hook), and
//! [`ShutdownSignals`] turns SIGTERM/SIGHUP (an SSH session dropping) into a
//! flag the event loop checks, so the guard still runs. Must not: draw.

use std::io::{self, Stdout};
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// The terminal type the cockpit draws on.
pub type Tty = Terminal<CrosstermBackend<Stdout>>;

/// Whether the terminal is in cockpit mode (so a panic must restore it).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Whether the cockpit captured the mouse (so restoring must release it).
static MOUSE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();

/// Puts the terminal back: ends any synchronized update, releases the
/// mouse, leaves the alternate screen, shows the cursor, leaves raw mode.
/// Safe to call twice; does nothing when the cockpit does not hold the
/// terminal. Errors are ignored: the tty may already be gone (SSH dropped).
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        if MOUSE.swap(false, Ordering::SeqCst) {
            let _ = execute!(io::stdout(), DisableMouseCapture);
        }
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
        TerminalGuard::enter_with(false)
    }

    /// [`TerminalGuard::enter`], capturing the mouse when `mouse` is set.
    pub fn enter_with(mouse: bool) -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut stdout = io::stdout();
        if let Err(e) = execute!(stdout, EnterAlternateScreen, Hide) {
            restore();
            return Err(e);
        }
        if mouse {
            MOUSE.store(true, Ordering::SeqCst);
            if let Err(e) = execute!(stdout, EnableMouseCapture) {
                restore();
                return Err(e);
            }
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

/// How often the watchdog looks at the flag and the terminal.
const WATCH_TICK: Duration = Duration::from_millis(500);
/// How long the event loop gets to end by itself after a signal.
const GRACE: Duration = Duration::from_secs(1);

/// SIGTERM and SIGHUP, caught as a flag while the cockpit runs.
///
/// A first signal sets the flag (the loop ends and the guard restores the
/// terminal); a second one, or any after the cockpit ended, gets the default
/// action (the process ends), so a stuck loop can still be killed.
///
/// A watchdog thread covers the case the loop cannot: when the terminal is
/// hung up (an SSH session or a tmux pane that went away), crossterm's event
/// poll spins on the dead tty and never returns, so the flag is never seen.
/// If the loop has not ended [`GRACE`] after a signal, or the terminal the
/// cockpit started on is gone, the watchdog restores what it can and ends the
/// process the way SIGHUP would. It wakes twice a second and does nothing else.
pub struct ShutdownSignals {
    flag: Arc<AtomicBool>,
    /// Set when dropped: from then on the signals take their default action.
    dropped: Arc<AtomicBool>,
    #[cfg(unix)]
    ids: Vec<signal_hook::SigId>,
    #[cfg(unix)]
    watchdog: Option<std::thread::JoinHandle<()>>,
}

impl ShutdownSignals {
    /// Starts catching SIGTERM and SIGHUP (no-op off Unix).
    pub fn register() -> io::Result<ShutdownSignals> {
        let flag = Arc::new(AtomicBool::new(false));
        let dropped = Arc::new(AtomicBool::new(false));
        #[cfg(unix)]
        let (ids, watchdog) = {
            use signal_hook::consts::{SIGHUP, SIGTERM};
            let mut ids = Vec::new();
            let last = Arc::new(AtomicUsize::new(0));
            for sig in [SIGTERM, SIGHUP] {
                // Order matters: the default action is checked before the flag is set.
                signal_hook::flag::register_conditional_default(sig, Arc::clone(&flag))?;
                signal_hook::flag::register_conditional_default(sig, Arc::clone(&dropped))?;
                ids.push(signal_hook::flag::register_usize(
                    sig,
                    Arc::clone(&last),
                    usize::try_from(sig).unwrap_or(0),
                )?);
                ids.push(signal_hook::flag::register(sig, Arc::clone(&flag))?);
            }
            let watch = Watch {
                flag: Arc::clone(&flag),
                dropped: Arc::clone(&dropped),
                last,
            };
            let watchdog = std::thread::Builder::new()
                .name("cockpit-watchdog".into())
                .spawn(move || watch.run())?;
            (ids, Some(watchdog))
        };
        Ok(ShutdownSignals {
            flag,
            dropped,
            #[cfg(unix)]
            ids,
            #[cfg(unix)]
            watchdog,
        })
    }

    /// Whether a shutdown signal arrived.
    pub fn requested(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

/// What the watchdog thread watches.
#[cfg(unix)]
struct Watch {
    flag: Arc<AtomicBool>,
    dropped: Arc<AtomicBool>,
    /// The number of the last signal caught.
    last: Arc<AtomicUsize>,
}

#[cfg(unix)]
impl Watch {
    fn run(self) {
        use std::io::IsTerminal;
        use std::time::Instant;
        // crossterm reads /dev/tty when stdin is no terminal; only a terminal
        // that was there at start can be seen to go away.
        let had_tty = io::stdin().is_terminal();
        let mut since: Option<Instant> = None;
        loop {
            std::thread::park_timeout(WATCH_TICK);
            if self.dropped.load(Ordering::SeqCst) {
                return;
            }
            let gone = had_tty && !io::stdin().is_terminal();
            let signalled = self.flag.load(Ordering::SeqCst);
            if signalled {
                since.get_or_insert_with(Instant::now);
            }
            if gone || since.is_some_and(|t| t.elapsed() >= GRACE) {
                let sig = match self.last.load(Ordering::SeqCst) {
                    0 => signal_hook::consts::SIGHUP,
                    n => i32::try_from(n).unwrap_or(signal_hook::consts::SIGHUP),
                };
                tracing::warn!(
                    signal = sig,
                    tty_gone = gone,
                    "the cockpit's loop did not end; ending the process"
                );
                // Best effort: a hung-up tty ignores it, a live one is restored.
                restore();
                let _ = signal_hook::low_level::emulate_default_handler(sig);
                return;
            }
        }
    }
}

impl Drop for ShutdownSignals {
    fn drop(&mut self) {
        #[cfg(unix)]
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
        self.dropped.store(true, Ordering::SeqCst);
        #[cfg(unix)]
        if let Some(w) = self.watchdog.take() {
            w.thread().unpark();
            let _ = w.join();
        }
    }
}
