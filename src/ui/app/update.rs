//! The app's transitions: what an [`Action`] does in each state (a list,
//! the explain overlay, a prompt being typed), and how a keystroke edits the
//! prompt. Split from `mod.rs`, which holds the state and its accessors.
//!
//! Must not: render, read the clock, or do I/O (see the parent module).

use super::*;

impl App {
    pub(super) fn apply(&mut self, action: Action) -> Option<Intent> {
        if self.triage.note.is_some() {
            let edit = match action {
                Action::Back => Edit::Cancel,
                Action::Open => Edit::Submit,
                Action::Quit => {
                    self.quit = true;
                    return None;
                }
                _ => return None,
            };
            return self.apply_edit(edit);
        }
        if self.text_mode() {
            let edit = match action {
                Action::Back => Edit::Cancel,
                Action::Open => Edit::Submit,
                Action::Up => Edit::Prev,
                Action::Down => Edit::Next,
                Action::Quit => {
                    self.quit = true;
                    return None;
                }
                _ => return None,
            };
            return self.apply_edit(edit);
        }
        match self.overlay {
            Overlay::Help => {
                match action {
                    Action::Help | Action::Back => self.overlay = Overlay::None,
                    Action::Quit => self.quit = true,
                    _ => {}
                }
                return None;
            }
            Overlay::Explain { metric, scroll } => {
                self.apply_in_explain(action, metric, scroll);
                return None;
            }
            Overlay::Palette(_) | Overlay::None => {}
        }
        if self.tab == Tab::Standup && self.standup.post.is_open() {
            return self.apply_post(action);
        }
        let i = self.tab.index();
        let rows = self.row_count(self.tab);
        let last = rows.saturating_sub(1);
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
            Action::Down => self.selected[i] = (self.selected[i] + 1).min(last),
            Action::PageUp => self.selected[i] = self.selected[i].saturating_sub(self.page),
            Action::PageDown => self.selected[i] = (self.selected[i] + self.page).min(last),
            Action::Top => self.selected[i] = 0,
            Action::Bottom => self.selected[i] = last,
            Action::Open if self.tab == Tab::Copilot && self.row_count(Tab::Copilot) == 0 => {
                self.start_asking();
            }
            Action::Open => self.detail[i] = !self.detail[i],
            Action::LiveStandup
            | Action::NextPerson
            | Action::PrevPerson
            | Action::FlagBlocker
            | Action::ShuffleOrder
            | Action::Draft
            | Action::DraftTeam
            | Action::PostStandup => return self.apply_standup(action),
            Action::Ask => self.start_asking(),
            Action::Explain => {
                if explain::explanations(self).is_empty() {
                    self.sync.notice =
                        Some(format!("nothing to explain: no {} selected", self.noun(self.tab)));
                } else {
                    self.overlay = Overlay::Explain { metric: 0, scroll: 0 };
                }
            }
            Action::Filter => self.prompt = Some(LineInput::new(&self.filters[i])),
            Action::Palette => self.overlay = Overlay::Palette(Palette::default()),
            Action::Help => self.overlay = Overlay::Help,
            Action::Back => {
                if !self.problems.is_empty() {
                    self.problems.clear();
                } else if self.detail[i] {
                    self.detail[i] = false;
                } else if !self.filters[i].is_empty() {
                    self.set_filter(self.tab, String::new());
                }
            }
            Action::Triage
            | Action::Sort
            | Action::MarkKeep
            | Action::MarkMove
            | Action::MarkSplit
            | Action::MarkOwner
            | Action::Note
            | Action::Copy => return self.apply_triage(action),
            Action::Sync => {
                if !self.sync.can_request {
                    self.sync.notice = Some("sync is not available here; run `async-cockpit sync`".into());
                } else if !self.sync.running.is_empty() || self.sync.requested {
                    self.sync.notice = Some("a sync is already running".into());
                } else {
                    self.sync.requested = true;
                    self.sync.log("sync requested".into());
                    return Some(Intent::Sync);
                }
            }
        }
        None
    }

    fn apply_in_explain(&mut self, action: Action, metric: usize, scroll: usize) {
        let count = explain::explanations(self).len().max(1);
        let metric = metric.min(count - 1);
        let max = explain::max_scroll(self, metric, self.viewport);
        let (metric, scroll) = match action {
            Action::Explain | Action::Back | Action::Open => {
                self.overlay = Overlay::None;
                return;
            }
            Action::Help => {
                self.overlay = Overlay::Help;
                return;
            }
            Action::Quit => {
                self.quit = true;
                return;
            }
            Action::NextTab => ((metric + 1) % count, 0),
            Action::PrevTab => ((metric + count - 1) % count, 0),
            Action::Up => (metric, scroll.saturating_sub(1)),
            Action::Down => (metric, scroll + 1),
            Action::PageUp => (metric, scroll.saturating_sub(self.page)),
            Action::PageDown => (metric, scroll + self.page),
            Action::Top => (metric, 0),
            Action::Bottom => (metric, max),
            _ => (metric, scroll),
        };
        self.overlay = Overlay::Explain {
            metric,
            scroll: scroll.min(max),
        };
    }

    fn set_filter(&mut self, tab: Tab, text: String) {
        let keep = self.key_of(tab);
        self.filters[tab.index()] = text;
        self.refilter(tab, keep);
    }

    pub(super) fn apply_edit(&mut self, edit: Edit) -> Option<Intent> {
        if self.triage.note.is_some() {
            return self.edit_note(edit);
        }
        if let Overlay::Palette(palette) = &mut self.overlay {
            return match palette.edit(edit) {
                Outcome::Open => None,
                Outcome::Close => {
                    self.overlay = Overlay::None;
                    None
                }
                Outcome::Run(action) => {
                    self.overlay = Overlay::None;
                    self.apply(action)
                }
            };
        }
        let prompt = self.prompt.as_mut()?;
        match edit {
            Edit::Submit => self.prompt = None,
            Edit::Cancel => {
                self.prompt = None;
                self.set_filter(self.tab, String::new());
            }
            Edit::Prev => return self.apply_in_list(Action::Up),
            Edit::Next => return self.apply_in_list(Action::Down),
            _ => {
                if prompt.apply(edit) {
                    let text = prompt.text().to_string();
                    self.set_filter(self.tab, text);
                }
            }
        }
        None
    }

    /// Moves the list's selection while a prompt is open.
    fn apply_in_list(&mut self, action: Action) -> Option<Intent> {
        let prompt = self.prompt.take();
        let intent = self.apply(action);
        self.prompt = prompt;
        intent
    }
}
