//! The Confluence client, mapping and sync against the replay server:
//! recorded Server payloads from `../shared/fixtures/confluence` (skipped with
//! a notice when that folder is absent), the Cloud site of our own in
//! `tests/fixtures/confluence/cloud` (v2 pages and spaces, CQL search), a sync
//! into a real sealed store with incremental syncs, faults, and the demo
//! organisation when `assets/demo` has it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use async_cockpit::config::{Config, ConfluenceConfig, Deployment};
use async_cockpit::model::{Page, Record, RecordKind};
use async_cockpit::replay::{Fault, FaultRule, ReplayOptions, ReplayServer};
use async_cockpit::sources::confluence::ConfluenceClient;
use async_cockpit::sources::confluence::map::{self, PageContext};
use async_cockpit::sources::http::Auth;
use async_cockpit::store::{KeySource, Store};
use async_cockpit::sync::{Progress, SourceReport, sync_confluence};
use jiff::Timestamp;
use serde_json::{Value, json};

mod common;
use common::{read_json, shared_fixtures, temp_copy, write_json};

fn cloud_site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/confluence/cloud")
}

fn client(base: &str, deployment: Deployment) -> ConfluenceClient {
    let cfg = ConfluenceConfig {
        enabled: true,
        base_url: base.to_string(),
        deployment,
        ..ConfluenceConfig::default()
    };
    ConfluenceClient::new(&cfg, Auth::None, 1000).unwrap()
}

fn ctx<'a>(base_url: &'a str, projects: &'a [String]) -> PageContext<'a> {
    PageContext {
        site: "t",
        base_url,
        projects,
        now: "2026-01-05T09:00:00Z".parse().unwrap(),
    }
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn open_store(dir: &Path) -> Store {
    Store::open(dir, "t", &KeySource::ephemeral(), true).unwrap()
}

fn pages(store: &Store) -> Vec<Page> {
    store
        .records(RecordKind::Page)
        .unwrap()
        .into_iter()
        .filter_map(|r| match r {
            Record::Page(p) => Some(p),
            _ => None,
        })
        .collect()
}

fn by_id<'a>(pages: &'a [Page], id: &str) -> &'a Page {
    pages
        .iter()
        .find(|p| p.meta.source_id == id)
        .unwrap_or_else(|| panic!("page {id} missing"))
}

fn written(report: &SourceReport) -> usize {
    report.written.iter().map(|(_, n)| n).sum()
}

#[tokio::test]
async fn recorded_server_search_pages_and_storage_bodies() {
    let Some(fx) = shared_fixtures("confluence") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut routes = Vec::new();
    for (path, query, file) in [
        (
            "/rest/api/content/search",
            json!({"start": "2"}),
            "content-search-page2.server.perceval.json",
        ),
        (
            "/rest/api/content/search",
            json!({}),
            "content-search-page1.server.perceval.json",
        ),
        (
            "/rest/api/content/1",
            json!({}),
            "content-page-storage-history.server.perceval.json",
        ),
        (
            "/rest/api/content/2",
            json!({}),
            "content-page-storage-v1.server.perceval.json",
        ),
        (
            "/rest/api/content/3",
            json!({}),
            "content-page-version-hidden.server.perceval.json",
        ),
    ] {
        std::fs::copy(fx.join(file), tmp.path().join(file)).unwrap();
        routes.push(json!({"provider": "confluence", "path": path, "query": query, "file": file}));
    }
    write_json(
        &tmp.path().join("routes.json"),
        &json!({"anchor": "2026-01-05T09:00:00Z", "routes": routes}),
    );
    let server = ReplayServer::start(tmp.path(), ReplayOptions::default())
        .await
        .unwrap();
    let base = server.base_url();
    let c = client(&base, Deployment::Server);

    // Search pages walked through `_links.next` (relative, with start/limit).
    let cql = "lastModified > '1970-01-01 00:00' order by lastModified";
    let mut results = Vec::new();
    let mut page = c.search(cql, None).await.unwrap();
    loop {
        results.extend(page.results);
        match page.next {
            Some(n) => page = c.search(cql, Some(&n)).await.unwrap(),
            None => break,
        }
    }
    assert_eq!(results.len(), 3);
    assert_eq!(server.request_count("/rest/api/content/search"), 2);
    assert!(
        server.requests()[1].query.contains("start=2"),
        "{:?}",
        server.requests()[1]
    );
    // Unexpanded results cannot become pages (and say why); attachments are not pages.
    let none: [String; 0] = [];
    let err = map::page_v1(&results[0], ctx(&base, &none)).unwrap_err();
    assert!(err.to_string().contains("expand"), "{err}");
    assert_eq!(map::page_v1(&results[2], ctx(&base, &none)), Ok(None));

    // Storage bodies to text, with version, history and author.
    let raw = c.page_v1("1").await.unwrap();
    let p = map::page_v1(&raw, ctx(&base, &none)).unwrap().unwrap();
    assert_eq!(
        (p.meta.source_id.as_str(), p.space.as_str(), p.version),
        ("1", "DEV", 2)
    );
    assert_eq!(p.created, ts("2016-06-10T20:05:21Z"));
    assert_eq!(p.updated, ts("2016-06-16T19:58:30Z"));
    assert_eq!(p.meta.event_time, p.updated);
    assert_eq!(p.author.as_deref(), Some("jdoe"));
    assert_eq!(
        p.url,
        format!("{base}/display/DEV/Steady+State+Project+-+2016-06-17+Goals")
    );
    for want in [
        "CENGN currently follows a 2 week iteration cycle with a demo to wrap up. This page",
        "Goals for this Iteration",
        "Get Linux Foundation ID",
        "PyCharm : import project",
        "Demo 2016-06-17",
    ] {
        assert!(p.body_text.contains(want), "{want:?} missing in {}", p.body_text);
    }
    for gone in ["<", "&nbsp;", "incomplete", "StorPerf\n800", "ac:"] {
        assert!(!p.body_text.contains(gone), "{gone:?} left in {}", p.body_text);
    }

    let p = map::page_v1(&c.page_v1("2").await.unwrap(), ctx(&base, &none))
        .unwrap()
        .unwrap();
    assert_eq!(p.space, "sfc");
    assert!(
        p.body_text
            .contains("git clone ssh://<username>@gerrit.opnfv.org:29418/sfc")
    );
    assert!(p.body_text.contains("- Project proposal"));
    assert!(p.body_text.contains("\"stitched\" together"));
    assert!(!p.body_text.contains("ri:"));
    assert!(p.issue_keys.is_empty(), "{:?}", p.issue_keys);

    let p = map::page_v1(&c.page_v1("3").await.unwrap(), ctx(&base, &none))
        .unwrap()
        .unwrap();
    assert_eq!((p.body_text.as_str(), p.version), ("Value text", 3));
    assert_eq!(p.updated, ts("2021-01-12T15:46:37.336Z"));
    assert_eq!(p.created, ts("2019-07-26T20:16:58Z"));
}

#[tokio::test]
async fn recorded_server_space_full_then_incremental_by_cql() {
    let Some(fx) = shared_fixtures("confluence") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let recorded: Vec<Value> = [
        "content-page-storage-history.server.perceval.json",
        "content-page-storage-v1.server.perceval.json",
        "content-page-version-hidden.server.perceval.json",
    ]
    .iter()
    .map(|f| read_json(&fx.join(f)))
    .collect();
    write_json(
        &tmp.path().join("content.json"),
        &json!({"results": recorded, "start": 0, "limit": 25, "size": 3, "_links": {"base": "x", "context": ""}}),
    );
    write_json(
        &tmp.path().join("empty.json"),
        &json!({"results": [], "start": 0, "limit": 25, "size": 0, "_links": {}}),
    );
    write_json(
        &tmp.path().join("routes.json"),
        &json!({"anchor": "2026-01-05T09:00:00Z", "routes": [
            {"provider": "confluence", "path": "/rest/api/content", "query": {"spaceKey": "DEV"}, "file": "content.json",
             "pages": {"style": "confluence_start", "items": "results", "page_size": 25}},
            {"provider": "confluence", "path": "/rest/api/content/search", "query": {"cql": "space = \"DEV\""}, "file": "empty.json"}
        ]}),
    );
    let server = ReplayServer::start(tmp.path(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&server.base_url(), Deployment::Server);
    let mut cfg = Config::default();
    cfg.confluence.deployment = Deployment::Server;
    cfg.confluence.spaces = vec!["DEV".into()];
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());

    let report = sync_confluence(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    assert_eq!((written(&report), report.requests), (3, 1));
    assert_eq!(
        store.cursor("confluence:pages:DEV").unwrap().as_deref(),
        Some("2021-01-12T15:46:37.336Z")
    );
    let q = &server.requests()[0].query;
    assert!(
        q.contains("spaceKey=DEV") && q.contains("expand=body.storage%2Cversion%2Chistory%2Cspace"),
        "{q}"
    );

    let report = sync_confluence(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    assert_eq!(written(&report), 0);
    assert_eq!(server.request_count("/rest/api/content/search"), 1);
    let cql = url::form_urlencoded::parse(server.requests()[1].query.as_bytes())
        .find(|(k, _)| k == "cql")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(
        cql,
        "space = \"DEV\" AND type = page AND lastmodified >= \"2021/01/11 15:46\" ORDER BY lastmodified DESC"
    );
    assert_eq!(pages(&store).len(), 3);
}

fn cloud_config() -> Config {
    let mut cfg = Config::default();
    cfg.confluence.spaces = vec!["ENG".into(), "OPS".into()];
    cfg.jira.projects = vec!["ALP".into(), "BET".into()];
    cfg
}

/// The Cloud site with 60 older filler pages appended to ENG, so that its
/// listing takes two pages of 50.
fn cloud_site_with_filler() -> tempfile::TempDir {
    let site = temp_copy(&cloud_site());
    let path = site.path().join("pages-ENG.json");
    let mut eng = read_json(&path);
    let list = eng["results"].as_array_mut().unwrap();
    let template = list.last().unwrap().clone();
    for n in 0..60 {
        let mut p = template.clone();
        p["id"] = json!(format!("{}", 2100 + n));
        p["title"] = json!(format!("Note {n}"));
        p["createdAt"] = json!("2025-09-02T08:00:00.000Z");
        p["version"]["createdAt"] = json!(format!("2025-10-{:02}T08:00:00.000Z", 1 + n % 28));
        p["body"]["storage"]["value"] = json!(format!("<p>Note {n} about ALP-{}</p>", 100 + n));
        list.push(p);
    }
    write_json(&path, &eng);
    site
}

#[tokio::test]
async fn cloud_sync_into_a_sealed_store_then_incremental_syncs() {
    let site = cloud_site_with_filler();
    let cfg = cloud_config();
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());

    // 1. Full: spaces, ENG over two cursor pages, OPS, the mentions search.
    let server = ReplayServer::start(site.path(), ReplayOptions::default())
        .await
        .unwrap();
    let base = format!("{}/wiki", server.base_url());
    let c = client(&base, Deployment::Cloud);
    let report = sync_confluence(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    // ENG 63 (one trashed), OPS 1, one mention outside the synced spaces.
    assert_eq!(written(&report), 65);
    assert_eq!(report.requests, 5);
    assert_eq!(server.request_count("/wiki/api/v2/pages"), 3);
    let first = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/wiki/api/v2/pages")
        .unwrap();
    for q in [
        "space-id=1001",
        "body-format=storage",
        "sort=-modified-date",
        "limit=50",
    ] {
        assert!(first.query.contains(q), "{q} not in {}", first.query);
    }

    let all = pages(&store);
    assert_eq!(all.len(), 65);
    assert!(
        all.iter().all(|p| p.meta.source_id != "2002"),
        "trashed page kept"
    );
    let design = by_id(&all, "2004");
    assert_eq!(design.issue_keys, vec!["ALP-1", "ALP-12", "ALP-13"]);
    assert_eq!((design.space.as_str(), design.version), ("ENG", 7));
    assert_eq!(design.author.as_deref(), Some("5b10a2844c20165700ede21g"));
    assert_eq!(
        (design.created, design.updated),
        (ts("2025-12-01T09:00:00Z"), ts("2025-12-30T14:00:00Z"))
    );
    assert_eq!(
        design.url,
        format!("{base}/spaces/ENG/pages/2004/Checkout+design")
    );
    assert_eq!(
        design.body_text,
        "Context\nEpic: ALP-1\n- ALP-12 state machine\n- ALP-13 & flags\nWrite the runbook"
    );
    let adr = by_id(&all, "2003");
    assert_eq!(adr.issue_keys, vec!["BET-4"], "ADR-001 and UTF-8 are not issues");
    assert!(adr.body_text.contains("topic: telemetry\npartitions: 12"));
    assert_eq!(by_id(&all, "2001").body_text, "Engineering\nSee Checkout design.");
    let hr = by_id(&all, "4002");
    assert_eq!(
        (hr.space.as_str(), hr.issue_keys.clone()),
        ("HR", vec!["ALP-12".to_string()])
    );
    assert_eq!(hr.created, ts("2025-10-10T10:00:00Z"));
    assert_eq!(
        store.cursor("confluence:pages:ENG").unwrap().as_deref(),
        Some("2025-12-30T14:00:00Z")
    );
    server.shutdown().await;

    // 2. Nothing changed: one request per endpoint and scope, nothing written.
    let server = ReplayServer::start(site.path(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&format!("{}/wiki", server.base_url()), Deployment::Cloud);
    let report = sync_confluence(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    assert_eq!((written(&report), report.requests), (0, 4));
    let search = server
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/content/search"))
        .unwrap();
    let cql = url::form_urlencoded::parse(search.query.as_bytes())
        .find(|(k, _)| k == "cql")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(
        cql,
        "type = page AND (text ~ \"ALP\" OR text ~ \"BET\") AND lastmodified >= \"2025/12/29 14:00\" ORDER BY lastmodified DESC"
    );
    server.shutdown().await;

    // 3. One page edited: it comes first (most recently modified) and alone is written.
    let path = site.path().join("pages-ENG.json");
    let mut eng = read_json(&path);
    let list = eng["results"].as_array_mut().unwrap();
    let mut home = list.remove(3);
    assert_eq!(home["id"], "2001");
    home["version"]["number"] = json!(6);
    home["version"]["createdAt"] = json!("2026-01-02T10:00:00.000Z");
    home["body"]["storage"]["value"] = json!("<h1>Engineering</h1><p>Now with BET-7.</p>");
    list.insert(0, home);
    write_json(&path, &eng);
    let server = ReplayServer::start(site.path(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&format!("{}/wiki", server.base_url()), Deployment::Cloud);
    let report = sync_confluence(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    assert_eq!((written(&report), report.requests), (1, 4));
    let all = pages(&store);
    assert_eq!(all.len(), 65);
    let home = by_id(&all, "2001");
    assert_eq!(
        (home.version, home.issue_keys.clone()),
        (6, vec!["BET-7".to_string()])
    );
    assert_eq!(
        store.cursor("confluence:pages:ENG").unwrap().as_deref(),
        Some("2026-01-02T10:00:00Z")
    );
}

#[tokio::test]
async fn a_broken_page_fails_its_space_only_and_writes_nothing_of_it() {
    let site = cloud_site_with_filler();
    let server = ReplayServer::start(site.path(), ReplayOptions::default())
        .await
        .unwrap();
    server.inject(FaultRule::once("/wiki/api/v2/pages?cursor=", Fault::Malformed));
    let c = client(&format!("{}/wiki", server.base_url()), Deployment::Cloud);
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let mut cfg = cloud_config();
    cfg.confluence.spaces.push("NOPE".into());
    let report = sync_confluence(&store, &cfg, &c, &Progress::default(), false).await;
    let err = report.error.unwrap();
    assert!(
        err.starts_with(
            "space ENG: confluence /wiki/api/v2/pages: HTTP 200 with a malformed or truncated body"
        ),
        "{err}"
    );
    assert!(
        err.contains("space NOPE: confluence: no space with key \"NOPE\""),
        "{err}"
    );
    let all = pages(&store);
    // ENG's first page (50, one trashed) is in, its broken second page is
    // not, and its cursor did not move; OPS and the mentions went on.
    assert_eq!(all.iter().filter(|p| p.space == "ENG").count(), 49);
    assert_eq!(store.cursor("confluence:pages:ENG").unwrap(), None);
    assert_eq!(all.iter().filter(|p| p.space == "OPS").count(), 1);
    assert_eq!(all.iter().filter(|p| p.space == "HR").count(), 1);

    // The next sync completes ENG; nothing doubles.
    let report = sync_confluence(&store, &cloud_config(), &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    assert_eq!(pages(&store).len(), 65);
}

#[tokio::test]
async fn rate_limit_waits_then_succeeds() {
    let server = ReplayServer::start(&cloud_site(), ReplayOptions::default())
        .await
        .unwrap();
    server.inject(FaultRule::once("/wiki/api/v2/spaces", Fault::rate_limited(1)));
    let c = client(&format!("{}/wiki", server.base_url()), Deployment::Cloud);
    let started = std::time::Instant::now();
    let spaces = c.spaces(&["ENG".into(), "OPS".into()]).await.unwrap();
    let keys: Vec<&str> = spaces.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, vec!["ENG", "OPS"]);
    assert_eq!(spaces[0].id, "1001");
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert_eq!(c.http().requests(), 2);
}

/// The demo organisation's Confluence, when the generated demo is there.
#[tokio::test]
async fn demo_confluence_syncs_completely_then_costs_one_request_per_scope() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    if !demo.join("routes.json").is_file() {
        eprintln!("notice: assets/demo/routes.json absent; skipping the demo Confluence sync");
        return;
    }
    let text = std::fs::read_to_string(demo.join("config.toml")).unwrap();
    let cfg = Config::from_toml(&text, &demo.join("config.toml")).unwrap();
    let server = ReplayServer::start(
        &demo,
        ReplayOptions {
            now: Some(ts("2026-01-05T09:00:00Z")),
        },
    )
    .await
    .unwrap();
    let conf = ConfluenceConfig {
        base_url: format!("{}/wiki", server.base_url()),
        ..cfg.confluence.clone()
    };
    let c = ConfluenceClient::new(&conf, Auth::None, 5000).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let mut expected = 0;
    for key in &cfg.confluence.spaces {
        expected += read_json(&demo.join(format!("confluence/pages-{key}.json")))["results"]
            .as_array()
            .unwrap()
            .len();
    }

    let report = sync_confluence(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    let all = pages(&store);
    assert_eq!(all.len(), expected);
    assert!((25..=40).contains(&all.len()), "{} pages", all.len());
    assert!(
        all.iter()
            .all(|p| !p.body_text.is_empty() && !p.body_text.contains('<'))
    );
    assert!(
        all.iter()
            .all(|p| p.url.starts_with(&conf.base_url) && p.author.is_some())
    );
    let keyed = all.iter().filter(|p| !p.issue_keys.is_empty()).count();
    assert!(keyed >= 10, "only {keyed} pages mention issues");
    assert_eq!(server.request_count("/wiki/rest/api/content/search"), 1);
    eprintln!(
        "demo confluence: {} pages ({keyed} mention Jira issues), {} requests",
        all.len(),
        report.requests
    );

    let before = server.requests().len();
    let report = sync_confluence(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    let second = server.requests().len() - before;
    eprintln!("demo confluence, nothing changed: {second} requests");
    // spaces, one page per space, the mentions search.
    assert_eq!(second, 4);
    assert_eq!(written(&report), 0);
}
