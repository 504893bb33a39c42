//! Cards tab: the ranked intelligence cards, and the selected card's detail
//! and evidence. `Open` widens the detail to the whole body (with links).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table, TableState};

use super::{count, empty, filter_note, lines_pane, no_match, pane, wrapped};
use crate::insight::{Card, CardKind};
use crate::ui::app::{App, Tab};
use crate::ui::text;
use crate::ui::theme::Theme;

/// Short label of a card kind.
pub fn kind_label(kind: CardKind) -> &'static str {
    match kind {
        CardKind::SprintAtRisk => "at risk",
        CardKind::Blocked => "blocked",
        CardKind::CarryOver => "carry-over",
        CardKind::Unestimated => "unestimated",
        CardKind::PrWaitingForReview => "pr waiting",
        CardKind::MergedWithoutReview => "no review",
        CardKind::StaleDoc => "stale doc",
        CardKind::KnowledgeSilo => "silo",
    }
}

/// Urgency band: a word (so it reads without colour) and its style.
pub fn urgency_band(urgency: u8, theme: &Theme) -> (&'static str, Style) {
    match urgency {
        70.. => ("high", theme.danger()),
        50..=69 => ("med", theme.warning()),
        _ => ("low", theme.muted()),
    }
}

/// Draws the tab.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let cards = &app.data().snapshot.cards;
    if cards.is_empty() {
        empty(
            frame,
            area,
            "Cards",
            "No cards: nothing in the synced work needs attention right now.",
            theme,
        );
        return;
    }
    let visible = app.visible(Tab::Cards);
    if visible.is_empty() {
        no_match(frame, area, app, Tab::Cards, "Cards", theme);
        return;
    }
    let selected = app.selected(Tab::Cards).min(visible.len() - 1);
    let card = &cards[visible[selected]];
    if app.detail_open(Tab::Cards) {
        detail(frame, area, card, true, theme);
        return;
    }
    let (list_area, detail_area) = if area.width >= 100 {
        let [l, d] = Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
        (l, d)
    } else {
        let list_h = (visible.len() as u16)
            .saturating_add(3)
            .min(area.height * 2 / 5)
            .max(4.min(area.height));
        let [l, d] = Layout::vertical([Constraint::Length(list_h), Constraint::Min(0)]).areas(area);
        (l, d)
    };
    let title = format!(
        "Cards ({}) · most urgent first{}",
        count(app, Tab::Cards),
        filter_note(app, Tab::Cards)
    );
    list(frame, list_area, cards, visible, selected, &title, theme);
    detail(frame, detail_area, card, false, theme);
}

fn list(
    frame: &mut Frame,
    area: Rect,
    cards: &[Card],
    visible: &[usize],
    selected: usize,
    title: &str,
    theme: &Theme,
) {
    // Narrow panes drop the kind column: the title says as much.
    let with_kind = area.width >= 60;
    // Only the rows that can show are built (a large board has hundreds).
    let (offset, shown) = super::window(selected, visible.len(), area.height.saturating_sub(3));
    let rows: Vec<Row> = visible[offset..offset + shown]
        .iter()
        .map(|&i| {
            let c = &cards[i];
            let (band, style) = urgency_band(c.urgency, theme);
            let mut cells = vec![
                Cell::from(Span::styled(format!("{:>3}", c.urgency), style)),
                Cell::from(Span::styled(band, style)),
            ];
            if with_kind {
                cells.push(Cell::from(Span::styled(kind_label(c.kind), theme.muted())));
            }
            cells.push(Cell::from(Span::styled(text::one_line(&c.title), theme.text())));
            Row::new(cells)
        })
        .collect();
    let (header, widths) = if with_kind {
        (
            vec!["Urg", "", "Kind", "Title"],
            vec![
                Constraint::Length(3),
                Constraint::Length(4),
                Constraint::Length(11),
                Constraint::Fill(1),
            ],
        )
    } else {
        (
            vec!["Urg", "", "Title"],
            vec![Constraint::Length(3), Constraint::Length(4), Constraint::Fill(1)],
        )
    };
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.muted().add_modifier(Modifier::BOLD)))
        .block(pane(title, theme))
        .row_highlight_style(theme.selection())
        .highlight_symbol("▶ ");
    let mut state = TableState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(table, area, &mut state);
}

fn detail(frame: &mut Frame, area: Rect, card: &Card, expanded: bool, theme: &Theme) {
    let block = pane("Detail", theme);
    let w = block.inner(area).width;
    let (band, band_style) = urgency_band(card.urgency, theme);
    let mut lines: Vec<Line> = wrapped(&card.title, w, theme.accent());
    lines.push(Line::from(vec![
        Span::styled(format!("{band} urgency {}", card.urgency), band_style),
        Span::styled(format!(" · {}", kind_label(card.kind)), theme.muted()),
    ]));
    lines.push(Line::raw(""));
    lines.extend(wrapped(&card.detail, w, theme.text()));
    if !card.evidence.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("Evidence ({})", card.evidence.len()),
            theme.muted().add_modifier(Modifier::BOLD),
        ));
        let width = usize::from(w);
        for e in &card.evidence {
            lines.push(Line::from(vec![
                Span::styled("• ", theme.muted()),
                Span::styled(
                    text::truncate(&text::one_line(&e.label), width.saturating_sub(2)),
                    theme.text(),
                ),
            ]));
            if expanded && let Some(url) = &e.url {
                lines.push(Line::styled(
                    format!(
                        "  {}",
                        text::truncate(&text::one_line(url), width.saturating_sub(2))
                    ),
                    theme.muted(),
                ));
            }
        }
    }
    lines_pane(frame, area, block, lines, theme);
}
