//! Drawing the whole screen from the app state: tabs bar, the current tab,
//! problems found at start, the status line (or the `/` prompt in its
//! place), and the overlays (help, palette, explain); or a "terminal too
//! small" notice.
//!
//! Rendering is a pure function of ([`App`], [`Theme`], [`Keymap`]) into a
//! ratatui frame, so it can be snapshot-tested on a `TestBackend`. Must not:
//! change state, block, or do I/O.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Action;
use super::app::{App, Overlay, Tab};
use super::input::LineInput;
use super::keymap::Keymap;
use super::theme::Theme;
use super::{explain, help, palette, tabs, text};

/// Below this width the cockpit shows only a "too small" notice.
pub const MIN_WIDTH: u16 = 40;
/// Below this height the cockpit shows only a "too small" notice.
pub const MIN_HEIGHT: u16 = 10;

/// Most lines the start-up problems take above the status line.
const MAX_PROBLEM_LINES: usize = 3;

/// Draws the cockpit.
pub fn render(frame: &mut Frame, app: &App, theme: &Theme, keymap: &Keymap) {
    // The frame starts blank: ratatui resets the buffer after every draw.
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, theme);
        return;
    }
    let problem_h = app.problems().len().min(MAX_PROBLEM_LINES) as u16;
    let [top, body, problems, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(problem_h),
        Constraint::Length(1),
    ])
    .areas(area);
    tabs_bar(frame, top, app, theme, keymap);
    match app.tab() {
        Tab::Cards => tabs::cards::render(frame, body, app, theme),
        Tab::Sprint => tabs::sprint::render(frame, body, app, theme),
        Tab::Meetings => tabs::meetings::render(frame, body, app, theme),
        Tab::Pulse => tabs::pulse::render(frame, body, app, theme),
        Tab::Strategic => tabs::strategic::render(frame, body, app, theme),
        Tab::Docs => tabs::docs::render(frame, body, app, theme),
        Tab::Sync => tabs::sync::render(frame, body, app, theme),
        Tab::Standup => tabs::standup::render(frame, body, app, theme, keymap),
        Tab::Copilot => tabs::copilot::render(frame, body, app, theme, keymap),
    }
    problem_lines(frame, problems, app, theme, keymap);
    match app.prompt() {
        Some(input) => {
            let cursor = prompt_line(frame, bottom, app, input, theme);
            frame.set_cursor_position(cursor);
        }
        None => status_line(frame, bottom, app, theme),
    }
    match app.overlay() {
        Overlay::None => {}
        Overlay::Help => help::render(frame, area, keymap, theme),
        Overlay::Palette(p) => {
            if let Some(cursor) = palette::render(frame, area, p, keymap, theme) {
                frame.set_cursor_position(cursor);
            }
        }
        Overlay::Explain { metric, scroll } => {
            explain::render(frame, area, app, (*metric, *scroll), keymap, theme)
        }
    }
}

/// The problems found at start, one a line, the last saying how to dismiss them.
fn problem_lines(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, keymap: &Keymap) {
    let all = app.problems();
    if area.height == 0 || all.is_empty() {
        return;
    }
    let w = usize::from(area.width);
    let rows = usize::from(area.height);
    let dismiss = keymap
        .key_for(Action::Back)
        .map(|k| format!(" ({k} dismisses)"))
        .unwrap_or_default();
    let mut lines: Vec<Line> = Vec::new();
    for (i, p) in all.iter().take(rows).enumerate() {
        let last = i + 1 == rows.min(all.len());
        let more = if last && all.len() > rows {
            format!(" … and {} more", all.len() - rows)
        } else {
            String::new()
        };
        let tail = if last {
            format!("{more}{dismiss}")
        } else {
            String::new()
        };
        let room = w.saturating_sub(2 + text::width(&tail));
        lines.push(Line::from(vec![
            Span::styled("! ", theme.danger()),
            Span::styled(text::truncate(&text::one_line(p), room), theme.danger()),
            Span::styled(tail, theme.muted()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The `/` prompt in place of the status line; returns the cursor position.
fn prompt_line(frame: &mut Frame, area: Rect, app: &App, input: &LineInput, theme: &Theme) -> (u16, u16) {
    let tab = app.tab();
    let w = usize::from(area.width);
    let counts = format!(
        " {} of {} {} ",
        app.row_count(tab),
        app.total_rows(tab),
        app.noun(tab)
    );
    // The longest hint that leaves half the line for typing.
    let info = [format!("{counts}· enter keeps · esc clears "), counts]
        .into_iter()
        .find(|i| text::width(i) * 2 <= w)
        .unwrap_or_default();
    let room = w.saturating_sub(text::width(&info) + 3);
    // Keep the cursor in view: show the end of a text longer than the room.
    let typed = input.text();
    let mut shown = typed.to_string();
    while text::width(&shown) > room && !shown.is_empty() {
        shown.remove(0);
    }
    let col = input
        .cursor_column()
        .saturating_sub(text::width(typed) - text::width(&shown));
    let [l, r] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(text::width(&info) as u16)]).areas(area);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" /", theme.matched()),
            Span::styled(shown, theme.text()),
        ])),
        l,
    );
    frame.render_widget(Paragraph::new(Line::styled(info, theme.muted())), r);
    let x = area.x + (2 + col).min(w.saturating_sub(1)) as u16;
    (x, area.y)
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = usize::from(area.width);
    let lines = [
        Line::styled(text::truncate("terminal too small", w), theme.warning()),
        Line::styled(
            text::truncate(
                &format!(
                    "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
                    area.width, area.height
                ),
                w,
            ),
            theme.muted(),
        ),
    ];
    let shown = usize::from(area.height).min(lines.len());
    let y = area.y + (area.height - shown as u16) / 2;
    let rect = Rect::new(area.x, y, area.width, shown as u16);
    frame.render_widget(
        Paragraph::new(lines[..shown].to_vec()).alignment(Alignment::Center),
        rect,
    );
}

/// `key label` pairs for the tabs bar, generated from the keymap, most
/// important first (the bar drops them from the end when short of room).
fn hints(keymap: &Keymap) -> Vec<(String, &'static str)> {
    [
        (Action::Help, "help"),
        (Action::Quit, "quit"),
        (Action::Palette, "commands"),
        (Action::Sync, "sync"),
    ]
    .into_iter()
    .filter_map(|(a, label)| keymap.key_for(a).map(|k| (k, label)))
    .collect()
}

/// The label of each tab in the tabs bar (` 2 Sprint `); with `short`, the
/// tabs other than `current` show their number and first letters only.
fn tab_labels(keymap: &Keymap, current: Tab, short: Option<usize>) -> Vec<String> {
    Tab::ALL
        .into_iter()
        .enumerate()
        .map(|(i, tab)| {
            let number = u8::try_from(i + 1)
                .ok()
                .and_then(|n| keymap.bindings().iter().find(|b| b.action == Action::GoToTab(n)))
                .map(|b| format!("{} ", b.key))
                .unwrap_or_default();
            let title: String = match short {
                Some(n) if tab != current => tab.title().chars().take(n).collect(),
                _ => tab.title().to_string(),
            };
            format!(" {number}{title} ")
        })
        .collect()
}

const BRAND: &str = " ASYNC Cockpit ";

/// How the tabs bar fits `width`: with or without the brand, and the tab
/// labels (full, then shortened to 4, 2, then 0 letters off the current tab).
fn bar_layout(width: u16, keymap: &Keymap, current: Tab) -> (bool, Vec<String>) {
    let fits = |brand: bool, labels: &[String]| {
        let w: usize = labels.iter().map(|l| text::width(l)).sum::<usize>() + labels.len().saturating_sub(1);
        let b = if brand { text::width(BRAND) + 1 } else { 0 };
        w + b <= usize::from(width)
    };
    for (brand, short) in [
        (true, None),
        (false, None),
        (false, Some(4)),
        (false, Some(2)),
        (false, Some(0)),
    ] {
        let labels = tab_labels(keymap, current, short);
        if fits(brand, &labels) {
            return (brand, labels);
        }
    }
    (false, tab_labels(keymap, current, Some(0)))
}

/// The tab whose label is at column `x` of a tabs bar `width` wide while
/// `current` is shown (for mouse clicks).
pub fn tab_at(x: u16, width: u16, keymap: &Keymap, current: Tab) -> Option<Tab> {
    let (brand, labels) = bar_layout(width, keymap, current);
    let mut at = if brand { text::width(BRAND) + 1 } else { 0 };
    for (i, label) in labels.iter().enumerate() {
        if i > 0 {
            at += 1;
        }
        let w = text::width(label);
        if (at..at + w).contains(&usize::from(x)) {
            return Tab::ALL.get(i).copied();
        }
        at += w;
    }
    None
}

fn tabs_bar(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, keymap: &Keymap) {
    let (brand, labels) = bar_layout(area.width, keymap, app.tab());
    let mut spans = Vec::new();
    if brand {
        spans.push(Span::styled(BRAND, theme.accent()));
        spans.push(Span::styled("│", theme.border()));
    }
    for (i, (tab, label)) in Tab::ALL.into_iter().zip(labels).enumerate() {
        if i > 0 {
            spans.push(Span::styled("·", theme.muted()));
        }
        let style = if tab == app.tab() {
            theme.selection().patch(theme.accent())
        } else {
            theme.text()
        };
        spans.push(Span::styled(label, style));
    }
    let left = Line::from(spans);
    let room = usize::from(area.width).saturating_sub(left.width());
    let mut all = hints(keymap);
    let right = loop {
        let mut hint_spans = Vec::new();
        for (i, (key, label)) in all.iter().enumerate() {
            let gap = if i > 0 { "  " } else { "" };
            hint_spans.push(Span::styled(format!("{gap}{key}"), theme.accent()));
            hint_spans.push(Span::styled(format!(" {label}"), theme.muted()));
        }
        hint_spans.push(Span::raw(" "));
        let line = Line::from(hint_spans);
        if line.width() <= room || all.is_empty() {
            break line;
        }
        all.pop();
    };
    let rw = right.width() as u16;
    let [l, r] = Layout::horizontal([Constraint::Min(0), Constraint::Length(rw)]).areas(area);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right), r);
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// The sync part of the status line, and its style.
fn sync_summary(app: &App, theme: &Theme) -> (String, Style) {
    let s = app.sync();
    let snap = &app.data().snapshot;
    if let Some(note) = &s.notice {
        return (note.clone(), theme.warning());
    }
    if !s.running.is_empty() {
        let names: Vec<&str> = s.running.iter().map(|r| r.as_str()).collect();
        let mut out = format!(
            "syncing {} · {}, {}",
            names.join(", "),
            plural(s.pages, "page"),
            plural(s.records, "record")
        );
        if let Some((src, secs, reason)) = &s.waiting {
            out.push_str(&format!(" · {src} waits {secs:.0}s ({})", text::one_line(reason)));
        }
        return (out, theme.warning());
    }
    if s.requested {
        return ("sync requested…".into(), theme.warning());
    }
    if let Some((src, msg)) = &s.last_error {
        return (format!("{src} failed: {}", text::one_line(msg)), theme.danger());
    }
    let Some(t) = app.last_sync() else {
        return ("never synced".into(), theme.muted());
    };
    // Same day as the snapshot: the time is enough.
    let when = if text::date(t, &snap.time_zone) == text::date(snap.as_of, &snap.time_zone) {
        text::clock(t, &snap.time_zone)
    } else {
        text::time(t, &snap.time_zone)
    };
    let failed: Vec<&str> = app
        .data()
        .sources
        .iter()
        .filter(|r| r.error.is_some())
        .map(|r| r.source.as_str())
        .collect();
    if failed.is_empty() {
        (format!("synced {when}"), theme.muted())
    } else {
        (
            format!("synced {when} · {} failed", failed.join(", ")),
            theme.warning(),
        )
    }
}

fn status_line(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let snap = &app.data().snapshot;
    let w = usize::from(area.width);
    let (sync, sync_style) = sync_summary(app, theme);
    let sync = text::truncate(&sync, (w * 3 / 5).saturating_sub(1));
    let right_w = text::width(&sync) + 1;
    let left_w = w.saturating_sub(right_w + 1);
    let who = format!(
        "{} ({})",
        text::one_line(&app.data().viewer),
        text::one_line(&app.data().role)
    );
    // Shorten the place first (team, then site), the viewer last.
    let places = [
        format!(" {} · {}", text::one_line(&snap.site), text::one_line(&snap.team)),
        format!(" {}", text::one_line(&snap.site)),
    ];
    let left = match places
        .into_iter()
        .find(|p| text::width(p) + 3 + text::width(&who) <= left_w)
    {
        Some(place) => Line::from(vec![
            Span::styled(place, theme.text()),
            Span::styled(" │ ", theme.border()),
            Span::styled(who, theme.text()),
        ]),
        None => Line::from(Span::styled(
            text::truncate(&format!(" {who}"), left_w),
            theme.text(),
        )),
    };
    let [l, r] = Layout::horizontal([Constraint::Min(0), Constraint::Length(right_w as u16)]).areas(area);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(
        Paragraph::new(Line::from(vec![Span::styled(sync, sync_style), Span::raw(" ")])),
        r,
    );
}
