//! Replaying an issue's changelog: what an issue looked like at any instant.
//!
//! A [`WorkItem`] holds its *current* field values and its full changelog
//! (oldest first). The value of a field at instant `t` is found by replaying
//! the changelog backwards from the current value: every change made after
//! `t` is undone by taking its `from` side. That is the same as "the `from` of
//! the first change after `t`, else the current value", which is how
//! [`IssueHistory::at`] computes it. A change made exactly at `t` counts as
//! already made at `t`.
//!
//! Field values in the changelog (Jira's wire habits, kept here and nowhere
//! else in analytics):
//! - sprint: `from`/`to` hold comma-separated sprint ids (`"42, 43"`);
//! - story points: number fields carry the value in `fromString`/`toString`
//!   (`from`/`to` are null); either side is read, empty means unestimated;
//! - status: `fromString`/`toString` hold the status names; the category of a
//!   name comes from a [`StatusMap`];
//! - resolution: names in `fromString`/`toString`, empty means unresolved;
//! - assignee: account ids in `from`/`to`;
//! - flagged: any non-empty value means flagged.
//!
//! Field ids differ per site, so the ones to read come in [`JiraFields`]; each
//! list also holds the display names older changelogs use.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::model::{FieldChange, StatusCategory, WorkItem};

/// Which changelog fields carry the sprint, the estimate and the flag.
///
/// Each is a list of field ids or names, matched case-insensitively against
/// [`FieldChange::field`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JiraFields {
    /// Sprint field (`customfield_10020`, `Sprint`).
    pub sprint: Vec<String>,
    /// Story points field (`customfield_10016`, `Story Points`, `Story point estimate`).
    pub story_points: Vec<String>,
    /// Flagged field (`customfield_10021`, `Flagged`).
    pub flagged: Vec<String>,
}

impl Default for JiraFields {
    fn default() -> Self {
        let v = |xs: &[&str]| xs.iter().map(|s| (*s).to_string()).collect();
        JiraFields {
            sprint: v(&["customfield_10020", "Sprint"]),
            story_points: v(&["customfield_10016", "Story Points", "Story point estimate"]),
            flagged: v(&["customfield_10021", "Flagged"]),
        }
    }
}

impl JiraFields {
    /// The site's discovered field ids first, then the default names.
    pub fn with_ids(sprint: Option<&str>, story_points: Option<&str>, flagged: Option<&str>) -> JiraFields {
        let mut f = JiraFields::default();
        for (list, id) in [
            (&mut f.sprint, sprint),
            (&mut f.story_points, story_points),
            (&mut f.flagged, flagged),
        ] {
            if let Some(id) = id.filter(|s| !s.is_empty()) {
                list.insert(0, id.to_string());
            }
        }
        f
    }
}

fn matches(list: &[String], field: &str) -> bool {
    list.iter().any(|f| f.eq_ignore_ascii_case(field))
}

/// Status name → status category, learned from the current issues (each
/// issue reports its status and that status's category). Names are compared
/// case-insensitively.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusMap {
    by_name: BTreeMap<String, StatusCategory>,
}

impl StatusMap {
    /// The map every issue's current (status, category) pair teaches.
    pub fn from_items(items: &[WorkItem]) -> StatusMap {
        // Same as inserting every item in order (the last item naming a
        // status wins), but each distinct spelling is lower-cased once: the
        // spellings are inserted in the order of their last occurrence.
        let mut last: rustc_hash::FxHashMap<&str, (usize, StatusCategory)> = rustc_hash::FxHashMap::default();
        for (n, i) in items.iter().enumerate() {
            last.insert(i.status.as_str(), (n, i.status_category));
        }
        let mut spellings: Vec<(usize, &str, StatusCategory)> =
            last.into_iter().map(|(name, (n, c))| (n, name, c)).collect();
        spellings.sort_unstable_by_key(|(n, _, _)| *n);
        let mut m = StatusMap::default();
        for (_, name, category) in spellings {
            m.insert(name, category);
        }
        m
    }

    /// Adds or replaces one name.
    pub fn insert(&mut self, name: &str, category: StatusCategory) {
        self.by_name.insert(name.trim().to_lowercase(), category);
    }

    /// The category of `name`. A name no current issue has (a retired
    /// status) is `Done` when the issue had a resolution at that moment,
    /// else `ToDo`.
    pub fn category(&self, name: &str, resolved: bool) -> StatusCategory {
        self.by_name
            .get(&name.trim().to_lowercase())
            .copied()
            .unwrap_or(if resolved {
                StatusCategory::Done
            } else {
                StatusCategory::ToDo
            })
    }
}

/// An issue's fields at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueState {
    /// Sprint ids, ascending.
    pub sprints: Vec<u64>,
    /// Story points; `None` is unestimated.
    pub points: Option<f64>,
    /// Status name.
    pub status: String,
    /// Status category.
    pub category: StatusCategory,
    /// Resolution name.
    pub resolution: Option<String>,
    /// Assignee account id.
    pub assignee: Option<String>,
    /// Flagged as an impediment.
    pub flagged: bool,
}

impl IssueState {
    /// In the done category.
    pub fn is_done(&self) -> bool {
        self.category == StatusCategory::Done
    }

    /// Done with a completing resolution: not in `not_completed`
    /// (case-insensitive); a done issue without resolution counts as completed.
    pub fn is_completed(&self, not_completed: &[String]) -> bool {
        self.is_done()
            && !self
                .resolution
                .as_deref()
                .is_some_and(|r| not_completed.iter().any(|n| n.eq_ignore_ascii_case(r.trim())))
    }

    /// Points as a number, 0 for unestimated.
    pub fn points_or_zero(&self) -> f64 {
        self.points.unwrap_or(0.0)
    }
}

/// An issue's fields at one instant, borrowed from the issue and its
/// changelog (what [`IssueHistory::view`] gives without allocating); the
/// same values as [`IssueState`], which [`IssueView::to_state`] builds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IssueView<'a> {
    /// Sprint ids, ascending.
    pub sprints: &'a [u64],
    /// Story points; `None` is unestimated.
    pub points: Option<f64>,
    /// Status name.
    pub status: &'a str,
    /// Status category.
    pub category: StatusCategory,
    /// Resolution name.
    pub resolution: Option<&'a str>,
    /// Assignee account id.
    pub assignee: Option<&'a str>,
    /// Flagged as an impediment.
    pub flagged: bool,
}

impl IssueView<'_> {
    /// In the done category.
    pub fn is_done(&self) -> bool {
        self.category == StatusCategory::Done
    }

    /// Done with a completing resolution (as [`IssueState::is_completed`]).
    pub fn is_completed(&self, not_completed: &[String]) -> bool {
        self.is_done()
            && !self
                .resolution
                .is_some_and(|r| not_completed.iter().any(|n| n.eq_ignore_ascii_case(r.trim())))
    }

    /// Points as a number, 0 for unestimated.
    pub fn points_or_zero(&self) -> f64 {
        self.points.unwrap_or(0.0)
    }

    /// The owned [`IssueState`] with the same values.
    pub fn to_state(&self) -> IssueState {
        IssueState {
            sprints: self.sprints.to_vec(),
            points: self.points,
            status: self.status.to_string(),
            category: self.category,
            resolution: self.resolution.map(str::to_string),
            assignee: self.assignee.map(str::to_string),
            flagged: self.flagged,
        }
    }
}

/// Comma-separated sprint ids (`"42, 43"`), ascending, without duplicates.
pub fn parse_sprint_ids(raw: Option<&str>) -> Vec<u64> {
    let mut ids: Vec<u64> = raw
        .unwrap_or_default()
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// A story-point value from a changelog side; empty, unparsable or negative
/// is unestimated (as the mapper reads the field).
pub fn parse_points(display: Option<&str>, raw: Option<&str>) -> Option<f64> {
    let s = display.filter(|s| !s.trim().is_empty()).or(raw)?;
    let n: f64 = s.trim().parse().ok()?;
    (n.is_finite() && n >= 0.0).then_some(n)
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Kinds of changes the replay reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sprint,
    Points,
    Status,
    Resolution,
    Assignee,
    Flag,
}

/// One issue with its changelog indexed by field, ready to answer "what was
/// it at `t`". Borrowing; cheap to build.
#[derive(Debug, Clone)]
pub struct IssueHistory<'a> {
    /// The issue.
    pub item: &'a WorkItem,
    changes: Vec<(Kind, &'a FieldChange)>,
    statuses: &'a StatusMap,
    /// The current sprint ids, ascending, without duplicates.
    current_sprints: Vec<u64>,
    /// Per sprint change (same order as in `changes`): the parsed `from`
    /// and `to` sprint ids.
    sprint_sides: Vec<(Vec<u64>, Vec<u64>)>,
}

impl<'a> IssueHistory<'a> {
    /// Indexes `item`'s changelog for the fields in `fields`.
    pub fn new(item: &'a WorkItem, fields: &JiraFields, statuses: &'a StatusMap) -> IssueHistory<'a> {
        let mut changes: Vec<(Kind, &FieldChange)> = item
            .changelog
            .iter()
            .filter_map(|c| {
                let f = c.field.as_str();
                let kind = if matches(&fields.sprint, f) {
                    Kind::Sprint
                } else if matches(&fields.story_points, f) {
                    Kind::Points
                } else if f.eq_ignore_ascii_case("status") {
                    Kind::Status
                } else if f.eq_ignore_ascii_case("resolution") {
                    Kind::Resolution
                } else if f.eq_ignore_ascii_case("assignee") {
                    Kind::Assignee
                } else if matches(&fields.flagged, f) {
                    Kind::Flag
                } else {
                    return None;
                };
                Some((kind, c))
            })
            .collect();
        // Oldest first even if a caller built the changelog out of order.
        changes.sort_by_key(|(_, c)| c.at);
        let mut current_sprints = item.sprint_ids.clone();
        current_sprints.sort_unstable();
        current_sprints.dedup();
        let sprint_sides = changes
            .iter()
            .filter(|(k, _)| *k == Kind::Sprint)
            .map(|(_, c)| {
                (
                    parse_sprint_ids(c.from.as_deref()),
                    parse_sprint_ids(c.to.as_deref()),
                )
            })
            .collect();
        IssueHistory {
            item,
            changes,
            statuses,
            current_sprints,
            sprint_sides,
        }
    }

    /// The issue at instant `t`, changes made at `t` included.
    pub fn at(&self, t: Timestamp) -> IssueState {
        self.view(t).to_state()
    }

    /// The issue just before instant `t` (changes made at `t` not yet made).
    pub fn just_before(&self, t: Timestamp) -> IssueState {
        self.state(t, false).to_state()
    }

    /// [`IssueHistory::at`], borrowed (no allocation).
    pub fn view(&self, t: Timestamp) -> IssueView<'_> {
        self.state(t, true)
    }

    fn state(&self, t: Timestamp, inclusive: bool) -> IssueView<'_> {
        let i = self.item;
        // The first change of each kind after `t` (strictly after when
        // `inclusive`): its `from` side is the value at `t`. One binary
        // search, then one forward scan that stops once every kind is seen.
        let from = self
            .changes
            .partition_point(|(_, c)| if inclusive { c.at <= t } else { c.at < t });
        let mut first: [Option<&FieldChange>; 6] = [None; 6];
        let mut missing = first.len();
        // The sprint changes before `from` (to find the parsed sides of the
        // first sprint change after `t`).
        let mut sprint_index = self.changes[..from]
            .iter()
            .filter(|(k, _)| *k == Kind::Sprint)
            .count();
        let mut first_sprint: Option<usize> = None;
        for (k, c) in &self.changes[from..] {
            if *k == Kind::Sprint && first_sprint.is_none() {
                first_sprint = Some(sprint_index);
            }
            if *k == Kind::Sprint {
                sprint_index += 1;
            }
            let slot = &mut first[*k as usize];
            if slot.is_none() {
                *slot = Some(*c);
                missing -= 1;
                if missing == 0 {
                    break;
                }
            }
        }
        let after = |k: Kind| first[k as usize];
        let sprints: &[u64] = match first_sprint.and_then(|n| self.sprint_sides.get(n)) {
            Some((from_ids, _)) => from_ids,
            None => &self.current_sprints,
        };
        let points = match after(Kind::Points) {
            Some(c) => parse_points(c.from_string.as_deref(), c.from.as_deref()),
            None => i.story_points,
        };
        let resolution = match after(Kind::Resolution) {
            Some(c) => non_empty(c.from_string.as_deref()).or_else(|| non_empty(c.from.as_deref())),
            None => i.resolution.as_deref(),
        };
        let (status, category) = match after(Kind::Status) {
            Some(c) => {
                let name = non_empty(c.from_string.as_deref()).unwrap_or_default();
                let cat = self.statuses.category(name, resolution.is_some());
                (name, cat)
            }
            None => (i.status.as_str(), i.status_category),
        };
        let assignee = match after(Kind::Assignee) {
            Some(c) => non_empty(c.from.as_deref()).or_else(|| non_empty(c.from_string.as_deref())),
            None => i.assignee.as_deref(),
        };
        let flagged = match after(Kind::Flag) {
            Some(c) => non_empty(c.from.as_deref())
                .or_else(|| non_empty(c.from_string.as_deref()))
                .is_some(),
            None => i.flagged,
        };
        IssueView {
            sprints,
            points,
            status,
            category,
            resolution,
            assignee,
            flagged,
        }
    }

    /// Distinct instants in `(from, to]` at which the sprint, estimate,
    /// status or resolution changed, ascending.
    pub fn sprint_relevant_instants(&self, from: Timestamp, to: Timestamp) -> Vec<Timestamp> {
        let mut out: Vec<Timestamp> = self
            .changes
            .iter()
            .filter(|(k, c)| {
                matches!(k, Kind::Sprint | Kind::Points | Kind::Status | Kind::Resolution)
                    && c.at > from
                    && c.at <= to
            })
            .map(|(_, c)| c.at)
            .collect();
        out.dedup();
        out
    }

    /// Every sprint id in the issue's sprint field now or on either side of
    /// any sprint change, ascending.
    pub fn sprints_ever(&self) -> Vec<u64> {
        let mut ids = self.item.sprint_ids.clone();
        for (from, to) in &self.sprint_sides {
            ids.extend_from_slice(from);
            ids.extend_from_slice(to);
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Instants of status, resolution and flag changes at or before `to`,
    /// ascending (blocker episodes are cut at these).
    pub fn blocker_instants(&self, to: Timestamp) -> Vec<Timestamp> {
        let mut out: Vec<Timestamp> = self
            .changes
            .iter()
            .filter(|(k, c)| matches!(k, Kind::Status | Kind::Resolution | Kind::Flag) && c.at <= to)
            .map(|(_, c)| c.at)
            .collect();
        out.dedup();
        out
    }

    /// The first instant in `(after, to]` at which the issue entered the done
    /// category, if any.
    pub fn done_between(&self, after: Timestamp, to: Timestamp) -> Option<Timestamp> {
        if self.view(after).is_done() {
            return Some(after);
        }
        self.changes
            .iter()
            .filter(|(k, c)| matches!(k, Kind::Status | Kind::Resolution) && c.at > after && c.at <= to)
            .map(|(_, c)| c.at)
            .find(|t| self.view(*t).is_done())
    }

    /// The latest instant at or before `t` at which anything about the issue
    /// changed: its last changelog entry then, else its creation (the
    /// current `updated` when `t` is at or after it).
    pub fn last_activity(&self, t: Timestamp) -> Timestamp {
        let i = self.item;
        if t >= i.updated {
            return i.updated;
        }
        i.changelog
            .iter()
            .map(|c| c.at)
            .filter(|at| *at <= t)
            .max()
            .unwrap_or(i.created)
            .max(i.created)
    }
}
