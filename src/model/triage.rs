//! Sprint triage decisions: what the team decided about one at-risk issue of
//! a sprint (keep it, move it to the next sprint, split it, find it an
//! owner) and a free-text note. Written by the cockpit, kept sealed in the
//! store (`store::triage`), read back by the cockpit and `triage --markdown`.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A triage decision about one issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriageDecision {
    /// Keep it in the sprint as it is.
    Keep,
    /// Move it to the next sprint.
    MoveNext,
    /// Split it into smaller issues.
    Split,
    /// It needs an owner.
    NeedsOwner,
}

impl TriageDecision {
    /// Every decision, in display order.
    pub const ALL: [TriageDecision; 4] = [
        TriageDecision::Keep,
        TriageDecision::MoveNext,
        TriageDecision::Split,
        TriageDecision::NeedsOwner,
    ];

    /// Short label (`keep`, `move to next sprint`, `split`, `needs owner`).
    pub fn label(self) -> &'static str {
        match self {
            TriageDecision::Keep => "keep",
            TriageDecision::MoveNext => "move to next sprint",
            TriageDecision::Split => "split",
            TriageDecision::NeedsOwner => "needs owner",
        }
    }
}

/// The triage state of one issue in one sprint: its decision and note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriageMark {
    /// Jira sprint id.
    pub sprint_id: u64,
    /// Issue key (`ALP-12`).
    pub key: String,
    /// The decision, if one was made.
    pub decision: Option<TriageDecision>,
    /// Free-text note (may be empty).
    pub note: String,
    /// Who marked it last (cockpit name).
    pub by: String,
    /// When, UTC.
    pub at: Timestamp,
}

impl TriageMark {
    /// Whether the mark holds nothing (no decision, no note): storing it
    /// removes the mark.
    pub fn is_empty(&self) -> bool {
        self.decision.is_none() && self.note.trim().is_empty()
    }
}
