//! Documentation: which active epics (and their issues) have a linked
//! Confluence page, and which linked pages have gone stale.
//!
//! Definitions (evaluated at `as_of`; issue fields replayed from the
//! changelog; a page created after `as_of` does not exist yet):
//! - **Epic**: an issue of type "Epic"; its *children* are the issues whose
//!   `parent_key` is the epic's key.
//! - **Active epic**: has an open child at `as_of`, or is itself open and was
//!   changed in the window `[since, as_of]` (its last changelog entry, or its
//!   creation, falls in it).
//! - **Linked page** of an issue: a page whose `issue_keys` holds the issue's
//!   key, or whose id the issue's description names as `/pages/<id>` or
//!   `pageId=<id>` (as every Confluence page URL does, whatever its host), or,
//!   for an epic, whose exact URL appears in the description.
//! - **Covered epic**: an active epic with at least one linked page.
//!   **Covered issue**: an open child of an active epic that has a linked
//!   page itself or whose epic is covered.
//! - **Stale page**: a page linked to an active epic whose last update is more
//!   than `stale_after_days` × 24 h before `as_of`. A page updated after
//!   `as_of` lost the record of its earlier updates and is never judged stale.
//!
//! Units: counts; ages in decimal days; coverage ratios in 0..=1 (`None` with
//! nothing to cover).

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::sprint::{IssueHistory, JiraFields, StatusMap};
use crate::model::{Page, WorkItem};

/// A page as linked to an epic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkedPage {
    /// Page id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Web URL.
    pub url: String,
    /// Last modified, UTC.
    pub updated: Timestamp,
    /// Days from `updated` to `as_of` (0 when updated after `as_of`).
    pub days_since_update: f64,
    /// Stale by the definition above.
    pub stale: bool,
}

/// One active epic's documentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpicDocs {
    /// Epic key.
    pub key: String,
    /// Epic summary.
    pub summary: String,
    /// Browse URL.
    pub url: String,
    /// Keys of its open children at `as_of`.
    pub open_children: Vec<String>,
    /// Keys of open children covered (own page or epic's page).
    pub covered_children: Vec<String>,
    /// Linked pages, most recently updated first.
    pub pages: Vec<LinkedPage>,
    /// Has at least one linked page.
    pub covered: bool,
}

/// Documentation coverage and staleness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocsReport {
    /// Evaluation instant, UTC.
    pub as_of: Timestamp,
    /// Pages older than this many days are stale.
    pub stale_after_days: u32,
    /// Active epics, by key.
    pub epics: Vec<EpicDocs>,
    /// Active epics.
    pub active_epics: usize,
    /// Active epics with a linked page.
    pub covered_epics: usize,
    /// Keys of active epics without one.
    pub uncovered_epic_keys: Vec<String>,
    /// Covered ÷ active epics.
    pub epic_coverage: Option<f64>,
    /// Open children of active epics.
    pub active_issues: usize,
    /// Those covered.
    pub covered_issues: usize,
    /// Keys of those not covered.
    pub uncovered_issue_keys: Vec<String>,
    /// Covered ÷ active issues.
    pub issue_coverage: Option<f64>,
    /// Stale pages linked to active epics: (epic key, page id), by epic.
    pub stale_pages: Vec<(String, String)>,
}

/// Whether `page` is linked to `item` (definition in the module doc, the
/// exact-URL test included).
pub fn is_linked(page: &Page, item: &WorkItem) -> bool {
    if page.issue_keys.iter().any(|k| k.eq_ignore_ascii_case(&item.key)) {
        return true;
    }
    let d = &item.description;
    let id = page.meta.source_id.as_str();
    let by_id = |pat: String| {
        d.match_indices(&pat).any(|(at, m)| {
            !d[at + m.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
    };
    (!page.url.is_empty() && d.contains(&page.url))
        || (!id.is_empty() && (by_id(format!("/pages/{id}")) || by_id(format!("pageId={id}"))))
}

/// Page ids an issue description names as `/pages/<id>` or `pageId=<id>`.
fn described_ids(description: &str) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    for pat in ["/pages/", "pageId="] {
        for (at, _) in description.match_indices(pat) {
            let rest = &description[at + pat.len()..];
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            if n > 0 {
                out.insert(&rest[..n]);
            }
        }
    }
    out
}

/// Pages indexed by the issue keys they list and by id.
struct PageIndex<'a> {
    by_key: BTreeMap<String, Vec<&'a Page>>,
    by_id: BTreeMap<&'a str, &'a Page>,
    all: Vec<&'a Page>,
}

impl<'a> PageIndex<'a> {
    fn new(pages: Vec<&'a Page>) -> PageIndex<'a> {
        let mut by_key: BTreeMap<String, Vec<&Page>> = BTreeMap::new();
        let mut by_id = BTreeMap::new();
        for p in &pages {
            by_id.insert(p.meta.source_id.as_str(), *p);
            for k in &p.issue_keys {
                by_key.entry(k.to_uppercase()).or_default().push(*p);
            }
        }
        PageIndex {
            by_key,
            by_id,
            all: pages,
        }
    }

    /// The pages linked to `item`, as [`is_linked`] decides, without
    /// scanning every page (the URL test runs only when `full_url_scan`).
    fn linked(&self, item: &WorkItem, full_url_scan: bool) -> Vec<&'a Page> {
        let mut out: Vec<&Page> = self
            .by_key
            .get(&item.key.to_uppercase())
            .cloned()
            .unwrap_or_default();
        out.extend(
            described_ids(&item.description)
                .into_iter()
                .filter_map(|id| self.by_id.get(id).copied()),
        );
        if full_url_scan {
            out.extend(
                self.all
                    .iter()
                    .filter(|p| !p.url.is_empty() && item.description.contains(&p.url)),
            );
        }
        out.sort_by(|a, b| a.meta.source_id.cmp(&b.meta.source_id));
        out.dedup_by(|a, b| a.meta.source_id == b.meta.source_id);
        out
    }
}

/// Coverage and staleness at `as_of` (definitions in the module doc).
pub fn docs(
    items: &[WorkItem],
    pages: &[Page],
    as_of: Timestamp,
    since: Timestamp,
    stale_after_days: u32,
    fields: &JiraFields,
) -> DocsReport {
    let statuses = StatusMap::from_items(items);
    docs_with(items, pages, &statuses, as_of, since, stale_after_days, fields)
}

/// [`docs`] with the status map of all the issues already built.
pub fn docs_with(
    items: &[WorkItem],
    pages: &[Page],
    statuses: &StatusMap,
    as_of: Timestamp,
    since: Timestamp,
    stale_after_days: u32,
    fields: &JiraFields,
) -> DocsReport {
    let pages = PageIndex::new(pages.iter().filter(|p| p.created <= as_of).collect());
    let stale_secs = f64::from(stale_after_days) * 86_400.0;
    // Open children at `as_of`, by parent key.
    let mut children: BTreeMap<&str, Vec<&WorkItem>> = BTreeMap::new();
    for c in items.iter().filter(|c| c.created <= as_of) {
        if let Some(parent) = c.parent_key.as_deref()
            && !IssueHistory::new(c, fields, statuses).view(as_of).is_done()
        {
            children.entry(parent).or_default().push(c);
        }
    }
    let mut epics = Vec::new();
    for e in items
        .iter()
        .filter(|i| i.issue_type.eq_ignore_ascii_case("Epic") && i.created <= as_of)
    {
        let eh = IssueHistory::new(e, fields, statuses);
        let mut open_children: Vec<&WorkItem> = children.get(e.key.as_str()).cloned().unwrap_or_default();
        open_children.sort_by(|a, b| a.key.cmp(&b.key));
        let touched = eh.last_activity(as_of) >= since;
        let active = !open_children.is_empty() || (!eh.view(as_of).is_done() && touched);
        if !active {
            continue;
        }
        let mut linked: Vec<LinkedPage> = pages
            .linked(e, true)
            .into_iter()
            .map(|p| {
                let age = as_of.duration_since(p.updated).as_secs_f64();
                LinkedPage {
                    id: p.meta.source_id.clone(),
                    title: p.title.clone(),
                    url: p.url.clone(),
                    updated: p.updated,
                    days_since_update: age.max(0.0) / 86_400.0,
                    stale: p.updated <= as_of && age > stale_secs,
                }
            })
            .collect();
        linked.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
        let covered = !linked.is_empty();
        let covered_children = open_children
            .iter()
            .filter(|c| covered || !pages.linked(c, false).is_empty())
            .map(|c| c.key.clone())
            .collect();
        epics.push(EpicDocs {
            key: e.key.clone(),
            summary: e.summary.clone(),
            url: e.url.clone(),
            open_children: open_children.iter().map(|c| c.key.clone()).collect(),
            covered_children,
            pages: linked,
            covered,
        });
    }
    epics.sort_by(|a, b| a.key.cmp(&b.key));
    let ratio = |n: usize, d: usize| (d > 0).then(|| n as f64 / d as f64);
    let active_epics = epics.len();
    let covered_epics = epics.iter().filter(|e| e.covered).count();
    let active_issues: usize = epics.iter().map(|e| e.open_children.len()).sum();
    let covered_issues: usize = epics.iter().map(|e| e.covered_children.len()).sum();
    DocsReport {
        as_of,
        stale_after_days,
        active_epics,
        covered_epics,
        uncovered_epic_keys: epics
            .iter()
            .filter(|e| !e.covered)
            .map(|e| e.key.clone())
            .collect(),
        epic_coverage: ratio(covered_epics, active_epics),
        active_issues,
        covered_issues,
        uncovered_issue_keys: epics
            .iter()
            .flat_map(|e| {
                e.open_children
                    .iter()
                    .filter(|k| !e.covered_children.contains(k))
                    .cloned()
            })
            .collect(),
        issue_coverage: ratio(covered_issues, active_issues),
        stale_pages: epics
            .iter()
            .flat_map(|e| {
                e.pages
                    .iter()
                    .filter(|p| p.stale)
                    .map(|p| (e.key.clone(), p.id.clone()))
            })
            .collect(),
        epics,
    }
}
