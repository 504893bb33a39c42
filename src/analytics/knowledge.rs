//! Knowledge coverage: who changes and who reviews each code area, and how
//! few people hold most of it (the bus factor).
//!
//! Definitions:
//! - **Code area** of a changed file: the configured [`Component`] whose path
//!   prefix matches it (longest prefix wins), else `repo/top-level-folder`
//!   (`repo/(root)` for a file at the top). A commit without a file list (the
//!   GitHub commits API gives none; the git import does) belongs to the area
//!   `repo`. A commit touching several areas counts once in each.
//! - **Change**: a commit authored (`authored`) in the [`Window`] and at or
//!   before `now`. Its people are its author and co-authors, resolved to
//!   cockpit names through the directory (login, then email), bots left out;
//!   a commit made only by bots is not a change.
//! - **Share**: each change is one unit split equally among its distinct
//!   people (a pair commit gives each half), so the shares of an area sum to
//!   its change count.
//! - **Bus factor**: the fewest people whose shares together reach at least
//!   half of the area's changes — people taken by share, largest first (for
//!   additive shares this greedy choice is the minimum). Ties by name. An
//!   area only reviewed in the window (no change in it) has bus factor 0.
//! - **Authors**: distinct people with a share. **Reviewers**: distinct
//!   people who submitted a qualifying review (not a bot, not the pull
//!   request's author) in the window on a pull request with a commit (of any
//!   date) in the area.
//!
//! Units: changes are commit counts (shares fractional); the bus factor is a
//! number of people.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::flow::{Logins, PrRef, Window, by_author, is_bot_login};
use crate::identity::Directory;
use crate::model::{Commit, PullRequest, Review, Signature};

/// A named component: the files under any of its path prefixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// Name shown as the area.
    pub name: String,
    /// Path prefixes, matched on whole path segments against the file path
    /// (`src/store`) or against `repo/path` (`acme/api/src/store`).
    pub paths: Vec<String>,
}

/// Tunables of knowledge coverage.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct KnowledgeParams {
    /// Configured components (empty: top-level folders).
    pub components: Vec<Component>,
    /// Extra logins treated as bots (the config's `github.bots`).
    pub bots: Vec<String>,
}

/// One person's share of an area's changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// Person.
    pub person: String,
    /// Changes credited (each change split among its people).
    pub changes: f64,
}

/// One code area's knowledge coverage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaKnowledge {
    /// Area name.
    pub area: String,
    /// Changes (commits) in the window.
    pub changes: usize,
    /// The bus factor.
    pub bus_factor: usize,
    /// The people making the bus factor, largest share first.
    pub bus_factor_people: Vec<String>,
    /// Distinct authors (co-authors included), sorted.
    pub authors: Vec<String>,
    /// Distinct reviewers, sorted.
    pub reviewers: Vec<String>,
    /// Shares, largest first.
    pub shares: Vec<Share>,
    /// The commits behind the changes (`repo@sha`).
    pub commits: Vec<String>,
    /// The pull requests behind the reviewers.
    pub reviewed_prs: Vec<PrRef>,
}

fn matches_prefix(path: &str, prefix: &str) -> bool {
    let p = prefix.trim_end_matches('/');
    !p.is_empty() && (path == p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
}

/// The area of `file` in `repo` (see the module doc).
pub fn area_of(repo: &str, file: &str, components: &[Component]) -> String {
    let full = format!("{repo}/{file}");
    let best = components
        .iter()
        .flat_map(|c| c.paths.iter().map(move |p| (c, p)))
        .filter(|(_, p)| matches_prefix(file, p) || matches_prefix(&full, p))
        .max_by_key(|(_, p)| p.trim_end_matches('/').len());
    if let Some((c, _)) = best {
        return c.name.clone();
    }
    let folder = match file.split_once('/') {
        Some((top, _)) => top,
        None => "(root)",
    };
    if repo.is_empty() {
        folder.to_string()
    } else {
        format!("{repo}/{folder}")
    }
}

/// The areas a commit touches.
pub fn areas_of_commit(c: &Commit, components: &[Component]) -> BTreeSet<String> {
    if c.files.is_empty() {
        return BTreeSet::from([c.repo.clone()]);
    }
    c.files.iter().map(|f| area_of(&c.repo, f, components)).collect()
}

/// The person behind a commit signature: the directory's name for its login,
/// then for its email, else the login, else the email in lower case.
pub(crate) fn person_of_signature(dir: &Directory, s: &Signature) -> String {
    s.login
        .as_deref()
        .and_then(|l| dir.resolve(crate::model::Source::Github, l))
        .or_else(|| dir.by_email(&s.email))
        .map(str::to_string)
        .or_else(|| s.login.clone().filter(|l| !l.is_empty()))
        .unwrap_or_else(|| s.email.to_lowercase())
}

/// Whether a commit signature is a bot's (login, email or name).
pub(crate) fn signature_is_bot(s: &Signature, bots: &[String]) -> bool {
    s.login.as_deref().is_some_and(|l| is_bot_login(l, false, bots))
        || s.email.to_lowercase().contains("[bot]")
        || s.name.to_lowercase().ends_with("[bot]")
}

/// The bus factor of `shares` (sorted largest first): the fewest leading
/// people whose shares reach half of `total`; 0 when `total` is 0.
pub fn bus_factor(shares: &[Share], total: f64) -> usize {
    if total <= 0.0 {
        return 0;
    }
    let mut sum = 0.0;
    for (i, s) in shares.iter().enumerate() {
        sum += s.changes;
        if 2.0 * sum + 1e-9 >= total {
            return i + 1;
        }
    }
    shares.len()
}

/// Whether a commit is a change (authored in the window and at or before `now`).
pub(crate) fn is_change(c: &Commit, window: &Window, now: Timestamp) -> bool {
    window.contains(c.authored) && c.authored <= now
}

/// One area's coverage from what it gathered: its change count, each
/// person's share (summed in commit order), the commits behind the changes
/// (any order), its distinct reviewers and reviewed pull requests (sorted).
pub(crate) fn area_knowledge<'p>(
    area: String,
    changes: usize,
    shares: impl IntoIterator<Item = (&'p str, f64)>,
    mut commits: Vec<String>,
    reviewers: Vec<String>,
    reviewed_prs: Vec<PrRef>,
) -> AreaKnowledge {
    let mut shares: Vec<Share> = shares
        .into_iter()
        .map(|(person, changes)| Share {
            person: person.to_string(),
            changes,
        })
        .collect();
    shares.sort_by(|a, b| {
        b.changes
            .total_cmp(&a.changes)
            .then_with(|| a.person.cmp(&b.person))
    });
    let bf = bus_factor(&shares, changes as f64);
    commits.sort();
    let mut authors: Vec<String> = shares.iter().map(|s| s.person.clone()).collect();
    authors.sort();
    AreaKnowledge {
        area,
        changes,
        bus_factor: bf,
        bus_factor_people: shares.iter().take(bf).map(|s| s.person.clone()).collect(),
        authors,
        reviewers,
        shares,
        commits,
        reviewed_prs,
    }
}

/// Knowledge coverage per area for `window` as of `now`, sorted by area.
pub fn knowledge(
    commits: &[Commit],
    reviews: &[Review],
    prs: &[PullRequest],
    window: &Window,
    now: Timestamp,
    dir: &Directory,
    params: &KnowledgeParams,
) -> Vec<AreaKnowledge> {
    #[derive(Default)]
    struct Acc<'a> {
        changes: usize,
        shares: BTreeMap<&'a str, f64>,
        commits: Vec<&'a str>,
        reviewers: BTreeSet<&'a str>,
        reviewed: BTreeSet<(&'a str, u64)>,
    }
    // Each distinct file's area, each distinct signature's (bot, person),
    // computed once; the answers live in these owned tables, indexed.
    let mut area_names: Vec<String> = Vec::new();
    let mut area_ids: FxHashMap<String, usize> = FxHashMap::default();
    let mut file_area: FxHashMap<(&str, &str), usize> = FxHashMap::default();
    let mut intern = |name: String, names: &mut Vec<String>| -> usize {
        *area_ids.entry(name).or_insert_with_key(|n| {
            names.push(n.clone());
            names.len() - 1
        })
    };
    let mut commit_areas: Vec<BTreeSet<usize>> = Vec::with_capacity(commits.len());
    for c in commits {
        let touched: BTreeSet<usize> = if c.files.is_empty() {
            BTreeSet::from([intern(c.repo.clone(), &mut area_names)])
        } else {
            c.files
                .iter()
                .map(|f| match file_area.get(&(c.repo.as_str(), f.as_str())) {
                    Some(i) => *i,
                    None => {
                        let i = intern(area_of(&c.repo, f, &params.components), &mut area_names);
                        file_area.insert((c.repo.as_str(), f.as_str()), i);
                        i
                    }
                })
                .collect()
        };
        commit_areas.push(touched);
    }
    type SigKey<'k> = (Option<&'k str>, &'k str, &'k str);
    let mut signatures: FxHashMap<SigKey<'_>, (bool, String)> = FxHashMap::default();
    for c in commits {
        for sig in std::iter::once(&c.author).chain(c.co_authors.iter()) {
            signatures
                .entry((sig.login.as_deref(), sig.email.as_str(), sig.name.as_str()))
                .or_insert_with(|| (signature_is_bot(sig, &params.bots), person_of_signature(dir, sig)));
        }
    }
    let mut areas: BTreeMap<&str, Acc<'_>> = BTreeMap::new();
    let mut pr_areas: FxHashMap<(&str, u64), BTreeSet<usize>> = FxHashMap::default();
    for (c, touched) in commits.iter().zip(&commit_areas) {
        if let Some(n) = c.pr_number {
            pr_areas
                .entry((c.repo.as_str(), n))
                .or_default()
                .extend(touched.iter().copied());
        }
        if !is_change(c, window, now) {
            continue;
        }
        let people: BTreeSet<&str> = std::iter::once(&c.author)
            .chain(c.co_authors.iter())
            .filter_map(|sig| signatures.get(&(sig.login.as_deref(), sig.email.as_str(), sig.name.as_str())))
            .filter(|(bot, _)| !bot)
            .map(|(_, person)| person.as_str())
            .collect();
        if people.is_empty() {
            continue;
        }
        let part = 1.0 / people.len() as f64;
        for &area in touched {
            let acc = areas.entry(area_names[area].as_str()).or_default();
            acc.changes += 1;
            acc.commits.push(c.meta.source_id.as_str());
            for p in &people {
                *acc.shares.entry(p).or_default() += part;
            }
        }
    }
    let logins = Logins::new(
        prs.iter()
            .map(|p| p.author.as_str())
            .chain(reviews.iter().map(|r| r.reviewer.as_str())),
        dir,
        &params.bots,
    );
    let authors_of: FxHashMap<(&str, u64), &PullRequest> =
        prs.iter().map(|p| ((p.repo.as_str(), p.number), p)).collect();
    for r in reviews {
        if !window.contains(r.submitted) || r.submitted > now || logins.is_bot(&r.reviewer, r.reviewer_is_bot)
        {
            continue;
        }
        let k = (r.repo.as_str(), r.pr_number);
        let who = logins.person(&r.reviewer);
        if let Some(pr) = authors_of.get(&k)
            && by_author(&r.reviewer, who, &pr.author, logins.person(&pr.author))
        {
            continue;
        }
        for &area in pr_areas.get(&k).into_iter().flatten() {
            let acc = areas.entry(area_names[area].as_str()).or_default();
            acc.reviewers.insert(who);
            acc.reviewed.insert(k);
        }
    }
    areas
        .into_iter()
        .map(|(area, acc)| {
            area_knowledge(
                area.to_string(),
                acc.changes,
                acc.shares,
                acc.commits.into_iter().map(str::to_string).collect(),
                acc.reviewers.into_iter().map(str::to_string).collect(),
                acc.reviewed
                    .into_iter()
                    .map(|(repo, number)| PrRef {
                        repo: repo.to_string(),
                        number,
                    })
                    .collect(),
            )
        })
        .collect()
}
