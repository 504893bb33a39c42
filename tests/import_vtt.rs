//! `import vtt`: every WebVTT file in `../shared/fixtures/webvtt` and
//! `../shared/fixtures/zoom` (skipped with a notice when absent), and a file
//! of our own in `tests/fixtures/import/vtt` with what those lack: NOTE,
//! STYLE and REGION blocks, multi-line cues, hours, a BOM and CRLF together.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use async_cockpit::model::{Cue, Source};
use async_cockpit::sources::import::{VttImportError, read_transcript};
use async_cockpit::sources::transcript::parse;
use jiff::Timestamp;

fn shared(dir: &str) -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(dir);
    if d.is_dir() {
        Some(d)
    } else {
        eprintln!("notice: ../shared/fixtures absent; skipping the recorded WebVTT checks");
        None
    }
}

fn cues_of(path: &Path) -> Vec<Cue> {
    let t = read_transcript(path, "m-1", "acme", Timestamp::UNIX_EPOCH).unwrap();
    t.cues
}

/// (start, end, speaker, text)
fn cue(c: &Cue) -> (u64, u64, Option<&str>, &str) {
    (c.start_ms, c.end_ms, c.speaker.as_deref(), c.text.as_str())
}

fn speakers(cues: &[Cue]) -> BTreeMap<Option<String>, usize> {
    let mut m = BTreeMap::new();
    for c in cues {
        *m.entry(c.speaker.clone()).or_default() += 1;
    }
    m
}

fn vtt_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "vtt"))
        .collect();
    v.sort();
    v
}

/// Cues per file equal the timing lines (these files hold no comments).
fn timing_lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| l.contains("-->"))
        .count()
}

#[test]
fn every_webvtt_fixture() {
    let Some(dir) = shared("webvtt") else { return };
    let files = vtt_files(&dir);
    assert_eq!(files.len(), 5);
    for f in &files {
        let cues = cues_of(f);
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(cues.len(), timing_lines(f), "{name}");
        match name.as_str() {
            "captions-with-bom.vtt" => {
                assert!(std::fs::read(f).unwrap().starts_with(b"\xef\xbb\xbf"));
                assert_eq!(cues.len(), 4);
                assert_eq!(cue(&cues[0]), (500, 7000, None, "Caption text #1"));
                assert_eq!(cue(&cues[3]), (16_320, 21_580, None, "Caption text #4"));
            }
            "cue-tags.vtt" => {
                assert_eq!(cues.len(), 3);
                // Short mm:ss.mmm timing; inline timestamps and classes removed.
                assert_eq!(
                    cue(&cues[0]),
                    (16_500, 18_500, None, "When the moon hits your eye")
                );
                assert_eq!(cue(&cues[1]), (18_500, 20_500, None, "Like a big-a pizza pie"));
                assert_eq!(cue(&cues[2]), (20_500, 21_500, None, "That's amore"));
            }
            "metadata-headers.vtt" => {
                assert_eq!(cues.len(), 2);
                assert_eq!(cue(&cues[0]), (500, 7000, None, "Caption text #1"));
                assert_eq!(cue(&cues[1]), (7000, 11_890, None, "Caption text #2"));
            }
            "teams-voice-tags.vtt" => {
                assert_eq!(cues.len(), 2);
                // `H:M:S.f` timings; speakers from `<v Name>`.
                assert_eq!(cue(&cues[0]), (0, 570, Some("Dev One"), "There you go."));
                assert_eq!(
                    cue(&cues[1]),
                    (210, 1130, Some("Dev Two"), "Why hello there, Dev One.")
                );
            }
            "using-identifiers.vtt" => {
                let texts: Vec<&str> = cues.iter().map(|c| c.text.as_str()).collect();
                assert_eq!(
                    texts,
                    [
                        "Caption text #1",
                        "Caption text #2",
                        "Caption text #3",
                        "Caption text #4",
                        "Caption text #5",
                        "Caption text #6"
                    ]
                );
                assert_eq!(cue(&cues[1]), (7000, 11_890, None, "Caption text #2"));
                assert_eq!(cue(&cues[3]), (16_320, 21_580, None, "Caption text #4"));
            }
            other => panic!("a new fixture {other}: add its expectations here"),
        }
    }
}

#[test]
fn zoom_transcript_and_captions() {
    let Some(dir) = shared("zoom") else { return };
    let files = vtt_files(&dir);
    assert_eq!(files.len(), 2);

    let path = dir.join("cloud-recording.transcript.vtt");
    let t = read_transcript(&path, "m-1", "acme", Timestamp::UNIX_EPOCH).unwrap();
    assert_eq!(t.meta.source, Source::Vtt);
    assert_eq!(t.meta.source_id, "m-1:cloud-recording.transcript.vtt");
    assert_eq!(t.meeting_uuid, "m-1");
    let cues = t.cues;
    assert_eq!(cues.len(), 102);
    assert_eq!(cues.len(), timing_lines(&path));
    // Zoom's `Name: text`, an honorific included; one cue has no speaker.
    let want: BTreeMap<Option<String>, usize> = [
        (None, 1),
        (Some("Dev Five"), 2),
        (Some("Dev Four"), 6),
        (Some("Dev One"), 8),
        (Some("Dev Two"), 80),
        (Some("Dr. Dev Three"), 5),
    ]
    .into_iter()
    .map(|(k, v)| (k.map(str::to_string), v))
    .collect();
    assert_eq!(speakers(&cues), want);
    assert_eq!(cue(&cues[0]), (50, 1790, Some("Dev One"), "Hi!"));
    let hmm = cues.iter().find(|c| c.speaker.is_none()).unwrap();
    assert_eq!(cue(hmm), (307_300, 307_980, None, "Hmm."));
    let last = cues.last().unwrap();
    assert_eq!(
        (last.start_ms, last.end_ms, last.speaker.as_deref()),
        (728_760, 735_620, Some("Dev Two"))
    );
    assert!(
        last.text.starts_with("why don't we just spin into that"),
        "{}",
        last.text
    );
    assert!(
        cues.iter()
            .all(|c| !c.text.contains("Dev Two:") && c.end_ms >= c.start_ms)
    );

    // Closed captions: CRLF, whole seconds, no speakers.
    let path = dir.join("cloud-recording.cc.vtt");
    assert!(std::fs::read(&path).unwrap().windows(2).any(|w| w == b"\r\n"));
    let cues = cues_of(&path);
    assert_eq!(cues.len(), 100);
    assert_eq!(speakers(&cues), BTreeMap::from([(None, 100)]));
    assert_eq!(cue(&cues[0]), (68_000, 69_000, None, "This doesn't."));
    let last = cues.last().unwrap();
    assert_eq!((last.start_ms, last.end_ms), (724_000, 739_000));
    assert!(cues.iter().all(|c| !c.text.contains('\r')));
}

#[test]
fn comments_styles_multiline_hours_bom_and_crlf() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/vtt/review-crlf-bom.vtt");
    let raw = std::fs::read(&path).unwrap();
    assert!(raw.starts_with(b"\xef\xbb\xbfWEBVTT") && raw.windows(2).any(|w| w == b"\r\n"));
    let cues = cues_of(&path);
    let got: Vec<(u64, u64, Option<&str>, &str)> = cues.iter().map(cue).collect();
    assert_eq!(
        got,
        [
            (
                1000,
                4500,
                Some("Ada Lovelace"),
                "Welcome to the review. We start with the parser."
            ),
            (
                5000,
                7250,
                Some("Bob Stone"),
                "It handles CRLF now, and BOMs & comments."
            ),
            (8000, 9000, Some("Dr. Carol Wu"), "Good."),
            (3_599_999, 3_601_000, Some("Ada Lovelace"), "An hour in."),
            (
                3_723_004,
                3_724_000,
                None,
                "No speaker here. Just two lines: of text."
            ),
        ]
    );
    // The same text with LF endings and no BOM reads the same.
    let lf = String::from_utf8(raw)
        .unwrap()
        .trim_start_matches('\u{feff}')
        .replace("\r\n", "\n");
    assert_eq!(parse(&lf, "lf").unwrap(), cues);
}

#[test]
fn unreadable_files_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("gone.vtt");
    match read_transcript(&missing, "m", "acme", Timestamp::UNIX_EPOCH) {
        Err(e @ VttImportError::Read { .. }) => assert!(e.to_string().contains("gone.vtt"), "{e}"),
        other => panic!("{other:?}"),
    }
    let srt = tmp.path().join("talk.srt.vtt");
    std::fs::write(&srt, "1\n00:00:01,000 --> 00:00:02,000\nhello\n").unwrap();
    match read_transcript(&srt, "m", "acme", Timestamp::UNIX_EPOCH) {
        Err(e @ VttImportError::Parse(_)) => assert!(e.to_string().contains("talk.srt.vtt"), "{e}"),
        other => panic!("{other:?}"),
    }
    let latin1 = tmp.path().join("latin1.vtt");
    std::fs::write(&latin1, b"WEBVTT\n\n00:01.000 --> 00:02.000\ncaf\xe9\n").unwrap();
    assert!(matches!(
        read_transcript(&latin1, "m", "acme", Timestamp::UNIX_EPOCH),
        Err(VttImportError::Read { .. })
    ));
}
