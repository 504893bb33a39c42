//! The retention purge: records (and LLM answers) whose event time is older
//! than the retention window are deleted, and so are the cockpit's own notes
//! about them: sprint triage marks made, and standup days whose blocker flags
//! were all set, before the cut-off.
//!
//! Rows on days wholly before the cut-off day are removed by their day bucket
//! alone; rows on the cut-off day itself are opened and compared to the exact
//! cut-off instant, so nothing inside the window is lost.

use jiff::{SignedDuration, Timestamp};
use redb::{ReadableTable, WriteTransaction};
use serde::Serialize;

use super::marks::StandupFlag;
use super::tables::{self, TableNames, day_of, index_key};
use super::{Store, StoreError, db_err};
use crate::model::{Record, RecordKind, TriageMark};

/// What a purge removed, per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// The cut-off: everything with an event time before it was removed (UTC).
    pub cutoff: Option<Timestamp>,
    /// `(kind, removed)` for every kind, LLM answers as `llm_output`.
    pub removed: Vec<(String, u64)>,
}

impl PurgeReport {
    /// Total rows removed.
    pub fn total(&self) -> u64 {
        self.removed.iter().map(|(_, n)| n).sum()
    }
}

impl std::fmt::Display for PurgeReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(c) = self.cutoff {
            writeln!(f, "purged records with event time before {c}")?;
        }
        for (kind, n) in &self.removed {
            writeln!(f, "  {kind:<14} {n:>7} removed")?;
        }
        write!(f, "  {:<14} {:>7} removed", "total", self.total())
    }
}

impl Store {
    /// Deletes every record and LLM answer whose event time is before
    /// `now - retention_days` days, in one transaction.
    ///
    /// # Errors
    /// [`StoreError::Integrity`] if a cut-off-day value fails to open;
    /// [`StoreError::Db`]. Nothing is removed on error.
    pub fn purge(&self, now: Timestamp, retention_days: u32) -> Result<PurgeReport, StoreError> {
        let cutoff = now - SignedDuration::from_hours(24 * i64::from(retention_days));
        let txn = self.db().begin_write().map_err(|e| db_err("begin write")(&e))?;
        let mut report = PurgeReport {
            cutoff: Some(cutoff),
            removed: Vec::new(),
        };
        for kind in RecordKind::ALL {
            let n = self.purge_tables(&txn, tables::kind_tables(kind), cutoff, |raw| {
                serde_json::from_slice::<Record>(raw)
                    .ok()
                    .map(|r| r.meta().event_time)
            })?;
            report.removed.push((kind.as_str().to_string(), n));
        }
        let n = self.purge_tables(&txn, tables::LLM_OUTPUTS, cutoff, |raw| {
            serde_json::from_slice::<tables::LlmOutput>(raw)
                .ok()
                .map(|o| o.event_time)
        })?;
        report.removed.push(("llm_output".to_string(), n));
        let n = self.purge_sealed(&txn, super::triage::TRIAGE_NAME, |plain| {
            serde_json::from_slice::<TriageMark>(plain)
                .ok()
                .map(|m| m.at < cutoff)
        })?;
        report.removed.push(("triage_mark".to_string(), n));
        let n = self.purge_sealed(&txn, super::marks::STANDUP_FLAGS, |plain| {
            serde_json::from_slice::<Vec<StandupFlag>>(plain)
                .ok()
                .map(|flags| flags.iter().all(|f| f.at < cutoff))
        })?;
        report.removed.push(("standup_flags".to_string(), n));
        txn.commit().map_err(|e| db_err("commit")(&e))?;
        Ok(report)
    }

    /// Removes the rows of the sealed table `name` for which `expired` says
    /// yes (a row that does not decode is kept); returns how many.
    fn purge_sealed(
        &self,
        txn: &WriteTransaction,
        name: &str,
        expired: impl Fn(&[u8]) -> Option<bool>,
    ) -> Result<u64, StoreError> {
        let mut table = txn
            .open_table(redb::TableDefinition::<&[u8], &[u8]>::new(name))
            .map_err(|e| db_err("open table")(&e))?;
        let mut doomed: Vec<Vec<u8>> = Vec::new();
        for row in table.iter().map_err(|e| db_err("scan")(&e))? {
            let (k, v) = row.map_err(|e| db_err("scan")(&e))?;
            let plain = self.open_value(name, k.value(), v.value())?;
            if expired(&plain) == Some(true) {
                doomed.push(k.value().to_vec());
            }
        }
        for key in &doomed {
            table.remove(key.as_slice()).map_err(|e| db_err("purge")(&e))?;
        }
        Ok(doomed.len() as u64)
    }

    fn purge_tables(
        &self,
        txn: &WriteTransaction,
        names: TableNames,
        cutoff: Timestamp,
        event_time: impl Fn(&[u8]) -> Option<Timestamp>,
    ) -> Result<u64, StoreError> {
        let cutoff_day = day_of(cutoff);
        let mut data = txn
            .open_table(tables::data_table(names.data))
            .map_err(|e| db_err("open table")(&e))?;
        let mut index = txn
            .open_table(redb::TableDefinition::<&[u8], ()>::new(names.index))
            .map_err(|e| db_err("open table")(&e))?;
        // Index keys up to and including the cut-off day.
        let end = index_key(cutoff_day + 1, &[]);
        let mut doomed: Vec<Vec<u8>> = Vec::new();
        for row in index
            .range(..end.as_slice())
            .map_err(|e| db_err("scan index")(&e))?
        {
            let (k, _) = row.map_err(|e| db_err("scan index")(&e))?;
            let key = k.value().to_vec();
            let day = u32::from_be_bytes([key[0], key[1], key[2], key[3]]);
            let row_key = &key[4..];
            if day < cutoff_day {
                doomed.push(key);
                continue;
            }
            // The boundary day: compare exact event times.
            if let Some(v) = data.get(row_key).map_err(|e| db_err("read")(&e))? {
                let plain = self.open_retained(names.data, row_key, v.value())?;
                if event_time(&plain).is_some_and(|t| t < cutoff) {
                    doomed.push(key);
                }
            }
        }
        for key in &doomed {
            let row_key = &key[4..];
            index.remove(key.as_slice()).map_err(|e| db_err("purge")(&e))?;
            data.remove(row_key).map_err(|e| db_err("purge")(&e))?;
        }
        Ok(doomed.len() as u64)
    }
}
