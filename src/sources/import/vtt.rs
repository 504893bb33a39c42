//! `import vtt FILE… --meeting ID`: WebVTT transcripts as [`Transcript`]s,
//! parsed by [`crate::sources::transcript`]. The source id is `MEETING:FILE_NAME`, the event time the file's
//! modification time.

use std::path::Path;

use jiff::Timestamp;

use crate::model::{RecordMeta, Source, Transcript};
use crate::sources::transcript::{TranscriptError, parse};

/// Why a transcript file could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VttImportError {
    /// The file could not be read, or is not UTF-8.
    #[error("transcript {path:?}: cannot read: {reason}")]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        reason: String,
    },
    /// The text is not WebVTT.
    #[error(transparent)]
    Parse(#[from] TranscriptError),
}

/// Reads one WebVTT file as the transcript of `meeting`. The source id is
/// `MEETING:FILE_NAME`, so several files of one meeting (captions and audio
/// transcript) are kept apart and a re-import replaces rather than doubles.
/// The event time is the file's modification time (a file carries no meeting
/// date), else `now`.
///
/// # Errors
/// [`VttImportError`] naming the file.
pub fn read_transcript(
    path: &Path,
    meeting: &str,
    site: &str,
    now: Timestamp,
) -> Result<Transcript, VttImportError> {
    let read_err = |reason: String| VttImportError::Read {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| read_err(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| read_err(format!("not UTF-8: {e}")))?;
    let cues = parse(&text, &path.display().to_string())?;
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| Timestamp::try_from(t).ok())
        .unwrap_or(now);
    Ok(Transcript {
        meta: RecordMeta {
            site: site.to_string(),
            source: Source::Vtt,
            source_id: format!("{meeting}:{file_name}"),
            event_time: modified,
            fetched_at: now,
        },
        meeting_uuid: meeting.to_string(),
        cues,
    })
}
