//! Incremental recompute: after a sync delivers a delta of records, only the
//! families of figures those records feed are computed again; the others are
//! reused from the previous computation, then everything is re-assembled.
//!
//! Families and what feeds them (see the parent module):
//! - issue figures (sprint health, burndown, workload, blockers, docs,
//!   velocity): sprints, issues, messages, pages;
//! - flow figures (flow, knowledge): pull requests, reviews, commits;
//! - meeting figures (meeting load, focus): meetings;
//! - decisions: transcripts and meetings.
//!
//! Pulse and cards read across families and are always re-assembled (they
//! are cheap). A change of clock (`now`) or configuration recomputes every
//! family. The result equals [`super::compute`] over the same records
//! (`tests/props_incremental.rs` checks it on random deltas).
//!
//! Owns: the cache and its invalidation. Must not: do I/O or define metrics.

use jiff::Timestamp;
use rustc_hash::FxHashMap;

use super::{
    Context, Inputs, PulseParts, decision_figures, finish, flow_figures, issue_figures, meeting_figures,
};
use crate::config::Config;
use crate::insight::{KindCount, Snapshot};
use crate::model::{Record, RecordKind, Source};

/// Which families a delta made stale.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Stale {
    issues: bool,
    flows: bool,
    meetings: bool,
    decisions: bool,
}

impl Stale {
    const ALL: Stale = Stale {
        issues: true,
        flows: true,
        meetings: true,
        decisions: true,
    };

    fn mark(&mut self, kind: RecordKind) {
        match kind {
            RecordKind::Sprint | RecordKind::WorkItem | RecordKind::Message | RecordKind::Page => {
                self.issues = true;
            }
            RecordKind::PullRequest | RecordKind::Review | RecordKind::Commit => self.flows = true,
            RecordKind::Meeting => {
                self.meetings = true;
                self.decisions = true;
            }
            RecordKind::Transcript => self.decisions = true,
            RecordKind::Person => {}
        }
    }
}

/// The records, the figures computed from them last time, and which of
/// those figures a delta has made stale.
pub struct IncrementalSnapshot {
    inputs: Inputs,
    cfg: Config,
    /// Position of each record in its list of `inputs`, by kind, source and
    /// source id (the store's identity of a record).
    index: FxHashMap<(RecordKind, Source, String), usize>,
    /// The last snapshot computed; `None` until the first.
    last: Option<Snapshot>,
    stale: Stale,
}

fn key_of(r: &Record) -> (RecordKind, Source, String) {
    let m = r.meta();
    (r.kind(), m.source, m.source_id.clone())
}

/// Replaces the record at `at` of a list, or appends it; returns its position.
fn upsert<T>(list: &mut Vec<T>, at: Option<usize>, value: T) -> usize {
    match at.filter(|i| *i < list.len()) {
        Some(i) => {
            list[i] = value;
            i
        }
        None => {
            list.push(value);
            list.len() - 1
        }
    }
}

impl IncrementalSnapshot {
    /// Starts from every record (as [`super::load_inputs`] reads them) and
    /// the configuration; nothing is computed until [`Self::snapshot`].
    pub fn new(inputs: Inputs, cfg: Config) -> IncrementalSnapshot {
        let mut index = FxHashMap::default();
        let mut put = |kind: RecordKind, metas: Vec<&crate::model::RecordMeta>| {
            for (i, m) in metas.into_iter().enumerate() {
                index.insert((kind, m.source, m.source_id.clone()), i);
            }
        };
        put(
            RecordKind::Sprint,
            inputs.sprints.iter().map(|x| &x.meta).collect(),
        );
        put(
            RecordKind::WorkItem,
            inputs.items.iter().map(|x| &x.meta).collect(),
        );
        put(
            RecordKind::Meeting,
            inputs.meetings.iter().map(|x| &x.meta).collect(),
        );
        put(
            RecordKind::PullRequest,
            inputs.prs.iter().map(|x| &x.meta).collect(),
        );
        put(
            RecordKind::Review,
            inputs.reviews.iter().map(|x| &x.meta).collect(),
        );
        put(
            RecordKind::Commit,
            inputs.commits.iter().map(|x| &x.meta).collect(),
        );
        put(
            RecordKind::Message,
            inputs.messages.iter().map(|x| &x.meta).collect(),
        );
        put(RecordKind::Page, inputs.pages.iter().map(|x| &x.meta).collect());
        put(
            RecordKind::Transcript,
            inputs.transcripts.iter().map(|x| &x.meta).collect(),
        );
        IncrementalSnapshot {
            inputs,
            cfg,
            index,
            last: None,
            stale: Stale::ALL,
        }
    }

    /// The records as they stand after every delta applied.
    pub fn inputs(&self) -> &Inputs {
        &self.inputs
    }

    /// Applies a delta: each record replaces the one with the same kind,
    /// source and source id, or is added (and counted in `counts`). Marks
    /// the families it feeds stale.
    pub fn apply(&mut self, delta: impl IntoIterator<Item = Record>) {
        for rec in delta {
            let key = key_of(&rec);
            let kind = key.0;
            let at = self.index.get(&key).copied();
            let inp = &mut self.inputs;
            let pos = match rec {
                Record::Sprint(x) => upsert(&mut inp.sprints, at, x),
                Record::WorkItem(x) => upsert(&mut inp.items, at, x),
                Record::Meeting(x) => upsert(&mut inp.meetings, at, x),
                Record::PullRequest(x) => upsert(&mut inp.prs, at, x),
                Record::Review(x) => upsert(&mut inp.reviews, at, x),
                Record::Commit(x) => upsert(&mut inp.commits, at, x),
                Record::Message(x) => upsert(&mut inp.messages, at, x),
                Record::Page(x) => upsert(&mut inp.pages, at, x),
                Record::Transcript(x) => upsert(&mut inp.transcripts, at, x),
                Record::Person(_) => 0,
            };
            if at.is_none() {
                let name = kind.as_str();
                match inp.counts.iter_mut().find(|c| c.kind == name) {
                    Some(c) => c.count += 1,
                    None => inp.counts.push(KindCount {
                        kind: name.to_string(),
                        count: 1,
                    }),
                }
                if kind != RecordKind::Person {
                    self.index.insert(key, pos);
                }
            }
            self.stale.mark(kind);
        }
    }

    /// Replaces the configuration (every family becomes stale).
    pub fn set_config(&mut self, cfg: Config) {
        self.cfg = cfg;
        self.stale = Stale::ALL;
    }

    /// The snapshot as of `now`: the stale families computed again, the
    /// others reused, pulse and cards re-assembled. The first call, a new
    /// `now` or a new configuration computes everything ([`super::compute`]).
    pub fn snapshot(&mut self, now: Timestamp) -> &Snapshot {
        let inp = &self.inputs;
        let stale = self.stale;
        self.stale = Stale::default();
        let snap = match self.last.take() {
            Some(mut snap) if snap.as_of == now && stale != Stale::ALL => {
                let cx = Context::new(inp, &self.cfg, now);
                if stale.issues {
                    issue_figures(inp, &cx).put(&mut snap);
                }
                if stale.flows {
                    flow_figures(inp, &cx).put(&mut snap);
                }
                if stale.meetings {
                    meeting_figures(inp, &cx).put(&mut snap);
                }
                if stale.decisions {
                    snap.decisions = decision_figures(inp, &cx);
                }
                let parts = PulseParts {
                    flow: stale.flows,
                    weeks: stale.meetings,
                };
                finish(&mut snap, inp, parts);
                snap
            }
            _ => super::compute(inp, &self.cfg, now),
        };
        self.last.insert(snap)
    }
}
