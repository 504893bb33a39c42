//! Sync progress as the running sync reports it, and how each event
//! changes the app.

use std::collections::VecDeque;

use jiff::Timestamp;

use super::{App, Tab};
use crate::model::Source;
use crate::sync::SyncEvent;
use crate::ui::view;

/// How many activity lines the Sync tab keeps.
const LOG_CAPACITY: usize = 200;

/// Sync progress as reported by the running sync.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncStatus {
    /// Sources syncing now, in start order.
    pub running: Vec<Source>,
    /// Pages written since the current run began.
    pub pages: usize,
    /// Records written since the current run began.
    pub records: usize,
    /// The latest wait: source, seconds, reason.
    pub waiting: Option<(Source, f64, String)>,
    /// The latest failure: source, message.
    pub last_error: Option<(Source, String)>,
    /// A sync was asked for and has not started yet.
    pub requested: bool,
    /// Whether a sync can be asked for (someone listens for [`Intent::Sync`]).
    pub can_request: bool,
    /// A one-off note for the status line (cleared by the next sync event
    /// or the next key).
    pub notice: Option<String>,
    /// Recent activity, oldest first.
    pub log: VecDeque<String>,
}

impl SyncStatus {
    pub(super) fn log(&mut self, line: String) {
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(line);
    }
}

impl App {
    /// Applies a sync progress event.
    pub fn on_sync_event(&mut self, event: SyncEvent) {
        let status = &mut self.sync;
        status.notice = None;
        match event {
            SyncEvent::Started { source } => {
                if status.running.is_empty() {
                    status.pages = 0;
                    status.records = 0;
                    status.waiting = None;
                }
                status.requested = false;
                if !status.running.contains(&source) {
                    status.running.push(source);
                }
                status.log(format!("{}: started", source.as_str()));
            }
            SyncEvent::Page {
                source,
                endpoint,
                items,
            } => {
                status.pages += 1;
                status.records += items;
                status.waiting = None;
                status.log(format!("{}: {} · {} records", source.as_str(), endpoint, items));
            }
            SyncEvent::Waiting {
                source,
                seconds,
                reason,
            } => {
                status.log(format!(
                    "{}: waiting {:.0}s ({})",
                    source.as_str(),
                    seconds,
                    reason
                ));
                status.waiting = Some((source, seconds, reason));
            }
            SyncEvent::Failed { source, message } => {
                status.running.retain(|s| *s != source);
                status.log(format!("{}: failed: {}", source.as_str(), message));
                status.last_error = Some((source, message));
            }
            SyncEvent::Finished(report) => {
                let source = report.source;
                status.running.retain(|s| *s != source);
                if status.waiting.as_ref().is_some_and(|(s, _, _)| *s == source) {
                    status.waiting = None;
                }
                status.log(format!(
                    "{}: finished · {} records, {} requests",
                    source.as_str(),
                    report.total(),
                    report.requests
                ));
                match &report.error {
                    Some(e) => status.last_error = Some((source, e.clone())),
                    None => {
                        if status.last_error.as_ref().is_some_and(|(s, _)| *s == source) {
                            status.last_error = None;
                        }
                    }
                }
                match self.data.sources.iter_mut().find(|r| r.source == source) {
                    Some(r) => *r = report,
                    None => self.data.sources.push(report),
                }
            }
        }
        let keep = self.key_of(Tab::Sync);
        self.sources = view::sources(&self.data, &self.sync);
        self.refilter(Tab::Sync, keep);
        self.dirty = true;
    }

    /// When the most recent source sync finished, if any did.
    pub fn last_sync(&self) -> Option<Timestamp> {
        self.data.sources.iter().map(|r| r.finished).max()
    }
}
