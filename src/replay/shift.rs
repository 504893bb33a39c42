//! The whole-week date shift that keeps replayed payloads looking current.
//!
//! Owns: computing the shift (`floor((now - anchor) / 7 days) * 7 days`) and
//! rewriting every timestamp inside a JSON payload by it, keeping each value's
//! original text format (fractional digits, `Z`, `+0000` or `+01:00`).
//! Must not: touch anything that is not a date (a string is shifted only when
//! the *whole* string is a date or date-time), or know about HTTP.
//!
//! Because the shift is a whole number of weeks, an instant written with a
//! fixed offset keeps its clock time and offset: only the calendar date moves.
//! So a value is rewritten by validating it completely (date, time, offset)
//! and then replacing just its leading `YYYY-MM-DD`. That is what keeps
//! `2014-01-07T09:00:00.000+01:00` in exactly that shape.

use jiff::civil::{Date, Time};
use jiff::tz::Offset;
use jiff::{SignedDuration, Span, Timestamp};
use serde_json::{Number, Value};

const WEEK_SECS: i64 = 7 * 24 * 60 * 60;
const WEEK_NANOS: i128 = WEEK_SECS as i128 * 1_000_000_000;

/// Slack keys whose string values are epoch seconds (`"1427135634.000066"`).
/// `edited.ts` is covered by `ts`.
const SLACK_TS_KEYS: [&str; 4] = ["ts", "thread_ts", "latest_reply", "last_read"];
/// Slack keys whose values are integer epoch seconds.
const SLACK_EPOCH_KEYS: [&str; 2] = ["created", "updated"];
/// Epoch numbers from here on are milliseconds (as seconds: year 5138).
const EPOCH_MILLIS_FROM: i64 = 100_000_000_000;

/// The whole-week shift from `anchor` to `now`, rounded down (towards the
/// past) so that `now` is never earlier than the shifted anchor.
pub(crate) fn whole_weeks(anchor: Timestamp, now: Timestamp) -> SignedDuration {
    let nanos = now.duration_since(anchor).as_nanos();
    let weeks = nanos.div_euclid(WEEK_NANOS);
    // The range of `Timestamp` (about ±10,000 years) keeps this far inside i64.
    let secs = i64::try_from(weeks)
        .ok()
        .and_then(|w| w.checked_mul(WEEK_SECS))
        .unwrap_or(0);
    SignedDuration::from_secs(secs)
}

/// A ready-to-apply shift: the same amount in days (for dates) and seconds
/// (for Slack epochs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shifter {
    days: i64,
    secs: i64,
}

impl Shifter {
    pub(crate) fn new(shift: SignedDuration) -> Shifter {
        let secs = shift.as_secs();
        Shifter {
            days: secs.div_euclid(24 * 60 * 60),
            secs,
        }
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.secs == 0
    }

    /// Shifts every date in `value` in place. `slack` turns on the Slack
    /// epoch keys (`ts`, `created`, ...), which mean nothing elsewhere.
    pub(crate) fn shift_json(&self, value: &mut Value, slack: bool) {
        if self.is_zero() {
            return;
        }
        self.walk(value, None, slack);
    }

    fn walk(&self, value: &mut Value, key: Option<&str>, slack: bool) {
        match value {
            Value::String(text) => {
                if let Some(new) = self.shift_keyed(key, text, slack) {
                    *text = new;
                }
            }
            Value::Number(number) => {
                if let Some(k) = key
                    && slack
                    && SLACK_EPOCH_KEYS.contains(&k)
                    && let Some(new) = self.shift_epoch_number(number)
                {
                    *number = new;
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.walk(item, None, slack);
                }
            }
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    self.walk(v, Some(k.as_str()), slack);
                }
            }
            Value::Null | Value::Bool(_) => {}
        }
    }

    /// A string value under `key`, by the same rules as inside payloads.
    /// Also used for the query values of `routes.json`, so that a route
    /// keyed on a recorded Slack `ts` still matches the shifted `ts` a client
    /// read from a shifted payload.
    pub(crate) fn shift_keyed(&self, key: Option<&str>, text: &str, slack: bool) -> Option<String> {
        if self.is_zero() {
            return None;
        }
        match key {
            Some(k) if slack && (SLACK_TS_KEYS.contains(&k) || SLACK_EPOCH_KEYS.contains(&k)) => {
                self.shift_epoch_text(text)
            }
            _ => self.shift_text(text),
        }
    }

    /// A whole string that is a date or date-time, or a Jira sprint string
    /// with dates inside; `None` when there is nothing to shift.
    pub(crate) fn shift_text(&self, text: &str) -> Option<String> {
        if let Some(shifted) = self.shift_stamp(text) {
            return Some(shifted);
        }
        if text.contains("Sprint@") && text.contains('[') {
            return self.shift_sprint(text);
        }
        None
    }

    /// `YYYY-MM-DD` with an optional `THH:MM[:SS[.f]]` and optional offset
    /// (`Z`, `±HH:MM`, `±HHMM`, `±HH`).
    pub(crate) fn shift_stamp(&self, text: &str) -> Option<String> {
        let (date, rest) = parse_stamp(text)?;
        let shifted = date.checked_add(Span::new().try_days(self.days).ok()?).ok()?;
        if !(0..=9999).contains(&shifted.year()) {
            return None;
        }
        Some(format!("{shifted}{rest}"))
    }

    /// `com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=7,...,
    /// startDate=2014-01-07T09:00:00.000+01:00,...]`: every `key=value`
    /// field whose value is a date-time is shifted; the rest is kept.
    fn shift_sprint(&self, text: &str) -> Option<String> {
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        let mut rest = text;
        while let Some(eq) = rest.find('=') {
            let (head, tail) = rest.split_at(eq + 1);
            out.push_str(head);
            let end = tail.find([',', ']']).unwrap_or(tail.len());
            let (field, after) = tail.split_at(end);
            match self.shift_stamp(field) {
                Some(shifted) => {
                    out.push_str(&shifted);
                    changed = true;
                }
                None => out.push_str(field),
            }
            rest = after;
        }
        out.push_str(rest);
        changed.then_some(out)
    }

    /// Slack epoch strings: `"1427135634.000066"` or `"1452837318"`; the
    /// fractional part (a message id suffix) is kept verbatim.
    fn shift_epoch_text(&self, text: &str) -> Option<String> {
        let (secs, frac) = match text.split_once('.') {
            Some((secs, frac)) => (secs, Some(frac)),
            None => (text, None),
        };
        if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if let Some(frac) = frac
            && !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let shifted = secs.parse::<i64>().ok()?.checked_add(self.secs)?;
        if shifted < 0 {
            return None;
        }
        Some(match frac {
            Some(frac) => format!("{shifted}.{frac}"),
            None => shifted.to_string(),
        })
    }

    /// Slack integer epochs (`"created": 1459052866`); a float stays a float.
    /// Slack gives some `updated` values in milliseconds (`1678229664302`):
    /// a value too large for seconds of this era is shifted as milliseconds.
    fn shift_epoch_number(&self, number: &Number) -> Option<Number> {
        if let Some(int) = number.as_i64() {
            let step = if int.abs() >= EPOCH_MILLIS_FROM {
                self.secs.checked_mul(1000)?
            } else {
                self.secs
            };
            return Some(Number::from(int.checked_add(step)?));
        }
        if number.is_f64() {
            let float = number.as_f64()? + self.secs as f64;
            return Number::from_f64(float);
        }
        None
    }
}

/// Validates a whole date or date-time and splits it into its date and the
/// untouched remainder (`"T09:00:00.000+0000"`, or `""` for a date).
fn parse_stamp(text: &str) -> Option<(Date, &str)> {
    let bytes = text.as_bytes();
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = digits(bytes, 0, 4)?;
    let month = digits(bytes, 5, 2)?;
    let day = digits(bytes, 8, 2)?;
    let date = Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()?;
    let rest = text.get(10..)?;
    if rest.is_empty() || valid_time_and_offset(rest.as_bytes()) {
        Some((date, rest))
    } else {
        None
    }
}

/// `THH:MM[:SS[(.|,)f{1,9}]][Z|±HH:MM|±HHMM|±HH]`, all of it.
fn valid_time_and_offset(bytes: &[u8]) -> bool {
    let parsed = (|| {
        if bytes.first() != Some(&b'T') || bytes.get(3) != Some(&b':') {
            return None;
        }
        let hour = digits(bytes, 1, 2)?;
        let minute = digits(bytes, 4, 2)?;
        let mut at = 6;
        let mut second = 0;
        if bytes.get(at) == Some(&b':') {
            second = digits(bytes, at + 1, 2)?;
            at += 3;
            if matches!(bytes.get(at), Some(b'.' | b',')) {
                let count = bytes[at + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
                if !(1..=9).contains(&count) {
                    return None;
                }
                at += 1 + count;
            }
        }
        Time::new(
            i8::try_from(hour).ok()?,
            i8::try_from(minute).ok()?,
            i8::try_from(second).ok()?,
            0,
        )
        .ok()?;
        valid_offset(bytes.get(at..)?).then_some(())
    })();
    parsed.is_some()
}

fn valid_offset(bytes: &[u8]) -> bool {
    let sign = match bytes.first() {
        None => return true, // a civil date-time: shifted by whole days too
        Some(b'Z' | b'z') => return bytes.len() == 1,
        Some(b'+') => 1,
        Some(b'-') => -1,
        Some(_) => return false,
    };
    let hours = digits(bytes, 1, 2);
    let minutes = match bytes.len() {
        3 => Some(0),
        5 => digits(bytes, 3, 2),
        6 if bytes[3] == b':' => digits(bytes, 4, 2),
        _ => None,
    };
    match (hours, minutes) {
        (Some(h), Some(m)) if m < 60 => Offset::from_seconds(sign * (h * 3600 + m * 60)).is_ok(),
        _ => false,
    }
}

/// `len` ASCII digits at `at` as a number, or `None`.
fn digits(bytes: &[u8], at: usize, len: usize) -> Option<i32> {
    let field = bytes.get(at..at + len)?;
    field.iter().try_fold(0i32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + i32::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn two_weeks() -> Shifter {
        Shifter::new(SignedDuration::from_secs(2 * WEEK_SECS))
    }

    fn ts(text: &str) -> Timestamp {
        text.parse()
            .unwrap_or_else(|e| panic!("bad test timestamp {text}: {e}"))
    }

    #[test]
    fn whole_weeks_rounds_down_towards_the_past() {
        let anchor = ts("2026-01-05T09:00:00Z");
        assert_eq!(whole_weeks(anchor, anchor), SignedDuration::ZERO);
        assert_eq!(
            whole_weeks(anchor, ts("2026-01-12T08:59:59Z")),
            SignedDuration::ZERO
        );
        assert_eq!(
            whole_weeks(anchor, ts("2026-01-12T09:00:00Z")),
            SignedDuration::from_secs(WEEK_SECS)
        );
        assert_eq!(
            whole_weeks(anchor, ts("2026-01-05T08:59:59.5Z")),
            SignedDuration::from_secs(-WEEK_SECS)
        );
    }

    #[test]
    fn every_provider_format_keeps_its_shape() {
        let s = two_weeks();
        let cases = [
            ("2026-01-05T09:00:00Z", "2026-01-19T09:00:00Z"),
            ("2026-01-05T09:00:00.000Z", "2026-01-19T09:00:00.000Z"),
            ("2026-01-05T09:00:00.000+0000", "2026-01-19T09:00:00.000+0000"),
            ("2026-01-05T09:00:00+01:00", "2026-01-19T09:00:00+01:00"),
            (
                "2025-12-29T23:30:00.123456-05:00",
                "2026-01-12T23:30:00.123456-05:00",
            ),
            ("2026-01-05", "2026-01-19"),
            ("2026-01-05T09:00", "2026-01-19T09:00"),
        ];
        for (input, want) in cases {
            assert_eq!(s.shift_text(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn non_dates_are_left_alone() {
        let s = two_weeks();
        for text in [
            "",
            "hello",
            "2026-13-05",
            "2026-02-30",
            "2026-01-05 is the day",
            "2026-01-05T25:00:00Z",
            "2026-01-05T09:00:00+2500x",
            "2026-01-05T09:00:00.Z",
            "v2026-01-05",
            "2026-01-05T09:00:00.0000000000Z",
        ] {
            assert_eq!(s.shift_text(text), None, "{text:?}");
        }
    }

    #[test]
    fn jira_sprint_strings_are_shifted_inside() {
        let s = two_weeks();
        let input = "com.atlassian.greenhopper.service.sprint.Sprint@14b1c359[id=7,rapidViewId=3,\
                     state=CLOSED,name=Sprint 1,startDate=2014-01-07T09:00:00.000+01:00,\
                     endDate=2014-01-21T09:00:00.000+01:00,completeDate=<null>,sequence=7]";
        let want = "com.atlassian.greenhopper.service.sprint.Sprint@14b1c359[id=7,rapidViewId=3,\
                    state=CLOSED,name=Sprint 1,startDate=2014-01-21T09:00:00.000+01:00,\
                    endDate=2014-02-04T09:00:00.000+01:00,completeDate=<null>,sequence=7]";
        assert_eq!(s.shift_text(input).as_deref(), Some(want));
    }

    #[test]
    fn slack_epochs_shift_only_for_slack_keys() {
        let s = two_weeks();
        let secs = 2 * WEEK_SECS;
        let mut value = json!({
            "ts": "1427135634.000066",
            "edited": { "ts": "1427135700.000000", "user": "U1" },
            "thread_ts": "1427135634.000066",
            "created": 1459052866,
            "updated": 1486999900.0,
            "channel": { "updated": 1678229664302_i64 },
            "name": "1427135634.000066",
            "date": "2026-01-05"
        });
        s.shift_json(&mut value, true);
        assert_eq!(value["ts"], json!(format!("{}.000066", 1427135634 + secs)));
        assert_eq!(
            value["edited"]["ts"],
            json!(format!("{}.000000", 1427135700 + secs))
        );
        assert_eq!(value["created"], json!(1459052866 + secs));
        assert_eq!(value["updated"], json!(1486999900.0 + secs as f64));
        assert_eq!(
            value["channel"]["updated"],
            json!(1678229664302_i64 + secs * 1000)
        );
        assert_eq!(value["name"], json!("1427135634.000066"));
        assert_eq!(value["date"], json!("2026-01-19"));

        let mut other = json!({ "ts": "1427135634.000066", "created": 1459052866 });
        s.shift_json(&mut other, false);
        assert_eq!(other, json!({ "ts": "1427135634.000066", "created": 1459052866 }));
    }

    #[test]
    fn zero_shift_changes_nothing() {
        let s = Shifter::new(SignedDuration::ZERO);
        let mut value = json!({ "at": "2026-01-05T09:00:00Z", "ts": "1.2" });
        let before = value.clone();
        s.shift_json(&mut value, true);
        assert_eq!(value, before);
    }
}
