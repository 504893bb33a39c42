//! The issue family's cache: sprint health, burndowns, workload, blockers,
//! documentation, velocity and sprint triage.
//!
//! Owns: keeping those fields of the snapshot equal to a full computation
//! after a delta. Must not: define metrics (they live in `analytics::*`).

use super::Delta;
use crate::commands::snapshot::{Context, Inputs, IssueFigures, issue_figures};
use crate::insight::Snapshot;

/// What the issue family keeps between computations.
pub(crate) struct IssueCache;

impl IssueCache {
    /// The family computed from scratch, and its cache.
    pub(crate) fn build(inp: &Inputs, cx: &Context) -> (IssueCache, IssueFigures) {
        (IssueCache, issue_figures(inp, cx))
    }

    /// Brings the family's figures in `snap` up to date after `delta` was
    /// applied to `inp`.
    pub(crate) fn update(&mut self, inp: &Inputs, cx: &Context, _delta: &Delta, snap: &mut Snapshot) {
        issue_figures(inp, cx).put(snap);
    }
}
