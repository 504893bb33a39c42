//! `sync` and the default command (the cockpit on the configured site).
//!
//! `sync` runs every enabled source concurrently through [`sync_all`], shows
//! progress from the sync's event channel (`progress`: spinners on a
//! terminal, plain lines otherwise) and ends with a summary per source.

mod progress;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use jiff::Timestamp;
use zeroize::Zeroizing;

use super::snapshot::{compute_snapshot, stored_first_frame};
use super::{load_config, open_store, unix_user};
use crate::access::Viewer;
use crate::cli::{GlobalArgs, SyncArgs};
use crate::config::Config;
use crate::model::Source;
use crate::sources::confluence::ConfluenceClient;
use crate::sources::github::GithubClient;
use crate::sources::http::{Auth, HttpClient};
use crate::sources::jira::JiraClient;
use crate::sources::slack::SlackClient;
use crate::sources::zoom::{ZoomClient, ZoomCredentials};
use crate::store::Store;
use crate::sync::{
    Progress, SourceReport, SyncEvent, sync_confluence, sync_github, sync_jira, sync_slack, sync_zoom,
};
use crate::ui::CockpitData;
use progress::{Mode, ProgressView};

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
    Ok(JiraClient::new(&cfg.jira, auth, cfg.request_budget)?)
}

/// The Zoom server-to-server app credentials: the environment variables the
/// config names, else the sealed `zoom` secret written by `auth set zoom` as
/// `ACCOUNT_ID:CLIENT_ID:CLIENT_SECRET`.
pub(crate) fn zoom_credentials(store: &Store, cfg: &Config) -> anyhow::Result<ZoomCredentials> {
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !name.is_empty() && !v.trim().is_empty())
    };
    if let (Some(a), Some(c), Some(sec)) = (
        env(&cfg.zoom.account_id_env),
        env(&cfg.zoom.client_id_env),
        env(&cfg.zoom.client_secret_env),
    ) {
        return Ok(ZoomCredentials {
            account_id: a,
            client_id: c,
            client_secret: Arc::new(Zeroizing::new(sec)),
        });
    }
    let sealed = store.secret("zoom")?.with_context(|| {
        format!(
            "no zoom credentials: set {}, {} and {}, or run `async-cockpit auth set zoom` with \
             ACCOUNT_ID:CLIENT_ID:CLIENT_SECRET on stdin",
            cfg.zoom.account_id_env, cfg.zoom.client_id_env, cfg.zoom.client_secret_env
        )
    })?;
    let mut parts = sealed.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(c), Some(sec)) if !a.is_empty() && !c.is_empty() && !sec.is_empty() => {
            Ok(ZoomCredentials {
                account_id: a.to_string(),
                client_id: c.to_string(),
                client_secret: Arc::new(Zeroizing::new(sec.to_string())),
            })
        }
        _ => anyhow::bail!("the sealed zoom secret must be ACCOUNT_ID:CLIENT_ID:CLIENT_SECRET"),
    }
}

fn wait_hook(progress: &Progress, source: Source) -> crate::sources::http::WaitHook {
    let p = progress.clone();
    Arc::new(move |seconds, reason| {
        p.send(SyncEvent::Waiting {
            source,
            seconds,
            reason: reason.to_string(),
        });
    })
}

/// One source's report and how many of its requests were answered
/// `304 Not Modified` (the report does not carry that).
#[derive(Debug, Clone)]
pub(crate) struct SourceSummary {
    /// What the source's sync did.
    pub report: SourceReport,
    /// Requests answered 304 (unchanged since the stored `ETag`).
    pub not_modified: u32,
}

/// Syncs every enabled source that this version supports, concurrently; a
/// source that cannot start (no token, bad URL) gets a report with its error,
/// and one failing source never stops the others. Reports are sorted by
/// source.
pub async fn sync_all(store: &Store, cfg: &Config, progress: &Progress, full: bool) -> Vec<SourceReport> {
    sync_sources(store, cfg, progress, full)
        .await
        .into_iter()
        .map(|s| s.report)
        .collect()
}

/// The providers `sync_all` runs, in the order they start.
const PROVIDERS: [Source; 5] = [
    Source::Jira,
    Source::Github,
    Source::Slack,
    Source::Confluence,
    Source::Zoom,
];

/// Whether `source` is enabled in `cfg`.
fn enabled(cfg: &Config, source: Source) -> bool {
    match source {
        Source::Github => cfg.github.enabled,
        Source::Jira => cfg.jira.enabled,
        Source::Slack => cfg.slack.enabled,
        Source::Zoom => cfg.zoom.enabled,
        Source::Confluence => cfg.confluence.enabled,
        Source::Git | Source::SlackExport | Source::Vtt | Source::Llm => false,
    }
}

type Job<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = SourceSummary> + Send + 'a>>;

/// [`sync_all`], with each source's count of `304` answers.
pub(crate) async fn sync_sources(
    store: &Store,
    cfg: &Config,
    progress: &Progress,
    full: bool,
) -> Vec<SourceSummary> {
    let mut jobs: Vec<Job<'_>> = Vec::new();
    let mut reports = Vec::new();
    for source in PROVIDERS.into_iter().filter(|s| enabled(cfg, *s)) {
        match start(store, cfg, progress, source, full) {
            Ok(job) => jobs.push(job),
            Err(e) => reports.push(not_started(source, &e)),
        }
    }
    reports.extend(futures_util::future::join_all(jobs).await);
    reports.sort_by_key(|r| r.report.source);
    reports
}

/// Builds `source`'s client (with the configured request budget and a wait
/// hook feeding `progress`) and the job that syncs it and counts its 304s.
/// The job runs as its own task, so the sources' parsing and mapping spread
/// over the runtime's worker threads instead of sharing the caller's.
fn start<'a>(
    store: &'a Store,
    cfg: &'a Config,
    progress: &'a Progress,
    source: Source,
    full: bool,
) -> anyhow::Result<Job<'a>> {
    // Clones of an `HttpClient` share its counters: read the 304s after the run.
    fn spawned(
        http: HttpClient,
        source: Source,
        job: impl std::future::Future<Output = SourceReport> + Send + 'static,
    ) -> Job<'static> {
        let task = tokio::spawn(job);
        Box::pin(async move {
            let report = match task.await {
                Ok(report) => report,
                Err(e) => SourceReport {
                    source,
                    written: Vec::new(),
                    requests: http.requests(),
                    error: Some(format!("the {} sync task failed: {e}", source.as_str())),
                    finished: Timestamp::now(),
                },
            };
            SourceSummary {
                report,
                not_modified: http.not_modified(),
            }
        })
    }
    let budget = cfg.request_budget;
    let hook = |http: &HttpClient| http.clone().with_wait_hook(wait_hook(progress, source));
    // Owned for the task (a store clone shares the one open database).
    let (st, conf, prog) = (store.clone(), cfg.clone(), progress.clone());
    Ok(match source {
        Source::Jira => {
            let c = jira_client(store, cfg)?;
            let c = c.clone().with_http(hook(c.http()));
            spawned(c.http().clone(), source, async move {
                sync_jira(&st, &conf, &c, &prog, full).await
            })
        }
        Source::Github => {
            let t = token(store, "github", &cfg.github.token_env)?;
            let c = GithubClient::new(&cfg.github, Auth::Bearer(t), budget)?;
            let c = c.clone().with_http(hook(c.http()));
            spawned(c.http().clone(), source, async move {
                sync_github(&st, &conf, &c, &prog, full).await
            })
        }
        Source::Slack => {
            let t = token(store, "slack", &cfg.slack.token_env)?;
            let c = SlackClient::new(&cfg.slack, Auth::Bearer(t), budget)?;
            let c = c.clone().with_http(hook(c.http()));
            spawned(c.http().clone(), source, async move {
                sync_slack(&st, &conf, &c, &prog, full).await
            })
        }
        Source::Confluence => {
            let t = token(store, "confluence", &cfg.confluence.token_env)?;
            let auth = if cfg.confluence.user.is_empty() {
                Auth::Bearer(t)
            } else {
                Auth::Basic {
                    user: cfg.confluence.user.clone(),
                    token: t,
                }
            };
            let c = ConfluenceClient::new(&cfg.confluence, auth, budget)?;
            let c = c.clone().with_http(hook(c.http()));
            spawned(c.http().clone(), source, async move {
                sync_confluence(&st, &conf, &c, &prog, full).await
            })
        }
        Source::Zoom => {
            let c = ZoomClient::new(&cfg.zoom, zoom_credentials(store, cfg)?, budget)?;
            let c = c.clone().with_http(hook(c.http()));
            spawned(c.http().clone(), source, async move {
                sync_zoom(&st, &conf, c, &prog, full).await
            })
        }
        Source::Git | Source::SlackExport | Source::Vtt | Source::Llm => {
            anyhow::bail!("{} is not a synced provider", source.as_str())
        }
    })
}

fn not_started(source: Source, e: &anyhow::Error) -> SourceSummary {
    SourceSummary {
        report: SourceReport {
            source,
            written: Vec::new(),
            requests: 0,
            error: Some(format!("{e:#}")),
            finished: Timestamp::now(),
        },
        not_modified: 0,
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
pub(super) async fn sync(g: &GlobalArgs, args: &SyncArgs) -> anyhow::Result<ExitCode> {
    let (mut cfg, _) = load_config(g)?;
    if !args.sources.is_empty() {
        const KNOWN: [&str; 5] = ["github", "jira", "slack", "zoom", "confluence"];
        if let Some(bad) = args.sources.iter().find(|s| !KNOWN.contains(&s.as_str())) {
            anyhow::bail!("unknown source {bad:?}; use one of: {}", KNOWN.join(", "));
        }
        let on = |name: &str| args.sources.iter().any(|s| s == name);
        cfg.github.enabled &= on("github");
        cfg.jira.enabled &= on("jira");
        cfg.slack.enabled &= on("slack");
        cfg.zoom.enabled &= on("zoom");
        cfg.confluence.enabled &= on("confluence");
    }
    let sources: Vec<Source> = [
        (Source::Github, cfg.github.enabled),
        (Source::Jira, cfg.jira.enabled),
        (Source::Slack, cfg.slack.enabled),
        (Source::Zoom, cfg.zoom.enabled),
        (Source::Confluence, cfg.confluence.enabled),
    ]
    .into_iter()
    .filter_map(|(s, on)| on.then_some(s))
    .collect();
    anyhow::ensure!(
        !sources.is_empty(),
        "no source is enabled in the configuration; set `enabled = true` in a provider section"
    );
    let store = open_store(g, &cfg, true)?;
    let view = ProgressView::new(Mode::detect(), &sources);
    let (summaries, errors) = sync_with_view(&store, &cfg, args.full, view).await;
    print!("{}", progress::summary(&summaries, &errors));
    let purge = store.purge(Timestamp::now(), cfg.retention_days)?;
    println!("{purge}");
    compute_snapshot(&store, &cfg, Timestamp::now())?;
    Ok(if summaries.iter().any(|s| s.report.error.is_some()) {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs [`sync_sources`] while `view` shows its events; returns the
/// summaries and each one's error count as the view saw them.
async fn sync_with_view(
    store: &Store,
    cfg: &Config,
    full: bool,
    mut view: ProgressView,
) -> (Vec<SourceSummary>, Vec<u32>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let progress = Progress::new(tx);
    // Countdowns of rate-limit waits move once a second.
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let summaries = {
        let run = sync_sources(store, cfg, &progress, full);
        tokio::pin!(run);
        loop {
            tokio::select! {
                biased;
                Some(ev) = rx.recv() => view.handle(&ev),
                summaries = &mut run => break summaries,
                _ = tick.tick() => view.tick(),
            }
        }
    };
    // Events sent just before the end; the sending clients are gone.
    drop(progress);
    while let Ok(ev) = rx.try_recv() {
        view.handle(&ev);
    }
    let errors = view.close(&summaries);
    (summaries, errors)
}

/// The default command: the cockpit on the latest stored snapshot. It opens
/// on the snapshot's first frame (figures without the items behind them);
/// the full snapshot and the team's standup follow in the background.
pub(super) async fn cockpit(g: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let (cfg, _) = load_config(g)?;
    let store = open_store(g, &cfg, false)?;
    let snapshot = match stored_first_frame(&store)? {
        Some(s) => s,
        None => compute_snapshot(&store, &cfg, Timestamp::now())?,
    };
    let viewer = Viewer::from_config(&cfg, unix_user().as_deref());
    let mut snapshot = snapshot;
    super::audit_strategic_read(&store, &viewer, &cfg, &mut snapshot)?;
    let data = CockpitData {
        snapshot,
        sources: Vec::new(),
        role: viewer.role_label(),
        viewer: viewer.name.clone(),
        standup: None,
    };
    // The store stays open for the session: `r` syncs in the background.
    super::live::Session {
        store: Arc::new(store),
        cfg: Arc::new(cfg),
        viewer,
    }
    .run(data, None)
    .await?;
    Ok(ExitCode::SUCCESS)
}
