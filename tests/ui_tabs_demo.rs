//! The Pulse, Strategic and Docs tabs and the Sprint tab's triage list on
//! the demo organisation: synced in-process from the replay server through
//! the real clients with a fixed clock, then snapshotted at 80×24 and
//! 160×48 (the Strategic tab also as a non-strategic viewer), and driven
//! headless: triage marks become intents, are stored sealed and read back,
//! strategic reads are audited once per subject however many frames are
//! drawn, explain works on every new tab, filter and sort on the triage list.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use async_cockpit::access::{Access, STRATEGIC_VIEW, Viewer, restrict_snapshot};
use async_cockpit::analytics::pulse::{PulseParams, pulse};
use async_cockpit::commands::{compute, demo_config, demo_dir, load_inputs, persist_intent, sync_all};
use async_cockpit::config::Config;
use async_cockpit::insight::Snapshot;
use async_cockpit::model::TriageDecision;
use async_cockpit::replay::{ReplayOptions, ReplayServer};
use async_cockpit::store::{KeySource, Store, init_key_file};
use async_cockpit::sync::Progress;
use async_cockpit::ui::input::Edit;
use async_cockpit::ui::{Action, App, CockpitData, Intent, Overlay, Tab, explain, render_app_to_string};
use jiff::Timestamp;

/// The fixed clock: a Wednesday afternoon.
const NOW: &str = "2026-11-25T14:30:00Z";

struct Demo {
    snapshot: Snapshot,
    cfg: Config,
}

/// The demo organisation synced once for all tests of this file.
fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let now: Timestamp = NOW.parse().unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let dir = demo_dir();
            let server = ReplayServer::start(&dir, ReplayOptions { now: Some(now) })
                .await
                .unwrap();
            let cfg = demo_config(&dir, &server.base_url()).unwrap();
            let tmp = tempfile::tempdir().unwrap();
            let store = Store::open(&tmp.path().join("demo"), "demo", &KeySource::ephemeral(), true).unwrap();
            for p in ["github", "jira", "slack", "confluence"] {
                store.put_secret(p, &format!("demo-{p}-token")).unwrap();
            }
            store
                .put_secret("zoom", "demo-account:demo-client:demo-zoom-secret")
                .unwrap();
            let reports = sync_all(&store, &cfg, &Progress::default(), false).await;
            assert!(reports.iter().all(|r| r.error.is_none()), "{reports:?}");
            let snapshot = compute(&load_inputs(&store).unwrap(), &cfg, now);
            server.shutdown().await;
            Demo { snapshot, cfg }
        })
    })
}

fn person(cfg: &Config, strategic: bool) -> Viewer {
    let p = cfg
        .people
        .iter()
        .find(|p| {
            p.roles
                .iter()
                .any(|r| ["engineering-manager", "team-lead"].contains(&r.as_str()))
                == strategic
        })
        .unwrap();
    Viewer {
        name: p.name.clone(),
        roles: p.roles.clone(),
    }
}

/// A cockpit for `viewer` on the demo, the snapshot restricted as the real
/// cockpit restricts it.
fn app_for(viewer: &Viewer) -> App {
    let d = demo();
    let mut snapshot = d.snapshot.clone();
    restrict_snapshot(&mut snapshot, viewer, &d.cfg);
    let data = CockpitData {
        snapshot,
        sources: Vec::new(),
        viewer: viewer.name.clone(),
        role: viewer.role_label(),
        standup: None,
    };
    let mut app = App::new(data);
    app.set_access(Access::new(viewer, &d.cfg));
    app
}

/// The screen as text, the replay server's port (random) masked.
fn screen(app: &App, w: u16, h: u16) -> String {
    let re = regex::Regex::new(r"127\.0\.0\.1:\d{5}").unwrap();
    re.replace_all(&render_app_to_string(app, w, h), "127.0.0.1:PPPPP")
        .into_owned()
}

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

#[test]
fn new_tabs_on_the_demo_organisation() {
    let em = person(&demo().cfg, true);
    let mut app = app_for(&em);
    for (tab, name) in [
        (Tab::Pulse, "pulse"),
        (Tab::Strategic, "strategic"),
        (Tab::Docs, "docs"),
    ] {
        app.set_tab(tab);
        for (w, h) in SIZES {
            insta::assert_snapshot!(format!("demo_{name}_{w}x{h}"), screen(&app, w, h));
        }
    }
    app.set_tab(Tab::Sprint);
    app.update(Action::Triage);
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("demo_sprint_triage_{w}x{h}"), screen(&app, w, h));
    }
    app.update(Action::MarkSplit);
    app.update(Action::Down);
    app.update(Action::MarkOwner);
    app.update(Action::Open);
    insta::assert_snapshot!("demo_sprint_triage_detail_160x48", screen(&app, 160, 48));
    app.set_tab(Tab::Docs);
    app.update(Action::Open);
    insta::assert_snapshot!("demo_docs_detail_160x48", screen(&app, 160, 48));

    let engineer = person(&demo().cfg, false);
    let mut app = app_for(&engineer);
    app.set_tab(Tab::Strategic);
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("demo_strategic_engineer_{w}x{h}"), screen(&app, w, h));
    }
}

#[test]
fn an_engineer_reads_the_role_sentence_and_only_their_own_row() {
    let engineer = person(&demo().cfg, false);
    let mut app = app_for(&engineer);
    app.set_tab(Tab::Strategic);
    let text = screen(&app, 160, 48);
    assert!(
        text.contains("need the engineering-manager or team-lead role"),
        "{text}"
    );
    assert!(app.persons().iter().all(|p| p.own), "{:?}", app.persons());
    assert_eq!(app.persons().len(), 1, "the engineer has figures of their own");
    // Nobody else's figures are shown, so nothing is audited.
    assert!(app.take_intents().is_empty());
    let em = person(&demo().cfg, true);
    let others: Vec<&str> = demo()
        .cfg
        .people
        .iter()
        .map(|p| p.name.as_str())
        .filter(|n| *n != engineer.name && *n != em.name)
        .collect();
    for name in others {
        assert!(!text.contains(name), "{name} is shown to an engineer");
    }
}

#[test]
fn strategic_reads_are_audited_once_per_subject_however_many_frames() {
    let em = person(&demo().cfg, true);
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&tmp.path().join("s"), "s", &KeySource::ephemeral(), true).unwrap();
    let mut app = app_for(&em);
    let subjects: Vec<String> = app
        .persons()
        .iter()
        .filter(|p| !p.own)
        .map(|p| p.person.clone())
        .collect();
    assert!(subjects.len() >= 5, "{subjects:?}");
    let now: Timestamp = NOW.parse().unwrap();
    let drain = |app: &mut App| {
        for i in app.take_intents() {
            persist_intent(&store, &em.name, &i, now).unwrap();
        }
    };
    app.update(Action::GoToTab(6));
    assert_eq!(app.tab(), Tab::Strategic);
    for frame in 0..60 {
        let _ = render_app_to_string(&app, 160, 48);
        if frame % 10 == 0 {
            app.update(Action::Down);
            app.update(Action::Open);
            app.update(Action::NextTab);
            app.update(Action::PrevTab);
        }
        drain(&mut app);
    }
    let log = store.audit_log().unwrap();
    let mut read: Vec<String> = log
        .iter()
        .filter(|e| e.view == STRATEGIC_VIEW && e.viewer == em.name)
        .map(|e| e.subject.clone())
        .collect();
    read.sort();
    let mut want = subjects.clone();
    want.sort();
    assert_eq!(read, want, "one audit record per subject");
    // Fresh figures after a sync are a new read.
    let mut data = app.data().clone();
    data.snapshot.as_of = now + jiff::SignedDuration::from_hours(1);
    app.on_event(async_cockpit::ui::CockpitEvent::Data(Box::new(data)));
    drain(&mut app);
    let _ = render_app_to_string(&app, 80, 24);
    drain(&mut app);
    assert_eq!(store.audit_log().unwrap().len(), 2 * subjects.len());
}

#[test]
fn triage_marks_are_intents_stored_sealed_and_read_back() {
    let em = person(&demo().cfg, true);
    let mut app = app_for(&em);
    app.update(Action::Triage);
    assert_eq!(app.tab(), Tab::Sprint);
    assert!(app.triage().on);
    assert!(app.row_count(Tab::Sprint) > 5);
    let row = app.selected_row(Tab::Sprint).unwrap();
    let first = app.triage().rows[row].item.clone();
    let Some(Intent::SaveTriage {
        sprint_id,
        key,
        decision,
        note,
    }) = app.update(Action::MarkMove)
    else {
        panic!("a mark is an intent");
    };
    assert_eq!((sprint_id, key.as_str()), (first.sprint_id, first.key.as_str()));
    assert_eq!((decision, note.as_str()), (Some(TriageDecision::MoveNext), ""));
    // The same key again takes it back.
    let back = app.update(Action::MarkMove);
    assert!(matches!(back, Some(Intent::SaveTriage { decision: None, .. })));
    let mut intents = vec![back.unwrap()];
    intents.push(app.update(Action::MarkKeep).unwrap());
    app.update(Action::Down);
    intents.push(app.update(Action::MarkSplit).unwrap());
    assert_eq!(app.update(Action::Note), None);
    assert!(app.text_mode());
    for c in "needs-a-sealed-note".chars() {
        app.edit(Edit::Insert(c));
    }
    intents.push(app.edit(Edit::Submit).unwrap());
    assert!(!app.text_mode());
    let second = app.triage().rows[app.selected_row(Tab::Sprint).unwrap()]
        .item
        .clone();

    let tmp = tempfile::tempdir().unwrap();
    let key_file = tmp.path().join("key");
    init_key_file(&key_file).unwrap();
    let site = tmp.path().join("demo");
    let store = Store::open(&site, "demo", &KeySource::resolve(&key_file).unwrap(), true).unwrap();
    let now: Timestamp = NOW.parse().unwrap();
    for i in &intents {
        persist_intent(&store, &em.name, i, now).unwrap();
    }
    let path = store.path().to_path_buf();
    drop(store);
    let bytes = std::fs::read(&path).unwrap();
    for needle in ["needs-a-sealed-note", &second.key] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} is in the file"
        );
    }
    let store = Store::open(&site, "demo", &KeySource::resolve(&key_file).unwrap(), false).unwrap();
    let marks = store.triage_marks().unwrap();
    let got: Vec<(&str, Option<TriageDecision>, &str, &str)> = marks
        .iter()
        .map(|m| (m.key.as_str(), m.decision, m.note.as_str(), m.by.as_str()))
        .collect();
    let mut want = vec![
        (
            first.key.as_str(),
            Some(TriageDecision::Keep),
            "",
            em.name.as_str(),
        ),
        (
            second.key.as_str(),
            Some(TriageDecision::Split),
            "needs-a-sealed-note",
            em.name.as_str(),
        ),
    ];
    want.sort_by_key(|m| {
        (
            if m.0 == first.key {
                first.sprint_id
            } else {
                second.sprint_id
            },
            m.0.to_string(),
        )
    });
    assert_eq!(got, want);
    // A new cockpit opens with them.
    let mut reopened = app_for(&em);
    reopened.set_triage_marks(&marks);
    reopened.update(Action::Triage);
    let find =
        |app: &App, key: &str| (0..app.triage().rows.len()).find(|&i| app.triage().rows[i].item.key == key);
    let i = find(&reopened, &second.key).unwrap();
    assert_eq!(
        reopened.triage().mark(i),
        Some(&(Some(TriageDecision::Split), "needs-a-sealed-note".to_string()))
    );
    // `y` hands the same marks out as Markdown.
    let Some(Intent::Copy(md)) = reopened.update(Action::Copy) else {
        panic!("y copies");
    };
    assert!(md.contains("needs-a-sealed-note"), "{md}");
    assert!(md.contains("| split |"), "{md}");
}

#[test]
fn triage_filter_and_sort() {
    let em = person(&demo().cfg, true);
    let mut app = app_for(&em);
    app.update(Action::Triage);
    let all = app.row_count(Tab::Sprint);
    app.update(Action::Filter);
    for c in "blocked".chars() {
        app.edit(Edit::Insert(c));
    }
    app.edit(Edit::Submit);
    let blocked = app.row_count(Tab::Sprint);
    assert!(blocked > 0 && blocked < all, "{blocked} of {all}");
    for &i in app.visible(Tab::Sprint) {
        let r = &app.triage().rows[i];
        assert!(
            r.item.reasons.iter().any(|x| x.label() == "blocked"),
            "{} is not blocked",
            r.item.key
        );
    }
    // Back to velocity and again: each view keeps its own filter.
    app.update(Action::Triage);
    assert!(!app.triage().on);
    assert_eq!(app.filter(Tab::Sprint), "");
    app.update(Action::Triage);
    assert_eq!(app.filter(Tab::Sprint), "blocked");
    app.update(Action::Back);
    assert_eq!(app.row_count(Tab::Sprint), all);
    // Sort cycles through four orders; the selection follows its issue.
    app.update(Action::Down);
    app.update(Action::Down);
    let key = app.triage().rows[app.selected_row(Tab::Sprint).unwrap()]
        .item
        .key
        .clone();
    let mut orders = Vec::new();
    for _ in 0..4 {
        app.update(Action::Sort);
        orders.push(app.triage().sort);
        let now = &app.triage().rows[app.selected_row(Tab::Sprint).unwrap()].item.key;
        assert_eq!(now, &key);
    }
    assert_eq!(orders[3], async_cockpit::ui::app::TriageSort::Risk);
    app.update(Action::Sort);
    let idle: Vec<f64> = app.triage().rows.iter().map(|r| r.item.idle_days).collect();
    assert!(idle.windows(2).all(|w| w[0] >= w[1]), "longest idle first");
}

#[test]
fn explain_works_on_the_new_tabs() {
    let em = person(&demo().cfg, true);
    let mut app = app_for(&em);
    let checks: [(Tab, &str, &str); 4] = [
        (Tab::Pulse, "Merged pull requests", "A withheld figure is never 0"),
        (Tab::Strategic, "Workload", "Load ratio"),
        (Tab::Docs, "Coverage", "A covered epic"),
        (Tab::Sprint, "At-risk reasons", "No movement"),
    ];
    for (tab, metric, phrase) in checks {
        app.set_tab(tab);
        if tab == Tab::Sprint {
            app.update(Action::Triage);
        }
        app.update(Action::Explain);
        assert!(matches!(app.overlay(), Overlay::Explain { .. }), "{tab:?}");
        let all = explain::explanations(&app);
        assert_eq!(all[0].metric, metric, "{tab:?}");
        assert!(
            all[0].definition.contains(phrase),
            "{tab:?}: {}",
            all[0].definition
        );
        assert!(!all[0].window.is_empty());
        assert!(
            all.iter()
                .any(|e| e.groups.iter().any(|(_, items)| !items.is_empty())),
            "{tab:?}: items behind the numbers"
        );
        let text = screen(&app, 160, 48);
        assert!(text.contains("Explain ·"), "{text}");
        app.update(Action::Back);
    }
}

#[test]
fn a_figure_over_too_few_people_is_withheld_with_a_sentence() {
    let em = person(&demo().cfg, true);
    let mut app = app_for(&em);
    let mut data = app.data().clone();
    let s = &demo().snapshot;
    // With a minimum of 5, the areas with 4 authors or fewer are withheld.
    data.snapshot.pulse = Some(pulse(
        s.flow.as_ref().unwrap(),
        &s.person_weeks,
        &s.knowledge,
        &[],
        &PulseParams { min_group_size: 5 },
    ));
    app.on_event(async_cockpit::ui::CockpitEvent::Data(Box::new(data)));
    app.set_tab(Tab::Pulse);
    let withheld: Vec<_> = app
        .pulse_rows()
        .iter()
        .filter(|r| r.figure.withheld.is_some())
        .collect();
    assert!(!withheld.is_empty());
    assert!(
        withheld
            .iter()
            .all(|r| r.figure.value.is_none() && r.figure.items.is_empty())
    );
    app.update(Action::Filter);
    for c in "mission".chars() {
        app.edit(Edit::Insert(c));
    }
    app.edit(Edit::Submit);
    let text = screen(&app, 160, 48);
    assert!(
        text.contains("withheld: 4 people behind it, fewer than the minimum of 5"),
        "{text}"
    );
    assert!(text.contains("fewer than 5 people is withheld"), "{text}");
}
