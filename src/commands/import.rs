//! `import`: activity from local files into the store (see
//! [`crate::sources::import`]). Files are read first, so a wrong path never
//! creates a store; records are then written in batches of at most
//! [`BATCH`]. Imports keep everything they read: records older than the
//! retention window are only counted here, and go at the next sync's purge.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};

use super::{load_config, open_store};
use crate::cli::{GlobalArgs, ImportCommand};
use crate::config::Config;
use crate::model::Record;
use crate::sources::import::{read_export, read_history, read_transcript};
use crate::store::Store;

/// Records per store transaction.
pub const BATCH: usize = 1000;

pub(super) fn import(g: &GlobalArgs, cmd: &ImportCommand) -> anyhow::Result<ExitCode> {
    let (cfg, _) = load_config(g)?;
    let now = Timestamp::now();
    let started = Instant::now();
    match cmd {
        ImportCommand::Git { path, repo } => {
            let history = read_history(path, repo.as_deref(), &cfg.site, now)?;
            let read = started.elapsed();
            let (commits, merges) = (history.commits.len(), history.merges.len());
            let with_co_authors = history
                .commits
                .iter()
                .filter(|c| !c.co_authors.is_empty())
                .count();
            let records: Vec<Record> = history.commits.into_iter().map(Record::Commit).collect();
            let store = open_store(g, &cfg, true)?;
            write(&store, &records)?;
            println!(
                "git {}: {commits} commit(s) ({merges} merge(s), {with_co_authors} with co-authors) read in {:.2}s",
                history.repo,
                read.as_secs_f64()
            );
            summary(&cfg, &records, now, started);
            Ok(ExitCode::SUCCESS)
        }
        ImportCommand::SlackExport { path } => {
            let export = read_export(path, &cfg.site, now)?;
            let mut records: Vec<Record> = Vec::with_capacity(export.people.len() + export.messages.len());
            records.extend(export.people.into_iter().map(Record::Person));
            records.extend(export.messages.into_iter().map(Record::Message));
            let store = open_store(g, &cfg, true)?;
            write(&store, &records)?;
            println!("slack export {}:", path.display());
            for c in &export.channels {
                println!(
                    "  #{:<20} {:>6} message(s) from {} day file(s)",
                    c.name.as_deref().unwrap_or(&c.id),
                    c.messages,
                    c.day_files
                );
            }
            if !export.skipped.is_empty() {
                let skipped: Vec<String> = export.skipped.iter().map(|(s, n)| format!("{s} {n}")).collect();
                println!("  skipped (housekeeping): {}", skipped.join(", "));
            }
            summary(&cfg, &records, now, started);
            if export.errors.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!(
                "{} file(s) or message(s) could not be imported (the rest were):",
                export.errors.len()
            );
            for e in &export.errors {
                eprintln!("  {e}");
            }
            Ok(ExitCode::FAILURE)
        }
        ImportCommand::Vtt { files, meeting } => {
            let mut records = Vec::with_capacity(files.len());
            for f in files {
                let t = read_transcript(f, meeting, &cfg.site, now)?;
                let speakers = t
                    .cues
                    .iter()
                    .filter_map(|c| c.speaker.as_deref())
                    .collect::<std::collections::BTreeSet<_>>()
                    .len();
                println!("{}: {} cue(s), {speakers} speaker(s)", f.display(), t.cues.len());
                records.push(Record::Transcript(t));
            }
            let store = open_store(g, &cfg, true)?;
            write(&store, &records)?;
            println!("meeting {meeting}:");
            summary(&cfg, &records, now, started);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn write(store: &Store, records: &[Record]) -> anyhow::Result<usize> {
    let mut written = 0;
    for chunk in records.chunks(BATCH) {
        written += store.write_batch(chunk, None)?;
    }
    Ok(written)
}

/// Per kind: how many were imported and how many of those are already older
/// than the retention window.
fn summary(cfg: &Config, records: &[Record], now: Timestamp, started: Instant) {
    let cutoff = now - SignedDuration::from_hours(24 * i64::from(cfg.retention_days));
    let mut per_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in records {
        let e = per_kind.entry(r.kind().as_str()).or_default();
        e.0 += 1;
        if r.meta().event_time < cutoff {
            e.1 += 1;
        }
    }
    for (kind, (n, old)) in &per_kind {
        println!("  {kind:<14} {n:>7} imported");
        if *old > 0 {
            println!(
                "  {:<14} {old:>7} of them older than the {}-day retention window: kept now, purged at the next sync",
                "", cfg.retention_days
            );
        }
    }
    println!(
        "  {:<14} {:>7} written to site '{}' in {:.2}s",
        "total",
        records.len(),
        cfg.site,
        started.elapsed().as_secs_f64()
    );
}
