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
use async_cockpit::config::{Config, PersonConfig};
use async_cockpit::insight::KindCount;
use async_cockpit::model::{Attendance, Meeting, Record, RecordKind, RecordMeta, Source, StatusCategory};
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

/// Deltas of one kind at a time, many rounds each (records moved in time,
/// re-estimated or completed, attendance lengthened, records cloned): the
/// family caches' incremental paths (not their from-scratch fallbacks) must
/// agree with the full recompute round after round.
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
        assert!(pool.len() > 10, "the demo has {kind:?} records");
        let mut n = 0;
        for round in 0..12 {
            let delta: Vec<Record> = (0..1 + rng.below(60))
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

fn meeting(id: &str, start: &str, attendance: &[(&str, Option<&str>, &str, &str)]) -> Meeting {
    let start: Timestamp = start.parse().unwrap();
    Meeting {
        meta: RecordMeta {
            site: "t".into(),
            source: Source::Zoom,
            source_id: id.into(),
            event_time: start,
            fetched_at: start,
        },
        meeting_id: id.into(),
        topic: format!("topic {id}"),
        host: None,
        start,
        duration_minutes: 60,
        attendance: attendance
            .iter()
            .map(|(name, email, join, leave)| Attendance {
                name: (*name).into(),
                email: email.map(String::from),
                join: join.parse().unwrap(),
                leave: leave.parse().unwrap(),
            })
            .collect(),
    }
}

/// A small team in Europe/Berlin whose window holds the October 2026
/// daylight-saving change; `people`: configured people or none (then the
/// roster is everyone seen in attendance).
fn meeting_team(people: bool) -> (Inputs, Config) {
    let mut cfg = Config {
        site: "t".into(),
        ..Config::default()
    };
    cfg.team.time_zone = "Europe/Berlin".into();
    if people {
        cfg.people = ["ann", "bob", "cid"]
            .iter()
            .map(|n| PersonConfig {
                name: n.to_uppercase(),
                emails: vec![format!("{n}@x.io")],
                ..PersonConfig::default()
            })
            .collect();
    }
    let a = |n: &'static str| Some(n);
    let inp = Inputs {
        meetings: vec![
            meeting(
                "m1",
                "2026-10-20T08:00:00Z",
                &[
                    (
                        "Ann",
                        a("ann@x.io"),
                        "2026-10-20T08:00:00Z",
                        "2026-10-20T09:00:00Z",
                    ),
                    (
                        "Bob",
                        a("BOB@x.io"),
                        "2026-10-20T08:10:00Z",
                        "2026-10-20T08:40:00Z",
                    ),
                    // A re-join.
                    (
                        "Bob",
                        a("bob@x.io"),
                        "2026-10-20T08:50:00Z",
                        "2026-10-20T09:00:00Z",
                    ),
                    (
                        "Ext",
                        a("ext@y.io"),
                        "2026-10-20T08:00:00Z",
                        "2026-10-20T09:00:00Z",
                    ),
                ],
            ),
            // Across the daylight-saving change (Sunday 25 October).
            meeting(
                "m2",
                "2026-10-24T23:30:00Z",
                &[
                    (
                        "Ann",
                        a("ann@x.io"),
                        "2026-10-24T23:30:00Z",
                        "2026-10-25T02:30:00Z",
                    ),
                    (
                        "Cid",
                        a("cid@x.io"),
                        "2026-10-25T00:00:00Z",
                        "2026-10-25T01:30:00Z",
                    ),
                ],
            ),
            // Across a week boundary (Sunday to Monday, local).
            meeting(
                "m3",
                "2026-11-01T22:30:00Z",
                &[
                    (
                        "Ann",
                        a("ann@x.io"),
                        "2026-11-01T22:30:00Z",
                        "2026-11-01T23:30:00Z",
                    ),
                    ("Guest", None, "2026-11-01T22:30:00Z", "2026-11-01T23:30:00Z"),
                ],
            ),
            meeting(
                "m4",
                "2026-11-03T09:00:00Z",
                &[
                    (
                        "Bob",
                        a("bob@x.io"),
                        "2026-11-03T09:00:00Z",
                        "2026-11-03T09:15:00Z",
                    ),
                    (
                        "Cid",
                        a("cid@x.io"),
                        "2026-11-03T09:00:00Z",
                        "2026-11-03T10:00:00Z",
                    ),
                    (
                        "Ann",
                        a("ann@x.io"),
                        "2026-11-03T09:30:00Z",
                        "2026-11-03T10:00:00Z",
                    ),
                ],
            ),
            // Long before the window (meeting load only).
            meeting(
                "m5",
                "2026-06-01T09:00:00Z",
                &[(
                    "Ann",
                    a("ann@x.io"),
                    "2026-06-01T09:00:00Z",
                    "2026-06-01T10:00:00Z",
                )],
            ),
        ],
        ..Inputs::default()
    };
    (inp, cfg)
}

/// One hand-made delta, from the records as they stand.
type Step = Box<dyn Fn(&IncrementalSnapshot) -> Vec<Record>>;

#[test]
fn meeting_cache_follows_moves_attendees_rejoins_and_new_meetings() {
    let now: Timestamp = "2026-11-05T12:00:00Z".parse().unwrap();
    for people in [true, false] {
        let (inp, cfg) = meeting_team(people);
        let mut inc = IncrementalSnapshot::new(inp.clone(), cfg.clone());
        assert_eq!(*inc.snapshot(now), compute(&inp, &cfg, now));
        let by_id = |inc: &IncrementalSnapshot, id: &str| {
            inc.inputs()
                .meetings
                .iter()
                .find(|m| m.meta.source_id == id)
                .cloned()
                .unwrap()
        };
        let week = SignedDuration::from_hours(24 * 7);
        let steps: Vec<(&str, Step)> = vec![
            (
                "moved to another week",
                Box::new(move |inc| {
                    let mut m = by_id(inc, "m1");
                    m.start += week;
                    for a in &mut m.attendance {
                        a.join += week;
                        a.leave += week;
                    }
                    vec![Record::Meeting(m)]
                }),
            ),
            (
                "attendee removed",
                Box::new(move |inc| {
                    let mut m = by_id(inc, "m4");
                    m.attendance.retain(|a| a.name != "Cid");
                    vec![Record::Meeting(m)]
                }),
            ),
            (
                "attendee added, re-join of another",
                Box::new(move |inc| {
                    let mut m = by_id(inc, "m4");
                    let mut late = m.attendance[0].clone();
                    late.join += SignedDuration::from_mins(30);
                    late.leave += SignedDuration::from_mins(60);
                    m.attendance.push(late);
                    m.attendance.push(Attendance {
                        name: "Dee".into(),
                        email: Some("dee@z.io".into()),
                        join: m.start,
                        leave: m.start + SignedDuration::from_hours(3),
                    });
                    vec![Record::Meeting(m)]
                }),
            ),
            (
                "a new meeting across the DST change, twice in a delta",
                Box::new(move |inc| {
                    let mut m = by_id(inc, "m2");
                    m.meta.source_id = "m2b".into();
                    let first = m.clone();
                    for a in &mut m.attendance {
                        a.leave += SignedDuration::from_hours(8);
                    }
                    vec![Record::Meeting(first), Record::Meeting(m)]
                }),
            ),
            (
                "every attendance of a person gone",
                Box::new(move |inc| {
                    let mut m = by_id(inc, "m3");
                    m.attendance.retain(|a| a.name != "Guest");
                    let mut e = by_id(inc, "m1");
                    e.attendance.retain(|a| a.name != "Ext");
                    vec![Record::Meeting(m), Record::Meeting(e)]
                }),
            ),
            (
                "inverted and empty stretches",
                Box::new(move |inc| {
                    let mut m = by_id(inc, "m5");
                    m.attendance[0].leave = m.attendance[0].join;
                    let mut n = by_id(inc, "m4");
                    n.attendance[0].leave = n.attendance[0].join - SignedDuration::from_mins(5);
                    vec![Record::Meeting(m), Record::Meeting(n)]
                }),
            ),
            (
                "moved back",
                Box::new(move |inc| {
                    let mut m = by_id(inc, "m1");
                    m.start -= week;
                    for a in &mut m.attendance {
                        a.join -= week;
                        a.leave -= week;
                    }
                    vec![Record::Meeting(m)]
                }),
            ),
        ];
        for (what, step) in &steps {
            let delta = step(&inc);
            inc.apply(delta);
            let expected = compute(inc.inputs(), &cfg, now);
            assert_eq!(
                *inc.snapshot(now),
                expected,
                "{what} (configured people: {people})"
            );
        }
    }
}
