//! The terminal cockpit (ratatui + crossterm).
//!
//! Owns: terminal set-up and restore, the action vocabulary, app state and
//! rendering. Must not: touch HTTP or the store; it is handed a
//! [`CockpitData`] and receives sync events over a channel.
//!
//! - [`tui`]: terminal guard, panic hook, SIGTERM/SIGHUP.
//! - [`action`], [`keymap`]: the action vocabulary and the keys bound to it.
//! - [`app`]: state and its pure transitions ([`App::update`]).
//! - [`render`], [`tabs`], [`help`]: drawing, from state, nothing else.
//! - [`theme`], [`text`]: semantic styles and width-aware text.
//! - [`run`]: the event loop ([`run_cockpit`]) and headless rendering.

pub mod action;
pub mod app;
pub mod help;
pub mod keymap;
pub mod render;
pub mod run;
pub mod tabs;
pub mod text;
pub mod theme;
pub mod tui;

pub use action::Action;
pub use app::{App, Intent, Tab};
pub use keymap::{Keymap, KeymapError};
pub use run::{render_app_to_string, render_to_string, run_cockpit, run_cockpit_with};
pub use theme::Theme;

use serde::{Deserialize, Serialize};

use crate::insight::Snapshot;
use crate::sync::SourceReport;

/// What the cockpit shows: the latest snapshot and the state of each source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CockpitData {
    /// Latest computed snapshot.
    pub snapshot: Snapshot,
    /// Last sync report of each source.
    pub sources: Vec<SourceReport>,
    /// Who is looking (cockpit name).
    pub viewer: String,
    /// Their role, for the status line (`engineer`, `engineering-manager`).
    pub role: String,
}
