//! The flow family's cache: pull-request flow and knowledge coverage, and
//! the parts of the pulse they feed.
//!
//! Owns: keeping `Snapshot::flow`, `Snapshot::knowledge`, `pulse.flow` and
//! `pulse.areas` equal to a full computation after a delta. Must not: define
//! metrics (they live in `analytics::flow` and `analytics::knowledge`).

use super::Delta;
use crate::commands::snapshot::{Context, FlowFigures, Inputs, PulseParts, flow_figures, refresh_pulse};
use crate::insight::Snapshot;

/// What the flow family keeps between computations.
pub(crate) struct FlowCache;

impl FlowCache {
    /// The family computed from scratch, and its cache.
    pub(crate) fn build(inp: &Inputs, cx: &Context) -> (FlowCache, FlowFigures) {
        (FlowCache, flow_figures(inp, cx))
    }

    /// Brings the family's figures in `snap` (and their pulse parts) up to
    /// date after `delta` was applied to `inp`.
    pub(crate) fn update(&mut self, inp: &Inputs, cx: &Context, _delta: &Delta, snap: &mut Snapshot) {
        flow_figures(inp, cx).put(snap);
        refresh_pulse(
            snap,
            PulseParts {
                flow: true,
                weeks: false,
            },
        );
    }
}
