//! The meeting family's cache: meeting load, focus time and fragmentation
//! per person and week, and the part of the pulse they feed.
//!
//! Owns: keeping `Snapshot::person_weeks`, `Snapshot::meeting_load` and
//! `pulse.weeks` equal to a full computation after a delta. Must not: define
//! metrics (they live in `analytics::meetings` and `analytics::focus`).

use super::Delta;
use crate::commands::snapshot::{
    Context, Inputs, MeetingFigures, PulseParts, meeting_figures, refresh_pulse,
};
use crate::insight::Snapshot;

/// What the meeting family keeps between computations.
pub(crate) struct MeetingCache;

impl MeetingCache {
    /// The family computed from scratch, and its cache.
    pub(crate) fn build(inp: &Inputs, cx: &Context) -> (MeetingCache, MeetingFigures) {
        (MeetingCache, meeting_figures(inp, cx))
    }

    /// Brings the family's figures in `snap` (and their pulse part) up to
    /// date after `delta` was applied to `inp`.
    pub(crate) fn update(&mut self, inp: &Inputs, cx: &Context, _delta: &Delta, snap: &mut Snapshot) {
        meeting_figures(inp, cx).put(snap);
        refresh_pulse(
            snap,
            PulseParts {
                flow: false,
                weeks: true,
            },
        );
    }
}
