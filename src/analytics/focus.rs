//! Focus time and meeting fragmentation, per person-day and person-week, from
//! actual meeting attendance inside the team's work hours.
//!
//! Definitions:
//! - **Work day**: a day the [`Calendar`] marks as worked; its **work window**
//!   is the local start to end of work, turned into UTC instants by the zone's
//!   rules for that very day ([`Calendar::work_window`]), so a week across a
//!   daylight-saving change keeps 09:00 local at 09:00 local. A day counts
//!   only when its whole work window lies inside the [`Window`] and has ended
//!   by `now` (no half days, no future days).
//! - **Busy time**: the union of the person's attendance stretches clipped to
//!   the work window (overlapping meetings once, re-joins merged), in hours:
//!   `meeting_hours` of a [`FocusDay`].
//! - **Free pieces**: the work window minus busy time, as maximal intervals.
//! - **Focus block**: a free piece at least [`FocusParams::min_block_minutes`]
//!   long (default 120). `focus_hours` is the sum of their lengths; a
//!   15-minute meeting in the middle of a 4-hour afternoon leaves two pieces
//!   of 1 h 52 min 30 s and adds 0 focus hours.
//! - **Fragmented time**: free pieces shorter than the threshold
//!   (`fragmented_hours`). Per day, `work_hours = meeting_hours + focus_hours +
//!   fragmented_hours` exactly.
//! - **Fragmenting meeting**: a meeting whose busy block borders a free piece
//!   shorter than the threshold, i.e. it splits the work day into a piece too
//!   short for focus. Meetings outside work hours never fragment.
//! - A day without any meeting is all focus: the calendar knows no absences.
//!
//! People are the `people` given (the snapshot's cockpit names, attendance
//! renamed by the directory first); with no people given, everyone seen in
//! attendance. Units: decimal hours; dates team-local.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;
use super::flow::Window;
use super::meetings::{StretchRef, load_from, stretches_by_person_with};
use crate::model::Meeting;

/// Tunables of focus time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocusParams {
    /// Shortest uninterrupted free time that counts as focus, minutes (default 120).
    pub min_block_minutes: u32,
}

impl Default for FocusParams {
    fn default() -> Self {
        FocusParams {
            min_block_minutes: 120,
        }
    }
}

/// An interval of time, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Block {
    /// Start.
    pub start: Timestamp,
    /// End.
    pub end: Timestamp,
}

impl Block {
    /// Length in decimal hours.
    pub fn hours(&self) -> f64 {
        hours(self.end.duration_since(self.start))
    }
}

fn hours(d: SignedDuration) -> f64 {
    d.as_secs_f64() / 3600.0
}

/// One person's work day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FocusDay {
    /// Person.
    pub person: String,
    /// Team-local date.
    pub date: Date,
    /// Length of the work window, hours (DST-correct).
    pub work_hours: f64,
    /// Busy time inside the work window, hours.
    pub meeting_hours: f64,
    /// Free time in blocks of at least the threshold, hours.
    pub focus_hours: f64,
    /// Free time in pieces shorter than the threshold, hours.
    pub fragmented_hours: f64,
    /// The focus blocks.
    pub focus_blocks: Vec<Block>,
    /// Meetings with attendance inside the work window.
    pub meeting_ids: Vec<String>,
    /// Meetings bordering a free piece shorter than the threshold.
    pub fragmenting_meeting_ids: Vec<String>,
}

/// One person's week: meeting load and focus time side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonWeek {
    /// Person.
    pub person: String,
    /// Monday of the week, team-local.
    pub week_start: Date,
    /// Work days of the week counted (whole, inside the window, ended by `now`).
    pub work_days: usize,
    /// Work hours of those days.
    pub work_hours: f64,
    /// Hours in meetings that week inside the window, work hours or not (the
    /// union of attendance, as [`super::meetings::meeting_load_in`]).
    pub meeting_hours: f64,
    /// Distinct meetings attended that week inside the window.
    pub meetings: usize,
    /// Their source ids.
    pub meeting_ids: Vec<String>,
    /// Busy hours inside the work windows of the counted days.
    pub meeting_hours_in_work_hours: f64,
    /// Focus hours of the counted days.
    pub focus_hours: f64,
    /// Fragmented (free but too short) hours of the counted days.
    pub fragmented_hours: f64,
    /// Distinct meetings that fragmented one of the counted days.
    pub fragmenting_meetings: usize,
    /// Their source ids.
    pub fragmenting_meeting_ids: Vec<String>,
}

/// The Monday of `d`'s week.
pub fn monday_of(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(back.days()).unwrap_or(d)
}

/// Whole work days inside `window` that ended by `now`, with their windows.
pub fn counted_work_days(cal: &Calendar, window: &Window, now: Timestamp) -> Vec<(Date, Block)> {
    if window.end <= window.start {
        return Vec::new();
    }
    let from = cal.local_date(window.start);
    let to = cal.local_date(window.end);
    cal.work_days_between(from, to)
        .into_iter()
        .filter_map(|d| {
            let (s, e) = cal.work_window(d)?;
            (s >= window.start && e <= window.end && e <= now && e > s)
                .then_some((d, Block { start: s, end: e }))
        })
        .collect()
}

/// Splits one work window by the busy intervals `busy` (each with its
/// meeting id; any order, may overlap) into a [`FocusDay`].
pub fn split_day(
    person: &str,
    date: Date,
    work: Block,
    busy: &[(Timestamp, Timestamp, &str)],
    min_block: SignedDuration,
) -> FocusDay {
    let mut clipped: Vec<(Timestamp, Timestamp, &str)> = busy
        .iter()
        .map(|(s, e, id)| ((*s).max(work.start), (*e).min(work.end), *id))
        .filter(|(s, e, _)| e > s)
        .collect();
    clipped.sort();
    // Merge into busy blocks, each with the meetings inside it.
    let mut blocks: Vec<(Timestamp, Timestamp, BTreeSet<&str>)> = Vec::new();
    for (s, e, id) in clipped {
        match blocks.last_mut() {
            Some((_, be, ids)) if s <= *be => {
                *be = (*be).max(e);
                ids.insert(id);
            }
            _ => blocks.push((s, e, BTreeSet::from([id]))),
        }
    }
    let mut focus_blocks = Vec::new();
    let mut fragmented = SignedDuration::ZERO;
    let mut fragmenting: BTreeSet<&str> = BTreeSet::new();
    let mut prev_end = work.start;
    for i in 0..=blocks.len() {
        let next_start = blocks.get(i).map_or(work.end, |b| b.0);
        let gap = next_start.duration_since(prev_end);
        if gap >= min_block {
            focus_blocks.push(Block {
                start: prev_end,
                end: next_start,
            });
        } else if gap > SignedDuration::ZERO {
            fragmented += gap;
            for j in [i.checked_sub(1), Some(i)].into_iter().flatten() {
                if let Some(b) = blocks.get(j) {
                    fragmenting.extend(b.2.iter().copied());
                }
            }
        }
        if let Some(b) = blocks.get(i) {
            prev_end = b.1;
        }
    }
    let busy_total: SignedDuration = blocks.iter().map(|b| b.1.duration_since(b.0)).sum();
    let ids: BTreeSet<&str> = blocks.iter().flat_map(|b| b.2.iter().copied()).collect();
    FocusDay {
        person: person.to_string(),
        date,
        work_hours: hours(work.end.duration_since(work.start)),
        meeting_hours: hours(busy_total),
        focus_hours: focus_blocks.iter().map(Block::hours).sum(),
        fragmented_hours: hours(fragmented),
        focus_blocks,
        meeting_ids: ids.into_iter().map(str::to_string).collect(),
        fragmenting_meeting_ids: fragmenting.into_iter().map(str::to_string).collect(),
    }
}

fn roster(stretches: &BTreeMap<String, Vec<StretchRef<'_>>>, people: &[String]) -> BTreeSet<String> {
    if people.is_empty() {
        stretches.keys().cloned().collect()
    } else {
        people.iter().cloned().collect()
    }
}

/// Focus time per person and counted work day, sorted by person then date.
/// See the module doc for the definitions.
pub fn focus_days(
    meetings: &[Meeting],
    cal: &Calendar,
    people: &[String],
    window: &Window,
    now: Timestamp,
    params: &FocusParams,
) -> Vec<FocusDay> {
    let stretches = stretches_by_person_with(meetings, |_| None);
    focus_days_from(&stretches, cal, people, window, now, params)
}

/// [`focus_days`] over stretches already grouped by person (see
/// [`stretches_by_person_with`]).
pub fn focus_days_from(
    stretches: &BTreeMap<String, Vec<StretchRef<'_>>>,
    cal: &Calendar,
    people: &[String],
    window: &Window,
    now: Timestamp,
    params: &FocusParams,
) -> Vec<FocusDay> {
    let days = counted_work_days(cal, window, now);
    let min_block = SignedDuration::from_mins(i64::from(params.min_block_minutes));
    let mut out = Vec::new();
    for person in roster(stretches, people) {
        // Stretches by the local dates they touch.
        let mut by_date: BTreeMap<Date, Vec<(Timestamp, Timestamp, &str)>> = BTreeMap::new();
        for &(start, end, meeting) in stretches.get(&person).into_iter().flatten() {
            let mut d = cal.local_date(start);
            let last = cal.local_date(end);
            while d <= last {
                by_date.entry(d).or_default().push((start, end, meeting));
                match d.tomorrow() {
                    Ok(n) => d = n,
                    Err(_) => break,
                }
            }
        }
        for (date, work) in &days {
            let busy = by_date.get(date).map(Vec::as_slice).unwrap_or_default();
            out.push(split_day(&person, *date, *work, busy, min_block));
        }
    }
    out
}

/// A person-week with no meeting and no counted day (every figure zero).
pub(crate) fn empty_week(person: &str, week: Date) -> PersonWeek {
    PersonWeek {
        person: person.to_string(),
        week_start: week,
        work_days: 0,
        work_hours: 0.0,
        meeting_hours: 0.0,
        meetings: 0,
        meeting_ids: Vec::new(),
        meeting_hours_in_work_hours: 0.0,
        focus_hours: 0.0,
        fragmented_hours: 0.0,
        fragmenting_meetings: 0,
        fragmenting_meeting_ids: Vec::new(),
    }
}

/// Sets the figures of `row` that add up its counted work days (`days`, in
/// date order): work days and hours, busy hours in work hours, focus and
/// fragmented hours (summed in date order from zero), and the distinct
/// fragmenting meetings.
pub(crate) fn fill_days<'d>(row: &mut PersonWeek, days: impl IntoIterator<Item = &'d FocusDay>) {
    row.work_days = 0;
    row.work_hours = 0.0;
    row.meeting_hours_in_work_hours = 0.0;
    row.focus_hours = 0.0;
    row.fragmented_hours = 0.0;
    let mut fragmenting: Vec<&str> = Vec::new();
    for d in days {
        row.work_days += 1;
        row.work_hours += d.work_hours;
        row.meeting_hours_in_work_hours += d.meeting_hours;
        row.focus_hours += d.focus_hours;
        row.fragmented_hours += d.fragmented_hours;
        fragmenting.extend(d.fragmenting_meeting_ids.iter().map(String::as_str));
    }
    fragmenting.sort_unstable();
    fragmenting.dedup();
    row.fragmenting_meetings = fragmenting.len();
    row.fragmenting_meeting_ids = fragmenting.into_iter().map(str::to_string).collect();
}

/// Meeting load and focus time per person-week, sorted by person then week:
/// the weeks with counted work days or meetings inside `window` (up to
/// `now`). Meeting hours cover all attendance that week inside the window;
/// focus, fragmentation and in-work-hours busy time cover the counted days.
pub fn person_weeks(
    meetings: &[Meeting],
    cal: &Calendar,
    people: &[String],
    window: &Window,
    now: Timestamp,
    params: &FocusParams,
) -> Vec<PersonWeek> {
    let stretches = stretches_by_person_with(meetings, |_| None);
    person_weeks_from(&stretches, cal, people, window, now, params)
}

/// [`person_weeks`] over stretches already grouped by person (see
/// [`stretches_by_person_with`]).
pub fn person_weeks_from(
    stretches: &BTreeMap<String, Vec<StretchRef<'_>>>,
    cal: &Calendar,
    people: &[String],
    window: &Window,
    now: Timestamp,
    params: &FocusParams,
) -> Vec<PersonWeek> {
    let roster = roster(stretches, people);
    let clipped = Window::new(window.start, window.end.min(now));
    let mut rows: BTreeMap<(String, Date), PersonWeek> = BTreeMap::new();
    let empty = empty_week;
    for m in load_from(stretches, &cal.tz, Some(&clipped)) {
        if !roster.contains(&m.person) {
            continue;
        }
        let row = rows
            .entry((m.person.clone(), m.week_start))
            .or_insert_with(|| empty(&m.person, m.week_start));
        row.meeting_hours = m.meeting_hours;
        row.meetings = m.meetings;
        row.meeting_ids = m.meeting_ids;
    }
    let days = focus_days_from(stretches, cal, people, window, now, params);
    // Days come sorted by person then date: each week of a person is a run.
    for run in days.chunk_by(|a, b| a.person == b.person && monday_of(a.date) == monday_of(b.date)) {
        if let Some(first) = run.first() {
            let week = monday_of(first.date);
            let row = rows
                .entry((first.person.clone(), week))
                .or_insert_with(|| empty(&first.person, week));
            fill_days(row, run);
        }
    }
    rows.into_values().collect()
}
