//! Meeting load: hours in meetings per person per week, from actual attendance.
//!
//! Definition: for each person (attendance matched by email, else by name) and
//! each ISO week (Monday 00:00 in the team's time zone), the length of the
//! *union* of their attendance intervals: overlapping meetings count once and
//! a re-join inside the same meeting is merged with the earlier stretch. An
//! interval crossing a week boundary is split at it. The meeting count is the
//! number of distinct meetings the person attended that week. Units: hours
//! (decimal), UTC instants in, team-local weeks out.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::model::Meeting;

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

/// Merges intervals and returns their total length.
fn union_length(mut spans: Vec<(Timestamp, Timestamp)>) -> SignedDuration {
    spans.sort();
    let mut total = SignedDuration::ZERO;
    let mut cur: Option<(Timestamp, Timestamp)> = None;
    for (s, e) in spans {
        match cur {
            Some((cs, ce)) if s <= ce => cur = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce.duration_since(cs);
                cur = Some((s, e));
            }
            None => cur = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = cur {
        total += ce.duration_since(cs);
    }
    total
}

/// Meeting hours per person and week, sorted by person then week.
pub fn meeting_load(meetings: &[Meeting], tz: &TimeZone) -> Vec<MeetingWeek> {
    type Key = (String, Date);
    let mut spans: BTreeMap<Key, Vec<(Timestamp, Timestamp)>> = BTreeMap::new();
    let mut ids: BTreeMap<Key, BTreeSet<String>> = BTreeMap::new();
    for m in meetings {
        for a in &m.attendance {
            if a.leave <= a.join {
                continue;
            }
            let person = a
                .email
                .as_deref()
                .filter(|e| !e.is_empty())
                .map_or_else(|| a.name.clone(), str::to_lowercase);
            // Split at week boundaries.
            let mut s = a.join;
            while s < a.leave {
                let week = week_start(s, tz);
                let next = week
                    .checked_add(7.days())
                    .ok()
                    .and_then(|d| start_of_day(d, tz))
                    .unwrap_or(a.leave);
                let e = a.leave.min(next).max(s);
                let key = (person.clone(), week);
                spans.entry(key.clone()).or_default().push((s, e));
                ids.entry(key).or_default().insert(m.meta.source_id.clone());
                if e <= s {
                    break;
                }
                s = e;
            }
        }
    }
    spans
        .into_iter()
        .map(|((person, week), v)| {
            let meeting_ids: Vec<String> = ids
                .get(&(person.clone(), week))
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default();
            MeetingWeek {
                meeting_hours: union_length(v).as_secs_f64() / 3600.0,
                meetings: meeting_ids.len(),
                person,
                week_start: week,
                meeting_ids,
            }
        })
        .collect()
}
