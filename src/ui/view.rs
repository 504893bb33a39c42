//! Each tab's list as rows: what a row is, the text a `/` filter searches
//! in it, and the key that identifies it across a data refresh (so the
//! selection stays on the same card, sprint, person or source when a
//! background sync brings new data).
//!
//! Must not: draw, or hold state; [`super::app::App`] caches the results.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::CockpitData;
use super::fuzzy::Filter;
use super::tabs::cards::kind_label;
use crate::insight::Snapshot;
use crate::model::{Source, SprintState};
use crate::ui::app::{SyncStatus, Tab};

/// One person's load in the latest week (a row of the Meetings tab).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonLoad {
    /// Person, as the analytics name them.
    pub person: String,
    /// Hours in the latest week.
    pub hours: f64,
    /// Meetings in the latest week.
    pub meetings: usize,
}

/// Everyone with meeting data, heaviest latest week first, then by name.
pub fn people(snap: &Snapshot) -> Vec<PersonLoad> {
    let latest = snap.meeting_load.iter().map(|m| m.week_start).max();
    let mut by_person: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    for m in &snap.meeting_load {
        let entry = by_person.entry(m.person.as_str()).or_default();
        if Some(m.week_start) == latest {
            *entry = (m.meeting_hours, m.meetings);
        }
    }
    let mut out: Vec<PersonLoad> = by_person
        .into_iter()
        .map(|(p, (hours, meetings))| PersonLoad {
            person: p.to_string(),
            hours,
            meetings,
        })
        .collect();
    out.sort_by(|a, b| b.hours.total_cmp(&a.hours).then_with(|| a.person.cmp(&b.person)));
    out
}

/// Meeting hours per person (in [`people`] order) and week, every week
/// with data, oldest first: what the Meetings tab's table shows, computed
/// once per snapshot so a frame costs only the rows on screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeetingGrid {
    /// Every week with meeting data, oldest first.
    pub weeks: Vec<Date>,
    /// `hours[person * weeks.len() + week]`.
    hours: Vec<f64>,
    /// The most hours of any person-week (bars share this scale).
    pub max_hours: f64,
}

impl MeetingGrid {
    /// The grid of `snap`'s meeting load for `people`.
    pub fn new(snap: &Snapshot, people: &[PersonLoad]) -> MeetingGrid {
        let weeks: Vec<Date> = snap
            .meeting_load
            .iter()
            .map(|m| m.week_start)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let row: BTreeMap<&str, usize> = people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.person.as_str(), i))
            .collect();
        let mut hours = vec![0.0; people.len() * weeks.len()];
        for m in &snap.meeting_load {
            if let (Some(p), Ok(w)) = (row.get(m.person.as_str()), weeks.binary_search(&m.week_start)) {
                hours[p * weeks.len() + w] = m.meeting_hours;
            }
        }
        let max_hours = hours.iter().copied().fold(0.0, f64::max);
        MeetingGrid {
            weeks,
            hours,
            max_hours,
        }
    }

    /// Hours of person `person` (index into [`people`]) in week `week`
    /// (index into [`MeetingGrid::weeks`]); 0 when there is no such cell.
    pub fn hours(&self, person: usize, week: usize) -> f64 {
        self.hours
            .get(person * self.weeks.len() + week)
            .copied()
            .unwrap_or(0.0)
    }

    /// The latest week, if any.
    pub fn latest(&self) -> Option<Date> {
        self.weeks.last().copied()
    }
}

/// The sources listed on the Sync tab: those with a report, then any
/// running without one yet.
pub fn sources(data: &CockpitData, sync: &SyncStatus) -> Vec<Source> {
    let mut out: Vec<Source> = data.sources.iter().map(|r| r.source).collect();
    for s in &sync.running {
        if !out.contains(s) {
            out.push(*s);
        }
    }
    out
}

/// A sprint state as the tabs write it.
pub fn state_label(s: SprintState) -> &'static str {
    match s {
        SprintState::Future => "future",
        SprintState::Active => "active",
        SprintState::Closed => "closed",
    }
}

/// A source's status word on the Sync tab.
pub fn source_status(data: &CockpitData, sync: &SyncStatus, source: Source) -> &'static str {
    if sync.running.contains(&source) {
        "syncing"
    } else if data
        .sources
        .iter()
        .any(|r| r.source == source && r.error.is_some())
    {
        "failed"
    } else {
        "ok"
    }
}

/// The rows of `tab` that pass `filter` (indices into the tab's full list).
pub fn visible(
    tab: Tab,
    data: &CockpitData,
    people: &[PersonLoad],
    sources: &[Source],
    sync: &SyncStatus,
    filter: &Filter,
) -> Vec<usize> {
    let snap = &data.snapshot;
    let keep = |fields: Vec<&str>| filter.matches(fields);
    match tab {
        Tab::Cards => (0..snap.cards.len())
            .filter(|&i| {
                let c = &snap.cards[i];
                let mut f = vec![c.title.as_str(), kind_label(c.kind), c.detail.as_str()];
                f.extend(c.evidence.iter().map(|e| e.label.as_str()));
                keep(f)
            })
            .collect(),
        Tab::Sprint => (0..snap.velocity.len())
            .filter(|&i| {
                let v = &snap.velocity[i];
                let board = v.board_id.to_string();
                let mut f = vec![v.name.as_str(), state_label(v.state), board.as_str()];
                f.extend(v.planned_keys.iter().map(String::as_str));
                f.extend(v.completed_keys.iter().map(String::as_str));
                keep(f)
            })
            .collect(),
        Tab::Meetings => (0..people.len())
            .filter(|&i| keep(vec![people[i].person.as_str()]))
            .collect(),
        Tab::Sync => (0..sources.len())
            .filter(|&i| keep(vec![sources[i].as_str(), source_status(data, sync, sources[i])]))
            .collect(),
        // Listed from the app's cached rows (`app::lists`).
        Tab::Pulse | Tab::Strategic | Tab::Docs => Vec::new(),
        Tab::Standup => data.standup.as_ref().map_or_else(Vec::new, |s| {
            (0..s.team.people.len())
                .filter(|&i| {
                    let p = &s.team.people[i];
                    let mut f = vec![p.person.as_str()];
                    f.extend(
                        p.done
                            .iter()
                            .chain(&p.doing)
                            .chain(&p.blockers)
                            .map(|x| x.id.as_str()),
                    );
                    keep(f)
                })
                .collect()
        }),
        // The app lists the cited facts itself: they are its state, not data.
        Tab::Copilot => Vec::new(),
    }
}

/// What identifies row `i` of `tab`, across data refreshes.
pub fn row_key(tab: Tab, data: &CockpitData, people: &[PersonLoad], sources: &[Source], i: usize) -> String {
    let snap = &data.snapshot;
    match tab {
        Tab::Cards => snap
            .cards
            .get(i)
            .map(|c| format!("{}:{}", kind_label(c.kind), c.title))
            .unwrap_or_default(),
        Tab::Sprint => snap.velocity.get(i).map(|v| v.id.to_string()).unwrap_or_default(),
        Tab::Meetings => people.get(i).map(|p| p.person.clone()).unwrap_or_default(),
        Tab::Sync => sources.get(i).map(|s| s.as_str().to_string()).unwrap_or_default(),
        Tab::Pulse | Tab::Strategic | Tab::Docs => String::new(),
        Tab::Standup => data
            .standup
            .as_ref()
            .and_then(|s| s.team.people.get(i))
            .map(|p| p.person.clone())
            .unwrap_or_default(),
        Tab::Copilot => i.to_string(),
    }
}

/// What a tab's list holds, for "3 of 12 sprints".
pub fn noun(tab: Tab) -> &'static str {
    match tab {
        Tab::Cards => "cards",
        Tab::Sprint => "sprints",
        Tab::Meetings => "people",
        Tab::Pulse => "figures",
        Tab::Strategic => "people",
        Tab::Docs => "epics",
        Tab::Sync => "sources",
        Tab::Standup => "people",
        Tab::Copilot => "cited facts",
    }
}
