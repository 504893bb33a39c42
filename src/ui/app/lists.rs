//! The lists of the Pulse, Strategic and Docs tabs: their rows, the text a
//! `/` filter searches in each, and the key that follows a row across a
//! data refresh. Must not: draw.

use super::{App, Tab};
use crate::analytics::docs::EpicDocs;
use crate::analytics::pulse::{Figure, Pulse};
use crate::insight::Snapshot;
use crate::ui::fuzzy::Filter;

/// One figure of the Engineering Pulse, as a row of the Pulse tab.
#[derive(Debug, Clone, PartialEq)]
pub struct PulseRow {
    /// What it is about: `Flow`, `Week of 2026-11-23`, `Area acme/api`.
    pub group: String,
    /// Which figure (`Cycle time p50`).
    pub name: String,
    /// The figure: value, unit, group size, why withheld, items behind.
    pub figure: Figure,
}

/// Weeks of meeting and focus figures the Pulse tab lists (latest first).
const PULSE_WEEKS: usize = 4;

/// Every figure of `snap`'s pulse, in display order: flow, the latest
/// weeks (newest first), then each area.
pub fn pulse_rows(snap: &Snapshot) -> Vec<PulseRow> {
    let Some(p) = &snap.pulse else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |group: &str, name: &str, figure: &Figure| {
        out.push(PulseRow {
            group: group.to_string(),
            name: name.to_string(),
            figure: figure.clone(),
        })
    };
    let f = &p.flow;
    for (name, fig) in [
        ("Merged pull requests", &f.merged_prs),
        ("Cycle time p50", &f.cycle_time_hours_p50),
        ("Cycle time p85", &f.cycle_time_hours_p85),
        ("Open to merge p50", &f.open_to_merge_hours_p50),
        ("Open to merge p85", &f.open_to_merge_hours_p85),
        ("Pickup time p50", &f.pickup_time_hours_p50),
        ("Pickup time p85", &f.pickup_time_hours_p85),
        ("Review time p50", &f.review_time_hours_p50),
        ("Review time p85", &f.review_time_hours_p85),
        ("PR size p50", &f.pr_size_lines_p50),
        ("PR size p85", &f.pr_size_lines_p85),
        ("Merged without review", &f.merged_without_review),
        ("Stale open pull requests", &f.stale_open_prs),
        ("Reviews per reviewer", &f.reviews_per_reviewer_mean),
    ] {
        push("Flow", name, fig);
    }
    for w in p.weeks.iter().rev().take(PULSE_WEEKS) {
        let group = format!("Week of {}", w.week_start);
        for (name, fig) in [
            ("Meeting hours per person", &w.meeting_hours_mean),
            ("Meeting hours, team total", &w.meeting_hours_total),
            ("Meetings per person", &w.meetings_mean),
            ("Focus hours per person", &w.focus_hours_mean),
            ("Focus hours, team total", &w.focus_hours_total),
            ("Fragmenting meetings per person", &w.fragmenting_meetings_mean),
        ] {
            push(&group, name, fig);
        }
    }
    for a in &p.areas {
        let group = format!("Area {}", a.area);
        for (name, fig) in [
            ("Changes", &a.changes),
            ("Bus factor", &a.bus_factor),
            ("Authors", &a.authors),
            ("Reviewers", &a.reviewers),
        ] {
            push(&group, name, fig);
        }
    }
    for x in &p.extra {
        push("Team", &x.name, &x.figure);
    }
    out
}

/// The pulse's minimum group size, if the snapshot has a pulse.
pub fn min_group(snap: &Snapshot) -> Option<usize> {
    snap.pulse.as_ref().map(|p: &Pulse| p.min_group_size)
}

/// The active epics of the Docs tab.
pub fn epics(snap: &Snapshot) -> &[EpicDocs] {
    snap.docs.as_ref().map_or(&[], |d| d.epics.as_slice())
}

pub(super) fn visible(app: &App, tab: Tab, filter: &Filter) -> Vec<usize> {
    match tab {
        Tab::Pulse => (0..app.pulse.len())
            .filter(|&i| {
                let r = &app.pulse[i];
                filter.matches([r.group.as_str(), r.name.as_str(), r.figure.unit.as_str()])
            })
            .collect(),
        Tab::Strategic => (0..app.persons.len())
            .filter(|&i| filter.matches([app.persons[i].person.as_str()]))
            .collect(),
        Tab::Docs => {
            let all = epics(&app.data.snapshot);
            (0..all.len())
                .filter(|&i| {
                    let e = &all[i];
                    let mut f = vec![e.key.as_str(), e.summary.as_str()];
                    f.extend(e.pages.iter().map(|p| p.title.as_str()));
                    filter.matches(f)
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

pub(super) fn row_key(app: &App, tab: Tab, i: usize) -> String {
    match tab {
        Tab::Pulse => app
            .pulse
            .get(i)
            .map(|r| format!("{}/{}", r.group, r.name))
            .unwrap_or_default(),
        Tab::Strategic => app.persons.get(i).map(|p| p.person.clone()).unwrap_or_default(),
        Tab::Docs => epics(&app.data.snapshot)
            .get(i)
            .map(|e| e.key.clone())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

impl App {
    /// Every row of the Pulse tab.
    pub fn pulse_rows(&self) -> &[PulseRow] {
        &self.pulse
    }
}
