//! WebVTT transcripts to cues with speakers.
//!
//! Parsing is the `vtt` crate's; this adds what transcripts need on top: a
//! UTF-8 BOM is dropped, CRLF is accepted, the speaker is taken from a
//! `<v Name>` voice tag (Teams) or a `Name: text` prefix (Zoom's
//! `audio_transcript`), and the remaining inline tags (`<c.x>`, `<00:01.000>`)
//! are removed from the text.

use crate::model::Cue;

/// Why a transcript could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("transcript {name}: not valid WebVTT: {reason}")]
pub struct TranscriptError {
    /// File or URL the text came from.
    pub name: String,
    /// Parser message.
    pub reason: String,
}

/// Parses a WebVTT document into cues, in file order.
///
/// # Errors
/// [`TranscriptError`] naming `name` when the text is not WebVTT.
pub fn parse_vtt(text: &str, name: &str) -> Result<Vec<Cue>, TranscriptError> {
    let clean = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let doc: vtt::prelude::WebVtt = clean.parse().map_err(|e| TranscriptError {
        name: name.to_string(),
        reason: format!("{e:?}"),
    })?;
    Ok(doc
        .cues
        .iter()
        .map(|c| {
            let (speaker, text) = speaker_and_text(&c.payload);
            Cue {
                start_ms: u64::try_from(c.start.as_duration().as_millis()).unwrap_or(u64::MAX),
                end_ms: u64::try_from(c.end.as_duration().as_millis()).unwrap_or(u64::MAX),
                speaker,
                text,
            }
        })
        .collect())
}

fn speaker_and_text(payload: &str) -> (Option<String>, String) {
    let raw = payload.trim();
    if let Some(rest) = raw.strip_prefix("<v ").or_else(|| raw.strip_prefix("<v.")) {
        if let Some((name, body)) = rest.split_once('>') {
            let name = name.split_once(' ').map_or(name, |(cls, n)| if cls.contains('.') { n } else { name });
            return (Some(name.trim().to_string()).filter(|n| !n.is_empty()), strip_tags(body));
        }
    }
    let text = strip_tags(raw);
    // Zoom: "Name: text". A speaker name is short and has no sentence punctuation.
    if let Some((name, body)) = text.split_once(": ") {
        let plausible = !name.is_empty()
            && name.chars().count() <= 40
            && !name.contains(['.', '?', '!', ','])
            && name.split_whitespace().count() <= 5;
        if plausible {
            return (Some(name.trim().to_string()), body.trim().to_string());
        }
    }
    (None, text)
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_crlf_speakers_and_tags() {
        let text = "\u{feff}WEBVTT\r\n\r\n1\r\n00:00:01.000 --> 00:00:02.500\r\nAda Lovelace: We decided to ship.\r\n\r\n00:03.000 --> 00:04.000\r\n<v Bob>Agreed, <c.loud>ship</c> it.</v>\r\n\r\n00:05.000 --> 00:06.000\r\nNo speaker here. Really: no.\r\n";
        let cues = parse_vtt(text, "t.vtt").unwrap_or_default();
        assert_eq!(cues.len(), 3, "{cues:?}");
        assert_eq!(cues[0].speaker.as_deref(), Some("Ada Lovelace"));
        assert_eq!(cues[0].text, "We decided to ship.");
        assert_eq!((cues[0].start_ms, cues[0].end_ms), (1000, 2500));
        assert_eq!(cues[1].speaker.as_deref(), Some("Bob"));
        assert_eq!(cues[1].text, "Agreed, ship it.");
        assert_eq!(cues[2].speaker, None);
        assert!(parse_vtt("not a transcript", "x").is_err());
    }
}
