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
pub(crate) mod patch;
mod risk;

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use history::{IssueHistory, IssueState, IssueView, JiraFields, StatusMap};
pub use risk::{Risk, risk};

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

/// Per-issue ledger slot while replaying one sprint.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    /// Not counted here (not in the sprint, or done before it counted).
    Out,
    /// In the sprint and open, with its estimate (0 when unestimated).
    Open(f64),
    /// Completed in this sprint, at this estimate.
    Completed(f64),
    /// Closed in this sprint with a not-completing resolution.
    Dropped,
}

struct Ledger {
    health: SprintHealth,
    /// (issue id, key) of the issues completed here at close.
    completed_ids: Vec<(String, String)>,
}

fn event(at: Timestamp, key: &str, kind: EventKind, points: f64, estimated: bool) -> SprintEvent {
    SprintEvent {
        at,
        key: key.to_string(),
        kind,
        points,
        estimated,
        detail: None,
    }
}

/// Who the ledger is replaying: sprint, issue key, options.
struct Cx<'a> {
    sprint: u64,
    key: &'a str,
    opts: &'a SprintOptions,
}

/// The ledger transition of one issue at instant `at`.
fn step(
    slot: Slot,
    prev: &IssueView<'_>,
    now: &IssueView<'_>,
    at: Timestamp,
    cx: &Cx<'_>,
    out: &mut Vec<SprintEvent>,
) -> Slot {
    let (sprint, key, opts) = (cx.sprint, cx.key, cx.opts);
    let member = now.sprints.contains(&sprint);
    let p = now.points_or_zero();
    let est = now.points.is_some();
    let completing = now.is_completed(&opts.not_completed_resolutions);
    let resolution = || now.resolution.map(str::to_string);
    let target = if !member {
        Slot::Out
    } else if !now.is_done() {
        Slot::Open(p)
    } else if slot == Slot::Out {
        Slot::Out
    } else if completing {
        Slot::Completed(p)
    } else {
        Slot::Dropped
    };
    match (slot, target) {
        (Slot::Out, Slot::Open(p)) => {
            let kind = if prev.sprints.contains(&sprint) {
                EventKind::Reopened
            } else {
                EventKind::Added
            };
            out.push(event(at, key, kind, p, est));
            target
        }
        (Slot::Open(a), Slot::Open(b)) => {
            if a != b {
                out.push(event(at, key, EventKind::EstimateChanged, b - a, est));
            }
            target
        }
        (Slot::Open(a), Slot::Completed(b)) => {
            if a != b {
                out.push(event(at, key, EventKind::EstimateChanged, b - a, est));
            }
            out.push(event(at, key, EventKind::Completed, b, est));
            target
        }
        (Slot::Open(a), Slot::Dropped) => {
            let mut e = event(at, key, EventKind::ClosedNotCompleted, a, prev.points.is_some());
            e.detail = resolution();
            out.push(e);
            target
        }
        (Slot::Open(a), Slot::Out) => {
            out.push(event(at, key, EventKind::Removed, a, prev.points.is_some()));
            target
        }
        (Slot::Completed(r), Slot::Open(b)) => {
            out.push(event(at, key, EventKind::Uncompleted, r, prev.points.is_some()));
            if r != b {
                out.push(event(at, key, EventKind::EstimateChanged, b - r, est));
            }
            target
        }
        // An estimate edited after completion does not change the completion.
        (Slot::Completed(_), Slot::Completed(_)) => slot,
        (Slot::Completed(r), Slot::Dropped) => {
            out.push(event(at, key, EventKind::Uncompleted, r, prev.points.is_some()));
            let mut e = event(at, key, EventKind::ClosedNotCompleted, r, prev.points.is_some());
            e.detail = resolution();
            out.push(e);
            target
        }
        (Slot::Completed(r), Slot::Out) => {
            out.push(event(at, key, EventKind::LeftAfterDone, r, prev.points.is_some()));
            target
        }
        (Slot::Dropped, Slot::Completed(b)) => {
            out.push(event(at, key, EventKind::Reopened, b, est));
            out.push(event(at, key, EventKind::Completed, b, est));
            target
        }
        (Slot::Dropped, Slot::Open(b)) => {
            out.push(event(at, key, EventKind::Reopened, b, est));
            target
        }
        (Slot::Dropped, _) | (Slot::Out, _) => target,
    }
}

/// The effective state and closing instant of `s` at `as_of`; `None` for a
/// sprint not started by then (or without a start).
fn effective(s: &Sprint, as_of: Timestamp) -> Option<(SprintState, Timestamp, Timestamp)> {
    if s.state == SprintState::Future {
        return None;
    }
    let start = s.start?;
    if start > as_of {
        return None;
    }
    match s.complete {
        Some(c) if c <= as_of => Some((SprintState::Closed, start, c.max(start))),
        _ => Some((SprintState::Active, start, as_of)),
    }
}

/// A sprint's effective state and span at `as_of`.
#[derive(Debug, Clone, Copy)]
struct Span {
    state: SprintState,
    start: Timestamp,
    close: Timestamp,
    as_of: Timestamp,
}

fn ledger(
    s: &Sprint,
    span: Span,
    histories: &[&IssueHistory<'_>],
    later: &BTreeSet<u64>,
    opts: &SprintOptions,
) -> Ledger {
    let Span {
        state,
        start,
        close,
        as_of,
    } = span;
    let mut committed = Vec::new();
    let mut completed_before_start = Vec::new();
    let mut events = Vec::new();
    let mut remaining = Vec::new();
    let mut carried_over = Vec::new();
    let mut unestimated = Vec::new();
    let mut completed_ids = Vec::new();
    for h in histories {
        let key = h.item.key.as_str();
        let first = h.view(start);
        let mut slot = Slot::Out;
        if first.sprints.contains(&s.id) {
            if first.is_done() {
                completed_before_start.push(key.to_string());
            } else {
                slot = Slot::Open(first.points_or_zero());
                committed.push(IssuePoints {
                    key: key.to_string(),
                    points: first.points,
                });
            }
        }
        let mut prev = first;
        for t in h.sprint_relevant_instants(start, close) {
            let now = h.view(t);
            let cx = Cx {
                sprint: s.id,
                key,
                opts,
            };
            slot = step(slot, &prev, &now, t, &cx, &mut events);
            prev = now;
        }
        let last = prev; // the state at `close`
        if last.sprints.contains(&s.id)
            && last.points.is_none()
            && !opts
                .unestimated_excluded_types
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&h.item.issue_type))
        {
            unestimated.push(key.to_string());
        }
        match slot {
            Slot::Open(_) => {
                remaining.push(IssuePoints {
                    key: key.to_string(),
                    points: last.points,
                });
                if state == SprintState::Closed
                    && let Some(to) = h.view(as_of).sprints.iter().find(|id| later.contains(id))
                {
                    carried_over.push(CarriedOver {
                        key: key.to_string(),
                        points: last.points,
                        to_sprint: *to,
                    });
                }
            }
            Slot::Completed(_) => completed_ids.push((h.item.meta.source_id.clone(), key.to_string())),
            Slot::Out | Slot::Dropped => {}
        }
    }
    events.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.key.cmp(&b.key)));
    committed.sort_by(|a, b| a.key.cmp(&b.key));
    remaining.sort_by(|a, b| a.key.cmp(&b.key));
    carried_over.sort_by(|a, b| a.key.cmp(&b.key));
    unestimated.sort();
    completed_before_start.sort();
    let health = SprintHealth {
        id: s.id,
        board_id: s.board_id,
        name: s.name.clone(),
        state,
        start,
        end: s.end,
        complete: (state == SprintState::Closed).then_some(close),
        evaluated_at: close,
        committed_points: sum(committed.iter().map(|i| i.points)),
        added_points: 0.0,
        removed_points: 0.0,
        completed_points: 0.0,
        remaining_points: sum(remaining.iter().map(|i| i.points)),
        carried_over_points: sum(carried_over.iter().map(|i| i.points)),
        unestimated_issues: unestimated.len(),
        say_do_ratio: None,
        committed,
        completed: Vec::new(),
        remaining,
        carried_over,
        unestimated,
        completed_before_start,
        events,
        risk: None,
    };
    Ledger {
        health,
        completed_ids,
    }
}

/// Sum of the estimates, unestimated adding nothing (starts at +0.0: an
/// empty `f64` sum would be −0.0).
fn sum(points: impl Iterator<Item = Option<f64>>) -> f64 {
    points.flatten().fold(0.0, |a, b| a + b)
}

/// Totals and the completed list from the events (after the count-once pass).
fn totals(h: &mut SprintHealth) {
    event_sums(h);
    h.completed = completed_list(&h.events);
}

/// Added, removed and completed points from the events (summed in event
/// order), and the say/do ratio.
fn event_sums(h: &mut SprintHealth) {
    let (mut added, mut removed, mut completed) = (0.0, 0.0, 0.0);
    for e in &h.events {
        let p = e.points;
        match e.kind {
            EventKind::Added | EventKind::Reopened => added += p,
            EventKind::Removed | EventKind::ClosedNotCompleted | EventKind::CompletedAgain => removed += p,
            EventKind::EstimateChanged if p >= 0.0 => added += p,
            EventKind::EstimateChanged => removed -= p,
            EventKind::Completed => completed += p,
            EventKind::Uncompleted => completed -= p,
            EventKind::LeftAfterDone => {
                completed -= p;
                removed += p;
            }
        }
    }
    h.added_points = added;
    h.removed_points = removed;
    h.completed_points = completed;
    h.say_do_ratio = (h.committed_points > 0.0).then(|| h.completed_points / h.committed_points);
}

/// The issues whose completion stands after the events (each at the
/// estimate of its last completion), by key. Per key: the list for a subset
/// of keys is the subset of the list.
fn completed_list(events: &[SprintEvent]) -> Vec<IssuePoints> {
    let mut done: BTreeMap<&str, IssuePoints> = BTreeMap::new();
    for e in events {
        match e.kind {
            EventKind::Completed => {
                done.insert(
                    &e.key,
                    IssuePoints {
                        key: e.key.clone(),
                        points: e.estimated.then_some(e.points),
                    },
                );
            }
            EventKind::Uncompleted | EventKind::LeftAfterDone => {
                done.remove(e.key.as_str());
            }
            _ => {}
        }
    }
    for e in events.iter().filter(|e| e.kind == EventKind::CompletedAgain) {
        done.remove(e.key.as_str());
    }
    done.into_values().collect()
}

/// The ledger of sprint `s` (effective `(state, start, close)` at `as_of`)
/// over the issues `members` lists for it.
fn sprint_ledger(
    s: &Sprint,
    sprints: &[Sprint],
    (state, start, close): (SprintState, Timestamp, Timestamp),
    as_of: Timestamp,
    members: &BTreeMap<u64, Vec<&IssueHistory<'_>>>,
    opts: &SprintOptions,
) -> Ledger {
    // Later sprints: any other sprint that starts after this one or has not
    // started yet.
    let later: BTreeSet<u64> = sprints
        .iter()
        .filter(|o| o.id != s.id && o.start.is_none_or(|t| t > start))
        .map(|o| o.id)
        .collect();
    let span = Span {
        state,
        start,
        close,
        as_of,
    };
    let issues = members.get(&s.id).map(Vec::as_slice).unwrap_or(&[]);
    ledger(s, span, issues, &later, opts)
}

/// The count-once rule for one ledger, sprints taken by close: an issue
/// already counted by an earlier-closing sprint (in `counted`, issue id →
/// sprint id) turns its completion here into `completed_again`.
fn count_once(l: &mut Ledger, counted: &mut BTreeMap<String, u64>) {
    for (id, key) in &l.completed_ids {
        if let Some(first) = counted.get(id) {
            if let Some(e) = l
                .health
                .events
                .iter_mut()
                .rev()
                .find(|e| e.key == *key && e.kind == EventKind::Completed)
            {
                e.kind = EventKind::CompletedAgain;
                e.detail = Some(first.to_string());
            }
        } else {
            counted.insert(id.clone(), l.health.id);
        }
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
