//! The cockpit's first frame: the snapshot without the items behind its
//! figures, small enough to read and decode in a few milliseconds whatever
//! the size of the store.
//!
//! Owns: which parts of a [`Snapshot`] the first screen and the status line
//! need. Must not: change any figure. Every number, verdict, card (with its
//! evidence), burndown, blocker and pulse value is kept; only the lists of
//! issue keys, pull requests, meeting and commit ids behind a figure are
//! emptied (the full snapshot, read lazily, has them).

use super::Snapshot;
use crate::analytics::pulse::{Figure, Pulse};

/// Empties a figure's item list (its value, group size and withholding stay).
fn strip_figure(f: &mut Figure) {
    f.items = Vec::new();
}

fn strip_pulse(p: &mut Pulse) {
    let f = &mut p.flow;
    for fig in [
        &mut f.merged_prs,
        &mut f.cycle_time_hours_p50,
        &mut f.cycle_time_hours_p85,
        &mut f.open_to_merge_hours_p50,
        &mut f.open_to_merge_hours_p85,
        &mut f.pickup_time_hours_p50,
        &mut f.pickup_time_hours_p85,
        &mut f.review_time_hours_p50,
        &mut f.review_time_hours_p85,
        &mut f.pr_size_lines_p50,
        &mut f.pr_size_lines_p85,
        &mut f.merged_without_review,
        &mut f.stale_open_prs,
        &mut f.reviews_per_reviewer_mean,
    ] {
        strip_figure(fig);
    }
    for w in &mut p.weeks {
        for fig in [
            &mut w.meeting_hours_total,
            &mut w.meeting_hours_mean,
            &mut w.meetings_mean,
            &mut w.focus_hours_total,
            &mut w.focus_hours_mean,
            &mut w.fragmenting_meetings_mean,
        ] {
            strip_figure(fig);
        }
    }
    for a in &mut p.areas {
        for fig in [
            &mut a.changes,
            &mut a.bus_factor,
            &mut a.authors,
            &mut a.reviewers,
        ] {
            strip_figure(fig);
        }
    }
    for x in &mut p.extra {
        strip_figure(&mut x.figure);
    }
}

impl Snapshot {
    /// The first frame of this snapshot (see the module doc): the same
    /// figures with the item lists behind them emptied — sprint health's
    /// issue lists and events, velocity keys, meeting and commit ids, the
    /// per-pull-request flow rows and stale list (their counts stay in
    /// `merged_prs`, `stale_open_prs`, …), workload keys, knowledge commits
    /// and reviewed pull requests, pulse figures' items, and the sprint triage
    /// list (`None`).
    pub fn first_frame(&self) -> Snapshot {
        let mut s = self.clone();
        s.strip_details();
        s
    }

    /// [`Snapshot::first_frame`] in place.
    pub fn strip_details(&mut self) {
        for v in &mut self.velocity {
            v.completed_keys = Vec::new();
            v.planned_keys = Vec::new();
        }
        for m in &mut self.meeting_load {
            m.meeting_ids = Vec::new();
        }
        for r in &mut self.sprints {
            r.completed_keys = Vec::new();
            r.committed_keys = Vec::new();
            r.carried_over_keys = Vec::new();
        }
        for h in &mut self.sprint_health {
            h.committed = Vec::new();
            h.completed = Vec::new();
            h.remaining = Vec::new();
            h.carried_over = Vec::new();
            h.unestimated = Vec::new();
            h.completed_before_start = Vec::new();
            h.events = Vec::new();
        }
        for b in &mut self.burndowns {
            for d in &mut b.days {
                d.scope_changes = Vec::new();
                d.completed_keys = Vec::new();
            }
        }
        if let Some(w) = &mut self.workload {
            for p in w.people.iter_mut().chain(std::iter::once(&mut w.unassigned)) {
                p.open_keys = Vec::new();
                p.wip_keys = Vec::new();
            }
        }
        if let Some(f) = &mut self.flow {
            f.pull_requests = Vec::new();
            f.merged_without_review_prs = Vec::new();
            f.stale_prs = Vec::new();
            for r in &mut f.review_load {
                r.prs = Vec::new();
            }
        }
        for w in &mut self.person_weeks {
            w.meeting_ids = Vec::new();
            w.fragmenting_meeting_ids = Vec::new();
        }
        for k in &mut self.knowledge {
            k.commits = Vec::new();
            k.reviewed_prs = Vec::new();
        }
        if let Some(p) = &mut self.pulse {
            strip_pulse(p);
        }
        // The triage list is items through and through (one row per at-risk
        // issue): it comes with the full snapshot, read just after.
        self.triage = None;
    }
}
