//! The `?` overlay: every key binding and what it does.
//!
//! Generated from the [`Keymap`], never written by hand, so it cannot drift
//! from the keys that actually work. Must not: hold state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::action::Action;
use super::keymap::{HelpRow, Keymap};
use super::text;
use super::theme::Theme;

/// Keys of the palette and the filter prompt (fixed, like a shell's).
pub const PROMPT_KEYS: &str = "enter, esc, up/down";
/// What they do.
pub const PROMPT_DESC: &str = "In a prompt: keep/run, clear/close, choose";

/// Draws the overlay centred in `area`.
pub fn render(frame: &mut Frame, area: Rect, keymap: &Keymap, theme: &Theme) {
    let mut rows = keymap.help_rows();
    // Prompt keys are fixed (see `input`), so they are listed as such.
    rows.push(HelpRow {
        keys: PROMPT_KEYS.into(),
        desc: PROMPT_DESC.into(),
    });
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
    // Rows that do not fit end in a line saying how many, and where they are.
    let room = usize::from(rect.height.saturating_sub(2));
    let hidden = rows.len().saturating_sub(room);
    let shown = if hidden > 0 {
        room.saturating_sub(1)
    } else {
        rows.len()
    };
    let mut lines: Vec<Line> = rows[..shown]
        .iter()
        .map(|r| {
            let prompt = r.keys == PROMPT_KEYS;
            let (key_style, desc_style) = if prompt {
                (theme.muted(), theme.muted())
            } else {
                (theme.surface().patch(theme.accent()), theme.surface())
            };
            Line::from(vec![
                Span::styled(text::pad(&r.keys, key_col), key_style),
                Span::styled("  ", theme.surface()),
                Span::styled(text::truncate(&r.desc, desc_col), desc_style),
            ])
        })
        .collect();
    if hidden > 0 && room > 0 {
        let more = rows.len() - shown;
        let palette = keymap
            .key_for(Action::Palette)
            .map(|k| format!("; {k} lists every action"))
            .unwrap_or_default();
        lines.push(Line::styled(
            text::truncate(&format!("… {more} more in a taller terminal{palette}"), inner_w),
            theme.muted(),
        ));
    }
    let close = [Action::Back, Action::Help]
        .into_iter()
        .filter_map(|a| keymap.key_for(a))
        .collect::<Vec<_>>()
        .join("/");
    let mut block = Block::bordered()
        .border_style(theme.border())
        .style(theme.surface())
        .title(Span::styled(" Keys ", theme.title()));
    if !close.is_empty() {
        block = block.title_bottom(Line::styled(format!(" {close} close "), theme.muted()).right_aligned());
    }
    super::tabs::clear_for_overlay(frame, rect);
    frame.render_widget(
        Paragraph::new(lines).block(block.padding(ratatui::widgets::Padding::horizontal(1))),
        rect,
    );
}
