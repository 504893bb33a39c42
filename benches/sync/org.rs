//! The generated organisation: its counts, the replay folder writer, and
//! the configuration that points the sync at the replay server.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use async_cockpit::config::Config;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::SITE;

/// How far back the organisation's activity reaches.
const SPAN_DAYS: i64 = 90;

/// Counts of a generated organisation.
pub(crate) struct Org {
    pub(crate) scale: f64,
    pub(crate) now: Timestamp,
    pub(crate) projects: usize,
    pub(crate) issues_per_project: usize,
    pub(crate) sprints_per_board: usize,
    pub(crate) repos: usize,
    pub(crate) pulls_per_repo: usize,
    pub(crate) branch_commits_per_repo: usize,
    pub(crate) channels: usize,
    /// Top-level messages per channel; one in [`THREAD_EVERY`] has
    /// [`REPLIES`] replies.
    pub(crate) top_level_per_channel: usize,
    pub(crate) slack_users: usize,
    pub(crate) hosts: usize,
    pub(crate) meetings_per_host: usize,
}

pub(crate) const REVIEWS_PER_PULL: usize = 2;
pub(crate) const COMMITS_PER_PULL: usize = 3;
pub(crate) const THREAD_EVERY: usize = 25;
pub(crate) const REPLIES: usize = 4;
pub(crate) const PARTICIPANTS: usize = 5;
pub(crate) const TRANSCRIPT_EVERY: usize = 25;

impl Org {
    pub(crate) fn at(scale: f64) -> Org {
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

    pub(crate) fn threads_per_channel(&self) -> usize {
        self.top_level_per_channel.div_ceil(THREAD_EVERY)
    }

    pub(crate) fn messages_per_channel(&self) -> usize {
        self.top_level_per_channel + self.threads_per_channel() * REPLIES
    }

    pub(crate) fn project_key(&self, p: usize) -> String {
        let a = (b'A' + (p / 26) as u8) as char;
        let b = (b'A' + (p % 26) as u8) as char;
        format!("Q{a}{b}")
    }

    pub(crate) fn repo(&self, r: usize) -> String {
        format!("bench-org/service-{r:03}")
    }

    pub(crate) fn channel(&self, c: usize) -> String {
        format!("CB{c:07}")
    }

    /// `i` of `n` spread over the span, oldest first, whole seconds.
    pub(crate) fn at_fraction(&self, i: usize, n: usize) -> Timestamp {
        let span = SPAN_DAYS * 86_400;
        let back = span - (span * i as i64) / n.max(1) as i64;
        self.now - SignedDuration::from_secs(back.max(1) + 60)
    }
}

/// Deterministic pseudo-random numbers (SplitMix64).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    pub(crate) fn words(&mut self, n: usize) -> String {
        (0..n).map(|_| self.pick(&WORDS)).collect::<Vec<_>>().join(" ")
    }
}

pub(crate) const WORDS: [&str; 32] = [
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
pub(crate) fn jira_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S.000+0000").to_string()
}

/// GitHub and Zoom: `2026-01-05T09:00:00Z`.
pub(crate) fn z_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A 40-hex-digit SHA from three numbers.
pub(crate) fn sha(a: usize, b: usize, c: usize) -> String {
    let mut rng = Rng(((a as u64) << 40) ^ ((b as u64) << 8) ^ c as u64 ^ 0x5EED);
    format!("{:016x}{:016x}{:08x}", rng.next(), rng.next(), rng.next() as u32)
}

/// Writes the replay folder; returns the records a full sync writes.
pub(crate) fn generate(org: &Org, folder: &Path) -> usize {
    let mut w = Writer {
        folder: folder.to_path_buf(),
        routes: Vec::new(),
    };
    let mut rng = Rng(0x5_1C_BE_4C);
    let records = crate::jira::jira(org, &mut w, &mut rng)
        + crate::github::github(org, &mut w, &mut rng)
        + crate::slack::slack(org, &mut w, &mut rng)
        + crate::zoom::zoom(org, &mut w, &mut rng);
    w.file("routes.json", &json!({ "routes": w.routes }));
    records
}

pub(crate) struct Writer {
    pub(crate) folder: PathBuf,
    pub(crate) routes: Vec<Value>,
}

impl Writer {
    pub(crate) fn file(&self, name: &str, v: &Value) {
        let path = self.folder.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let mut f = BufWriter::new(std::fs::File::create(&path).expect("create"));
        serde_json::to_writer(&mut f, v).expect("write json");
        f.flush().expect("flush");
    }

    pub(crate) fn text(&self, name: &str, text: &str) {
        let path = self.folder.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// A route serving `file` (written from `body`), paged in `pages` when given.
    pub(crate) fn route(&mut self, path: &str, query: Value, file: &str, body: &Value, pages: Option<Value>) {
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

pub(crate) fn pages(style: &str, items: &str, size: usize) -> Option<Value> {
    Some(json!({ "style": style, "items": items, "page_size": size }))
}

/// Every provider but Confluence pointed at the replay server; tokens from
/// the store (the named variables are never set).
pub(crate) fn config(org: &Org, base: &str) -> Config {
    let list = |v: Vec<String>| v.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ");
    // `SYNC_BENCH_BUDGET` raises the per-provider request budget (default the
    // program's), so a large organisation syncs in one run, not in one run
    // per 5,000 requests.
    let budget = std::env::var("SYNC_BENCH_BUDGET")
        .ok()
        .and_then(|b| b.parse::<u32>().ok())
        .unwrap_or(async_cockpit::config::DEFAULT_REQUEST_BUDGET);
    let text = format!(
        r#"site = "{SITE}"
retention_days = 90
request_budget = {budget}

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
