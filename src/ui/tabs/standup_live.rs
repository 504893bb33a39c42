//! The live standup, for a shared screen: the person speaking in large type
//! with a timer against the time box (amber from 80 %, red past it, "over
//! by"), their done / doing / blockers, who is next, and the speaking order
//! with each person's time so far.
//!
//! Reads the app; never changes it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph};

use super::standup::{FLAG, key, order_label, sections};
use super::{lines_pane, pane};
use crate::ui::action::Action;
use crate::ui::app::{App, StandupData, mm_ss};
use crate::ui::keymap::Keymap;
use crate::ui::text;
use crate::ui::theme::Theme;

/// Draws the live standup over the whole tab.
pub fn render(frame: &mut Frame, area: Rect, app: &App, data: &StandupData, theme: &Theme, keymap: &Keymap) {
    let Some(l) = app.standup().live.as_ref() else {
        return;
    };
    let Some(p) = app.live_person() else { return };
    let (turn, total) = app.live_elapsed().unwrap_or_default();
    let box_secs = data.time_box_secs.max(1);
    let ratio = turn.as_secs_f64() / box_secs as f64;
    let timer_style = if ratio > 1.0 {
        theme.danger()
    } else if ratio >= 0.8 {
        theme.warning()
    } else {
        theme.success()
    };
    let (main, side) = if area.width >= 100 {
        let [m, s] = Layout::horizontal([Constraint::Min(0), Constraint::Length(34)]).areas(area);
        (m, Some(s))
    } else {
        (area, None)
    };
    let title = format!(
        "Live standup · {} of {} · {} · {} total",
        l.at + 1,
        l.order.len(),
        order_label(app.standup().order),
        mm_ss(total)
    );
    let block = pane(&title, theme);
    let inner = block.inner(main);
    frame.render_widget(block, main);
    if inner.height == 0 {
        return;
    }
    let w = usize::from(inner.width);
    let over = turn.as_secs().saturating_sub(box_secs);
    let timer = if over > 0 {
        format!(
            "{} / {} · over by {}",
            mm_ss(turn),
            mm_ss(std::time::Duration::from_secs(box_secs)),
            mm_ss(std::time::Duration::from_secs(over))
        )
    } else {
        format!(
            "{} / {}",
            mm_ss(turn),
            mm_ss(std::time::Duration::from_secs(box_secs))
        )
    };
    let name = text::one_line(&p.person).to_uppercase();
    let flag = if app.is_flagged(&p.person) {
        format!("  {FLAG} blocker flagged")
    } else {
        String::new()
    };
    let name_room = w.saturating_sub(text::width(&timer) + 2);
    let head = Line::from(vec![
        Span::styled(
            text::truncate(&name, name_room),
            theme.accent().add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            text::truncate(&flag, name_room.saturating_sub(text::width(&name))),
            theme.danger(),
        ),
    ]);
    let [head_area, gauge_area, _gap, body_area, foot_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(inner);
    let [name_area, timer_area] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(text::width(&timer) as u16 + 1),
    ])
    .areas(head_area);
    frame.render_widget(Paragraph::new(head), name_area);
    frame.render_widget(
        Paragraph::new(Line::styled(timer, timer_style.add_modifier(Modifier::BOLD))),
        timer_area,
    );
    frame.render_widget(
        LineGauge::default()
            .ratio(ratio.clamp(0.0, 1.0))
            .filled_style(timer_style)
            .unfilled_style(theme.muted())
            .label(""),
        gauge_area,
    );
    let mut lines = Vec::new();
    if p.is_empty() {
        lines.push(Line::styled(
            "No recorded activity on the last work day.",
            theme.muted(),
        ));
    }
    lines.extend(sections(p, w, false, theme));
    let body_block = ratatui::widgets::Block::default();
    lines_pane(frame, body_area, body_block, lines, theme);
    let next = l
        .order
        .get(l.at + 1)
        .and_then(|&i| app.standup_person(i))
        .map_or_else(
            || "last one".to_string(),
            |n| format!("next: {}", text::one_line(&n.person)),
        );
    let foot = format!(
        "{next} · {} next · {} previous · {} flag blocker · {} draft · {} end",
        key(keymap, Action::NextPerson),
        key(keymap, Action::PrevPerson),
        key(keymap, Action::FlagBlocker),
        key(keymap, Action::Draft),
        key(keymap, Action::LiveStandup)
    );
    frame.render_widget(
        Paragraph::new(Line::styled(text::truncate(&foot, w), theme.muted())),
        foot_area,
    );
    if let Some(side) = side {
        order_list(frame, side, app, theme);
    }
}

fn order_list(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(l) = app.standup().live.as_ref() else {
        return;
    };
    let (speaking, _) = app.live_elapsed().unwrap_or_default();
    let block = pane("Order", theme);
    let w = usize::from(block.inner(area).width);
    let lines: Vec<Line> = l
        .order
        .iter()
        .enumerate()
        .filter_map(|(pos, &i)| {
            let p = app.standup_person(i)?;
            let spent = if pos == l.at {
                speaking
            } else {
                l.spent.get(pos).copied().unwrap_or_default()
            };
            let (mark, style) = if pos == l.at {
                ("▶", theme.accent().add_modifier(Modifier::BOLD))
            } else if pos < l.at {
                ("✓", theme.muted())
            } else {
                (" ", theme.text())
            };
            let flag = if app.is_flagged(&p.person) { FLAG } else { " " };
            let time = if spent.is_zero() {
                String::new()
            } else {
                mm_ss(spent)
            };
            let room = w.saturating_sub(5 + text::width(&time));
            Some(Line::from(vec![
                Span::styled(format!("{mark} "), style),
                Span::styled(
                    text::pad(&text::truncate(&text::one_line(&p.person), room), room),
                    style,
                ),
                Span::styled(format!("{flag} "), theme.danger()),
                Span::styled(time, theme.muted()),
            ]))
        })
        .collect();
    lines_pane(frame, area, block, lines, theme);
}
