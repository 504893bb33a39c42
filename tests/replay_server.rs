//! The replay server, driven over real HTTP with reqwest: every pagination
//! style walked to the end, ETags, faults, the date shift, routing and
//! folder errors. Fixtures: `tests/fixtures/replay/` (written for these
//! tests, in the providers' wire formats).

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use async_cockpit::replay::{Fault, FaultRule, ReplayError, ReplayOptions, ReplayServer};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn Error>>;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/replay")
        .join(name)
}

fn client() -> Result<reqwest::Client, reqwest::Error> {
    // No proxy: the environment's HTTP_PROXY must not capture loopback.
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
}

async fn site() -> Result<ReplayServer, ReplayError> {
    ReplayServer::start(&fixture("site"), ReplayOptions::default()).await
}

async fn get_json(
    client: &reqwest::Client,
    url: &str,
) -> Result<(reqwest::header::HeaderMap, Value), Box<dyn Error>> {
    let response = client.get(url).send().await?;
    assert_eq!(response.status(), 200, "GET {url}");
    let headers = response.headers().clone();
    Ok((headers, response.json().await?))
}

fn ids(items: &Value, field: &str) -> Vec<String> {
    items
        .as_array()
        .map(|a| a.iter().map(|i| i[field].to_string()).collect())
        .unwrap_or_default()
}

/// `rel` → URL from a GitHub `Link` header.
fn link_rels(link: &str) -> Vec<(String, String)> {
    link.split(", ")
        .filter_map(|part| {
            let (url, rel) = part.split_once("; rel=")?;
            Some((
                rel.trim_matches('"').to_owned(),
                url.trim_matches(['<', '>']).to_owned(),
            ))
        })
        .collect()
}

#[tokio::test]
async fn jira_token_pages_walk_137_issues_without_total() -> TestResult {
    let server = site().await?;
    let client = client()?;
    let url = format!("{}/rest/api/3/search/jql", server.base_url());
    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut query = vec![
            ("jql", "project = ALP ORDER BY key".to_owned()),
            ("maxResults", "100".to_owned()),
        ];
        if let Some(t) = &token {
            query.push(("nextPageToken", t.clone()));
        }
        let page: Value = client.get(&url).query(&query).send().await?.json().await?;
        pages += 1;
        assert!(page.get("total").is_none(), "jira_token pages have no total");
        assert_eq!(
            page["names"],
            json!({ "summary": "Summary" }),
            "the envelope is kept"
        );
        keys.extend(ids(&page["issues"], "key"));
        match page.get("nextPageToken") {
            Some(Value::String(next)) => {
                assert_eq!(page["isLast"], json!(false));
                token = Some(next.clone());
            }
            None => {
                assert_eq!(page["isLast"], json!(true));
                break;
            }
            Some(other) => panic!("nextPageToken is not a string: {other}"),
        }
    }
    assert_eq!(pages, 2);
    assert_eq!(keys.len(), 137);
    assert_eq!(keys.first().map(String::as_str), Some("\"ALP-1\""));
    assert_eq!(keys.last().map(String::as_str), Some("\"ALP-137\""));

    // Without maxResults the route's page_size (50) applies.
    let page: Value = client
        .get(&url)
        .query(&[("jql", "project = ALP")])
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(page["issues"].as_array().map(Vec::len), Some(50));

    // A forged token is a Jira-style 400.
    let response = client
        .get(&url)
        .query(&[("jql", "project = ALP"), ("nextPageToken", "not-a-token")])
        .send()
        .await?;
    assert_eq!(response.status(), 400);
    assert_eq!(server.request_count("/rest/api/3/search/jql"), 4);
    Ok(())
}

#[tokio::test]
async fn github_link_headers_walk_every_page() -> TestResult {
    let server = site().await?;
    let client = client()?;
    let base = server.base_url();
    let first = format!("{base}/repos/acme/cockpit/pulls?state=all&per_page=30");

    let response = client.get(&first).send().await?;
    let link = response.headers()["link"].to_str()?.to_owned();
    assert_eq!(
        link_rels(&link),
        vec![
            (
                "next".to_owned(),
                format!("{base}/repos/acme/cockpit/pulls?state=all&per_page=30&page=2")
            ),
            (
                "last".to_owned(),
                format!("{base}/repos/acme/cockpit/pulls?state=all&per_page=30&page=3")
            ),
        ]
    );

    let (headers, _) = get_json(
        &client,
        &format!("{base}/repos/acme/cockpit/pulls?state=all&per_page=30&page=2"),
    )
    .await?;
    let rels = link_rels(headers["link"].to_str()?);
    let names: Vec<&str> = rels.iter().map(|(rel, _)| rel.as_str()).collect();
    assert_eq!(names, ["prev", "next", "last", "first"]);
    assert!(
        rels.iter().all(|(_, url)| url.starts_with(&base)),
        "absolute URLs: {rels:?}"
    );

    // Follow `next` to the end.
    let mut numbers = Vec::new();
    let mut next = Some(first);
    while let Some(url) = next.take() {
        let (headers, page) = get_json(&client, &url).await?;
        numbers.extend(ids(&page, "number"));
        next = headers
            .get("link")
            .and_then(|l| l.to_str().ok())
            .and_then(|l| link_rels(l).into_iter().find(|(rel, _)| rel == "next"))
            .map(|(_, url)| url);
    }
    let want: Vec<String> = (1..=75).map(|n| n.to_string()).collect();
    assert_eq!(numbers, want);

    // Defaults: 30 per page; past the end: an empty array.
    let (_, page) = get_json(&client, &format!("{base}/repos/acme/cockpit/pulls")).await?;
    assert_eq!(page.as_array().map(Vec::len), Some(30));
    let (_, page) = get_json(&client, &format!("{base}/repos/acme/cockpit/pulls?page=9")).await?;
    assert_eq!(page, json!([]));
    Ok(())
}

#[tokio::test]
async fn jira_startat_pages_report_total_and_is_last_as_recorded() -> TestResult {
    let server = site().await?;
    let client = client()?;
    let base = server.base_url();
    let mut start = 0;
    let mut names = Vec::new();
    loop {
        let (_, page) = get_json(
            &client,
            &format!("{base}/rest/agile/1.0/board/3/sprint?startAt={start}"),
        )
        .await?;
        assert_eq!(page["total"], json!(7));
        assert_eq!(page["startAt"], json!(start));
        assert_eq!(page["maxResults"], json!(3));
        let got = page["values"].as_array().map(Vec::len).unwrap_or(0);
        names.extend(ids(&page["values"], "name"));
        start += got;
        if page["isLast"] == json!(true) {
            break;
        }
        assert_eq!(page["isLast"], json!(false));
    }
    assert_eq!(names.len(), 7);
    assert_eq!(names.last().map(String::as_str), Some("\"ALP Sprint 7\""));

    // Recorded without isLast: none added.
    let (_, page) = get_json(
        &client,
        &format!("{base}/rest/api/2/search?startAt=4&maxResults=2"),
    )
    .await?;
    assert_eq!(ids(&page["issues"], "key"), ["\"OLD-5\""]);
    assert_eq!(page["total"], json!(5));
    assert!(page.get("isLast").is_none());
    Ok(())
}

#[tokio::test]
async fn slack_cursor_pages_walk_to_an_empty_cursor() -> TestResult {
    let server = site().await?;
    let client = client()?;
    let url = format!("{}/api/conversations.history", server.base_url());
    let mut cursor = String::new();
    let mut texts = Vec::new();
    loop {
        let page: Value = client
            .get(&url)
            .query(&[("channel", "C0001"), ("cursor", cursor.as_str())])
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(page["ok"], json!(true));
        texts.extend(ids(&page["messages"], "text"));
        cursor = page["response_metadata"]["next_cursor"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(page["has_more"], json!(!cursor.is_empty()));
        if cursor.is_empty() {
            break;
        }
    }
    assert_eq!(texts.len(), 12);
    assert_eq!(server.request_count("conversations.history"), 3);

    let bad: Value = client
        .get(&url)
        .query(&[("channel", "C0001"), ("cursor", "bogus")])
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(bad, json!({ "ok": false, "error": "invalid_cursor" }));
    Ok(())
}

#[tokio::test]
async fn confluence_start_and_cursor_follow_relative_next_links() -> TestResult {
    let server = site().await?;
    let client = client()?;
    let base = server.base_url();
    for (first, want_first_next) in [
        (
            "/rest/api/content/search?cql=type%3Dpage",
            "/rest/api/content/search?cql=type%3Dpage&limit=2&start=2",
        ),
        ("/wiki/api/v2/pages?limit=2", "/wiki/api/v2/pages?cursor="),
    ] {
        let mut ids_seen = Vec::new();
        let mut next = Some(first.to_owned());
        let mut pages = 0;
        while let Some(path) = next.take() {
            let (_, page) = get_json(&client, &format!("{base}{path}")).await?;
            if pages == 0 {
                let link = page["_links"]["next"].as_str().unwrap_or_default();
                assert!(link.starts_with(want_first_next), "{link}");
            }
            pages += 1;
            ids_seen.extend(ids(&page["results"], "id"));
            assert!(page["_links"]["base"].is_string(), "recorded links are kept");
            next = page["_links"]["next"].as_str().map(str::to_owned);
        }
        assert_eq!(pages, 3, "{first}");
        assert_eq!(ids_seen.len(), 5, "{first}");
    }
    let (_, page) = get_json(
        &client,
        &format!("{base}/rest/api/content/search?start=4&limit=2"),
    )
    .await?;
    assert_eq!(
        (page["start"].clone(), page["limit"].clone(), page["size"].clone()),
        (json!(4), json!(2), json!(1))
    );
    Ok(())
}

#[tokio::test]
async fn zoom_token_pages_walk_to_an_empty_token() -> TestResult {
    let server = site().await?;
    let client = client()?;
    let url = format!(
        "{}/v2/report/meetings/85746065432/participants",
        server.base_url()
    );
    let mut token = String::new();
    let mut names = Vec::new();
    loop {
        let page: Value = client
            .get(&url)
            .query(&[("next_page_token", token.as_str())])
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(page["total_records"], json!(7));
        assert_eq!(page["page_size"], json!(3));
        names.extend(ids(&page["participants"], "name"));
        token = page["next_page_token"].as_str().unwrap_or_default().to_owned();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(names.len(), 7);
    let page: Value = client
        .get(&url)
        .query(&[("page_size", "1000")])
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(page["page_size"], json!(300), "Zoom caps page_size at 300");
    Ok(())
}

#[tokio::test]
async fn if_none_match_gets_304_with_no_body() -> TestResult {
    let server = site().await?;
    let client = client()?;
    for path in ["/repos/acme/cockpit/pulls/1", "/repos/acme/cockpit/pulls?page=2"] {
        let url = format!("{}{path}", server.base_url());
        let response = client.get(&url).send().await?;
        let etag = response.headers()["etag"].to_str()?.to_owned();
        assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
        let again = client.get(&url).header("If-None-Match", &etag).send().await?;
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(again.headers()["etag"].to_str()?, etag);
        assert!(again.bytes().await?.is_empty());
        let changed = client
            .get(&url)
            .header("If-None-Match", "\"stale\"")
            .send()
            .await?;
        assert_eq!(changed.status(), 200);
    }
    // Another page, another tag.
    let a = client
        .get(format!("{}/repos/acme/cockpit/pulls?page=1", server.base_url()))
        .send()
        .await?;
    let b = client
        .get(format!("{}/repos/acme/cockpit/pulls?page=2", server.base_url()))
        .send()
        .await?;
    assert_ne!(a.headers()["etag"], b.headers()["etag"]);
    Ok(())
}

#[tokio::test]
async fn rate_limit_fault_then_success() -> TestResult {
    let server = site().await?;
    let client = client()?;
    let url = format!("{}/rate_limit", server.base_url());
    server.inject(FaultRule {
        path_contains: "/rate_limit".into(),
        fault: Fault::Status {
            code: 429,
            retry_after: Some(7),
            body: None,
        },
        times: 1,
    });
    let limited = client.get(&url).send().await?;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"].to_str()?, "7");
    assert!(limited.json::<Value>().await?["message"].is_string());

    let ok = client.get(&url).send().await?;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["x-ratelimit-remaining"].to_str()?, "4999");

    let records = server.requests();
    assert_eq!(records.len(), 2);
    assert_eq!((records[0].status, records[0].faulted), (429, true));
    assert_eq!((records[1].status, records[1].faulted), (200, false));
    assert!(records[0].at <= records[1].at);
    Ok(())
}

#[tokio::test]
async fn server_errors_then_success_with_custom_body() -> TestResult {
    let server = site().await?;
    let client = client()?;
    let url = format!("{}/repos/acme/cockpit/pulls/1", server.base_url());
    server.inject(FaultRule::new("/pulls/1", Fault::status(500), 2));
    server.inject(FaultRule::once(
        "/pulls/1",
        Fault::Status {
            code: 503,
            retry_after: None,
            body: Some("{\"message\":\"maintenance\"}".into()),
        },
    ));
    // Other paths are untouched.
    assert_eq!(
        client
            .get(format!("{}/rate_limit", server.base_url()))
            .send()
            .await?
            .status(),
        200
    );
    let statuses = [
        client.get(&url).send().await?.status(),
        client.get(&url).send().await?.status(),
    ];
    assert_eq!(statuses, [500, 500]);
    let unavailable = client.get(&url).send().await?;
    assert_eq!(unavailable.status(), 503);
    assert_eq!(unavailable.text().await?, "{\"message\":\"maintenance\"}");
    assert_eq!(client.get(&url).send().await?.status(), 200);
    assert_eq!(server.request_count("/pulls/1"), 4);
    Ok(())
}

#[tokio::test]
async fn truncated_body_is_a_client_error_then_the_next_answer_is_whole() -> TestResult {
    let server = site().await?;
    let client = client()?;
    let url = format!("{}/repos/acme/cockpit/pulls?per_page=50", server.base_url());
    let whole = client.get(&url).send().await?.bytes().await?;

    server.inject(FaultRule::once("/repos/acme/cockpit/pulls", Fault::Truncate));
    let response = client.get(&url).send().await?;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.content_length(),
        Some(whole.len() as u64),
        "full length promised"
    );
    assert!(response.bytes().await.is_err(), "the body must come up short");

    let again = client.get(&url).send().await?.bytes().await?;
    assert_eq!(again, whole);
    Ok(())
}

#[tokio::test]
async fn malformed_and_delayed_answers() -> TestResult {
    let server = site().await?;
    let client = client()?;
    let url = format!(
        "{}/rest/api/3/search/jql?jql=project%20%3D%20ALP",
        server.base_url()
    );
    server.inject(FaultRule::once("search/jql", Fault::Malformed));
    let response = client.get(&url).send().await?;
    assert_eq!(response.status(), 200);
    let text = response.text().await?;
    assert_eq!(text, "{\"issues\": [");
    assert!(serde_json::from_str::<Value>(&text).is_err());

    server.inject(FaultRule::once(
        "search/jql",
        Fault::Delay(Duration::from_millis(300)),
    ));
    let started = Instant::now();
    let page: Value = client.get(&url).send().await?.json().await?;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(page["issues"].as_array().map(Vec::len), Some(50));
    assert!(server.requests().iter().all(|r| r.faulted), "both were faulted");
    Ok(())
}

#[tokio::test]
async fn dates_shift_by_whole_weeks_in_their_own_format() -> TestResult {
    // Anchor 2026-01-05T09:00:00Z; 58 days 3 hours later → 8 whole weeks.
    let now: jiff::Timestamp = "2026-03-04T12:00:00Z".parse()?;
    let server = ReplayServer::start(&fixture("site"), ReplayOptions { now: Some(now) }).await?;
    assert_eq!(server.shift(), jiff::SignedDuration::from_hours(56 * 24));
    let client = client()?;
    let base = server.base_url();

    let (_, issue) = get_json(&client, &format!("{base}/rest/api/3/issue/ALP-1")).await?;
    let fields = &issue["fields"];
    assert_eq!(fields["created"], json!("2026-03-02T09:00:00.000+0000"));
    assert_eq!(fields["updated"], json!("2026-02-27T16:30:00.123+0100"));
    assert_eq!(fields["duedate"], json!("2026-03-06"));
    assert_eq!(
        fields["summary"],
        json!("Release 2026-01-05 checklist"),
        "text around a date stays"
    );
    assert_eq!(
        fields["customfield_10020"][0],
        json!(
            "com.atlassian.greenhopper.service.sprint.Sprint@14b1c359[id=7,rapidViewId=3,state=CLOSED,\
             name=Sprint 1,startDate=2026-02-16T09:00:00.000+01:00,endDate=2026-03-02T09:00:00.000+01:00,\
             completeDate=2026-03-02T17:12:03.456+01:00,sequence=7]"
        )
    );

    let (_, pull) = get_json(&client, &format!("{base}/repos/acme/cockpit/pulls/1")).await?;
    assert_eq!(pull["created_at"], json!("2026-03-02T09:00:00Z"));
    assert_eq!(pull["merged_at"], json!("2026-03-03T14:07:11Z"));
    assert_eq!(pull["closed_at"], Value::Null);

    let (_, meeting) = get_json(&client, &format!("{base}/v2/meetings/85746065432")).await?;
    assert_eq!(meeting["start_time"], json!("2026-03-02T09:00:00Z"));
    assert_eq!(meeting["created_at"], json!("2026-02-25T08:15:00Z"));
    assert_eq!(
        meeting["created"],
        json!(1767603600),
        "epoch numbers shift only for Slack"
    );

    let (_, page) = get_json(&client, &format!("{base}/rest/api/content/123")).await?;
    assert_eq!(page["version"]["when"], json!("2026-03-02T09:00:00.000Z"));
    assert_eq!(
        page["history"]["createdDate"],
        json!("2025-12-29T10:20:30.000-05:00")
    );

    // Route queries shift with the payloads: the thread is asked for by the
    // shifted `ts` a client read from the shifted history.
    let replies_url = format!("{base}/api/conversations.replies?channel=C0001");
    let recorded = client
        .get(format!("{replies_url}&ts=1767603600.000100"))
        .send()
        .await?;
    assert_eq!(recorded.status(), 404);
    let (_, replies) = get_json(&client, &format!("{replies_url}&ts=1772442000.000100")).await?;
    let message = &replies["messages"][0];
    assert_eq!(message["ts"], json!("1772442000.000100"));
    assert_eq!(message["thread_ts"], json!("1772438400.000050"));
    assert_eq!(message["latest_reply"], json!("1772442100.000200"));
    assert_eq!(message["edited"]["ts"], json!("1772442050.000000"));
    assert_eq!(message["text"], json!("shipped 2026-01-05"));
    let channel = &replies["channel"];
    assert_eq!(channel["created"], json!(1771838400));
    assert_eq!(
        channel["updated"],
        json!(1772442000000_i64),
        "milliseconds stay milliseconds"
    );
    assert_eq!(channel["last_read"], json!("1772442000.000100"));

    // Paged collections are shifted too.
    let (_, pulls) = get_json(&client, &format!("{base}/repos/acme/cockpit/pulls?per_page=1")).await?;
    assert_eq!(pulls[0]["updated_at"], json!("2026-03-01T12:00:00Z"));

    // Transcripts are served byte for byte.
    let vtt = client.get(format!("{base}/rec/transcript")).send().await?;
    assert_eq!(vtt.headers()["content-type"].to_str()?, "text/vtt");
    let bytes = vtt.bytes().await?;
    assert_eq!(
        bytes.as_ref(),
        std::fs::read(fixture("site/zoom/transcript.vtt"))?.as_slice()
    );
    Ok(())
}

#[tokio::test]
async fn without_now_nothing_shifts() -> TestResult {
    let server = site().await?;
    assert_eq!(server.shift(), jiff::SignedDuration::ZERO);
    let (_, issue) = get_json(
        &client()?,
        &format!("{}/rest/api/3/issue/ALP-1", server.base_url()),
    )
    .await?;
    assert_eq!(issue["fields"]["created"], json!("2026-01-05T09:00:00.000+0000"));
    Ok(())
}

#[tokio::test]
async fn query_substrings_route_and_unknown_paths_are_404() -> TestResult {
    let server = site().await?;
    let client = client()?;
    let url = format!("{}/rest/api/3/search/jql", server.base_url());
    let bet: Value = client
        .get(&url)
        .query(&[("jql", "project = BET AND sprint in openSprints()")])
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(ids(&bet["issues"], "key"), ["\"BET-1\""]);
    // No jql: the general route listed last.
    let any: Value = client.get(&url).send().await?.json().await?;
    assert_eq!(any["issues"], json!([]));
    // Route status is sent as given (no ETag on a non-200).
    let gone = client
        .get(format!("{}/repos/acme/cockpit/pulls/999", server.base_url()))
        .send()
        .await?;
    assert_eq!(gone.status(), 404);
    assert!(gone.headers().get("etag").is_none());

    let missing = client
        .get(format!("{}/no/such/path?x=1", server.base_url()))
        .send()
        .await?;
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await?;
    assert_eq!(body["message"], json!("Not Found"));
    assert_eq!(body["path"], json!("/no/such/path"));
    // Wrong method on a known path.
    let post = client.post(&url).send().await?;
    assert_eq!(post.status(), 404);

    let records = server.requests();
    let last = records.iter().find(|r| r.path == "/no/such/path");
    assert_eq!(
        last.map(|r| (r.method.as_str(), r.query.as_str(), r.status)),
        Some(("GET", "x=1", 404))
    );
    Ok(())
}

#[tokio::test]
async fn folder_errors_name_the_file() -> TestResult {
    let opts = ReplayOptions::default();
    let cases = [
        ("no-such-folder", "routes.json"),
        ("bad-routes", "routes.json"),
        ("broken-json", "a.json"),
        ("missing-file", "missing.json"),
        ("bad-route-spec", "routes.json"),
    ];
    for (folder, file) in cases {
        match ReplayServer::start(&fixture(folder), opts).await {
            Ok(_) => panic!("{folder} should not load"),
            Err(e) => {
                let message = e.to_string();
                assert!(message.contains(file), "{folder}: {message}");
            }
        }
    }
    let err = ReplayServer::start(&fixture("broken-json"), opts).await.err();
    assert!(matches!(err, Some(ReplayError::Json { .. })), "{err:?}");
    let err = ReplayServer::start(&fixture("missing-file"), opts).await.err();
    assert!(matches!(err, Some(ReplayError::Read { .. })), "{err:?}");
    let err = ReplayServer::start(&fixture("bad-route-spec"), opts).await.err();
    assert!(
        err.as_ref()
            .is_some_and(|e| e.to_string().contains("no array under \"issues\"")),
        "{err:?}"
    );
    Ok(())
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() -> TestResult {
    let client = client()?;
    let server = site().await?;
    let url = format!("{}/rate_limit", server.base_url());
    assert_eq!(client.get(&url).send().await?.status(), 200);
    server.shutdown().await;
    assert!(client.get(&url).send().await.is_err(), "stopped after shutdown");

    let server = site().await?;
    let url = format!("{}/rate_limit", server.base_url());
    assert_eq!(client.get(&url).send().await?.status(), 200);
    drop(server);
    let deadline = Instant::now() + Duration::from_secs(2);
    // Aborting is asynchronous: give the runtime a moment to drop the socket.
    let fresh = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .build()?;
    while fresh.get(&url).send().await.is_ok() {
        assert!(Instant::now() < deadline, "still serving after drop");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// The recorded payloads in `../shared/fixtures` (see its SOURCES.md) go
/// through the server unharmed: copied to a temporary folder at run time,
/// never into the project. Skipped, with a notice, where they are absent.
#[tokio::test]
async fn recorded_payloads_load_page_and_shift() -> TestResult {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    if !shared.is_dir() {
        eprintln!("skipping: recorded fixtures not found at {}", shared.display());
        return Ok(());
    }
    let folder = tempfile::tempdir()?;
    for file in [
        "jira/search-v2-legacy-sprint-strings.cloud2014.jira-ruby.json",
        "slack/conversations-history-page1.perceval.json",
        "zoom/report-meeting-participants.json",
    ] {
        let to = folder.path().join(file);
        std::fs::create_dir_all(to.parent().ok_or("no parent")?)?;
        std::fs::copy(shared.join(file), to)?;
    }
    let routes = json!({
        "anchor": "2014-04-07T00:00:00Z",
        "routes": [
            { "provider": "jira", "path": "/rest/api/2/search",
              "file": "jira/search-v2-legacy-sprint-strings.cloud2014.jira-ruby.json" },
            { "provider": "slack", "path": "/api/conversations.history",
              "file": "slack/conversations-history-page1.perceval.json" },
            { "provider": "zoom", "path": "/v2/report/meetings/1/participants",
              "file": "zoom/report-meeting-participants.json",
              "pages": { "style": "zoom_token", "items": "participants", "page_size": 20 } }
        ]
    });
    std::fs::write(folder.path().join("routes.json"), routes.to_string())?;
    let now: jiff::Timestamp = "2026-01-05T09:00:00Z".parse()?;
    let server = ReplayServer::start(folder.path(), ReplayOptions { now: Some(now) }).await?;
    let shift = server.shift();
    assert_eq!(shift.as_secs() % (7 * 86_400), 0);
    let days = shift.as_secs() / 86_400;
    let shifted = |y, m, d| -> Result<String, jiff::Error> {
        Ok(jiff::civil::date(y, m, d)
            .checked_add(jiff::Span::new().days(days))?
            .to_string())
    };
    let client = client()?;
    let base = server.base_url();

    let (_, search) = get_json(&client, &format!("{base}/rest/api/2/search")).await?;
    let sprint = search["issues"][0]["fields"]["customfield_10012"][0]
        .as_str()
        .unwrap_or_default();
    let start = format!("startDate={}T13:55:52.263+02:00,", shifted(2014, 4, 7)?);
    assert!(sprint.contains(&start), "{sprint}");
    assert!(sprint.contains("name=07.04 - 24.04,"), "{sprint}");
    let created = format!("{}T14:02:43.000+0200", shifted(2014, 4, 2)?);
    assert_eq!(search["issues"][0]["fields"]["created"], json!(created));

    let (_, history) = get_json(&client, &format!("{base}/api/conversations.history")).await?;
    let ts = format!("{}.000000", 1_486_999_900 + shift.as_secs());
    assert!(
        history["messages"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["ts"] == json!(ts))),
        "{ts}"
    );

    let mut token = String::new();
    let mut seen = 0;
    loop {
        let url = format!("{base}/v2/report/meetings/1/participants?next_page_token={token}");
        let (_, page) = get_json(&client, &url).await?;
        seen += page["participants"].as_array().map(Vec::len).unwrap_or(0);
        token = page["next_page_token"].as_str().unwrap_or_default().to_owned();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(seen, 57);
    Ok(())
}
