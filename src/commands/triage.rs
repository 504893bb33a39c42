//! `triage`: the sprint triage summary the Sprint tab copies with `y` — each
//! active sprint's at-risk issues with their reasons, and the decisions and
//! notes stored from the cockpit — as Markdown (`--markdown`) or plain text.
//!
//! Reads the snapshot the cockpit opens on (computed now when none is
//! stored or it predates triage) and the sealed marks. Writes nothing.

use std::process::ExitCode;

use jiff::Timestamp;

use super::snapshot::{compute_snapshot, stored_snapshot};
use super::{load_config, open_store};
use crate::analytics::triage::TriageReport;
use crate::cli::{GlobalArgs, TriageArgs};
use crate::insight::triage::{marks_of, points_label, reasons_phrase, triage_markdown};
use crate::model::TriageDecision;

/// The sprint `--sprint` names (an id or a name, case-insensitive).
fn pick(report: &TriageReport, wanted: &str) -> anyhow::Result<u64> {
    report
        .sprints
        .iter()
        .find(|s| s.sprint_id.to_string() == wanted || s.name.eq_ignore_ascii_case(wanted.trim()))
        .map(|s| s.sprint_id)
        .ok_or_else(|| {
            let active: Vec<String> = report
                .sprints
                .iter()
                .map(|s| format!("{} ({})", s.name, s.sprint_id))
                .collect();
            anyhow::anyhow!(
                "--sprint {wanted:?} is not an active sprint; active: {}",
                if active.is_empty() {
                    "none".to_string()
                } else {
                    active.join(", ")
                }
            )
        })
}

pub(super) fn triage(g: &GlobalArgs, args: &TriageArgs) -> anyhow::Result<ExitCode> {
    let (cfg, _) = load_config(g)?;
    let store = open_store(g, &cfg, false)?;
    let snapshot = match stored_snapshot(&store)? {
        Some(s) if s.triage.is_some() => s,
        _ => compute_snapshot(&store, &cfg, Timestamp::now())?,
    };
    let marks = store.triage_marks()?;
    let Some(report) = &snapshot.triage else {
        anyhow::bail!("no triage list: sync Jira first (`async-cockpit sync`)");
    };
    let sprint = args.sprint.as_deref().map(|s| pick(report, s)).transpose()?;
    if args.markdown {
        print!("{}", triage_markdown(report, &marks, sprint));
        return Ok(ExitCode::SUCCESS);
    }
    for s in report
        .sprints
        .iter()
        .filter(|s| sprint.is_none_or(|id| s.sprint_id == id))
    {
        println!(
            "{} · {} at-risk of {} open issue(s)",
            s.name,
            s.items.len(),
            s.open_issues
        );
        let by_key = marks_of(&marks, s.sprint_id);
        for i in &s.items {
            let mark = by_key.get(i.key.as_str());
            println!(
                "  {:<10} {:<8} {:>6}  {}  {}",
                mark.and_then(|m| m.decision).map_or("-", TriageDecision::label),
                i.key,
                points_label(i.points),
                reasons_phrase(i),
                i.summary
            );
            if let Some(note) = mark.map(|m| m.note.trim()).filter(|n| !n.is_empty()) {
                println!("  {:<10} note: {note}", "");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
