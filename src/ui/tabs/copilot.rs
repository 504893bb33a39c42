//! Copilot tab: the question box, the answer as it streams in, and the facts
//! the answer cites; `Open` shows the selected fact with its items and links.
//!
//! Reads the app; never changes it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState};

use super::{filter_note, lines_pane, pane, window, wrapped};
use crate::insight::copilot::Fact;
use crate::ui::action::Action;
use crate::ui::app::{App, DraftStatus, Tab};
use crate::ui::keymap::Keymap;
use crate::ui::text;
use crate::ui::theme::Theme;

fn key(keymap: &Keymap, a: Action) -> String {
    keymap.key_for(a).unwrap_or_else(|| format!(":{}", a.name()))
}

/// Draws the tab.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, keymap: &Keymap) {
    let c = app.copilot();
    let input_h = 4.min(area.height);
    let [input_area, rest] = Layout::vertical([Constraint::Length(input_h), Constraint::Min(0)]).areas(area);
    question(frame, input_area, app, theme, keymap);
    let cited = app.visible(Tab::Copilot);
    let selected = app.selected(Tab::Copilot).min(cited.len().saturating_sub(1));
    if app.detail_open(Tab::Copilot)
        && let Some(f) = cited.get(selected).and_then(|&i| c.facts.get(i))
    {
        fact_detail(frame, rest, f, theme, keymap);
        return;
    }
    if cited.is_empty() && app.filter(Tab::Copilot).is_empty() {
        answer(frame, rest, app, theme, keymap);
        return;
    }
    let (answer_area, cited_area) = if rest.width >= 120 {
        let [a, b] = Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(rest);
        (a, b)
    } else {
        let list_h = (cited.len() as u16)
            .saturating_add(2)
            .min(rest.height * 2 / 5)
            .max(3.min(rest.height));
        let [a, b] = Layout::vertical([Constraint::Min(0), Constraint::Length(list_h)]).areas(rest);
        (a, b)
    };
    answer(frame, answer_area, app, theme, keymap);
    cited_list(frame, cited_area, app, cited, selected, theme, keymap);
}

fn question(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, keymap: &Keymap) {
    let c = app.copilot();
    let title = if app.copilot_editing() {
        "Ask · enter asks · esc leaves the box".to_string()
    } else {
        format!("Question · {} types a question", key(keymap, Action::Ask))
    };
    let mut input = c.input.clone();
    let border = if app.copilot_editing() {
        theme.accent()
    } else {
        theme.border()
    };
    input.set_block(pane(&title, theme).border_style(border));
    input.set_style(theme.text());
    input.set_placeholder_style(theme.muted());
    input.set_cursor_line_style(theme.text());
    if app.copilot_editing() {
        input.set_cursor_style(theme.selection());
    } else {
        // No cursor while the box does not take keys.
        input.set_cursor_style(theme.text());
    }
    frame.render_widget(&input, area);
}

fn answer(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, keymap: &Keymap) {
    let c = app.copilot();
    let status = match &c.status {
        DraftStatus::Idle => String::new(),
        DraftStatus::Waiting => " · retrieving facts…".into(),
        DraftStatus::Streaming => " · writing…".into(),
        DraftStatus::Done(by) => format!(" · {}", text::one_line(by)),
        DraftStatus::Failed(_) => " · incomplete".into(),
    };
    let block = pane(&format!("Answer{status}"), theme);
    let w = block.inner(area).width;
    let mut lines: Vec<Line> = Vec::new();
    if c.status == DraftStatus::Idle {
        lines.extend(wrapped(
            &format!(
                "{} opens the question box. The answer uses only facts computed from the team's synced work, retrieved for you under the access rules, and cites them like [F2]. Drafted offline unless an LLM is configured.",
                key(keymap, Action::Ask)
            ),
            w,
            theme.muted(),
        ));
    } else {
        lines.extend(wrapped(&format!("Q: {}", c.question), w, theme.accent()));
        lines.push(Line::raw(""));
    }
    if let DraftStatus::Failed(why) = &c.status {
        lines.extend(wrapped(
            &format!("The answer is incomplete and not to be relied on: {why}"),
            w,
            theme.danger(),
        ));
    }
    if c.status == DraftStatus::Waiting && c.answer.is_empty() {
        lines.push(Line::styled("…", theme.muted()));
    }
    lines.extend(super::standup::draft_lines(&c.answer, w, theme.text()));
    lines_pane(frame, area, block, lines, theme);
}

fn cited_list(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    cited: &[usize],
    selected: usize,
    theme: &Theme,
    keymap: &Keymap,
) {
    let c = app.copilot();
    let title = format!(
        "Cited ({}) · {} opens{}",
        cited.len(),
        key(keymap, Action::Open),
        filter_note(app, Tab::Copilot)
    );
    let block = pane(&title, theme);
    let inner_w = usize::from(block.inner(area).width).saturating_sub(2);
    let (offset, shown) = window(selected, cited.len(), area.height.saturating_sub(2));
    let items: Vec<ListItem> = cited[offset..offset + shown]
        .iter()
        .map(|&i| {
            let f = &c.facts[i];
            let head = format!("[{}] ", f.id);
            ListItem::new(Line::from(vec![
                Span::styled(head.clone(), theme.accent()),
                Span::styled(
                    text::truncate(
                        &text::one_line(&f.text),
                        inner_w.saturating_sub(text::width(&head)),
                    ),
                    theme.text(),
                ),
            ]))
        })
        .collect();
    if items.is_empty() {
        let msg = format!(
            "No cited fact matches \"{}\".",
            text::one_line(app.filter(Tab::Copilot))
        );
        lines_pane(frame, area, block, vec![Line::styled(msg, theme.muted())], theme);
        return;
    }
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selection())
        .highlight_symbol("▶ ");
    let mut state = ListState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(list, area, &mut state);
}

fn fact_detail(frame: &mut Frame, area: Rect, f: &Fact, theme: &Theme, keymap: &Keymap) {
    let block = pane(
        &format!("[{}] · {} closes", f.id, key(keymap, Action::Back)),
        theme,
    );
    let w = block.inner(area).width;
    let label = theme.muted().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line> = wrapped(&f.text, w, theme.text());
    if let Some(s) = &f.subject {
        lines.push(Line::styled(
            format!("About {}", text::one_line(s)),
            theme.muted(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(format!("Items ({})", f.cites.len()), label));
    if f.cites.is_empty() {
        lines.push(Line::styled(
            "  a team figure: no single item behind it",
            theme.muted(),
        ));
    }
    for e in &f.cites {
        lines.push(Line::from(vec![
            Span::styled("• ", theme.muted()),
            Span::styled(text::one_line(&e.label), theme.accent()),
        ]));
        if let Some(url) = &e.url {
            lines.push(Line::styled(
                format!(
                    "  {}",
                    text::truncate(&text::one_line(url), usize::from(w).saturating_sub(2))
                ),
                theme.muted(),
            ));
        }
    }
    lines_pane(frame, area, block, lines, theme);
}
