//! The query parameters the replay server evaluates, so incremental requests
//! get what the real provider would answer (see FORMAT.md, "Queries").
//!
//! Owns: GitHub's `since` on list pages, and the part of Jira's JQL a sync
//! sends: `updated >= "yyyy/MM/dd HH:mm"` (also `>`, `-` as date separator,
//! date only), read in the account's time zone, and `ORDER BY updated
//! [ASC|DESC]`. Everything else in a JQL is left to route matching. Must
//! not: read files or render pages.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde_json::Value;

use super::pages::Style;

/// The instant an item is ordered and filtered by, from its JSON: GitHub
/// commits `commit.committer.date`, other GitHub items `updated_at`, Jira
/// issues `fields.updated`. `None` for other styles or when absent.
pub(crate) fn stamp(style: Style, item: &Value) -> Option<Timestamp> {
    let text = match style {
        Style::GithubLink => item
            .pointer("/commit/committer/date")
            .or_else(|| item.get("updated_at"))?
            .as_str()?,
        Style::JiraToken | Style::JiraStartat => item.pointer("/fields/updated")?.as_str()?,
        _ => return None,
    };
    parse_instant(text)
}

/// RFC 3339, or Jira's `2026-01-05T09:00:00.000+0000`.
fn parse_instant(text: &str) -> Option<Timestamp> {
    text.parse::<Timestamp>().ok().or_else(|| {
        jiff::fmt::strtime::parse("%Y-%m-%dT%H:%M:%S%.f%z", text)
            .ok()?
            .to_timestamp()
            .ok()
    })
}

/// What a request asks of a collection: a lower bound and an order.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Selection {
    /// Keep items at or after this instant (or strictly after, with `strict`).
    pub(crate) since: Option<Timestamp>,
    /// `>` rather than `>=`.
    pub(crate) strict: bool,
    /// `Some(true)` ascending, `Some(false)` descending.
    pub(crate) ascending: Option<bool>,
}

impl Selection {
    /// True when it changes nothing.
    pub(crate) fn is_none(&self) -> bool {
        self.since.is_none() && self.ascending.is_none()
    }

    /// Indices of the items kept, in the order asked for (stable).
    pub(crate) fn apply(&self, stamps: &[Option<Timestamp>]) -> Vec<usize> {
        let mut kept: Vec<usize> = (0..stamps.len())
            .filter(|&i| match (self.since, stamps[i]) {
                (None, _) => true,
                (Some(since), Some(t)) => t > since || (!self.strict && t == since),
                (Some(_), None) => false,
            })
            .collect();
        if let Some(asc) = self.ascending {
            // Items without a time stay last, in file order.
            kept.sort_by(|&a, &b| match (stamps[a], stamps[b]) {
                (Some(x), Some(y)) if asc => x.cmp(&y),
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
        }
        kept
    }
}

/// The selection a request's parameters make for `style`; `tz` is the zone
/// JQL date literals are read in.
pub(crate) fn selection(style: Style, params: &[(String, String)], tz: &TimeZone) -> Selection {
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    match style {
        Style::GithubLink => Selection {
            since: param("since").and_then(parse_instant),
            ..Selection::default()
        },
        Style::JiraToken | Style::JiraStartat => param("jql").map_or_else(Selection::default, |q| jql(q, tz)),
        _ => Selection::default(),
    }
}

/// Reads `updated >= "…"` / `updated > "…"` and `ORDER BY updated [ASC|DESC]`.
fn jql(text: &str, tz: &TimeZone) -> Selection {
    let lower = text.to_ascii_lowercase();
    let mut out = Selection::default();
    if let Some(at) = lower.find("updated") {
        let rest = &text[at + "updated".len()..];
        let rest = rest.trim_start();
        let (strict, rest) = if let Some(r) = rest.strip_prefix(">=") {
            (false, r)
        } else if let Some(r) = rest.strip_prefix('>') {
            (true, r)
        } else {
            (false, "")
        };
        let rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix('"').or_else(|| rest.strip_prefix('\''))
            && let Some(end) = r.find(['"', '\''])
            && let Some(t) = jql_date(&r[..end], tz)
        {
            out.since = Some(t);
            out.strict = strict;
        }
    }
    if let Some(at) = lower.find("order by updated") {
        let rest = lower[at + "order by updated".len()..].trim_start();
        out.ascending = Some(!rest.starts_with("desc"));
    }
    out
}

/// A JQL date literal (`yyyy/MM/dd HH:mm`, `yyyy-MM-dd HH:mm`, or a date)
/// in `tz`.
fn jql_date(literal: &str, tz: &TimeZone) -> Option<Timestamp> {
    let norm = literal.trim().replace('/', "-");
    let civil: DateTime = if norm.len() <= 10 {
        norm.parse::<jiff::civil::Date>().ok()?.at(0, 0, 0, 0)
    } else {
        jiff::fmt::strtime::parse("%Y-%m-%d %H:%M", &norm)
            .ok()?
            .to_datetime()
            .ok()?
    };
    tz.to_ambiguous_zoned_datetime(civil)
        .compatible()
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn jql_since_is_read_in_the_account_zone() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap_or(TimeZone::UTC);
        let s = jql(
            "project = ALP AND updated >= \"2026/01/05 10:58\" ORDER BY updated ASC",
            &berlin,
        );
        assert_eq!(s.since, Some(ts("2026-01-05T09:58:00Z")));
        assert!(!s.strict);
        assert_eq!(s.ascending, Some(true));
        let d = jql(
            "project = ALP AND updated > '2026-01-05' order by updated desc",
            &TimeZone::UTC,
        );
        assert_eq!(d.since, Some(ts("2026-01-05T00:00:00Z")));
        assert!(d.strict);
        assert_eq!(d.ascending, Some(false));
        assert!(jql("project = ALP", &TimeZone::UTC).is_none());
    }

    #[test]
    fn selection_filters_and_orders_stably() {
        let stamps = vec![
            Some(ts("2026-01-03T00:00:00Z")),
            None,
            Some(ts("2026-01-01T00:00:00Z")),
            Some(ts("2026-01-02T00:00:00Z")),
        ];
        let asc = Selection {
            since: None,
            strict: false,
            ascending: Some(true),
        };
        assert_eq!(asc.apply(&stamps), vec![2, 3, 0, 1]);
        let since = Selection {
            since: Some(ts("2026-01-02T00:00:00Z")),
            strict: false,
            ascending: None,
        };
        assert_eq!(since.apply(&stamps), vec![0, 3]);
        let strict = Selection {
            strict: true,
            ..since
        };
        assert_eq!(strict.apply(&stamps), vec![0]);
    }

    #[test]
    fn stamps_come_from_each_providers_field() {
        let commit = serde_json::json!({ "commit": { "committer": { "date": "2026-01-05T09:00:00Z" } } });
        assert_eq!(
            stamp(Style::GithubLink, &commit),
            Some(ts("2026-01-05T09:00:00Z"))
        );
        let issue = serde_json::json!({ "fields": { "updated": "2026-01-05T10:00:00.000+0100" } });
        assert_eq!(stamp(Style::JiraToken, &issue), Some(ts("2026-01-05T09:00:00Z")));
        assert_eq!(stamp(Style::SlackCursor, &issue), None);
    }
}
