//! The walking skeleton end to end, through the real binary: `demo --headless
//! --data-dir DIR` syncs the demo organisation through the replay server into
//! a sealed store; `export --json` reads it back; `purge` reports per kind;
//! and nothing of the demo's content is readable in the store file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{contains, output_text as text, run_cockpit as run};
use serde_json::Value;

#[test]
fn demo_headless_then_export_purge_and_plaintext_scan() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("stores");
    let d = data.to_str().unwrap();

    let out = run(&["--data-dir", d, "demo", "--headless"], home.path());
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    // Per provider and kind, and the velocity lines.
    assert!(shown.contains("jira"), "{shown}");
    assert!(shown.contains("work_item"), "{shown}");
    assert!(shown.contains("committed"), "{shown}");
    // The key file was created for the kept store, 0600.
    let key = home.path().join("config/async-cockpit/key");
    assert!(key.exists(), "{shown}");

    let out = run(
        &["--data-dir", d, "--site", "demo", "export", "--json"],
        home.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let records = doc["records"].as_array().unwrap();
    let items: Vec<&Value> = records.iter().filter(|r| r["kind"] == "work_item").collect();
    let sprints = records.iter().filter(|r| r["kind"] == "sprint").count();
    assert!(items.len() >= 150, "only {} work items", items.len());
    assert!(sprints >= 8, "only {sprints} sprints");
    // Every record carries site, source, source id, event and fetched times.
    for r in records {
        let m = &r["meta"];
        assert_eq!(m["site"], "demo");
        for k in ["source", "source_id", "event_time", "fetched_at"] {
            assert!(m[k].is_string(), "{k} missing in {r}");
        }
    }
    // An unestimated issue stays unestimated (null), never 0.
    assert!(items.iter().any(|i| i["story_points"].is_null()));

    // Nothing readable in the raw store: summaries, keys, account ids, the
    // sealed demo token.
    let raw = std::fs::read(data.join("demo/store.redb")).unwrap();
    let mut markers: Vec<String> = vec!["demo-jira-token".into(), "demo-github-token".into()];
    for i in items.iter().take(40) {
        markers.push(i["summary"].as_str().unwrap().to_string());
        markers.push(i["key"].as_str().unwrap().to_string());
        if let Some(a) = i["assignee"].as_str() {
            markers.push(a.to_string());
        }
    }
    for m in &markers {
        assert!(
            !contains(&raw, m.as_bytes()),
            "{m:?} is readable in the store file"
        );
    }

    // The metrics of the demo organisation, end to end, as its engineering manager.
    let cfg = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/config.toml");
    let out = run(
        &[
            "--config",
            cfg,
            "--data-dir",
            d,
            "metrics",
            "--json",
            "--as",
            "Greta Moonfield",
        ],
        home.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
    let m: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sprints = m["sprints"].as_array().unwrap();
    assert!(sprints.len() >= 8);
    for s in sprints {
        for k in [
            "id",
            "name",
            "state",
            "committed_points",
            "added_points",
            "removed_points",
            "completed_points",
            "carried_over_points",
            "unestimated_issues",
            "say_do_ratio",
        ] {
            assert!(s.get(k).is_some(), "sprint row lacks {k}: {s}");
        }
    }
    assert!(
        sprints
            .iter()
            .any(|s| s["state"] == "closed" && s["committed_points"].as_f64() > Some(0.0))
    );
    for k in [
        "cycle_time_hours_p50",
        "cycle_time_hours_p85",
        "pickup_time_hours_p50",
        "review_time_hours_p50",
    ] {
        assert!(m["flow"][k].as_f64().is_some(), "flow lacks {k}");
    }
    let weeks = m["person_weeks"].as_array().unwrap();
    assert!(
        weeks
            .iter()
            .all(|w| w["meeting_hours"].is_number() && w["focus_hours"].is_number())
    );
    // An engineer sees only their own person-weeks.
    let out = run(
        &[
            "--config",
            cfg,
            "--data-dir",
            d,
            "metrics",
            "--json",
            "--as",
            "Ines Quillfeather",
        ],
        home.path(),
    );
    let m: Value = serde_json::from_slice(&out.stdout).unwrap();
    let people: Vec<&str> = m["person_weeks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["person"].as_str())
        .collect();
    assert!(people.iter().all(|p| *p == "Ines Quillfeather"), "{people:?}");

    let out = run(&["--data-dir", d, "--site", "demo", "purge"], home.path());
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains("work_item") && shown.contains("llm_output") && shown.contains("total"),
        "{shown}"
    );

    // A wrong key is named, never garbage.
    std::fs::write(&key, format!("{}\n", "ab".repeat(32))).unwrap();
    let out = run(&["--data-dir", d, "--site", "demo", "export"], home.path());
    assert!(!out.status.success());
    assert!(
        text(&out).contains("wrong passphrase or key file for site 'demo'"),
        "{}",
        text(&out)
    );
}

#[test]
fn config_default_prints_the_commented_default() {
    let home = tempfile::tempdir().unwrap();
    let out = run(&["config", "default"], home.path());
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.starts_with("# ASYNC Cockpit configuration."), "{s}");
    assert!(s.contains("retention_days = 30"));
}
