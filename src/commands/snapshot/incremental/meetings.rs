//! The meeting family's cache: meeting load, focus time and fragmentation
//! per person and week, and the part of the pulse they feed.
//!
//! Owns: keeping `Snapshot::person_weeks`, `Snapshot::meeting_load` and
//! `pulse.weeks` equal to a full computation after a delta. Must not: define
//! metrics (they live in `analytics::meetings` and `analytics::focus`).
//!
//! What is cached: every attendance stretch of every meeting, grouped per
//! person (named as `named_stretches` names them) and, within a person, by
//! - week: the pieces `split_weeks` cuts the stretch into, unclipped (what a
//!   `meeting_load` row adds up) and clipped to the window up to `now` (what
//!   a person-week's meeting hours add up), each a sorted multiset with the
//!   number of pieces of each meeting ([`cells::WeekCell`]);
//! - counted work day (as `counted_work_days` gives them): the stretches
//!   touching that local date and its work window (`split_day` drops the
//!   others), what `split_day` reads, with the day's
//!   `FocusDay` for the people on the roster ([`cells::DayCell`]);
//! - and, per week, how many of the roster's person-week rows name each
//!   meeting (the week's pulse items).
//!
//! Why it equals the full computation: the full computation is a function
//! of those multisets only (it sorts what it reads, counts distinct meetings
//! and sums a week's days in date order from zero). A delta takes the old
//! version's stretches out and puts the new version's in, then only the
//! (person, week) cells and days they touched are computed again, with the
//! helpers the full computation itself calls (`split_weeks`, `week_hours`,
//! `split_day`, `fill_days`, `empty_week`, `week_pulse`), and written into
//! the snapshot's rows in place (meeting ids patched one by one, rows
//! inserted or removed where a cell appears or empties). The window, clock
//! and calendar are fixed between updates (a new `now` rebuilds the cache).
//! If the cache disagrees with a delta (an old version it never held), the
//! family is computed from scratch instead. `tests/props_incremental.rs`
//! checks the result against `compute` on random and hand-made deltas.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use rustc_hash::{FxHashMap, FxHashSet};

use super::Delta;
use crate::access::MIN_GROUP_SIZE;
use crate::analytics::flow::Window;
use crate::analytics::focus::{
    Block, FocusDay, PersonWeek, counted_work_days, empty_week, fill_days, monday_of, split_day,
};
use crate::analytics::meetings::{MeetingWeek, person_of, split_weeks, week_hours};
use crate::analytics::pulse::week_pulse;
use crate::commands::snapshot::{
    Context, Inputs, MeetingFigures, PulseParts, meeting_figures, refresh_pulse,
};
use crate::identity::Directory;
use crate::insight::Snapshot;
use crate::model::{Attendance, Meeting};

mod cells;
use cells::{DayCell, Id, WeekCell, change, count_id, merge_items, patch_ids};

/// Everything cached about one person.
#[derive(Debug)]
struct Person {
    name: String,
    /// One of the configured people.
    configured: bool,
    /// Stretches of this person (with no configured people, the roster is
    /// everyone with one).
    stretches: usize,
    /// Week cells of all attendance (`meeting_load`).
    load: BTreeMap<Date, WeekCell>,
    /// Week cells of attendance clipped to the window up to `now`
    /// (`person_weeks`).
    clipped: BTreeMap<Date, WeekCell>,
    /// One cell per counted work day, as [`MeetingCache::days`].
    days: Vec<DayCell>,
}

/// What one update touched.
#[derive(Default)]
struct Touched {
    /// Load cells, with the meetings whose pieces there changed.
    load: FxHashMap<(usize, Date), Vec<Id>>,
    /// Clipped cells, likewise.
    clipped: FxHashMap<(usize, Date), Vec<Id>>,
    /// (person, counted day) pairs.
    days: FxHashSet<(usize, usize)>,
    /// People whose stretches changed, with whether they were on the roster.
    people: FxHashMap<usize, bool>,
}

/// What the meeting family keeps between computations (see the module doc).
pub(crate) struct MeetingCache {
    /// Person name → position in `people`.
    index: FxHashMap<String, usize>,
    people: Vec<Person>,
    /// Counted work days in date order, with their work windows.
    days: Vec<(Date, Block)>,
    /// Monday → the range of `days` in that week.
    weeks: BTreeMap<Date, (usize, usize)>,
    /// Whether the roster is the configured people (else everyone seen).
    fixed_roster: bool,
    /// The window up to `now` that person-weeks clip attendance to.
    clip: Window,
    min_block: SignedDuration,
    /// Per week, the meeting ids of the roster's person-week rows with the
    /// number of rows naming each (the pulse's items are its keys).
    week_ids: BTreeMap<Date, BTreeMap<Id, u32>>,
}

impl MeetingCache {
    /// The family computed from scratch, and its cache.
    pub(crate) fn build(inp: &Inputs, cx: &Context) -> (MeetingCache, MeetingFigures) {
        (MeetingCache::fill(inp, cx), meeting_figures(inp, cx))
    }

    /// The cache of `inp` (every meeting's stretches put in).
    fn fill(inp: &Inputs, cx: &Context) -> MeetingCache {
        let days = counted_work_days(&cx.cal, &cx.window, cx.now);
        let mut weeks: BTreeMap<Date, (usize, usize)> = BTreeMap::new();
        for (i, (d, _)) in days.iter().enumerate() {
            weeks.entry(monday_of(*d)).or_insert((i, i)).1 = i + 1;
        }
        let mut c = MeetingCache {
            index: FxHashMap::default(),
            people: Vec::new(),
            days,
            weeks,
            fixed_roster: !cx.people.is_empty(),
            clip: Window::new(cx.window.start, cx.window.end.min(cx.now)),
            min_block: SignedDuration::from_mins(i64::from(cx.limits.focus_min_block_minutes)),
            week_ids: BTreeMap::new(),
        };
        for name in &cx.people {
            let p = c.person(name);
            if let Some(p) = c.people.get_mut(p) {
                p.configured = true;
            }
        }
        // One directory look-up per distinct email, as `named_stretches`.
        let mut seen: FxHashMap<&str, Option<&str>> = FxHashMap::default();
        let mut touched = Touched::default();
        for m in &inp.meetings {
            let id: Id = Arc::from(m.meta.source_id.as_str());
            for a in m.attendance.iter().filter(|a| a.leave > a.join) {
                let named = a
                    .email
                    .as_deref()
                    .and_then(|e| *seen.entry(e).or_insert_with(|| cx.dir.by_email(e)));
                let p = c.person(&person_of(a, named));
                // Adding cannot fail.
                c.stretch(p, (a.join, a.leave), &id, true, cx, &mut touched);
            }
        }
        for p in 0..c.people.len() {
            if c.on_roster(p) {
                c.focus_all(p);
                c.count_ids(p, true);
            }
        }
        c
    }

    /// Brings the family's figures in `snap` (and their pulse part) up to
    /// date after `delta` was applied to `inp`.
    pub(crate) fn update(&mut self, inp: &Inputs, cx: &Context, delta: &Delta, snap: &mut Snapshot) {
        if !self.apply(inp, cx, delta, snap) {
            let (cache, figures) = MeetingCache::build(inp, cx);
            *self = cache;
            figures.put(snap);
            refresh_pulse(
                snap,
                PulseParts {
                    flow: false,
                    weeks: true,
                },
            );
        }
    }

    /// [`Self::update`] from the cache; `false` if the cache and the delta
    /// disagree (the snapshot must then be computed from scratch).
    fn apply(&mut self, inp: &Inputs, cx: &Context, delta: &Delta, snap: &mut Snapshot) -> bool {
        // Each changed meeting once: the version the cache saw, the current one.
        let mut seen: FxHashSet<usize> = FxHashSet::default();
        let mut t = Touched::default();
        for change in &delta.meetings {
            if !seen.insert(change.at) {
                continue;
            }
            if let Some(old) = &change.old
                && !self.meeting(old, false, cx, &mut t)
            {
                return false;
            }
            match inp.meetings.get(change.at) {
                Some(new) => {
                    self.meeting(new, true, cx, &mut t);
                }
                None => return false,
            }
        }
        self.put_load(&t, &mut snap.meeting_load);
        let weeks = self.put_person_weeks(&t, &mut snap.person_weeks);
        self.put_pulse_weeks(&weeks, snap);
        true
    }

    /// Position of the person named `name`, added if new.
    fn person(&mut self, name: &str) -> usize {
        if let Some(p) = self.index.get(name) {
            return *p;
        }
        let p = self.people.len();
        self.people.push(Person {
            name: name.to_string(),
            configured: false,
            stretches: 0,
            load: BTreeMap::new(),
            clipped: BTreeMap::new(),
            days: self.days.iter().map(|_| DayCell::default()).collect(),
        });
        self.index.insert(name.to_string(), p);
        p
    }

    /// Whether person `p` has person-week rows (see `analytics::focus`).
    fn on_roster(&self, p: usize) -> bool {
        self.people.get(p).is_some_and(|x| {
            if self.fixed_roster {
                x.configured
            } else {
                x.stretches > 0
            }
        })
    }

    /// Puts a meeting's stretches in (`add`) or takes them out.
    fn meeting(&mut self, m: &Meeting, add: bool, cx: &Context, t: &mut Touched) -> bool {
        let id: Id = Arc::from(m.meta.source_id.as_str());
        let mut ok = true;
        for a in m.attendance.iter().filter(|a| a.leave > a.join) {
            let p = self.person(&name_of(a, &cx.dir));
            ok &= self.stretch(p, (a.join, a.leave), &id, add, cx, t);
        }
        ok
    }

    /// Puts one stretch of person `p` in (`add`) or takes it out of every
    /// cell it feeds, noting what it touched.
    fn stretch(
        &mut self,
        p: usize,
        (start, end): (Timestamp, Timestamp),
        id: &Id,
        add: bool,
        cx: &Context,
        t: &mut Touched,
    ) -> bool {
        let was = self.on_roster(p);
        t.people.entry(p).or_insert(was);
        let (clip, tz) = (self.clip, &cx.cal.tz);
        let from = self.days.partition_point(|(d, _)| *d < cx.cal.local_date(start));
        let to = self.days.partition_point(|(d, _)| *d <= cx.cal.local_date(end));
        let Some(person) = self.people.get_mut(p) else {
            return false;
        };
        let mut ok = true;
        match (add, person.stretches.checked_sub(1)) {
            (true, _) => person.stretches += 1,
            (false, Some(n)) => person.stretches = n,
            (false, None) => ok = false,
        }
        split_weeks(start, end, tz, |week, s, e| {
            ok &= change(&mut person.load, week, (s, e), id, add);
            t.load.entry((p, week)).or_default().push(Arc::clone(id));
        });
        split_weeks(start.max(clip.start), end.min(clip.end), tz, |week, s, e| {
            ok &= change(&mut person.clipped, week, (s, e), id, add);
            t.clipped.entry((p, week)).or_default().push(Arc::clone(id));
        });
        for i in from..to {
            // `split_day` drops what lies outside the day's work window: a
            // stretch there changes nothing and is not kept.
            let (Some(day), Some((_, work))) = (person.days.get_mut(i), self.days.get(i)) else {
                continue;
            };
            if start.max(work.start) >= end.min(work.end) {
                continue;
            }
            if add {
                day.busy.push((start, end, Arc::clone(id)));
            } else {
                match day
                    .busy
                    .iter()
                    .position(|(s, e, x)| *s == start && *e == end && **x == **id)
                {
                    Some(at) => {
                        day.busy.swap_remove(at);
                    }
                    None => ok = false,
                }
            }
            t.days.insert((p, i));
        }
        ok
    }

    /// The figures of person `p`'s counted day `i`.
    fn focus_day(&self, p: &Person, i: usize) -> Option<FocusDay> {
        let (date, work) = self.days.get(i)?;
        let busy: Vec<(Timestamp, Timestamp, &str)> = p
            .days
            .get(i)?
            .busy
            .iter()
            .map(|(s, e, id)| (*s, *e, &**id))
            .collect();
        Some(split_day(&p.name, *date, *work, &busy, self.min_block))
    }

    /// Computes every counted day of person `p`.
    fn focus_all(&mut self, p: usize) {
        let Some(person) = self.people.get(p) else {
            return;
        };
        let figures: Vec<Option<FocusDay>> =
            (0..self.days.len()).map(|i| self.focus_day(person, i)).collect();
        if let Some(person) = self.people.get_mut(p) {
            for (day, f) in person.days.iter_mut().zip(figures) {
                day.focus = f;
            }
        }
    }

    /// Adds (or takes back) every meeting id of person `p`'s clipped cells
    /// in `week_ids`, as their rows appear (or go).
    fn count_ids(&mut self, p: usize, add: bool) {
        let Some(person) = self.people.get(p) else {
            return;
        };
        for (week, cell) in &person.clipped {
            let ids = self.week_ids.entry(*week).or_default();
            for id in cell.ids.keys() {
                count_id(ids, id, add);
            }
        }
    }

    /// Brings the `meeting_load` rows of the touched cells up to date.
    fn put_load(&self, t: &Touched, rows: &mut Vec<MeetingWeek>) {
        for ((p, week), ids) in &t.load {
            let Some(person) = self.people.get(*p) else {
                continue;
            };
            let at = rows.binary_search_by(|r| (r.person.as_str(), r.week_start).cmp(&(&person.name, *week)));
            match (person.load.get(week), at) {
                (None, Ok(i)) => {
                    rows.remove(i);
                }
                (None, Err(_)) => {}
                (Some(cell), Ok(i)) => {
                    if let Some(row) = rows.get_mut(i) {
                        row.meeting_hours = week_hours(&cell.pieces);
                        row.meetings = cell.ids.len();
                        patch_ids(&mut row.meeting_ids, cell, ids, |_, _| {});
                    }
                }
                (Some(cell), Err(i)) => rows.insert(
                    i,
                    MeetingWeek {
                        person: person.name.clone(),
                        week_start: *week,
                        meeting_hours: week_hours(&cell.pieces),
                        meetings: cell.ids.len(),
                        meeting_ids: cell.id_strings(),
                    },
                ),
            }
        }
    }

    /// Brings the touched days' figures and the `person_weeks` rows of the
    /// touched cells up to date; returns the weeks whose rows changed.
    fn put_person_weeks(&mut self, t: &Touched, rows: &mut Vec<PersonWeek>) -> BTreeSet<Date> {
        let mut weeks = BTreeSet::new();
        // (person, week) cells to write, and with which changed meeting ids.
        // (person, week) cells to write: the meeting ids whose pieces
        // changed there, and whether one of its days changed.
        let mut cells: BTreeMap<(usize, Date), (Vec<Id>, bool)> = BTreeMap::new();
        for (&p, &was) in &t.people {
            let now = self.on_roster(p);
            if was && !now {
                // Off the roster: every row of the person goes.
                self.count_ids_of_rows(p, rows, &mut weeks);
                if let Some(person) = self.people.get_mut(p) {
                    person.days.iter_mut().for_each(|d| d.focus = None);
                    let name = person.name.as_str();
                    rows.retain(|r| r.person != name);
                }
            } else if now && !was {
                // Onto the roster: every row of the person is new.
                self.focus_all(p);
                let clipped = self
                    .people
                    .get(p)
                    .map(|x| x.clipped.keys().copied().collect::<Vec<_>>());
                for w in self.weeks.keys().copied().chain(clipped.into_iter().flatten()) {
                    cells.entry((p, w)).or_default().1 = true;
                }
            }
        }
        for &(p, i) in &t.days {
            if t.people.get(&p) == Some(&true) && self.on_roster(p) {
                let figures = self.people.get(p).and_then(|x| self.focus_day(x, i));
                if let (Some(day), Some((d, _))) = (
                    self.people.get_mut(p).and_then(|x| x.days.get_mut(i)),
                    self.days.get(i),
                ) {
                    day.focus = figures;
                    cells.entry((p, monday_of(*d))).or_default().1 = true;
                }
            }
        }
        for ((p, week), ids) in &t.clipped {
            if t.people.get(p) == Some(&true) && self.on_roster(*p) {
                cells
                    .entry((*p, *week))
                    .or_default()
                    .0
                    .extend(ids.iter().cloned());
            }
        }
        for ((p, week), (ids, days)) in cells {
            self.put_person_week(p, week, &ids, days, rows);
            weeks.insert(week);
        }
        weeks
    }

    /// Takes every row of person `p` out of `week_ids`, noting their weeks.
    fn count_ids_of_rows(&mut self, p: usize, rows: &[PersonWeek], weeks: &mut BTreeSet<Date>) {
        let Some(person) = self.people.get(p) else {
            return;
        };
        for r in rows.iter().filter(|r| r.person == person.name) {
            weeks.insert(r.week_start);
            if let Some(ids) = self.week_ids.get_mut(&r.week_start) {
                for id in &r.meeting_ids {
                    count_id(ids, id, false);
                }
            }
        }
    }

    /// Writes the row of person `p` (on the roster) and `week`: its meeting
    /// figures from the clipped cell (`ids`: the meetings whose pieces
    /// changed there), its day figures from the week's days (again only
    /// when one of them changed or the row is new).
    fn put_person_week(
        &mut self,
        p: usize,
        week: Date,
        ids: &[Id],
        days_changed: bool,
        rows: &mut Vec<PersonWeek>,
    ) {
        let Some(person) = self.people.get(p) else {
            return;
        };
        let (from, to) = self.weeks.get(&week).copied().unwrap_or((0, 0));
        let cell = person.clipped.get(&week);
        let days = || {
            person
                .days
                .get(from..to)
                .into_iter()
                .flatten()
                .filter_map(|d| d.focus.as_ref())
        };
        let at = rows.binary_search_by(|r| (r.person.as_str(), r.week_start).cmp(&(&person.name, week)));
        let week_ids = self.week_ids.entry(week).or_default();
        match at {
            Ok(i) if cell.is_none() && from == to => {
                for id in &rows.remove(i).meeting_ids {
                    count_id(week_ids, id, false);
                }
            }
            Err(_) if cell.is_none() && from == to => {}
            Ok(i) => {
                let Some(row) = rows.get_mut(i) else {
                    return;
                };
                match cell {
                    Some(cell) => {
                        row.meeting_hours = week_hours(&cell.pieces);
                        row.meetings = cell.ids.len();
                        patch_ids(&mut row.meeting_ids, cell, ids, |id, add| {
                            count_id(week_ids, id, add)
                        });
                    }
                    None => {
                        for id in &row.meeting_ids {
                            count_id(week_ids, id, false);
                        }
                        row.meeting_hours = 0.0;
                        row.meetings = 0;
                        row.meeting_ids.clear();
                    }
                }
                if days_changed {
                    fill_days(row, days());
                }
            }
            Err(i) => {
                let mut row = empty_week(&person.name, week);
                if let Some(cell) = cell {
                    row.meeting_hours = week_hours(&cell.pieces);
                    row.meetings = cell.ids.len();
                    row.meeting_ids = cell.id_strings();
                    for id in cell.ids.keys() {
                        count_id(week_ids, id, true);
                    }
                }
                fill_days(&mut row, days());
                rows.insert(i, row);
            }
        }
        if week_ids.is_empty() {
            self.week_ids.remove(&week);
        }
    }

    /// Brings the pulse's figures of `weeks` up to date (the whole pulse
    /// when it cannot be patched, as [`refresh_pulse`] would).
    fn put_pulse_weeks(&self, weeks: &BTreeSet<Date>, snap: &mut Snapshot) {
        let min = MIN_GROUP_SIZE.max(1);
        let pulse = match snap.pulse.as_mut() {
            Some(p) if snap.flow.is_some() && p.min_group_size == min && p.extra.is_empty() => p,
            _ => {
                refresh_pulse(
                    snap,
                    PulseParts {
                        flow: false,
                        weeks: true,
                    },
                );
                return;
            }
        };
        for &week in weeks {
            let rows: Vec<&PersonWeek> = snap
                .person_weeks
                .iter()
                .filter(|r| r.week_start == week)
                .collect();
            let at = pulse.weeks.binary_search_by_key(&week, |w| w.week_start);
            if rows.is_empty() {
                if let Ok(i) = at {
                    pulse.weeks.remove(i);
                }
                continue;
            }
            let ids: Vec<&str> = self
                .week_ids
                .get(&week)
                .map(|m| m.keys().map(|k| &**k).collect())
                .unwrap_or_default();
            // The previous items, their strings reused where still there.
            let mut old: Vec<Vec<String>> = match at {
                Ok(i) => pulse
                    .weeks
                    .get_mut(i)
                    .map(|w| {
                        vec![
                            std::mem::take(&mut w.meeting_hours_mean.items),
                            std::mem::take(&mut w.meeting_hours_total.items),
                        ]
                    })
                    .unwrap_or_default(),
                Err(_) => Vec::new(),
            };
            let figures = week_pulse(week, &rows, min, || {
                merge_items(old.pop().unwrap_or_default(), &ids)
            });
            match at {
                Ok(i) => {
                    if let Some(w) = pulse.weeks.get_mut(i) {
                        *w = figures;
                    }
                }
                Err(i) => pulse.weeks.insert(i, figures),
            }
        }
    }
}

/// The person of an attendance, as `named_stretches` names it.
fn name_of<'a>(a: &'a Attendance, dir: &'a Directory) -> std::borrow::Cow<'a, str> {
    person_of(a, a.email.as_deref().and_then(|e| dir.by_email(e)))
}

/// Whether the meetings changed in `delta` can change the decisions.
/// Decisions read a meeting only through a transcript naming its source id
/// (its start and topic), so when no transcript names the old or new
/// version of a changed meeting, the decisions are those computed before.
pub(crate) fn feed_decisions(inp: &Inputs, delta: &Delta) -> bool {
    if inp.transcripts.is_empty() || delta.meetings.is_empty() {
        return false;
    }
    let ids: FxHashSet<&str> = delta
        .meetings
        .iter()
        .flat_map(|c| [c.old.as_ref(), inp.meetings.get(c.at)])
        .flatten()
        .map(|m| m.meta.source_id.as_str())
        .collect();
    inp.transcripts
        .iter()
        .any(|t| ids.contains(t.meeting_uuid.as_str()))
}
