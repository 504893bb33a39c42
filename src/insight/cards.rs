//! Intelligence cards: short, ranked findings with their evidence.
//!
//! Urgency is 0-100; ties break by kind then title, so the order is stable.
//! Cards are about the team's work, never about one person's activity level.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::analytics::blockers::BlockerReport;
use crate::analytics::docs::DocsReport;
use crate::analytics::flow::FlowMetrics;
use crate::analytics::knowledge::AreaKnowledge;
use crate::analytics::sprint::SprintHealth;
use crate::analytics::velocity::is_completed;
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
    /// Open pull requests idle past the stale threshold.
    PrWaitingForReview,
    /// Pull requests merged without a review by someone other than the author.
    MergedWithoutReview,
    /// Documentation linked to an active epic, not updated for weeks.
    StaleDoc,
    /// A code area where one person made half or more of the changes.
    KnowledgeSilo,
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

/// Evidence lines listed per card at most (the rest is counted in one line;
/// the card's title has the total).
const EVIDENCE_MAX: usize = 15;

fn evidence(items: &[&WorkItem]) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = items
        .iter()
        .take(EVIDENCE_MAX)
        .map(|i| Evidence {
            label: format!("{} {}", i.key, i.summary),
            url: Some(i.url.clone()),
        })
        .collect();
    if items.len() > EVIDENCE_MAX {
        out.push(Evidence {
            label: format!("… and {} more", items.len() - EVIDENCE_MAX),
            url: None,
        });
    }
    out
}

fn fmt_points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    }
}

/// What the cards are drawn from: the records and the metrics computed from them.
#[derive(Debug, Clone, Copy)]
pub struct CardInputs<'a> {
    /// Sprints.
    pub sprints: &'a [Sprint],
    /// Jira issues.
    pub items: &'a [WorkItem],
    /// Sprint health (with the at-risk verdicts).
    pub health: &'a [SprintHealth],
    /// Open and resolved blockers.
    pub blockers: Option<&'a BlockerReport>,
    /// Pull-request flow.
    pub flow: Option<&'a FlowMetrics>,
    /// Documentation coverage and staleness.
    pub docs: Option<&'a DocsReport>,
    /// Knowledge coverage per area.
    pub knowledge: &'a [AreaKnowledge],
    /// The evaluation clock, UTC.
    pub now: Timestamp,
}

/// Cards for the current state of the work, most urgent first.
///
/// - Sprint at risk: the sprint-health verdict (burndown pace against the work
///   days left), with its reason.
/// - Blocked: open blockers from Jira and Slack (flagged, Blocked status, "is
///   blocked by" an open issue, unresolved Slack reports), oldest first.
/// - Carry-over and unestimated: open issues in two or more sprints; issues of
///   an active sprint without an estimate.
/// - PR waiting for review, merged without review: from the flow metrics.
/// - Stale doc: pages linked to an active epic, older than the threshold.
/// - Knowledge silo: an area whose bus factor is 1 (no name on the card; the
///   names stay behind the access rules).
pub fn cards(inp: &CardInputs<'_>) -> Vec<Card> {
    let mut out = Vec::new();
    for h in inp.health {
        let Some(risk) = h.risk.as_ref().filter(|r| r.at_risk) else {
            continue;
        };
        let gap = if risk.scope_points > 0.0 {
            (risk.remaining_points - risk.ideal_remaining_points) / risk.scope_points * 100.0
        } else {
            0.0
        };
        let goal = inp
            .sprints
            .iter()
            .find(|s| s.id == h.id)
            .and_then(|s| s.goal.clone());
        out.push(Card {
            kind: CardKind::SprintAtRisk,
            urgency: (65.0 + gap.clamp(0.0, 30.0)) as u8,
            title: format!("{} is at risk", h.name),
            detail: risk.reason.clone(),
            evidence: goal
                .into_iter()
                .map(|g| Evidence {
                    label: format!("Goal: {g}"),
                    url: None,
                })
                .chain(h.remaining.iter().take(12).map(|r| Evidence {
                    label: format!(
                        "{} ({} points left)",
                        r.key,
                        r.points.map_or("?".into(), fmt_points)
                    ),
                    url: None,
                }))
                .collect(),
        });
    }
    let active: Vec<&Sprint> = inp
        .sprints
        .iter()
        .filter(|s| s.state == SprintState::Active)
        .collect();
    for s in &active {
        let unestimated: Vec<&WorkItem> = inp
            .items
            .iter()
            .filter(|i| i.sprint_ids.contains(&s.id) && i.story_points.is_none() && i.issue_type != "Epic")
            .filter(|i| !is_completed(i))
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
    if let Some(b) = inp.blockers.filter(|b| !b.open.is_empty()) {
        let mut open: Vec<_> = b.open.iter().collect();
        open.sort_by(|x, y| y.age_hours.total_cmp(&x.age_hours));
        let oldest_days = open.first().map_or(0.0, |x| x.age_hours / 24.0);
        out.push(Card {
            kind: CardKind::Blocked,
            urgency: 70 + open.len().min(25) as u8,
            title: format!("{} open blocker(s), oldest {:.0} day(s)", open.len(), oldest_days),
            detail:
                "Flagged or Blocked issues, issues blocked by an open issue, and blockers reported in Slack \
                     that no one has resolved."
                    .into(),
            evidence: open
                .iter()
                .take(EVIDENCE_MAX)
                .map(|x| Evidence {
                    label: format!(
                        "{} — {} ({:.0} h)",
                        x.key.clone().unwrap_or_else(|| x.source_id.clone()),
                        x.reasons.join(", "),
                        x.age_hours
                    ),
                    url: None,
                })
                .collect(),
        });
    }
    let carried: Vec<&WorkItem> = inp
        .items
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
    if let Some(f) = inp.flow {
        if !f.stale_prs.is_empty() {
            out.push(Card {
                kind: CardKind::PrWaitingForReview,
                urgency: 55 + f.stale_prs.len().min(30) as u8,
                title: format!("{} pull request(s) waiting with no activity", f.stale_prs.len()),
                detail: "Open pull requests idle past the stale threshold: review, merge or close them."
                    .into(),
                evidence: f
                    .stale_prs
                    .iter()
                    .take(EVIDENCE_MAX)
                    .map(|p| Evidence {
                        label: format!("{}#{} {}", p.pr.repo, p.pr.number, p.title),
                        url: Some(p.url.clone()),
                    })
                    .collect(),
            });
        }
        if !f.merged_without_review_prs.is_empty() {
            out.push(Card {
                kind: CardKind::MergedWithoutReview,
                urgency: 45 + f.merged_without_review_prs.len().min(30) as u8,
                title: format!(
                    "{} pull request(s) merged without review",
                    f.merged_without_review_prs.len()
                ),
                detail: "Merged with no review by someone other than the author (bots do not count).".into(),
                evidence: f
                    .merged_without_review_prs
                    .iter()
                    .take(EVIDENCE_MAX)
                    .map(|p| Evidence {
                        label: format!("{}#{}", p.repo, p.number),
                        url: None,
                    })
                    .collect(),
            });
        }
    }
    if let Some(d) = inp.docs {
        let stale: Vec<(&str, &str, &str)> = d
            .epics
            .iter()
            .flat_map(|e| {
                e.pages
                    .iter()
                    .filter(|p| p.stale)
                    .map(move |p| (e.key.as_str(), p.title.as_str(), p.url.as_str()))
            })
            .collect();
        if !stale.is_empty() {
            out.push(Card {
                kind: CardKind::StaleDoc,
                urgency: 30 + stale.len().min(20) as u8,
                title: format!("{} stale design doc(s) for active epics", stale.len()),
                detail: format!(
                    "Pages linked to an active epic, not updated for {} days.",
                    d.stale_after_days
                ),
                evidence: stale
                    .iter()
                    .map(|(epic, title, url)| Evidence {
                        label: format!("{epic}: {title}"),
                        url: Some((*url).to_string()),
                    })
                    .collect(),
            });
        }
    }
    let silos: Vec<&AreaKnowledge> = inp
        .knowledge
        .iter()
        .filter(|a| a.bus_factor == 1 && a.changes >= 10)
        .collect();
    if !silos.is_empty() {
        out.push(Card {
            kind: CardKind::KnowledgeSilo,
            urgency: 40 + silos.len().min(20) as u8,
            title: format!("{} code area(s) with a bus factor of 1", silos.len()),
            detail: "One person made half or more of the changes in the window: pair or review to spread it."
                .into(),
            evidence: silos
                .iter()
                .map(|a| Evidence {
                    label: format!("{} ({} changes)", a.area, a.changes),
                    url: None,
                })
                .collect(),
        });
    }
    let _ = inp.now;
    out.sort_by(|a, b| {
        b.urgency
            .cmp(&a.urgency)
            .then(a.kind.cmp(&b.kind))
            .then(a.title.cmp(&b.title))
    });
    out
}
