//! Sprint health, velocity and burndown on small hand-built sprints, each
//! expected value with its arithmetic beside it; then the demo organisation
//! end to end through the binary (`demo --headless`, `export --json`).
//!
//! Team calendar throughout: Europe/Berlin, Monday to Friday, 09:00-17:00.
//! In March 2026 Berlin is UTC+1 until Sunday the 29th, UTC+2 after.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use async_cockpit::analytics::burndown::burndown;
use async_cockpit::analytics::calendar::Calendar;
use async_cockpit::analytics::sprint::{EventKind, SprintHealth, SprintOptions, sprint_health};
use async_cockpit::analytics::velocity::{velocity, velocity_rows};
use async_cockpit::analytics::{blockers, docs, workload};
use async_cockpit::model::{
    FieldChange, Record, RecordMeta, Source, Sprint, SprintState, StatusCategory, WorkItem,
};
use jiff::Timestamp;
use jiff::tz::TimeZone;

// ---------------------------------------------------------------- builders

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn cal() -> Calendar {
    Calendar::weekdays(TimeZone::get("Europe/Berlin").unwrap())
}

fn sprint(id: u64, name: &str, start: &str, end: &str, complete: Option<&str>) -> Sprint {
    let state = match complete {
        Some(_) => SprintState::Closed,
        None => SprintState::Active,
    };
    Sprint {
        meta: RecordMeta {
            site: "t".into(),
            source: Source::Jira,
            source_id: id.to_string(),
            event_time: ts(start),
            fetched_at: ts(start),
        },
        id,
        board_id: 1,
        board_name: None,
        name: name.into(),
        state,
        start: Some(ts(start)),
        end: Some(ts(end)),
        complete: complete.map(ts),
        goal: None,
    }
}

fn future(id: u64) -> Sprint {
    let mut s = sprint(id, "future", "2026-12-01T00:00:00Z", "2026-12-14T00:00:00Z", None);
    s.state = SprintState::Future;
    s.start = None;
    s.end = None;
    s
}

fn category(status: &str) -> StatusCategory {
    match status {
        "To Do" => StatusCategory::ToDo,
        "Done" => StatusCategory::Done,
        _ => StatusCategory::InProgress,
    }
}

fn ids(s: &[u64]) -> String {
    s.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
}

/// Builds an issue forward in time: each call records a changelog entry in
/// Jira's shape and moves the current fields, so `build` yields the issue as
/// Jira would return it today.
struct B {
    item: WorkItem,
}

impl B {
    fn new(key: &str, created: &str, sprints: &[u64], points: Option<f64>) -> B {
        let at = ts(created);
        B {
            item: WorkItem {
                meta: RecordMeta {
                    site: "t".into(),
                    source: Source::Jira,
                    source_id: format!("id-{key}"),
                    event_time: at,
                    fetched_at: at,
                },
                key: key.into(),
                project: key.split('-').next().unwrap().into(),
                summary: format!("summary of {key}"),
                issue_type: "Story".into(),
                status: "To Do".into(),
                status_category: StatusCategory::ToDo,
                resolution: None,
                assignee: None,
                reporter: None,
                created: at,
                updated: at,
                resolved: None,
                story_points: points,
                sprint_ids: sprints.to_vec(),
                parent_key: None,
                labels: vec![],
                flagged: false,
                links: vec![],
                description: String::new(),
                changelog: vec![],
                url: format!("https://jira.example.com/browse/{key}"),
            },
        }
    }

    fn change(
        &mut self,
        at: &str,
        field: &str,
        from: Option<String>,
        to: Option<String>,
        fs: Option<String>,
        tos: Option<String>,
    ) {
        let at = ts(at);
        self.item.changelog.push(FieldChange {
            at,
            author: None,
            field: field.into(),
            from,
            to,
            from_string: fs,
            to_string: tos,
        });
        self.item.updated = self.item.updated.max(at);
        self.item.meta.event_time = self.item.updated;
    }

    fn sprints(mut self, at: &str, to: &[u64]) -> B {
        let from = ids(&self.item.sprint_ids);
        self.change(at, "customfield_10020", Some(from), Some(ids(to)), None, None);
        self.item.sprint_ids = to.to_vec();
        self
    }

    fn points(mut self, at: &str, to: Option<f64>) -> B {
        let s = |p: Option<f64>| p.map(|x| x.to_string());
        let from = s(self.item.story_points);
        self.change(at, "customfield_10016", None, None, from, s(to));
        self.item.story_points = to;
        self
    }

    fn status(mut self, at: &str, to: &str) -> B {
        let from = self.item.status.clone();
        self.change(
            at,
            "status",
            Some("1".into()),
            Some("2".into()),
            Some(from),
            Some(to.into()),
        );
        self.item.status = to.into();
        self.item.status_category = category(to);
        self
    }

    fn resolution(mut self, at: &str, to: Option<&str>) -> B {
        let from = self.item.resolution.clone();
        self.change(at, "resolution", None, None, from, to.map(str::to_string));
        self.item.resolution = to.map(str::to_string);
        self.item.resolved = to.map(|_| ts(at));
        self
    }

    fn done(self, at: &str, resolution: &str) -> B {
        self.status(at, "Done").resolution(at, Some(resolution))
    }

    fn reopen(self, at: &str) -> B {
        self.status(at, "In Progress").resolution(at, None)
    }

    fn build(self) -> WorkItem {
        self.item
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn find(h: &[SprintHealth], id: u64) -> &SprintHealth {
    h.iter().find(|s| s.id == id).unwrap()
}

fn keys(h: &SprintHealth, kind: EventKind) -> Vec<&str> {
    h.keys_of(kind)
}

// ------------------------------------------------------------ sprint health

/// Three two-week sprints; Jira appends the next sprint to every open issue
/// a minute after a sprint closes.
fn three_sprints() -> Vec<Sprint> {
    vec![
        // Mon 2 Mar 09:00 CET → Fri 13 Mar 17:00 CET.
        sprint(
            1,
            "S1",
            "2026-03-02T08:00:00Z",
            "2026-03-13T16:00:00Z",
            Some("2026-03-13T16:30:00Z"),
        ),
        sprint(
            2,
            "S2",
            "2026-03-16T08:00:00Z",
            "2026-03-27T16:00:00Z",
            Some("2026-03-27T16:30:00Z"),
        ),
        // Mon 30 Mar 09:00 CEST → Fri 10 Apr 17:00 CEST.
        sprint(
            3,
            "S3",
            "2026-03-30T07:00:00Z",
            "2026-04-10T15:00:00Z",
            Some("2026-04-10T15:30:00Z"),
        ),
    ]
}

fn carry_over_items() -> Vec<WorkItem> {
    vec![
        // Carried over twice: S1 → S2 → S3, done in S3.
        B::new("X-1", "2026-02-20T10:00:00Z", &[], Some(5.0))
            .sprints("2026-02-27T10:00:00Z", &[1])
            .status("2026-03-03T10:00:00Z", "In Progress")
            .sprints("2026-03-13T16:31:00Z", &[1, 2])
            .sprints("2026-03-27T16:31:00Z", &[1, 2, 3])
            .done("2026-04-02T10:00:00Z", "Done")
            .build(),
        // Carried over once: S1 → S2, done in S2.
        B::new("X-2", "2026-02-20T10:00:00Z", &[1], Some(3.0))
            .sprints("2026-03-13T16:31:00Z", &[1, 2])
            .done("2026-03-18T10:00:00Z", "Done")
            .build(),
        // Done in S1.
        B::new("X-3", "2026-02-20T10:00:00Z", &[1], Some(2.0))
            .done("2026-03-05T10:00:00Z", "Done")
            .build(),
    ]
}

#[test]
fn carry_over_across_two_and_three_sprints() {
    let h = sprint_health(
        &three_sprints(),
        &carry_over_items(),
        &cal(),
        ts("2026-04-20T00:00:00Z"),
        &SprintOptions::default(),
    );
    assert_eq!(h.len(), 3);
    let s1 = find(&h, 1);
    assert!(close(s1.committed_points, 10.0)); // X-1 5 + X-2 3 + X-3 2
    assert!(close(s1.completed_points, 2.0));
    assert!(close(s1.remaining_points, 8.0)); // X-1 5 + X-2 3 open at close
    assert!(close(s1.carried_over_points, 8.0)); // both in S2 afterwards
    assert_eq!(
        s1.carried_over
            .iter()
            .map(|c| (c.key.as_str(), c.to_sprint))
            .collect::<Vec<_>>(),
        vec![("X-1", 2), ("X-2", 2)]
    );
    assert!(close(s1.say_do_ratio.unwrap(), 0.2)); // 2 ÷ 10
    let s2 = find(&h, 2);
    assert!(close(s2.committed_points, 8.0)); // X-1 5 + X-2 3, added to S2 before its start
    assert!(close(s2.added_points, 0.0));
    assert!(close(s2.completed_points, 3.0));
    assert!(close(s2.carried_over_points, 5.0)); // X-1 → S3
    assert_eq!(s2.carried_over[0].to_sprint, 3);
    assert!(close(s2.say_do_ratio.unwrap(), 0.375)); // 3 ÷ 8
    let s3 = find(&h, 3);
    assert!(close(s3.committed_points, 5.0));
    assert!(close(s3.completed_points, 5.0));
    assert!(close(s3.carried_over_points, 0.0));
    assert!(close(s3.say_do_ratio.unwrap(), 1.0)); // 5 ÷ 5
    // X-1 counted once, in S3; X-2 once, in S2.
    for (id, want) in [(1, vec!["X-3"]), (2, vec!["X-2"]), (3, vec!["X-1"])] {
        let got: Vec<&str> = find(&h, id).completed.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(got, want, "sprint {id}");
    }

    let rows = velocity_rows(&h);
    let means: Vec<f64> = rows.iter().map(|r| r.rolling_mean_3_points.unwrap()).collect();
    assert!(close(means[0], 2.0)); // 2 ÷ 1
    assert!(close(means[1], 2.5)); // (2 + 3) ÷ 2
    assert!(close(means[2], 10.0 / 3.0)); // (2 + 3 + 5) ÷ 3
    let json = serde_json::to_value(&rows[0]).unwrap();
    for field in [
        "id",
        "name",
        "state",
        "committed_points",
        "added_points",
        "removed_points",
        "completed_points",
        "carried_over_points",
        "unestimated_issues",
        "say_do_ratio",
    ] {
        assert!(json.get(field).is_some(), "{field} missing in {json}");
    }
    assert_eq!(json["state"], "closed");

    // The compatibility view keeps its shape: planned = committed.
    let v = velocity(&three_sprints(), &carry_over_items());
    assert_eq!(v.len(), 3);
    assert!(close(v[1].planned_points, 8.0));
    assert!(close(v[1].completed_points, 3.0));
    assert_eq!(v[2].rolling_mean_3, rows[2].rolling_mean_3_points);
    assert_eq!(v[0].completed_keys, vec!["X-3".to_string()]);
}

/// One sprint (S1 dates) with every kind of scope change.
fn scope_items() -> Vec<WorkItem> {
    vec![
        // Committed 5, done Wednesday.
        B::new("A-1", "2026-02-20T10:00:00Z", &[10], Some(5.0))
            .done("2026-03-04T10:00:00Z", "Done")
            .build(),
        // Committed 3, re-estimated to 8 on Thursday, done the next Tuesday.
        B::new("A-2", "2026-02-20T10:00:00Z", &[10], Some(3.0))
            .points("2026-03-05T10:00:00Z", Some(8.0))
            .done("2026-03-10T10:00:00Z", "Done")
            .build(),
        // Added Tuesday, removed Friday: in and out of the same sprint.
        B::new("A-3", "2026-02-20T10:00:00Z", &[], Some(2.0))
            .sprints("2026-03-03T10:00:00Z", &[10])
            .sprints("2026-03-06T10:00:00Z", &[])
            .build(),
        // Committed but never estimated.
        B::new("A-4", "2026-02-20T10:00:00Z", &[10], None).build(),
        // Committed 4, closed as Won't Do.
        B::new("A-5", "2026-02-20T10:00:00Z", &[10], Some(4.0))
            .done("2026-03-09T10:00:00Z", "Won't Do")
            .build(),
        // Added late, open at close, moved to the future sprint 11.
        B::new("A-6", "2026-02-20T10:00:00Z", &[], Some(1.0))
            .sprints("2026-03-11T09:00:00Z", &[10])
            .sprints("2026-03-13T16:31:00Z", &[10, 11])
            .build(),
    ]
}

fn scope_sprints() -> Vec<Sprint> {
    vec![
        sprint(
            10,
            "S10",
            "2026-03-02T08:00:00Z",
            "2026-03-13T16:00:00Z",
            Some("2026-03-13T16:30:00Z"),
        ),
        future(11),
    ]
}

#[test]
fn added_removed_reestimated_unestimated_and_wont_do() {
    let h = sprint_health(
        &scope_sprints(),
        &scope_items(),
        &cal(),
        ts("2026-03-20T00:00:00Z"),
        &SprintOptions::default(),
    );
    assert_eq!(h.len(), 1, "the future sprint has no health");
    let s = &h[0];
    assert!(close(s.committed_points, 12.0)); // A-1 5 + A-2 3 + A-4 0 (unestimated) + A-5 4
    assert_eq!(s.committed.len(), 4);
    assert!(close(s.added_points, 8.0)); // A-2 re-estimate +5, A-3 2, A-6 1
    assert!(close(s.removed_points, 6.0)); // A-3 2 (removed), A-5 4 (Won't Do)
    assert!(close(s.completed_points, 13.0)); // A-1 5 + A-2 8 (estimate when completed)
    assert!(close(s.remaining_points, 1.0)); // A-4 0 + A-6 1
    assert!(close(s.carried_over_points, 1.0)); // A-6 → sprint 11
    assert!(close(
        s.committed_points + s.added_points - s.removed_points - s.completed_points,
        s.remaining_points
    )); // 12 + 8 − 6 − 13 = 1
    assert_eq!(s.unestimated_issues, 1);
    assert_eq!(s.unestimated, vec!["A-4".to_string()]);
    assert!(close(s.say_do_ratio.unwrap(), 13.0 / 12.0));
    assert_eq!(keys(s, EventKind::Added), vec!["A-3", "A-6"]);
    assert_eq!(keys(s, EventKind::Removed), vec!["A-3"]);
    assert_eq!(keys(s, EventKind::EstimateChanged), vec!["A-2"]);
    assert_eq!(keys(s, EventKind::ClosedNotCompleted), vec!["A-5"]);
    let wont = s
        .events
        .iter()
        .find(|e| e.kind == EventKind::ClosedNotCompleted)
        .unwrap();
    assert_eq!(wont.detail.as_deref(), Some("Won't Do"));
    assert!(close(wont.points, 4.0));
    assert_eq!(
        s.completed.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(),
        vec!["A-1", "A-2"]
    );
    assert_eq!(s.risk, None, "closed sprints get no verdict");

    // The configurable list: with "Won't Do" counted as completed work, A-5
    // moves from removed to completed.
    let mut opts = SprintOptions::default();
    opts.not_completed_resolutions.retain(|r| r != "Won't Do");
    let s = sprint_health(
        &scope_sprints(),
        &scope_items(),
        &cal(),
        ts("2026-03-20T00:00:00Z"),
        &opts,
    )
    .remove(0);
    assert!(close(s.completed_points, 17.0)); // 13 + A-5 4
    assert!(close(s.removed_points, 2.0)); // A-3 only
}

#[test]
fn as_of_mid_sprint_rebuilds_the_past() {
    // Friday 6 Mar 12:00 UTC (13:00 Berlin), before done and A-6.
    let as_of = ts("2026-03-06T12:00:00Z");
    let s = sprint_health(
        &scope_sprints(),
        &scope_items(),
        &cal(),
        as_of,
        &SprintOptions::default(),
    )
    .remove(0);
    assert_eq!(s.state, SprintState::Active);
    assert_eq!(s.evaluated_at, as_of);
    assert!(close(s.committed_points, 12.0));
    assert!(close(s.completed_points, 5.0));
    assert!(close(s.added_points, 7.0)); // A-3 2 + A-2 re-estimate 5
    assert!(close(s.removed_points, 2.0)); // A-3 removed Friday 10:00
    assert!(close(s.remaining_points, 12.0)); // A-2 8 + A-4 0 + A-5 4
    let r = s.risk.as_ref().unwrap();
    // Work time: Mon-Thu 4 × 8 h + Fri 09:00-13:00 4 h = 36 h of 80 h.
    assert!(close(r.elapsed_work_share, 0.45));
    assert!(close(r.scope_points, 17.0)); // remaining 12 + completed 5
    assert!(close(r.ideal_remaining_points, 9.35)); // 17 × 0.55
    assert!(!r.at_risk, "{}", r.reason); // 12 − 9.35 = 2.65 ≤ 0.2 × 17 = 3.4
    assert_eq!(r.work_days_left, 6); // Fri (until 17:00) + Mon-Fri of week 2
    assert!(close(r.observed_points_per_day.unwrap(), 5.0 / 4.5)); // 5 points ÷ 36 h / 8 h
    assert!(close(r.required_points_per_day.unwrap(), 2.0)); // 12 ÷ 6
}

#[test]
fn at_risk_verdicts() {
    let s = vec![sprint(
        20,
        "R",
        "2026-03-02T08:00:00Z",
        "2026-03-13T16:00:00Z",
        None,
    )];
    let items = |done_big: bool| {
        let big = B::new("R-1", "2026-02-20T10:00:00Z", &[20], Some(16.0));
        let big = if done_big {
            big.done("2026-03-10T10:00:00Z", "Done")
        } else {
            big
        };
        vec![
            big.build(),
            B::new("R-2", "2026-02-20T10:00:00Z", &[20], Some(4.0)).build(),
        ]
    };
    // Wed 11 Mar 13:00 Berlin: 7 days × 8 h + 4 h = 60 h of 80 h → share 0.75.
    let wed = ts("2026-03-11T12:00:00Z");
    let h = sprint_health(&s, &items(false), &cal(), wed, &SprintOptions::default()).remove(0);
    let r = h.risk.unwrap();
    assert!(close(r.ideal_remaining_points, 5.0)); // 20 × 0.25
    assert!(r.at_risk, "{}", r.reason); // 20 − 5 = 15 > 0.2 × 20 = 4
    assert_eq!(r.work_days_left, 3); // Wed afternoon, Thu, Fri
    assert!(close(r.required_points_per_day.unwrap(), 20.0 / 3.0));
    assert!(close(r.observed_points_per_day.unwrap(), 0.0)); // 0 ÷ 7.5 days
    assert!(r.reason.contains("20 of 20 points remain"), "{}", r.reason);

    let h = sprint_health(&s, &items(true), &cal(), wed, &SprintOptions::default()).remove(0);
    let r = h.risk.unwrap();
    assert!(!r.at_risk, "{}", r.reason); // remaining 4 < ideal 5

    // Past the planned end with work left: no work day is left.
    let late = ts("2026-03-16T12:00:00Z");
    let r = sprint_health(&s, &items(true), &cal(), late, &SprintOptions::default())
        .remove(0)
        .risk
        .unwrap();
    assert!(r.at_risk);
    assert_eq!(r.work_days_left, 0);
    assert!(r.reason.contains("no work day is left"), "{}", r.reason);

    // Nothing estimated: pace cannot be measured.
    let only = vec![B::new("R-3", "2026-02-20T10:00:00Z", &[20], None).build()];
    let r = sprint_health(&s, &only, &cal(), wed, &SprintOptions::default())
        .remove(0)
        .risk
        .unwrap();
    assert!(r.at_risk);
    assert!(r.reason.contains("unestimated"), "{}", r.reason);
}

#[test]
fn points_count_once_when_completed_again_later() {
    let sprints = three_sprints();
    let items = vec![
        // Done in S1, reopened after S1 closed, put into S2 and done again.
        B::new("Y-1", "2026-02-20T10:00:00Z", &[1], Some(3.0))
            .done("2026-03-04T10:00:00Z", "Done")
            .reopen("2026-03-17T10:00:00Z")
            .sprints("2026-03-17T10:05:00Z", &[1, 2])
            .done("2026-03-19T10:00:00Z", "Done")
            .build(),
    ];
    let h = sprint_health(
        &sprints,
        &items,
        &cal(),
        ts("2026-04-20T00:00:00Z"),
        &SprintOptions::default(),
    );
    let (s1, s2) = (find(&h, 1), find(&h, 2));
    assert!(close(s1.completed_points, 3.0)); // counted in S1
    assert!(close(s2.completed_points, 0.0)); // not again in S2
    assert!(close(s2.added_points, 3.0)); // joined S2 open
    assert!(close(s2.removed_points, 3.0)); // completed again → removed
    assert_eq!(keys(s2, EventKind::CompletedAgain), vec!["Y-1"]);
    assert!(close(s2.remaining_points, 0.0)); // 0 + 3 − 3 − 0
}

// ----------------------------------------------------------------- burndown

#[test]
fn burndown_across_a_weekend_and_the_dst_change() {
    // Mon 23 Mar 09:00 CET → Fri 3 Apr 17:00 CEST; DST starts Sun 29 Mar.
    let s = vec![sprint(
        30,
        "D",
        "2026-03-23T08:00:00Z",
        "2026-04-03T15:00:00Z",
        Some("2026-04-03T15:30:00Z"),
    )];
    let items = vec![
        // Done Wed 1 Apr 00:30 CEST (Tue 31 Mar 22:30 UTC): a Wednesday burn.
        B::new("D-1", "2026-03-01T10:00:00Z", &[30], Some(8.0))
            .done("2026-03-31T22:30:00Z", "Done")
            .build(),
        // Done Sat 28 Mar 00:30 CET (Fri 27 Mar 23:30 UTC): a day off, shown on Monday.
        B::new("D-2", "2026-03-01T10:00:00Z", &[30], Some(2.0))
            .done("2026-03-27T23:30:00Z", "Done")
            .build(),
        // Added Saturday 28 Mar 11:00 CET: scope change marked on Monday.
        B::new("D-3", "2026-03-01T10:00:00Z", &[], Some(3.0))
            .sprints("2026-03-28T10:00:00Z", &[30])
            .build(),
    ];
    let h = sprint_health(
        &s,
        &items,
        &cal(),
        ts("2026-04-10T00:00:00Z"),
        &SprintOptions::default(),
    )
    .remove(0);
    let b = burndown(&h, &cal());
    let dates: Vec<String> = b.days.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(
        dates,
        [
            "2026-03-23",
            "2026-03-24",
            "2026-03-25",
            "2026-03-26",
            "2026-03-27", // week 1
            "2026-03-30",
            "2026-03-31",
            "2026-04-01",
            "2026-04-02",
            "2026-04-03", // week 2, no weekend
        ]
    );
    // Ideal: 10 × (1 − k·8 h ÷ 80 h) at the end of work day k; DST bends nothing.
    let ideal: Vec<f64> = b.days.iter().map(|d| d.ideal_points).collect();
    for (k, got) in ideal.iter().enumerate() {
        assert!(close(*got, 9.0 - k as f64), "day {k}: {got}");
    }
    let actual: Vec<f64> = b.days.iter().map(|d| d.remaining_points.unwrap()).collect();
    assert_eq!(
        actual,
        [
            10.0, 10.0, 10.0, 10.0, 10.0, // D-1 8 + D-2 2; Friday ends before D-2's Saturday burn
            11.0, // Mon: 10 − D-2 2 + D-3 3
            11.0, // Tue: D-1 was done after local midnight
            3.0,  // Wed: 11 − D-1 8
            3.0, 3.0
        ]
    );
    assert_eq!(b.days[5].scope_changes.len(), 1);
    assert_eq!(b.days[5].scope_changes[0].key, "D-3");
    assert_eq!(b.days[5].scope_changes[0].at, ts("2026-03-28T10:00:00Z"));
    assert_eq!(b.days[5].completed_keys, vec!["D-2".to_string()]);
    assert_eq!(b.days[7].completed_keys, vec!["D-1".to_string()]);
    // The last point is the close itself and equals the remaining at close.
    assert_eq!(b.days[9].at, ts("2026-04-03T15:30:00Z"));
    assert_eq!(b.last_remaining(), Some(h.remaining_points)); // D-3 3
    assert!(close(b.start_points, 10.0));
}

#[test]
fn burndown_of_an_active_sprint_stops_at_as_of() {
    // Evaluated Saturday 7 Mar 12:00 UTC: a day off, so it is added as the
    // last actual point; week 2 has no values yet.
    let as_of = ts("2026-03-07T12:00:00Z");
    let h = sprint_health(
        &scope_sprints(),
        &scope_items(),
        &cal(),
        as_of,
        &SprintOptions::default(),
    )
    .remove(0);
    let b = burndown(&h, &cal());
    assert_eq!(b.days.len(), 11); // 10 work days + Saturday
    assert_eq!(b.days[5].date.to_string(), "2026-03-07");
    assert!(!b.days[5].work_day);
    assert_eq!(b.days[5].at, as_of);
    assert_eq!(b.days[5].remaining_points, Some(h.remaining_points));
    assert!(b.days[6..].iter().all(|d| d.remaining_points.is_none()));
    assert!(close(b.days[5].ideal_points, 6.0)); // 12 × (1 − 40 h ÷ 80 h), flat over the weekend
    assert!(close(b.days[10].ideal_points, 0.0));
}

// ------------------------------------------------------------- demo end to end

fn run(args: &[&str], home: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_async-cockpit"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("ASYNC_COCKPIT_PASSPHRASE")
        .env_remove("ASYNC_COCKPIT_CONFIG")
        .env_remove("CREDENTIALS_DIRECTORY")
        .output()
        .unwrap()
}

#[test]
fn demo_organisation_sprint_figures_are_sane() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("stores");
    let d = data.to_str().unwrap();
    let out = run(&["--data-dir", d, "demo", "--headless"], home.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(
        &["--data-dir", d, "--site", "demo", "export", "--json"],
        home.path(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let as_of: Timestamp = doc["exported_at"].as_str().unwrap().parse().unwrap();
    let records: Vec<Record> = serde_json::from_value(doc["records"].clone()).unwrap();
    let (mut sprints, mut items, mut messages, mut pages) = (vec![], vec![], vec![], vec![]);
    for r in records {
        match r {
            Record::Sprint(s) => sprints.push(s),
            Record::WorkItem(w) => items.push(w),
            Record::Message(m) => messages.push(m),
            Record::Page(p) => pages.push(p),
            _ => {}
        }
    }
    let cal = cal();
    let opts = SprintOptions::default();
    let h = sprint_health(&sprints, &items, &cal, as_of, &opts);
    assert_eq!(h.len(), 12, "12 started sprints (2 future ones left out)");
    for s in &h {
        let b = burndown(s, &cal);
        eprintln!(
            "{:<14} {:?} committed {} added {} removed {} completed {} carried {} remaining {} unestimated {} say/do {:?}{}",
            s.name,
            s.state,
            s.committed_points,
            s.added_points,
            s.removed_points,
            s.completed_points,
            s.carried_over_points,
            s.remaining_points,
            s.unestimated_issues,
            s.say_do_ratio.map(|r| (r * 100.0).round() / 100.0),
            s.risk
                .as_ref()
                .map(|r| format!(" risk={} ({})", r.at_risk, r.reason))
                .unwrap_or_default()
        );
        if s.state == SprintState::Closed {
            assert!(s.committed_points > 0.0, "{}", s.name);
        }
        assert!(
            close(
                s.committed_points + s.added_points - s.removed_points - s.completed_points,
                s.remaining_points
            ),
            "{}",
            s.name
        );
        assert_eq!(b.last_remaining(), Some(s.remaining_points), "{}", s.name);
        assert!(s.completed_points >= 0.0 && s.removed_points >= 0.0 && s.added_points >= 0.0);
    }
    assert!(h.iter().any(|s| s.carried_over_points > 0.0), "some carry-over");
    assert!(
        h.iter()
            .any(|s| s.added_points > 0.0 && !s.keys_of(EventKind::Added).is_empty()),
        "some added scope"
    );
    assert!(
        h.iter().any(|s| !s.keys_of(EventKind::Removed).is_empty()),
        "some removed scope"
    );
    assert!(
        h.iter()
            .any(|s| !s.keys_of(EventKind::EstimateChanged).is_empty()),
        "some re-estimates"
    );
    assert!(
        h.iter()
            .any(|s| !s.keys_of(EventKind::ClosedNotCompleted).is_empty()),
        "some Won't Do / Duplicate"
    );
    assert!(
        h.iter()
            .any(|s| s.risk.as_ref().is_some_and(|r| r.at_risk) || s.unestimated_issues > 0),
        "an at-risk or unestimated finding"
    );
    // Count once across all sprints.
    let mut seen = std::collections::BTreeSet::new();
    for c in h.iter().flat_map(|s| s.completed.iter()) {
        assert!(seen.insert(c.key.clone()), "{} completed twice", c.key);
    }
    let rows = velocity_rows(&h);
    assert!(
        rows.iter()
            .filter(|r| r.state == SprintState::Closed)
            .all(|r| r.rolling_mean_3_points.is_some())
    );

    // The other metrics run on the same records and find something.
    let active = h.iter().find(|s| s.state == SprintState::Active).unwrap();
    let w = workload::workload(
        &items,
        Some(active.id),
        as_of,
        workload::Capacity::SplitCommitted(active.committed_points),
        &opts,
    );
    assert!(!w.people.is_empty());
    assert!(w.people.iter().any(|p| p.wip_issues > 0));
    let since = as_of
        .checked_sub(jiff::SignedDuration::from_hours(24 * 14))
        .unwrap();
    let bl = blockers::blockers(
        &items,
        &messages,
        as_of,
        since,
        &blockers::BlockerOptions::default(),
    );
    assert!(
        bl.open.iter().any(|b| b.source == blockers::BlockerSource::Jira),
        "open Jira blockers"
    );
    assert!(
        bl.open.iter().any(|b| b.source == blockers::BlockerSource::Slack),
        "open Slack blockers"
    );
    assert!(
        bl.resolved
            .iter()
            .any(|b| b.source == blockers::BlockerSource::Slack),
        "resolved Slack blockers"
    );
    assert!(bl.open.iter().all(|b| b.owner.is_some() && b.age_hours > 0.0));
    let dr = docs::docs(&items, &pages, as_of, since, 30, &opts.fields);
    assert!(dr.active_epics > 0 && dr.covered_epics > 0, "{dr:?}");
    eprintln!(
        "blockers open {} resolved {}; docs: {}/{} epics covered, {}/{} issues, stale {:?}",
        bl.open.len(),
        bl.resolved.len(),
        dr.covered_epics,
        dr.active_epics,
        dr.covered_issues,
        dr.active_issues,
        dr.stale_pages
    );
}
