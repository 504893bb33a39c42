//! The terminal cockpit (ratatui + crossterm).
//!
//! Owns: terminal set-up and restore, the action vocabulary, app state and
//! rendering. Must not: touch HTTP or the store; it is handed a
//! [`CockpitData`] (and the viewer's [`crate::access::Access`] and stored
//! triage marks) and receives sync events and fresh data over a channel
//! ([`CockpitEvent`]), and asks for syncs, triage marks to store and audit
//! records to write with [`Intent`]s (a clipboard copy it writes itself, as
//! an OSC 52 escape to the terminal).
//!
//! - [`tui`]: terminal guard, panic hook, SIGTERM/SIGHUP.
//! - [`action`], [`keymap`], [`input`]: the action vocabulary, the keys bound
//!   to it, and the keys of a text prompt.
//! - [`app`], [`view`]: state and its pure transitions ([`App::update`]),
//!   each tab's rows and filter.
//! - [`render`], [`tabs`], [`help`], [`palette`], [`explain`]: drawing, from
//!   state, nothing else.
//! - [`theme`], [`text`], [`fuzzy`]: semantic styles, width-aware text, matching.
//! - [`settings`]: the user's keymap and themes, `NO_COLOR`, colour depth.
//! - [`run`]: the event loop ([`Cockpit`], [`run_cockpit`]) and headless rendering.

pub mod action;
pub mod app;
pub mod explain;
pub mod fuzzy;
pub mod help;
pub mod input;
pub mod keymap;
pub mod palette;
pub mod render;
pub mod run;
pub mod settings;
pub mod tabs;
pub mod text;
pub mod theme;
pub mod tui;
pub mod view;

pub use action::Action;
pub use app::{App, CockpitEvent, Intent, Overlay, StandupData, Tab};
pub use keymap::{Keymap, KeymapError};
pub use run::{Cockpit, render_app_to_string, render_to_string, run_cockpit, run_cockpit_with};
pub use settings::UiSettings;
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
    /// The Standup tab's standup (none when the caller has no activity to
    /// compute it from).
    #[serde(default)]
    pub standup: Option<StandupData>,
}
