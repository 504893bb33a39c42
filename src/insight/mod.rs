//! Insights: ranked intelligence cards drawn from the metrics, and the
//! snapshot the cockpit opens on.
//!
//! Owns: which findings are worth a card, their urgency and evidence.
//! Must not: fetch, store, or format for a terminal. Every card names the items
//! behind it so a reader can check it.

pub mod cards;

pub use cards::{Card, CardKind, Evidence, cards};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::analytics::meetings::MeetingWeek;
use crate::analytics::velocity::SprintVelocity;

/// Everything the cockpit shows, computed once after a sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Velocity per started sprint.
    pub velocity: Vec<SprintVelocity>,
    /// Meeting hours per person-week.
    pub meeting_load: Vec<MeetingWeek>,
    /// Stored record counts per kind.
    pub counts: Vec<KindCount>,
}

/// Number of stored records of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCount {
    /// Kind name (`work_item`).
    pub kind: String,
    /// Records.
    pub count: u64,
}
