//! The cockpit's event loop, and headless rendering for tests.
//!
//! The loop is blocking and single-threaded: it polls the terminal with a
//! short timeout, drains every pending key and sync event, applies them to
//! the [`App`], and draws at most once per turn, only when something changed
//! (idle means no drawing), inside synchronized-update escapes so slow SSH
//! links do not tear. Must not: block on anything but the terminal poll.

use std::io;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, CellWidth};
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::queue;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::CockpitData;
use super::app::{App, Intent, Tab};
use super::keymap::Keymap;
use super::render::render;
use super::theme::Theme;
use super::tui::{ShutdownSignals, TerminalGuard, Tty};
use crate::sync::SyncEvent;

/// How long to wait for a key while sync events may arrive.
const POLL_SYNCING: Duration = Duration::from_millis(50);
/// How long to wait for a key otherwise (bounds the reaction to SIGTERM).
const POLL_IDLE: Duration = Duration::from_millis(250);

/// Runs the cockpit until `q` (or SIGTERM/SIGHUP), then restores the terminal.
///
/// `events` feeds sync progress into the status line and the Sync tab. A
/// sync asked for with `r` cannot be started from here (there is nowhere to
/// send it); see [`run_cockpit_with`].
pub fn run_cockpit(data: CockpitData, events: Option<UnboundedReceiver<SyncEvent>>) -> io::Result<()> {
    run_cockpit_with(data, events, None)
}

/// [`run_cockpit`], sending what the user asks of the outside world (a sync)
/// to `intents`.
pub fn run_cockpit_with(
    data: CockpitData,
    mut events: Option<UnboundedReceiver<SyncEvent>>,
    intents: Option<UnboundedSender<Intent>>,
) -> io::Result<()> {
    let keymap = Keymap::defaults().map_err(io::Error::other)?;
    let theme = Theme::from_env();
    let mut app = App::new(data);
    app.set_can_request_sync(intents.is_some());
    let signals = ShutdownSignals::register()?;
    let mut guard = TerminalGuard::enter()?;
    let terminal = guard.terminal_mut();
    while !signals.requested() {
        if let Some(rx) = events.as_mut() {
            loop {
                match rx.try_recv() {
                    Ok(ev) => app.on_sync_event(ev),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        events = None;
                        break;
                    }
                }
            }
        }
        if app.should_quit() {
            break;
        }
        if app.is_dirty() {
            draw(terminal, &app, &theme, &keymap)?;
            app.mark_drawn();
        }
        let timeout = if events.is_some() { POLL_SYNCING } else { POLL_IDLE };
        if event::poll(timeout)? {
            // Coalesce: take every pending event before drawing again.
            loop {
                match event::read()? {
                    Event::Key(key) if key.kind != KeyEventKind::Release => {
                        if let Some(action) = keymap.action_for(&key)
                            && let Some(intent) = app.update(action)
                            && let Some(tx) = &intents
                            && tx.send(intent).is_err()
                        {
                            app.set_can_request_sync(false);
                        }
                    }
                    Event::Resize(..) => app.mark_dirty(),
                    _ => {}
                }
                if app.should_quit() || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
    }
    drop(guard);
    Ok(())
}

fn draw(terminal: &mut Tty, app: &App, theme: &Theme, keymap: &Keymap) -> io::Result<()> {
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    let drawn = terminal.draw(|f| render(f, app, theme, keymap)).map(|_| ());
    // Always end the update, even when the draw failed.
    let ended = queue!(terminal.backend_mut(), EndSynchronizedUpdate).and_then(|()| {
        use std::io::Write;
        terminal.backend_mut().flush()
    });
    drawn.and(ended)
}

/// Renders `app` on an off-screen buffer of `width`×`height` with `theme`.
pub fn render_app_to_buffer(app: &App, theme: &Theme, width: u16, height: u16) -> Buffer {
    let keymap = Keymap::builtin();
    let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
        Ok(t) => t,
        Err(never) => match never {},
    };
    match terminal.draw(|f| render(f, app, theme, &keymap)) {
        Ok(frame) => frame.buffer.clone(),
        Err(never) => match never {},
    }
}

/// The text of a buffer, one line per row, wide characters taking their
/// cells (the cells they cover are skipped), trailing spaces kept.
pub fn buffer_to_string(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width).max(1);
    let mut out = String::new();
    for (y, row) in buffer.content.chunks(width).enumerate() {
        if y > 0 {
            out.push('\n');
        }
        let mut skip = 0u16;
        for cell in row {
            if skip == 0 {
                out.push_str(cell.symbol());
            }
            skip = skip.max(cell.symbol().cell_width()).saturating_sub(1);
        }
    }
    out
}

/// Renders `app` as text (default theme, default keys).
pub fn render_app_to_string(app: &App, width: u16, height: u16) -> String {
    buffer_to_string(&render_app_to_buffer(app, &Theme::default_theme(), width, height))
}

/// Renders `data` on `tab` as text, as a fresh cockpit would show it.
pub fn render_to_string(data: &CockpitData, tab: Tab, width: u16, height: u16) -> String {
    let mut app = App::new(data.clone());
    app.set_tab(tab);
    render_app_to_string(&app, width, height)
}
