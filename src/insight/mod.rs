//! Insights: ranked intelligence cards drawn from the metrics, and the
//! snapshot the cockpit opens on.
//!
//! Owns: which findings are worth a card, their urgency and evidence.
//! Must not: fetch, store, or format for a terminal. Every card names the items
//! behind it so a reader can check it.

pub mod cards;
pub mod copilot;
mod frame;
pub mod retro;
pub mod standup;
pub mod triage;

pub use cards::{Card, CardInputs, CardKind, Evidence, cards};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::analytics::blockers::BlockerReport;
use crate::analytics::burndown::Burndown;
use crate::analytics::decisions::Decision;
use crate::analytics::docs::DocsReport;
use crate::analytics::flow::FlowMetrics;
use crate::analytics::focus::PersonWeek;
use crate::analytics::knowledge::AreaKnowledge;
use crate::analytics::meetings::MeetingWeek;
use crate::analytics::pulse::Pulse;
use crate::analytics::sprint::SprintHealth;
use crate::analytics::triage::TriageReport;
use crate::analytics::velocity::{SprintVelocity, VelocityRow};
use crate::analytics::workload::Workload;

/// Everything the cockpit shows, computed once after a sync (and stored
/// sealed, so opening the cockpit reads it instead of recomputing).
///
/// Individual figures (`meeting_load`, `person_weeks`, `flow.review_load`,
/// `workload.people`, knowledge shares) are filtered by
/// [`crate::access::restrict_snapshot`] before any viewer sees them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    /// Site.
    pub site: String,
    /// Team display name.
    pub team: String,
    /// Team time zone (IANA).
    pub time_zone: String,
    /// The clock the snapshot was computed at, UTC.
    pub as_of: Timestamp,
    /// Ranked cards, most urgent first.
    pub cards: Vec<Card>,
    /// Velocity per started sprint (the Sprint tab's chart).
    pub velocity: Vec<SprintVelocity>,
    /// Meeting hours per person-week.
    pub meeting_load: Vec<MeetingWeek>,
    /// Stored record counts per kind.
    pub counts: Vec<KindCount>,
    /// Per sprint: committed, added, removed, completed, carried-over points,
    /// unestimated issues, say/do ratio, rolling mean (the `metrics` JSON rows).
    pub sprints: Vec<VelocityRow>,
    /// Sprint health with the items behind each figure and the at-risk verdict.
    pub sprint_health: Vec<SprintHealth>,
    /// Burndown of each active sprint.
    pub burndowns: Vec<Burndown>,
    /// Open work per person against the active sprint's capacity.
    pub workload: Option<Workload>,
    /// Open and recently resolved blockers (Jira and Slack).
    pub blockers: Option<BlockerReport>,
    /// Documentation coverage and staleness.
    pub docs: Option<DocsReport>,
    /// Pull-request flow (cycle, pickup, review time; review load).
    pub flow: Option<FlowMetrics>,
    /// Meeting, focus and fragmented hours per person-week.
    pub person_weeks: Vec<PersonWeek>,
    /// Knowledge coverage and bus factor per code area.
    pub knowledge: Vec<AreaKnowledge>,
    /// Decisions found in meeting transcripts.
    pub decisions: Vec<Decision>,
    /// Engineering Pulse: team aggregates, no attribution, small groups withheld.
    pub pulse: Option<Pulse>,
    /// At-risk issues of each active sprint, with their reasons (sprint triage).
    pub triage: Option<TriageReport>,
}

/// Number of stored records of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCount {
    /// Kind name (`work_item`).
    pub kind: String,
    /// Records.
    pub count: u64,
}
