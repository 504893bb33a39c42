//! Analytics: pure functions from records (and a calendar, a window, a clock)
//! to metrics, each with the items behind it.
//!
//! Owns: metric definitions. Must not: do I/O, read the store, know providers'
//! wire formats or anything of the UI. Every public function documents the
//! definition it follows and its units.

pub mod blockers;
pub mod burndown;
pub mod calendar;
pub mod decisions;
pub mod docs;
pub mod flow;
pub mod focus;
pub mod knowledge;
pub mod meetings;
pub mod pulse;
pub(crate) mod recycle;
pub mod sprint;
pub mod triage;
pub mod velocity;
pub mod workload;
