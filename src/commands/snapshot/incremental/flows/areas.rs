//! The knowledge part of the flow cache: each commit's areas and change,
//! and per area the commits of its changes and counts of its reviewers and
//! reviewed pull requests, so an area's coverage is assembled again from
//! its own parts only ([`area_knowledge`], as the full computation does).

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use super::Key;
use super::lists::{Counts, Names};
use crate::analytics::flow::PrRef;
use crate::analytics::knowledge::{
    AreaKnowledge, KnowledgeParams, area_knowledge, area_of, is_change, person_of_signature, signature_is_bot,
};
use crate::commands::snapshot::{Context, Inputs};
use crate::model::Commit;

/// One commit's part: the areas it touches and, when it is a change, its
/// distinct people (ids) and each one's part of the change.
#[derive(Debug, Clone, Default, PartialEq)]
struct CommitPart {
    areas: Vec<usize>,
    change: Option<(Vec<usize>, f64)>,
}

/// What one area gathered.
#[derive(Debug, Clone, Default)]
struct AreaPart {
    /// Positions of the commits of its changes (ascending: commit order).
    changes: BTreeSet<usize>,
    /// Reviewer ids, once per (qualifying review in the window, area).
    reviewers: Counts<usize>,
    /// Keys of the reviewed pull requests, likewise.
    reviewed: Counts<Key>,
}

/// The knowledge cache.
pub(super) struct Areas {
    params: KnowledgeParams,
    names: Names,
    /// Repository → file → area id.
    file_area: FxHashMap<String, FxHashMap<String, usize>>,
    /// Signature (login, email, name) → (bot, person id).
    signatures: FxHashMap<(Option<String>, String, String), (bool, usize)>,
    commits: Vec<CommitPart>,
    parts: FxHashMap<usize, AreaPart>,
}

impl Areas {
    pub(super) fn new(params: KnowledgeParams) -> Areas {
        Areas {
            params,
            names: Names::default(),
            file_area: FxHashMap::default(),
            signatures: FxHashMap::default(),
            commits: Vec::new(),
            parts: FxHashMap::default(),
        }
    }

    /// Commits seen so far.
    pub(super) fn commits_len(&self) -> usize {
        self.commits.len()
    }

    fn area_of_file(&mut self, repo: &str, file: &str) -> usize {
        if let Some(a) = self.file_area.get(repo).and_then(|m| m.get(file)) {
            return *a;
        }
        let a = self.names.id(&area_of(repo, file, &self.params.components));
        self.file_area
            .entry(repo.to_string())
            .or_default()
            .insert(file.to_string(), a);
        a
    }

    /// Sets the part of the commit at `i` (replacing the one it had) and
    /// returns the areas whose changes moved (none when the part stands:
    /// an area reads only its commits' parts and their ids).
    pub(super) fn set_commit(
        &mut self,
        i: usize,
        c: &Commit,
        cx: &Context,
        people: &mut Names,
    ) -> Vec<usize> {
        let mut areas: Vec<usize> = if c.files.is_empty() {
            vec![self.names.id(&c.repo)]
        } else {
            c.files.iter().map(|f| self.area_of_file(&c.repo, f)).collect()
        };
        areas.sort_unstable();
        areas.dedup();
        let change = is_change(c, &cx.window, cx.now).then(|| {
            let mut who: Vec<usize> = Vec::new();
            for sig in std::iter::once(&c.author).chain(&c.co_authors) {
                let key = (sig.login.clone(), sig.email.clone(), sig.name.clone());
                let (bot, person) = match self.signatures.get(&key) {
                    Some(known) => *known,
                    None => {
                        let bot = signature_is_bot(sig, &self.params.bots);
                        let answer = (bot, people.id(&person_of_signature(&cx.dir, sig)));
                        self.signatures.insert(key, answer);
                        answer
                    }
                };
                if !bot {
                    who.push(person);
                }
            }
            who.sort_unstable();
            who.dedup();
            let part = 1.0 / who.len() as f64;
            (who, part)
        });
        let part = CommitPart {
            areas,
            change: change.filter(|(who, _)| !who.is_empty()),
        };
        if self.commits.len() <= i {
            self.commits.resize(i + 1, CommitPart::default());
        }
        let old = std::mem::replace(&mut self.commits[i], part);
        let mut moved = Vec::new();
        if old == self.commits[i] {
            return moved;
        }
        if old.change.is_some() {
            for a in &old.areas {
                if let Some(p) = self.parts.get_mut(a) {
                    p.changes.remove(&i);
                }
                moved.push(*a);
            }
        }
        let new = &self.commits[i];
        if new.change.is_some() {
            for a in &new.areas {
                self.parts.entry(*a).or_default().changes.insert(i);
                moved.push(*a);
            }
        }
        moved
    }

    /// The areas the commit at `i` touches.
    pub(super) fn areas_of(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.commits
            .get(i)
            .into_iter()
            .flat_map(|c| c.areas.iter().copied())
    }

    /// Adds (or takes back) one qualifying review in the window by `who` on
    /// the pull request `k` with a commit in `area`.
    pub(super) fn review(&mut self, area: usize, who: usize, k: Key, add: bool) {
        let p = self.parts.entry(area).or_default();
        if add {
            p.reviewers.add(who);
            p.reviewed.add(k);
        } else {
            p.reviewers.remove(&who);
            p.reviewed.remove(&k);
        }
    }

    /// The name of an area id.
    pub(super) fn name(&self, area: usize) -> &str {
        self.names.name(area)
    }

    /// The coverage of one area; `None` when it has neither a change nor a
    /// reviewer (the full computation has no entry for it then).
    pub(super) fn one(
        &self,
        area: usize,
        inp: &Inputs,
        repos: &Names,
        people: &Names,
    ) -> Option<AreaKnowledge> {
        let p = self.parts.get(&area)?;
        if p.changes.is_empty() && p.reviewers.is_empty() {
            return None;
        }
        let mut shares: BTreeMap<&str, f64> = BTreeMap::new();
        for c in p.changes.iter().filter_map(|i| self.commits.get(*i)) {
            for (who, part) in c
                .change
                .iter()
                .flat_map(|(w, part)| w.iter().map(move |x| (*x, *part)))
            {
                *shares.entry(people.name(who)).or_default() += part;
            }
        }
        let commits = p
            .changes
            .iter()
            .filter_map(|i| inp.commits.get(*i))
            .map(|c| c.meta.source_id.clone())
            .collect();
        let mut reviewers: Vec<String> = p
            .reviewers
            .iter()
            .map(|(w, _)| people.name(*w).to_string())
            .collect();
        reviewers.sort();
        let mut reviewed: Vec<PrRef> = p
            .reviewed
            .iter()
            .map(|((repo, number), _)| PrRef {
                repo: repos.name(*repo).to_string(),
                number: *number,
            })
            .collect();
        reviewed.sort();
        Some(area_knowledge(
            self.name(area).to_string(),
            p.changes.len(),
            shares,
            commits,
            reviewers,
            reviewed,
        ))
    }

    /// Every area's coverage, by area name.
    pub(super) fn all(&self, inp: &Inputs, repos: &Names, people: &Names) -> Vec<AreaKnowledge> {
        let mut ids: Vec<usize> = self.parts.keys().copied().collect();
        ids.sort_by(|a, b| self.name(*a).cmp(self.name(*b)));
        ids.into_iter()
            .filter_map(|a| self.one(a, inp, repos, people))
            .collect()
    }
}
