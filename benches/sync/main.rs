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
//! keeps the same density. The default scale, 0.05, keeps `cargo bench
//! --bench sync` to a few minutes on two cores (criterion's eleven full
//! syncs, each into a fresh store).
//!
//! Figures, one line each after criterion's report: records per second end
//! to end (median run), requests made, peak memory (`VmHWM`, reset after the
//! replay server has loaded the organisation, so it is the sync's peak on top
//! of the server's copy), and the requests per source of a delta sync with
//! nothing changed. Goals (issue 3): at least 20,000 records/s; a no-change
//! delta sync at most one request per endpoint and scope, GitHub's as 304s.
//!
//! The replay server evaluates the incremental questions the way the
//! providers would (FORMAT.md, "Queries"): Jira's `updated >= cursor - 2 min`
//! gets only the issues updated in that window, GitHub's commits `since`
//! only the commits from then on; Slack's history walk stops at its `oldest`
//! by itself.
//!
//! `cargo bench --bench sync -- --test` (and `cargo test --benches`) runs a
//! tiny organisation (scale 0.002, unless `SYNC_BENCH_SCALE` says otherwise)
//! once through both benchmarks, as a check. Criterion times at least eleven
//! full syncs; for one run of the issue's whole organisation use
//! `SYNC_BENCH_SCALE=1 cargo bench --bench sync -- --test` (minutes); with
//! the default request budget (5,000 per provider and run) it takes several
//! sync runs, each resuming the last; `SYNC_BENCH_BUDGET=1000000` lets one
//! run do it all.
//! `SYNC_BENCH_STORE_DIR=/dev/shm` puts the stores on tmpfs, which shows how
//! much of a run is `fsync` (each source's writer thread commits durably
//! once a second and at its end; the commits between are deferred).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod github;
mod jira;
mod org;
mod slack;
mod zoom;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use async_cockpit::commands::sync_all;
use async_cockpit::config::Config;
use async_cockpit::replay::{ReplayOptions, ReplayServer, RequestRecord};
use async_cockpit::store::{KeySource, Store};
use async_cockpit::sync::{Progress, SyncEvent};
use criterion::{Criterion, SamplingMode, Throughput};
use jiff::Timestamp;
use org::{Org, config, generate};

/// Scale used when `SYNC_BENCH_SCALE` is not set.
const DEFAULT_SCALE: f64 = 0.05;
/// Scale of the `--test` check.
const TEST_SCALE: f64 = 0.002;
const SITE: &str = "bench";
const GOAL_RECORDS_PER_SEC: f64 = 20_000.0;

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
    // The store the delta syncs run on: the last full run's, else one synced
    // (untimed) on first need.
    let synced: RefCell<Option<BenchStore>> = RefCell::new(None);

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
                    let bench = fresh_store();
                    let run = timed_sync(&rt, &server, &bench.store, &cfg);
                    // Nothing lost, nothing doubled (not timed).
                    let stored: u64 = bench.store.counts().expect("counts").iter().map(|(_, n)| n).sum();
                    assert_eq!(
                        stored, expected as u64,
                        "the store holds an unexpected number of records"
                    );
                    total += run.elapsed;
                    full_runs.borrow_mut().push(run);
                    // Dropped (store, then folder) when the next run replaces it.
                    *synced.borrow_mut() = Some(bench);
                }
                total
            });
        });
        group.throughput(Throughput::Elements(1));
        group.bench_function("delta_nothing_changed", |b| {
            b.iter_custom(|iters| {
                let mut slot = synced.borrow_mut();
                let store = &slot
                    .get_or_insert_with(|| {
                        let bench = fresh_store();
                        timed_sync(&rt, &server, &bench.store, &cfg);
                        bench
                    })
                    .store;
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let run = timed_sync(&rt, &server, store, &cfg);
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

/// What one sync did (over as many runs as the request budget needed).
struct Run {
    elapsed: Duration,
    records: usize,
    /// `sync_all` calls: more than one when a provider's request budget
    /// (`REQUEST_BUDGET` per run) ran out, as the next sync resumes.
    sync_runs: usize,
    /// Per source: records written, seconds until it finished (summed over
    /// runs), `Page` events (about one store transaction each).
    per_source: BTreeMap<&'static str, (usize, f64, usize)>,
    /// Requests the clients counted.
    client_requests: u32,
    /// The requests the replay server answered during the run.
    requests: Vec<RequestRecord>,
}

/// A store and the temp folder it lives in (dropped in this order).
struct BenchStore {
    store: Store,
    _dir: tempfile::TempDir,
}

/// A new sealed store in its own temp folder (under `SYNC_BENCH_STORE_DIR`
/// when set, e.g. `/dev/shm` to see what the syncs cost without `fsync`),
/// with the bench's tokens.
fn fresh_store() -> BenchStore {
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
    BenchStore { store, _dir: dir }
}

/// Most `sync_all` calls one timed sync may take.
const MAX_SYNC_RUNS: usize = 100;

/// Syncs `store` until no source stops for its request budget; everything
/// else that goes wrong fails the bench.
fn timed_sync(rt: &tokio::runtime::Runtime, server: &ReplayServer, store: &Store, cfg: &Config) -> Run {
    let before = server.requests().len();
    let mut run = Run {
        elapsed: Duration::ZERO,
        records: 0,
        sync_runs: 0,
        per_source: BTreeMap::new(),
        client_requests: 0,
        requests: Vec::new(),
    };
    loop {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let progress = Progress::new(tx);
        let started_at = Timestamp::now();
        let started = Instant::now();
        let reports = rt.block_on(sync_all(store, cfg, &progress, false));
        run.elapsed += started.elapsed();
        run.sync_runs += 1;
        drop(progress);
        let mut budget_spent = false;
        for r in &reports {
            let e = run.per_source.entry(r.source.as_str()).or_default();
            e.0 += r.total();
            e.1 += r.finished.duration_since(started_at).as_secs_f64();
            run.records += r.total();
            run.client_requests += r.requests;
            match &r.error {
                Some(e) if e.contains("request budget") => budget_spent = true,
                Some(e) => panic!("{} failed: {e}", r.source.as_str()),
                None => {}
            }
        }
        while let Ok(ev) = rx.try_recv() {
            if let SyncEvent::Page { source, .. } = ev {
                run.per_source.entry(source.as_str()).or_default().2 += 1;
            }
        }
        if !budget_spent {
            break;
        }
        assert!(
            run.sync_runs < MAX_SYNC_RUNS,
            "still out of budget after {MAX_SYNC_RUNS} runs"
        );
    }
    run.requests = server.requests().split_off(before);
    run
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
    // Records stored (a resumed run rewrites some: `written` may be more).
    let rate = expected as f64 / f.elapsed.as_secs_f64();
    println!(
        "full sync: {rate:.0} records/s end to end ({expected} records stored, {} written, in {:.2} s, \
         median of {} runs)",
        f.records,
        f.elapsed.as_secs_f64(),
        full.len()
    );
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &f.requests {
        *per.entry(provider_of(&r.path)).or_default() += 1;
    }
    let client_side = f.client_requests;
    println!(
        "full sync: {} requests ({}; the clients counted {client_side}) in {} sync run{}",
        f.requests.len(),
        per.iter()
            .map(|(p, n)| format!("{p} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        f.sync_runs,
        if f.sync_runs == 1 {
            ""
        } else {
            "s (a provider's request budget ran out; each next run resumed)"
        }
    );
    println!(
        "full sync per source: {}",
        f.per_source
            .iter()
            .map(|(source, (records, secs, pages))| format!(
                "{source} {records} records in {secs:.2} s, {pages} pages"
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    println!(
        "full sync store: {} (a writer thread per source: group commits, durable every second and at the end)",
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
