//! Engineering Pulse: team aggregates only, never a person's figure.
//!
//! Rules:
//! - No individual attribution: a [`Pulse`] holds no person's name. Its
//!   items are pull requests, meetings or areas, never people.
//! - Every figure names the size of the group of people behind it (PR
//!   authors, reviewers, people with a person-week, authors of an area). A
//!   group smaller than [`PulseParams::min_group_size`] (default 3) withholds
//!   the figure: `value` is `None` with [`Withheld::SmallGroup`], and its items
//!   are dropped too. A figure with no data is `None` with
//!   [`Withheld::NoData`]. A withheld figure is never 0.
//! - **Sum** is the sum of the parts; **mean** is that sum divided by the
//!   number of distinct people in the group (a person with several parts is
//!   summed first). Percentiles are recomputed over the team's items,
//!   nearest-rank, as in [`super::flow`].
//!
//! Groups, per figure:
//! - flow figures of merged pull requests (count, cycle time, open to merge,
//!   review time, size, merged without review): distinct authors of the pull
//!   requests merged in the window (of those with the timing, for a
//!   percentile); pickup: authors of the pull requests picked up in the
//!   window; stale count: authors of the pull requests open at `now`; reviews
//!   per reviewer: the reviewers;
//! - week figures: the people with a [`PersonWeek`] row that week (people in
//!   the roster count with their zeros);
//! - area figures: the people with a share of the area's changes (reviewers
//!   for the reviewer count);
//! - generic [`PersonFigures`] (any per-person metric of another module, e.g.
//!   open points per person): the distinct people in its values.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::flow::{FlowMetrics, PrFlow, TIMINGS, merged_in, p50_p85};
use super::focus::PersonWeek;
use super::knowledge::AreaKnowledge;

/// The default smallest group whose aggregate may be shown.
pub const DEFAULT_MIN_GROUP_SIZE: usize = 3;

/// Tunables of the pulse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulseParams {
    /// Smallest group whose figure is shown (default 3).
    pub min_group_size: usize,
}

impl Default for PulseParams {
    fn default() -> Self {
        PulseParams {
            min_group_size: DEFAULT_MIN_GROUP_SIZE,
        }
    }
}

/// Why a figure is not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Withheld {
    /// The group behind it is smaller than the minimum.
    SmallGroup {
        /// People in the group.
        group_size: usize,
        /// The minimum.
        min_group_size: usize,
    },
    /// Nothing to aggregate.
    NoData,
}

impl std::fmt::Display for Withheld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Withheld::SmallGroup {
                group_size,
                min_group_size,
            } => write!(
                f,
                "withheld: {group_size} people behind it, fewer than the minimum of {min_group_size}"
            ),
            Withheld::NoData => f.write_str("no data"),
        }
    }
}

/// One team figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The value; `None` exactly when withheld.
    pub value: Option<f64>,
    /// Unit (`hours`, `lines`, `pull_requests`, `people`, ...).
    pub unit: String,
    /// People behind the figure.
    pub group_size: usize,
    /// Why the value is withheld.
    pub withheld: Option<Withheld>,
    /// Items behind the value (pull requests, meetings); empty when withheld.
    pub items: Vec<String>,
}

impl Figure {
    /// A figure over a group of `group_size` people, withheld when the group
    /// is empty or too small, or there is no value.
    pub fn gated(
        value: Option<f64>,
        unit: &str,
        group_size: usize,
        min_group_size: usize,
        items: Vec<String>,
    ) -> Figure {
        let withheld = if group_size == 0 || value.is_none() {
            Some(Withheld::NoData)
        } else if group_size < min_group_size {
            Some(Withheld::SmallGroup {
                group_size,
                min_group_size,
            })
        } else {
            None
        };
        let shown = withheld.is_none();
        Figure {
            value: value.filter(|_| shown),
            unit: unit.to_string(),
            group_size,
            withheld,
            items: if shown { items } else { Vec::new() },
        }
    }
}

/// How parts combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Sum of the parts.
    Sum,
    /// Sum of the parts ÷ distinct people.
    Mean,
}

/// One person's value of some metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonValue {
    /// Person.
    pub person: String,
    /// Value.
    pub value: f64,
}

/// A per-person metric to aggregate (generic input from other modules).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonFigures {
    /// Name of the team figure (`open_points_mean`).
    pub name: String,
    /// Unit.
    pub unit: String,
    /// How to combine.
    pub aggregation: Aggregation,
    /// The parts.
    pub values: Vec<PersonValue>,
}

/// A named team figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedFigure {
    /// Name.
    pub name: String,
    /// Figure.
    pub figure: Figure,
}

/// The team figure of per-person parts: non-finite values are ignored; a
/// person's parts are summed first; the group is the distinct people.
pub fn aggregate(parts: &[PersonValue], how: Aggregation, unit: &str, min_group_size: usize) -> Figure {
    let mut per: BTreeMap<&str, f64> = BTreeMap::new();
    for p in parts.iter().filter(|p| p.value.is_finite()) {
        *per.entry(p.person.as_str()).or_default() += p.value;
    }
    let n = per.len();
    let sum: f64 = per.values().sum();
    let value = match how {
        Aggregation::Sum => Some(sum),
        Aggregation::Mean => (n > 0).then(|| sum / n as f64),
    };
    Figure::gated(value, unit, n, min_group_size, Vec::new())
}

/// Team flow figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowPulse {
    /// Pull requests merged in the window.
    pub merged_prs: Figure,
    /// Cycle time p50, hours.
    pub cycle_time_hours_p50: Figure,
    /// Cycle time p85, hours.
    pub cycle_time_hours_p85: Figure,
    /// Opened → merge p50, hours.
    pub open_to_merge_hours_p50: Figure,
    /// Opened → merge p85, hours.
    pub open_to_merge_hours_p85: Figure,
    /// Pickup p50, hours.
    pub pickup_time_hours_p50: Figure,
    /// Pickup p85, hours.
    pub pickup_time_hours_p85: Figure,
    /// Review time p50, hours.
    pub review_time_hours_p50: Figure,
    /// Review time p85, hours.
    pub review_time_hours_p85: Figure,
    /// Size p50, lines.
    pub pr_size_lines_p50: Figure,
    /// Size p85, lines.
    pub pr_size_lines_p85: Figure,
    /// Merged without review.
    pub merged_without_review: Figure,
    /// Stale open pull requests.
    pub stale_open_prs: Figure,
    /// Mean qualifying reviews per reviewer in the window.
    pub reviews_per_reviewer_mean: Figure,
}

/// Team meeting and focus figures of one week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekPulse {
    /// Monday, team-local.
    pub week_start: Date,
    /// Meeting hours, sum over people.
    pub meeting_hours_total: Figure,
    /// Meeting hours per person.
    pub meeting_hours_mean: Figure,
    /// Meetings attended per person.
    pub meetings_mean: Figure,
    /// Focus hours, sum over people.
    pub focus_hours_total: Figure,
    /// Focus hours per person.
    pub focus_hours_mean: Figure,
    /// Fragmenting meetings per person.
    pub fragmenting_meetings_mean: Figure,
}

/// Team knowledge figures of one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaPulse {
    /// Area.
    pub area: String,
    /// Changes in the window.
    pub changes: Figure,
    /// Bus factor, people.
    pub bus_factor: Figure,
    /// Distinct authors.
    pub authors: Figure,
    /// Distinct reviewers.
    pub reviewers: Figure,
}

/// The Engineering Pulse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pulse {
    /// The minimum group size applied.
    pub min_group_size: usize,
    /// Flow.
    pub flow: FlowPulse,
    /// Meeting load and focus time per week.
    pub weeks: Vec<WeekPulse>,
    /// Knowledge coverage per area.
    pub areas: Vec<AreaPulse>,
    /// Generic per-person metrics, aggregated.
    pub extra: Vec<NamedFigure>,
}

/// One timing's p50 and p85 figures before gating: the percentiles, the
/// distinct authors of the rows with the timing, and those rows' references
/// (once per figure, in row order).
#[derive(Debug)]
pub(crate) struct TimingPart {
    /// p50 and p85 of the timing ([`super::flow::p50_p85`]).
    pub(crate) pct: (Option<f64>, Option<f64>),
    /// Distinct authors of the rows with the timing.
    pub(crate) group: usize,
    /// The items of the p50 and of the p85 figure.
    pub(crate) items: (Vec<String>, Vec<String>),
}

/// What [`flow_pulse`] reads from the rows of a [`FlowMetrics`], each list
/// in row order; the rest it reads from the metrics themselves.
#[derive(Debug)]
pub(crate) struct FlowPulseParts {
    /// Rows merged in the window.
    pub(crate) merged: usize,
    /// Distinct authors of the rows merged in the window.
    pub(crate) merged_group: usize,
    /// References of the rows merged in the window.
    pub(crate) merged_items: Vec<String>,
    /// The timings, in [`super::flow::TIMINGS`] order.
    pub(crate) timings: [TimingPart; 5],
    /// References of the pull requests merged without review.
    pub(crate) unreviewed_items: Vec<String>,
    /// References of the stale pull requests.
    pub(crate) stale_items: Vec<String>,
}

/// The flow part of [`pulse`] (`min`: the smallest group shown).
pub fn flow_pulse(flow: &FlowMetrics, min: usize) -> FlowPulse {
    let rows = &flow.pull_requests;
    let authors = |list: &mut dyn Iterator<Item = &PrFlow>| {
        let mut names: Vec<&str> = list.map(|r| r.author.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    };
    // Each pull request's reference written once, cloned into the figures.
    let written: Vec<String> = rows.iter().map(|r| r.pr.to_string()).collect();
    let refs = |with: &dyn Fn(&PrFlow) -> bool| -> Vec<String> {
        rows.iter()
            .zip(&written)
            .filter(|(r, _)| with(r))
            .map(|(_, w)| w.clone())
            .collect()
    };
    let timing = |pick: fn(&PrFlow) -> Option<f64>| {
        let items = refs(&|r| pick(r).is_some());
        TimingPart {
            pct: p50_p85(rows.iter().filter_map(pick).collect()),
            group: authors(&mut rows.iter().filter(|r| pick(r).is_some())),
            items: (items.clone(), items),
        }
    };
    let parts = FlowPulseParts {
        merged: rows.iter().filter(|r| merged_in(r, &flow.window)).count(),
        merged_group: authors(&mut rows.iter().filter(|r| merged_in(r, &flow.window))),
        merged_items: refs(&|r| merged_in(r, &flow.window)),
        timings: TIMINGS.map(timing),
        unreviewed_items: flow
            .merged_without_review_prs
            .iter()
            .map(ToString::to_string)
            .collect(),
        stale_items: flow.stale_prs.iter().map(|s| s.pr.to_string()).collect(),
    };
    flow_pulse_of(flow, parts, min)
}

/// [`flow_pulse`] from its parts: the figures gated, the counts and the
/// review load read from `flow`.
pub(crate) fn flow_pulse_of(flow: &FlowMetrics, parts: FlowPulseParts, min: usize) -> FlowPulse {
    let pair = |t: TimingPart, unit: &str| {
        (
            Figure::gated(t.pct.0, unit, t.group, min, t.items.0),
            Figure::gated(t.pct.1, unit, t.group, min, t.items.1),
        )
    };
    let [cycle, open, pickup, review, size] = parts.timings;
    let (cycle, open, pickup) = (pair(cycle, "hours"), pair(open, "hours"), pair(pickup, "hours"));
    let (review, size) = (pair(review, "hours"), pair(size, "lines"));
    let reviewers: Vec<PersonValue> = flow
        .review_load
        .iter()
        .map(|l| PersonValue {
            person: l.person.clone(),
            value: l.reviews as f64,
        })
        .collect();
    FlowPulse {
        merged_prs: Figure::gated(
            Some(parts.merged as f64),
            "pull_requests",
            parts.merged_group,
            min,
            parts.merged_items,
        ),
        cycle_time_hours_p50: cycle.0,
        cycle_time_hours_p85: cycle.1,
        open_to_merge_hours_p50: open.0,
        open_to_merge_hours_p85: open.1,
        pickup_time_hours_p50: pickup.0,
        pickup_time_hours_p85: pickup.1,
        review_time_hours_p50: review.0,
        review_time_hours_p85: review.1,
        pr_size_lines_p50: size.0,
        pr_size_lines_p85: size.1,
        merged_without_review: Figure::gated(
            Some(flow.merged_without_review as f64),
            "pull_requests",
            parts.merged_group,
            min,
            parts.unreviewed_items,
        ),
        stale_open_prs: Figure::gated(
            Some(flow.stale_open_prs as f64),
            "pull_requests",
            flow.open_pr_authors,
            min,
            parts.stale_items,
        ),
        reviews_per_reviewer_mean: aggregate(&reviewers, Aggregation::Mean, "reviews", min),
    }
}

/// The per-week part of [`pulse`] (`min`: the smallest group shown).
pub fn week_pulses(weeks: &[PersonWeek], min: usize) -> Vec<WeekPulse> {
    let mut by_week: BTreeMap<Date, Vec<&PersonWeek>> = BTreeMap::new();
    for w in weeks {
        by_week.entry(w.week_start).or_default().push(w);
    }
    by_week
        .into_iter()
        .map(|(week_start, rows)| {
            let mut ids: Vec<&str> = rows
                .iter()
                .flat_map(|r| r.meeting_ids.iter().map(String::as_str))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            week_pulse(week_start, &rows, min, || {
                ids.iter().map(|s| (*s).to_string()).collect()
            })
        })
        .collect()
}

/// One week of [`week_pulses`]: `rows` are the week's person-weeks in
/// order; `items` gives the distinct meeting ids of their rows, sorted
/// (called once per figure shown with them).
pub(crate) fn week_pulse(
    week_start: Date,
    rows: &[&PersonWeek],
    min: usize,
    mut items: impl FnMut() -> Vec<String>,
) -> WeekPulse {
    let parts = |f: fn(&PersonWeek) -> f64| -> Vec<PersonValue> {
        rows.iter()
            .map(|r| PersonValue {
                person: r.person.clone(),
                value: f(r),
            })
            .collect()
    };
    let mut with_ids = |mut f: Figure| {
        if f.withheld.is_none() {
            f.items = items();
        }
        f
    };
    let meeting = parts(|r| r.meeting_hours);
    let focus = parts(|r| r.focus_hours);
    WeekPulse {
        week_start,
        meeting_hours_total: with_ids(aggregate(&meeting, Aggregation::Sum, "hours", min)),
        meeting_hours_mean: with_ids(aggregate(&meeting, Aggregation::Mean, "hours", min)),
        meetings_mean: aggregate(&parts(|r| r.meetings as f64), Aggregation::Mean, "meetings", min),
        focus_hours_total: aggregate(&focus, Aggregation::Sum, "hours", min),
        focus_hours_mean: aggregate(&focus, Aggregation::Mean, "hours", min),
        fragmenting_meetings_mean: aggregate(
            &parts(|r| r.fragmenting_meetings as f64),
            Aggregation::Mean,
            "meetings",
            min,
        ),
    }
}

/// One area's part of [`pulse`] (`min`: the smallest group shown).
pub fn area_pulse(a: &AreaKnowledge, min: usize) -> AreaPulse {
    let group = a.authors.len();
    AreaPulse {
        area: a.area.clone(),
        changes: Figure::gated(Some(a.changes as f64), "commits", group, min, a.commits.clone()),
        bus_factor: Figure::gated(Some(a.bus_factor as f64), "people", group, min, Vec::new()),
        authors: Figure::gated(Some(group as f64), "people", group, min, Vec::new()),
        reviewers: Figure::gated(
            Some(a.reviewers.len() as f64),
            "people",
            a.reviewers.len(),
            min,
            a.reviewed_prs.iter().map(ToString::to_string).collect(),
        ),
    }
}

/// The Engineering Pulse of already computed metrics (see the module doc).
pub fn pulse(
    flow: &FlowMetrics,
    weeks: &[PersonWeek],
    areas: &[AreaKnowledge],
    extra: &[PersonFigures],
    params: &PulseParams,
) -> Pulse {
    let min = params.min_group_size.max(1);
    Pulse {
        min_group_size: min,
        flow: flow_pulse(flow, min),
        weeks: week_pulses(weeks, min),
        areas: areas.iter().map(|a| area_pulse(a, min)).collect(),
        extra: extra
            .iter()
            .map(|x| NamedFigure {
                name: x.name.clone(),
                figure: aggregate(&x.values, x.aggregation, &x.unit, min),
            })
            .collect(),
    }
}
