//! Decisions: a deterministic first pass over meeting transcripts. The LLM
//! (insight layer) may refine the wording; this pass decides what is a
//! decision so that the same transcript always gives the same list.
//!
//! Definitions:
//! - A **decision cue** is a transcript cue containing one of [`CUE_PHRASES`]
//!   (case-insensitive, straight or curly apostrophes, on word boundaries, so
//!   "disagreed" is not "agreed"). One cue gives at most one decision, however
//!   many phrases it holds: the earliest phrase in the text names it.
//! - Its **text** is the cue from the start of the sentence holding that
//!   phrase to the end of the cue, trimmed.
//! - A bare **assent** — a cue that opens with "Agreed" followed by `.`, `!`,
//!   `,` or nothing, and holds no other phrase — is not a new decision: its
//!   speaker is added to `agreed_by` of the latest decision of the same
//!   transcript taken at most [`ASSENT_REACH`] cues earlier; failing that, the
//!   cue just before it (by another speaker) becomes the decision, with phrase
//!   `agreed`.
//! - **Time**: `offset_ms` from the start of the recording; `at` is the
//!   meeting's start plus that offset when the meeting is known.
//! - **Window**: transcripts of meetings that started in the [`Window`] (the
//!   transcript's event time when the meeting is unknown).
//!
//! Output is sorted by time, then meeting, then cue.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::flow::Window;
use crate::model::{Meeting, Transcript};

/// Phrases that mark a decision, lower case. At the same position the longest
/// wins (`we will go with` over `we will`).
pub const CUE_PHRASES: [&str; 19] = [
    "we have decided",
    "we've decided",
    "we decided",
    "it was decided",
    "the decision is",
    "decision:",
    "decided:",
    "let's go with",
    "lets go with",
    "let us go with",
    "we'll go with",
    "we will go with",
    "we're going with",
    "we are going with",
    "we agreed",
    "we've agreed",
    "agreed:",
    "we will",
    "agreed",
];

/// How many cues back a bare "Agreed." looks for the decision it seconds.
pub const ASSENT_REACH: usize = 3;

/// One decision taken in a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Meeting instance id (the transcript's `meeting_uuid`).
    pub meeting_id: String,
    /// Meeting topic, when the meeting is known.
    pub meeting_topic: Option<String>,
    /// Index of the cue in the transcript.
    pub cue_index: usize,
    /// Speaker of that cue.
    pub speaker: Option<String>,
    /// Offset of the cue from the start of the recording, milliseconds.
    pub offset_ms: u64,
    /// Meeting start + offset, UTC, when the meeting is known.
    pub at: Option<Timestamp>,
    /// The cue phrase matched (lower case, from [`CUE_PHRASES`]).
    pub phrase: String,
    /// The decision as said.
    pub text: String,
    /// Speakers who assented with a bare "Agreed." right after.
    pub agreed_by: Vec<String>,
}

/// Text lower-cased (ASCII) with curly apostrophes straightened, and for each
/// byte of it the byte offset in the original.
fn normalise(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    for (i, ch) in text.char_indices() {
        let c = match ch {
            '\u{2019}' | '\u{2018}' => '\'',
            c => c.to_ascii_lowercase(),
        };
        let before = out.len();
        out.push(c);
        map.extend(std::iter::repeat_n(i, out.len() - before));
    }
    (out, map)
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '\'')
}

/// Byte positions in `hay` where `phrase` occurs on word boundaries.
fn find_phrase(hay: &str, phrase: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = hay[from..].find(phrase).map(|p| p + from) {
        let before = hay[..pos].chars().next_back();
        let after = hay[pos + phrase.len()..].chars().next();
        let ends_in_word = phrase.chars().next_back().is_some_and(char::is_alphanumeric);
        if !(is_word(before) || ends_in_word && is_word(after)) {
            return Some(pos);
        }
        from = pos + phrase.len().max(1);
    }
    None
}

/// The earliest decision phrase in `norm` at or after byte `skip_from` (past
/// an opening bare "agreed"): (byte position, phrase).
fn earliest_phrase(norm: &str, skip_from: usize) -> Option<(usize, &'static str)> {
    CUE_PHRASES
        .iter()
        .filter_map(|p| {
            let hay = &norm[skip_from..];
            find_phrase(hay, p).map(|pos| (pos + skip_from, *p))
        })
        // Earliest position; at the same position the longest phrase.
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.len().cmp(&a.1.len())))
}

/// Whether the cue opens with a bare "agreed" (then `.`, `!`, `,` or end),
/// and where the rest starts.
fn opening_assent(norm: &str) -> Option<usize> {
    let t = norm.trim_start();
    let lead = norm.len() - t.len();
    let rest = t.strip_prefix("agreed")?;
    match rest.chars().next() {
        None => Some(norm.len()),
        Some(c @ ('.' | '!' | ',')) => Some(lead + "agreed".len() + c.len_utf8()),
        _ => None,
    }
}

/// Start of the sentence holding byte `pos` of `norm`.
fn sentence_start(norm: &str, pos: usize) -> usize {
    let head = &norm[..pos];
    head.char_indices()
        .filter(|(i, c)| matches!(c, '.' | '!' | '?' | ';') && head[i + c.len_utf8()..].starts_with(' '))
        .map(|(i, c)| i + c.len_utf8())
        .next_back()
        .unwrap_or(0)
}

/// Decisions in `transcripts` of meetings that started in `window`; `meetings`
/// give topics and start times. See the module doc for the rules.
pub fn decisions(transcripts: &[Transcript], meetings: &[Meeting], window: &Window) -> Vec<Decision> {
    let by_id: BTreeMap<&str, &Meeting> = meetings.iter().map(|m| (m.meta.source_id.as_str(), m)).collect();
    let mut out = Vec::new();
    for t in transcripts {
        let meeting = by_id.get(t.meeting_uuid.as_str()).copied();
        let started = meeting.map_or(t.meta.event_time, |m| m.start);
        if !window.contains(started) {
            continue;
        }
        let at = |ms: u64| {
            meeting.and_then(|m| {
                m.start
                    .checked_add(SignedDuration::from_millis(i64::try_from(ms).unwrap_or(i64::MAX)))
                    .ok()
            })
        };
        let mut found: Vec<Decision> = Vec::new();
        for (i, cue) in t.cues.iter().enumerate() {
            let (norm, map) = normalise(&cue.text);
            let assent_rest = opening_assent(&norm);
            let phrase = earliest_phrase(&norm, assent_rest.unwrap_or(0));
            let make = |idx: usize, phrase: &str, text: String| Decision {
                meeting_id: t.meeting_uuid.clone(),
                meeting_topic: meeting.map(|m| m.topic.clone()),
                cue_index: idx,
                speaker: t.cues[idx].speaker.clone(),
                offset_ms: t.cues[idx].start_ms,
                at: at(t.cues[idx].start_ms),
                phrase: phrase.to_string(),
                text,
                agreed_by: Vec::new(),
            };
            match (phrase, assent_rest) {
                (Some((pos, p)), _) => {
                    let start = map.get(sentence_start(&norm, pos)).copied().unwrap_or(0);
                    found.push(make(i, p, cue.text[start..].trim().to_string()));
                }
                (None, Some(_)) => {
                    let who = cue.speaker.clone().unwrap_or_default();
                    let recent = found.last_mut().filter(|d| {
                        d.cue_index + ASSENT_REACH >= i && d.speaker.as_deref() != cue.speaker.as_deref()
                    });
                    if let Some(d) = recent {
                        if !who.is_empty() && !d.agreed_by.contains(&who) {
                            d.agreed_by.push(who);
                        }
                    } else if let Some(prev) = i.checked_sub(1)
                        && t.cues[prev].speaker != cue.speaker
                        && found.last().is_none_or(|d| d.cue_index != prev)
                    {
                        let mut d = make(prev, "agreed", t.cues[prev].text.trim().to_string());
                        if !who.is_empty() {
                            d.agreed_by.push(who);
                        }
                        found.push(d);
                    }
                }
                (None, None) => {}
            }
        }
        out.extend(found);
    }
    out.sort_by(|a, b| {
        a.at.cmp(&b.at)
            .then_with(|| a.meeting_id.cmp(&b.meeting_id))
            .then_with(|| a.cue_index.cmp(&b.cue_index))
    });
    out
}
