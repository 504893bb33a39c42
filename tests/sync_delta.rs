//! A second sync with nothing changed, through the real binary against the
//! demo organisation: the replay server's request log counts what it costs,
//! per source and per endpoint and scope.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sync_harness;

use std::collections::BTreeMap;

use sync_harness::{Demo, per_provider, provider_of, scope_of, text};

#[test]
fn second_sync_with_nothing_changed() {
    let demo = Demo::start(jiff::Timestamp::now());
    let dir = demo.store("delta");

    let before = demo.server.requests().len();
    let out = demo.sync(&dir);
    println!("first sync (plain progress, then the summary):\n{}", text(&out));
    let first = demo.requests_since(before);
    let before = demo.server.requests().len();
    let out = demo.sync(&dir);
    let second = demo.requests_since(before);

    let mut by_scope: BTreeMap<String, (usize, Vec<u16>)> = BTreeMap::new();
    for r in &second {
        let e = by_scope.entry(scope_of(r)).or_default();
        e.0 += 1;
        e.1.push(r.status);
    }
    let first_counts = per_provider(&first);
    let second_counts = per_provider(&second);
    println!("requests per source (total / answered 304): first sync → second sync");
    for (p, (n, nm)) in &second_counts {
        let (n1, nm1) = first_counts.get(p).copied().unwrap_or_default();
        let scopes = by_scope
            .keys()
            .filter(|k| provider_of(k.split(' ').nth(1).unwrap_or("")) == *p)
            .count();
        println!("  {p:<11} {n1:>4} / {nm1:<4} → {n:>4} / {nm:<4} over {scopes} endpoint scopes");
    }
    println!("second sync, per endpoint and scope:");
    for (scope, (n, statuses)) in &by_scope {
        println!("  {n:>2} × {scope} {statuses:?}");
    }
    println!("second sync's summary:\n{}", String::from_utf8_lossy(&out.stdout));

    // Nothing is asked twice for one endpoint and scope.
    let repeated: Vec<&String> = by_scope
        .iter()
        .filter(|(_, (n, _))| *n > 1)
        .map(|(k, _)| k)
        .collect();
    assert!(repeated.is_empty(), "asked more than once: {repeated:?}");

    // GitHub: one conditional request per list (commits and pulls of each
    // repository), every one answered 304.
    let github: Vec<_> = second
        .iter()
        .filter(|r| provider_of(&r.path) == "github")
        .collect();
    let repos: std::collections::BTreeSet<&str> = first
        .iter()
        .filter(|r| provider_of(&r.path) == "github")
        .filter_map(|r| r.path.split('/').nth(3))
        .collect();
    let scopes: Vec<String> = github.iter().map(|r| scope_of(r)).collect();
    assert_eq!(github.len(), 2 * repos.len(), "github: {scopes:?}");
    assert!(
        github.iter().all(|r| r.status == 304),
        "github answered other than 304"
    );

    // Slack: the user list, which has no incremental form, is read once a
    // day, not on every delta.
    let users: Vec<String> = second
        .iter()
        .filter(|r| r.path.ends_with("/users.list"))
        .map(scope_of)
        .collect();
    assert!(users.is_empty(), "user list read again: {users:?}");

    // Zoom: transcripts already stored from unchanged files are not
    // downloaded again; one listing per user is all.
    let downloads: Vec<String> = second
        .iter()
        .filter(|r| r.path.starts_with("/rec/"))
        .map(scope_of)
        .collect();
    assert!(
        downloads.is_empty(),
        "transcripts downloaded again: {downloads:?}"
    );

    // Jira: the replay server evaluates `updated >= "…"`, so the delta's
    // search is one page of the overlap window, per project.
    let searches: Vec<_> = second
        .iter()
        .filter(|r| {
            r.path.starts_with("/rest/api/")
                && (r.path.ends_with("/search/jql") || r.path.ends_with("/search"))
        })
        .collect();
    assert!(!searches.is_empty());
    assert!(
        searches
            .iter()
            .all(|r| r.query.contains("updated") && !r.query.contains("nextPageToken")),
        "{:?}",
        searches.iter().map(|r| scope_of(r)).collect::<Vec<_>>()
    );

    // The summary counts them as the server did.
    let summary = text(&out);
    let github_line = summary.lines().find(|l| l.starts_with("github ")).unwrap();
    let cols: Vec<&str> = github_line.split_whitespace().collect();
    let n = github.len().to_string();
    assert_eq!(
        cols[..5],
        ["github", "0", n.as_str(), n.as_str(), "0"],
        "{summary}"
    );

    // `--full` ignores cursors and ETags: GitHub's lists are walked again,
    // as in the first sync, and nothing answers 304.
    let before = demo.server.requests().len();
    let out = demo.run(&dir, &["sync", "--full", "--source", "github"], None);
    assert!(out.status.success(), "{}", text(&out));
    let full = per_provider(&demo.requests_since(before));
    assert_eq!(
        full.get("github"),
        Some(&(first_counts["github"].0, 0)),
        "{full:?}"
    );
    assert_eq!(full.len(), 1, "{full:?}");

    // No source costs more the second time.
    for (p, (n, _)) in &second_counts {
        let (n1, _) = first_counts.get(p).copied().unwrap_or_default();
        assert!(n <= &n1, "{p}: {n} requests, first sync {n1}");
    }
}
