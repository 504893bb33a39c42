//! The encrypted store: round trip, keys, integrity, isolation, retention.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use async_cockpit::model::{Record, RecordKind};
use async_cockpit::store::{KeySource, LlmOutput, STORE_FILE, Store, StoreError, init_key_file, keys};
use common::{contains, rec, ts};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};
use zeroize::Zeroizing;

fn key_file(dir: &std::path::Path, name: &str) -> KeySource {
    let path = dir.join(name);
    init_key_file(&path).unwrap();
    keys::read_key_file(&path, true).unwrap()
}

#[test]
fn round_trip_records_cursor_secret_and_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let key = key_file(tmp.path(), "key");
    let site_dir = tmp.path().join("acme");
    let t = ts("2026-01-05T09:00:00Z");
    let written = vec![
        rec("acme", "1", "ALP-1", "first", t),
        rec("acme", "2", "ALP-2", "second", t),
    ];
    {
        let store = Store::open(&site_dir, "acme", &key, true).unwrap();
        assert_eq!(
            store
                .write_batch(&written, Some(("jira:issues:ALP", "c1")))
                .unwrap(),
            2
        );
        // Rewriting the same id replaces, never doubles.
        store.write_batch(&written[..1], None).unwrap();
        store.put_secret("jira", "tok-123").unwrap();
        store.put_snapshot("cockpit", b"{}").unwrap();
    }
    let store = Store::open(&site_dir, "acme", &key, false).unwrap();
    let mut read = store.records(RecordKind::WorkItem).unwrap();
    read.sort_by_key(|r| r.meta().source_id.clone());
    assert_eq!(read, written);
    assert_eq!(store.cursor("jira:issues:ALP").unwrap().as_deref(), Some("c1"));
    assert_eq!(store.cursor("jira:issues:BET").unwrap(), None);
    assert_eq!(
        store.secret("jira").unwrap().as_deref().map(String::as_str),
        Some("tok-123")
    );
    assert_eq!(
        store.snapshot("cockpit").unwrap().as_deref().map(Vec::as_slice),
        Some(&b"{}"[..])
    );
    let counts = store.counts().unwrap();
    assert!(counts.contains(&(RecordKind::WorkItem, 2)));
    assert!(counts.contains(&(RecordKind::Sprint, 0)));
}

#[test]
#[cfg(unix)]
fn folder_is_0700_and_file_0600() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let site_dir = tmp.path().join("sites").join("acme");
    drop(Store::open(&site_dir, "acme", &KeySource::ephemeral(), true).unwrap());
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&site_dir), 0o700);
    assert_eq!(mode(&site_dir.join(STORE_FILE)), 0o600);
}

#[test]
fn wrong_key_file_and_wrong_passphrase_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let right = key_file(tmp.path(), "right");
    let wrong = key_file(tmp.path(), "wrong");
    let dir = tmp.path().join("acme");
    drop(Store::open(&dir, "acme", &right, true).unwrap());
    let err = Store::open(&dir, "acme", &wrong, false).err().unwrap();
    assert_eq!(err.to_string(), "wrong passphrase or key file for site 'acme'");

    let pdir = tmp.path().join("p");
    let pass = |s: &str| KeySource::Passphrase(Zeroizing::new(s.to_string()));
    drop(Store::open(&pdir, "p", &pass("correct horse"), true).unwrap());
    assert!(Store::open(&pdir, "p", &pass("correct horse"), false).is_ok());
    let err = Store::open(&pdir, "p", &pass("battery staple"), false)
        .err()
        .unwrap();
    assert_eq!(err.to_string(), "wrong passphrase or key file for site 'p'");
    // A key file where a passphrase protects the store: say which is needed.
    let err = Store::open(&pdir, "p", &right, false).err().unwrap();
    assert!(matches!(err, StoreError::KeyKind { .. }), "{err}");
    assert!(err.to_string().contains("set ASYNC_COCKPIT_PASSPHRASE"), "{err}");
}

#[test]
fn key_file_readable_by_others_is_refused() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("key");
        init_key_file(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = keys::read_key_file(&path, true).err().unwrap();
        assert!(err.to_string().contains("chmod 600"), "{err}");
        // key init never overwrites.
        assert!(init_key_file(&path).is_err());
    }
}

fn raw_values(path: &std::path::Path, table: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let db = redb::Database::open(path).unwrap();
    let txn = db.begin_read().unwrap();
    let t = txn
        .open_table(TableDefinition::<&[u8], &[u8]>::new(table))
        .unwrap();
    t.iter()
        .unwrap()
        .map(|r| {
            let (k, v) = r.unwrap();
            (k.value().to_vec(), v.value().to_vec())
        })
        .collect()
}

#[test]
fn a_byte_flipped_on_disk_is_an_integrity_error_naming_the_table() {
    let tmp = tempfile::tempdir().unwrap();
    let key = KeySource::ephemeral();
    let dir = tmp.path().join("acme");
    let long = "x".repeat(3000);
    {
        let s = Store::open(&dir, "acme", &key, true).unwrap();
        s.write_batch(
            &[rec("acme", "1", "ALP-1", &long, ts("2026-01-05T09:00:00Z"))],
            None,
        )
        .unwrap();
    }
    let file = dir.join(STORE_FILE);
    let (_, sealed) = raw_values(&file, "records.work_item").remove(0);
    // Find the sealed value in the raw file and flip one ciphertext byte.
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes
        .windows(64)
        .position(|w| w == &sealed[100..164])
        .expect("sealed bytes are stored contiguously");
    bytes[at + 10] ^= 0x01;
    std::fs::write(&file, &bytes).unwrap();
    let s = Store::open(&dir, "acme", &key, false).unwrap();
    let err = s.records(RecordKind::WorkItem).err().unwrap();
    assert!(
        matches!(&err, StoreError::Integrity { table, .. } if table == "records.work_item"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("integrity error in table 'records.work_item'"),
        "{err}"
    );
}

#[test]
fn two_sealed_values_swapped_between_rows_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let key = KeySource::ephemeral();
    let dir = tmp.path().join("acme");
    let t = ts("2026-01-05T09:00:00Z");
    {
        let s = Store::open(&dir, "acme", &key, true).unwrap();
        s.write_batch(
            &[
                rec("acme", "1", "ALP-1", "one", t),
                rec("acme", "2", "ALP-2", "two", t),
            ],
            None,
        )
        .unwrap();
    }
    let file = dir.join(STORE_FILE);
    let rows = raw_values(&file, "records.work_item");
    {
        let db = redb::Database::open(&file).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut t = txn
                .open_table(TableDefinition::<&[u8], &[u8]>::new("records.work_item"))
                .unwrap();
            t.insert(rows[0].0.as_slice(), rows[1].1.as_slice()).unwrap();
            t.insert(rows[1].0.as_slice(), rows[0].1.as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }
    let s = Store::open(&dir, "acme", &key, false).unwrap();
    let err = s.records(RecordKind::WorkItem).err().unwrap();
    assert!(matches!(err, StoreError::Integrity { .. }), "{err}");
}

#[test]
fn site_isolation() {
    let tmp = tempfile::tempdir().unwrap();
    let key = key_file(tmp.path(), "key");
    let t = ts("2026-01-05T09:00:00Z");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    {
        let sa = Store::open(&a, "a", &key, true).unwrap();
        sa.write_batch(&[rec("a", "1", "ALP-1", "secret plan of A", t)], None)
            .unwrap();
        let sb = Store::open(&b, "b", &key, true).unwrap();
        sb.write_batch(&[rec("b", "1", "ALP-1", "plan of B", t)], None)
            .unwrap();
    }
    // Same key, same id: different blinded row keys (unlinkable across sites).
    let ra = raw_values(&a.join(STORE_FILE), "records.work_item");
    let rb = raw_values(&b.join(STORE_FILE), "records.work_item");
    assert_ne!(ra[0].0, rb[0].0);
    // A's file opened as site b: refused by name.
    let err = Store::open(&a, "b", &key, false).err().unwrap();
    assert!(matches!(err, StoreError::SiteMismatch { .. }), "{err}");
    // A's sealed value planted in B's store at B's row: does not open.
    {
        let db = redb::Database::open(b.join(STORE_FILE)).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut t = txn
                .open_table(TableDefinition::<&[u8], &[u8]>::new("records.work_item"))
                .unwrap();
            t.insert(rb[0].0.as_slice(), ra[0].1.as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }
    let sb = Store::open(&b, "b", &key, false).unwrap();
    assert!(matches!(
        sb.records(RecordKind::WorkItem),
        Err(StoreError::Integrity { .. })
    ));
}

#[test]
fn a_second_opener_is_told_about_serve() {
    let tmp = tempfile::tempdir().unwrap();
    let key = KeySource::ephemeral();
    let dir = tmp.path().join("acme");
    let _first = Store::open(&dir, "acme", &key, true).unwrap();
    let err = Store::open(&dir, "acme", &key, false).err().unwrap();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(err.to_string().contains("async-cockpit serve"), "{err}");
}

#[test]
fn nothing_plaintext_in_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("acme");
    let markers = [
        "MARKER-summary-7f3a9",
        "MARKER-acc-d41d8",
        "ghp_MARKERtokenMARKERtoken00000000000",
    ];
    {
        let s = Store::open(&dir, "acme", &KeySource::ephemeral(), true).unwrap();
        let mut r = common::item(
            "acme",
            "MARKER-id-0001",
            "ALP-9",
            markers[0],
            ts("2026-01-05T09:00:00Z"),
        );
        r.assignee = Some(markers[1].into());
        s.write_batch(
            &[Record::WorkItem(r)],
            Some(("jira:issues:MARKERPROJ", "MARKER-cursor")),
        )
        .unwrap();
        s.put_secret("github", markers[2]).unwrap();
    }
    let bytes = std::fs::read(dir.join(STORE_FILE)).unwrap();
    for m in markers
        .iter()
        .chain(&["MARKER-id-0001", "MARKERPROJ", "MARKER-cursor", "ALP-9"])
    {
        assert!(!contains(&bytes, m.as_bytes()), "{m} found in plaintext");
    }
}

#[test]
fn retention_purges_by_exact_event_time_with_a_fixed_clock() {
    let tmp = tempfile::tempdir().unwrap();
    let s = Store::open(&tmp.path().join("acme"), "acme", &KeySource::ephemeral(), true).unwrap();
    let now = ts("2026-03-01T12:00:00Z");
    // Cut-off for 30 days: 2026-01-30T12:00:00Z.
    let recs = vec![
        rec("acme", "old", "A-1", "60 days old", ts("2025-12-31T12:00:00Z")),
        rec(
            "acme",
            "edge-out",
            "A-2",
            "1 min before cut-off",
            ts("2026-01-30T11:59:00Z"),
        ),
        rec(
            "acme",
            "edge-in",
            "A-3",
            "1 min after cut-off",
            ts("2026-01-30T12:01:00Z"),
        ),
        rec("acme", "new", "A-4", "yesterday", ts("2026-02-28T12:00:00Z")),
    ];
    s.write_batch(&recs, None).unwrap();
    // A record that moved from old to new keeps only its new day.
    s.write_batch(
        &[rec("acme", "moved", "A-5", "old", ts("2025-11-01T00:00:00Z"))],
        None,
    )
    .unwrap();
    s.write_batch(
        &[rec("acme", "moved", "A-5", "updated", ts("2026-02-20T00:00:00Z"))],
        None,
    )
    .unwrap();
    let llm = |hash: &str, at: &str| LlmOutput {
        input_hash: hash.into(),
        provider: "offline".into(),
        model: String::new(),
        created: ts(at),
        event_time: ts(at),
        fields_seen: vec!["standup".into()],
        text: "summary".into(),
    };
    s.put_llm_output(&llm("h-old", "2026-01-01T00:00:00Z")).unwrap();
    s.put_llm_output(&llm("h-new", "2026-02-27T00:00:00Z")).unwrap();

    let report = s.purge(now, 30).unwrap();
    assert_eq!(report.cutoff, Some(ts("2026-01-30T12:00:00Z")));
    let removed = |k: &str| report.removed.iter().find(|(n, _)| n == k).map(|(_, c)| *c);
    assert_eq!(removed("work_item"), Some(2)); // "old" and "edge-out"
    assert_eq!(removed("llm_output"), Some(1)); // "h-old"
    assert_eq!(report.total(), 3);
    let mut left: Vec<String> = s
        .records(RecordKind::WorkItem)
        .unwrap()
        .iter()
        .map(|r| r.meta().source_id.clone())
        .collect();
    left.sort();
    assert_eq!(left, ["edge-in", "moved", "new"]);
    assert!(s.llm_output("h-old").unwrap().is_none());
    assert!(s.llm_output("h-new").unwrap().is_some());
    // Idempotent.
    assert_eq!(s.purge(now, 30).unwrap().total(), 0);
}

/// The sync's writer thread: batches land in the order sent (a later value
/// of a record or cursor wins, also inside one group commit), `finish`
/// counts them, and the store closes once the thread has let go of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writer_thread_writes_batches_in_order_and_releases_the_store() {
    use async_cockpit::store::Batch;
    let tmp = tempfile::tempdir().unwrap();
    let key = key_file(tmp.path(), "key");
    let site_dir = tmp.path().join("acme");
    let t = ts("2026-01-05T09:00:00Z");
    {
        let store = Store::open(&site_dir, "acme", &key, true).unwrap();
        let writer = store.writer("test").unwrap();
        for n in 0..50 {
            let mut b = Batch::new();
            b.push(rec("acme", &format!("{n}"), "ALP-1", &format!("v{n}"), t));
            // Every batch also rewrites record 0: the last one sent wins.
            b.push(rec("acme", "0", "ALP-1", &format!("latest {n}"), t));
            b.set_cursor("scope", n.to_string());
            writer.send(b).await.unwrap();
        }
        // An empty batch is nothing to write.
        writer.send(Batch::new()).await.unwrap();
        assert_eq!(writer.finish().await.unwrap(), 100);
        assert_eq!(store.cursor("scope").unwrap().as_deref(), Some("49"));
        let zero = store
            .records(RecordKind::WorkItem)
            .unwrap()
            .into_iter()
            .find(|r| r.meta().source_id == "0")
            .unwrap();
        let Record::WorkItem(zero) = zero else {
            panic!("not a work item")
        };
        assert_eq!(zero.summary, "latest 49");
    }
    // Reopening works at once: the writer thread no longer holds the file.
    let store = Store::open(&site_dir, "acme", &key, false).unwrap();
    assert_eq!(store.records(RecordKind::WorkItem).unwrap().len(), 50);
}
