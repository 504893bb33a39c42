//! Property-style tests of the sprint metrics over seeded random boards: a
//! small xorshift generator (no proptest dependency) builds sprints and
//! issues whose changelogs move them between sprints, re-estimate them,
//! complete, drop ("Won't Do"), reopen and carry them over as Jira does. The
//! generator keeps the *true* state of every issue over time, so the
//! properties are checked against it, not against the replay under test.
//!
//! Properties, for every seed and several evaluation instants:
//! - no issue's points count in two sprints' completed totals;
//! - committed + added − removed − completed = remaining at close, and that
//!   remaining equals the true open points in the sprint at close;
//! - the burndown ends at the points remaining at close;
//! - every completed issue was truly in the sprint and completed at close.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use async_cockpit::analytics::burndown::burndown;
use async_cockpit::analytics::calendar::Calendar;
use async_cockpit::analytics::sprint::{SprintOptions, sprint_health};
use async_cockpit::model::{FieldChange, RecordMeta, Source, Sprint, SprintState, StatusCategory, WorkItem};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// xorshift64*: tiny, seeded, deterministic.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

/// The truth about one issue at one instant.
#[derive(Debug, Clone, PartialEq)]
struct Truth {
    sprints: Vec<u64>,
    points: Option<f64>,
    status: &'static str,
    resolution: Option<&'static str>,
}

impl Truth {
    fn done(&self) -> bool {
        self.status == "Done"
    }
    fn completed(&self) -> bool {
        self.done() && !matches!(self.resolution, Some("Won't Do" | "Duplicate"))
    }
}

struct Gen {
    item: WorkItem,
    truth: Vec<(Timestamp, Truth)>,
}

impl Gen {
    fn now(&self) -> Truth {
        self.truth.last().unwrap().1.clone()
    }
    fn at(&self, t: Timestamp) -> Truth {
        self.truth
            .iter()
            .rev()
            .find(|(at, _)| *at <= t)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| self.truth[0].1.clone())
    }
    fn set(&mut self, at: Timestamp, next: Truth) {
        let cur = self.now();
        let ids = |s: &[u64]| s.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        let mut push = |field: &str,
                        from: Option<String>,
                        to: Option<String>,
                        fs: Option<String>,
                        tos: Option<String>| {
            self.item.changelog.push(FieldChange {
                at,
                author: None,
                field: field.into(),
                from,
                to,
                from_string: fs,
                to_string: tos,
            });
        };
        if cur.sprints != next.sprints {
            push(
                "customfield_10020",
                Some(ids(&cur.sprints)),
                Some(ids(&next.sprints)),
                None,
                None,
            );
        }
        if cur.points != next.points {
            let s = |p: Option<f64>| p.map(|x| x.to_string());
            push("customfield_10016", None, None, s(cur.points), s(next.points));
        }
        if cur.status != next.status {
            push(
                "status",
                Some("1".into()),
                Some("2".into()),
                Some(cur.status.into()),
                Some(next.status.into()),
            );
        }
        if cur.resolution != next.resolution {
            push(
                "resolution",
                None,
                None,
                cur.resolution.map(Into::into),
                next.resolution.map(Into::into),
            );
        }
        self.item.sprint_ids = next.sprints.clone();
        self.item.story_points = next.points;
        self.item.status = next.status.into();
        self.item.status_category = match next.status {
            "To Do" => StatusCategory::ToDo,
            "Done" => StatusCategory::Done,
            _ => StatusCategory::InProgress,
        };
        self.item.resolution = next.resolution.map(Into::into);
        self.item.updated = at;
        self.truth.push((at, next));
    }
}

fn h(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n)
}

/// A board of 3-5 back-to-back two-week sprints, the last maybe still
/// active, a future one, and 6-25 issues living through them.
fn board(seed: u64) -> (Vec<Sprint>, Vec<Gen>, Timestamp) {
    let mut r = Rng::new(seed);
    let t0: Timestamp = "2026-03-02T08:00:00Z".parse().unwrap();
    let n = 3 + r.below(3);
    let last_active = r.chance(50);
    let mut sprints = Vec::new();
    for i in 0..n {
        let start = t0 + h(24 * 14 * i as i64);
        let end = start + h(24 * 11 + 8);
        let active = last_active && i == n - 1;
        sprints.push(Sprint {
            meta: RecordMeta {
                site: "p".into(),
                source: Source::Jira,
                source_id: (i + 1).to_string(),
                event_time: start,
                fetched_at: start,
            },
            id: i + 1,
            board_id: 1,
            board_name: None,
            name: format!("S{}", i + 1),
            state: if active {
                SprintState::Active
            } else {
                SprintState::Closed
            },
            start: Some(start),
            end: Some(end),
            complete: (!active).then(|| end + h(r.below(3) as i64)),
            goal: None,
        });
    }
    let fut = n + 1;
    let mut future = sprints[0].clone();
    future.id = fut;
    future.name = "future".into();
    future.state = SprintState::Future;
    future.start = None;
    future.end = None;
    future.complete = None;
    sprints.push(future);
    let horizon = t0 + h(24 * 14 * n as i64);
    let points = [
        None,
        Some(0.0),
        Some(1.0),
        Some(2.0),
        Some(3.0),
        Some(5.0),
        Some(8.0),
    ];
    let mut gens = Vec::new();
    for k in 0..(6 + r.below(20)) {
        let created = t0 - h(24 * 3) + h(r.below(24 * 14 * n) as i64);
        let first = Truth {
            sprints: vec![],
            points: *r.pick(&points),
            status: "To Do",
            resolution: None,
        };
        let mut g = Gen {
            item: WorkItem {
                meta: RecordMeta {
                    site: "p".into(),
                    source: Source::Jira,
                    source_id: format!("{k}"),
                    event_time: created,
                    fetched_at: created,
                },
                key: format!("P-{k}"),
                project: "P".into(),
                summary: String::new(),
                issue_type: "Story".into(),
                status: "To Do".into(),
                status_category: StatusCategory::ToDo,
                resolution: None,
                assignee: None,
                reporter: None,
                created,
                updated: created,
                resolved: None,
                story_points: first.points,
                sprint_ids: vec![],
                parent_key: None,
                labels: vec![],
                flagged: false,
                links: vec![],
                description: String::new(),
                changelog: vec![],
                url: String::new(),
            },
            truth: vec![(created, first)],
        };
        // Random steps in time; Jira's carry-over at each sprint close.
        let mut t = created;
        let mut closes: Vec<(Timestamp, u64, u64)> = sprints
            .windows(2)
            .filter_map(|w| Some((w[0].complete?, w[0].id, w[1].id)))
            .collect();
        closes.sort();
        while t < horizon {
            t += h(1 + r.below(60) as i64);
            // Carry-over events that fall before `t`.
            while let Some(&(c, from, to)) = closes.first() {
                if c > t {
                    break;
                }
                closes.remove(0);
                let cur = g.now();
                if cur.sprints.contains(&from) && !cur.done() && r.chance(80) {
                    let mut next = cur.clone();
                    next.sprints.push(to);
                    next.sprints.sort_unstable();
                    next.sprints.dedup();
                    g.set(c + SignedDuration::from_secs(60), next);
                }
            }
            if t <= g.truth.last().unwrap().0 {
                continue;
            }
            // The sprint running at `t` (else the next one).
            let running = sprints
                .iter()
                .filter(|s| s.start.is_some_and(|st| st <= t + h(24 * 3)))
                .map(|s| s.id)
                .next_back()
                .unwrap_or(1);
            let mut next = g.now();
            match r.below(10) {
                0 | 1 => {
                    if !next.sprints.contains(&running) {
                        next.sprints.push(running);
                        next.sprints.sort_unstable();
                    }
                }
                2 => next.sprints.retain(|s| *s != running),
                3 => next.points = *r.pick(&points),
                4 | 5 => {
                    next.status = *r.pick(&["In Progress", "Blocked", "In Review"]);
                    next.resolution = None;
                }
                6 | 7 => {
                    next.status = "Done";
                    next.resolution = Some(*r.pick(&["Done", "Done", "Done", "Won't Do", "Duplicate"]));
                }
                8 => {
                    if next.done() {
                        next.status = "In Progress";
                        next.resolution = None;
                    }
                }
                _ => {
                    if r.chance(30) {
                        next.sprints.push(fut);
                        next.sprints.sort_unstable();
                        next.sprints.dedup();
                    }
                }
            }
            g.set(t, next);
        }
        gens.push(g);
    }
    (sprints, gens, horizon)
}

#[test]
fn sprint_ledger_properties_hold_on_random_boards() {
    let cal = Calendar::weekdays(TimeZone::get("Europe/Berlin").unwrap());
    let opts = SprintOptions::default();
    let mut checked = 0;
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for seed in 1..=150u64 {
        let (sprints, gens, horizon) = board(seed);
        let items: Vec<WorkItem> = gens.iter().map(|g| g.item.clone()).collect();
        let truth: BTreeMap<&str, &Gen> = gens.iter().map(|g| (g.item.key.as_str(), g)).collect();
        let t0 = sprints[0].start.unwrap();
        for as_of in [horizon + h(24 * 30), t0 + h(24 * 9), t0 + h(24 * 20) + h(5)] {
            let health = sprint_health(&sprints, &items, &cal, as_of, &opts);
            let mut counted: BTreeSet<&str> = BTreeSet::new();
            for s in &health {
                let ctx = format!("seed {seed}, as_of {as_of}, sprint {}", s.id);
                // Count once.
                for c in &s.completed {
                    assert!(
                        counted.insert(c.key.as_str()),
                        "{ctx}: {} completed in two sprints",
                        c.key
                    );
                }
                // The ledger balances.
                let ledger = s.committed_points + s.added_points - s.removed_points - s.completed_points;
                assert!(
                    (ledger - s.remaining_points).abs() < 1e-9,
                    "{ctx}: ledger {ledger} ≠ remaining {}",
                    s.remaining_points
                );
                // Remaining equals the truth at close.
                let at = s.evaluated_at;
                let true_remaining: f64 = gens
                    .iter()
                    .map(|g| g.at(at))
                    .filter(|t| t.sprints.contains(&s.id) && !t.done())
                    .filter_map(|t| t.points)
                    .sum();
                assert!(
                    (true_remaining - s.remaining_points).abs() < 1e-9,
                    "{ctx}: truth {true_remaining} ≠ {}",
                    s.remaining_points
                );
                // Committed equals the truth at start.
                let true_committed: f64 = gens
                    .iter()
                    .map(|g| g.at(s.start))
                    .filter(|t| t.sprints.contains(&s.id) && !t.done())
                    .filter_map(|t| t.points)
                    .sum();
                assert!(
                    (true_committed - s.committed_points).abs() < 1e-9,
                    "{ctx}: committed"
                );
                // Completed issues are truly completed members at close.
                for c in &s.completed {
                    let t = truth[c.key.as_str()].at(at);
                    assert!(
                        t.sprints.contains(&s.id) && t.completed(),
                        "{ctx}: {} not completed at close",
                        c.key
                    );
                }
                // The burndown ends at the remaining at close.
                let b = burndown(s, &cal);
                if s.state == SprintState::Closed {
                    assert!(
                        b.days.last().is_some_and(|d| d.at == s.evaluated_at),
                        "{ctx}: last point is the close"
                    );
                }
                let last = b.last_remaining().unwrap();
                assert!(
                    (last - s.remaining_points).abs() < 1e-9,
                    "{ctx}: burndown ends at {last}, remaining {}",
                    s.remaining_points
                );
                assert!(s.say_do_ratio.is_none_or(|r| r >= 0.0));
                for e in &s.events {
                    *kinds.entry(format!("{:?}", e.kind)).or_default() += 1;
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} sprint evaluations");
    // The boards exercise every transition of the ledger.
    for k in [
        "Added",
        "Removed",
        "EstimateChanged",
        "Completed",
        "Reopened",
        "Uncompleted",
        "ClosedNotCompleted",
        "LeftAfterDone",
        "CompletedAgain",
    ] {
        assert!(kinds.get(k).is_some_and(|n| *n > 0), "no {k} event in {kinds:?}");
    }
}

#[test]
fn the_generator_is_deterministic() {
    let a: Vec<usize> = board(7).1.iter().map(|g| g.item.changelog.len()).collect();
    let b: Vec<usize> = board(7).1.iter().map(|g| g.item.changelog.len()).collect();
    assert_eq!(a, b);
}
