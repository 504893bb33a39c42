//! Time from a streamed token arriving to it being on screen (goal: under
//! 50 ms), end to end through the cockpit's event path: a drafting task sends
//! `CockpitEvent::Draft` text on the cockpit's channel at a random moment;
//! the loop's own pacing ([`Headless`], the same code as the terminal loop,
//! waiting between turns exactly as long as the real loop would wait for a
//! key) drains it, applies it to the app and draws the Copilot tab. The
//! sample ends when the frame holding the token is drawn.
//!
//! Baselines in the same run: one frame rendered directly (the floor), and a
//! status-line notice sent on the same channel while nothing streams (the
//! loop's idle pacing, which the streaming pacing replaces).
//!
//! `cargo bench --bench stream` (harness = false). Prints p50/p90/p99/max in
//! ms and the ratios.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use async_cockpit::insight::copilot::{Fact, Topic};
use async_cockpit::insight::{Evidence, Snapshot};
use async_cockpit::ui::app::DraftPart;
use async_cockpit::ui::run::{Headless, buffer_to_string, render_app_to_buffer};
use async_cockpit::ui::{App, CockpitData, CockpitEvent, Intent, Tab, Theme};

const W: u16 = 160;
const H: u16 = 48;

fn data() -> CockpitData {
    CockpitData {
        snapshot: Snapshot {
            site: "bench".into(),
            team: "Bench".into(),
            time_zone: "UTC".into(),
            ..Snapshot::default()
        },
        sources: Vec::new(),
        viewer: "Ada".into(),
        role: "engineer".into(),
        standup: None,
    }
}

fn facts() -> Vec<Fact> {
    (1..=12)
        .map(|i| Fact {
            id: format!("F{i}"),
            topic: Topic::Blockers,
            text: format!("ALP-{i} blocked for {i} d: flagged; is blocked by ALP-{}", i + 40),
            subject: None,
            cites: vec![Evidence {
                label: format!("ALP-{i}"),
                url: Some(format!("https://example.atlassian.net/browse/ALP-{i}")),
            }],
        })
        .collect()
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn summary(name: &str, mut ms: Vec<f64>) -> f64 {
    ms.sort_by(f64::total_cmp);
    let p50 = percentile(&ms, 50);
    println!(
        "{name:<44} n={:<4} p50 {:>7.3} ms  p90 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms",
        ms.len(),
        p50,
        percentile(&ms, 90),
        percentile(&ms, 99),
        ms[ms.len() - 1]
    );
    p50
}

/// A tiny deterministic generator for the random send moments.
struct Lcg(u64);
impl Lcg {
    fn next_ms(&mut self, max: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (self.0 >> 33) % max
    }
}

/// Runs the loop until `done` holds for a drawn frame; returns when it was drawn.
#[allow(clippy::disallowed_methods)] // stands in for the terminal poll: no runtime here
fn run_until(h: &mut Headless, done: impl Fn(&str) -> bool) -> Instant {
    let give_up = Instant::now() + Duration::from_secs(5);
    loop {
        let before = h.frames();
        let wait = h.turn(Instant::now()).unwrap().unwrap();
        if h.frames() != before && done(&buffer_to_string(h.buffer())) {
            return Instant::now();
        }
        assert!(Instant::now() < give_up, "the token never showed");
        std::thread::sleep(wait);
    }
}

/// Streamed tokens: the app asked a question (so it is streaming), the facts
/// arrived, then the first token comes at a random moment.
#[allow(clippy::disallowed_methods)] // the sender thread waits like a network would
fn streamed(samples: usize) -> Vec<f64> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let mut h = Headless::new(data(), rx, W, H);
    h.app_mut().set_tab(Tab::Copilot);
    let (sent_tx, sent_rx) = std_mpsc::channel::<(u64, Instant)>();
    let (go_tx, go_rx) = std_mpsc::channel::<(u64, u64)>();
    let sender = std::thread::spawn(move || {
        let mut rng = Lcg(7);
        while let Ok((job, n)) = go_rx.recv() {
            std::thread::sleep(Duration::from_millis(rng.next_ms(25)));
            let at = Instant::now();
            tx.send(CockpitEvent::Draft {
                job,
                part: DraftPart::Text(format!("token-{n:05} ")),
            })
            .unwrap();
            sent_tx.send((n, at)).unwrap();
        }
    });
    let mut out = Vec::new();
    for n in 0..samples as u64 {
        let Intent::Ask { job, .. } = h.app_mut().ask(format!("question {n}")) else {
            unreachable!()
        };
        h.app_mut().on_event(CockpitEvent::Draft {
            job,
            part: DraftPart::Facts(facts()),
        });
        run_until(&mut h, |s| s.contains(&format!("Q: question {n}")));
        go_tx.send((job, n)).unwrap();
        let token = format!("token-{n:05}");
        let shown = run_until(&mut h, |s| s.contains(&token));
        let (m, at) = sent_rx.recv().unwrap();
        assert_eq!(m, n);
        out.push(shown.duration_since(at).as_secs_f64() * 1e3);
        h.app_mut().on_event(CockpitEvent::Draft {
            job,
            part: DraftPart::Done("bench".into()),
        });
    }
    drop(go_tx);
    sender.join().unwrap();
    out
}

/// The same channel while nothing streams: a notice for the status line.
#[allow(clippy::disallowed_methods)]
fn idle_notices(samples: usize) -> Vec<f64> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let mut h = Headless::new(data(), rx, W, H);
    h.app_mut().set_tab(Tab::Copilot);
    let (sent_tx, sent_rx) = std_mpsc::channel::<Instant>();
    let (go_tx, go_rx) = std_mpsc::channel::<u64>();
    let sender = std::thread::spawn(move || {
        let mut rng = Lcg(11);
        while let Ok(n) = go_rx.recv() {
            std::thread::sleep(Duration::from_millis(rng.next_ms(25)));
            let at = Instant::now();
            tx.send(CockpitEvent::Notice(format!("notice-{n:05}"))).unwrap();
            sent_tx.send(at).unwrap();
        }
    });
    let mut out = Vec::new();
    for n in 0..samples as u64 {
        go_tx.send(n).unwrap();
        let shown = run_until(&mut h, |s| s.contains(&format!("notice-{n:05}")));
        let at = sent_rx.recv().unwrap();
        out.push(shown.duration_since(at).as_secs_f64() * 1e3);
    }
    drop(go_tx);
    sender.join().unwrap();
    out
}

fn direct_frames(samples: usize) -> Vec<f64> {
    let mut app = App::new(data());
    let Intent::Ask { job, .. } = app.ask("question".into()) else {
        unreachable!()
    };
    app.on_event(CockpitEvent::Draft {
        job,
        part: DraftPart::Facts(facts()),
    });
    app.on_event(CockpitEvent::Draft {
        job,
        part: DraftPart::Text("token [F1] [F2] ".into()),
    });
    let theme = Theme::default_theme();
    (0..samples)
        .map(|_| {
            let t = Instant::now();
            let b = render_app_to_buffer(&app, &theme, W, H);
            std::hint::black_box(b);
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

fn main() {
    // `cargo test --benches` runs this too: keep that quick.
    let quick = std::env::args().any(|a| a == "--test");
    let (n, idle) = if quick { (5, 3) } else { (300, 60) };
    println!("stream bench: {W}×{H}, Copilot tab, first streamed token → on screen");
    let floor = summary("one frame rendered directly (floor)", direct_frames(n));
    let stream = summary("token sent → frame drawn (streaming pacing)", streamed(n));
    let idle_p50 = summary("notice sent → frame drawn (idle pacing)", idle_notices(idle));
    println!(
        "ratios (p50): streaming / one frame {:.1}×, streaming / idle pacing {:.3}; goal: under 50 ms",
        stream / floor,
        stream / idle_p50
    );
}
