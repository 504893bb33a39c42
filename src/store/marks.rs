//! Blockers flagged during a live standup, one sealed list per standup day.
//!
//! Table `standup_flags`: blinded key of the team-local date (`2026-01-06`)
//! → sealed JSON list of [`StandupFlag`]. The whole day's list is written at
//! once (a flag toggled off is simply absent), so the last write wins and a
//! crash leaves the previous list whole. Kept apart from other marks (sprint
//! triage keeps its own table). Purged by retention once every flag of the
//! day is older than the window (`retention`).
//!
//! Must not: interpret the flags (the cockpit does).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::tables::{get_keyed, put_plain_keyed};
use super::{Store, StoreError, db_err};

/// The table of standup flags.
pub(super) const STANDUP_FLAGS: &str = "standup_flags";

/// A blocker flagged for one person in one standup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandupFlag {
    /// Cockpit name of the person blocked.
    pub person: String,
    /// Who flagged it (cockpit name of the viewer running the standup).
    pub by: String,
    /// When, UTC: the clock of the standup it was flagged in (when the
    /// cockpit computed that standup).
    pub at: Timestamp,
}

impl Store {
    /// Replaces the flags of standup day `day` (team-local date, `YYYY-MM-DD`).
    ///
    /// # Errors
    /// [`StoreError::Decode`] if the list cannot be serialised; [`StoreError::Db`].
    pub fn put_standup_flags(&self, day: &str, flags: &[StandupFlag]) -> Result<(), StoreError> {
        let json = Zeroizing::new(serde_json::to_vec(flags).map_err(|e| StoreError::Decode {
            table: STANDUP_FLAGS.into(),
            message: e.to_string(),
        })?);
        let txn = self.db().begin_write().map_err(|e| db_err("begin write")(&e))?;
        put_plain_keyed(self, &txn, STANDUP_FLAGS, day, &json)?;
        txn.commit().map_err(|e| db_err("commit")(&e))
    }

    /// The flags of standup day `day`; empty when none were stored.
    ///
    /// # Errors
    /// [`StoreError::Integrity`] (tampered value), [`StoreError::Decode`], [`StoreError::Db`].
    pub fn standup_flags(&self, day: &str) -> Result<Vec<StandupFlag>, StoreError> {
        let Some(raw) = get_keyed(self, STANDUP_FLAGS, day)? else {
            return Ok(Vec::new());
        };
        serde_json::from_slice(&raw).map_err(|e| StoreError::Decode {
            table: STANDUP_FLAGS.into(),
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::KeySource;

    #[test]
    fn flags_round_trip_per_day_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s"), "s", &KeySource::ephemeral(), true).unwrap();
        assert!(store.standup_flags("2026-01-06").unwrap().is_empty());
        let flag = StandupFlag {
            person: "Ines Quillfeather".into(),
            by: "Greta Moonfield".into(),
            at: "2026-01-07T09:31:00Z".parse().unwrap(),
        };
        store
            .put_standup_flags("2026-01-06", std::slice::from_ref(&flag))
            .unwrap();
        assert_eq!(store.standup_flags("2026-01-06").unwrap(), vec![flag]);
        assert!(store.standup_flags("2026-01-07").unwrap().is_empty());
        store.put_standup_flags("2026-01-06", &[]).unwrap();
        assert!(store.standup_flags("2026-01-06").unwrap().is_empty());
        let path = store.path().to_path_buf();
        store
            .put_standup_flags(
                "2026-01-08",
                &[StandupFlag {
                    person: "Rui Solano-Vex".into(),
                    by: "Greta Moonfield".into(),
                    at: "2026-01-08T09:31:00Z".parse().unwrap(),
                }],
            )
            .unwrap();
        drop(store);
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(14).any(|w| w == b"Rui Solano-Vex"),
            "names are sealed"
        );
    }
}
