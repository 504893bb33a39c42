//! Burndown: remaining story points per work day of a sprint, against the
//! ideal line, with the scope changes marked on the day they happened.
//!
//! Definitions (team calendar, see [`Calendar`]; instants in UTC, days in the
//! team's time zone):
//! - **Days**: the work days from the start's local date to the planned end's
//!   local date (for a closed sprint: to its completion's local date; for an
//!   active sprint past its end: to `as_of`'s). When the sprint closed (or is
//!   evaluated) on a day off, that day is added so the series ends there.
//! - **Point of a day**: the end of that local day (the next local midnight,
//!   DST-correct), or the sprint's evaluation instant if earlier. The last
//!   point with a value is the evaluation instant itself, so it equals the
//!   sprint's remaining points at close ([`SprintHealth::remaining_points`]).
//! - **Remaining** at an instant: committed points plus the change to the
//!   remaining points of every sprint event up to it ([`SprintEvent::remaining_delta`]).
//!   `None` for days after the evaluation instant.
//! - **Ideal**: committed points × (1 − elapsed work share), where the elapsed
//!   work share is the work time (work hours of work days) from start to the
//!   point divided by the work time from start to the planned end. Days off
//!   and nights keep the ideal flat; a DST change does not bend it.
//! - **Scope changes of a day**: the scope events ([`SprintEvent::is_scope_change`])
//!   after the previous point and up to this one; a change made on a day off
//!   is marked on the next work day shown (its own timestamp is kept).
//!
//! Units: story points; unestimated issues count 0.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;
use super::sprint::{EventKind, SprintEvent, SprintHealth};

/// Work time (seconds) inside the calendar's work hours of its work days
/// between `from` and `to`; 0 when `to` ≤ `from`.
pub fn work_seconds(cal: &Calendar, from: Timestamp, to: Timestamp) -> f64 {
    if to <= from {
        return 0.0;
    }
    let last = cal.local_date(to);
    let mut d = cal.local_date(from);
    let mut total = 0.0;
    while d <= last {
        if let Some((ws, we)) = cal.work_window(d) {
            let (s, e) = (ws.max(from), we.min(to));
            if e > s {
                total += e.duration_since(s).as_secs_f64();
            }
        }
        match d.checked_add(1.day()) {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    total
}

/// Work days whose work hours are not over at `now` and begin before `end`
/// (today counts while its work hours last).
pub fn work_days_left(cal: &Calendar, now: Timestamp, end: Timestamp) -> usize {
    if end <= now {
        return 0;
    }
    cal.work_days_between(cal.local_date(now), cal.local_date(end))
        .into_iter()
        .filter_map(|d| cal.work_window(d))
        .filter(|(ws, we)| *we > now && *ws < end)
        .count()
}

/// The next local midnight after the start of `d` (the end of day `d`).
fn end_of_day(cal: &Calendar, d: Date) -> Option<Timestamp> {
    d.checked_add(1.day())
        .ok()?
        .to_zoned_datetime(cal.tz.clone())
        .ok()
        .map(|z| z.timestamp())
}

/// One day of a burndown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BurndownDay {
    /// Team-local date.
    pub date: Date,
    /// Whether it is a work day (a day off appears only as the closing day).
    pub work_day: bool,
    /// The instant the values describe, UTC.
    pub at: Timestamp,
    /// Ideal remaining points.
    pub ideal_points: f64,
    /// Actual remaining points; `None` for days not reached yet.
    pub remaining_points: Option<f64>,
    /// Scope changes marked on this day.
    pub scope_changes: Vec<SprintEvent>,
    /// Keys of the issues completed on this day.
    pub completed_keys: Vec<String>,
}

/// A sprint's burndown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Burndown {
    /// Sprint id.
    pub sprint_id: u64,
    /// Sprint name.
    pub name: String,
    /// Start, UTC.
    pub start: Timestamp,
    /// Planned end, UTC.
    pub end: Option<Timestamp>,
    /// The sprint's evaluation instant (close, or `as_of`), UTC.
    pub evaluated_at: Timestamp,
    /// Points at start (committed), where both lines begin.
    pub start_points: f64,
    /// One entry per day.
    pub days: Vec<BurndownDay>,
}

impl Burndown {
    /// The value of the last day with an actual value.
    pub fn last_remaining(&self) -> Option<f64> {
        self.days.iter().rev().find_map(|d| d.remaining_points)
    }
}

/// The burndown of `h` (a health from [`super::sprint::sprint_health`]).
pub fn burndown(h: &SprintHealth, cal: &Calendar) -> Burndown {
    let start = h.start;
    let eval = h.evaluated_at.max(start);
    let planned_end = h.end.unwrap_or(eval).max(start);
    let total = work_seconds(cal, start, planned_end);
    let ideal = |at: Timestamp| {
        let share = if total > 0.0 {
            (work_seconds(cal, start, at.min(planned_end)) / total).clamp(0.0, 1.0)
        } else if at >= planned_end {
            1.0
        } else {
            0.0
        };
        h.committed_points * (1.0 - share)
    };
    let first = cal.local_date(start);
    let eval_date = cal.local_date(eval);
    let last = if h.complete.is_some() {
        eval_date
    } else {
        cal.local_date(planned_end).max(eval_date)
    };
    let mut dates = cal.work_days_between(first, last);
    if !cal.is_work_day(eval_date) && eval_date >= first {
        dates.push(eval_date);
        dates.sort();
    }
    let mut days = Vec::with_capacity(dates.len());
    let mut remaining = h.committed_points;
    let mut events = h.events.iter().peekable();
    for d in dates {
        let eod = end_of_day(cal, d).unwrap_or(eval);
        let reached = d <= eval_date;
        let at = if reached { eod.min(eval) } else { eod };
        let mut scope_changes = Vec::new();
        let mut completed_keys = Vec::new();
        if reached {
            while let Some(e) = events.next_if(|e| e.at <= at) {
                remaining += e.remaining_delta();
                if e.is_scope_change() {
                    scope_changes.push(e.clone());
                } else if e.kind == EventKind::Completed {
                    completed_keys.push(e.key.clone());
                }
            }
        }
        days.push(BurndownDay {
            date: d,
            work_day: cal.is_work_day(d),
            at,
            ideal_points: ideal(at),
            remaining_points: reached.then_some(remaining),
            scope_changes,
            completed_keys,
        });
    }
    Burndown {
        sprint_id: h.id,
        name: h.name.clone(),
        start,
        end: h.end,
        evaluated_at: eval,
        start_points: h.committed_points,
        days,
    }
}
