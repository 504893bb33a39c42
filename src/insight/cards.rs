//! Intelligence cards: short, ranked findings with their evidence.
//!
//! Urgency is 0-100; ties break by kind then title, so the order is stable.
//! Cards are about the team's work, never about one person's activity level.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::analytics::velocity::{SprintVelocity, is_completed};
use crate::model::{Sprint, SprintState, WorkItem};

/// What a card is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    /// The active sprint's burndown pace will not finish the committed points.
    SprintAtRisk,
    /// Issues blocked (flagged, Blocked status, or "is blocked by" an open issue).
    Blocked,
    /// Issues carried over across two or more sprints.
    CarryOver,
    /// Issues in the active sprint without an estimate.
    Unestimated,
}

/// A link or id a card rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Issue key, PR number, meeting id...
    pub label: String,
    /// Where to open it.
    pub url: Option<String>,
}

/// One ranked finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// What it is about.
    pub kind: CardKind,
    /// 0-100, higher first.
    pub urgency: u8,
    /// One line.
    pub title: String,
    /// A few sentences with the numbers.
    pub detail: String,
    /// The items behind it.
    pub evidence: Vec<Evidence>,
}

fn evidence(items: &[&WorkItem]) -> Vec<Evidence> {
    items
        .iter()
        .map(|i| Evidence {
            label: format!("{} {}", i.key, i.summary),
            url: Some(i.url.clone()),
        })
        .collect()
}

fn fmt_points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    }
}

/// Cards for the current state of the work, most urgent first.
///
/// `now` is the evaluation clock (UTC). Sprint pace compares the share of
/// planned points completed with the share of the sprint's calendar time
/// elapsed; at risk when it trails by more than 20 percentage points.
pub fn cards(
    sprints: &[Sprint],
    items: &[WorkItem],
    velocity: &[SprintVelocity],
    now: Timestamp,
) -> Vec<Card> {
    let mut out = Vec::new();
    let active: Vec<&Sprint> = sprints
        .iter()
        .filter(|s| s.state == SprintState::Active)
        .collect();
    for s in &active {
        let Some(v) = velocity.iter().find(|v| v.id == s.id) else {
            continue;
        };
        if let (Some(start), Some(end)) = (s.start, s.end) {
            let total = end.duration_since(start).as_secs_f64();
            let elapsed = now.duration_since(start).as_secs_f64().clamp(0.0, total.max(1.0));
            let time_share = if total > 0.0 { elapsed / total } else { 1.0 };
            let done_share = if v.planned_points > 0.0 {
                v.completed_points / v.planned_points
            } else {
                1.0
            };
            if time_share - done_share > 0.2 {
                let days_left = end.duration_since(now).max(SignedDuration::ZERO).as_hours() / 24;
                let gap = (time_share - done_share) * 100.0;
                out.push(Card {
                    kind: CardKind::SprintAtRisk,
                    urgency: (60.0 + gap.min(35.0)) as u8,
                    title: format!("{} is at risk", s.name),
                    detail: format!(
                        "{} of {} planned points done ({:.0}%) with {:.0}% of the sprint gone and {} day(s) left.",
                        fmt_points(v.completed_points),
                        fmt_points(v.planned_points),
                        done_share * 100.0,
                        time_share * 100.0,
                        days_left
                    ),
                    evidence: s
                        .goal
                        .iter()
                        .map(|g| Evidence {
                            label: format!("Goal: {g}"),
                            url: None,
                        })
                        .collect(),
                });
            }
        }
        let unestimated: Vec<&WorkItem> = items
            .iter()
            .filter(|i| i.sprint_ids.contains(&s.id) && i.story_points.is_none() && i.issue_type != "Epic")
            .collect();
        if !unestimated.is_empty() {
            out.push(Card {
                kind: CardKind::Unestimated,
                urgency: 35 + unestimated.len().min(20) as u8,
                title: format!("{} unestimated issue(s) in {}", unestimated.len(), s.name),
                detail: "Unestimated issues are left out of every points figure until they are sized.".into(),
                evidence: evidence(&unestimated),
            });
        }
    }
    let blocked: Vec<&WorkItem> = items
        .iter()
        .filter(|i| !is_completed(i) && i.resolution.is_none())
        .filter(|i| {
            i.flagged
                || i.status.eq_ignore_ascii_case("blocked")
                || i.links
                    .iter()
                    .any(|l| l.relation.eq_ignore_ascii_case("is blocked by"))
        })
        .collect();
    if !blocked.is_empty() {
        out.push(Card {
            kind: CardKind::Blocked,
            urgency: 70 + blocked.len().min(25) as u8,
            title: format!("{} blocked issue(s)", blocked.len()),
            detail: "Flagged, in a Blocked status, or blocked by another issue.".into(),
            evidence: evidence(&blocked),
        });
    }
    let carried: Vec<&WorkItem> = items
        .iter()
        .filter(|i| i.resolution.is_none() && i.sprint_ids.len() >= 2)
        .collect();
    if !carried.is_empty() {
        let points: f64 = carried.iter().filter_map(|i| i.story_points).sum();
        out.push(Card {
            kind: CardKind::CarryOver,
            urgency: 50 + carried.len().min(30) as u8,
            title: format!(
                "{} issue(s) carried over ({} points)",
                carried.len(),
                fmt_points(points)
            ),
            detail: "Open issues that have been in two or more sprints.".into(),
            evidence: evidence(&carried),
        });
    }
    out.sort_by(|a, b| {
        b.urgency
            .cmp(&a.urgency)
            .then(a.kind.cmp(&b.kind))
            .then(a.title.cmp(&b.title))
    });
    out
}
