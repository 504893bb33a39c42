//! The ledger that replays one sprint's issues from their changelogs: the
//! slot of each issue at every relevant instant, the scope and progress
//! events it emits, the count-once rule across sprints, and the sums taken
//! from the events (definitions in the parent module).
//!
//! Owns: the replay. Must not: decide which sprints are evaluated or how
//! they are ordered (the parent and `patch.rs` do).

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;

use super::{
    CarriedOver, EventKind, IssueHistory, IssuePoints, IssueView, SprintEvent, SprintHealth, SprintOptions,
};
use crate::model::{Sprint, SprintState};

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

pub(super) struct Ledger {
    pub(super) health: SprintHealth,
    /// (issue id, key) of the issues completed here at close.
    pub(super) completed_ids: Vec<(String, String)>,
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
pub(super) fn effective(s: &Sprint, as_of: Timestamp) -> Option<(SprintState, Timestamp, Timestamp)> {
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
pub(super) fn sum(points: impl Iterator<Item = Option<f64>>) -> f64 {
    points.flatten().fold(0.0, |a, b| a + b)
}

/// Totals and the completed list from the events (after the count-once pass).
pub(super) fn totals(h: &mut SprintHealth) {
    event_sums(h);
    h.completed = completed_list(&h.events);
}

/// Added, removed and completed points from the events (summed in event
/// order), and the say/do ratio.
pub(super) fn event_sums(h: &mut SprintHealth) {
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
pub(super) fn completed_list(events: &[SprintEvent]) -> Vec<IssuePoints> {
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
pub(super) fn sprint_ledger(
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
pub(super) fn count_once(l: &mut Ledger, counted: &mut BTreeMap<String, u64>) {
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
