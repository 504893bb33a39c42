//! `import slack-export`: the genuine 2016 workspace export in
//! `../shared/fixtures/slack/export` (skipped with a notice when absent; never
//! copied into the project), read as a folder and as zips built here at test
//! time; and an export of our own in `tests/fixtures/import/slack-export`
//! with threads, edits, an old-style `replies` list and broken files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use async_cockpit::model::{Message, Source};
use async_cockpit::sources::import::{SlackExport, SlackExportError, read_export};
use jiff::Timestamp;
use serde_json::Value;

fn now() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn shared_export() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/slack/export");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("notice: ../shared/fixtures absent; skipping the genuine Slack export checks");
        None
    }
}

fn own_export() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/slack-export")
}

/// Zips the files of `dir` (root and one folder level) under `prefix`.
fn zip_dir(dir: &Path, out: &Path, prefix: &str) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut add = |name: String, path: &Path| {
        w.start_file(name, opts).unwrap();
        w.write_all(&std::fs::read(path).unwrap()).unwrap();
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            let mut inner: Vec<_> = std::fs::read_dir(&p)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            inner.sort();
            for f in inner {
                add(
                    format!("{prefix}{name}/{}", f.file_name().unwrap().to_string_lossy()),
                    &f,
                );
            }
        } else {
            add(format!("{prefix}{name}"), &p);
        }
    }
    w.finish().unwrap();
}

fn per_channel(e: &SlackExport) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for msg in &e.messages {
        *m.entry(msg.channel_name.clone().unwrap_or_default()).or_default() += 1;
    }
    m
}

fn msg<'a>(e: &'a SlackExport, ts: &str) -> &'a Message {
    e.messages
        .iter()
        .find(|m| m.ts == ts)
        .unwrap_or_else(|| panic!("no message {ts}"))
}

/// Every `ts` string in the day files, exactly as written.
fn raw_ts(dir: &Path) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for ch in std::fs::read_dir(dir).unwrap() {
        let ch = ch.unwrap().path();
        if !ch.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&ch).unwrap() {
            let v: Value = serde_json::from_slice(&std::fs::read(f.unwrap().path()).unwrap()).unwrap();
            for m in v.as_array().unwrap() {
                let skipped = matches!(m["subtype"].as_str(), Some("channel_join" | "bot_add"));
                if !skipped {
                    let name = ch.file_name().unwrap().to_string_lossy().into_owned();
                    out.insert((name, m["ts"].as_str().unwrap().to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn genuine_export_folder_counts_subtypes_and_ts() {
    let Some(dir) = shared_export() else { return };
    let e = read_export(&dir, "acme", now()).unwrap();
    assert!(e.errors.is_empty(), "{:?}", e.errors);

    // users.json: four members, none a bot, no emails in this export.
    assert_eq!(e.people.len(), 4);
    let ids: BTreeSet<&str> = e.people.iter().map(|p| p.meta.source_id.as_str()).collect();
    assert_eq!(
        ids,
        BTreeSet::from(["U0BMM2FEH", "U0BMQB6JE", "U0BMS113R", "U0BMYT2FL"])
    );
    assert!(
        e.people
            .iter()
            .all(|p| !p.is_bot && p.meta.source == Source::SlackExport)
    );
    let dev1 = e.people.iter().find(|p| p.meta.source_id == "U0BMQB6JE").unwrap();
    assert_eq!(
        (dev1.display_name.as_str(), dev1.login.as_deref()),
        ("Dev One", Some("hamza"))
    );
    assert_eq!(dev1.time_zone.as_deref(), Some("America/Los_Angeles"));

    // 158 messages in 17 day files; 8 joins and 3 integration adds skipped.
    assert_eq!(
        per_channel(&e),
        BTreeMap::from([("team-chat".into(), 96), ("traveling-sailor".into(), 51)])
    );
    assert_eq!(e.messages.len(), 147);
    assert_eq!(
        e.skipped,
        BTreeMap::from([("bot_add".into(), 3), ("channel_join".into(), 8)])
    );
    let chans: Vec<(&str, &str, usize, usize)> = e
        .channels
        .iter()
        .map(|c| (c.id.as_str(), c.folder.as_str(), c.day_files, c.messages))
        .collect();
    assert_eq!(
        chans,
        [
            ("C0JGLMMNX", "team-chat", 9, 96),
            ("C0JL6CGQ2", "traveling-sailor", 8, 51)
        ]
    );

    let mut subtypes: BTreeMap<Option<String>, usize> = BTreeMap::new();
    for m in &e.messages {
        *subtypes.entry(m.subtype.clone()).or_default() += 1;
    }
    assert_eq!(
        subtypes,
        BTreeMap::from([
            (None, 49),
            (Some("bot_message".into()), 94),
            (Some("file_comment".into()), 1),
            (Some("file_share".into()), 3),
        ])
    );

    // ts strings kept exactly, and ids built from the channel id.
    let got: BTreeSet<(String, String)> = e
        .messages
        .iter()
        .map(|m| (m.channel_name.clone().unwrap(), m.ts.clone()))
        .collect();
    assert_eq!(got, raw_ts(&dir));
    for m in &e.messages {
        assert_eq!(m.meta.source, Source::SlackExport);
        assert_eq!(m.meta.source_id, format!("{}/{}", m.channel, m.ts));
        let secs: i64 = m.ts.split('.').next().unwrap().parse().unwrap();
        assert_eq!(m.meta.event_time.as_second(), secs);
        assert!(m.user.is_some(), "{} has no author", m.ts);
    }
    // Trailing zeros survive (a float would have dropped them).
    assert_eq!(
        msg(&e, "1458949481.000002").meta.source_id,
        "C0JL6CGQ2/1458949481.000002"
    );
    assert_eq!(
        msg(&e, "1452845956.000010").meta.source_id,
        "C0JGLMMNX/1452845956.000010"
    );

    // Bot posts: the bot id as author, the attachment fallback as text.
    let bot = msg(&e, "1459233874.000036");
    assert_eq!(bot.subtype.as_deref(), Some("bot_message"));
    assert_eq!(bot.user.as_deref(), Some("B0VJZKVHC"));
    assert!(bot.text.contains("new commit"), "{}", bot.text);
    // A file comment names its author inside `comment`.
    let comment = e
        .messages
        .iter()
        .find(|m| m.subtype.as_deref() == Some("file_comment"))
        .unwrap();
    assert_eq!(comment.user.as_deref(), Some("U0BMS113R"));
    // The one edited message.
    let edited: Vec<&Message> = e.messages.iter().filter(|m| m.edited.is_some()).collect();
    assert_eq!(edited.len(), 1);
    assert_eq!(edited[0].ts, "1458972985.000010");
    assert_eq!(
        edited[0].edited,
        Some(Timestamp::from_second(1_458_981_134).unwrap())
    );
    // No threads in this 2016 export.
    assert!(
        e.messages
            .iter()
            .all(|m| m.thread_ts.is_none() && m.reply_count == 0)
    );
}

#[test]
fn genuine_export_zipped_reads_the_same() {
    let Some(dir) = shared_export() else { return };
    let folder = read_export(&dir, "acme", now()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    for prefix in ["", "export/"] {
        let zip = tmp.path().join(format!("slack{}.zip", prefix.len()));
        zip_dir(&dir, &zip, prefix);
        let zipped = read_export(&zip, "acme", now()).unwrap();
        assert!(zipped.errors.is_empty(), "{:?}", zipped.errors);
        assert_eq!(zipped.messages, folder.messages, "prefix {prefix:?}");
        assert_eq!(zipped.people, folder.people);
        assert_eq!(zipped.channels, folder.channels);
        assert_eq!(zipped.skipped, folder.skipped);
    }
}

#[test]
fn threads_edits_and_broken_files_in_our_export() {
    let dir = own_export();
    let e = read_export(&dir, "acme", now()).unwrap();

    assert_eq!(e.people.len(), 3);
    let bob = e.people.iter().find(|p| p.meta.source_id == "U02BOB").unwrap();
    assert_eq!(bob.display_name, "Bob Stone");
    assert_eq!(bob.email.as_deref(), Some("bob@example.com"));
    assert!(
        e.people
            .iter()
            .find(|p| p.meta.source_id == "U03CIBOT")
            .unwrap()
            .is_bot
    );

    assert_eq!(
        per_channel(&e),
        BTreeMap::from([("general".into(), 6), ("random".into(), 2)])
    );
    assert_eq!(e.skipped, BTreeMap::from([("channel_join".into(), 1)]));

    // Thread: the parent keeps its reply count, replies their thread_ts.
    let parent = msg(&e, "1714550460.000200");
    assert_eq!((parent.reply_count, parent.thread_ts.as_deref()), (2, None));
    assert_eq!(parent.meta.source_id, "C01GENERAL/1714550460.000200");
    for reply in ["1714550520.000300", "1714550580.000400"] {
        assert_eq!(msg(&e, reply).thread_ts.as_deref(), Some("1714550460.000200"));
    }
    assert_eq!(
        msg(&e, "1714550580.000400").edited,
        Some(Timestamp::from_second(1_714_550_600).unwrap())
    );
    // An old export lists replies without a count.
    assert_eq!(msg(&e, "1714723200.000010").reply_count, 1);
    assert_eq!(
        msg(&e, "1714723260.000020").thread_ts.as_deref(),
        Some("1714723200.000010")
    );
    let bot = msg(&e, "1714550700.000500");
    assert_eq!(
        (bot.user.as_deref(), bot.text.as_str()),
        (Some("B03CI"), "Build #41 passed")
    );
    assert_eq!(msg(&e, "1714809660.000002").user.as_deref(), Some("U01ADA"));
    assert_eq!(
        msg(&e, "1714809600.000001").subtype.as_deref(),
        Some("file_share")
    );

    // Broken files are named; everything else imported.
    let errors: Vec<String> = e.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert!(
        errors[0].starts_with("general/2024-05-02.json: malformed JSON"),
        "{errors:#?}"
    );
    assert!(
        errors[1].starts_with("general/2024-05-03.json: message 2: "),
        "{errors:#?}"
    );
    assert_eq!(
        errors[2],
        "orphan/: folder not listed in channels.json, groups.json, mpims.json or dms.json; its 1 day file(s) were skipped"
    );
    assert_eq!(errors[3], "random/2024-05-01.json: not a JSON array of messages");
    let days: Vec<(&str, usize, usize)> = e
        .channels
        .iter()
        .map(|c| (c.folder.as_str(), c.day_files, c.messages))
        .collect();
    assert_eq!(days, [("general", 2, 6), ("random", 1, 2)]);
}

#[test]
fn what_is_not_an_export() {
    let tmp = tempfile::tempdir().unwrap();
    match read_export(&tmp.path().join("missing.zip"), "acme", now()) {
        Err(SlackExportError::Open { path, .. }) => assert!(path.ends_with("missing.zip")),
        other => panic!("{other:?}"),
    }
    match read_export(tmp.path(), "acme", now()) {
        Err(e @ SlackExportError::NotAnExport { .. }) => {
            assert!(e.to_string().contains("no channels.json"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    let not_zip = tmp.path().join("notes.txt");
    std::fs::write(&not_zip, "hello").unwrap();
    assert!(matches!(
        read_export(&not_zip, "acme", now()),
        Err(SlackExportError::NotAnExport { .. })
    ));
    let bad = tmp.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("channels.json"), "[{\"id\": ").unwrap();
    match read_export(&bad, "acme", now()) {
        Err(e @ SlackExportError::Channels { .. }) => assert!(e.to_string().contains("channels.json"), "{e}"),
        other => panic!("{other:?}"),
    }
}
