//! Property test: the cockpit never panics, whatever the terminal size
//! (1×1 to 400×120, changing between frames), the data (empty to a few
//! hundred rows, wide characters and emoji in every name), and the sequence
//! of actions, prompt keystrokes, sync events and data refreshes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_cockpit::analytics::docs::{DocsReport, EpicDocs, LinkedPage};
use async_cockpit::analytics::focus::PersonWeek;
use async_cockpit::analytics::meetings::MeetingWeek;
use async_cockpit::analytics::sprint::{
    CarriedOver, EventKind, IssuePoints, Risk, SprintEvent, SprintHealth,
};
use async_cockpit::analytics::triage::{SprintTriage, TriageItem, TriageParams, TriageReport};
use async_cockpit::analytics::velocity::SprintVelocity;
use async_cockpit::config::StandupOrder;
use async_cockpit::insight::copilot::{Fact, Topic};
use async_cockpit::insight::standup::{ItemKind, PersonStandup, StandupItem, TeamStandup};
use async_cockpit::insight::{Card, CardKind, Evidence, Snapshot};
use async_cockpit::model::{RecordKind, Source, SprintState};
use async_cockpit::store::StandupFlag;
use async_cockpit::sync::{SourceReport, SyncEvent};
use async_cockpit::ui::app::{DraftPart, PostEvent};
use async_cockpit::ui::input::Edit;
use async_cockpit::ui::run::render_app_to_buffer;
use async_cockpit::ui::{Action, App, CockpitData, CockpitEvent, StandupData, Theme, text};
use jiff::Timestamp;
use jiff::civil::date;
use proptest::prelude::*;

/// Names mixing ASCII, accents, CJK, emoji and a zero-width joiner.
const NAMES: [&str; 8] = [
    "Ann",
    "Élodie Martin",
    "李明",
    "🚀 launch",
    "👩‍💻 dev",
    "a very long name that will never fit in a narrow column at all",
    "",
    "tab\tand\nnewline",
];

fn name(i: usize) -> String {
    format!("{} {i}", NAMES[i % NAMES.len()])
}

fn ts(secs: i64) -> Timestamp {
    Timestamp::from_second(1_741_000_000 + secs).unwrap()
}

/// A snapshot with `cards` cards, `sprints` sprints and `people` people.
fn data(cards: usize, sprints: usize, people: usize, seed: usize) -> CockpitData {
    let kinds = [
        CardKind::SprintAtRisk,
        CardKind::Blocked,
        CardKind::CarryOver,
        CardKind::Unestimated,
        CardKind::PrWaitingForReview,
        CardKind::MergedWithoutReview,
        CardKind::StaleDoc,
        CardKind::KnowledgeSilo,
    ];
    let cards = (0..cards)
        .map(|i| Card {
            kind: kinds[(i + seed) % kinds.len()],
            urgency: ((i * 37 + seed) % 101) as u8,
            title: name(i + seed),
            detail: name(i * 3).repeat(i % 4),
            evidence: (0..(i % 5))
                .map(|j| Evidence {
                    label: format!("KEY-{j} {}", name(j + i)),
                    url: (j % 2 == 0).then(|| format!("https://example.test/{j}")),
                })
                .collect(),
        })
        .collect();
    let velocity = (0..sprints)
        .map(|i| {
            let planned = ((i * 7 + seed) % 60) as f64;
            let done = ((i * 5) % 50) as f64 * 0.5;
            SprintVelocity {
                id: i as u64,
                board_id: (i % 3) as u64,
                name: format!("{} Sprint {i}", NAMES[(i + seed) % NAMES.len()]),
                state: if i + 1 == sprints {
                    SprintState::Active
                } else {
                    SprintState::Closed
                },
                start: (i % 7 != 0).then(|| ts(i as i64 * 1_209_600)),
                close: (i % 5 != 0).then(|| ts(i as i64 * 1_209_600 + 1_000_000)),
                planned_points: planned,
                completed_points: done,
                say_do_ratio: (planned > 0.0).then(|| done / planned),
                unestimated_issues: i % 4,
                rolling_mean_3: i.is_multiple_of(2).then_some(done),
                completed_keys: (0..(i % 6)).map(|k| format!("K-{k}")).collect(),
                planned_keys: (0..(i % 9)).map(|k| format!("K-{k}")).collect(),
            }
        })
        .collect();
    let meeting_load = (0..people)
        .flat_map(|p| {
            (0..(1 + (p + seed) % 4)).map(move |w| MeetingWeek {
                person: name(p),
                week_start: date(2025, 1, 6)
                    .checked_add(jiff::Span::new().weeks(w as i64))
                    .unwrap(),
                meeting_hours: ((p * 13 + w * 7 + seed) % 300) as f64 / 10.0,
                meetings: (p + w) % 12,
                meeting_ids: (0..((p + w) % 12)).map(|m| format!("{p}{w}{m}")).collect(),
            })
        })
        .collect();
    let sprint_health = (0..sprints)
        .filter(|i| i % 3 == 0)
        .map(|i| health(i, seed))
        .collect();
    let person_weeks = (0..people)
        .filter(|p| p % 2 == 0)
        .map(|p| PersonWeek {
            person: name(p),
            week_start: date(2025, 1, 6),
            work_days: p % 6,
            work_hours: 8.0 * (p % 6) as f64,
            meeting_hours: 3.0,
            meetings: 2,
            meeting_ids: vec![],
            meeting_hours_in_work_hours: 2.5,
            focus_hours: (p % 5) as f64,
            fragmented_hours: 1.5,
            fragmenting_meetings: p % 3,
            fragmenting_meeting_ids: (0..(p % 3)).map(|m| format!("🚀{m}")).collect(),
        })
        .collect();
    CockpitData {
        snapshot: Snapshot {
            sprint_health,
            person_weeks,
            site: name(seed),
            team: name(seed + 1),
            time_zone: if seed.is_multiple_of(2) {
                "Europe/Berlin"
            } else {
                "Nowhere/Zone"
            }
            .into(),
            as_of: ts(0),
            cards,
            velocity,
            meeting_load,
            counts: vec![],
            triage: Some(triage(sprints, people, seed)),
            docs: Some(docs(people, seed)),
            ..Snapshot::default()
        },
        sources: (0..(seed % 4))
            .map(|i| SourceReport {
                source: [Source::Jira, Source::Github, Source::Zoom][i % 3],
                written: vec![(RecordKind::WorkItem, i * 10)],
                requests: i as u32,
                error: (i == 2).then(|| name(i)),
                finished: ts(i as i64),
            })
            .collect(),
        viewer: name(seed + 2),
        role: "engineer".into(),
        standup: (!seed.is_multiple_of(4)).then(|| standup(people, seed)),
    }
}

fn item(i: usize, kind: ItemKind) -> StandupItem {
    StandupItem {
        kind,
        id: format!("ALP-{i}"),
        title: name(i),
        detail: i.is_multiple_of(2).then(|| name(i + 1)),
        link: i.is_multiple_of(3).then(|| format!("https://x.test/{}", name(i))),
        at: Some(ts(i as i64)),
    }
}

/// A standup of `people` people (names with wide characters), some with
/// nothing, some with many items, one flagged.
fn standup(people: usize, seed: usize) -> StandupData {
    let people: Vec<PersonStandup> = (0..people)
        .map(|p| PersonStandup {
            person: name(p + seed),
            done: (0..(p % 3))
                .map(|i| item(p * 10 + i, ItemKind::IssueDone))
                .collect(),
            doing: (0..((p + seed) % 5))
                .map(|i| item(p * 20 + i, ItemKind::PrOpen))
                .collect(),
            blockers: (0..(p % 2))
                .map(|i| item(p * 30 + i, ItemKind::ChatBlocker))
                .collect(),
        })
        .collect();
    let flags = people
        .first()
        .map(|p| StandupFlag {
            person: p.person.clone(),
            by: name(seed),
            at: ts(1),
        })
        .into_iter()
        .collect();
    StandupData {
        team: TeamStandup {
            team: name(seed),
            time_zone: "Europe/Berlin".into(),
            day: date(2025, 3, 3),
            since: ts(0),
            as_of: ts(3600),
            people,
            unattributed: seed,
        },
        flags,
        time_box_secs: 10 + (seed as u64) * 20,
        order: if seed.is_multiple_of(2) {
            StandupOrder::Config
        } else {
            StandupOrder::Shuffled
        },
        slack_channel: if seed.is_multiple_of(3) {
            String::new()
        } else {
            name(seed)
        },
    }
}

/// A triage list of `n` issues over two sprints, every reason somewhere,
/// long and wide summaries.
fn triage(sprints: usize, n: usize, seed: usize) -> TriageReport {
    use async_cockpit::analytics::triage::TriageReason as R;
    let reasons = [
        R::Blocked,
        R::NoMovement,
        R::CarriedOver,
        R::Unestimated,
        R::Unassigned,
        R::Oversized,
    ];
    let list = |sprint: u64| SprintTriage {
        sprint_id: sprint,
        name: format!(
            "{} Sprint {sprint}",
            NAMES[(sprint as usize + seed) % NAMES.len()]
        ),
        board_id: sprint,
        open_issues: n + 2,
        items: (0..n)
            .map(|i| TriageItem {
                sprint_id: sprint,
                key: format!("K-{sprint}{i}"),
                summary: name(i + seed).repeat(1 + i % 3),
                issue_type: "Story".into(),
                status: name(i),
                assignee: (i % 2 == 0).then(|| name(i)),
                points: (i % 3 != 0).then_some((i * 3) as f64),
                last_change: ts(0),
                idle_days: (i * 7 % 30) as f64,
                earlier_sprints: (0..(i % 4)).map(|s| format!("S{s}")).collect(),
                reasons: reasons
                    .iter()
                    .copied()
                    .skip(i % 6)
                    .take(1 + (i + seed) % 6)
                    .collect(),
                blocked_by: (0..(i % 2)).map(|_| name(i * 2)).collect(),
                links: vec![format!("https://example.test/browse/K-{i}")],
                parent_key: (i % 3 == 0).then(|| "E-1".into()),
            })
            .collect(),
    };
    TriageReport {
        as_of: ts(0),
        params: TriageParams::default(),
        sprints: (0..(sprints.min(2) as u64)).map(list).collect(),
    }
}

/// Documentation of `n` epics, some uncovered, some pages stale.
fn docs(n: usize, seed: usize) -> DocsReport {
    let epics: Vec<EpicDocs> = (0..n)
        .map(|i| EpicDocs {
            key: format!("E-{i}"),
            summary: name(i + seed),
            url: format!("https://example.test/browse/E-{i}"),
            open_children: (0..(i % 5)).map(|k| format!("K-{k}")).collect(),
            covered_children: (0..(i % 5) / 2).map(|k| format!("K-{k}")).collect(),
            pages: (0..(i % 3))
                .map(|p| LinkedPage {
                    id: p.to_string(),
                    title: name(p + i),
                    url: format!("https://example.test/wiki/{p}"),
                    updated: ts(0),
                    days_since_update: (p * 20) as f64,
                    stale: p > 1,
                })
                .collect(),
            covered: i % 3 != 0,
        })
        .collect();
    DocsReport {
        as_of: ts(0),
        stale_after_days: 30,
        active_epics: n,
        covered_epics: epics.iter().filter(|e| e.covered).count(),
        uncovered_epic_keys: vec![],
        epic_coverage: (n > 0).then_some(0.5),
        active_issues: 3 * n,
        covered_issues: n,
        uncovered_issue_keys: vec![],
        issue_coverage: None,
        stale_pages: vec![],
        epics,
    }
}

/// Sprint health for sprint `i`: every list and event kind, some unestimated.
fn health(i: usize, seed: usize) -> SprintHealth {
    let ip = |k: usize| IssuePoints {
        key: format!("K-{k}"),
        points: (!k.is_multiple_of(3)).then_some(k as f64),
    };
    let kinds = [
        EventKind::Added,
        EventKind::Removed,
        EventKind::EstimateChanged,
        EventKind::Completed,
        EventKind::Reopened,
        EventKind::Uncompleted,
        EventKind::ClosedNotCompleted,
        EventKind::LeftAfterDone,
        EventKind::CompletedAgain,
    ];
    SprintHealth {
        id: i as u64,
        board_id: (i % 3) as u64,
        name: name(i),
        state: if i.is_multiple_of(2) {
            SprintState::Closed
        } else {
            SprintState::Active
        },
        start: ts(i as i64 * 1000),
        end: (!i.is_multiple_of(4)).then(|| ts(i as i64 * 1000 + 500)),
        complete: None,
        evaluated_at: ts(i as i64 * 1000 + 400),
        committed_points: 10.0,
        added_points: 2.0,
        removed_points: 1.0,
        completed_points: 4.0,
        remaining_points: 7.0,
        carried_over_points: 3.0,
        unestimated_issues: i % 4,
        say_do_ratio: Some(0.4),
        committed: (0..(i % 7)).map(ip).collect(),
        completed: (0..(i % 5)).map(ip).collect(),
        remaining: (0..(i % 4)).map(ip).collect(),
        carried_over: (0..(i % 3))
            .map(|k| CarriedOver {
                key: format!("K-{k}"),
                points: None,
                to_sprint: (k + seed) as u64,
            })
            .collect(),
        unestimated: (0..(i % 4)).map(|k| format!("U-{k}")).collect(),
        completed_before_start: (0..(i % 2)).map(|k| format!("D-{k}")).collect(),
        events: (0..(i % 10))
            .map(|k| SprintEvent {
                at: ts(k as i64),
                key: name(k),
                kind: kinds[k % kinds.len()],
                points: k as f64 - 4.0,
                estimated: k % 2 == 0,
                detail: None,
            })
            .collect(),
        risk: (i % 2 == 1).then(|| Risk {
            at_risk: i % 4 == 1,
            reason: name(i),
            remaining_points: 7.0,
            scope_points: 0.0,
            elapsed_work_share: 1.5,
            ideal_remaining_points: -1.0,
            work_days_left: 0,
            observed_points_per_day: None,
            required_points_per_day: Some(f64::INFINITY),
        }),
    }
}

/// One thing that can happen to a running cockpit.
#[derive(Debug, Clone)]
enum Step {
    Act(Action),
    Edit(Edit),
    Sync(u8),
    Data(usize, usize, usize, usize),
    Resize(u16, u16),
    /// The clock moves on this many seconds (the live standup's timer).
    Tick(u16),
    /// A drafting job's piece arrives for the latest job (text of name n,
    /// facts, done, failed) or a post event.
    Piece(u8, usize),
    /// A key typed into the copilot's question box.
    Type(char),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        proptest::sample::select(Action::SIMPLE.to_vec()).prop_filter("keep running", |a| *a != Action::Quit),
        (0u8..=10).prop_map(Action::GoToTab),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        proptest::sample::select(vec!['a', 'S', ' ', '李', '🚀', '-', '/', 'é']).prop_map(Edit::Insert),
        proptest::sample::select(vec![
            Edit::Backspace,
            Edit::Delete,
            Edit::Left,
            Edit::Right,
            Edit::Home,
            Edit::End,
            Edit::DeleteWord,
            Edit::Clear,
            Edit::Submit,
            Edit::Cancel,
            Edit::Prev,
            Edit::Next,
        ]),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => action().prop_map(Step::Act),
        4 => edit().prop_map(Step::Edit),
        1 => (0u8..5).prop_map(Step::Sync),
        1 => (0usize..40, 0usize..40, 0usize..40, 0usize..8).prop_map(|(a, b, c, d)| Step::Data(a, b, c, d)),
        2 => (1u16..=400, 1u16..=120).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => (0u16..400).prop_map(Step::Tick),
        2 => (0u8..6, 0usize..40).prop_map(|(k, n)| Step::Piece(k, n)),
        2 => proptest::sample::select(vec!['q', '1', 'é', '🚀', '\n']).prop_map(Step::Type),
    ]
}

fn sync_event(n: u8) -> SyncEvent {
    let source = [Source::Jira, Source::Slack, Source::Zoom][usize::from(n) % 3];
    match n {
        0 => SyncEvent::Started { source },
        1 => SyncEvent::Page {
            source,
            endpoint: "/🚀/李".into(),
            items: 7,
        },
        2 => SyncEvent::Waiting {
            source,
            seconds: 3.0,
            reason: name(3),
        },
        3 => SyncEvent::Failed {
            source,
            message: name(4),
        },
        _ => SyncEvent::Finished(SourceReport {
            source,
            written: vec![(RecordKind::Message, 3)],
            requests: 2,
            error: None,
            finished: ts(9),
        }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_size_data_and_keys_render(
        shape in (0usize..30, 0usize..30, 0usize..30, 0usize..8),
        size in (1u16..=400, 1u16..=120),
        steps in proptest::collection::vec(step(), 1..40),
    ) {
        let theme = Theme::default_theme();
        let mut app = App::new(data(shape.0, shape.1, shape.2, shape.3));
        let (mut w, mut h) = size;
        app.set_viewport(w, h);
        let mut clock = std::time::Instant::now();
        app.tick(clock);
        for s in steps {
            match s {
                Step::Act(a) => {
                    app.update(a);
                }
                Step::Edit(e) => {
                    app.edit(e);
                }
                Step::Sync(n) => app.on_event(CockpitEvent::Sync(sync_event(n))),
                Step::Data(a, b, c, d) => app.on_event(data(a, b, c, d).into()),
                Step::Resize(nw, nh) => {
                    (w, h) = (nw, nh);
                    app.set_viewport(w, h);
                }
                Step::Tick(s) => {
                    clock += std::time::Duration::from_secs(u64::from(s));
                    app.tick(clock);
                }
                Step::Piece(k, n) => {
                    let job = app.copilot().job.max(app.standup().draft.job);
                    let part = match k {
                        0 => DraftPart::Text(format!("{} [F{}]\n", name(n), n % 4)),
                        1 => DraftPart::Facts((0..n % 6).map(|i| Fact {
                            id: format!("F{i}"),
                            topic: Topic::Blockers,
                            text: name(i + n),
                            subject: None,
                            cites: vec![Evidence { label: name(i), url: None }],
                        }).collect()),
                        2 => DraftPart::Done(name(n)),
                        3 => DraftPart::Failed(name(n)),
                        4 => {
                            app.on_event(CockpitEvent::Post(PostEvent::Preview {
                                job: n as u64,
                                channel: name(n),
                                text: name(n).repeat(n % 9),
                            }));
                            continue;
                        }
                        _ => {
                            app.on_event(CockpitEvent::Post(PostEvent::Posted {
                                job: n as u64,
                                result: if n % 2 == 0 { Ok("1.2".into()) } else { Err(name(n)) },
                            }));
                            continue;
                        }
                    };
                    app.on_event(CockpitEvent::Draft { job, part });
                }
                Step::Type(c) => {
                    let code = if c == '\n' {
                        ratatui::crossterm::event::KeyCode::Enter
                    } else {
                        ratatui::crossterm::event::KeyCode::Char(c)
                    };
                    app.copilot_key(&ratatui::crossterm::event::KeyEvent::from(code));
                }
            }
            // Selections always point into the filtered lists.
            for tab in async_cockpit::ui::Tab::ALL {
                let rows = app.row_count(tab);
                prop_assert!(app.selected(tab) < rows.max(1));
            }
            let buf = render_app_to_buffer(&app, &theme, w, h);
            prop_assert_eq!((buf.area.width, buf.area.height), (w, h));
            // Every row is exactly the screen's width: nothing spills.
            let text = async_cockpit::ui::run::buffer_to_string(&buf);
            for line in text.lines() {
                prop_assert_eq!(text::width(line), usize::from(w), "{:?}", line);
            }
        }
    }
}
