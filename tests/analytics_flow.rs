//! Flow and knowledge metrics on small hand-computed cases (the arithmetic
//! beside each expected value), and on the demo organisation end to end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::demo_records;

use async_cockpit::analytics::flow::{FlowParams, PrRef, Window, flow, percentile_nearest_rank};
use async_cockpit::analytics::knowledge::{Component, KnowledgeParams, knowledge};
use async_cockpit::analytics::pulse::{PulseParams, Withheld, pulse};
use async_cockpit::config::{Config, PersonConfig};
use async_cockpit::identity::Directory;
use async_cockpit::model::{Commit, PullRequest, Record, RecordMeta, Review, Signature, Source};
use jiff::Timestamp;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn meta(id: &str, t: Timestamp) -> RecordMeta {
    RecordMeta {
        site: "t".into(),
        source: Source::Github,
        source_id: id.into(),
        event_time: t,
        fetched_at: t,
    }
}

const REPO: &str = "acme/api";

fn pr(number: u64, author: &str, created: &str, merged: Option<&str>) -> PullRequest {
    let created = ts(created);
    let merged = merged.map(ts);
    PullRequest {
        meta: meta(&format!("{REPO}#{number}"), created),
        repo: REPO.into(),
        number,
        title: format!("PR {number}"),
        author: author.into(),
        author_is_bot: false,
        state: if merged.is_some() {
            "closed".into()
        } else {
            "open".into()
        },
        draft: false,
        created,
        updated: merged.unwrap_or(created),
        merged,
        closed: merged,
        ready_for_review: None,
        additions: Some(0),
        deletions: Some(0),
        changed_files: Some(1),
        requested_reviewers: vec![],
        issue_keys: vec![],
        url: format!("https://example.test/{number}"),
    }
}

fn review(number: u64, reviewer: &str, at: &str) -> Review {
    Review {
        meta: meta(&format!("r-{number}-{reviewer}-{at}"), ts(at)),
        repo: REPO.into(),
        pr_number: number,
        reviewer: reviewer.into(),
        reviewer_is_bot: reviewer.ends_with("[bot]"),
        state: "APPROVED".into(),
        submitted: ts(at),
    }
}

fn sig(login: &str) -> Signature {
    Signature {
        name: login.into(),
        email: format!("{login}@example.test"),
        login: Some(login.into()),
    }
}

fn commit(sha: &str, author: &str, authored: &str, pr: Option<u64>, files: &[&str]) -> Commit {
    Commit {
        meta: meta(&format!("{REPO}@{sha}"), ts(authored)),
        repo: REPO.into(),
        sha: sha.into(),
        author: sig(author),
        committer: sig(author),
        co_authors: vec![],
        authored: ts(authored),
        committed: ts(authored),
        summary: String::new(),
        pr_number: pr,
        files: files.iter().map(|f| f.to_string()).collect(),
    }
}

/// Alice's GitHub login `alice-gh` is configured; bob and carol stay logins.
fn directory() -> Directory {
    Directory::from_config(&Config {
        people: vec![PersonConfig {
            name: "Alice".into(),
            emails: vec!["alice@example.test".into()],
            github: Some("alice-gh".into()),
            ..PersonConfig::default()
        }],
        ..Config::default()
    })
}

#[test]
fn percentiles_are_nearest_rank() {
    let one_to_twenty: Vec<f64> = (1..=20).map(f64::from).collect();
    // p50: rank ⌈50·20/100⌉ = 10 → 10; p85: rank ⌈85·20/100⌉ = 17 → 17.
    assert_eq!(percentile_nearest_rank(&one_to_twenty, 50), Some(10.0));
    assert_eq!(percentile_nearest_rank(&one_to_twenty, 85), Some(17.0));
    // Unsorted [5,1,3,2,4] → [1,2,3,4,5]; p50 rank ⌈2.5⌉ = 3 → 3; p85 rank ⌈4.25⌉ = 5 → 5.
    let five = [5.0, 1.0, 3.0, 2.0, 4.0];
    assert_eq!(percentile_nearest_rank(&five, 50), Some(3.0));
    assert_eq!(percentile_nearest_rank(&five, 85), Some(5.0));
    // Even count: [1,2,3,4] p50 rank 2 → 2 (the lower median, never 2.5).
    assert_eq!(percentile_nearest_rank(&[4.0, 3.0, 2.0, 1.0], 50), Some(2.0));
    // p0 is rank 1 (the minimum); p100 the maximum; one value is every percentile.
    assert_eq!(percentile_nearest_rank(&five, 0), Some(1.0));
    assert_eq!(percentile_nearest_rank(&five, 100), Some(5.0));
    assert_eq!(percentile_nearest_rank(&[7.0], 85), Some(7.0));
    // Empty: no value, not 0.
    assert_eq!(percentile_nearest_rank(&[], 50), None);
}

/// The week of Monday 2 March 2026 (UTC), evaluated at Monday 9 March 00:00.
fn scenario() -> (Vec<PullRequest>, Vec<Review>, Vec<Commit>) {
    let mut prs = Vec::new();
    // PR 1 (Alice): bot review, then bob's.
    let mut p = pr(
        1,
        "alice-gh",
        "2026-03-02T09:00:00Z",
        Some("2026-03-02T15:00:00Z"),
    );
    (p.additions, p.deletions) = (Some(100), Some(20));
    prs.push(p);
    // PR 2 (bob): opened as draft at 09:00, ready at 15:00.
    let mut p = pr(2, "bob", "2026-03-03T09:00:00Z", Some("2026-03-04T09:00:00Z"));
    p.ready_for_review = Some(ts("2026-03-03T15:00:00Z"));
    (p.additions, p.deletions) = (Some(10), Some(5));
    prs.push(p);
    // PR 3 (carol): reviewed only by a bot (and by herself).
    let mut p = pr(3, "carol", "2026-03-04T08:00:00Z", Some("2026-03-04T12:00:00Z"));
    (p.additions, p.deletions) = (Some(300), Some(0));
    prs.push(p);
    // PR 4 (Alice): merged without any review, no linked commit.
    let mut p = pr(
        4,
        "alice-gh",
        "2026-03-05T10:00:00Z",
        Some("2026-03-05T11:00:00Z"),
    );
    (p.additions, p.deletions) = (Some(1), Some(1));
    prs.push(p);
    // PR 5: a bot's.
    let mut p = pr(
        5,
        "dependabot[bot]",
        "2026-03-02T10:00:00Z",
        Some("2026-03-03T10:00:00Z"),
    );
    p.author_is_bot = true;
    prs.push(p);
    // PR 6 (bob): open, last touched 25 February.
    let mut p = pr(6, "bob", "2026-02-20T10:00:00Z", None);
    p.updated = ts("2026-02-25T10:00:00Z");
    prs.push(p);
    // PR 7 (carol): open, picked up by Alice two hours after opening.
    prs.push(pr(7, "carol", "2026-03-06T10:00:00Z", None));
    // PR 8: merged before the window.
    prs.push(pr(8, "bob", "2026-02-26T10:00:00Z", Some("2026-02-27T10:00:00Z")));

    let reviews = vec![
        review(1, "ci[bot]", "2026-03-02T09:30:00Z"),
        review(1, "bob", "2026-03-02T13:00:00Z"),
        review(2, "carol", "2026-03-03T11:00:00Z"), // on the draft
        review(2, "alice-gh", "2026-03-03T17:00:00Z"),
        review(3, "ci[bot]", "2026-03-04T10:00:00Z"),
        review(3, "carol", "2026-03-04T10:30:00Z"), // her own
        review(7, "alice-gh", "2026-03-06T12:00:00Z"),
        review(8, "carol", "2026-02-26T12:00:00Z"), // before the window
    ];
    let commits = vec![
        commit("a1", "alice-gh", "2026-02-27T10:00:00Z", Some(1), &[]),
        commit("a2", "alice-gh", "2026-03-02T08:00:00Z", Some(1), &[]),
        commit("b1", "bob", "2026-03-03T08:00:00Z", Some(2), &[]),
        commit("c1", "carol", "2026-03-04T07:00:00Z", Some(3), &[]),
    ];
    (prs, reviews, commits)
}

fn week() -> (Window, Timestamp) {
    (
        Window::new(ts("2026-03-02T00:00:00Z"), ts("2026-03-09T00:00:00Z")),
        ts("2026-03-09T00:00:00Z"),
    )
}

#[test]
fn flow_hand_computed() {
    let (prs, reviews, commits) = scenario();
    let (window, now) = week();
    let f = flow(
        &prs,
        &reviews,
        &commits,
        &window,
        now,
        &directory(),
        &FlowParams::default(),
    );
    let row = |n: u64| f.pull_requests.iter().find(|r| r.pr.number == n).unwrap();

    // PR 1: cycle Fri 27 Feb 10:00 → Mon 2 Mar 15:00 = 3 d + 5 h = 77 h; open → merge 09:00 → 15:00 = 6 h;
    // the bot's 09:30 review is no pickup: bob's 13:00 is, 13:00 − 09:00 = 4 h; review 15:00 − 13:00 = 2 h;
    // size 100 + 20 = 120. The author is Alice's cockpit name.
    let r1 = row(1);
    assert_eq!(r1.author, "Alice");
    assert_eq!(r1.cycle_time_hours, Some(77.0));
    assert_eq!(r1.open_to_merge_hours, Some(6.0));
    assert_eq!(r1.pickup_time_hours, Some(4.0));
    assert_eq!(r1.review_time_hours, Some(2.0));
    assert_eq!(r1.size_lines, Some(120));
    assert_eq!(r1.reviewers, ["bob"]);

    // PR 2, opened as draft: 6 h as draft (09:00 → 15:00) excluded; carol's 11:00 review
    // of the draft is no pickup; pickup = Alice 17:00 − ready 15:00 = 2 h (not 8 h).
    // Review time 4 Mar 09:00 − 3 Mar 17:00 = 16 h; cycle 3 Mar 08:00 → 4 Mar 09:00 = 25 h; open → merge 24 h.
    let r2 = row(2);
    assert_eq!(r2.draft_hours, Some(6.0));
    assert_eq!(r2.pickup_time_hours, Some(2.0));
    assert_eq!(r2.review_time_hours, Some(16.0));
    assert_eq!(r2.cycle_time_hours, Some(25.0));
    assert_eq!(r2.open_to_merge_hours, Some(24.0));
    assert!(!r2.merged_without_review);
    assert_eq!(r2.reviewers, ["Alice", "carol"]);

    // PR 3, reviewed only by a bot (and by its author): no pickup, no review time,
    // merged without review. Cycle 07:00 → 12:00 = 5 h; open → merge 08:00 → 12:00 = 4 h.
    let r3 = row(3);
    assert_eq!(r3.pickup_time_hours, None);
    assert_eq!(r3.review_time_hours, None);
    assert!(r3.merged_without_review);
    assert!(r3.reviewers.is_empty());
    assert_eq!(r3.cycle_time_hours, Some(5.0));

    // PR 4, merged without review, no commit: no cycle time; open → merge 1 h.
    let r4 = row(4);
    assert!(r4.merged_without_review);
    assert_eq!(r4.cycle_time_hours, None);
    assert_eq!(r4.open_to_merge_hours, Some(1.0));

    // PR 7: open, picked up 12:00 − 10:00 = 2 h in the window.
    assert_eq!(row(7).pickup_time_hours, Some(2.0));
    assert_eq!(row(7).merged, None);

    // The bot's PR 5 and PR 8 (merged before the window) enter no figure; PR 6 neither (open, never reviewed).
    let listed: Vec<u64> = f.pull_requests.iter().map(|r| r.pr.number).collect();
    assert_eq!(listed, [1, 2, 3, 4, 7]);
    assert_eq!(f.bot_prs_excluded, 1);
    assert_eq!(f.merged_prs, 4); // PRs 1-4

    // Cycle [77, 25, 5] → [5, 25, 77]: p50 rank ⌈1.5⌉ = 2 → 25; p85 rank ⌈2.55⌉ = 3 → 77.
    assert_eq!(f.cycle_time_hours_p50, Some(25.0));
    assert_eq!(f.cycle_time_hours_p85, Some(77.0));
    // Open → merge [6, 24, 4, 1] → [1, 4, 6, 24]: p50 rank 2 → 4; p85 rank ⌈3.4⌉ = 4 → 24.
    assert_eq!(f.open_to_merge_hours_p50, Some(4.0));
    assert_eq!(f.open_to_merge_hours_p85, Some(24.0));
    // Pickup [4, 2, 2] → [2, 2, 4]: p50 rank 2 → 2; p85 rank 3 → 4.
    assert_eq!(f.pickup_time_hours_p50, Some(2.0));
    assert_eq!(f.pickup_time_hours_p85, Some(4.0));
    // Review [2, 16]: p50 rank 1 → 2; p85 rank ⌈1.7⌉ = 2 → 16.
    assert_eq!(f.review_time_hours_p50, Some(2.0));
    assert_eq!(f.review_time_hours_p85, Some(16.0));
    // Size [120, 15, 300, 2] → [2, 15, 120, 300]: p50 rank 2 → 15; p85 rank 4 → 300.
    assert_eq!(f.pr_size_lines_p50, Some(15.0));
    assert_eq!(f.pr_size_lines_p85, Some(300.0));

    // Merged without review: PRs 3 and 4.
    let pr_ref = |n| PrRef {
        repo: REPO.into(),
        number: n,
    };
    assert_eq!(f.merged_without_review, 2);
    assert_eq!(f.merged_without_review_prs, [pr_ref(3), pr_ref(4)]);

    // Stale: PR 6 idle from 25 Feb 10:00 to 9 Mar 00:00 = 11 d 14 h ≥ 7 d; PR 7 idle 2 d 12 h.
    assert_eq!(f.stale_open_prs, 1);
    assert_eq!(f.stale_prs[0].pr, pr_ref(6));
    assert!((f.stale_prs[0].idle_days - (11.0 + 14.0 / 24.0)).abs() < 1e-9);
    assert_eq!((f.open_prs, f.open_pr_authors), (2, 2));

    // Review load in the window: Alice reviewed PRs 2 and 7; bob PR 1; carol PR 2 (the
    // draft); carol's own PR 3, the bot and carol's PR 8 review (before) do not count.
    let load: Vec<(&str, usize, usize)> = f
        .review_load
        .iter()
        .map(|l| (l.person.as_str(), l.reviews, l.prs_reviewed))
        .collect();
    assert_eq!(load, [("Alice", 2, 2), ("bob", 1, 1), ("carol", 1, 1)]);
}

#[test]
fn as_of_ignores_the_future() {
    let (prs, reviews, commits) = scenario();
    let (window, _) = week();
    // At Mon 2 Mar 14:00, PR 1 is open: bob reviewed at 13:00 (pickup 4 h), no merge yet.
    let f = flow(
        &prs,
        &reviews,
        &commits,
        &window,
        ts("2026-03-02T14:00:00Z"),
        &directory(),
        &FlowParams::default(),
    );
    assert_eq!(f.merged_prs, 0);
    assert_eq!(f.pickup_time_hours_p50, Some(4.0));
    assert_eq!(f.cycle_time_hours_p50, None);
}

#[test]
fn a_pr_still_in_draft_has_no_pickup() {
    let (prs, reviews, commits) = scenario();
    let (window, _) = week();
    // At Tue 3 Mar 12:00, PR 2 (opened as draft, ready only at 15:00) is still a draft:
    // carol's 11:00 review of it is no pickup, and its draft time is not known yet.
    let now = ts("2026-03-03T12:00:00Z");
    let f = flow(
        &prs,
        &reviews,
        &commits,
        &window,
        now,
        &directory(),
        &FlowParams::default(),
    );
    let r2 = f.pull_requests.iter().find(|r| r.pr.number == 2);
    assert!(r2.is_none(), "{r2:?}");
    // A PR that is a draft with no ready time at all: a review of it is no pickup either.
    let mut draft = pr(9, "bob", "2026-03-04T09:00:00Z", None);
    draft.draft = true;
    let f = flow(
        &[draft],
        &[review(9, "carol", "2026-03-04T10:00:00Z")],
        &[],
        &window,
        ts("2026-03-09T00:00:00Z"),
        &directory(),
        &FlowParams::default(),
    );
    assert_eq!(f.pickup_time_hours_p50, None);
    assert!(f.pull_requests.is_empty());
    assert_eq!(f.open_prs, 1);
}

#[test]
fn flow_pulse_withholds_small_groups() {
    let (prs, reviews, commits) = scenario();
    let (window, now) = week();
    let f = flow(
        &prs,
        &reviews,
        &commits,
        &window,
        now,
        &directory(),
        &FlowParams::default(),
    );
    let p = pulse(&f, &[], &[], &[], &PulseParams::default());
    // Merged PRs 1-4 by Alice, bob, carol: a group of 3 → shown, 4 PRs.
    assert_eq!(p.flow.merged_prs.value, Some(4.0));
    assert_eq!(p.flow.merged_prs.group_size, 3);
    // Pickup from PRs 1 (Alice), 2 (bob), 7 (carol): 3 people → p50 2 h shown.
    assert_eq!(p.flow.pickup_time_hours_p50.value, Some(2.0));
    // Review time only from PRs 1 and 2 (Alice, bob): 2 people < 3 → withheld, not 0.
    assert_eq!(p.flow.review_time_hours_p50.value, None);
    assert_eq!(
        p.flow.review_time_hours_p50.withheld,
        Some(Withheld::SmallGroup {
            group_size: 2,
            min_group_size: 3
        })
    );
    assert!(p.flow.review_time_hours_p50.items.is_empty());
    // Stale count: open PRs of bob and carol only → withheld.
    assert_eq!(p.flow.stale_open_prs.value, None);
    // Reviews per reviewer: (2 + 1 + 1) / 3 people = 1.333…
    assert!((p.flow.reviews_per_reviewer_mean.value.unwrap() - 4.0 / 3.0).abs() < 1e-12);
    // No person's name anywhere in the pulse.
    let json = serde_json::to_string(&p).unwrap();
    for name in ["Alice", "alice-gh", "bob", "carol"] {
        assert!(!json.contains(&format!("\"{name}\"")), "{name} in {json}");
    }
}

#[test]
fn knowledge_bus_factor() {
    let (window, now) = week();
    let mut pair = commit("c4", "carol", "2026-03-03T10:00:00Z", None, &["src/d.rs"]);
    pair.co_authors.push(sig("bob"));
    let commits = vec![
        commit(
            "c1",
            "alice-gh",
            "2026-03-02T10:00:00Z",
            None,
            &["src/a.rs", "docs/x.md"],
        ),
        commit("c2", "alice-gh", "2026-03-02T11:00:00Z", None, &["src/b.rs"]),
        commit("c3", "bob", "2026-03-03T09:00:00Z", Some(10), &["src/c.rs"]),
        pair,
        commit("c5", "dave", "2026-03-04T10:00:00Z", None, &["src/e.rs"]),
        commit(
            "c6",
            "dependabot[bot]",
            "2026-03-04T11:00:00Z",
            None,
            &["src/f.rs"],
        ),
        commit("c7", "alice-gh", "2026-03-05T10:00:00Z", None, &["README.md"]),
        commit("c8", "alice-gh", "2026-02-20T10:00:00Z", None, &["src/old.rs"]), // before the window
        commit(
            "c9",
            "bob",
            "2026-03-05T11:00:00Z",
            None,
            &["src/store/kv.rs", "src/store/mod.rs"],
        ),
    ];
    let prs = vec![pr(
        10,
        "bob",
        "2026-03-03T09:30:00Z",
        Some("2026-03-04T09:00:00Z"),
    )];
    let reviews = vec![
        review(10, "alice-gh", "2026-03-03T12:00:00Z"),
        review(10, "bob", "2026-03-03T12:30:00Z"),     // the author
        review(10, "ci[bot]", "2026-03-03T12:45:00Z"), // a bot
    ];
    let params = KnowledgeParams {
        components: vec![Component {
            name: "storage".into(),
            paths: vec!["src/store".into()],
        }],
        bots: vec![],
    };
    let k = knowledge(&commits, &reviews, &prs, &window, now, &directory(), &params);
    let areas: Vec<&str> = k.iter().map(|a| a.area.as_str()).collect();
    assert_eq!(
        areas,
        ["acme/api/(root)", "acme/api/docs", "acme/api/src", "storage"]
    );

    let src = &k[2];
    // Changes c1, c2, c3, c4, c5 = 5 (the bot's c6 and the old c8 are not changes).
    // Shares: Alice 1 + 1 = 2; bob 1 (c3) + ½ (c4 with carol) = 1.5; dave 1; carol ½. Sum 5.
    // Half of 5 is 2.5: Alice 2 < 2.5; Alice + bob = 3.5 ≥ 2.5 → bus factor 2.
    assert_eq!(src.changes, 5);
    let shares: Vec<(&str, f64)> = src
        .shares
        .iter()
        .map(|s| (s.person.as_str(), s.changes))
        .collect();
    assert_eq!(
        shares,
        [("Alice", 2.0), ("bob", 1.5), ("dave", 1.0), ("carol", 0.5)]
    );
    assert_eq!(src.bus_factor, 2);
    assert_eq!(src.bus_factor_people, ["Alice", "bob"]);
    assert_eq!(src.authors, ["Alice", "bob", "carol", "dave"]);
    // PR 10 (c3 touches src) reviewed by Alice; bob is its author, ci[bot] a bot.
    assert_eq!(src.reviewers, ["Alice"]);
    assert_eq!(src.commits.len(), 5);

    // docs: c1 only, Alice: 1 ≥ ½ → bus factor 1. storage: c9 touches two files, one change.
    assert_eq!((k[1].changes, k[1].bus_factor), (1, 1));
    assert_eq!(
        (k[3].changes, k[3].bus_factor, k[3].authors.clone()),
        (1, 1, vec!["bob".to_string()])
    );

    // A commit without a file list (GitHub API) belongs to its repository.
    let mut web = commit("w1", "bob", "2026-03-02T10:00:00Z", None, &[]);
    web.repo = "acme/web".into();
    let k = knowledge(&[web], &[], &[], &window, now, &directory(), &params);
    assert_eq!(k[0].area, "acme/web");
}

// ---------------------------------------------------------------- the demo

#[test]
fn demo_flow_and_knowledge() {
    let (records, cfg) = demo_records();
    let (mut prs, mut reviews, mut commits) = (Vec::new(), Vec::new(), Vec::new());
    for r in records {
        match r {
            Record::PullRequest(p) => prs.push(p),
            Record::Review(r) => reviews.push(r),
            Record::Commit(c) => commits.push(c),
            _ => {}
        }
    }
    assert_eq!((prs.len(), reviews.len(), commits.len()), (152, 218, 465));
    let dir = Directory::from_config(&cfg);
    // An hour after the last update: every merge lies inside the half-open window.
    let now = prs.iter().map(|p| p.updated).max().unwrap() + jiff::SignedDuration::from_hours(1);
    let window = Window::new(Timestamp::UNIX_EPOCH, now);
    let params = FlowParams {
        bots: cfg.github.bots.clone(),
        ..FlowParams::default()
    };
    let f = flow(&prs, &reviews, &commits, &window, now, &dir, &params);
    eprintln!(
        "demo flow: merged {} (bots excluded {}), cycle p50/p85 {:?}/{:?} h, open→merge p50/p85 {:?}/{:?} h, \
         pickup p50/p85 {:?}/{:?} h, review p50/p85 {:?}/{:?} h, size p50/p85 {:?}/{:?} lines, \
         merged without review {} {:?}, stale {} of {} open",
        f.merged_prs,
        f.bot_prs_excluded,
        f.cycle_time_hours_p50,
        f.cycle_time_hours_p85,
        f.open_to_merge_hours_p50,
        f.open_to_merge_hours_p85,
        f.pickup_time_hours_p50,
        f.pickup_time_hours_p85,
        f.review_time_hours_p50,
        f.review_time_hours_p85,
        f.pr_size_lines_p50,
        f.pr_size_lines_p85,
        f.merged_without_review,
        f.merged_without_review_prs
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        f.stale_open_prs,
        f.open_prs,
    );
    for l in &f.review_load {
        eprintln!(
            "  review load {:<24} {:>3} reviews on {:>3} PRs",
            l.person, l.reviews, l.prs_reviewed
        );
    }
    // 114 non-bot merges (87 + 27 opened as draft); 12 merged bot PRs and 3 open ones excluded.
    assert_eq!(f.merged_prs, 114);
    assert_eq!(f.bot_prs_excluded, 15);
    assert!(
        f.pull_requests
            .iter()
            .all(|r| !r.author.ends_with("[bot]") && r.author != "orbital-releaser")
    );
    assert!(f.review_load.iter().all(|l| !l.person.ends_with("[bot]")));
    // Reviewers resolve to cockpit names through the config.
    assert!(f.review_load.iter().any(|l| l.person == "Rui Solano-Vex"));
    for (p50, p85) in [
        (f.cycle_time_hours_p50, f.cycle_time_hours_p85),
        (f.pickup_time_hours_p50, f.pickup_time_hours_p85),
        (f.review_time_hours_p50, f.review_time_hours_p85),
    ] {
        assert!(p50.unwrap() <= p85.unwrap());
    }
    // Drafts: every pickup of a PR opened as draft starts at its ready time.
    assert!(
        f.pull_requests
            .iter()
            .any(|r| r.draft_hours.is_some_and(|h| h > 0.0))
    );

    let k = knowledge(
        &commits,
        &reviews,
        &prs,
        &window,
        now,
        &dir,
        &KnowledgeParams {
            bots: cfg.github.bots.clone(),
            ..KnowledgeParams::default()
        },
    );
    for a in &k {
        eprintln!(
            "  area {:<34} changes {:>3} authors {:>2} reviewers {:>2} bus factor {} {:?}",
            a.area,
            a.changes,
            a.authors.len(),
            a.reviewers.len(),
            a.bus_factor,
            a.bus_factor_people
        );
    }
    // GitHub commits carry no file list: one area per repository.
    assert_eq!(k.len(), 3);
    // Tobias's and Kenji's second addresses resolve through their logins.
    assert!(k.iter().all(|a| a.authors.iter().all(|p| !p.contains('@'))));
    let p = pulse(&f, &[], &k, &[], &PulseParams::default());
    eprintln!(
        "demo pulse flow: {}",
        serde_json::to_string(&p.flow.cycle_time_hours_p50).unwrap()
    );
    assert!(p.flow.cycle_time_hours_p50.value.is_some());
}
