//! The cockpit's event loop, and headless rendering for tests.
//!
//! The loop is blocking and single-threaded: it waits for a key with a
//! timeout, drains every pending key, sync event and data refresh, applies
//! them to the [`App`], and draws only when something changed, at most once
//! per [`FRAME`] (a burst of keys or sync pages becomes one frame), inside
//! synchronized-update escapes so slow SSH links do not tear. Idle, it only
//! wakes to look at its channel and the shutdown flag a few times a second,
//! and draws nothing. Must not: block on anything but the terminal poll.

use std::io;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, CellWidth};
use ratatui::crossterm::event::{
    self, Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::crossterm::queue;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::CockpitData;
use super::action::Action;
use super::app::{App, CockpitEvent, Intent, Tab};
use super::input::Edit;
use super::keymap::Keymap;
use super::render::{render, tab_at};
use super::settings::UiSettings;
use super::theme::Theme;
use super::tui::{ShutdownSignals, TerminalGuard, Tty};
use crate::sync::SyncEvent;

/// The shortest time between two frames (about 60 per second).
pub const FRAME: Duration = Duration::from_millis(16);
/// How long to wait for a key while a channel may bring events.
const POLL_LIVE: Duration = Duration::from_millis(100);
/// How long to wait for a key otherwise (bounds the reaction to SIGTERM).
const POLL_IDLE: Duration = Duration::from_millis(250);
/// How long to wait for a key while a draft or answer streams in: events
/// on the channel do not wake the terminal poll, so it is kept short then
/// (text shows within a few ms of arriving; idle costs nothing).
pub const POLL_STREAMING: Duration = Duration::from_millis(4);

/// Where events besides keys come from.
pub(crate) enum Inbox {
    None,
    Sync(UnboundedReceiver<SyncEvent>),
    Events(UnboundedReceiver<CockpitEvent>),
}

impl Inbox {
    fn is_open(&self) -> bool {
        !matches!(self, Inbox::None)
    }

    /// Applies everything waiting; a closed channel is dropped.
    fn drain(&mut self, app: &mut App) {
        let closed = loop {
            let next = match self {
                Inbox::None => return,
                Inbox::Sync(rx) => rx.try_recv().map(CockpitEvent::from),
                Inbox::Events(rx) => rx.try_recv(),
            };
            match next {
                Ok(ev) => app.on_event(ev),
                Err(TryRecvError::Empty) => break false,
                Err(TryRecvError::Disconnected) => break true,
            }
        };
        if closed {
            *self = Inbox::None;
        }
    }
}

/// A cockpit to run: the data to open on, and what it is connected to.
///
/// ```no_run
/// # fn demo(data: async_cockpit::ui::CockpitData) -> std::io::Result<()> {
/// let (events_tx, events_rx) = tokio::sync::mpsc::unbounded_channel();
/// let (intents_tx, _intents_rx) = tokio::sync::mpsc::unbounded_channel();
/// // A background task sends `CockpitEvent::Sync(..)` while it syncs and
/// // `CockpitEvent::Data(..)` with the fresh snapshot when it is done.
/// # drop(events_tx);
/// async_cockpit::ui::Cockpit::new(data)
///     .events(events_rx)
///     .intents(intents_tx)
///     .run()
/// # }
/// ```
pub struct Cockpit {
    data: CockpitData,
    inbox: Inbox,
    intents: Option<UnboundedSender<Intent>>,
    can_sync: bool,
    settings: UiSettings,
    access: Option<crate::access::Access>,
    marks: Vec<crate::model::TriageMark>,
}

impl Cockpit {
    /// A cockpit on `data`, set up from the environment ([`UiSettings::from_env`]).
    pub fn new(data: CockpitData) -> Cockpit {
        Cockpit {
            data,
            inbox: Inbox::None,
            intents: None,
            can_sync: true,
            settings: UiSettings::from_env(),
            access: None,
            marks: Vec::new(),
        }
    }

    /// The viewer's access as the config decides it (else assumed from the
    /// data's role, see [`App::set_access`]).
    pub fn access(mut self, access: crate::access::Access) -> Cockpit {
        self.access = Some(access);
        self
    }

    /// The stored sprint triage marks to open with.
    pub fn triage_marks(mut self, marks: Vec<crate::model::TriageMark>) -> Cockpit {
        self.marks = marks;
        self
    }

    /// Feeds sync progress into the status line and the Sync tab.
    pub fn sync_events(mut self, rx: UnboundedReceiver<SyncEvent>) -> Cockpit {
        self.inbox = Inbox::Sync(rx);
        self
    }

    /// Feeds sync progress and fresh data ([`CockpitEvent`]); replaces
    /// [`Cockpit::sync_events`].
    pub fn events(mut self, rx: UnboundedReceiver<CockpitEvent>) -> Cockpit {
        self.inbox = Inbox::Events(rx);
        self
    }

    /// Sends what the user asks of the outside world (a sync) to `tx`.
    pub fn intents(mut self, tx: UnboundedSender<Intent>) -> Cockpit {
        self.intents = Some(tx);
        self
    }

    /// Says that whoever reads the intents cannot run a sync (it drafts,
    /// answers and posts): `r` then says so instead of waiting forever.
    pub fn without_sync(mut self) -> Cockpit {
        self.can_sync = false;
        self
    }

    /// Replaces the settings read from the environment (theme, mouse, config folder).
    pub fn settings(mut self, settings: UiSettings) -> Cockpit {
        self.settings = settings;
        self
    }

    /// Runs until `q` (or SIGTERM/SIGHUP), then restores the terminal.
    pub fn run(self) -> io::Result<()> {
        let Cockpit {
            data,
            mut inbox,
            intents,
            can_sync,
            settings,
            access,
            marks,
        } = self;
        let loaded = settings.load();
        let (keymap, theme) = (loaded.keymap, loaded.theme);
        let mut app = App::new(data);
        if let Some(access) = access {
            app.set_access(access);
        }
        app.set_triage_marks(&marks);
        for p in loaded.problems {
            tracing::warn!(problem = %p, "cockpit set-up");
            app.report_problem(p);
        }
        app.set_can_request_sync(intents.is_some() && can_sync);
        let signals = ShutdownSignals::register()?;
        let mut guard = TerminalGuard::enter_with(settings.mouse)?;
        let terminal = guard.terminal_mut();
        let size = terminal.size()?;
        app.set_viewport(size.width, size.height);
        let mut pacer = Pacer::default();
        while !signals.requested() {
            let Some(wait) = pacer.turn(&mut app, &mut inbox, Instant::now(), |app| {
                draw(terminal, app, &theme, &keymap)
            })?
            else {
                break;
            };
            if event::poll(wait)? {
                // Coalesce: take every pending event before drawing again.
                loop {
                    let intent = match event::read()? {
                        Event::Key(key) if key.kind != KeyEventKind::Release => {
                            on_key(&mut app, &keymap, &key)
                        }
                        Event::Mouse(m) if settings.mouse => on_mouse(&mut app, &keymap, &m),
                        Event::Resize(w, h) => {
                            app.set_viewport(w, h);
                            app.mark_dirty();
                            None
                        }
                        _ => None,
                    };
                    if let Some(intent) = intent {
                        dispatch(intent, terminal, &intents, &mut app)?;
                    }
                    if app.should_quit() || !event::poll(Duration::ZERO)? {
                        break;
                    }
                }
            }
            for intent in app.take_intents() {
                dispatch(intent, terminal, &intents, &mut app)?;
            }
        }
        drop(guard);
        Ok(())
    }
}

/// The loop's pacing, apart from the terminal: applies what arrived, draws
/// when something changed and a frame is due, and says how long to wait for
/// a key. The real loop and [`Headless`] share it.
#[derive(Debug, Default)]
struct Pacer {
    last_frame: Option<Instant>,
}

impl Pacer {
    /// One turn at `now`: drains `inbox` into `app`, ticks its clock, draws
    /// with `draw` when dirty and due. Returns how long to wait for input,
    /// or `None` when the app asked to quit.
    fn turn(
        &mut self,
        app: &mut App,
        inbox: &mut Inbox,
        now: Instant,
        draw: impl FnOnce(&App) -> io::Result<()>,
    ) -> io::Result<Option<Duration>> {
        inbox.drain(app);
        app.tick(now);
        if app.should_quit() {
            return Ok(None);
        }
        let mut wait = if app.is_streaming() {
            POLL_STREAMING
        } else if inbox.is_open() {
            POLL_LIVE
        } else {
            POLL_IDLE
        };
        if app.is_dirty() {
            match self.last_frame.map(|t| t + FRAME).filter(|due| *due > now) {
                Some(due) => wait = wait.min(due - now),
                None => {
                    draw(app)?;
                    app.mark_drawn();
                    self.last_frame = Some(now);
                }
            }
        }
        Ok(Some(wait))
    }
}

/// The event loop without a terminal: the same pacing as [`Cockpit::run`]
/// drawing on an off-screen buffer, for benchmarks of the event path (an
/// event sent on the channel → the frame that shows it).
pub struct Headless {
    app: App,
    inbox: Inbox,
    pacer: Pacer,
    terminal: Terminal<TestBackend>,
    theme: Theme,
    keymap: Keymap,
    frames: u64,
}

impl Headless {
    /// A loop over `data` of `width`×`height`, fed by `events`.
    pub fn new(
        data: CockpitData,
        events: UnboundedReceiver<CockpitEvent>,
        width: u16,
        height: u16,
    ) -> Headless {
        let terminal = match Terminal::new(TestBackend::new(width, height)) {
            Ok(t) => t,
            Err(never) => match never {},
        };
        let mut app = App::new(data);
        app.set_viewport(width, height);
        Headless {
            app,
            inbox: Inbox::Events(events),
            pacer: Pacer::default(),
            terminal,
            theme: Theme::default_theme(),
            keymap: Keymap::builtin(),
            frames: 0,
        }
    }

    /// The app, to drive with actions.
    pub fn app_mut(&mut self) -> &mut App {
        &mut self.app
    }

    /// One turn of the loop at `now` (see [`Cockpit::run`]): returns how long
    /// the real loop would wait for a key, or `None` after quit.
    ///
    /// # Errors
    /// None in practice (the off-screen backend cannot fail).
    pub fn turn(&mut self, now: Instant) -> io::Result<Option<Duration>> {
        let Headless {
            app,
            inbox,
            pacer,
            terminal,
            theme,
            keymap,
            frames,
        } = self;
        pacer.turn(app, inbox, now, |app| {
            *frames += 1;
            match terminal.draw(|f| render(f, app, theme, keymap)) {
                Ok(_) => Ok(()),
                Err(never) => match never {},
            }
        })
    }

    /// Frames drawn so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The last frame drawn.
    pub fn buffer(&self) -> &Buffer {
        self.terminal.backend().buffer()
    }
}

/// Runs the cockpit until `q` (or SIGTERM/SIGHUP), then restores the terminal.
///
/// `events` feeds sync progress into the status line and the Sync tab. A
/// sync asked for with `r` cannot be started from here (there is nowhere to
/// send it); see [`run_cockpit_with`] and [`Cockpit`].
pub fn run_cockpit(data: CockpitData, events: Option<UnboundedReceiver<SyncEvent>>) -> io::Result<()> {
    let cockpit = Cockpit::new(data);
    match events {
        Some(rx) => cockpit.sync_events(rx),
        None => cockpit,
    }
    .run()
}

/// [`run_cockpit`] fed with [`CockpitEvent`]s (sync progress and fresh
/// data), sending what the user asks of the outside world (a sync) to
/// `intents`.
pub fn run_cockpit_with(
    data: CockpitData,
    events: Option<UnboundedReceiver<CockpitEvent>>,
    intents: Option<UnboundedSender<Intent>>,
) -> io::Result<()> {
    let mut cockpit = Cockpit::new(data);
    if let Some(rx) = events {
        cockpit = cockpit.events(rx);
    }
    if let Some(tx) = intents {
        cockpit = cockpit.intents(tx);
    }
    cockpit.run()
}

/// Applies a key: typed into the copilot's question box or the open
/// prompt, else through the keymap.
pub fn on_key(app: &mut App, keymap: &Keymap, key: &KeyEvent) -> Option<Intent> {
    if app.copilot_editing() {
        app.copilot_key(key)
    } else if app.text_mode() {
        Edit::from_key(key).and_then(|e| app.edit(e))
    } else {
        keymap.action_for(key).and_then(|a| app.update(a))
    }
}

/// Applies a mouse event: the wheel moves (or scrolls an explanation), a
/// left click on a tab's label shows that tab.
pub fn on_mouse(app: &mut App, keymap: &Keymap, m: &MouseEvent) -> Option<Intent> {
    let text = app.text_mode();
    match m.kind {
        MouseEventKind::ScrollDown if text => app.edit(Edit::Next),
        MouseEventKind::ScrollUp if text => app.edit(Edit::Prev),
        MouseEventKind::ScrollDown => app.update(Action::Down),
        MouseEventKind::ScrollUp => app.update(Action::Up),
        MouseEventKind::Down(MouseButton::Left) if m.row == 0 && !text => {
            let tab = tab_at(m.column, app.viewport().0, keymap, app.tab())?;
            app.update(Action::GoToTab(u8::try_from(tab.index() + 1).ok()?))
        }
        _ => None,
    }
}

/// Sends `intent` out, or does it here when it is about the terminal (a copy).
fn dispatch(
    intent: Intent,
    terminal: &mut Tty,
    intents: &Option<UnboundedSender<Intent>>,
    app: &mut App,
) -> io::Result<()> {
    match intent {
        Intent::Copy(text) => {
            use std::io::Write;
            let backend = terminal.backend_mut();
            backend.write_all(osc52(&text).as_bytes())?;
            backend.flush()
        }
        other => {
            let is_sync = other == Intent::Sync;
            let sent = intents.as_ref().is_some_and(|tx| tx.send(other).is_ok());
            if !sent && is_sync {
                app.set_can_request_sync(false);
            } else if !sent {
                app.on_event(CockpitEvent::Notice(
                    "nothing here keeps triage marks or the audit log; run the cockpit on a site".into(),
                ));
            }
            Ok(())
        }
    }
}

/// The OSC 52 escape that asks the terminal to put `text` on the system
/// clipboard (`ESC ] 52 ; c ; base64 BEL`): it travels with the output, so
/// it works over SSH and inside tmux with `set-clipboard on`.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
    )
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
    render_app_with(app, theme, &Keymap::builtin(), width, height)
}

/// Renders `app` on an off-screen buffer with `theme` and `keymap`.
pub fn render_app_with(app: &App, theme: &Theme, keymap: &Keymap, width: u16, height: u16) -> Buffer {
    let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
        Ok(t) => t,
        Err(never) => match never {},
    };
    match terminal.draw(|f| render(f, app, theme, keymap)) {
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
