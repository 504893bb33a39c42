//! Planned work: Jira issues, sprints and people as providers know them.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::RecordMeta;

/// A person as one provider's directory knows them (not yet merged across
/// providers: that is `identity`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// Common metadata; `source_id` is the provider's account id.
    pub meta: RecordMeta,
    /// Display name.
    pub display_name: String,
    /// Email, when the provider shares it.
    pub email: Option<String>,
    /// Login or handle (GitHub login, Slack name).
    pub login: Option<String>,
    /// A bot or app account.
    pub is_bot: bool,
    /// IANA time zone, when known.
    pub time_zone: Option<String>,
}

/// Where an issue stands, by Jira's status category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCategory {
    /// `new`: not started.
    ToDo,
    /// `indeterminate`: in progress.
    InProgress,
    /// `done`.
    Done,
}

/// One change from an issue's changelog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// When, UTC.
    pub at: Timestamp,
    /// Account id of who changed it.
    pub author: Option<String>,
    /// Field id when given (`customfield_10020`), else the field name.
    pub field: String,
    /// Raw old value (`from`: ids, comma-separated for sprints).
    pub from: Option<String>,
    /// Raw new value.
    pub to: Option<String>,
    /// Display form of the old value (`fromString`).
    pub from_string: Option<String>,
    /// Display form of the new value (`toString`).
    pub to_string: Option<String>,
}

/// A link between two issues.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueLink {
    /// Link type name (`Blocks`).
    pub link_type: String,
    /// The phrase from this issue's side (`is blocked by`).
    pub relation: String,
    /// The other issue's key.
    pub other_key: String,
}

/// A Jira issue. Identity is the immutable `meta.source_id` (issue id), never the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkItem {
    /// Common metadata; `event_time` is the issue's `updated`.
    pub meta: RecordMeta,
    /// Current key (`ALP-12`); keys change when issues move.
    pub key: String,
    /// Project key.
    pub project: String,
    /// Title.
    pub summary: String,
    /// Issue type name (Story, Bug, Task, Epic, Sub-task).
    pub issue_type: String,
    /// Status name.
    pub status: String,
    /// Status category.
    pub status_category: StatusCategory,
    /// Resolution name (`Done`, `Won't Do`, `Duplicate`), when resolved.
    pub resolution: Option<String>,
    /// Assignee account id.
    pub assignee: Option<String>,
    /// Reporter account id.
    pub reporter: Option<String>,
    /// Created, UTC.
    pub created: Timestamp,
    /// Last updated, UTC.
    pub updated: Timestamp,
    /// Resolved, UTC.
    pub resolved: Option<Timestamp>,
    /// Story points; `None` means *unestimated*, never zero.
    pub story_points: Option<f64>,
    /// Sprint ids the issue is or was in (sprint field).
    pub sprint_ids: Vec<u64>,
    /// Parent key (epic or parent issue).
    pub parent_key: Option<String>,
    /// Labels.
    pub labels: Vec<String>,
    /// Flagged as an impediment.
    pub flagged: bool,
    /// Links to other issues.
    pub links: Vec<IssueLink>,
    /// Description flattened to plain text.
    pub description: String,
    /// Full changelog, oldest first.
    pub changelog: Vec<FieldChange>,
    /// Browse URL.
    pub url: String,
}

/// Sprint state as Jira reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SprintState {
    /// Not started.
    Future,
    /// Running.
    Active,
    /// Completed.
    Closed,
}

/// A sprint of a board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sprint {
    /// Common metadata; `source_id` is the sprint id; `event_time` its latest date.
    pub meta: RecordMeta,
    /// Sprint id.
    pub id: u64,
    /// Board the sprint belongs to (`originBoardId`).
    pub board_id: u64,
    /// Board name, when known.
    pub board_name: Option<String>,
    /// Name.
    pub name: String,
    /// State.
    pub state: SprintState,
    /// Start, UTC.
    pub start: Option<Timestamp>,
    /// Planned end, UTC.
    pub end: Option<Timestamp>,
    /// Actual completion, UTC.
    pub complete: Option<Timestamp>,
    /// Sprint goal.
    pub goal: Option<String>,
}
