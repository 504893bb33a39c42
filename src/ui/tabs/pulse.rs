//! Pulse tab: the Engineering Pulse, team aggregates only. A line says the
//! rules (no names; a figure over fewer people than the minimum group is
//! withheld), then every figure: its group (flow, a week, a code area), its
//! value, how many people are behind it, and for a withheld one the
//! sentence saying why. `Open` shows the selected figure's items (pull
//! requests, meetings, commits), never a person.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::{count, empty, filter_note, lines_pane, list_table, no_match, pane, window, wrapped};
use crate::analytics::pulse::Figure;
use crate::ui::app::{App, PulseRow, Tab};
use crate::ui::text;
use crate::ui::theme::Theme;

/// A figure's value with its unit (`12.5h`, `340 lines`, `7 PRs`), or `—`.
pub fn value_label(f: &Figure) -> String {
    let Some(v) = f.value else {
        return "—".into();
    };
    let n = if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    match f.unit.as_str() {
        "hours" => text::hours(v),
        "pull_requests" => format!("{n} PRs"),
        "lines" => format!("{n} lines"),
        other => format!("{n} {}", other.replace('_', " ")),
    }
}

/// Why a figure shows no value, as a sentence; empty when it shows one.
pub fn withheld_sentence(f: &Figure) -> String {
    f.withheld.map(|w| w.to_string()).unwrap_or_default()
}

/// Draws the tab.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let rows = app.pulse_rows();
    let snap = &app.data().snapshot;
    let Some(pulse) = &snap.pulse else {
        empty(
            frame,
            area,
            "Engineering Pulse",
            "No pulse yet: sync GitHub and Zoom to see the team's figures.",
            theme,
        );
        return;
    };
    let intro = format!(
        "Team aggregates only: no figure names a person. A figure over fewer than {} people is \
         withheld, never shown as 0.",
        pulse.min_group_size
    );
    let intro_lines = wrapped(&intro, area.width.saturating_sub(2), theme.muted());
    let intro_h = (intro_lines.len() as u16).min(area.height / 4);
    let [head, body] = Layout::vertical([Constraint::Length(intro_h), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(intro_lines)
            .block(ratatui::widgets::Block::new().padding(ratatui::widgets::Padding::horizontal(1))),
        head,
    );
    if rows.is_empty() {
        empty(
            frame,
            body,
            "Engineering Pulse",
            "The pulse has no figures yet.",
            theme,
        );
        return;
    }
    let visible = app.visible(Tab::Pulse);
    if visible.is_empty() {
        no_match(frame, body, app, Tab::Pulse, "Engineering Pulse", theme);
        return;
    }
    let selected = app.selected(Tab::Pulse).min(visible.len() - 1);
    let title = format!(
        "Engineering Pulse ({} figures){}",
        count(app, Tab::Pulse),
        filter_note(app, Tab::Pulse)
    );
    if app.detail_open(Tab::Pulse) {
        let detail_h = (body.height / 2).max(5.min(body.height));
        let [top, bottom] = Layout::vertical([Constraint::Min(0), Constraint::Length(detail_h)]).areas(body);
        table(frame, top, rows, visible, selected, &title, theme);
        detail(frame, bottom, &rows[visible[selected]], theme);
    } else {
        table(frame, body, rows, visible, selected, &title, theme);
    }
}

fn table(
    frame: &mut Frame,
    area: Rect,
    rows: &[PulseRow],
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
            let r = &rows[i];
            let value_style = if r.figure.value.is_some() {
                theme.text()
            } else {
                theme.muted()
            };
            let mut cells = vec![
                Cell::from(Span::styled(text::one_line(&r.group), theme.muted())),
                Cell::from(Span::styled(r.name.clone(), theme.text())),
                Cell::from(Span::styled(
                    format!("{:>11}", value_label(&r.figure)),
                    value_style,
                )),
            ];
            if wide {
                cells.push(Cell::from(format!("{:>6}", r.figure.group_size)));
            }
            cells.push(Cell::from(Span::styled(
                withheld_sentence(&r.figure),
                theme.warning(),
            )));
            Row::new(cells)
        })
        .collect();
    let group_w = rows
        .iter()
        .map(|r| text::width(&r.group))
        .max()
        .unwrap_or(0)
        .clamp(6, if wide { 34 } else { 16 }) as u16;
    let mut header = vec!["Group", "Figure", "        Value"];
    let mut widths = vec![
        Constraint::Length(group_w),
        Constraint::Length(31),
        Constraint::Length(13),
    ];
    if wide {
        header.push("People");
        widths.push(Constraint::Length(6));
    }
    header.push("Note");
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

fn detail(frame: &mut Frame, area: Rect, r: &PulseRow, theme: &Theme) {
    let block = pane(&format!("{} · {}", r.group, r.name), theme);
    let w = block.inner(area).width;
    let f = &r.figure;
    let mut lines = vec![Line::from(vec![
        Span::styled(value_label(f), theme.accent()),
        Span::styled(format!(" · {} people behind it", f.group_size), theme.muted()),
    ])];
    if f.withheld.is_some() {
        lines.extend(wrapped(&withheld_sentence(f), w, theme.warning()));
    }
    let label = theme.muted().add_modifier(Modifier::BOLD);
    lines.push(Line::styled(
        format!("Items behind it ({})", f.items.len()),
        label,
    ));
    let items = if f.items.is_empty() {
        "none listed".to_string()
    } else {
        f.items.join("  ")
    };
    lines.extend(wrapped(&items, w, theme.text()));
    lines_pane(frame, area, block, lines, theme);
}
