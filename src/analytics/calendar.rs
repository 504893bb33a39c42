//! The team's work calendar: time zone, work days, work hours. Every metric
//! that speaks of "work days" or "work hours" asks this, so daylight-saving
//! changes and week-ends are handled in one place (jiff does the zone rules).

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::config::TeamConfig;

/// Work days and hours in an IANA time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// The team's zone.
    pub tz: TimeZone,
    /// Work days, Monday = index 0.
    pub work_days: [bool; 7],
    /// Local start of the work day.
    pub start: Time,
    /// Local end of the work day.
    pub end: Time,
}

impl Calendar {
    /// The calendar of a (validated) team configuration.
    pub fn from_team(team: &TeamConfig) -> Calendar {
        let ((sh, sm), (eh, em)) = team.hours();
        let mut work_days = [false; 7];
        for (i, d) in work_days.iter_mut().enumerate() {
            let wd = jiff::civil::Weekday::from_monday_zero_offset(i as i8)
                .unwrap_or(jiff::civil::Weekday::Monday);
            *d = team.is_work_day(wd);
        }
        Calendar {
            tz: team.tz(),
            work_days,
            start: Time::constant(sh, sm, 0, 0),
            end: Time::constant(eh, em, 0, 0),
        }
    }

    /// Monday to Friday, 09:00-17:00, in `tz` (tests and defaults).
    pub fn weekdays(tz: TimeZone) -> Calendar {
        Calendar {
            tz,
            work_days: [true, true, true, true, true, false, false],
            start: Time::constant(9, 0, 0, 0),
            end: Time::constant(17, 0, 0, 0),
        }
    }

    /// The team-local date of an instant.
    pub fn local_date(&self, t: Timestamp) -> Date {
        t.to_zoned_datetime(self.tz.clone()).date()
    }

    /// Whether `d` is a work day.
    pub fn is_work_day(&self, d: Date) -> bool {
        self.work_days[d.weekday().to_monday_zero_offset() as usize]
    }

    /// The work-hours window of `d` as UTC instants, `None` on days off.
    /// Correct across daylight-saving changes: 09:00 local is found in the
    /// zone's rules for that very day.
    pub fn work_window(&self, d: Date) -> Option<(Timestamp, Timestamp)> {
        if !self.is_work_day(d) {
            return None;
        }
        let at = |t: Time| {
            d.to_datetime(t)
                .to_zoned_datetime(self.tz.clone())
                .ok()
                .map(|z| z.timestamp())
        };
        Some((at(self.start)?, at(self.end)?))
    }

    /// Work days from `from` to `to`, both included, in order.
    pub fn work_days_between(&self, from: Date, to: Date) -> Vec<Date> {
        let mut out = Vec::new();
        let mut d = from;
        while d <= to {
            if self.is_work_day(d) {
                out.push(d);
            }
            match d.checked_add(1.day()) {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_window_follows_dst() {
        let tz = TimeZone::get("Europe/Berlin").unwrap_or(TimeZone::UTC);
        let cal = Calendar::weekdays(tz);
        // Friday before the March 2026 change (CET, UTC+1): 09:00 local = 08:00 UTC.
        let fri = jiff::civil::date(2026, 3, 27);
        let (s, e) = cal.work_window(fri).unwrap_or_default();
        assert_eq!(s.to_string(), "2026-03-27T08:00:00Z");
        assert_eq!(e.to_string(), "2026-03-27T16:00:00Z");
        // Monday after (CEST, UTC+2): 09:00 local = 07:00 UTC.
        let mon = jiff::civil::date(2026, 3, 30);
        assert_eq!(
            cal.work_window(mon).map(|w| w.0.to_string()).as_deref(),
            Some("2026-03-30T07:00:00Z")
        );
        assert_eq!(cal.work_window(jiff::civil::date(2026, 3, 28)), None);
        assert_eq!(cal.work_days_between(fri, mon), vec![fri, mon]);
    }
}
