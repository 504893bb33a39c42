//! Retrospective facts for a closed sprint, with numbers: what went well,
//! what slipped, and why each carried-over issue was carried over.
//!
//! Figures come from [`crate::analytics::sprint`] (committed, added, removed,
//! completed and carried-over points, say/do ratio) and
//! [`crate::analytics::velocity`] (the three-sprint rolling mean), evaluated
//! at the sprint's close; blockers from [`crate::analytics::blockers`] over
//! the sprint; pull requests merged between start and close.
//!
//! Carry-over causes, per issue, from its history during the sprint: added
//! after start; estimate grew; reopened; blocked (hours, reasons); still in
//! progress at close (status) or never started; unestimated; changed hands.
//!
//! Must not: fetch or store; name people (a retrospective is about the work).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::standup::{Activity, age};
use crate::analytics::blockers::{BlockerOptions, BlockerSource, blockers};
use crate::analytics::calendar::Calendar;
use crate::analytics::flow::percentile_nearest_rank;
use crate::analytics::sprint::{EventKind, IssueHistory, SprintOptions, StatusMap, sprint_health};
use crate::analytics::velocity::velocity_rows;
use crate::llm::budget::{Item, Prompt, Section};
use crate::llm::redact::Redactor;
use crate::model::{SprintState, StatusCategory};

/// One retrospective fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetroFact {
    /// The fact, with its numbers.
    pub text: String,
    /// Issue keys behind it.
    pub keys: Vec<String>,
}

/// A carried-over issue and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CarryOver {
    /// Issue key.
    pub key: String,
    /// Title (gated before any prompt).
    pub title: String,
    /// Points at close.
    pub points: Option<f64>,
    /// Causes found in its history; `no recorded cause` when none.
    pub causes: Vec<String>,
    /// Browse URL.
    pub url: Option<String>,
}

/// The retrospective of one closed sprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Retro {
    /// Sprint name.
    pub sprint: String,
    /// Sprint id.
    pub sprint_id: u64,
    /// Sprint goal.
    pub goal: Option<String>,
    /// Start, UTC.
    pub start: Timestamp,
    /// Close, UTC.
    pub close: Timestamp,
    /// Points committed at start.
    pub committed_points: f64,
    /// Points completed.
    pub completed_points: f64,
    /// Points added after start.
    pub added_points: f64,
    /// Points removed after start.
    pub removed_points: f64,
    /// Points carried over.
    pub carried_over_points: f64,
    /// Completed ÷ committed.
    pub say_do_ratio: Option<f64>,
    /// Mean completed points of the board's last three closed sprints.
    pub rolling_mean_3_points: Option<f64>,
    /// Pull requests merged during the sprint.
    pub prs_merged: usize,
    /// Median hours from opening to merge of those.
    pub median_merge_hours: Option<f64>,
    /// What went well.
    pub went_well: Vec<RetroFact>,
    /// What slipped.
    pub slipped: Vec<RetroFact>,
    /// Carried-over issues and their causes.
    pub carry_over: Vec<CarryOver>,
}

/// Why no retrospective could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetroError {
    /// No sprint by that id or name.
    #[error("no sprint {given:?}; closed sprints: {known}")]
    NotFound {
        /// What was asked.
        given: String,
        /// Closed sprints known.
        known: String,
    },
    /// The sprint has not closed.
    #[error("sprint {0:?} is not closed yet; a retrospective needs a closed sprint")]
    NotClosed(String),
}

fn pts(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    }
}

fn pct(r: f64) -> String {
    format!("{:.0}%", r * 100.0)
}

/// The retrospective of the closed sprint named `which`: its id, its name
/// (case-insensitive), or `last` for the most recently closed one.
///
/// # Errors
/// [`RetroError`] when there is no such sprint or it is not closed.
pub fn retro(act: &Activity, cal: &Calendar, which: &str, now: Timestamp) -> Result<Retro, RetroError> {
    let w = which.trim();
    let sprint = if w.eq_ignore_ascii_case("last") {
        act.sprints
            .iter()
            .filter(|s| s.state == SprintState::Closed)
            .max_by_key(|s| (s.complete.or(s.end), s.id))
    } else {
        act.sprints
            .iter()
            .find(|s| w.parse::<u64>().is_ok_and(|id| id == s.id) || s.name.eq_ignore_ascii_case(w))
    };
    let Some(sprint) = sprint else {
        let mut known: Vec<&str> = act
            .sprints
            .iter()
            .filter(|s| s.state == SprintState::Closed)
            .map(|s| s.name.as_str())
            .collect();
        known.sort_unstable();
        return Err(RetroError::NotFound {
            given: w.to_string(),
            known: known.join(", "),
        });
    };
    if sprint.state != SprintState::Closed {
        return Err(RetroError::NotClosed(sprint.name.clone()));
    }
    let opts = SprintOptions::default();
    let health = sprint_health(&act.sprints, &act.items, cal, now, &opts);
    let rows = velocity_rows(&health);
    let (Some(h), Some(row)) = (
        health.iter().find(|h| h.id == sprint.id),
        rows.iter().find(|r| r.id == sprint.id),
    ) else {
        return Err(RetroError::NotClosed(sprint.name.clone()));
    };
    let (start, close) = (h.start, h.complete.unwrap_or(h.evaluated_at));

    let merged: Vec<f64> = act
        .prs
        .iter()
        .filter(|p| !p.author_is_bot)
        .filter_map(|p| p.merged.filter(|m| *m >= start && *m <= close).map(|m| (p, m)))
        .map(|(p, m)| {
            m.duration_since(p.ready_for_review.unwrap_or(p.created))
                .as_secs_f64()
                / 3600.0
        })
        .collect();
    let median_merge_hours = percentile_nearest_rank(&merged, 50);
    let report = blockers(
        &act.items,
        &act.messages,
        close,
        start,
        &BlockerOptions::default(),
    );
    let resolved_hours: Vec<f64> = report.resolved.iter().map(|b| b.age_hours).collect();

    let mut went_well = Vec::new();
    let mut slipped = Vec::new();
    let completed_keys: Vec<String> = h.completed.iter().map(|i| i.key.clone()).collect();
    let fact = |text: String, keys: Vec<String>| RetroFact { text, keys };
    match h.say_do_ratio {
        Some(r) if r >= 0.8 => went_well.push(fact(
            format!(
                "Completed {} of {} committed points (say/do {}), {} issues.",
                pts(h.completed_points),
                pts(h.committed_points),
                pct(r),
                completed_keys.len()
            ),
            completed_keys.clone(),
        )),
        Some(r) => slipped.push(fact(
            format!(
                "Completed {} of {} committed points (say/do {}), {} issues.",
                pts(h.completed_points),
                pts(h.committed_points),
                pct(r),
                completed_keys.len()
            ),
            completed_keys.clone(),
        )),
        None => slipped.push(fact("Nothing was committed at start.".into(), Vec::new())),
    }
    if let Some(mean) = row.rolling_mean_3_points.filter(|m| *m > 0.0) {
        let text = format!(
            "Velocity {} points against a 3-sprint mean of {}.",
            pts(h.completed_points),
            pts(mean)
        );
        if h.completed_points >= mean {
            went_well.push(fact(text, Vec::new()));
        } else if h.completed_points < mean * 0.85 {
            slipped.push(fact(text, Vec::new()));
        }
    }
    if !merged.is_empty() {
        went_well.push(fact(
            format!(
                "{} pull requests merged{}.",
                merged.len(),
                median_merge_hours
                    .map(|m| format!(", median {} from open to merge", age(m)))
                    .unwrap_or_default()
            ),
            Vec::new(),
        ));
    }
    if !report.resolved.is_empty() {
        went_well.push(fact(
            format!(
                "{} blockers resolved{}.",
                report.resolved.len(),
                percentile_nearest_rank(&resolved_hours, 50)
                    .map(|m| format!(", median {} blocked", age(m)))
                    .unwrap_or_default()
            ),
            report.resolved.iter().filter_map(|b| b.key.clone()).collect(),
        ));
    }
    if h.carried_over_points > 0.0 || !h.carried_over.is_empty() {
        slipped.push(fact(
            format!(
                "{} points carried over ({} issues).",
                pts(h.carried_over_points),
                h.carried_over.len()
            ),
            h.carried_over.iter().map(|c| c.key.clone()).collect(),
        ));
    }
    let added = h.keys_of(EventKind::Added);
    if h.added_points > 0.0 || !added.is_empty() {
        slipped.push(fact(
            format!(
                "Scope grew by {} points after start ({} issues added); {} points removed.",
                pts(h.added_points),
                added.len(),
                pts(h.removed_points)
            ),
            added.iter().map(|k| (*k).to_string()).collect(),
        ));
    }
    if h.unestimated_issues > 0 {
        slipped.push(fact(
            format!("{} issues unestimated at close.", h.unestimated_issues),
            h.unestimated.clone(),
        ));
    }
    if !report.open.is_empty() {
        slipped.push(fact(
            format!("{} blockers still open at close.", report.open.len()),
            report.open.iter().filter_map(|b| b.key.clone()).collect(),
        ));
    }

    let statuses = StatusMap::from_items(&act.items);
    let mut carry_over = Vec::new();
    for c in &h.carried_over {
        let Some(item) = act.items.iter().find(|i| i.key == c.key) else {
            continue;
        };
        let hist = IssueHistory::new(item, &opts.fields, &statuses);
        let mut causes = Vec::new();
        let events: Vec<_> = h.events.iter().filter(|e| e.key == c.key).collect();
        if events.iter().any(|e| e.kind == EventKind::Added) {
            causes.push("added after the sprint started".to_string());
        }
        let grew: f64 = events
            .iter()
            .filter(|e| e.kind == EventKind::EstimateChanged && e.points > 0.0)
            .map(|e| e.points)
            .sum();
        if grew > 0.0 {
            causes.push(format!("estimate grew by {} points", pts(grew)));
        }
        if events.iter().any(|e| e.kind == EventKind::Reopened) {
            causes.push("reopened during the sprint".into());
        }
        let blocked: Vec<_> = report
            .open
            .iter()
            .chain(&report.resolved)
            .filter(|b| b.source == BlockerSource::Jira && b.key.as_deref() == Some(c.key.as_str()))
            .collect();
        if let Some(b) = blocked.first() {
            causes.push(format!("blocked {} ({})", age(b.age_hours), b.reasons.join("; ")));
        }
        let at_close = hist.at(close);
        match at_close.category {
            StatusCategory::ToDo => causes.push("never started".into()),
            StatusCategory::InProgress => causes.push(format!("still {} at close", at_close.status)),
            StatusCategory::Done => {}
        }
        if at_close.points.is_none() {
            causes.push("unestimated".into());
        }
        if hist.at(start).assignee.is_some() && hist.at(start).assignee != at_close.assignee {
            causes.push("changed hands during the sprint".into());
        }
        if causes.is_empty() {
            causes.push("no recorded cause".into());
        }
        carry_over.push(CarryOver {
            key: c.key.clone(),
            title: item.summary.clone(),
            points: c.points,
            causes,
            url: Some(item.url.clone()),
        });
    }

    Ok(Retro {
        sprint: sprint.name.clone(),
        sprint_id: sprint.id,
        goal: sprint.goal.clone(),
        start,
        close,
        committed_points: h.committed_points,
        completed_points: h.completed_points,
        added_points: h.added_points,
        removed_points: h.removed_points,
        carried_over_points: h.carried_over_points,
        say_do_ratio: h.say_do_ratio,
        rolling_mean_3_points: row.rolling_mean_3_points,
        prs_merged: merged.len(),
        median_merge_hours,
        went_well,
        slipped,
        carry_over,
    })
}

const SYSTEM: &str = "You write the synthesis of a sprint retrospective for a software team from \
structured facts with numbers. Use only the facts given; keep the numbers and issue keys. Three short \
parts: what went well, what slipped, why work carried over (group common causes). No blame, no names, \
no preamble.";

impl Retro {
    /// The retrospective prompt, every provider text through the gate.
    pub fn prompt(&self, gate: &Redactor<'_>) -> Prompt {
        let facts = |list: &[RetroFact], field: &str, weight: u32| -> Vec<Item> {
            list.iter()
                .map(|f| Item::new(gate.line(&f.text, 200), weight, field))
                .collect()
        };
        let carry: Vec<Item> = self
            .carry_over
            .iter()
            .map(|c| {
                let p = c.points.map(|p| format!(", {} pts", pts(p))).unwrap_or_default();
                Item::new(
                    format!(
                        "{} \"{}\"{p}: {}",
                        c.key,
                        gate.line(&c.title, 80),
                        c.causes.join("; ")
                    ),
                    40 + c.points.unwrap_or(0.0).min(20.0) as u32,
                    "retro.carry_over",
                )
                .link(c.url.clone())
            })
            .collect();
        let mut context = vec![format!(
            "Sprint {} ({} to {}), closed.",
            self.sprint,
            self.start.strftime("%Y-%m-%d"),
            self.close.strftime("%Y-%m-%d")
        )];
        if let Some(g) = &self.goal {
            context.push(format!("Goal: {}", gate.line(g, 160)));
        }
        context.push(format!(
            "Committed {} points, added {}, removed {}, completed {}, carried over {}.",
            pts(self.committed_points),
            pts(self.added_points),
            pts(self.removed_points),
            pts(self.completed_points),
            pts(self.carried_over_points)
        ));
        Prompt {
            kind: "retro".into(),
            title: format!("Retrospective: {}", self.sprint),
            system: SYSTEM.into(),
            context,
            sections: vec![
                Section {
                    title: "What went well".into(),
                    items: facts(&self.went_well, "retro.went_well", 80),
                    empty_note: "nothing stood out".into(),
                },
                Section {
                    title: "What slipped".into(),
                    items: facts(&self.slipped, "retro.slipped", 85),
                    empty_note: "nothing slipped".into(),
                },
                Section {
                    title: "Carried over, and why".into(),
                    items: carry,
                    empty_note: "nothing was carried over".into(),
                },
            ],
            task: "Write the retrospective synthesis.".into(),
            event_time: self.close,
        }
    }
}
