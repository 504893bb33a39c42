//! Strategic tab: individual detail per person (workload, review load,
//! meeting and focus hours of the latest week, pull-request flow). Only a
//! strategic viewer sees other people; anyone else reads a sentence naming
//! the role(s) it needs, above their own row. The rows come from
//! [`crate::ui::app::person_details`], gated by [`crate::access::Access`];
//! the app audits each read once per subject, never per frame.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::{count, empty, filter_note, lines_pane, list_table, no_match, pane, window, wrapped};
use crate::ui::app::{App, PersonDetail, Tab};
use crate::ui::text;
use crate::ui::theme::Theme;

fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_else(|| "–".into())
}

/// Draws the tab.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let access = app.access();
    let mut body = area;
    if !access.strategic {
        let lines = wrapped(
            &access.needs_role_sentence(),
            area.width.saturating_sub(2),
            theme.warning(),
        );
        let h = (lines.len() as u16 + 2).min(area.height / 2);
        let [top, rest] = Layout::vertical([Constraint::Length(h), Constraint::Min(0)]).areas(area);
        lines_pane(frame, top, pane("Strategic", theme), lines, theme);
        body = rest;
    }
    let persons = app.persons();
    if persons.is_empty() {
        let message = if access.strategic {
            "No individual figures yet: sync Jira, GitHub and Zoom."
        } else {
            "No figures of yours in this snapshot yet."
        };
        empty(frame, body, "People", message, theme);
        return;
    }
    let visible = app.visible(Tab::Strategic);
    if visible.is_empty() {
        no_match(frame, body, app, Tab::Strategic, "People", theme);
        return;
    }
    let selected = app.selected(Tab::Strategic).min(visible.len() - 1);
    let week = persons
        .iter()
        .find_map(|p| p.week)
        .map(|w| format!(" · hours: week of {w}"))
        .unwrap_or_default();
    let audited = if access.strategic { " · reads audited" } else { "" };
    let title = format!(
        "Individual detail ({} people){week}{audited}{}",
        count(app, Tab::Strategic),
        filter_note(app, Tab::Strategic)
    );
    if app.detail_open(Tab::Strategic) {
        let detail_h = (body.height / 2).max(6.min(body.height));
        let [top, bottom] = Layout::vertical([Constraint::Min(0), Constraint::Length(detail_h)]).areas(body);
        table(frame, top, persons, visible, selected, &title, theme);
        detail(frame, bottom, &persons[visible[selected]], theme);
    } else {
        table(frame, body, persons, visible, selected, &title, theme);
    }
}

fn table(
    frame: &mut Frame,
    area: Rect,
    persons: &[PersonDetail],
    visible: &[usize],
    selected: usize,
    title: &str,
    theme: &Theme,
) {
    let wide = area.width >= 110;
    let (offset, shown) = window(selected, visible.len(), area.height.saturating_sub(3));
    let body: Vec<Row> = visible[offset..offset + shown]
        .iter()
        .map(|&i| {
            let p = &persons[i];
            let name = if p.own {
                format!("{} (you)", p.person)
            } else {
                p.person.clone()
            };
            let load_style = match p.load_ratio {
                Some(r) if r > 1.0 => theme.danger(),
                Some(r) if r > 0.85 => theme.warning(),
                _ => theme.text(),
            };
            let mut cells = vec![
                Cell::from(Span::styled(text::one_line(&name), theme.text())),
                Cell::from(format!(
                    "{:>9}",
                    match (p.open_issues, p.open_points) {
                        (Some(n), Some(pts)) => format!("{n} · {}", text::points(pts)),
                        _ => "–".into(),
                    }
                )),
                Cell::from(Span::styled(
                    format!("{:>5}", opt(p.load_ratio, text::percent)),
                    load_style,
                )),
                Cell::from(format!("{:>7}", p.reviews)),
                Cell::from(format!("{:>6}", opt(p.meeting_hours, text::hours))),
                Cell::from(format!("{:>6}", opt(p.focus_hours, text::hours))),
            ];
            if wide {
                cells.push(Cell::from(format!("{:>6}", opt(p.fragmented_hours, text::hours))));
                cells.push(Cell::from(format!("{:>6}", opt(p.wip_issues, |n| n.to_string()))));
                cells.push(Cell::from(format!("{:>6}", p.merged_prs.len())));
                cells.push(Cell::from(format!("{:>7}", opt(p.cycle_p50_hours, text::hours))));
                cells.push(Cell::from(format!("{:>7}", opt(p.pickup_p50_hours, text::hours))));
            }
            Row::new(cells)
        })
        .collect();
    let name_w = persons
        .iter()
        .map(|p| text::width(&p.person) + if p.own { 6 } else { 0 })
        .max()
        .unwrap_or(0)
        .clamp(10, 32) as u16;
    let mut header = vec!["Person", "Open·pts", " Load", "Reviews", "Meet", "Focus"];
    let mut widths = vec![
        Constraint::Length(name_w),
        Constraint::Length(9),
        Constraint::Length(5),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(6),
    ];
    if wide {
        header.extend(["Frag.", "  WIP", "Merged", "Cycle50", "Pick50"]);
        widths.extend([
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Length(7),
            Constraint::Length(7),
        ]);
    }
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

fn detail(frame: &mut Frame, area: Rect, p: &PersonDetail, theme: &Theme) {
    let block = pane(&p.person, theme);
    let w = block.inner(area).width;
    let label = theme.muted().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::styled(
        format!(
            "Open issues {} · in progress {} · load {}",
            opt(p.open_issues, |n| n.to_string()),
            opt(p.wip_issues, |n| n.to_string()),
            opt(p.load_ratio, text::percent)
        ),
        theme.text(),
    )];
    lines.extend(wrapped(&or_none(&p.open_keys.join(" ")), w, theme.muted()));
    lines.push(Line::styled(format!("Reviewed ({} reviews)", p.reviews), label));
    lines.extend(wrapped(&or_none(&p.reviewed_prs.join("  ")), w, theme.text()));
    lines.push(Line::styled(
        format!(
            "Merged ({}) · cycle p50 {} · pickup p50 {}",
            p.merged_prs.len(),
            opt(p.cycle_p50_hours, text::hours),
            opt(p.pickup_p50_hours, text::hours)
        ),
        label,
    ));
    lines.extend(wrapped(&or_none(&p.merged_prs.join("  ")), w, theme.text()));
    lines.push(Line::styled(
        format!(
            "Week of {}: meetings {} · focus {} · fragmented {} of {} work hours",
            opt(p.week, |d| d.to_string()),
            opt(p.meeting_hours, text::hours),
            opt(p.focus_hours, text::hours),
            opt(p.fragmented_hours, text::hours),
            opt(p.work_hours, text::hours),
        ),
        label,
    ));
    lines.extend(wrapped(&or_none(&p.meeting_ids.join("  ")), w, theme.muted()));
    lines_pane(frame, area, block, lines, theme);
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "none".into()
    } else {
        s.to_string()
    }
}
