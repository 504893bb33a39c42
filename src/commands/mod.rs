//! What each command does: the edge where configuration, store, sources,
//! analytics and UI meet. Errors here are `anyhow` with context; the library
//! layers below return typed errors.

pub mod cockpit_service;
mod demo;
mod doctor;
mod import;
pub mod live;
mod llm_cmd;
mod maintain;
mod metrics;
pub mod snapshot;
mod standup_cmd;
mod sync_cmd;
mod triage;

pub use demo::{demo_config, demo_dir};
pub use live::persist_intent;
pub use snapshot::{Inputs, compute, compute_snapshot, load_inputs, stored_snapshot};
pub use sync_cmd::sync_all;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{AuthCommand, Cli, Command, ConfigCommand, GlobalArgs, KeyCommand, LlmCommand};
use crate::config::{Config, ConfigSource, DEFAULT_TOML, Paths};
use crate::store::{KeySource, Store};

/// Runs a parsed command line. Returns the process exit code.
///
/// # Errors
/// Whatever stopped the command, with context saying where.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let _log = init_logging();
    let g = &cli.global;
    match cli.command {
        None => runtime()?.block_on(sync_cmd::cockpit(g)),
        Some(Command::Demo(args)) => runtime()?.block_on(demo::demo(g, &args)),
        Some(Command::Sync(args)) => runtime()?.block_on(sync_cmd::sync(g, &args)),
        Some(Command::Import(cmd)) => import::import(g, &cmd),
        Some(Command::Standup(a)) => runtime()?.block_on(standup_cmd::standup(
            g,
            &standup_cmd::StandupOptions {
                person: a.person,
                markdown: a.markdown,
                post: a.post,
                yes: a.yes,
                offline: a.offline,
            },
        )),
        Some(Command::Retro(a)) => runtime()?.block_on(llm_cmd::retro(g, &a.sprint, a.markdown)),
        Some(Command::Llm(LlmCommand::Preview(a))) => {
            let target = match (a.retro, a.ask) {
                (Some(sprint), _) => llm_cmd::PreviewTarget::Retro { sprint },
                (None, Some(question)) => llm_cmd::PreviewTarget::Ask { question },
                (None, None) => llm_cmd::PreviewTarget::Standup { person: a.person },
            };
            llm_cmd::preview(g, &target)
        }
        Some(Command::Llm(LlmCommand::Ask { question })) => runtime()?.block_on(llm_cmd::ask(g, &question)),
        Some(Command::Doctor) => runtime()?.block_on(doctor::doctor(g)),
        Some(Command::Metrics(args)) => metrics::metrics(g, &args),
        Some(Command::Cards(args)) => metrics::cards(g, &args),
        Some(Command::Triage(args)) => triage::triage(g, &args),
        Some(Command::Export(_)) => maintain::export(g),
        Some(Command::Purge) => maintain::purge(g),
        Some(Command::Key(KeyCommand::Init)) => maintain::key_init(g),
        Some(Command::Auth(AuthCommand::Set { provider })) => maintain::auth_set(g, &provider),
        Some(Command::Config(ConfigCommand::Default)) => {
            print!("{DEFAULT_TOML}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Config(ConfigCommand::Check)) => {
            let (cfg, source) = load_config(g)?;
            println!(
                "{source}: ok (site '{}', {} people, retention {} days)",
                cfg.site,
                cfg.people.len(),
                cfg.retention_days
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Logs go to `$XDG_STATE_HOME/async-cockpit/async-cockpit.log` (the TUI owns
/// stdout). Level from `ASYNC_COCKPIT_LOG` (default `info`). Never tokens,
/// message bodies or personal data.
fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = crate::config::state_dir();
    crate::store::create_private_dir(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "async-cockpit.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("ASYNC_COCKPIT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Loads the configuration and applies `--site`.
pub(crate) fn load_config(g: &GlobalArgs) -> anyhow::Result<(Config, ConfigSource)> {
    let (mut cfg, source) = Config::load(g.config.as_deref())?;
    if let Some(site) = &g.site {
        anyhow::ensure!(
            crate::config::is_valid_site_name(site),
            "--site {site:?}: a site name is 1-64 letters, digits, '-' or '_'"
        );
        cfg.site = site.clone();
    }
    Ok((cfg, source))
}

pub(crate) fn key_file(g: &GlobalArgs, paths: &Paths) -> PathBuf {
    g.key_file.clone().unwrap_or_else(|| paths.key_file.clone())
}

/// Opens the configured site's store with the resolved key.
pub(crate) fn open_store(g: &GlobalArgs, cfg: &Config, create: bool) -> anyhow::Result<Store> {
    let paths = Paths::resolve(g.data_dir.as_deref());
    let key = KeySource::resolve(&key_file(g, &paths))?;
    Ok(Store::open(&paths.site_dir(&cfg.site), &cfg.site, &key, create)?)
}

/// `$USER` (or `$LOGNAME`), for matching a person's `unix_user`.
pub(crate) fn unix_user() -> Option<String> {
    std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).ok()
}

/// Applies the access rules to `snapshot` for `viewer` and writes one audit
/// record per other person whose individual figures a strategic viewer is
/// about to see.
pub(crate) fn audit_strategic_read(
    store: &Store,
    viewer: &crate::access::Viewer,
    cfg: &Config,
    snapshot: &mut crate::insight::Snapshot,
) -> anyhow::Result<()> {
    let now = jiff::Timestamp::now();
    for subject in crate::access::restrict_snapshot(snapshot, viewer, cfg) {
        store.append_audit(&crate::store::AuditEntry {
            viewer: viewer.name.clone(),
            subject,
            view: "cockpit.individual_figures".into(),
            at: now,
        })?;
    }
    Ok(())
}
