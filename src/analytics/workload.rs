//! Workload: open assigned issues and points per person, work in progress,
//! against the sprint's capacity.
//!
//! Definitions (evaluated at `as_of`, each issue's fields replayed from its
//! changelog; epics are left out; issues created after `as_of` do not exist):
//! - **Scope**: with a sprint, the issues in that sprint at `as_of`; without
//!   one, every issue.
//! - **Open** issues/points: not in the done category. **WIP**: open and in the
//!   in-progress category. **Assigned** (sprint scope): open + completed issues
//!   of the person (issues closed as "Won't Do" etc. are not work); without a
//!   sprint, assigned = open.
//! - **Person**: the assignee's account id at `as_of`; unassigned issues are
//!   reported apart and never count as a person.
//! - **Capacity** per person, story points: passed in ([`Capacity::PerPerson`]),
//!   or the sprint's committed points ÷ the number of distinct assignees in
//!   scope ([`Capacity::SplitCommitted`]). **Load ratio** = assigned points ÷
//!   capacity; **over capacity** when above 1.
//!
//! Units: story points, issue counts; unestimated issues add 0 points and are
//! counted in `unestimated_open_issues`.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::recycle::fill_strings;
use super::sprint::{IssueHistory, SprintOptions, StatusMap};
use crate::model::{StatusCategory, WorkItem};

/// How to find each person's capacity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    /// Story points per person, as configured.
    PerPerson(f64),
    /// The sprint's committed points, split evenly among its assignees.
    SplitCommitted(f64),
    /// No capacity known.
    Unknown,
}

/// One person's load (or the unassigned bucket).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonLoad {
    /// Assignee account id; `None` for unassigned issues.
    pub assignee: Option<String>,
    /// Issues assigned in scope (sprint: open + completed; else open).
    pub assigned_issues: usize,
    /// Their story points.
    pub assigned_points: f64,
    /// Open issues.
    pub open_issues: usize,
    /// Open story points.
    pub open_points: f64,
    /// Open issues without estimate.
    pub unestimated_open_issues: usize,
    /// Issues in progress.
    pub wip_issues: usize,
    /// Story points in progress.
    pub wip_points: f64,
    /// Capacity, story points; `None` when unknown.
    pub capacity_points: Option<f64>,
    /// Assigned points ÷ capacity.
    pub load_ratio: Option<f64>,
    /// Load ratio above 1.
    pub over_capacity: bool,
    /// Keys of the open issues.
    pub open_keys: Vec<String>,
    /// Keys of the issues in progress.
    pub wip_keys: Vec<String>,
}

/// Workload of a team, per person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// The sprint in scope, if any.
    pub sprint_id: Option<u64>,
    /// Evaluation instant, UTC.
    pub as_of: Timestamp,
    /// Capacity per person, story points.
    pub capacity_points_per_person: Option<f64>,
    /// One row per assignee, ordered by account id.
    pub people: Vec<PersonLoad>,
    /// Unassigned issues in scope.
    pub unassigned: PersonLoad,
}

/// Workload at `as_of` (definitions in the module doc).
pub fn workload(
    items: &[WorkItem],
    sprint_id: Option<u64>,
    as_of: Timestamp,
    capacity: Capacity,
    opts: &SprintOptions,
) -> Workload {
    let statuses = StatusMap::from_items(items);
    let histories: Vec<IssueHistory<'_>> = items
        .iter()
        .map(|i| IssueHistory::new(i, &opts.fields, &statuses))
        .collect();
    workload_of(&histories, sprint_id, as_of, capacity, opts)
}

/// [`workload`] over issue histories already built (with `opts.fields` and
/// the status map of all the issues).
pub fn workload_of(
    histories: &[IssueHistory<'_>],
    sprint_id: Option<u64>,
    as_of: Timestamp,
    capacity: Capacity,
    opts: &SprintOptions,
) -> Workload {
    let parts: Vec<LoadPart> = histories
        .iter()
        .filter_map(|h| load_part(h, sprint_id, as_of, opts))
        .collect();
    workload_from(parts.iter(), sprint_id, as_of, capacity, None)
}

/// What one issue adds to its assignee's row ([`load_part`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LoadPart {
    assignee: Option<String>,
    key: String,
    points: f64,
    open: bool,
    unestimated: bool,
    wip: bool,
}

/// What the issue of `hist` adds to the workload at `as_of`, if it is in
/// scope (created by then, not an epic, in the sprint when there is one,
/// open — or completed, for a sprint).
pub(crate) fn load_part(
    hist: &IssueHistory<'_>,
    sprint_id: Option<u64>,
    as_of: Timestamp,
    opts: &SprintOptions,
) -> Option<LoadPart> {
    let item = hist.item;
    if item.created > as_of || item.issue_type.eq_ignore_ascii_case("Epic") {
        return None;
    }
    let st = hist.view(as_of);
    if sprint_id.is_some_and(|id| !st.sprints.contains(&id)) {
        return None;
    }
    let open = !st.is_done();
    let counts = open || (sprint_id.is_some() && st.is_completed(&opts.not_completed_resolutions));
    if !counts {
        return None;
    }
    Some(LoadPart {
        assignee: st.assignee.map(str::to_string),
        key: item.key.clone(),
        points: st.points_or_zero(),
        open,
        unestimated: st.points.is_none(),
        wip: st.category == StatusCategory::InProgress,
    })
}

/// A row being summed, with its open and in-progress keys borrowed.
type RowWithKeys<'a> = (PersonLoad, Vec<&'a str>, Vec<&'a str>);

/// The workload from the issues' parts, summed in the order given (the
/// order of the issues). The key lists of `recycle` (an earlier workload)
/// are reused for the same assignees' rows; values never depend on it.
pub(crate) fn workload_from<'a>(
    parts: impl Iterator<Item = &'a LoadPart>,
    sprint_id: Option<u64>,
    as_of: Timestamp,
    capacity: Capacity,
    recycle: Option<Workload>,
) -> Workload {
    // Rows with their keys borrowed; the key lists are filled at the end.
    let mut rows: BTreeMap<Option<&str>, RowWithKeys<'_>> = BTreeMap::new();
    for part in parts {
        let (row, open_keys, wip_keys) = rows.entry(part.assignee.as_deref()).or_insert_with(|| {
            let row = PersonLoad {
                assignee: part.assignee.clone(),
                ..PersonLoad::default()
            };
            (row, Vec::new(), Vec::new())
        });
        let p = part.points;
        row.assigned_issues += 1;
        row.assigned_points += p;
        if part.open {
            row.open_issues += 1;
            row.open_points += p;
            open_keys.push(&part.key);
            if part.unestimated {
                row.unestimated_open_issues += 1;
            }
            if part.wip {
                row.wip_issues += 1;
                row.wip_points += p;
                wip_keys.push(&part.key);
            }
        }
    }
    let mut old: BTreeMap<Option<String>, (Vec<String>, Vec<String>)> = BTreeMap::new();
    if let Some(w) = recycle {
        for r in w.people.into_iter().chain(std::iter::once(w.unassigned)) {
            old.insert(r.assignee, (r.open_keys, r.wip_keys));
        }
    }
    let mut finish = |(mut row, mut open, mut wip): RowWithKeys<'_>| {
        open.sort_unstable();
        wip.sort_unstable();
        let (open_keys, wip_keys) = old.remove(&row.assignee).unwrap_or_default();
        row.open_keys = open_keys;
        row.wip_keys = wip_keys;
        fill_strings(&mut row.open_keys, open);
        fill_strings(&mut row.wip_keys, wip);
        row
    };
    let unassigned = rows.remove(&None).map(&mut finish).unwrap_or_default();
    let people_count = rows.len();
    let per_person = match capacity {
        Capacity::PerPerson(c) => Some(c),
        Capacity::SplitCommitted(c) if people_count > 0 => Some(c / people_count as f64),
        Capacity::SplitCommitted(_) | Capacity::Unknown => None,
    };
    let people = rows
        .into_values()
        .map(|r| {
            let mut r = finish(r);
            r.capacity_points = per_person;
            r.load_ratio = per_person.filter(|c| *c > 0.0).map(|c| r.assigned_points / c);
            r.over_capacity = r.load_ratio.is_some_and(|x| x > 1.0);
            r
        })
        .collect();
    Workload {
        sprint_id,
        as_of,
        capacity_points_per_person: per_person,
        people,
        unassigned,
    }
}
