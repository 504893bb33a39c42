//! Sync: pulls each configured source into the store.
//!
//! Owns: the order of fetching, cursors, progress events, the purge after a
//! sync. Every page of records is written with its cursor in one store
//! transaction, so a sync killed at any moment resumes with nothing lost and
//! nothing doubled. Each source hands its pages to its own store writer
//! thread ([`crate::store::Writer`]): fetching goes on while pages are
//! sealed and written, commits are grouped and made durable at least every
//! [`crate::store::DURABLE_EVERY`] and when the source ends (a kill rolls back
//! to the last durable commit, never to a cursor ahead of its records).
//! Must not: parse wire formats (that is `sources`) or compute metrics.

mod confluence;
mod github;
mod jira;
mod slack;
mod zoom;

pub use confluence::sync_confluence;
pub use github::sync_github;
pub use jira::{FIELDS_CURSOR, sync_jira};
pub use slack::sync_slack;
pub use zoom::sync_zoom;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::model::{RecordKind, Source};

/// Something a running sync reports, for progress bars and the Sync tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SyncEvent {
    /// A source began.
    Started {
        /// Source.
        source: Source,
    },
    /// A page was fetched and handed to the store writer.
    Page {
        /// Source.
        source: Source,
        /// Endpoint path.
        endpoint: String,
        /// Records written from it.
        items: usize,
    },
    /// Waiting before the next request (rate limit or retry).
    Waiting {
        /// Source.
        source: Source,
        /// Seconds to wait.
        seconds: f64,
        /// Why.
        reason: String,
    },
    /// A source failed; the others go on.
    Failed {
        /// Source.
        source: Source,
        /// What went wrong.
        message: String,
    },
    /// A source finished.
    Finished(SourceReport),
}

/// What one source's sync did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceReport {
    /// Source.
    pub source: Source,
    /// Records written per kind.
    pub written: Vec<(RecordKind, usize)>,
    /// HTTP requests made.
    pub requests: u32,
    /// The error that stopped it, if any.
    pub error: Option<String>,
    /// When it finished, UTC.
    pub finished: Timestamp,
}

impl SourceReport {
    /// Total records written.
    pub fn total(&self) -> usize {
        self.written.iter().map(|(_, n)| n).sum()
    }
}

/// Sends progress events to whoever listens; never blocks the sync.
#[derive(Clone, Default)]
pub struct Progress {
    tx: Option<tokio::sync::mpsc::UnboundedSender<SyncEvent>>,
}

impl Progress {
    /// A progress sink feeding `tx`.
    pub fn new(tx: tokio::sync::mpsc::UnboundedSender<SyncEvent>) -> Progress {
        Progress { tx: Some(tx) }
    }

    /// Reports an event (dropped when nobody listens).
    pub fn send(&self, ev: SyncEvent) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(ev);
        }
    }
}
