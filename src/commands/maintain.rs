//! Store maintenance commands: `export`, `purge`, `key init`, `auth set`.

use std::io::Read;
use std::process::ExitCode;

use anyhow::Context;
use jiff::Timestamp;
use zeroize::Zeroizing;

use super::{key_file, load_config, open_store, unix_user};
use crate::access::Viewer;
use crate::cli::GlobalArgs;
use crate::config::Paths;
use crate::model::Record;
use crate::store::init_key_file;

/// Providers `auth set` accepts.
pub const PROVIDERS: [&str; 6] = ["github", "jira", "slack", "zoom", "confluence", "llm"];

/// `export --json`: the stored records the viewer may see, as one JSON document.
pub(super) fn export(g: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let (cfg, _) = load_config(g)?;
    let store = open_store(g, &cfg, false)?;
    let viewer = Viewer::from_config(&cfg, unix_user().as_deref());
    let records: Vec<Record> = store
        .all_records()?
        .into_iter()
        .map(|r| visible_to(&viewer, &cfg, r))
        .collect();
    let doc = serde_json::json!({
        "site": cfg.site,
        "viewer": viewer.name,
        "exported_at": Timestamp::now().to_string(),
        "records": records,
    });
    println!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(ExitCode::SUCCESS)
}

/// Applies the access rules to one raw record: work artifacts (issues,
/// sprints, pull requests, messages, pages) are shared team data; meeting
/// attendance is individual data, so a viewer without a strategic role sees
/// only their own attendance stretches.
fn visible_to(viewer: &Viewer, cfg: &crate::config::Config, rec: Record) -> Record {
    match rec {
        Record::Meeting(mut m) if !viewer.is_strategic() => {
            let own: Vec<String> = cfg
                .people
                .iter()
                .filter(|p| p.name == viewer.name)
                .flat_map(|p| {
                    p.emails
                        .iter()
                        .chain(p.zoom_email.iter())
                        .map(|e| e.to_lowercase())
                })
                .collect();
            m.attendance.retain(|a| {
                a.email
                    .as_deref()
                    .is_some_and(|e| own.contains(&e.to_lowercase()))
                    || a.name == viewer.name
            });
            Record::Meeting(m)
        }
        other => other,
    }
}

/// `purge`: delete what is older than the retention window.
pub(super) fn purge(g: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let (cfg, _) = load_config(g)?;
    let store = open_store(g, &cfg, false)?;
    let report = store.purge(Timestamp::now(), cfg.retention_days)?;
    println!("site '{}', retention {} days", cfg.site, cfg.retention_days);
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// `key init`: create the key file.
pub(super) fn key_init(g: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let paths = Paths::resolve(g.data_dir.as_deref());
    let path = key_file(g, &paths);
    init_key_file(&path)?;
    println!("created key file {} (mode 0600)", path.display());
    println!("back it up somewhere safe: without it the stores sealed under it cannot be read");
    Ok(ExitCode::SUCCESS)
}

/// `auth set PROVIDER`: read a token from stdin and seal it in the store.
pub(super) fn auth_set(g: &GlobalArgs, provider: &str) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        PROVIDERS.contains(&provider),
        "unknown provider {provider:?}; use one of: {}",
        PROVIDERS.join(", ")
    );
    let (cfg, _) = load_config(g)?;
    let mut token = Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut token)
        .context("cannot read the token from stdin")?;
    let trimmed = Zeroizing::new(token.trim().to_string());
    anyhow::ensure!(
        !trimmed.is_empty(),
        "no token on stdin; pipe it in, e.g. `async-cockpit auth set {provider} < token.txt`"
    );
    let store = open_store(g, &cfg, true)?;
    store.put_secret(provider, &trimmed)?;
    println!(
        "stored the {provider} token sealed in the store of site '{}'",
        cfg.site
    );
    Ok(ExitCode::SUCCESS)
}
