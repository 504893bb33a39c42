//! Meetings tab: meeting hours per person in the latest week as bars, and a
//! table of the recent weeks per person. `Open` lists the selected
//! person's weeks and the meetings behind the latest one.

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Cell, Row};

use super::{count, empty, filter_note, lines_pane, list_table, no_match, pane, window, wrapped};
use crate::insight::Snapshot;
use crate::ui::app::{App, Tab};
use crate::ui::text;
use crate::ui::theme::Theme;
use crate::ui::view::MeetingGrid;

/// Hours a week from which a load is shown as a warning.
const WARN_HOURS: f64 = 15.0;
/// Hours a week from which a load is shown as a danger (half a 40h week).
const DANGER_HOURS: f64 = 20.0;

pub use crate::ui::view::{PersonLoad, people};

/// The latest week with any meeting data.
pub fn latest_week(snap: &Snapshot) -> Option<Date> {
    snap.meeting_load.iter().map(|m| m.week_start).max()
}

fn hours_style(h: f64, theme: &Theme) -> Style {
    if h >= DANGER_HOURS {
        theme.danger()
    } else if h >= WARN_HOURS {
        theme.warning()
    } else if h == 0.0 {
        theme.muted()
    } else {
        theme.text()
    }
}

/// Draws the tab.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let snap = &app.data().snapshot;
    let all = app.people();
    let grid = app.meeting_grid();
    let Some(latest) = grid.latest() else {
        empty(
            frame,
            area,
            "Meetings",
            "No meeting attendance yet: sync Zoom to see meeting load.",
            theme,
        );
        return;
    };
    let visible = app.visible(Tab::Meetings);
    if visible.is_empty() {
        no_match(frame, area, app, Tab::Meetings, "Meetings", theme);
        return;
    }
    let people: Vec<&PersonLoad> = visible.iter().map(|&i| &all[i]).collect();
    let selected = app.selected(Tab::Meetings).min(people.len() - 1);
    let top_h = (people.len() as u16)
        .saturating_add(2)
        .clamp(5, 14)
        .min(area.height / 2);
    let [top, bottom] = Layout::vertical([Constraint::Length(top_h), Constraint::Min(0)]).areas(area);
    if app.detail_open(Tab::Meetings) {
        detail(frame, top, snap, &people[selected].person, theme);
    } else {
        // One scale for every week, so a quiet week looks quiet.
        let scale = grid.max_hours.max(DANGER_HOURS);
        let week = Week {
            start: latest,
            in_progress: in_progress(snap, latest),
        };
        bars(frame, top, &people, selected, week, scale, theme);
    }
    let title = format!(
        "Hours per week ({} people){}",
        count(app, Tab::Meetings),
        filter_note(app, Tab::Meetings)
    );
    table(frame, bottom, grid, visible, &people, selected, &title, theme);
}

/// The week the bars show.
struct Week {
    start: Date,
    /// The snapshot was taken before the week ended: its hours are so far.
    in_progress: bool,
}

/// Whether the week starting `week` had not ended when `snap` was taken.
fn in_progress(snap: &Snapshot, week: Date) -> bool {
    let today = snap
        .as_of
        .in_tz(&snap.time_zone)
        .map(|z| z.date())
        .unwrap_or_else(|_| snap.as_of.to_zoned_datetime(jiff::tz::TimeZone::UTC).date());
    week.checked_add(jiff::ToSpan::days(7))
        .is_ok_and(|end| today < end)
}

fn bars(
    frame: &mut Frame,
    area: Rect,
    people: &[&PersonLoad],
    selected: usize,
    week: Week,
    scale: f64,
    theme: &Theme,
) {
    let so_far = if week.in_progress { ", so far" } else { "" };
    let block = pane(&format!("Meeting hours · week of {}{so_far}", week.start), theme);
    let inner = block.inner(area);
    let visible = usize::from(inner.height);
    if visible == 0 || inner.width < 8 {
        frame.render_widget(block, area);
        return;
    }
    // Heaviest first: show the top, scrolling just enough to keep the selection.
    let start = (selected + 1).saturating_sub(visible);
    let label_w = (usize::from(inner.width) / 3).clamp(4, 28);
    let bars: Vec<Bar> = people
        .iter()
        .enumerate()
        .skip(start)
        .take(visible)
        .map(|(i, p)| {
            let style = if i == selected {
                theme.accent()
            } else {
                hours_style(p.hours, theme)
            };
            Bar::default()
                .value((p.hours * 10.0).round().max(0.0) as u64)
                .text_value(format!("{:>6}", text::hours(p.hours)))
                .label(Line::from(text::pad(&text::one_line(&p.person), label_w)))
                .style(style)
                .value_style(theme.selection().patch(style))
        })
        .collect();
    let chart = BarChart::horizontal(bars)
        .max((scale * 10.0).round().max(1.0) as u64)
        .block(block)
        .bar_width(1)
        .bar_gap(0)
        .label_style(theme.text());
    frame.render_widget(chart, area);
}

fn detail(frame: &mut Frame, area: Rect, snap: &Snapshot, person: &str, theme: &Theme) {
    let block = pane(person, theme);
    let w = block.inner(area).width;
    let mut weeks: Vec<_> = snap.meeting_load.iter().filter(|m| m.person == person).collect();
    weeks.sort_by_key(|m| std::cmp::Reverse(m.week_start));
    let mut lines: Vec<Line> = Vec::new();
    if let Some(latest) = weeks.first() {
        lines.push(Line::styled(
            format!(
                "Meetings in the week of {} ({})",
                latest.week_start,
                latest.meeting_ids.len()
            ),
            theme.muted().add_modifier(Modifier::BOLD),
        ));
        lines.extend(wrapped(&latest.meeting_ids.join(" "), w, theme.text()));
    }
    lines.push(Line::styled("Weeks", theme.muted().add_modifier(Modifier::BOLD)));
    for m in &weeks {
        lines.push(Line::from(vec![
            Span::styled(format!("{}  ", m.week_start), theme.muted()),
            Span::styled(
                format!("{:>6}", text::hours(m.meeting_hours)),
                hours_style(m.meeting_hours, theme),
            ),
            Span::styled(format!("  {} meeting(s)", m.meetings), theme.text()),
        ]));
    }
    lines_pane(frame, area, block, lines, theme);
}

#[allow(clippy::too_many_arguments)]
fn table(
    frame: &mut Frame,
    area: Rect,
    grid: &MeetingGrid,
    rows: &[usize],
    people: &[&PersonLoad],
    selected: usize,
    title: &str,
    theme: &Theme,
) {
    let name_w = people
        .iter()
        .map(|p| text::width(&p.person))
        .max()
        .unwrap_or(0)
        .clamp(10, 32) as u16;
    // Borders and highlight take 4 cells, the person column `name_w`; each week 8 (with spacing).
    let room = usize::from(area.width.saturating_sub(4 + name_w)) / 8;
    let first = grid.weeks.len().saturating_sub(room.clamp(1, 8));
    let weeks: Vec<(usize, Date)> = grid.weeks.iter().copied().enumerate().skip(first).collect();
    let mut header = vec![Cell::from("Person")];
    header.extend(
        weeks
            .iter()
            .map(|(_, d)| Cell::from(format!("{:>7}", text::short_date(*d)))),
    );
    // Only the rows that can show are built.
    let (offset, shown) = window(selected, people.len(), area.height.saturating_sub(3));
    let body: Vec<Row> = (offset..offset + shown)
        .map(|i| {
            let p = people[i];
            let mut cells = vec![Cell::from(Span::styled(text::one_line(&p.person), theme.text()))];
            for (w, _) in &weeks {
                let h = grid.hours(rows[i], *w);
                cells.push(Cell::from(Span::styled(
                    format!("{:>7}", text::hours(h)),
                    hours_style(h, theme),
                )));
            }
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![Constraint::Length(name_w)];
    widths.extend(weeks.iter().map(|_| Constraint::Length(7)));
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
