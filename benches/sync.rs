//! The sync end to end: a generated organisation, written as a replay folder
//! in each provider's wire format, served by the replay server on loopback,
//! synced through `sync_all` (the real clients, HTTP policy, mapping and
//! sealed store) into a fresh store per run.
//!
//! At scale 1 the organisation is the issue's: 50,000 Jira issues (10
//! projects), 20,000 pull requests (20 repositories, 2 reviews, 3 commits and
//! 2 timeline events each, plus 250 default-branch commits per repository),
//! 200,000 Slack messages (100 channels, one top-level message in 25 opens a
//! thread of 4 replies) and 20,000 meetings (100 hosts, 5 participants each,
//! a transcript for one in 25). `SYNC_BENCH_SCALE` scales every count, the
//! containers (projects, repositories, channels, hosts) with them so each one
//! keeps the same density. The default scale keeps `cargo bench --bench sync`
//! under five minutes on two cores: the replay server finds a route by
//! walking its list, so its cost grows with the square of the organisation.
//!
//! Figures, one line each after criterion's report: records per second end
//! to end (median run), requests made, peak memory (`VmHWM`, reset after the
//! replay server has loaded the organisation, so it is the sync's peak on top
//! of the server's copy), and the requests per source of a delta sync with
//! nothing changed. Goals (issue 3): at least 20,000 records/s; a no-change
//! delta sync at most one request per endpoint and scope, GitHub's as 304s.
//!
//! The replay server does not evaluate queries, so the generator answers the
//! incremental questions the way the providers would: Jira's
//! `updated >= cursor - 2 min` gets only the issues updated in that window
//! (a route keyed on `updated >=`); Slack's history walk stops at its
//! `oldest` by itself.
//!
//! `cargo bench --bench sync -- --test` (and `cargo test --benches`) runs a
//! tiny organisation (scale 0.002, unless `SYNC_BENCH_SCALE` says otherwise)
//! once through both benchmarks, as a check.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use async_cockpit::commands::sync_all;
use async_cockpit::config::Config;
use async_cockpit::replay::{ReplayOptions, ReplayServer, RequestRecord};
use async_cockpit::store::{KeySource, Store};
use async_cockpit::sync::{Progress, SourceReport, SyncEvent};
use criterion::{Criterion, SamplingMode, Throughput};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

/// Scale used when `SYNC_BENCH_SCALE` is not set.
const DEFAULT_SCALE: f64 = 0.1;
/// Scale of the `--test` check.
const TEST_SCALE: f64 = 0.002;
const SITE: &str = "bench";
const GOAL_RECORDS_PER_SEC: f64 = 20_000.0;
/// Jira's incremental overlap (`sync::jira::OVERLAP`).
const JIRA_OVERLAP: SignedDuration = SignedDuration::from_mins(2);
/// How far back the organisation's activity reaches.
const SPAN_DAYS: i64 = 90;

fn main() {
    let test_mode = is_test_mode();
    // An explicit scale wins, in test mode too (a quick look at one run).
    let scale = std::env::var("SYNC_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0 && *s <= 2.0)
        .unwrap_or(if test_mode { TEST_SCALE } else { DEFAULT_SCALE });
    let org = Org::at(scale);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let tmp = tempfile::tempdir().expect("temp dir");
    let folder = tmp.path().join("replay");
    let started = Instant::now();
    let expected = generate(&org, &folder);
    let generated_in = started.elapsed();
    let started = Instant::now();
    let server = rt
        .block_on(ReplayServer::start(&folder, ReplayOptions { now: None }))
        .expect("replay server");
    let loaded_in = started.elapsed();
    let cfg = config(&org, &server.base_url());
    let baseline_rss = proc_status_kib("VmRSS");
    let hwm_reset = reset_peak_rss();

    let full_runs: RefCell<Vec<Run>> = RefCell::new(Vec::new());
    let delta_runs: RefCell<Vec<Run>> = RefCell::new(Vec::new());
    // The store the delta syncs run on: synced once, untimed, on first need.
    let synced: RefCell<Option<(tempfile::TempDir, Store)>> = RefCell::new(None);

    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    {
        let mut group = criterion.benchmark_group("sync");
        // One run takes seconds: one iteration per sample.
        group.sampling_mode(SamplingMode::Flat);
        group.throughput(Throughput::Elements(expected as u64));
        group.bench_function(format!("full_{expected}_records"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (dir, store) = fresh_store();
                    let run = timed_sync(&rt, &server, &store, &cfg, false);
                    assert_eq!(
                        run.records, expected,
                        "a full sync wrote an unexpected number of records"
                    );
                    total += run.elapsed;
                    full_runs.borrow_mut().push(run);
                    drop(store);
                    drop(dir);
                }
                total
            });
        });
        group.throughput(Throughput::Elements(1));
        group.bench_function("delta_nothing_changed", |b| {
            b.iter_custom(|iters| {
                let mut slot = synced.borrow_mut();
                let (_, store) = slot.get_or_insert_with(|| {
                    let (dir, store) = fresh_store();
                    timed_sync(&rt, &server, &store, &cfg, false);
                    (dir, store)
                });
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let run = timed_sync(&rt, &server, store, &cfg, false);
                    total += run.elapsed;
                    delta_runs.borrow_mut().push(run);
                }
                total
            });
        });
        group.finish();
    }
    criterion.final_summary();
    let peak = proc_status_kib("VmHWM");
    drop(synced);
    rt.block_on(server.shutdown());

    summary(
        &org,
        expected,
        test_mode,
        (generated_in, loaded_in),
        &full_runs.into_inner(),
        &delta_runs.into_inner(),
        Memory {
            baseline_rss,
            peak,
            hwm_reset,
        },
    );
}

/// Criterion's own rule: without `--bench` (cargo test), or with `--test`,
/// each benchmark runs once as a test.
fn is_test_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    has("--test") || !has("--bench")
}

// ---------------------------------------------------------------------------
// Runs and figures
// ---------------------------------------------------------------------------

/// What one sync did.
struct Run {
    elapsed: Duration,
    records: usize,
    reports: Vec<SourceReport>,
    /// When the run started (each report says when its source finished).
    started: Timestamp,
    /// The requests the replay server answered during the run.
    requests: Vec<RequestRecord>,
    /// `Page` progress events per source: about one store transaction each.
    pages: BTreeMap<&'static str, usize>,
}

/// A new sealed store in its own temp folder (under `SYNC_BENCH_STORE_DIR`
/// when set, e.g. `/dev/shm` to see what the syncs cost without `fsync`),
/// with the bench's tokens.
fn fresh_store() -> (tempfile::TempDir, Store) {
    let dir = match std::env::var_os("SYNC_BENCH_STORE_DIR") {
        Some(root) => tempfile::tempdir_in(root),
        None => tempfile::tempdir(),
    }
    .expect("temp dir");
    let store = Store::open(&dir.path().join(SITE), SITE, &KeySource::ephemeral(), true).expect("store");
    for provider in ["github", "jira", "slack", "confluence"] {
        store.put_secret(provider, "bench-token").expect("token");
    }
    store
        .put_secret("zoom", "bench-account:bench-client:bench-secret")
        .expect("zoom credentials");
    (dir, store)
}

fn timed_sync(
    rt: &tokio::runtime::Runtime,
    server: &ReplayServer,
    store: &Store,
    cfg: &Config,
    full: bool,
) -> Run {
    let before = server.requests().len();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let progress = Progress::new(tx);
    let started_at = Timestamp::now();
    let started = Instant::now();
    let reports = rt.block_on(sync_all(store, cfg, &progress, full));
    let elapsed = started.elapsed();
    drop(progress);
    for r in &reports {
        assert!(r.error.is_none(), "{} failed: {:?}", r.source.as_str(), r.error);
    }
    let mut pages: BTreeMap<&'static str, usize> = BTreeMap::new();
    while let Ok(ev) = rx.try_recv() {
        if let SyncEvent::Page { source, .. } = ev {
            *pages.entry(source.as_str()).or_default() += 1;
        }
    }
    Run {
        elapsed,
        records: reports.iter().map(SourceReport::total).sum(),
        reports,
        started: started_at,
        requests: server.requests().split_off(before),
        pages,
    }
}

fn median(runs: &[Run]) -> Option<&Run> {
    let mut sorted: Vec<&Run> = runs.iter().collect();
    sorted.sort_by_key(|r| r.elapsed);
    sorted.get(sorted.len() / 2).copied()
}

/// Which provider a replay request was for, from its path.
fn provider_of(path: &str) -> &'static str {
    if path.starts_with("/repos/") {
        "github"
    } else if path.starts_with("/rest/") {
        "jira"
    } else if path.starts_with("/api/") {
        "slack"
    } else if path.starts_with("/v2/") || path.starts_with("/oauth") || path.starts_with("/rec/") {
        "zoom"
    } else {
        "other"
    }
}

/// Query parameters that only walk the pages of one listing.
const PAGING_PARAMS: [&str; 10] = [
    "page",
    "per_page",
    "cursor",
    "limit",
    "nextPageToken",
    "maxResults",
    "startAt",
    "start",
    "next_page_token",
    "page_size",
];

/// Method, path and query without paging parameters.
fn scope_of(r: &RequestRecord) -> String {
    let mut kept: Vec<String> = url::form_urlencoded::parse(r.query.as_bytes())
        .filter(|(k, _)| !PAGING_PARAMS.contains(&k.as_ref()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    kept.sort();
    format!("{} {}?{}", r.method, r.path, kept.join("&"))
}

struct Memory {
    baseline_rss: Option<u64>,
    peak: Option<u64>,
    hwm_reset: bool,
}

/// A field of `/proc/self/status` in KiB (`VmHWM`, `VmRSS`).
fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Resets `VmHWM` to the current RSS (Linux: `5` to `clear_refs`).
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".into(), |k| format!("{:.0} MiB", k as f64 / 1024.0))
}

fn summary(
    org: &Org,
    expected: usize,
    test_mode: bool,
    (generated_in, loaded_in): (Duration, Duration),
    full: &[Run],
    delta: &[Run],
    mem: Memory,
) {
    let (Some(f), Some(d)) = (median(full), delta.last()) else {
        // A filter ran only one of the benchmarks, or `--list` ran none.
        return;
    };
    println!();
    if test_mode {
        println!("test mode: scale {}, one run each; not a measurement", org.scale);
    }
    println!(
        "organisation: scale {} ({} Jira issues, {} pull requests, {} Slack messages, {} meetings) = \
         {expected} records; generated in {:.1} s, loaded by the replay server in {:.1} s",
        org.scale,
        org.projects * org.issues_per_project,
        org.repos * org.pulls_per_repo,
        org.channels * org.messages_per_channel(),
        org.hosts * org.meetings_per_host,
        generated_in.as_secs_f64(),
        loaded_in.as_secs_f64()
    );
    let rate = f.records as f64 / f.elapsed.as_secs_f64();
    println!(
        "full sync: {rate:.0} records/s end to end ({} records in {:.2} s, median of {} runs)",
        f.records,
        f.elapsed.as_secs_f64(),
        full.len()
    );
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &f.requests {
        *per.entry(provider_of(&r.path)).or_default() += 1;
    }
    let client_side: u32 = f.reports.iter().map(|r| r.requests).sum();
    println!(
        "full sync: {} requests ({}; the clients counted {client_side})",
        f.requests.len(),
        per.iter()
            .map(|(p, n)| format!("{p} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "full sync per source: {}",
        f.reports
            .iter()
            .map(|r| {
                let secs = r.finished.duration_since(f.started).as_secs_f64();
                let pages = f.pages.get(r.source.as_str()).copied().unwrap_or(0);
                format!(
                    "{} {} records in {secs:.2} s, {pages} pages",
                    r.source.as_str(),
                    r.total()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    );
    println!(
        "full sync store: {} (each page is written in its own transaction)",
        std::env::var("SYNC_BENCH_STORE_DIR").map_or_else(
            |_| format!("{} (the system temp folder)", std::env::temp_dir().display()),
            |d| format!("{d} (SYNC_BENCH_STORE_DIR)")
        )
    );
    println!(
        "peak memory: VmHWM {} during the syncs{} (RSS before the first sync, replay server and \
         organisation loaded: {})",
        mib(mem.peak),
        if mem.hwm_reset {
            ""
        } else {
            " (could not reset; includes loading)"
        },
        mib(mem.baseline_rss)
    );

    let mut per: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut scopes: BTreeMap<String, usize> = BTreeMap::new();
    for r in &d.requests {
        let e = per.entry(provider_of(&r.path)).or_default();
        e.0 += 1;
        e.1 += usize::from(r.status == 304);
        *scopes.entry(scope_of(r)).or_default() += 1;
    }
    let worst = scopes.iter().max_by_key(|(_, n)| **n);
    println!(
        "delta sync, nothing changed: {} requests ({}) in {:.2} s; at most {} per endpoint and scope{}",
        d.requests.len(),
        per.iter()
            .map(|(p, (n, nm))| if *nm > 0 {
                format!("{p} {n} ({nm} answered 304)")
            } else {
                format!("{p} {n}")
            })
            .collect::<Vec<_>>()
            .join(", "),
        d.elapsed.as_secs_f64(),
        worst.map_or(0, |(_, n)| *n),
        worst
            .filter(|(_, n)| **n > 1)
            .map(|(s, _)| format!(" ({s})"))
            .unwrap_or_default()
    );
    if !test_mode {
        let github: Vec<&RequestRecord> = d
            .requests
            .iter()
            .filter(|r| provider_of(&r.path) == "github")
            .collect();
        let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
        println!(
            "goals: >= {GOAL_RECORDS_PER_SEC:.0} records/s {}; delta <= 1 request per endpoint and scope {}; \
             GitHub's as 304s {}",
            verdict(rate >= GOAL_RECORDS_PER_SEC),
            verdict(worst.is_none_or(|(_, n)| *n <= 1)),
            verdict(github.iter().all(|r| r.status == 304))
        );
    }
}

// ---------------------------------------------------------------------------
// The organisation
// ---------------------------------------------------------------------------

/// Counts of a generated organisation.
struct Org {
    scale: f64,
    now: Timestamp,
    projects: usize,
    issues_per_project: usize,
    sprints_per_board: usize,
    repos: usize,
    pulls_per_repo: usize,
    branch_commits_per_repo: usize,
    channels: usize,
    /// Top-level messages per channel; one in [`THREAD_EVERY`] has
    /// [`REPLIES`] replies.
    top_level_per_channel: usize,
    slack_users: usize,
    hosts: usize,
    meetings_per_host: usize,
}

const REVIEWS_PER_PULL: usize = 2;
const COMMITS_PER_PULL: usize = 3;
const THREAD_EVERY: usize = 25;
const REPLIES: usize = 4;
const PARTICIPANTS: usize = 5;
const TRANSCRIPT_EVERY: usize = 25;

impl Org {
    fn at(scale: f64) -> Org {
        // Containers scale with the counts, so each keeps its density.
        let containers = |full: f64| ((full * scale).round() as usize).max(1);
        let per = |total: f64, n: usize| ((total * scale / n as f64).round() as usize).max(1);
        let projects = containers(10.0);
        let repos = containers(20.0);
        let channels = containers(100.0);
        let hosts = containers(100.0);
        let messages_per_channel = per(200_000.0, channels);
        // top + top / THREAD_EVERY * REPLIES = messages
        let top =
            (messages_per_channel as f64 / (1.0 + REPLIES as f64 / THREAD_EVERY as f64)).round() as usize;
        let now = Timestamp::from_second(Timestamp::now().as_second()).expect("now");
        Org {
            scale,
            now,
            projects,
            issues_per_project: per(50_000.0, projects),
            sprints_per_board: 26,
            repos,
            pulls_per_repo: per(20_000.0, repos),
            branch_commits_per_repo: per(5_000.0, repos),
            channels,
            top_level_per_channel: top.max(1),
            slack_users: containers(300.0).max(10),
            hosts,
            meetings_per_host: per(20_000.0, hosts),
        }
    }

    fn threads_per_channel(&self) -> usize {
        self.top_level_per_channel.div_ceil(THREAD_EVERY)
    }

    fn messages_per_channel(&self) -> usize {
        self.top_level_per_channel + self.threads_per_channel() * REPLIES
    }

    fn project_key(&self, p: usize) -> String {
        let a = (b'A' + (p / 26) as u8) as char;
        let b = (b'A' + (p % 26) as u8) as char;
        format!("Q{a}{b}")
    }

    fn repo(&self, r: usize) -> String {
        format!("bench-org/service-{r:03}")
    }

    fn channel(&self, c: usize) -> String {
        format!("CB{c:07}")
    }

    /// `i` of `n` spread over the span, oldest first, whole seconds.
    fn at_fraction(&self, i: usize, n: usize) -> Timestamp {
        let span = SPAN_DAYS * 86_400;
        let back = span - (span * i as i64) / n.max(1) as i64;
        self.now - SignedDuration::from_secs(back.max(1) + 60)
    }
}

/// Deterministic pseudo-random numbers (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn words(&mut self, n: usize) -> String {
        (0..n).map(|_| self.pick(&WORDS)).collect::<Vec<_>>().join(" ")
    }
}

const WORDS: [&str; 32] = [
    "payment",
    "retry",
    "timeout",
    "cache",
    "invoice",
    "webhook",
    "migration",
    "schema",
    "login",
    "session",
    "token",
    "refresh",
    "dashboard",
    "export",
    "report",
    "latency",
    "queue",
    "worker",
    "deploy",
    "rollback",
    "config",
    "feature",
    "flag",
    "search",
    "index",
    "pagination",
    "checkout",
    "email",
    "audit",
    "tenant",
    "billing",
    "alert",
];

/// Jira: `2026-01-05T09:00:00.000+0000`.
fn jira_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S.000+0000").to_string()
}

/// GitHub and Zoom: `2026-01-05T09:00:00Z`.
fn z_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A 40-hex-digit SHA from three numbers.
fn sha(a: usize, b: usize, c: usize) -> String {
    let mut rng = Rng(((a as u64) << 40) ^ ((b as u64) << 8) ^ c as u64 ^ 0x5EED);
    format!("{:016x}{:016x}{:08x}", rng.next(), rng.next(), rng.next() as u32)
}

/// Writes the replay folder; returns the records a full sync writes.
fn generate(org: &Org, folder: &Path) -> usize {
    let mut w = Writer {
        folder: folder.to_path_buf(),
        routes: Vec::new(),
    };
    let mut rng = Rng(0x5_1C_BE_4C);
    let records = jira(org, &mut w, &mut rng)
        + github(org, &mut w, &mut rng)
        + slack(org, &mut w, &mut rng)
        + zoom(org, &mut w, &mut rng);
    w.file("routes.json", &json!({ "routes": w.routes }));
    records
}

struct Writer {
    folder: PathBuf,
    routes: Vec<Value>,
}

impl Writer {
    fn file(&self, name: &str, v: &Value) {
        let path = self.folder.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let mut f = BufWriter::new(std::fs::File::create(&path).expect("create"));
        serde_json::to_writer(&mut f, v).expect("write json");
        f.flush().expect("flush");
    }

    fn text(&self, name: &str, text: &str) {
        let path = self.folder.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// A route serving `file` (written from `body`), paged in `pages` when given.
    fn route(&mut self, path: &str, query: Value, file: &str, body: &Value, pages: Option<Value>) {
        self.file(file, body);
        let mut r = json!({ "path": path, "file": file });
        if query.as_object().is_some_and(|q| !q.is_empty()) {
            r["query"] = query;
        }
        if let Some(p) = pages {
            r["pages"] = p;
        }
        self.routes.push(r);
    }
}

fn pages(style: &str, items: &str, size: usize) -> Option<Value> {
    Some(json!({ "style": style, "items": items, "page_size": size }))
}

// ---------------------------------------------------------------------------
// Jira Cloud
// ---------------------------------------------------------------------------

fn jira(org: &Org, w: &mut Writer, rng: &mut Rng) -> usize {
    w.route(
        "/rest/api/3/myself",
        json!({}),
        "jira/myself.json",
        &json!({ "accountId": "bench-admin", "displayName": "Bench Admin", "timeZone": "UTC" }),
        None,
    );
    w.route(
        "/rest/api/3/field",
        json!({}),
        "jira/field.json",
        &json!([
            { "id": "summary", "name": "Summary", "custom": false, "schema": { "type": "string", "system": "summary" } },
            { "id": "customfield_10016", "name": "Story point estimate", "custom": true,
              "schema": { "type": "number", "custom": "com.pyxis.greenhopper.jira:jsw-story-points" } },
            { "id": "customfield_10020", "name": "Sprint", "custom": true,
              "schema": { "type": "array", "items": "json", "custom": "com.pyxis.greenhopper.jira:gh-sprint" } },
            { "id": "customfield_10021", "name": "Flagged", "custom": true,
              "schema": { "type": "array", "items": "option", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes" } }
        ]),
        None,
    );
    let accounts: Vec<String> = (0..40).map(|i| format!("5b10ac8d82e05b22cc7d{i:04x}")).collect();
    let person = |id: &str| json!({ "accountId": id, "displayName": format!("Person {id}"), "active": true });
    let mut records = 0;
    for p in 0..org.projects {
        let key = org.project_key(p);
        let board = 1 + p as u64;
        w.route(
            "/rest/agile/1.0/board",
            json!({ "projectKeyOrId": key }),
            &format!("jira/boards-{key}.json"),
            &json!({ "maxResults": 50, "startAt": 0, "isLast": true, "values": [
                { "id": board, "name": format!("{key} board"), "type": "scrum",
                  "location": { "projectKey": key, "projectId": 10_000 + p } }
            ]}),
            pages("jira_startat", "values", 50),
        );
        w.route(
            &format!("/rest/agile/1.0/board/{board}/configuration"),
            json!({}),
            &format!("jira/board-{board}-configuration.json"),
            &json!({ "id": board, "estimation": { "type": "field", "field": { "fieldId": "customfield_10016" } } }),
            None,
        );
        // Two-week sprints ending now; the last one active.
        let sprint_id = |k: usize| 1_000 * board + k as u64;
        let sprints: Vec<Value> = (0..org.sprints_per_board)
            .map(|k| {
                let end =
                    org.now - SignedDuration::from_hours(24 * 14 * (org.sprints_per_board - 1 - k) as i64);
                let start = end - SignedDuration::from_hours(24 * 14);
                let active = k + 1 == org.sprints_per_board;
                let mut s = json!({
                    "id": sprint_id(k), "state": if active { "active" } else { "closed" },
                    "name": format!("{key} Sprint {}", k + 1), "startDate": z_time(start),
                    "endDate": z_time(end), "originBoardId": board, "goal": rng.words(5)
                });
                if !active {
                    s["completeDate"] = json!(z_time(end));
                }
                s
            })
            .collect();
        records += sprints.len();
        w.route(
            &format!("/rest/agile/1.0/board/{board}/sprint"),
            json!({}),
            &format!("jira/board-{board}-sprints.json"),
            &json!({ "maxResults": 50, "startAt": 0, "isLast": true, "values": sprints }),
            pages("jira_startat", "values", 50),
        );

        let n = org.issues_per_project;
        let issues: Vec<Value> = (0..n)
            .map(|i| {
                let id = 100_000 + p * 1_000_000 + i;
                let updated = org.at_fraction(i, n);
                let created = updated - SignedDuration::from_hours(24 + rng.below(24 * 20) as i64);
                let done = rng.below(100) < 45;
                let sprint = (i * org.sprints_per_board / n).min(org.sprints_per_board - 1);
                let assignee = &accounts[rng.below(40) as usize];
                let histories: Vec<Value> = (0..3)
                    .map(|h| {
                        let at = created + SignedDuration::from_hours(4 * (h + 1));
                        json!({ "id": format!("{id}{h}"), "author": person(assignee), "created": jira_time(at),
                                "items": [{ "field": "status", "fieldtype": "jira", "fieldId": "status",
                                            "from": "10000", "fromString": "To Do", "to": "3", "toString": "In Progress" }] })
                    })
                    .collect();
                json!({
                    "id": id.to_string(), "key": format!("{key}-{}", i + 1),
                    "self": format!("https://bench.example.com/rest/api/3/issue/{id}"),
                    "changelog": { "startAt": 0, "maxResults": histories.len(), "total": histories.len(), "histories": histories },
                    "fields": {
                        "summary": rng.words(7),
                        "status": if done {
                            json!({ "name": "Done", "id": "10002", "statusCategory": { "key": "done", "name": "Done" } })
                        } else {
                            json!({ "name": "In Progress", "id": "3", "statusCategory": { "key": "indeterminate", "name": "In Progress" } })
                        },
                        "issuetype": { "name": rng.pick(&["Story", "Bug", "Task"]), "subtask": false },
                        "project": { "key": key, "id": (10_000 + p).to_string() },
                        "assignee": person(assignee),
                        "reporter": person(&accounts[rng.below(40) as usize]),
                        "created": jira_time(created), "updated": jira_time(updated),
                        "resolutiondate": if done { json!(jira_time(updated)) } else { Value::Null },
                        "resolution": if done { json!({ "name": "Done" }) } else { Value::Null },
                        "priority": { "name": "Medium", "id": "3" },
                        "labels": [rng.pick(&["backend", "frontend", "tech-debt"])],
                        "issuelinks": [],
                        "description": { "type": "doc", "version": 1, "content": [
                            { "type": "paragraph", "content": [{ "type": "text", "text": rng.words(40) }] }
                        ]},
                        "customfield_10016": if rng.below(100) < 80 { json!([1, 2, 3, 5, 8][rng.below(5) as usize]) } else { Value::Null },
                        "customfield_10020": [{ "id": sprint_id(sprint), "name": format!("{key} Sprint {}", sprint + 1),
                                                "state": "closed", "boardId": board }],
                        "customfield_10021": null
                    }
                })
            })
            .collect();
        records += issues.len();
        // What Jira answers `updated >= cursor - 2 min` (minute precision)
        // after a complete sync: the issues of that window only.
        let newest = org.at_fraction(n - 1, n);
        let since =
            Timestamp::from_second((newest - JIRA_OVERLAP).as_second().div_euclid(60) * 60).expect("since");
        let recent: Vec<Value> = issues
            .iter()
            .enumerate()
            .filter(|(i, _)| org.at_fraction(*i, n) >= since)
            .map(|(_, v)| v.clone())
            .collect();
        w.route(
            "/rest/api/3/search/jql",
            json!({ "jql": format!("project = {key} AND updated >=") }),
            &format!("jira/search-{key}-recent.json"),
            &json!({ "issues": recent }),
            pages("jira_token", "issues", 100),
        );
        w.route(
            "/rest/api/3/search/jql",
            json!({ "jql": format!("project = {key}") }),
            &format!("jira/search-{key}.json"),
            &json!({ "issues": issues }),
            pages("jira_token", "issues", 100),
        );
    }
    records
}

// ---------------------------------------------------------------------------
// GitHub
// ---------------------------------------------------------------------------

fn github(org: &Org, w: &mut Writer, rng: &mut Rng) -> usize {
    let logins: Vec<String> = (0..60).map(|i| format!("dev-{i:02}")).collect();
    let account = |l: &str| json!({ "login": l, "id": 1, "type": "User" });
    let mut records = 0;
    for r in 0..org.repos {
        let repo = org.repo(r);
        let base = format!("/repos/{repo}");
        let dir = format!("github/{r:03}");
        let commit = |sha: String, login: &str, at: Timestamp, message: String| {
            json!({
                "sha": sha,
                "commit": {
                    "author": { "name": login, "email": format!("{login}@example.com"), "date": z_time(at) },
                    "committer": { "name": login, "email": format!("{login}@example.com"), "date": z_time(at) },
                    "message": message
                },
                "author": account(login), "committer": account(login)
            })
        };

        let n = org.branch_commits_per_repo;
        // Newest first, as GitHub lists them.
        let branch: Vec<Value> = (0..n)
            .rev()
            .map(|i| {
                let login = &logins[rng.below(60) as usize];
                commit(sha(r, 900_000 + i, 0), login, org.at_fraction(i, n), rng.words(6))
            })
            .collect();
        records += branch.len();
        w.route(
            &format!("{base}/commits"),
            json!({}),
            &format!("{dir}/commits.json"),
            &Value::Array(branch),
            pages("github_link", "", 30),
        );

        let n = org.pulls_per_repo;
        let mut listed = Vec::with_capacity(n);
        for i in (0..n).rev() {
            let number = i + 1;
            let updated = org.at_fraction(i, n);
            let created = updated - SignedDuration::from_hours(2 + rng.below(72) as i64);
            let author = logins[rng.below(60) as usize].clone();
            let merged = rng.below(100) < 70;
            let entry = json!({
                "number": number, "title": format!("{} (QAA-{})", rng.words(5), 1 + rng.below(500)),
                "user": account(&author), "state": if merged { "closed" } else { "open" }, "draft": false,
                "created_at": z_time(created), "updated_at": z_time(updated),
                "closed_at": if merged { json!(z_time(updated)) } else { Value::Null },
                "merged_at": if merged { json!(z_time(updated)) } else { Value::Null },
                "head": { "ref": format!("feature/{number}") },
                "html_url": format!("https://github.com/{repo}/pull/{number}"),
                "requested_reviewers": []
            });
            let mut single = entry.clone();
            single["additions"] = json!(rng.below(400));
            single["deletions"] = json!(rng.below(200));
            single["changed_files"] = json!(1 + rng.below(12));
            let pull = format!("{base}/pulls/{number}");
            let pdir = format!("{dir}/pulls/{number}");
            w.route(&pull, json!({}), &format!("{pdir}/pull.json"), &single, None);
            let reviewers: Vec<&String> = (0..REVIEWS_PER_PULL)
                .map(|_| &logins[rng.below(60) as usize])
                .collect();
            let reviews: Vec<Value> = reviewers
                .iter()
                .enumerate()
                .map(|(k, login)| {
                    json!({ "id": (r * 10_000_000 + number * 10 + k) as u64, "user": account(login),
                            "state": if k == 0 { "APPROVED" } else { "COMMENTED" },
                            "submitted_at": z_time(created + SignedDuration::from_mins(30 * (k as i64 + 1))) })
                })
                .collect();
            w.route(
                &format!("{pull}/reviews"),
                json!({}),
                &format!("{pdir}/reviews.json"),
                &Value::Array(reviews),
                pages("github_link", "", 30),
            );
            let commits: Vec<Value> = (0..COMMITS_PER_PULL)
                .map(|k| {
                    commit(
                        sha(r, number, k + 1),
                        &author,
                        created + SignedDuration::from_mins(10 * k as i64),
                        rng.words(6),
                    )
                })
                .collect();
            w.route(
                &format!("{pull}/commits"),
                json!({}),
                &format!("{pdir}/commits.json"),
                &Value::Array(commits),
                pages("github_link", "", 30),
            );
            let timeline = json!([
                { "event": "review_requested", "created_at": z_time(created + SignedDuration::from_mins(5)),
                  "requested_reviewer": account(reviewers[0]) },
                { "event": "ready_for_review", "created_at": z_time(created + SignedDuration::from_mins(1)) }
            ]);
            w.route(
                &format!("{base}/issues/{number}/timeline"),
                json!({}),
                &format!("{pdir}/timeline.json"),
                &timeline,
                pages("github_link", "", 30),
            );
            records += 1 + REVIEWS_PER_PULL + COMMITS_PER_PULL;
            listed.push(entry);
        }
        w.route(
            &format!("{base}/pulls"),
            json!({}),
            &format!("{dir}/pulls.json"),
            &Value::Array(listed),
            pages("github_link", "", 30),
        );
    }
    records
}

// ---------------------------------------------------------------------------
// Slack
// ---------------------------------------------------------------------------

fn slack(org: &Org, w: &mut Writer, rng: &mut Rng) -> usize {
    let users: Vec<String> = (0..org.slack_users).map(|i| format!("UB{i:07}")).collect();
    let members: Vec<Value> = users
        .iter()
        .enumerate()
        .map(|(i, id)| {
            json!({ "id": id, "name": format!("user{i}"), "real_name": format!("User {i}"), "tz": "Europe/Berlin",
                    "deleted": false, "is_bot": false, "updated": org.now.as_second() - 3_600,
                    "profile": { "real_name": format!("User {i}"), "display_name": format!("user{i}"),
                                 "email": format!("user{i}@example.com") } })
        })
        .collect();
    let mut records = members.len();
    w.route(
        "/api/users.list",
        json!({}),
        "slack/users.list.json",
        &json!({ "ok": true, "members": members }),
        pages("slack_cursor", "members", 200),
    );
    let channels: Vec<Value> = (0..org.channels)
        .map(|c| {
            json!({ "id": org.channel(c), "name": format!("team-{c}"), "is_channel": true, "is_private": false,
                    "is_archived": false, "is_member": true, "created": org.now.as_second() - 200 * 86_400 })
        })
        .collect();
    w.route(
        "/api/conversations.list",
        json!({}),
        "slack/conversations.list.json",
        &json!({ "ok": true, "channels": channels }),
        pages("slack_cursor", "channels", 200),
    );
    let ts = |t: Timestamp, micros: usize| format!("{}.{:06}", t.as_second(), micros % 1_000_000);
    for c in 0..org.channels {
        let channel = org.channel(c);
        let n = org.top_level_per_channel;
        let mut history = Vec::with_capacity(n);
        for i in (0..n).rev() {
            let at = org.at_fraction(i, n);
            let parent_ts = ts(at, i);
            let user = &users[rng.below(users.len() as u64) as usize];
            let mut m = json!({ "type": "message", "user": user, "text": rng.words(12), "ts": parent_ts });
            if i % THREAD_EVERY == 0 {
                let replies: Vec<Value> = (0..REPLIES)
                    .map(|k| {
                        json!({ "type": "message", "user": &users[rng.below(users.len() as u64) as usize],
                                "text": rng.words(8), "ts": ts(at + SignedDuration::from_secs(10 * (k as i64 + 1)), i),
                                "thread_ts": parent_ts, "parent_user_id": user })
                    })
                    .collect();
                let latest = replies[REPLIES - 1]["ts"].clone();
                m["thread_ts"] = json!(parent_ts);
                m["reply_count"] = json!(REPLIES);
                m["latest_reply"] = latest;
                let mut thread = vec![m.clone()];
                thread.extend(replies);
                w.route(
                    "/api/conversations.replies",
                    json!({ "channel": channel, "ts": parent_ts }),
                    &format!("slack/replies/{channel}-{parent_ts}.json"),
                    &json!({ "ok": true, "messages": thread }),
                    pages("slack_cursor", "messages", 200),
                );
                records += REPLIES;
            }
            history.push(m);
        }
        records += history.len();
        w.route(
            "/api/conversations.history",
            json!({ "channel": channel }),
            &format!("slack/history-{channel}.json"),
            &json!({ "ok": true, "messages": history }),
            pages("slack_cursor", "messages", 200),
        );
    }
    records
}

// ---------------------------------------------------------------------------
// Zoom
// ---------------------------------------------------------------------------

fn zoom(org: &Org, w: &mut Writer, rng: &mut Rng) -> usize {
    w.file(
        "zoom/oauth-token.json",
        &json!({ "access_token": "bench-zoom-token", "token_type": "bearer", "expires_in": 3599 }),
    );
    w.routes
        .push(json!({ "method": "POST", "path": "/oauth/token", "file": "zoom/oauth-token.json" }));
    let hosts: Vec<Value> = (0..org.hosts)
        .map(|h| {
            json!({ "id": format!("zh{h:06}"), "email": format!("host{h}@example.com"),
                          "display_name": format!("Host {h}"), "type": 2, "status": "active" })
        })
        .collect();
    w.route(
        "/v2/users",
        json!({}),
        "zoom/users.json",
        &json!({ "page_size": 300, "total_records": hosts.len(), "users": hosts }),
        pages("zoom_token", "users", 300),
    );
    let mut records = 0;
    for h in 0..org.hosts {
        let user = format!("zh{h:06}");
        let n = org.meetings_per_host;
        let mut listed = Vec::with_capacity(n);
        let mut recordings = Vec::new();
        for i in 0..n {
            let g = h * 1_000_000 + i;
            let id = 80_000_000_000u64 + g as u64;
            let uuid = format!("mu{g:012}x");
            let start = org.at_fraction(i, n);
            let minutes = 25 + rng.below(50) as i64;
            let end = start + SignedDuration::from_mins(minutes);
            let topic = format!("Sync {}", rng.words(2));
            listed.push(
                json!({ "uuid": uuid, "id": id, "host_id": user, "topic": topic, "type": 2,
                                "start_time": z_time(start), "duration": minutes }),
            );
            w.route(
                &format!("/v2/past_meetings/{uuid}"),
                json!({}),
                &format!("zoom/past/{uuid}.json"),
                &json!({ "uuid": uuid, "id": id, "host_id": user, "type": 2, "topic": topic,
                          "user_email": format!("host{h}@example.com"), "start_time": z_time(start),
                          "end_time": z_time(end), "duration": minutes, "participants_count": PARTICIPANTS }),
                None,
            );
            let participants: Vec<Value> = (0..PARTICIPANTS)
                .map(|k| {
                    let who = (h + k * 7 + i) % org.hosts.max(PARTICIPANTS);
                    json!({ "id": format!("zp{who:06}"), "name": format!("Person {who}"),
                            "user_email": format!("person{who}@example.com"),
                            "join_time": z_time(start + SignedDuration::from_secs(20 * k as i64)),
                            "leave_time": z_time(end), "duration": minutes * 60 })
                })
                .collect();
            w.route(
                &format!("/v2/report/meetings/{uuid}/participants"),
                json!({}),
                &format!("zoom/report/{uuid}.json"),
                &json!({ "page_size": 300, "total_records": PARTICIPANTS, "participants": participants }),
                pages("zoom_token", "participants", 300),
            );
            records += 1;
            if i % TRANSCRIPT_EVERY == 0 {
                let file = format!("zoom/rec/{uuid}.vtt");
                w.text(
                    &file,
                    &format!(
                        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nHost {h}: {}\n\n2\n00:00:05.000 --> 00:00:09.000\nPerson 1: {}\n",
                        rng.words(8),
                        rng.words(10)
                    ),
                );
                w.routes
                    .push(json!({ "path": format!("/rec/download/{uuid}.vtt"), "file": file }));
                recordings.push(json!({ "uuid": uuid, "id": id, "host_id": user, "topic": topic,
                                        "start_time": z_time(start), "duration": minutes, "recording_files": [
                    { "id": format!("rf{g}"), "file_type": "TRANSCRIPT", "file_extension": "VTT",
                      "download_url": format!("/rec/download/{uuid}.vtt"), "status": "completed" }
                ]}));
                records += 1;
            }
        }
        w.route(
            &format!("/v2/users/{user}/meetings"),
            json!({}),
            &format!("zoom/users/{user}-meetings.json"),
            &json!({ "page_size": 300, "total_records": listed.len(), "meetings": listed }),
            pages("zoom_token", "meetings", 300),
        );
        w.route(
            &format!("/v2/users/{user}/recordings"),
            json!({}),
            &format!("zoom/users/{user}-recordings.json"),
            &json!({ "page_size": 300, "total_records": recordings.len(), "meetings": recordings }),
            pages("zoom_token", "meetings", 300),
        );
    }
    records
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

/// Every provider but Confluence pointed at the replay server; tokens from
/// the store (the named variables are never set).
fn config(org: &Org, base: &str) -> Config {
    let list = |v: Vec<String>| v.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ");
    let text = format!(
        r#"site = "{SITE}"
retention_days = 90

[github]
enabled = true
base_url = "{base}"
token_env = "ASYNC_COCKPIT_BENCH_UNSET"
repositories = [{repos}]

[jira]
enabled = true
base_url = "{base}"
deployment = "cloud"
user = ""
token_env = "ASYNC_COCKPIT_BENCH_UNSET"
projects = [{projects}]
story_points_field = ""

[slack]
enabled = true
base_url = "{base}/api"
token_env = "ASYNC_COCKPIT_BENCH_UNSET"
channels = [{channels}]

[zoom]
enabled = true
base_url = "{base}/v2"
oauth_url = "{base}"
account_id_env = "ASYNC_COCKPIT_BENCH_UNSET"
client_id_env = "ASYNC_COCKPIT_BENCH_UNSET"
client_secret_env = "ASYNC_COCKPIT_BENCH_UNSET"

[confluence]
enabled = false
"#,
        repos = list((0..org.repos).map(|r| org.repo(r)).collect()),
        projects = list((0..org.projects).map(|p| org.project_key(p)).collect()),
        channels = list((0..org.channels).map(|c| org.channel(c)).collect()),
    );
    Config::from_toml(&text, Path::new("bench-config.toml")).expect("bench config")
}
