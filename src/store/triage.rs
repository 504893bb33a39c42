//! Sprint triage marks: one sealed row per (sprint, issue) in the `triage`
//! table, under a blinded key (`HMAC(blinding key, "triage" || sprint/key)`),
//! the value the mark as sealed JSON. Nothing about a mark is plaintext but
//! the number of rows and their lengths.
//!
//! Owns: reading and writing marks. Must not: decide what is at risk (that
//! is `analytics::triage`).

use redb::{ReadableDatabase, ReadableTable, TableDefinition};

use super::{Store, StoreError, db_err};
use crate::model::TriageMark;

/// Table name.
pub(super) const TRIAGE_NAME: &str = "triage";
const TRIAGE: TableDefinition<&[u8], &[u8]> = TableDefinition::new(TRIAGE_NAME);

fn row_id(sprint_id: u64, key: &str) -> String {
    format!("{sprint_id}/{key}")
}

fn decode_error(e: &serde_json::Error) -> StoreError {
    StoreError::Decode {
        table: TRIAGE_NAME.into(),
        message: e.to_string(),
    }
}

impl Store {
    /// Stores `mark` sealed, replacing the earlier mark in that
    /// sprint; an empty mark (no decision, no note) removes it.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn put_triage_mark(&self, mark: &TriageMark) -> Result<(), StoreError> {
        let row = self.row_key(TRIAGE_NAME, &row_id(mark.sprint_id, &mark.key));
        let txn = self.db().begin_write().map_err(|e| db_err("begin write")(&e))?;
        {
            let mut t = txn.open_table(TRIAGE).map_err(|e| db_err("open triage")(&e))?;
            if mark.is_empty() {
                t.remove(row.as_slice())
                    .map_err(|e| db_err("remove triage mark")(&e))?;
            } else {
                let json = zeroize::Zeroizing::new(serde_json::to_vec(mark).map_err(|e| decode_error(&e))?);
                let sealed = self.seal(TRIAGE_NAME, &row, &json);
                t.insert(row.as_slice(), sealed.as_slice())
                    .map_err(|e| db_err("write triage mark")(&e))?;
            }
        }
        txn.commit().map_err(|e| db_err("commit")(&e))
    }

    /// Every stored triage mark, by sprint then issue key.
    ///
    /// # Errors
    /// [`StoreError::Integrity`] when a row was altered or moved,
    /// [`StoreError::Decode`], [`StoreError::Db`].
    pub fn triage_marks(&self) -> Result<Vec<TriageMark>, StoreError> {
        let txn = self.db().begin_read().map_err(|e| db_err("begin read")(&e))?;
        let t = match txn.open_table(TRIAGE) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(db_err("open triage")(&e)),
        };
        let mut out: Vec<TriageMark> = Vec::new();
        for row in t.iter().map_err(|e| db_err("iterate triage")(&e))? {
            let (k, v) = row.map_err(|e| db_err("read triage")(&e))?;
            let plain = self.open_value(TRIAGE_NAME, k.value(), v.value())?;
            out.push(serde_json::from_slice(&plain).map_err(|e| decode_error(&e))?);
        }
        out.sort_by(|a, b| (a.sprint_id, &a.key).cmp(&(b.sprint_id, &b.key)));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TriageDecision;
    use crate::store::KeySource;

    fn mark(key: &str, decision: Option<TriageDecision>, note: &str) -> TriageMark {
        TriageMark {
            sprint_id: 26,
            key: key.into(),
            decision,
            note: note.into(),
            by: "Greta".into(),
            at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn marks_round_trip_sealed_replace_and_clear() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let site = dir.path().join("s");
        let store = Store::open(&site, "s", &KeySource::ephemeral(), true).unwrap_or_else(|e| panic!("{e}"));
        let note = "secret-note-marker split the API part";
        store
            .put_triage_mark(&mark("ALP-9", Some(TriageDecision::Keep), ""))
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .put_triage_mark(&mark("ALP-2", Some(TriageDecision::Split), note))
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .put_triage_mark(&mark("ALP-9", Some(TriageDecision::MoveNext), ""))
            .unwrap_or_else(|e| panic!("{e}"));
        let got = store.triage_marks().unwrap_or_else(|e| panic!("{e}"));
        let keys: Vec<(&str, Option<TriageDecision>)> =
            got.iter().map(|m| (m.key.as_str(), m.decision)).collect();
        assert_eq!(
            keys,
            [
                ("ALP-2", Some(TriageDecision::Split)),
                ("ALP-9", Some(TriageDecision::MoveNext))
            ]
        );
        store
            .put_triage_mark(&mark("ALP-9", None, "  "))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.triage_marks().unwrap_or_else(|e| panic!("{e}")).len(), 1);
        let path = store.path().to_path_buf();
        drop(store);
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{e}"));
        for needle in [&b"secret-note-marker"[..], b"ALP-2", b"split"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} in the file",
                String::from_utf8_lossy(needle)
            );
        }
    }

    /// Retention: marks made before the cut-off go, newer ones stay; a
    /// standup day goes once all its flags are older than the cut-off.
    #[test]
    fn retention_purges_old_marks_and_flag_days() {
        use crate::store::StandupFlag;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = Store::open(&dir.path().join("s"), "s", &KeySource::ephemeral(), true)
            .unwrap_or_else(|e| panic!("{e}"));
        let now: jiff::Timestamp = "2026-11-29T12:00:00Z".parse().unwrap_or_else(|e| panic!("{e}"));
        let at = |s: &str| -> jiff::Timestamp { s.parse().unwrap_or_else(|e| panic!("{e}")) };
        // Cut-off for 14 days: 2026-11-15T12:00Z.
        let mut old = mark("ALP-1", Some(TriageDecision::Keep), "old");
        old.at = at("2026-11-15T11:59:59Z");
        let mut new = mark("ALP-2", Some(TriageDecision::Split), "new");
        new.at = at("2026-11-15T12:00:00Z");
        for m in [&old, &new] {
            store.put_triage_mark(m).unwrap_or_else(|e| panic!("{e}"));
        }
        let flag = |t: &str| StandupFlag {
            person: "Ines".into(),
            by: "Greta".into(),
            at: at(t),
        };
        store
            .put_standup_flags("2026-11-02", &[flag("2026-11-02T09:00:00Z")])
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .put_standup_flags("2026-11-27", &[flag("2026-11-27T09:00:00Z")])
            .unwrap_or_else(|e| panic!("{e}"));
        let report = store.purge(now, 14).unwrap_or_else(|e| panic!("{e}"));
        let removed = |kind: &str| report.removed.iter().find(|(k, _)| k == kind).map(|(_, n)| *n);
        assert_eq!(removed("triage_mark"), Some(1));
        assert_eq!(removed("standup_flags"), Some(1));
        let keys: Vec<String> = store
            .triage_marks()
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|m| m.key)
            .collect();
        assert_eq!(keys, ["ALP-2"]);
        assert!(
            store
                .standup_flags("2026-11-02")
                .unwrap_or_else(|e| panic!("{e}"))
                .is_empty()
        );
        assert_eq!(
            store
                .standup_flags("2026-11-27")
                .unwrap_or_else(|e| panic!("{e}"))
                .len(),
            1
        );
    }
}
