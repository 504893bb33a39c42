//! Cockpit state and its transitions.
//!
//! [`App`] holds what is on screen (tab, selections, filters, overlays, the
//! prompt being typed) and the data shown; [`App::update`] applies an
//! [`Action`], [`App::edit`] a keystroke in a prompt (the palette, the `/`
//! filter) and [`App::on_event`] a sync progress message or fresh data. All
//! are pure: no terminal, no I/O, so tests drive the app by sending actions.
//! Anything the app wants from the outside world (a sync) comes back as an
//! [`Intent`]. Must not: render or read the clock.
//!
//! Each tab's list is cached as the rows that pass its filter
//! ([`App::visible`]); selections index that filtered list and follow their
//! row (by identity, see [`super::view::row_key`]) when data or filter change.

mod copilot;
mod events;
mod lists;
mod post;
mod standup;
mod strategic;
mod sync;
mod triage;
mod update;

pub use copilot::{CopilotState, MAX_QUESTION};
pub use events::{CockpitEvent, Intent};
pub use lists::{PulseRow, min_group, pulse_rows};
pub use post::{PostEvent, PostFlow};
pub use standup::{DraftPart, DraftStatus, Live, StandupData, StandupDraft, StandupState, mm_ss, shuffled};
pub use strategic::{PersonDetail, person_details};
pub use sync::SyncStatus;
pub use triage::{TriageRow, TriageSort, TriageState};

use super::CockpitData;
use super::action::Action;
use super::explain;
use super::fuzzy::Filter;
use super::input::{Edit, LineInput};
use super::palette::{Outcome, Palette};
use super::view::{self, MeetingGrid, PersonLoad};
use crate::access::{Access, ReadLedger};
use crate::model::Source;

/// The cockpit's tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    /// Ranked intelligence cards.
    Cards,
    /// Done / doing / blockers per person; the live standup.
    Standup,
    /// Velocity per sprint.
    Sprint,
    /// Meeting load.
    Meetings,
    /// Engineering Pulse: team aggregates without names.
    Pulse,
    /// Individual detail, for strategic roles (others see their own row).
    Strategic,
    /// Documentation coverage and staleness.
    Docs,
    /// Questions answered from the team's facts.
    Copilot,
    /// Sources and sync progress.
    Sync,
}

/// How many tabs there are.
const TABS: usize = Tab::ALL.len();

impl Tab {
    /// Every tab, in display order.
    pub const ALL: [Tab; 9] = [
        Tab::Cards,
        Tab::Standup,
        Tab::Sprint,
        Tab::Meetings,
        Tab::Pulse,
        Tab::Strategic,
        Tab::Docs,
        Tab::Copilot,
        Tab::Sync,
    ];

    /// Title in the tabs bar.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Cards => "Cards",
            Tab::Standup => "Standup",
            Tab::Sprint => "Sprint",
            Tab::Meetings => "Meetings",
            Tab::Pulse => "Pulse",
            Tab::Strategic => "Strategic",
            Tab::Docs => "Docs",
            Tab::Copilot => "Copilot",
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

/// A modal layer over the tabs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Overlay {
    /// None: keys go to the tab.
    #[default]
    None,
    /// The key bindings.
    Help,
    /// The command palette (keys type its query).
    Palette(Palette),
    /// The explanation of the selected row's numbers: which metric, and how
    /// far the text is scrolled.
    Explain {
        /// Index into [`explain::explanations`].
        metric: usize,
        /// Lines scrolled off the top.
        scroll: usize,
    },
}

/// Everything the cockpit shows and where the viewer is.
#[derive(Debug, Clone)]
pub struct App {
    data: CockpitData,
    tab: Tab,
    selected: [usize; TABS],
    detail: [bool; TABS],
    filters: [String; TABS],
    visible: [Vec<usize>; TABS],
    people: Vec<PersonLoad>,
    pulse: Vec<PulseRow>,
    persons: Vec<PersonDetail>,
    triage: TriageState,
    access: Access,
    ledger: ReadLedger,
    pending: Vec<Intent>,
    grid: MeetingGrid,
    sources: Vec<Source>,
    overlay: Overlay,
    prompt: Option<LineInput>,
    problems: Vec<String>,
    page: usize,
    viewport: (u16, u16),
    sync: SyncStatus,
    standup: StandupState,
    copilot: CopilotState,
    /// Last job id handed out.
    jobs: u64,
    /// The clock as last given to [`App::tick`].
    clock: Option<std::time::Instant>,
    dirty: bool,
    quit: bool,
}

/// The parts of the state the screen shows, to tell whether an action changed any.
#[derive(PartialEq)]
struct ViewKey {
    tab: Tab,
    selected: [usize; TABS],
    detail: [bool; TABS],
    filters: [String; TABS],
    triage: triage::TriageView,
    overlay: Overlay,
    prompt: Option<LineInput>,
    problems: usize,
    quit: bool,
    requested: bool,
    notice: Option<String>,
}

impl App {
    /// A cockpit on the Cards tab, everything unselected but the first rows.
    pub fn new(data: CockpitData) -> App {
        let access = Access::assumed(&data.viewer, &data.role);
        let mut app = App {
            data,
            tab: Tab::Cards,
            selected: [0; TABS],
            detail: [false; TABS],
            filters: Default::default(),
            visible: Default::default(),
            people: Vec::new(),
            pulse: Vec::new(),
            persons: Vec::new(),
            triage: TriageState::default(),
            access,
            ledger: ReadLedger::default(),
            pending: Vec::new(),
            grid: MeetingGrid::default(),
            sources: Vec::new(),
            overlay: Overlay::None,
            prompt: None,
            problems: Vec::new(),
            page: 12,
            viewport: (80, 24),
            sync: SyncStatus::default(),
            standup: StandupState::default(),
            copilot: CopilotState::default(),
            jobs: 0,
            clock: None,
            dirty: true,
            quit: false,
        };
        app.standup = StandupState::from_data(app.data.standup.as_ref());
        app.derive_lists();
        for tab in Tab::ALL {
            app.refilter(tab, None);
        }
        app
    }

    /// Recomputes every cached list from the data.
    fn derive_lists(&mut self) {
        self.people = view::people(&self.data.snapshot);
        self.grid = MeetingGrid::new(&self.data.snapshot, &self.people);
        self.sources = view::sources(&self.data, &self.sync);
        self.pulse = pulse_rows(&self.data.snapshot);
        self.persons = person_details(&self.data.snapshot, &self.access);
        self.triage.rebuild(&self.data.snapshot);
    }

    /// The data shown.
    pub fn data(&self) -> &CockpitData {
        &self.data
    }

    /// Replaces the data (a new snapshot). Each tab's selection stays on the
    /// same row (card, sprint, person, source) when it is still there.
    pub fn set_data(&mut self, data: CockpitData) {
        let keys: Vec<Option<String>> = Tab::ALL.iter().map(|t| self.key_of(*t)).collect();
        if data.snapshot.as_of != self.data.snapshot.as_of || data.snapshot.site != self.data.snapshot.site {
            // Fresh figures: a view reads them anew.
            self.ledger.reset();
        }
        if data.standup.as_ref().map(|s| s.team.day) != self.data.standup.as_ref().map(|s| s.team.day) {
            // Another standup day: its own flags, and no live standup carried over.
            self.standup = StandupState::from_data(data.standup.as_ref());
        }
        self.data = data;
        self.derive_lists();
        for (tab, key) in Tab::ALL.into_iter().zip(keys) {
            self.refilter(tab, key);
        }
        self.note_reads();
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
        self.note_reads();
    }

    /// Takes what the app has queued for the outside world besides the
    /// intent an action returns (audit records of strategic reads).
    pub fn take_intents(&mut self) -> Vec<Intent> {
        std::mem::take(&mut self.pending)
    }

    /// The selected row of `tab`, as an index into [`App::visible`].
    pub fn selected(&self, tab: Tab) -> usize {
        self.selected[tab.index()]
    }

    /// The selected row of `tab` as an index into the tab's full list
    /// (cards, velocity rows, [`App::people`], [`App::sources`]).
    pub fn selected_row(&self, tab: Tab) -> Option<usize> {
        self.visible[tab.index()].get(self.selected(tab)).copied()
    }

    /// The rows of `tab` that pass its filter, as indices into its full list.
    pub fn visible(&self, tab: Tab) -> &[usize] {
        &self.visible[tab.index()]
    }

    /// Every person on the Meetings tab, heaviest latest week first.
    pub fn people(&self) -> &[PersonLoad] {
        &self.people
    }

    /// Meeting hours per person (as in [`App::people`]) and week.
    pub fn meeting_grid(&self) -> &MeetingGrid {
        &self.grid
    }

    /// Every source on the Sync tab.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The filter of `tab` as typed (empty: none).
    pub fn filter(&self, tab: Tab) -> &str {
        &self.filters[tab.index()]
    }

    /// The `/` prompt being typed, if open (it filters the current tab).
    pub fn prompt(&self) -> Option<&LineInput> {
        self.prompt.as_ref()
    }

    /// The overlay shown, if any.
    pub fn overlay(&self) -> &Overlay {
        &self.overlay
    }

    /// Whether `tab`'s detail pane is open.
    pub fn detail_open(&self, tab: Tab) -> bool {
        self.detail[tab.index()]
    }

    /// Whether the help overlay is shown.
    pub fn help_open(&self) -> bool {
        self.overlay == Overlay::Help
    }

    /// Whether keys type text (the palette or the filter prompt is open):
    /// the caller then sends them to [`App::edit`] instead of the keymap.
    pub fn text_mode(&self) -> bool {
        self.prompt.is_some()
            || self.triage.note.is_some()
            || matches!(self.overlay, Overlay::Palette(_))
            || self.copilot_editing()
    }

    /// Problems found at start (a broken keymap or theme), shown until dismissed.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Adds a problem to show (one line; the keymap or theme file it is about).
    pub fn report_problem(&mut self, message: impl Into<String>) {
        self.problems.push(message.into());
        self.dirty = true;
    }

    /// The terminal size (the caller sets it at start and on resize): how
    /// far `page_up`/`page_down` move, and how far an explanation scrolls.
    pub fn set_viewport(&mut self, width: u16, height: u16) {
        self.viewport = (width, height);
        self.page = usize::from(height / 2).max(1);
    }

    /// The terminal size last given to [`App::set_viewport`] (80×24 until then).
    pub fn viewport(&self) -> (u16, u16) {
        self.viewport
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

    /// Rows in `tab`'s list that pass its filter.
    pub fn row_count(&self, tab: Tab) -> usize {
        self.visible[tab.index()].len()
    }

    /// Rows in `tab`'s list before filtering.
    pub fn total_rows(&self, tab: Tab) -> usize {
        match tab {
            Tab::Cards => self.data.snapshot.cards.len(),
            Tab::Sprint if self.triage.on => self.triage.rows.len(),
            Tab::Sprint => self.data.snapshot.velocity.len(),
            Tab::Meetings => self.people.len(),
            Tab::Pulse => self.pulse.len(),
            Tab::Strategic => self.persons.len(),
            Tab::Docs => lists::epics(&self.data.snapshot).len(),
            Tab::Sync => self.sources.len(),
            Tab::Standup => self.data.standup.as_ref().map_or(0, |s| s.team.people.len()),
            Tab::Copilot => self.copilot.cited().len(),
        }
    }

    /// What `tab`'s list holds, for "3 of 12 sprints".
    pub fn noun(&self, tab: Tab) -> &'static str {
        match tab {
            Tab::Sprint if self.triage.on => "at-risk issues",
            _ => view::noun(tab),
        }
    }

    fn key_of(&self, tab: Tab) -> Option<String> {
        self.selected_row(tab).map(|i| self.row_key(tab, i))
    }

    fn row_key(&self, tab: Tab, i: usize) -> String {
        match tab {
            Tab::Sprint if self.triage.on => self.triage.row_key(i),
            Tab::Copilot => self
                .copilot
                .facts
                .get(i)
                .map(|f| f.id.clone())
                .unwrap_or_default(),
            Tab::Pulse | Tab::Strategic | Tab::Docs => lists::row_key(self, tab, i),
            _ => view::row_key(tab, &self.data, &self.people, &self.sources, i),
        }
    }

    /// Recomputes one tab's visible rows; the selection follows `keep` if it
    /// is still visible, else stays at its position (clamped).
    fn refilter(&mut self, tab: Tab, keep: Option<String>) {
        let i = tab.index();
        let filter = Filter::new(&self.filters[i]);
        self.visible[i] = match tab {
            Tab::Sprint if self.triage.on => self.triage.visible(&filter),
            // The cited facts are the app's, not the data's.
            Tab::Copilot => {
                let facts = &self.copilot.facts;
                self.copilot
                    .cited()
                    .into_iter()
                    .filter(|&f| {
                        let mut fields = vec![facts[f].id.as_str(), facts[f].text.as_str()];
                        fields.extend(facts[f].cites.iter().map(|c| c.label.as_str()));
                        filter.matches(fields)
                    })
                    .collect()
            }
            Tab::Pulse | Tab::Strategic | Tab::Docs => lists::visible(self, tab, &filter),
            _ => view::visible(tab, &self.data, &self.people, &self.sources, &self.sync, &filter),
        };
        let found = keep.and_then(|k| {
            self.visible[i]
                .iter()
                .position(|&row| self.row_key(tab, row) == k)
        });
        let max = self.visible[i].len().saturating_sub(1);
        self.selected[i] = found.unwrap_or(self.selected[i]).min(max);
    }

    fn view_key(&self) -> ViewKey {
        ViewKey {
            tab: self.tab,
            selected: self.selected,
            detail: self.detail,
            filters: self.filters.clone(),
            triage: self.triage.view(),
            overlay: self.overlay.clone(),
            prompt: self.prompt.clone(),
            problems: self.problems.len(),
            quit: self.quit,
            requested: self.sync.requested,
            notice: self.sync.notice.clone(),
        }
    }

    /// Applies one action. Overlays are modal: under help only `help`,
    /// `back` and `quit` act; under an explanation the movement keys scroll
    /// and the tab keys switch between its numbers; while a prompt is open
    /// `back`, `open`, `up` and `down` act as its `esc`, `enter` and arrows.
    /// Returns what the outside world should do, if anything.
    pub fn update(&mut self, action: Action) -> Option<Intent> {
        let before = self.view_key();
        // A notice is for one look: the next key clears it.
        self.sync.notice = None;
        let intent = self.apply(action);
        if self.view_key() != before {
            self.dirty = true;
        }
        self.note_reads();
        intent
    }

    /// Applies one keystroke to the open prompt (palette or filter); does
    /// nothing when none is open.
    pub fn edit(&mut self, edit: Edit) -> Option<Intent> {
        let before = self.view_key();
        let intent = self.apply_edit(edit);
        if self.view_key() != before {
            self.dirty = true;
        }
        intent
    }

    /// Applies a sync progress event or fresh data.
    pub fn on_event(&mut self, event: CockpitEvent) {
        match event {
            CockpitEvent::Sync(e) => self.on_sync_event(e),
            CockpitEvent::Data(d) => self.set_data(*d),
            CockpitEvent::Draft { job, part } => self.on_draft(job, part),
            CockpitEvent::Post(e) => self.on_post(e),
            CockpitEvent::Notice(m) => self.on_notice(m),
        }
    }
}
