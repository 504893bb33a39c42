//! One pull request's part in the flow figures, and the helpers that
//! gather the parts into them: what [`super::flow`] computes per pull
//! request and per aggregate, shared with the incremental cache so the two
//! cannot drift. The definitions are those of the parent module's doc.

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};

use super::{PrFlow, PrRef, ReviewLoad, StalePr, Window, hours_between};
use crate::model::{Commit, PullRequest};

fn open_at(pr: &PullRequest, now: Timestamp) -> bool {
    pr.created <= now && pr.merged.is_none_or(|m| m > now) && pr.closed.is_none_or(|c| c > now)
}

/// A commit's part in its pull request's clocks as of `now`: the candidate
/// first commit (authored) and last activity (committed when at or before
/// `now`, else authored); `None` when authored after `now`.
pub(crate) fn commit_clock(c: &Commit, now: Timestamp) -> Option<(Timestamp, Timestamp)> {
    let last = if c.committed <= now {
        c.committed
    } else {
        c.authored
    };
    (c.authored <= now).then_some((c.authored, last))
}

/// Whether a review is the pull request author's own: the same login
/// (ignoring ASCII case) or the same cockpit name.
pub(crate) fn by_author(reviewer_login: &str, reviewer: &str, author_login: &str, author: &str) -> bool {
    reviewer_login.eq_ignore_ascii_case(author_login) || reviewer == author
}

/// The clocks one pull request's figures read from the reviews and commits
/// joined to it by repository and number.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PrClocks {
    /// Earliest first-commit candidate of its commits ([`commit_clock`]).
    pub(crate) first_commit: Option<Timestamp>,
    /// Latest activity of its commits ([`commit_clock`]).
    pub(crate) last_commit: Option<Timestamp>,
    /// Latest review by anyone (bots too) submitted at or before `now`.
    pub(crate) last_review: Option<Timestamp>,
}

/// One pull request's part in the flow figures (see [`pr_part`]).
#[derive(Debug)]
pub(crate) struct PrPart {
    /// A bot's pull request merged in the window or open: `bot_prs_excluded`.
    pub(crate) bot_excluded: bool,
    /// Not a bot's and open at `now`: `open_prs`, and its author in `open_pr_authors`.
    pub(crate) open: bool,
    /// Its stale entry.
    pub(crate) stale: Option<StalePr>,
    /// Its row in `pull_requests`.
    pub(crate) row: Option<PrFlow>,
}

/// The part of one pull request in [`flow`]: `bot` whether its author is a
/// bot, `author` its cockpit name, `clocks` and `quals` (its qualifying
/// reviews as submitted and reviewer, oldest first, ties in list order)
/// from its reviews and commits.
pub(crate) fn pr_part(
    pr: &PullRequest,
    (bot, author): (bool, &str),
    clocks: PrClocks,
    quals: &[(Timestamp, &str)],
    window: &Window,
    now: Timestamp,
    stale_after: SignedDuration,
) -> PrPart {
    let merged = pr.merged.filter(|m| *m <= now);
    let merged_in_window = merged.is_some_and(|m| window.contains(m));
    let is_open = open_at(pr, now);
    let mut part = PrPart {
        bot_excluded: bot && (merged_in_window || is_open),
        open: !bot && is_open,
        stale: None,
        row: None,
    };
    if bot {
        return part;
    }
    // Ready time: `None` while the pull request is still a draft at `now`
    // (opened as draft and not yet marked ready, or marked ready only later).
    let ready_at = match pr.ready_for_review {
        Some(r) if r <= now => Some(r.max(pr.created)),
        Some(_) => None,
        None if pr.draft => None,
        None => Some(pr.created),
    };
    let first_review = ready_at.and_then(|ready| quals.iter().map(|(t, _)| *t).find(|t| *t >= ready));
    let fc = clocks.first_commit;
    let pr_ref = || PrRef {
        repo: pr.repo.clone(),
        number: pr.number,
    };
    if is_open {
        let mut last = ready_at.map_or(pr.created, |r| r.max(pr.created));
        if pr.updated <= now {
            last = last.max(pr.updated);
        }
        for t in [clocks.last_commit, clocks.last_review].into_iter().flatten() {
            last = last.max(t);
        }
        let idle = now.duration_since(last);
        if idle >= stale_after {
            part.stale = Some(StalePr {
                pr: pr_ref(),
                title: pr.title.clone(),
                url: pr.url.clone(),
                author: author.to_string(),
                draft: pr.draft,
                last_activity: last,
                idle_days: idle.as_secs_f64() / 86_400.0,
            });
        }
    }

    let picked_in_window = first_review.is_some_and(|t| window.contains(t));
    if !merged_in_window && !picked_in_window {
        return part;
    }
    let nonneg = |h: f64| (h >= 0.0).then_some(h);
    let (mut cycle, mut open_merge, mut review_time, mut size, mut unreviewed) =
        (None, None, None, None, false);
    if let Some(m) = merged.filter(|_| merged_in_window) {
        cycle = fc.and_then(|f| nonneg(hours_between(f, m)));
        open_merge = nonneg(hours_between(pr.created, m));
        review_time = first_review
            .filter(|f| *f <= m)
            .and_then(|f| nonneg(hours_between(f, m)));
        size = pr.additions.zip(pr.deletions).map(|(a, d)| a + d);
        unreviewed = !quals.iter().any(|(t, _)| *t <= m);
    }
    let pickup = first_review
        .filter(|_| picked_in_window)
        .and_then(|f| ready_at.and_then(|r| nonneg(hours_between(r, f))));
    let reviewers: BTreeSet<&str> = quals.iter().map(|(_, who)| *who).collect();
    part.row = Some(PrFlow {
        pr: pr_ref(),
        title: pr.title.clone(),
        url: pr.url.clone(),
        author: author.to_string(),
        created: pr.created,
        ready_at,
        draft_hours: ready_at.map(|r| hours_between(pr.created, r)),
        first_commit: fc,
        first_review,
        merged,
        cycle_time_hours: cycle,
        open_to_merge_hours: open_merge,
        pickup_time_hours: pickup,
        review_time_hours: review_time,
        size_lines: size,
        merged_without_review: unreviewed,
        reviewers: reviewers.into_iter().map(str::to_string).collect(),
    });
    part
}

/// The order of [`FlowMetrics::stale_prs`]: longest idle first, then by
/// pull request.
pub(crate) fn stale_order(a: &StalePr, b: &StalePr) -> std::cmp::Ordering {
    b.idle_days.total_cmp(&a.idle_days).then_with(|| a.pr.cmp(&b.pr))
}

/// The five timings of a row, in the order of the [`FlowMetrics`]
/// percentiles: cycle, open to merge, pickup, review, size.
pub(crate) const TIMINGS: [fn(&PrFlow) -> Option<f64>; 5] = [
    |r| r.cycle_time_hours,
    |r| r.open_to_merge_hours,
    |r| r.pickup_time_hours,
    |r| r.review_time_hours,
    |r| r.size_lines.map(|s| s as f64),
];

/// Whether a row counts in `merged_prs`: merged in the window.
pub(crate) fn merged_in(r: &PrFlow, window: &Window) -> bool {
    r.merged.is_some_and(|m| window.contains(m))
}

/// [`percentile_nearest_rank`] at 50 and 85 of `values`, by selection
/// instead of a full sort: the value at a rank of the `total_cmp` order is
/// the same whichever way it is found.
pub(crate) fn p50_p85(mut values: Vec<f64>) -> (Option<f64>, Option<f64>) {
    values.retain(|x| x.is_finite());
    let n = values.len();
    let mut at = |p: usize| {
        let rank = (p * n).div_ceil(100).clamp(1, n);
        *values.select_nth_unstable_by(rank - 1, f64::total_cmp).1
    };
    if n == 0 {
        return (None, None);
    }
    (Some(at(50)), Some(at(85)))
}

/// One person's review load from the pull requests of their qualifying
/// reviews in the window (one entry per review).
pub(crate) fn review_load_of(person: &str, mut prs: Vec<PrRef>) -> ReviewLoad {
    let reviews = prs.len();
    prs.sort();
    prs.dedup();
    ReviewLoad {
        person: person.to_string(),
        reviews,
        prs_reviewed: prs.len(),
        prs,
    }
}
