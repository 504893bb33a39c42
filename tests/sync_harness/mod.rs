//! What the `sync_*` tests share: the demo organisation served by a replay
//! server in the test process, a configuration file pointing every provider
//! at it, and the real binary run against it (`auth set`, `sync`, `export`).
//!
//! Each store gets its own data folder and key file; the environment of the
//! children is cut off from the user's (XDG folders in the temp folder, no
//! provider tokens, `USER` set to the demo's engineering manager so `export`
//! shows every meeting's attendance).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use async_cockpit::replay::{ReplayOptions, ReplayServer, RequestRecord};
use jiff::Timestamp;
use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_async-cockpit");

/// Environment variables that could hand a child a real credential.
const CREDENTIAL_VARS: [&str; 9] = [
    "GITHUB_TOKEN",
    "JIRA_TOKEN",
    "SLACK_TOKEN",
    "CONFLUENCE_TOKEN",
    "ZOOM_ACCOUNT_ID",
    "ZOOM_CLIENT_ID",
    "ZOOM_CLIENT_SECRET",
    "ASYNC_COCKPIT_PASSPHRASE",
    "CREDENTIALS_DIRECTORY",
];

/// The demo organisation behind a replay server, and a temp folder for
/// configuration, stores and keys.
pub struct Demo {
    /// Runs the replay server; the tests block on children meanwhile.
    pub rt: tokio::runtime::Runtime,
    pub server: ReplayServer,
    pub home: tempfile::TempDir,
    pub config: PathBuf,
}

/// One store: its data folder and key file.
#[derive(Clone)]
pub struct StoreDir {
    pub data: PathBuf,
    pub key: PathBuf,
}

impl Demo {
    /// Serves `assets/demo` shifted to `now` and writes the configuration.
    pub fn start(now: Timestamp) -> Demo {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
        let server = rt
            .block_on(ReplayServer::start(&folder, ReplayOptions { now: Some(now) }))
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        // The demo's own config, its placeholder origin replaced by the
        // server's (the suffixes /api, /v2 and /wiki stay, as `demo` has them).
        let text = std::fs::read_to_string(folder.join("config.toml")).unwrap();
        assert!(
            text.contains("http://127.0.0.1:1\""),
            "demo config origin changed"
        );
        let text = text
            .replace("http://127.0.0.1:1\"", &format!("{}\"", server.base_url()))
            .replace("http://127.0.0.1:1/", &format!("{}/", server.base_url()));
        let config = home.path().join("config.toml");
        std::fs::write(&config, text).unwrap();
        Demo {
            rt,
            server,
            home,
            config,
        }
    }

    /// A new store named `name`: key file created, demo tokens sealed.
    pub fn store(&self, name: &str) -> StoreDir {
        let dir = StoreDir {
            data: self.home.path().join(name),
            key: self.home.path().join(format!("{name}.key")),
        };
        let out = self.run(&dir, &["key", "init"], None);
        assert!(out.status.success(), "key init: {}", text(&out));
        for provider in ["github", "jira", "slack", "confluence"] {
            let token = format!("demo-{provider}-token");
            let out = self.run(&dir, &["auth", "set", provider], Some(&token));
            assert!(out.status.success(), "auth set {provider}: {}", text(&out));
        }
        let out = self.run(
            &dir,
            &["auth", "set", "zoom"],
            Some("demo-account:demo-client:demo-zoom-secret"),
        );
        assert!(out.status.success(), "auth set zoom: {}", text(&out));
        dir
    }

    /// `async-cockpit --config CFG --data-dir DIR --key-file KEY ARGS…`,
    /// not started yet.
    pub fn command(&self, dir: &StoreDir, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(&dir.data)
            .arg("--key-file")
            .arg(&dir.key)
            .args(args)
            .env("XDG_CONFIG_HOME", self.home.path().join("xdg-config"))
            .env("XDG_STATE_HOME", self.home.path().join("xdg-state"))
            .env("XDG_DATA_HOME", self.home.path().join("xdg-data"))
            .env("USER", "greta")
            .env("NO_COLOR", "1")
            .env_remove("ASYNC_COCKPIT_CONFIG")
            .env_remove("ASYNC_COCKPIT_LOG");
        for v in CREDENTIAL_VARS {
            cmd.env_remove(v);
        }
        cmd
    }

    /// Runs the binary to the end, `stdin` piped in when given.
    pub fn run(&self, dir: &StoreDir, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = self.command(dir, args);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = cmd.spawn().unwrap();
        if let Some(s) = stdin {
            child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        }
        child.wait_with_output().unwrap()
    }

    /// Starts `sync` without waiting (output discarded).
    pub fn spawn_sync(&self, dir: &StoreDir) -> Child {
        self.command(dir, &["sync"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Runs `sync` to the end and checks it succeeded.
    pub fn sync(&self, dir: &StoreDir) -> Output {
        let out = self.run(dir, &["sync"], None);
        assert!(out.status.success(), "sync failed: {}", text(&out));
        out
    }

    /// `export --json`: the stored records.
    pub fn export(&self, dir: &StoreDir) -> Vec<Value> {
        let out = self.run(dir, &["export", "--json"], None);
        assert!(out.status.success(), "export: {}", text(&out));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["records"].as_array().unwrap().clone()
    }

    /// Requests the server answered since `from` (an index into its log).
    pub fn requests_since(&self, from: usize) -> Vec<RequestRecord> {
        self.server.requests().split_off(from)
    }
}

/// Stdout and stderr of a finished child.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Which provider a replay request was for, from its path.
pub fn provider_of(path: &str) -> &'static str {
    if path.starts_with("/repos/") || path.starts_with("/users/") || path.starts_with("/user") {
        "github"
    } else if path.starts_with("/rest/") {
        "jira"
    } else if path.starts_with("/api/") {
        "slack"
    } else if path.starts_with("/v2/") || path.starts_with("/oauth") || path.starts_with("/rec/") {
        "zoom"
    } else if path.starts_with("/wiki/") {
        "confluence"
    } else {
        "other"
    }
}

/// Query parameters that only walk pages of one listing.
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

/// The endpoint and scope of a request: method, path and the query without
/// its paging parameters (two requests with the same key walk one listing).
pub fn scope_of(r: &RequestRecord) -> String {
    let mut kept: Vec<(String, String)> = url::form_urlencoded::parse(r.query.as_bytes())
        .filter(|(k, _)| !PAGING_PARAMS.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    kept.sort();
    let q: Vec<String> = kept.iter().map(|(k, v)| format!("{k}={v}")).collect();
    if q.is_empty() {
        format!("{} {}", r.method, r.path)
    } else {
        format!("{} {}?{}", r.method, r.path, q.join("&"))
    }
}

/// Requests per provider: `(total, answered 304)`.
pub fn per_provider(requests: &[RequestRecord]) -> BTreeMap<&'static str, (usize, usize)> {
    let mut out: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for r in requests {
        let e = out.entry(provider_of(&r.path)).or_default();
        e.0 += 1;
        e.1 += usize::from(r.status == 304);
    }
    out
}
