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

use super::cockpit_service::{Service, standup_data};
use super::snapshot::{compute_snapshot, stored_snapshot};
use super::sync_cmd::sync_all;
use crate::access::{Access, Viewer};
use crate::config::Config;
use crate::insight::standup::{Activity, TeamStandup};
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
        // Flags are stored by the cockpit service; the rest writes nothing here.
        Intent::Sync
        | Intent::Copy(_)
        | Intent::DraftStandup { .. }
        | Intent::Ask { .. }
        | Intent::PreparePost { .. }
        | Intent::Post { .. }
        | Intent::SaveFlags { .. } => Ok(()),
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
    /// `standup` is the activity and team standup the Standup and Copilot
    /// tabs draft from (see [`standup_data`]); a sync refreshes it. When it is
    /// `None`, `data` is a first frame ([`stored_first_frame`]): the full
    /// snapshot and the standup are read in the background and arrive as
    /// fresh data, so the cockpit shows its first screen without waiting.
    pub(crate) async fn run(
        self,
        data: CockpitData,
        standup: Option<(Activity, TeamStandup)>,
    ) -> anyhow::Result<()> {
        let (events_tx, events_rx) = unbounded_channel();
        let (intents_tx, intents_rx) = unbounded_channel();
        let marks = self.store.triage_marks()?;
        let cockpit = Cockpit::new(data)
            .events(events_rx)
            .intents(intents_tx)
            .access(Access::new(&self.viewer, &self.cfg))
            .triage_marks(marks);
        let loading = standup.is_none();
        let service = Arc::new(std::sync::Mutex::new(
            standup.map(|s| self.service(s, &events_tx)),
        ));
        let loader =
            loading.then(|| tokio::spawn(self.clone().load_details(events_tx.clone(), Arc::clone(&service))));
        let worker = tokio::spawn(self.clone().serve(intents_rx, events_tx, service));
        let result = tokio::task::block_in_place(|| cockpit.run());
        // The cockpit dropped its sender: the worker stops its sync and ends.
        let _ = worker.await;
        if let Some(job) = loader {
            job.abort();
            let _ = job.await;
        }
        result.context("the cockpit failed")
    }

    /// The service answering the Standup and Copilot tabs, drafting from `standup`.
    fn service(&self, standup: (Activity, TeamStandup), events: &UnboundedSender<CockpitEvent>) -> Service {
        Service::new(
            Arc::clone(&self.store),
            (*self.cfg).clone(),
            self.viewer.clone(),
            standup,
            None,
            events.clone(),
        )
    }

    /// Does what the cockpit asks, in order, until it closes the channel:
    /// syncs, marks and audits here, drafts, answers, flags and posts by
    /// `service` (replaced after each sync, so it drafts from fresh activity).
    async fn serve(
        self,
        mut intents: UnboundedReceiver<Intent>,
        events: UnboundedSender<CockpitEvent>,
        service: SharedService,
    ) {
        let mut sync: Option<tokio::task::JoinHandle<()>> = None;
        while let Some(intent) = intents.recv().await {
            match intent {
                Intent::Sync => {
                    if sync.as_ref().is_some_and(|j| !j.is_finished()) {
                        continue;
                    }
                    sync = Some(tokio::spawn(
                        self.clone()
                            .sync_and_refresh(events.clone(), Arc::clone(&service)),
                    ));
                }
                Intent::Copy(_) => {}
                i if Service::handles(&i) => match service.lock().as_deref() {
                    Ok(Some(s)) => s.handle(i),
                    Ok(None) => {
                        let _ = events.send(CockpitEvent::Notice(
                            "still reading the team's activity; try again in a moment".into(),
                        ));
                    }
                    Err(_) => {
                        let _ = events.send(CockpitEvent::Notice(
                            "the standup service stopped after an error; restart the cockpit".into(),
                        ));
                    }
                },
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

    /// Reads the full snapshot (access rules applied; the open was already
    /// audited) and the standup after a first frame, and sends them.
    async fn load_details(self, events: UnboundedSender<CockpitEvent>, service: SharedService) {
        let me = self.clone();
        let fresh = tokio::task::spawn_blocking(move || -> anyhow::Result<Fresh> {
            let now = Timestamp::now();
            let mut snapshot = match stored_snapshot(&me.store)? {
                Some(s) => s,
                None => compute_snapshot(&me.store, &me.cfg, now)?,
            };
            crate::access::restrict_snapshot(&mut snapshot, &me.viewer, &me.cfg);
            me.data(snapshot, Vec::new(), now)
        })
        .await;
        self.deliver(fresh, &events, &service, "the full snapshot could not be read");
    }

    /// Syncs every source with progress to the cockpit, then recomputes the
    /// snapshot (purge, access rules, audit) and sends it.
    async fn sync_and_refresh(self, events: UnboundedSender<CockpitEvent>, service: SharedService) {
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
        let me = self.clone();
        let fresh = tokio::task::spawn_blocking(move || -> anyhow::Result<Fresh> {
            let now = Timestamp::now();
            me.store.purge(now, me.cfg.retention_days)?;
            let mut snapshot = compute_snapshot(&me.store, &me.cfg, now)?;
            super::audit_strategic_read(&me.store, &me.viewer, &me.cfg, &mut snapshot)?;
            me.data(snapshot, reports, now)
        })
        .await;
        self.deliver(fresh, &events, &service, "synced, but the snapshot failed");
    }

    /// The cockpit's data around `snapshot`, with the standup as of `now`.
    fn data(
        &self,
        snapshot: crate::insight::Snapshot,
        sources: Vec<crate::sync::SourceReport>,
        now: Timestamp,
    ) -> anyhow::Result<Fresh> {
        let (activity, standup) = standup_data(&self.store, &self.cfg, now)?;
        let team = standup.team.clone();
        let data = CockpitData {
            snapshot,
            sources,
            role: self.viewer.role_label(),
            viewer: self.viewer.name.clone(),
            standup: Some(standup),
        };
        Ok((data, (activity, team)))
    }

    /// Sends fresh data (and drafts from its standup from now on), or a
    /// notice starting with `failed`.
    fn deliver(
        &self,
        fresh: Result<anyhow::Result<Fresh>, tokio::task::JoinError>,
        events: &UnboundedSender<CockpitEvent>,
        service: &SharedService,
        failed: &str,
    ) {
        let event = match fresh {
            Ok(Ok((data, standup))) => {
                let fresh_service = self.service(standup, events);
                if let Ok(mut s) = service.lock() {
                    *s = Some(fresh_service);
                }
                CockpitEvent::Data(Box::new(data))
            }
            Ok(Err(e)) => CockpitEvent::Notice(format!("{failed}: {e:#}")),
            Err(e) => CockpitEvent::Notice(format!("{failed}: {e}")),
        };
        let _ = events.send(event);
    }
}

/// Fresh cockpit data, and the activity and team standup drafts start from.
type Fresh = (CockpitData, (Activity, TeamStandup));

/// The standup service, once the team's activity is read (`None` before).
type SharedService = Arc<std::sync::Mutex<Option<Service>>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::{demo_config, demo_dir};
    use crate::model::{Source, TriageDecision};
    use crate::replay::{ReplayOptions, ReplayServer};
    use crate::store::KeySource;

    /// `r` in the cockpit: the worker syncs the demo from its replay server
    /// in the background, progress first, then fresh data; marks and audit
    /// records sent meanwhile are stored.
    #[test]
    fn a_sync_intent_streams_progress_then_fresh_data() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        rt.block_on(async {
            let now = Timestamp::now();
            let dir = demo_dir();
            let server = ReplayServer::start(&dir, ReplayOptions { now: Some(now) })
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let cfg = demo_config(&dir, &server.base_url()).unwrap_or_else(|e| panic!("{e}"));
            let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let store = Store::open(&tmp.path().join("demo"), "demo", &KeySource::ephemeral(), true)
                .unwrap_or_else(|e| panic!("{e}"));
            for p in ["github", "jira", "slack", "confluence"] {
                store
                    .put_secret(p, &format!("demo-{p}-token"))
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            store
                .put_secret("zoom", "demo-account:demo-client:demo-zoom-secret")
                .unwrap_or_else(|e| panic!("{e}"));
            let viewer = Viewer {
                name: "Greta Moonfield".into(),
                roles: vec!["engineering-manager".into()],
            };
            let standup = standup_data(&store, &cfg, now).unwrap_or_else(|e| panic!("{e}"));
            let session = Session {
                store: Arc::new(store),
                cfg: Arc::new(cfg),
                viewer,
            };
            let (events_tx, mut events_rx) = unbounded_channel();
            let (intents_tx, intents_rx) = unbounded_channel();
            let service = Service::new(
                Arc::clone(&session.store),
                (*session.cfg).clone(),
                session.viewer.clone(),
                (standup.0, standup.1.team),
                Some(now),
                events_tx.clone(),
            );
            let service = Arc::new(std::sync::Mutex::new(Some(service)));
            let worker = tokio::spawn(session.clone().serve(intents_rx, events_tx, service));
            let send = |i: Intent| intents_tx.send(i).unwrap_or_else(|e| panic!("{e}"));
            send(Intent::Sync);
            // A second `r` while the first runs starts nothing.
            send(Intent::Sync);
            send(Intent::SaveTriage {
                sprint_id: 26,
                key: "ALP-82".into(),
                decision: Some(TriageDecision::Split),
                note: "sealed".into(),
            });
            send(Intent::Audit {
                view: "cockpit.strategic".into(),
                subjects: vec!["Ines Quillfeather".into()],
            });
            let mut started = Vec::new();
            let mut pages = 0;
            let data = loop {
                let ev = tokio::time::timeout(std::time::Duration::from_secs(300), events_rx.recv())
                    .await
                    .unwrap_or_else(|_| panic!("no fresh data within 300 s"))
                    .unwrap_or_else(|| panic!("the worker ended early"));
                match ev {
                    CockpitEvent::Sync(SyncEvent::Started { source }) => started.push(source),
                    CockpitEvent::Sync(SyncEvent::Page { .. }) => pages += 1,
                    CockpitEvent::Sync(_) => {}
                    CockpitEvent::Data(d) => break d,
                    CockpitEvent::Notice(n) => panic!("{n}"),
                    CockpitEvent::Draft { .. } | CockpitEvent::Post(_) => {}
                }
            };
            started.sort();
            assert_eq!(
                started,
                [
                    Source::Github,
                    Source::Jira,
                    Source::Slack,
                    Source::Zoom,
                    Source::Confluence
                ],
                "one run, every source once"
            );
            assert!(pages > 20, "{pages} pages");
            assert_eq!(data.sources.len(), 5);
            assert!(
                data.sources.iter().all(|r| r.error.is_none()),
                "{:?}",
                data.sources
            );
            assert!(
                data.snapshot
                    .triage
                    .as_ref()
                    .is_some_and(|t| !t.sprints.is_empty())
            );
            assert_eq!(data.viewer, "Greta Moonfield");
            drop(intents_tx);
            worker.await.unwrap_or_else(|e| panic!("{e}"));
            let marks = session.store.triage_marks().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(marks.len(), 1);
            assert_eq!(
                (
                    marks[0].key.as_str(),
                    marks[0].by.as_str(),
                    marks[0].note.as_str()
                ),
                ("ALP-82", "Greta Moonfield", "sealed")
            );
            let audit = session.store.audit_log().unwrap_or_else(|e| panic!("{e}"));
            assert!(
                audit
                    .iter()
                    .any(|e| e.view == "cockpit.strategic" && e.subject == "Ines Quillfeather")
            );

            // Opening on a first frame: the full snapshot and the standup
            // follow in the background, and the service starts drafting.
            let full = stored_snapshot(&session.store)
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("no stored snapshot after the sync"));
            let (tx, mut rx) = unbounded_channel();
            let shared: SharedService = Arc::new(std::sync::Mutex::new(None));
            session.clone().load_details(tx, Arc::clone(&shared)).await;
            let Some(CockpitEvent::Data(loaded)) = rx.recv().await else {
                panic!("the details did not arrive as fresh data");
            };
            assert_eq!(loaded.snapshot.sprint_health, full.sprint_health);
            assert_eq!(loaded.snapshot.cards, full.cards);
            let standup = loaded
                .standup
                .unwrap_or_else(|| panic!("no standup in the details"));
            assert_eq!(standup.team.people.len(), 10);
            assert!(
                shared.lock().is_ok_and(|s| s.is_some()),
                "the service drafts once loaded"
            );
            server.shutdown().await;
        });
    }
}
