//! Computes the cockpit snapshot from the store and keeps it sealed there, so
//! opening the cockpit reads it instead of recomputing.

use jiff::Timestamp;

use crate::analytics::{meetings, velocity};
use crate::config::Config;
use crate::identity::Directory;
use crate::insight::{KindCount, Snapshot, cards};
use crate::model::{Record, RecordKind};
use crate::store::{Store, StoreError};

/// Snapshot name in the store.
pub const SNAPSHOT_NAME: &str = "cockpit";

/// Attendance of configured people keyed by their cockpit name (all their
/// emails count as one person); everyone else keeps their email.
fn named(mut list: Vec<crate::model::Meeting>, cfg: &Config) -> Vec<crate::model::Meeting> {
    let dir = Directory::from_config(cfg);
    for m in &mut list {
        for a in &mut m.attendance {
            if let Some(name) = a.email.as_deref().and_then(|e| dir.by_email(e)) {
                a.name = name.to_string();
                a.email = None;
            }
        }
    }
    list
}

/// Computes the snapshot as of `now` and stores it sealed.
///
/// # Errors
/// [`StoreError`] reading records or writing the snapshot.
pub fn compute_snapshot(store: &Store, cfg: &Config, now: Timestamp) -> Result<Snapshot, StoreError> {
    let mut sprints = Vec::new();
    let mut items = Vec::new();
    let mut meetings_list = Vec::new();
    for kind in [RecordKind::Sprint, RecordKind::WorkItem, RecordKind::Meeting] {
        for rec in store.records(kind)? {
            match rec {
                Record::Sprint(s) => sprints.push(s),
                Record::WorkItem(w) => items.push(w),
                Record::Meeting(m) => meetings_list.push(m),
                _ => {}
            }
        }
    }
    let velocity = velocity::velocity(&sprints, &items);
    let snapshot = Snapshot {
        site: cfg.site.clone(),
        team: cfg.team.name.clone(),
        time_zone: cfg.team.time_zone.clone(),
        as_of: now,
        cards: cards(&sprints, &items, &velocity, now),
        meeting_load: meetings::meeting_load(&named(meetings_list, cfg), &cfg.team.tz()),
        velocity,
        counts: store
            .counts()?
            .into_iter()
            .map(|(k, n)| KindCount {
                kind: k.as_str().to_string(),
                count: n,
            })
            .collect(),
    };
    if let Ok(bytes) = serde_json::to_vec(&snapshot) {
        store.put_snapshot(SNAPSHOT_NAME, &bytes)?;
    }
    Ok(snapshot)
}
