//! `sync` and the default command (the cockpit on the configured site).

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use jiff::Timestamp;
use zeroize::Zeroizing;

use super::snapshot::{SNAPSHOT_NAME, compute_snapshot};
use super::{load_config, open_store, unix_user};
use crate::access::Viewer;
use crate::cli::GlobalArgs;
use crate::config::Config;
use crate::insight::Snapshot;
use crate::model::Source;
use crate::sources::http::Auth;
use crate::sources::jira::JiraClient;
use crate::store::Store;
use crate::sync::{Progress, SourceReport, SyncEvent, sync_jira};
use crate::ui::CockpitData;

/// Requests one provider may make in one sync run.
pub const REQUEST_BUDGET: u32 = 5_000;

/// The token of `provider`: the environment variable the config names, else
/// the token sealed in the store by `auth set`.
pub(crate) fn token(store: &Store, provider: &str, env_name: &str) -> anyhow::Result<Arc<Zeroizing<String>>> {
    if let Ok(v) = std::env::var(env_name)
        && !env_name.is_empty()
        && !v.trim().is_empty()
    {
        return Ok(Arc::new(Zeroizing::new(v.trim().to_string())));
    }
    store.secret(provider)?.map(Arc::new).with_context(|| {
        format!(
            "no {provider} token: set {env_name} or run `async-cockpit auth set {provider}` (reads stdin)"
        )
    })
}

/// Builds the Jira client from config and token.
pub(crate) fn jira_client(store: &Store, cfg: &Config) -> anyhow::Result<JiraClient> {
    let token = token(store, "jira", &cfg.jira.token_env)?;
    let auth = if cfg.jira.user.is_empty() {
        Auth::Bearer(token)
    } else {
        Auth::Basic {
            user: cfg.jira.user.clone(),
            token,
        }
    };
    Ok(JiraClient::new(&cfg.jira, auth, REQUEST_BUDGET)?)
}

/// Syncs every enabled source that this version supports, then purges by the
/// retention window and recomputes the snapshot. A source that cannot start
/// (no token, bad URL) gets a report with its error; the others go on.
pub(crate) async fn sync_all(
    store: &Store,
    cfg: &Config,
    progress: &Progress,
    full: bool,
) -> Vec<SourceReport> {
    let mut reports = Vec::new();
    if cfg.jira.enabled {
        match jira_client(store, cfg) {
            Ok(client) => {
                let p = progress.clone();
                let hook: crate::sources::http::WaitHook = Arc::new(move |seconds, reason| {
                    p.send(SyncEvent::Waiting {
                        source: Source::Jira,
                        seconds,
                        reason: reason.to_string(),
                    });
                });
                let client = client
                    .clone()
                    .with_http(client.http().clone().with_wait_hook(hook));
                reports.push(sync_jira(store, cfg, &client, progress, full).await);
            }
            Err(e) => reports.push(failed(Source::Jira, &e)),
        }
    }
    reports
}

fn failed(source: Source, e: &anyhow::Error) -> SourceReport {
    SourceReport {
        source,
        written: Vec::new(),
        requests: 0,
        error: Some(format!("{e:#}")),
        finished: Timestamp::now(),
    }
}

/// Prints one line per source and kind.
pub(crate) fn print_reports(reports: &[SourceReport]) {
    for r in reports {
        let kinds: Vec<String> = r.written.iter().map(|(k, n)| format!("{n} {k}")).collect();
        println!(
            "{:<11} {:>5} records ({}) in {} requests{}",
            r.source.as_str(),
            r.total(),
            kinds.join(", "),
            r.requests,
            r.error
                .as_deref()
                .map(|e| format!("; error: {e}"))
                .unwrap_or_default()
        );
    }
}

/// `sync`: pull, purge, recompute, report.
pub(super) async fn sync(g: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let (cfg, _) = load_config(g)?;
    let enabled = [
        cfg.github.enabled,
        cfg.jira.enabled,
        cfg.slack.enabled,
        cfg.zoom.enabled,
        cfg.confluence.enabled,
    ];
    anyhow::ensure!(
        enabled.iter().any(|e| *e),
        "no source is enabled in the configuration; set `enabled = true` in a provider section"
    );
    let store = open_store(g, &cfg, true)?;
    let reports = sync_all(&store, &cfg, &Progress::default(), false).await;
    print_reports(&reports);
    let purge = store.purge(Timestamp::now(), cfg.retention_days)?;
    println!("{purge}");
    compute_snapshot(&store, &cfg, Timestamp::now())?;
    Ok(if reports.iter().any(|r| r.error.is_some()) {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The default command: the cockpit on the latest stored snapshot.
pub(super) async fn cockpit(g: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let (cfg, _) = load_config(g)?;
    let store = open_store(g, &cfg, false)?;
    let snapshot = match store.snapshot(SNAPSHOT_NAME)? {
        Some(bytes) => serde_json::from_slice::<Snapshot>(&bytes).ok(),
        None => None,
    };
    let snapshot = match snapshot {
        Some(s) => s,
        None => compute_snapshot(&store, &cfg, Timestamp::now())?,
    };
    let viewer = Viewer::from_config(&cfg, unix_user().as_deref());
    let data = CockpitData {
        snapshot,
        sources: Vec::new(),
        role: viewer.role_label(),
        viewer: viewer.name,
    };
    drop(store);
    tokio::task::block_in_place(|| super::open_cockpit(data)).context("the cockpit failed")?;
    Ok(ExitCode::SUCCESS)
}
