//! UI snapshots: every tab at 80×24 and 160×48, the help overlay, the
//! "too small" screen, details and a live sync, on a hand-made fixture with a
//! fixed clock. Plus a sweep over a grid of sizes from 1×1 to 400×120 that
//! only asserts nothing panics, and a `NO_COLOR` check that no cell is coloured.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_cockpit::analytics::meetings::MeetingWeek;
use async_cockpit::analytics::velocity::SprintVelocity;
use async_cockpit::insight::{Card, CardKind, Evidence, KindCount, Snapshot};
use async_cockpit::model::{RecordKind, Source, SprintState};
use async_cockpit::sync::{SourceReport, SyncEvent};
use async_cockpit::ui::run::render_app_to_buffer;
use async_cockpit::ui::{Action, App, CockpitData, Tab, Theme, render_app_to_string, render_to_string};
use jiff::Timestamp;
use jiff::civil::date;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn ev(label: &str, key: Option<&str>) -> Evidence {
    Evidence {
        label: label.to_string(),
        url: key.map(|k| format!("https://acme.atlassian.net/browse/{k}")),
    }
}

fn keys(prefix: &str, nums: &[u32]) -> Vec<String> {
    nums.iter().map(|n| format!("{prefix}-{n}")).collect()
}

#[allow(clippy::too_many_arguments)]
fn sprint(
    id: u64,
    board: u64,
    name: &str,
    state: SprintState,
    start: &str,
    close: &str,
    planned: f64,
    done: f64,
    unestimated: usize,
    mean: Option<f64>,
) -> SprintVelocity {
    let prefix = name.split_whitespace().next().unwrap_or("PAY");
    let base = (id % 100) as u32 * 30;
    SprintVelocity {
        id,
        board_id: board,
        name: name.to_string(),
        state,
        start: Some(ts(start)),
        close: Some(ts(close)),
        planned_points: planned,
        completed_points: done,
        say_do_ratio: (planned > 0.0).then(|| done / planned),
        unestimated_issues: unestimated,
        rolling_mean_3: mean,
        completed_keys: keys(prefix, &[base + 1, base + 5, base + 10]),
        planned_keys: keys(prefix, &[base + 1, base + 5, base + 10, base + 18, base + 22]),
    }
}

fn week(person: &str, d: jiff::civil::Date, hours: f64, meetings: usize) -> MeetingWeek {
    MeetingWeek {
        person: person.to_string(),
        week_start: d,
        meeting_hours: hours,
        meetings,
        meeting_ids: (0..meetings.min(4))
            .map(|i| format!("8{i}4415{}", 900 + meetings))
            .collect(),
    }
}

/// A payments team mid-sprint: four cards, two boards, six people, three sources.
fn fixture() -> CockpitData {
    let cards = vec![
        Card {
            kind: CardKind::Blocked,
            urgency: 73,
            title: "3 blocked issue(s)".into(),
            detail: "Flagged, in a Blocked status, or blocked by another issue.".into(),
            evidence: vec![
                ev(
                    "PAY-412 Refund webhook retries double-post ledger entries",
                    Some("PAY-412"),
                ),
                ev("PAY-398 Migrate card vault to the new KMS key", Some("PAY-398")),
                ev(
                    "PAY-431 3-D Secure challenge times out on Safari 🚀",
                    Some("PAY-431"),
                ),
            ],
        },
        Card {
            kind: CardKind::SprintAtRisk,
            urgency: 72,
            title: "PAY Sprint 14 is at risk".into(),
            detail: "13 of 34 planned points done (38%) with 70% of the sprint gone and 3 day(s) left."
                .into(),
            evidence: vec![ev("Goal: Ship instant refunds to 10% of merchants", None)],
        },
        Card {
            kind: CardKind::CarryOver,
            urgency: 53,
            title: "3 issue(s) carried over (11 points)".into(),
            detail: "Open issues that have been in two or more sprints.".into(),
            evidence: vec![
                ev(
                    "PAY-377 Settlement report CSV has wrong currency scale",
                    Some("PAY-377"),
                ),
                ev("PAY-381 Retry budget for acquirer timeouts", Some("PAY-381")),
                ev("PAY-398 Migrate card vault to the new KMS key", Some("PAY-398")),
            ],
        },
        Card {
            kind: CardKind::Unestimated,
            urgency: 38,
            title: "3 unestimated issue(s) in PAY Sprint 14".into(),
            detail: "Unestimated issues are left out of every points figure until they are sized.".into(),
            evidence: vec![
                ev("PAY-440 決済ページの翻訳を更新", Some("PAY-440")),
                ev(
                    "PAY-441 Spike: network tokens for recurring payments",
                    Some("PAY-441"),
                ),
                ev(
                    "PAY-443 Dashboard: chargeback ratio per merchant",
                    Some("PAY-443"),
                ),
            ],
        },
    ];
    use SprintState::{Active, Closed};
    let velocity = vec![
        sprint(
            110,
            7,
            "PAY Sprint 10",
            Closed,
            "2025-01-06T08:00:00Z",
            "2025-01-17T16:00:00Z",
            31.0,
            26.0,
            1,
            Some(26.0),
        ),
        sprint(
            111,
            7,
            "PAY Sprint 11",
            Closed,
            "2025-01-20T08:00:00Z",
            "2025-01-31T16:00:00Z",
            34.0,
            29.0,
            0,
            Some(27.5),
        ),
        sprint(
            112,
            7,
            "PAY Sprint 12",
            Closed,
            "2025-02-03T08:00:00Z",
            "2025-02-14T16:00:00Z",
            30.0,
            18.0,
            2,
            Some(24.333),
        ),
        sprint(
            113,
            7,
            "PAY Sprint 13",
            Closed,
            "2025-02-17T08:00:00Z",
            "2025-02-28T16:00:00Z",
            33.0,
            30.5,
            0,
            Some(25.833),
        ),
        sprint(
            114,
            7,
            "PAY Sprint 14",
            Active,
            "2025-03-03T08:00:00Z",
            "2025-03-17T16:00:00Z",
            34.0,
            13.0,
            3,
            None,
        ),
        sprint(
            205,
            12,
            "CORE Sprint 5",
            Closed,
            "2025-02-10T08:00:00Z",
            "2025-02-28T16:00:00Z",
            21.0,
            21.0,
            0,
            Some(21.0),
        ),
        sprint(
            206,
            12,
            "CORE Sprint 6",
            Active,
            "2025-03-03T08:00:00Z",
            "2025-03-21T16:00:00Z",
            18.0,
            5.0,
            0,
            None,
        ),
    ];
    let (w1, w2, w3) = (date(2025, 2, 24), date(2025, 3, 3), date(2025, 3, 10));
    let mut meeting_load = Vec::new();
    for (person, hours) in [
        ("amara.okafor@acme.example", [11.5, 14.0, 22.5]),
        ("ben.schulz@acme.example", [6.0, 7.5, 5.0]),
        ("chen.wei@acme.example", [9.0, 16.5, 12.0]),
        ("dana.ruiz@acme.example", [3.5, 0.0, 4.0]),
        ("Élodie Martin", [8.0, 9.5, 17.0]),
        ("李明", [2.0, 3.0, 1.5]),
    ] {
        for (d, h) in [w1, w2, w3].into_iter().zip(hours) {
            if h > 0.0 {
                meeting_load.push(week(person, d, h, (h / 1.5) as usize + 1));
            }
        }
    }
    let sources = vec![
        SourceReport {
            source: Source::Jira,
            written: vec![(RecordKind::Person, 17), (RecordKind::WorkItem, 412), (RecordKind::Sprint, 24)],
            requests: 38,
            error: None,
            finished: ts("2025-03-14T09:41:12Z"),
        },
        SourceReport {
            source: Source::Github,
            written: vec![(RecordKind::PullRequest, 120), (RecordKind::Review, 310), (RecordKind::Commit, 880)],
            requests: 61,
            error: None,
            finished: ts("2025-03-14T09:40:03Z"),
        },
        SourceReport {
            source: Source::Zoom,
            written: vec![(RecordKind::Meeting, 96)],
            requests: 14,
            error: Some("HTTP 429 Too Many Requests from /v2/report/meetings after 5 retries; the next sync resumes from the saved cursor".into()),
            finished: ts("2025-03-14T09:42:40Z"),
        },
    ];
    let counts = [
        ("person", 17),
        ("work_item", 412),
        ("sprint", 24),
        ("pull_request", 120),
        ("meeting", 96),
    ]
    .into_iter()
    .map(|(k, c)| KindCount {
        kind: k.into(),
        count: c,
    })
    .collect();
    CockpitData {
        snapshot: Snapshot {
            site: "acme".into(),
            team: "Payments".into(),
            time_zone: "UTC".into(),
            as_of: ts("2025-03-14T09:45:00Z"),
            cards,
            velocity,
            meeting_load,
            counts,
            ..Snapshot::default()
        },
        sources,
        viewer: "Amara Okafor".into(),
        role: "engineering-manager".into(),
    }
}

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn tab_name(tab: Tab) -> &'static str {
    tab.title()
}

#[test]
fn tabs_at_standard_sizes() {
    let data = fixture();
    for tab in Tab::ALL {
        for (w, h) in SIZES {
            let name = format!("{}_{w}x{h}", tab_name(tab).to_lowercase());
            insta::assert_snapshot!(name, render_to_string(&data, tab, w, h));
        }
    }
}

#[test]
fn help_overlay() {
    let mut app = App::new(fixture());
    app.update(Action::Help);
    insta::assert_snapshot!("help_80x24", render_app_to_string(&app, 80, 24));
}

#[test]
fn too_small() {
    let data = fixture();
    insta::assert_snapshot!("too_small_39x12", render_to_string(&data, Tab::Cards, 39, 12));
    insta::assert_snapshot!("too_small_60x9", render_to_string(&data, Tab::Cards, 60, 9));
}

#[test]
fn smallest_full_screen() {
    insta::assert_snapshot!("cards_40x10", render_to_string(&fixture(), Tab::Cards, 40, 10));
}

#[test]
fn details_open() {
    let mut app = App::new(fixture());
    app.update(Action::Open);
    insta::assert_snapshot!("cards_detail_80x24", render_app_to_string(&app, 80, 24));
    app.update(Action::Back);
    app.update(Action::GoToTab(2));
    app.update(Action::Bottom);
    app.update(Action::Up);
    app.update(Action::Open);
    insta::assert_snapshot!("sprint_detail_80x24", render_app_to_string(&app, 80, 24));
    app.update(Action::NextTab);
    app.update(Action::Open);
    insta::assert_snapshot!("meetings_detail_80x24", render_app_to_string(&app, 80, 24));
}

#[test]
fn live_sync() {
    let mut app = App::new(fixture());
    app.update(Action::GoToTab(4));
    app.on_sync_event(SyncEvent::Started { source: Source::Jira });
    app.on_sync_event(SyncEvent::Page {
        source: Source::Jira,
        endpoint: "/rest/agile/1.0/board/7/sprint".into(),
        items: 24,
    });
    app.on_sync_event(SyncEvent::Started {
        source: Source::Slack,
    });
    app.on_sync_event(SyncEvent::Waiting {
        source: Source::Jira,
        seconds: 30.0,
        reason: "rate limited".into(),
    });
    insta::assert_snapshot!("sync_live_80x24", render_app_to_string(&app, 80, 24));
}

#[test]
fn empty_data() {
    let mut data = fixture();
    data.snapshot.cards.clear();
    data.snapshot.velocity.clear();
    data.snapshot.meeting_load.clear();
    data.snapshot.counts.clear();
    data.sources.clear();
    let all: Vec<String> = Tab::ALL
        .iter()
        .map(|t| render_to_string(&data, *t, 80, 24))
        .collect();
    insta::assert_snapshot!("empty_80x24", all.join("\n\n"));
}

/// Every tab, with and without its detail pane and the help overlay, at a
/// deterministic grid of sizes: nothing may panic.
#[test]
fn sweep_sizes_never_panic() {
    let widths: Vec<u16> = (1..=12)
        .chain([20, 39, 40, 41, 57, 79, 80, 81, 99, 100, 101, 120, 160, 233, 400])
        .collect();
    let heights: Vec<u16> = (1..=12).chain([13, 17, 23, 24, 25, 31, 48, 64, 120]).collect();
    let data = fixture();
    let mut variants: Vec<App> = Vec::new();
    for tab in Tab::ALL {
        let mut app = App::new(data.clone());
        app.set_tab(tab);
        variants.push(app.clone());
        app.update(Action::Bottom);
        app.update(Action::Open);
        variants.push(app.clone());
        app.update(Action::Help);
        variants.push(app);
    }
    let theme = Theme::default_theme();
    for &w in &widths {
        for &h in &heights {
            for app in &variants {
                let buf = render_app_to_buffer(app, &theme, w, h);
                assert_eq!((buf.area.width, buf.area.height), (w, h));
            }
        }
    }
}

/// Wide characters take two cells and never push a line past the screen.
#[test]
fn wide_characters_keep_alignment() {
    let text = render_to_string(&fixture(), Tab::Meetings, 80, 24);
    for line in text.lines() {
        assert_eq!(async_cockpit::ui::text::width(line), 80, "{line:?}");
    }
    let text = render_to_string(&fixture(), Tab::Cards, 160, 48);
    for line in text.lines() {
        assert_eq!(async_cockpit::ui::text::width(line), 160, "{line:?}");
    }
}

#[test]
fn plain_theme_has_no_colour_anywhere() {
    let plain = Theme::plain();
    for tab in Tab::ALL {
        let mut app = App::new(fixture());
        app.set_tab(tab);
        app.update(Action::Help);
        let buf = render_app_to_buffer(&app, &plain, 120, 40);
        for cell in &buf.content {
            assert_eq!(
                cell.fg,
                ratatui::style::Color::Reset,
                "{tab:?} {:?}",
                cell.symbol()
            );
            assert_eq!(
                cell.bg,
                ratatui::style::Color::Reset,
                "{tab:?} {:?}",
                cell.symbol()
            );
        }
    }
}
