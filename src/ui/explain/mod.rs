//! `e` explains a number: what it means (the metric's definition, in the
//! analytics' own words), the time window it covers, and the items behind it
//! (issue keys, meeting ids), so nobody has to take a figure on trust.
//!
//! [`explanations`] lists the numbers of the selected row (a sprint has
//! several: completed, planned, say/do...); the overlay shows one at a time
//! and the tab keys step between them. [`defs`] holds the definitions,
//! copied from the analytics' doc comments; [`build`] reads the snapshot.
//! Must not: compute metrics (it only reads the snapshot).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

use super::action::Action;
use super::app::App;
use super::keymap::Keymap;
use super::text;
use super::theme::Theme;

pub mod build;
pub mod defs;
pub mod more;

/// One number, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The metric's short name (`Completed points`).
    pub metric: String,
    /// The figure as shown (`13 points`).
    pub value: String,
    /// What it is about (`PAY Sprint 14 · board 7 · active`).
    pub subject: String,
    /// What it means.
    pub definition: String,
    /// The time window it covers.
    pub window: String,
    /// The items behind it: a heading each, with the items.
    pub groups: Vec<(String, Vec<String>)>,
    /// Anything the reader should know that the data cannot show.
    pub note: Option<String>,
}

/// The numbers of the current tab's selected row, the one the tab
/// highlights first; empty when nothing is selected.
pub fn explanations(app: &App) -> Vec<Explanation> {
    let tab = app.tab();
    match app.selected_row(tab) {
        Some(row) => build::for_row(app, tab, row),
        None => Vec::new(),
    }
}

/// Where the overlay goes in `area`: as tall as its `content` rows (plus
/// borders) allow, never taller than the screen.
fn overlay_rect(area: Rect, content: usize) -> Rect {
    let w = area.width.saturating_sub(4).min(96);
    let want = u16::try_from(content + 2).unwrap_or(u16::MAX);
    let h = area.height.saturating_sub(2).min(want);
    area.centered(Constraint::Length(w), Constraint::Length(h))
}

/// Inner width of the overlay on `area` (borders and padding off).
fn inner_width(area: Rect) -> usize {
    usize::from(overlay_rect(area, 0).width.saturating_sub(4)).max(1)
}

/// Orders ids the way people count: `ALP-4` before `ALP-10` (by the text
/// before the first number, then the number, then the rest).
fn natural_key(s: &str) -> (String, u64, String) {
    let Some(start) = s.find(|c: char| c.is_ascii_digit()) else {
        return (s.to_string(), 0, String::new());
    };
    let end = s[start..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(s.len(), |i| start + i);
    let n = s[start..end].parse::<u64>().unwrap_or(u64::MAX);
    (s[..start].to_string(), n, s[end..].to_string())
}

/// Lines under the fixed header (metric picker, figure): they scroll.
fn body_lines<'a>(e: &Explanation, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let label = theme.muted().add_modifier(Modifier::BOLD);
    let body = theme.surface();
    let mut lines: Vec<Line> = Vec::new();
    let field = |name: &str, value: &str, lines: &mut Vec<Line<'a>>| {
        let wrapped = text::wrap(value, width.saturating_sub(8).max(1));
        for (i, l) in wrapped.into_iter().enumerate() {
            let head = if i == 0 {
                format!("{name:<8}")
            } else {
                " ".repeat(8)
            };
            lines.push(Line::from(vec![Span::styled(head, label), Span::styled(l, body)]));
        }
    };
    field("About", &e.subject, &mut lines);
    field("Window", &e.window, &mut lines);
    lines.push(Line::raw(""));
    lines.push(Line::styled("Definition", label));
    lines.extend(
        text::wrap(&e.definition, width)
            .into_iter()
            .map(|l| Line::styled(l, body)),
    );
    for (heading, items) in &e.groups {
        lines.push(Line::raw(""));
        lines.push(Line::styled(text::truncate(heading, width), label));
        if items.is_empty() {
            lines.push(Line::styled("none", theme.muted()));
        } else if items.iter().all(|i| text::width(i) <= 20) {
            // Short ids read best as a paragraph, in counting order.
            let mut ids: Vec<&String> = items.iter().collect();
            ids.sort_by_cached_key(|i| natural_key(i));
            let joined = ids.iter().map(|i| i.as_str()).collect::<Vec<_>>().join("  ");
            lines.extend(
                text::wrap(&joined, width)
                    .into_iter()
                    .map(|l| Line::styled(l, body)),
            );
        } else {
            for item in items {
                lines.push(Line::from(vec![
                    Span::styled("• ", theme.muted()),
                    Span::styled(text::truncate(item, width.saturating_sub(2)), body),
                ]));
            }
        }
    }
    if let Some(note) = &e.note {
        lines.push(Line::raw(""));
        lines.extend(
            text::wrap(note, width)
                .into_iter()
                .map(|l| Line::styled(l, theme.warning())),
        );
    }
    lines
}

/// Rows the header takes: picker (when several numbers), figure, gap.
fn header_rows(count: usize) -> u16 {
    if count > 1 { 3 } else { 2 }
}

/// How far the explanation `metric` can scroll on a `viewport` (w, h) screen.
pub fn max_scroll(app: &App, metric: usize, viewport: (u16, u16)) -> usize {
    let all = explanations(app);
    let Some(e) = all.get(metric) else {
        return 0;
    };
    let area = Rect::new(0, 0, viewport.0, viewport.1);
    let header = usize::from(header_rows(all.len()));
    let body = body_lines(e, inner_width(area), &Theme::plain()).len();
    let rect = overlay_rect(area, header + body);
    let room = usize::from(rect.height.saturating_sub(2)).saturating_sub(header);
    body.saturating_sub(room)
}

/// The picker line: every metric's name, the current one highlighted;
/// `2/5 Planned points` when they do not fit.
fn picker<'a>(all: &[Explanation], metric: usize, width: usize, theme: &Theme) -> Line<'a> {
    let names: Vec<&str> = all.iter().map(|e| e.metric.as_str()).collect();
    let full: usize = names.iter().map(|n| text::width(n) + 3).sum();
    if full <= width {
        let mut spans = Vec::new();
        for (i, n) in names.iter().enumerate() {
            let style = if i == metric {
                theme.surface().patch(theme.selection())
            } else {
                theme.muted()
            };
            spans.push(Span::styled(format!(" {n} "), style));
            if i + 1 < names.len() {
                spans.push(Span::styled("·", theme.border()));
            }
        }
        Line::from(spans)
    } else {
        Line::styled(
            text::truncate(
                &format!("‹ {}/{} {} ›", metric + 1, names.len(), names[metric]),
                width,
            ),
            theme.accent(),
        )
    }
}

/// Draws the explanation `metric` of the current selection, scrolled by `scroll`.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    (metric, scroll): (usize, usize),
    keymap: &Keymap,
    theme: &Theme,
) {
    let all = explanations(app);
    if all.is_empty() {
        return;
    }
    let metric = metric.min(all.len() - 1);
    let e = &all[metric];
    let w = inner_width(area);
    let body = body_lines(e, w, theme);
    let rect = overlay_rect(area, usize::from(header_rows(all.len())) + body.len());
    if rect.width < 12 || rect.height < 5 {
        return;
    }
    let key = |a: Action| keymap.key_for(a).unwrap_or_default();
    let mut hint = Vec::new();
    if all.len() > 1 {
        hint.push(format!(
            "{}/{} number",
            key(Action::PrevTab),
            key(Action::NextTab)
        ));
    }
    hint.push(format!("{}/{} scroll", key(Action::Down), key(Action::Up)));
    hint.push(format!("{} close", key(Action::Back)));
    let block = Block::bordered()
        .border_style(theme.border())
        .style(theme.surface())
        .title(Span::styled(
            format!(" Explain · {} ", text::one_line(&e.metric)),
            theme.title(),
        ))
        .title_bottom(Line::styled(format!(" {} ", hint.join(" · ")), theme.muted()).right_aligned())
        .padding(Padding::horizontal(1));
    let inner = block.inner(rect);
    let mut lines: Vec<Line> = Vec::new();
    if all.len() > 1 {
        lines.push(picker(&all, metric, w, theme));
    }
    lines.push(Line::from(vec![
        Span::styled(text::truncate(&e.metric, w / 2), theme.muted()),
        Span::styled("  ", theme.surface()),
        Span::styled(
            text::truncate(&e.value, w.saturating_sub(text::width(&e.metric).min(w / 2) + 2)),
            theme.accent(),
        ),
    ]));
    lines.push(Line::raw(""));
    let room = usize::from(inner.height).saturating_sub(lines.len());
    let max = body.len().saturating_sub(room);
    let scroll = scroll.min(max);
    let more_below = body.len() > scroll + room;
    let take = if more_below { room.saturating_sub(1) } else { room };
    lines.extend(body.into_iter().skip(scroll).take(take));
    if more_below && room > 0 {
        lines.push(Line::styled(
            text::truncate(&format!("↓ more ({} line(s))", max - scroll), w),
            theme.muted(),
        ));
    }
    super::tabs::clear_for_overlay(frame, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_the_way_people_count() {
        let mut ids = vec![
            "ALP-10 (3)",
            "ALP-4 (?)",
            "BET-2",
            "ALP-30",
            "x",
            "88441517",
            "ALP-100 (1)",
        ];
        ids.sort_by_cached_key(|i| natural_key(i));
        assert_eq!(
            ids,
            [
                "88441517",
                "ALP-4 (?)",
                "ALP-10 (3)",
                "ALP-30",
                "ALP-100 (1)",
                "BET-2",
                "x"
            ]
        );
    }
}
