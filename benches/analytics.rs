//! Analytics at scale: every metric of the snapshot over a generated
//! organisation of 50,000 Jira issues (with changelogs), 20,000 pull requests
//! (with reviews and commits) and 20,000 meetings, and reading the latest
//! snapshot back from a sealed store.
//!
//! Goals (issue 4): full recompute under 200 ms; recompute after a
//! 100-record delta under 20 ms (incremental, not from scratch); reading the
//! latest snapshot under 5 ms. `SCALE` (env `ANALYTICS_BENCH_SCALE`, default
//! 1.0) shrinks the organisation for quick runs; under `--test` it is 0.02.
//!
//! Deltas: 100 changed records of one family at a time (meetings; pull
//! requests with their reviews and commits; issues) and 100 records mixed
//! across all of them, each applied to an [`IncrementalSnapshot`] that
//! alternates between two versions of the same records (so the organisation
//! does not grow between iterations). Reading: the cockpit's first frame
//! (what it opens on) and the full snapshot with every item behind every
//! figure.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use async_cockpit::commands::snapshot::{IncrementalSnapshot, store_snapshot, stored_first_frame};
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
    // Incremental recompute after 100-record deltas.
    let later = SignedDuration::from_mins(7);
    let meetings_delta = |k: usize| -> Vec<Record> {
        inp.meetings
            .iter()
            .step_by((inp.meetings.len() / 100).max(1))
            .take(100)
            .cloned()
            .map(|mut m| {
                for a in &mut m.attendance {
                    a.leave += later * (k as i32);
                }
                Record::Meeting(m)
            })
            .collect()
    };
    let prs_delta = |k: usize| -> Vec<Record> {
        let step = (inp.prs.len() / 34).max(1);
        let mut out = Vec::new();
        for i in (0..inp.prs.len()).step_by(step).take(34) {
            let mut p = inp.prs[i].clone();
            p.updated += later * (k as i32);
            out.push(Record::PullRequest(p));
            let mut r = inp.reviews[i].clone();
            r.submitted += later * (k as i32);
            out.push(Record::Review(r));
            let mut c = inp.commits[i].clone();
            c.authored -= later * (k as i32);
            out.push(Record::Commit(c));
        }
        out.truncate(100);
        out
    };
    let issues_delta = |k: usize| -> Vec<Record> {
        inp.items
            .iter()
            .step_by((inp.items.len() / 100).max(1))
            .take(100)
            .cloned()
            .map(|mut w| {
                w.story_points = Some((1 + k) as f64);
                Record::WorkItem(w)
            })
            .collect()
    };
    let mixed_delta = |k: usize| -> Vec<Record> {
        let mut out: Vec<Record> = meetings_delta(k).into_iter().take(34).collect();
        out.extend(prs_delta(k).into_iter().take(33));
        out.extend(issues_delta(k).into_iter().take(33));
        out
    };
    type Delta<'a> = &'a dyn Fn(usize) -> Vec<Record>;
    let deltas: [(&str, Delta<'_>); 4] = [
        ("meetings", &meetings_delta),
        ("pull_requests", &prs_delta),
        ("issues", &issues_delta),
        ("mixed", &mixed_delta),
    ];
    let mut incremental: Vec<(&str, Vec<Duration>)> = Vec::new();
    for (name, delta) in deltas {
        let mut inc = IncrementalSnapshot::new(inp.clone(), cfg.clone());
        inc.snapshot(now);
        let versions = [delta(1), delta(2)];
        let mut times = Vec::new();
        let mut k = 0usize;
        c.bench_function(&format!("analytics/incremental_100_{name}"), |b| {
            b.iter_custom(|iters| {
                let t = Instant::now();
                for _ in 0..iters {
                    k += 1;
                    inc.apply(versions[k % 2].iter().cloned());
                    std::hint::black_box(inc.snapshot(now));
                }
                let d = t.elapsed();
                times.push(d / iters.max(1) as u32);
                d
            })
        });
        incremental.push((name, times));
    }
    // The snapshot stored sealed, read back as the cockpit does at start.
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&tmp.path().join("bench"), "bench", &KeySource::ephemeral(), true).unwrap();
    let mut records: Vec<Record> = Vec::new();
    records.extend(inp.items.iter().take(2_000).cloned().map(Record::WorkItem));
    store.write_batch(&records, None).unwrap();
    compute_snapshot(&store, &cfg, now).unwrap();
    let snap = compute(&inp, &cfg, now);
    store_snapshot(&store, &snap).unwrap();
    let frame = stored_first_frame(&store).unwrap().unwrap();
    assert_eq!(frame.cards.len(), snap.cards.len());
    assert!(frame.flow.as_ref().unwrap().pull_requests.is_empty());
    let mut read = Vec::new();
    c.bench_function("analytics/read_first_frame", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                std::hint::black_box(stored_first_frame(&store).unwrap());
            }
            let d = t.elapsed();
            read.push(d / iters.max(1) as u32);
            d
        })
    });
    let mut read_full = Vec::new();
    c.bench_function("analytics/read_full_snapshot", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                std::hint::black_box(stored_snapshot(&store).unwrap());
            }
            let d = t.elapsed();
            read_full.push(d / iters.max(1) as u32);
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
    let ms = |v: &mut Vec<Duration>| median(v).as_secs_f64() * 1e3;
    let full_ms = ms(&mut full);
    println!("full recompute: {full_ms:.1} ms (goal < 200 ms)");
    for (name, mut times) in incremental {
        let t = ms(&mut times);
        println!(
            "recompute after 100 changed records ({name}): {t:.1} ms (goal < 20 ms), {:.3} of the full recompute",
            t / full_ms
        );
    }
    let (frame_ms, full_read_ms) = (ms(&mut read), ms(&mut read_full));
    println!(
        "read first frame: {frame_ms:.2} ms (goal < 5 ms); read full snapshot: {full_read_ms:.1} ms; ratio {:.3}",
        frame_ms / full_read_ms
    );
    println!(
        "stored sizes: first frame {} bytes, full snapshot {} bytes{}",
        serde_json::to_vec(&snap.first_frame()).unwrap().len(),
        serde_json::to_vec(&snap).unwrap().len(),
        if test_mode {
            " — test mode, not a measurement"
        } else {
            ""
        }
    );
}
