//! The sync's write path: batches of records with their cursors, written by a
//! dedicated thread in group commits whose `fsync` is deferred.
//!
//! Owns: [`Batch`] (records and the cursors that cover them, which must land
//! together), [`Commit`] (durable now, or deferred to the next durable
//! commit), [`Store::write`], and [`Writer`], the thread a source hands its
//! batches to through a bounded channel, so fetching the next page overlaps
//! sealing and writing this one and the async runtime never waits on disk.
//! Must not: know providers or decide what a cursor means.
//!
//! # Crash safety
//! Each [`Batch`] is written whole inside one redb transaction (the writer
//! may put several batches in one transaction, never split one). Deferred
//! commits use redb's [`redb::Durability::None`]: they are visible to readers
//! of this process at once, and redb guarantees that after a crash the file
//! opens at the last *durable* commit, with every later commit gone as a
//! whole. Since a source's batches are committed in the order it sent them,
//! what survives a crash is always a prefix of them: a cursor is never ahead
//! of the records it covers. The writer commits durably at least every
//! [`DURABLE_EVERY`] and when the source finishes, so a kill loses at most
//! that much work, which the next sync fetches again.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::{Store, StoreError, db_err, tables};
use crate::model::{Record, RecordKind};

/// Records and the cursors that cover them: written in one transaction.
#[derive(Debug, Default, Clone)]
pub struct Batch {
    records: Vec<Record>,
    cursors: Vec<(String, String)>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Adds a record (a later record with the same id wins).
    pub fn push(&mut self, record: Record) {
        self.records.push(record);
    }

    /// Adds records.
    pub fn extend(&mut self, records: impl IntoIterator<Item = Record>) {
        self.records.extend(records);
    }

    /// Sets the sync cursor `scope` to `value` with these records (a later
    /// value of the same scope wins).
    pub fn set_cursor(&mut self, scope: impl Into<String>, value: impl Into<String>) {
        self.cursors.push((scope.into(), value.into()));
    }

    /// Adds everything of `other` after what this batch holds.
    pub fn append(&mut self, other: Batch) {
        self.records.extend(other.records);
        self.cursors.extend(other.cursors);
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when it holds neither records nor cursors.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.cursors.is_empty()
    }

    /// The records.
    pub fn records(&self) -> &[Record] {
        &self.records
    }
}

/// When a write reaches the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    /// `fsync` before returning ([`redb::Durability::Immediate`]).
    Durable,
    /// Visible at once, on disk with the next durable commit; a crash before
    /// it rolls back to the last durable commit ([`redb::Durability::None`]).
    Deferred,
}

impl Store {
    /// Writes `batches` in one transaction, each whole: after a crash either
    /// all of it is there or none (for [`Commit::Deferred`], none unless a
    /// durable commit followed). Returns how many records were written.
    ///
    /// # Errors
    /// [`StoreError::Db`] (nothing is written), [`StoreError::Decode`] if a
    /// record does not serialize.
    pub fn write(&self, batches: &[Batch], commit: Commit) -> Result<usize, StoreError> {
        self.write_parts(
            batches.iter().flat_map(|b| &b.records),
            batches
                .iter()
                .flat_map(|b| &b.cursors)
                .map(|(s, v)| (s.as_str(), v.as_str())),
            commit,
        )
    }

    /// [`Store::write`] over borrowed records and cursors.
    pub(crate) fn write_parts<'a>(
        &self,
        records: impl Iterator<Item = &'a Record>,
        cursors: impl Iterator<Item = (&'a str, &'a str)>,
        commit: Commit,
    ) -> Result<usize, StoreError> {
        let mut by_kind: std::collections::BTreeMap<RecordKind, Vec<tables::Pending>> = Default::default();
        let mut count = 0;
        for rec in records {
            let meta = rec.meta();
            let json = Zeroizing::new(serde_json::to_vec(rec).map_err(|e| StoreError::Decode {
                table: tables::kind_tables(rec.kind()).data.to_string(),
                message: e.to_string(),
            })?);
            by_kind.entry(rec.kind()).or_default().push(tables::Pending {
                id: format!("{}:{}", meta.source, meta.source_id),
                event_time: meta.event_time,
                plaintext: json,
            });
            count += 1;
        }
        let mut txn = self.db().begin_write().map_err(|e| db_err("begin write")(&e))?;
        if commit == Commit::Deferred {
            txn.set_durability(redb::Durability::None)
                .map_err(|e| db_err("deferred commit")(&e))?;
        }
        for (kind, items) in by_kind {
            tables::put_indexed_many(self, &txn, tables::kind_tables(kind), items)?;
        }
        for (scope, value) in cursors {
            tables::put_plain_keyed(self, &txn, tables::CURSORS, scope, value.as_bytes())?;
        }
        txn.commit().map_err(|e| db_err("commit")(&e))?;
        Ok(count)
    }

    /// Makes every deferred commit durable (an empty durable commit).
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn persist(&self) -> Result<(), StoreError> {
        self.write(&[], Commit::Durable).map(|_| ())
    }

    /// Starts a writer thread for one source's batches; `label` names it in
    /// errors (e.g. `"github"`).
    ///
    /// # Errors
    /// [`StoreError::Writer`] when the thread cannot start.
    pub fn writer(&self, label: &str) -> Result<Writer, StoreError> {
        let (tx, rx) = tokio::sync::mpsc::channel(CHANNEL_BATCHES);
        let failed = Arc::new(OnceLock::new());
        let store = self.clone();
        let seen = failed.clone();
        let name = label.to_string();
        std::thread::Builder::new()
            .name(format!("store-writer-{label}"))
            .spawn(move || run(store, rx, &seen, name))
            .map_err(|e| StoreError::Writer {
                label: label.to_string(),
                message: format!("cannot start the writer thread: {e}"),
            })?;
        Ok(Writer {
            tx,
            failed,
            label: label.to_string(),
        })
    }
}

/// Longest time between two durable commits while batches keep coming.
pub const DURABLE_EVERY: Duration = Duration::from_secs(1);
/// Batches a writer's channel holds before `send` waits (back-pressure).
const CHANNEL_BATCHES: usize = 8;
/// Records the writer gathers from waiting batches into one transaction.
const GROUP_RECORDS: usize = 5_000;

enum Msg {
    Batch(Batch),
    Finish(tokio::sync::oneshot::Sender<Result<usize, StoreError>>),
}

/// A source's handle on its writer thread. Batches are written in the order
/// they are sent. Once a write fails, every later batch is refused (so no
/// cursor can pass records that were not written), and [`Writer::send`] and
/// [`Writer::finish`] report the failure.
///
/// Dropping it without [`Writer::finish`] still writes what was sent and
/// commits it durably, in the background.
pub struct Writer {
    tx: tokio::sync::mpsc::Sender<Msg>,
    failed: Arc<OnceLock<String>>,
    label: String,
}

impl Writer {
    fn error(&self, message: String) -> StoreError {
        StoreError::Writer {
            label: self.label.clone(),
            message,
        }
    }

    /// Hands `batch` to the writer; waits only while the channel is full.
    ///
    /// # Errors
    /// [`StoreError::Writer`] when an earlier batch failed to write (this
    /// one is dropped) or the thread is gone.
    pub async fn send(&self, batch: Batch) -> Result<(), StoreError> {
        if let Some(message) = self.failed.get() {
            return Err(self.error(message.clone()));
        }
        if batch.is_empty() {
            return Ok(());
        }
        self.tx
            .send(Msg::Batch(batch))
            .await
            .map_err(|_| self.error("the writer thread stopped".into()))
    }

    /// Waits until everything sent is written and durable; returns the number
    /// of records written. The thread ends, and its hold on the store with it.
    ///
    /// # Errors
    /// [`StoreError::Writer`] naming the first write that failed.
    pub async fn finish(self) -> Result<usize, StoreError> {
        let (reply, done) = tokio::sync::oneshot::channel();
        if self.tx.send(Msg::Finish(reply)).await.is_err() {
            return Err(self.error("the writer thread stopped".into()));
        }
        match done.await {
            Ok(result) => result,
            Err(_) => Err(self.error("the writer thread stopped".into())),
        }
    }
}

/// The writer thread: gathers waiting batches into one transaction, commits
/// deferred, durable every [`DURABLE_EVERY`] and at the end.
fn run(store: Store, mut rx: tokio::sync::mpsc::Receiver<Msg>, failed: &OnceLock<String>, label: String) {
    let mut written = 0usize;
    let mut last_durable = Instant::now();
    let mut dirty = false;
    let mut group: Vec<Batch> = Vec::new();
    while let Some(first) = rx.blocking_recv() {
        let mut finish = None;
        let mut records = 0;
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Batch(b) => {
                    records += b.len();
                    group.push(b);
                }
                Msg::Finish(reply) => finish = Some(reply),
            }
            if finish.is_none() && records < GROUP_RECORDS {
                next = rx.try_recv().ok();
            }
        }
        if failed.get().is_none() && !group.is_empty() {
            let durable = finish.is_some() || last_durable.elapsed() >= DURABLE_EVERY;
            let commit = if durable {
                Commit::Durable
            } else {
                Commit::Deferred
            };
            match store.write(&group, commit) {
                Ok(n) => {
                    written += n;
                    if durable {
                        last_durable = Instant::now();
                    }
                    dirty = !durable;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "store writer: a write failed; later batches are refused");
                    let _ = failed.set(e.to_string());
                }
            }
        }
        group.clear();
        if let Some(reply) = finish {
            let result = match failed.get() {
                Some(message) => Err(message.clone()),
                None if dirty => store.persist().map(|()| written).map_err(|e| e.to_string()),
                None => Ok(written),
            };
            // Release the store before answering: the caller may close it next.
            drop(store);
            let _ = reply.send(result.map_err(|message| StoreError::Writer { label, message }));
            return;
        }
    }
    // Every handle dropped without `finish`: make what was written durable.
    if dirty
        && failed.get().is_none()
        && let Err(e) = store.persist()
    {
        tracing::warn!(error = %e, "store writer: the final durable commit failed");
    }
}
