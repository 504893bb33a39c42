//! The `:` command palette: every action and every tab, found by fuzzy
//! matching what is typed, run with `enter`.
//!
//! The entries are generated from [`Action::SIMPLE`] and [`Tab::ALL`], so a
//! new action is in the palette without anyone remembering to add it; the key
//! shown beside each entry comes from the keymap in force. Must not: run
//! actions itself ([`super::app::App`] does, after the palette closes).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

use super::action::Action;
use super::app::Tab;
use super::fuzzy::{Match, fuzzy};
use super::input::{Edit, LineInput};
use super::keymap::Keymap;
use super::text;
use super::theme::Theme;

/// One thing the palette can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What it runs.
    pub action: Action,
    /// What it says.
    pub label: String,
}

/// Every entry, in the order shown for an empty query: tabs, then actions
/// in help order (the palette itself left out).
pub fn entries() -> Vec<Entry> {
    let tabs = Tab::ALL.iter().enumerate().map(|(i, t)| Entry {
        action: Action::GoToTab(u8::try_from(i + 1).unwrap_or(u8::MAX)),
        label: format!("Go to tab: {}", t.title()),
    });
    let actions = Action::SIMPLE
        .into_iter()
        .filter(|a| *a != Action::Palette)
        .map(|a| Entry {
            action: a,
            label: a.description().to_string(),
        });
    tabs.chain(actions).collect()
}

/// What a keystroke did to the palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Still open.
    Open,
    /// Closed without running anything.
    Close,
    /// Closed; run this.
    Run(Action),
}

/// The palette's query and which match is chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Palette {
    input: LineInput,
    selected: usize,
}

impl Palette {
    /// The query line.
    pub fn input(&self) -> &LineInput {
        &self.input
    }

    /// Index of the chosen entry in [`Palette::matches`].
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The entries matching the query, best first (ties keep entry order),
    /// with the matched characters of their labels.
    pub fn matches(&self) -> Vec<(Entry, Match)> {
        let query = self.input.text();
        let spaced = query.replace('_', " ");
        let mut out: Vec<(usize, Entry, Match)> = entries()
            .into_iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let by_label = fuzzy(query, &e.label);
                // The keymap name (`page_down`) finds an entry too, with no highlight.
                let by_name = fuzzy(&spaced, &e.action.name().replace('_', " ")).map(|m| Match {
                    score: m.score - 1,
                    positions: Vec::new(),
                });
                let best = match (by_label, by_name) {
                    (Some(a), Some(b)) => Some(if b.score > a.score { b } else { a }),
                    (a, b) => a.or(b),
                };
                best.map(|m| (i, e, m))
            })
            .collect();
        out.sort_by(|a, b| b.2.score.cmp(&a.2.score).then(a.0.cmp(&b.0)));
        out.into_iter().map(|(_, e, m)| (e, m)).collect()
    }

    /// Applies a keystroke.
    pub fn edit(&mut self, edit: Edit) -> Outcome {
        match edit {
            Edit::Cancel => Outcome::Close,
            Edit::Submit => match self.matches().get(self.selected) {
                Some((e, _)) => Outcome::Run(e.action),
                None => Outcome::Close,
            },
            Edit::Prev | Edit::Next => {
                let n = self.matches().len();
                if n > 0 {
                    self.selected = if edit == Edit::Next {
                        (self.selected + 1) % n
                    } else {
                        (self.selected + n - 1) % n
                    };
                }
                Outcome::Open
            }
            _ => {
                if self.input.apply(edit) {
                    self.selected = 0;
                }
                Outcome::Open
            }
        }
    }
}

/// The label with its matched characters in the `match` style.
fn highlighted<'a>(
    label: &str,
    m: &Match,
    width: usize,
    base: ratatui::style::Style,
    theme: &Theme,
) -> Vec<Span<'a>> {
    let label = text::truncate(label, width);
    let mut spans: Vec<Span> = Vec::new();
    let mut run = String::new();
    let mut run_hit = false;
    for (i, c) in label.chars().enumerate() {
        let hit = m.positions.binary_search(&i).is_ok();
        if hit != run_hit && !run.is_empty() {
            let style = if run_hit {
                base.patch(theme.matched())
            } else {
                base
            };
            spans.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_hit = hit;
        run.push(c);
    }
    if !run.is_empty() {
        let style = if run_hit {
            base.patch(theme.matched())
        } else {
            base
        };
        spans.push(Span::styled(run, style));
    }
    spans
}

/// Draws the palette near the top of `area`; returns where the cursor goes.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    palette: &Palette,
    keymap: &Keymap,
    theme: &Theme,
) -> Option<(u16, u16)> {
    let matches = palette.matches();
    let want_w = 64u16.min(area.width.saturating_sub(4)).max(area.width.min(24));
    // Border (2) + query (1) + rule (1) + up to 12 entries.
    let want_h = (4 + matches.len().clamp(1, 12)) as u16;
    let rect = area.centered_horizontally(Constraint::Length(want_w.min(area.width)));
    let top = area.y + (area.height / 6).min(4);
    let rect = Rect::new(
        rect.x,
        top,
        rect.width,
        want_h.min(area.bottom().saturating_sub(top)),
    );
    if rect.width < 12 || rect.height < 4 {
        return None;
    }
    let block = Block::bordered()
        .border_style(theme.border())
        .style(theme.surface())
        .title(Span::styled(" Command ", theme.title()))
        .title_bottom(Line::styled(" enter run · esc close · ↑↓ choose ", theme.muted()).right_aligned())
        .padding(Padding::horizontal(1));
    let inner = block.inner(rect);
    let w = usize::from(inner.width);
    let query = palette.input().text();
    let shown_query = text::truncate(query, w.saturating_sub(2));
    let mut lines = vec![
        Line::from(vec![
            Span::styled(": ", theme.matched()),
            Span::styled(shown_query.clone(), theme.surface()),
        ]),
        Line::styled("─".repeat(w), theme.border()),
    ];
    let rows = usize::from(inner.height.saturating_sub(2));
    if matches.is_empty() {
        lines.push(Line::styled(
            text::truncate("no action matches", w),
            theme.muted(),
        ));
    }
    let sel = palette.selected().min(matches.len().saturating_sub(1));
    let start = (sel + 1).saturating_sub(rows);
    for (i, (entry, m)) in matches.iter().enumerate().skip(start).take(rows) {
        let key = keymap.key_for(entry.action).unwrap_or_default();
        let key_w = text::width(&key);
        let label_w = w.saturating_sub(key_w + 3);
        let base = if i == sel {
            theme.surface().patch(theme.selection())
        } else {
            theme.surface()
        };
        let marker = if i == sel { "▶ " } else { "  " };
        let mut spans = vec![Span::styled(marker, base)];
        spans.extend(highlighted(&entry.label, m, label_w, base, theme));
        let used = 2 + text::width(&text::truncate(&entry.label, label_w));
        let gap = w.saturating_sub(used + key_w);
        spans.push(Span::styled(" ".repeat(gap), base));
        spans.push(Span::styled(key, base.patch(theme.accent())));
        lines.push(Line::from(spans));
    }
    super::tabs::clear_for_overlay(frame, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    let col = (2 + text::width(&shown_query)).min(w.saturating_sub(1));
    Some((inner.x + col as u16, inner.y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(q: &str) -> Palette {
        let mut p = Palette::default();
        for c in q.chars() {
            p.edit(Edit::Insert(c));
        }
        p
    }

    #[test]
    fn every_action_and_tab_is_an_entry() {
        let e = entries();
        for a in Action::SIMPLE.into_iter().filter(|a| *a != Action::Palette) {
            assert!(e.iter().any(|x| x.action == a), "{a:?}");
        }
        for n in 1..=Tab::ALL.len() as u8 {
            assert!(e.iter().any(|x| x.action == Action::GoToTab(n)));
        }
    }

    #[test]
    fn fuzzy_query_finds_the_best_entry_first() {
        let first = |q: &str| typed(q).matches().first().map(|(e, _)| e.action);
        assert_eq!(first("sprint"), Some(Action::GoToTab(3)));
        assert_eq!(first("meet"), Some(Action::GoToTab(4)));
        assert_eq!(first("copilot"), Some(Action::GoToTab(8)));
        assert_eq!(first("pulse"), Some(Action::GoToTab(5)));
        assert_eq!(first("live standup"), Some(Action::LiveStandup));
        assert_eq!(first("post"), Some(Action::PostStandup));
        assert_eq!(first("expl"), Some(Action::Explain));
        assert_eq!(first("quit"), Some(Action::Quit));
        assert_eq!(first("sync now"), Some(Action::Sync));
        assert_eq!(first("page_down"), Some(Action::PageDown));
        assert_eq!(first("zzzz"), None);
    }

    #[test]
    fn keys_choose_and_run() {
        let mut p = typed("tab");
        assert_eq!(p.edit(Edit::Next), Outcome::Open);
        let second = p.matches()[1].0.action;
        assert_eq!(p.edit(Edit::Submit), Outcome::Run(second));
        let mut p = typed("zzzz");
        assert_eq!(p.edit(Edit::Next), Outcome::Open);
        assert_eq!(p.edit(Edit::Submit), Outcome::Close);
        assert_eq!(Palette::default().edit(Edit::Cancel), Outcome::Close);
        let mut p = typed("x");
        p.edit(Edit::Prev);
        p.edit(Edit::Backspace);
        assert_eq!(p.selected(), 0, "typing starts the choice over");
    }
}
