//! Blockers: work reported as blocked, from Jira and from Slack, each with an
//! owner, an age and the id of its source.
//!
//! ## Jira
//! An issue is *blocked* at an instant when it is open (not in the done
//! category) and at least one of: it is flagged; its status is one of
//! [`BlockerOptions::blocked_statuses`] ("Blocked"); it has a link whose
//! relation is one of [`BlockerOptions::blocked_by_relations`] ("is blocked
//! by") to an issue that is open then (an issue not in the records counts as
//! open). Flag, status and links are replayed from the changelog (links from
//! its `Link` entries; a link with no entry has existed since the issue was
//! created). A *blocker* is one maximal stretch of time an issue is blocked:
//! `since` is its start, `resolved_at` its end (`None` while it lasts at
//! `as_of`), `reasons` every signal seen during it. Owner: the assignee at
//! the end of the stretch (or `as_of`), else the reporter. Source: the issue
//! key and browse URL.
//!
//! ## Slack
//! A message (not from a bot, not housekeeping) *reports a blocker* when its
//! text contains one of [`BlockerOptions::report_phrases`] as whole words
//! ("blocked on", "is stuck", "waiting on"; "unblocked" never matches
//! "blocked"). One blocker per thread at a time: later reports in the same
//! thread while it is open add nothing. It is *resolved* at the first of:
//! - a later message in the thread that contains one of
//!   [`BlockerOptions::resolve_phrases`] ("unblocked", "resolved", "fixed",
//!   "done") not negated by one of the two words before it ("not done") and
//!   that does not itself report a blocker;
//! - a status change, after the report, of the first Jira key in the report's
//!   text (the blocked issue), or any mentioned key reaching the done category.
//!
//! Owner: the author of the report. Source: the message's `channel/ts`.
//! Unresolved reports younger than [`BlockerOptions::slack_threshold_hours`]
//! are not blockers yet; their ids are listed apart.
//!
//! ## Report
//! `open`: blockers unresolved at `as_of`, oldest first. `resolved`: blockers
//! resolved in `[since, as_of]`, in order of resolution. Age: hours from
//! `since` to `resolved_at` (or `as_of`), decimal.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::sprint::{IssueHistory, JiraFields, StatusMap};
use crate::model::{Message, WorkItem};

/// Knobs of blocker detection.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockerOptions {
    /// Changelog fields (the flag).
    pub fields: JiraFields,
    /// Status names meaning blocked (case-insensitive).
    pub blocked_statuses: Vec<String>,
    /// Link relations, from the blocked issue's side (case-insensitive).
    pub blocked_by_relations: Vec<String>,
    /// Phrases that report a blocker in chat (lower case, whole words).
    pub report_phrases: Vec<String>,
    /// Phrases that resolve one (lower case, whole words).
    pub resolve_phrases: Vec<String>,
    /// A chat blocker counts once unresolved for this long, hours.
    pub slack_threshold_hours: f64,
}

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| (*s).to_string()).collect()
}

impl Default for BlockerOptions {
    fn default() -> Self {
        BlockerOptions {
            fields: JiraFields::default(),
            blocked_statuses: strings(&["Blocked"]),
            blocked_by_relations: strings(&["is blocked by"]),
            report_phrases: strings(&[
                "blocked on",
                "blocked by",
                "is blocked",
                "am blocked",
                "i'm blocked",
                "im blocked",
                "we're blocked",
                "still blocked",
                "is stuck",
                "i'm stuck",
                "stuck on",
                "waiting on",
                "waiting for",
                "can't proceed",
                "cannot proceed",
                "can't continue",
                "cannot continue",
            ]),
            resolve_phrases: strings(&["unblocked", "no longer blocked", "resolved", "fixed", "done"]),
            slack_threshold_hours: 24.0,
        }
    }
}

/// Where a blocker was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockerSource {
    /// A Jira issue (flag, status or link).
    Jira,
    /// A Slack message or thread.
    Slack,
}

/// One blocker and the evidence behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blocker {
    /// Where it was reported.
    pub source: BlockerSource,
    /// Issue key (Jira) or first Jira key mentioned (Slack).
    pub key: Option<String>,
    /// Signals seen: `flagged`, `status Blocked`, `is blocked by ALP-3`,
    /// or the phrase that reported it.
    pub reasons: Vec<String>,
    /// Keys of the blocking issues (links) or every key mentioned (Slack).
    pub blocking_keys: Vec<String>,
    /// Account id (Jira) or user id (Slack) of the owner.
    pub owner: Option<String>,
    /// Start, UTC.
    pub since: Timestamp,
    /// End, UTC; `None` while unresolved.
    pub resolved_at: Option<Timestamp>,
    /// What ended it.
    pub resolution: Option<String>,
    /// Hours from `since` to `resolved_at` or `as_of`.
    pub age_hours: f64,
    /// Issue key, or Slack `channel/ts` of the report.
    pub source_id: String,
    /// Browse URL (Jira); Slack links are built from `source_id` by the caller.
    pub url: Option<String>,
    /// Issue summary, or the message text (first 200 characters).
    pub detail: String,
}

/// Blockers as of an instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockerReport {
    /// Evaluation instant, UTC.
    pub as_of: Timestamp,
    /// Unresolved at `as_of`, oldest first.
    pub open: Vec<Blocker>,
    /// Resolved in `[since, as_of]`, in order of resolution.
    pub resolved: Vec<Blocker>,
    /// Slack reports unresolved but younger than the threshold (`channel/ts`).
    pub slack_below_threshold: Vec<String>,
}

fn hours(from: Timestamp, to: Timestamp) -> f64 {
    to.duration_since(from).as_secs_f64().max(0.0) / 3600.0
}

/// Blockers from Jira issues and Slack messages (definitions in the module
/// doc). `since` starts the window for resolved blockers; `as_of` is the clock.
pub fn blockers(
    items: &[WorkItem],
    messages: &[Message],
    as_of: Timestamp,
    since: Timestamp,
    opts: &BlockerOptions,
) -> BlockerReport {
    let statuses = StatusMap::from_items(items);
    let histories: Vec<IssueHistory<'_>> = items
        .iter()
        .map(|i| IssueHistory::new(i, &opts.fields, &statuses))
        .collect();
    blockers_of(&histories, messages, as_of, since, opts)
}

/// [`blockers`] over issue histories already built (with `opts.fields` and
/// the status map of all the issues).
pub fn blockers_of(
    histories: &[IssueHistory<'_>],
    messages: &[Message],
    as_of: Timestamp,
    since: Timestamp,
    opts: &BlockerOptions,
) -> BlockerReport {
    // By key (the last issue of a key wins); in key order for the report.
    let by_key: FxHashMap<&str, &IssueHistory<'_>> =
        histories.iter().map(|h| (h.item.key.as_str(), h)).collect();
    let histories = by_key;
    let mut ordered: Vec<&IssueHistory<'_>> = histories.values().copied().collect();
    ordered.sort_unstable_by_key(|h| h.item.key.as_str());
    let jira = ordered
        .into_iter()
        .flat_map(|h| jira_blockers(h, &histories, as_of, opts));
    let mut slack = slack_reports(messages, as_of, opts);
    resolve_slack(&mut slack, &histories, as_of);
    report_from(jira, slack, as_of, since, opts)
}

/// The report from the Jira blockers (in key order) and the Slack ones
/// ([`slack_reports`] resolved by [`resolve_slack`]): Slack reports still
/// unresolved and younger than the threshold are listed apart; open
/// blockers by start, resolved ones (since `since`) by resolution.
pub(crate) fn report_from(
    jira: impl Iterator<Item = Blocker>,
    slack: Vec<Blocker>,
    as_of: Timestamp,
    since: Timestamp,
    opts: &BlockerOptions,
) -> BlockerReport {
    let mut all: Vec<Blocker> = jira.collect();
    let mut below = Vec::new();
    for b in slack {
        if b.resolved_at.is_none() && b.age_hours < opts.slack_threshold_hours {
            below.push(b.source_id);
        } else {
            all.push(b);
        }
    }
    let (mut open, mut resolved): (Vec<Blocker>, Vec<Blocker>) =
        all.into_iter().partition(|b| b.resolved_at.is_none());
    resolved.retain(|b| b.resolved_at.is_some_and(|t| t >= since));
    open.sort_by(|a, b| a.since.cmp(&b.since).then_with(|| a.source_id.cmp(&b.source_id)));
    resolved.sort_by(|a, b| {
        a.resolved_at
            .cmp(&b.resolved_at)
            .then_with(|| a.source_id.cmp(&b.source_id))
    });
    below.sort();
    BlockerReport {
        as_of,
        open,
        resolved,
        slack_below_threshold: below,
    }
}

/// The keys of the issues `item` has ever been "blocked by" (its blocked-by
/// links, current or removed): its Jira blockers read their histories.
pub(crate) fn linked_keys(item: &WorkItem, opts: &BlockerOptions) -> Vec<String> {
    link_spans(item, &opts.blocked_by_relations)
        .into_iter()
        .map(|l| l.other)
        .collect()
}

/// A blocked-by link's lifetime: (other key, added at or None = always, removed at).
struct LinkSpan {
    other: String,
    from: Option<Timestamp>,
    to: Option<Timestamp>,
}

fn link_spans(item: &WorkItem, relations: &[String]) -> Vec<LinkSpan> {
    let mentions = |s: Option<&str>| {
        let s = s.unwrap_or_default().to_lowercase();
        relations.iter().any(|r| s.contains(&r.to_lowercase()))
    };
    let mut spans: Vec<LinkSpan> = Vec::new();
    for c in item
        .changelog
        .iter()
        .filter(|c| c.field.eq_ignore_ascii_case("link"))
    {
        if let Some(k) = c.to.as_deref().filter(|_| mentions(c.to_string.as_deref())) {
            spans.push(LinkSpan {
                other: k.to_string(),
                from: Some(c.at),
                to: None,
            });
        }
        if let Some(k) = c.from.as_deref().filter(|_| mentions(c.from_string.as_deref())) {
            match spans.iter_mut().rev().find(|s| s.other == k && s.to.is_none()) {
                Some(s) => s.to = Some(c.at),
                None => spans.push(LinkSpan {
                    other: k.to_string(),
                    from: None,
                    to: Some(c.at),
                }),
            }
        }
    }
    // Current links the changelog never mentions existed all along.
    for l in item.links.iter().filter(|l| {
        relations
            .iter()
            .any(|r| r.eq_ignore_ascii_case(l.relation.trim()))
    }) {
        if !spans.iter().any(|s| s.other == l.other_key) {
            spans.push(LinkSpan {
                other: l.other_key.clone(),
                from: None,
                to: None,
            });
        }
    }
    spans
}

pub(crate) fn jira_blockers(
    h: &IssueHistory<'_>,
    all: &FxHashMap<&str, &IssueHistory<'_>>,
    as_of: Timestamp,
    opts: &BlockerOptions,
) -> Vec<Blocker> {
    let item = h.item;
    if item.created > as_of {
        return Vec::new();
    }
    let links = link_spans(item, &opts.blocked_by_relations);
    // Instants where the verdict may change.
    let mut instants = vec![item.created];
    instants.extend(h.blocker_instants(as_of));
    for l in &links {
        instants.extend(l.from.iter().chain(l.to.iter()).copied().filter(|t| *t <= as_of));
        if let Some(o) = all.get(l.other.as_str()) {
            instants.extend(o.blocker_instants(as_of));
        }
    }
    instants.retain(|t| *t >= item.created && *t <= as_of);
    instants.sort();
    instants.dedup();
    let signals = |t: Timestamp| -> Vec<(String, Option<String>)> {
        let st = h.view(t);
        if st.is_done() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if st.flagged {
            out.push(("flagged".to_string(), None));
        }
        if opts
            .blocked_statuses
            .iter()
            .any(|s| s.eq_ignore_ascii_case(st.status.trim()))
        {
            out.push((format!("status {}", st.status), None));
        }
        for l in &links {
            let live = l.from.is_none_or(|f| f <= t) && l.to.is_none_or(|e| e > t);
            let other_open = all.get(l.other.as_str()).is_none_or(|o| !o.view(t).is_done());
            if live && other_open {
                out.push((format!("is blocked by {}", l.other), Some(l.other.clone())));
            }
        }
        out
    };
    let mut out = Vec::new();
    let mut cur: Option<Blocker> = None;
    for t in instants {
        let sig = signals(t);
        match (&mut cur, sig.is_empty()) {
            (None, false) => {
                let mut b = Blocker {
                    source: BlockerSource::Jira,
                    key: Some(item.key.clone()),
                    reasons: Vec::new(),
                    blocking_keys: Vec::new(),
                    owner: None,
                    since: t,
                    resolved_at: None,
                    resolution: None,
                    age_hours: 0.0,
                    source_id: item.key.clone(),
                    url: Some(item.url.clone()).filter(|u| !u.is_empty()),
                    detail: item.summary.clone(),
                };
                add_signals(&mut b, sig);
                cur = Some(b);
            }
            (Some(b), false) => add_signals(b, sig),
            (Some(b), true) => {
                let st = h.view(t);
                b.resolved_at = Some(t);
                b.resolution = Some(if st.is_done() {
                    format!("{} moved to {}", item.key, st.status)
                } else {
                    format!(
                        "no longer flagged, blocked or waiting on an open issue (status {})",
                        st.status
                    )
                });
                if let Some(b) = cur.take() {
                    out.push(b);
                }
            }
            (None, true) => {}
        }
    }
    out.extend(cur);
    for b in &mut out {
        let end = b.resolved_at.unwrap_or(as_of);
        b.age_hours = hours(b.since, end);
        b.owner = h
            .view(end)
            .assignee
            .map(str::to_string)
            .or_else(|| item.reporter.clone());
    }
    out
}

fn add_signals(b: &mut Blocker, sig: Vec<(String, Option<String>)>) {
    for (reason, key) in sig {
        if !b.reasons.contains(&reason) {
            b.reasons.push(reason);
        }
        if let Some(k) = key
            && !b.blocking_keys.contains(&k)
        {
            b.blocking_keys.push(k);
        }
    }
}

/// Lower-cased text with typographic apostrophes made plain.
fn normalise(text: &str) -> String {
    text.to_lowercase().replace(['\u{2019}', '\u{2018}'], "'")
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Byte offsets where `phrase` occurs in `text` as whole words.
fn find_phrase(text: &str, phrase: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text[from..].find(phrase) {
        let at = from + pos;
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
            out.push(at);
        }
        from = at + phrase.len().max(1);
        if from > text.len() {
            break;
        }
    }
    out
}

const NEGATORS: [&str; 10] = [
    "not", "isn't", "isnt", "wasn't", "never", "no", "aren't", "hasn't", "haven't", "nothing",
];

/// The first phrase of `phrases` in `text` (normalised), if any; with
/// `negatable`, an occurrence preceded within two words by a negator is
/// skipped.
fn matched<'p>(text: &str, phrases: &'p [String], negatable: bool) -> Option<&'p str> {
    phrases.iter().map(String::as_str).find(|p| {
        find_phrase(text, p).into_iter().any(|at| {
            !negatable || {
                let before: Vec<&str> = text[..at].split_whitespace().rev().take(2).collect();
                !before
                    .iter()
                    .any(|w| NEGATORS.contains(&w.trim_matches(|c: char| !is_word(c) && c != '\'')))
            }
        })
    })
}

/// Jira keys (`ABC-123`) in `text`, in order of appearance, without repeats.
pub fn jira_keys(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || !is_word(chars[i - 1]);
        if boundary && chars[i].is_ascii_uppercase() {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_uppercase() || chars[j].is_ascii_digit()) {
                j += 1;
            }
            if j < chars.len() && chars[j] == '-' {
                let mut k = j + 1;
                while k < chars.len() && chars[k].is_ascii_digit() {
                    k += 1;
                }
                if k > j + 1 && (k == chars.len() || !is_word(chars[k])) {
                    let key: String = chars[i..k].iter().collect();
                    if !out.contains(&key) {
                        out.push(key);
                    }
                    i = k;
                    continue;
                }
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Messages that are people talking (not bots, joins, deletions).
fn is_human(m: &Message) -> bool {
    m.user.is_some()
        && m.subtype
            .as_deref()
            .is_none_or(|s| matches!(s, "thread_broadcast" | "me_message" | "file_share"))
}

/// The Slack threads reporting a blocker, each resolved by its thread
/// saying so (not yet by the linked issue moving: [`resolve_slack`]).
pub(crate) fn slack_reports(messages: &[Message], as_of: Timestamp, opts: &BlockerOptions) -> Vec<Blocker> {
    let mut threads: BTreeMap<(&str, &str), Vec<&Message>> = BTreeMap::new();
    for m in messages
        .iter()
        .filter(|m| m.meta.event_time <= as_of && is_human(m))
    {
        let root = m.thread_ts.as_deref().unwrap_or(m.ts.as_str());
        threads.entry((m.channel.as_str(), root)).or_default().push(m);
    }
    let mut out = Vec::new();
    for msgs in threads.values_mut() {
        msgs.sort_by_key(|m| m.meta.event_time);
        let mut cur: Option<Blocker> = None;
        for m in msgs.iter() {
            let text = normalise(&m.text);
            let reports = matched(&text, &opts.report_phrases, false);
            if let Some(b) = &mut cur {
                if reports.is_none()
                    && let Some(p) = matched(&text, &opts.resolve_phrases, true)
                {
                    b.resolved_at = Some(m.meta.event_time);
                    b.resolution = Some(format!("thread reply {} says \"{p}\"", m.meta.source_id));
                    out.extend(cur.take());
                }
            } else if let Some(p) = reports {
                let keys = jira_keys(&m.text);
                cur = Some(Blocker {
                    source: BlockerSource::Slack,
                    key: keys.first().cloned(),
                    reasons: vec![format!("\"{p}\"")],
                    blocking_keys: keys,
                    owner: m.user.clone(),
                    since: m.meta.event_time,
                    resolved_at: None,
                    resolution: None,
                    age_hours: 0.0,
                    source_id: m.meta.source_id.clone(),
                    url: None,
                    detail: m.text.chars().take(200).collect(),
                });
            }
        }
        out.extend(cur);
    }
    out
}

/// Resolves Slack reports earlier (or at all) when the issue they name
/// moves (`issues`: every issue by key, or at least those the reports
/// name), and sets their age.
pub(crate) fn resolve_slack(
    out: &mut [Blocker],
    issues: &FxHashMap<&str, &IssueHistory<'_>>,
    as_of: Timestamp,
) {
    for b in out.iter_mut() {
        // The linked issue moving can resolve it earlier (or at all).
        let end = b.resolved_at.unwrap_or(as_of);
        let mut jira_end: Option<(Timestamp, String)> = None;
        for (n, k) in b.blocking_keys.iter().enumerate() {
            let Some(h) = issues.get(k.as_str()) else { continue };
            let moved = if n == 0 {
                first_status_change(h, b.since, end)
            } else {
                None
            };
            let done = h.done_between(b.since, end).filter(|t| *t > b.since);
            for t in moved.into_iter().chain(done) {
                if jira_end.as_ref().is_none_or(|(e, _)| t < *e) {
                    jira_end = Some((t, format!("{k} moved to {}", h.view(t).status)));
                }
            }
        }
        if let Some((t, why)) = jira_end
            && b.resolved_at.is_none_or(|r| t < r)
        {
            b.resolved_at = Some(t);
            b.resolution = Some(why);
        }
        b.age_hours = hours(b.since, b.resolved_at.unwrap_or(as_of));
    }
}

/// The first status change of `h` in `(after, to]`.
fn first_status_change(h: &IssueHistory<'_>, after: Timestamp, to: Timestamp) -> Option<Timestamp> {
    h.item
        .changelog
        .iter()
        .filter(|c| c.field.eq_ignore_ascii_case("status") && c.at > after && c.at <= to)
        .map(|c| c.at)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_whole_words_and_respect_negation() {
        let report = BlockerOptions::default().report_phrases;
        let resolve = BlockerOptions::default().resolve_phrases;
        assert_eq!(matched("blocked on alp-20", &report, false), Some("blocked on"));
        assert_eq!(matched("unblocked ✅", &report, false), None);
        assert_eq!(matched("shout if you're blocked.", &report, false), None);
        assert_eq!(matched("unblocked ✅", &resolve, true), Some("unblocked"));
        assert_eq!(matched("it's not done yet", &resolve, true), None);
        assert_eq!(matched("still unresolved", &resolve, true), None);
        assert_eq!(matched("fixed, thanks", &resolve, true), Some("fixed"));
    }

    #[test]
    fn jira_keys_in_order() {
        assert_eq!(
            jira_keys("I'm blocked on BET-26 until BET-12 lands; xBET-3, ALP-7x, BET-26"),
            vec!["BET-26".to_string(), "BET-12".to_string()]
        );
    }
}
