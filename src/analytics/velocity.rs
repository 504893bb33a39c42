//! Velocity: story points completed per sprint.
//!
//! Definition (Scrum Guide usage, as Jira's velocity chart): the *completed
//! points* of a sprint are the story points of the issues that were in the
//! sprint and reached a done status with a completing resolution (not
//! "Won't Do", "Duplicate", ... see [`NOT_COMPLETED_RESOLUTIONS`]) by the
//! sprint's close (its `completeDate`; `endDate` for a sprint still active, then
//! counted "so far"). An issue's points count once, in the sprint in which it
//! was completed: the earliest sprint containing the issue whose close is at or
//! after the issue's resolution time. Unestimated issues add nothing and are
//! counted separately, never as zero points. The *planned points* here are the
//! points of the issues in the sprint at close (the sprint field), the
//! say/do ratio is completed ÷ planned. The rolling mean covers the last three
//! closed sprints of the same board, this one included.
//!
//! Units: story points (as estimated in Jira), ratio unitless.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::model::{Sprint, SprintState, StatusCategory, WorkItem};

/// Resolutions that close an issue without completing work.
pub const NOT_COMPLETED_RESOLUTIONS: [&str; 5] = [
    "Won't Do",
    "Won't Fix",
    "Duplicate",
    "Cannot Reproduce",
    "Declined",
];

/// One sprint's velocity figures, and the issues behind them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintVelocity {
    /// Sprint id.
    pub id: u64,
    /// Board id.
    pub board_id: u64,
    /// Sprint name.
    pub name: String,
    /// `closed`, `active` or `future`.
    pub state: SprintState,
    /// Start, UTC.
    pub start: Option<Timestamp>,
    /// Close (complete date, else planned end), UTC.
    pub close: Option<Timestamp>,
    /// Points of estimated issues in the sprint at close, story points.
    pub planned_points: f64,
    /// Points completed in this sprint, story points.
    pub completed_points: f64,
    /// Completed ÷ planned; `None` when nothing was planned.
    pub say_do_ratio: Option<f64>,
    /// Issues in the sprint without an estimate.
    pub unestimated_issues: usize,
    /// Mean completed points of the last three closed sprints of the board
    /// ending with this one; `None` for sprints not closed.
    pub rolling_mean_3: Option<f64>,
    /// Keys of the issues whose points make `completed_points`.
    pub completed_keys: Vec<String>,
    /// Keys of the issues in the sprint at close.
    pub planned_keys: Vec<String>,
}

/// Whether `item` counts as completed work (done, with a completing resolution).
pub fn is_completed(item: &WorkItem) -> bool {
    item.status_category == StatusCategory::Done
        && !item.resolution.as_deref().is_some_and(|r| {
            NOT_COMPLETED_RESOLUTIONS
                .iter()
                .any(|n| n.eq_ignore_ascii_case(r))
        })
}

fn close_of(s: &Sprint) -> Option<Timestamp> {
    s.complete.or(s.end)
}

/// Velocity of every sprint that has started, ordered by board then start.
pub fn velocity(sprints: &[Sprint], items: &[WorkItem]) -> Vec<SprintVelocity> {
    let mut started: Vec<&Sprint> = sprints
        .iter()
        .filter(|s| s.state != SprintState::Future)
        .collect();
    started.sort_by_key(|s| (s.board_id, s.start, s.id));
    let by_id: BTreeMap<u64, &Sprint> = started.iter().map(|s| (s.id, *s)).collect();

    // The sprint in which each completed issue counts.
    let mut completed_in: BTreeMap<u64, Vec<&WorkItem>> = BTreeMap::new();
    for item in items.iter().filter(|i| is_completed(i)) {
        let resolved = item.resolved.unwrap_or(item.updated);
        let home = item
            .sprint_ids
            .iter()
            .filter_map(|id| by_id.get(id))
            .filter(|s| close_of(s).is_some_and(|c| c >= resolved) || s.state == SprintState::Active)
            .min_by_key(|s| (close_of(s), s.id));
        if let Some(s) = home {
            completed_in.entry(s.id).or_default().push(item);
        }
    }

    let mut out: Vec<SprintVelocity> = Vec::new();
    for s in started {
        let members: Vec<&WorkItem> = items.iter().filter(|i| i.sprint_ids.contains(&s.id)).collect();
        let planned_points: f64 = members.iter().filter_map(|i| i.story_points).sum();
        let done = completed_in.get(&s.id).map(Vec::as_slice).unwrap_or(&[]);
        let completed_points: f64 = done.iter().filter_map(|i| i.story_points).sum();
        let mut completed_keys: Vec<String> = done.iter().map(|i| i.key.clone()).collect();
        completed_keys.sort();
        let mut planned_keys: Vec<String> = members.iter().map(|i| i.key.clone()).collect();
        planned_keys.sort();
        out.push(SprintVelocity {
            id: s.id,
            board_id: s.board_id,
            name: s.name.clone(),
            state: s.state,
            start: s.start,
            close: close_of(s),
            planned_points,
            completed_points,
            say_do_ratio: (planned_points > 0.0).then(|| completed_points / planned_points),
            unestimated_issues: members.iter().filter(|i| i.story_points.is_none()).count(),
            rolling_mean_3: None,
            completed_keys,
            planned_keys,
        });
    }
    // Rolling mean over closed sprints per board (already in start order).
    let mut history: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
    for row in &mut out {
        if row.state == SprintState::Closed {
            let h = history.entry(row.board_id).or_default();
            h.push(row.completed_points);
            let tail = &h[h.len().saturating_sub(3)..];
            row.rolling_mean_3 = Some(tail.iter().sum::<f64>() / tail.len() as f64);
        }
    }
    out
}
