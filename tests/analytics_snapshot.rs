//! The stored snapshot: the full one and its first frame are written
//! together; the first frame keeps every figure and card of the full one and
//! none of the item lists; a store written before first frames existed
//! still opens on one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use async_cockpit::commands::snapshot::{
    FIRST_FRAME_NAME, SNAPSHOT_NAME, store_snapshot, stored_first_frame,
};
use async_cockpit::commands::{Inputs, compute, stored_snapshot};
use async_cockpit::model::Record;
use async_cockpit::store::{KeySource, Store};
use jiff::SignedDuration;

fn demo_snapshot() -> async_cockpit::insight::Snapshot {
    let (records, cfg) = common::demo_records();
    let now = records.iter().map(|r| r.meta().event_time).max().unwrap() + SignedDuration::from_hours(1);
    let mut inp = Inputs::default();
    for r in records {
        match r {
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
    compute(&inp, &cfg, now)
}

#[test]
fn first_frame_keeps_every_figure_and_drops_the_items_behind_them() {
    let full = demo_snapshot();
    let frame = full.first_frame();
    // The figures the first screen and the status line read are all there.
    assert!(!full.cards.is_empty());
    assert_eq!(frame.cards, full.cards);
    assert_eq!(frame.counts, full.counts);
    assert_eq!(frame.burndowns.len(), full.burndowns.len());
    assert_eq!(frame.sprints.len(), full.sprints.len());
    for (a, b) in frame.sprints.iter().zip(&full.sprints) {
        assert_eq!(
            (a.id, a.committed_points, a.completed_points, a.say_do_ratio),
            (b.id, b.committed_points, b.completed_points, b.say_do_ratio)
        );
        assert!(a.completed_keys.is_empty() && a.committed_keys.is_empty());
    }
    for (a, b) in frame.sprint_health.iter().zip(&full.sprint_health) {
        assert_eq!(a.remaining_points, b.remaining_points);
        assert_eq!(a.risk, b.risk);
        assert!(a.events.is_empty() && a.remaining.is_empty());
    }
    for (a, b) in frame.person_weeks.iter().zip(&full.person_weeks) {
        assert_eq!(
            (a.meeting_hours, a.focus_hours, a.meetings),
            (b.meeting_hours, b.focus_hours, b.meetings)
        );
        assert!(a.meeting_ids.is_empty());
    }
    let (ff, fl) = (frame.flow.as_ref().unwrap(), full.flow.as_ref().unwrap());
    assert_eq!(ff.cycle_time_hours_p50, fl.cycle_time_hours_p50);
    assert_eq!(ff.stale_open_prs, fl.stale_open_prs);
    assert!(!fl.pull_requests.is_empty() && ff.pull_requests.is_empty());
    let (pf, pl) = (frame.pulse.as_ref().unwrap(), full.pulse.as_ref().unwrap());
    assert_eq!(pf.flow.merged_prs.value, pl.flow.merged_prs.value);
    assert!(!pl.flow.merged_prs.items.is_empty() && pf.flow.merged_prs.items.is_empty());
    let size = |s: &async_cockpit::insight::Snapshot| serde_json::to_vec(s).unwrap().len();
    assert!(
        size(&frame) * 2 < size(&full),
        "frame {} bytes, full {} bytes",
        size(&frame),
        size(&full)
    );
}

#[test]
fn both_parts_are_stored_and_an_older_store_still_opens_on_a_first_frame() {
    let full = demo_snapshot();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s"), "demo", &KeySource::ephemeral(), true).unwrap();
    assert_eq!(stored_first_frame(&store).unwrap(), None);
    // An older store: only the full snapshot, as JSON.
    store
        .put_snapshot(SNAPSHOT_NAME, &serde_json::to_vec(&full).unwrap())
        .unwrap();
    let old = stored_first_frame(&store).unwrap().unwrap();
    assert_eq!(old.cards.len(), full.cards.len());
    assert!(old.flow.unwrap().pull_requests.is_empty());
    // Now both parts.
    store_snapshot(&store, &full).unwrap();
    let frame_bytes = store.snapshot(FIRST_FRAME_NAME).unwrap().unwrap();
    let full_bytes = store.snapshot(SNAPSHOT_NAME).unwrap().unwrap();
    assert!(frame_bytes.len() < full_bytes.len());
    let frame = stored_first_frame(&store).unwrap().unwrap();
    assert_eq!(frame.cards.len(), full.cards.len());
    let read = stored_snapshot(&store).unwrap().unwrap();
    assert_eq!(
        read.flow.unwrap().pull_requests.len(),
        full.flow.unwrap().pull_requests.len()
    );
}

#[test]
fn analytics_thresholds_come_from_the_config() {
    let (records, cfg) = common::demo_records();
    let now = records.iter().map(|r| r.meta().event_time).max().unwrap() + SignedDuration::from_hours(1);
    let mut inc = async_cockpit::commands::snapshot::IncrementalSnapshot::new(Inputs::default(), cfg.clone());
    inc.apply(records);
    let inp = inc.inputs().clone();
    let stale = |days: u32| {
        let mut c = cfg.clone();
        c.analytics.stale_pr_days = days;
        compute(&inp, &c, now).flow.unwrap().stale_prs
    };
    // Every pull request stale after 1 day is also stale after 0 days, and
    // the demo has open pull requests idle for less than 60 days.
    let (short, long) = (stale(0), stale(60));
    assert!(short.len() > long.len(), "{} vs {}", short.len(), long.len());
    assert!(long.iter().all(|p| p.idle_days >= 60.0));
    let focus = |minutes: u32| {
        let mut c = cfg.clone();
        c.analytics.focus_min_block_minutes = minutes;
        let weeks = compute(&inp, &c, now).person_weeks;
        weeks.iter().map(|w| w.focus_hours).sum::<f64>()
    };
    // A shorter threshold turns fragmented time into focus time.
    assert!(focus(15) > focus(240));
}
