//! Provider-neutral records: what every layer above the sources speaks.
//!
//! Owns: the record types and their serde shape (the store seals them as JSON).
//! Must not: know any provider's wire format (that is `sources/*/wire.rs`), or
//! any storage detail.
//!
//! Every record carries a [`RecordMeta`]: site, source, source id, event time
//! (UTC, the instant retention and windows are measured from) and fetched-at
//! time (UTC, when the cockpit received it).

mod activity;
mod triage;
mod work;

pub use activity::*;
pub use triage::*;
pub use work::*;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Where a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// GitHub REST v3.
    Github,
    /// Jira Cloud or Server/DC.
    Jira,
    /// Slack Web API.
    Slack,
    /// Zoom API.
    Zoom,
    /// Confluence.
    Confluence,
    /// A local git clone (`import git`).
    Git,
    /// A Slack workspace export (`import slack-export`).
    SlackExport,
    /// WebVTT files (`import vtt`).
    Vtt,
    /// An LLM provider (the HTTP client's label for LLM calls; no record
    /// carries it).
    Llm,
}

impl Source {
    /// Lower-case name used in CLI output and store labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Github => "github",
            Source::Jira => "jira",
            Source::Slack => "slack",
            Source::Zoom => "zoom",
            Source::Confluence => "confluence",
            Source::Git => "git",
            Source::SlackExport => "slack_export",
            Source::Vtt => "vtt",
            Source::Llm => "llm",
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Identity and timing common to every record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordMeta {
    /// Site the record belongs to.
    pub site: String,
    /// Provider it came from.
    pub source: Source,
    /// The provider's immutable id (Jira issue id, not key; Slack `channel/ts`).
    pub source_id: String,
    /// When the thing happened or last changed, UTC. Retention counts from here.
    pub event_time: Timestamp,
    /// When the cockpit fetched it, UTC.
    pub fetched_at: Timestamp,
}

/// The kinds of record, one store table each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// [`Person`]
    Person,
    /// [`WorkItem`]
    WorkItem,
    /// [`Sprint`]
    Sprint,
    /// [`PullRequest`]
    PullRequest,
    /// [`Review`]
    Review,
    /// [`Commit`]
    Commit,
    /// [`Message`]
    Message,
    /// [`Meeting`]
    Meeting,
    /// [`Transcript`]
    Transcript,
    /// [`Page`]
    Page,
}

impl RecordKind {
    /// Every kind, in display order.
    pub const ALL: [RecordKind; 10] = [
        RecordKind::Person,
        RecordKind::WorkItem,
        RecordKind::Sprint,
        RecordKind::PullRequest,
        RecordKind::Review,
        RecordKind::Commit,
        RecordKind::Message,
        RecordKind::Meeting,
        RecordKind::Transcript,
        RecordKind::Page,
    ];

    /// snake_case name (table suffix, CLI output).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Person => "person",
            RecordKind::WorkItem => "work_item",
            RecordKind::Sprint => "sprint",
            RecordKind::PullRequest => "pull_request",
            RecordKind::Review => "review",
            RecordKind::Commit => "commit",
            RecordKind::Message => "message",
            RecordKind::Meeting => "meeting",
            RecordKind::Transcript => "transcript",
            RecordKind::Page => "page",
        }
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Any record, tagged by kind (`{"kind": "work_item", ...}` in JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// A person as a provider knows them.
    Person(Person),
    /// A Jira issue.
    WorkItem(WorkItem),
    /// A Jira sprint.
    Sprint(Sprint),
    /// A GitHub pull request.
    PullRequest(PullRequest),
    /// A pull-request review.
    Review(Review),
    /// A commit.
    Commit(Commit),
    /// A chat message.
    Message(Message),
    /// A meeting with its attendance.
    Meeting(Meeting),
    /// A meeting transcript.
    Transcript(Transcript),
    /// A documentation page.
    Page(Page),
}

impl Record {
    /// The shared metadata.
    pub fn meta(&self) -> &RecordMeta {
        match self {
            Record::Person(r) => &r.meta,
            Record::WorkItem(r) => &r.meta,
            Record::Sprint(r) => &r.meta,
            Record::PullRequest(r) => &r.meta,
            Record::Review(r) => &r.meta,
            Record::Commit(r) => &r.meta,
            Record::Message(r) => &r.meta,
            Record::Meeting(r) => &r.meta,
            Record::Transcript(r) => &r.meta,
            Record::Page(r) => &r.meta,
        }
    }

    /// Which table the record lives in.
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Person(_) => RecordKind::Person,
            Record::WorkItem(_) => RecordKind::WorkItem,
            Record::Sprint(_) => RecordKind::Sprint,
            Record::PullRequest(_) => RecordKind::PullRequest,
            Record::Review(_) => RecordKind::Review,
            Record::Commit(_) => RecordKind::Commit,
            Record::Message(_) => RecordKind::Message,
            Record::Meeting(_) => RecordKind::Meeting,
            Record::Transcript(_) => RecordKind::Transcript,
            Record::Page(_) => RecordKind::Page,
        }
    }
}
