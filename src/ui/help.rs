//! The `?` overlay: every key binding and what it does.
//!
//! Generated from the [`Keymap`], never written by hand, so it cannot drift
//! from the keys that actually work. When the rows do not fit the screen's
//! height they are laid out in two columns; what still does not fit ends in
//! a line saying how many more there are. Must not: hold state.

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
    let one_w = (key_w + desc_w + 6) as u16;
    // Too many rows for the screen: two columns side by side (a gap of 3).
    let columns: usize = if rows.len() as u16 + 2 > area.height && area.width >= 60 {
        2
    } else {
        1
    };
    let per_column = rows.len().div_ceil(columns);
    let want_w = if columns == 2 {
        (2 * (key_w + desc_w + 2) + 3 + 4) as u16
    } else {
        one_w
    };
    let want_h = per_column as u16 + 2;
    let rect = area.centered(
        Constraint::Length(want_w.min(area.width)),
        Constraint::Length(want_h.min(area.height)),
    );
    if rect.width < 3 || rect.height < 3 {
        return;
    }
    let inner_w = usize::from(rect.width.saturating_sub(4));
    let col_w = (inner_w.saturating_sub(3 * (columns - 1))) / columns;
    // Each column's keys are as wide as its widest, at most half the column.
    let key_cols: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .skip(c * per_column)
                .take(per_column)
                // The fixed prompt row may be cut rather than widen a column.
                .filter(|r| columns == 1 || r.keys != PROMPT_KEYS)
                .map(|r| text::width(&r.keys))
                .max()
                .unwrap_or(0)
                .min(col_w / 2)
        })
        .collect();
    let cell = |r: &HelpRow, key_col: usize| -> Vec<Span<'static>> {
        let desc_col = col_w.saturating_sub(key_col + 2);
        let prompt = r.keys == PROMPT_KEYS;
        let (key_style, desc_style) = if prompt {
            (theme.muted(), theme.muted())
        } else {
            (theme.surface().patch(theme.accent()), theme.surface())
        };
        vec![
            Span::styled(text::pad(&text::truncate(&r.keys, key_col), key_col), key_style),
            Span::styled("  ", theme.surface()),
            Span::styled(
                text::pad(&text::truncate(&r.desc, desc_col), desc_col),
                desc_style,
            ),
        ]
    };
    // Rows that still do not fit end in a line saying how many, and where they are.
    let room = usize::from(rect.height.saturating_sub(2));
    let shown_per_column = if per_column > room {
        room.saturating_sub(1)
    } else {
        per_column
    };
    let mut lines: Vec<Line> = (0..shown_per_column)
        .map(|i| {
            let mut spans = Vec::new();
            for (c, key_col) in key_cols.iter().enumerate() {
                if let Some(r) = rows.get(c * per_column + i) {
                    if c > 0 {
                        spans.push(Span::styled("   ", theme.surface()));
                    }
                    spans.extend(cell(r, *key_col));
                }
            }
            Line::from(spans)
        })
        .collect();
    if shown_per_column < per_column && room > 0 {
        let shown: usize = (0..columns)
            .map(|c| {
                rows.len()
                    .saturating_sub(c * per_column)
                    .min(per_column)
                    .min(shown_per_column)
            })
            .sum();
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
