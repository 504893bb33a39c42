//! Several computed snapshot parts written in one transaction (the cockpit's
//! small first frame and its details), so a reader never sees a first frame
//! from one computation beside details from another.
//!
//! Owns: the atomic multi-part write. Must not: know what a snapshot holds.

use super::db_err;
use super::tables::{SNAPSHOTS, put_plain_keyed};
use super::{Store, StoreError};

impl Store {
    /// Stores computed snapshot parts (name, bytes), each sealed like
    /// [`Store::put_snapshot`], all in one transaction.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn put_snapshots(&self, parts: &[(&str, &[u8])]) -> Result<(), StoreError> {
        let txn = self.db().begin_write().map_err(|e| db_err("begin write")(&e))?;
        for (name, bytes) in parts {
            put_plain_keyed(self, &txn, SNAPSHOTS, name, bytes)?;
        }
        txn.commit().map_err(|e| db_err("commit")(&e))
    }
}
