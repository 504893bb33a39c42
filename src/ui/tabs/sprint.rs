//! Sprint tab: velocity per board. Bars of completed points per sprint for
//! the board of the selected sprint, and a table of every started sprint
//! (planned, completed, say/do, unestimated, rolling mean). `Open` shows
//! the issues behind the selected sprint's figures in place of the bars.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Cell, Row};

use super::{
    count, empty, filter_note, lines_pane, list_table, no_match, pane, window, window_end_biased, wrapped,
};
use crate::analytics::velocity::SprintVelocity;
use crate::model::SprintState;
use crate::ui::app::{App, Tab};
use crate::ui::text;
use crate::ui::theme::Theme;
use crate::ui::view::state_label;

/// A bar label: the sprint's trailing number (`Sprint 14` → `14`), else its name.
fn short_label(name: &str) -> String {
    match name.split_whitespace().last() {
        Some(last) if last.chars().any(|c| c.is_ascii_digit()) => last.to_string(),
        _ => text::one_line(name),
    }
}

fn say_do_style(v: &SprintVelocity, theme: &Theme) -> Style {
    match (v.state, v.say_do_ratio) {
        (SprintState::Closed, Some(r)) if r >= 0.8 => theme.success(),
        (SprintState::Closed, Some(r)) if r >= 0.6 => theme.warning(),
        (SprintState::Closed, Some(_)) => theme.danger(),
        _ => theme.muted(),
    }
}

/// Draws the tab.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if app.triage().on {
        super::triage::render(frame, area, app, theme);
        return;
    }
    let rows = &app.data().snapshot.velocity;
    if rows.is_empty() {
        empty(
            frame,
            area,
            "Sprints",
            "No started sprints yet: sync Jira to see velocity.",
            theme,
        );
        return;
    }
    let visible = app.visible(Tab::Sprint);
    if visible.is_empty() {
        no_match(frame, area, app, Tab::Sprint, "Sprints", theme);
        return;
    }
    let selected = app.selected(Tab::Sprint).min(visible.len() - 1);
    let row = visible[selected];
    let top_h = (area.height * 9 / 20).clamp(6.min(area.height), 14);
    let [top, bottom] = Layout::vertical([Constraint::Length(top_h), Constraint::Min(0)]).areas(area);
    if app.detail_open(Tab::Sprint) {
        detail(frame, top, &rows[row], &app.data().snapshot.time_zone, theme);
    } else {
        chart(frame, top, rows, row, theme);
    }
    let title = format!(
        "Sprints ({}) · points{}",
        count(app, Tab::Sprint),
        filter_note(app, Tab::Sprint)
    );
    table(frame, bottom, rows, visible, selected, &title, theme);
}

fn chart(frame: &mut Frame, area: Rect, rows: &[SprintVelocity], selected: usize, theme: &Theme) {
    let board = rows[selected].board_id;
    let sprints: Vec<(usize, &SprintVelocity)> = rows
        .iter()
        .enumerate()
        .filter(|(_, v)| v.board_id == board)
        .collect();
    // The board's current velocity: the rolling mean of its latest closed sprint.
    let mean = sprints.iter().rev().find_map(|(_, v)| v.rolling_mean_3);
    let title = match mean {
        Some(m) => format!(
            "Velocity · board {board} · completed points · mean(3) {}",
            text::points(m)
        ),
        None => format!("Velocity · board {board} · completed points"),
    };
    let block = pane(&title, theme);
    let inner = block.inner(area);
    let w = usize::from(inner.width);
    // Bars at least 3 wide (room for "21"), one column apart.
    let fit = (w + 1) / 4;
    if fit == 0 || inner.height < 3 {
        frame.render_widget(block, area);
        return;
    }
    let pos = sprints.iter().position(|(i, _)| *i == selected).unwrap_or(0);
    let start = window_end_biased(pos, sprints.len(), fit);
    let shown = &sprints[start..(start + fit).min(sprints.len())];
    let bar_w = ((w + 1) / shown.len()).saturating_sub(1).clamp(3, 12) as u16;
    let bars: Vec<Bar> = shown
        .iter()
        .map(|(i, v)| {
            let style = if *i == selected {
                theme.accent()
            } else if v.state == SprintState::Active {
                theme.series(1)
            } else {
                theme.series(0)
            };
            Bar::default()
                .value((v.completed_points * 10.0).round().max(0.0) as u64)
                .text_value(text::points(v.completed_points))
                .label(Line::from(text::truncate(
                    &short_label(&v.name),
                    usize::from(bar_w),
                )))
                .style(style)
                .value_style(theme.selection().patch(style))
        })
        .collect();
    let chart = BarChart::vertical(bars)
        .block(block)
        .bar_width(bar_w)
        .bar_gap(1)
        .label_style(theme.muted());
    frame.render_widget(chart, area);
}

fn detail(frame: &mut Frame, area: Rect, v: &SprintVelocity, tz: &str, theme: &Theme) {
    let block = pane(&format!("{} · {}", v.name, state_label(v.state)), theme);
    let w = block.inner(area).width;
    let when = match (v.start, v.close) {
        (Some(s), Some(c)) => format!("{} → {}", text::date(s, tz), text::date(c, tz)),
        (Some(s), None) => format!("from {}", text::date(s, tz)),
        _ => "dates unknown".into(),
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(when, theme.muted()),
        Span::styled(
            format!(
                " · {} of {} points done · {} unestimated",
                text::points(v.completed_points),
                text::points(v.planned_points),
                v.unestimated_issues
            ),
            theme.text(),
        ),
    ])];
    let not_done: Vec<&str> = v
        .planned_keys
        .iter()
        .filter(|k| !v.completed_keys.contains(k))
        .map(String::as_str)
        .collect();
    let label = theme.muted().add_modifier(Modifier::BOLD);
    lines.push(Line::styled(
        format!("Completed ({})", v.completed_keys.len()),
        label,
    ));
    lines.extend(wrapped(&or_none(&v.completed_keys.join(" ")), w, theme.success()));
    lines.push(Line::styled(
        format!("In the sprint, not completed here ({})", not_done.len()),
        label,
    ));
    lines.extend(wrapped(&or_none(&not_done.join(" ")), w, theme.text()));
    lines_pane(frame, area, block, lines, theme);
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "none".into()
    } else {
        s.to_string()
    }
}

fn table(
    frame: &mut Frame,
    area: Rect,
    rows: &[SprintVelocity],
    visible: &[usize],
    selected: usize,
    title: &str,
    theme: &Theme,
) {
    // Narrow terminals drop the board, unestimated and mean columns.
    let wide = area.width >= 76;
    let opt = |v: Option<f64>, f: fn(f64) -> String| v.map(f).unwrap_or_else(|| "–".into());
    let (offset, shown) = window(selected, visible.len(), area.height.saturating_sub(3));
    let body: Vec<Row> = visible[offset..offset + shown]
        .iter()
        .map(|&i| {
            let v = &rows[i];
            let mut cells = Vec::new();
            if wide {
                cells.push(Cell::from(Span::styled(v.board_id.to_string(), theme.muted())));
            }
            cells.push(Cell::from(Span::styled(text::one_line(&v.name), theme.text())));
            let state_style = if v.state == SprintState::Active {
                theme.warning()
            } else {
                theme.muted()
            };
            cells.push(Cell::from(Span::styled(state_label(v.state), state_style)));
            cells.push(Cell::from(format!("{:>7}", text::points(v.planned_points))));
            cells.push(Cell::from(format!("{:>6}", text::points(v.completed_points))));
            cells.push(Cell::from(Span::styled(
                format!("{:>6}", opt(v.say_do_ratio, text::percent)),
                say_do_style(v, theme),
            )));
            if wide {
                cells.push(Cell::from(format!("{:>6}", v.unestimated_issues)));
                cells.push(Cell::from(format!("{:>7}", opt(v.rolling_mean_3, text::points))));
            }
            Row::new(cells)
        })
        .collect();
    let name_w = rows
        .iter()
        .map(|v| text::width(&v.name))
        .max()
        .unwrap_or(0)
        .clamp(10, 32) as u16;
    let (header, widths): (Vec<&str>, Vec<Constraint>) = if wide {
        (
            vec![
                "Board", "Sprint", "State", "Planned", "  Done", "Say/do", "Unest.", "Mean(3)",
            ],
            vec![
                Constraint::Length(5),
                Constraint::Length(name_w),
                Constraint::Length(6),
                Constraint::Length(7),
                Constraint::Length(6),
                Constraint::Length(6),
                Constraint::Length(6),
                Constraint::Length(7),
            ],
        )
    } else {
        (
            vec!["Sprint", "State", "Planned", "  Done", "Say/do"],
            vec![
                Constraint::Min(8),
                Constraint::Length(6),
                Constraint::Length(7),
                Constraint::Length(6),
                Constraint::Length(6),
            ],
        )
    };
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
