//! Shared builders for integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use async_cockpit::config::Config;
use async_cockpit::model::{FieldChange, Record, RecordMeta, Source, StatusCategory, WorkItem};
use jiff::Timestamp;
use serde_json::{Value, json};

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

/// The binary with XDG folders inside `home` and no key, passphrase or
/// config from the environment.
pub fn cockpit_command(args: &[&str], home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_async-cockpit"));
    cmd.args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("ASYNC_COCKPIT_PASSPHRASE")
        .env_remove("ASYNC_COCKPIT_CONFIG")
        .env_remove("CREDENTIALS_DIRECTORY");
    cmd
}

/// Runs [`cockpit_command`] to the end.
pub fn run_cockpit(args: &[&str], home: &Path) -> std::process::Output {
    cockpit_command(args, home).output().unwrap()
}

/// Runs the binary with XDG folders inside `home`, as the demo's engineering
/// manager (a strategic viewer sees all attendance).
pub fn run_as_manager(args: &[&str], home: &Path) -> std::process::Output {
    cockpit_command(args, home).env("USER", "greta").output().unwrap()
}

/// Standard output then standard error, as text.
pub fn output_text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `../shared/fixtures/<sub>` (recorded real payloads), or `None` with a
/// printed notice when that folder is absent (a fresh clone elsewhere).
pub fn shared_fixtures(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(sub);
    if dir.is_dir() {
        Some(dir.canonicalize().unwrap())
    } else {
        eprintln!("notice: ../shared/fixtures/{sub} absent; skipping the recorded-payload checks");
        None
    }
}

/// A replay folder in a temp dir with `routes` (anchor 2026-01-05T09:00:00Z)
/// and `files` written as JSON. Route files given as absolute paths (recorded
/// fixtures) are copied into the temp folder, never into the project.
pub fn replay_folder(mut routes: Value, files: &[(&str, Value)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for r in routes.as_array_mut().unwrap() {
        let f = PathBuf::from(r["file"].as_str().unwrap());
        if f.is_absolute() {
            let name = f.file_name().unwrap().to_str().unwrap().to_string();
            std::fs::copy(&f, tmp.path().join(&name)).unwrap();
            r["file"] = json!(name);
        }
    }
    for (name, body) in files {
        std::fs::write(tmp.path().join(name), serde_json::to_vec(body).unwrap()).unwrap();
    }
    let doc = json!({"anchor": "2026-01-05T09:00:00Z", "routes": routes});
    std::fs::write(tmp.path().join("routes.json"), serde_json::to_vec(&doc).unwrap()).unwrap();
    tmp
}

/// `routes` with `provider` set on each (it decides how dates shift).
pub fn with_provider(mut routes: Value, provider: &str) -> Value {
    for r in routes.as_array_mut().unwrap() {
        r["provider"] = json!(provider);
    }
    routes
}

/// Copies the folder `from` into `to`, subfolders included.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A temp copy of the folder `from`, to change before serving it.
pub fn temp_copy(from: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(from, tmp.path());
    tmp
}

/// A JSON file's value.
pub fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Writes `v` as pretty JSON.
pub fn write_json(p: &Path, v: &Value) {
    std::fs::write(p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
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
