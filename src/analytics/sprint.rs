//! Sprint health: what a sprint committed to, how its scope moved, what it
//! completed, what it carried over, and whether an active sprint is at risk.
//!
//! Every figure is rebuilt from the issues' changelogs (see [`history`]), so
//! it can be evaluated as of any instant (`as_of`) and explained issue by
//! issue. Units: story points as estimated in Jira; an unestimated issue adds
//! 0 points to every sum and is counted separately, never as an estimate of 0.
//!
//! ## Definitions
//! Let `start` be the sprint's start and `close` its completion
//! (`completeDate`), or `as_of` for a sprint still running at `as_of`. An issue
//! is *open* when its status is not in the done category; *completed* when
//! it is done with a resolution outside [`SprintOptions::not_completed_resolutions`]
//! (a done issue without resolution counts as completed); *dropped* when it is
//! done with such a resolution ("Won't Do", "Duplicate").
//! - **Committed points**: the estimates, at `start`, of the issues that were in
//!   the sprint at `start` and open. Issues already done at `start` are listed
//!   in `completed_before_start` and count nowhere.
//! - **Scope events** in `(start, close]`, each with its issue key and instant
//!   (a [`SprintEvent`]): an open issue joins (`added`) or leaves (`removed`);
//!   the estimate of an open issue in the sprint changes (`estimate_changed`,
//!   signed); a done issue is reopened (`reopened`); an issue is closed with a
//!   not-completing resolution (`closed_not_completed`).
//! - **Added points**: added + reopened + estimate increases. **Removed
//!   points**: removed + closed-not-completed + estimate decreases (+ the two
//!   bookkeeping kinds below).
//! - **Completed points**: the issues in the sprint at `close` that became
//!   completed during the sprint, each at its estimate at the instant it was
//!   completed. An issue's points count in one sprint's completed total only:
//!   the sprint whose close comes first; a later sprint in which the same issue
//!   is completed again records `completed_again` (counted as removed) instead.
//!   An issue that leaves the sprint after being completed records
//!   `left_after_done` (its completion moves to removed).
//! - **Remaining points**: estimates at `close` of the issues in the sprint at
//!   `close` and open. By construction committed + added − removed −
//!   completed = remaining.
//! - **Carried-over points** (closed sprints only): remaining issues that, as of
//!   `as_of`, are in a later sprint (one that starts after this one, or has no
//!   start yet).
//! - **Unestimated issues**: issues in the sprint at `close` whose estimate is
//!   unset then, leaving out [`SprintOptions::unestimated_excluded_types`].
//! - **Say/do ratio**: completed ÷ committed; `None` when nothing was committed.
//! - **At risk** (active sprints): see [`Risk`].

pub mod history;
mod ledger;
pub(crate) mod patch;
mod risk;

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use history::{IssueHistory, IssueState, IssueView, JiraFields, StatusMap};
pub use risk::{Risk, risk};

use ledger::{Ledger, count_once, effective, sprint_ledger, totals};

use super::calendar::Calendar;
use crate::model::{Sprint, SprintState, WorkItem};

/// Resolutions that close an issue without completing work, by default.
pub const DEFAULT_NOT_COMPLETED: [&str; 6] = [
    "Won't Do",
    "Won't Fix",
    "Duplicate",
    "Cannot Reproduce",
    "Declined",
    "Obsolete",
];

/// Knobs of the sprint metrics (the lead maps them from config).
#[derive(Debug, Clone, PartialEq)]
pub struct SprintOptions {
    /// Changelog fields to read.
    pub fields: JiraFields,
    /// Resolutions that are not completed work (case-insensitive).
    pub not_completed_resolutions: Vec<String>,
    /// Issue types never counted as unestimated (epics, sub-tasks).
    pub unestimated_excluded_types: Vec<String>,
    /// An active sprint is at risk when its remaining points exceed the ideal
    /// remaining by more than this share of its scope (0.2 = 20 %).
    pub risk_tolerance: f64,
}

impl Default for SprintOptions {
    fn default() -> Self {
        SprintOptions {
            fields: JiraFields::default(),
            not_completed_resolutions: DEFAULT_NOT_COMPLETED.iter().map(|s| (*s).to_string()).collect(),
            unestimated_excluded_types: ["Epic", "Sub-task", "Subtask"]
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            risk_tolerance: 0.2,
        }
    }
}

/// What happened to the sprint's scope or progress at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// An open issue joined the sprint after start (added).
    Added,
    /// An open issue left the sprint (removed).
    Removed,
    /// The estimate of an open issue in the sprint changed (signed points).
    EstimateChanged,
    /// An issue was completed (completed).
    Completed,
    /// A done issue in the sprint was reopened (added).
    Reopened,
    /// An issue completed in this sprint was reopened or re-resolved as not
    /// completed: its completion is withdrawn.
    Uncompleted,
    /// Closed with a not-completing resolution (removed).
    ClosedNotCompleted,
    /// Left the sprint after being completed in it (its completion → removed).
    LeftAfterDone,
    /// Completed again after an earlier sprint already counted it (removed).
    CompletedAgain,
}

/// One scope or progress event of a sprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintEvent {
    /// When, UTC.
    pub at: Timestamp,
    /// Issue key.
    pub key: String,
    /// What happened.
    pub kind: EventKind,
    /// Story points the event moves: the signed change (new − old) for
    /// `estimate_changed`, else the issue's estimate then (0 when unestimated).
    pub points: f64,
    /// Whether the issue had an estimate (for `estimate_changed`: after it).
    pub estimated: bool,
    /// Resolution for `closed_not_completed`; the counting sprint's id for
    /// `completed_again`.
    pub detail: Option<String>,
}

impl SprintEvent {
    /// Change to the remaining points, story points (negative burns down).
    pub fn remaining_delta(&self) -> f64 {
        match self.kind {
            EventKind::Added | EventKind::Reopened | EventKind::Uncompleted | EventKind::EstimateChanged => {
                self.points
            }
            EventKind::Removed
            | EventKind::Completed
            | EventKind::ClosedNotCompleted
            | EventKind::CompletedAgain => -self.points,
            EventKind::LeftAfterDone => 0.0,
        }
    }

    /// A change of scope (not of progress): everything but completions and
    /// their withdrawal.
    pub fn is_scope_change(&self) -> bool {
        !matches!(self.kind, EventKind::Completed | EventKind::Uncompleted)
    }
}

/// An issue and its estimate at the instant a figure looks at it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuePoints {
    /// Issue key.
    pub key: String,
    /// Story points; `None` is unestimated.
    pub points: Option<f64>,
}

/// A remaining issue moved on to a later sprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CarriedOver {
    /// Issue key.
    pub key: String,
    /// Story points at close; `None` is unestimated.
    pub points: Option<f64>,
    /// The later sprint it is in as of `as_of` (the earliest such).
    pub to_sprint: u64,
}

/// One sprint's health as of `as_of`, and the issues behind every figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintHealth {
    /// Sprint id.
    pub id: u64,
    /// Board id.
    pub board_id: u64,
    /// Sprint name.
    pub name: String,
    /// State at `as_of` (`closed` once completed by then, else `active`).
    pub state: SprintState,
    /// Start, UTC.
    pub start: Timestamp,
    /// Planned end, UTC.
    pub end: Option<Timestamp>,
    /// Completion, UTC, when closed by `as_of`.
    pub complete: Option<Timestamp>,
    /// The instant the figures describe: `complete`, else `as_of`.
    pub evaluated_at: Timestamp,
    /// Story points committed at start.
    pub committed_points: f64,
    /// Story points added after start.
    pub added_points: f64,
    /// Story points removed after start.
    pub removed_points: f64,
    /// Story points completed in this sprint.
    pub completed_points: f64,
    /// Story points still open in the sprint at `evaluated_at`.
    pub remaining_points: f64,
    /// Story points carried over to a later sprint (closed sprints).
    pub carried_over_points: f64,
    /// Issues without estimate in the sprint at `evaluated_at`.
    pub unestimated_issues: usize,
    /// Completed ÷ committed; `None` when nothing was committed.
    pub say_do_ratio: Option<f64>,
    /// Issues in the sprint and open at start, with their estimates then.
    pub committed: Vec<IssuePoints>,
    /// Issues completed in this sprint, with the estimate at completion.
    pub completed: Vec<IssuePoints>,
    /// Issues open in the sprint at `evaluated_at`, estimates then.
    pub remaining: Vec<IssuePoints>,
    /// Remaining issues moved on to a later sprint.
    pub carried_over: Vec<CarriedOver>,
    /// Keys of the unestimated issues.
    pub unestimated: Vec<String>,
    /// Keys of issues in the sprint at start but already done (count nowhere).
    pub completed_before_start: Vec<String>,
    /// Scope and progress events after start, in time order.
    pub events: Vec<SprintEvent>,
    /// The at-risk verdict (active sprints only).
    pub risk: Option<Risk>,
}

impl SprintHealth {
    /// Keys of the events of one kind, in time order (duplicates kept).
    pub fn keys_of(&self, kind: EventKind) -> Vec<&str> {
        self.events
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.key.as_str())
            .collect()
    }
}

/// Health of every sprint started by `as_of`, ordered by board, then start,
/// then id. `as_of` is the evaluation clock (UTC): changes after it are
/// undone, a sprint completed after it is treated as active. The calendar is
/// the team's (for the at-risk verdict).
pub fn sprint_health(
    sprints: &[Sprint],
    items: &[WorkItem],
    cal: &Calendar,
    as_of: Timestamp,
    opts: &SprintOptions,
) -> Vec<SprintHealth> {
    let statuses = StatusMap::from_items(items);
    let histories: Vec<IssueHistory<'_>> = items
        .iter()
        .map(|i| IssueHistory::new(i, &opts.fields, &statuses))
        .collect();
    sprint_health_of(sprints, &histories, cal, as_of, opts)
}

/// [`sprint_health`] over issue histories already built (with
/// `opts.fields` and the status map of all the issues).
pub fn sprint_health_of(
    sprints: &[Sprint],
    histories: &[IssueHistory<'_>],
    cal: &Calendar,
    as_of: Timestamp,
    opts: &SprintOptions,
) -> Vec<SprintHealth> {
    // Sprint id → the issues that were ever in it.
    let mut members: BTreeMap<u64, Vec<&IssueHistory<'_>>> = BTreeMap::new();
    for h in histories {
        for id in h.sprints_ever() {
            members.entry(id).or_default().push(h);
        }
    }
    let mut ledgers: Vec<Ledger> = Vec::new();
    for s in sprints {
        let Some((state, start, close)) = effective(s, as_of) else {
            continue;
        };
        ledgers.push(sprint_ledger(
            s,
            sprints,
            (state, start, close),
            as_of,
            &members,
            opts,
        ));
    }
    // Count once: walk the sprints by close; an issue completed in an
    // earlier-closing sprint turns a later completion into `completed_again`.
    let mut order: Vec<usize> = (0..ledgers.len()).collect();
    order.sort_by_key(|&i| {
        (
            ledgers[i].health.evaluated_at,
            ledgers[i].health.start,
            ledgers[i].health.id,
        )
    });
    let mut counted: BTreeMap<String, u64> = BTreeMap::new();
    for i in order {
        let l = &mut ledgers[i];
        count_once(l, &mut counted);
        totals(&mut l.health);
        if l.health.state == SprintState::Active {
            l.health.risk = Some(risk(&l.health, cal, as_of, opts.risk_tolerance));
        }
    }
    let mut out: Vec<SprintHealth> = ledgers.into_iter().map(|l| l.health).collect();
    out.sort_by_key(|h| (h.board_id, h.start, h.id));
    out
}
