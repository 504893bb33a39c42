//! What sealing costs: 100,000 typical Jira issues written into redb sealed
//! (`Store::open`, XChaCha20-Poly1305 values, blinded row keys) and unsealed
//! (`Store::open_plaintext_baseline`), in the same run, in batches of 1,000 the
//! way a sync writes pages (records and cursor in one transaction).
//!
//! Goal: sealed ≥ 0.7 × unsealed records per second. After criterion's own
//! report, one line gives the figures to quote, from the medians of the very
//! runs criterion timed:
//!
//! ```text
//! sealed: N rec/s, unsealed: M rec/s, ratio: R
//! ```
//!
//! Both stores get the same records in the same order: shuffled, as a sync
//! delivers them (by `updated`, not by id).
//!
//! Each timed run gets a fresh store in a fresh temporary folder; opening it
//! (key derivation included) and deleting it afterwards are not timed. Under
//! `cargo test --all-targets` or `cargo bench -- --test` criterion runs each
//! benchmark once; there the data set shrinks to two batches so the check stays
//! quick, and the summary says it is not a measurement.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::path::Path;
use std::time::{Duration, Instant};

use async_cockpit::model::{FieldChange, IssueLink, Record, RecordMeta, Source, StatusCategory, WorkItem};
use async_cockpit::store::{KeySource, Store};
use criterion::{Criterion, SamplingMode, Throughput};
use jiff::{SignedDuration, Timestamp};

/// Records written per timed run.
const RECORDS: usize = 100_000;
/// Records in test mode (criterion's `--test`, or `cargo test --benches`).
const TEST_RECORDS: usize = 2_000;
/// Records per `write_batch` (one transaction, like one sync page).
const BATCH: usize = 1_000;
/// The goal: sealed throughput at least this fraction of unsealed.
const GOAL_RATIO: f64 = 0.7;
const SITE: &str = "bench";

fn main() {
    let test_mode = is_test_mode();
    let mut records = work_items(if test_mode { TEST_RECORDS } else { RECORDS });
    // A sync delivers issues in `updated` order, not in id order: shuffle, so
    // neither store gets the unrealistic gift of append-only keys.
    let mut rng = Rng(0x5EED_0F5A_1E00);
    for i in (1..records.len()).rev() {
        let j = rng.range(0, i as u64) as usize;
        records.swap(i, j);
    }
    let sealed = RefCell::new(Vec::new());
    let unsealed = RefCell::new(Vec::new());

    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20))
        .configure_from_args();
    {
        let mut group = criterion.benchmark_group("store_write");
        // One run takes seconds: one iteration per sample, not 1 + 2 + ... + 10.
        group.sampling_mode(SamplingMode::Flat);
        group.throughput(Throughput::Elements(records.len() as u64));
        group.bench_function(format!("sealed_{}", records.len()), |b| {
            b.iter_custom(|iters| timed_runs(iters, &records, Codec::Sealed, &sealed));
        });
        group.bench_function(format!("unsealed_{}", records.len()), |b| {
            b.iter_custom(|iters| timed_runs(iters, &records, Codec::Unsealed, &unsealed));
        });
        group.finish();
    }
    criterion.final_summary();

    let mean_json = mean_json_bytes(&records);
    summary(
        records.len(),
        mean_json,
        &sealed.into_inner(),
        &unsealed.into_inner(),
        test_mode,
    );
}

/// Mean size of a record as the store encodes it (JSON, before sealing),
/// over every 100th record.
fn mean_json_bytes(records: &[Record]) -> usize {
    let sample: Vec<usize> = records
        .iter()
        .step_by(100)
        .map(|r| serde_json::to_vec(r).expect("encode record").len())
        .collect();
    sample.iter().sum::<usize>() / sample.len().max(1)
}

/// Criterion's own rule: without `--bench` (cargo test), or with `--test`,
/// each benchmark runs once as a test.
fn is_test_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    has("--test") || !has("--bench")
}

#[derive(Clone, Copy)]
enum Codec {
    Sealed,
    Unsealed,
}

/// Writes `records` into `iters` fresh stores; returns the time spent in
/// `write_batch` only, and keeps each run's time in `log`.
fn timed_runs(iters: u64, records: &[Record], codec: Codec, log: &RefCell<Vec<Duration>>) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let tmp = tempfile::tempdir().expect("temp dir");
        let store = open(&tmp.path().join(SITE), codec);
        let start = Instant::now();
        for (page, batch) in records.chunks(BATCH).enumerate() {
            let cursor = page.to_string();
            let written = store
                .write_batch(batch, Some(("jira:issues:BENCH", cursor.as_str())))
                .expect("write batch");
            assert_eq!(written, batch.len());
        }
        let elapsed = start.elapsed();
        drop(store);
        drop(tmp);
        total += elapsed;
        log.borrow_mut().push(elapsed);
    }
    total
}

fn open(site_dir: &Path, codec: Codec) -> Store {
    match codec {
        Codec::Sealed => Store::open(site_dir, SITE, &KeySource::ephemeral(), true),
        Codec::Unsealed => Store::open_plaintext_baseline(site_dir, SITE),
    }
    .expect("open store")
}

fn median(runs: &[Duration]) -> Option<Duration> {
    let mut sorted = runs.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied()
}

/// Prints the line to quote, from the median run of each codec.
fn summary(records: usize, mean_json: usize, sealed: &[Duration], unsealed: &[Duration], test_mode: bool) {
    let (Some(s), Some(u)) = (median(sealed), median(unsealed)) else {
        // A filter ran only one of the two, or `--list` ran none.
        return;
    };
    let rate = |d: Duration| records as f64 / d.as_secs_f64();
    let (sealed_rate, unsealed_rate) = (rate(s), rate(u));
    let ratio = sealed_rate / unsealed_rate;
    println!();
    if test_mode {
        println!("test mode: {records} records, one run each; not a measurement");
    } else {
        println!(
            "{records} work items (~{mean_json} bytes of JSON each) in batches of {BATCH}; \
             median of {} sealed and {} unsealed runs (sealed {:.2} s, unsealed {:.2} s per run)",
            sealed.len(),
            unsealed.len(),
            s.as_secs_f64(),
            u.as_secs_f64()
        );
    }
    println!("sealed: {sealed_rate:.0} rec/s, unsealed: {unsealed_rate:.0} rec/s, ratio: {ratio:.2}");
    if !test_mode {
        let verdict = if ratio >= GOAL_RATIO { "met" } else { "NOT met" };
        println!("goal sealed >= {GOAL_RATIO} x unsealed: {verdict}");
    }
}

/// Deterministic pseudo-random numbers (SplitMix64): the same records every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() as usize % items.len()]
    }

    /// `percent`% of the time.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const WORDS: [&str; 48] = [
    "payment",
    "retry",
    "timeout",
    "cache",
    "invoice",
    "webhook",
    "migration",
    "schema",
    "login",
    "session",
    "token",
    "refresh",
    "dashboard",
    "export",
    "report",
    "latency",
    "queue",
    "worker",
    "deploy",
    "rollback",
    "config",
    "feature",
    "flag",
    "search",
    "index",
    "pagination",
    "mobile",
    "android",
    "ios",
    "checkout",
    "cart",
    "email",
    "notification",
    "audit",
    "permission",
    "role",
    "tenant",
    "billing",
    "subscription",
    "upgrade",
    "error",
    "handling",
    "metrics",
    "alert",
    "onboarding",
    "profile",
    "upload",
    "preview",
];
const PROJECTS: [&str; 4] = ["ALP", "BET", "GAM", "DEL"];
const TYPES: [&str; 5] = ["Story", "Bug", "Task", "Sub-task", "Spike"];
const LABELS: [&str; 8] = [
    "backend",
    "frontend",
    "tech-debt",
    "customer",
    "security",
    "performance",
    "q3-goal",
    "needs-design",
];
const LINK_TYPES: [(&str, &str); 3] = [
    ("Blocks", "is blocked by"),
    ("Relates", "relates to"),
    ("Duplicate", "duplicates"),
];

/// Words from [`WORDS`] until the text is about `target` characters long.
fn text(rng: &mut Rng, target: usize) -> String {
    let mut out = String::with_capacity(target + 16);
    while out.len() < target {
        if !out.is_empty() {
            out.push(if rng.chance(8) { '.' } else { ' ' });
            if out.ends_with('.') {
                out.push(' ');
            }
        }
        out.push_str(rng.pick(&WORDS));
    }
    out
}

/// An Atlassian account id (24 hex digits) of one of 40 people.
fn account(rng: &mut Rng) -> String {
    format!("5b10ac8d82e05b22cc7d{:04x}", rng.range(0, 39))
}

/// `n` typical Jira issues: summary ~60 characters, description ~400, 3 to 8
/// changelog entries, 1 to 3 sprints, 0 to 3 labels, 0 to 2 links.
fn work_items(n: usize) -> Vec<Record> {
    let mut rng = Rng(0x00A5_C0C4_917E);
    let base: Timestamp = "2026-01-05T08:00:00Z".parse().expect("timestamp");
    let fetched = base + SignedDuration::from_hours(24 * 31);
    (0..n)
        .map(|i| {
            let project = PROJECTS[i % PROJECTS.len()];
            let number = 1 + i / PROJECTS.len();
            let key = format!("{project}-{number}");
            let created = base + SignedDuration::from_secs(i as i64 * 20);
            let updated = created + SignedDuration::from_mins(rng.range(30, 14 * 24 * 60) as i64);
            let done = rng.chance(40);
            let first_sprint = 100 + (i / 2_000) as u64;
            let changelog = (0..rng.range(3, 8))
                .map(|step| change(&mut rng, created + SignedDuration::from_hours(step as i64 * 5)))
                .collect();
            Record::WorkItem(WorkItem {
                meta: RecordMeta {
                    site: SITE.into(),
                    source: Source::Jira,
                    source_id: (10_000 + i).to_string(),
                    event_time: updated,
                    fetched_at: fetched,
                },
                summary: text(&mut rng, rng_len(i, 60, 10)),
                project: project.into(),
                issue_type: rng.pick(&TYPES).into(),
                status: if done {
                    "Done"
                } else {
                    rng.pick(&["To Do", "In Progress", "In Review"])
                }
                .into(),
                status_category: if done {
                    StatusCategory::Done
                } else if rng.chance(50) {
                    StatusCategory::InProgress
                } else {
                    StatusCategory::ToDo
                },
                resolution: done.then(|| "Done".into()),
                assignee: rng.chance(85).then(|| account(&mut rng)),
                reporter: Some(account(&mut rng)),
                created,
                updated,
                resolved: done.then_some(updated),
                story_points: rng
                    .chance(80)
                    .then(|| [1.0, 2.0, 3.0, 5.0, 8.0][rng.range(0, 4) as usize]),
                sprint_ids: (0..rng.range(1, 3)).map(|s| first_sprint + s).collect(),
                parent_key: rng.chance(50).then(|| format!("{project}-{}", rng.range(1, 40))),
                labels: (0..rng.range(0, 3))
                    .map(|_| rng.pick(&LABELS).to_string())
                    .collect(),
                flagged: rng.chance(5),
                links: (0..rng.range(0, 2))
                    .map(|_| {
                        let (link_type, relation) = LINK_TYPES[rng.range(0, 2) as usize];
                        IssueLink {
                            link_type: link_type.into(),
                            relation: relation.into(),
                            other_key: format!("{}-{}", rng.pick(&PROJECTS), rng.range(1, 25_000)),
                        }
                    })
                    .collect(),
                description: text(&mut rng, rng_len(i, 400, 60)),
                changelog,
                url: format!("https://bench.atlassian.net/browse/{key}"),
                key,
            })
        })
        .collect()
}

/// A length near `mean` (± `spread`), varying with the record index.
fn rng_len(i: usize, mean: usize, spread: usize) -> usize {
    mean - spread + (i * 7919) % (2 * spread + 1)
}

/// One changelog entry: status, assignee, sprint or story points.
fn change(rng: &mut Rng, at: Timestamp) -> FieldChange {
    let author = Some(account(rng));
    match rng.range(0, 3) {
        0 => FieldChange {
            at,
            author,
            field: "status".into(),
            from: Some("10000".into()),
            to: Some("3".into()),
            from_string: Some("To Do".into()),
            to_string: Some("In Progress".into()),
        },
        1 => FieldChange {
            at,
            author,
            field: "assignee".into(),
            from: None,
            to: Some(account(rng)),
            from_string: None,
            to_string: Some("Ada Lovelace".into()),
        },
        2 => FieldChange {
            at,
            author,
            field: "customfield_10020".into(),
            from: Some("101".into()),
            to: Some("101, 102".into()),
            from_string: Some("ALP Sprint 1".into()),
            to_string: Some("ALP Sprint 1, ALP Sprint 2".into()),
        },
        _ => FieldChange {
            at,
            author,
            field: "customfield_10016".into(),
            from: None,
            to: Some("5".into()),
            from_string: None,
            to_string: Some("5".into()),
        },
    }
}
