//! The one action vocabulary of the cockpit.
//!
//! Keys map to actions (see [`super::keymap`]); [`super::app::App::update`]
//! applies them, and the `:` palette lists them. Actions are plain data,
//! deserialisable in snake_case so the keymap TOML binds keys to action names
//! (`q = "quit"`, `"3" = { go_to_tab = 3 }`).

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
    /// Move the selection up one page.
    PageUp,
    /// Move the selection down one page.
    PageDown,
    /// Move the selection to the first row.
    Top,
    /// Move the selection to the last row.
    Bottom,
    /// Open or close the detail pane for the selected row.
    Open,
    /// Explain the selected number: definition, time window, items behind it.
    Explain,
    /// Filter the current tab's list (type to narrow; esc clears).
    Filter,
    /// Open the command palette (fuzzy search over every action and tab).
    Palette,
    /// Show or hide the help overlay.
    Help,
    /// Ask for a sync of every source.
    Sync,
    /// Close the overlay or detail, or clear the filter.
    Back,
    /// Show the Sprint tab's triage list, or back to its velocity.
    Triage,
    /// Cycle the triage list's order (reasons, idle, size, key).
    Sort,
    /// Triage: keep the selected issue in the sprint (again: undecide).
    MarkKeep,
    /// Triage: move the selected issue to the next sprint (again: undecide).
    MarkMove,
    /// Triage: split the selected issue (again: undecide).
    MarkSplit,
    /// Triage: the selected issue needs an owner (again: undecide).
    MarkOwner,
    /// Triage: write a note on the selected issue.
    Note,
    /// Copy the triage summary as Markdown (OSC 52, works over SSH).
    Copy,
    /// Start or end the live standup (Standup tab).
    LiveStandup,
    /// Live standup: the next person (else: move down).
    NextPerson,
    /// Live standup: the previous person (else: move up).
    PrevPerson,
    /// Flag (or unflag) a blocker for the person speaking or selected; stored sealed.
    FlagBlocker,
    /// Switch the live standup's order between config order and shuffled.
    ShuffleOrder,
    /// Draft the standup text of the selected person (the speaker, live).
    Draft,
    /// Draft the team's standup text.
    DraftTeam,
    /// Post the team standup to Slack, after showing exactly what will be posted.
    PostStandup,
    /// Ask the copilot a question (Copilot tab; keys then type the question).
    Ask,
}

impl Action {
    /// Every action without a parameter, in help order; with
    /// [`Action::GoToTab`] these are all there are.
    pub const SIMPLE: [Action; 33] = [
        Action::NextTab,
        Action::PrevTab,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::Explain,
        Action::Filter,
        Action::Back,
        Action::Sync,
        Action::Palette,
        Action::Help,
        Action::Quit,
        Action::LiveStandup,
        Action::NextPerson,
        Action::PrevPerson,
        Action::FlagBlocker,
        Action::ShuffleOrder,
        Action::Draft,
        Action::DraftTeam,
        Action::PostStandup,
        Action::Ask,
        Action::Triage,
        Action::Sort,
        Action::MarkKeep,
        Action::MarkMove,
        Action::MarkSplit,
        Action::MarkOwner,
        Action::Note,
        Action::Copy,
    ];

    /// One line for the help overlay and the palette (the variant's doc, short).
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "Quit",
            Action::NextTab => "Next tab",
            Action::PrevTab => "Previous tab",
            Action::GoToTab(_) => "Go to tab by number",
            Action::Up => "Move up",
            Action::Down => "Move down",
            Action::PageUp => "Move up one page",
            Action::PageDown => "Move down one page",
            Action::Top => "Go to the first row",
            Action::Bottom => "Go to the last row",
            Action::Open => "Open or close the detail of the selected row",
            Action::Explain => "Explain the selected number",
            Action::Filter => "Filter the list",
            Action::Palette => "Command palette",
            Action::Help => "Show or hide this help",
            Action::Sync => "Sync all sources now",
            Action::Back => "Close the overlay or detail, clear the filter",
            Action::Triage => "Triage list of at-risk issues (again: velocity)",
            Action::Sort => "Triage: cycle the order",
            Action::MarkKeep => "Triage: keep in the sprint",
            Action::MarkMove => "Triage: move to the next sprint",
            Action::MarkSplit => "Triage: split",
            Action::MarkOwner => "Triage: needs an owner",
            Action::Note => "Triage: write a note",
            Action::Copy => "Copy the triage summary (Markdown)",
            Action::LiveStandup => "Start or end the live standup",
            Action::NextPerson => "Live standup: next person",
            Action::PrevPerson => "Live standup: previous person",
            Action::FlagBlocker => "Flag or unflag a blocker for the person",
            Action::ShuffleOrder => "Standup order: config or shuffled",
            Action::Draft => "Draft the selected person's standup",
            Action::DraftTeam => "Draft the team standup",
            Action::PostStandup => "Post the team standup to Slack",
            Action::Ask => "Ask the copilot a question",
        }
    }

    /// The snake_case name used in keymap files (`go_to_tab` for every tab).
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::NextTab => "next_tab",
            Action::PrevTab => "prev_tab",
            Action::GoToTab(_) => "go_to_tab",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Open => "open",
            Action::Explain => "explain",
            Action::Filter => "filter",
            Action::Palette => "palette",
            Action::Help => "help",
            Action::Sync => "sync",
            Action::Back => "back",
            Action::Triage => "triage",
            Action::Sort => "sort",
            Action::MarkKeep => "mark_keep",
            Action::MarkMove => "mark_move",
            Action::MarkSplit => "mark_split",
            Action::MarkOwner => "mark_owner",
            Action::Note => "note",
            Action::Copy => "copy",
            Action::LiveStandup => "live_standup",
            Action::NextPerson => "next_person",
            Action::PrevPerson => "prev_person",
            Action::FlagBlocker => "flag_blocker",
            Action::ShuffleOrder => "shuffle_order",
            Action::Draft => "draft",
            Action::DraftTeam => "draft_team",
            Action::PostStandup => "post_standup",
            Action::Ask => "ask",
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
            Action::PageUp => 302,
            Action::PageDown => 303,
            Action::Top => 304,
            Action::Bottom => 305,
            Action::Open => 306,
            Action::Explain => 307,
            Action::Filter => 308,
            Action::Back => 309,
            Action::Sync => 310,
            Action::Palette => 311,
            Action::Help => 312,
            Action::Quit => 313,
            Action::Triage => 600,
            Action::Sort => 601,
            Action::MarkKeep => 602,
            Action::MarkMove => 603,
            Action::MarkSplit => 604,
            Action::MarkOwner => 605,
            Action::Note => 606,
            Action::Copy => 607,
            // Tab-specific keys come last, in tab order (Standup and Copilot,
            // then the Sprint tab's triage): a short screen cuts them first.
            Action::LiveStandup => 400,
            Action::NextPerson => 401,
            Action::PrevPerson => 402,
            Action::FlagBlocker => 403,
            Action::ShuffleOrder => 404,
            Action::Draft => 405,
            Action::DraftTeam => 406,
            Action::PostStandup => 407,
            Action::Ask => 408,
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
        for a in Action::SIMPLE {
            let w: W = toml::from_str(&format!("a = \"{}\"", a.name())).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(w.a, a);
        }
    }

    #[test]
    fn simple_lists_every_action_once_in_help_order() {
        let ranks: Vec<u16> = Action::SIMPLE.iter().map(|a| a.help_rank()).collect();
        let sorted = {
            let mut r = ranks.clone();
            r.sort_unstable();
            r.dedup();
            r
        };
        assert_eq!(ranks, sorted, "SIMPLE is in help order, without repeats");
        // A new variant breaks this match: add it here and to SIMPLE.
        for a in Action::SIMPLE {
            match a {
                Action::Quit
                | Action::NextTab
                | Action::PrevTab
                | Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom
                | Action::Open
                | Action::Explain
                | Action::Filter
                | Action::Palette
                | Action::Help
                | Action::Sync
                | Action::Back
                | Action::Triage
                | Action::Sort
                | Action::MarkKeep
                | Action::MarkMove
                | Action::MarkSplit
                | Action::MarkOwner
                | Action::Note
                | Action::Copy => {}
                Action::LiveStandup
                | Action::NextPerson
                | Action::PrevPerson
                | Action::FlagBlocker
                | Action::ShuffleOrder
                | Action::Draft
                | Action::DraftTeam
                | Action::PostStandup
                | Action::Ask => {}
                Action::GoToTab(_) => panic!("go_to_tab takes a parameter"),
            }
        }
    }
}
