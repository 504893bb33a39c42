//! The Sprint tab's triage list: each active sprint's at-risk issues with
//! the reasons, the team's decision and note on each, sortable; `Open`
//! shows the selected issue's detail with its links; the note being typed
//! shows in its own line with the cursor.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::{count, empty, filter_note, lines_pane, list_table, no_match, pane, window, wrapped};
use crate::insight::triage::{points_label, reasons_phrase};
use crate::model::TriageDecision;
use crate::ui::app::{App, Tab, TriageRow};
use crate::ui::text;
use crate::ui::theme::Theme;

/// Short label of a decision for the list.
fn decision_label(d: Option<TriageDecision>) -> &'static str {
    match d {
        Some(TriageDecision::Keep) => "keep",
        Some(TriageDecision::MoveNext) => "move",
        Some(TriageDecision::Split) => "split",
        Some(TriageDecision::NeedsOwner) => "owner?",
        None => "·",
    }
}

/// The reasons in few columns, for a narrow list (`blocked · idle 9d`).
fn short_reasons(item: &crate::analytics::triage::TriageItem) -> String {
    use crate::analytics::triage::TriageReason as R;
    item.reasons
        .iter()
        .map(|r| match r {
            R::Blocked => "blocked".to_string(),
            R::NoMovement => format!("idle {:.0}d", item.idle_days.floor()),
            R::CarriedOver => format!("carried×{}", item.earlier_sprints.len()),
            R::Unestimated => "no estimate".into(),
            R::Unassigned => "no owner".into(),
            R::Oversized => "too big".into(),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Draws the triage list in the Sprint tab's area.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let snap = &app.data().snapshot;
    let Some(report) = &snap.triage else {
        empty(
            frame,
            area,
            "Sprint triage",
            "No triage list yet: it comes with the full snapshot, read just after the cockpit opens. With nothing synced, sync Jira to see the active sprints' at-risk issues.",
            theme,
        );
        return;
    };
    let t = app.triage();
    let head_h = (report.sprints.len() as u16 + 2).clamp(3, 6).min(area.height / 3);
    let note_h = u16::from(t.note.is_some()) * 3;
    let [head, body, note] = Layout::vertical([
        Constraint::Length(head_h),
        Constraint::Min(0),
        Constraint::Length(note_h),
    ])
    .areas(area);
    // One line per active sprint: open issues, at-risk ones, decisions so far.
    let mut lines = Vec::new();
    for s in &report.sprints {
        let decided = s
            .items
            .iter()
            .filter(|i| {
                t.marks
                    .get(&(s.sprint_id, i.key.clone()))
                    .is_some_and(|m| m.0.is_some())
            })
            .count();
        let health = snap
            .sprint_health
            .iter()
            .find(|h| h.id == s.sprint_id)
            .and_then(|h| h.risk.as_ref())
            .map(|r| if r.at_risk { "at risk" } else { "on track" })
            .unwrap_or("");
        lines.push(Line::from(vec![
            Span::styled(format!("{}  ", s.name), theme.text()),
            Span::styled(
                health.to_string(),
                if health == "at risk" {
                    theme.danger()
                } else {
                    theme.success()
                },
            ),
            Span::styled(
                format!(
                    "  ·  {} at-risk of {} open  ·  {} decided",
                    s.items.len(),
                    s.open_issues,
                    decided
                ),
                theme.muted(),
            ),
        ]));
    }
    if report.sprints.is_empty() {
        lines.push(Line::styled("No active sprint.", theme.muted()));
    }
    let p = &report.params;
    lines_pane(
        frame,
        head,
        pane(
            &format!(
                "Sprint triage · idle > {:.0} d · carried ≥ {} · oversized > {} pts",
                p.idle_days, p.carried_over_min, p.oversized_points
            ),
            theme,
        ),
        lines,
        theme,
    );
    if t.rows.is_empty() {
        empty(
            frame,
            body,
            "At-risk issues",
            "Nothing at risk in the active sprints.",
            theme,
        );
        return;
    }
    let visible = app.visible(Tab::Sprint);
    if visible.is_empty() {
        no_match(frame, body, app, Tab::Sprint, "At-risk issues", theme);
        return;
    }
    let selected = app.selected(Tab::Sprint).min(visible.len() - 1);
    let title = format!(
        "At-risk issues ({}) · sorted by {}{}",
        count(app, Tab::Sprint),
        t.sort.label(),
        filter_note(app, Tab::Sprint)
    );
    if app.detail_open(Tab::Sprint) {
        let detail_h = (body.height / 2).max(6.min(body.height));
        let [top, bottom] = Layout::vertical([Constraint::Min(0), Constraint::Length(detail_h)]).areas(body);
        table(frame, top, app, visible, selected, &title, theme);
        detail(frame, bottom, app, visible[selected], theme);
    } else {
        table(frame, body, app, visible, selected, &title, theme);
    }
    if let Some(input) = &t.note {
        let key = t
            .rows
            .get(visible[selected])
            .map(|r| r.item.key.as_str())
            .unwrap_or("");
        let block = pane(&format!("Note on {key} · enter keeps · esc drops"), theme);
        let inner = block.inner(note);
        frame.render_widget(block, note);
        let room = usize::from(inner.width).saturating_sub(1);
        let mut shown = input.text().to_string();
        while text::width(&shown) > room && !shown.is_empty() {
            shown.remove(0);
        }
        let col = input
            .cursor_column()
            .saturating_sub(text::width(input.text()) - text::width(&shown));
        frame.render_widget(Paragraph::new(Line::styled(shown, theme.text())), inner);
        if inner.width > 0 && inner.height > 0 {
            let x = inner.x + (col as u16).min(inner.width - 1);
            frame.set_cursor_position((x, inner.y));
        }
    }
}

fn table(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    visible: &[usize],
    selected: usize,
    title: &str,
    theme: &Theme,
) {
    let t = app.triage();
    let wide = area.width >= 110;
    let (offset, shown) = window(selected, visible.len(), area.height.saturating_sub(3));
    let body: Vec<Row> = visible[offset..offset + shown]
        .iter()
        .map(|&i| {
            let r: &TriageRow = &t.rows[i];
            let (decision, note) = t.mark(i).cloned().unwrap_or_default();
            let decision_style = match decision {
                Some(TriageDecision::Keep) => theme.success(),
                Some(TriageDecision::MoveNext | TriageDecision::Split) => theme.warning(),
                Some(TriageDecision::NeedsOwner) => theme.danger(),
                None => theme.muted(),
            };
            let mut cells = vec![
                Cell::from(Span::styled(decision_label(decision), decision_style)),
                Cell::from(Span::styled(r.item.key.clone(), theme.text())),
                Cell::from(format!("{:>6}", points_label(r.item.points))),
            ];
            if wide {
                cells.push(Cell::from(Span::styled(
                    text::one_line(&r.item.status),
                    theme.muted(),
                )));
            }
            let why = if wide {
                reasons_phrase(&r.item)
            } else {
                short_reasons(&r.item)
            };
            cells.push(Cell::from(Span::styled(why, theme.warning())));
            let note_mark = if note.trim().is_empty() { "" } else { "✎ " };
            cells.push(Cell::from(Line::from(vec![
                Span::styled(note_mark, theme.accent()),
                Span::styled(text::one_line(&r.item.summary), theme.text()),
            ])));
            Row::new(cells)
        })
        .collect();
    let mut header = vec!["Mark", "Issue", "Points"];
    let mut widths = vec![
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Length(6),
    ];
    if wide {
        header.push("Status");
        widths.push(Constraint::Length(12));
    }
    header.extend(["Why", "Summary"]);
    let why_w = t
        .rows
        .iter()
        .map(|r| {
            text::width(&if wide {
                reasons_phrase(&r.item)
            } else {
                short_reasons(&r.item)
            })
        })
        .max()
        .unwrap_or(0)
        .clamp(12, if wide { 48 } else { 34 }) as u16;
    widths.extend([Constraint::Length(why_w), Constraint::Min(10)]);
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

fn detail(frame: &mut Frame, area: Rect, app: &App, row: usize, theme: &Theme) {
    let t = app.triage();
    let Some(r) = t.rows.get(row) else {
        return;
    };
    let tz = &app.data().snapshot.time_zone;
    let i = &r.item;
    let block = pane(&format!("{} · {}", i.key, i.summary), theme);
    let w = block.inner(area).width;
    let label = theme.muted().add_modifier(Modifier::BOLD);
    let assignee = i
        .assignee
        .as_deref()
        .map_or_else(|| "unassigned".to_string(), |a| app.access().name_of(a));
    let mut lines = vec![Line::styled(
        format!(
            "{} · {} · {} · {} · {} · last change {}",
            r.sprint,
            i.issue_type,
            i.status,
            points_label(i.points),
            assignee,
            text::date(i.last_change, tz)
        ),
        theme.text(),
    )];
    lines.push(Line::styled(
        format!("Why: {}", reasons_phrase(i)),
        theme.warning(),
    ));
    if !i.earlier_sprints.is_empty() {
        lines.extend(wrapped(
            &format!("Earlier sprints: {}", i.earlier_sprints.join(", ")),
            w,
            theme.muted(),
        ));
    }
    for b in &i.blocked_by {
        lines.extend(wrapped(&format!("Blocked: {b}"), w, theme.danger()));
    }
    if let Some((d, note)) = t.mark(row) {
        lines.push(Line::styled(
            format!("Decision: {}", d.map_or("none yet", TriageDecision::label)),
            label,
        ));
        if !note.is_empty() {
            lines.extend(wrapped(&format!("Note: {note}"), w, theme.text()));
        }
    }
    lines.push(Line::styled("Links", label));
    for l in &i.links {
        lines.push(Line::styled(text::truncate(l, usize::from(w)), theme.accent()));
    }
    if let Some(p) = &i.parent_key {
        lines.push(Line::styled(format!("Epic {p}"), theme.muted()));
    }
    lines_pane(frame, area, block, lines, theme);
}
