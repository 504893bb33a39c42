//! The terminal cockpit (ratatui + crossterm).
//!
//! Owns: terminal set-up and restore, the action vocabulary, app state and
//! rendering. Must not: touch HTTP or the store; it is handed a
//! [`CockpitData`] and receives sync events over a channel.

use serde::{Deserialize, Serialize};

use crate::insight::Snapshot;
use crate::sync::SourceReport;

/// What the cockpit shows: the latest snapshot and the state of each source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CockpitData {
    /// Latest computed snapshot.
    pub snapshot: Snapshot,
    /// Last sync report of each source.
    pub sources: Vec<SourceReport>,
    /// Who is looking (cockpit name).
    pub viewer: String,
    /// Their role, for the status line (`engineer`, `engineering-manager`).
    pub role: String,
}
