//! Activity: code review, commits, chat, meetings, transcripts, documentation.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::RecordMeta;

/// A pull request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    /// Common metadata; `source_id` is `owner/repo#number`.
    pub meta: RecordMeta,
    /// `owner/name`.
    pub repo: String,
    /// Number.
    pub number: u64,
    /// Title.
    pub title: String,
    /// Author login.
    pub author: String,
    /// Author is a bot.
    pub author_is_bot: bool,
    /// `open` or `closed`.
    pub state: String,
    /// Currently a draft.
    pub draft: bool,
    /// Opened, UTC.
    pub created: Timestamp,
    /// Last update, UTC.
    pub updated: Timestamp,
    /// Merged, UTC.
    pub merged: Option<Timestamp>,
    /// Closed, UTC.
    pub closed: Option<Timestamp>,
    /// Marked ready for review, UTC (from the timeline), when it was a draft.
    pub ready_for_review: Option<Timestamp>,
    /// Lines added.
    pub additions: Option<u64>,
    /// Lines deleted.
    pub deletions: Option<u64>,
    /// Files changed.
    pub changed_files: Option<u64>,
    /// Logins asked to review.
    pub requested_reviewers: Vec<String>,
    /// Jira keys mentioned in title or branch.
    pub issue_keys: Vec<String>,
    /// Web URL.
    pub url: String,
}

/// A review on a pull request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// Common metadata; `source_id` is the review id.
    pub meta: RecordMeta,
    /// `owner/name`.
    pub repo: String,
    /// Pull request number.
    pub pr_number: u64,
    /// Reviewer login.
    pub reviewer: String,
    /// Reviewer is a bot.
    pub reviewer_is_bot: bool,
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED`.
    pub state: String,
    /// Submitted, UTC.
    pub submitted: Timestamp,
}

/// A person named on a commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// GitHub login, when the API resolved one.
    pub login: Option<String>,
}

/// A commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commit {
    /// Common metadata; `source_id` is `owner/repo@sha`.
    pub meta: RecordMeta,
    /// `owner/name`.
    pub repo: String,
    /// Full SHA.
    pub sha: String,
    /// Author.
    pub author: Signature,
    /// Committer.
    pub committer: Signature,
    /// `Co-authored-by` trailers.
    pub co_authors: Vec<Signature>,
    /// Authored, UTC.
    pub authored: Timestamp,
    /// Committed, UTC.
    pub committed: Timestamp,
    /// First line of the message.
    pub summary: String,
    /// Pull request it belongs to.
    pub pr_number: Option<u64>,
    /// Files touched (imports only).
    pub files: Vec<String>,
}

/// A chat message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Common metadata; `source_id` is `channel/ts`.
    pub meta: RecordMeta,
    /// Channel id.
    pub channel: String,
    /// Channel name.
    pub channel_name: Option<String>,
    /// Slack `ts`, kept as the string id it is.
    pub ts: String,
    /// Parent `ts` when in a thread.
    pub thread_ts: Option<String>,
    /// Author id (`U...`), or bot id.
    pub user: Option<String>,
    /// Slack subtype (`bot_message`, `channel_join`, ...).
    pub subtype: Option<String>,
    /// Text as posted.
    pub text: String,
    /// Edited at, UTC.
    pub edited: Option<Timestamp>,
    /// Replies in the thread (parent only).
    pub reply_count: u32,
}

/// One stretch of a person's attendance in a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attendance {
    /// Participant display name.
    pub name: String,
    /// Participant email, when given.
    pub email: Option<String>,
    /// Joined, UTC.
    pub join: Timestamp,
    /// Left, UTC.
    pub leave: Timestamp,
}

/// A meeting instance that took place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    /// Common metadata; `source_id` is the instance UUID.
    pub meta: RecordMeta,
    /// Meeting number (shared by recurring instances).
    pub meeting_id: String,
    /// Topic.
    pub topic: String,
    /// Host email.
    pub host: Option<String>,
    /// Start, UTC.
    pub start: Timestamp,
    /// Duration in minutes.
    pub duration_minutes: u32,
    /// Attendance stretches (a re-join is a second stretch).
    pub attendance: Vec<Attendance>,
}

/// One transcript cue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    /// Start offset, milliseconds.
    pub start_ms: u64,
    /// End offset, milliseconds.
    pub end_ms: u64,
    /// Speaker, when named.
    pub speaker: Option<String>,
    /// Text.
    pub text: String,
}

/// A meeting transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// Common metadata; `source_id` is the meeting instance UUID.
    pub meta: RecordMeta,
    /// Meeting instance UUID.
    pub meeting_uuid: String,
    /// Cues in order.
    pub cues: Vec<Cue>,
}

/// A documentation page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// Common metadata; `source_id` is the page id.
    pub meta: RecordMeta,
    /// Space key or id.
    pub space: String,
    /// Title.
    pub title: String,
    /// Version number.
    pub version: u64,
    /// Created, UTC.
    pub created: Timestamp,
    /// Last modified, UTC.
    pub updated: Timestamp,
    /// Author account id.
    pub author: Option<String>,
    /// Jira keys the page mentions.
    pub issue_keys: Vec<String>,
    /// Body reduced to text (analysis only).
    pub body_text: String,
    /// Web URL.
    pub url: String,
}
