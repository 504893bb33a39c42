//! The Copilot tab's state: the question box (a `ratatui-textarea`), the
//! answer as it streams in, and the facts it cites (each openable with its
//! items and links).
//!
//! While the question box has the keys ([`App::copilot_editing`]) every key
//! types, so `q`, digits and the other global keys never fire from it; only
//! `enter` (ask), `esc` and `ctrl-c` (leave the box) are its own. Asking
//! sends [`Intent::Ask`]; the facts and the answer come back as
//! [`CockpitEvent::Draft`] pieces. Must not: retrieve facts or draft.
//!
//! [`CockpitEvent::Draft`]: super::CockpitEvent::Draft

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{TextArea, WrapMode};

use super::standup::{DraftPart, DraftStatus, apply_part};
use super::{App, Intent, Tab};
use crate::insight::copilot::Fact;

/// Longest question, in characters (the copilot gates it to 500 anyway).
pub const MAX_QUESTION: usize = 500;

/// The Copilot tab's state.
#[derive(Debug, Clone)]
pub struct CopilotState {
    /// The question box.
    pub input: TextArea<'static>,
    /// Whether the question box has the keys.
    pub editing: bool,
    /// The question last asked.
    pub question: String,
    /// Job id of the latest question (pieces of older ones are dropped).
    pub job: u64,
    /// The answer so far.
    pub answer: String,
    /// Progress.
    pub status: DraftStatus,
    /// The facts retrieved for the question, for this viewer.
    pub facts: Vec<Fact>,
}

impl Default for CopilotState {
    fn default() -> CopilotState {
        let mut input = TextArea::default();
        input.set_wrap_mode(WrapMode::WordOrGlyph);
        input.set_placeholder_text("Ask about the sprint, blockers, reviews, meetings, or a person…");
        CopilotState {
            input,
            editing: false,
            question: String::new(),
            job: 0,
            answer: String::new(),
            status: DraftStatus::Idle,
            facts: Vec::new(),
        }
    }
}

impl CopilotState {
    /// The question box's text (lines joined by spaces).
    pub fn typed(&self) -> String {
        let input: &TextArea<'_> = &self.input;
        input.lines().join(" ").trim().to_string()
    }

    /// Indices into [`CopilotState::facts`] of the facts the answer cites
    /// (`[F2]`), in fact order. While the answer streams, those cited so far.
    pub fn cited(&self) -> Vec<usize> {
        (0..self.facts.len())
            .filter(|&i| self.answer.contains(&format!("[{}]", self.facts[i].id)))
            .collect()
    }
}

impl App {
    /// The Copilot tab's state.
    pub fn copilot(&self) -> &CopilotState {
        &self.copilot
    }

    /// Whether the question box has the keys: the caller sends every key to
    /// [`App::copilot_key`] instead of the keymap.
    pub fn copilot_editing(&self) -> bool {
        self.copilot.editing && self.tab == Tab::Copilot
    }

    /// Shows the Copilot tab with the question box taking the keys.
    pub(super) fn start_asking(&mut self) {
        self.tab = Tab::Copilot;
        self.copilot.editing = true;
        self.dirty = true;
    }

    /// A key typed into the question box: `enter` asks, `esc`/`ctrl-c` leave
    /// the box (the text stays), anything else edits.
    pub fn copilot_key(&mut self, key: &KeyEvent) -> Option<Intent> {
        if !self.copilot_editing() {
            return None;
        }
        self.dirty = true;
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => self.copilot.editing = false,
            KeyCode::Char('c') if ctrl => self.copilot.editing = false,
            KeyCode::Enter if !key.modifiers.contains(KeyModifiers::ALT) => return self.ask_typed(),
            KeyCode::Char(_) if self.copilot.typed().chars().count() >= MAX_QUESTION => {}
            _ => {
                self.copilot.input.input(*key);
            }
        }
        None
    }

    /// Asks the question in the box (nothing when it is empty).
    fn ask_typed(&mut self) -> Option<Intent> {
        let question = self.copilot.typed();
        if question.is_empty() {
            self.sync.notice = Some("type a question first".into());
            return None;
        }
        Some(self.ask(question))
    }

    /// Asks `question`: the answer pane empties and waits for the job's pieces.
    pub fn ask(&mut self, question: String) -> Intent {
        let job = self.next_job();
        self.copilot.editing = false;
        self.copilot.question = question.clone();
        self.copilot.job = job;
        self.copilot.answer.clear();
        self.copilot.facts.clear();
        self.copilot.status = DraftStatus::Waiting;
        self.detail[Tab::Copilot.index()] = false;
        self.selected[Tab::Copilot.index()] = 0;
        self.refilter(Tab::Copilot, None);
        self.dirty = true;
        Intent::Ask { job, question }
    }

    pub(super) fn on_copilot_part(&mut self, part: DraftPart) {
        let keep = self.key_of(Tab::Copilot);
        match part {
            DraftPart::Facts(facts) => self.copilot.facts = facts,
            other => apply_part(&mut self.copilot.answer, &mut self.copilot.status, other),
        }
        self.refilter(Tab::Copilot, keep);
    }

    /// Whether a draft or answer is on its way (the event loop then looks at
    /// its channel more often, so streamed text shows at once).
    pub fn is_streaming(&self) -> bool {
        self.copilot.status.is_busy()
            || self.standup.draft.status.is_busy()
            || matches!(
                self.standup.post,
                super::post::PostFlow::Preparing(_) | super::post::PostFlow::Posting { .. }
            )
    }
}
