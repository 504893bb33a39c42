//! The Standup and Copilot tabs on the demo organisation, synced in-process
//! from the replay server with a fixed clock: snapshots at 80×24 and 160×48
//! (overview, live standup, post box, copilot answer), and headless runs
//! that drive the app with actions and keys while the cockpit service
//! answers its intents (drafts and answers streamed in as events, blocker
//! flags stored sealed, posting to a mock Slack after confirmation).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/llm/mock.rs"]
mod mock;

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use async_cockpit::access::Viewer;
use async_cockpit::commands::cockpit_service;
use async_cockpit::commands::{compute_snapshot, demo_config, demo_dir, sync_all};
use async_cockpit::config::{Config, StandupOrder};
use async_cockpit::insight::standup::Activity;
use async_cockpit::replay::{ReplayOptions, ReplayServer};
use async_cockpit::store::{KeySource, Store};
use async_cockpit::sync::Progress;
use async_cockpit::ui::app::{DraftStatus, PostFlow};
use async_cockpit::ui::{Action, App, CockpitData, CockpitEvent, Intent, Tab, render_app_to_string};
use jiff::Timestamp;
use mock::{Mock, Reply};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// The fixed clock: Tuesday 2026-01-06 09:40 in Berlin, the day after the
/// demo's anchor (so the replay server shifts nothing).
const NOW: &str = "2026-01-06T08:40:00Z";

struct Demo {
    _dir: tempfile::TempDir,
    store: Arc<Store>,
    cfg: Config,
    activity: Activity,
    data: CockpitData,
}

/// The demo synced once per test binary (on its own runtime).
fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    // Built on a thread of its own: async tests already run on a runtime.
    DEMO.get_or_init(|| std::thread::spawn(build).join().unwrap())
}

fn build() -> Demo {
    {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let now: Timestamp = NOW.parse().unwrap();
            let server = ReplayServer::start(&demo_dir(), ReplayOptions { now: Some(now) })
                .await
                .unwrap();
            let mut cfg = demo_config(&demo_dir(), &server.base_url()).unwrap();
            cfg.standup.slack_channel = "C08MRDY7A2K".into();
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&dir.path().join("demo"), "demo", &KeySource::ephemeral(), true).unwrap();
            for p in ["github", "jira", "slack", "confluence"] {
                store.put_secret(p, &format!("demo-{p}-token")).unwrap();
            }
            store.put_secret("zoom", "a:b:c").unwrap();
            sync_all(&store, &cfg, &Progress::default(), false).await;
            server.shutdown().await;
            let snapshot = compute_snapshot(&store, &cfg, now).unwrap();
            let (activity, standup) = cockpit_service::standup_data(&store, &cfg, now).unwrap();
            let data = CockpitData {
                snapshot,
                sources: Vec::new(),
                viewer: "Greta Moonfield".into(),
                role: "engineering-manager".into(),
                standup: Some(standup),
            };
            Demo {
                _dir: dir,
                store: Arc::new(store),
                cfg,
                activity,
                data,
            }
        })
    }
}

/// The replay server's port is in every Jira link: snapshots show `PORT`.
fn stable(screen: String) -> String {
    regex::Regex::new(r"127\.0\.0\.1:\d+")
        .unwrap()
        .replace_all(&screen, "127.0.0.1:PORT")
        .into_owned()
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

/// Sends `intent` to the service and applies events to `app` until `done`.
async fn pump(
    app: &mut App,
    tx: &UnboundedSender<Intent>,
    rx: &mut UnboundedReceiver<CockpitEvent>,
    intent: Option<Intent>,
    done: impl Fn(&App) -> bool,
) -> usize {
    if let Some(i) = intent {
        tx.send(i).unwrap();
    }
    let mut events = 0;
    while !done(app) {
        let e = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("the service answers")
            .expect("the service is running");
        app.on_event(e);
        events += 1;
    }
    events
}

fn service(d: &Demo, cfg: Config) -> (UnboundedReceiver<CockpitEvent>, UnboundedSender<Intent>) {
    let viewer = Viewer {
        name: "Greta Moonfield".into(),
        roles: vec!["engineering-manager".into()],
    };
    let team = d.data.standup.as_ref().unwrap().team.clone();
    cockpit_service::spawn(
        Arc::clone(&d.store),
        cfg,
        viewer,
        (d.activity.clone(), team),
        Some(NOW.parse().unwrap()),
    )
}

#[test]
fn standup_tab_snapshots() {
    let d = demo();
    let standup = d.data.standup.as_ref().unwrap();
    assert_eq!(
        standup.team.day.to_string(),
        "2026-01-05",
        "the last work day before Tuesday"
    );
    assert_eq!(standup.team.people.len(), d.cfg.people.len());
    let mut app = App::new(d.data.clone());
    app.set_tab(Tab::Standup);
    // The person with the most blockers, so the card shows all three sections.
    let busiest = (0..standup.team.people.len())
        .max_by_key(|&i| {
            let p = &standup.team.people[i];
            (p.blockers.len(), p.done.len() + p.doing.len())
        })
        .unwrap();
    for _ in 0..busiest {
        app.update(Action::Down);
    }
    for (w, h) in [(80, 24), (160, 48)] {
        app.set_viewport(w, h);
        let screen = render_app_to_string(&app, w, h);
        assert!(screen.contains(&standup.team.people[busiest].person), "{screen}");
        insta::assert_snapshot!(format!("standup_demo_{w}x{h}"), stable(screen));
    }
    // e explains the person's numbers: definition, window, the items behind them.
    app.update(Action::Explain);
    let all = async_cockpit::ui::explain::explanations(&app);
    let names: Vec<&str> = all.iter().map(|e| e.metric.as_str()).collect();
    assert_eq!(names, ["Done", "Doing", "Blockers"]);
    let p = &standup.team.people[busiest];
    assert_eq!(all[2].value, p.blockers.len().to_string());
    assert_eq!(all[2].groups[0].1.len(), p.blockers.len());
    assert!(all[0].window.contains("Mon 2026-01-05"), "{}", all[0].window);
}

#[test]
fn live_standup_steps_times_and_flags_with_an_injected_clock() {
    let d = demo();
    let standup = d.data.standup.as_ref().unwrap();
    let mut app = App::new(d.data.clone());
    let t0 = Instant::now();
    app.tick(t0);
    app.set_tab(Tab::Standup);
    assert_eq!(app.update(Action::LiveStandup), None);
    let first = app.live_person().unwrap().person.clone();
    assert_eq!(first, d.cfg.people[0].name, "config order by default");
    app.tick(t0 + Duration::from_secs(75));
    assert_eq!(app.live_elapsed().unwrap().0, Duration::from_secs(75));
    assert!(render_app_to_string(&app, 160, 48).contains("1:15 / 2:00"));
    app.update(Action::NextPerson);
    assert_eq!(app.live_person().unwrap().person, d.cfg.people[1].name);
    app.tick(t0 + Duration::from_secs(75 + 130));
    let screen = render_app_to_string(&app, 160, 48);
    assert!(screen.contains("2:10 / 2:00 · over by 0:10"), "{screen}");
    assert!(screen.contains("3:25 total"), "{screen}");
    // b flags the speaker, b again unflags; each time the whole day is stored.
    let speaker = app.live_person().unwrap().person.clone();
    let Some(Intent::SaveFlags { day, flags }) = app.update(Action::FlagBlocker) else {
        panic!("b stores the flags");
    };
    assert_eq!(day, standup.team.day.to_string());
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].person, speaker);
    assert!(app.is_flagged(&speaker));
    insta::assert_snapshot!("standup_live_160x48", stable(render_app_to_string(&app, 160, 48)));
    insta::assert_snapshot!("standup_live_80x24", stable(render_app_to_string(&app, 80, 24)));
    app.update(Action::PrevPerson);
    assert_eq!(app.live_person().unwrap().person, first);
    assert_eq!(
        app.live_elapsed().unwrap().1,
        Duration::from_secs(205),
        "time spent is kept per person"
    );
    // The shuffled order is the same for everyone on the day, the speaker stays.
    app.update(Action::ShuffleOrder);
    assert_eq!(app.standup().order, StandupOrder::Shuffled);
    assert_eq!(app.live_person().unwrap().person, first);
    let order = app.standup().live.as_ref().unwrap().order.clone();
    assert_ne!(order, (0..order.len()).collect::<Vec<_>>());
    let mut again = App::new(d.data.clone());
    again.tick(t0);
    again.set_tab(Tab::Standup);
    again.update(Action::ShuffleOrder);
    again.update(Action::LiveStandup);
    assert_eq!(again.standup().live.as_ref().unwrap().order, order);
    // The last person: n says so instead of wrapping.
    for _ in 0..order.len() + 2 {
        app.update(Action::NextPerson);
    }
    assert_eq!(app.standup().live.as_ref().unwrap().at, order.len() - 1);
    app.update(Action::LiveStandup);
    assert!(app.standup().live.is_none());
    // Outside the Standup tab the standup keys do nothing but say where they work.
    app.set_tab(Tab::Cards);
    assert_eq!(app.update(Action::FlagBlocker), None);
    assert!(app.sync().notice.as_deref().unwrap().contains("Standup tab"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_stream_in_and_flags_are_stored_sealed() {
    let d = demo();
    let (mut rx, tx) = service(d, d.cfg.clone());
    let mut app = App::new(d.data.clone());
    app.set_tab(Tab::Standup);
    let intent = app.update(Action::Draft);
    let Some(Intent::DraftStandup { person, .. }) = &intent else {
        panic!("d drafts: {intent:?}");
    };
    assert_eq!(person.as_deref(), Some(d.cfg.people[0].name.as_str()));
    let handled = |i: &Intent| cockpit_service::Service::handles(i);
    assert!(handled(intent.as_ref().unwrap()));
    assert!(!handled(&Intent::Sync), "syncs are someone else's");
    assert_eq!(app.standup().draft.status, DraftStatus::Waiting);
    assert!(app.is_streaming(), "the loop polls fast while a draft streams");
    pump(&mut app, &tx, &mut rx, intent, |a| {
        !a.standup().draft.status.is_busy()
    })
    .await;
    assert_eq!(
        app.standup().draft.status,
        DraftStatus::Done("offline template-v1".into())
    );
    assert!(
        app.standup()
            .draft
            .text
            .starts_with(&format!("Standup: {}", d.cfg.people[0].name))
    );
    assert!(!app.is_streaming());
    // D drafts the whole team: every configured person has a block.
    let intent = app.update(Action::DraftTeam);
    assert!(matches!(&intent, Some(Intent::DraftStandup { person: None, .. })));
    pump(&mut app, &tx, &mut rx, intent, |a| {
        !a.standup().draft.status.is_busy()
    })
    .await;
    let text = &app.standup().draft.text;
    assert!(text.starts_with("Standup: Orbital Platform"), "{text}");
    for p in &d.cfg.people {
        assert!(text.contains(&format!("\n{}\n", p.name)), "{} in {text}", p.name);
    }
    insta::assert_snapshot!(
        "standup_team_draft_160x48",
        stable(render_app_to_string(&app, 160, 48))
    );

    // A flag goes to the store, sealed, under the standup's day.
    let day = d.data.standup.as_ref().unwrap().team.day.to_string();
    let intent = app.update(Action::FlagBlocker);
    tx.send(intent.unwrap()).unwrap();
    let mut stored = Vec::new();
    for _ in 0..100 {
        stored = d.store.standup_flags(&day).unwrap();
        if !stored.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].person, d.cfg.people[0].name);
    assert_eq!(stored[0].by, "Greta Moonfield");
    // A new cockpit on the same day starts with it.
    let (_, again) = cockpit_service::standup_data(&d.store, &d.cfg, NOW.parse().unwrap()).unwrap();
    assert_eq!(again.flags, stored);
    d.store.put_standup_flags(&day, &[]).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copilot_question_typed_answered_streamed_and_cited() {
    let d = demo();
    let (mut rx, tx) = service(d, d.cfg.clone());
    let mut app = App::new(d.data.clone());
    app.update(Action::Ask);
    assert_eq!(app.tab(), Tab::Copilot);
    assert!(app.copilot_editing() && app.text_mode());
    // Global keys type: q, digits and ? never quit, switch tabs or open help.
    let mut intent = None;
    for c in "q3? what blocks the sprintx".chars() {
        assert_eq!(app.copilot_key(&key(c)), None);
    }
    assert!(!app.should_quit() && app.tab() == Tab::Copilot && !app.help_open());
    assert_eq!(app.copilot().typed(), "q3? what blocks the sprintx");
    app.copilot_key(&KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
    app.copilot_key(&key('s'));
    if let Some(i) = app.copilot_key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)) {
        intent = Some(i);
    }
    let Some(Intent::Ask { question, .. }) = &intent else {
        panic!("enter asks: {intent:?}");
    };
    assert_eq!(question, "q3? what blocks the sprints");
    assert!(!app.copilot_editing());
    let events = pump(&mut app, &tx, &mut rx, intent, |a| !a.copilot().status.is_busy()).await;
    assert!(events >= 3, "facts, text, done: {events}");
    let c = app.copilot();
    assert_eq!(c.status, DraftStatus::Done("offline template-v1".into()));
    assert!(!c.facts.is_empty());
    assert!(
        c.facts.iter().any(|f| f.text.contains("blocked")),
        "{:?}",
        c.facts
    );
    assert_eq!(app.row_count(Tab::Copilot), c.cited().len());
    assert!(app.row_count(Tab::Copilot) > 0);
    for (w, h) in [(80, 24), (160, 48)] {
        insta::assert_snapshot!(
            format!("copilot_demo_{w}x{h}"),
            stable(render_app_to_string(&app, w, h))
        );
    }
    // Enter opens the selected cited fact with its items and links.
    app.update(Action::Down);
    let fact = app.copilot().facts[app.selected_row(Tab::Copilot).unwrap()].clone();
    app.update(Action::Open);
    let screen = render_app_to_string(&app, 160, 48);
    assert!(screen.contains(&format!("[{}]", fact.id)), "{screen}");
    for e in &fact.cites {
        assert!(screen.contains(&e.label), "{screen}");
        if let Some(u) = &e.url {
            assert!(screen.contains(u.as_str()), "{screen}");
        }
    }
    insta::assert_snapshot!(
        "copilot_cited_open_80x24",
        stable(render_app_to_string(&app, 80, 24))
    );
    app.update(Action::Back);
    assert!(!app.detail_open(Tab::Copilot));
    // A second question drops what is left of the first.
    let first_job = app.copilot().job;
    let second = app.ask("how are reviews going".into());
    app.on_event(CockpitEvent::Draft {
        job: first_job,
        part: async_cockpit::ui::app::DraftPart::Text("stale".into()),
    });
    assert!(!app.copilot().answer.contains("stale"));
    pump(&mut app, &tx, &mut rx, Some(second), |a| {
        !a.copilot().status.is_busy()
    })
    .await;
    assert!(app.copilot().answer.contains("how are reviews going"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_shows_the_exact_text_asks_then_posts_and_a_failure_keeps_it() {
    let d = demo();
    let slack = Mock::start(vec![
        Reply::json(
            200,
            r#"{"ok":true,"channel":"C08MRDY7A2K","ts":"1767000000.000100"}"#,
        ),
        Reply::json(200, r#"{"ok":false,"error":"not_in_channel"}"#),
    ])
    .await;
    let mut cfg = d.cfg.clone();
    cfg.slack.base_url = format!("{}/api", slack.base);
    let (mut rx, tx) = service(d, cfg);
    let mut app = App::new(d.data.clone());
    app.set_tab(Tab::Standup);

    // Cancel: nothing is posted.
    let intent = app.update(Action::PostStandup);
    assert!(matches!(intent, Some(Intent::PreparePost { .. })));
    pump(&mut app, &tx, &mut rx, intent, |a| {
        matches!(a.standup().post, PostFlow::Confirm { .. })
    })
    .await;
    let PostFlow::Confirm {
        text: shown, channel, ..
    } = app.standup().post.clone()
    else {
        unreachable!()
    };
    assert_eq!(channel, "C08MRDY7A2K");
    assert!(shown.starts_with("*Standup: Orbital Platform"), "{shown}");
    let screen = render_app_to_string(&app, 160, 48);
    assert!(
        screen.contains("This exact text will be posted to C08MRDY7A2K"),
        "{screen}"
    );
    insta::assert_snapshot!("standup_post_confirm_160x48", stable(screen));
    assert_eq!(app.update(Action::Back), None);
    assert_eq!(app.standup().post, PostFlow::Idle);
    assert!(slack.requests().is_empty(), "cancelled: nothing sent");

    // Confirm: the exact text shown is what Slack receives.
    let intent = app.update(Action::PostStandup);
    pump(&mut app, &tx, &mut rx, intent, |a| {
        matches!(a.standup().post, PostFlow::Confirm { .. })
    })
    .await;
    let intent = app.update(Action::Open);
    assert!(matches!(intent, Some(Intent::Post { .. })));
    pump(&mut app, &tx, &mut rx, intent, |a| !a.is_streaming()).await;
    assert!(matches!(app.standup().post, PostFlow::Posted { ref ts, .. } if ts == "1767000000.000100"));
    let posted = &slack.requests()[0];
    assert_eq!(posted.path, "/api/chat.postMessage");
    let v: serde_json::Value = serde_json::from_slice(&posted.body).unwrap();
    assert_eq!(v["text"].as_str().unwrap(), shown);
    assert_eq!(v["channel"].as_str().unwrap(), "C08MRDY7A2K");

    // Slack refuses: the box says why and keeps the text.
    let intent = app.update(Action::PostStandup);
    pump(&mut app, &tx, &mut rx, intent, |a| {
        matches!(a.standup().post, PostFlow::Confirm { .. })
    })
    .await;
    let intent = app.update(Action::Open);
    pump(&mut app, &tx, &mut rx, intent, |a| !a.is_streaming()).await;
    let PostFlow::Failed { why, text, .. } = app.standup().post.clone() else {
        panic!("{:?}", app.standup().post);
    };
    assert!(why.contains("not_in_channel"), "{why}");
    assert_eq!(text, shown);
    let screen = render_app_to_string(&app, 80, 24);
    assert!(screen.contains("failed") && screen.contains("kept"), "{screen}");
    app.update(Action::Back);
    assert_eq!(app.standup().post, PostFlow::Idle);
}
