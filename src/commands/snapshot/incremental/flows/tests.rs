//! The flow cache against the full computation on targeted deltas: a
//! review moved to another pull request, a bot's review, a new pull
//! request, a commit changing area and pull request, an author change,
//! delete-like changes and a duplicate key; each must update in place (no
//! rebuild) and leave the family's figures and pulse parts equal to the
//! full computation's.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::{SignedDuration, Timestamp};

use super::FlowCache;
use crate::commands::snapshot::incremental::{Change, Delta};
use crate::commands::snapshot::{Context, Inputs, PulseParts, flow_figures, refresh_pulse};
use crate::config::{Config, PersonConfig};
use crate::insight::Snapshot;
use crate::model::{Commit, PullRequest, RecordMeta, Review, Signature, Source};

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn now() -> Timestamp {
    "2026-11-27T12:00:00Z".parse().unwrap()
}

fn meta(id: String, t: Timestamp) -> RecordMeta {
    RecordMeta {
        site: "t".into(),
        source: Source::Github,
        source_id: id,
        event_time: t,
        fetched_at: t,
    }
}

fn config() -> Config {
    let mut cfg = Config::default();
    cfg.github.bots = vec!["release-robot".into()];
    cfg.people = (0..6)
        .map(|i| PersonConfig {
            name: format!("Person {i}"),
            emails: vec![format!("p{i}@example.com")],
            github: Some(format!("dev{i}")),
            ..PersonConfig::default()
        })
        .collect();
    cfg
}

fn login(r: &mut Rng) -> String {
    match r.below(9) {
        0 => "dependabot[bot]".into(),
        1 => "release-robot".into(),
        2 => "stranger".into(),
        n => format!("dev{}", n - 3),
    }
}

fn organisation() -> Inputs {
    let mut r = Rng(0x2545_F491_4F6C_DD1D);
    let mut inp = Inputs::default();
    for i in 0..80u64 {
        let created = now() - SignedDuration::from_hours(r.below(900) as i64);
        let merged = (r.below(3) > 0).then(|| created + SignedDuration::from_hours(1 + r.below(200) as i64));
        let repo = format!("org/r{}", i % 2);
        let draft = r.below(6) == 0;
        inp.prs.push(PullRequest {
            meta: meta(format!("pr{i}"), created),
            repo: repo.clone(),
            number: i % 70,
            title: format!("t{i}"),
            author: login(&mut r),
            author_is_bot: false,
            state: "open".into(),
            draft,
            created,
            updated: created + SignedDuration::from_hours(r.below(50) as i64),
            merged,
            closed: merged.or_else(|| (r.below(5) == 0).then_some(created)),
            ready_for_review: (draft && r.below(2) == 0).then(|| created + SignedDuration::from_hours(2)),
            additions: Some(r.below(300)),
            deletions: (r.below(5) > 0).then(|| r.below(100)),
            changed_files: None,
            requested_reviewers: vec![],
            issue_keys: vec![],
            url: String::new(),
        });
    }
    for i in 0..160u64 {
        let pr = &inp.prs[r.below(80) as usize];
        inp.reviews.push(Review {
            meta: meta(format!("rv{i}"), pr.created),
            repo: pr.repo.clone(),
            pr_number: pr.number,
            reviewer: login(&mut r),
            reviewer_is_bot: r.below(20) == 0,
            state: "APPROVED".into(),
            submitted: pr.created + SignedDuration::from_hours(r.below(300) as i64 - 20),
        });
    }
    for i in 0..160u64 {
        let pr = &inp.prs[r.below(80) as usize];
        let who = login(&mut r);
        let co = login(&mut r);
        inp.commits.push(Commit {
            meta: meta(format!("c{i}"), pr.created),
            repo: pr.repo.clone(),
            sha: format!("{i:040}"),
            author: Signature {
                name: who.clone(),
                email: format!("{who}@example.com"),
                login: Some(who),
            },
            committer: Signature {
                name: "c".into(),
                email: "c@example.com".into(),
                login: None,
            },
            co_authors: (r.below(4) == 0)
                .then(|| Signature {
                    name: co.clone(),
                    email: format!("{co}@example.com"),
                    login: None,
                })
                .into_iter()
                .collect(),
            authored: pr.created - SignedDuration::from_hours(r.below(30) as i64),
            committed: pr.created + SignedDuration::from_hours(r.below(30) as i64),
            summary: String::new(),
            pr_number: (r.below(10) > 0).then_some(pr.number),
            files: (0..r.below(3)).map(|_| format!("a{}/f.rs", r.below(4))).collect(),
        });
    }
    inp
}

/// The family's figures and pulse parts, from scratch.
fn full(inp: &Inputs, cx: &Context) -> Snapshot {
    let mut s = Snapshot {
        as_of: cx.now,
        ..Snapshot::default()
    };
    flow_figures(inp, cx).put(&mut s);
    refresh_pulse(&mut s, PulseParts::ALL);
    s
}

fn same(got: &Snapshot, want: &Snapshot, what: &str) {
    assert_eq!(got.flow, want.flow, "flow after {what}");
    assert_eq!(got.knowledge, want.knowledge, "knowledge after {what}");
    let (g, w) = (got.pulse.as_ref().unwrap(), want.pulse.as_ref().unwrap());
    assert_eq!(g.flow, w.flow, "pulse.flow after {what}");
    assert_eq!(g.areas, w.areas, "pulse.areas after {what}");
}

/// One record replaced (`at`) or added.
enum Edit {
    Pr(Option<usize>, PullRequest),
    Review(Option<usize>, Review),
    Commit(Option<usize>, Commit),
}

fn put<T: Clone>(list: &mut Vec<T>, at: Option<usize>, v: T, changes: &mut Vec<Change<T>>) {
    match at {
        Some(i) => {
            let old = std::mem::replace(&mut list[i], v);
            changes.push(Change {
                at: i,
                old: Some(old),
            });
        }
        None => {
            list.push(v);
            changes.push(Change {
                at: list.len() - 1,
                old: None,
            });
        }
    }
}

struct Fixture {
    inp: Inputs,
    cfg: Config,
    cache: FlowCache,
    snap: Snapshot,
}

impl Fixture {
    fn new() -> Fixture {
        let inp = organisation();
        let cfg = config();
        let cx = Context::new(&inp, &cfg, now());
        let (cache, figures) = FlowCache::build(&inp, &cx);
        let mut snap = Snapshot {
            as_of: now(),
            ..Snapshot::default()
        };
        figures.put(&mut snap);
        refresh_pulse(&mut snap, PulseParts::ALL);
        same(&snap, &full(&inp, &cx), "build");
        // The pulse's item lists are shown, so their in-place rebuild is exercised.
        let pf = &snap.pulse.as_ref().unwrap().flow;
        for fig in [
            &pf.merged_prs,
            &pf.cycle_time_hours_p85,
            &pf.pickup_time_hours_p50,
            &pf.stale_open_prs,
        ] {
            assert!(fig.withheld.is_none() && !fig.items.is_empty(), "{fig:?}");
        }
        Fixture {
            inp,
            cfg,
            cache,
            snap,
        }
    }

    fn apply(&mut self, edits: Vec<Edit>, what: &str) {
        let mut d = Delta::default();
        for e in edits {
            match e {
                Edit::Pr(at, v) => put(&mut self.inp.prs, at, v, &mut d.prs),
                Edit::Review(at, v) => put(&mut self.inp.reviews, at, v, &mut d.reviews),
                Edit::Commit(at, v) => put(&mut self.inp.commits, at, v, &mut d.commits),
            }
        }
        let cx = Context::new(&self.inp, &self.cfg, now());
        assert!(
            self.cache.apply(&self.inp, &cx, &d, &mut self.snap),
            "in place: {what}"
        );
        same(&self.snap, &full(&self.inp, &cx), what);
    }
}

#[test]
fn targeted_deltas_update_in_place_and_equal_the_full_computation() {
    let mut f = Fixture::new();
    let (prs, reviews, commits) = (f.inp.prs.clone(), f.inp.reviews.clone(), f.inp.commits.clone());
    let mut r = reviews[3].clone();
    r.pr_number = prs[40].number;
    r.repo = prs[40].repo.clone();
    f.apply(
        vec![Edit::Review(Some(3), r)],
        "a review moved to another pull request",
    );
    let mut r = reviews[5].clone();
    r.reviewer = "renovate[bot]".into();
    let mut r2 = reviews[6].clone();
    r2.reviewer_is_bot = true;
    f.apply(
        vec![Edit::Review(Some(5), r), Edit::Review(Some(6), r2)],
        "bot reviewers",
    );
    let mut p = prs[7].clone();
    p.meta.source_id = "brand-new".into();
    p.number = 999;
    p.merged = Some(now() - SignedDuration::from_hours(3));
    let mut r = reviews[0].clone();
    r.meta.source_id = "new-review".into();
    r.pr_number = 999;
    r.repo = p.repo.clone();
    r.submitted = now() - SignedDuration::from_hours(5);
    f.apply(
        vec![Edit::Pr(None, p), Edit::Review(None, r)],
        "a new pull request",
    );
    let mut c = commits[9].clone();
    c.files = vec!["z/x.rs".into(), "a1/y.rs".into()];
    c.pr_number = Some(prs[11].number);
    c.repo = prs[11].repo.clone();
    f.apply(
        vec![Edit::Commit(Some(9), c)],
        "a commit changing area and pull request",
    );
    let mut p = prs[12].clone();
    p.author = "dev1".into();
    f.apply(vec![Edit::Pr(Some(12), p)], "an author change");
    let mut p = prs[13].clone();
    p.created = now() + SignedDuration::from_hours(1);
    let mut r = reviews[14].clone();
    r.pr_number = 12_345;
    let mut c = commits[15].clone();
    c.pr_number = None;
    c.authored = now() + SignedDuration::from_hours(2);
    f.apply(
        vec![
            Edit::Pr(Some(13), p),
            Edit::Review(Some(14), r),
            Edit::Commit(Some(15), c),
        ],
        "delete-like changes",
    );
    let mut p = prs[20].clone();
    p.meta.source_id = "same-key".into();
    p.author = "dev4".into();
    f.apply(vec![Edit::Pr(None, p)], "a second pull request with the same key");
}

#[test]
fn random_deltas_update_in_place_and_equal_the_full_computation() {
    let mut f = Fixture::new();
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..150 {
        let mut edits = Vec::new();
        for n in 0..1 + r.below(12) {
            let shift = SignedDuration::from_hours(r.below(400) as i64 - 200);
            let fresh = r.below(4) == 0;
            match r.below(3) {
                0 => {
                    let i = r.below(f.inp.prs.len() as u64) as usize;
                    let mut p = f.inp.prs[i].clone();
                    p.updated += shift;
                    p.merged = p.merged.map(|m| m + shift);
                    p.number = if r.below(4) == 0 { r.below(90) } else { p.number };
                    p.author = if r.below(3) == 0 { login(&mut r) } else { p.author };
                    if fresh {
                        p.meta.source_id = format!("pr-{round}-{n}");
                    }
                    edits.push(Edit::Pr((!fresh).then_some(i), p));
                }
                1 => {
                    let i = r.below(f.inp.reviews.len() as u64) as usize;
                    let mut v = f.inp.reviews[i].clone();
                    v.submitted += shift;
                    v.pr_number = if r.below(3) == 0 { r.below(90) } else { v.pr_number };
                    v.reviewer = if r.below(3) == 0 {
                        login(&mut r)
                    } else {
                        v.reviewer
                    };
                    edits.push(Edit::Review((!fresh).then_some(i), v));
                }
                _ => {
                    let i = r.below(f.inp.commits.len() as u64) as usize;
                    let mut c = f.inp.commits[i].clone();
                    c.authored += shift;
                    c.pr_number = if r.below(3) == 0 {
                        Some(r.below(90))
                    } else {
                        c.pr_number
                    };
                    if r.below(3) == 0 {
                        c.files = vec![format!("a{}/g.rs", r.below(6))];
                    }
                    edits.push(Edit::Commit((!fresh).then_some(i), c));
                }
            }
        }
        f.apply(edits, &format!("random round {round}"));
    }
}

#[test]
fn figures_crossing_the_minimum_group_and_a_stray_snapshot_stay_equal() {
    // Two authors only: every flow figure of the pulse is withheld.
    let mut f = Fixture::new();
    let mut edits = Vec::new();
    for (i, p) in f.inp.prs.iter().enumerate() {
        let mut p = p.clone();
        p.author = format!("dev{}", i % 2);
        edits.push(Edit::Pr(Some(i), p));
    }
    f.apply(edits, "two authors");
    let withheld = |f: &Fixture| f.snap.pulse.as_ref().unwrap().flow.merged_prs.withheld.is_some();
    assert!(withheld(&f));
    // A third author's merged pull request: the figures are shown again,
    // their items written from the rows.
    let recent = now() - SignedDuration::from_hours(24 * 20);
    let merged = f
        .inp
        .prs
        .iter()
        .position(|p| p.merged.is_some_and(|m| m < now() && m > recent))
        .unwrap();
    let mut p = f.inp.prs[merged].clone();
    p.author = "dev3".into();
    f.apply(vec![Edit::Pr(Some(merged), p.clone())], "a third author");
    assert!(!withheld(&f));
    p.author = "dev0".into();
    f.apply(vec![Edit::Pr(Some(merged), p)], "back to two authors");
    assert!(withheld(&f));
    // A snapshot whose lists are not those the cache saw: rebuilt, equal.
    f.snap.flow.as_mut().unwrap().pull_requests.pop();
    let cx = Context::new(&f.inp, &f.cfg, now());
    f.cache.update(&f.inp, &cx, &Delta::default(), &mut f.snap);
    same(&f.snap, &full(&f.inp, &cx), "a stray snapshot");
}
