//! The `?` overlay: every key binding and what it does.
//!
//! Generated from the [`Keymap`], never written by hand, so it cannot drift
//! from the keys that actually work. Must not: hold state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::action::Action;
use super::keymap::Keymap;
use super::text;
use super::theme::Theme;

/// Draws the overlay centred in `area`.
pub fn render(frame: &mut Frame, area: Rect, keymap: &Keymap, theme: &Theme) {
    let rows = keymap.help_rows();
    let key_w = rows.iter().map(|r| text::width(&r.keys)).max().unwrap_or(0);
    let desc_w = rows.iter().map(|r| text::width(&r.desc)).max().unwrap_or(0);
    // Borders (2) + padding (2) + gap (2).
    let want_w = (key_w + desc_w + 6) as u16;
    let want_h = rows.len() as u16 + 2;
    let rect = area.centered(
        Constraint::Length(want_w.min(area.width)),
        Constraint::Length(want_h.min(area.height)),
    );
    if rect.width < 3 || rect.height < 3 {
        return;
    }
    let inner_w = usize::from(rect.width.saturating_sub(4));
    let key_col = key_w.min(inner_w / 2);
    let desc_col = inner_w.saturating_sub(key_col + 2);
    let lines: Vec<Line> = rows
        .iter()
        .map(|r| {
            Line::from(vec![
                Span::styled(text::pad(&r.keys, key_col), theme.accent()),
                Span::raw("  "),
                Span::styled(text::truncate(&r.desc, desc_col), theme.text()),
            ])
        })
        .collect();
    let close = [Action::Back, Action::Help]
        .into_iter()
        .filter_map(|a| keymap.key_for(a))
        .collect::<Vec<_>>()
        .join("/");
    let mut block = Block::bordered()
        .border_style(theme.border())
        .title(Span::styled(" Keys ", theme.accent()));
    if !close.is_empty() {
        block = block.title_bottom(Line::styled(format!(" {close} close "), theme.muted()).right_aligned());
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(block.padding(ratatui::widgets::Padding::horizontal(1))),
        rect,
    );
}
