//! Sprint health brought up to date for a few changed issues, without
//! replaying every issue again.
//!
//! Every figure of [`SprintHealth`] is built per issue key and then summed:
//! an issue's ledger slots, events, list entries and its count-once verdict
//! depend only on that issue's own history (and on the sprints), and every
//! list is sorted by key (events by instant, then key). So for a set of
//! keys, the health of all issues equals the health of the issues *not*
//! holding those keys (the entries already there) merged with the ledgers
//! replayed for the issues that do; the sums are then taken again over the
//! merged lists in the same order as [`super::sprint_health_of`] takes them.
//!
//! Owns: that merge. Must not: define any figure (they are in the parent).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use jiff::Timestamp;
use rustc_hash::FxHashSet;

use super::ledger::{Ledger, completed_list, count_once, effective, event_sums, sprint_ledger, sum};
use super::{IssueHistory, IssuePoints, SprintHealth, SprintOptions, risk};
use crate::analytics::calendar::Calendar;
use crate::model::{Sprint, SprintState};

/// Removes from a list sorted by `cmp` the entries whose key is in `keys`,
/// then merges `add` (sorted by `cmp`, stably) into it. Entries that compare
/// equal keep the existing ones first; callers pass keys such that no kept
/// entry ties with an added one.
pub(crate) fn merge_sorted<T>(
    list: &mut Vec<T>,
    keys: &FxHashSet<&str>,
    key: impl Fn(&T) -> &str,
    mut add: Vec<T>,
    cmp: impl Fn(&T, &T) -> Ordering,
) {
    list.retain(|x| !keys.contains(key(x)));
    if add.is_empty() {
        return;
    }
    add.sort_by(&cmp);
    let old = std::mem::take(list);
    list.reserve(old.len() + add.len());
    let mut a = old.into_iter().peekable();
    let mut b = add.into_iter().peekable();
    loop {
        let take_old = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => cmp(x, y) != Ordering::Greater,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_old { a.next() } else { b.next() };
        list.extend(next);
    }
}

fn by_key(a: &IssuePoints, b: &IssuePoints) -> Ordering {
    a.key.cmp(&b.key)
}

/// Brings `health` (as [`super::sprint_health_of`] returned it for the same
/// sprints, clock and options) up to date after the issues holding `keys`
/// changed. `affected` are the histories of every issue that now holds one
/// of `keys`, in the order of the full list of issues.
///
/// Returns `false`, leaving `health` unusable, when the set of sprints it
/// covers would differ (a sprint started, or one is missing): the caller
/// computes the health from scratch then.
pub(crate) fn patch_sprint_health(
    health: &mut [SprintHealth],
    sprints: &[Sprint],
    affected: &[IssueHistory<'_>],
    keys: &FxHashSet<&str>,
    cal: &Calendar,
    as_of: Timestamp,
    opts: &SprintOptions,
) -> bool {
    let mut members: BTreeMap<u64, Vec<&IssueHistory<'_>>> = BTreeMap::new();
    for h in affected {
        for id in h.sprints_ever() {
            members.entry(id).or_default().push(h);
        }
    }
    // The changed issues' ledgers, one per sprint with health, in the order
    // of `health`.
    let mut partial: Vec<Ledger> = Vec::with_capacity(health.len());
    let mut started = 0;
    for s in sprints {
        let Some((state, start, close)) = effective(s, as_of) else {
            continue;
        };
        started += 1;
        let Some(slot) = health.iter().position(|h| h.id == s.id) else {
            return false;
        };
        if health[slot].state != state || health[slot].start != start || health[slot].evaluated_at != close {
            return false;
        }
        partial.push(sprint_ledger(
            s,
            sprints,
            (state, start, close),
            as_of,
            &members,
            opts,
        ));
    }
    if started != health.len() {
        return false;
    }
    // Count once among the changed issues (the others' verdicts stand: the
    // rule reads one issue's completions only), sprints by close.
    let mut order: Vec<usize> = (0..partial.len()).collect();
    order.sort_by_key(|&i| {
        (
            partial[i].health.evaluated_at,
            partial[i].health.start,
            partial[i].health.id,
        )
    });
    let mut counted: BTreeMap<String, u64> = BTreeMap::new();
    for &i in &order {
        count_once(&mut partial[i], &mut counted);
    }
    for l in partial {
        let Some(h) = health.iter_mut().find(|h| h.id == l.health.id) else {
            return false;
        };
        let p = l.health;
        let completed = completed_list(&p.events);
        merge_sorted(&mut h.committed, keys, |x| &x.key, p.committed, by_key);
        merge_sorted(&mut h.remaining, keys, |x| &x.key, p.remaining, by_key);
        merge_sorted(&mut h.completed, keys, |x| &x.key, completed, by_key);
        merge_sorted(
            &mut h.carried_over,
            keys,
            |x| &x.key,
            p.carried_over,
            |a, b| a.key.cmp(&b.key),
        );
        merge_sorted(&mut h.unestimated, keys, String::as_str, p.unestimated, Ord::cmp);
        merge_sorted(
            &mut h.completed_before_start,
            keys,
            String::as_str,
            p.completed_before_start,
            Ord::cmp,
        );
        merge_sorted(
            &mut h.events,
            keys,
            |e| &e.key,
            p.events,
            |a, b| a.at.cmp(&b.at).then_with(|| a.key.cmp(&b.key)),
        );
        h.committed_points = sum(h.committed.iter().map(|i| i.points));
        h.remaining_points = sum(h.remaining.iter().map(|i| i.points));
        h.carried_over_points = sum(h.carried_over.iter().map(|i| i.points));
        h.unestimated_issues = h.unestimated.len();
        event_sums(h);
        h.risk = (h.state == SprintState::Active).then(|| risk(h, cal, as_of, opts.risk_tolerance));
    }
    true
}
