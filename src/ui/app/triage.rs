//! Sprint triage in the Sprint tab: the at-risk issues of every active
//! sprint (from the snapshot's triage report) as one sortable list, the
//! team's decisions and notes on them, and the keys that change those.
//!
//! The Sprint tab shows either velocity or this list (`t` switches); each
//! keeps its own selection, filter and detail. A decision or note changes
//! the app's copy at once and goes out as [`Intent::SaveTriage`] for the
//! caller to store sealed; `y` returns the Markdown summary as
//! [`Intent::Copy`]. Must not: read the clock or the store.

use std::collections::BTreeMap;

use super::{App, Intent, Tab};
use crate::analytics::triage::{TriageItem, TriageReport};
use crate::insight::Snapshot;
use crate::model::{TriageDecision, TriageMark};
use crate::ui::action::Action;
use crate::ui::fuzzy::Filter;
use crate::ui::input::{Edit, LineInput};

/// How the triage list is ordered (`s` cycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TriageSort {
    /// Most reasons first, then longest without movement.
    #[default]
    Risk,
    /// Longest without movement first.
    Idle,
    /// Largest estimate first, unestimated on top.
    Points,
    /// By sprint, then issue key in counting order.
    Key,
}

impl TriageSort {
    /// The next order.
    pub fn next(self) -> TriageSort {
        match self {
            TriageSort::Risk => TriageSort::Idle,
            TriageSort::Idle => TriageSort::Points,
            TriageSort::Points => TriageSort::Key,
            TriageSort::Key => TriageSort::Risk,
        }
    }

    /// Label for the pane title.
    pub fn label(self) -> &'static str {
        match self {
            TriageSort::Risk => "most reasons",
            TriageSort::Idle => "longest idle",
            TriageSort::Points => "largest",
            TriageSort::Key => "key",
        }
    }
}

/// One row of the triage list.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageRow {
    /// The sprint's name.
    pub sprint: String,
    /// The issue.
    pub item: TriageItem,
}

/// A decision and a note (what a mark holds, without who and when).
pub type Mark = (Option<TriageDecision>, String);

/// The triage list, its order, the marks, and the note being typed.
#[derive(Debug, Clone, Default)]
pub struct TriageState {
    /// Whether the Sprint tab shows the triage list (else velocity).
    pub on: bool,
    /// The order.
    pub sort: TriageSort,
    /// Every at-risk issue, in `sort` order.
    pub rows: Vec<TriageRow>,
    /// Marks by (sprint id, key).
    pub marks: BTreeMap<(u64, String), Mark>,
    /// The note prompt, when open.
    pub note: Option<LineInput>,
    /// The other mode's selection, filter and detail flag.
    saved: (usize, String, bool),
}

/// The parts of the triage state the screen shows.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TriageView {
    on: bool,
    sort: TriageSort,
    marks: BTreeMap<(u64, String), Mark>,
    note: Option<LineInput>,
}

/// `(prefix, number, rest)` of a key, for counting order (`ALP-4` < `ALP-10`).
fn natural(key: &str) -> (String, u64, String) {
    let start = key.find(|c: char| c.is_ascii_digit()).unwrap_or(key.len());
    let end = key[start..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(key.len(), |i| start + i);
    let n = key[start..end].parse::<u64>().unwrap_or(u64::MAX);
    (key[..start].to_string(), n, key[end..].to_string())
}

impl TriageState {
    /// Rebuilds the rows from `snap`, in the current order.
    pub(super) fn rebuild(&mut self, snap: &Snapshot) {
        self.rows = snap
            .triage
            .iter()
            .flat_map(|r| r.sprints.iter())
            .flat_map(|s| {
                s.items.iter().map(|i| TriageRow {
                    sprint: s.name.clone(),
                    item: i.clone(),
                })
            })
            .collect();
        self.order();
    }

    fn order(&mut self) {
        let key = |r: &TriageRow| (r.item.sprint_id, natural(&r.item.key));
        match self.sort {
            TriageSort::Risk => self.rows.sort_by(|a, b| {
                b.item
                    .reasons
                    .len()
                    .cmp(&a.item.reasons.len())
                    .then(b.item.idle_days.total_cmp(&a.item.idle_days))
                    .then_with(|| key(a).cmp(&key(b)))
            }),
            TriageSort::Idle => self.rows.sort_by(|a, b| {
                b.item
                    .idle_days
                    .total_cmp(&a.item.idle_days)
                    .then_with(|| key(a).cmp(&key(b)))
            }),
            TriageSort::Points => self.rows.sort_by(|a, b| {
                let p = |r: &TriageRow| r.item.points.unwrap_or(f64::INFINITY);
                p(b).total_cmp(&p(a)).then_with(|| key(a).cmp(&key(b)))
            }),
            TriageSort::Key => self.rows.sort_by_key(key),
        }
    }

    /// Replaces the marks with stored ones.
    pub fn set_marks(&mut self, marks: &[TriageMark]) {
        self.marks = marks
            .iter()
            .map(|m| ((m.sprint_id, m.key.clone()), (m.decision, m.note.clone())))
            .collect();
    }

    /// The mark of row `i`, if any.
    pub fn mark(&self, i: usize) -> Option<&Mark> {
        let r = self.rows.get(i)?;
        self.marks.get(&(r.item.sprint_id, r.item.key.clone()))
    }

    /// The marks as stored values (`by` and `at` as given), for the summary.
    pub fn marks_as_stored(&self, by: &str, at: jiff::Timestamp) -> Vec<TriageMark> {
        self.marks
            .iter()
            .map(|((sprint_id, key), (decision, note))| TriageMark {
                sprint_id: *sprint_id,
                key: key.clone(),
                decision: *decision,
                note: note.clone(),
                by: by.to_string(),
                at,
            })
            .collect()
    }

    pub(super) fn row_key(&self, i: usize) -> String {
        self.rows
            .get(i)
            .map(|r| format!("{}/{}", r.item.sprint_id, r.item.key))
            .unwrap_or_default()
    }

    pub(super) fn visible(&self, filter: &Filter) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|&i| {
                let r = &self.rows[i];
                let mut f = vec![
                    r.sprint.as_str(),
                    r.item.key.as_str(),
                    r.item.summary.as_str(),
                    r.item.status.as_str(),
                ];
                f.extend(r.item.reasons.iter().map(|x| x.label()));
                if let Some((d, note)) = self.mark(i) {
                    f.extend(d.map(TriageDecision::label));
                    f.push(note.as_str());
                }
                filter.matches(f)
            })
            .collect()
    }

    pub(super) fn view(&self) -> TriageView {
        TriageView {
            on: self.on,
            sort: self.sort,
            marks: self.marks.clone(),
            note: self.note.clone(),
        }
    }
}

/// The Markdown summary of `report` with `marks` (see [`crate::insight::triage`]).
pub fn summary(report: &TriageReport, marks: &[TriageMark]) -> String {
    crate::insight::triage::triage_markdown(report, marks, None)
}

impl App {
    /// The sprint triage list and marks.
    pub fn triage(&self) -> &TriageState {
        &self.triage
    }

    /// Replaces the triage marks (as stored) and redraws.
    pub fn set_triage_marks(&mut self, marks: &[TriageMark]) {
        self.triage.set_marks(marks);
        if self.triage.on {
            let keep = self.key_of(Tab::Sprint);
            self.refilter(Tab::Sprint, keep);
        }
        self.dirty = true;
    }

    /// Switches the Sprint tab between velocity and triage, each keeping its
    /// own selection, filter and detail.
    fn toggle_triage(&mut self) {
        let i = Tab::Sprint.index();
        let saved = std::mem::take(&mut self.triage.saved);
        self.triage.saved = (
            self.selected[i],
            std::mem::take(&mut self.filters[i]),
            self.detail[i],
        );
        self.triage.on = !self.triage.on;
        (self.selected[i], self.filters[i], self.detail[i]) = saved;
        self.refilter(Tab::Sprint, None);
    }

    /// Applies a triage action (`t`, `s`, the marks, `a`, `y`).
    pub(super) fn apply_triage(&mut self, action: Action) -> Option<Intent> {
        match action {
            Action::Triage => {
                if self.tab != Tab::Sprint {
                    self.tab = Tab::Sprint;
                    if !self.triage.on {
                        self.toggle_triage();
                    }
                } else {
                    self.toggle_triage();
                }
                return None;
            }
            Action::Copy => {
                let Some(report) = &self.data.snapshot.triage else {
                    self.sync.notice = Some("no triage list in this snapshot: sync Jira first".into());
                    return None;
                };
                let marks = self
                    .triage
                    .marks_as_stored(&self.data.viewer, self.data.snapshot.as_of);
                let text = summary(report, &marks);
                self.sync.notice = Some(format!(
                    "copied the triage summary ({} lines of Markdown) to the clipboard",
                    text.lines().count()
                ));
                return Some(Intent::Copy(text));
            }
            _ => {}
        }
        if self.tab != Tab::Sprint || !self.triage.on {
            self.sync.notice = Some("triage keys work on the Sprint tab's triage list (t shows it)".into());
            return None;
        }
        if action == Action::Sort {
            let keep = self.key_of(Tab::Sprint);
            self.triage.sort = self.triage.sort.next();
            self.triage.order();
            self.refilter(Tab::Sprint, keep);
            return None;
        }
        let Some(row) = self.selected_row(Tab::Sprint) else {
            self.sync.notice = Some("no at-risk issue selected".into());
            return None;
        };
        let (decision, note) = self.triage.mark(row).cloned().unwrap_or_default();
        let chosen = match action {
            Action::MarkKeep => TriageDecision::Keep,
            Action::MarkMove => TriageDecision::MoveNext,
            Action::MarkSplit => TriageDecision::Split,
            Action::MarkOwner => TriageDecision::NeedsOwner,
            Action::Note => {
                self.triage.note = Some(LineInput::new(&note));
                return None;
            }
            _ => return None,
        };
        // The same key again takes the decision back.
        let decision = if decision == Some(chosen) {
            None
        } else {
            Some(chosen)
        };
        self.set_mark(row, decision, note)
    }

    fn set_mark(&mut self, row: usize, decision: Option<TriageDecision>, note: String) -> Option<Intent> {
        let r = self.triage.rows.get(row)?;
        let id = (r.item.sprint_id, r.item.key.clone());
        if decision.is_none() && note.trim().is_empty() {
            self.triage.marks.remove(&id);
        } else {
            self.triage.marks.insert(id.clone(), (decision, note.clone()));
        }
        Some(Intent::SaveTriage {
            sprint_id: id.0,
            key: id.1,
            decision,
            note,
        })
    }

    /// A keystroke in the note prompt: `enter` keeps the note, `esc` drops the edit.
    pub(super) fn edit_note(&mut self, edit: Edit) -> Option<Intent> {
        let prompt = self.triage.note.as_mut()?;
        match edit {
            Edit::Submit => {
                let text = prompt.text().trim().to_string();
                self.triage.note = None;
                let row = self.selected_row(Tab::Sprint)?;
                let (decision, _) = self.triage.mark(row).cloned().unwrap_or_default();
                self.set_mark(row, decision, text)
            }
            Edit::Cancel => {
                self.triage.note = None;
                None
            }
            Edit::Prev | Edit::Next => None,
            other => {
                prompt.apply(other);
                None
            }
        }
    }
}
