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
//! Each family keeps its own cache (`issues.rs`, `flows.rs`, `meetings.rs`)
//! and is handed the [`Delta`]: the position of every changed record and the
//! version it replaced, so a cache can take back what the old version
//! contributed and add what the new one does.
//!
//! Owns: the cache and its invalidation. Must not: do I/O or define metrics.

use jiff::Timestamp;
use rustc_hash::FxHashMap;

use super::{Context, Inputs, PulseParts, decision_figures, finish};
use crate::config::Config;
use crate::insight::{KindCount, Snapshot};
use crate::model::{
    Commit, Meeting, Message, Page, PullRequest, Record, RecordKind, Review, Source, Sprint, Transcript,
    WorkItem,
};

mod flows;
mod issues;
mod meetings;

pub(crate) use issues::issue_family;

/// One changed record: its position in its list of [`Inputs`] and the
/// version it replaced (`None` when it is new).
#[derive(Debug, Clone)]
pub(crate) struct Change<T> {
    /// Position of the new version in its list of [`Inputs`].
    pub(crate) at: usize,
    /// The version it replaced, if any.
    pub(crate) old: Option<T>,
}

/// Every record changed since the last snapshot, by kind, in the order the
/// changes were applied (a record changed twice appears twice; its first
/// `old` is the version the caches saw).
#[derive(Debug, Clone, Default)]
pub(crate) struct Delta {
    pub(crate) sprints: Vec<Change<Sprint>>,
    pub(crate) items: Vec<Change<WorkItem>>,
    pub(crate) meetings: Vec<Change<Meeting>>,
    pub(crate) prs: Vec<Change<PullRequest>>,
    pub(crate) reviews: Vec<Change<Review>>,
    pub(crate) commits: Vec<Change<Commit>>,
    pub(crate) messages: Vec<Change<Message>>,
    pub(crate) pages: Vec<Change<Page>>,
    pub(crate) transcripts: Vec<Change<Transcript>>,
}

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
    /// Changes since the last snapshot.
    delta: Delta,
    /// Each family's cache, built with the last full computation.
    caches: Option<Caches>,
}

/// The families' caches.
struct Caches {
    issues: issues::IssueCache,
    flows: flows::FlowCache,
    meetings: meetings::MeetingCache,
}

fn key_of(r: &Record) -> (RecordKind, Source, String) {
    let m = r.meta();
    (r.kind(), m.source, m.source_id.clone())
}

/// Replaces the record at `at` of a list, or appends it; notes the change.
fn upsert<T>(list: &mut Vec<T>, at: Option<usize>, value: T, changes: &mut Vec<Change<T>>) -> usize {
    match at.filter(|i| *i < list.len()) {
        Some(i) => {
            let old = std::mem::replace(&mut list[i], value);
            changes.push(Change {
                at: i,
                old: Some(old),
            });
            i
        }
        None => {
            list.push(value);
            let at = list.len() - 1;
            changes.push(Change { at, old: None });
            at
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
            delta: Delta::default(),
            caches: None,
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
            let d = &mut self.delta;
            let pos = match rec {
                Record::Sprint(x) => upsert(&mut inp.sprints, at, x, &mut d.sprints),
                Record::WorkItem(x) => upsert(&mut inp.items, at, x, &mut d.items),
                Record::Meeting(x) => upsert(&mut inp.meetings, at, x, &mut d.meetings),
                Record::PullRequest(x) => upsert(&mut inp.prs, at, x, &mut d.prs),
                Record::Review(x) => upsert(&mut inp.reviews, at, x, &mut d.reviews),
                Record::Commit(x) => upsert(&mut inp.commits, at, x, &mut d.commits),
                Record::Message(x) => upsert(&mut inp.messages, at, x, &mut d.messages),
                Record::Page(x) => upsert(&mut inp.pages, at, x, &mut d.pages),
                Record::Transcript(x) => upsert(&mut inp.transcripts, at, x, &mut d.transcripts),
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
        // The caches were built under the old configuration.
        self.caches = None;
    }

    /// The snapshot as of `now`: the stale families brought up to date
    /// from their caches and the delta, the others reused, cards
    /// re-assembled. The first call, a new `now` or a new configuration
    /// computes everything and rebuilds the caches.
    pub fn snapshot(&mut self, now: Timestamp) -> &Snapshot {
        let stale = std::mem::take(&mut self.stale);
        let delta = std::mem::take(&mut self.delta);
        let snap = match (self.last.take(), self.caches.as_mut()) {
            (Some(mut snap), Some(caches)) if snap.as_of == now => {
                let inp = &self.inputs;
                let cx = Context::new(inp, &self.cfg, now);
                if stale.issues {
                    caches.issues.update(inp, &cx, &delta, &mut snap);
                }
                if stale.flows {
                    caches.flows.update(inp, &cx, &delta, &mut snap);
                }
                if stale.meetings {
                    caches.meetings.update(inp, &cx, &delta, &mut snap);
                }
                // Decisions read meetings only through transcripts naming
                // them: unchanged when no transcript changed or names a
                // changed meeting.
                if stale.decisions && (!delta.transcripts.is_empty() || meetings::feed_decisions(inp, &delta))
                {
                    snap.decisions = decision_figures(inp, &cx);
                }
                // The caches keep their own parts of the pulse.
                finish(&mut snap, inp, PulseParts::NONE);
                snap
            }
            _ => {
                let (snap, caches) = full(&self.inputs, &self.cfg, now);
                self.caches = Some(caches);
                snap
            }
        };
        self.last.insert(snap)
    }
}

/// Every family computed from scratch with its cache (the issue family on
/// this thread, the others on a scoped second one, as [`super::compute`]).
fn full(inp: &Inputs, cfg: &Config, now: Timestamp) -> (Snapshot, Caches) {
    let cx = Context::new(inp, cfg, now);
    let ((issue_cache, issue_figs), ((flow_cache, flow_figs), (meeting_cache, meeting_figs), found)) =
        std::thread::scope(|scope| {
            let other = scope.spawn(|| {
                (
                    flows::FlowCache::build(inp, &cx),
                    meetings::MeetingCache::build(inp, &cx),
                    decision_figures(inp, &cx),
                )
            });
            let issues = issues::IssueCache::build(inp, &cx);
            match other.join() {
                Ok(rest) => (issues, rest),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
    let snap = super::assemble(inp, cfg, now, issue_figs, flow_figs, meeting_figs, found);
    (
        snap,
        Caches {
            issues: issue_cache,
            flows: flow_cache,
            meetings: meeting_cache,
        },
    )
}
