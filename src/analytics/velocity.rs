//! Velocity: story points completed per sprint, on top of sprint health.
//!
//! Definition: a sprint's velocity is its *completed points* as defined in
//! [`super::sprint`] (issues in the sprint at close that became done with a
//! completing resolution during it, each at its estimate when completed; an
//! issue's points count once, in the first sprint to close with it
//! completed). The *rolling mean* is the mean completed points of the last
//! three closed sprints of the same board, this one included (fewer at the
//! start of a board's history); `None` for a sprint not closed. The say/do
//! ratio is completed ÷ committed (points at start).
//!
//! Units: story points; ratio unitless. JSON names are snake_case with the
//! unit in them ([`VelocityRow`]).

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;
use super::recycle::fill_strings;
use super::sprint::{
    DEFAULT_NOT_COMPLETED, IssueHistory, SprintHealth, SprintOptions, sprint_health, sprint_health_of,
};
use crate::model::{Sprint, SprintState, StatusCategory, WorkItem};

/// Resolutions that close an issue without completing work (the default of
/// [`SprintOptions::not_completed_resolutions`]).
pub const NOT_COMPLETED_RESOLUTIONS: [&str; 6] = DEFAULT_NOT_COMPLETED;

/// One sprint's velocity row (the per-sprint JSON of `metrics`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VelocityRow {
    /// Sprint id.
    pub id: u64,
    /// Board id.
    pub board_id: u64,
    /// Sprint name.
    pub name: String,
    /// State at the evaluation instant.
    pub state: SprintState,
    /// Start, UTC.
    pub start: Timestamp,
    /// Completion (closed) or evaluation instant (active), UTC.
    pub close: Timestamp,
    /// Story points committed at start.
    pub committed_points: f64,
    /// Story points added after start.
    pub added_points: f64,
    /// Story points removed after start.
    pub removed_points: f64,
    /// Story points completed in the sprint.
    pub completed_points: f64,
    /// Story points carried over to a later sprint.
    pub carried_over_points: f64,
    /// Issues in the sprint at close without an estimate.
    pub unestimated_issues: usize,
    /// Completed ÷ committed; `None` when nothing was committed.
    pub say_do_ratio: Option<f64>,
    /// Mean completed points of the board's last three closed sprints ending
    /// with this one; `None` unless closed.
    pub rolling_mean_3_points: Option<f64>,
    /// Keys behind `completed_points`.
    pub completed_keys: Vec<String>,
    /// Keys behind `committed_points`.
    pub committed_keys: Vec<String>,
    /// Keys behind `carried_over_points`.
    pub carried_over_keys: Vec<String>,
}

/// Velocity rows of the given sprint healths, ordered by board then start.
pub fn velocity_rows(health: &[SprintHealth]) -> Vec<VelocityRow> {
    velocity_rows_recycled(health, Vec::new())
}

/// [`velocity_rows`], reusing the key lists of `recycle` (earlier rows) for
/// the rows of the same sprints; values never depend on it.
pub(crate) fn velocity_rows_recycled(health: &[SprintHealth], recycle: Vec<VelocityRow>) -> Vec<VelocityRow> {
    let mut old: BTreeMap<u64, VelocityRow> = recycle.into_iter().map(|r| (r.id, r)).collect();
    let mut sorted: Vec<&SprintHealth> = health.iter().collect();
    sorted.sort_by_key(|h| (h.board_id, h.start, h.id));
    let mut history: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
    sorted
        .into_iter()
        .map(|h| {
            let rolling = (h.state == SprintState::Closed).then(|| {
                let past = history.entry(h.board_id).or_default();
                past.push(h.completed_points);
                let tail = &past[past.len().saturating_sub(3)..];
                tail.iter().sum::<f64>() / tail.len() as f64
            });
            let mut row = VelocityRow {
                id: h.id,
                board_id: h.board_id,
                name: h.name.clone(),
                state: h.state,
                start: h.start,
                close: h.evaluated_at,
                committed_points: h.committed_points,
                added_points: h.added_points,
                removed_points: h.removed_points,
                completed_points: h.completed_points,
                carried_over_points: h.carried_over_points,
                unestimated_issues: h.unestimated_issues,
                say_do_ratio: h.say_do_ratio,
                rolling_mean_3_points: rolling,
                completed_keys: Vec::new(),
                committed_keys: Vec::new(),
                carried_over_keys: Vec::new(),
            };
            if let Some(o) = old.remove(&h.id) {
                row.completed_keys = o.completed_keys;
                row.committed_keys = o.committed_keys;
                row.carried_over_keys = o.carried_over_keys;
            }
            fill_strings(
                &mut row.completed_keys,
                h.completed.iter().map(|i| i.key.as_str()),
            );
            fill_strings(
                &mut row.committed_keys,
                h.committed.iter().map(|i| i.key.as_str()),
            );
            fill_strings(
                &mut row.carried_over_keys,
                h.carried_over.iter().map(|i| i.key.as_str()),
            );
            row
        })
        .collect()
}

/// One sprint's velocity in the shape the cockpit's Sprint tab reads today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintVelocity {
    /// Sprint id.
    pub id: u64,
    /// Board id.
    pub board_id: u64,
    /// Sprint name.
    pub name: String,
    /// `closed` or `active` at the evaluation instant.
    pub state: SprintState,
    /// Start, UTC.
    pub start: Option<Timestamp>,
    /// Completion (closed) or evaluation instant (active), UTC.
    pub close: Option<Timestamp>,
    /// Story points committed at start (see [`super::sprint`]).
    pub planned_points: f64,
    /// Story points completed in this sprint.
    pub completed_points: f64,
    /// Completed ÷ committed; `None` when nothing was committed.
    pub say_do_ratio: Option<f64>,
    /// Issues in the sprint at close without an estimate.
    pub unestimated_issues: usize,
    /// Mean completed points of the last three closed sprints of the board
    /// ending with this one; `None` for sprints not closed.
    pub rolling_mean_3: Option<f64>,
    /// Keys of the issues whose points make `completed_points`.
    pub completed_keys: Vec<String>,
    /// Keys of the issues committed at start.
    pub planned_keys: Vec<String>,
}

/// Whether `item` counts as completed work now (done, with a completing
/// resolution from [`NOT_COMPLETED_RESOLUTIONS`]).
pub fn is_completed(item: &WorkItem) -> bool {
    item.status_category == StatusCategory::Done
        && !item.resolution.as_deref().is_some_and(|r| {
            NOT_COMPLETED_RESOLUTIONS
                .iter()
                .any(|n| n.eq_ignore_ascii_case(r))
        })
}

/// The latest instant the records know of (their "now").
fn latest_instant<'a>(sprints: &[Sprint], items: impl Iterator<Item = &'a WorkItem>) -> Timestamp {
    let s = sprints.iter().flat_map(|s| [s.start, s.complete]).flatten();
    let i = items.flat_map(|i| std::iter::once(i.updated).chain(i.changelog.iter().map(|c| c.at)));
    s.chain(i).max().unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Velocity of every started sprint, ordered by board then start, evaluated
/// at the latest instant the records know of, with default options.
///
/// Kept for the cockpit's current callers; new code uses [`sprint_health`]
/// with a clock, a team calendar and configured options, then
/// [`velocity_rows`].
pub fn velocity(sprints: &[Sprint], items: &[WorkItem]) -> Vec<SprintVelocity> {
    let as_of = latest_instant(sprints, items.iter());
    let cal = Calendar::weekdays(TimeZone::UTC);
    velocity_from(&sprint_health(
        sprints,
        items,
        &cal,
        as_of,
        &SprintOptions::default(),
    ))
}

/// [`velocity`] over issue histories already built with the default
/// [`JiraFields`] (and the status map of all the issues).
pub fn velocity_of(sprints: &[Sprint], histories: &[IssueHistory<'_>]) -> Vec<SprintVelocity> {
    let as_of = latest_instant(sprints, histories.iter().map(|h| h.item));
    let cal = Calendar::weekdays(TimeZone::UTC);
    velocity_from(&sprint_health_of(
        sprints,
        histories,
        &cal,
        as_of,
        &SprintOptions::default(),
    ))
}

fn velocity_from(health: &[SprintHealth]) -> Vec<SprintVelocity> {
    sprint_velocity(velocity_rows(health))
}

/// [`sprint_velocity`] from borrowed rows, reusing the key lists of
/// `recycle` (earlier velocity) for the same sprints.
pub(crate) fn sprint_velocity_recycled(
    rows: &[VelocityRow],
    recycle: Vec<SprintVelocity>,
) -> Vec<SprintVelocity> {
    let mut old: BTreeMap<u64, SprintVelocity> = recycle.into_iter().map(|v| (v.id, v)).collect();
    rows.iter()
        .map(|r| {
            let (mut completed_keys, mut planned_keys) = old
                .remove(&r.id)
                .map(|v| (v.completed_keys, v.planned_keys))
                .unwrap_or_default();
            fill_strings(&mut completed_keys, r.completed_keys.iter().map(String::as_str));
            fill_strings(&mut planned_keys, r.committed_keys.iter().map(String::as_str));
            SprintVelocity {
                id: r.id,
                board_id: r.board_id,
                name: r.name.clone(),
                state: r.state,
                start: Some(r.start),
                close: Some(r.close),
                planned_points: r.committed_points,
                completed_points: r.completed_points,
                say_do_ratio: r.say_do_ratio,
                unestimated_issues: r.unestimated_issues,
                rolling_mean_3: r.rolling_mean_3_points,
                completed_keys,
                planned_keys,
            }
        })
        .collect()
}

/// The Sprint tab's shape of velocity rows (same order, same figures).
pub fn sprint_velocity(rows: Vec<VelocityRow>) -> Vec<SprintVelocity> {
    sprint_velocity_recycled(&rows, Vec::new())
}
