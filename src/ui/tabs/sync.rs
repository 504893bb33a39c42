//! Sync tab: each source's last sync (records written, requests, errors),
//! the selected source's detail with the store's record counts, and the
//! live activity of a running sync. `Open` widens the detail to the body.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table, TableState};

use super::{count, filter_note, lines_pane, no_match, pane, wrapped};
use crate::model::Source;
use crate::sync::SourceReport;
use crate::ui::app::{App, Tab};
use crate::ui::text;
use crate::ui::theme::Theme;

/// The sources listed: those with a report, then any running without one yet.
pub fn rows(app: &App) -> Vec<Source> {
    app.sources().to_vec()
}

fn report(app: &App, source: Source) -> Option<&SourceReport> {
    app.data().sources.iter().find(|r| r.source == source)
}

/// Draws the tab.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let all = app.sources();
    let visible = app.visible(Tab::Sync);
    if !all.is_empty() && visible.is_empty() {
        no_match(frame, area, app, Tab::Sync, "Sources", theme);
        return;
    }
    let sources: Vec<Source> = visible.iter().map(|&i| all[i]).collect();
    let selected = app.selected(Tab::Sync).min(sources.len().saturating_sub(1));
    let chosen = sources.get(selected).copied();
    if app.detail_open(Tab::Sync) {
        detail(frame, area, app, chosen, theme);
        return;
    }
    let table_h = (sources.len() as u16)
        .saturating_add(3)
        .max(4)
        .min(area.height / 2);
    let [top, bottom] = Layout::vertical([Constraint::Length(table_h), Constraint::Min(0)]).areas(area);
    table(frame, top, app, &sources, selected, theme);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    detail(frame, left, app, chosen, theme);
    activity(frame, right, app, theme);
}

fn table(frame: &mut Frame, area: Rect, app: &App, sources: &[Source], selected: usize, theme: &Theme) {
    let tz = &app.data().snapshot.time_zone;
    let rows: Vec<Row> = sources
        .iter()
        .map(|s| {
            let r = report(app, *s);
            let status = if app.sync().running.contains(s) {
                Span::styled("syncing", theme.warning())
            } else if r.is_some_and(|r| r.error.is_some()) {
                Span::styled("failed", theme.danger())
            } else {
                Span::styled("ok", theme.success())
            };
            Row::new(vec![
                Cell::from(Span::styled(s.as_str(), theme.text())),
                Cell::from(status),
                Cell::from(format!("{:>7}", r.map_or(0, SourceReport::total))),
                Cell::from(format!("{:>8}", r.map_or(0, |r| r.requests))),
                Cell::from(Span::styled(
                    r.map_or_else(|| "–".into(), |r| text::time(r.finished, tz)),
                    theme.muted(),
                )),
            ])
        })
        .collect();
    let block = pane(
        &format!(
            "Sources ({}){}",
            count(app, Tab::Sync),
            filter_note(app, Tab::Sync)
        ),
        theme,
    );
    if rows.is_empty() {
        lines_pane(
            frame,
            area,
            block,
            vec![Line::styled("No source has synced yet.", theme.muted())],
            theme,
        );
        return;
    }
    let table = Table::new(
        rows,
        [
            Constraint::Length(12),
            Constraint::Length(7),
            Constraint::Length(7),
            Constraint::Length(8),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new(["Source", "Status", "Records", "Requests", "Finished"])
            .style(theme.muted().add_modifier(Modifier::BOLD)),
    )
    .block(block)
    .row_highlight_style(theme.selection())
    .highlight_symbol("▶ ");
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

fn detail(frame: &mut Frame, area: Rect, app: &App, source: Option<Source>, theme: &Theme) {
    let title = source.map_or_else(|| "Source".to_string(), |s| format!("Source · {s}"));
    let block = pane(&title, theme);
    let w = block.inner(area).width;
    let label = theme.muted().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line> = Vec::new();
    match source.and_then(|s| report(app, s)) {
        Some(r) => {
            lines.push(Line::styled(
                format!("{} records · {} requests", r.total(), r.requests),
                theme.text(),
            ));
            for (kind, n) in r.written.iter().filter(|(_, n)| *n > 0) {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<13}", kind.as_str()), theme.muted()),
                    Span::styled(format!("{n:>7}"), theme.text()),
                ]));
            }
            if let Some(e) = &r.error {
                lines.push(Line::styled("Error", theme.danger()));
                lines.extend(wrapped(e, w, theme.danger()));
            }
        }
        None if source.is_some() => lines.push(Line::styled("Syncing for the first time…", theme.warning())),
        None => lines.push(Line::styled("No source selected.", theme.muted())),
    }
    let counts = &app.data().snapshot.counts;
    if !counts.is_empty() {
        lines.push(Line::styled("In the store", label));
        for c in counts {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<13}", text::one_line(&c.kind)), theme.muted()),
                Span::styled(format!("{:>7}", c.count), theme.text()),
            ]));
        }
    }
    lines_pane(frame, area, block, lines, theme);
}

fn activity(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let block = pane("Activity", theme);
    let inner = block.inner(area);
    let log = &app.sync().log;
    let lines: Vec<Line> = if log.is_empty() {
        vec![Line::styled("No sync in this session.", theme.muted())]
    } else {
        // Newest at the bottom, as many as fit.
        let h = usize::from(inner.height);
        log.iter()
            .skip(log.len().saturating_sub(h))
            .map(|l| {
                let style = if l.contains(": failed") {
                    theme.danger()
                } else {
                    theme.text()
                };
                Line::styled(
                    text::truncate(&text::one_line(l), usize::from(inner.width)),
                    style,
                )
            })
            .collect()
    };
    lines_pane(frame, area, block, lines, theme);
}
