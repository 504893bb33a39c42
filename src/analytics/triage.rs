//! Sprint triage: the at-risk issues of each active sprint, each with the
//! reasons it is at risk, for the team to decide about (keep, move, split,
//! find an owner).
//!
//! Definitions (evaluated at `as_of`, each issue's fields replayed from its
//! changelog; the issues are those open in the sprint at `as_of`, i.e. its
//! sprint health's `remaining`):
//! - **Blocked**: an open blocker of the blocker report names the issue
//!   (flagged, in a Blocked status, "is blocked by" an open issue, or an
//!   unresolved Slack report), or the issue is flagged at `as_of`.
//! - **No movement**: its last change (changelog entry, else creation) is
//!   more than `idle_days` × 24 h before `as_of`.
//! - **Carried over**: it was in `carried_over_min` (default 2) or more
//!   sprints of the same board that started before this one.
//! - **Unestimated**: no estimate at `as_of` (epics and sub-tasks excepted, as
//!   in sprint health); never an estimate of 0.
//! - **Unassigned**: no assignee at `as_of`.
//! - **Oversized**: an estimate above `oversized_points` (default 8 story
//!   points: above it, teams on a Fibonacci-like scale usually split).
//!
//! An issue with none of these is not listed. Units: story points, days.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use rustc_hash::FxHashMap;

use super::blockers::{Blocker, BlockerReport};
use super::sprint::{IssueHistory, JiraFields, SprintHealth, StatusMap};
use crate::model::{Sprint, SprintState, WorkItem};

/// Why an issue is at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriageReason {
    /// Blocked (see the module doc).
    Blocked,
    /// No change for longer than the threshold.
    NoMovement,
    /// In two or more earlier sprints.
    CarriedOver,
    /// No estimate.
    Unestimated,
    /// No assignee.
    Unassigned,
    /// Estimate above the threshold.
    Oversized,
}

impl TriageReason {
    /// Short label for lists.
    pub fn label(self) -> &'static str {
        match self {
            TriageReason::Blocked => "blocked",
            TriageReason::NoMovement => "no movement",
            TriageReason::CarriedOver => "carried over",
            TriageReason::Unestimated => "unestimated",
            TriageReason::Unassigned => "unassigned",
            TriageReason::Oversized => "oversized",
        }
    }
}

/// Thresholds of the triage list.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TriageParams {
    /// Days without a change after which an issue has not moved (default 5).
    pub idle_days: f64,
    /// Earlier sprints from which an issue counts as carried over (default 2).
    pub carried_over_min: usize,
    /// Story points above which an issue is oversized (default 8).
    pub oversized_points: f64,
}

impl Default for TriageParams {
    fn default() -> Self {
        TriageParams {
            idle_days: 5.0,
            carried_over_min: 2,
            oversized_points: 8.0,
        }
    }
}

/// One at-risk issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageItem {
    /// The sprint it is in.
    pub sprint_id: u64,
    /// Issue key.
    pub key: String,
    /// Summary.
    pub summary: String,
    /// Issue type.
    pub issue_type: String,
    /// Status at `as_of`.
    pub status: String,
    /// Assignee account id at `as_of`.
    pub assignee: Option<String>,
    /// Estimate at `as_of`, story points; `None` when unestimated.
    pub points: Option<f64>,
    /// Its last change, UTC.
    pub last_change: Timestamp,
    /// Days from the last change to `as_of`.
    pub idle_days: f64,
    /// Earlier sprints of the board it was in, oldest first (names).
    pub earlier_sprints: Vec<String>,
    /// Why it is at risk, in [`TriageReason`] order.
    pub reasons: Vec<TriageReason>,
    /// The blockers' evidence (reasons and blocking keys), when blocked.
    pub blocked_by: Vec<String>,
    /// Links: the issue's browse URL, then blockers' URLs.
    pub links: Vec<String>,
    /// Parent (epic) key.
    pub parent_key: Option<String>,
}

/// One active sprint's triage list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintTriage {
    /// Sprint id.
    pub sprint_id: u64,
    /// Sprint name.
    pub name: String,
    /// Board id.
    pub board_id: u64,
    /// Issues open in the sprint at `as_of`.
    pub open_issues: usize,
    /// The at-risk ones, by key.
    pub items: Vec<TriageItem>,
}

/// The triage lists of every active sprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageReport {
    /// Evaluation instant, UTC.
    pub as_of: Timestamp,
    /// Thresholds applied.
    pub params: TriageParams,
    /// Active sprints, by start.
    pub sprints: Vec<SprintTriage>,
}

impl TriageReport {
    /// The sprint with id `id`.
    pub fn sprint(&self, id: u64) -> Option<&SprintTriage> {
        self.sprints.iter().find(|s| s.sprint_id == id)
    }
}

/// Knobs shared with sprint health.
#[derive(Debug, Clone, Copy)]
pub struct TriageInputs<'a> {
    /// Sprints.
    pub sprints: &'a [Sprint],
    /// Issues.
    pub items: &'a [WorkItem],
    /// Sprint health (for each active sprint's open issues).
    pub health: &'a [SprintHealth],
    /// Open blockers.
    pub blockers: Option<&'a BlockerReport>,
    /// Changelog fields.
    pub fields: &'a JiraFields,
    /// Issue types never unestimated.
    pub unestimated_excluded_types: &'a [String],
}

/// What every triage row of one evaluation reads besides its own issue.
pub(crate) struct TriageCx<'a> {
    sprint_of: BTreeMap<u64, &'a Sprint>,
    /// Open blockers by the key they name.
    blockers: FxHashMap<&'a str, Vec<&'a Blocker>>,
    statuses: &'a StatusMap,
    fields: &'a JiraFields,
    unestimated_excluded_types: &'a [String],
    as_of: Timestamp,
    params: &'a TriageParams,
}

impl<'a> TriageCx<'a> {
    /// The context of one evaluation: `statuses` is the status map of all
    /// the issues.
    pub(crate) fn new(
        inp: &TriageInputs<'a>,
        statuses: &'a StatusMap,
        as_of: Timestamp,
        params: &'a TriageParams,
    ) -> TriageCx<'a> {
        let mut blockers: FxHashMap<&'a str, Vec<&'a Blocker>> = FxHashMap::default();
        for b in inp.blockers.map(|r| r.open.as_slice()).unwrap_or_default() {
            if let Some(k) = b.key.as_deref() {
                blockers.entry(k).or_default().push(b);
            }
        }
        TriageCx {
            sprint_of: inp.sprints.iter().map(|s| (s.id, s)).collect(),
            blockers,
            statuses,
            fields: inp.fields,
            unestimated_excluded_types: inp.unestimated_excluded_types,
            as_of,
            params,
        }
    }

    /// The triage row of `item`, open in the active sprint `h`, or `None`
    /// when no reason puts it at risk (definitions in the module doc).
    pub(crate) fn item(&self, h: &SprintHealth, item: &WorkItem) -> Option<TriageItem> {
        self.item_of(h, &IssueHistory::new(item, self.fields, self.statuses))
    }

    /// [`TriageCx::item`] from the issue's history already built (with the
    /// same fields and status map).
    pub(crate) fn item_of(&self, h: &SprintHealth, hist: &IssueHistory<'_>) -> Option<TriageItem> {
        let item = hist.item;
        let (as_of, params) = (self.as_of, self.params);
        let idle = SignedDuration::from_secs_f64(params.idle_days.max(0.0) * 86_400.0);
        let state = hist.at(as_of);
        let last = hist.last_activity(as_of);
        let idle_days = (as_of - last).as_secs_f64().max(0.0) / 86_400.0;
        let earlier: Vec<&Sprint> = hist
            .sprints_ever()
            .into_iter()
            .filter(|id| *id != h.id)
            .filter_map(|id| self.sprint_of.get(&id).copied())
            .filter(|s| s.board_id == h.board_id && s.start.is_some_and(|t| t < h.start))
            .collect();
        let open_blockers: &[&Blocker] = self
            .blockers
            .get(item.key.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let excluded = self
            .unestimated_excluded_types
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&item.issue_type));
        let mut reasons = Vec::new();
        if !open_blockers.is_empty() || state.flagged {
            reasons.push(TriageReason::Blocked);
        }
        if as_of - last > idle {
            reasons.push(TriageReason::NoMovement);
        }
        if earlier.len() >= params.carried_over_min.max(1) {
            reasons.push(TriageReason::CarriedOver);
        }
        if state.points.is_none() && !excluded {
            reasons.push(TriageReason::Unestimated);
        }
        if state.assignee.is_none() {
            reasons.push(TriageReason::Unassigned);
        }
        if state.points.is_some_and(|p| p > params.oversized_points) {
            reasons.push(TriageReason::Oversized);
        }
        if reasons.is_empty() {
            return None;
        }
        let mut earlier = earlier;
        earlier.sort_by_key(|s| (s.start, s.id));
        let mut blocked_by = Vec::new();
        let mut links = vec![item.url.clone()];
        for b in open_blockers {
            let mut line = b.reasons.join("; ");
            let by: Vec<&str> = b
                .blocking_keys
                .iter()
                .map(String::as_str)
                .filter(|k| *k != item.key)
                .collect();
            if !by.is_empty() {
                line.push_str(&format!(" (by {})", by.join(", ")));
            }
            blocked_by.push(line);
            links.extend(b.url.iter().cloned());
        }
        if blocked_by.is_empty() && state.flagged {
            blocked_by.push("flagged as an impediment".into());
        }
        links.retain(|l| !l.is_empty());
        links.dedup();
        Some(TriageItem {
            sprint_id: h.id,
            key: item.key.clone(),
            summary: item.summary.clone(),
            issue_type: item.issue_type.clone(),
            status: state.status.clone(),
            assignee: state.assignee.clone(),
            points: state.points,
            last_change: last,
            idle_days,
            earlier_sprints: earlier.iter().map(|s| s.name.clone()).collect(),
            reasons,
            blocked_by,
            links,
            parent_key: item.parent_key.clone(),
        })
    }
}

/// The active sprints of `health`, by start (the order of the report).
fn active_sprints(health: &[SprintHealth]) -> Vec<&SprintHealth> {
    let mut active: Vec<&SprintHealth> = health.iter().filter(|h| h.state == SprintState::Active).collect();
    active.sort_by_key(|h| (h.start, h.id));
    active
}

/// The triage lists at `as_of` (definitions in the module doc).
pub fn triage(inp: &TriageInputs<'_>, as_of: Timestamp, params: &TriageParams) -> TriageReport {
    let statuses = StatusMap::from_items(inp.items);
    triage_with(inp, &statuses, as_of, params)
}

/// [`triage`] with the status map of all the issues already built.
pub fn triage_with(
    inp: &TriageInputs<'_>,
    statuses: &StatusMap,
    as_of: Timestamp,
    params: &TriageParams,
) -> TriageReport {
    let by_key: FxHashMap<&str, &WorkItem> = inp.items.iter().map(|i| (i.key.as_str(), i)).collect();
    // Histories of the issues open in the active sprints only.
    let histories: Vec<IssueHistory<'_>> = active_sprints(inp.health)
        .into_iter()
        .flat_map(|h| h.remaining.iter())
        .filter_map(|r| by_key.get(r.key.as_str()))
        .map(|item| IssueHistory::new(item, inp.fields, statuses))
        .collect();
    let by_key = histories.iter().map(|h| (h.item.key.as_str(), h)).collect();
    triage_of(inp, statuses, &by_key, as_of, params)
}

/// [`triage_with`] reading the issues' histories from `histories` (every
/// issue by key, the last one of a key winning, built with `statuses`).
pub(crate) fn triage_of(
    inp: &TriageInputs<'_>,
    statuses: &StatusMap,
    histories: &FxHashMap<&str, &IssueHistory<'_>>,
    as_of: Timestamp,
    params: &TriageParams,
) -> TriageReport {
    let cx = TriageCx::new(inp, statuses, as_of, params);
    let sprints = active_sprints(inp.health)
        .into_iter()
        .map(|h| {
            let mut items: Vec<TriageItem> = h
                .remaining
                .iter()
                .filter_map(|r| histories.get(r.key.as_str()))
                .filter_map(|hist| cx.item_of(h, hist))
                .collect();
            items.sort_by(|a, b| a.key.cmp(&b.key));
            SprintTriage {
                sprint_id: h.id,
                name: h.name.clone(),
                board_id: h.board_id,
                open_issues: h.remaining.len(),
                items,
            }
        })
        .collect();
    TriageReport {
        as_of,
        params: *params,
        sprints,
    }
}

/// Brings `report` (as [`triage_with`] returned it for the same clock and
/// parameters) up to date after the issues holding `keys` changed, or the
/// open blockers naming them did: their rows are computed again and merged
/// by key, the other rows kept. `items_of` gives the issue now holding a key
/// (the last one, as [`triage_with`] reads them). Returns `false` when the
/// active sprints no longer match the report's (the caller computes it from
/// scratch).
pub(crate) fn patch_triage<'a>(
    report: &mut TriageReport,
    inp: &TriageInputs<'a>,
    cx: &TriageCx<'_>,
    keys: &rustc_hash::FxHashSet<&str>,
    items_of: impl Fn(&str) -> Option<&'a WorkItem>,
) -> bool {
    let active = active_sprints(inp.health);
    if active.len() != report.sprints.len() {
        return false;
    }
    for (h, t) in active.into_iter().zip(report.sprints.iter_mut()) {
        if h.id != t.sprint_id || h.name != t.name || h.board_id != t.board_id {
            return false;
        }
        let add: Vec<TriageItem> = h
            .remaining
            .iter()
            .filter(|r| keys.contains(r.key.as_str()))
            .filter_map(|r| items_of(&r.key))
            .filter_map(|item| cx.item(h, item))
            .collect();
        super::sprint::patch::merge_sorted(&mut t.items, keys, |x| &x.key, add, |a, b| a.key.cmp(&b.key));
        t.open_issues = h.remaining.len();
    }
    true
}
