//! Drives the cockpit's [`App`] with actions and sync events, headless, and
//! checks its state: tabs, selection bounds, overlays, quit, intents.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_cockpit::analytics::meetings::MeetingWeek;
use async_cockpit::analytics::velocity::SprintVelocity;
use async_cockpit::insight::{Card, CardKind, Snapshot};
use async_cockpit::model::{RecordKind, Source, SprintState};
use async_cockpit::sync::{SourceReport, SyncEvent};
use async_cockpit::ui::keymap::Keymap;
use async_cockpit::ui::{Action, App, CockpitData, Intent, Tab};
use jiff::Timestamp;
use jiff::civil::date;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
    for _ in 0..5 {
        app.update(Action::NextTab);
        seen.push(app.tab());
    }
    assert_eq!(
        seen,
        [Tab::Sprint, Tab::Meetings, Tab::Sync, Tab::Cards, Tab::Sprint]
    );
    app.update(Action::PrevTab);
    app.update(Action::PrevTab);
    assert_eq!(app.tab(), Tab::Sync);
}

#[test]
fn number_keys_pick_tabs_and_ignore_missing_ones() {
    let mut app = App::new(data());
    app.update(Action::GoToTab(3));
    assert_eq!(app.tab(), Tab::Meetings);
    app.update(Action::GoToTab(4));
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
    app.update(Action::NextTab);
    assert_eq!(app.selected(Tab::Sprint), 0);
    app.update(Action::Bottom);
    assert_eq!(app.selected(Tab::Sprint), 1);
    app.update(Action::PrevTab);
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
    app.update(Action::NextTab);
    assert!(!app.detail_open(Tab::Sprint));
    app.update(Action::Open);
    assert!(app.detail_open(Tab::Sprint));
    app.update(Action::Open);
    assert!(!app.detail_open(Tab::Sprint));
    app.update(Action::PrevTab);
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
    press(&mut app, KeyCode::Char('2'), KeyModifiers::NONE);
    assert_eq!(app.tab(), Tab::Sprint);
    press(&mut app, KeyCode::Char('j'), KeyModifiers::NONE);
    assert_eq!(app.selected(Tab::Sprint), 1);
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
