//! The Slack client, mapping and sync against the replay server: recorded
//! real payloads from `../shared/fixtures/slack` (skipped with a notice when
//! that folder is absent), the workspace of our own in
//! `tests/fixtures/slack/workspace` (threads, edits, deletions, bot posts),
//! a sync into a real sealed store with an incremental second and third
//! sync, faults, and the demo organisation when `assets/demo` has it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use async_cockpit::config::{Config, SlackConfig};
use async_cockpit::model::{Message, Person, Record, RecordKind};
use async_cockpit::replay::{Fault, FaultRule, ReplayOptions, ReplayServer};
use async_cockpit::sources::http::{Auth, HttpError};
use async_cockpit::sources::slack::map::{self, ChannelRef};
use async_cockpit::sources::slack::{PageNext, SlackClient, SlackError};
use async_cockpit::store::{KeySource, Store};
use async_cockpit::sync::{Progress, sync_slack};
use jiff::Timestamp;
use serde_json::{Value, json};

mod common;
use common::{read_json, replay_folder, shared_fixtures, temp_copy, with_provider};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/slack/workspace")
}

/// A replay folder of Slack `routes` (see [`replay_folder`]).
fn folder(routes: Value, files: &[(&str, Value)]) -> tempfile::TempDir {
    replay_folder(with_provider(routes, "slack"), files)
}

fn client(base: &str) -> SlackClient {
    let cfg = SlackConfig {
        enabled: true,
        base_url: format!("{base}/api"),
        ..SlackConfig::default()
    };
    SlackClient::new(&cfg, Auth::None, 1000).unwrap()
}

fn now() -> Timestamp {
    "2026-01-05T09:00:00Z".parse().unwrap()
}

#[tokio::test]
async fn recorded_history_pages_members_pages_users_and_errors() {
    let Some(fx) = shared_fixtures("slack") else {
        return;
    };
    let tmp = folder(
        json!([
            {"path": "/api/conversations.history", "query": {"channel": "C011DUKE8", "latest": "1427135733.000068"},
             "file": fx.join("conversations-history-page2.perceval.json")},
            {"path": "/api/conversations.history", "query": {"channel": "C011DUKE8"},
             "file": fx.join("conversations-history-page1.perceval.json")},
            {"path": "/api/conversations.history", "query": {"channel": "CEMPTY"},
             "file": fx.join("conversations-history-empty.perceval.json")},
            {"path": "/api/conversations.history", "file": fx.join("error.perceval.json")},
            {"path": "/api/conversations.members", "query": {"cursor": "dXNlcl9pZDpVNEMwUTZGQTc"},
             "file": fx.join("conversations-members-page2.perceval.json")},
            {"path": "/api/conversations.members", "file": fx.join("conversations-members-page1.perceval.json")},
            {"path": "/api/conversations.info", "file": fx.join("conversations-info.perceval.json")},
            {"path": "/api/users.info", "query": {"user": "U0001"}, "file": fx.join("users-info-U0001.perceval.json")},
            {"path": "/api/users.info", "query": {"user": "U0002"}, "file": fx.join("users-info-U0002.perceval.json")},
            {"path": "/api/users.info", "query": {"user": "U0003"}, "file": fx.join("users-info-U0003.perceval.json")},
            {"path": "/api/users.info", "file": fx.join("error-user-not-visible.perceval.json")}
        ]),
        &[],
    );
    let server = ReplayServer::start(tmp.path(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&server.base_url());

    // History: the old shape says `has_more` without a cursor; the next page
    // is asked with `latest` = the oldest ts seen.
    let ch = ChannelRef {
        id: "C011DUKE8",
        name: Some("test channel"),
    };
    let mut next: Option<PageNext> = None;
    let mut raw = Vec::new();
    loop {
        let page = c.history_page("C011DUKE8", None, next.as_ref()).await.unwrap();
        raw.extend(page.items);
        match page.next {
            Some(n) => next = Some(n),
            None => break,
        }
    }
    assert_eq!(raw.len(), 9);
    assert_eq!(server.request_count("/api/conversations.history"), 2);
    let msgs: Vec<Message> = raw
        .iter()
        .filter_map(|m| map::message(m, ch, "s", now()).unwrap())
        .collect();
    // The channel_join is skipped; the bot post kept as a bot; ts strings kept.
    assert_eq!(msgs.len(), 8);
    let bot = msgs.iter().find(|m| m.ts == "1486969200.000136").unwrap();
    assert_eq!(bot.subtype.as_deref(), Some("bot_message"));
    assert_eq!(bot.user.as_deref(), Some("B0001"));
    let comment = msgs.iter().find(|m| m.ts == "1486999900.000000").unwrap();
    assert_eq!(comment.subtype.as_deref(), Some("file_comment"));
    assert_eq!(comment.meta.source_id, "C011DUKE8/1486999900.000000");
    assert!(
        msgs.iter()
            .all(|m| m.channel_name.as_deref() == Some("test channel"))
    );
    let empty = c
        .history_page("CEMPTY", Some("2427135733.000068"), None)
        .await
        .unwrap();
    assert!(empty.items.is_empty() && empty.next.is_none());

    // `ok: false` bodies are typed errors naming method and error.
    let err = c.history_page("CNOPE", None, None).await.unwrap_err();
    assert!(
        matches!(&err, SlackError::Api { method, error, .. } if method == "conversations.history" && error == "channel_not_found"),
        "{err}"
    );
    assert_eq!(err.to_string(), "slack conversations.history: channel_not_found");

    // Members to the last cursor: 100 + 64.
    let members = c.members("C011DUKE8").await.unwrap();
    assert_eq!(members.len(), 164);
    assert_eq!(members.last().map(String::as_str), Some("UX6QK3S22"));
    assert_eq!(server.request_count("/api/conversations.members"), 2);

    let info = c.channel_info("C011DUKE8").await.unwrap();
    assert_eq!(info.name.as_deref(), Some("test channel"));
    assert!(info.is_member && !info.is_archived);

    let mut people: Vec<Person> = Vec::new();
    for id in ["U0001", "U0002", "U0003"] {
        people.push(map::person(&c.user_info(id).await.unwrap(), "s", now()).unwrap());
    }
    assert_eq!(people[0].display_name, "Dev One");
    assert_eq!(people[0].email.as_deref(), Some("dev1@example.com"));
    assert_eq!(people[0].time_zone.as_deref(), Some("Europe/Amsterdam"));
    // An empty real name falls back to the handle.
    assert_eq!(people[2].display_name, "dev3");
    assert!(people.iter().all(|p| !p.is_bot));
    let err = c.user_info("U0004").await.unwrap_err();
    assert_eq!(err.code(), Some("user_not_found"));
    assert!(err.to_string().contains("users.info"), "{err}");
}

#[tokio::test]
async fn post_message_and_join_return_results_or_typed_errors() {
    let server = ReplayServer::start(&workspace(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&server.base_url());
    let blocks = json!([{"type": "section", "text": {"type": "mrkdwn", "text": "*Standup*"}}]);
    let ts = c.post_message("C01DEV", "Standup", Some(&blocks)).await.unwrap();
    assert_eq!(ts, "1767300000.000200");
    let posts: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/chat.postMessage")
        .collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].method, "POST");
    let joined = c.join_channel("C03RND").await.unwrap();
    assert!(joined.is_member && joined.name.as_deref() == Some("random"));

    let tmp = folder(
        json!([{"method": "POST", "path": "/api/chat.postMessage", "file": "err.json"}]),
        &[(
            "err.json",
            json!({"ok": false, "error": "missing_scope", "needed": "chat:write"}),
        )],
    );
    let server = ReplayServer::start(tmp.path(), ReplayOptions::default())
        .await
        .unwrap();
    let err = client(&server.base_url())
        .post_message("C01DEV", "Standup", None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "slack chat.postMessage: missing_scope (needs scope \"chat:write\")"
    );
}

#[tokio::test]
async fn rate_limit_waits_then_succeeds() {
    let server = ReplayServer::start(&workspace(), ReplayOptions::default())
        .await
        .unwrap();
    server.inject(FaultRule::once("/api/users.list", Fault::rate_limited(1)));
    let c = client(&server.base_url());
    let started = std::time::Instant::now();
    let page = c.users_page(None).await.unwrap();
    assert_eq!(page.items.len(), 4);
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert_eq!(server.request_count("/api/users.list"), 2);
    assert_eq!(c.http().requests(), 2);
}

#[tokio::test]
async fn a_truncated_body_is_an_error_naming_provider_and_endpoint() {
    let server = ReplayServer::start(&workspace(), ReplayOptions::default())
        .await
        .unwrap();
    // More cuts than the policy retries: the last one is the error.
    server.inject(FaultRule::new("/api/conversations.list", Fault::Truncate, 6));
    let err = client(&server.base_url()).channels().await.unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, SlackError::Http(HttpError::Network { .. })),
        "{msg}"
    );
    assert!(msg.starts_with("slack /api/conversations.list:"), "{msg}");
    assert!(!msg.contains("token"), "{msg}");
}

fn open_store(dir: &Path) -> Store {
    Store::open(dir, "t", &KeySource::ephemeral(), true).unwrap()
}

fn messages(store: &Store) -> Vec<Message> {
    store
        .records(RecordKind::Message)
        .unwrap()
        .into_iter()
        .filter_map(|r| match r {
            Record::Message(m) => Some(m),
            _ => None,
        })
        .collect()
}

fn by_id<'a>(msgs: &'a [Message], id: &str) -> &'a Message {
    msgs.iter()
        .find(|m| m.meta.source_id == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

fn count(report: &async_cockpit::sync::SourceReport, kind: RecordKind) -> usize {
    report
        .written
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(0, |(_, n)| *n)
}

#[tokio::test]
async fn sync_into_a_sealed_store_then_incremental_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let ws = temp_copy(&workspace());
    let cfg = Config::default();

    // 1. A first sync: users, two member channels, threads.
    let server = ReplayServer::start(ws.path(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&server.base_url());
    let report = sync_slack(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    assert_eq!(count(&report, RecordKind::Person), 4);
    assert_eq!(count(&report, RecordKind::Message), 9);
    // users 1, channels 1, #dev history 2 pages, #ops 1, one thread each.
    assert_eq!(report.requests, 7);
    assert_eq!(server.request_count("/api/conversations.replies"), 2);
    assert_eq!(
        server.request_count("channel=C03RND"),
        0,
        "not a member: not read"
    );

    let msgs = messages(&store);
    assert_eq!(msgs.len(), 9);
    // The edit event wins over the original it changed.
    let edited = by_id(&msgs, "C01DEV/1767100000.000100");
    assert_eq!(edited.text, "fixed the typo in ALP-2");
    assert!(edited.edited.is_some());
    // The join is not activity.
    assert!(msgs.iter().all(|m| m.ts != "1767100100.000100"));
    // A bot posting only attachments is kept as a bot, with its fallback text.
    let ci = by_id(&msgs, "C01DEV/1767100200.000100");
    assert_eq!(ci.subtype.as_deref(), Some("bot_message"));
    assert_eq!(ci.text, "main build failed: api@1a2b3c4");
    let app = by_id(&msgs, "C02OPS/1767200000.000100");
    assert_eq!(app.subtype.as_deref(), Some("bot_message"));
    // The thread: parent with its count, replies pointing at it.
    let parent = by_id(&msgs, "C01DEV/1767100300.000100");
    assert_eq!((parent.reply_count, parent.thread_ts.as_deref()), (2, None));
    let reply = by_id(&msgs, "C01DEV/1767100360.000100");
    assert_eq!(reply.thread_ts.as_deref(), Some("1767100300.000100"));
    assert!(reply.edited.is_some());
    assert_eq!(reply.channel_name.as_deref(), Some("dev"));
    // A deleted parent stays as a marked tombstone without text.
    let tomb = by_id(&msgs, "C02OPS/1767200100.000100");
    assert_eq!(
        (tomb.subtype.as_deref(), tomb.text.as_str()),
        (Some("tombstone"), "")
    );
    assert_eq!(
        by_id(&msgs, "C02OPS/1767200150.000100").thread_ts.as_deref(),
        Some("1767200100.000100")
    );
    let people: Vec<Person> = store
        .records(RecordKind::Person)
        .unwrap()
        .into_iter()
        .filter_map(|r| match r {
            Record::Person(p) => Some(p),
            _ => None,
        })
        .collect();
    let bots: BTreeSet<&str> = people
        .iter()
        .filter(|p| p.is_bot)
        .map(|p| p.meta.source_id.as_str())
        .collect();
    assert_eq!(bots, BTreeSet::from(["U03BOT", "USLACKBOT"]));
    assert!(
        people
            .iter()
            .any(|p| p.email.as_deref() == Some("ada@example.com"))
    );
    assert_eq!(
        store.cursor("slack:history:C01DEV").unwrap().as_deref(),
        Some("1767100550.000001")
    );
    server.shutdown().await;

    // 2. Nothing changed: history re-read within the look-back window, no
    // thread fetched again, nothing doubled.
    let server = ReplayServer::start(ws.path(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&server.base_url());
    let report = sync_slack(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    assert_eq!(server.request_count("/api/conversations.replies"), 0);
    // The user list was read completely moments ago: due again in a day.
    assert_eq!(server.request_count("/api/users.list"), 0);
    assert_eq!(server.request_count("/api/conversations.list"), 1);
    assert_eq!(server.request_count("/api/conversations.history"), 3);
    assert_eq!(report.requests, 4);
    assert!(
        server
            .requests()
            .iter()
            .filter(|r| r.path == "/api/conversations.history" && r.query.contains("C01DEV"))
            .all(|r| r.query.contains("oldest=1766495750.000001")),
        "oldest = cursor - 7 days"
    );
    assert_eq!(messages(&store).len(), 9);
    server.shutdown().await;

    // 3. A new post, a new reply on the thread, and a deletion event.
    let mut dev = read_json(&ws.path().join("history-dev-1.json"));
    let list = dev["messages"].as_array_mut().unwrap();
    list[2]["reply_count"] = json!(3);
    list[2]["latest_reply"] = json!("1767300100.000100");
    list.insert(
        0,
        json!({"type": "message", "user": "U02BO", "text": "ALP-5 next", "ts": "1767300200.000100"}),
    );
    list.insert(
        0,
        json!({"type": "message", "subtype": "message_deleted", "hidden": true, "ts": "1767300300.000001",
               "deleted_ts": "1767100200.000100",
               "previous_message": {"type": "message", "subtype": "bot_message", "bot_id": "B09HOOK", "ts": "1767100200.000100"}}),
    );
    std::fs::write(
        ws.path().join("history-dev-1.json"),
        serde_json::to_vec(&dev).unwrap(),
    )
    .unwrap();
    let mut replies = read_json(&ws.path().join("replies-dev-1767100300.json"));
    replies["messages"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "message", "user": "U01ADA", "text": "merged", "ts": "1767300100.000100", "thread_ts": "1767100300.000100"}));
    std::fs::write(
        ws.path().join("replies-dev-1767100300.json"),
        serde_json::to_vec(&replies).unwrap(),
    )
    .unwrap();
    let server = ReplayServer::start(ws.path(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&server.base_url());
    let report = sync_slack(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    assert_eq!(server.request_count("/api/conversations.replies"), 1);
    let msgs = messages(&store);
    assert_eq!(msgs.len(), 11);
    assert_eq!(by_id(&msgs, "C01DEV/1767300200.000100").text, "ALP-5 next");
    assert_eq!(
        by_id(&msgs, "C01DEV/1767300100.000100").thread_ts.as_deref(),
        Some("1767100300.000100")
    );
    assert_eq!(by_id(&msgs, "C01DEV/1767100300.000100").reply_count, 3);
    let gone = by_id(&msgs, "C01DEV/1767100200.000100");
    assert_eq!(
        (gone.subtype.as_deref(), gone.text.as_str()),
        (Some("message_deleted"), "")
    );
    assert_eq!(
        store.cursor("slack:history:C01DEV").unwrap().as_deref(),
        Some("1767300300.000001")
    );
}

#[tokio::test]
async fn a_broken_page_fails_its_channel_only_and_writes_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let server = ReplayServer::start(&workspace(), ReplayOptions::default())
        .await
        .unwrap();
    server.inject(FaultRule::once(
        "/api/conversations.history?channel=C01DEV&limit=200&cursor=",
        Fault::Malformed,
    ));
    let c = client(&server.base_url());
    let report = sync_slack(&store, &Config::default(), &c, &Progress::default(), false).await;
    let err = report.error.clone().unwrap();
    assert!(
        err.starts_with("channel C01DEV: slack /api/conversations.history: HTTP 200 with a malformed"),
        "{err}"
    );
    let msgs = messages(&store);
    // #dev's first page (and its thread) was written, its broken second page
    // was not, and its cursor did not move; #ops went on.
    assert!(
        msgs.iter()
            .any(|m| m.meta.source_id == "C01DEV/1767100500.000100")
    );
    assert!(
        msgs.iter()
            .all(|m| m.meta.source_id != "C01DEV/1767100200.000100")
    );
    assert_eq!(store.cursor("slack:history:C01DEV").unwrap(), None);
    assert_eq!(msgs.iter().filter(|m| m.channel == "C02OPS").count(), 3);
    assert_eq!(count(&report, RecordKind::Person), 4);

    // The next sync picks #dev up from where it was, nothing doubled.
    let report = sync_slack(&store, &Config::default(), &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    assert_eq!(messages(&store).len(), 9);
}

/// The demo organisation's Slack, when the generated demo is there.
#[tokio::test]
async fn demo_slack_syncs_completely_then_costs_one_request_per_scope() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    if !demo.join("routes.json").is_file() {
        eprintln!("notice: assets/demo/routes.json absent; skipping the demo Slack sync");
        return;
    }
    let text = std::fs::read_to_string(demo.join("config.toml")).unwrap();
    let cfg = Config::from_toml(&text, &demo.join("config.toml")).unwrap();
    let server = ReplayServer::start(&demo, ReplayOptions { now: Some(now()) })
        .await
        .unwrap();
    let slack = SlackConfig {
        base_url: format!("{}/api", server.base_url()),
        ..cfg.slack.clone()
    };
    let c = SlackClient::new(&slack, Auth::None, 5000).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());

    // What the payloads hold: parents (joins are not activity) and replies.
    let mut parents = 0;
    let mut threads = 0;
    for entry in std::fs::read_dir(demo.join("slack")).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        if name.starts_with("history-") {
            for m in read_json(&p)["messages"].as_array().unwrap() {
                parents += usize::from(m["subtype"] != "channel_join");
                threads += usize::from(m["reply_count"].as_u64().unwrap_or(0) > 0);
            }
        }
    }
    let mut replies = 0;
    for entry in std::fs::read_dir(demo.join("slack/replies")).unwrap() {
        replies += read_json(&entry.unwrap().path())["messages"]
            .as_array()
            .unwrap()
            .len()
            - 1;
    }

    let report = sync_slack(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    let msgs = messages(&store);
    let channels: BTreeSet<&str> = msgs.iter().map(|m| m.channel.as_str()).collect();
    assert_eq!(channels.len(), 4);
    assert!(msgs.iter().all(|m| m.channel_name.is_some()));
    assert_eq!(server.request_count("/api/conversations.replies"), threads);
    assert_eq!(msgs.len(), parents + replies);
    assert_eq!(msgs.iter().filter(|m| m.thread_ts.is_some()).count(), replies);
    assert!(msgs.iter().any(|m| m.subtype.as_deref() == Some("tombstone")));
    assert!(
        msgs.iter()
            .filter(|m| m.subtype.as_deref() == Some("bot_message"))
            .count()
            >= 50
    );
    assert_eq!(count(&report, RecordKind::Person), 13);
    let first = report.requests;
    eprintln!(
        "demo slack: {} messages ({parents} posts, {replies} replies in {threads} threads), 13 people, {first} requests",
        msgs.len()
    );

    let before = server.requests().len();
    let report = sync_slack(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    let second = server.requests().len() - before;
    eprintln!("demo slack, nothing changed: {second} requests");
    // conversations.list, one history page per channel; no thread, and no
    // users.list (read completely moments ago, due again in a day).
    assert_eq!(second, 5);
    // `full` reads the user list again.
    let before = server.requests().len();
    let report = sync_slack(&store, &cfg, &c, &Progress::default(), true).await;
    assert_eq!(report.error, None);
    let users = server.requests()[before..]
        .iter()
        .filter(|r| r.path == "/api/users.list")
        .count();
    assert_eq!(users, 1);
    assert_eq!(messages(&store).len(), parents + replies);
}
