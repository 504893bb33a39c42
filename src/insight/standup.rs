//! Standups from real activity: per person and per team, over the last work
//! day of the team's calendar.
//!
//! Window: from 00:00 (team time) of the last work day before today until
//! the clock. Per person:
//! - **done**: issues that became done in the window (not done at its start,
//!   done now; the assignee when they became done), pull requests merged,
//!   reviews given on others' pull requests (latest state per pull request);
//! - **doing**: issues in progress now (assignee; epics left out), open pull
//!   requests (author);
//! - **blockers**: blockers open now ([`crate::analytics::blockers`]): flagged
//!   or Blocked issues and "blocked by" links (owner: assignee), and Slack
//!   messages reporting being blocked, unresolved (owner: author).
//!
//! Every item keeps its source link. Bots are left out. Identities map to
//! cockpit names through the [`Directory`]; activity no configured person
//! claims is counted in `unattributed`.
//!
//! Must not: fetch or store. [`TeamStandup::prompt`] is the only way its data
//! reaches an LLM, and every provider text in it goes through the gate.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::analytics::blockers::{BlockerOptions, BlockerSource, blockers};
use crate::analytics::calendar::Calendar;
use crate::analytics::sprint::{IssueHistory, JiraFields, StatusMap};
use crate::identity::Directory;
use crate::llm::budget::{Item, Prompt, Section};
use crate::llm::redact::Redactor;
use crate::model::{Meeting, Message, PullRequest, Record, Review, Source, Sprint, StatusCategory, WorkItem};

/// The records insights are computed from, split by kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Activity {
    /// Jira issues.
    pub items: Vec<WorkItem>,
    /// Sprints.
    pub sprints: Vec<Sprint>,
    /// Pull requests.
    pub prs: Vec<PullRequest>,
    /// Reviews.
    pub reviews: Vec<Review>,
    /// Chat messages.
    pub messages: Vec<Message>,
    /// Meetings.
    pub meetings: Vec<Meeting>,
}

impl Activity {
    /// Splits records by kind (kinds no insight uses are dropped).
    pub fn from_records(records: impl IntoIterator<Item = Record>) -> Activity {
        let mut a = Activity::default();
        for r in records {
            match r {
                Record::WorkItem(x) => a.items.push(x),
                Record::Sprint(x) => a.sprints.push(x),
                Record::PullRequest(x) => a.prs.push(x),
                Record::Review(x) => a.reviews.push(x),
                Record::Message(x) => a.messages.push(x),
                Record::Meeting(x) => a.meetings.push(x),
                _ => {}
            }
        }
        a
    }
}

/// What a standup line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An issue that became done.
    IssueDone,
    /// A pull request merged.
    PrMerged,
    /// A review given.
    ReviewGiven,
    /// An issue in progress.
    IssueInProgress,
    /// An open pull request.
    PrOpen,
    /// A blocked issue.
    IssueBlocked,
    /// A chat message reporting a blocker.
    ChatBlocker,
}

/// One standup line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandupItem {
    /// Kind.
    pub kind: ItemKind,
    /// `ALP-12`, `launchpad-api#41`, or `C123/1700000000.000100`.
    pub id: String,
    /// Title or message text as the provider has it (gated before any prompt).
    pub title: String,
    /// Short state: `In Review`, `approved`, `flagged, 30 h`.
    pub detail: Option<String>,
    /// Source link.
    pub link: Option<String>,
    /// When it happened (done items) or started (doing, blockers), UTC.
    pub at: Option<Timestamp>,
}

/// One person's standup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonStandup {
    /// Cockpit name.
    pub person: String,
    /// Done on the last work day.
    pub done: Vec<StandupItem>,
    /// In progress now.
    pub doing: Vec<StandupItem>,
    /// Open blockers.
    pub blockers: Vec<StandupItem>,
}

impl PersonStandup {
    fn new(person: &str) -> PersonStandup {
        PersonStandup {
            person: person.to_string(),
            done: Vec::new(),
            doing: Vec::new(),
            blockers: Vec::new(),
        }
    }

    /// No activity at all.
    pub fn is_empty(&self) -> bool {
        self.done.is_empty() && self.doing.is_empty() && self.blockers.is_empty()
    }
}

/// The team's standup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamStandup {
    /// Team name.
    pub team: String,
    /// Team time zone (IANA).
    pub time_zone: String,
    /// The last work day the standup reports on (team-local date).
    pub day: Date,
    /// Start of the window, UTC.
    pub since: Timestamp,
    /// The clock, UTC.
    pub as_of: Timestamp,
    /// One entry per configured person, in configuration order.
    pub people: Vec<PersonStandup>,
    /// Items whose person no configured identity claims.
    pub unattributed: usize,
}

impl TeamStandup {
    /// The standup of `name` (case-insensitive; a first name is enough when
    /// it is unique).
    pub fn person(&self, name: &str) -> Option<&PersonStandup> {
        let n = name.trim().to_lowercase();
        self.people
            .iter()
            .find(|p| p.person.to_lowercase() == n)
            .or_else(|| {
                let mut hits = self
                    .people
                    .iter()
                    .filter(|p| p.person.to_lowercase().split_whitespace().next() == Some(n.as_str()));
                match (hits.next(), hits.next()) {
                    (Some(p), None) => Some(p),
                    _ => None,
                }
            })
    }
}

/// The last work day strictly before `today` (looks back at most three weeks;
/// falls back to yesterday).
pub fn last_work_day(cal: &Calendar, today: Date) -> Date {
    let mut d = today;
    for _ in 0..21 {
        match d.checked_sub(1.day()) {
            Ok(prev) => d = prev,
            Err(_) => return today,
        }
        if cal.is_work_day(d) {
            return d;
        }
    }
    today.checked_sub(1.day()).unwrap_or(today)
}

fn short_repo(repo: &str) -> &str {
    repo.rsplit('/').next().unwrap_or(repo)
}

/// `launchpad-api#41`.
pub fn pr_id(repo: &str, number: u64) -> String {
    format!("{}#{number}", short_repo(repo))
}

/// A Slack permalink for `channel/ts` (the archive form Slack redirects to
/// the workspace).
pub fn slack_link(source_id: &str) -> Option<String> {
    let (channel, ts) = source_id.split_once('/')?;
    Some(format!(
        "https://slack.com/archives/{channel}/p{}",
        ts.replace('.', "")
    ))
}

fn hours(a: Timestamp, b: Timestamp) -> f64 {
    b.duration_since(a).as_secs_f64().max(0.0) / 3600.0
}

/// A short age: `5 h` under two days, else `3 d`.
pub fn age(h: f64) -> String {
    if h < 48.0 {
        format!("{h:.0} h")
    } else {
        format!("{:.0} d", h / 24.0)
    }
}

/// Computes the team standup as of `now`. `people` are the configured
/// cockpit names, in the order to show them.
pub fn team_standup(
    act: &Activity,
    dir: &Directory,
    people: &[String],
    cal: &Calendar,
    team: &str,
    now: Timestamp,
) -> TeamStandup {
    let day = last_work_day(cal, cal.local_date(now));
    let since = day
        .to_zoned_datetime(cal.tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or_else(|_| now.checked_sub(24.hours()).unwrap_or(now));
    let mut by: BTreeMap<String, PersonStandup> = people
        .iter()
        .map(|p| (p.clone(), PersonStandup::new(p)))
        .collect();
    let mut unattributed = 0usize;
    let mut put =
        |who: Option<&str>, f: &mut dyn FnMut(&mut PersonStandup)| match who.and_then(|w| by.get_mut(w)) {
            Some(p) => f(p),
            None => unattributed += 1,
        };
    let jira = |id: &str| dir.resolve(Source::Jira, id).map(str::to_string);
    let github = |login: &str| dir.resolve(Source::Github, login).map(str::to_string);
    let slack = |id: &str| {
        dir.resolve(Source::Slack, id)
            .or_else(|| dir.resolve(Source::SlackExport, id))
            .map(str::to_string)
    };

    // Blockers first: blocked issues are reported there, not under doing.
    let report = blockers(&act.items, &act.messages, now, since, &BlockerOptions::default());
    let mut blocked_keys = BTreeSet::new();
    for b in report.open.iter().filter(|b| b.source == BlockerSource::Jira) {
        if let Some(k) = &b.key {
            blocked_keys.insert(k.clone());
        }
    }
    for b in &report.open {
        let owner = b.owner.as_deref().and_then(|o| match b.source {
            BlockerSource::Jira => jira(o),
            BlockerSource::Slack => slack(o),
        });
        // A chat report about an issue already blocked in Jira adds nothing.
        if b.source == BlockerSource::Slack && b.key.as_ref().is_some_and(|k| blocked_keys.contains(k)) {
            continue;
        }
        let item = StandupItem {
            kind: match b.source {
                BlockerSource::Jira => ItemKind::IssueBlocked,
                BlockerSource::Slack => ItemKind::ChatBlocker,
            },
            id: b.key.clone().unwrap_or_else(|| b.source_id.clone()),
            title: b.detail.clone(),
            detail: Some(format!("{}, {}", b.reasons.join("; "), age(b.age_hours))),
            link: b.url.clone().or_else(|| slack_link(&b.source_id)),
            at: Some(b.since),
        };
        put(owner.as_deref(), &mut |p| p.blockers.push(item.clone()));
    }

    let statuses = StatusMap::from_items(&act.items);
    let fields = JiraFields::default();
    for i in &act.items {
        if i.issue_type.eq_ignore_ascii_case("epic") {
            continue;
        }
        let h = IssueHistory::new(i, &fields, &statuses);
        if !h.at(since).is_done()
            && let Some(t) = h.done_between(since, now)
            && h.at(now).is_done()
        {
            let owner = h.at(t).assignee.or_else(|| i.assignee.clone());
            let detail = i
                .resolution
                .as_deref()
                .filter(|r| !r.eq_ignore_ascii_case("done"))
                .map(|r| format!("closed as {r}"));
            let item = StandupItem {
                kind: ItemKind::IssueDone,
                id: i.key.clone(),
                title: i.summary.clone(),
                detail,
                link: Some(i.url.clone()),
                at: Some(t),
            };
            put(owner.as_deref().and_then(jira).as_deref(), &mut |p| {
                p.done.push(item.clone())
            });
        } else if i.status_category == StatusCategory::InProgress && !blocked_keys.contains(&i.key) {
            let started = i
                .changelog
                .iter()
                .rev()
                .find(|c| c.field.eq_ignore_ascii_case("status"))
                .map_or(i.created, |c| c.at);
            let item = StandupItem {
                kind: ItemKind::IssueInProgress,
                id: i.key.clone(),
                title: i.summary.clone(),
                detail: Some(format!("{}, {}", i.status, age(hours(started, now)))),
                link: Some(i.url.clone()),
                at: Some(started),
            };
            put(i.assignee.as_deref().and_then(jira).as_deref(), &mut |p| {
                p.doing.push(item.clone())
            });
        }
    }

    let pr_by_id: BTreeMap<(&str, u64), &PullRequest> =
        act.prs.iter().map(|p| ((p.repo.as_str(), p.number), p)).collect();
    for pr in act.prs.iter().filter(|p| !p.author_is_bot) {
        let who = github(&pr.author);
        if let Some(m) = pr.merged.filter(|m| *m > since && *m <= now) {
            let item = StandupItem {
                kind: ItemKind::PrMerged,
                id: pr_id(&pr.repo, pr.number),
                title: pr.title.clone(),
                detail: Some("merged".into()),
                link: Some(pr.url.clone()),
                at: Some(m),
            };
            put(who.as_deref(), &mut |p| p.done.push(item.clone()));
        } else if pr.state == "open" && pr.merged.is_none() && pr.created <= now {
            let opened = pr.ready_for_review.unwrap_or(pr.created);
            let state = if pr.draft { "draft" } else { "open" };
            let item = StandupItem {
                kind: ItemKind::PrOpen,
                id: pr_id(&pr.repo, pr.number),
                title: pr.title.clone(),
                detail: Some(format!("{state}, {}", age(hours(opened, now)))),
                link: Some(pr.url.clone()),
                at: Some(opened),
            };
            put(who.as_deref(), &mut |p| p.doing.push(item.clone()));
        }
    }

    // Reviews: the latest state per reviewer and pull request.
    let mut latest: BTreeMap<(String, &str, u64), &Review> = BTreeMap::new();
    for r in act.reviews.iter().filter(|r| {
        !r.reviewer_is_bot
            && r.submitted > since
            && r.submitted <= now
            && r.state != "PENDING"
            && r.state != "DISMISSED"
    }) {
        let slot = latest
            .entry((r.reviewer.to_lowercase(), r.repo.as_str(), r.pr_number))
            .or_insert(r);
        if r.submitted > slot.submitted {
            *slot = r;
        }
    }
    for ((_, repo, number), r) in latest {
        let pr = pr_by_id.get(&(repo, number));
        if pr.is_some_and(|p| p.author.eq_ignore_ascii_case(&r.reviewer)) {
            continue;
        }
        let item = StandupItem {
            kind: ItemKind::ReviewGiven,
            id: pr_id(repo, number),
            title: pr.map(|p| p.title.clone()).unwrap_or_default(),
            detail: Some(r.state.to_lowercase().replace('_', " ")),
            link: pr.map(|p| p.url.clone()),
            at: Some(r.submitted),
        };
        put(github(&r.reviewer).as_deref(), &mut |p| p.done.push(item.clone()));
    }

    let mut out: Vec<PersonStandup> = people.iter().filter_map(|p| by.remove(p)).collect();
    for p in &mut out {
        p.done.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
        p.doing.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.id.cmp(&b.id)));
        p.blockers.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
    }
    TeamStandup {
        team: team.to_string(),
        time_zone: cal.tz.iana_name().unwrap_or("UTC").to_string(),
        day,
        since,
        as_of: now,
        people: out,
        unattributed,
    }
}

const SYSTEM: &str = "You write a short daily standup for a software team from structured activity \
facts. Use only the facts given and invent nothing. Per person write at most three short lines: \
Done, Doing, Blockers (blockers first when there are any). Keep item ids such as ALP-12 or repo#41 so \
readers can find them. Plain text, no preamble.";

fn weight(kind: ItemKind) -> u32 {
    match kind {
        ItemKind::IssueBlocked | ItemKind::ChatBlocker => 90,
        ItemKind::IssueDone => 70,
        ItemKind::PrMerged => 65,
        ItemKind::IssueInProgress => 55,
        ItemKind::PrOpen => 45,
        ItemKind::ReviewGiven => 35,
    }
}

/// One item as a prompt line, through the gate. A pull request titled after
/// an issue already listed (`ALP-29: ...`) names the issue instead of
/// repeating its title.
fn line(gate: &Redactor<'_>, it: &StandupItem, listed: &BTreeSet<&str>) -> String {
    let title = gate.line(&it.title, 90);
    let id = match it.kind {
        ItemKind::ReviewGiven => format!("reviewed {}", it.id),
        ItemKind::ChatBlocker => "chat".to_string(),
        _ => it.id.clone(),
    };
    let issue = title.split_once(':').map(|(k, _)| k.trim()).filter(|k| {
        matches!(
            it.kind,
            ItemKind::PrMerged | ItemKind::PrOpen | ItemKind::ReviewGiven
        ) && listed.contains(k)
    });
    let mut s = match issue {
        Some(key) => format!("{id} for {key}"),
        None if title.is_empty() => id,
        None => format!("{id} \"{title}\""),
    };
    if let Some(d) = &it.detail {
        s.push_str(&format!(" ({})", gate.line(d, 80)));
    }
    s
}

impl TeamStandup {
    fn section(&self, gate: &Redactor<'_>, p: &PersonStandup) -> Section {
        let listed: BTreeSet<&str> = p
            .done
            .iter()
            .chain(&p.doing)
            .chain(&p.blockers)
            .filter(|i| {
                matches!(
                    i.kind,
                    ItemKind::IssueDone | ItemKind::IssueInProgress | ItemKind::IssueBlocked
                )
            })
            .map(|i| i.id.as_str())
            .collect();
        let mut items = Vec::new();
        for (label, list) in [("blockers", &p.blockers), ("done", &p.done), ("doing", &p.doing)] {
            for it in list {
                items.push(
                    Item::new(
                        line(gate, it, &listed),
                        weight(it.kind),
                        format!("standup.{label}"),
                    )
                    .label(label)
                    .link(it.link.clone()),
                );
            }
        }
        Section {
            title: p.person.clone(),
            items,
            empty_note: "no recorded activity on the last work day".into(),
        }
    }

    /// The prompt for the whole team, or for one person (`only`).
    pub fn prompt(&self, gate: &Redactor<'_>, only: Option<&str>) -> Prompt {
        let people: Vec<&PersonStandup> = match only {
            Some(name) => self.person(name).into_iter().collect(),
            None => self.people.iter().collect(),
        };
        let tz = jiff::tz::TimeZone::get(&self.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let local = |t: Timestamp| {
            t.to_zoned_datetime(tz.clone())
                .strftime("%a %Y-%m-%d %H:%M")
                .to_string()
        };
        let who = match people.as_slice() {
            [one] if only.is_some() => one.person.clone(),
            _ => self.team.clone(),
        };
        let newest = people
            .iter()
            .flat_map(|p| p.done.iter().chain(&p.doing).chain(&p.blockers))
            .filter_map(|i| i.at)
            .max()
            .unwrap_or(self.since);
        Prompt {
            kind: "standup".into(),
            title: format!("Standup: {who}, {}", self.day.strftime("%a %Y-%m-%d")),
            system: SYSTEM.into(),
            context: vec![format!(
                "Standup of team {} for work day {} ({}); activity from {} to {}.",
                self.team,
                self.day,
                self.time_zone,
                local(self.since),
                local(self.as_of)
            )],
            sections: people.iter().map(|p| self.section(gate, p)).collect(),
            task: if only.is_some() {
                format!("Write {who}'s standup.")
            } else {
                "Write the team standup, one block per person.".into()
            },
            event_time: newest,
        }
    }
}
