//! `demo`: the built-in demo organisation, served by the replay server on
//! 127.0.0.1 and synced through the real HTTP clients into a sealed store.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use jiff::Timestamp;

use super::snapshot::compute_snapshot;
use super::sync_cmd::{print_reports, sync_all};
use super::{key_file, unix_user};
use crate::access::Viewer;
use crate::cli::{DemoArgs, GlobalArgs};
use crate::config::{Config, Paths};
use crate::replay::{ReplayOptions, ReplayServer};
use crate::store::{KeySource, Store, StoreError, init_key_file};
use crate::sync::Progress;
use crate::ui::CockpitData;

/// The demo's site name.
pub const DEMO_SITE: &str = "demo";
/// Environment variable overriding where the demo payloads are read from.
pub const DEMO_DIR_ENV: &str = "ASYNC_COCKPIT_DEMO_DIR";

/// The folder of demo payloads: `$ASYNC_COCKPIT_DEMO_DIR`, else `assets/demo`
/// of the source tree this binary was built from.
pub fn demo_dir() -> PathBuf {
    std::env::var_os(DEMO_DIR_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("assets")
                .join("demo")
        })
}

/// The demo configuration, pointed at a replay server at `base`.
///
/// # Errors
/// When `config.toml` of the demo folder is missing or invalid.
pub fn demo_config(dir: &std::path::Path, base: &str) -> anyhow::Result<Config> {
    let path = dir.join("config.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the demo configuration {}", path.display()))?;
    let mut cfg = Config::from_toml(&text, &path)?;
    cfg.site = DEMO_SITE.to_string();
    cfg.github.base_url = base.to_string();
    cfg.jira.base_url = base.to_string();
    cfg.slack.base_url = format!("{base}/api");
    cfg.zoom.base_url = format!("{base}/v2");
    cfg.zoom.oauth_url = base.to_string();
    cfg.confluence.base_url = format!("{base}/wiki");
    // The demo uses its own sealed demo tokens, never a real one from the environment.
    for env in [
        &mut cfg.github.token_env,
        &mut cfg.jira.token_env,
        &mut cfg.slack.token_env,
        &mut cfg.confluence.token_env,
        &mut cfg.zoom.account_id_env,
        &mut cfg.zoom.client_id_env,
        &mut cfg.zoom.client_secret_env,
    ] {
        env.clear();
    }
    Ok(cfg)
}

pub(super) async fn demo(g: &GlobalArgs, args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let dir = demo_dir();
    let now = Timestamp::now();
    let server = ReplayServer::start(&dir, ReplayOptions { now: Some(now) })
        .await
        .with_context(|| format!("cannot start the demo replay server on {}", dir.display()))?;
    let cfg = demo_config(&dir, &server.base_url())?;

    // The store: kept in --data-dir (under the usual key), or a throw-away
    // folder with a throw-away key.
    let (_tmp, site_dir, key) = match &g.data_dir {
        Some(root) => {
            let paths = Paths::resolve(Some(root));
            let kf = key_file(g, &paths);
            let key = match KeySource::resolve(&kf) {
                Ok(k) => k,
                Err(StoreError::NoKey { .. }) => {
                    init_key_file(&kf)?;
                    eprintln!("created key file {} (mode 0600) for the demo store", kf.display());
                    KeySource::resolve(&kf)?
                }
                Err(e) => return Err(e.into()),
            };
            (None, paths.site_dir(DEMO_SITE), key)
        }
        None => {
            let tmp = tempfile::Builder::new()
                .prefix("async-cockpit-demo-")
                .tempdir()
                .context("cannot create a temporary folder for the demo store")?;
            let site_dir = tmp.path().join(DEMO_SITE);
            (Some(tmp), site_dir, KeySource::ephemeral())
        }
    };
    let store = Store::open(&site_dir, DEMO_SITE, &key, true)?;
    // Demo tokens go where real ones would: sealed in the store.
    for provider in ["github", "jira", "slack", "confluence"] {
        if store.secret(provider)?.is_none() {
            store.put_secret(provider, &format!("demo-{provider}-token"))?;
        }
    }
    if store.secret("zoom")?.is_none() {
        store.put_secret("zoom", "demo-account:demo-client:demo-zoom-secret")?;
    }
    let reports = sync_all(&store, &cfg, &Progress::default(), false).await;
    let purge = store.purge(Timestamp::now(), cfg.retention_days)?;
    let snapshot = compute_snapshot(&store, &cfg, now)?;

    if args.headless {
        server.shutdown().await;
        println!("demo site '{}' synced from the replay server:", cfg.site);
        print_reports(&reports);
        println!("stored records:");
        for c in &snapshot.counts {
            println!("  {:<14} {:>6}", c.kind, c.count);
        }
        println!(
            "purged {} records older than {} days",
            purge.total(),
            cfg.retention_days
        );
        println!("sprints (story points: committed at start, completed, say/do):");
        for v in &snapshot.sprints {
            println!(
                "  board {:<3} {:<24} {:<7} committed {:>5.1}  completed {:>5.1}  say/do {:>4}  unestimated {:>2}",
                v.board_id,
                v.name,
                format!("{:?}", v.state).to_lowercase(),
                v.committed_points,
                v.completed_points,
                v.say_do_ratio
                    .map_or("–".into(), |x| format!("{:.0}%", x * 100.0)),
                v.unestimated_issues
            );
        }
        println!("cards: {}", snapshot.cards.len());
        for c in snapshot.cards.iter().take(5) {
            println!("  [{:>3}] {}", c.urgency, c.title);
        }
        if let Some(root) = &g.data_dir {
            println!("store kept in {}", root.join(DEMO_SITE).display());
        }
        return Ok(if reports.iter().any(|r| r.error.is_some()) {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        });
    }

    let viewer = Viewer::from_config(&cfg, unix_user().as_deref());
    let viewer = if viewer.roles.is_empty() {
        // In the demo you look through the eyes of its engineering manager.
        cfg.people_with_role("engineering-manager")
            .next()
            .map(|p| Viewer {
                name: p.name.clone(),
                roles: p.roles.clone(),
            })
            .unwrap_or(viewer)
    } else {
        viewer
    };
    let mut snapshot = snapshot;
    super::audit_strategic_read(&store, &viewer, &cfg, &mut snapshot)?;
    let mut cfg = cfg;
    if cfg.standup.slack_channel.is_empty() {
        // The replay server stays up while the cockpit runs, so the Standup
        // tab's post key reaches it (it has no chat.postMessage route: the
        // post fails and says why, keeping the text).
        cfg.standup.slack_channel = "C0DEMOSTANDUP".into();
    }
    let (activity, standup) = super::cockpit_service::standup_data(&store, &cfg, now)?;
    let data = CockpitData {
        snapshot,
        sources: reports,
        role: viewer.role_label(),
        viewer: viewer.name.clone(),
        standup: Some(standup.clone()),
    };
    // `r` re-syncs against the demo replay server, which stays up meanwhile.
    let session = super::live::Session {
        store: std::sync::Arc::new(store),
        cfg: std::sync::Arc::new(cfg),
        viewer,
    };
    let result = session.run(data, Some((activity, standup.team))).await;
    server.shutdown().await;
    result?;
    Ok(ExitCode::SUCCESS)
}
