//! The flow family's cache: pull-request flow and knowledge coverage, and
//! the parts of the pulse they feed.
//!
//! What is cached, and why it equals the full computation:
//! - **Indices** from (repository, number) to the positions of its pull
//!   requests, reviews and commits (each list in position order, as the
//!   full computation walks the records), kept up to date from the
//!   [`Delta`]: a changed record leaves the list of its old key and joins
//!   that of its new one.
//! - **Per key**: the clocks ([`PrClocks`]), the qualifying reviews (oldest
//!   first, ties in list order, judged against the last pull request of the
//!   key, as the full computation's map keeps the last) and the areas of its
//!   commits. A key is computed again, from its own records only, when any
//!   record of it (old or new version) changed.
//! - **Per pull request**: its part ([`pr_part`], the very function
//!   [`flow`](crate::analytics::flow::flow) calls) summarised (author,
//!   timings, open, bot), computed again when its key was touched. Its row
//!   and stale entry live in the snapshot, whose lists are kept in the full
//!   computation's order (by reference then position; by idle time,
//!   reference, position): untouched entries are moved, touched ones merged
//!   in. The pulse's item lists are subsequences of those lists and are
//!   rebuilt the same way, so no reference is written twice.
//! - **Aggregates** are rebuilt from the summaries: percentiles by
//!   selection over the cached timings ([`p50_p85`], as the full path), groups
//!   by distinct author ids. The review load (per reviewer: a count per key)
//!   and the knowledge areas (per area: its changes' commit positions, counts
//!   of reviewers and reviewed keys) move only for the reviewers and areas a
//!   touched key or commit contributed to, and only when what they read moved
//!   (the reviewers in the window, the key's areas, the commit's part); a
//!   reviewer's entry is patched in place, an area's is assembled again
//!   ([`area_knowledge`](crate::analytics::knowledge), as the full path), its
//!   shares summed again over its changes in commit order, so the floats are
//!   those of the full computation.
//! - **Identities**: each login's and commit signature's (bot, person) is
//!   resolved once; the directory and bot list are fixed between updates (a
//!   new configuration rebuilds the cache).
//!
//! The window and clock are fixed between updates (a new `now` rebuilds the
//! cache), so window membership is cached too. Anything unexpected (the
//! snapshot's lists not those the cache saw) falls back to [`FlowCache::build`].
//!
//! Owns: keeping `Snapshot::flow`, `Snapshot::knowledge`, `pulse.flow` and
//! `pulse.areas` equal to a full computation after a delta. Must not: define
//! metrics (they live in `analytics::flow` and `analytics::knowledge`).

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};
use rustc_hash::FxHashMap;

use super::Delta;
use crate::analytics::flow::{
    FlowMetrics, PrClocks, PrFlow, PrRef, ReviewLoad, StalePr, TIMINGS, by_author, commit_clock,
    is_bot_login, merged_in, p50_p85, person_of_login, pr_part, review_load_of, stale_order,
};
use crate::commands::snapshot::{
    Context, FlowFigures, Inputs, PulseParts, flow_params, knowledge_params, refresh_pulse,
};
use crate::insight::Snapshot;
use crate::model::{Commit, PullRequest};

mod areas;
mod lists;
mod merge;
#[cfg(test)]
mod tests;

use areas::Areas;
use lists::{Counts, Names};

/// A pull request's key: (repository id, number).
type Key = (usize, u64);

/// What one key's records give its pull requests and areas.
#[derive(Debug, Clone, Default)]
struct KeyPart {
    clocks: PrClocks,
    /// Qualifying reviews (submitted, reviewer id), oldest first.
    quals: Vec<(Timestamp, usize)>,
    /// Areas of its commits, any date (where its reviewers count).
    areas: BTreeSet<usize>,
}

/// One pull request's part, summarised.
#[derive(Debug, Clone, Copy, Default)]
struct PrSummary {
    key: Option<Key>,
    bot_excluded: bool,
    /// Author id when open and not a bot's.
    open_author: Option<usize>,
    row: Option<RowSummary>,
}

/// What the aggregates read from a row.
#[derive(Debug, Clone, Copy)]
struct RowSummary {
    author: usize,
    merged: bool,
    timings: [Option<f64>; 5],
}

/// Bits of a row's membership in the lists behind the pulse: merged in the
/// window, each timing, merged without review.
const MERGED: u8 = 1;
const UNREVIEWED: u8 = 1 << 6;

fn timing_bit(t: usize) -> u8 {
    2 << t
}

fn bits(r: &PrFlow, cx: &Context) -> u8 {
    let mut b = if merged_in(r, &cx.window) { MERGED } else { 0 };
    for (t, pick) in TIMINGS.iter().enumerate() {
        if pick(r).is_some() {
            b |= timing_bit(t);
        }
    }
    if r.merged_without_review {
        b |= UNREVIEWED;
    }
    b
}

/// What the flow family keeps between computations (see the module doc).
pub(crate) struct FlowCache {
    repos: Names,
    people: Names,
    /// Login → (bot by name, person id).
    logins: FxHashMap<String, (bool, usize)>,
    prs_of: FxHashMap<Key, Vec<usize>>,
    reviews_of: FxHashMap<Key, Vec<usize>>,
    commits_of: FxHashMap<Key, Vec<usize>>,
    review_key: Vec<Option<Key>>,
    commit_key: Vec<Option<Key>>,
    prs: Vec<PrSummary>,
    keys: FxHashMap<Key, KeyPart>,
    /// Position of the pull request of each row of `FlowMetrics::pull_requests`.
    row_of: Vec<usize>,
    /// The pulse lists each row is in ([`bits`]), likewise.
    row_bits: Vec<u8>,
    /// Position of the pull request of each entry of `FlowMetrics::stale_prs`.
    stale_of: Vec<usize>,
    /// Reviewer id → keys of their qualifying reviews in the window.
    load: FxHashMap<usize, Counts<Key>>,
    areas: Areas,
    stale_after: SignedDuration,
}

/// Positions changed in one list, each once, ascending.
fn positions<T>(changes: &[super::Change<T>]) -> Vec<usize> {
    let mut at: Vec<usize> = changes.iter().map(|c| c.at).collect();
    at.sort_unstable();
    at.dedup();
    at
}

fn insert_sorted(list: &mut Vec<usize>, i: usize) {
    if let Err(at) = list.binary_search(&i) {
        list.insert(at, i);
    }
}

fn remove_sorted<K: std::hash::Hash + Eq>(map: &mut FxHashMap<K, Vec<usize>>, k: &K, i: usize) {
    if let Some(list) = map.get_mut(k) {
        if let Ok(at) = list.binary_search(&i) {
            list.remove(at);
        }
        if list.is_empty() {
            map.remove(k);
        }
    }
}

impl FlowCache {
    fn empty(cx: &Context) -> FlowCache {
        let params = knowledge_params(cx);
        FlowCache {
            repos: Names::default(),
            people: Names::default(),
            logins: FxHashMap::default(),
            prs_of: FxHashMap::default(),
            reviews_of: FxHashMap::default(),
            commits_of: FxHashMap::default(),
            review_key: Vec::new(),
            commit_key: Vec::new(),
            prs: Vec::new(),
            keys: FxHashMap::default(),
            row_of: Vec::new(),
            row_bits: Vec::new(),
            stale_of: Vec::new(),
            load: FxHashMap::default(),
            areas: Areas::new(params),
            stale_after: SignedDuration::from_hours(24 * i64::from(flow_params(cx).stale_after_days)),
        }
    }

    /// The family computed from scratch, and its cache.
    pub(crate) fn build(inp: &Inputs, cx: &Context) -> (FlowCache, FlowFigures) {
        let mut c = FlowCache::empty(cx);
        let mut keys: BTreeSet<Key> = BTreeSet::new();
        for (i, pr) in inp.prs.iter().enumerate() {
            let k = c.key(&pr.repo, pr.number);
            c.prs.push(PrSummary {
                key: Some(k),
                ..PrSummary::default()
            });
            c.prs_of.entry(k).or_default().push(i);
            keys.insert(k);
        }
        for (i, r) in inp.reviews.iter().enumerate() {
            let k = c.key(&r.repo, r.pr_number);
            c.review_key.push(Some(k));
            c.reviews_of.entry(k).or_default().push(i);
            keys.insert(k);
        }
        for (i, commit) in inp.commits.iter().enumerate() {
            let k = c.commit_key(commit);
            c.commit_key.push(k);
            c.areas.set_commit(i, commit, cx, &mut c.people);
            if let Some(k) = k {
                c.commits_of.entry(k).or_default().push(i);
                keys.insert(k);
            }
        }
        for k in keys {
            c.refresh_key(k, inp, cx);
        }
        let mut rows = Vec::new();
        let mut stale = Vec::new();
        for i in 0..inp.prs.len() {
            let (row, st) = c.refresh_pr(i, inp, cx);
            rows.extend(row.map(|r| (i, r)));
            stale.extend(st.map(|s| (i, s)));
        }
        rows.sort_by(|a, b| a.1.pr.cmp(&b.1.pr).then(a.0.cmp(&b.0)));
        stale.sort_by(|a, b| stale_order(&a.1, &b.1).then(a.0.cmp(&b.0)));
        c.row_of = rows.iter().map(|(i, _)| *i).collect();
        c.row_bits = rows.iter().map(|(_, r)| bits(r, cx)).collect();
        c.stale_of = stale.iter().map(|(i, _)| *i).collect();
        let pull_requests: Vec<PrFlow> = rows.into_iter().map(|(_, r)| r).collect();
        let merged_without_review_prs = pull_requests
            .iter()
            .filter(|r| r.merged_without_review)
            .map(|r| r.pr.clone())
            .collect();
        let mut people: Vec<usize> = c.load.keys().copied().collect();
        people.sort_by(|a, b| c.people.name(*a).cmp(c.people.name(*b)));
        let mut flow = c.metrics(cx, pull_requests, stale.into_iter().map(|(_, s)| s).collect());
        flow.merged_without_review_prs = merged_without_review_prs;
        flow.merged_without_review = flow.merged_without_review_prs.len();
        flow.review_load = people.into_iter().filter_map(|who| c.load_of(who)).collect();
        let knowledge = c.areas.all(inp, &c.repos, &c.people);
        (c, FlowFigures { flow, knowledge })
    }

    /// Brings the family's figures in `snap` (and their pulse parts) up to
    /// date after `delta` was applied to `inp`.
    pub(crate) fn update(&mut self, inp: &Inputs, cx: &Context, delta: &Delta, snap: &mut Snapshot) {
        if !self.apply(inp, cx, delta, snap) {
            let (cache, figures) = FlowCache::build(inp, cx);
            *self = cache;
            figures.put(snap);
            refresh_pulse(
                snap,
                PulseParts {
                    flow: true,
                    weeks: false,
                },
            );
        }
    }

    fn key(&mut self, repo: &str, number: u64) -> Key {
        (self.repos.id(repo), number)
    }

    fn commit_key(&mut self, c: &Commit) -> Option<Key> {
        c.pr_number.map(|n| self.key(&c.repo, n))
    }

    /// (bot by name, person id) of a login, looked up once.
    fn login(&mut self, login: &str, cx: &Context) -> (bool, usize) {
        if let Some(known) = self.logins.get(login) {
            return *known;
        }
        let person = self.people.id(&person_of_login(&cx.dir, login));
        let answer = (is_bot_login(login, false, &cx.bots), person);
        self.logins.insert(login.to_string(), answer);
        answer
    }

    /// Computes key `k` again from its records, moving its contributions to
    /// the review load and the areas' reviewers.
    /// Returns the (reviewer, key) loads and the areas it moved.
    fn refresh_key(&mut self, k: Key, inp: &Inputs, cx: &Context) -> (Vec<(usize, Key)>, Vec<usize>) {
        let now = cx.now;
        let mut part = KeyPart::default();
        for c in self
            .commits_of
            .get(&k)
            .into_iter()
            .flatten()
            .filter_map(|i| inp.commits.get(*i))
        {
            if let Some((first, last)) = commit_clock(c, now) {
                let clocks = &mut part.clocks;
                clocks.first_commit = Some(clocks.first_commit.map_or(first, |f| f.min(first)));
                clocks.last_commit = Some(clocks.last_commit.map_or(last, |l| l.max(last)));
            }
        }
        let author: Option<&PullRequest> = self
            .prs_of
            .get(&k)
            .and_then(|l| l.last())
            .and_then(|i| inp.prs.get(*i));
        let author = author.map(|pr| (pr.author.as_str(), self.login(&pr.author, cx).1));
        let reviews: Vec<usize> = self.reviews_of.get(&k).cloned().unwrap_or_default();
        for r in reviews.iter().filter_map(|i| inp.reviews.get(*i)) {
            if r.submitted > now {
                continue;
            }
            let l = &mut part.clocks.last_review;
            *l = Some(l.map_or(r.submitted, |t| t.max(r.submitted)));
            let (bot, who) = self.login(&r.reviewer, cx);
            if bot || r.reviewer_is_bot {
                continue;
            }
            if let Some((login, id)) = author
                && by_author(&r.reviewer, self.people.name(who), login, self.people.name(id))
            {
                continue;
            }
            part.quals.push((r.submitted, who));
        }
        part.quals.sort_by_key(|(t, _)| *t);
        for i in self.commits_of.get(&k).into_iter().flatten() {
            part.areas.extend(self.areas.areas_of(*i));
        }
        let old = self.keys.remove(&k).unwrap_or_default();
        let mut people = Vec::new();
        let mut touched = Vec::new();
        // The reviewers in the window (as a multiset) and the areas are all
        // the load and the areas read: when they stand, nothing moved.
        let in_window = |p: &KeyPart| {
            let mut who: Vec<usize> = p
                .quals
                .iter()
                .filter(|(t, _)| cx.window.contains(*t))
                .map(|q| q.1)
                .collect();
            who.sort_unstable();
            who
        };
        let moved = in_window(&old) != in_window(&part) || old.areas != part.areas;
        for (p, sign) in [(&old, false), (&part, true)].into_iter().filter(|_| moved) {
            for (_, who) in p.quals.iter().filter(|(t, _)| cx.window.contains(*t)) {
                let load = self.load.entry(*who).or_default();
                if sign {
                    load.add(k)
                } else {
                    load.remove(&k)
                }
                people.push((*who, k));
                for a in &p.areas {
                    self.areas.review(*a, *who, k, sign);
                    touched.push(*a);
                }
            }
        }
        if !(part.quals.is_empty() && part.areas.is_empty() && part.clocks == PrClocks::default()) {
            self.keys.insert(k, part);
        }
        (people, touched)
    }

    /// Computes pull request `i` again: its summary, row and stale entry.
    fn refresh_pr(&mut self, i: usize, inp: &Inputs, cx: &Context) -> (Option<PrFlow>, Option<StalePr>) {
        let (Some(pr), Some(key)) = (inp.prs.get(i), self.prs.get(i).and_then(|s| s.key)) else {
            return (None, None);
        };
        let (bot, author) = self.login(&pr.author, cx);
        let bot = bot || pr.author_is_bot;
        let kp = self.keys.get(&key);
        let quals: Vec<(Timestamp, &str)> = kp
            .map(|p| {
                p.quals
                    .iter()
                    .map(|(t, who)| (*t, self.people.name(*who)))
                    .collect()
            })
            .unwrap_or_default();
        let clocks = kp.map(|p| p.clocks).unwrap_or_default();
        let name = self.people.name(author);
        let part = pr_part(
            pr,
            (bot, name),
            clocks,
            &quals,
            &cx.window,
            cx.now,
            self.stale_after,
        );
        let summary = PrSummary {
            key: Some(key),
            bot_excluded: part.bot_excluded,
            open_author: part.open.then_some(author),
            row: part.row.as_ref().map(|r| RowSummary {
                author,
                merged: merged_in(r, &cx.window),
                timings: TIMINGS.map(|pick| pick(r)),
            }),
        };
        if let Some(s) = self.prs.get_mut(i) {
            *s = summary;
        }
        (part.row, part.stale)
    }

    /// The flow metrics from the summaries, with these rows and stale
    /// entries (the review load and merged-without-review list left empty).
    fn metrics(&self, cx: &Context, rows: Vec<PrFlow>, stale_prs: Vec<StalePr>) -> FlowMetrics {
        let mut values: [Vec<f64>; 5] = Default::default();
        let (mut merged, mut open_prs, mut bots) = (0, 0, 0);
        let mut open_authors = vec![false; self.people.len()];
        for s in &self.prs {
            bots += usize::from(s.bot_excluded);
            if let Some(a) = s.open_author {
                open_prs += 1;
                if let Some(seen) = open_authors.get_mut(a) {
                    *seen = true;
                }
            }
            if let Some(r) = &s.row {
                merged += usize::from(r.merged);
                for (v, t) in values.iter_mut().zip(r.timings) {
                    v.extend(t);
                }
            }
        }
        let [cycle, open_merge, pickup, review, size] = values.map(p50_p85);
        FlowMetrics {
            window: cx.window,
            as_of: cx.now,
            merged_prs: merged,
            cycle_time_hours_p50: cycle.0,
            cycle_time_hours_p85: cycle.1,
            open_to_merge_hours_p50: open_merge.0,
            open_to_merge_hours_p85: open_merge.1,
            pickup_time_hours_p50: pickup.0,
            pickup_time_hours_p85: pickup.1,
            review_time_hours_p50: review.0,
            review_time_hours_p85: review.1,
            pr_size_lines_p50: size.0,
            pr_size_lines_p85: size.1,
            merged_without_review: 0,
            stale_open_prs: stale_prs.len(),
            open_prs,
            open_pr_authors: open_authors.iter().filter(|s| **s).count(),
            bot_prs_excluded: bots,
            pull_requests: rows,
            review_load: Vec::new(),
            merged_without_review_prs: Vec::new(),
            stale_prs,
        }
    }

    /// Distinct authors of the rows in each pulse group: merged, then each
    /// timing.
    fn groups(&self) -> [usize; 6] {
        let mut seen = vec![0u8; self.people.len()];
        for r in self.prs.iter().filter_map(|s| s.row.as_ref()) {
            if let Some(b) = seen.get_mut(r.author) {
                *b |= if r.merged { MERGED } else { 0 };
                for (t, v) in r.timings.iter().enumerate() {
                    if v.is_some() {
                        *b |= timing_bit(t);
                    }
                }
            }
        }
        let mut out = [0; 6];
        for (g, n) in out.iter_mut().enumerate() {
            let bit = if g == 0 { MERGED } else { timing_bit(g - 1) };
            *n = seen.iter().filter(|b| **b & bit != 0).count();
        }
        out
    }

    /// The review load of one reviewer; `None` without a review.
    fn load_of(&self, who: usize) -> Option<ReviewLoad> {
        let prs: Vec<PrRef> = self
            .load
            .get(&who)
            .into_iter()
            .flat_map(Counts::iter)
            .flat_map(|(k, n)| std::iter::repeat_n(self.pr_ref(*k), n))
            .collect();
        (!prs.is_empty()).then(|| review_load_of(self.people.name(who), prs))
    }

    fn pr_ref(&self, (repo, number): Key) -> PrRef {
        PrRef {
            repo: self.repos.name(repo).to_string(),
            number,
        }
    }

    /// The review load entries of the (reviewer, key) pairs whose count
    /// moved brought up to date in `flow`: an entry kept is patched (its
    /// review count summed again, the key put in or taken out of its
    /// sorted list), a new or emptied one written or removed.
    fn put_load(&self, flow: &mut FlowMetrics, mut moved: Vec<(usize, Key)>) {
        moved.sort_unstable();
        moved.dedup();
        for group in moved.chunk_by(|a, b| a.0 == b.0) {
            let Some(&(who, _)) = group.first() else { continue };
            let name = self.people.name(who);
            let counts = self.load.get(&who);
            let reviews: usize = counts.into_iter().flat_map(Counts::iter).map(|(_, n)| n).sum();
            let list = &mut flow.review_load;
            match (list.binary_search_by(|l| l.person.as_str().cmp(name)), reviews) {
                (Ok(i), 0) => {
                    list.remove(i);
                }
                (Ok(i), _) => {
                    let entry = &mut list[i];
                    entry.reviews = reviews;
                    for &(_, k) in group {
                        let pr = self.pr_ref(k);
                        let present = counts.is_some_and(|c| c.get(&k) > 0);
                        match (entry.prs.binary_search(&pr), present) {
                            (Ok(j), false) => {
                                entry.prs.remove(j);
                            }
                            (Err(j), true) => entry.prs.insert(j, pr),
                            _ => {}
                        }
                    }
                    entry.prs_reviewed = entry.prs.len();
                }
                (Err(i), _) => list.splice(i..i, self.load_of(who)).for_each(drop),
            }
        }
    }
}
