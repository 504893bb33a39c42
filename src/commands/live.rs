//! The cockpit on a site, live: the UI on the main thread, and beside it a
//! task that does what the UI asks ([`Intent`]s): `r` starts a background
//! sync whose progress feeds the Sync tab and whose end recomputes the
//! snapshot (access rules and audit applied) and sends it as fresh data;
//! triage marks are stored sealed; strategic reads are audited. The UI never
//! waits for any of it.
//!
//! Owns: wiring the cockpit to the store and the sync. Must not: draw, or
//! decide access (that is `access`).

use std::sync::Arc;

use anyhow::Context;
use jiff::Timestamp;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::snapshot::compute_snapshot;
use super::sync_cmd::sync_all;
use crate::access::{Access, Viewer};
use crate::config::Config;
use crate::model::TriageMark;
use crate::store::{AuditEntry, Store, StoreError};
use crate::sync::{Progress, SyncEvent};
use crate::ui::{Cockpit, CockpitData, CockpitEvent, Intent};

/// Writes what `intent` asks to `store` for `viewer` at `now`: a triage
/// mark (sealed; an empty one clears the mark) or one audit record
/// per subject. A sync or a copy writes nothing.
///
/// # Errors
/// [`StoreError`] writing.
pub fn persist_intent(
    store: &Store,
    viewer: &str,
    intent: &Intent,
    now: Timestamp,
) -> Result<(), StoreError> {
    match intent {
        Intent::SaveTriage {
            sprint_id,
            key,
            decision,
            note,
        } => store.put_triage_mark(&TriageMark {
            sprint_id: *sprint_id,
            key: key.clone(),
            decision: *decision,
            note: note.clone(),
            by: viewer.to_string(),
            at: now,
        }),
        Intent::Audit { view, subjects } => {
            for subject in subjects {
                store.append_audit(&AuditEntry {
                    viewer: viewer.to_string(),
                    subject: subject.clone(),
                    view: view.clone(),
                    at: now,
                })?;
            }
            Ok(())
        }
        Intent::Sync | Intent::Copy(_) => Ok(()),
    }
}

/// What the live cockpit runs on.
#[derive(Clone)]
pub(crate) struct Session {
    /// The site's store, open for the whole session.
    pub store: Arc<Store>,
    /// The configuration (for the demo: pointed at its replay server).
    pub cfg: Arc<Config>,
    /// Who is looking.
    pub viewer: Viewer,
}

impl Session {
    /// Runs the cockpit on `data` until the user quits; a sync still running
    /// then is stopped (each page it wrote is whole: pages are transactions).
    pub(crate) async fn run(self, data: CockpitData) -> anyhow::Result<()> {
        let (events_tx, events_rx) = unbounded_channel();
        let (intents_tx, intents_rx) = unbounded_channel();
        let marks = self.store.triage_marks()?;
        let cockpit = Cockpit::new(data)
            .events(events_rx)
            .intents(intents_tx)
            .access(Access::new(&self.viewer, &self.cfg))
            .triage_marks(marks);
        let worker = tokio::spawn(self.clone().serve(intents_rx, events_tx));
        let result = tokio::task::block_in_place(|| cockpit.run());
        // The cockpit dropped its sender: the worker stops its sync and ends.
        let _ = worker.await;
        result.context("the cockpit failed")
    }

    /// Does what the cockpit asks, in order, until it closes the channel.
    async fn serve(self, mut intents: UnboundedReceiver<Intent>, events: UnboundedSender<CockpitEvent>) {
        let mut sync: Option<tokio::task::JoinHandle<()>> = None;
        while let Some(intent) = intents.recv().await {
            match intent {
                Intent::Sync => {
                    if sync.as_ref().is_some_and(|j| !j.is_finished()) {
                        continue;
                    }
                    sync = Some(tokio::spawn(self.clone().sync_and_refresh(events.clone())));
                }
                Intent::Copy(_) => {}
                other => {
                    let store = Arc::clone(&self.store);
                    let who = self.viewer.name.clone();
                    let what = match &other {
                        Intent::SaveTriage { key, .. } => format!("the triage mark of {key}"),
                        _ => "the audit record".to_string(),
                    };
                    let done = tokio::task::spawn_blocking(move || {
                        persist_intent(&store, &who, &other, Timestamp::now())
                    })
                    .await;
                    let failed = match done {
                        Ok(Ok(())) => None,
                        Ok(Err(e)) => Some(e.to_string()),
                        Err(e) => Some(e.to_string()),
                    };
                    if let Some(e) = failed {
                        tracing::warn!(error = %e, "cockpit intent not stored");
                        let _ = events.send(CockpitEvent::Notice(format!("could not store {what}: {e}")));
                    }
                }
            }
        }
        if let Some(job) = sync {
            job.abort();
            let _ = job.await;
        }
    }

    /// Syncs every source with progress to the cockpit, then recomputes the
    /// snapshot (purge, access rules, audit) and sends it.
    async fn sync_and_refresh(self, events: UnboundedSender<CockpitEvent>) {
        let (tx, mut rx) = unbounded_channel::<SyncEvent>();
        let progress = Progress::new(tx);
        let forward_to = events.clone();
        let forward = tokio::spawn(async move {
            while let Some(e) = rx.recv().await {
                if forward_to.send(CockpitEvent::Sync(e)).is_err() {
                    break;
                }
            }
        });
        let reports = sync_all(&self.store, &self.cfg, &progress, false).await;
        drop(progress);
        let _ = forward.await;
        let Session { store, cfg, viewer } = self;
        let fresh = tokio::task::spawn_blocking(move || -> anyhow::Result<CockpitData> {
            let now = Timestamp::now();
            store.purge(now, cfg.retention_days)?;
            let mut snapshot = compute_snapshot(&store, &cfg, now)?;
            super::audit_strategic_read(&store, &viewer, &cfg, &mut snapshot)?;
            Ok(CockpitData {
                snapshot,
                sources: reports,
                role: viewer.role_label(),
                viewer: viewer.name.clone(),
            })
        })
        .await;
        let event = match fresh {
            Ok(Ok(data)) => CockpitEvent::Data(Box::new(data)),
            Ok(Err(e)) => CockpitEvent::Notice(format!("synced, but the snapshot failed: {e:#}")),
            Err(e) => CockpitEvent::Notice(format!("synced, but the snapshot failed: {e}")),
        };
        let _ = events.send(event);
    }
}
