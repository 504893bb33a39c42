//! `import slack-export PATH`: a Slack workspace export (the zip Slack sends,
//! or its unpacked folder) as [`Person`] and [`Message`] records.
//!
//! An export holds `channels.json` (and, for the plans that export them,
//! `groups.json`, `mpims.json`, `dms.json`), `users.json`, and one folder per
//! conversation with a file per day, `<folder>/<YYYY-MM-DD>.json`, each an
//! array of messages in the Web API's shape. Messages are mapped by the same
//! rules as the Slack API sync ([`crate::sources::slack::map`]), so an export
//! and a sync agree on subtypes, bots, threads and edits; housekeeping
//! subtypes (`channel_join`, `bot_add`, ...) are counted and skipped. Two
//! things only exports have are handled here: a `file_comment` names its
//! author inside `comment`, and old exports list thread replies in `replies`
//! without a `reply_count`.
//!
//! A day file that cannot be read or parsed is reported by name and the rest
//! still import; only a missing or unreadable `channels.json` stops the
//! import, since without it no message can be given its channel id.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde_json::Value;

use crate::model::{Message, Person, Source};
use crate::sources::slack::map::{self, ChannelRef};

/// Largest JSON file read from an export (a day file is a few KB to a few MB).
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The conversation lists of an export: file, and whether folders are named
/// by conversation name (`true`) or by id (`dms.json`).
const CONVERSATION_FILES: [(&str, bool); 4] = [
    ("channels.json", true),
    ("groups.json", true),
    ("mpims.json", true),
    ("dms.json", false),
];

/// Why an export could not be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlackExportError {
    /// The path does not exist or cannot be read.
    #[error("slack export {path:?}: cannot open: {reason}")]
    Open {
        /// The path given.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The path is readable but holds no Slack export (no `channels.json`).
    #[error("slack export {path:?}: not a Slack export: {reason}")]
    NotAnExport {
        /// The path given.
        path: PathBuf,
        /// What is missing.
        reason: String,
    },
    /// `channels.json` is unreadable or malformed.
    #[error("slack export {path:?}: {file}: {reason}")]
    Channels {
        /// The path given.
        path: PathBuf,
        /// File inside the export.
        file: String,
        /// Why.
        reason: String,
    },
}

/// A file of the export that could not be imported (the others were).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct FileError {
    /// Path inside the export (`general/2024-05-01.json`).
    pub file: String,
    /// What is wrong with it.
    pub reason: String,
}

/// One conversation of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportChannel {
    /// Conversation id (`C...`, `G...`, `D...`).
    pub id: String,
    /// Conversation name, when it has one.
    pub name: Option<String>,
    /// Its folder in the export.
    pub folder: String,
    /// Day files read.
    pub day_files: usize,
    /// Messages imported.
    pub messages: usize,
}

/// What an export yielded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SlackExport {
    /// Members of `users.json`.
    pub people: Vec<Person>,
    /// Messages of every day file, by folder then day, in file order.
    pub messages: Vec<Message>,
    /// Conversations with a folder in the export, by folder name.
    pub channels: Vec<ExportChannel>,
    /// Housekeeping messages skipped, by subtype.
    pub skipped: BTreeMap<String, usize>,
    /// Files (or single messages) that could not be imported.
    pub errors: Vec<FileError>,
}

/// Reads the export at `path`: a `.zip` file or a folder.
///
/// # Errors
/// [`SlackExportError`] when nothing can be imported; per-file problems are
/// collected in [`SlackExport::errors`] instead.
pub fn read_export(path: &Path, site: &str, now: Timestamp) -> Result<SlackExport, SlackExportError> {
    let mut archive = Archive::open(path)?;
    let names = archive.names.clone();
    let mut out = SlackExport::default();

    // Conversations by folder name.
    let mut folders: HashMap<String, Conversation> = HashMap::new();
    for (file, by_name) in CONVERSATION_FILES {
        if !names.iter().any(|n| n == file) {
            if file == "channels.json" {
                return Err(SlackExportError::NotAnExport {
                    path: path.to_path_buf(),
                    reason: "no channels.json".into(),
                });
            }
            continue;
        }
        match archive.read_json(file).and_then(|v| conversations(&v, by_name)) {
            Ok(list) => folders.extend(list),
            Err(reason) if file == "channels.json" => {
                return Err(SlackExportError::Channels {
                    path: path.to_path_buf(),
                    file: file.into(),
                    reason,
                });
            }
            Err(reason) => out.errors.push(FileError {
                file: file.into(),
                reason,
            }),
        }
    }

    // People.
    if names.iter().any(|n| n == "users.json") {
        match archive.read_json("users.json") {
            Ok(Value::Array(users)) => {
                for (i, u) in users.iter().enumerate() {
                    match map::person(u, site, now) {
                        Ok(mut p) => {
                            p.meta.source = Source::SlackExport;
                            out.people.push(p);
                        }
                        Err(e) => out.errors.push(FileError {
                            file: "users.json".into(),
                            reason: format!("member {i}: {e}"),
                        }),
                    }
                }
            }
            Ok(_) => out.errors.push(FileError {
                file: "users.json".into(),
                reason: "not a JSON array of members".into(),
            }),
            Err(reason) => out.errors.push(FileError {
                file: "users.json".into(),
                reason,
            }),
        }
    } else {
        out.errors.push(FileError {
            file: "users.json".into(),
            reason: "missing: no people imported".into(),
        });
    }

    // Day files, grouped by folder.
    let mut days: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for name in &names {
        if let Some((folder, file)) = name.split_once('/')
            && !file.contains('/')
            && is_day_file(file)
        {
            days.entry(folder).or_default().push(name);
        }
    }
    for (folder, mut files) in days {
        files.sort_unstable();
        let Some(conv) = folders.get(folder) else {
            out.errors.push(FileError {
                file: format!("{folder}/"),
                reason: format!(
                    "folder not listed in channels.json, groups.json, mpims.json or dms.json; its {} day file(s) were skipped",
                    files.len()
                ),
            });
            continue;
        };
        let channel = ChannelRef {
            id: &conv.id,
            name: conv.name.as_deref(),
        };
        let mut entry = ExportChannel {
            id: conv.id.clone(),
            name: conv.name.clone(),
            folder: folder.to_string(),
            day_files: 0,
            messages: 0,
        };
        for file in files {
            let messages = match archive.read_json(file) {
                Ok(Value::Array(a)) => a,
                Ok(_) => {
                    out.errors.push(FileError {
                        file: file.into(),
                        reason: "not a JSON array of messages".into(),
                    });
                    continue;
                }
                Err(reason) => {
                    out.errors.push(FileError {
                        file: file.into(),
                        reason,
                    });
                    continue;
                }
            };
            entry.day_files += 1;
            for (i, v) in messages.iter().enumerate() {
                match map::message(v, channel, site, now) {
                    Ok(Some(m)) => {
                        out.messages.push(export_message(m, v));
                        entry.messages += 1;
                    }
                    Ok(None) => {
                        let subtype = v.get("subtype").and_then(Value::as_str).unwrap_or("?");
                        *out.skipped.entry(subtype.to_string()).or_default() += 1;
                    }
                    Err(e) => out.errors.push(FileError {
                        file: file.into(),
                        reason: format!("message {i}: {e}"),
                    }),
                }
            }
        }
        out.channels.push(entry);
    }
    Ok(out)
}

/// What only exports need on top of the API mapping.
fn export_message(mut m: Message, v: &Value) -> Message {
    m.meta.source = Source::SlackExport;
    if m.user.is_none() {
        // `file_comment`: the author is the comment's.
        m.user = v
            .pointer("/comment/user")
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    if m.reply_count == 0
        && let Some(replies) = v.get("replies").and_then(Value::as_array)
    {
        m.reply_count = u32::try_from(replies.len()).unwrap_or(u32::MAX);
    }
    m
}

/// `YYYY-MM-DD.json`.
fn is_day_file(file: &str) -> bool {
    let Some(date) = file.strip_suffix(".json") else {
        return false;
    };
    date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// A conversation as a conversation list names it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Conversation {
    id: String,
    name: Option<String>,
}

/// `(folder, conversation)` for each entry of a conversation list.
fn conversations(v: &Value, by_name: bool) -> Result<Vec<(String, Conversation)>, String> {
    let list = v.as_array().ok_or("not a JSON array of conversations")?;
    list.iter()
        .enumerate()
        .map(|(i, c)| {
            let id = c
                .get("id")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| format!("conversation {i} has no `id`"))?;
            let name = c.get("name").and_then(Value::as_str).filter(|s| !s.is_empty());
            let folder = if by_name {
                name.ok_or_else(|| format!("conversation {i} ({id}) has no `name`"))?
            } else {
                id
            };
            Ok((
                folder.to_string(),
                Conversation {
                    id: id.to_string(),
                    name: name.map(str::to_string),
                },
            ))
        })
        .collect()
}

/// The export's files, by path relative to its root (`/`-separated).
struct Archive {
    kind: ArchiveKind,
    names: Vec<String>,
}

enum ArchiveKind {
    Folder(PathBuf),
    /// The archive and the folder inside it that holds `channels.json`
    /// (empty for Slack's own zips, `name/` when someone zipped the folder).
    Zip(Box<zip::ZipArchive<File>>, String),
}

impl Archive {
    fn open(path: &Path) -> Result<Archive, SlackExportError> {
        let open_err = |reason: String| SlackExportError::Open {
            path: path.to_path_buf(),
            reason,
        };
        let meta = std::fs::metadata(path).map_err(|e| open_err(e.to_string()))?;
        if meta.is_dir() {
            return Ok(Archive {
                names: folder_names(path).map_err(|e| open_err(e.to_string()))?,
                kind: ArchiveKind::Folder(path.to_path_buf()),
            });
        }
        let file = File::open(path).map_err(|e| open_err(e.to_string()))?;
        let zip = zip::ZipArchive::new(file).map_err(|e| SlackExportError::NotAnExport {
            path: path.to_path_buf(),
            reason: format!("neither a folder nor a readable zip file: {e}"),
        })?;
        let all: Vec<String> = zip
            .file_names()
            .filter_map(Result::ok)
            .filter(|n| !n.ends_with('/'))
            .map(|n| n.into_owned())
            .collect();
        let prefix = all
            .iter()
            .filter_map(|n| n.strip_suffix("channels.json"))
            .filter(|p| p.is_empty() || p.ends_with('/'))
            .min_by_key(|p| p.matches('/').count())
            .map(str::to_string)
            .unwrap_or_default();
        let names = all
            .iter()
            .filter_map(|n| n.strip_prefix(prefix.as_str()))
            .map(str::to_string)
            .collect();
        Ok(Archive {
            kind: ArchiveKind::Zip(Box::new(zip), prefix),
            names,
        })
    }

    /// Reads and parses one JSON file; the error says why, for a [`FileError`].
    fn read_json(&mut self, name: &str) -> Result<Value, String> {
        let mut bytes = Vec::new();
        match &mut self.kind {
            ArchiveKind::Folder(root) => {
                let f = File::open(root.join(name)).map_err(|e| format!("cannot read: {e}"))?;
                f.take(MAX_FILE_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("cannot read: {e}"))?;
            }
            ArchiveKind::Zip(zip, prefix) => {
                let f = zip
                    .by_name(&format!("{prefix}{name}"))
                    .map_err(|e| format!("cannot read from the zip: {e}"))?;
                f.take(MAX_FILE_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("cannot read from the zip: {e}"))?;
            }
        }
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(format!("larger than {} MiB", MAX_FILE_BYTES / 1024 / 1024));
        }
        serde_json::from_slice(&bytes).map_err(|e| format!("malformed JSON: {e}"))
    }
}

/// Files at the root of `root` and in its direct subfolders, as relative
/// `/`-separated paths (names that are not UTF-8 cannot be export files).
fn folder_names(root: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let kind = entry.file_type()?;
        if kind.is_file() {
            names.push(name);
        } else if kind.is_dir() {
            for inner in std::fs::read_dir(entry.path())? {
                let inner = inner?;
                if inner.file_type()?.is_file()
                    && let Ok(file) = inner.file_name().into_string()
                {
                    names.push(format!("{name}/{file}"));
                }
            }
        }
    }
    names.sort_unstable();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_file_names() {
        assert!(is_day_file("2016-01-14.json"));
        assert!(!is_day_file("2016-1-14.json"));
        assert!(!is_day_file("integration_logs.json"));
        assert!(!is_day_file("2016-01-14.json.bak"));
    }

    #[test]
    fn conversation_lists() {
        let v = serde_json::json!([{"id": "C1", "name": "general"}, {"id": "D2"}]);
        assert!(conversations(&v, true).is_err());
        let dms = conversations(&v, false).unwrap_or_default();
        let d2 = Conversation {
            id: "D2".into(),
            name: None,
        };
        assert_eq!(dms[1], ("D2".to_string(), d2));
        assert!(conversations(&serde_json::json!({}), true).is_err());
    }
}
