//! Property-style tests (seeded xorshift, no extra crates): meeting hours
//! against a minute-by-minute oracle, focus + meetings within work hours,
//! team aggregates equal to the sum (or mean) of their parts, and no
//! aggregate for a group under `min_group_size`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use async_cockpit::analytics::calendar::Calendar;
use async_cockpit::analytics::flow::{FlowParams, Window, flow, percentile_nearest_rank};
use async_cockpit::analytics::focus::{FocusParams, focus_days, monday_of, person_weeks};
use async_cockpit::analytics::meetings::meeting_load;
use async_cockpit::analytics::pulse::{Aggregation, PersonValue, PulseParams, Withheld, aggregate, pulse};
use async_cockpit::identity::Directory;
use async_cockpit::model::{Attendance, Meeting, PullRequest, RecordMeta, Source};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// xorshift64* (Vigna): small, seeded, good enough to explore cases.
struct Rng(u64);

impl Rng {
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

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
}

const CASES: u64 = 60;
const PEOPLE: [&str; 7] = ["Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus"];

fn meta(id: &str, t: Timestamp) -> RecordMeta {
    RecordMeta {
        site: "p".into(),
        source: Source::Zoom,
        source_id: id.into(),
        event_time: t,
        fetched_at: t,
    }
}

fn minutes(t: Timestamp, m: i64) -> Timestamp {
    t + SignedDuration::from_mins(m)
}

/// Three weeks around a daylight-saving change in Berlin (spring or autumn),
/// with random meetings on whole minutes: overlaps, re-joins, nights and
/// week-ends included.
fn case(rng: &mut Rng) -> (Vec<Meeting>, Vec<String>, Window) {
    let base: Timestamp = if rng.below(2) == 0 {
        "2026-03-15T23:00:00Z".parse().unwrap() // Monday 16 March 00:00 CET
    } else {
        "2026-10-11T22:00:00Z".parse().unwrap() // Monday 12 October 00:00 CEST
    };
    let window = Window::new(base, minutes(base, 21 * 24 * 60));
    let n_people = rng.range(1, PEOPLE.len() as i64) as usize;
    let people: Vec<String> = PEOPLE[..n_people].iter().map(|p| p.to_string()).collect();
    let mut meetings = Vec::new();
    for i in 0..rng.below(45) {
        // Mostly work hours (07:00-17:00 UTC), sometimes any time of day.
        let day = rng.range(-1, 21);
        let minute = if rng.below(4) == 0 {
            rng.range(0, 1439)
        } else {
            rng.range(6 * 60, 16 * 60)
        };
        let start = minutes(base, day * 1440 + minute);
        let dur = rng.range(5, 240);
        let mut attendance = Vec::new();
        for p in &people {
            if rng.below(3) == 0 {
                continue;
            }
            for _ in 0..rng.range(1, 3) {
                let j = rng.range(-5, dur);
                let l = j + rng.range(1, dur + 10);
                attendance.push(Attendance {
                    name: p.clone(),
                    email: None,
                    join: minutes(start, j),
                    leave: minutes(start, l),
                });
            }
        }
        meetings.push(Meeting {
            meta: meta(&format!("m{i}"), start),
            meeting_id: format!("{i}"),
            topic: String::new(),
            host: None,
            start,
            duration_minutes: dur as u32,
            attendance,
        });
    }
    (meetings, people, window)
}

/// Busy minutes per person (minutes since the epoch), the oracle.
fn busy_minutes(meetings: &[Meeting]) -> BTreeMap<String, BTreeSet<i64>> {
    let mut out: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for m in meetings {
        for a in &m.attendance {
            let (s, e) = (a.join.as_second() / 60, a.leave.as_second() / 60);
            out.entry(a.name.clone()).or_default().extend(s..e);
        }
    }
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn meeting_hours_match_the_minute_oracle_and_never_exceed_wall_time() {
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..CASES {
        let (meetings, _, _) = case(&mut rng);
        let oracle = busy_minutes(&meetings);
        let load = meeting_load(&meetings, &tz);
        // Per person and week: the busy minutes whose local week is that week.
        let mut per_week: BTreeMap<(String, jiff::civil::Date), usize> = BTreeMap::new();
        for (p, mins) in &oracle {
            for m in mins {
                let t = Timestamp::from_second(m * 60).unwrap();
                let week = monday_of(t.to_zoned_datetime(tz.clone()).date());
                *per_week.entry((p.clone(), week)).or_default() += 1;
            }
        }
        assert_eq!(load.len(), per_week.len());
        for row in &load {
            let expected = per_week[&(row.person.clone(), row.week_start)] as f64 / 60.0;
            assert!(close(row.meeting_hours, expected), "{row:?} vs {expected}");
            // Wall time of the local week: 167, 168 or 169 hours across DST.
            let start = row.week_start.to_zoned_datetime(tz.clone()).unwrap().timestamp();
            let next = row
                .week_start
                .checked_add(jiff::Span::new().days(7))
                .unwrap()
                .to_zoned_datetime(tz.clone())
                .unwrap()
                .timestamp();
            let wall = next.duration_since(start).as_secs_f64() / 3600.0;
            assert!((167.0..=169.0).contains(&wall));
            assert!(row.meeting_hours <= wall + 1e-9);
            assert_eq!(row.meetings, row.meeting_ids.len());
        }
    }
}

#[test]
fn focus_plus_meetings_fit_in_work_hours() {
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    let cal = Calendar::weekdays(tz);
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for _ in 0..CASES {
        let (meetings, people, window) = case(&mut rng);
        let params = FocusParams {
            min_block_minutes: [30, 60, 120, 180][rng.below(4) as usize],
        };
        let min_block = params.min_block_minutes as f64 / 60.0;
        let now = window.end;
        let oracle = busy_minutes(&meetings);
        let days = focus_days(&meetings, &cal, &people, &window, now, &params);
        // Every person has every work day: 15 work days in three weeks.
        assert_eq!(days.len(), people.len() * 15);
        for d in &days {
            let (ws, we) = cal.work_window(d.date).unwrap();
            // 09:00-17:00 local is 8 h on every work day, DST week or not.
            assert!(close(d.work_hours, 8.0));
            assert!(d.focus_hours + d.meeting_hours <= d.work_hours + 1e-9);
            assert!(close(
                d.work_hours,
                d.meeting_hours + d.focus_hours + d.fragmented_hours
            ));
            // Busy minutes inside the work window, by the oracle.
            let busy = oracle
                .get(&d.person)
                .map_or(0, |m| m.range(ws.as_second() / 60..we.as_second() / 60).count());
            assert!(close(d.meeting_hours, busy as f64 / 60.0), "{d:?}");
            for b in &d.focus_blocks {
                assert!(b.hours() + 1e-9 >= min_block);
                assert!(ws <= b.start && b.end <= we);
                // No busy minute inside a focus block.
                let inside = oracle.get(&d.person).map_or(0, |m| {
                    m.range(b.start.as_second() / 60..b.end.as_second() / 60).count()
                });
                assert_eq!(inside, 0, "{d:?}");
            }
        }
        for w in person_weeks(&meetings, &cal, &people, &window, now, &params) {
            assert!(w.focus_hours + w.meeting_hours_in_work_hours <= w.work_hours + 1e-9);
            assert!(w.meeting_hours_in_work_hours <= w.meeting_hours + 1e-9);
            assert!(w.meeting_hours <= 169.0);
            assert!(w.fragmenting_meetings <= w.meetings);
        }
    }
}

#[test]
fn week_aggregates_are_sums_and_means_of_their_parts() {
    let cal = Calendar::weekdays(TimeZone::get("Europe/Berlin").unwrap());
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let no_flow = flow(
        &[],
        &[],
        &[],
        &Window::new(Timestamp::UNIX_EPOCH, Timestamp::UNIX_EPOCH),
        Timestamp::UNIX_EPOCH,
        &Directory::default(),
        &FlowParams::default(),
    );
    for _ in 0..CASES {
        let (meetings, people, window) = case(&mut rng);
        let min = rng.range(1, 5) as usize;
        let weeks = person_weeks(
            &meetings,
            &cal,
            &people,
            &window,
            window.end,
            &FocusParams::default(),
        );
        let p = pulse(&no_flow, &weeks, &[], &[], &PulseParams { min_group_size: min });
        for w in &p.weeks {
            let parts: Vec<_> = weeks.iter().filter(|r| r.week_start == w.week_start).collect();
            let n = parts.len();
            let meeting: f64 = parts.iter().map(|r| r.meeting_hours).sum();
            let focus: f64 = parts.iter().map(|r| r.focus_hours).sum();
            for (fig, expected) in [
                (&w.meeting_hours_total, meeting),
                (&w.meeting_hours_mean, meeting / n as f64),
                (&w.focus_hours_total, focus),
                (&w.focus_hours_mean, focus / n as f64),
            ] {
                assert_eq!(fig.group_size, n);
                if n < min {
                    // Never an aggregate of a group under the minimum, and never a 0 in its place.
                    assert_eq!(fig.value, None);
                    assert_eq!(
                        fig.withheld,
                        Some(Withheld::SmallGroup {
                            group_size: n,
                            min_group_size: min
                        })
                    );
                    assert!(fig.items.is_empty());
                } else {
                    assert!(close(fig.value.unwrap(), expected));
                    assert_eq!(fig.withheld, None);
                }
            }
        }
        // No name of a person anywhere in the pulse.
        let json = serde_json::to_string(&p).unwrap();
        for name in &people {
            assert!(!json.contains(&format!("\"{name}\"")));
        }
    }
}

#[test]
fn generic_aggregates_and_the_minimum_group() {
    let mut rng = Rng(0xBF58_476D_1CE4_E5B9);
    for _ in 0..500 {
        let min = rng.range(1, 5) as usize;
        let parts: Vec<PersonValue> = (0..rng.below(12))
            .map(|_| PersonValue {
                person: PEOPLE[rng.below(PEOPLE.len() as u64) as usize].to_string(),
                value: rng.range(0, 400) as f64 / 4.0,
            })
            .collect();
        let distinct: BTreeSet<&str> = parts.iter().map(|p| p.person.as_str()).collect();
        let n = distinct.len();
        let sum: f64 = parts.iter().map(|p| p.value).sum();
        let total = aggregate(&parts, Aggregation::Sum, "x", min);
        let mean = aggregate(&parts, Aggregation::Mean, "x", min);
        assert_eq!(total.group_size, n);
        if n == 0 {
            assert_eq!(total.withheld, Some(Withheld::NoData));
            assert_eq!(mean.value, None);
        } else if n < min {
            assert_eq!(total.value, None);
            assert_eq!(mean.value, None);
            assert!(matches!(total.withheld, Some(Withheld::SmallGroup { .. })));
        } else {
            assert!(close(total.value.unwrap(), sum));
            assert!(close(mean.value.unwrap(), sum / n as f64));
        }
    }
}

#[test]
fn flow_team_figures_are_the_sum_of_authors_and_respect_the_minimum() {
    let mut rng = Rng(0x94D0_49BB_1331_11EB);
    let base: Timestamp = "2026-03-02T00:00:00Z".parse().unwrap();
    let window = Window::new(base, minutes(base, 14 * 1440));
    let now = window.end;
    for _ in 0..CASES {
        let min = rng.range(1, 5) as usize;
        let prs: Vec<PullRequest> = (0..rng.below(30))
            .map(|i| {
                let created = minutes(base, rng.range(-3 * 1440, 13 * 1440));
                let merged = (rng.below(3) > 0).then(|| minutes(created, rng.range(10, 4 * 1440)));
                PullRequest {
                    meta: meta(&format!("r#{i}"), created),
                    repo: "r".into(),
                    number: i,
                    title: String::new(),
                    author: PEOPLE[rng.below(PEOPLE.len() as u64) as usize].to_string(),
                    author_is_bot: rng.below(8) == 0,
                    state: if merged.is_some() {
                        "closed".into()
                    } else {
                        "open".into()
                    },
                    draft: false,
                    created,
                    updated: merged.unwrap_or(created),
                    merged,
                    closed: merged,
                    ready_for_review: None,
                    additions: Some(rng.below(500)),
                    deletions: Some(rng.below(500)),
                    changed_files: None,
                    requested_reviewers: vec![],
                    issue_keys: vec![],
                    url: String::new(),
                }
            })
            .collect();
        let f = flow(
            &prs,
            &[],
            &[],
            &window,
            now,
            &Directory::default(),
            &FlowParams::default(),
        );
        // Per-author merged counts sum to the team count.
        let mut per_author: BTreeMap<&str, usize> = BTreeMap::new();
        for p in prs
            .iter()
            .filter(|p| !p.author_is_bot && p.merged.is_some_and(|m| window.contains(m) && m <= now))
        {
            *per_author.entry(p.author.as_str()).or_default() += 1;
        }
        assert_eq!(f.merged_prs, per_author.values().sum::<usize>());
        let p = pulse(&f, &[], &[], &[], &PulseParams { min_group_size: min });
        let fig = &p.flow.merged_prs;
        assert_eq!(fig.group_size, per_author.len());
        match per_author.len() {
            0 => assert_eq!(fig.withheld, Some(Withheld::NoData)),
            n if n < min => assert_eq!(fig.value, None),
            _ => assert_eq!(fig.value, Some(f.merged_prs as f64)),
        }
        // The team size p50 is the nearest-rank median of the merged PRs' sizes.
        let sizes: Vec<f64> = f
            .pull_requests
            .iter()
            .filter_map(|r| r.size_lines.map(|s| s as f64))
            .collect();
        if p.flow.pr_size_lines_p50.value.is_some() {
            assert_eq!(
                p.flow.pr_size_lines_p50.value,
                percentile_nearest_rank(&sizes, 50)
            );
        }
    }
}

#[test]
fn nearest_rank_properties() {
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    for _ in 0..500 {
        let values: Vec<f64> = (0..rng.range(1, 40)).map(|_| rng.range(0, 50) as f64).collect();
        let p = rng.range(0, 100) as u32;
        let r = percentile_nearest_rank(&values, p).unwrap();
        let n = values.len();
        let rank = ((p as usize * n).div_ceil(100)).max(1);
        // The value belongs to the list; at least `rank` values are ≤ it, fewer than `rank` are < it.
        assert!(values.contains(&r));
        assert!(values.iter().filter(|v| **v <= r).count() >= rank);
        assert!(values.iter().filter(|v| **v < r).count() < rank);
    }
}
