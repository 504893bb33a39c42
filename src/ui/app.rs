//! Cockpit state and its transitions.
//!
//! [`App`] holds what is on screen (tab, selections, overlays) and the data
//! shown; [`App::update`] applies an [`Action`] and [`App::on_sync_event`] a
//! sync progress message. Both are pure: no terminal, no I/O, so tests drive
//! the app by sending actions. Anything the app wants from the outside world
//! (a sync) comes back as an [`Intent`]. Must not: render or read the clock.

use std::collections::VecDeque;

use jiff::Timestamp;

use super::CockpitData;
use super::action::Action;
use super::tabs;
use crate::model::Source;
use crate::sync::SyncEvent;

/// The cockpit's tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    /// Ranked intelligence cards.
    Cards,
    /// Velocity per sprint.
    Sprint,
    /// Meeting load.
    Meetings,
    /// Sources and sync progress.
    Sync,
}

impl Tab {
    /// Every tab, in display order.
    pub const ALL: [Tab; 4] = [Tab::Cards, Tab::Sprint, Tab::Meetings, Tab::Sync];

    /// Title in the tabs bar.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Cards => "Cards",
            Tab::Sprint => "Sprint",
            Tab::Meetings => "Meetings",
            Tab::Sync => "Sync",
        }
    }

    /// Position, 0-based.
    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The tab with 1-based number `n`, if there is one.
    pub fn from_number(n: u8) -> Option<Tab> {
        usize::from(n)
            .checked_sub(1)
            .and_then(|i| Tab::ALL.get(i).copied())
    }

    fn offset(self, by: isize) -> Tab {
        let n = Tab::ALL.len() as isize;
        Tab::ALL[(self.index() as isize + by).rem_euclid(n) as usize]
    }
}

/// Something the app asks of the world outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Start a sync of every source.
    Sync,
}

/// How many activity lines the Sync tab keeps.
const LOG_CAPACITY: usize = 200;

/// Sync progress as reported by the running sync.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncStatus {
    /// Sources syncing now, in start order.
    pub running: Vec<Source>,
    /// Pages written since the current run began.
    pub pages: usize,
    /// Records written since the current run began.
    pub records: usize,
    /// The latest wait: source, seconds, reason.
    pub waiting: Option<(Source, f64, String)>,
    /// The latest failure: source, message.
    pub last_error: Option<(Source, String)>,
    /// A sync was asked for and has not started yet.
    pub requested: bool,
    /// Whether a sync can be asked for (someone listens for [`Intent::Sync`]).
    pub can_request: bool,
    /// A one-off note for the status line (cleared by the next sync event).
    pub notice: Option<String>,
    /// Recent activity, oldest first.
    pub log: VecDeque<String>,
}

impl SyncStatus {
    fn log(&mut self, line: String) {
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(line);
    }
}

/// Everything the cockpit shows and where the viewer is.
#[derive(Debug, Clone)]
pub struct App {
    data: CockpitData,
    tab: Tab,
    selected: [usize; 4],
    detail: [bool; 4],
    help: bool,
    sync: SyncStatus,
    dirty: bool,
    quit: bool,
}

impl App {
    /// A cockpit on the Cards tab, everything unselected but the first rows.
    pub fn new(data: CockpitData) -> App {
        App {
            data,
            tab: Tab::Cards,
            selected: [0; 4],
            detail: [false; 4],
            help: false,
            sync: SyncStatus::default(),
            dirty: true,
            quit: false,
        }
    }

    /// The data shown.
    pub fn data(&self) -> &CockpitData {
        &self.data
    }

    /// Replaces the data (a new snapshot), keeping selections in range.
    pub fn set_data(&mut self, data: CockpitData) {
        self.data = data;
        self.clamp_selections();
        self.dirty = true;
    }

    /// The tab shown.
    pub fn tab(&self) -> Tab {
        self.tab
    }

    /// Shows `tab`.
    pub fn set_tab(&mut self, tab: Tab) {
        if self.tab != tab {
            self.tab = tab;
            self.dirty = true;
        }
    }

    /// The selected row of `tab`.
    pub fn selected(&self, tab: Tab) -> usize {
        self.selected[tab.index()]
    }

    /// Whether `tab`'s detail pane is open.
    pub fn detail_open(&self, tab: Tab) -> bool {
        self.detail[tab.index()]
    }

    /// Whether the help overlay is shown.
    pub fn help_open(&self) -> bool {
        self.help
    }

    /// Sync progress.
    pub fn sync(&self) -> &SyncStatus {
        &self.sync
    }

    /// Says whether [`Intent::Sync`] reaches anyone (the status line says so if not).
    pub fn set_can_request_sync(&mut self, yes: bool) {
        self.sync.can_request = yes;
    }

    /// Whether the app has asked to quit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Whether something changed since the last [`App::mark_drawn`].
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Records that the screen shows the current state.
    pub fn mark_drawn(&mut self) {
        self.dirty = false;
    }

    /// Forces a redraw (terminal resized).
    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Rows in `tab`'s main list.
    pub fn row_count(&self, tab: Tab) -> usize {
        match tab {
            Tab::Cards => self.data.snapshot.cards.len(),
            Tab::Sprint => self.data.snapshot.velocity.len(),
            Tab::Meetings => tabs::meetings::people(&self.data.snapshot).len(),
            Tab::Sync => tabs::sync::rows(self).len(),
        }
    }

    fn clamp_selections(&mut self) {
        for tab in Tab::ALL {
            let max = self.row_count(tab).saturating_sub(1);
            let sel = &mut self.selected[tab.index()];
            *sel = (*sel).min(max);
        }
    }

    fn view_key(&self) -> (Tab, [usize; 4], [bool; 4], bool, bool, bool, Option<String>) {
        (
            self.tab,
            self.selected,
            self.detail,
            self.help,
            self.quit,
            self.sync.requested,
            self.sync.notice.clone(),
        )
    }

    /// Applies one action. While the help overlay is open only `help`,
    /// `back` and `quit` act. Returns what the outside world should do, if
    /// anything.
    pub fn update(&mut self, action: Action) -> Option<Intent> {
        let before = self.view_key();
        let intent = self.apply(action);
        if self.view_key() != before {
            self.dirty = true;
        }
        intent
    }

    fn apply(&mut self, action: Action) -> Option<Intent> {
        if self.help && !matches!(action, Action::Help | Action::Back | Action::Quit) {
            return None;
        }
        let i = self.tab.index();
        let rows = self.row_count(self.tab);
        match action {
            Action::Quit => self.quit = true,
            Action::NextTab => self.tab = self.tab.offset(1),
            Action::PrevTab => self.tab = self.tab.offset(-1),
            Action::GoToTab(n) => {
                if let Some(tab) = Tab::from_number(n) {
                    self.tab = tab;
                }
            }
            Action::Up => self.selected[i] = self.selected[i].saturating_sub(1),
            Action::Down => self.selected[i] = (self.selected[i] + 1).min(rows.saturating_sub(1)),
            Action::Top => self.selected[i] = 0,
            Action::Bottom => self.selected[i] = rows.saturating_sub(1),
            Action::Open => self.detail[i] = !self.detail[i],
            Action::Help => self.help = !self.help,
            Action::Back => {
                if self.help {
                    self.help = false;
                } else {
                    self.detail[i] = false;
                }
            }
            Action::Sync => {
                if !self.sync.can_request {
                    self.sync.notice = Some("sync is not available here; run `async-cockpit sync`".into());
                } else if !self.sync.running.is_empty() || self.sync.requested {
                    self.sync.notice = Some("a sync is already running".into());
                } else {
                    self.sync.requested = true;
                    self.sync.notice = None;
                    self.sync.log("sync requested".into());
                    return Some(Intent::Sync);
                }
            }
        }
        None
    }

    /// Applies a sync progress event.
    pub fn on_sync_event(&mut self, event: SyncEvent) {
        let status = &mut self.sync;
        status.notice = None;
        match event {
            SyncEvent::Started { source } => {
                if status.running.is_empty() {
                    status.pages = 0;
                    status.records = 0;
                    status.waiting = None;
                }
                status.requested = false;
                if !status.running.contains(&source) {
                    status.running.push(source);
                }
                status.log(format!("{}: started", source.as_str()));
            }
            SyncEvent::Page {
                source,
                endpoint,
                items,
            } => {
                status.pages += 1;
                status.records += items;
                status.waiting = None;
                status.log(format!("{}: {} · {} records", source.as_str(), endpoint, items));
            }
            SyncEvent::Waiting {
                source,
                seconds,
                reason,
            } => {
                status.log(format!(
                    "{}: waiting {:.0}s ({})",
                    source.as_str(),
                    seconds,
                    reason
                ));
                status.waiting = Some((source, seconds, reason));
            }
            SyncEvent::Failed { source, message } => {
                status.running.retain(|s| *s != source);
                status.log(format!("{}: failed: {}", source.as_str(), message));
                status.last_error = Some((source, message));
            }
            SyncEvent::Finished(report) => {
                let source = report.source;
                status.running.retain(|s| *s != source);
                if status.waiting.as_ref().is_some_and(|(s, _, _)| *s == source) {
                    status.waiting = None;
                }
                status.log(format!(
                    "{}: finished · {} records, {} requests",
                    source.as_str(),
                    report.total(),
                    report.requests
                ));
                match &report.error {
                    Some(e) => status.last_error = Some((source, e.clone())),
                    None => {
                        if status.last_error.as_ref().is_some_and(|(s, _)| *s == source) {
                            status.last_error = None;
                        }
                    }
                }
                match self.data.sources.iter_mut().find(|r| r.source == source) {
                    Some(r) => *r = report,
                    None => self.data.sources.push(report),
                }
            }
        }
        self.clamp_selections();
        self.dirty = true;
    }

    /// When the most recent source sync finished, if any did.
    pub fn last_sync(&self) -> Option<Timestamp> {
        self.data.sources.iter().map(|r| r.finished).max()
    }
}
