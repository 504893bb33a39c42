//! Zoom sync: meeting instances with attendance, and transcripts.
//!
//! A past meeting instance does not change once it has ended, so each one is
//! fetched once: its record and the cursor `zoom:instance:<uuid>` are written
//! in one transaction, and a later sync skips instances it has (unless
//! `full`). Transcripts are looked up over the retention window and rewritten
//! (keyed by instance UUID, so never doubled).

use jiff::{SignedDuration, Timestamp};

use super::{Progress, SourceReport, SyncEvent};
use crate::config::Config;
use crate::model::{Record, RecordKind, Source};
use crate::sources::http::HttpError;
use crate::sources::zoom::{ZoomClient, ZoomError};
use crate::store::{Store, StoreError};

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

async fn run(
    store: &Store,
    cfg: &Config,
    client: &ZoomClient,
    progress: &Progress,
    full: bool,
    written: &mut [(RecordKind, usize)],
    errors: &mut Vec<String>,
) -> Result<(), Stop> {
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
                let scope = format!("zoom:instance:{uuid}");
                if !full && store.cursor(&scope)?.is_some() {
                    continue;
                }
                match client.meeting(&uuid, &site).await {
                    Ok(meeting) => {
                        let n = store.write_batch(&[Record::Meeting(meeting)], Some((&scope, "done")))?;
                        written[0].1 += n;
                        progress.send(SyncEvent::Page {
                            source: Source::Zoom,
                            endpoint: "/report/meetings/{uuid}/participants".into(),
                            items: n,
                        });
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
    let now = Timestamp::now();
    let from = (now - SignedDuration::from_hours(24 * i64::from(cfg.retention_days))).strftime("%Y-%m-%d");
    let to = now.strftime("%Y-%m-%d");
    for user in &users {
        match client
            .transcripts(&user.id, &from.to_string(), &to.to_string(), &site)
            .await
        {
            Ok(ts) => {
                let records: Vec<Record> = ts.into_iter().map(Record::Transcript).collect();
                written[1].1 += store.write_batch(&records, None)?;
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    Ok(())
}
