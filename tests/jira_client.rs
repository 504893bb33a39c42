//! The Jira client and mapping against the replay server: recorded real
//! payloads from `../shared/fixtures/jira` (skipped with a notice when that
//! folder is absent) and payloads of our own for pagination and faults.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_cockpit::config::{Deployment, JiraConfig};
use async_cockpit::replay::{Fault, FaultRule, ReplayOptions, ReplayServer};
use async_cockpit::sources::http::{Auth, HttpError};
use async_cockpit::sources::jira::{FieldIds, JiraClient, PageCursor, adf, map};
use jiff::Timestamp;
use serde_json::{Value, json};

mod common;
use common::{read_json, replay_folder, shared_fixtures};

fn client(base: &str, deployment: Deployment) -> JiraClient {
    let cfg = JiraConfig {
        enabled: true,
        base_url: base.to_string(),
        deployment,
        ..JiraConfig::default()
    };
    JiraClient::new(&cfg, Auth::None, 1000).unwrap()
}

fn now() -> Timestamp {
    "2026-01-05T09:00:00Z".parse().unwrap()
}

#[tokio::test]
async fn recorded_server_search_pages_map_to_work_items() {
    let Some(fx) = shared_fixtures("jira") else { return };
    let tmp = replay_folder(
        json!([
            {"path": "/rest/api/2/search", "query": {"startAt": "2"}, "file": fx.join("search-v2-page2.server.perceval.json")},
            {"path": "/rest/api/2/search", "file": fx.join("search-v2-page1.server.perceval.json")}
        ]),
        &[],
    );
    let server = ReplayServer::start(tmp.path(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&server.base_url(), Deployment::Server);
    let ids = FieldIds {
        story_points: None,
        sprint: None,
        flagged: None,
    };
    let mut cursor = None;
    let mut keys = Vec::new();
    loop {
        let page = c
            .search_page("project = X", &["summary".into()], cursor.as_ref())
            .await
            .unwrap();
        for issue in &page.issues {
            let item = map::work_item(issue, &ids, None, "s", c.base_url(), now()).unwrap();
            assert!(item.created <= item.updated, "{}", item.key);
            keys.push(item.key);
        }
        match page.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    // Two pages (2 + 1 issues, total 3), walked with startAt.
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert_eq!(server.request_count("/rest/api/2/search"), 2);
}

#[tokio::test]
async fn recorded_cloud_board_issues_sprints_changelog_and_configuration() {
    let Some(fx) = shared_fixtures("jira") else { return };
    let tmp = replay_folder(
        json!([
            {"path": "/rest/agile/1.0/board/8/sprint", "file": fx.join("agile-board-sprints.cloud.devlake.json")},
            {"path": "/rest/api/3/issue/13491/changelog", "file": fx.join("issue-changelog-v3.cloud.devlake.json")},
            {"path": "/rest/agile/1.0/board/1/configuration", "file": fx.join("agile-board-configuration.go-jira.json")}
        ]),
        &[],
    );
    let server = ReplayServer::start(tmp.path(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&server.base_url(), Deployment::Cloud);

    let sprints = c.sprints(8).await.unwrap();
    assert_eq!(sprints.len(), 30);
    let mapped: Vec<_> = sprints
        .iter()
        .map(|v| map::sprint(v, 8, None, "s", now()).unwrap())
        .collect();
    // A board lists sprints of other boards too: the owner is `originBoardId`.
    for (raw, s) in sprints.iter().zip(&mapped) {
        assert_eq!(Some(s.board_id), raw["originBoardId"].as_u64().or(Some(8)));
        assert_eq!(s.id, raw["id"].as_u64().unwrap());
    }
    assert!(mapped.iter().any(|s| s.complete.is_some()));

    let log = c.changelog("13491").await.unwrap();
    assert_eq!(log.len(), 79);
    let changes: Vec<_> = log.iter().flat_map(map::history_changes).collect();
    assert!(changes.len() >= 79);

    // DevLake's site estimates with customfield_10024 and keeps sprints in 10020.
    let issues = read_json(&fx.join("agile-board-issues-expand-changelog.cloud.devlake.json"));
    let ids = FieldIds {
        story_points: Some("customfield_10024".into()),
        sprint: Some("customfield_10020".into()),
        flagged: None,
    };
    let first = &issues["issues"][0];
    let item = map::work_item(first, &ids, None, "s", "https://x.atlassian.net", now()).unwrap();
    assert_eq!(item.key, "EE-1");
    assert_eq!(item.meta.source_id, "10063");
    assert_eq!(item.sprint_ids, vec![7]);
    // "-1" is Jira's "not estimated", never zero points.
    assert_eq!(item.story_points, None);
    assert_eq!(
        item.created,
        "2020-06-12T00:13:13.360Z".parse::<Timestamp>().unwrap()
    );
    // The embedded changelog says total 25: the client must page the rest.
    assert!(!map::changelog_complete(first) || item.changelog.len() >= 25);

    let field = c.board_estimation_field(1).await.unwrap();
    let raw = read_json(&fx.join("agile-board-configuration.go-jira.json"));
    let want = raw
        .pointer("/estimation/field/fieldId")
        .and_then(Value::as_str)
        .map(str::to_string);
    assert_eq!(field, want.filter(|f| f.starts_with("customfield_")));
}

#[test]
fn recorded_legacy_sprint_strings_and_adf() {
    let Some(fx) = shared_fixtures("jira") else { return };
    let legacy = read_json(&fx.join("search-v2-legacy-sprint-strings.cloud2014.jira-ruby.json"));
    let issue = &legacy["issues"][0];
    let raw = issue["fields"]["customfield_10012"].clone();
    let ids = map::sprint_ids(Some(&raw));
    assert!(!ids.is_empty(), "{raw}");
    for s in raw.as_array().unwrap() {
        let id = map::legacy_sprint_attr(s.as_str().unwrap(), "id").unwrap();
        assert!(ids.contains(&id.parse().unwrap()));
    }
    let doc = read_json(&fx.join("adf-document.jira-cli.json"));
    let text = adf::flatten(&doc);
    assert!(!text.is_empty());
    assert!(!text.contains("\"type\""), "ADF structure leaked: {text}");
}

fn issue(n: u32) -> Value {
    json!({
        "id": format!("{}", 10_000 + n), "key": format!("ALP-{n}"),
        "fields": {"summary": format!("Issue {n}"), "created": "2025-12-01T09:00:00.000+0000",
                   "updated": format!("2025-12-{:02}T09:00:00.000+0000", 1 + n % 28),
                   "status": {"name": "To Do", "statusCategory": {"key": "new"}},
                   "customfield_10016": if n.is_multiple_of(5) { Value::Null } else { json!(n % 8) }},
        "changelog": {"startAt": 0, "maxResults": 100, "total": 0, "histories": []}
    })
}

fn paged_search_folder() -> tempfile::TempDir {
    let issues: Vec<Value> = (1..=137).map(issue).collect();
    replay_folder(
        json!([{"path": "/rest/api/3/search/jql", "file": "search.json",
                "pages": {"style": "jira_token", "items": "issues", "page_size": 100}}]),
        &[("search.json", json!({"issues": issues}))],
    )
}

async fn walk(c: &JiraClient) -> Result<Vec<String>, HttpError> {
    let mut cursor: Option<PageCursor> = None;
    let mut keys = Vec::new();
    loop {
        let page = c
            .search_page("project = ALP", &["summary".into()], cursor.as_ref())
            .await?;
        keys.extend(page.issues.iter().map(|i| i["key"].as_str().unwrap().to_string()));
        match page.next {
            Some(n) => cursor = Some(n),
            None => return Ok(keys),
        }
    }
}

#[tokio::test]
async fn token_pagination_to_the_last_page_without_total() {
    let tmp = paged_search_folder();
    let server = ReplayServer::start(tmp.path(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&server.base_url(), Deployment::Cloud);
    let keys = walk(&c).await.unwrap();
    assert_eq!(keys.len(), 137);
    assert_eq!(keys.first().map(String::as_str), Some("ALP-1"));
    assert_eq!(keys.last().map(String::as_str), Some("ALP-137"));
    assert_eq!(server.request_count("/rest/api/3/search/jql"), 2);
}

#[tokio::test]
async fn rate_limit_then_server_error_then_success() {
    let tmp = paged_search_folder();
    let server = ReplayServer::start(tmp.path(), ReplayOptions::default())
        .await
        .unwrap();
    server.inject(FaultRule::once("/rest/api/3/search/jql", Fault::rate_limited(1)));
    server.inject(FaultRule::once("/rest/api/3/search/jql", Fault::status(500)));
    let c = client(&server.base_url(), Deployment::Cloud);
    let started = std::time::Instant::now();
    let keys = walk(&c).await.unwrap();
    assert_eq!(keys.len(), 137);
    // The Retry-After of 1 s was honoured.
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert_eq!(server.request_count("/rest/api/3/search/jql"), 4);
    assert_eq!(c.http().requests(), 4);
}

#[tokio::test]
async fn malformed_body_is_an_error_naming_provider_endpoint_and_status() {
    let tmp = paged_search_folder();
    let server = ReplayServer::start(tmp.path(), ReplayOptions::default())
        .await
        .unwrap();
    server.inject(FaultRule::once("/rest/api/3/search/jql", Fault::Malformed));
    let c = client(&server.base_url(), Deployment::Cloud);
    let err = walk(&c).await.err().unwrap();
    let msg = err.to_string();
    assert!(matches!(err, HttpError::Decode { status: 200, .. }), "{msg}");
    assert!(msg.starts_with("jira /rest/api/3/search/jql: HTTP 200"), "{msg}");
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused_before_any_request() {
    let cfg = JiraConfig {
        base_url: "http://jira.example.com".into(),
        ..JiraConfig::default()
    };
    let err = JiraClient::new(&cfg, Auth::None, 10).err().unwrap();
    assert!(err.to_string().contains("refusing plain http://"), "{err}");
}
