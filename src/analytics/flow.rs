//! Flow: how pull requests move from first commit to merge.
//!
//! Every figure is computed from records as of a clock `now` (anything dated
//! after `now` has not happened yet) for a half-open [`Window`], and every
//! figure names the pull requests behind it. Durations are decimal hours
//! (`f64`), sizes are changed lines.
//!
//! Definitions, one per metric:
//! - **Bots.** A pull request authored by a bot (`author_is_bot`, a login
//!   ending in `[bot]`, or one of [`FlowParams::bots`]) is left out of every
//!   figure (counted in `bot_prs_excluded`). A review by a bot never counts as
//!   a review.
//! - **Qualifying review**: a review submitted at or before `now` by someone
//!   who is neither a bot nor the pull request's author (compared by login and
//!   by cockpit name, so a second account of the author does not count).
//! - **Ready time**: `ready_for_review` when the pull request was opened as a
//!   draft, else `created`. Time spent as a draft is before the ready time and
//!   so never counts as waiting for review. A pull request still a draft at
//!   `now` (draft without a ready time, or ready only after `now`) has no
//!   ready time and no pickup yet. (GitHub records only the latest
//!   ready-for-review; a pull request opened as draft whose timeline was not
//!   fetched and is no longer a draft falls back to `created`.)
//! - **First review**: the earliest qualifying review submitted at or after the
//!   ready time (feedback on a draft is not a pickup of a ready change).
//! - **Cycle time** (`cycle_time_hours`): merge − first commit (the earliest
//!   `authored` time of the commits linked to the pull request), for pull
//!   requests merged in the window; no linked commit → not in the figure.
//! - **Open to merge** (`open_to_merge_hours`): merge − `created`, merged in
//!   the window.
//! - **Pickup time** (`pickup_time_hours`): first review − ready time, for pull
//!   requests whose first review was submitted in the window (merged or not).
//! - **Review time** (`review_time_hours`): merge − first review, merged in the
//!   window and reviewed.
//! - **Size** (`pr_size_lines`): additions + deletions, merged in the window
//!   with both counts known.
//! - **Merged without review**: merged in the window with no qualifying review
//!   submitted at or before the merge (a review of the draft counts here: a
//!   person looked at it).
//! - **Review load** per person: qualifying reviews submitted in the window,
//!   as submissions and as distinct pull requests (reviews of bots' pull
//!   requests count: reviewing them is work too).
//! - **Stale open pull request**: open at `now` (not merged or closed by then),
//!   not by a bot, whose last activity (the latest of `created`, ready time,
//!   `updated`, linked commits and reviews, each only when at or before `now`)
//!   is at least [`FlowParams::stale_after_days`] days before `now`. Not
//!   windowed: a state at `now`. Drafts are included and flagged.
//! - **Percentiles** are nearest-rank (see [`percentile_nearest_rank`]): the
//!   p50 is the lower median of an even count; a value always belongs to the
//!   list. An empty list gives `None`, never 0. Negative durations (clocks out
//!   of order in the source) are dropped from the figure they would enter.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::identity::Directory;
use crate::model::{Commit, PullRequest, Review, Source};

mod parts;
pub(crate) use parts::{
    PrClocks, TIMINGS, by_author, commit_clock, merged_in, p50_p85, pr_part, review_load_of, stale_order,
};

/// A half-open time window `[start, end)`, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// First instant inside.
    pub start: Timestamp,
    /// First instant after.
    pub end: Timestamp,
}

impl Window {
    /// The window `[start, end)`.
    pub fn new(start: Timestamp, end: Timestamp) -> Window {
        Window { start, end }
    }

    /// Whether `t` lies inside.
    pub fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }
}

/// The `p`-th percentile (0-100) by the nearest-rank method: sort ascending,
/// take the value at 1-based rank ⌈p·n/100⌉ (at least 1). `None` for an empty
/// list; non-finite values are ignored. Integer rank arithmetic, so p85 of 20
/// values is rank 17 exactly.
pub fn percentile_nearest_rank(values: &[f64], p: u32) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let p = p.min(100) as usize;
    let rank = (p * n).div_ceil(100).clamp(1, n);
    Some(v[rank - 1])
}

/// Decimal hours from `a` to `b` (negative when `b` is earlier).
pub fn hours_between(a: Timestamp, b: Timestamp) -> f64 {
    b.duration_since(a).as_secs_f64() / 3600.0
}

/// Whether a login is a bot: flagged by the provider, a GitHub App login
/// (`name[bot]`), or listed in `extra` (case-insensitive).
pub fn is_bot_login(login: &str, flagged: bool, extra: &[String]) -> bool {
    let l = login.trim().to_lowercase();
    flagged || l.ends_with("[bot]") || extra.iter().any(|b| b.trim().to_lowercase() == l)
}

/// The cockpit name behind a GitHub login, else the login itself.
pub fn person_of_login(dir: &Directory, login: &str) -> String {
    dir.resolve(Source::Github, login)
        .map_or_else(|| login.to_string(), str::to_string)
}

/// A pull request reference: `owner/repo#number`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PrRef {
    /// `owner/name`.
    pub repo: String,
    /// Number.
    pub number: u64,
}

impl std::fmt::Display for PrRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.repo, self.number)
    }
}

/// Tunables of the flow metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowParams {
    /// An open pull request idle this many days or more is stale (default 7).
    pub stale_after_days: u32,
    /// Extra logins treated as bots (the config's `github.bots`).
    pub bots: Vec<String>,
}

impl Default for FlowParams {
    fn default() -> Self {
        FlowParams {
            stale_after_days: 7,
            bots: Vec::new(),
        }
    }
}

/// One pull request's flow timings. A timing is `Some` exactly when the pull
/// request enters that figure (see the module definitions), so the items
/// behind, say, the pickup p50 are the rows with `pickup_time_hours`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrFlow {
    /// Which pull request.
    pub pr: PrRef,
    /// Title.
    pub title: String,
    /// Web URL.
    pub url: String,
    /// Author, cockpit name when known, else login.
    pub author: String,
    /// Opened, UTC.
    pub created: Timestamp,
    /// Ready time (ready for review if opened as draft, else opened), UTC;
    /// `None` while still a draft at `now`.
    pub ready_at: Option<Timestamp>,
    /// Hours spent as a draft before the ready time (excluded from pickup);
    /// 0 when opened ready; `None` while still a draft.
    pub draft_hours: Option<f64>,
    /// Earliest authored time of its commits, UTC.
    pub first_commit: Option<Timestamp>,
    /// First qualifying review at or after the ready time, UTC.
    pub first_review: Option<Timestamp>,
    /// Merged (at or before `now`), UTC.
    pub merged: Option<Timestamp>,
    /// Merge − first commit, hours; merged in the window.
    pub cycle_time_hours: Option<f64>,
    /// Merge − opened, hours; merged in the window.
    pub open_to_merge_hours: Option<f64>,
    /// First review − ready time, hours; first review in the window.
    pub pickup_time_hours: Option<f64>,
    /// Merge − first review, hours; merged in the window.
    pub review_time_hours: Option<f64>,
    /// Additions + deletions; merged in the window.
    pub size_lines: Option<u64>,
    /// Merged in the window without a qualifying review before the merge.
    pub merged_without_review: bool,
    /// Distinct qualifying reviewers (cockpit names) up to `now`.
    pub reviewers: Vec<String>,
}

/// One person's review load in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewLoad {
    /// Reviewer, cockpit name when known, else login.
    pub person: String,
    /// Qualifying review submissions in the window.
    pub reviews: usize,
    /// Distinct pull requests those reviews were on.
    pub prs_reviewed: usize,
    /// Those pull requests.
    pub prs: Vec<PrRef>,
}

/// An open pull request without activity for too long.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StalePr {
    /// Which pull request.
    pub pr: PrRef,
    /// Title.
    pub title: String,
    /// Web URL.
    pub url: String,
    /// Author, cockpit name when known, else login.
    pub author: String,
    /// Currently a draft.
    pub draft: bool,
    /// Latest known activity at or before `now`, UTC.
    pub last_activity: Timestamp,
    /// `now` − last activity, decimal days.
    pub idle_days: f64,
}

/// Flow figures for a window, with the pull requests behind each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowMetrics {
    /// The window.
    pub window: Window,
    /// The clock.
    pub as_of: Timestamp,
    /// Non-bot pull requests merged in the window.
    pub merged_prs: usize,
    /// Cycle time (first commit → merge), p50, hours.
    pub cycle_time_hours_p50: Option<f64>,
    /// Cycle time (first commit → merge), p85, hours.
    pub cycle_time_hours_p85: Option<f64>,
    /// Opened → merge, p50, hours.
    pub open_to_merge_hours_p50: Option<f64>,
    /// Opened → merge, p85, hours.
    pub open_to_merge_hours_p85: Option<f64>,
    /// Pickup time, p50, hours.
    pub pickup_time_hours_p50: Option<f64>,
    /// Pickup time, p85, hours.
    pub pickup_time_hours_p85: Option<f64>,
    /// Review time (first review → merge), p50, hours.
    pub review_time_hours_p50: Option<f64>,
    /// Review time (first review → merge), p85, hours.
    pub review_time_hours_p85: Option<f64>,
    /// Size, p50, changed lines.
    pub pr_size_lines_p50: Option<f64>,
    /// Size, p85, changed lines.
    pub pr_size_lines_p85: Option<f64>,
    /// Merged in the window without a qualifying review.
    pub merged_without_review: usize,
    /// Stale open pull requests at `now`.
    pub stale_open_prs: usize,
    /// Non-bot pull requests open at `now` (the population of the stale count).
    pub open_prs: usize,
    /// Distinct authors of those (the group behind the stale count).
    pub open_pr_authors: usize,
    /// Bot-authored pull requests left out (merged in the window or open at `now`).
    pub bot_prs_excluded: usize,
    /// Every non-bot pull request entering a windowed figure, by repo and number.
    pub pull_requests: Vec<PrFlow>,
    /// Review load per person, by person.
    pub review_load: Vec<ReviewLoad>,
    /// The pull requests merged without review.
    pub merged_without_review_prs: Vec<PrRef>,
    /// The stale pull requests, longest idle first.
    pub stale_prs: Vec<StalePr>,
}

impl FlowMetrics {
    /// The values of one timing across [`FlowMetrics::pull_requests`].
    pub fn values(&self, pick: impl Fn(&PrFlow) -> Option<f64>) -> Vec<f64> {
        self.pull_requests.iter().filter_map(pick).collect()
    }
}

/// Per-login answers of one computation, each looked up once: whether the
/// login is a bot (name rules only; the record's own bot flag is checked
/// beside it) and the person behind it ([`person_of_login`]).
pub(crate) struct Logins<'a> {
    memo: FxHashMap<&'a str, (bool, String)>,
}

impl<'a> Logins<'a> {
    /// Answers for every login in `logins`.
    pub(crate) fn new(logins: impl Iterator<Item = &'a str>, dir: &Directory, bots: &[String]) -> Logins<'a> {
        let mut memo: FxHashMap<&'a str, (bool, String)> = FxHashMap::default();
        for l in logins {
            memo.entry(l)
                .or_insert_with(|| (is_bot_login(l, false, bots), person_of_login(dir, l)));
        }
        Logins { memo }
    }

    /// [`is_bot_login`] of a login given to [`Logins::new`].
    pub(crate) fn is_bot(&self, login: &str, flagged: bool) -> bool {
        flagged || self.memo.get(login).is_some_and(|(bot, _)| *bot)
    }

    /// [`person_of_login`] of a login given to [`Logins::new`] (else the
    /// login itself).
    pub(crate) fn person(&self, login: &'a str) -> &str {
        self.memo.get(login).map_or(login, |(_, p)| p.as_str())
    }
}

/// Flow metrics of `prs` in `window` as of `now`; `reviews` and `commits` are
/// joined to pull requests by repository and number, identities resolved
/// through `dir` (unknown logins stay logins). See the module doc for each
/// definition.
pub fn flow(
    prs: &[PullRequest],
    reviews: &[Review],
    commits: &[Commit],
    window: &Window,
    now: Timestamp,
    dir: &Directory,
    params: &FlowParams,
) -> FlowMetrics {
    let logins = Logins::new(
        prs.iter()
            .map(|p| p.author.as_str())
            .chain(reviews.iter().map(|r| r.reviewer.as_str())),
        dir,
        &params.bots,
    );
    type Key<'k> = (&'k str, u64);
    let by_key: FxHashMap<Key<'_>, &PullRequest> =
        prs.iter().map(|p| ((p.repo.as_str(), p.number), p)).collect();
    let mut joins: FxHashMap<Key<'_>, PrClocks> = FxHashMap::default();
    for c in commits {
        let Some(n) = c.pr_number else { continue };
        if let Some((first, last)) = commit_clock(c, now) {
            let j = joins.entry((c.repo.as_str(), n)).or_default();
            j.first_commit = Some(j.first_commit.map_or(first, |f| f.min(first)));
            j.last_commit = Some(j.last_commit.map_or(last, |l| l.max(last)));
        }
    }
    // Qualifying reviews per pull request, oldest first; all reviews (bots too)
    // for the last-activity clock.
    let mut qualifying: FxHashMap<Key<'_>, Vec<(Timestamp, &str)>> = FxHashMap::default();
    for r in reviews.iter().filter(|r| r.submitted <= now) {
        let k = (r.repo.as_str(), r.pr_number);
        let j = joins.entry(k).or_default();
        j.last_review = Some(j.last_review.map_or(r.submitted, |l| l.max(r.submitted)));
        if logins.is_bot(&r.reviewer, r.reviewer_is_bot) {
            continue;
        }
        let reviewer = logins.person(&r.reviewer);
        if let Some(pr) = by_key.get(&k)
            && by_author(&r.reviewer, reviewer, &pr.author, logins.person(&pr.author))
        {
            continue;
        }
        qualifying.entry(k).or_default().push((r.submitted, reviewer));
    }
    for v in qualifying.values_mut() {
        v.sort_by_key(|(t, _)| *t);
    }

    let mut rows = Vec::new();
    let mut bot_prs_excluded = 0;
    let mut stale_prs = Vec::new();
    let mut open_authors: FxHashSet<&str> = FxHashSet::default();
    let mut open_prs = 0;
    let stale_after = jiff::SignedDuration::from_hours(24 * i64::from(params.stale_after_days));
    for pr in prs {
        let k = (pr.repo.as_str(), pr.number);
        let bot = logins.is_bot(&pr.author, pr.author_is_bot);
        let author = logins.person(&pr.author);
        let clocks = joins.get(&k).copied().unwrap_or_default();
        let quals = qualifying.get(&k).map(Vec::as_slice).unwrap_or_default();
        let part = pr_part(pr, (bot, author), clocks, quals, window, now, stale_after);
        bot_prs_excluded += usize::from(part.bot_excluded);
        if part.open {
            open_prs += 1;
            open_authors.insert(author);
        }
        stale_prs.extend(part.stale);
        rows.extend(part.row);
    }
    rows.sort_by(|a, b| a.pr.cmp(&b.pr));
    stale_prs.sort_by(stale_order);

    // Review load: qualifying reviews submitted in the window.
    let mut load: BTreeMap<&str, Vec<PrRef>> = BTreeMap::new();
    for (k, list) in &qualifying {
        for (_, who) in list.iter().filter(|(t, _)| window.contains(*t)) {
            load.entry(who).or_default().push(PrRef {
                repo: k.0.to_string(),
                number: k.1,
            });
        }
    }
    let review_load = load
        .into_iter()
        .map(|(person, prs)| review_load_of(person, prs))
        .collect();

    let [cycle, open_merge, pickup, review, size] =
        TIMINGS.map(|pick| p50_p85(rows.iter().filter_map(pick).collect()));
    let merged_without_review_prs: Vec<PrRef> = rows
        .iter()
        .filter(|r| r.merged_without_review)
        .map(|r| r.pr.clone())
        .collect();
    FlowMetrics {
        window: *window,
        as_of: now,
        merged_prs: rows.iter().filter(|r| merged_in(r, window)).count(),
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
        merged_without_review: merged_without_review_prs.len(),
        stale_open_prs: stale_prs.len(),
        open_prs,
        open_pr_authors: open_authors.len(),
        bot_prs_excluded,
        pull_requests: rows,
        review_load,
        merged_without_review_prs,
        stale_prs,
    }
}
