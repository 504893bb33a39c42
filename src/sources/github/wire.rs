//! GitHub REST v3 wire types: only the fields the cockpit reads.
//!
//! Every field GitHub may leave out or send as `null` is an `Option` or has a
//! default, so one odd object never fails a whole page; timestamps stay text
//! here and are parsed in `map` (where a bad one names its object). Must not:
//! hold meaning (bots, keys, ready times are `map`'s).

use serde::Deserialize;

/// A user, bot or organisation (`user`, `author`, `requested_reviewer`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Account {
    /// Login (`octocat`, `dependabot[bot]`).
    pub login: String,
    /// `User`, `Bot` or `Organization`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

/// The head or base of a pull request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GitRef {
    /// Branch name.
    #[serde(rename = "ref", default)]
    pub name: String,
}

/// A pull request, as listed (`GET /repos/{o}/{r}/pulls`) or alone
/// (`GET /repos/{o}/{r}/pulls/{n}`, which adds the size fields).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Pull {
    /// Number within the repository.
    pub number: u64,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Author; `null` for some deleted accounts.
    #[serde(default)]
    pub user: Option<Account>,
    /// `open` or `closed`.
    #[serde(default)]
    pub state: String,
    /// Draft; absent from payloads older than draft pull requests.
    #[serde(default)]
    pub draft: Option<bool>,
    /// Opened.
    pub created_at: String,
    /// Last update.
    pub updated_at: String,
    /// Closed.
    #[serde(default)]
    pub closed_at: Option<String>,
    /// Merged.
    #[serde(default)]
    pub merged_at: Option<String>,
    /// Source branch.
    #[serde(default)]
    pub head: Option<GitRef>,
    /// Web URL.
    #[serde(default)]
    pub html_url: String,
    /// Reviews requested and not yet given.
    #[serde(default)]
    pub requested_reviewers: Vec<Account>,
    /// Lines added (single pull request only).
    #[serde(default)]
    pub additions: Option<u64>,
    /// Lines deleted (single pull request only).
    #[serde(default)]
    pub deletions: Option<u64>,
    /// Files changed (single pull request only).
    #[serde(default)]
    pub changed_files: Option<u64>,
}

/// A pull-request review (`GET /repos/{o}/{r}/pulls/{n}/reviews`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Review {
    /// Review id (unique across GitHub).
    pub id: u64,
    /// Reviewer; `null` for some deleted accounts.
    #[serde(default)]
    pub user: Option<Account>,
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED`, `PENDING`.
    #[serde(default)]
    pub state: String,
    /// Submitted; absent while `PENDING`.
    #[serde(default)]
    pub submitted_at: Option<String>,
}

/// A commit as the commit lists return it (`/pulls/{n}/commits`, `/commits`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CommitItem {
    /// Full SHA.
    pub sha: String,
    /// The git object.
    pub commit: GitCommit,
    /// The GitHub account of the author, when the email maps to one.
    #[serde(default)]
    pub author: Option<Account>,
    /// The GitHub account of the committer, when the email maps to one.
    #[serde(default)]
    pub committer: Option<Account>,
}

/// The git part of a commit.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GitCommit {
    /// Author as git recorded them.
    #[serde(default)]
    pub author: Option<GitPerson>,
    /// Committer as git recorded them.
    #[serde(default)]
    pub committer: Option<GitPerson>,
    /// Full message (trailers included).
    #[serde(default)]
    pub message: String,
}

/// A git signature.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GitPerson {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// When.
    #[serde(default)]
    pub date: Option<String>,
}

/// One entry of an issue timeline (`GET /repos/{o}/{r}/issues/{n}/timeline`).
/// Entries differ by `event`; only the fields the cockpit reads are kept.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TimelineEvent {
    /// `ready_for_review`, `convert_to_draft`, `review_requested`, `committed`, ...
    #[serde(default)]
    pub event: Option<String>,
    /// When (absent on `committed` and `line-commented` entries).
    #[serde(default)]
    pub created_at: Option<String>,
    /// Who was asked (`review_requested`; absent when a team was).
    #[serde(default)]
    pub requested_reviewer: Option<Account>,
}
