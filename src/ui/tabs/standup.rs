//! Standup tab: done / doing / blockers per person from the last work day's
//! activity, the selected person's card, and the drafted standup text; the
//! box showing exactly what will be posted to Slack. The live standup is
//! drawn by [`super::standup_live`].
//!
//! Reads the app; never changes it. Keys shown in hints come from the keymap.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use super::{clear_for_overlay, count, empty, filter_note, lines_pane, no_match, pane, window, wrapped};
use crate::config::StandupOrder;
use crate::insight::standup::{ItemKind, PersonStandup, StandupItem};
use crate::ui::action::Action;
use crate::ui::app::{App, DraftStatus, PostFlow, StandupData, Tab, mm_ss};
use crate::ui::explain::Explanation;
use crate::ui::keymap::Keymap;
use crate::ui::text;
use crate::ui::theme::Theme;

/// Marks a person with a blocker flagged in this standup.
pub(crate) const FLAG: &str = "⚑";

/// Wrapped lines of drafted text, keeping each line's indentation (the
/// drafts nest items under people and labels).
pub(crate) fn draft_lines<'a>(text_: &str, width: u16, style: Style) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    for l in text_.lines() {
        let body = l.trim_start();
        let indent = l.len() - body.len();
        let pad = " ".repeat(indent.min(usize::from(width) / 2));
        let room = width.saturating_sub(pad.len() as u16).max(1);
        let wrapped = text::wrap(body, usize::from(room));
        if wrapped.is_empty() {
            out.push(Line::raw(""));
        }
        for w in wrapped {
            out.push(Line::styled(format!("{pad}{w}"), style));
        }
    }
    out
}

pub(crate) fn key(keymap: &Keymap, a: Action) -> String {
    keymap.key_for(a).unwrap_or_else(|| format!(":{}", a.name()))
}

/// Draws the tab.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, keymap: &Keymap) {
    let Some(data) = app.standup_data() else {
        empty(
            frame,
            area,
            "Standup",
            "No standup yet: it appears once the team's activity is read. With nothing synced, sync GitHub, Jira or Slack to see what each person did, is doing and is blocked on.",
            theme,
        );
        return;
    };
    if app.standup().live.is_some() {
        super::standup_live::render(frame, area, app, data, theme, keymap);
    } else {
        overview(frame, area, app, data, theme, keymap);
    }
    if app.standup().post.is_open() {
        post_box(frame, area, app, theme, keymap);
    }
}

pub(crate) fn order_label(order: StandupOrder) -> &'static str {
    match order {
        StandupOrder::Config => "config order",
        StandupOrder::Shuffled => "shuffled for the day",
    }
}

fn overview(frame: &mut Frame, area: Rect, app: &App, data: &StandupData, theme: &Theme, keymap: &Keymap) {
    let team = &data.team;
    if team.people.is_empty() {
        empty(
            frame,
            area,
            "Standup",
            "Nobody is configured: add [[people]] to the config.",
            theme,
        );
        return;
    }
    let visible = app.visible(Tab::Standup);
    // Side by side (wide): the list and card take what the people need, the
    // draft the rest. Stacked (narrow): the draft keeps a quarter.
    let top_h = if area.width >= 100 {
        (visible.len() as u16)
            .saturating_add(3)
            .max(14)
            .min(area.height * 3 / 5)
    } else {
        area.height - (area.height / 4).max(5).min(area.height.saturating_sub(6))
    };
    let [top, draft_area] = Layout::vertical([Constraint::Length(top_h), Constraint::Min(0)]).areas(area);
    if visible.is_empty() {
        no_match(frame, top, app, Tab::Standup, "Standup", theme);
        draft(frame, draft_area, app, data, theme, keymap);
        return;
    }
    let selected = app.selected(Tab::Standup).min(visible.len() - 1);
    let person = &team.people[visible[selected]];
    if app.detail_open(Tab::Standup) {
        card(frame, area, app, person, true, theme);
        return;
    }
    let (list_area, card_area) = if top.width >= 100 {
        let [l, c] = Layout::horizontal([Constraint::Percentage(42), Constraint::Percentage(58)]).areas(top);
        (l, c)
    } else {
        let list_h = (visible.len() as u16)
            .saturating_add(3)
            .min(top.height / 2)
            .max(4.min(top.height));
        let [l, c] = Layout::vertical([Constraint::Length(list_h), Constraint::Min(0)]).areas(top);
        (l, c)
    };
    list(frame, list_area, app, data, visible, selected, theme);
    card(frame, card_area, app, person, false, theme);
    draft(frame, draft_area, app, data, theme, keymap);
}

fn list(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    data: &StandupData,
    visible: &[usize],
    selected: usize,
    theme: &Theme,
) {
    let team = &data.team;
    let (offset, shown) = window(selected, visible.len(), area.height.saturating_sub(3));
    let num = |n: usize, style: Style| {
        Cell::from(Span::styled(
            format!("{n:>5}"),
            if n == 0 { theme.muted() } else { style },
        ))
    };
    let rows: Vec<Row> = visible[offset..offset + shown]
        .iter()
        .map(|&i| {
            let p = &team.people[i];
            let flag = if app.is_flagged(&p.person) { FLAG } else { "" };
            Row::new(vec![
                Cell::from(Span::styled(text::one_line(&p.person), theme.text())),
                num(p.done.len(), theme.success()),
                num(p.doing.len(), theme.text()),
                num(p.blockers.len(), theme.danger()),
                Cell::from(Span::styled(flag, theme.danger())),
            ])
        })
        .collect();
    let sum = |f: fn(&PersonStandup) -> usize| team.people.iter().map(f).sum::<usize>();
    let title = format!(
        "Standup ({}) · {} · done {} · doing {} · blockers {}{}",
        count(app, Tab::Standup),
        team.day.strftime("%a %Y-%m-%d"),
        sum(|p| p.done.len()),
        sum(|p| p.doing.len()),
        sum(|p| p.blockers.len()),
        filter_note(app, Tab::Standup)
    );
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Length(1),
        ],
    )
    .header(
        Row::new(vec!["Person", " Done", "Doing", "Block", ""])
            .style(theme.muted().add_modifier(Modifier::BOLD)),
    )
    .block(pane(&title, theme))
    .row_highlight_style(theme.selection())
    .highlight_symbol("▶ ");
    let mut state = TableState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(table, area, &mut state);
}

fn mark(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::IssueDone | ItemKind::PrMerged => "✓",
        ItemKind::ReviewGiven => "◎",
        ItemKind::IssueInProgress | ItemKind::PrOpen => "▸",
        ItemKind::IssueBlocked | ItemKind::ChatBlocker => "!",
    }
}

/// One standup item: mark, id, title, detail; its link under it when `links`.
fn item_lines<'a>(it: &StandupItem, width: usize, links: bool, style: Style, theme: &Theme) -> Vec<Line<'a>> {
    let id = text::one_line(&it.id);
    let detail = it
        .detail
        .as_deref()
        .map(|d| format!(" · {}", text::one_line(d)))
        .unwrap_or_default();
    let head = format!("{} {id} ", mark(it.kind));
    let room = width
        .saturating_sub(text::width(&head) + text::width(&detail))
        .max(8);
    let mut out = vec![Line::from(vec![
        Span::styled(format!("{} ", mark(it.kind)), style),
        Span::styled(format!("{id} "), theme.accent()),
        Span::styled(text::truncate(&text::one_line(&it.title), room), theme.text()),
        Span::styled(
            text::truncate(&detail, width.saturating_sub(text::width(&head))),
            theme.muted(),
        ),
    ])];
    if links && let Some(url) = &it.link {
        out.push(Line::styled(
            format!(
                "    {}",
                text::truncate(&text::one_line(url), width.saturating_sub(4))
            ),
            theme.muted(),
        ));
    }
    out
}

/// Done / doing / blockers of one person, as lines.
pub(crate) fn sections<'a>(p: &PersonStandup, width: usize, links: bool, theme: &Theme) -> Vec<Line<'a>> {
    let label = theme.muted().add_modifier(Modifier::BOLD);
    let mut lines = Vec::new();
    for (name, items, style) in [
        ("Blockers", &p.blockers, theme.danger()),
        ("Done", &p.done, theme.success()),
        ("Doing", &p.doing, theme.accent()),
    ] {
        if name == "Blockers" && items.is_empty() {
            continue;
        }
        lines.push(Line::styled(format!("{name} ({})", items.len()), label));
        if items.is_empty() {
            lines.push(Line::styled(
                "  nothing recorded on the last work day",
                theme.muted(),
            ));
        }
        for it in items {
            lines.extend(item_lines(it, width, links, style, theme));
        }
    }
    lines
}

fn card(frame: &mut Frame, area: Rect, app: &App, p: &PersonStandup, links: bool, theme: &Theme) {
    let block = pane(&p.person, theme);
    let w = usize::from(block.inner(area).width);
    let mut lines = Vec::new();
    if app.is_flagged(&p.person) {
        lines.push(Line::styled(
            format!("{FLAG} blocker flagged in this standup"),
            theme.danger(),
        ));
    }
    if p.is_empty() {
        lines.push(Line::styled(
            "No recorded activity on the last work day.",
            theme.muted(),
        ));
    }
    lines.extend(sections(p, w, links, theme));
    lines_pane(frame, area, block, lines, theme);
}

fn status_text(status: &DraftStatus) -> String {
    match status {
        DraftStatus::Idle => String::new(),
        DraftStatus::Waiting => " · drafting…".into(),
        DraftStatus::Streaming => " · writing…".into(),
        DraftStatus::Done(by) => format!(" · {}", text::one_line(by)),
        DraftStatus::Failed(_) => " · incomplete".into(),
    }
}

fn draft(frame: &mut Frame, area: Rect, app: &App, data: &StandupData, theme: &Theme, keymap: &Keymap) {
    let d = &app.standup().draft;
    let who = d.person.as_deref().unwrap_or("team");
    let title = format!("Draft · {}{}", text::one_line(who), status_text(&d.status));
    let block = pane(&title, theme);
    let w = block.inner(area).width;
    let mut lines: Vec<Line> = Vec::new();
    if let DraftStatus::Failed(why) = &d.status {
        lines.extend(wrapped(&format!("The draft failed: {why}"), w, theme.danger()));
    }
    if d.text.is_empty() && d.status == DraftStatus::Idle {
        let post = if data.slack_channel.trim().is_empty() {
            "posting is off (standup.slack_channel)".to_string()
        } else {
            format!(
                "{} posts the team standup to {}",
                key(keymap, Action::PostStandup),
                data.slack_channel
            )
        };
        lines.extend(wrapped(
            &format!(
                "{} drafts the selected person's standup, {} the team's · {} starts the live standup ({}, {} each) · {} switches the order · {post}",
                key(keymap, Action::Draft),
                key(keymap, Action::DraftTeam),
                key(keymap, Action::LiveStandup),
                order_label(app.standup().order),
                mm_ss(std::time::Duration::from_secs(data.time_box_secs)),
                key(keymap, Action::ShuffleOrder),
            ),
            w,
            theme.muted(),
        ));
    }
    lines.extend(draft_lines(&d.text, w, theme.text()));
    lines_pane(frame, area, block, lines, theme);
}

fn post_box(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, keymap: &Keymap) {
    let post = &app.standup().post;
    let w = area.width.saturating_sub(4).min(100);
    let h = area.height.saturating_sub(2);
    if w < 20 || h < 5 {
        return;
    }
    let rect = area.centered(Constraint::Length(w), Constraint::Length(h));
    clear_for_overlay(frame, rect);
    let inner_w = w.saturating_sub(2);
    let (title, mut head, text, scroll, foot): (String, Vec<Line>, &str, usize, String) = match post {
        PostFlow::Preparing(_) => (
            "Post to Slack".into(),
            vec![Line::styled(
                "Drafting the Slack text of the team standup…",
                theme.muted(),
            )],
            "",
            0,
            format!("{} cancels", key(keymap, Action::Back)),
        ),
        PostFlow::Confirm {
            channel,
            text: t,
            scroll,
        } => (
            format!("Post to Slack · {channel}"),
            wrapped(
                &format!("This exact text will be posted to {channel}:"),
                inner_w,
                theme.warning(),
            ),
            t.as_str(),
            *scroll,
            format!(
                "{} posts · {} cancels · {}/{} scroll",
                key(keymap, Action::Open),
                key(keymap, Action::Back),
                key(keymap, Action::Down),
                key(keymap, Action::Up)
            ),
        ),
        PostFlow::Posting { channel, text: t, .. } => (
            format!("Post to Slack · {channel}"),
            vec![Line::styled(format!("Posting to {channel}…"), theme.warning())],
            t.as_str(),
            0,
            String::new(),
        ),
        PostFlow::Failed {
            channel,
            text: t,
            why,
            scroll,
        } => (
            format!("Post to Slack · {channel} · failed"),
            {
                let mut l = wrapped(
                    &format!("Posting to {channel} failed: {why}"),
                    inner_w,
                    theme.danger(),
                );
                l.extend(wrapped(
                    "The standup was not posted; its text is kept below.",
                    inner_w,
                    theme.text(),
                ));
                l
            },
            t.as_str(),
            *scroll,
            format!(
                "{} closes · {}/{} scroll",
                key(keymap, Action::Back),
                key(keymap, Action::Down),
                key(keymap, Action::Up)
            ),
        ),
        PostFlow::Idle | PostFlow::Posted { .. } => return,
    };
    head.push(Line::styled("─".repeat(usize::from(inner_w)), theme.border()));
    let body: Vec<Line> = text
        .lines()
        .flat_map(|l| draft_lines(l, inner_w, theme.surface()))
        .collect();
    let room = usize::from(h.saturating_sub(3)).saturating_sub(head.len());
    let max_scroll = body.len().saturating_sub(room);
    let mut lines = head;
    lines.extend(body.into_iter().skip(scroll.min(max_scroll)).take(room));
    let block = pane(&title, theme)
        .title_bottom(Span::styled(format!(" {foot} "), theme.muted()))
        .style(theme.surface());
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

const DONE_DEF: &str = "Issues that became done in the window (not done at its start, done now; credited to the assignee when they became done), pull requests merged, and reviews given on others' pull requests (the latest state per pull request). Bots are left out.";
const DOING_DEF: &str = "Issues in progress now (the assignee; epics left out) and open pull requests (the author). Blocked issues are counted under blockers instead.";
const BLOCKERS_DEF: &str = "Blockers open now: flagged or Blocked issues and \"is blocked by\" links (owner: the assignee), and Slack messages reporting a blocker that nobody resolved (owner: the author).";

/// The numbers of person row `row`: done, doing, blockers.
pub fn explanations(app: &App, row: usize) -> Vec<Explanation> {
    let (Some(data), Some(p)) = (app.standup_data(), app.standup_person(row)) else {
        return Vec::new();
    };
    let t = &data.team;
    let window = format!(
        "work day {} ({}): from {} until {}",
        t.day.strftime("%a %Y-%m-%d"),
        t.time_zone,
        text::time(t.since, &t.time_zone),
        text::time(t.as_of, &t.time_zone)
    );
    let items = |list: &[StandupItem]| -> Vec<String> {
        list.iter()
            .map(|i| format!("{} {}", i.id, text::one_line(&i.title)))
            .collect()
    };
    [
        ("Done", &p.done, DONE_DEF),
        ("Doing", &p.doing, DOING_DEF),
        ("Blockers", &p.blockers, BLOCKERS_DEF),
    ]
    .into_iter()
    .map(|(metric, list, def)| Explanation {
        metric: metric.into(),
        value: list.len().to_string(),
        subject: p.person.clone(),
        definition: def.into(),
        window: window.clone(),
        groups: vec![("Items".into(), items(list))],
        note: (t.unattributed > 0).then(|| {
            format!(
                "{} item(s) of the team's activity belong to nobody configured and are not counted.",
                t.unattributed
            )
        }),
    })
    .collect()
}
