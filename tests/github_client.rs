//! The GitHub client and sync against the replay server: recorded real
//! payloads from `../shared/fixtures/github` (skipped with a notice when that
//! folder is absent), payloads of our own in `tests/fixtures/github` (a small
//! repository `acme/rocket` with a draft-then-ready pull request, bot-only
//! reviews, a draft, co-authors, and a list cut short as `acme/cut`), and the
//! demo organisation when `assets/demo/routes.json` is there.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use async_cockpit::config::{Config, GithubConfig, JiraConfig};
use async_cockpit::model::{Commit, PullRequest, Record, RecordKind, Review};
use async_cockpit::replay::{Fault, FaultRule, ReplayOptions, ReplayServer};
use async_cockpit::sources::github::{Bots, Context, GithubClient, GithubError, Listed, Repo, map};
use async_cockpit::sources::http::{Auth, HttpError};
use async_cockpit::store::{KeySource, Store};
use async_cockpit::sync::{Progress, SourceReport, sync_github};
use jiff::Timestamp;
use serde_json::{Value, json};

mod common;
use common::{read_json, replay_folder, shared_fixtures, temp_copy, write_json};

const SECRET: &str = "ghp_testTOKENtestTOKENtestTOKENtest0000";

fn own_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github")
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn config(base: &str, repos: &[&str]) -> Config {
    let jira = JiraConfig {
        projects: vec!["ALP".into(), "BET".into()],
        ..JiraConfig::default()
    };
    Config {
        site: "t".into(),
        github: GithubConfig {
            enabled: true,
            base_url: base.to_string(),
            repositories: repos.iter().map(|r| r.to_string()).collect(),
            bots: vec!["release-robot".into()],
            ..GithubConfig::default()
        },
        jira,
        ..Config::default()
    }
}

fn client(cfg: &Config, page_size: u32) -> GithubClient {
    let auth = Auth::Bearer(std::sync::Arc::new(zeroize::Zeroizing::new(SECRET.to_string())));
    GithubClient::new(&cfg.github, auth, 5_000)
        .unwrap()
        .with_page_size(page_size)
}

fn store(dir: &Path) -> Store {
    Store::open(dir, "t", &KeySource::ephemeral(), true).unwrap()
}

async fn own_server(folder: &Path) -> ReplayServer {
    ReplayServer::start(folder, ReplayOptions::default())
        .await
        .unwrap()
}

/// Requests whose path is exactly `path`, with their statuses.
fn statuses(server: &ReplayServer, path: &str) -> Vec<u16> {
    server
        .requests()
        .iter()
        .filter(|r| r.path == path)
        .map(|r| r.status)
        .collect()
}

fn written(report: &SourceReport, kind: RecordKind) -> usize {
    report
        .written
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(0, |(_, n)| *n)
}

fn pulls(store: &Store) -> Vec<PullRequest> {
    let mut out: Vec<PullRequest> = store
        .records(RecordKind::PullRequest)
        .unwrap()
        .into_iter()
        .filter_map(|r| match r {
            Record::PullRequest(p) => Some(p),
            _ => None,
        })
        .collect();
    out.sort_by_key(|p| (p.repo.clone(), p.number));
    out
}

fn reviews(store: &Store) -> Vec<Review> {
    store
        .records(RecordKind::Review)
        .unwrap()
        .into_iter()
        .filter_map(|r| match r {
            Record::Review(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn commits(store: &Store) -> Vec<Commit> {
    store
        .records(RecordKind::Commit)
        .unwrap()
        .into_iter()
        .filter_map(|r| match r {
            Record::Commit(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn pr(store: &Store, number: u64) -> PullRequest {
    pulls(store).into_iter().find(|p| p.number == number).unwrap()
}

// ---------------------------------------------------------------------------
// Recorded payloads
// ---------------------------------------------------------------------------

#[tokio::test]
async fn recorded_pull_list_single_reviews_commits_and_timeline() {
    let Some(fx) = shared_fixtures("github") else {
        return;
    };
    let tmp = replay_folder(
        json!([
            {"path": "/repos/rsn491/PyGithub/pulls", "file": fx.join("pulls-list.json")},
            {"path": "/repos/PyGithub/PyGithub/pulls/31", "file": fx.join("pull-single.json")},
            {"path": "/repos/PyGithub/PyGithub/pulls/538/reviews", "file": fx.join("pull-reviews.json")},
            {"path": "/repos/PyGithub/PyGithub/pulls/3370/commits", "file": fx.join("pull-commits.json")},
            {"path": "/repos/PyGithub/PyGithub/issues/31/timeline", "file": fx.join("issue-timeline.json")},
            {"path": "/repos/PyGithub/PyGithub/commits", "file": fx.join("repo-commits-list.json")}
        ]),
        &[],
    );
    let server = own_server(tmp.path()).await;
    let cfg = config(&server.base_url(), &[]);
    let c = client(&cfg, 100);
    let bots = Bots::new(&cfg.github.bots);
    let now = ts("2026-01-05T09:00:00Z");
    let cx = |repo: &'static str| Context {
        site: "t",
        repo,
        fetched_at: now,
        bots: &bots,
    };

    // The list, asked for every state, newest update first, 100 a page.
    let fork = Repo::parse("rsn491/PyGithub").unwrap();
    let Listed::Page(page) = c.pulls(&fork, None).await.unwrap() else {
        panic!("no page")
    };
    assert_eq!(page.items.len(), 1);
    assert!(page.next.is_none() && page.etag.is_some());
    let q = &server.requests()[0].query;
    for p in ["state=all", "sort=updated", "direction=desc", "per_page=100"] {
        assert!(q.contains(p), "{q}");
    }
    let listed = map::pull(&page.items[0], "rsn491/PyGithub").unwrap();
    let one = map::pull_request(&listed, None, &[], &cx("rsn491/PyGithub")).unwrap();
    assert_eq!(
        (one.number, one.author.as_str(), one.state.as_str()),
        (1, "rsn491", "open")
    );
    // `draft` is null in this 2020 recording: not a draft.
    assert!(!one.draft && one.merged.is_none() && one.additions.is_none());
    assert_eq!(one.meta.source_id, "rsn491/PyGithub#1");
    assert_eq!(one.url, "https://github.com/rsn491/PyGithub/pull/1");

    // Single pull request + its timeline.
    let repo = Repo::parse("PyGithub/PyGithub").unwrap();
    let single = map::pull(&c.pull(&repo, 31).await.unwrap(), "PyGithub/PyGithub").unwrap();
    let timeline_raw = c.timeline(&repo, 31).await.unwrap();
    assert_eq!(timeline_raw.len(), 14);
    let timeline = map::timeline(&timeline_raw);
    assert_eq!(
        timeline.len(),
        14,
        "every entry decodes, committed and line-commented included"
    );
    let p31 = map::pull_request(&single, Some(&single), &timeline, &cx("PyGithub/PyGithub")).unwrap();
    assert_eq!(p31.meta.event_time, ts("2018-06-25T12:54:43Z"));
    assert_eq!(p31.merged, Some(ts("2012-05-27T10:29:07Z")));
    assert_eq!(p31.closed, p31.merged);
    assert_eq!(
        (p31.additions, p31.deletions, p31.changed_files),
        (Some(511), Some(384), Some(45))
    );
    // Never a draft: no ready-for-review time; a pending request for sfdye.
    assert_eq!(p31.ready_for_review, None);
    assert_eq!(p31.requested_reviewers, vec!["sfdye".to_string()]);
    assert!(p31.issue_keys.is_empty());

    // Reviews.
    let raw = c.reviews(&repo, 538).await.unwrap();
    let mapped: Vec<Review> = raw
        .iter()
        .map(|v| map::review(v, 538, &cx("PyGithub/PyGithub")).unwrap().unwrap())
        .collect();
    assert_eq!(mapped.len(), 5);
    assert_eq!(mapped[0].reviewer, "jzelinskie");
    assert_eq!(mapped[0].state, "APPROVED");
    assert_eq!(mapped[0].submitted, ts("2017-03-22T19:06:59Z"));
    assert_eq!(mapped[0].meta.source_id, "28482091");
    assert!(mapped.iter().all(|r| !r.reviewer_is_bot && r.pr_number == 538));

    // Pull request commits: a dependabot commit, committed by GitHub (web-flow).
    let raw = c.pull_commits(&repo, 3370).await.unwrap();
    assert_eq!(raw.len(), 1);
    let commit = map::commit(&raw[0], Some(3370), &cx("PyGithub/PyGithub")).unwrap();
    assert_eq!(commit.author.login.as_deref(), Some("dependabot[bot]"));
    assert_eq!(commit.committer.login.as_deref(), Some("web-flow"));
    assert_eq!(commit.committer.email, "noreply@github.com");
    assert_eq!(commit.summary, "Bump actions/setup-python from 5 to 6");
    assert!(commit.co_authors.is_empty(), "Signed-off-by is no co-author");
    assert_eq!(commit.pr_number, Some(3370));
    assert_eq!(
        commit.meta.source_id,
        "PyGithub/PyGithub@3253acaabd86de12b73d0a24c98eb9c13d1987b5"
    );

    // Default-branch commits: the squash merge names its pull request; the
    // committer's date (not the author's) is the event time.
    let Listed::Page(page) = c.commits(&repo, None, None).await.unwrap() else {
        panic!("no page")
    };
    let mapped: Vec<Commit> = page
        .items
        .iter()
        .map(|v| map::commit(v, None, &cx("PyGithub/PyGithub")).unwrap())
        .collect();
    assert_eq!(mapped[0].pr_number, None);
    assert_eq!(mapped[1].pr_number, Some(2739));
    assert_eq!(mapped[1].authored, ts("2023-08-28T17:27:32Z"));
    assert_eq!(mapped[1].committed, ts("2023-08-28T17:30:06Z"));
    assert_eq!(mapped[1].meta.event_time, mapped[1].committed);
    assert_eq!(mapped[1].author.login.as_deref(), Some("EnricoMi"));
}

#[tokio::test]
async fn a_recorded_link_to_another_host_is_not_followed() {
    let Some(fx) = shared_fixtures("github") else {
        return;
    };
    let meta = read_json(&fx.join("_response-meta.pygithub.json"));
    let link = meta["repo-commits-list.json"]["headers"]["Link"]
        .as_str()
        .unwrap();
    assert!(link.contains("https://api.github.com/repositories/3544490/commits"));
    let tmp = replay_folder(
        json!([{
            "path": "/repos/PyGithub/PyGithub/commits",
            "file": fx.join("repo-commits-list.json"),
            "headers": {"Link": link}
        }]),
        &[],
    );
    let server = own_server(tmp.path()).await;
    let cfg = config(&server.base_url(), &[]);
    let c = client(&cfg, 2);
    let repo = Repo::parse("PyGithub/PyGithub").unwrap();
    let err = c.commits(&repo, None, None).await.unwrap_err();
    assert!(matches!(err, GithubError::ForeignLink { .. }), "{err:?}");
    let msg = err.to_string();
    for part in [
        "github",
        "/repos/PyGithub/PyGithub/commits",
        "HTTP 200",
        "https://api.github.com",
    ] {
        assert!(msg.contains(part), "{msg}");
    }
    assert!(!msg.contains(SECRET) && !msg.contains("ghp_"), "{msg}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn octokit_cassette_pagination_shape_is_walked_to_the_end() {
    let Some(fx) = shared_fixtures("github") else {
        return;
    };
    // The cassette: page 1 at /repos/{o}/{r}/..., pages 2-5 at
    // /repositories/1000/...?per_page=3&page=N, each with prev/next/last/first
    // links. Served as a pull-request list, links made relative to this server.
    let cassette = read_json(&fx.join("issues-paginated.octokit-cassette.json"));
    let mut routes = Vec::new();
    let mut files = Vec::new();
    let mut expected = Vec::new();
    for (i, entry) in cassette.as_array().unwrap().iter().enumerate() {
        let link = entry["headers"]["link"]
            .as_str()
            .unwrap()
            .replace("https://api.github.com", "")
            .replace("/issues?", "/pulls?");
        let name = format!("page{}.json", i + 1);
        let (path, query) = match i {
            0 => ("/repos/octokit-fixture-org/paginate-issues/pulls", json!({})),
            n => ("/repositories/1000/pulls", json!({"page": (n + 1).to_string()})),
        };
        routes.push(json!({"path": path, "query": query, "file": name, "headers": {"Link": link}}));
        for item in entry["response"].as_array().unwrap() {
            expected.push(item["number"].as_u64().unwrap());
        }
        files.push((name, entry["response"].clone()));
    }
    let files: Vec<(&str, Value)> = files.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
    let tmp = replay_folder(Value::Array(routes), &files);
    let server = own_server(tmp.path()).await;
    let cfg = config(&server.base_url(), &[]);
    let c = client(&cfg, 3);
    let repo = Repo::parse("octokit-fixture-org/paginate-issues").unwrap();
    let Listed::Page(mut page) = c.pulls(&repo, None).await.unwrap() else {
        panic!("no page")
    };
    let mut seen = Vec::new();
    loop {
        for v in &page.items {
            seen.push(
                map::pull(v, "octokit-fixture-org/paginate-issues")
                    .unwrap()
                    .number,
            );
        }
        match page.next.take() {
            Some(next) => page = c.next_page(&next).await.unwrap(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 13);
    assert_eq!(seen, expected);
    assert_eq!(server.requests().len(), 5);
    assert_eq!(statuses(&server, "/repositories/1000/pulls"), vec![200; 4]);
}

// ---------------------------------------------------------------------------
// Our own payloads: a whole sync into a sealed store
// ---------------------------------------------------------------------------

#[tokio::test]
async fn sync_into_a_sealed_store_then_a_second_sync_costs_two_304s() {
    let server = own_server(&own_fixtures()).await;
    let cfg = config(&server.base_url(), &["acme/rocket"]);
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());

    let c = client(&cfg, 2);
    let report = sync_github(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    assert_eq!(written(&report, RecordKind::PullRequest), 5);
    assert_eq!(
        written(&report, RecordKind::Review),
        6,
        "the pending review is not one"
    );
    assert_eq!(written(&report, RecordKind::Commit), 10);
    // Lists: 3 commits over 2 pages, 5 pull requests over 3; then 4 calls per pull request.
    // Lists: 3 commits over 2 pages, 5 pull requests over 3; then per pull
    // request the single one and every page of its reviews, commits and
    // timeline (2 items a page here, so those paginate too).
    // Commits: two pages, then the first page of the next sync's request
    // (`since` = the newest commit) for its ETag: GitHub keys an ETag by
    // the exact request, so that is the one the next sync must send.
    assert_eq!(
        statuses(&server, "/repos/acme/rocket/commits"),
        vec![200, 200, 200]
    );
    let primed = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/repos/acme/rocket/commits")
        .nth(2)
        .unwrap();
    assert!(
        primed.query.contains("since=2026-01-02T15%3A00%3A00Z"),
        "{}",
        primed.query
    );
    assert_eq!(statuses(&server, "/repos/acme/rocket/pulls"), vec![200, 200, 200]);
    // (number, review pages, commit pages, timeline pages)
    for (n, reviews, commits, timeline) in [
        (12, 1, 1, 5),
        (11, 1, 1, 2),
        (10, 1, 1, 1),
        (9, 2, 1, 5),
        (8, 1, 1, 1),
    ] {
        let path = |rest: &str| format!("/repos/acme/rocket{rest}");
        assert_eq!(statuses(&server, &path(&format!("/pulls/{n}"))), vec![200]);
        assert_eq!(
            statuses(&server, &path(&format!("/pulls/{n}/reviews"))),
            vec![200; reviews],
            "#{n}"
        );
        assert_eq!(
            statuses(&server, &path(&format!("/pulls/{n}/commits"))),
            vec![200; commits],
            "#{n}"
        );
        assert_eq!(
            statuses(&server, &path(&format!("/issues/{n}/timeline"))),
            vec![200; timeline],
            "#{n}"
        );
    }
    assert_eq!(report.requests, 36);
    assert_eq!(server.requests().len(), 36);

    // What was written.
    let counts = store.counts().unwrap();
    let count = |k: RecordKind| counts.iter().find(|(kind, _)| *kind == k).unwrap().1;
    assert_eq!(
        (
            count(RecordKind::PullRequest),
            count(RecordKind::Review),
            count(RecordKind::Commit)
        ),
        (5, 6, 10)
    );
    for p in pulls(&store) {
        assert_eq!(
            (p.meta.site.as_str(), p.meta.source_id.clone()),
            ("t", format!("acme/rocket#{}", p.number))
        );
        assert_eq!(p.meta.event_time, p.updated);
    }

    // Opened as a draft, then ready; a user and a team asked to review.
    let p12 = pr(&store, 12);
    assert!(!p12.draft);
    assert_eq!(p12.ready_for_review, Some(ts("2026-01-02T10:00:00Z")));
    assert_eq!(p12.requested_reviewers, vec!["amy-w".to_string()]);
    assert_eq!(p12.issue_keys, vec!["ALP-7".to_string()]);
    assert_eq!(p12.merged, Some(ts("2026-01-02T15:00:00Z")));
    assert_eq!(
        (p12.additions, p12.deletions, p12.changed_files),
        (Some(120), Some(14), Some(4))
    );
    // A dependabot pull request that only bots reviewed (one by type, one by config).
    let p11 = pr(&store, 11);
    assert!(p11.author_is_bot);
    let r11: Vec<Review> = reviews(&store)
        .into_iter()
        .filter(|r| r.pr_number == 11)
        .collect();
    assert_eq!(r11.len(), 2);
    assert!(r11.iter().all(|r| r.reviewer_is_bot), "{r11:?}");
    let r12: Vec<Review> = reviews(&store)
        .into_iter()
        .filter(|r| r.pr_number == 12)
        .collect();
    assert_eq!(r12.iter().filter(|r| !r.reviewer_is_bot).count(), 1);
    // Still a draft.
    let p10 = pr(&store, 10);
    assert!(p10.draft);
    assert_eq!(p10.ready_for_review, None);
    // Opened ready, back to draft, ready again: ready since it was opened.
    let p9 = pr(&store, 9);
    assert_eq!(p9.ready_for_review, None);
    assert_eq!(p9.issue_keys, vec!["BET-3".to_string()], "UTF-8 is no Jira key");
    assert_eq!(reviews(&store).iter().filter(|r| r.pr_number == 9).count(), 2);
    // Closed unmerged, a request still pending.
    let p8 = pr(&store, 8);
    assert_eq!((p8.state.as_str(), p8.merged), ("closed", None));
    assert_eq!(p8.requested_reviewers, vec!["bob-k".to_string()]);

    // Co-authors, on the pull request commit and on its squash merge.
    let all = commits(&store);
    let with_co: Vec<&Commit> = all.iter().filter(|c| !c.co_authors.is_empty()).collect();
    assert_eq!(with_co.len(), 2);
    for c in &with_co {
        assert_eq!(c.pr_number, Some(12));
        assert_eq!(c.co_authors.len(), 2);
        assert_eq!(
            (c.co_authors[0].name.as_str(), c.co_authors[0].email.as_str()),
            ("Bob Kim", "bob@acme.example")
        );
        assert_eq!(c.co_authors[1].login.as_deref(), Some("amy-w"));
    }
    let squash = all.iter().find(|c| c.summary.ends_with("(#12)")).unwrap();
    assert_eq!(squash.committer.login.as_deref(), Some("web-flow"));
    assert_eq!(
        (squash.authored, squash.committed),
        (ts("2026-01-02T07:40:00Z"), ts("2026-01-02T15:00:00Z"))
    );
    let direct = all.iter().find(|c| c.summary == "Fix typo in README").unwrap();
    assert_eq!((direct.pr_number, direct.author.login.clone()), (None, None));
    assert!(direct.meta.source_id.starts_with("acme/rocket@"));

    // The cursors: newest update / commit date, and the first pages' ETags.
    let cursor: Value =
        serde_json::from_str(&store.cursor("github:pulls:acme/rocket").unwrap().unwrap()).unwrap();
    assert_eq!(cursor["high"], "2026-01-02T15:00:05Z");
    assert!(cursor["etag"].as_str().is_some_and(|e| e.starts_with('"')));
    let cursor: Value =
        serde_json::from_str(&store.cursor("github:commits:acme/rocket").unwrap().unwrap()).unwrap();
    assert_eq!(cursor["high"], "2026-01-02T15:00:00Z");

    // A second sync with nothing changed: one conditional request per list, both 304.
    let before = server.requests().len();
    let c2 = client(&cfg, 2);
    let again = sync_github(&store, &cfg, &c2, &Progress::default(), false).await;
    assert_eq!(again.error, None);
    assert_eq!(again.total(), 0);
    assert_eq!(again.requests, 2);
    assert_eq!(c2.http().not_modified(), 2);
    let second: Vec<(String, u16)> = server.requests()[before..]
        .iter()
        .map(|r| (r.path.clone(), r.status))
        .collect();
    assert_eq!(
        second,
        vec![
            ("/repos/acme/rocket/commits".to_string(), 304),
            ("/repos/acme/rocket/pulls".to_string(), 304)
        ]
    );
    eprintln!(
        "acme/rocket: first sync {} requests ({} records), second sync {} requests, all 304",
        report.requests,
        report.total(),
        again.requests
    );

    // `full` asks unconditionally and rewrites the same records, doubling none.
    let c3 = client(&cfg, 2);
    let full = sync_github(&store, &cfg, &c3, &Progress::default(), true).await;
    assert_eq!((full.error.clone(), full.requests, full.total()), (None, 36, 21));
    assert_eq!(store.records(RecordKind::Commit).unwrap().len(), 10);
}

#[tokio::test]
async fn a_changed_pull_request_is_refetched_and_the_walk_stops_at_the_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    {
        let server = own_server(&own_fixtures()).await;
        let cfg = config(&server.base_url(), &["acme/rocket"]);
        let report = sync_github(&store, &cfg, &client(&cfg, 2), &Progress::default(), false).await;
        assert_eq!(report.error, None);
    }
    // The draft #10 gets a new commit: it moves to the top of the list.
    let tmp = temp_copy(&own_fixtures());
    let root = tmp.path().join("rocket");
    let mut list = read_json(&root.join("pulls.json"));
    let items = list.as_array_mut().unwrap();
    let at = items.iter().position(|p| p["number"] == 10).unwrap();
    let mut p10 = items.remove(at);
    p10["updated_at"] = json!("2026-01-03T08:00:00Z");
    items.insert(0, p10);
    write_json(&root.join("pulls.json"), &list);
    let mut single = read_json(&root.join("pulls/10/pull.json"));
    single["updated_at"] = json!("2026-01-03T08:00:00Z");
    write_json(&root.join("pulls/10/pull.json"), &single);
    let mut cs = read_json(&root.join("pulls/10/commits.json"));
    let mut extra = cs[0].clone();
    extra["sha"] = json!("1111111111111111111111111111111111111111");
    extra["commit"]["message"] = json!("wip: exporter batching");
    extra["commit"]["committer"]["date"] = json!("2026-01-03T07:59:00Z");
    cs.as_array_mut().unwrap().push(extra);
    write_json(&root.join("pulls/10/commits.json"), &cs);

    let server = own_server(tmp.path()).await;
    let cfg = config(&server.base_url(), &["acme/rocket"]);
    let c = client(&cfg, 2);
    let report = sync_github(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(report.error, None);
    assert_eq!(written(&report, RecordKind::PullRequest), 1);
    assert_eq!(written(&report, RecordKind::Commit), 2);
    // Commits unchanged: 304. Pulls: page 1 (#10 new, #12 at the cursor and
    // stored), page 2 (#11 older than the cursor: stop). Only #10's details.
    assert_eq!(statuses(&server, "/repos/acme/rocket/commits"), vec![304]);
    assert_eq!(statuses(&server, "/repos/acme/rocket/pulls"), vec![200, 200]);
    assert_eq!(server.request_count("/pulls/10"), 3);
    assert_eq!(server.request_count("/issues/10/timeline"), 1);
    assert_eq!(server.request_count("/pulls/12"), 0);
    assert_eq!(report.requests, 7);
    let p10 = pr(&store, 10);
    assert_eq!(p10.updated, ts("2026-01-03T08:00:00Z"));
    assert_eq!(
        commits(&store).iter().filter(|c| c.pr_number == Some(10)).count(),
        2
    );
    assert_eq!(pulls(&store).len(), 5);
}

/// Every record, with the fetch time blanked (it differs between runs).
fn snapshot(store: &Store) -> Vec<String> {
    let mut out: Vec<String> = store
        .all_records()
        .unwrap()
        .into_iter()
        .map(|r| {
            let mut v = serde_json::to_value(&r).unwrap();
            assert!(v["meta"]["fetched_at"].is_string());
            v["meta"]["fetched_at"] = Value::Null;
            v.to_string()
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn a_sync_cut_short_anywhere_resumes_to_the_same_store_as_one_clean_sync() {
    let server = own_server(&own_fixtures()).await;
    let cfg = config(&server.base_url(), &["acme/rocket"]);
    let clean_dir = tempfile::tempdir().unwrap();
    let clean = store(clean_dir.path());
    let report = sync_github(&clean, &cfg, &client(&cfg, 2), &Progress::default(), false).await;
    assert_eq!(report.error, None);
    let want = snapshot(&clean);
    assert_eq!(want.len(), 21);
    // A request budget stops the sync at a chosen request, as a crash would
    // (whatever page was in flight is not written); then a sync resumes.
    for budget in [1, 2, 3, 5, 8, 12, 17, 22, 28, 34] {
        let dir = tempfile::tempdir().unwrap();
        let st = store(dir.path());
        let cut = GithubClient::new(&cfg.github, Auth::None, budget)
            .unwrap()
            .with_page_size(2);
        let first = sync_github(&st, &cfg, &cut, &Progress::default(), false).await;
        assert!(
            first.error.as_deref().is_some_and(|e| e.contains("budget")),
            "{budget}: {first:?}"
        );
        let resumed = sync_github(&st, &cfg, &client(&cfg, 2), &Progress::default(), false).await;
        assert_eq!(resumed.error, None, "budget {budget}");
        assert_eq!(snapshot(&st), want, "budget {budget}");
        let quiet = sync_github(&st, &cfg, &client(&cfg, 2), &Progress::default(), false).await;
        assert_eq!((quiet.requests, quiet.total()), (2, 0), "budget {budget}");
    }
}

#[tokio::test]
async fn a_server_error_is_retried_then_succeeds() {
    let server = own_server(&own_fixtures()).await;
    server.inject(FaultRule::once("/pulls/12/reviews", Fault::status(500)));
    let cfg = config(&server.base_url(), &["acme/rocket"]);
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let report = sync_github(&store, &cfg, &client(&cfg, 2), &Progress::default(), false).await;
    assert_eq!(report.error, None);
    assert_eq!(
        statuses(&server, "/repos/acme/rocket/pulls/12/reviews"),
        vec![500, 200]
    );
    assert_eq!(report.requests, 37);
    assert_eq!(reviews(&store).len(), 6);
}

#[tokio::test]
async fn a_connection_cut_mid_body_is_an_error_and_nothing_of_its_page_is_written() {
    let server = own_server(&own_fixtures()).await;
    // The timeline of #9 (page 2 of the list, with #10) stops half-way, every time.
    server.inject(FaultRule::new("/issues/9/timeline", Fault::Truncate, 10));
    let cfg = config(&server.base_url(), &["acme/rocket"]);
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let report = sync_github(&store, &cfg, &client(&cfg, 2), &Progress::default(), false).await;
    let msg = report.error.clone().unwrap();
    for part in ["github", "/repos/acme/rocket/issues/9/timeline"] {
        assert!(msg.contains(part), "{msg}");
    }
    assert!(!msg.contains(SECRET), "{msg}");
    let numbers: Vec<u64> = pulls(&store).iter().map(|p| p.number).collect();
    assert_eq!(
        numbers,
        vec![11, 12],
        "#10 shares the failed page and waits with it"
    );
    assert!(store.cursor("github:pulls:acme/rocket").unwrap().is_none());
}

#[tokio::test]
async fn a_truncated_list_is_an_error_naming_provider_endpoint_and_status_and_the_rest_goes_on() {
    // acme/cut's list body stops half-way; acme/rocket is fine.
    let server = own_server(&own_fixtures()).await;
    let cfg = config(&server.base_url(), &["acme/cut", "acme/rocket"]);
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let report = sync_github(&store, &cfg, &client(&cfg, 2), &Progress::default(), false).await;
    let msg = report.error.clone().unwrap();
    for part in [
        "github",
        "/repos/acme/cut/pulls",
        "HTTP 200",
        "malformed or truncated",
    ] {
        assert!(msg.contains(part), "{msg}");
    }
    assert!(!msg.contains(SECRET), "{msg}");
    assert!(store.cursor("github:pulls:acme/cut").unwrap().is_none());
    // The empty default branch of acme/cut was fine, and acme/rocket synced whole.
    assert!(store.cursor("github:commits:acme/cut").unwrap().is_some());
    assert_eq!(pulls(&store).len(), 5);
    assert!(pulls(&store).iter().all(|p| p.repo == "acme/rocket"));
}

#[tokio::test]
async fn a_malformed_page_writes_nothing_for_it_and_the_next_sync_resumes() {
    let server = own_server(&own_fixtures()).await;
    server.inject(FaultRule::once(
        "direction=desc&per_page=2&page=2",
        Fault::Malformed,
    ));
    let cfg = config(&server.base_url(), &["acme/rocket"]);
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let report = sync_github(&store, &cfg, &client(&cfg, 2), &Progress::default(), false).await;
    let msg = report.error.clone().unwrap();
    for part in ["github", "/repos/acme/rocket/pulls", "HTTP 200"] {
        assert!(msg.contains(part), "{msg}");
    }
    // Page 1 (#12, #11) is stored; nothing of page 2; the cursor did not move.
    let numbers: Vec<u64> = pulls(&store).iter().map(|p| p.number).collect();
    assert_eq!(numbers, vec![11, 12]);
    assert!(store.cursor("github:pulls:acme/rocket").unwrap().is_none());
    // The default branch (3) and the commits of #12 (2) and #11 (1).
    assert_eq!(commits(&store).len(), 6);

    // Resume: the stored ones are skipped, the rest fetched; nothing doubled.
    let before = server.requests().len();
    let c = client(&cfg, 2);
    let resumed = sync_github(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(resumed.error, None);
    assert_eq!(written(&resumed, RecordKind::PullRequest), 3);
    let later = &server.requests()[before..];
    assert!(
        !later
            .iter()
            .any(|r| r.path.contains("/pulls/12") || r.path.contains("/pulls/11"))
    );
    // The commits' 304, three list pages, and #10, #9 and #8 (4 + 9 + 4 pages).
    assert_eq!(resumed.requests, 1 + 3 + 17);
    assert_eq!(pulls(&store).len(), 5);
    assert_eq!(reviews(&store).len(), 6);
    assert_eq!(commits(&store).len(), 10);
    assert!(store.cursor("github:pulls:acme/rocket").unwrap().is_some());
}

#[tokio::test]
async fn the_token_never_reaches_an_error_and_a_bad_repository_is_reported() {
    let server = own_server(&own_fixtures()).await;
    let cfg = config(&server.base_url(), &["acme/missing", "acme/rocket"]);
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let report = sync_github(&store, &cfg, &client(&cfg, 100), &Progress::default(), false).await;
    let msg = report.error.unwrap();
    assert!(
        msg.contains("github /repos/acme/missing/commits: HTTP 404"),
        "{msg}"
    );
    assert!(
        msg.contains("github /repos/acme/missing/pulls: HTTP 404"),
        "{msg}"
    );
    assert!(!msg.contains(SECRET), "{msg}");
    assert_eq!(pulls(&store).len(), 5);
    let err = HttpError::Budget {
        provider: async_cockpit::model::Source::Github,
        budget: 1,
    };
    assert!(!GithubError::from(err).to_string().contains(SECRET));
}

// ---------------------------------------------------------------------------
// The demo organisation
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_demo_organisation_syncs_completely_and_then_costs_only_304s() {
    let dir = std::env::var_os("ASYNC_COCKPIT_DEMO_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"));
    if !dir.join("routes.json").is_file() {
        eprintln!(
            "notice: {} has no routes.json yet; skipping the demo sync",
            dir.display()
        );
        return;
    }
    let server = ReplayServer::start(
        &dir,
        ReplayOptions {
            now: Some(Timestamp::now()),
        },
    )
    .await
    .unwrap();
    let text = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    let mut cfg = Config::from_toml(&text, &dir.join("config.toml")).unwrap();
    cfg.site = "t".into();
    cfg.github.base_url = server.base_url();
    assert!(!cfg.github.repositories.is_empty());
    let store_dir = tempfile::tempdir().unwrap();
    let store = store(store_dir.path());

    let c = client(&cfg, 100);
    let first = sync_github(&store, &cfg, &c, &Progress::default(), false).await;
    assert_eq!(first.error, None);
    let prs = pulls(&store);
    assert!((140..=160).contains(&prs.len()), "{} pull requests", prs.len());
    assert_eq!(written(&first, RecordKind::PullRequest), prs.len());
    let revs = reviews(&store);
    let cms = commits(&store);
    assert!(!revs.is_empty() && !cms.is_empty());
    assert!(prs.iter().any(|p| p.author_is_bot));
    assert!(prs.iter().any(|p| p.draft));
    assert!(prs.iter().any(|p| p.ready_for_review.is_some()));
    assert!(prs.iter().any(|p| !p.issue_keys.is_empty()));
    assert!(revs.iter().any(|r| r.reviewer_is_bot));
    assert!(cms.iter().any(|c| !c.co_authors.is_empty()));
    for repo in &cfg.github.repositories {
        assert!(
            store.cursor(&format!("github:pulls:{repo}")).unwrap().is_some(),
            "{repo}"
        );
    }

    let c2 = client(&cfg, 100);
    let second = sync_github(&store, &cfg, &c2, &Progress::default(), false).await;
    assert_eq!(second.error, None);
    assert_eq!(second.total(), 0);
    let lists = u32::try_from(cfg.github.repositories.len() * 2).unwrap();
    assert_eq!((second.requests, c2.http().not_modified()), (lists, lists));
    eprintln!(
        "demo: {} pull requests, {} reviews, {} commits from {} requests; second sync {} requests, {} of them 304",
        prs.len(),
        revs.len(),
        cms.len(),
        first.requests,
        second.requests,
        c2.http().not_modified()
    );
}
