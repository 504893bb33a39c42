//! Zoom sync: meeting instances with attendance, and transcripts.
//!
//! A past meeting instance does not change once it has ended, so each one is
//! fetched once: its record and the cursor `zoom:instance:<uuid>` are written
//! in one transaction (with up to [`MEETINGS_PER_BATCH`] other meetings and
//! their cursors), and a later sync skips instances it has (unless `full`).
//! Transcripts are looked up over the retention window (one listing request
//! per user); a file is downloaded only when its marker (file id, size,
//! recording end) differs from the one stored in `zoom:transcript:<uuid>`
//! with the transcript, in the same transaction.

use jiff::{SignedDuration, Timestamp};

use super::{Progress, SourceReport, SyncEvent};
use crate::config::Config;
use crate::model::{Record, RecordKind, Source};
use crate::sources::http::HttpError;
use crate::sources::zoom::{TranscriptFile, ZoomClient, ZoomError};
use crate::store::{Batch, Store, StoreError, Writer};

#[derive(Debug, thiserror::Error)]
enum Stop {
    #[error(transparent)]
    Zoom(#[from] ZoomError),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Syncs Zoom into `store`. `client` must not be authorized yet: the token is
/// fetched here. Never fails as a whole; the report carries the error.
pub async fn sync_zoom(
    store: &Store,
    cfg: &Config,
    client: ZoomClient,
    progress: &Progress,
    full: bool,
) -> SourceReport {
    progress.send(SyncEvent::Started { source: Source::Zoom });
    let mut written = vec![(RecordKind::Meeting, 0usize), (RecordKind::Transcript, 0usize)];
    let mut requests = 0;
    let mut errors: Vec<String> = Vec::new();
    match client.authorize().await {
        Ok(client) => {
            if let Err(e) = run(store, cfg, &client, progress, full, &mut written, &mut errors).await {
                errors.push(e.to_string());
            }
            requests = client.requests();
        }
        Err(e) => errors.push(e.to_string()),
    }
    let error = (!errors.is_empty()).then(|| errors.join("; "));
    if let Some(message) = &error {
        progress.send(SyncEvent::Failed {
            source: Source::Zoom,
            message: message.clone(),
        });
    }
    let report = SourceReport {
        source: Source::Zoom,
        written,
        requests,
        error,
        finished: Timestamp::now(),
    };
    progress.send(SyncEvent::Finished(report.clone()));
    report
}

/// Meetings gathered into one batch (one transaction) before it is sent.
const MEETINGS_PER_BATCH: usize = 200;

/// Cursor scope of an instance written (value `done`).
fn instance_scope(uuid: &str) -> String {
    format!("zoom:instance:{uuid}")
}

/// Cursor scope of a stored transcript (value: [`TranscriptFile::marker`]).
fn transcript_scope(uuid: &str) -> String {
    format!("zoom:transcript:{uuid}")
}

/// What one Zoom sync works with.
#[derive(Clone, Copy)]
struct Zoom<'a> {
    store: &'a Store,
    cfg: &'a Config,
    client: &'a ZoomClient,
    progress: &'a Progress,
    full: bool,
}

async fn run(
    store: &Store,
    cfg: &Config,
    client: &ZoomClient,
    progress: &Progress,
    full: bool,
    written: &mut [(RecordKind, usize)],
    errors: &mut Vec<String>,
) -> Result<(), Stop> {
    let writer = store.writer("zoom")?;
    let mut batch = Batch::new();
    let zoom = Zoom {
        store,
        cfg,
        client,
        progress,
        full,
    };
    let result = zoom.meetings(&writer, &mut batch, written, errors).await;
    // What was fetched before a stop is written all the same.
    let sent = flush(&writer, &mut batch, progress).await;
    let finished = writer.finish().await;
    result?;
    sent?;
    finished?;
    Ok(())
}

/// Sends the gathered meetings with their instance cursors.
async fn flush(writer: &Writer, batch: &mut Batch, progress: &Progress) -> Result<(), StoreError> {
    if batch.is_empty() {
        return Ok(());
    }
    let items = batch.len();
    writer.send(std::mem::take(batch)).await?;
    progress.send(SyncEvent::Page {
        source: Source::Zoom,
        endpoint: "/report/meetings/{uuid}/participants".into(),
        items,
    });
    Ok(())
}

impl Zoom<'_> {
    /// Every meeting instance not stored yet, then the transcripts.
    async fn meetings(
        &self,
        writer: &Writer,
        batch: &mut Batch,
        written: &mut [(RecordKind, usize)],
        errors: &mut Vec<String>,
    ) -> Result<(), Stop> {
        let Zoom {
            store,
            cfg,
            client,
            progress,
            full,
        } = *self;
        let site = store.site().to_string();
        let users = client.users().await?;
        for user in &users {
            let meetings = match client.meetings(&user.id).await {
                Ok(m) => m,
                Err(e @ HttpError::Budget { .. }) => return Err(e.into()),
                Err(e) => {
                    errors.push(e.to_string());
                    continue;
                }
            };
            for m in &meetings {
                for uuid in client.instances(m).await? {
                    let scope = instance_scope(&uuid);
                    if !full && store.cursor(&scope)?.is_some() {
                        continue;
                    }
                    match client.meeting(&uuid, &site).await {
                        Ok(meeting) => {
                            batch.push(Record::Meeting(meeting));
                            batch.set_cursor(scope, "done");
                            written[0].1 += 1;
                            if batch.len() >= MEETINGS_PER_BATCH {
                                flush(writer, batch, progress).await?;
                            }
                        }
                        // Not ended yet, or not visible to this app: skip it.
                        Err(HttpError::Status { status: 404, .. }) => {}
                        // Out of requests for this run: stop, the next sync resumes.
                        Err(e @ HttpError::Budget { .. }) => return Err(e.into()),
                        Err(e) => errors.push(e.to_string()),
                    }
                }
            }
        }
        flush(writer, batch, progress).await?;
        let now = Timestamp::now();
        let from =
            (now - SignedDuration::from_hours(24 * i64::from(cfg.retention_days))).strftime("%Y-%m-%d");
        let to = now.strftime("%Y-%m-%d");
        for user in &users {
            // Already stored from an unchanged file: not downloaded again.
            let known = |f: &TranscriptFile| {
                !full
                    && store
                        .cursor(&transcript_scope(&f.meeting_uuid))
                        .ok()
                        .flatten()
                        .is_some_and(|m| m == f.marker())
            };
            match client
                .transcripts_except(&user.id, &from.to_string(), &to.to_string(), &site, known)
                .await
            {
                Ok(ts) => {
                    let mut transcripts = Batch::new();
                    for (file, t) in ts {
                        transcripts.set_cursor(transcript_scope(&file.meeting_uuid), file.marker());
                        transcripts.push(Record::Transcript(t));
                    }
                    written[1].1 += transcripts.len();
                    writer.send(transcripts).await?;
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        Ok(())
    }
}
