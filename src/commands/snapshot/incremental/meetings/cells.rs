//! The multisets the meeting cache keeps per person: week cells of
//! attendance pieces and day cells of stretches, and the small operations
//! that keep rows' sorted meeting ids in step with them.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use rustc_hash::FxHashMap;

use crate::analytics::focus::FocusDay;

/// A meeting's source id, shared by every piece of its attendance.
pub(super) type Id = Arc<str>;

/// One person's attendance pieces in one week: a sorted multiset of pieces
/// and the meetings they belong to, with their piece counts.
#[derive(Debug, Default)]
pub(super) struct WeekCell {
    pub(super) pieces: Vec<(Timestamp, Timestamp)>,
    pub(super) ids: FxHashMap<Id, u32>,
}

impl WeekCell {
    pub(super) fn has(&self, id: &str) -> bool {
        self.ids.contains_key(id)
    }

    fn add(&mut self, piece: (Timestamp, Timestamp), id: &Id) {
        let at = self.pieces.partition_point(|p| *p < piece);
        self.pieces.insert(at, piece);
        match self.ids.get_mut(&**id) {
            Some(n) => *n += 1,
            None => {
                self.ids.insert(Arc::clone(id), 1);
            }
        }
    }

    /// Takes one piece out; `false` when it is not there.
    fn remove(&mut self, piece: (Timestamp, Timestamp), id: &str) -> bool {
        let (Ok(at), Some(n)) = (self.pieces.binary_search(&piece), self.ids.get_mut(id)) else {
            return false;
        };
        self.pieces.remove(at);
        *n -= 1;
        if *n == 0 {
            self.ids.remove(id);
        }
        true
    }

    /// Its meeting ids as a row writes them (sorted).
    pub(super) fn id_strings(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.ids.keys().map(|x| String::from(&**x)).collect();
        ids.sort_unstable();
        ids
    }
}

/// Adds (or takes out) one piece of the week cell of `week`; a cell left
/// without pieces is dropped (the full computation has no row for it).
pub(super) fn change(
    cells: &mut BTreeMap<Date, WeekCell>,
    week: Date,
    piece: (Timestamp, Timestamp),
    id: &Id,
    add: bool,
) -> bool {
    if add {
        cells.entry(week).or_default().add(piece, id);
        return true;
    }
    let Some(cell) = cells.get_mut(&week) else {
        return false;
    };
    let ok = cell.remove(piece, id);
    if cell.pieces.is_empty() {
        cells.remove(&week);
    }
    ok
}

/// One person's counted work day: the stretches touching its local date
/// and its work window
/// (any order: `split_day` sorts them) and, for the roster, its figures.
#[derive(Debug, Default)]
pub(super) struct DayCell {
    pub(super) busy: Vec<(Timestamp, Timestamp, Id)>,
    pub(super) focus: Option<FocusDay>,
}

/// Counts one more (or one fewer) row naming `id`.
pub(super) fn count_id(ids: &mut BTreeMap<Id, u32>, id: &str, add: bool) {
    if add {
        match ids.get_mut(id) {
            Some(n) => *n += 1,
            None => {
                ids.insert(Arc::from(id), 1);
            }
        }
    } else if let Some(n) = ids.get_mut(id) {
        *n -= 1;
        if *n == 0 {
            ids.remove(id);
        }
    }
}

/// Makes the sorted `row_ids` agree with `cell` for the meetings in `ids`
/// (the others are unchanged), telling `changed` each id added or removed.
pub(super) fn patch_ids(
    row_ids: &mut Vec<String>,
    cell: &WeekCell,
    ids: &[Id],
    mut changed: impl FnMut(&str, bool),
) {
    for id in ids {
        match (row_ids.binary_search_by(|x| x.as_str().cmp(id)), cell.has(id)) {
            (Ok(i), false) => {
                row_ids.remove(i);
                changed(id, false);
            }
            (Err(i), true) => {
                row_ids.insert(i, id.to_string());
                changed(id, true);
            }
            _ => {}
        }
    }
}

/// `ids` (sorted) as strings, reusing the strings of `old` (sorted) that
/// are still there.
pub(super) fn merge_items(old: Vec<String>, ids: &[&str]) -> Vec<String> {
    let mut out = Vec::with_capacity(ids.len());
    let mut old = old.into_iter().peekable();
    for id in ids {
        while old.next_if(|o| o.as_str() < *id).is_some() {}
        match old.next_if(|o| o.as_str() == *id) {
            Some(o) => out.push(o),
            None => out.push((*id).to_string()),
        }
    }
    out
}
