//! Table layout and the row-level operations shared by every table.

use jiff::Timestamp;
use redb::{ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{Store, StoreError, db_err};
use crate::model::RecordKind;

/// The three tables behind one kind of retained data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TableNames {
    /// blinded row key → day bucket (u32 BE, days since epoch, UTC) || sealed value.
    pub data: &'static str,
    /// day (u32 BE) || blinded row key → () — ordered by day for the purge.
    pub index: &'static str,
}

macro_rules! names {
    ($k:literal) => {
        TableNames {
            data: concat!("records.", $k),
            index: concat!("retention.", $k),
        }
    };
}

/// Tables of a record kind.
pub(crate) fn kind_tables(kind: RecordKind) -> TableNames {
    match kind {
        RecordKind::Person => names!("person"),
        RecordKind::WorkItem => names!("work_item"),
        RecordKind::Sprint => names!("sprint"),
        RecordKind::PullRequest => names!("pull_request"),
        RecordKind::Review => names!("review"),
        RecordKind::Commit => names!("commit"),
        RecordKind::Message => names!("message"),
        RecordKind::Meeting => names!("meeting"),
        RecordKind::Transcript => names!("transcript"),
        RecordKind::Page => names!("page"),
    }
}

/// Tables of stored LLM answers (purged with the records).
pub(crate) const LLM_OUTPUTS: TableNames = names!("llm_output");
/// Sync cursors, keyed by blinded scope.
pub(crate) const CURSORS: &str = "cursors";
/// Provider tokens, keyed by blinded provider name.
pub(crate) const SECRETS: &str = "secrets";
/// Computed snapshots, keyed by blinded name.
pub(crate) const SNAPSHOTS: &str = "snapshots";
/// Audit log: sequence number → sealed entry.
pub(crate) const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit");

pub(crate) fn data_table(name: &str) -> TableDefinition<'_, &'static [u8], &'static [u8]> {
    TableDefinition::new(name)
}

fn index_table(name: &str) -> TableDefinition<'_, &'static [u8], ()> {
    TableDefinition::new(name)
}

/// Days since 1970-01-01 UTC.
pub(crate) fn day_of(t: Timestamp) -> u32 {
    u32::try_from(t.as_second().div_euclid(86_400)).unwrap_or(0)
}

pub(crate) fn index_key(day: u32, row: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(4 + row.len());
    k.extend_from_slice(&day.to_be_bytes());
    k.extend_from_slice(row);
    k
}

/// One retained value to write: its id, event time and plaintext.
pub(crate) struct Pending {
    pub id: String,
    pub event_time: Timestamp,
    pub plaintext: Zeroizing<Vec<u8>>,
}

/// Splits a stored retained value into its day bucket and sealed bytes.
pub(crate) fn split_day(stored: &[u8]) -> Option<(u32, &[u8])> {
    let (day, sealed) = stored.split_at_checked(4)?;
    Some((u32::from_be_bytes(day.try_into().ok()?), sealed))
}

/// Inserts or replaces retained values and keeps their day index right.
///
/// The stored value is `day (u32 BE) || sealed`: the previous value returned
/// by the insert tells the old day, so no separate table is needed. Rows are
/// written in row-key order, which keeps redb's B-tree writes local.
pub(crate) fn put_indexed_many(
    store: &Store,
    txn: &WriteTransaction,
    names: TableNames,
    items: Vec<Pending>,
) -> Result<(), StoreError> {
    let mut rows: Vec<(Vec<u8>, u32, Vec<u8>)> = items
        .into_iter()
        .map(|p| {
            let row = store.row_key(names.data, &p.id);
            let day = day_of(p.event_time);
            let mut stored = day.to_be_bytes().to_vec();
            stored.extend_from_slice(&store.seal(names.data, &row, &p.plaintext));
            (row, day, stored)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let mut data = txn
        .open_table(data_table(names.data))
        .map_err(|e| db_err("open table")(&e))?;
    let mut index = txn
        .open_table(index_table(names.index))
        .map_err(|e| db_err("open table")(&e))?;
    for (row, day, stored) in rows {
        let old_day = data
            .insert(row.as_slice(), stored.as_slice())
            .map_err(|e| db_err("write value")(&e))?
            .and_then(|g| split_day(g.value()).map(|(d, _)| d));
        if let Some(old) = old_day.filter(|d| *d != day) {
            index
                .remove(index_key(old, &row).as_slice())
                .map_err(|e| db_err("write index")(&e))?;
        }
        if old_day != Some(day) {
            index
                .insert(index_key(day, &row).as_slice(), ())
                .map_err(|e| db_err("write index")(&e))?;
        }
    }
    Ok(())
}

/// Reads and opens a retained value by id.
pub(crate) fn get_retained(
    store: &Store,
    names: TableNames,
    id: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
    let row = store.row_key(names.data, id);
    let txn = store.db().begin_read().map_err(|e| db_err("begin read")(&e))?;
    let t = match txn.open_table(data_table(names.data)) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(db_err("open table")(&e)),
    };
    match t.get(row.as_slice()).map_err(|e| db_err("read")(&e))? {
        Some(v) => Ok(Some(store.open_retained(names.data, &row, v.value())?)),
        None => Ok(None),
    }
}

/// Inserts or replaces a sealed value under a blinded key (no retention).
pub(crate) fn put_plain_keyed(
    store: &Store,
    txn: &WriteTransaction,
    table: &'static str,
    id: &str,
    plaintext: &[u8],
) -> Result<(), StoreError> {
    let row = store.row_key(table, id);
    let sealed = store.seal(table, &row, plaintext);
    let mut t = txn
        .open_table(data_table(table))
        .map_err(|e| db_err("open table")(&e))?;
    t.insert(row.as_slice(), sealed.as_slice())
        .map_err(|e| db_err("write value")(&e))?;
    Ok(())
}

/// Reads and opens a value stored under a blinded key.
pub(crate) fn get_keyed(
    store: &Store,
    table: &'static str,
    id: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
    let row = store.row_key(table, id);
    let txn = store.db().begin_read().map_err(|e| db_err("begin read")(&e))?;
    let t = match txn.open_table(data_table(table)) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(db_err("open table")(&e)),
    };
    match t.get(row.as_slice()).map_err(|e| db_err("read")(&e))? {
        Some(v) => Ok(Some(store.open_value(table, &row, v.value())?)),
        None => Ok(None),
    }
}

/// An LLM answer kept with its provenance, purged with the retention window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlmOutput {
    /// Hash of the exact request input (the cache key).
    pub input_hash: String,
    /// Provider name (`offline`, `anthropic`, ...).
    pub provider: String,
    /// Model name.
    pub model: String,
    /// When it was produced, UTC.
    pub created: Timestamp,
    /// Event time of the newest input it saw, UTC: retention counts from here.
    pub event_time: Timestamp,
    /// Names of the insight fields the prompt contained.
    pub fields_seen: Vec<String>,
    /// The text.
    pub text: String,
}

/// One audited read of another person's individual data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Viewer's cockpit name.
    pub viewer: String,
    /// Person whose data was read.
    pub subject: String,
    /// What was shown (`strategic.flow`, ...).
    pub view: String,
    /// When, UTC.
    pub at: Timestamp,
}

impl Store {
    /// Stores an LLM answer, sealed, retained like the records it came from.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn put_llm_output(&self, out: &LlmOutput) -> Result<(), StoreError> {
        let json = Zeroizing::new(serde_json::to_vec(out).map_err(|e| StoreError::Decode {
            table: LLM_OUTPUTS.data.into(),
            message: e.to_string(),
        })?);
        let txn = self.db().begin_write().map_err(|e| db_err("begin write")(&e))?;
        put_indexed_many(
            self,
            &txn,
            LLM_OUTPUTS,
            vec![Pending {
                id: out.input_hash.clone(),
                event_time: out.event_time,
                plaintext: json,
            }],
        )?;
        txn.commit().map_err(|e| db_err("commit")(&e))
    }

    /// The stored LLM answer for `input_hash`.
    ///
    /// # Errors
    /// [`StoreError::Integrity`], [`StoreError::Db`].
    pub fn llm_output(&self, input_hash: &str) -> Result<Option<LlmOutput>, StoreError> {
        let Some(raw) = get_retained(self, LLM_OUTPUTS, input_hash)? else {
            return Ok(None);
        };
        serde_json::from_slice(&raw)
            .map(Some)
            .map_err(|e| StoreError::Decode {
                table: LLM_OUTPUTS.data.into(),
                message: e.to_string(),
            })
    }

    /// Stores a computed snapshot (e.g. metrics after a sync), sealed.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn put_snapshot(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let txn = self.db().begin_write().map_err(|e| db_err("begin write")(&e))?;
        put_plain_keyed(self, &txn, SNAPSHOTS, name, bytes)?;
        txn.commit().map_err(|e| db_err("commit")(&e))
    }

    /// A stored snapshot.
    ///
    /// # Errors
    /// [`StoreError::Integrity`], [`StoreError::Db`].
    pub fn snapshot(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        get_keyed(self, SNAPSHOTS, name)
    }

    /// Appends one audit entry, sealed.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn append_audit(&self, entry: &AuditEntry) -> Result<u64, StoreError> {
        let json = serde_json::to_vec(entry).map_err(|e| StoreError::Decode {
            table: "audit".into(),
            message: e.to_string(),
        })?;
        let txn = self.db().begin_write().map_err(|e| db_err("begin write")(&e))?;
        let seq = {
            let mut t = txn.open_table(AUDIT).map_err(|e| db_err("open audit")(&e))?;
            let next = t
                .last()
                .map_err(|e| db_err("read audit")(&e))?
                .map_or(1, |(k, _)| k.value() + 1);
            let sealed = self.seal("audit", &next.to_be_bytes(), &json);
            t.insert(next, sealed.as_slice())
                .map_err(|e| db_err("write audit")(&e))?;
            next
        };
        txn.commit().map_err(|e| db_err("commit")(&e))?;
        Ok(seq)
    }

    /// The whole audit log, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Integrity`], [`StoreError::Db`].
    pub fn audit_log(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let txn = self.db().begin_read().map_err(|e| db_err("begin read")(&e))?;
        let t = match txn.open_table(AUDIT) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(db_err("open audit")(&e)),
        };
        let mut out = Vec::new();
        for row in t.iter().map_err(|e| db_err("iterate audit")(&e))? {
            let (k, v) = row.map_err(|e| db_err("read audit")(&e))?;
            let plain = self.open_value("audit", &k.value().to_be_bytes(), v.value())?;
            out.push(serde_json::from_slice(&plain).map_err(|e| StoreError::Decode {
                table: "audit".into(),
                message: e.to_string(),
            })?);
        }
        Ok(out)
    }
}
