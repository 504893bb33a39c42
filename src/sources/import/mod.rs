//! Offline imports: activity from local files instead of provider APIs.
//!
//! - [`git`]: a local clone's history (gix, no network) as commits with
//!   authors, co-authors and files touched;
//! - [`slack_export`]: a Slack workspace export (zip or folder) as people and
//!   messages, mapped by the same rules as the Slack sync;
//! - [`vtt`]: WebVTT files as meeting transcripts.
//!
//! Owns: reading those files into provider-neutral records, with errors that
//! name the file. Must not: write to the store (the `import` command does, in
//! batches) or reach the network.

pub mod git;
pub mod slack_export;
pub mod vtt;

pub use git::{GitHistory, GitImportError, read_history};
pub use slack_export::{ExportChannel, FileError, SlackExport, SlackExportError, read_export};
pub use vtt::{VttImportError, read_transcript};
