//! A sync killed at random moments resumes with nothing lost and nothing
//! doubled: the `sync` *process* is SIGKILLed after a random delay, ten
//! times, then run to the end; its store must equal one clean sync's, record
//! for record (`export --json`, every field but `fetched_at`).
//!
//! The delays are drawn from a seeded generator (the seed is printed; set
//! `SYNC_RESUME_SEED` to replay a run) over the length of one clean sync,
//! measured first, so the kills land anywhere from opening the store to the
//! purge at the end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sync_harness;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use rand::{Rng, SeedableRng};
use serde_json::Value;
use sync_harness::Demo;

const ROUNDS: usize = 10;
/// Records this close to the retention cut-off are left out of the
/// comparison: the two stores were purged seconds apart.
const PURGE_MARGIN: SignedDuration = SignedDuration::from_mins(10);
/// The demo's `retention_days`.
const RETENTION_DAYS: i64 = 90;

/// `(kind, source, source_id)`.
type Key = (String, String, String);

/// The records by identity, `fetched_at` removed (and an event time that is
/// only the fetch time); panics on a doubled key.
fn by_key(records: Vec<Value>, keep_after: Timestamp) -> BTreeMap<Key, Value> {
    let mut out = BTreeMap::new();
    for mut r in records {
        let event: Timestamp = r["meta"]["event_time"].as_str().unwrap().parse().unwrap();
        if event < keep_after {
            continue;
        }
        let meta = r["meta"].as_object_mut().unwrap();
        let fetched = meta.remove("fetched_at");
        // A record without a date of its own (a future sprint) takes its
        // fetch time as event time: that is `fetched_at` too.
        if fetched.is_some() && meta.get("event_time") == fetched.as_ref() {
            meta.remove("event_time");
        }
        let key = (
            r["kind"].as_str().unwrap().to_string(),
            r["meta"]["source"].as_str().unwrap().to_string(),
            r["meta"]["source_id"].as_str().unwrap().to_string(),
        );
        if let Some(old) = out.insert(key.clone(), r) {
            panic!("record {key:?} exported twice (first: {old})");
        }
    }
    out
}

#[test]
fn killed_syncs_resume_to_the_clean_result() {
    let seed: u64 = std::env::var("SYNC_RESUME_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("seed {seed} (SYNC_RESUME_SEED={seed} replays these kill points)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let demo = Demo::start(Timestamp::now());

    // One clean sync, timed, and a second one with nothing new (its length
    // is what any resumed sync costs at least).
    let clean = demo.store("clean");
    let started = Instant::now();
    demo.sync(&clean);
    let whole = started.elapsed();
    let started = Instant::now();
    demo.sync(&clean);
    let delta = started.elapsed();
    println!("clean sync: {whole:?}; again with nothing new: {delta:?}");

    // Each round kills somewhere in what the run is expected to take: what
    // the killed runs before left undone, plus the cost of any sync.
    let resumed = demo.store("resumed");
    let mut killed = 0;
    let mut expected = whole;
    for round in 1..=ROUNDS {
        let delay = expected.mul_f64(rng.random_range(0.02..1.0));
        let mut child = demo.spawn_sync(&resumed);
        let deadline = Instant::now() + delay;
        let finished = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if Instant::now() >= deadline {
                break None;
            }
            #[allow(clippy::disallowed_methods)] // a test polling a child process
            std::thread::sleep(Duration::from_millis(5));
        };
        match finished {
            None => {
                child.kill().unwrap(); // SIGKILL
                let status = child.wait().unwrap();
                killed += 1;
                println!(
                    "round {round:>2}: killed after {delay:.2?} of an expected {expected:.2?} ({status})"
                );
                expected = expected.saturating_sub(delay) + delta;
            }
            Some(status) => {
                println!("round {round:>2}: finished within {delay:.2?} ({status})");
                assert!(status.success(), "round {round}: sync failed ({status})");
                expected = delta;
            }
        }
    }
    assert!(
        killed >= ROUNDS / 2,
        "only {killed} of {ROUNDS} rounds were killed mid-sync"
    );

    // Resume to the end, then purge both stores back to back so they share
    // one retention cut-off (give or take the seconds between them).
    demo.sync(&resumed);
    let cutoff = Timestamp::now() - SignedDuration::from_hours(24 * RETENTION_DAYS);
    for dir in [&clean, &resumed] {
        let out = demo.run(dir, &["purge"], None);
        assert!(out.status.success(), "{}", sync_harness::text(&out));
    }
    let keep_after = cutoff + PURGE_MARGIN;

    let want = by_key(demo.export(&clean), keep_after);
    let got = by_key(demo.export(&resumed), keep_after);
    let missing: Vec<&Key> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<&Key> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    let changed: Vec<&Key> = want
        .iter()
        .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
        .map(|(k, _)| k)
        .collect();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for (kind, _, _) in want.keys() {
        *kinds.entry(kind.as_str()).or_default() += 1;
    }
    println!("compared {} records: {kinds:?}", want.len());
    if let Some(k) = changed.first() {
        println!(
            "first changed record {k:?}:\n clean:   {}\n resumed: {}",
            want[*k], got[*k]
        );
    }
    assert!(
        missing.is_empty() && extra.is_empty() && changed.is_empty(),
        "{} missing {:?}…, {} extra {:?}…, {} changed {:?}…",
        missing.len(),
        missing.iter().take(5).collect::<Vec<_>>(),
        extra.len(),
        extra.iter().take(5).collect::<Vec<_>>(),
        changed.len(),
        changed.iter().take(5).collect::<Vec<_>>()
    );
    // Meeting attendance is part of what was compared (the viewer may see it).
    assert!(
        want.iter()
            .any(|((k, _, _), v)| k == "meeting" && v["attendance"].as_array().is_some_and(|a| !a.is_empty())),
        "no meeting attendance exported"
    );
}
