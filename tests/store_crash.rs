//! Crash safety: a writer process SIGKILLed in the middle of batch writes, 20
//! rounds; the store opens every time and every batch is whole or absent, and
//! the cursor never runs ahead of the batches written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use async_cockpit::model::RecordKind;
use async_cockpit::store::{Batch, Commit, Store, init_key_file, keys};
use common::{rec, ts};

const CHILD_ENV: &str = "AC_CRASH_CHILD_DIR";
/// Set in the child: write with deferred commits, a durable one every 7th.
const DEFERRED_ENV: &str = "AC_CRASH_CHILD_DEFERRED";
const BATCH: usize = 40;

fn open(dir: &Path, create: bool) -> Store {
    let key = keys::read_key_file(&dir.join("key"), true).unwrap();
    Store::open(&dir.join("site"), "crash", &key, create).unwrap()
}

/// The writer: batch `n` holds records `b{n}-{i}` and sets the cursor to `n`.
fn child(dir: &Path) -> ! {
    let store = open(dir, true);
    let start = store
        .cursor("batches")
        .unwrap()
        .map_or(0, |c| c.parse::<u64>().unwrap() + 1);
    let t = ts("2026-01-05T09:00:00Z");
    for n in start.. {
        let batch: Vec<_> = (0..BATCH)
            .map(|i| {
                rec(
                    "crash",
                    &format!("b{n}-{i}"),
                    &format!("C-{i}"),
                    &"payload ".repeat(20),
                    t,
                )
            })
            .collect();
        if std::env::var_os(DEFERRED_ENV).is_some() {
            let mut b = Batch::new();
            b.extend(batch);
            b.set_cursor("batches", n.to_string());
            let commit = if n % 7 == 6 {
                Commit::Durable
            } else {
                Commit::Deferred
            };
            store.write(&[b], commit).unwrap();
        } else {
            store
                .write_batch(&batch, Some(("batches", &n.to_string())))
                .unwrap();
        }
    }
    unreachable!()
}

#[test]
fn sigkill_mid_write_leaves_whole_batches() {
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        child(Path::new(&dir));
    }
    kill_rounds("sigkill_mid_write_leaves_whole_batches", false);
}

/// Deferred commits (redb `Durability::None`, as the sync's writer uses
/// between durable ones): a kill rolls back to the last durable commit, so
/// what is left is still whole batches `0..=cursor`.
#[test]
fn sigkill_mid_deferred_writes_rolls_back_to_whole_batches() {
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        child(Path::new(&dir));
    }
    kill_rounds("sigkill_mid_deferred_writes_rolls_back_to_whole_batches", true);
}

fn kill_rounds(test: &str, deferred: bool) {
    let tmp = tempfile::tempdir().unwrap();
    init_key_file(&tmp.path().join("key")).unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut rng_state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut last_cursor = -1i64;
    for round in 0..20 {
        let mut cmd = Command::new(&exe);
        cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, tmp.path());
        if deferred {
            cmd.env(DEFERRED_ENV, "1");
        }
        let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        // xorshift: a kill point between 30 and 330 ms into the run.
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        std::thread::sleep(Duration::from_millis(30 + rng_state % 300));
        child.kill().unwrap(); // SIGKILL on unix
        child.wait().unwrap();

        let store = open(tmp.path(), false);
        let cursor: i64 = store
            .cursor("batches")
            .unwrap()
            .map_or(-1, |c| c.parse().unwrap());
        let mut per_batch: BTreeMap<u64, usize> = BTreeMap::new();
        for r in store.records(RecordKind::WorkItem).unwrap() {
            let id = &r.meta().source_id;
            let n: u64 = id[1..id.find('-').unwrap()].parse().unwrap();
            *per_batch.entry(n).or_default() += 1;
        }
        for (n, count) in &per_batch {
            assert_eq!(*count, BATCH, "round {round}: batch {n} is partial");
        }
        // Batches are exactly 0..=cursor: the cursor was committed with its batch.
        let expected: Vec<u64> = (0..=cursor).map(|c| c as u64).collect();
        assert_eq!(
            per_batch.keys().copied().collect::<Vec<_>>(),
            expected,
            "round {round}"
        );
        assert!(cursor >= last_cursor, "round {round}: cursor went back");
        last_cursor = cursor;
    }
    assert!(
        last_cursor >= 0,
        "no batch was ever committed; kill points too early"
    );
}
