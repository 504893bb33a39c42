//! Copilot: a question, and the structured facts that bear on it, retrieved
//! for one viewer under the access rules, then a prompt that asks for an
//! answer citing those facts (`[F3]`).
//!
//! Retrieval is by topic (sprint, velocity, blockers, reviews, meetings,
//! people's work), chosen from the question's words and the people it names.
//! Facts are computed by our analytics; nothing raw is passed on.
//!
//! Access (the three rules of [`crate::access`]):
//! - a fact about one person (their merged pull requests, reviews, work in
//!   progress, meeting hours) is kept only for that person or a viewer with
//!   a strategic role; the other people a strategic viewer reads are listed
//!   in [`CopilotContext::subjects_read`] for the audit log;
//! - team figures are given only over groups of at least
//!   [`MIN_GROUP_SIZE`] people;
//! - blocker facts name their owner only to the owner and strategic viewers.
//!
//! Must not: fetch, store or write the audit log (the caller does).

use std::collections::{BTreeMap, BTreeSet};

use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::standup::{Activity, age, pr_id, slack_link};
use crate::access::{MIN_GROUP_SIZE, Viewer};
use crate::analytics::blockers::{BlockerOptions, BlockerSource, blockers};
use crate::analytics::calendar::Calendar;
use crate::analytics::flow::{Window, percentile_nearest_rank};
use crate::analytics::meetings::{meeting_load_in, week_start};
use crate::analytics::sprint::{SprintOptions, sprint_health};
use crate::analytics::velocity::velocity_rows;
use crate::identity::Directory;
use crate::insight::Evidence;
use crate::llm::budget::{Item, Prompt, Section};
use crate::llm::redact::Redactor;
use crate::model::{Source, SprintState, StatusCategory};

/// Days of activity behind individual and team figures.
pub const FIGURE_DAYS: i64 = 14;

/// What a fact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// Active sprints: progress and risk.
    Sprint,
    /// Completed points per sprint.
    Velocity,
    /// Open blockers.
    Blockers,
    /// Pull requests and reviews.
    Reviews,
    /// Meeting hours.
    Meetings,
    /// What a person is working on.
    Work,
}

impl Topic {
    fn title(self) -> &'static str {
        match self {
            Topic::Sprint => "Sprint",
            Topic::Velocity => "Velocity",
            Topic::Blockers => "Blockers",
            Topic::Reviews => "Pull requests and reviews",
            Topic::Meetings => "Meetings",
            Topic::Work => "Work in progress",
        }
    }

    fn weight(self) -> u32 {
        match self {
            Topic::Sprint => 80,
            Topic::Blockers => 75,
            Topic::Work => 70,
            Topic::Velocity => 60,
            Topic::Reviews => 55,
            Topic::Meetings => 50,
        }
    }

    const ALL: [Topic; 6] = [
        Topic::Sprint,
        Topic::Velocity,
        Topic::Blockers,
        Topic::Reviews,
        Topic::Meetings,
        Topic::Work,
    ];
}

/// One retrieved fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// `F1`, `F2`, ... in prompt order.
    pub id: String,
    /// Topic.
    pub topic: Topic,
    /// The fact, with its numbers.
    pub text: String,
    /// The one person it is about, for individual figures.
    pub subject: Option<String>,
    /// Items it rests on.
    pub cites: Vec<Evidence>,
}

/// The facts for one question and one viewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopilotContext {
    /// The question as asked.
    pub question: String,
    /// Viewer's cockpit name.
    pub viewer: String,
    /// Topics retrieved.
    pub topics: Vec<Topic>,
    /// Facts, in order.
    pub facts: Vec<Fact>,
    /// Notes on what the access rules held back.
    pub withheld: Vec<String>,
    /// Other people whose individual figures are in `facts` (to audit).
    pub subjects_read: Vec<String>,
    /// The clock, UTC.
    pub as_of: Timestamp,
}

const TOPIC_WORDS: [(Topic, &[&str]); 6] = [
    (
        Topic::Sprint,
        &[
            "sprint",
            "risk",
            "burndown",
            "scope",
            "commit",
            "goal",
            "deadline",
            "finish",
            "track",
            "remaining",
        ],
    ),
    (
        Topic::Velocity,
        &[
            "velocity",
            "point",
            "throughput",
            "say/do",
            "pace",
            "capacity",
            "estimate",
        ],
    ),
    (Topic::Blockers, &["block", "stuck", "waiting", "impediment"]),
    (Topic::Reviews, &["review", "pr", "prs", "pull", "merge", "code"]),
    (Topic::Meetings, &["meeting", "focus", "calendar", "call"]),
    (
        Topic::Work,
        &[
            "who", "working", "workload", "busy", "load", "doing", "assigned", "progress",
        ],
    ),
];

/// People named in the question (full name, or a first name that is unique),
/// and the viewer for "I", "me", "my".
fn people_named(question: &str, people: &[String], viewer: &str) -> BTreeSet<String> {
    let q = question.to_lowercase();
    let words: BTreeSet<String> = q
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut out = BTreeSet::new();
    for p in people {
        let full = p.to_lowercase();
        let first = full.split_whitespace().next().unwrap_or_default().to_string();
        let unique_first = people
            .iter()
            .filter(|o| o.to_lowercase().split_whitespace().next() == Some(first.as_str()))
            .count()
            == 1;
        if q.contains(&full) || (unique_first && words.contains(&first)) {
            out.insert(p.clone());
        }
    }
    if ["i", "me", "my", "mine", "i'm", "myself"]
        .iter()
        .any(|w| words.contains(*w))
    {
        out.insert(viewer.to_string());
    }
    out
}

fn topics_of(question: &str) -> BTreeSet<Topic> {
    let q = question.to_lowercase();
    let words: Vec<&str> = q.split(|c: char| !c.is_alphanumeric() && c != '/').collect();
    TOPIC_WORDS
        .iter()
        .filter(|(_, keys)| keys.iter().any(|k| words.iter().any(|w| w.starts_with(k))))
        .map(|(t, _)| *t)
        .collect()
}

fn pts(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    }
}

/// Retrieves the facts that bear on `question` for `viewer` as of `now`.
/// `people` are the configured cockpit names.
pub fn retrieve(
    question: &str,
    viewer: &Viewer,
    act: &Activity,
    dir: &Directory,
    people: &[String],
    cal: &Calendar,
    now: Timestamp,
) -> CopilotContext {
    let named = people_named(question, people, &viewer.name);
    let mut topics = topics_of(question);
    if !named.is_empty() {
        topics.insert(Topic::Work);
        if topics.len() == 1 {
            topics.insert(Topic::Reviews);
        }
    }
    if topics.is_empty() {
        topics.extend([Topic::Sprint, Topic::Blockers, Topic::Reviews]);
    }
    let allowed = |who: &str| who == viewer.name || viewer.is_strategic();
    let mut facts: Vec<Fact> = Vec::new();
    let mut withheld = BTreeSet::new();
    let mut push = |topic: Topic, text: String, subject: Option<String>, cites: Vec<Evidence>| {
        facts.push(Fact {
            id: String::new(),
            topic,
            text,
            subject,
            cites,
        });
    };
    let since = now.checked_sub((FIGURE_DAYS * 24).hours()).unwrap_or(now);
    let opts = SprintOptions::default();
    let need_sprints = topics.contains(&Topic::Sprint) || topics.contains(&Topic::Velocity);
    let health = if need_sprints {
        sprint_health(&act.sprints, &act.items, cal, now, &opts)
    } else {
        Vec::new()
    };

    if topics.contains(&Topic::Sprint) {
        for h in health.iter().filter(|h| h.state == SprintState::Active) {
            let risk = h.risk.as_ref().map_or_else(String::new, |r| {
                format!(
                    " {} {}",
                    if r.at_risk { "At risk:" } else { "On track:" },
                    r.reason.trim_end_matches('.')
                )
            });
            push(
                Topic::Sprint,
                format!(
                    "{} (active): committed {}, added {}, completed {}, remaining {} points; {} unestimated.{risk}.",
                    h.name,
                    pts(h.committed_points),
                    pts(h.added_points),
                    pts(h.completed_points),
                    pts(h.remaining_points),
                    h.unestimated_issues
                ),
                None,
                Vec::new(),
            );
        }
    }
    if topics.contains(&Topic::Velocity) {
        let rows = velocity_rows(&health);
        let mut per_board: BTreeMap<u64, Vec<_>> = BTreeMap::new();
        for r in rows.iter().filter(|r| r.state == SprintState::Closed) {
            per_board.entry(r.board_id).or_default().push(r);
        }
        for list in per_board.values() {
            for r in list.iter().rev().take(3) {
                push(
                    Topic::Velocity,
                    format!(
                        "{}: completed {} of {} committed points{}{}.",
                        r.name,
                        pts(r.completed_points),
                        pts(r.committed_points),
                        r.say_do_ratio
                            .map(|x| format!(" (say/do {:.0}%)", x * 100.0))
                            .unwrap_or_default(),
                        r.rolling_mean_3_points
                            .map(|m| format!(", 3-sprint mean {}", pts(m)))
                            .unwrap_or_default()
                    ),
                    None,
                    Vec::new(),
                );
            }
        }
    }
    if topics.contains(&Topic::Blockers) {
        let report = blockers(&act.items, &act.messages, now, since, &BlockerOptions::default());
        let jira_keys: BTreeSet<&str> = report
            .open
            .iter()
            .filter(|b| b.source == BlockerSource::Jira)
            .filter_map(|b| b.key.as_deref())
            .collect();
        // A chat report about an issue already blocked in Jira adds nothing.
        for b in report.open.iter().filter(|b| {
            b.source == BlockerSource::Jira || b.key.as_deref().is_none_or(|k| !jira_keys.contains(k))
        }) {
            let owner = b.owner.as_deref().and_then(|o| match b.source {
                BlockerSource::Jira => dir.resolve(Source::Jira, o),
                BlockerSource::Slack => dir.resolve(Source::Slack, o),
            });
            let what = match (&b.key, b.source) {
                (Some(k), BlockerSource::Jira) => k.clone(),
                (Some(k), BlockerSource::Slack) => format!("{k} (reported in chat)"),
                (None, _) => "a chat report".into(),
            };
            let mut text = format!(
                "{what} blocked for {}: {}",
                age(b.age_hours),
                b.reasons.join("; ")
            );
            match owner {
                Some(o) if allowed(o) => text.push_str(&format!(" (owner: {o})")),
                Some(_) => {
                    withheld.insert("the owners of other people's blockers".to_string());
                }
                None => {}
            }
            push(
                Topic::Blockers,
                text,
                None,
                vec![Evidence {
                    label: b.key.clone().unwrap_or_else(|| b.source_id.clone()),
                    url: b.url.clone().or_else(|| slack_link(&b.source_id)),
                }],
            );
        }
        if report.open.is_empty() {
            push(Topic::Blockers, "No open blockers.".into(), None, Vec::new());
        }
    }

    // Individual figures over the last FIGURE_DAYS days, per configured person.
    #[derive(Default)]
    struct Figures {
        merged: Vec<Evidence>,
        open: Vec<Evidence>,
        reviews: usize,
        in_progress: Vec<Evidence>,
    }
    let mut fig: BTreeMap<String, Figures> = people.iter().map(|p| (p.clone(), Figures::default())).collect();
    let mut merge_hours = Vec::new();
    for pr in act.prs.iter().filter(|p| !p.author_is_bot) {
        let Some(who) = dir.resolve(Source::Github, &pr.author) else {
            continue;
        };
        let ev = Evidence {
            label: pr_id(&pr.repo, pr.number),
            url: Some(pr.url.clone()),
        };
        if let Some(m) = pr.merged.filter(|m| *m > since && *m <= now) {
            merge_hours.push(m.duration_since(pr.created).as_secs_f64() / 3600.0);
            if let Some(f) = fig.get_mut(who) {
                f.merged.push(ev);
            }
        } else if pr.state == "open"
            && pr.merged.is_none()
            && let Some(f) = fig.get_mut(who)
        {
            f.open.push(ev);
        }
    }
    for r in act
        .reviews
        .iter()
        .filter(|r| !r.reviewer_is_bot && r.submitted > since && r.submitted <= now)
    {
        if let Some(f) = dir
            .resolve(Source::Github, &r.reviewer)
            .and_then(|w| fig.get_mut(w))
        {
            f.reviews += 1;
        }
    }
    for i in act
        .items
        .iter()
        .filter(|i| i.status_category == StatusCategory::InProgress)
    {
        if let Some(f) = i
            .assignee
            .as_deref()
            .and_then(|a| dir.resolve(Source::Jira, a))
            .and_then(|w| fig.get_mut(w))
        {
            f.in_progress.push(Evidence {
                label: i.key.clone(),
                url: Some(i.url.clone()),
            });
        }
    }
    let ids = |e: &[Evidence]| e.iter().map(|x| x.label.as_str()).collect::<Vec<_>>().join(", ");
    if topics.contains(&Topic::Reviews) {
        let authors = fig.values().filter(|f| !f.merged.is_empty()).count();
        let merged: usize = fig.values().map(|f| f.merged.len()).sum();
        let open: usize = fig.values().map(|f| f.open.len()).sum();
        let reviews: usize = fig.values().map(|f| f.reviews).sum();
        let reviewers = fig.values().filter(|f| f.reviews > 0).count();
        if authors >= MIN_GROUP_SIZE && reviewers >= MIN_GROUP_SIZE {
            push(
                Topic::Reviews,
                format!(
                    "Team, last {FIGURE_DAYS} days: {merged} pull requests merged by {authors} people{}; \
                     {reviews} reviews given by {reviewers} people; {open} pull requests open now.",
                    percentile_nearest_rank(&merge_hours, 50)
                        .map(|m| format!(", median {} from open to merge", age(m)))
                        .unwrap_or_default()
                ),
                None,
                Vec::new(),
            );
        } else if !viewer.is_strategic() {
            withheld.insert("team review figures (fewer than three people contributed)".to_string());
        }
    }
    for (who, f) in &fig {
        let asked = named.contains(who)
            || (named.is_empty() && viewer.is_strategic() && topics.contains(&Topic::Work));
        if !asked {
            continue;
        }
        if !allowed(who) {
            withheld.insert("other people's individual figures".to_string());
            continue;
        }
        if topics.contains(&Topic::Reviews) {
            push(
                Topic::Reviews,
                format!(
                    "{who}, last {FIGURE_DAYS} days: pull requests merged {}{}, reviews given {}, pull requests open now {}{}.",
                    f.merged.len(),
                    if f.merged.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", ids(&f.merged))
                    },
                    f.reviews,
                    f.open.len(),
                    if f.open.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", ids(&f.open))
                    },
                ),
                Some(who.clone()),
                f.merged.iter().chain(&f.open).cloned().collect(),
            );
        }
        if topics.contains(&Topic::Work) {
            push(
                Topic::Work,
                format!(
                    "{who}: issues in progress {}{}.",
                    f.in_progress.len(),
                    if f.in_progress.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", ids(&f.in_progress))
                    }
                ),
                Some(who.clone()),
                f.in_progress.clone(),
            );
        }
    }
    if topics.contains(&Topic::Meetings) {
        let mut meetings = act.meetings.clone();
        for m in &mut meetings {
            for a in &mut m.attendance {
                if let Some(n) = a.email.as_deref().and_then(|e| dir.by_email(e)) {
                    a.name = n.to_string();
                    a.email = None;
                }
            }
        }
        let week = week_start(now, &cal.tz);
        let load = meeting_load_in(&meetings, &cal.tz, &Window::new(since, now));
        let this_week: Vec<_> = load
            .iter()
            .filter(|w| w.week_start == week && people.contains(&w.person))
            .collect();
        if this_week.len() >= MIN_GROUP_SIZE {
            let mean = this_week.iter().map(|w| w.meeting_hours).sum::<f64>() / this_week.len() as f64;
            push(
                Topic::Meetings,
                format!(
                    "Team this week: {mean:.1} meeting hours per person on average ({} people).",
                    this_week.len()
                ),
                None,
                Vec::new(),
            );
        }
        for w in &this_week {
            let asked = named.contains(&w.person) || (named.is_empty() && w.person == viewer.name);
            if !asked {
                continue;
            }
            if !allowed(&w.person) {
                withheld.insert("other people's individual figures".to_string());
                continue;
            }
            push(
                Topic::Meetings,
                format!(
                    "{}: meeting hours this week {:.1}, meetings {}.",
                    w.person, w.meeting_hours, w.meetings
                ),
                Some(w.person.clone()),
                Vec::new(),
            );
        }
    }

    facts.sort_by_key(|f| Topic::ALL.iter().position(|t| *t == f.topic));
    for (i, f) in facts.iter_mut().enumerate() {
        f.id = format!("F{}", i + 1);
    }
    let subjects_read: BTreeSet<String> = facts
        .iter()
        .filter_map(|f| f.subject.clone())
        .filter(|s| *s != viewer.name)
        .collect();
    CopilotContext {
        question: question.trim().to_string(),
        viewer: viewer.name.clone(),
        topics: topics.into_iter().collect(),
        facts,
        withheld: withheld
            .into_iter()
            .map(|w| format!("Not shown to this viewer under the access rules: {w}."))
            .collect(),
        subjects_read: subjects_read.into_iter().collect(),
        as_of: now,
    }
}

const SYSTEM: &str = "You answer a team member's question about their software team using only the \
numbered facts given. Cite each fact you use like [F2]. If the facts do not answer the question, say \
what is missing. Never estimate or guess figures about individual people. Short, plain text.";

impl CopilotContext {
    /// The copilot prompt; the question passes the gate like any other text.
    pub fn prompt(&self, gate: &Redactor<'_>, viewer_role: &str) -> Prompt {
        let mut sections: Vec<Section> = Vec::new();
        for t in Topic::ALL {
            let items: Vec<Item> = self
                .facts
                .iter()
                .filter(|f| f.topic == t)
                .map(|f| {
                    Item::new(
                        format!("[{}] {}", f.id, gate.line(&f.text, 400)),
                        t.weight(),
                        format!("copilot.{t:?}").to_lowercase(),
                    )
                    .link(f.cites.first().and_then(|c| c.url.clone()))
                })
                .collect();
            if !items.is_empty() {
                sections.push(Section {
                    title: t.title().into(),
                    items,
                    empty_note: String::new(),
                });
            }
        }
        if !self.withheld.is_empty() {
            sections.push(Section {
                title: "Access".into(),
                items: self
                    .withheld
                    .iter()
                    .map(|w| Item::new(w.clone(), 95, "copilot.withheld"))
                    .collect(),
                empty_note: String::new(),
            });
        }
        let question = gate.line(&self.question, 500);
        Prompt {
            kind: "copilot".into(),
            title: format!("Facts for: {question}"),
            system: SYSTEM.into(),
            context: vec![format!(
                "Asked by {} ({viewer_role}) on {}.",
                self.viewer,
                self.as_of.strftime("%Y-%m-%d")
            )],
            sections,
            task: format!("Question: {question}"),
            event_time: self.as_of,
        }
    }
}
