//! Analytics at scale: every metric of the snapshot over a generated
//! organisation of 50,000 Jira issues (with changelogs), 20,000 pull requests
//! (with reviews and commits) and 20,000 meetings, and reading the latest
//! snapshot back from a sealed store.
//!
//! Goals (issue 4): full recompute under 200 ms; reading the latest snapshot
//! under 5 ms. `SCALE` (env `ANALYTICS_BENCH_SCALE`, default 1.0) shrinks the
//! organisation for quick runs; under `--test` it is 0.02.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use async_cockpit::commands::{Inputs, compute, compute_snapshot, stored_snapshot};
use async_cockpit::config::{Config, PersonConfig};
use async_cockpit::model::*;
use async_cockpit::store::{KeySource, Store};
use criterion::Criterion;
use jiff::{SignedDuration, Timestamp};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn range(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn meta(source: Source, id: String, t: Timestamp) -> RecordMeta {
    RecordMeta {
        site: "bench".into(),
        source,
        source_id: id,
        event_time: t,
        fetched_at: t,
    }
}

const PEOPLE: usize = 40;

fn config() -> Config {
    let mut cfg = Config {
        site: "bench".into(),
        ..Config::default()
    };
    cfg.team.time_zone = "Europe/Berlin".into();
    cfg.people = (0..PEOPLE)
        .map(|i| PersonConfig {
            name: format!("Person {i:02}"),
            emails: vec![format!("p{i}@example.com")],
            github: Some(format!("dev{i}")),
            jira_account_id: Some(format!("acc{i}")),
            ..PersonConfig::default()
        })
        .collect();
    cfg
}

fn organisation(scale: f64, now: Timestamp) -> Inputs {
    let n = |x: f64| ((x * scale) as usize).max(10);
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let day = SignedDuration::from_hours(24);
    let start0 = now - day * 84;
    let mut inp = Inputs::default();
    for s in 0..6u64 {
        let start = start0 + day * (14 * s as i32);
        let state = if s == 5 {
            SprintState::Active
        } else {
            SprintState::Closed
        };
        inp.sprints.push(Sprint {
            meta: meta(Source::Jira, s.to_string(), start),
            id: s + 1,
            board_id: 1,
            board_name: None,
            name: format!("Sprint {}", s + 1),
            state,
            start: Some(start),
            end: Some(start + day * 14),
            complete: (state == SprintState::Closed).then(|| start + day * 14),
            goal: None,
        });
    }
    for i in 0..n(50_000.0) {
        let sprint = 1 + (i as u64 % 6);
        let created = start0 + SignedDuration::from_mins(r.range(80_000) as i64);
        let done = r.range(3) > 0 && sprint < 6;
        let resolved = created + SignedDuration::from_hours(r.range(200) as i64);
        let mut changelog = vec![FieldChange {
            at: created + SignedDuration::from_mins(5),
            author: None,
            field: "customfield_10020".into(),
            from: None,
            to: Some(sprint.to_string()),
            from_string: None,
            to_string: Some(format!("Sprint {sprint}")),
        }];
        if done {
            changelog.push(FieldChange {
                at: resolved,
                author: None,
                field: "status".into(),
                from: Some("3".into()),
                to: Some("10001".into()),
                from_string: Some("In Progress".into()),
                to_string: Some("Done".into()),
            });
        }
        inp.items.push(WorkItem {
            meta: meta(Source::Jira, (10_000 + i).to_string(), resolved),
            key: format!("B-{i}"),
            project: "B".into(),
            summary: "bench issue".into(),
            issue_type: "Story".into(),
            status: if done { "Done" } else { "In Progress" }.into(),
            status_category: if done {
                StatusCategory::Done
            } else {
                StatusCategory::InProgress
            },
            resolution: done.then(|| "Done".into()),
            assignee: Some(format!("acc{}", r.range(PEOPLE as u64))),
            reporter: None,
            created,
            updated: resolved,
            resolved: done.then_some(resolved),
            story_points: (r.range(5) > 0).then(|| (1 + r.range(8)) as f64),
            sprint_ids: vec![sprint],
            parent_key: None,
            labels: vec![],
            flagged: r.range(50) == 0,
            links: vec![],
            description: String::new(),
            changelog,
            url: String::new(),
        });
    }
    for i in 0..n(20_000.0) {
        let created = now - SignedDuration::from_mins(r.range(40_000) as i64);
        let merged =
            (r.range(4) > 0).then(|| created + SignedDuration::from_mins(60 + r.range(5_000) as i64));
        let author = format!("dev{}", r.range(PEOPLE as u64));
        let repo = format!("org/repo{}", i % 5);
        inp.prs.push(PullRequest {
            meta: meta(Source::Github, format!("{repo}#{i}"), created),
            repo: repo.clone(),
            number: i as u64,
            title: "bench".into(),
            author: author.clone(),
            author_is_bot: false,
            state: if merged.is_some() { "closed" } else { "open" }.into(),
            draft: false,
            created,
            updated: merged.unwrap_or(created),
            merged,
            closed: merged,
            ready_for_review: None,
            additions: Some(r.range(500)),
            deletions: Some(r.range(200)),
            changed_files: Some(1 + r.range(20)),
            requested_reviewers: vec![],
            issue_keys: vec![],
            url: String::new(),
        });
        inp.reviews.push(Review {
            meta: meta(Source::Github, format!("r{i}"), created),
            repo: repo.clone(),
            pr_number: i as u64,
            reviewer: format!("dev{}", r.range(PEOPLE as u64)),
            reviewer_is_bot: false,
            state: "APPROVED".into(),
            submitted: created + SignedDuration::from_mins(30 + r.range(600) as i64),
        });
        inp.commits.push(Commit {
            meta: meta(Source::Github, format!("{repo}@{i}"), created),
            repo,
            sha: format!("{i:040}"),
            author: Signature {
                name: author.clone(),
                email: format!("{author}@example.com"),
                login: Some(author),
            },
            committer: Signature {
                name: "c".into(),
                email: "c@example.com".into(),
                login: None,
            },
            co_authors: vec![],
            authored: created - SignedDuration::from_hours(3),
            committed: created,
            summary: "bench".into(),
            pr_number: Some(i as u64),
            files: vec![format!("area{}/f.rs", r.range(8))],
        });
    }
    for i in 0..n(20_000.0) {
        let start = now - SignedDuration::from_mins(r.range(40_000) as i64);
        let attendance = (0..(2 + r.range(5)))
            .map(|_| {
                let p = r.range(PEOPLE as u64);
                Attendance {
                    name: format!("Person {p:02}"),
                    email: Some(format!("p{p}@example.com")),
                    join: start,
                    leave: start + SignedDuration::from_mins(30),
                }
            })
            .collect();
        inp.meetings.push(Meeting {
            meta: meta(Source::Zoom, format!("m{i}"), start),
            meeting_id: i.to_string(),
            topic: "bench".into(),
            host: None,
            start,
            duration_minutes: 30,
            attendance,
        });
    }
    inp
}

fn main() {
    let test_mode = std::env::args().any(|a| a == "--test");
    let scale = if test_mode {
        0.02
    } else {
        std::env::var("ANALYTICS_BENCH_SCALE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1.0)
    };
    let now: Timestamp = "2026-11-27T12:00:00Z".parse().unwrap();
    let cfg = config();
    let inp = organisation(scale, now);
    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(if test_mode { 1 } else { 20 }))
        .configure_from_args();
    let mut full = Vec::new();
    c.bench_function("analytics/full_recompute", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                std::hint::black_box(compute(&inp, &cfg, now));
            }
            let d = t.elapsed();
            full.push(d / iters.max(1) as u32);
            d
        })
    });
    // The snapshot stored sealed, read back as the cockpit does at start.
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&tmp.path().join("bench"), "bench", &KeySource::ephemeral(), true).unwrap();
    let mut records: Vec<Record> = Vec::new();
    records.extend(inp.items.iter().take(2_000).cloned().map(Record::WorkItem));
    store.write_batch(&records, None).unwrap();
    compute_snapshot(&store, &cfg, now).unwrap();
    let snap = compute(&inp, &cfg, now);
    store
        .put_snapshot("cockpit", &serde_json::to_vec(&snap).unwrap())
        .unwrap();
    let mut read = Vec::new();
    c.bench_function("analytics/read_snapshot", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                std::hint::black_box(stored_snapshot(&store).unwrap());
            }
            let d = t.elapsed();
            read.push(d / iters.max(1) as u32);
            d
        })
    });
    c.final_summary();
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    println!(
        "scale {scale}: {} issues, {} pull requests, {} meetings",
        inp.items.len(),
        inp.prs.len(),
        inp.meetings.len()
    );
    println!(
        "full recompute: {:.1} ms (goal < 200 ms); read snapshot: {:.2} ms (goal < 5 ms){}",
        median(&mut full).as_secs_f64() * 1e3,
        median(&mut read).as_secs_f64() * 1e3,
        if test_mode {
            " — test mode, not a measurement"
        } else {
            ""
        }
    );
}
