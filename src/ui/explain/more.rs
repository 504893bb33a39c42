//! Explanations for the Pulse, Strategic and Docs tabs and the sprint
//! triage list: the definition (copied from the analytics' doc comments:
//! `analytics::pulse`, `workload`, `flow`, `focus`, `docs`, `triage`), the
//! window, and the items behind the number. Never computes a metric.

use jiff::ToSpan;

use super::Explanation;
use super::defs::{FOCUS_HOURS, MEETING_HOURS};
use crate::analytics::triage::TriageReason;
use crate::insight::triage::{points_label, reasons_phrase};
use crate::ui::app::App;
use crate::ui::tabs::pulse::{value_label, withheld_sentence};
use crate::ui::text;

/// The pulse's rules: `analytics::pulse` (module doc).
pub const PULSE_RULES: &str = "Team aggregates only: a figure holds no person's name; its items are \
pull requests, meetings or areas, never people. Every figure names the size of the group of people \
behind it; a group smaller than the minimum withholds the figure (and its items). A withheld figure \
is never 0. Sum is the sum of the parts; mean is that sum divided by the number of distinct people in \
the group. Percentiles are recomputed over the team's items, nearest-rank.";
/// Flow groups: `analytics::pulse` (module doc).
pub const PULSE_FLOW_GROUP: &str = "Group: the distinct authors of the pull requests merged in the \
window (of those with the timing, for a percentile); pickup: authors of the pull requests picked up \
in the window; stale count: authors of the pull requests open now; reviews per reviewer: the reviewers.";
/// Week groups: `analytics::pulse` (module doc).
pub const PULSE_WEEK_GROUP: &str = "Group: the people with a person-week row that week (people in the \
roster count with their zeros).";
/// Area groups: `analytics::pulse` (module doc).
pub const PULSE_AREA_GROUP: &str = "Group: the people with a share of the area's changes (reviewers \
for the reviewer count).";
/// Workload: `analytics::workload` (module doc).
pub const WORKLOAD: &str = "Open issues and points: not in the done category, in the active sprint \
at the evaluation instant, by assignee (account id). WIP: open and in the in-progress category. Load \
ratio = assigned points ÷ capacity, the sprint's committed points split evenly among its assignees; \
over capacity when above 1.";
/// Review load: `analytics::flow` (`ReviewLoad`).
pub const REVIEW_LOAD: &str = "Qualifying review submissions in the window by the reviewer (cockpit \
name when known, else login), and the distinct pull requests they were on; bots excluded.";
/// Cycle time: `analytics::flow`.
pub const CYCLE_TIME: &str = "Cycle time runs from the first commit to the merge; pickup from ready \
for review (draft time excluded) to the first review. The person's median is nearest-rank over their \
own pull requests merged (cycle) or picked up (pickup) in the window.";
/// Coverage: `analytics::docs` (module doc).
pub const COVERAGE: &str = "An active epic has an open child, or is itself open and changed in the \
window. A covered epic is an active epic with at least one linked page (a page naming its key, a \
page the description links by id, or the page's exact URL in an epic's description). A covered issue \
is an open child of an active epic that has a linked page itself or whose epic is covered.";
/// Staleness: `analytics::docs` (module doc).
pub const STALE: &str = "A stale page is a page linked to an active epic whose last update is more \
than the threshold (days × 24 h) before the evaluation instant. A page updated after it is never \
judged stale.";

fn group(heading: &str, items: Vec<String>) -> (String, Vec<String>) {
    (format!("{heading} ({})", items.len()), items)
}

pub(super) fn pulse(app: &App, row: usize) -> Vec<Explanation> {
    let snap = &app.data().snapshot;
    let Some(r) = app.pulse_rows().get(row) else {
        return Vec::new();
    };
    let tz = &snap.time_zone;
    let (window, rule) = if r.group == "Flow" {
        let w = snap.flow.as_ref().map_or_else(
            || "the flow window".to_string(),
            |f| {
                format!(
                    "{} → {} (the flow window)",
                    text::time(f.window.start, tz),
                    text::time(f.window.end, tz)
                )
            },
        );
        (w, PULSE_FLOW_GROUP)
    } else if let Some(week) = r.group.strip_prefix("Week of ") {
        (
            format!(
                "the week of {week}: Monday 00:00 to Monday 00:00, {tz}; whole work days that have ended"
            ),
            PULSE_WEEK_GROUP,
        )
    } else {
        (
            snap.flow.as_ref().map_or_else(
                || "the knowledge window".into(),
                |f| {
                    format!(
                        "{} → {}",
                        text::time(f.window.start, tz),
                        text::time(f.window.end, tz)
                    )
                },
            ),
            PULSE_AREA_GROUP,
        )
    };
    let min = crate::ui::app::min_group(snap).unwrap_or(crate::access::MIN_GROUP_SIZE);
    let mut definition = format!("{PULSE_RULES} {rule} Minimum group here: {min} people.");
    if r.group.starts_with("Week of ") && r.name.starts_with("Meeting") {
        definition.push_str(&format!(" Meeting hours per person-week: {MEETING_HOURS}"));
    } else if r.group.starts_with("Week of ") {
        definition.push_str(&format!(" Focus hours per person-week: {FOCUS_HOURS}"));
    }
    let f = &r.figure;
    vec![Explanation {
        metric: r.name.clone(),
        value: format!("{} · {} people behind it", value_label(f), f.group_size),
        subject: format!("{} · team aggregate, no names", r.group),
        definition,
        window,
        groups: vec![group("Items behind it", f.items.clone())],
        note: f.withheld.map(|_| withheld_sentence(f)),
    }]
}

pub(super) fn strategic(app: &App, row: usize) -> Vec<Explanation> {
    let snap = &app.data().snapshot;
    let Some(p) = app.persons().get(row) else {
        return Vec::new();
    };
    let tz = &snap.time_zone;
    let flow_window = snap.flow.as_ref().map_or_else(
        || "the flow window".to_string(),
        |f| {
            format!(
                "{} → {}",
                text::time(f.window.start, tz),
                text::time(f.window.end, tz)
            )
        },
    );
    let opt = |v: Option<f64>, f: fn(f64) -> String| v.map_or_else(|| "–".into(), f);
    let subject = format!("{} · individual figures", p.person);
    let note = (!app.access().is_own(&p.person)).then(|| {
        "Another person's individual figures: shown to a strategic role only, and the read is in the audit log."
            .to_string()
    });
    let mut out = vec![
        Explanation {
            metric: "Workload".into(),
            value: format!(
                "{} open issue(s), {} points, load {}",
                p.open_issues.map_or_else(|| "–".into(), |n| n.to_string()),
                opt(p.open_points, text::points),
                opt(p.load_ratio, text::percent)
            ),
            subject: subject.clone(),
            definition: WORKLOAD.into(),
            window: format!("the active sprint, as of {}", text::time(snap.as_of, tz)),
            groups: vec![group("Open issues", p.open_keys.clone())],
            note: note.clone(),
        },
        Explanation {
            metric: "Review load".into(),
            value: format!("{} review(s) on {} PR(s)", p.reviews, p.reviewed_prs.len()),
            subject: subject.clone(),
            definition: REVIEW_LOAD.into(),
            window: flow_window.clone(),
            groups: vec![group("Pull requests reviewed", p.reviewed_prs.clone())],
            note: note.clone(),
        },
        Explanation {
            metric: "Cycle time p50".into(),
            value: format!(
                "{} (pickup p50 {}) over {} merged",
                opt(p.cycle_p50_hours, text::hours),
                opt(p.pickup_p50_hours, text::hours),
                p.merged_prs.len()
            ),
            subject: subject.clone(),
            definition: CYCLE_TIME.into(),
            window: flow_window,
            groups: vec![group("Merged pull requests", p.merged_prs.clone())],
            note: note.clone(),
        },
    ];
    if let Some(week) = p.week {
        let end = week.checked_add(7.days()).unwrap_or(week);
        out.push(Explanation {
            metric: "Meeting and focus hours".into(),
            value: format!(
                "{} meetings, {} focus, {} fragmented of {} work hours",
                opt(p.meeting_hours, text::hours),
                opt(p.focus_hours, text::hours),
                opt(p.fragmented_hours, text::hours),
                opt(p.work_hours, text::hours)
            ),
            subject,
            definition: format!("{MEETING_HOURS} {FOCUS_HOURS}"),
            window: format!("week of {week}: Monday {week} 00:00 to Monday {end} 00:00, {tz}"),
            groups: vec![group("Meetings", p.meeting_ids.clone())],
            note,
        });
    }
    out
}

pub(super) fn docs(app: &App, row: usize) -> Vec<Explanation> {
    let snap = &app.data().snapshot;
    let Some(report) = &snap.docs else {
        return Vec::new();
    };
    let Some(e) = report.epics.get(row) else {
        return Vec::new();
    };
    let tz = &snap.time_zone;
    let window = format!("as of {}", text::time(report.as_of, tz));
    let subject = format!("{} · {}", e.key, text::one_line(&e.summary));
    let uncovered: Vec<String> = e
        .open_children
        .iter()
        .filter(|k| !e.covered_children.contains(k))
        .cloned()
        .collect();
    let stale: Vec<String> = e
        .pages
        .iter()
        .filter(|p| p.stale)
        .map(|p| format!("{} ({:.0} days) {}", p.title, p.days_since_update, p.url))
        .collect();
    let pct = |r: Option<f64>| r.map_or_else(|| "–".into(), text::percent);
    vec![
        Explanation {
            metric: "Coverage".into(),
            value: format!(
                "{} of {} open issues covered · team: epics {}, issues {}",
                e.covered_children.len(),
                e.open_children.len(),
                pct(report.epic_coverage),
                pct(report.issue_coverage)
            ),
            subject: subject.clone(),
            definition: COVERAGE.into(),
            window: window.clone(),
            groups: vec![
                group(
                    "Linked pages",
                    e.pages.iter().map(|p| format!("{} {}", p.title, p.url)).collect(),
                ),
                group("Covered open issues", e.covered_children.clone()),
                group("Open issues without a page", uncovered),
            ],
            note: None,
        },
        Explanation {
            metric: "Stale pages".into(),
            value: format!(
                "{} of {} linked page(s), threshold {} days",
                stale.len(),
                e.pages.len(),
                report.stale_after_days
            ),
            subject,
            definition: STALE.into(),
            window: format!("{window}; stale after {} days", report.stale_after_days),
            groups: vec![group("Stale", stale)],
            note: None,
        },
    ]
}

/// The triage definition of one reason: `analytics::triage` (module doc).
fn reason_definition(r: TriageReason, idle: f64, carried: usize, oversized: f64) -> String {
    match r {
        TriageReason::Blocked => "Blocked: an open blocker names the issue (flagged, in a Blocked status, \
\"is blocked by\" an open issue, or an unresolved Slack report), or it is flagged."
            .into(),
        TriageReason::NoMovement => format!(
            "No movement: its last change (changelog entry, else creation) is more than {idle:.0} × 24 h old."
        ),
        TriageReason::CarriedOver => format!(
            "Carried over: it was in {carried} or more sprints of the same board that started before this one."
        ),
        TriageReason::Unestimated => "Unestimated: no estimate now (epics and sub-tasks excepted); never an \
estimate of 0."
            .into(),
        TriageReason::Unassigned => "Unassigned: no assignee now.".into(),
        TriageReason::Oversized => format!("Oversized: an estimate above {oversized} story points."),
    }
}

pub(super) fn triage(app: &App, row: usize) -> Vec<Explanation> {
    let snap = &app.data().snapshot;
    let (Some(report), Some(r)) = (&snap.triage, app.triage().rows.get(row)) else {
        return Vec::new();
    };
    let p = &report.params;
    let i = &r.item;
    let definition = i
        .reasons
        .iter()
        .map(|x| reason_definition(*x, p.idle_days, p.carried_over_min, p.oversized_points))
        .collect::<Vec<_>>()
        .join(" ");
    let mut groups = vec![group("Links", i.links.clone())];
    if !i.earlier_sprints.is_empty() {
        groups.push(group("Earlier sprints", i.earlier_sprints.clone()));
    }
    if !i.blocked_by.is_empty() {
        groups.push(group("Blockers", i.blocked_by.clone()));
    }
    vec![Explanation {
        metric: "At-risk reasons".into(),
        value: reasons_phrase(i),
        subject: format!(
            "{} · {} · {} · {}",
            i.key,
            text::one_line(&i.summary),
            points_label(i.points),
            r.sprint
        ),
        definition: format!("The issues open in an active sprint now that meet any of these: {definition}"),
        window: format!(
            "as of {}; last change {}",
            text::time(report.as_of, &snap.time_zone),
            text::time(i.last_change, &snap.time_zone)
        ),
        groups,
        note: None,
    }]
}

#[cfg(test)]
mod tests {
    /// A phrase of each definition still appears where it was copied from.
    #[test]
    fn definitions_match_their_sources() {
        let sources = [
            (
                include_str!("../../analytics/pulse.rs"),
                "A withheld figure is never 0",
            ),
            (
                include_str!("../../analytics/pulse.rs"),
                "people in the roster count with their zeros",
            ),
            (
                include_str!("../../analytics/docs.rs"),
                "has an open child at `as_of`, or is itself",
            ),
            (
                include_str!("../../analytics/triage.rs"),
                "or the issue is flagged at `as_of`",
            ),
            (
                include_str!("../../analytics/workload.rs"),
                "over capacity** when above 1",
            ),
        ];
        for (text, phrase) in sources {
            let flat = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace("//! ", "")
                .replace("/// ", "");
            assert!(
                flat.contains(phrase),
                "no longer says {phrase:?}: update explain/more.rs"
            );
        }
    }
}
