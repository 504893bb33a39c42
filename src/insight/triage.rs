//! The sprint triage summary as Markdown: each active sprint's at-risk
//! issues with their reasons, and the team's decisions and notes. The
//! cockpit copies it (`y`) and `async-cockpit triage --markdown` prints it,
//! from the same function, so both say the same.
//!
//! Must not: read the store or the clock (marks come in as values).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::analytics::triage::{SprintTriage, TriageItem, TriageReport};
use crate::model::{TriageDecision, TriageMark};

/// `3 pts`, `? pts` when unestimated.
pub fn points_label(p: Option<f64>) -> String {
    match p {
        Some(p) if p.fract() == 0.0 => format!("{p:.0} pts"),
        Some(p) => format!("{p:.1} pts"),
        None => "? pts".into(),
    }
}

/// The reasons of an item, as one phrase (`blocked · no movement 6 d`).
pub fn reasons_phrase(item: &TriageItem) -> String {
    use crate::analytics::triage::TriageReason as R;
    item.reasons
        .iter()
        .map(|r| match r {
            R::NoMovement => format!("no movement {:.0} d", item.idle_days.floor()),
            R::CarriedOver => format!("carried over ×{}", item.earlier_sprints.len()),
            other => other.label().to_string(),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Escapes the characters that would break a Markdown table cell or list.
fn md(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('*', "\\*")
        .replace('_', "\\_")
}

/// The marks of `sprint`, by issue key.
pub fn marks_of(marks: &[TriageMark], sprint: u64) -> BTreeMap<&str, &TriageMark> {
    marks
        .iter()
        .filter(|m| m.sprint_id == sprint)
        .map(|m| (m.key.as_str(), m))
        .collect()
}

fn sprint_markdown(out: &mut String, s: &SprintTriage, marks: &[TriageMark]) {
    let by_key = marks_of(marks, s.sprint_id);
    let _ = writeln!(
        out,
        "## {} — {} at-risk of {} open issue(s)\n",
        md(&s.name),
        s.items.len(),
        s.open_issues
    );
    if s.items.is_empty() {
        out.push_str("Nothing at risk.\n\n");
        return;
    }
    out.push_str("| Issue | Points | Why | Decision | Note |\n| --- | --- | --- | --- | --- |\n");
    for item in &s.items {
        let mark = by_key.get(item.key.as_str());
        let _ = writeln!(
            out,
            "| {} {} | {} | {} | {} | {} |",
            md(&item.key),
            md(&item.summary),
            points_label(item.points),
            reasons_phrase(item),
            mark.and_then(|m| m.decision).map_or("—", TriageDecision::label),
            mark.map_or(String::new(), |m| md(m.note.trim())),
        );
    }
    let mut counts: BTreeMap<TriageDecision, usize> = BTreeMap::new();
    let mut undecided = 0;
    for item in &s.items {
        match by_key.get(item.key.as_str()).and_then(|m| m.decision) {
            Some(d) => *counts.entry(d).or_default() += 1,
            None => undecided += 1,
        }
    }
    let mut parts: Vec<String> = TriageDecision::ALL
        .iter()
        .filter_map(|d| counts.get(d).map(|n| format!("{} {n}", d.label())))
        .collect();
    parts.push(format!("undecided {undecided}"));
    let _ = writeln!(out, "\nDecisions: {}.\n", parts.join(", "));
}

/// The Markdown summary of `report`'s sprints (only `sprint` when given: an
/// id), with `marks`.
pub fn triage_markdown(report: &TriageReport, marks: &[TriageMark], sprint: Option<u64>) -> String {
    let mut out = String::from("# Sprint triage\n\n");
    let shown: Vec<&SprintTriage> = report
        .sprints
        .iter()
        .filter(|s| sprint.is_none_or(|id| s.sprint_id == id))
        .collect();
    if shown.is_empty() {
        out.push_str("No active sprint.\n");
        return out;
    }
    for s in shown {
        sprint_markdown(&mut out, s, marks);
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::triage::{TriageParams, TriageReason};

    fn item(key: &str, points: Option<f64>, reasons: Vec<TriageReason>) -> TriageItem {
        TriageItem {
            sprint_id: 7,
            key: key.into(),
            summary: format!("Fix | {key}"),
            issue_type: "Story".into(),
            status: "To Do".into(),
            assignee: None,
            points,
            last_change: jiff::Timestamp::UNIX_EPOCH,
            idle_days: 6.4,
            earlier_sprints: vec!["S1".into(), "S2".into()],
            reasons,
            blocked_by: vec![],
            links: vec![],
            parent_key: None,
        }
    }

    #[test]
    fn the_summary_lists_reasons_decisions_and_notes() {
        let report = TriageReport {
            as_of: jiff::Timestamp::UNIX_EPOCH,
            params: TriageParams::default(),
            sprints: vec![SprintTriage {
                sprint_id: 7,
                name: "ALP Sprint 3".into(),
                board_id: 1,
                open_issues: 5,
                items: vec![
                    item(
                        "ALP-1",
                        None,
                        vec![TriageReason::NoMovement, TriageReason::Unestimated],
                    ),
                    item(
                        "ALP-2",
                        Some(13.0),
                        vec![TriageReason::CarriedOver, TriageReason::Oversized],
                    ),
                ],
            }],
        };
        let marks = vec![TriageMark {
            sprint_id: 7,
            key: "ALP-2".into(),
            decision: Some(TriageDecision::Split),
            note: "API part | UI part".into(),
            by: "Greta".into(),
            at: jiff::Timestamp::UNIX_EPOCH,
        }];
        let md = triage_markdown(&report, &marks, None);
        assert!(
            md.contains("## ALP Sprint 3 — 2 at-risk of 5 open issue(s)"),
            "{md}"
        );
        assert!(
            md.contains("| ALP-1 Fix \\| ALP-1 | ? pts | no movement 6 d · unestimated | — |  |"),
            "{md}"
        );
        assert!(
            md.contains("| ALP-2 Fix \\| ALP-2 | 13 pts | carried over ×2 · oversized | split | API part \\| UI part |"),
            "{md}"
        );
        assert!(md.contains("Decisions: split 1, undecided 1."), "{md}");
        assert_eq!(
            triage_markdown(&report, &marks, Some(99)),
            "# Sprint triage\n\nNo active sprint.\n"
        );
    }
}
