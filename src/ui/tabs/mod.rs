//! One module per tab, each drawing into the body area between the tabs bar
//! and the status line. Shared here: pane blocks, empty states, and fitting
//! prepared lines into a pane.
//!
//! Tabs read the app state and data; they never change them.

pub mod cards;
pub mod copilot;
pub mod docs;
pub mod meetings;
pub mod pulse;
pub mod sprint;
pub mod standup;
pub mod standup_live;
pub mod strategic;
pub mod sync;
pub mod triage;

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::widgets::{Cell, Row, Table, TableState};

use super::app::{App, Tab};
use super::text;
use super::theme::Theme;

/// A bordered pane with a title.
pub(crate) fn pane<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::bordered().border_style(theme.border()).title(Span::styled(
        format!(" {} ", text::one_line(title)),
        theme.title(),
    ))
}

/// `4`, or `2 of 4` when a filter hides some rows.
pub(crate) fn count(app: &App, tab: Tab) -> String {
    let (shown, total) = (app.row_count(tab), app.total_rows(tab));
    if app.filter(tab).is_empty() {
        total.to_string()
    } else {
        format!("{shown} of {total}")
    }
}

/// ` · /text` when `tab` is filtered, else nothing.
pub(crate) fn filter_note(app: &App, tab: Tab) -> String {
    match app.filter(tab) {
        "" => String::new(),
        f => format!(" · /{}", text::one_line(f)),
    }
}

/// Draws a list pane: `rows` in a bordered table titled `title`, under a
/// bold `header`, columns of `widths` (one per header cell) packed to the left, the row at
/// `selected` (an index into `rows`) marked `▶` and highlighted.
pub(crate) fn list_table<'a>(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    (header, widths): (impl IntoIterator<Item = impl Into<Cell<'a>>>, Vec<Constraint>),
    rows: Vec<Row<'a>>,
    selected: usize,
    theme: &Theme,
) {
    let table = Table::new(rows, widths)
        .flex(Flex::Start)
        .header(Row::new(header).style(theme.muted().add_modifier(Modifier::BOLD)))
        .block(pane(title, theme))
        .row_highlight_style(theme.selection())
        .highlight_symbol("▶ ");
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The pane saying a filter hid every row, and how to get them back.
pub(crate) fn no_match(frame: &mut Frame, area: Rect, app: &App, tab: Tab, title: &str, theme: &Theme) {
    let message = format!(
        "No {} match \"{}\". Esc clears the filter; / changes it.",
        app.noun(tab),
        text::one_line(app.filter(tab))
    );
    empty(
        frame,
        area,
        &format!("{title} (0 of {})", app.total_rows(tab)),
        &message,
        theme,
    );
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

/// The rows a table of `height` body rows shows with `selected` in view, as
/// a fresh ratatui table would scroll them (the selection at the bottom once
/// it is past the first screen): `(offset, count)`. Tables are given only
/// these rows, so a list of thousands costs what a screenful does.
pub(crate) fn window(selected: usize, len: usize, height: u16) -> (usize, usize) {
    let h = usize::from(height).max(1);
    let offset = (selected + 1).saturating_sub(h).min(len.saturating_sub(1));
    (offset, h.min(len - offset.min(len)))
}

/// Clears `rect` for an overlay. A wide character just left of it (a CJK
/// name, an emoji) would reach into the overlay's border, so it is blanked.
pub(crate) fn clear_for_overlay(frame: &mut Frame, rect: Rect) {
    frame.render_widget(ratatui::widgets::Clear, rect);
    if rect.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in rect.top()..rect.bottom() {
        // Look back far enough for the widest grapheme ratatui lays out.
        for x in rect.x.saturating_sub(2)..rect.x {
            if let Some(cell) = buf.cell_mut((x, y)) {
                let w = u16::try_from(text::width(cell.symbol())).unwrap_or(u16::MAX);
                if x.saturating_add(w) > rect.x {
                    cell.set_symbol(" ");
                }
            }
        }
    }
}
