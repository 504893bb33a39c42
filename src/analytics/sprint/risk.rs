//! The at-risk verdict of an active sprint: the pace of its burndown against
//! the work time and work days left (team calendar, DST-correct).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::SprintHealth;
use crate::analytics::burndown::{work_days_left, work_seconds};
use crate::analytics::calendar::Calendar;

/// The at-risk verdict of an active sprint, with the figures behind it.
///
/// Definition: `scope` = remaining + completed points now; the *elapsed
/// share* is the work time (team calendar: work days and hours, DST-correct)
/// from `start` to `as_of` divided by the work time from `start` to the
/// planned end; the *ideal remaining* is scope × (1 − elapsed share). At risk
/// when remaining − ideal remaining > tolerance × scope, or when no work day
/// is left and points remain, or when nothing in the sprint is estimated
/// while issues are unestimated (pace cannot be measured). Points per work
/// day: observed = completed ÷ elapsed work days; required = remaining ÷ work
/// days left (a started work day counts as left).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Risk {
    /// The verdict.
    pub at_risk: bool,
    /// One sentence with the numbers.
    pub reason: String,
    /// Remaining points now.
    pub remaining_points: f64,
    /// Remaining + completed points now.
    pub scope_points: f64,
    /// Share of the sprint's work time elapsed, 0..=1.
    pub elapsed_work_share: f64,
    /// Scope × (1 − elapsed share).
    pub ideal_remaining_points: f64,
    /// Work days (or parts of one) left until the planned end.
    pub work_days_left: usize,
    /// Completed points per elapsed work day; `None` before one has elapsed.
    pub observed_points_per_day: Option<f64>,
    /// Remaining points per work day left; `None` when none is left.
    pub required_points_per_day: Option<f64>,
}

fn fmt_points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    }
}

/// The at-risk verdict of an active sprint (definition on [`Risk`]).
pub fn risk(h: &SprintHealth, cal: &Calendar, as_of: Timestamp, tolerance: f64) -> Risk {
    let end = h.end.unwrap_or(as_of).max(h.start);
    let total = work_seconds(cal, h.start, end);
    let elapsed = work_seconds(cal, h.start, as_of.min(end));
    let share = if total > 0.0 {
        (elapsed / total).clamp(0.0, 1.0)
    } else if as_of >= end {
        1.0
    } else {
        0.0
    };
    let remaining = h.remaining_points;
    let scope = remaining + h.completed_points;
    let ideal = scope * (1.0 - share);
    let days_left = work_days_left(cal, as_of, end);
    let day_secs = (cal.end.duration_since(cal.start).as_secs_f64()).max(1.0);
    let elapsed_days = elapsed / day_secs;
    let observed = (elapsed_days >= 1.0).then(|| h.completed_points / elapsed_days);
    let required = (days_left > 0).then(|| remaining / days_left as f64);
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let (at_risk, reason) = if scope == 0.0 && h.unestimated_issues > 0 {
        (
            true,
            format!(
                "nothing in the sprint is estimated ({} unestimated issue(s)): its pace cannot be measured",
                h.unestimated_issues
            ),
        )
    } else if scope == 0.0 {
        (false, "the sprint holds no estimated work".to_string())
    } else if days_left == 0 && remaining > 0.0 {
        (
            true,
            format!(
                "{} of {} points remain and no work day is left",
                fmt_points(remaining),
                fmt_points(scope)
            ),
        )
    } else if remaining - ideal > tolerance * scope {
        (
            true,
            format!(
                "{} of {} points remain with {} of the work time gone (ideal {}); {} work day(s) left need {} points/day{}",
                fmt_points(remaining),
                fmt_points(scope),
                pct(share),
                fmt_points((ideal * 10.0).round() / 10.0),
                days_left,
                fmt_points((required.unwrap_or(remaining) * 10.0).round() / 10.0),
                observed
                    .map(|o| format!(" against {} so far", fmt_points((o * 10.0).round() / 10.0)))
                    .unwrap_or_default()
            ),
        )
    } else {
        (
            false,
            format!(
                "on pace: {} of {} points remain with {} of the work time gone (ideal {})",
                fmt_points(remaining),
                fmt_points(scope),
                pct(share),
                fmt_points((ideal * 10.0).round() / 10.0)
            ),
        )
    };
    Risk {
        at_risk,
        reason,
        remaining_points: remaining,
        scope_points: scope,
        elapsed_work_share: share,
        ideal_remaining_points: ideal,
        work_days_left: days_left,
        observed_points_per_day: observed,
        required_points_per_day: required,
    }
}
