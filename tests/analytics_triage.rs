//! Sprint triage, hand-computed: which open issues of the active sprint are
//! at risk and why (blocked, no movement, carried over twice, unestimated,
//! unassigned, oversized), on a board with three sprints and one issue that
//! came from another board.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use async_cockpit::analytics::calendar::Calendar;
use async_cockpit::analytics::sprint::{SprintOptions, sprint_health};
use async_cockpit::analytics::triage::{TriageInputs, TriageParams, TriageReason as R, triage};
use async_cockpit::model::{RecordMeta, Source, Sprint, SprintState, StatusCategory, WorkItem};
use common::{item, ts};
use jiff::tz::TimeZone;

fn sprint(id: u64, board: u64, start: &str, end: &str, complete: Option<&str>) -> Sprint {
    Sprint {
        meta: RecordMeta {
            site: "t".into(),
            source: Source::Jira,
            source_id: id.to_string(),
            event_time: ts(start),
            fetched_at: ts(start),
        },
        id,
        board_id: board,
        board_name: None,
        name: format!("S{id}"),
        state: if complete.is_some() {
            SprintState::Closed
        } else {
            SprintState::Active
        },
        start: Some(ts(start)),
        end: Some(ts(end)),
        complete: complete.map(ts),
        goal: None,
    }
}

/// An issue created long ago, last changed at `updated`, in `sprints`.
fn issue(key: &str, updated: &str, sprints: &[u64], points: Option<f64>, assignee: bool) -> WorkItem {
    let mut i = item("t", key, key, &format!("summary of {key}"), ts(updated));
    i.created = ts("2026-09-01T08:00:00Z");
    i.sprint_ids = sprints.to_vec();
    i.story_points = points;
    if !assignee {
        i.assignee = None;
    }
    i
}

#[test]
fn at_risk_issues_and_their_reasons() {
    // Board 1: S1 and S2 closed, S3 active from Nov 9; board 2: S9 closed.
    let sprints = vec![
        sprint(
            1,
            1,
            "2026-10-12T08:00:00Z",
            "2026-10-26T08:00:00Z",
            Some("2026-10-26T08:00:00Z"),
        ),
        sprint(
            2,
            1,
            "2026-10-26T08:00:00Z",
            "2026-11-09T08:00:00Z",
            Some("2026-11-09T08:00:00Z"),
        ),
        sprint(
            9,
            2,
            "2026-10-26T08:00:00Z",
            "2026-11-09T08:00:00Z",
            Some("2026-11-09T08:00:00Z"),
        ),
        sprint(3, 1, "2026-11-09T08:00:00Z", "2026-11-23T08:00:00Z", None),
    ];
    let now = ts("2026-11-20T12:00:00Z");
    let mut done = issue("T-6", "2026-11-12T10:00:00Z", &[3], Some(3.0), true);
    done.status = "Done".into();
    done.status_category = StatusCategory::Done;
    done.resolution = Some("Done".into());
    done.changelog[0].to_string = Some("Done".into());
    let mut flagged = issue("T-5", "2026-11-19T10:00:00Z", &[3], Some(1.0), true);
    flagged.flagged = true;
    let items = vec![
        // In S1 and S2 before S3: carried over twice. Changed yesterday.
        issue("T-1", "2026-11-19T10:00:00Z", &[1, 2, 3], Some(3.0), true),
        // Only S2 before: once is not enough; 13 points > 8: oversized.
        issue("T-2", "2026-11-19T10:00:00Z", &[2, 3], Some(13.0), true),
        // Last change 2026-11-10 10:00, 10 d 2 h before now > 5 days; no estimate, no assignee.
        issue("T-3", "2026-11-10T10:00:00Z", &[3], None, false),
        // S9 is another board's sprint: not carried over here. Nothing at risk.
        issue("T-4", "2026-11-19T10:00:00Z", &[9, 3], Some(2.0), true),
        flagged,
        // Done: not open, never listed.
        done,
        // Exactly 4 days 2 h idle: under the 5-day threshold.
        issue("T-7", "2026-11-16T10:00:00Z", &[3], Some(5.0), true),
    ];
    let cal = Calendar::weekdays(TimeZone::get("Europe/Berlin").unwrap());
    let opts = SprintOptions::default();
    let health = sprint_health(&sprints, &items, &cal, now, &opts);
    let report = triage(
        &TriageInputs {
            sprints: &sprints,
            items: &items,
            health: &health,
            blockers: None,
            fields: &opts.fields,
            unestimated_excluded_types: &opts.unestimated_excluded_types,
        },
        now,
        &TriageParams::default(),
    );
    assert_eq!(report.sprints.len(), 1, "one active sprint");
    let s3 = &report.sprints[0];
    assert_eq!(
        (s3.sprint_id, s3.open_issues),
        (3, 6),
        "T-1..T-5 and T-7 are open"
    );
    let got: Vec<(&str, Vec<R>)> = s3
        .items
        .iter()
        .map(|i| (i.key.as_str(), i.reasons.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("T-1", vec![R::CarriedOver]),
            ("T-2", vec![R::Oversized]),
            ("T-3", vec![R::NoMovement, R::Unestimated, R::Unassigned]),
            ("T-5", vec![R::Blocked]),
        ]
    );
    let t1 = &s3.items[0];
    assert_eq!(t1.earlier_sprints, ["S1", "S2"]);
    let t3 = &s3.items[2];
    // 2026-11-10 10:00 → 2026-11-20 12:00 = 10 days 2 hours.
    assert!(
        (t3.idle_days - (10.0 + 2.0 / 24.0)).abs() < 1e-9,
        "{}",
        t3.idle_days
    );
    assert_eq!(t3.links, ["https://example.atlassian.net/browse/T-3"]);
    assert_eq!(s3.items[3].blocked_by, ["flagged as an impediment"]);
    // A stricter threshold: T-7 (4 d 2 h) has not moved either.
    let strict = TriageParams {
        idle_days: 4.0,
        ..TriageParams::default()
    };
    let report = triage(
        &TriageInputs {
            sprints: &sprints,
            items: &items,
            health: &health,
            blockers: None,
            fields: &opts.fields,
            unestimated_excluded_types: &opts.unestimated_excluded_types,
        },
        now,
        &strict,
    );
    let keys: Vec<&str> = report.sprints[0].items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["T-1", "T-2", "T-3", "T-5", "T-7"]);
}
