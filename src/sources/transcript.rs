//! WebVTT transcripts to cues with speakers: one parser for the Zoom sync and
//! `import vtt`.
//!
//! Our own, small, following the WebVTT block rules, because the `vtt` crate
//! rejects spec-valid files (it fails on `NOTE` blocks) and real files are
//! looser still:
//! - a UTF-8 BOM is dropped; CRLF and lone CR line ends are accepted;
//! - header lines after `WEBVTT` (`Kind:`, `Language:`) are skipped;
//! - `NOTE`, `STYLE` and `REGION` blocks are skipped;
//! - a cue may have an identifier (text or number) or none, and any number of
//!   payload lines, joined with single spaces;
//! - timings with or without hours, with 1–3 fraction digits or none
//!   (Teams writes `0:0:1.130`), and cue settings after the end time;
//! - the speaker comes from a `<v Name>` voice tag (Teams) or a `Name: text`
//!   prefix on the first payload line (Zoom's audio transcript), where a name
//!   may carry an honorific (`Dr. Dev Three`) but never sentence punctuation;
//! - the other inline tags (`<c.x>`, `<i>`, `<00:17.500>`) are removed and the
//!   WebVTT character references decoded.
//!
//! Blocks with no timing line are ignored, as the WebVTT parsing algorithm
//! does; a timing line that cannot be read is an error naming file and line.

use crate::model::Cue;

/// Why a transcript could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("transcript {name}: not valid WebVTT: {reason}")]
pub struct TranscriptError {
    /// File or URL the text came from.
    pub name: String,
    /// What is wrong, with the line.
    pub reason: String,
}

/// Parses a WebVTT document (see [`parse`]); kept under the name the Zoom
/// client uses.
///
/// # Errors
/// [`TranscriptError`] naming `name`.
pub fn parse_vtt(text: &str, name: &str) -> Result<Vec<Cue>, TranscriptError> {
    parse(text, name)
}

/// Parses a WebVTT document into cues, in file order.
///
/// # Errors
/// [`TranscriptError`] naming `name` (and the line) when the text has no
/// `WEBVTT` header or a timing line cannot be read.
pub fn parse(text: &str, name: &str) -> Result<Vec<Cue>, TranscriptError> {
    let err = |reason: String| TranscriptError {
        name: name.to_string(),
        reason,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines = text.split('\n').enumerate().map(|(i, l)| (i + 1, l)).peekable();
    let header = lines.next().map(|(_, l)| l.trim_end()).unwrap_or_default();
    let signature_ok = header
        .strip_prefix("WEBVTT")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
    if !signature_ok {
        return Err(err("the first line is not `WEBVTT`".into()));
    }
    // Header lines run to the first blank line (or, in a sloppy file, to the
    // first timing line).
    while let Some((_, l)) = lines.peek() {
        if l.trim().is_empty() || l.contains("-->") {
            break;
        }
        lines.next();
    }
    let mut cues = Vec::new();
    let mut block: Vec<(usize, &str)> = Vec::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            read_block(&block, &mut cues).map_err(&err)?;
            block.clear();
        } else {
            block.push((n, line));
        }
    }
    read_block(&block, &mut cues).map_err(&err)?;
    Ok(cues)
}

/// One block between blank lines: a comment, style or region block (skipped),
/// or one or more cues (a payload line holding `-->` starts the next cue).
fn read_block(block: &[(usize, &str)], cues: &mut Vec<Cue>) -> Result<(), String> {
    let Some(&(_, first)) = block.first() else {
        return Ok(());
    };
    let first = first.trim();
    let keyword = |k: &str| {
        first
            .strip_prefix(k)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
    };
    if keyword("NOTE") || ((keyword("STYLE") || keyword("REGION")) && !first.contains("-->")) {
        return Ok(());
    }
    let Some(timing_at) = block.iter().take(2).position(|(_, l)| l.contains("-->")) else {
        return Ok(());
    };
    let (line_no, timing) = block[timing_at];
    let (start_ms, end_ms) = parse_timing(timing).map_err(|e| format!("line {line_no}: {e}"))?;
    let rest = &block[timing_at + 1..];
    let next = rest
        .iter()
        .position(|(_, l)| l.contains("-->"))
        .unwrap_or(rest.len());
    let payload: Vec<&str> = rest[..next].iter().map(|(_, l)| *l).collect();
    let (speaker, text) = speaker_and_text(&payload);
    cues.push(Cue {
        start_ms,
        end_ms,
        speaker,
        text,
    });
    read_block(&rest[next..], cues)
}

/// `start --> end [settings]`, in milliseconds.
fn parse_timing(line: &str) -> Result<(u64, u64), String> {
    let (start, rest) = line
        .split_once("-->")
        .ok_or_else(|| format!("{line:?} is not a timing line"))?;
    let end = rest.split_whitespace().next().unwrap_or_default();
    let start = parse_time(start.trim()).ok_or_else(|| format!("bad start time {:?}", start.trim()))?;
    let end = parse_time(end).ok_or_else(|| format!("bad end time {end:?}"))?;
    Ok((start, end))
}

/// `[h:]m:s[.fff]` to milliseconds; hours optional and of any width, fraction
/// of 0–3 digits (more are truncated), `,` accepted for `.`.
fn parse_time(s: &str) -> Option<u64> {
    let (clock, frac) = match s.split_once(['.', ',']) {
        Some((c, f)) => (c, f),
        None => (s, ""),
    };
    let digits = |p: &str| -> Option<u64> {
        (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())?
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [m, s] => (0, digits(m)?, digits(s)?),
        [h, m, s] => (digits(h)?, digits(m)?, digits(s)?),
        _ => return None,
    };
    if m >= 60 || sec >= 60 {
        return None;
    }
    let ms = if frac.is_empty() {
        0
    } else {
        let f: String = frac.chars().take(3).collect();
        digits(&f)? * 10u64.pow(3 - u32::try_from(f.len()).ok()?)
    };
    Some(((h * 60 + m) * 60 + sec) * 1000 + ms)
}

/// The speaker and the plain text of a cue's payload lines.
pub fn speaker_and_text(payload: &[&str]) -> (Option<String>, String) {
    let joined = payload.join("\n");
    if let Some(name) = voice(&joined) {
        return (Some(name), plain(&joined));
    }
    if let Some((first, others)) = payload.split_first() {
        let line = plain(first);
        if let Some((name, rest)) = line.split_once(": ")
            && is_speaker_name(name)
        {
            let body = plain(&format!("{rest}\n{}", others.join("\n")));
            return (Some(name.trim().to_string()), body);
        }
    }
    (None, plain(&joined))
}

/// The annotation of the first `<v Name>` or `<v.class Name>` tag.
fn voice(s: &str) -> Option<String> {
    let mut rest = s;
    while let Some(at) = rest.find("<v") {
        let after = &rest[at + 2..];
        if after.starts_with([' ', '\t', '.']) {
            let tag = after.split('>').next().unwrap_or_default();
            let name = tag.split_once([' ', '\t']).map_or("", |(_, n)| n).trim();
            return (!name.is_empty()).then(|| decode_refs(name));
        }
        rest = after;
    }
    None
}

/// A `Name: ` prefix that reads as a person's name: short, starting with a
/// letter, no sentence punctuation, a full stop only in an honorific or an
/// initial (`Dr.`, `J.`).
fn is_speaker_name(name: &str) -> bool {
    const HONORIFICS: [&str; 9] = ["Dr.", "Mr.", "Mrs.", "Ms.", "Mx.", "Prof.", "Jr.", "Sr.", "St."];
    let name = name.trim();
    let words: Vec<&str> = name.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 6
        && name.chars().count() <= 60
        && name.chars().next().is_some_and(char::is_alphabetic)
        && !name.contains(['?', '!', ',', ':', ';', '"'])
        && words.iter().all(|w| {
            !w.contains('.')
                || HONORIFICS.contains(w)
                || (w.chars().count() == 2 && w.ends_with('.') && w.starts_with(char::is_alphabetic))
        })
}

/// Text without tags, with character references decoded and whitespace
/// (line breaks included) collapsed to single spaces.
fn plain(s: &str) -> String {
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
    decode_refs(&out).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_refs(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&lrm;", "\u{200e}")
        .replace("&rlm;", "\u{200f}")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_with_and_without_hours() {
        assert_eq!(parse_time("00:16.500"), Some(16_500));
        assert_eq!(parse_time("01:02:03.004"), Some(3_723_004));
        assert_eq!(parse_time("0:0:1.13"), Some(1_130));
        assert_eq!(parse_time("0:0:0.0"), Some(0));
        assert_eq!(parse_time("00:01:08"), Some(68_000));
        assert_eq!(parse_time("00:01,5"), Some(1_500));
        assert_eq!(parse_time("100:00:00.000"), Some(360_000_000));
        assert_eq!(parse_time("00:61.000"), None);
        assert_eq!(parse_time("ab:00.000"), None);
        assert_eq!(parse_time("5.000"), None);
    }

    #[test]
    fn notes_styles_multiline_and_speakers() {
        let text = "WEBVTT - a title\nKind: captions\n\nNOTE a comment\nspanning --> two lines\n\nSTYLE\n::cue { color: red }\n\nintro\n00:01.000 --> 00:02.000 align:start\nDr. Ada King: First line\nand a second &amp; last.\n\n00:03.000 --> 00:04.000\n<v.loud Bob Stone>Hello <i>there</i>\n00:05.000 --> 00:06.000\nYes. Two things: one.\n\nNOTE\n\n00:07.000 --> 00:08.000\n12:30 works: fine\n";
        let cues = parse(text, "t.vtt").unwrap_or_default();
        assert_eq!(cues.len(), 4, "{cues:?}");
        assert_eq!(cues[0].speaker.as_deref(), Some("Dr. Ada King"));
        assert_eq!(cues[0].text, "First line and a second & last.");
        assert_eq!((cues[0].start_ms, cues[0].end_ms), (1000, 2000));
        assert_eq!(cues[1].speaker.as_deref(), Some("Bob Stone"));
        assert_eq!(cues[1].text, "Hello there");
        assert_eq!((cues[2].start_ms, cues[2].speaker.as_deref()), (5000, None));
        assert_eq!(cues[2].text, "Yes. Two things: one.");
        assert_eq!(
            (cues[3].speaker.as_deref(), cues[3].text.as_str()),
            (None, "12:30 works: fine")
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse("WEBVTT\n\n00:01.000 --> soon\nx\n", "f.vtt").err();
        assert_eq!(
            e.map(|e| e.to_string()),
            Some("transcript f.vtt: not valid WebVTT: line 3: bad end time \"soon\"".into())
        );
        assert!(parse("not a transcript", "x").is_err());
        assert!(parse("WEBVTTX\n", "x").is_err());
        assert_eq!(parse("\u{feff}WEBVTT\r\n", "x").map(|c| c.len()), Ok(0));
    }
}
