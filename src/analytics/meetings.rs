//! Meeting load: hours in meetings per person per week, from actual attendance.
//!
//! Definition: for each person (attendance matched by email, else by name) and
//! each ISO week (Monday 00:00 in the team's time zone), the length of the
//! *union* of their attendance intervals: overlapping meetings count once and
//! a re-join inside the same meeting is merged with the earlier stretch. An
//! interval crossing a week boundary is split at it. The meeting count is the
//! number of distinct meetings the person attended that week. Units: hours
//! (decimal), UTC instants in, team-local weeks out. A meeting across a
//! daylight-saving change counts its real (UTC) length: 01:30-03:30 local on
//! the last Sunday of March in Europe/Berlin is one hour.
//!
//! Focus time and fragmentation (which need the work calendar) are in
//! [`super::focus`]; this module gives them the attendance helpers.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::flow::Window;
use crate::model::{Attendance, Meeting};

/// One person's meeting load in one week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingWeek {
    /// Person (email when known, else display name).
    pub person: String,
    /// Monday of the week, team-local.
    pub week_start: Date,
    /// Hours in meetings (union of attendance), decimal hours.
    pub meeting_hours: f64,
    /// Distinct meetings attended.
    pub meetings: usize,
    /// Source ids of those meetings.
    pub meeting_ids: Vec<String>,
}

/// Monday of the team-local week containing `t`.
pub fn week_start(t: Timestamp, tz: &TimeZone) -> Date {
    let d = t.to_zoned_datetime(tz.clone()).date();
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(back.days()).unwrap_or(d)
}

fn start_of_day(d: Date, tz: &TimeZone) -> Option<Timestamp> {
    d.to_zoned_datetime(tz.clone()).ok().map(|z| z.timestamp())
}

/// The person an attendance stretch belongs to: the lower-cased email when
/// given, else the display name (the snapshot replaces both with the cockpit
/// name for configured people).
pub fn person_key(a: &Attendance) -> String {
    person_key_ref(a).into_owned()
}

/// The person of an attendance: `named` (the cockpit name of a configured
/// person) when given, else [`person_key`] (borrowed when possible). What
/// [`stretches_by_person_with`] groups by.
pub(crate) fn person_of<'s>(a: &'s Attendance, named: Option<&'s str>) -> Cow<'s, str> {
    named.map_or_else(|| person_key_ref(a), Cow::Borrowed)
}

/// [`person_key`] without allocating when the email is already lower case.
fn person_key_ref(a: &Attendance) -> Cow<'_, str> {
    match a.email.as_deref().filter(|e| !e.is_empty()) {
        Some(e) if e.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) => Cow::Borrowed(e),
        Some(e) => Cow::Owned(e.to_lowercase()),
        None => Cow::Borrowed(a.name.as_str()),
    }
}

/// One stretch of attendance, with the meeting it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stretch {
    /// Joined, UTC.
    pub start: Timestamp,
    /// Left, UTC.
    pub end: Timestamp,
    /// Source id of the meeting instance.
    pub meeting: String,
}

/// A borrowed [`Stretch`]: joined, left (UTC), meeting source id. Tuples
/// order as [`Stretch`] does.
pub type StretchRef<'a> = (Timestamp, Timestamp, &'a str);

/// Attendance stretches per person, borrowed, sorted by start; empty or
/// inverted stretches (leave ≤ join) are dropped. `who` names the person of
/// an attendance (`None`: [`person_key`]); the snapshot passes the directory's
/// cockpit name for configured people.
pub fn stretches_by_person_with<'a, 'n>(
    meetings: &'a [Meeting],
    mut who: impl FnMut(&'a Attendance) -> Option<&'n str>,
) -> BTreeMap<String, Vec<StretchRef<'a>>> {
    // Grouped in a hash map (a person's key is compared once per look-up,
    // not once per tree level), ordered by person at the end.
    let mut out: FxHashMap<String, Vec<StretchRef<'a>>> = FxHashMap::default();
    for m in meetings {
        for a in m.attendance.iter().filter(|a| a.leave > a.join) {
            let st = (a.join, a.leave, m.meta.source_id.as_str());
            let key = person_of(a, who(a));
            match out.get_mut(key.as_ref()) {
                Some(v) => v.push(st),
                None => {
                    out.insert(key.into_owned(), vec![st]);
                }
            }
        }
    }
    out.into_iter()
        .map(|(k, mut v)| {
            v.sort_unstable();
            (k, v)
        })
        .collect()
}

/// Attendance stretches per person ([`person_key`]), sorted by start; empty
/// or inverted stretches (leave ≤ join) are dropped.
pub fn stretches_by_person(meetings: &[Meeting]) -> BTreeMap<String, Vec<Stretch>> {
    stretches_by_person_with(meetings, |_| None)
        .into_iter()
        .map(|(k, v)| {
            let v = v
                .into_iter()
                .map(|(start, end, meeting)| Stretch {
                    start,
                    end,
                    meeting: meeting.to_string(),
                })
                .collect();
            (k, v)
        })
        .collect()
}

/// The union of intervals as disjoint intervals in order; intervals that
/// overlap or touch merge into one.
pub fn union_intervals(mut spans: Vec<(Timestamp, Timestamp)>) -> Vec<(Timestamp, Timestamp)> {
    spans.retain(|(s, e)| e > s);
    spans.sort();
    let mut out: Vec<(Timestamp, Timestamp)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match out.last_mut() {
            Some((_, ce)) if s <= *ce => *ce = (*ce).max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Total length of the union of intervals.
pub fn union_length(spans: Vec<(Timestamp, Timestamp)>) -> SignedDuration {
    union_intervals(spans)
        .into_iter()
        .map(|(s, e)| e.duration_since(s))
        .sum()
}

/// Meeting hours per person and week, sorted by person then week (every
/// stretch ever recorded).
pub fn meeting_load(meetings: &[Meeting], tz: &TimeZone) -> Vec<MeetingWeek> {
    load(meetings, tz, None)
}

/// [`meeting_load`] with attendance clipped to `window` first: the hours of a
/// week cut by the window are only those inside it; a meeting counts in a
/// week when some of its attendance lies inside the window that week.
pub fn meeting_load_in(meetings: &[Meeting], tz: &TimeZone, window: &Window) -> Vec<MeetingWeek> {
    load(meetings, tz, Some(window))
}

fn load(meetings: &[Meeting], tz: &TimeZone, clip: Option<&Window>) -> Vec<MeetingWeek> {
    load_from(&stretches_by_person_with(meetings, |_| None), tz, clip)
}

/// One person-week while grouping: attendance intervals and meeting ids.
type WeekSlot<'a> = (Vec<(Timestamp, Timestamp)>, Vec<&'a str>);

/// Calls `f(week, start, end)` for each piece of `[start, end)` split at
/// week boundaries (team-local Monday 00:00), in order; nothing when
/// `end <= start`.
pub(crate) fn split_weeks(
    start: Timestamp,
    end: Timestamp,
    tz: &TimeZone,
    mut f: impl FnMut(Date, Timestamp, Timestamp),
) {
    let mut s = start;
    while s < end {
        let week = week_start(s, tz);
        let next = week
            .checked_add(7.days())
            .ok()
            .and_then(|d| start_of_day(d, tz))
            .filter(|n| *n > s)
            .unwrap_or(end);
        let e = end.min(next);
        f(week, s, e);
        s = e;
    }
}

/// Meeting hours of one person-week: the length of the union of its
/// pieces (`pieces` sorted), in decimal hours.
pub(crate) fn week_hours(pieces: &[(Timestamp, Timestamp)]) -> f64 {
    let mut total = SignedDuration::ZERO;
    let mut current: Option<(Timestamp, Timestamp)> = None;
    for &(s, e) in pieces.iter().filter(|(s, e)| e > s) {
        current = match current {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce.duration_since(cs);
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    if let Some((cs, ce)) = current {
        total += ce.duration_since(cs);
    }
    total.as_secs_f64() / 3600.0
}

/// [`meeting_load`] (`clip` `None`) or [`meeting_load_in`] over stretches
/// already grouped by person (see [`stretches_by_person_with`]).
pub fn load_from(
    stretches: &BTreeMap<String, Vec<StretchRef<'_>>>,
    tz: &TimeZone,
    clip: Option<&Window>,
) -> Vec<MeetingWeek> {
    let mut out = Vec::new();
    for (person, list) in stretches {
        // Week → (intervals, meeting ids); weeks ascending, like the rows.
        let mut weeks: BTreeMap<Date, WeekSlot<'_>> = BTreeMap::new();
        for &(start, end, meeting) in list {
            let (s, end) = match clip {
                Some(w) => (start.max(w.start), end.min(w.end)),
                None => (start, end),
            };
            split_weeks(s, end, tz, |week, s, e| {
                let slot = weeks.entry(week).or_default();
                slot.0.push((s, e));
                slot.1.push(meeting);
            });
        }
        for (week, (mut v, mut ids)) in weeks {
            v.sort_unstable();
            ids.sort_unstable();
            ids.dedup();
            let meeting_ids: Vec<String> = ids.into_iter().map(str::to_string).collect();
            out.push(MeetingWeek {
                meeting_hours: week_hours(&v),
                meetings: meeting_ids.len(),
                person: person.clone(),
                week_start: week,
                meeting_ids,
            });
        }
    }
    out
}
