//! One module per tab, each drawing into the body area between the tabs bar
//! and the status line. Shared here: pane blocks, empty states, and fitting
//! prepared lines into a pane.
//!
//! Tabs read the app state and data; they never change them.

pub mod cards;
pub mod meetings;
pub mod sprint;
pub mod sync;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::text;
use super::theme::Theme;

/// A bordered pane with a title.
pub(crate) fn pane<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::bordered().border_style(theme.border()).title(Span::styled(
        format!(" {} ", text::one_line(title)),
        theme.accent(),
    ))
}

/// A pane saying there is nothing to show, and why.
pub(crate) fn empty(frame: &mut Frame, area: Rect, title: &str, message: &str, theme: &Theme) {
    let block = pane(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = text::wrap(message, usize::from(inner.width))
        .into_iter()
        .map(|l| Line::styled(l, theme.muted()))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Draws `lines` in a pane; when they do not fit, the last visible line says
/// how many more there are.
pub(crate) fn lines_pane(
    frame: &mut Frame,
    area: Rect,
    block: Block<'_>,
    mut lines: Vec<Line<'_>>,
    theme: &Theme,
) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let h = usize::from(inner.height);
    if lines.len() > h && h > 0 {
        let more = lines.len() - (h - 1);
        lines.truncate(h - 1);
        lines.push(Line::styled(
            text::truncate(&format!("… {more} more line(s)"), usize::from(inner.width)),
            theme.muted(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Wrapped paragraph lines in one style.
pub(crate) fn wrapped<'a>(s: &str, width: u16, style: ratatui::style::Style) -> Vec<Line<'a>> {
    text::wrap(s, usize::from(width))
        .into_iter()
        .map(|l| Line::styled(l, style))
        .collect()
}

/// First index of a window of `visible` rows out of `len` that shows `selected`,
/// preferring the end (the latest) when everything else is equal.
pub(crate) fn window_end_biased(selected: usize, len: usize, visible: usize) -> usize {
    if visible == 0 || len <= visible {
        return 0;
    }
    let latest_start = len - visible;
    if selected >= latest_start {
        latest_start
    } else {
        selected
    }
}
