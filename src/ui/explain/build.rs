//! The explanations of one selected row, per tab, from the snapshot: the
//! figure, its window, and the items behind it. Richer where the snapshot
//! carries more (sprint health with every issue and scope event, focus time
//! per person-week); never computes a metric itself.

use jiff::{Timestamp, ToSpan};

use super::Explanation;
use super::defs::*;
use crate::analytics::sprint::{EventKind, IssuePoints, SprintHealth};
use crate::analytics::velocity::SprintVelocity;
use crate::insight::CardKind;
use crate::model::SprintState;
use crate::ui::app::App;
use crate::ui::tabs::cards::{kind_label, urgency_band};
use crate::ui::text;
use crate::ui::theme::Theme;
use crate::ui::view::state_label;

fn points(p: f64) -> String {
    format!("{} points", text::points(p))
}

fn span(start: Option<Timestamp>, end: Option<Timestamp>, tz: &str) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{} → {}", text::time(s, tz), text::time(e, tz)),
        (Some(s), None) => format!("from {}", text::time(s, tz)),
        _ => "dates unknown".into(),
    }
}

fn sprint_window(v: &SprintVelocity, tz: &str) -> String {
    let what = match v.state {
        SprintState::Closed => "start to completion",
        _ => "start to the evaluation instant",
    };
    format!("{} ({what})", span(v.start, v.close, tz))
}

/// `ALP-4 (3)`, `ALP-7 (?)` when unestimated: short enough to read as a paragraph.
fn with_points(items: &[IssuePoints]) -> Vec<String> {
    items
        .iter()
        .map(|i| match i.points {
            Some(p) => format!("{} ({})", i.key, text::points(p)),
            None => format!("{} (?)", i.key),
        })
        .collect()
}

/// The scope events of `kinds`, as `ALP-4 +3 (added, 2025-03-05)`.
fn events(h: &SprintHealth, kinds: &[EventKind], sign: f64, tz: &str) -> Vec<String> {
    h.events
        .iter()
        .filter(|e| kinds.contains(&e.kind))
        .filter(|e| e.kind != EventKind::EstimateChanged || e.points * sign > 0.0)
        .map(|e| {
            let kind = format!("{:?}", e.kind).to_lowercase();
            format!(
                "{} {}{} ({}, {})",
                e.key,
                if sign > 0.0 { "+" } else { "−" },
                text::points(e.points.abs()),
                kind,
                text::date(e.at, tz)
            )
        })
        .collect()
}

fn group(heading: &str, items: Vec<String>) -> (String, Vec<String>) {
    (format!("{heading} ({})", items.len()), items)
}

fn sprint_explanations(app: &App, row: usize) -> Vec<Explanation> {
    let snap = &app.data().snapshot;
    let Some(v) = snap.velocity.get(row) else {
        return Vec::new();
    };
    let tz = &snap.time_zone;
    // Sprint health, when the snapshot carries it, names every issue and event.
    let health = snap.sprint_health.iter().find(|h| h.id == v.id);
    let subject = format!("{} · board {} · {}", v.name, v.board_id, state_label(v.state));
    let window = sprint_window(v, tz);
    let not_done: Vec<String> = v
        .planned_keys
        .iter()
        .filter(|k| !v.completed_keys.contains(k))
        .cloned()
        .collect();
    let completed = match health {
        Some(h) => (
            format!(
                "Completed ({}), points at completion, ? unestimated",
                h.completed.len()
            ),
            with_points(&h.completed),
        ),
        None => group("Completed", v.completed_keys.clone()),
    };
    let committed = match health {
        Some(h) => (
            format!(
                "Committed ({}), points at start, ? unestimated",
                h.committed.len()
            ),
            with_points(&h.committed),
        ),
        None => group("Committed at start", v.planned_keys.clone()),
    };
    let explain = |metric: &str, value: String, definition: &str, groups| Explanation {
        metric: metric.into(),
        value,
        subject: subject.clone(),
        definition: definition.into(),
        window: window.clone(),
        groups,
        note: None,
    };
    let mut planned_groups = vec![
        committed.clone(),
        group("Committed, not completed here", not_done),
    ];
    if let Some(h) = health.filter(|h| !h.completed_before_start.is_empty()) {
        planned_groups.push(group(
            "Done before start (count nowhere)",
            h.completed_before_start.clone(),
        ));
    }
    let mut out = vec![
        explain(
            "Completed points",
            points(v.completed_points),
            COMPLETED,
            vec![completed.clone()],
        ),
        explain(
            "Planned points",
            points(v.planned_points),
            PLANNED,
            planned_groups,
        ),
    ];
    if let Some(h) = health {
        use EventKind::*;
        out.push(explain(
            "Added",
            points(h.added_points),
            ADDED,
            vec![group(
                "Events",
                events(h, &[Added, Reopened, EstimateChanged], 1.0, tz),
            )],
        ));
        out.push(explain(
            "Removed",
            points(h.removed_points),
            REMOVED,
            vec![group(
                "Events",
                events(
                    h,
                    &[
                        Removed,
                        ClosedNotCompleted,
                        EstimateChanged,
                        LeftAfterDone,
                        CompletedAgain,
                    ],
                    -1.0,
                    tz,
                ),
            )],
        ));
        out.push(explain(
            "Remaining",
            points(h.remaining_points),
            REMAINING,
            vec![group("Open in the sprint", with_points(&h.remaining))],
        ));
        if v.state == SprintState::Closed {
            let name_of = |id: u64| {
                snap.velocity
                    .iter()
                    .find(|s| s.id == id)
                    .map_or_else(|| format!("sprint {id}"), |s| s.name.clone())
            };
            let items = h
                .carried_over
                .iter()
                .map(|c| {
                    let p = c.points.map_or_else(|| "?".into(), text::points);
                    format!("{} ({p}) → {}", c.key, name_of(c.to_sprint))
                })
                .collect();
            out.push(explain(
                "Carried over",
                points(h.carried_over_points),
                CARRIED_OVER,
                vec![group("Moved on", items)],
            ));
        }
    }
    out.push(explain(
        "Say/do ratio",
        v.say_do_ratio.map_or_else(|| "none".into(), text::percent),
        SAY_DO,
        vec![completed, committed],
    ));
    // The sprints behind the rolling mean: this board's closed sprints up to this one, last three.
    let mut board: Vec<&SprintVelocity> = snap
        .velocity
        .iter()
        .filter(|s| s.board_id == v.board_id && s.state == SprintState::Closed && s.start <= v.start)
        .collect();
    board.sort_by_key(|s| (s.start, s.id));
    let behind: Vec<&SprintVelocity> = if v.state == SprintState::Closed {
        board[board.len().saturating_sub(3)..].to_vec()
    } else {
        Vec::new()
    };
    let mut mean = explain(
        "Mean(3)",
        v.rolling_mean_3.map_or_else(|| "none".into(), points),
        MEAN_3,
        vec![group(
            "Sprints",
            behind
                .iter()
                .map(|s| format!("{} · {}", s.name, points(s.completed_points)))
                .collect(),
        )],
    );
    if let (Some(a), Some(b)) = (behind.first(), behind.last()) {
        mean.window = span(a.start, b.close, tz);
    }
    mean.note = (v.state != SprintState::Closed).then(|| "Only closed sprints have a rolling mean.".into());
    out.push(mean);
    let mut unestimated = explain(
        "Unestimated",
        format!("{} issue(s)", v.unestimated_issues),
        UNESTIMATED,
        Vec::new(),
    );
    match health {
        Some(h) => unestimated.groups = vec![group("Issues", h.unestimated.clone())],
        None if v.unestimated_issues > 0 => {
            unestimated.note =
                Some("This snapshot does not list the issues; see the Unestimated card.".into());
        }
        None => {}
    }
    out.push(unestimated);
    if let Some(risk) = health.and_then(|h| h.risk.as_ref()) {
        let mut e = explain(
            "At risk",
            if risk.at_risk {
                "yes".into()
            } else {
                "no, on track".into()
            },
            AT_RISK,
            Vec::new(),
        );
        let per_day = |p: Option<f64>| p.map_or_else(|| "–".into(), |p| format!("{p:.1}"));
        e.groups = vec![(
            "Figures".into(),
            vec![
                format!("remaining {}", points(risk.remaining_points)),
                format!("ideal remaining {}", points(risk.ideal_remaining_points)),
                format!("scope {}", points(risk.scope_points)),
                format!("work time elapsed {}", text::percent(risk.elapsed_work_share)),
                format!("work days left {}", risk.work_days_left),
                format!(
                    "points per day observed {}",
                    per_day(risk.observed_points_per_day)
                ),
                format!(
                    "points per day required {}",
                    per_day(risk.required_points_per_day)
                ),
            ],
        )];
        e.note = Some(text::one_line(&risk.reason));
        out.push(e);
    }
    out
}

fn card_explanations(app: &App, row: usize) -> Vec<Explanation> {
    let snap = &app.data().snapshot;
    let Some(card) = snap.cards.get(row) else {
        return Vec::new();
    };
    let tz = &snap.time_zone;
    let (band, _) = urgency_band(card.urgency, &Theme::plain());
    // Sprint cards name their sprint: its start bounds the window.
    let sprint = snap.velocity.iter().find(|v| {
        v.state == SprintState::Active && (card.title.starts_with(&v.name) || card.title.ends_with(&v.name))
    });
    let window = match sprint {
        Some(v) if matches!(card.kind, CardKind::SprintAtRisk | CardKind::Unestimated) => format!(
            "{} (the active sprint {}, as of the snapshot)",
            span(v.start, Some(snap.as_of), tz),
            v.name
        ),
        _ => format!("the work as it stands at {}", text::time(snap.as_of, tz)),
    };
    vec![Explanation {
        metric: "Urgency".into(),
        value: format!("{} ({band})", card.urgency),
        subject: format!("{} · {}", text::one_line(&card.title), kind_label(card.kind)),
        definition: format!("{} {}", urgency_rule(card.kind), URGENCY),
        window,
        groups: vec![group(
            "Evidence",
            card.evidence.iter().map(|e| text::one_line(&e.label)).collect(),
        )],
        note: None,
    }]
}

fn meeting_explanations(app: &App, row: usize) -> Vec<Explanation> {
    let snap = &app.data().snapshot;
    let Some(person) = app.people().get(row) else {
        return Vec::new();
    };
    let mut weeks: Vec<_> = snap
        .meeting_load
        .iter()
        .filter(|m| m.person == person.person)
        .collect();
    weeks.sort_by_key(|m| std::cmp::Reverse(m.week_start));
    let mut out = Vec::new();
    for m in weeks {
        let end = m.week_start.checked_add(7.days()).unwrap_or(m.week_start);
        let window = format!(
            "week of {}: Monday {} 00:00 to Monday {} 00:00, {}",
            m.week_start, m.week_start, end, snap.time_zone
        );
        out.push(Explanation {
            metric: format!("Meeting hours · {}", text::short_date(m.week_start)),
            value: format!("{} in {} meeting(s)", text::hours(m.meeting_hours), m.meetings),
            subject: text::one_line(&m.person),
            definition: MEETING_HOURS.into(),
            window: window.clone(),
            groups: vec![group("Meetings", m.meeting_ids.clone())],
            note: (m.meeting_ids.len() < m.meetings).then(|| {
                format!(
                    "{} of {} meeting ids are listed.",
                    m.meeting_ids.len(),
                    m.meetings
                )
            }),
        });
        // Focus time, when the snapshot carries the person-week.
        if let Some(f) = snap
            .person_weeks
            .iter()
            .find(|f| f.person == m.person && f.week_start == m.week_start)
        {
            out.push(Explanation {
                metric: format!("Focus hours · {}", text::short_date(m.week_start)),
                value: format!(
                    "{} of {} work hours ({} fragmented)",
                    text::hours(f.focus_hours),
                    text::hours(f.work_hours),
                    text::hours(f.fragmented_hours)
                ),
                subject: text::one_line(&f.person),
                definition: FOCUS_HOURS.into(),
                window: format!("{window}; {} whole work day(s)", f.work_days),
                groups: vec![group("Fragmenting meetings", f.fragmenting_meeting_ids.clone())],
                note: None,
            });
        }
    }
    out
}

fn sync_explanations(app: &App, row: usize) -> Vec<Explanation> {
    let Some(source) = app.sources().get(row).copied() else {
        return Vec::new();
    };
    let tz = &app.data().snapshot.time_zone;
    let Some(r) = app.data().sources.iter().find(|r| r.source == source) else {
        return Vec::new();
    };
    let window = format!("the last sync, finished {}", text::time(r.finished, tz));
    let note = r
        .error
        .as_ref()
        .map(|e| format!("It stopped with an error: {}", text::one_line(e)));
    vec![
        Explanation {
            metric: "Records".into(),
            value: r.total().to_string(),
            subject: source.as_str().into(),
            definition: RECORDS.into(),
            window: window.clone(),
            groups: vec![(
                "Per kind".into(),
                r.written
                    .iter()
                    .map(|(k, n)| format!("{} {n}", k.as_str()))
                    .collect(),
            )],
            note: note.clone(),
        },
        Explanation {
            metric: "Requests".into(),
            value: r.requests.to_string(),
            subject: source.as_str().into(),
            definition: REQUESTS.into(),
            window,
            groups: Vec::new(),
            note,
        },
    ]
}

/// The numbers of row `row` (in the tab's full list) of `tab`.
pub fn for_row(app: &App, tab: crate::ui::app::Tab, row: usize) -> Vec<Explanation> {
    use crate::ui::app::Tab;
    match tab {
        Tab::Cards => card_explanations(app, row),
        Tab::Sprint if app.triage().on => super::more::triage(app, row),
        Tab::Sprint => sprint_explanations(app, row),
        Tab::Meetings => meeting_explanations(app, row),
        Tab::Pulse => super::more::pulse(app, row),
        Tab::Strategic => super::more::strategic(app, row),
        Tab::Docs => super::more::docs(app, row),
        Tab::Sync => sync_explanations(app, row),
        Tab::Standup => crate::ui::tabs::standup::explanations(app, row),
        Tab::Copilot => Vec::new(),
    }
}
