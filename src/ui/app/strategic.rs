//! The Strategic tab's rows: each person's individual figures (workload,
//! review load, meeting and focus hours, pull-request flow), joined by
//! cockpit name, and only for the people [`Access::may_see`] allows: a
//! strategic viewer sees everyone, anyone else their own row. The snapshot
//! was already restricted by [`crate::access::restrict_snapshot`]; this is
//! the second gate, for the figures that rule does not strip (the
//! pull-request rows carry their author).
//!
//! Must not: audit (the app queues [`super::Intent::Audit`] when the tab is
//! shown), draw, or compute a metric the analytics do not define: medians
//! here are nearest-rank over the person's own pull requests, as in
//! `analytics::flow`.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::{App, Intent, Tab};
use crate::access::Access;
use crate::analytics::flow::percentile_nearest_rank;
use crate::insight::Snapshot;

/// One person's individual figures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonDetail {
    /// Cockpit name (or the login/account when no configured person has it).
    pub person: String,
    /// The viewer's own row.
    pub own: bool,
    /// Open issues assigned in the active sprint (workload), if any row.
    pub open_issues: Option<usize>,
    /// Their story points.
    pub open_points: Option<f64>,
    /// Issues in progress.
    pub wip_issues: Option<usize>,
    /// Assigned points ÷ capacity.
    pub load_ratio: Option<f64>,
    /// Keys of the open issues.
    pub open_keys: Vec<String>,
    /// Qualifying reviews in the flow window.
    pub reviews: usize,
    /// Pull requests those reviews were on.
    pub reviewed_prs: Vec<String>,
    /// The latest week with a person-week row.
    pub week: Option<Date>,
    /// Meeting hours that week.
    pub meeting_hours: Option<f64>,
    /// Focus hours that week.
    pub focus_hours: Option<f64>,
    /// Fragmented hours that week.
    pub fragmented_hours: Option<f64>,
    /// Work hours that week.
    pub work_hours: Option<f64>,
    /// Meetings that week.
    pub meeting_ids: Vec<String>,
    /// Pull requests authored and merged in the flow window.
    pub merged_prs: Vec<String>,
    /// Cycle time p50 of those, hours.
    pub cycle_p50_hours: Option<f64>,
    /// Pickup time p50 of the person's pull requests picked up, hours.
    pub pickup_p50_hours: Option<f64>,
}

/// The row of `who` (a name, login or account id) in `by`, created on first
/// use; `None` when `access` may not show that person.
fn entry<'a>(
    by: &'a mut BTreeMap<String, PersonDetail>,
    access: &Access,
    who: &str,
) -> Option<&'a mut PersonDetail> {
    let name = access.name_of(who);
    if !access.may_see(who) && !access.may_see(&name) {
        return None;
    }
    let own = access.is_own(who) || access.is_own(&name);
    let r = by.entry(name.clone()).or_insert_with(|| PersonDetail {
        person: name,
        ..PersonDetail::default()
    });
    r.own |= own;
    Some(r)
}

/// Every person of `snap` whose individual figures `access` may show,
/// the viewer's own row first, then by name.
pub fn person_details(snap: &Snapshot, access: &Access) -> Vec<PersonDetail> {
    let mut by: BTreeMap<String, PersonDetail> = BTreeMap::new();
    if let Some(w) = &snap.workload {
        for p in &w.people {
            let Some(who) = &p.assignee else { continue };
            if let Some(r) = entry(&mut by, access, who) {
                r.open_issues = Some(p.open_issues);
                r.open_points = Some(p.open_points);
                r.wip_issues = Some(p.wip_issues);
                r.load_ratio = p.load_ratio;
                r.open_keys = p.open_keys.clone();
            }
        }
    }
    if let Some(f) = &snap.flow {
        for l in &f.review_load {
            if let Some(r) = entry(&mut by, access, &l.person) {
                r.reviews += l.reviews;
                r.reviewed_prs.extend(l.prs.iter().map(ToString::to_string));
            }
        }
        let mut cycle: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut pickup: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for pr in &f.pull_requests {
            let merged = pr.merged.is_some_and(|m| f.window.contains(m));
            let Some(r) = entry(&mut by, access, &pr.author) else {
                continue;
            };
            if merged {
                r.merged_prs.push(pr.pr.to_string());
            }
            let name = r.person.clone();
            if let (true, Some(c)) = (merged, pr.cycle_time_hours) {
                cycle.entry(name.clone()).or_default().push(c);
            }
            if let Some(p) = pr.pickup_time_hours {
                pickup.entry(name).or_default().push(p);
            }
        }
        for (name, v) in cycle {
            if let Some(r) = by.get_mut(&name) {
                r.cycle_p50_hours = percentile_nearest_rank(&v, 50);
            }
        }
        for (name, v) in pickup {
            if let Some(r) = by.get_mut(&name) {
                r.pickup_p50_hours = percentile_nearest_rank(&v, 50);
            }
        }
    }
    let latest = snap.person_weeks.iter().map(|w| w.week_start).max();
    for w in snap.person_weeks.iter().filter(|w| Some(w.week_start) == latest) {
        if let Some(r) = entry(&mut by, access, &w.person) {
            r.week = Some(w.week_start);
            r.meeting_hours = Some(w.meeting_hours);
            r.focus_hours = Some(w.focus_hours);
            r.fragmented_hours = Some(w.fragmented_hours);
            r.work_hours = Some(w.work_hours);
            r.meeting_ids = w.meeting_ids.clone();
        }
    }
    let mut out: Vec<PersonDetail> = by.into_values().collect();
    out.sort_by(|a, b| b.own.cmp(&a.own).then_with(|| a.person.cmp(&b.person)));
    out
}

impl App {
    /// The viewer's access (who they may see); assumed from the data's role
    /// until [`App::set_access`].
    pub fn access(&self) -> &Access {
        &self.access
    }

    /// Sets the viewer's access as the config decides it (see
    /// [`crate::access::Access::new`]).
    pub fn set_access(&mut self, access: Access) {
        self.access = access;
        self.ledger.reset();
        self.persons = person_details(&self.data.snapshot, &self.access);
        let keep = self.key_of(Tab::Strategic);
        self.refilter(Tab::Strategic, keep);
        self.note_reads();
        self.dirty = true;
    }

    /// Every person on the Strategic tab the viewer may see.
    pub fn persons(&self) -> &[PersonDetail] {
        &self.persons
    }

    /// Queues the audit of the strategic reads the current view makes.
    pub(super) fn note_reads(&mut self) {
        if self.tab != Tab::Strategic {
            return;
        }
        let subjects = self.persons.iter().map(|p| p.person.clone());
        let first = self
            .ledger
            .first_reads(&self.access, crate::access::STRATEGIC_VIEW, subjects);
        if !first.is_empty() {
            self.pending.push(Intent::Audit {
                view: crate::access::STRATEGIC_VIEW.to_string(),
                subjects: first,
            });
        }
    }
}
