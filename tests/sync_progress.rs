//! What `sync` shows, through the real binary against the demo organisation:
//! plain lines when stderr is not a terminal (with a rate-limit wait and a
//! failing source), spinners on a terminal (a pseudo-terminal read back
//! through a terminal emulator), and the summary table in both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sync_harness;

use std::time::Duration;

use async_cockpit::replay::{Fault, FaultRule};
use expectrl::Expect;
use sync_harness::{Demo, text};

/// The pseudo-terminal's size.
const COLS: u16 = 140;
const ROWS: u16 = 60;

#[test]
fn plain_lines_show_waits_errors_and_a_summary() {
    let demo = Demo::start(jiff::Timestamp::now());
    let dir = demo.store("plain");
    // Jira's search is rate limited once (1 s); Confluence's space lookup
    // answers garbage, so Confluence fails and the others go on.
    demo.server
        .inject(FaultRule::once("/rest/api/3/search/jql", Fault::rate_limited(1)));
    demo.server
        .inject(FaultRule::new("/wiki/api/v2/spaces", Fault::Malformed, 10));
    let out = demo.run(&dir, &["sync"], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("--- stderr\n{stderr}--- stdout\n{stdout}");

    assert_eq!(
        out.status.code(),
        Some(2),
        "a failed source exits 2: {}",
        text(&out)
    );
    assert!(
        stderr.starts_with("sync: github, jira, slack, zoom, confluence\n"),
        "{stderr}"
    );
    for source in ["github", "jira", "slack", "zoom", "confluence"] {
        assert!(
            stderr.contains(&format!("{source}: started\n")),
            "{source}: {stderr}"
        );
        assert!(
            stderr.contains(&format!("{source}: done, ")),
            "{source}: {stderr}"
        );
    }
    assert!(
        stderr.contains("jira: rate limited on /rest/api/3/search/jql, waiting 1 s\n"),
        "{stderr}"
    );
    assert!(stderr.contains("confluence: error: spaces: "), "{stderr}");
    // No escape sequences, no carriage returns: a log file stays readable.
    assert!(!stderr.contains('\x1b') && !stderr.contains('\r'), "{stderr:?}");

    // The summary: a header, a row per source, the total, the error text.
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "source       records  requests   304s  errors  written");
    let row = |name: &str| -> Vec<&str> {
        lines
            .iter()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} row: {stdout}"))
            .split_whitespace()
            .collect()
    };
    // Each row agrees with its source's last line; only Confluence failed.
    for source in ["github", "jira", "slack", "zoom", "confluence"] {
        let r = row(source);
        let done = format!("{source}: done, {} records in {} requests", r[1], r[2]);
        assert!(stderr.contains(&done), "{done:?} not in {stderr}");
        let errors = if source == "confluence" { "1" } else { "0" };
        assert_eq!(r[4], errors, "{source}: {stdout}");
    }
    assert_eq!(row("confluence")[1], "0", "{stdout}");
    assert!(
        lines.iter().any(|l| l.starts_with("confluence error: spaces: ")),
        "{stdout}"
    );
}

#[test]
fn spinners_on_a_terminal_then_the_summary() {
    let demo = Demo::start(jiff::Timestamp::now());
    let dir = demo.store("tty");
    demo.server
        .inject(FaultRule::once("/rest/api/3/search/jql", Fault::rate_limited(2)));
    let mut cmd = demo.command(&dir, &["sync"]);
    cmd.env_remove("NO_COLOR").env("TERM", "xterm-256color");
    let mut session = expectrl::Session::spawn(cmd).unwrap();
    session.get_process_mut().set_window_size(COLS, ROWS).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(120)));
    // The wait shows on Jira's spinner while it lasts.
    let first = session.expect("waiting 2 s").unwrap();
    let mut raw = first.before().to_vec();
    raw.extend(first.matches().flatten());
    // `Eof` matches everything read until the end.
    let rest = session.expect(expectrl::Eof).unwrap();
    raw.extend(rest.before());
    raw.extend(rest.matches().flatten());
    let shown = String::from_utf8_lossy(&raw);

    // Spinners are drawn with escape sequences, never as plain lines.
    assert!(shown.contains('\x1b'), "{shown:?}");
    assert!(!shown.contains("github: started"), "{shown:?}");
    // What stays on the screen: the summary, the spinners cleared.
    let size = |n: u16| std::num::NonZeroU16::new(n).unwrap();
    let mut term = vt100::Parser::new(size(ROWS), size(COLS), 0);
    term.process(&raw);
    let screen = term.screen().contents();
    println!("{screen}");
    assert!(
        screen.contains("source       records  requests   304s  errors  written"),
        "{screen}"
    );
    assert!(screen.lines().any(|l| l.starts_with("total ")), "{screen}");
    assert!(screen.lines().any(|l| l.starts_with("github ")), "{screen}");
    assert!(!screen.contains("rate limited"), "{screen}");
}

#[test]
fn source_filter_syncs_only_what_was_asked() {
    let demo = Demo::start(jiff::Timestamp::now());
    let dir = demo.store("filter");
    let out = demo.run(&dir, &["sync", "--source", "jira"], None);
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stderr.starts_with("sync: jira\n"), "{stderr}");
    let rows: Vec<&str> = stdout
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("total"))
        .collect();
    assert_eq!(rows.len(), 1, "{stdout}");
    assert!(rows[0].starts_with("jira "), "{stdout}");
    assert!(
        demo.server
            .requests()
            .iter()
            .all(|r| r.path.starts_with("/rest/")),
        "only Jira was asked"
    );

    let out = demo.run(&dir, &["sync", "--source", "gitlab"], None);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("unknown source \"gitlab\"; use one of: github, jira, slack, zoom, confluence"),
        "{}",
        text(&out)
    );
}
