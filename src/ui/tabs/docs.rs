//! Docs tab: documentation coverage (active epics and their open issues
//! with and without a linked Confluence page) and staleness (linked pages
//! not updated for the threshold while their epic is active). A summary
//! pane, then one row per active epic; `Open` lists the selected epic's
//! pages with their age and links, and its uncovered issues.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::{count, empty, filter_note, lines_pane, list_table, no_match, pane, window, wrapped};
use crate::analytics::docs::{DocsReport, EpicDocs};
use crate::ui::app::{App, Tab};
use crate::ui::text;
use crate::ui::theme::Theme;

fn ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "–".into(), text::percent)
}

/// Draws the tab.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(report) = &app.data().snapshot.docs else {
        empty(
            frame,
            area,
            "Documentation",
            "No documentation figures yet: sync Jira and Confluence.",
            theme,
        );
        return;
    };
    let summary_h = 5.min(area.height / 3).max(3.min(area.height));
    let [top, body] = Layout::vertical([Constraint::Length(summary_h), Constraint::Min(0)]).areas(area);
    summary(frame, top, report, theme);
    if report.epics.is_empty() {
        empty(
            frame,
            body,
            "Active epics",
            "No active epic: nothing to document.",
            theme,
        );
        return;
    }
    let visible = app.visible(Tab::Docs);
    if visible.is_empty() {
        no_match(frame, body, app, Tab::Docs, "Active epics", theme);
        return;
    }
    let selected = app.selected(Tab::Docs).min(visible.len() - 1);
    let title = format!(
        "Active epics ({}){}",
        count(app, Tab::Docs),
        filter_note(app, Tab::Docs)
    );
    let epic = &report.epics[visible[selected]];
    if app.detail_open(Tab::Docs) {
        let detail_h = (body.height / 2).max(6.min(body.height));
        let [t, b] = Layout::vertical([Constraint::Min(0), Constraint::Length(detail_h)]).areas(body);
        table(frame, t, report, visible, selected, &title, theme);
        detail(frame, b, epic, &app.data().snapshot.time_zone, theme);
    } else {
        table(frame, body, report, visible, selected, &title, theme);
    }
}

fn summary(frame: &mut Frame, area: Rect, r: &DocsReport, theme: &Theme) {
    let block = pane("Documentation coverage", theme);
    let w = block.inner(area).width;
    let stale_style = if r.stale_pages.is_empty() {
        theme.success()
    } else {
        theme.warning()
    };
    let mut lines = vec![Line::from(vec![
        Span::styled("Epics ", theme.muted()),
        Span::styled(
            format!(
                "{} of {} covered ({})",
                r.covered_epics,
                r.active_epics,
                ratio(r.epic_coverage)
            ),
            theme.text(),
        ),
        Span::styled("  ·  Issues ", theme.muted()),
        Span::styled(
            format!(
                "{} of {} covered ({})",
                r.covered_issues,
                r.active_issues,
                ratio(r.issue_coverage)
            ),
            theme.text(),
        ),
    ])];
    let mut stale = vec![
        Span::styled("Stale pages ", theme.muted()),
        Span::styled(r.stale_pages.len().to_string(), stale_style),
    ];
    let rule = format!(
        " · not updated for {} days while their epic is active",
        r.stale_after_days
    );
    if usize::from(w) >= 16 + text::width(&rule) {
        stale.push(Span::styled(rule, theme.muted()));
    }
    lines.push(Line::from(stale));
    lines_pane(frame, area, block, lines, theme);
}

fn table(
    frame: &mut Frame,
    area: Rect,
    r: &DocsReport,
    visible: &[usize],
    selected: usize,
    title: &str,
    theme: &Theme,
) {
    let wide = area.width >= 100;
    let (offset, shown) = window(selected, visible.len(), area.height.saturating_sub(3));
    let body: Vec<Row> = visible[offset..offset + shown]
        .iter()
        .map(|&i| {
            let e = &r.epics[i];
            let stale = e.pages.iter().filter(|p| p.stale).count();
            let oldest = e
                .pages
                .iter()
                .map(|p| p.days_since_update)
                .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d))));
            let covered = if e.covered {
                Span::styled("yes", theme.success())
            } else {
                Span::styled("no", theme.danger())
            };
            let mut cells = vec![
                Cell::from(Span::styled(e.key.clone(), theme.text())),
                Cell::from(covered),
                Cell::from(format!(
                    "{:>7}",
                    format!("{}/{}", e.covered_children.len(), e.open_children.len())
                )),
                Cell::from(format!("{:>5}", e.pages.len())),
                Cell::from(Span::styled(
                    format!("{stale:>5}"),
                    if stale > 0 { theme.warning() } else { theme.muted() },
                )),
            ];
            if wide {
                cells.push(Cell::from(format!(
                    "{:>7}",
                    oldest.map_or_else(|| "–".into(), |d| format!("{d:.0} d"))
                )));
            }
            cells.push(Cell::from(Span::styled(text::one_line(&e.summary), theme.text())));
            Row::new(cells)
        })
        .collect();
    let mut header = vec!["Epic", "Doc", " Issues", "Pages", "Stale"];
    let mut widths = vec![
        Constraint::Length(8),
        Constraint::Length(3),
        Constraint::Length(7),
        Constraint::Length(5),
        Constraint::Length(5),
    ];
    if wide {
        header.push(" Oldest");
        widths.push(Constraint::Length(7));
    }
    header.push("Summary");
    widths.push(Constraint::Min(10));
    list_table(
        frame,
        area,
        title,
        (header, widths),
        body,
        selected - offset,
        theme,
    );
}

fn detail(frame: &mut Frame, area: Rect, e: &EpicDocs, tz: &str, theme: &Theme) {
    let block = pane(&format!("{} · {}", e.key, e.summary), theme);
    let w = usize::from(block.inner(area).width);
    let label = theme.muted().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::styled(text::truncate(&e.url, w), theme.muted())];
    lines.push(Line::styled(format!("Linked pages ({})", e.pages.len()), label));
    for p in &e.pages {
        let state = if p.stale {
            Span::styled(format!("stale, {:.0} d  ", p.days_since_update), theme.warning())
        } else {
            Span::styled(format!("{:.0} d  ", p.days_since_update), theme.muted())
        };
        lines.push(Line::from(vec![
            state,
            Span::styled(
                text::truncate(
                    &format!("{} (updated {})", p.title, text::date(p.updated, tz)),
                    w.saturating_sub(14),
                ),
                theme.text(),
            ),
        ]));
        lines.push(Line::styled(
            text::truncate(&format!("  {}", p.url), w),
            theme.muted(),
        ));
    }
    let uncovered: Vec<&str> = e
        .open_children
        .iter()
        .filter(|k| !e.covered_children.contains(k))
        .map(String::as_str)
        .collect();
    lines.push(Line::styled(
        format!("Open issues without a page ({})", uncovered.len()),
        label,
    ));
    let joined = if uncovered.is_empty() {
        "none".to_string()
    } else {
        uncovered.join(" ")
    };
    lines.extend(wrapped(&joined, w as u16, theme.text()));
    lines_pane(frame, area, block, lines, theme);
}
