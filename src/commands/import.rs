//! `import`: activity from local files into the store.

use std::process::ExitCode;

use anyhow::Context;
use jiff::Timestamp;

use super::{load_config, open_store};
use crate::cli::{GlobalArgs, ImportCommand};
use crate::model::{Record, RecordMeta, Source, Transcript};
use crate::sources::transcript::parse_vtt;

pub(super) fn import(g: &GlobalArgs, cmd: &ImportCommand) -> anyhow::Result<ExitCode> {
    let (cfg, _) = load_config(g)?;
    let store = open_store(g, &cfg, true)?;
    match cmd {
        ImportCommand::Vtt { files, meeting } => {
            let mut records = Vec::new();
            for f in files {
                let text = std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
                let cues = parse_vtt(&text, &f.display().to_string())?;
                let modified = std::fs::metadata(f)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| Timestamp::try_from(t).ok())
                    .unwrap_or_else(Timestamp::now);
                records.push(Record::Transcript(Transcript {
                    meta: RecordMeta {
                        site: cfg.site.clone(),
                        source: Source::Vtt,
                        source_id: format!("{meeting}:{}", f.display()),
                        event_time: modified,
                        fetched_at: Timestamp::now(),
                    },
                    meeting_uuid: meeting.clone(),
                    cues,
                }));
            }
            let n = store.write_batch(&records, None)?;
            println!("imported {n} transcript(s) for meeting {meeting}");
            Ok(ExitCode::SUCCESS)
        }
        ImportCommand::Git { .. } | ImportCommand::SlackExport { .. } => {
            anyhow::bail!("this import is being built in this session")
        }
    }
}
