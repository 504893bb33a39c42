//! Meeting load, focus time, decisions and the time pulse on small
//! hand-computed cases (the arithmetic beside each expected value), and on
//! the demo organisation end to end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::demo_records;

use async_cockpit::analytics::calendar::Calendar;
use async_cockpit::analytics::decisions::decisions;
use async_cockpit::analytics::flow::Window;
use async_cockpit::analytics::focus::{FocusParams, focus_days, person_weeks};
use async_cockpit::analytics::meetings::meeting_load;
use async_cockpit::analytics::pulse::{
    Aggregation, PersonFigures, PersonValue, PulseParams, Withheld, aggregate, pulse,
};
use async_cockpit::identity::Directory;
use async_cockpit::model::{Attendance, Cue, Meeting, Record, RecordMeta, Source, Transcript};
use jiff::Timestamp;
use jiff::civil::date;
use jiff::tz::TimeZone;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn meta(id: &str, t: Timestamp) -> RecordMeta {
    RecordMeta {
        site: "t".into(),
        source: Source::Zoom,
        source_id: id.into(),
        event_time: t,
        fetched_at: t,
    }
}

/// A meeting `id` with attendance stretches `(person, join, leave)`.
fn meeting(id: &str, stretches: &[(&str, &str, &str)]) -> Meeting {
    let start = ts(stretches[0].1);
    Meeting {
        meta: meta(id, start),
        meeting_id: id.into(),
        topic: format!("topic {id}"),
        host: None,
        start,
        duration_minutes: 60,
        attendance: stretches
            .iter()
            .map(|(p, j, l)| Attendance {
                name: p.to_string(),
                email: None,
                join: ts(j),
                leave: ts(l),
            })
            .collect(),
    }
}

fn berlin() -> TimeZone {
    TimeZone::get("Europe/Berlin").expect("the system time zone database has Europe/Berlin")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn overlapping_meetings_count_once() {
    // Ann: M1 10:00-11:00 and M2 10:30-11:30 → union 10:00-11:30 = 1.5 h (not 2 h), 2 meetings.
    let ms = [
        meeting("m1", &[("Ann", "2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z")]),
        meeting("m2", &[("Ann", "2026-03-03T10:30:00Z", "2026-03-03T11:30:00Z")]),
    ];
    let load = meeting_load(&ms, &TimeZone::UTC);
    assert_eq!(load.len(), 1);
    assert_eq!(load[0].week_start, date(2026, 3, 2));
    assert!(close(load[0].meeting_hours, 1.5));
    assert_eq!(load[0].meetings, 2);
    assert_eq!(load[0].meeting_ids, ["m1", "m2"]);
}

#[test]
fn a_rejoin_is_merged() {
    // Bo leaves and re-joins: 14:00-14:20 + 14:25-15:00 = 20 + 35 min = 55 min = 0.91666… h, one meeting.
    // Cy's stretches overlap (14:00-14:30, 14:20-14:40): merged 14:00-14:40 = 40 min, not 50.
    let ms = [meeting(
        "m",
        &[
            ("Bo", "2026-03-03T14:00:00Z", "2026-03-03T14:20:00Z"),
            ("Bo", "2026-03-03T14:25:00Z", "2026-03-03T15:00:00Z"),
            ("Cy", "2026-03-03T14:00:00Z", "2026-03-03T14:30:00Z"),
            ("Cy", "2026-03-03T14:20:00Z", "2026-03-03T14:40:00Z"),
        ],
    )];
    let load = meeting_load(&ms, &TimeZone::UTC);
    assert!(close(load[0].meeting_hours, 55.0 / 60.0));
    assert_eq!(load[0].meetings, 1);
    assert!(close(load[1].meeting_hours, 40.0 / 60.0));
}

#[test]
fn meetings_across_dst_changes_in_berlin() {
    let ms = [
        // Sunday 29 March 2026, clocks jump 02:00 CET → 03:00 CEST. 01:30 CET (00:30Z) to
        // 03:30 CEST (01:30Z) reads as two hours on the wall clock but lasts 1 h.
        meeting(
            "spring",
            &[("Ann", "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z")],
        ),
        // Sunday 25 October 2026, clocks fall back 03:00 CEST → 02:00 CET. 01:30 CEST
        // (23:30Z Saturday) to 02:30 CET (01:30Z) reads as one hour but lasts 2 h.
        meeting(
            "autumn",
            &[("Ann", "2026-10-24T23:30:00Z", "2026-10-25T01:30:00Z")],
        ),
        // Sunday 29 March 23:30 CEST (21:30Z) to Monday 00:30 CEST (22:30Z): split at the local
        // Monday midnight (22:00Z) into 0.5 h in the week of 23 March and 0.5 h in the week of 30 March.
        meeting("late", &[("Bo", "2026-03-29T21:30:00Z", "2026-03-29T22:30:00Z")]),
    ];
    let load = meeting_load(&ms, &berlin());
    let row = |p: &str, d| load.iter().find(|m| m.person == p && m.week_start == d).unwrap();
    // The spring meeting is on Sunday: the week of Monday 23 March.
    assert!(close(row("Ann", date(2026, 3, 23)).meeting_hours, 1.0));
    // The autumn meeting starts Saturday 01:30 local → week of Monday 19 October.
    assert!(close(row("Ann", date(2026, 10, 19)).meeting_hours, 2.0));
    assert!(close(row("Bo", date(2026, 3, 23)).meeting_hours, 0.5));
    assert!(close(row("Bo", date(2026, 3, 30)).meeting_hours, 0.5));
}

#[test]
fn focus_block_cut_by_a_15_minute_meeting() {
    let cal = Calendar::weekdays(TimeZone::UTC); // 09:00-17:00, 8 h
    let ms = [
        // Monday and Tuesday: 12:00-13:00.
        meeting(
            "lunch-mon",
            &[("Ann", "2026-03-02T12:00:00Z", "2026-03-02T13:00:00Z")],
        ),
        meeting(
            "lunch-tue",
            &[("Ann", "2026-03-03T12:00:00Z", "2026-03-03T13:00:00Z")],
        ),
        // Tuesday: 15 minutes in the middle of the 4-hour afternoon (13:00-17:00).
        meeting("sync", &[("Ann", "2026-03-03T14:52:30Z", "2026-03-03T15:07:30Z")]),
    ];
    let window = Window::new(ts("2026-03-02T00:00:00Z"), ts("2026-03-04T00:00:00Z"));
    let now = ts("2026-03-10T00:00:00Z");
    let days = focus_days(&ms, &cal, &["Ann".into()], &window, now, &FocusParams::default());
    assert_eq!(days.len(), 2);
    let (mon, tue) = (&days[0], &days[1]);
    // Monday: 09:00-12:00 = 3 h and 13:00-17:00 = 4 h, both ≥ 2 h → focus 7 h; meetings 1 h.
    assert!(close(mon.focus_hours, 7.0));
    assert!(close(mon.meeting_hours, 1.0));
    assert!(close(mon.fragmented_hours, 0.0));
    assert!(mon.fragmenting_meeting_ids.is_empty());
    // Tuesday: 09:00-12:00 = 3 h focus; the afternoon becomes 13:00-14:52:30 and 15:07:30-17:00,
    // 1 h 52 min 30 s = 1.875 h each, both < 2 h → 0 focus from it. Focus 3 h; meetings 1 + 0.25 = 1.25 h;
    // fragmented 2 × 1.875 = 3.75 h; 3 + 1.25 + 3.75 = 8 h of work.
    assert!(close(tue.focus_hours, 3.0));
    assert!(close(tue.meeting_hours, 1.25));
    assert!(close(tue.fragmented_hours, 3.75));
    assert!(close(tue.work_hours, 8.0));
    assert_eq!(tue.focus_blocks.len(), 1);
    // The sync borders two short pieces; lunch borders the first of them.
    assert_eq!(tue.fragmenting_meeting_ids, ["lunch-tue", "sync"]);
    // With a 90-minute threshold the afternoon pieces (112.5 min) are focus again: 3 + 3.75 = 6.75 h.
    let relaxed = FocusParams {
        min_block_minutes: 90,
    };
    let days = focus_days(&ms, &cal, &["Ann".into()], &window, now, &relaxed);
    assert!(close(days[1].focus_hours, 6.75));
}

#[test]
fn focus_follows_dst_in_berlin() {
    // 09:00-17:00 local. Friday 27 March is CET (UTC+1): work 08:00Z-16:00Z. Monday 30 March is
    // CEST (UTC+2): work 07:00Z-15:00Z.
    let cal = Calendar::weekdays(berlin());
    let ms = [
        // Friday 07:00Z-08:00Z = 08:00-09:00 CET: before work, no effect on focus.
        meeting("fri", &[("Ann", "2026-03-27T07:00:00Z", "2026-03-27T08:00:00Z")]),
        // Monday 07:00Z-08:00Z = 09:00-10:00 CEST: the first work hour.
        meeting("mon", &[("Ann", "2026-03-30T07:00:00Z", "2026-03-30T08:00:00Z")]),
    ];
    let window = Window::new(ts("2026-03-26T23:00:00Z"), ts("2026-03-30T22:00:00Z"));
    let now = ts("2026-04-01T00:00:00Z");
    let days = focus_days(&ms, &cal, &["Ann".into()], &window, now, &FocusParams::default());
    let dates: Vec<_> = days.iter().map(|d| d.date).collect();
    assert_eq!(dates, [date(2026, 3, 27), date(2026, 3, 30)]);
    // Friday: 8 h of work, 0 in meetings → 8 h focus (a fixed UTC offset would not see it either way).
    assert!(close(days[0].focus_hours, 8.0));
    assert!(close(days[0].meeting_hours, 0.0));
    // Monday: meeting 07:00Z-08:00Z inside 07:00Z-15:00Z → 1 h meeting, 7 h focus.
    // (Keeping Friday's offset, work would be 08:00Z-16:00Z and Monday would show 8 h focus.)
    assert!(close(days[1].meeting_hours, 1.0));
    assert!(close(days[1].focus_hours, 7.0));
    assert_eq!(days[1].focus_blocks[0].start, ts("2026-03-30T08:00:00Z"));

    // Person-weeks: week of 23 March holds Friday (and the 1 h before work on Friday);
    // the week of 30 March holds Monday.
    let weeks = person_weeks(&ms, &cal, &["Ann".into()], &window, now, &FocusParams::default());
    let w: Vec<_> = weeks
        .iter()
        .map(|w| {
            (
                w.week_start,
                w.work_days,
                w.meeting_hours,
                w.meeting_hours_in_work_hours,
                w.focus_hours,
            )
        })
        .collect();
    assert_eq!(
        w,
        [
            (date(2026, 3, 23), 1, 1.0, 0.0, 8.0),
            (date(2026, 3, 30), 1, 1.0, 1.0, 7.0)
        ]
    );
}

#[test]
fn focus_counts_only_whole_past_days() {
    let cal = Calendar::weekdays(TimeZone::UTC);
    let window = Window::new(ts("2026-03-02T12:00:00Z"), ts("2026-03-07T00:00:00Z"));
    // Monday starts before the window (09:00 < 12:00) → out; Thursday 5 March ends 17:00 > now
    // (12:00) → out; Tuesday and Wednesday count. Without meetings each is 8 h of focus.
    let days = focus_days(
        &[],
        &cal,
        &["Ann".into()],
        &window,
        ts("2026-03-05T12:00:00Z"),
        &FocusParams::default(),
    );
    let dates: Vec<_> = days.iter().map(|d| (d.date, d.focus_hours)).collect();
    assert_eq!(dates, [(date(2026, 3, 3), 8.0), (date(2026, 3, 4), 8.0)]);
}

#[test]
fn time_pulse_is_the_sum_and_mean_of_its_parts() {
    let cal = Calendar::weekdays(TimeZone::UTC);
    let ms = [
        meeting(
            "standup",
            &[
                ("Ann", "2026-03-02T09:30:00Z", "2026-03-02T09:45:00Z"),
                ("Bo", "2026-03-02T09:30:00Z", "2026-03-02T09:45:00Z"),
                ("Cy", "2026-03-02T09:30:00Z", "2026-03-02T10:00:00Z"),
            ],
        ),
        meeting(
            "review",
            &[("Ann", "2026-03-02T13:00:00Z", "2026-03-02T14:00:00Z")],
        ),
    ];
    let window = Window::new(ts("2026-03-02T00:00:00Z"), ts("2026-03-03T00:00:00Z"));
    let now = ts("2026-03-03T00:00:00Z");
    let people: Vec<String> = ["Ann", "Bo", "Cy"].map(String::from).to_vec();
    let weeks = person_weeks(&ms, &cal, &people, &window, now, &FocusParams::default());
    // Ann 0.25 + 1 = 1.25 h; Bo 0.25 h; Cy 0.5 h → total 2 h, mean 2 / 3 = 0.666… h.
    // Focus: Ann 09:45-13:00 (3.25 h) + 14:00-17:00 (3 h) = 6.25 h, the 09:00-09:30 piece is too short;
    // Bo 09:45-17:00 = 7.25 h; Cy 10:00-17:00 = 7 h → total 20.5 h, mean 6.8333… h.
    let flow_empty = async_cockpit::analytics::flow::flow(
        &[],
        &[],
        &[],
        &window,
        now,
        &Directory::default(),
        &Default::default(),
    );
    let p = pulse(&flow_empty, &weeks, &[], &[], &PulseParams::default());
    let w = &p.weeks[0];
    assert!(close(w.meeting_hours_total.value.unwrap(), 2.0));
    assert!(close(w.meeting_hours_mean.value.unwrap(), 2.0 / 3.0));
    assert!(close(w.focus_hours_total.value.unwrap(), 20.5));
    assert!(close(w.focus_hours_mean.value.unwrap(), 20.5 / 3.0));
    // Meetings per person: Ann 2, Bo 1, Cy 1 → 4 / 3.
    assert!(close(w.meetings_mean.value.unwrap(), 4.0 / 3.0));
    assert_eq!(w.meeting_hours_total.items, ["review", "standup"]);
    // Fragmenting: Ann's standup (09:00-09:30 piece) and Bo's and Cy's standup → 1 each: mean 1.
    assert!(close(w.fragmenting_meetings_mean.value.unwrap(), 1.0));
    // Flow with no pull requests: no data, not 0.
    assert_eq!(p.flow.merged_prs.withheld, Some(Withheld::NoData));

    // With a minimum of 4, every week figure of these 3 people is withheld.
    let p = pulse(&flow_empty, &weeks, &[], &[], &PulseParams { min_group_size: 4 });
    assert_eq!(p.weeks[0].focus_hours_mean.value, None);
    assert_eq!(
        p.weeks[0].meeting_hours_total.withheld,
        Some(Withheld::SmallGroup {
            group_size: 3,
            min_group_size: 4
        })
    );
    assert!(p.weeks[0].meeting_hours_total.items.is_empty());
}

#[test]
fn generic_per_person_figures() {
    let v = |p: &str, x: f64| PersonValue {
        person: p.into(),
        value: x,
    };
    // Ann has two parts (3 + 2 = 5), Bo 4, Cy 6: sum 15, mean 15 / 3 = 5.
    let parts = [v("Ann", 3.0), v("Ann", 2.0), v("Bo", 4.0), v("Cy", 6.0)];
    assert_eq!(aggregate(&parts, Aggregation::Sum, "points", 3).value, Some(15.0));
    assert_eq!(aggregate(&parts, Aggregation::Mean, "points", 3).value, Some(5.0));
    // Two people only: withheld, never 0.
    let two = aggregate(&parts[..3], Aggregation::Sum, "points", 3);
    assert_eq!(two.value, None);
    assert_eq!(two.group_size, 2);
    let figures = PersonFigures {
        name: "open_points".into(),
        unit: "points".into(),
        aggregation: Aggregation::Mean,
        values: parts.to_vec(),
    };
    let empty = async_cockpit::analytics::flow::flow(
        &[],
        &[],
        &[],
        &Window::new(Timestamp::UNIX_EPOCH, Timestamp::UNIX_EPOCH),
        Timestamp::UNIX_EPOCH,
        &Directory::default(),
        &Default::default(),
    );
    let p = pulse(&empty, &[], &[], &[figures], &PulseParams::default());
    assert_eq!(p.extra[0].name, "open_points");
    assert_eq!(p.extra[0].figure.value, Some(5.0));
}

fn cue(ms: u64, speaker: &str, text: &str) -> Cue {
    Cue {
        start_ms: ms,
        end_ms: ms + 5_000,
        speaker: Some(speaker.into()),
        text: text.into(),
    }
}

#[test]
fn decisions_from_a_small_transcript() {
    let start = ts("2026-03-03T10:00:00Z");
    let m = Meeting {
        meta: meta("inst-1", start),
        meeting_id: "1".into(),
        topic: "Storage design".into(),
        host: None,
        start,
        duration_minutes: 30,
        attendance: vec![],
    };
    let t = Transcript {
        meta: meta("inst-1", start),
        meeting_uuid: "inst-1".into(),
        cues: vec![
            cue(0, "Ann", "Two options: Postgres or SQLite."),
            cue(10_000, "Ben", "Let\u{2019}s go with SQLite for the prototype."),
            cue(20_000, "Cy", "Agreed."),
            cue(30_000, "Ann", "I disagreed last time, but fine."),
            cue(
                40_000,
                "Ben",
                "Decision: we will ship on Friday. We will also write the ADR.",
            ),
            cue(
                50_000,
                "Cy",
                "Sounds good. We decided to drop the CSV export; nobody uses it.",
            ),
            cue(60_000, "Ann", "Agreed: Ben owns the migration."),
            cue(70_000, "Ben", "Agreed"),
            cue(80_000, "Cy", "Maybe we pin the Rust version."),
            cue(90_000, "Ann", "Agreed."),
        ],
    };
    let all = Window::new(Timestamp::UNIX_EPOCH, ts("2100-01-01T00:00:00Z"));
    let d = decisions(std::slice::from_ref(&t), std::slice::from_ref(&m), &all);
    let got: Vec<(usize, &str, &str, &str, Vec<&str>)> = d
        .iter()
        .map(|d| {
            (
                d.cue_index,
                d.speaker.as_deref().unwrap(),
                d.phrase.as_str(),
                d.text.as_str(),
                d.agreed_by.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // Curly apostrophe matched; Cy's bare "Agreed." seconds it rather than adding one.
            (
                1,
                "Ben",
                "let's go with",
                "Let\u{2019}s go with SQLite for the prototype.",
                vec!["Cy"]
            ),
            // "disagreed" (cue 3) is no "agreed". Cue 4 holds three phrases: one decision.
            (
                4,
                "Ben",
                "decision:",
                "Decision: we will ship on Friday. We will also write the ADR.",
                vec![]
            ),
            // The text starts at the sentence holding the phrase.
            (
                5,
                "Cy",
                "we decided",
                "We decided to drop the CSV export; nobody uses it.",
                vec![]
            ),
            (
                6,
                "Ann",
                "agreed:",
                "Agreed: Ben owns the migration.",
                vec!["Ben"]
            ),
            // Ann's "Agreed." cannot second her own decision (cue 6): Cy's proposal becomes one.
            (8, "Cy", "agreed", "Maybe we pin the Rust version.", vec!["Ann"]),
        ]
    );
    // Time: meeting start + offset; 10 s after 10:00.
    assert_eq!(d[0].at, Some(ts("2026-03-03T10:00:10Z")));
    assert_eq!(d[0].offset_ms, 10_000);
    assert_eq!(d[0].meeting_id, "inst-1");
    assert_eq!(d[0].meeting_topic.as_deref(), Some("Storage design"));
    // Outside the window: nothing.
    let before = Window::new(Timestamp::UNIX_EPOCH, start);
    assert!(decisions(&[t], &[m], &before).is_empty());
}

// ---------------------------------------------------------------- the demo

#[test]
fn demo_decisions_meetings_and_focus() {
    let (records, cfg) = demo_records();
    let (mut meetings, mut transcripts) = (Vec::new(), Vec::new());
    for r in records {
        match r {
            Record::Meeting(m) => meetings.push(m),
            Record::Transcript(t) => transcripts.push(t),
            _ => {}
        }
    }
    assert_eq!((meetings.len(), transcripts.len()), (57, 6));

    let all = Window::new(Timestamp::UNIX_EPOCH, ts("2100-01-01T00:00:00Z"));
    let d = decisions(&transcripts, &meetings, &all);
    for x in &d {
        eprintln!(
            "  decision {} +{:>6} ms {:<20} [{}] {} {:?}",
            x.meeting_topic.as_deref().unwrap_or("?"),
            x.offset_ms,
            x.speaker.as_deref().unwrap_or("?"),
            x.phrase,
            x.text,
            x.agreed_by
        );
    }
    // Per transcript (cue phrases in the demo's words):
    //   leader election: "Let's go with fencing tokens" (+ Kenji's "Agreed."), "Agreed: Ines writes the ADR" → 2
    //   retro: "Agreed: round-robin", "We decided to cap", "Let's go with a pre-commit hook" → 3
    //   ALP planning: "we decided to split", "Let's go with twenty-four hours" (+ Greta), "Agreed: we quarantine" → 3
    //   BET planning: "We decided to cut over", "Agreed: default ninety days", "Let's go with that." → 3
    //   design review: "Agreed: backward-compatible", "we decided to add the version header" → 2
    //   incident review: "Let's go with cooperative sticky", "Agreed: it goes first", "We decided to page" → 3
    // 2 + 3 + 3 + 3 + 2 + 3 = 16.
    assert_eq!(d.len(), 16);
    let fencing = d
        .iter()
        .find(|x| x.text.starts_with("Let's go with fencing tokens"))
        .unwrap();
    assert_eq!(fencing.speaker.as_deref(), Some("Rui Solano-Vex"));
    assert_eq!(fencing.agreed_by, ["Kenji Harborlight"]);
    assert_eq!(
        fencing.meeting_topic.as_deref(),
        Some("Architecture deep-dive: scheduler leader election")
    );
    assert!(fencing.at.is_some());
    // No cue gives two decisions.
    let mut cues: Vec<_> = d.iter().map(|x| (x.meeting_id.clone(), x.cue_index)).collect();
    cues.dedup();
    assert_eq!(cues.len(), 16);

    // Meeting load and focus, attendance renamed to cockpit names as the snapshot does.
    let dir = Directory::from_config(&cfg);
    for m in &mut meetings {
        for a in &mut m.attendance {
            if let Some(name) = a.email.as_deref().and_then(|e| dir.by_email(e)) {
                a.name = name.to_string();
                a.email = None;
            }
        }
    }
    let cal = Calendar::from_team(&cfg.team);
    let people: Vec<String> = cfg.people.iter().map(|p| p.name.clone()).collect();
    let first = meetings.iter().map(|m| m.start).min().unwrap();
    let last = meetings.iter().map(|m| m.start).max().unwrap();
    let window = Window::new(
        first - jiff::SignedDuration::from_hours(24 * 7),
        last + jiff::SignedDuration::from_hours(24 * 7),
    );
    let now = window.end;
    let weeks = person_weeks(&meetings, &cal, &people, &window, now, &FocusParams::default());
    let load = meeting_load(&meetings, &cal.tz);
    let flow_empty =
        async_cockpit::analytics::flow::flow(&[], &[], &[], &window, now, &dir, &Default::default());
    let p = pulse(&flow_empty, &weeks, &[], &[], &PulseParams::default());
    for w in &p.weeks {
        eprintln!(
            "  week {} meeting h mean {:?} total {:?}, meetings mean {:?}, focus h mean {:?}, fragmenting mean {:?}",
            w.week_start,
            w.meeting_hours_mean.value,
            w.meeting_hours_total.value,
            w.meetings_mean.value,
            w.focus_hours_mean.value,
            w.fragmenting_meetings_mean.value
        );
    }
    for w in weeks.iter().filter(|w| w.meetings > 0) {
        eprintln!(
            "    {:<22} {} meetings {:>2} meeting h {:>5.2} (in work h {:>5.2}) focus h {:>5.2} fragmented h {:>5.2} fragmenting {}",
            w.person,
            w.week_start,
            w.meetings,
            w.meeting_hours,
            w.meeting_hours_in_work_hours,
            w.focus_hours,
            w.fragmented_hours,
            w.fragmenting_meetings
        );
    }
    // The week rows agree with meeting_load for the team (the window holds every meeting).
    for w in weeks.iter().filter(|w| w.meetings > 0) {
        let m = load
            .iter()
            .find(|m| m.person == w.person && m.week_start == w.week_start)
            .unwrap();
        assert!(close(m.meeting_hours, w.meeting_hours));
        assert_eq!(m.meetings, w.meetings);
    }
    // The vendor (not in the team) has meeting load but no person-week.
    assert!(load.iter().any(|m| m.person == "support@example.org"));
    assert!(weeks.iter().all(|w| people.contains(&w.person)));
    // Work hours 09:00-17:30: 8.5 h per work day, DST or not.
    assert!(
        weeks
            .iter()
            .all(|w| close(w.work_hours, 8.5 * w.work_days as f64))
    );
    for w in &weeks {
        assert!(w.focus_hours + w.meeting_hours_in_work_hours <= w.work_hours + 1e-9);
    }
    // Ten people in the team: every week figure is shown.
    assert!(p.weeks.iter().all(|w| w.focus_hours_mean.value.is_some()));
}
