//! UI snapshots: every tab at 80×24 and 160×48, the help, palette and
//! explain overlays, the filter prompt, problems at start, the "too small"
//! screen, details and a live sync, on a hand-made fixture with a fixed
//! clock. Plus a sweep over a grid of sizes from 1×1 to 400×120 that only
//! asserts nothing panics, alignment with wide characters, and every
//! built-in theme at each colour depth (no colour at all under `NO_COLOR`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_cockpit::analytics::meetings::MeetingWeek;
use async_cockpit::analytics::velocity::SprintVelocity;
use async_cockpit::insight::{Card, CardKind, Evidence, KindCount, Snapshot};
use async_cockpit::model::{RecordKind, Source, SprintState};
use async_cockpit::sync::{SourceReport, SyncEvent};
use async_cockpit::ui::input::Edit;
use async_cockpit::ui::run::render_app_to_buffer;
use async_cockpit::ui::theme::{ColourDepth, ThemeSet};
use async_cockpit::ui::{Action, App, CockpitData, Tab, Theme, render_app_to_string, render_to_string};
use jiff::Timestamp;
use jiff::civil::date;
use ratatui::style::Color;

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
        standup: None,
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
    app.update(Action::GoToTab(3));
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
    app.update(Action::GoToTab(9));
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

/// Types `text` into the open prompt.
fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.edit(Edit::Insert(c));
    }
}

#[test]
fn palette_overlay() {
    for (w, h) in SIZES {
        let mut app = App::new(fixture());
        app.set_viewport(w, h);
        app.update(Action::Palette);
        insta::assert_snapshot!(format!("palette_{w}x{h}"), render_app_to_string(&app, w, h));
        type_text(&mut app, "go sp");
        insta::assert_snapshot!(format!("palette_query_{w}x{h}"), render_app_to_string(&app, w, h));
    }
}

#[test]
fn explain_overlay() {
    for (w, h) in SIZES {
        let mut app = App::new(fixture());
        app.set_viewport(w, h);
        app.update(Action::Explain);
        insta::assert_snapshot!(format!("explain_cards_{w}x{h}"), render_app_to_string(&app, w, h));
        app.update(Action::Back);
        app.update(Action::GoToTab(3));
        app.update(Action::Bottom);
        app.update(Action::Up);
        app.update(Action::Explain);
        app.update(Action::NextTab);
        insta::assert_snapshot!(
            format!("explain_sprint_{w}x{h}"),
            render_app_to_string(&app, w, h)
        );
        app.update(Action::Back);
        app.update(Action::GoToTab(4));
        app.update(Action::Explain);
        insta::assert_snapshot!(
            format!("explain_meetings_{w}x{h}"),
            render_app_to_string(&app, w, h)
        );
    }
}

#[test]
fn explain_scrolls_on_a_short_screen() {
    let mut app = App::new(fixture());
    app.set_viewport(60, 14);
    app.update(Action::GoToTab(3));
    app.update(Action::Explain);
    app.update(Action::NextTab);
    let top = render_app_to_string(&app, 60, 14);
    assert!(top.contains("↓ more"), "{top}");
    app.update(Action::Bottom);
    let bottom = render_app_to_string(&app, 60, 14);
    assert!(!bottom.contains("↓ more"), "{bottom}");
    assert_ne!(top, bottom);
    insta::assert_snapshot!("explain_scrolled_60x14", bottom);
}

#[test]
fn filter_prompt_and_filtered_lists() {
    for (w, h) in SIZES {
        let mut app = App::new(fixture());
        app.update(Action::Filter);
        type_text(&mut app, "pay sprint");
        insta::assert_snapshot!(format!("filter_prompt_{w}x{h}"), render_app_to_string(&app, w, h));
    }
    let mut app = App::new(fixture());
    app.update(Action::GoToTab(4));
    app.update(Action::Filter);
    type_text(&mut app, "acme");
    app.edit(Edit::Submit);
    insta::assert_snapshot!("filter_meetings_80x24", render_app_to_string(&app, 80, 24));
    app.update(Action::Filter);
    type_text(&mut app, "zz");
    app.edit(Edit::Submit);
    insta::assert_snapshot!("filter_no_match_80x24", render_app_to_string(&app, 80, 24));
}

#[test]
fn problems_at_start() {
    let mut app = App::new(fixture());
    app.report_problem(
        "keymap: \"ctrl-c\" and \"Ctrl-C\" are the same key (ctrl-c); keep one in /home/ann/.config/async-cockpit/keymap.toml; using the default keys",
    );
    app.report_problem("theme: no theme \"solarised\" (known: dark, default, high-contrast, light, standup); using the default theme");
    insta::assert_snapshot!("problems_80x24", render_app_to_string(&app, 80, 24));
}

/// No cell is drawn over the second half of a wide character (an overlay
/// border over a CJK name would leave the terminal guessing).
fn assert_no_overlap(buf: &ratatui::buffer::Buffer, what: &str) {
    let w = usize::from(buf.area.width);
    for (i, cell) in buf.content.iter().enumerate() {
        if async_cockpit::ui::text::width(cell.symbol()) == 2 && (i + 1) % w != 0 {
            let next = buf.content[i + 1].symbol();
            assert!(
                next.is_empty() || next == " ",
                "{what}: {:?} at {} is covered by {next:?}",
                cell.symbol(),
                i
            );
        }
    }
}

/// Overlays with wide characters keep every line exactly the screen's width.
#[test]
fn overlays_keep_wide_characters_aligned() {
    let mut data = fixture();
    data.snapshot.cards[0].title = "決済 🚀 blocked ".repeat(8);
    data.snapshot.cards[0].evidence[0].label = "PAY-412 払い戻し 🚀🚀 webhook ".repeat(4);
    let mut app = App::new(data);
    // The meetings tab has 李明 in its first column, left of every overlay.
    for tab in [Tab::Meetings] {
        let mut app = App::new(fixture());
        app.set_tab(tab);
        for action in [
            Action::Explain,
            Action::Back,
            Action::Help,
            Action::Back,
            Action::Palette,
        ] {
            app.update(action);
            for (w, h) in [(80, 24), (160, 48), (81, 30)] {
                assert_no_overlap(
                    &render_app_to_buffer(&app, &Theme::default_theme(), w, h),
                    "meetings",
                );
            }
        }
    }
    for (w, h) in [(80, 24), (81, 25), (160, 48), (57, 17)] {
        app.set_viewport(w, h);
        app.update(Action::Explain);
        for step in 0..3 {
            let buf = render_app_to_buffer(&app, &Theme::default_theme(), w, h);
            assert_no_overlap(&buf, &format!("{w}x{h} step {step}"));
            let text = render_app_to_string(&app, w, h);
            for line in text.lines() {
                assert_eq!(
                    async_cockpit::ui::text::width(line),
                    usize::from(w),
                    "{step} {line:?}"
                );
            }
            app.update(Action::Back);
            if step == 0 {
                app.update(Action::Palette);
                type_text(&mut app, "決🚀");
            } else {
                app.update(Action::Filter);
                type_text(&mut app, "決済 🚀");
            }
        }
        app.edit(Edit::Cancel);
    }
}

/// Every built-in theme, at 256 colours and without colour, renders every
/// tab and overlay; without colour no cell is coloured.
#[test]
fn every_theme_renders() {
    let set = ThemeSet::builtin();
    for name in set.names() {
        let theme = set.resolve(name).unwrap();
        for depth in [ColourDepth::TrueColor, ColourDepth::Indexed256, ColourDepth::None] {
            let t = theme.for_depth(depth);
            for tab in Tab::ALL {
                let mut app = App::new(fixture());
                app.set_tab(tab);
                app.update(Action::Explain);
                let buf = render_app_to_buffer(&app, &t, 100, 30);
                for cell in &buf.content {
                    if depth == ColourDepth::Indexed256 {
                        assert!(!matches!(cell.fg, Color::Rgb(..)), "{name}: {:?}", cell.fg);
                        assert!(!matches!(cell.bg, Color::Rgb(..)), "{name}: {:?}", cell.bg);
                    }
                    if depth == ColourDepth::None {
                        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{name}");
                    }
                }
            }
        }
    }
}

/// The fixture with sprint health for PAY Sprint 14 (active, at risk) and
/// focus time for Amara's latest week, as the analytics now provide them.
fn fixture_with_health() -> CockpitData {
    use async_cockpit::analytics::focus::PersonWeek;
    use async_cockpit::analytics::sprint::{EventKind, IssuePoints, Risk, SprintEvent, SprintHealth};
    let mut data = fixture();
    let ip = |key: &str, points: Option<f64>| IssuePoints {
        key: key.into(),
        points,
    };
    let event = |at: &str, key: &str, kind: EventKind, points: f64| SprintEvent {
        at: ts(at),
        key: key.into(),
        kind,
        points,
        estimated: true,
        detail: None,
    };
    data.snapshot.sprint_health.push(SprintHealth {
        id: 114,
        board_id: 7,
        name: "PAY Sprint 14".into(),
        state: SprintState::Active,
        start: ts("2025-03-03T08:00:00Z"),
        end: Some(ts("2025-03-17T16:00:00Z")),
        complete: None,
        evaluated_at: ts("2025-03-14T09:45:00Z"),
        committed_points: 34.0,
        added_points: 8.0,
        removed_points: 3.0,
        completed_points: 13.0,
        remaining_points: 26.0,
        carried_over_points: 0.0,
        unestimated_issues: 3,
        say_do_ratio: Some(13.0 / 34.0),
        committed: vec![
            ip("PAY-3421", Some(8.0)),
            ip("PAY-3425", Some(5.0)),
            ip("PAY-3430", Some(21.0)),
        ],
        completed: vec![ip("PAY-3421", Some(8.0)), ip("PAY-3425", Some(5.0))],
        remaining: vec![
            ip("PAY-3430", Some(18.0)),
            ip("PAY-3440", None),
            ip("PAY-3446", Some(8.0)),
        ],
        carried_over: vec![],
        unestimated: vec!["PAY-440".into(), "PAY-441".into(), "PAY-443".into()],
        completed_before_start: vec![],
        events: vec![
            event("2025-03-05T10:00:00Z", "PAY-3446", EventKind::Added, 8.0),
            event(
                "2025-03-06T10:00:00Z",
                "PAY-3430",
                EventKind::EstimateChanged,
                -3.0,
            ),
            event("2025-03-07T10:00:00Z", "PAY-3421", EventKind::Completed, 8.0),
        ],
        risk: Some(Risk {
            at_risk: true,
            reason:
                "26 of 39 points remain with 80% of the work time gone; 8.7 points a day needed, 1.6 done."
                    .into(),
            remaining_points: 26.0,
            scope_points: 39.0,
            elapsed_work_share: 0.8,
            ideal_remaining_points: 7.8,
            work_days_left: 3,
            observed_points_per_day: Some(1.6),
            required_points_per_day: Some(8.7),
        }),
    });
    data.snapshot.person_weeks.push(PersonWeek {
        person: "amara.okafor@acme.example".into(),
        week_start: date(2025, 3, 10),
        work_days: 4,
        work_hours: 32.0,
        meeting_hours: 22.5,
        meetings: 16,
        meeting_ids: vec![],
        meeting_hours_in_work_hours: 20.0,
        focus_hours: 6.0,
        fragmented_hours: 6.0,
        fragmenting_meetings: 2,
        fragmenting_meeting_ids: vec!["8844151".into(), "8844157".into()],
    });
    data
}

#[test]
fn explain_shows_sprint_health_and_focus_when_present() {
    let mut app = App::new(fixture_with_health());
    app.update(Action::GoToTab(3));
    app.update(Action::Bottom);
    app.update(Action::Up);
    app.update(Action::Up);
    assert_eq!(app.selected_row(Tab::Sprint), Some(4), "PAY Sprint 14");
    app.update(Action::Explain);
    let names: Vec<String> = async_cockpit::ui::explain::explanations(&app)
        .into_iter()
        .map(|e| e.metric)
        .collect();
    assert_eq!(
        names,
        [
            "Completed points",
            "Planned points",
            "Added",
            "Removed",
            "Remaining",
            "Say/do ratio",
            "Mean(3)",
            "Unestimated",
            "At risk"
        ]
    );
    for (w, h) in SIZES {
        app.set_viewport(w, h);
        app.update(Action::Top);
        app.update(Action::NextTab);
        app.update(Action::NextTab);
        insta::assert_snapshot!(format!("explain_added_{w}x{h}"), render_app_to_string(&app, w, h));
        app.update(Action::PrevTab);
        app.update(Action::PrevTab);
        app.update(Action::PrevTab);
        insta::assert_snapshot!(
            format!("explain_at_risk_{w}x{h}"),
            render_app_to_string(&app, w, h)
        );
        app.update(Action::NextTab);
    }
    app.update(Action::Back);
    app.update(Action::GoToTab(4));
    app.update(Action::Explain);
    app.update(Action::NextTab);
    insta::assert_snapshot!("explain_focus_80x24", render_app_to_string(&app, 80, 24));
}
