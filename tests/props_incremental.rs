//! Incremental recompute equals the full recompute: the demo organisation's
//! records, then seeded random deltas (records shifted in time, re-estimated,
//! completed, and new records cloned from existing ones), each applied to an
//! `IncrementalSnapshot`; after every delta its snapshot must equal
//! `compute` over the same records, figure for figure and item for item.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use async_cockpit::commands::Inputs;
use async_cockpit::commands::compute;
use async_cockpit::commands::snapshot::IncrementalSnapshot;
use async_cockpit::insight::KindCount;
use async_cockpit::model::{Record, RecordKind, Source, StatusCategory};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

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
}

fn inputs(records: &[Record]) -> Inputs {
    let mut inp = Inputs::default();
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for r in records {
        *counts.entry(r.kind().as_str()).or_default() += 1;
        match r.clone() {
            Record::Sprint(s) => inp.sprints.push(s),
            Record::WorkItem(w) => inp.items.push(w),
            Record::Meeting(m) => inp.meetings.push(m),
            Record::PullRequest(p) => inp.prs.push(p),
            Record::Review(r) => inp.reviews.push(r),
            Record::Commit(c) => inp.commits.push(c),
            Record::Message(m) => inp.messages.push(m),
            Record::Page(p) => inp.pages.push(p),
            Record::Transcript(t) => inp.transcripts.push(t),
            Record::Person(_) => {}
        }
    }
    inp.counts = counts
        .into_iter()
        .map(|(k, n)| KindCount {
            kind: k.to_string(),
            count: n,
        })
        .collect();
    inp
}

/// Every timestamp string inside `v` moved by `by`.
fn shift(v: &mut Value, by: SignedDuration) {
    match v {
        Value::String(s) => {
            if let Ok(t) = s.parse::<Timestamp>() {
                *s = (t + by).to_string();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| shift(x, by)),
        Value::Object(o) => o.values_mut().for_each(|x| shift(x, by)),
        _ => {}
    }
}

/// One changed record: moved in time, re-estimated or completed, or a new
/// record cloned from `r` under a fresh id.
fn mutate(r: &Record, rng: &mut Rng, n: u64) -> Record {
    let mut r = r.clone();
    match rng.below(3) {
        0 => {
            let mut v = serde_json::to_value(&r).unwrap();
            let mins = rng.below(600) as i64 - 300;
            shift(&mut v, SignedDuration::from_mins(mins));
            // Keep the identity: only the record's content moves.
            let meta = r.meta().clone();
            r = serde_json::from_value(v).unwrap();
            set_meta_id(&mut r, meta.source, &meta.source_id);
        }
        1 => {
            if let Record::WorkItem(w) = &mut r {
                if rng.below(2) == 0 {
                    w.story_points = Some(rng.below(13) as f64);
                } else {
                    w.status = "Done".into();
                    w.status_category = StatusCategory::Done;
                    w.resolution = Some("Done".into());
                }
            } else if let Record::Meeting(m) = &mut r {
                for a in &mut m.attendance {
                    a.leave += SignedDuration::from_mins(rng.below(90) as i64);
                }
            }
        }
        _ => {
            let id = format!("{}-new{n}", r.meta().source_id);
            let source = r.meta().source;
            set_meta_id(&mut r, source, &id);
            if let Record::WorkItem(w) = &mut r {
                w.key = format!("{}-N{n}", w.key);
            }
            if let Record::PullRequest(p) = &mut r {
                p.number += 100_000 + n;
            }
        }
    }
    r
}

fn set_meta_id(r: &mut Record, source: Source, id: &str) {
    let meta = match r {
        Record::Person(x) => &mut x.meta,
        Record::Sprint(x) => &mut x.meta,
        Record::WorkItem(x) => &mut x.meta,
        Record::Meeting(x) => &mut x.meta,
        Record::PullRequest(x) => &mut x.meta,
        Record::Review(x) => &mut x.meta,
        Record::Commit(x) => &mut x.meta,
        Record::Message(x) => &mut x.meta,
        Record::Page(x) => &mut x.meta,
        Record::Transcript(x) => &mut x.meta,
    };
    meta.source = source;
    meta.source_id = id.to_string();
}

#[test]
fn incremental_equals_full_recompute_on_random_deltas() {
    let (records, cfg) = common::demo_records();
    assert!(records.len() > 1_000, "the demo has all kinds of records");
    let now = records.iter().map(|r| r.meta().event_time).max().unwrap() + SignedDuration::from_hours(1);
    let kinds: Vec<RecordKind> = records.iter().map(Record::kind).collect();
    for seed in 1..=4u64 {
        let mut rng = Rng::new(seed);
        let mut inc = IncrementalSnapshot::new(inputs(&records), cfg.clone());
        assert_eq!(*inc.snapshot(now), compute(&inputs(&records), &cfg, now));
        let mut n = 0;
        for round in 0..5 {
            // Most rounds touch one or two kinds (as a sync of one provider
            // does), some touch many.
            let wanted: Vec<RecordKind> = match round % 3 {
                0 => vec![kinds[rng.below(kinds.len() as u64) as usize]],
                1 => (0..2)
                    .map(|_| kinds[rng.below(kinds.len() as u64) as usize])
                    .collect(),
                _ => RecordKind::ALL.to_vec(),
            };
            let pool: Vec<&Record> = records.iter().filter(|r| wanted.contains(&r.kind())).collect();
            let delta: Vec<Record> = (0..1 + rng.below(100))
                .map(|_| {
                    n += 1;
                    mutate(pool[rng.below(pool.len() as u64) as usize], &mut rng, n)
                })
                .collect();
            inc.apply(delta);
            let expected = compute(inc.inputs(), &cfg, now);
            let got = inc.snapshot(now).clone();
            assert_eq!(got, expected, "seed {seed}, round {round}, kinds {wanted:?}");
        }
        // A later clock recomputes everything and still agrees.
        let later = now + SignedDuration::from_hours(30);
        let expected = compute(inc.inputs(), &cfg, later);
        assert_eq!(*inc.snapshot(later), expected);
    }
}

#[test]
fn a_delta_replaces_records_by_identity_and_counts_new_ones() {
    let (records, cfg) = common::demo_records();
    let item = records
        .iter()
        .find_map(|r| match r {
            Record::WorkItem(w) => Some(w.clone()),
            _ => None,
        })
        .unwrap();
    let mut inc = IncrementalSnapshot::new(inputs(&records), cfg);
    let before = inc.inputs().items.len();
    let count = |inc: &IncrementalSnapshot| {
        inc.inputs()
            .counts
            .iter()
            .find(|c| c.kind == "work_item")
            .map_or(0, |c| c.count)
    };
    let counted = count(&inc);
    // Same identity: replaced in place, not added.
    let mut changed = item.clone();
    changed.summary = "changed".into();
    inc.apply([Record::WorkItem(changed)]);
    assert_eq!(inc.inputs().items.len(), before);
    assert_eq!(count(&inc), counted);
    assert!(inc.inputs().items.iter().any(|w| w.summary == "changed"));
    // A new identity: added and counted.
    let mut new = item;
    new.meta.source_id = "brand-new".into();
    inc.apply([Record::WorkItem(new)]);
    assert_eq!(inc.inputs().items.len(), before + 1);
    assert_eq!(count(&inc), counted + 1);
}

/// Deltas of one kind at a time, many rounds each: the family caches'
/// incremental paths (not their from-scratch fallbacks) must agree with the
/// full recompute round after round.
#[test]
fn single_kind_deltas_agree_round_after_round() {
    let (records, cfg) = common::demo_records();
    let now = records.iter().map(|r| r.meta().event_time).max().unwrap() + SignedDuration::from_hours(1);
    for (seed, kind) in [
        RecordKind::WorkItem,
        RecordKind::PullRequest,
        RecordKind::Review,
        RecordKind::Commit,
        RecordKind::Meeting,
    ]
    .into_iter()
    .enumerate()
    {
        let mut rng = Rng::new(100 + seed as u64);
        let mut inc = IncrementalSnapshot::new(inputs(&records), cfg.clone());
        inc.snapshot(now);
        let pool: Vec<&Record> = records.iter().filter(|r| r.kind() == kind).collect();
        let mut n = 0;
        for round in 0..8 {
            let delta: Vec<Record> = (0..1 + rng.below(40))
                .map(|_| {
                    n += 1;
                    mutate(pool[rng.below(pool.len() as u64) as usize], &mut rng, n)
                })
                .collect();
            inc.apply(delta);
            let expected = compute(inc.inputs(), &cfg, now);
            assert_eq!(*inc.snapshot(now), expected, "{kind:?}, round {round}");
        }
    }
}

/// A delta holding only the *blocking* issue of an "is blocked by" link
/// (marked done) must end the blocked issue's blocker too, and a delta
/// holding only an issue a Slack report names must re-resolve that report:
/// the incremental recompute follows links and mentions, not only the
/// changed issues.
#[test]
fn completing_a_blocking_issue_updates_the_issues_it_blocks() {
    let (records, cfg) = common::demo_records();
    let now = records.iter().map(|r| r.meta().event_time).max().unwrap() + SignedDuration::from_hours(1);
    let items: Vec<&async_cockpit::model::WorkItem> = records
        .iter()
        .filter_map(|r| match r {
            Record::WorkItem(w) => Some(w),
            _ => None,
        })
        .collect();
    let full = compute(&inputs(&records), &cfg, now);
    let blockers = full.blockers.as_ref().unwrap();
    // Keys that block another issue through a link, and keys Slack names.
    let mut blocking: Vec<String> = blockers
        .open
        .iter()
        .flat_map(|b| {
            b.blocking_keys
                .iter()
                .filter(|k| Some(*k) != b.key.as_ref())
                .cloned()
        })
        .collect();
    blocking.sort();
    blocking.dedup();
    assert!(
        !blocking.is_empty(),
        "the demo has issues blocked by other issues or named in Slack"
    );
    let mut moved = 0;
    for key in blocking.iter().take(6) {
        let Some(w) = items.iter().find(|w| &w.key == key) else {
            continue;
        };
        let mut done = (*w).clone();
        done.status = "Done".into();
        done.status_category = StatusCategory::Done;
        done.resolution = Some("Done".into());
        done.changelog.push(async_cockpit::model::FieldChange {
            at: now - SignedDuration::from_mins(30),
            author: None,
            field: "status".into(),
            from: None,
            to: None,
            from_string: Some(w.status.clone()),
            to_string: Some("Done".into()),
        });
        let mut inc = IncrementalSnapshot::new(inputs(&records), cfg.clone());
        inc.snapshot(now);
        inc.apply([Record::WorkItem(done)]);
        let expected = compute(inc.inputs(), &cfg, now);
        let got = inc.snapshot(now).clone();
        assert_eq!(got, expected, "{key} done");
        moved += usize::from(got.blockers != full.blockers);
    }
    assert!(moved > 0, "completing a blocking issue changed some blocker");
}
