//! Drives the cockpit's [`App`] with actions, prompt keystrokes, sync events
//! and fresh data, headless, and checks its state: tabs, selection bounds,
//! filters, the palette, explanations, overlays, quit, intents.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_cockpit::analytics::meetings::MeetingWeek;
use async_cockpit::analytics::velocity::SprintVelocity;
use async_cockpit::insight::{Card, CardKind, Evidence, Snapshot};
use async_cockpit::model::{RecordKind, Source, SprintState};
use async_cockpit::sync::{SourceReport, SyncEvent};
use async_cockpit::ui::explain;
use async_cockpit::ui::input::Edit;
use async_cockpit::ui::keymap::Keymap;
use async_cockpit::ui::run::{on_key, on_mouse};
use async_cockpit::ui::{Action, App, CockpitData, CockpitEvent, Intent, Overlay, Tab};
use jiff::Timestamp;
use jiff::civil::date;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Three cards, two sprints, two people, one source.
fn data() -> CockpitData {
    let card = |urgency: u8, title: &str| Card {
        kind: CardKind::Blocked,
        urgency,
        title: title.into(),
        detail: "detail".into(),
        evidence: vec![],
    };
    let sprint = |id: u64, state: SprintState| SprintVelocity {
        id,
        board_id: 1,
        name: format!("Sprint {id}"),
        state,
        start: None,
        close: None,
        planned_points: 20.0,
        completed_points: 15.0,
        say_do_ratio: Some(0.75),
        unestimated_issues: 0,
        rolling_mean_3: None,
        completed_keys: vec![],
        planned_keys: vec![],
    };
    let week = |person: &str, h: f64| MeetingWeek {
        person: person.into(),
        week_start: date(2025, 3, 10),
        meeting_hours: h,
        meetings: 3,
        meeting_ids: vec![],
    };
    CockpitData {
        snapshot: Snapshot {
            site: "acme".into(),
            team: "Payments".into(),
            time_zone: "UTC".into(),
            as_of: ts("2025-03-14T09:45:00Z"),
            cards: vec![card(90, "a"), card(60, "b"), card(30, "c")],
            velocity: vec![sprint(1, SprintState::Closed), sprint(2, SprintState::Active)],
            meeting_load: vec![week("ann@acme.example", 10.0), week("bo@acme.example", 4.0)],
            counts: vec![],
            ..Snapshot::default()
        },
        sources: vec![report(Source::Jira, None)],
        viewer: "Ann".into(),
        role: "engineer".into(),
        standup: None,
    }
}

fn report(source: Source, error: Option<&str>) -> SourceReport {
    SourceReport {
        source,
        written: vec![(RecordKind::WorkItem, 10)],
        requests: 3,
        error: error.map(String::from),
        finished: ts("2025-03-14T09:41:00Z"),
    }
}

#[test]
fn starts_on_cards_and_dirty() {
    let app = App::new(data());
    assert_eq!(app.tab(), Tab::Cards);
    assert!(app.is_dirty());
    assert!(!app.help_open());
    assert!(!app.should_quit());
    assert_eq!(app.selected(Tab::Cards), 0);
}

#[test]
fn tabs_wrap_around_both_ways() {
    let mut app = App::new(data());
    let mut seen = vec![];
    for _ in 0..10 {
        app.update(Action::NextTab);
        seen.push(app.tab());
    }
    assert_eq!(
        seen,
        [
            Tab::Standup,
            Tab::Sprint,
            Tab::Meetings,
            Tab::Pulse,
            Tab::Strategic,
            Tab::Docs,
            Tab::Copilot,
            Tab::Sync,
            Tab::Cards,
            Tab::Standup
        ]
    );
    app.update(Action::PrevTab);
    app.update(Action::PrevTab);
    assert_eq!(app.tab(), Tab::Sync);
}

#[test]
fn number_keys_pick_tabs_and_ignore_missing_ones() {
    let mut app = App::new(data());
    app.update(Action::GoToTab(4));
    assert_eq!(app.tab(), Tab::Meetings);
    app.update(Action::GoToTab(5));
    assert_eq!(app.tab(), Tab::Pulse);
    app.update(Action::GoToTab(9));
    assert_eq!(app.tab(), Tab::Sync);
    app.update(Action::GoToTab(9));
    assert_eq!(app.tab(), Tab::Sync);
    app.update(Action::GoToTab(0));
    assert_eq!(app.tab(), Tab::Sync);
    app.update(Action::GoToTab(1));
    assert_eq!(app.tab(), Tab::Cards);
}

#[test]
fn selection_stays_in_bounds_and_per_tab() {
    let mut app = App::new(data());
    app.update(Action::Up);
    assert_eq!(app.selected(Tab::Cards), 0);
    for _ in 0..10 {
        app.update(Action::Down);
    }
    assert_eq!(app.selected(Tab::Cards), 2);
    app.update(Action::Top);
    assert_eq!(app.selected(Tab::Cards), 0);
    app.update(Action::Bottom);
    assert_eq!(app.selected(Tab::Cards), 2);
    app.set_tab(Tab::Sprint);
    assert_eq!(app.selected(Tab::Sprint), 0);
    app.update(Action::Bottom);
    assert_eq!(app.selected(Tab::Sprint), 1);
    app.set_tab(Tab::Cards);
    assert_eq!(app.selected(Tab::Cards), 2, "each tab keeps its own selection");
}

#[test]
fn empty_lists_keep_selection_at_zero() {
    let mut d = data();
    d.snapshot.cards.clear();
    let mut app = App::new(d);
    app.update(Action::Down);
    app.update(Action::Bottom);
    assert_eq!(app.selected(Tab::Cards), 0);
}

#[test]
fn help_toggles_and_is_modal() {
    let mut app = App::new(data());
    app.update(Action::Help);
    assert!(app.help_open());
    app.update(Action::NextTab);
    app.update(Action::Down);
    assert_eq!(app.tab(), Tab::Cards, "keys under the overlay do nothing");
    assert_eq!(app.selected(Tab::Cards), 0);
    app.update(Action::Help);
    assert!(!app.help_open());
    app.update(Action::Help);
    app.update(Action::Back);
    assert!(!app.help_open(), "esc closes help");
    app.update(Action::Help);
    app.update(Action::Quit);
    assert!(app.should_quit(), "quit works under the overlay");
}

#[test]
fn explain_toggles_per_tab_and_back_closes() {
    let mut app = App::new(data());
    app.update(Action::Open);
    assert!(app.detail_open(Tab::Cards));
    app.set_tab(Tab::Sprint);
    assert!(!app.detail_open(Tab::Sprint));
    app.update(Action::Open);
    assert!(app.detail_open(Tab::Sprint));
    app.update(Action::Open);
    assert!(!app.detail_open(Tab::Sprint));
    app.set_tab(Tab::Cards);
    assert!(app.detail_open(Tab::Cards));
    app.update(Action::Back);
    assert!(!app.detail_open(Tab::Cards));
}

#[test]
fn quit_sets_the_flag() {
    let mut app = App::new(data());
    assert_eq!(app.update(Action::Quit), None);
    assert!(app.should_quit());
}

#[test]
fn sync_is_an_intent_only_when_someone_listens() {
    let mut app = App::new(data());
    assert_eq!(app.update(Action::Sync), None);
    assert!(app.sync().notice.is_some());
    app.set_can_request_sync(true);
    assert_eq!(app.update(Action::Sync), Some(Intent::Sync));
    assert!(app.sync().requested);
    assert_eq!(
        app.update(Action::Sync),
        None,
        "no second request while one is pending"
    );
    app.on_sync_event(SyncEvent::Started { source: Source::Jira });
    assert!(!app.sync().requested);
    assert_eq!(app.update(Action::Sync), None, "no request while running");
}

#[test]
fn sync_events_update_progress_and_reports() {
    let mut app = App::new(data());
    app.mark_drawn();
    app.on_sync_event(SyncEvent::Started { source: Source::Zoom });
    assert!(app.is_dirty());
    app.on_sync_event(SyncEvent::Page {
        source: Source::Zoom,
        endpoint: "/v2/report/meetings".into(),
        items: 30,
    });
    assert_eq!(app.sync().running, [Source::Zoom]);
    assert_eq!((app.sync().pages, app.sync().records), (1, 30));
    assert_eq!(
        app.row_count(Tab::Sync),
        2,
        "a running source is listed before its first report"
    );
    app.on_sync_event(SyncEvent::Finished(report(Source::Zoom, Some("HTTP 429"))));
    assert!(app.sync().running.is_empty());
    assert_eq!(app.data().sources.len(), 2);
    assert_eq!(
        app.sync().last_error,
        Some((Source::Zoom, "HTTP 429".to_string()))
    );
    app.on_sync_event(SyncEvent::Finished(report(Source::Zoom, None)));
    assert_eq!(
        app.data().sources.len(),
        2,
        "a report replaces the source's previous one"
    );
    assert_eq!(app.sync().last_error, None);
    assert!(app.sync().log.len() >= 4);
}

#[test]
fn dirty_only_when_something_changed() {
    let mut app = App::new(data());
    app.mark_drawn();
    app.update(Action::Up);
    assert!(!app.is_dirty(), "moving up from the top changes nothing");
    app.update(Action::Down);
    assert!(app.is_dirty());
    app.mark_drawn();
    app.update(Action::Back);
    assert!(!app.is_dirty());
}

#[test]
fn keys_drive_the_app_through_the_default_keymap() {
    let keymap = Keymap::defaults().unwrap();
    let mut app = App::new(data());
    let press = |app: &mut App, code: KeyCode, mods: KeyModifiers| {
        if let Some(a) = keymap.action_for(&KeyEvent::new(code, mods)) {
            app.update(a);
        }
    };
    press(&mut app, KeyCode::Char('3'), KeyModifiers::NONE);
    assert_eq!(app.tab(), Tab::Sprint);
    press(&mut app, KeyCode::Char('j'), KeyModifiers::NONE);
    assert_eq!(app.selected(Tab::Sprint), 1);
    press(&mut app, KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(app.tab(), Tab::Standup);
    press(&mut app, KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(app.tab(), Tab::Cards);
    press(&mut app, KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(app.selected(Tab::Cards), 2);
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert!(app.detail_open(Tab::Cards));
    press(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert!(!app.detail_open(Tab::Cards));
    press(&mut app, KeyCode::Char('?'), KeyModifiers::SHIFT);
    assert!(app.help_open());
    press(&mut app, KeyCode::Char('q'), KeyModifiers::NONE);
    assert!(app.should_quit());
}

/// Types `text` into the open prompt.
fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.edit(Edit::Insert(c));
    }
}

#[test]
fn filter_narrows_the_list_and_esc_clears_it() {
    let mut d = data();
    d.snapshot.cards[1].title = "Refunds stuck".into();
    let mut app = App::new(d);
    app.update(Action::Filter);
    assert!(app.text_mode());
    assert_eq!(app.prompt().map(|p| p.text()), Some(""));
    type_text(&mut app, "REF");
    assert_eq!(app.filter(Tab::Cards), "REF", "the list filters as you type");
    assert_eq!(app.row_count(Tab::Cards), 1);
    assert_eq!(app.total_rows(Tab::Cards), 3);
    assert_eq!(
        app.selected_row(Tab::Cards),
        Some(1),
        "the refunds card is the second card"
    );
    app.edit(Edit::Submit);
    assert!(!app.text_mode(), "enter keeps the filter and leaves the prompt");
    assert_eq!(app.filter(Tab::Cards), "REF");
    // Other tabs keep their own (empty) filter.
    app.update(Action::NextTab);
    assert_eq!(app.row_count(Tab::Sprint), 2);
    app.update(Action::PrevTab);
    app.update(Action::Back);
    assert_eq!(app.filter(Tab::Cards), "", "esc clears the filter");
    assert_eq!(app.row_count(Tab::Cards), 3);
    assert_eq!(
        app.selected_row(Tab::Cards),
        Some(1),
        "the selection stays on its card"
    );
}

#[test]
fn filter_prompt_esc_clears_and_arrows_move_in_the_list() {
    let mut app = App::new(data());
    app.update(Action::GoToTab(4));
    app.update(Action::Filter);
    type_text(&mut app, "@acme");
    assert_eq!(app.row_count(Tab::Meetings), 2);
    app.edit(Edit::Next);
    assert_eq!(app.selected(Tab::Meetings), 1, "down moves in the filtered list");
    assert!(app.text_mode());
    type_text(&mut app, "zzz");
    assert_eq!(app.row_count(Tab::Meetings), 0);
    assert_eq!(app.selected_row(Tab::Meetings), None);
    app.update(Action::Down);
    assert_eq!(
        app.selected(Tab::Meetings),
        0,
        "an empty list keeps the selection at 0"
    );
    app.edit(Edit::Cancel);
    assert!(!app.text_mode());
    assert_eq!(app.filter(Tab::Meetings), "");
    assert_eq!(app.row_count(Tab::Meetings), 2);
}

#[test]
fn filter_matches_sprint_keys_and_sources() {
    let mut d = data();
    d.snapshot.velocity[1].planned_keys = vec!["PAY-412".into()];
    let mut app = App::new(d);
    app.update(Action::GoToTab(3));
    app.update(Action::Filter);
    type_text(&mut app, "pay-412");
    assert_eq!(app.visible(Tab::Sprint), [1]);
    app.edit(Edit::Submit);
    app.update(Action::GoToTab(9));
    app.update(Action::Filter);
    type_text(&mut app, "JIRA ok");
    assert_eq!(app.row_count(Tab::Sync), 1);
    app.edit(Edit::Backspace);
    app.edit(Edit::Backspace);
    type_text(&mut app, "failed");
    assert_eq!(app.row_count(Tab::Sync), 0);
}

#[test]
fn palette_runs_the_chosen_action() {
    let mut app = App::new(data());
    app.update(Action::Palette);
    assert!(matches!(app.overlay(), Overlay::Palette(_)));
    assert!(app.text_mode());
    type_text(&mut app, "meet");
    app.edit(Edit::Submit);
    assert_eq!(app.tab(), Tab::Meetings);
    assert_eq!(app.overlay(), &Overlay::None);
    // Esc closes without running anything.
    app.update(Action::Palette);
    type_text(&mut app, "quit");
    app.edit(Edit::Cancel);
    assert!(!app.should_quit());
    assert_eq!(app.overlay(), &Overlay::None);
    // The palette can open the filter prompt and explain.
    app.update(Action::Palette);
    type_text(&mut app, "filter");
    app.edit(Edit::Submit);
    assert!(app.prompt().is_some());
    app.edit(Edit::Cancel);
    app.update(Action::Palette);
    type_text(&mut app, "explain");
    app.edit(Edit::Submit);
    assert!(matches!(app.overlay(), Overlay::Explain { .. }));
}

#[test]
fn palette_sync_is_an_intent() {
    let mut app = App::new(data());
    app.set_can_request_sync(true);
    app.update(Action::Palette);
    type_text(&mut app, "sync");
    assert_eq!(app.edit(Edit::Submit), Some(Intent::Sync));
}

#[test]
fn explain_steps_through_the_numbers_of_the_row() {
    let mut app = App::new(data());
    app.update(Action::GoToTab(3));
    app.update(Action::Explain);
    let all = explain::explanations(&app);
    let names: Vec<&str> = all.iter().map(|e| e.metric.as_str()).collect();
    assert_eq!(
        names,
        [
            "Completed points",
            "Planned points",
            "Say/do ratio",
            "Mean(3)",
            "Unestimated"
        ],
        "without sprint health in the snapshot"
    );
    assert_eq!(all[0].value, "15 points");
    assert_eq!(all[2].value, "75%");
    assert!(all[0].definition.contains("completed points"));
    assert_eq!(app.overlay(), &Overlay::Explain { metric: 0, scroll: 0 });
    app.update(Action::NextTab);
    app.update(Action::NextTab);
    assert_eq!(app.overlay(), &Overlay::Explain { metric: 2, scroll: 0 });
    app.update(Action::PrevTab);
    app.update(Action::PrevTab);
    app.update(Action::PrevTab);
    assert_eq!(app.overlay(), &Overlay::Explain { metric: 4, scroll: 0 }, "wraps");
    assert_eq!(app.tab(), Tab::Sprint, "tab keys do not leave the overlay");
    app.update(Action::Down);
    app.update(Action::Bottom);
    assert!(matches!(app.overlay(), Overlay::Explain { metric: 4, .. }));
    app.update(Action::Back);
    assert_eq!(app.overlay(), &Overlay::None);
}

#[test]
fn explain_lists_the_items_behind_each_number() {
    let mut d = data();
    d.snapshot.velocity[0].completed_keys = vec!["PAY-10".into(), "PAY-4".into()];
    d.snapshot.velocity[0].planned_keys = vec!["PAY-10".into(), "PAY-4".into(), "PAY-7".into()];
    d.snapshot.meeting_load[0].meeting_ids = vec!["884".into(), "885".into()];
    d.snapshot.cards[0].evidence = vec![Evidence {
        label: "PAY-1 Broken".into(),
        url: None,
    }];
    let mut app = App::new(d);
    let cards = explain::explanations(&app);
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].metric, "Urgency");
    assert_eq!(cards[0].value, "90 (high)");
    assert_eq!(cards[0].groups[0].1, ["PAY-1 Broken"]);
    assert!(cards[0].definition.contains("70 plus one per open blocker"));
    app.update(Action::GoToTab(3));
    let sprint = explain::explanations(&app);
    assert_eq!(sprint[0].groups[0].1, ["PAY-10", "PAY-4"]);
    assert_eq!(sprint[1].groups[1].1, ["PAY-7"], "committed, not completed");
    app.update(Action::GoToTab(4));
    let meetings = explain::explanations(&app);
    assert_eq!(meetings[0].subject, "ann@acme.example");
    assert_eq!(meetings[0].groups[0].1, ["884", "885"]);
    assert!(
        meetings[0].window.contains("2025-03-10"),
        "{}",
        meetings[0].window
    );
    assert!(meetings[0].definition.contains("union of their attendance"));
    app.update(Action::GoToTab(9));
    let sync = explain::explanations(&app);
    assert_eq!(sync[0].value, "10");
    assert_eq!(sync[1].value, "3");
}

#[test]
fn explain_on_an_empty_list_says_so() {
    let mut d = data();
    d.snapshot.cards.clear();
    let mut app = App::new(d);
    app.update(Action::Explain);
    assert_eq!(app.overlay(), &Overlay::None);
    assert!(
        app.sync()
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("nothing to explain"))
    );
    app.update(Action::Down);
    assert_eq!(app.sync().notice, None, "a notice lasts one key");
}

#[test]
fn fresh_data_keeps_selection_filter_and_overlay() {
    let mut app = App::new(data());
    app.update(Action::Bottom);
    assert_eq!(app.selected_row(Tab::Cards), Some(2));
    app.update(Action::Explain);
    let mut d = data();
    // A new most urgent card arrives at the top.
    d.snapshot.cards.insert(
        0,
        Card {
            kind: CardKind::SprintAtRisk,
            urgency: 99,
            title: "new".into(),
            detail: String::new(),
            evidence: vec![],
        },
    );
    app.mark_drawn();
    app.on_event(CockpitEvent::Data(Box::new(d)));
    assert!(app.is_dirty());
    assert_eq!(app.selected_row(Tab::Cards), Some(3), "still on card \"c\"");
    assert!(matches!(app.overlay(), Overlay::Explain { .. }));
    // Its card disappears: the selection stays in range.
    let mut d = data();
    d.snapshot.cards.truncate(1);
    app.on_event(d.into());
    assert_eq!(app.selected_row(Tab::Cards), Some(0));
    app.on_event(
        SyncEvent::Started {
            source: Source::Slack,
        }
        .into(),
    );
    assert_eq!(app.sync().running, [Source::Slack]);
}

#[test]
fn problems_show_until_dismissed() {
    let mut app = App::new(data());
    app.update(Action::Open);
    app.report_problem("keymap: broken");
    assert_eq!(app.problems().len(), 1);
    app.update(Action::Back);
    assert!(app.problems().is_empty(), "esc dismisses problems first");
    assert!(app.detail_open(Tab::Cards));
}

#[test]
fn pages_move_by_the_viewport() {
    let mut d = data();
    d.snapshot.cards = (0..100)
        .map(|i| Card {
            kind: CardKind::Blocked,
            urgency: 50,
            title: format!("card {i}"),
            detail: String::new(),
            evidence: vec![],
        })
        .collect();
    let mut app = App::new(d);
    app.set_viewport(80, 24);
    app.update(Action::PageDown);
    assert_eq!(app.selected(Tab::Cards), 12);
    app.update(Action::PageDown);
    app.update(Action::PageUp);
    assert_eq!(app.selected(Tab::Cards), 12);
    for _ in 0..20 {
        app.update(Action::PageDown);
    }
    assert_eq!(app.selected(Tab::Cards), 99);
}

#[test]
fn keys_type_into_prompts_instead_of_running_actions() {
    let keymap = Keymap::defaults().unwrap();
    let mut app = App::new(data());
    let key = |app: &mut App, code: KeyCode, mods: KeyModifiers| {
        on_key(app, &keymap, &KeyEvent::new(code, mods));
    };
    key(&mut app, KeyCode::Char('/'), KeyModifiers::NONE);
    for c in "qj?".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    assert!(!app.should_quit(), "q is text in a prompt");
    assert_eq!(app.prompt().map(|p| p.text()), Some("qj?"));
    key(&mut app, KeyCode::Char('w'), KeyModifiers::CONTROL);
    assert_eq!(app.prompt().map(|p| p.text()), Some(""));
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut app, KeyCode::Char(':'), KeyModifiers::NONE);
    assert!(app.text_mode());
    for c in "sprint".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(app.tab(), Tab::Sprint);
    key(&mut app, KeyCode::Char('e'), KeyModifiers::NONE);
    assert!(matches!(app.overlay(), Overlay::Explain { .. }));
    key(&mut app, KeyCode::Char('l'), KeyModifiers::NONE);
    assert!(matches!(app.overlay(), Overlay::Explain { metric: 1, .. }));
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut app, KeyCode::Char('q'), KeyModifiers::NONE);
    assert!(app.should_quit());
}

#[test]
fn mouse_wheel_moves_and_a_click_picks_a_tab() {
    let keymap = Keymap::defaults().unwrap();
    let mut app = App::new(data());
    let mouse = |kind, column, row| MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    app.set_viewport(160, 48);
    on_mouse(&mut app, &keymap, &mouse(MouseEventKind::ScrollDown, 10, 5));
    assert_eq!(app.selected(Tab::Cards), 1);
    // " ASYNC Cockpit │ 1 Cards · 2 Standup · 3 Sprint · 4 Meetings · …"
    let x = " ASYNC Cockpit │ 1 Cards · 2 Standup · 3 Spr".chars().count() as u16;
    on_mouse(
        &mut app,
        &keymap,
        &mouse(MouseEventKind::Down(MouseButton::Left), x, 0),
    );
    assert_eq!(app.tab(), Tab::Sprint);
    on_mouse(
        &mut app,
        &keymap,
        &mouse(MouseEventKind::Down(MouseButton::Left), 3, 0),
    );
    assert_eq!(app.tab(), Tab::Sprint, "the brand is no tab");
    // At 80 columns the brand gives way and other tabs shorten:
    // " 1 Ca · 2 St · 3 Sprint · 4 Me · 5 Pu · 6 St · 7 Do · 8 Co · 9 Sy"
    app.set_viewport(80, 24);
    let x = " 1 Ca · 2 St · 3 Sprint · 4 M".chars().count() as u16;
    on_mouse(
        &mut app,
        &keymap,
        &mouse(MouseEventKind::Down(MouseButton::Left), x, 0),
    );
    assert_eq!(app.tab(), Tab::Meetings);
}

#[test]
fn copy_is_an_osc52_escape_with_base64() {
    use async_cockpit::ui::run::osc52;
    // "# Sprint triage\n" in base64, between ESC ] 52 ; c ; and BEL.
    assert_eq!(
        osc52("# Sprint triage\n"),
        "\x1b]52;c;IyBTcHJpbnQgdHJpYWdlCg==\x07"
    );
    assert_eq!(osc52(""), "\x1b]52;c;\x07");
}
