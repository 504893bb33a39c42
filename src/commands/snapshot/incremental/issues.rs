//! The issue family: sprint health, burndowns, workload, blockers,
//! documentation, velocity and sprint triage — computed from scratch
//! ([`issue_family`], which [`super::super::compute`] uses too) or brought up
//! to date after a delta of issues ([`IssueCache::update`]).
//!
//! What is kept and why the update equals the full computation:
//! - Sprint health is patched per changed issue key
//!   ([`crate::analytics::sprint::patch`]); burndowns and velocity are read
//!   from it again.
//! - Workload: each issue's part ([`LoadPart`]) by position; the changed
//!   issues' parts are replaced and the rows summed again in issue order.
//! - Jira blockers by key (only keys with blockers), with a reverse index of
//!   "is blocked by" links: a changed issue's blockers, and those of every
//!   issue linked to it, are computed again. Slack reports are kept as read
//!   from the messages and resolved again by the issues they name only when
//!   one of those changed.
//! - Triage rows are patched for the changed keys and the keys whose open
//!   blockers may have changed.
//! - Documentation coverage is computed again when a changed issue is an
//!   epic or has a parent (no other issue feeds it).
//!
//! A changed sprint, message or page, a status map that changed, or a patch
//! the sprints no longer fit (a sprint started, the active sprint changed)
//! computes the family from scratch.
//!
//! Owns: keeping those fields of the snapshot equal to a full computation
//! after a delta. Must not: define metrics (they live in `analytics::*`).

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};

use super::Delta;
use crate::analytics::blockers::{
    Blocker, BlockerOptions, jira_blockers, linked_keys, report_from, resolve_slack, slack_reports,
};
use crate::analytics::burndown::burndown;
use crate::analytics::docs::docs_with;
use crate::analytics::sprint::patch::patch_sprint_health;
use crate::analytics::sprint::{IssueHistory, SprintHealth, StatusMap, sprint_health_of};
use crate::analytics::triage::{TriageCx, TriageInputs, TriageParams, patch_triage, triage_of};
use crate::analytics::velocity;
use crate::analytics::workload::{Capacity, LoadPart, load_part, workload_from};
use crate::commands::snapshot::{Context, Inputs, IssueFigures};
use crate::insight::Snapshot;
use crate::model::{SprintState, WorkItem};

/// What the issue family keeps between computations.
pub(crate) struct IssueCache {
    /// The status map of all the issues (as the histories read it).
    statuses: StatusMap,
    /// Issue key → positions in `Inputs::items`, ascending (a key may,
    /// rarely, be held by two issues; the last one is "the" issue of the key
    /// for blockers and triage).
    by_key: FxHashMap<String, Vec<usize>>,
    /// The sprint the workload is about, and each issue's part of it.
    load_sprint: Option<u64>,
    load: Vec<Option<LoadPart>>,
    /// Jira blockers of each key that has some, in key order.
    jira: BTreeMap<String, Vec<Blocker>>,
    /// Key → the keys whose issues have (had) an "is blocked by" link to it.
    linked_by: FxHashMap<String, FxHashSet<String>>,
    /// Slack reports as read from the messages (before the issues they name
    /// resolve them), the keys they name, and the reports resolved.
    slack_raw: Vec<Blocker>,
    slack_keys: FxHashSet<String>,
    slack: Vec<Blocker>,
}

/// The blocker options of a computation: the site's Jira fields and the
/// configured threshold.
fn blocker_options(cx: &Context) -> BlockerOptions {
    BlockerOptions {
        fields: cx.opts.fields.clone(),
        slack_threshold_hours: f64::from(cx.limits.blocker_threshold_hours),
        ..BlockerOptions::default()
    }
}

/// The active sprint the workload is about (the latest-starting active one).
fn active_sprint(health: &[SprintHealth]) -> Option<&SprintHealth> {
    health
        .iter()
        .filter(|h| h.state == SprintState::Active)
        .max_by_key(|h| h.start)
}

fn capacity(active: Option<&SprintHealth>) -> Capacity {
    Capacity::SplitCommitted(active.map_or(0.0, |h| h.committed_points))
}

fn burndowns(health: &[SprintHealth], cx: &Context) -> Vec<crate::analytics::burndown::Burndown> {
    health
        .iter()
        .filter(|h| h.state == SprintState::Active)
        .map(|h| burndown(h, &cx.cal))
        .collect()
}

fn triage_inputs<'a>(inp: &'a Inputs, cx: &'a Context, health: &'a [SprintHealth]) -> TriageInputs<'a> {
    TriageInputs {
        sprints: &inp.sprints,
        items: &inp.items,
        health,
        blockers: None,
        fields: &cx.opts.fields,
        unestimated_excluded_types: &cx.opts.unestimated_excluded_types,
    }
}

/// The histories by key, the last issue of a key winning (as the blocker
/// report reads them).
fn by_last_key<'h, 'a>(histories: &'h [IssueHistory<'a>]) -> FxHashMap<&'a str, &'h IssueHistory<'a>> {
    histories.iter().map(|h| (h.item.key.as_str(), h)).collect()
}

/// The issue family computed from scratch, and its cache (without its
/// key and link indices unless `keep`: a one-off computation drops it).
pub(crate) fn issue_family(inp: &Inputs, cx: &Context, keep: bool) -> (IssueCache, IssueFigures) {
    let (now, since, opts) = (cx.now, cx.since, &cx.opts);
    // Every issue's changelog indexed once, shared by every figure.
    let statuses = StatusMap::from_items(&inp.items);
    let histories: Vec<IssueHistory<'_>> = inp
        .items
        .iter()
        .map(|i| IssueHistory::new(i, &opts.fields, &statuses))
        .collect();
    let health = sprint_health_of(&inp.sprints, &histories, &cx.cal, now, opts);
    let active = active_sprint(&health);
    let load_sprint = active.map(|h| h.id);
    let load: Vec<Option<LoadPart>> = histories
        .iter()
        .map(|h| load_part(h, load_sprint, now, opts))
        .collect();
    let workload = workload_from(load.iter().flatten(), load_sprint, now, capacity(active), None);
    // Blockers: Jira ones by key, Slack ones resolved by the issues they name.
    let bopts = blocker_options(cx);
    let all = by_last_key(&histories);
    let mut ordered: Vec<&IssueHistory<'_>> = all.values().copied().collect();
    ordered.sort_unstable_by_key(|h| h.item.key.as_str());
    let mut jira = BTreeMap::new();
    let mut linked_by: FxHashMap<String, FxHashSet<String>> = FxHashMap::default();
    for h in ordered {
        if keep {
            for other in linked_keys(h.item, &bopts) {
                linked_by.entry(other).or_default().insert(h.item.key.clone());
            }
        }
        let found = jira_blockers(h, &all, now, &bopts);
        if !found.is_empty() {
            jira.insert(h.item.key.clone(), found);
        }
    }
    let slack_raw = slack_reports(&inp.messages, now, &bopts);
    let slack_keys: FxHashSet<String> = slack_raw
        .iter()
        .flat_map(|b| b.blocking_keys.iter().cloned())
        .collect();
    let mut slack = slack_raw.clone();
    resolve_slack(&mut slack, &all, now);
    let blocked = report_from(
        jira.values().flatten().cloned(),
        slack.clone(),
        now,
        since,
        &bopts,
    );
    let triage = triage_of(
        &TriageInputs {
            blockers: Some(&blocked),
            ..triage_inputs(inp, cx, &health)
        },
        &statuses,
        &all,
        now,
        &TriageParams::default(),
    );
    let doc_report = docs_with(
        &inp.items,
        &inp.pages,
        &statuses,
        now,
        since,
        cx.limits.stale_doc_days,
        &opts.fields,
    );
    // The Sprint tab's velocity is the velocity rows of this same sprint
    // health: the configured fields and options, as of `now`.
    let rows = velocity::velocity_rows(&health);
    let velocity = velocity::sprint_velocity_recycled(&rows, Vec::new());
    let figures = IssueFigures {
        burndowns: burndowns(&health, cx),
        health,
        workload,
        blockers: blocked,
        docs: doc_report,
        velocity,
        rows,
        triage,
    };
    let cache = IssueCache {
        by_key: if keep {
            index_keys(&inp.items)
        } else {
            FxHashMap::default()
        },
        statuses,
        load_sprint,
        load,
        jira,
        linked_by,
        slack_raw,
        slack_keys,
        slack,
    };
    (cache, figures)
}

fn index_keys(items: &[WorkItem]) -> FxHashMap<String, Vec<usize>> {
    let mut by_key: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (i, w) in items.iter().enumerate() {
        by_key.entry(w.key.clone()).or_default().push(i);
    }
    by_key
}

/// Adds position `at` to the ascending list of `key`.
fn index_add(by_key: &mut FxHashMap<String, Vec<usize>>, key: &str, at: usize) {
    let list = by_key.entry(key.to_string()).or_default();
    if let Err(pos) = list.binary_search(&at) {
        list.insert(pos, at);
    }
}

impl IssueCache {
    /// The family computed from scratch, and its cache.
    pub(crate) fn build(inp: &Inputs, cx: &Context) -> (IssueCache, IssueFigures) {
        issue_family(inp, cx, true)
    }

    /// Everything from scratch (cache included).
    fn rebuild(&mut self, inp: &Inputs, cx: &Context, snap: &mut Snapshot) {
        let (cache, figures) = issue_family(inp, cx, true);
        *self = cache;
        figures.put(snap);
    }

    /// The last issue holding `key` now.
    fn winner<'a>(&self, inp: &'a Inputs, key: &str) -> Option<&'a WorkItem> {
        self.by_key
            .get(key)
            .and_then(|l| l.last())
            .and_then(|i| inp.items.get(*i))
    }

    /// Brings the family's figures in `snap` up to date after `delta` was
    /// applied to `inp`.
    pub(crate) fn update(&mut self, inp: &Inputs, cx: &Context, delta: &Delta, snap: &mut Snapshot) {
        if !delta.sprints.is_empty() || !delta.messages.is_empty() || !delta.pages.is_empty() {
            return self.rebuild(inp, cx, snap);
        }
        if !self.patch(inp, cx, delta, snap) {
            self.rebuild(inp, cx, snap);
        }
    }

    /// The incremental update; `false` when only a rebuild will do.
    fn patch(&mut self, inp: &Inputs, cx: &Context, delta: &Delta, snap: &mut Snapshot) -> bool {
        let (now, since, opts) = (cx.now, cx.since, &cx.opts);
        let bopts = blocker_options(cx);
        // The keys whose issues changed (old and new keys); the key index and
        // the link index kept up to date.
        let mut keys: FxHashSet<&str> = FxHashSet::default();
        let mut statuses_kept = true;
        for c in &delta.items {
            let Some(new) = inp.items.get(c.at) else {
                return false;
            };
            keys.insert(&new.key);
            match &c.old {
                Some(old) => {
                    keys.insert(&old.key);
                    statuses_kept &= old.status == new.status && old.status_category == new.status_category;
                    if old.key != new.key {
                        if let Some(list) = self.by_key.get_mut(&old.key) {
                            list.retain(|i| *i != c.at);
                        }
                        index_add(&mut self.by_key, &new.key, c.at);
                    }
                    for other in linked_keys(old, &bopts) {
                        if let Some(set) = self.linked_by.get_mut(&other) {
                            set.remove(&old.key);
                        }
                    }
                }
                None => {
                    statuses_kept = false;
                    index_add(&mut self.by_key, &new.key, c.at);
                }
            }
        }
        // Links of the issues as they are now (an unchanged issue holding a
        // changed key keeps its links).
        for k in &keys {
            for i in self.by_key.get(*k).into_iter().flatten() {
                if let Some(w) = inp.items.get(*i) {
                    for other in linked_keys(w, &bopts) {
                        self.linked_by.entry(other).or_default().insert(w.key.clone());
                    }
                }
            }
        }
        if !statuses_kept && StatusMap::from_items(&inp.items) != self.statuses {
            return false;
        }
        let mut at: Vec<usize> = keys
            .iter()
            .filter_map(|k| self.by_key.get(*k))
            .flatten()
            .copied()
            .collect();
        at.sort_unstable();
        at.dedup();
        let statuses = &self.statuses;
        let affected: Vec<IssueHistory<'_>> = at
            .iter()
            .filter_map(|i| inp.items.get(*i))
            .map(|w| IssueHistory::new(w, &opts.fields, statuses))
            .collect();
        if !patch_sprint_health(
            &mut snap.sprint_health,
            &inp.sprints,
            &affected,
            &keys,
            &cx.cal,
            now,
            opts,
        ) {
            return false;
        }
        let health = &snap.sprint_health;
        let active = active_sprint(health);
        if active.map(|h| h.id) != self.load_sprint {
            return false;
        }
        // Workload: the changed issues' parts, then the rows again.
        self.load.resize(inp.items.len(), None);
        for (i, h) in at.iter().zip(&affected) {
            if let Some(slot) = self.load.get_mut(*i) {
                *slot = load_part(h, self.load_sprint, now, opts);
            }
        }
        let workload = workload_from(
            self.load.iter().flatten(),
            self.load_sprint,
            now,
            capacity(active),
            snap.workload.take(),
        );
        // Jira blockers of the changed keys and of the keys linked to them.
        let mut redo: FxHashSet<&str> = keys.clone();
        for k in &keys {
            redo.extend(self.linked_by.get(*k).into_iter().flatten().map(String::as_str));
        }
        let winners: Vec<&WorkItem> = redo.iter().filter_map(|k| self.winner(inp, k)).collect();
        let mut needed: Vec<&WorkItem> = winners.clone();
        for w in &winners {
            needed.extend(linked_keys(w, &bopts).iter().filter_map(|k| self.winner(inp, k)));
        }
        let mut slack_redo = keys.iter().any(|k| self.slack_keys.contains(*k));
        if slack_redo {
            needed.extend(self.slack_keys.iter().filter_map(|k| self.winner(inp, k)));
        }
        let histories: Vec<IssueHistory<'_>> = needed
            .iter()
            .map(|w| IssueHistory::new(w, &opts.fields, statuses))
            .collect();
        let all = by_last_key(&histories);
        let mut triage_keys: FxHashSet<&str> = redo.clone();
        for k in &redo {
            match all.get(k) {
                Some(h) => {
                    let found = jira_blockers(h, &all, now, &bopts);
                    if found.is_empty() {
                        self.jira.remove(*k);
                    } else {
                        self.jira.insert((*k).to_string(), found);
                    }
                }
                None => {
                    self.jira.remove(*k);
                }
            }
        }
        if slack_redo {
            let mut slack = self.slack_raw.clone();
            resolve_slack(&mut slack, &all, now);
            slack_redo = slack != self.slack;
            if slack_redo {
                self.slack = slack;
            }
        }
        let blocked = report_from(
            self.jira.values().flatten().cloned(),
            self.slack.clone(),
            now,
            since,
            &bopts,
        );
        if slack_redo {
            // Slack reports name the key they block: every such row again.
            triage_keys.extend(self.slack_raw.iter().filter_map(|b| b.key.as_deref()));
        }
        // Triage rows of the changed and re-blocked keys.
        let params = TriageParams::default();
        let tin = TriageInputs {
            blockers: Some(&blocked),
            ..triage_inputs(inp, cx, health)
        };
        let tcx = TriageCx::new(&tin, statuses, now, &params);
        let Some(report) = snap.triage.as_mut() else {
            return false;
        };
        if !patch_triage(report, &tin, &tcx, &triage_keys, |k| self.winner(inp, k)) {
            return false;
        }
        snap.burndowns = burndowns(health, cx);
        // Only epics and issues with a parent feed documentation coverage.
        let feeds_docs = |w: &WorkItem| w.parent_key.is_some() || w.issue_type.eq_ignore_ascii_case("Epic");
        if delta
            .items
            .iter()
            .any(|c| c.old.as_ref().is_some_and(feeds_docs) || inp.items.get(c.at).is_some_and(feeds_docs))
        {
            snap.docs = Some(docs_with(
                &inp.items,
                &inp.pages,
                statuses,
                now,
                since,
                cx.limits.stale_doc_days,
                &opts.fields,
            ));
        }
        snap.sprints = velocity::velocity_rows_recycled(health, std::mem::take(&mut snap.sprints));
        snap.velocity = velocity::sprint_velocity_recycled(&snap.sprints, std::mem::take(&mut snap.velocity));
        snap.workload = Some(workload);
        snap.blockers = Some(blocked);
        true
    }
}
