//! `async-cockpit triage` on the demo organisation: the marks stored from
//! the cockpit (sealed, through the store API) come out in the summary, as
//! Markdown with `--markdown`, for one sprint with `--sprint`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use async_cockpit::commands::stored_snapshot;
use async_cockpit::model::{TriageDecision, TriageMark};
use async_cockpit::store::{KeySource, Store};
use common::run_as_manager;

#[test]
fn triage_markdown_prints_the_stored_marks() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("stores");
    let d = data.to_str().unwrap();
    let out = run_as_manager(&["--data-dir", d, "demo", "--headless"], home.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let key = KeySource::resolve(&home.path().join("config/async-cockpit/key")).unwrap();
    let store = Store::open(&data.join("demo"), "demo", &key, false).unwrap();
    let report = stored_snapshot(&store).unwrap().unwrap().triage.unwrap();
    assert_eq!(report.sprints.len(), 2, "two active sprints in the demo");
    let (first, other) = (&report.sprints[0], &report.sprints[1]);
    let split = &first.items[0];
    let keep = &first.items[1];
    for (item, decision, note) in [
        (split, TriageDecision::Split, "cli-note-marker | API first"),
        (keep, TriageDecision::Keep, ""),
    ] {
        store
            .put_triage_mark(&TriageMark {
                sprint_id: first.sprint_id,
                key: item.key.clone(),
                decision: Some(decision),
                note: note.into(),
                by: "Greta Moonfield".into(),
                at: jiff::Timestamp::now(),
            })
            .unwrap();
    }
    drop(store);

    let cfg = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/config.toml");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "--config",
            cfg.to_str().unwrap(),
            "--data-dir",
            d,
            "--site",
            "demo",
            "triage",
        ];
        args.extend_from_slice(extra);
        run_as_manager(&args, home.path())
    };
    let out = run(&["--markdown"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Sprint triage\n"), "{md}");
    let row = |key: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| {key} ")))
            .unwrap_or("")
            .to_string()
    };
    assert!(
        row(&split.key).ends_with("| split | cli-note-marker \\| API first |"),
        "{}",
        row(&split.key)
    );
    assert!(row(&keep.key).ends_with("| keep |  |"), "{}", row(&keep.key));
    let undecided = first.items.len() - 2;
    assert!(
        md.contains(&format!("Decisions: keep 1, split 1, undecided {undecided}.")),
        "{md}"
    );
    assert!(md.contains(&format!("## {} —", other.name)), "{md}");

    // One sprint only, by name.
    let out = run(&["--markdown", "--sprint", &other.name]);
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(!md.contains(&split.key) && md.contains(&other.name), "{md}");
    // Plain text carries the decision and the note too.
    let out = run(&[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("note: cli-note-marker | API first"), "{text}");
    // A sprint that is not active is an error naming the active ones.
    let out = run(&["--sprint", "nope"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--sprint \"nope\" is not an active sprint; active:"),
        "{err}"
    );
    assert!(err.contains(&first.name), "{err}");
}
