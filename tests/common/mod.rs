//! Shared builders for integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use async_cockpit::config::Config;
use async_cockpit::model::{FieldChange, Record, RecordMeta, Source, StatusCategory, WorkItem};
use jiff::Timestamp;

/// A parsed timestamp.
pub fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

/// A work item with the given id, key, summary and event time.
pub fn item(site: &str, id: &str, key: &str, summary: &str, updated: Timestamp) -> WorkItem {
    WorkItem {
        meta: RecordMeta {
            site: site.into(),
            source: Source::Jira,
            source_id: id.into(),
            event_time: updated,
            fetched_at: updated,
        },
        key: key.into(),
        project: key.split('-').next().unwrap_or("X").into(),
        summary: summary.into(),
        issue_type: "Story".into(),
        status: "In Progress".into(),
        status_category: StatusCategory::InProgress,
        resolution: None,
        assignee: Some("acc-1".into()),
        reporter: None,
        created: updated,
        updated,
        resolved: None,
        story_points: Some(3.0),
        sprint_ids: vec![1],
        parent_key: None,
        labels: vec![],
        flagged: false,
        links: vec![],
        description: format!("description of {key}"),
        changelog: vec![FieldChange {
            at: updated,
            author: None,
            field: "status".into(),
            from: Some("1".into()),
            to: Some("3".into()),
            from_string: Some("To Do".into()),
            to_string: Some("In Progress".into()),
        }],
        url: format!("https://example.atlassian.net/browse/{key}"),
    }
}

/// `item` as a record.
pub fn rec(site: &str, id: &str, key: &str, summary: &str, updated: Timestamp) -> Record {
    Record::WorkItem(item(site, id, key, summary, updated))
}

/// Whether `needle` occurs in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Runs the binary with XDG folders inside `home`, as the demo's engineering
/// manager (a strategic viewer sees all attendance).
pub fn run_as_manager(args: &[&str], home: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_async-cockpit"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        // The engineering manager of the demo: a strategic viewer sees all attendance.
        .env("USER", "greta")
        .env_remove("ASYNC_COCKPIT_PASSPHRASE")
        .env_remove("ASYNC_COCKPIT_CONFIG")
        .env_remove("CREDENTIALS_DIRECTORY")
        .output()
        .unwrap()
}

/// The demo's records (through `demo --headless` then `export --json`) and config.
pub fn demo_records() -> (Vec<Record>, Config) {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("stores");
    let d = data.to_str().unwrap();
    let out = run_as_manager(&["--data-dir", d, "demo", "--headless"], home.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cfg_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/config.toml");
    let c = cfg_path.to_str().unwrap();
    let out = run_as_manager(
        &[
            "--config",
            c,
            "--data-dir",
            d,
            "--site",
            "demo",
            "export",
            "--json",
        ],
        home.path(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let records = doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| serde_json::from_value(r.clone()).unwrap())
        .collect();
    let cfg = Config::from_toml(&std::fs::read_to_string(&cfg_path).unwrap(), &cfg_path).unwrap();
    (records, cfg)
}
