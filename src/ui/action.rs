//! The one action vocabulary of the cockpit.
//!
//! Keys map to actions (see [`super::keymap`]); [`super::app::App::update`]
//! applies them. Actions are plain data, deserialisable in snake_case so the
//! keymap TOML binds keys to action names (`q = "quit"`, `"3" = { go_to_tab = 3 }`).

use serde::{Deserialize, Serialize};

/// Everything a key can ask the cockpit to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Leave the cockpit and restore the terminal.
    Quit,
    /// Show the next tab, wrapping after the last.
    NextTab,
    /// Show the previous tab, wrapping before the first.
    PrevTab,
    /// Show tab number n (1-based); numbers past the last tab do nothing.
    GoToTab(u8),
    /// Move the selection up one row.
    Up,
    /// Move the selection down one row.
    Down,
    /// Move the selection to the first row.
    Top,
    /// Move the selection to the last row.
    Bottom,
    /// Open or close the detail pane for the selected row.
    #[serde(alias = "explain")]
    Open,
    /// Show or hide the help overlay.
    Help,
    /// Ask for a sync of every source.
    Sync,
    /// Close the help overlay or the detail pane.
    Back,
}

impl Action {
    /// One line for the help overlay (the same words as the variant's doc).
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "Quit",
            Action::NextTab => "Next tab",
            Action::PrevTab => "Previous tab",
            Action::GoToTab(_) => "Go to tab by number",
            Action::Up => "Move up",
            Action::Down => "Move down",
            Action::Top => "Go to the first row",
            Action::Bottom => "Go to the last row",
            Action::Open => "Open or close the detail of the selected row",
            Action::Help => "Show or hide this help",
            Action::Sync => "Sync all sources now",
            Action::Back => "Close the overlay or detail",
        }
    }

    /// Position in the help overlay: navigation first, then panes, then the rest.
    pub fn help_rank(self) -> u16 {
        match self {
            Action::NextTab => 0,
            Action::PrevTab => 1,
            Action::GoToTab(n) => 2 + u16::from(n),
            Action::Up => 300,
            Action::Down => 301,
            Action::Top => 302,
            Action::Bottom => 303,
            Action::Open => 304,
            Action::Back => 305,
            Action::Sync => 306,
            Action::Help => 307,
            Action::Quit => 308,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case() {
        #[derive(Deserialize)]
        struct W {
            a: Action,
        }
        let w: W = toml::from_str("a = \"next_tab\"").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(w.a, Action::NextTab);
        let w: W = toml::from_str("a = { go_to_tab = 3 }").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(w.a, Action::GoToTab(3));
        let w: W = toml::from_str("a = \"explain\"").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(w.a, Action::Open);
    }
}
