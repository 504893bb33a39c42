//! The incremental step of the flow cache: the delta's records moved in the
//! indices, their keys and pull requests computed again, and the snapshot's
//! lists (rows, stale entries, the pulse's items) rebuilt by moving their
//! untouched elements and merging the new ones in the same order as the
//! full computation sorts them.

use std::collections::BTreeSet;

use super::lists::{Step, merged, plan, remap};
use super::{
    FlowCache, Key, MERGED, PrSummary, UNREVIEWED, bits, insert_sorted, positions, remove_sorted, timing_bit,
};
use crate::access::MIN_GROUP_SIZE;
use crate::analytics::flow::{FlowMetrics, PrFlow, StalePr, stale_order};
use crate::analytics::pulse::{Figure, FlowPulse, FlowPulseParts, TimingPart, area_pulse, flow_pulse_of};
use crate::commands::snapshot::incremental::Delta;
use crate::commands::snapshot::{Context, Inputs, PulseParts, refresh_pulse};
use crate::insight::Snapshot;

/// The pull requests computed again and their new rows and stale entries,
/// each list sorted as in the snapshot.
struct Touched {
    /// By position of pull request.
    is: Vec<bool>,
    rows: Vec<(usize, PrFlow)>,
    stale: Vec<(usize, StalePr)>,
    /// (Reviewer, key) loads that may have moved.
    people: Vec<(usize, Key)>,
    /// Areas whose coverage may have moved.
    areas: Vec<usize>,
}

/// The items of a figure taken out of it (`None`: withheld, it held none).
type Items = Option<Vec<String>>;

/// The items of the pulse's flow figures, taken out to be rebuilt; `None`
/// for a figure withheld (it holds none).
#[derive(Default)]
struct OldItems {
    merged: Items,
    /// p50 and p85 of each timing.
    timings: [(Items, Items); 5],
    unreviewed: Items,
    stale: Items,
}

fn take_items(f: &mut Figure) -> Option<Vec<String>> {
    f.withheld.is_none().then(|| std::mem::take(&mut f.items))
}

impl OldItems {
    fn of(p: &mut FlowPulse) -> OldItems {
        OldItems {
            merged: take_items(&mut p.merged_prs),
            timings: [
                (
                    take_items(&mut p.cycle_time_hours_p50),
                    take_items(&mut p.cycle_time_hours_p85),
                ),
                (
                    take_items(&mut p.open_to_merge_hours_p50),
                    take_items(&mut p.open_to_merge_hours_p85),
                ),
                (
                    take_items(&mut p.pickup_time_hours_p50),
                    take_items(&mut p.pickup_time_hours_p85),
                ),
                (
                    take_items(&mut p.review_time_hours_p50),
                    take_items(&mut p.review_time_hours_p85),
                ),
                (
                    take_items(&mut p.pr_size_lines_p50),
                    take_items(&mut p.pr_size_lines_p85),
                ),
            ],
            unreviewed: take_items(&mut p.merged_without_review),
            stale: take_items(&mut p.stale_open_prs),
        }
    }
}

/// Whether the element at a position of `list` has `bit`.
fn on(list: &[u8], bit: u8) -> impl Fn(usize) -> bool + '_ {
    move |j| list.get(j).is_some_and(|b| b & bit != 0)
}

/// The positions behind a list rebuilt along `plan`.
fn positions_along(plan: &[Step], old: &[usize], new: &[usize]) -> Vec<usize> {
    along(plan, old, new)
}

/// Values kept per element of a list, rebuilt along `plan`.
fn along<T: Copy>(plan: &[Step], old: &[T], new: &[T]) -> Vec<T> {
    plan.iter()
        .filter_map(|s| match *s {
            Step::Old(j) => old.get(j).copied(),
            Step::New(k) => new.get(k).copied(),
        })
        .collect()
}

impl FlowCache {
    /// The update in place; `false` (with the cache to be rebuilt) when the
    /// snapshot or the delta is not what the cache expects.
    pub(super) fn apply(&mut self, inp: &Inputs, cx: &Context, delta: &Delta, snap: &mut Snapshot) -> bool {
        let consistent = snap.flow.as_ref().is_some_and(|f| {
            f.pull_requests.len() == self.row_of.len()
                && self.row_bits.len() == self.row_of.len()
                && f.stale_prs.len() == self.stale_of.len()
        });
        if !consistent {
            return false;
        }
        let Some(touched) = self.touch(inp, cx, delta) else {
            return false;
        };
        let Some(old) = snap.flow.take() else {
            return false;
        };
        let min = MIN_GROUP_SIZE.max(1);
        let mut pulse = snap.pulse.take().filter(|p| {
            p.min_group_size == min && p.extra.is_empty() && p.areas.len() == snap.knowledge.len()
        });
        let old_items = pulse.as_mut().map(|p| OldItems::of(&mut p.flow));
        let (flow, parts) = self.rebuild(cx, old, touched.rows, touched.stale, &touched.is, old_items);
        let mut flow = flow;
        self.put_load(&mut flow, touched.people);
        let mut areas = touched.areas;
        areas.sort_unstable();
        areas.dedup();
        for a in areas {
            let name = self.areas.name(a);
            let new = self.areas.one(a, inp, &self.repos, &self.people);
            let at = snap.knowledge.binary_search_by(|k| k.area.as_str().cmp(name));
            let list = pulse.as_mut().map(|p| &mut p.areas);
            match (at, new) {
                (Ok(i), Some(k)) => {
                    if let Some(slot) = list.and_then(|l| l.get_mut(i)) {
                        *slot = area_pulse(&k, min);
                    }
                    snap.knowledge[i] = k;
                }
                (Err(i), Some(k)) => {
                    if let Some(l) = list {
                        l.insert(i.min(l.len()), area_pulse(&k, min));
                    }
                    snap.knowledge.insert(i, k);
                }
                (Ok(i), None) => {
                    if let Some(l) = list.filter(|l| i < l.len()) {
                        l.remove(i);
                    }
                    snap.knowledge.remove(i);
                }
                (Err(_), None) => {}
            }
        }
        match (pulse, parts) {
            (Some(mut p), Some(parts)) => {
                p.flow = flow_pulse_of(&flow, parts, min);
                snap.flow = Some(flow);
                snap.pulse = Some(p);
            }
            _ => {
                // No pulse to keep: a whole new one.
                snap.flow = Some(flow);
                refresh_pulse(
                    snap,
                    PulseParts {
                        flow: true,
                        weeks: false,
                    },
                );
            }
        }
        true
    }

    /// Moves the delta's records in the indices and computes their keys and
    /// pull requests again. `None` when the delta does not account for
    /// every record added since the last update.
    fn touch(&mut self, inp: &Inputs, cx: &Context, delta: &Delta) -> Option<Touched> {
        let (prs, reviews, commits) = (
            positions(&delta.prs),
            positions(&delta.reviews),
            positions(&delta.commits),
        );
        let added = |seen: usize, now: usize, at: &[usize]| {
            now >= seen && at.iter().filter(|i| **i >= seen && **i < now).count() == now - seen
        };
        if !added(self.prs.len(), inp.prs.len(), &prs)
            || !added(self.review_key.len(), inp.reviews.len(), &reviews)
            || !added(self.commit_key.len(), inp.commits.len(), &commits)
            || self.commit_key.len() != self.areas.commits_len()
        {
            return None;
        }
        let mut keys: BTreeSet<Key> = BTreeSet::new();
        self.prs.resize(inp.prs.len(), PrSummary::default());
        for &i in &prs {
            let pr = inp.prs.get(i)?;
            if let Some(old) = self.prs.get(i).and_then(|s| s.key) {
                remove_sorted(&mut self.prs_of, &old, i);
                keys.insert(old);
            }
            let k = self.key(&pr.repo, pr.number);
            insert_sorted(self.prs_of.entry(k).or_default(), i);
            keys.insert(k);
            self.prs.get_mut(i)?.key = Some(k);
        }
        self.review_key.resize(inp.reviews.len(), None);
        for &i in &reviews {
            let r = inp.reviews.get(i)?;
            if let Some(old) = self.review_key.get(i).copied().flatten() {
                remove_sorted(&mut self.reviews_of, &old, i);
                keys.insert(old);
            }
            let k = self.key(&r.repo, r.pr_number);
            insert_sorted(self.reviews_of.entry(k).or_default(), i);
            keys.insert(k);
            *self.review_key.get_mut(i)? = Some(k);
        }
        let mut areas = Vec::new();
        self.commit_key.resize(inp.commits.len(), None);
        for &i in &commits {
            let c = inp.commits.get(i)?;
            if let Some(old) = self.commit_key.get(i).copied().flatten() {
                remove_sorted(&mut self.commits_of, &old, i);
                keys.insert(old);
            }
            let k = self.commit_key(c);
            if let Some(k) = k {
                insert_sorted(self.commits_of.entry(k).or_default(), i);
                keys.insert(k);
            }
            *self.commit_key.get_mut(i)? = k;
            areas.extend(self.areas.set_commit(i, c, cx, &mut self.people));
        }
        let mut people = Vec::new();
        for k in &keys {
            let (p, a) = self.refresh_key(*k, inp, cx);
            people.extend(p);
            areas.extend(a);
        }
        let mut at: Vec<usize> = keys
            .iter()
            .flat_map(|k| self.prs_of.get(k).into_iter().flatten().copied())
            .collect();
        at.sort_unstable();
        at.dedup();
        let mut t = Touched {
            is: vec![false; inp.prs.len()],
            rows: Vec::new(),
            stale: Vec::new(),
            people,
            areas,
        };
        for i in at {
            *t.is.get_mut(i)? = true;
            let (row, stale) = self.refresh_pr(i, inp, cx);
            t.rows.extend(row.map(|r| (i, r)));
            t.stale.extend(stale.map(|s| (i, s)));
        }
        t.rows.sort_by(|a, b| a.1.pr.cmp(&b.1.pr).then(a.0.cmp(&b.0)));
        t.stale
            .sort_by(|a, b| stale_order(&a.1, &b.1).then(a.0.cmp(&b.0)));
        Some(t)
    }

    /// The flow metrics after the touched pull requests' rows and stale
    /// entries replaced their old ones in `old` (the review load as it
    /// was), and the pulse's flow parts when the old items were given.
    fn rebuild(
        &mut self,
        cx: &Context,
        old: FlowMetrics,
        rows: Vec<(usize, PrFlow)>,
        stale: Vec<(usize, StalePr)>,
        touched: &[bool],
        items: Option<OldItems>,
    ) -> (FlowMetrics, Option<FlowPulseParts>) {
        let is_touched = |i: &usize| touched.get(*i).copied().unwrap_or(true);
        let row_of = std::mem::take(&mut self.row_of);
        let old_rows = old.pull_requests;
        let n_old = old_rows.len();
        let row_plan = plan(
            n_old,
            |j| row_of.get(j).is_none_or(is_touched),
            rows.len(),
            |j, k| (&old_rows[j].pr, row_of.get(j)) <= (&rows[k].1.pr, Some(&rows[k].0)),
        );
        let old_bits = std::mem::take(&mut self.row_bits);
        let new_bits: Vec<u8> = rows.iter().map(|(_, r)| bits(r, cx)).collect();
        let written: Vec<String> = rows.iter().map(|(_, r)| r.pr.to_string()).collect();
        // A figure's items follow its rows along the plan.
        let follow = |list: Option<Vec<String>>, bit: u8| {
            let (was, is) = (on(&old_bits, bit), on(&new_bits, bit));
            list.and_then(|l| remap(l, n_old, was, &row_plan, is, |k| written[k].clone()))
        };
        let items = items.map(|o| OldItems {
            merged: follow(o.merged, MERGED),
            timings: {
                let mut t = 0;
                o.timings.map(|(p50, p85)| {
                    let bit = timing_bit(t);
                    t += 1;
                    (follow(p50, bit), follow(p85, bit))
                })
            },
            unreviewed: follow(o.unreviewed, UNREVIEWED),
            stale: o.stale,
        });
        let unreviewed = remap(
            old.merged_without_review_prs,
            n_old,
            on(&old_bits, UNREVIEWED),
            &row_plan,
            on(&new_bits, UNREVIEWED),
            |k| rows[k].1.pr.clone(),
        );
        let at: Vec<usize> = rows.iter().map(|r| r.0).collect();
        self.row_of = positions_along(&row_plan, &row_of, &at);
        self.row_bits = along(&row_plan, &old_bits, &new_bits);
        let new_rows = merged(old_rows, rows.into_iter().map(|(_, r)| r).collect(), &row_plan);
        let unreviewed = unreviewed.unwrap_or_else(|| {
            new_rows
                .iter()
                .filter(|r| r.merged_without_review)
                .map(|r| r.pr.clone())
                .collect()
        });
        // Stale entries: longest idle first, then by reference and position.
        let stale_of = std::mem::take(&mut self.stale_of);
        let old_stale = old.stale_prs;
        let stale_plan = plan(
            old_stale.len(),
            |j| stale_of.get(j).is_none_or(is_touched),
            stale.len(),
            |j, k| {
                stale_order(&old_stale[j], &stale[k].1)
                    .then(stale_of.get(j).cmp(&Some(&stale[k].0)))
                    .is_le()
            },
        );
        let all = |_: usize| true;
        let n_stale = old_stale.len();
        let items = items.map(|mut o| {
            o.stale = o
                .stale
                .and_then(|l| remap(l, n_stale, all, &stale_plan, all, |k| stale[k].1.pr.to_string()));
            o
        });
        let at: Vec<usize> = stale.iter().map(|s| s.0).collect();
        self.stale_of = positions_along(&stale_plan, &stale_of, &at);
        let new_stale = merged(
            old_stale,
            stale.into_iter().map(|(_, s)| s).collect(),
            &stale_plan,
        );

        let mut flow = self.metrics(cx, new_rows, new_stale);
        flow.merged_without_review = unreviewed.len();
        flow.merged_without_review_prs = unreviewed;
        flow.review_load = old.review_load;
        let parts = items.map(|o| self.pulse_parts(cx, &flow, o));
        (flow, parts)
    }

    /// The pulse's flow parts: the items rebuilt along the rows, or written
    /// again from them for a figure that held none.
    fn pulse_parts(&self, cx: &Context, flow: &FlowMetrics, o: OldItems) -> FlowPulseParts {
        let refs = |list: Option<Vec<String>>, bit: u8| {
            list.unwrap_or_else(|| {
                flow.pull_requests
                    .iter()
                    .filter(|r| bits(r, cx) & bit != 0)
                    .map(|r| r.pr.to_string())
                    .collect()
            })
        };
        let groups = self.groups();
        let pct = [
            (flow.cycle_time_hours_p50, flow.cycle_time_hours_p85),
            (flow.open_to_merge_hours_p50, flow.open_to_merge_hours_p85),
            (flow.pickup_time_hours_p50, flow.pickup_time_hours_p85),
            (flow.review_time_hours_p50, flow.review_time_hours_p85),
            (flow.pr_size_lines_p50, flow.pr_size_lines_p85),
        ];
        let mut t = 0;
        let timings = o.timings.map(|(p50, p85)| {
            let bit = timing_bit(t);
            let part = TimingPart {
                pct: pct[t],
                group: groups[t + 1],
                items: (refs(p50, bit), refs(p85, bit)),
            };
            t += 1;
            part
        });
        FlowPulseParts {
            merged: flow.merged_prs,
            merged_group: groups[0],
            merged_items: refs(o.merged, MERGED),
            timings,
            unreviewed_items: refs(o.unreviewed, UNREVIEWED),
            stale_items: o
                .stale
                .unwrap_or_else(|| flow.stale_prs.iter().map(|s| s.pr.to_string()).collect()),
        }
    }
}
