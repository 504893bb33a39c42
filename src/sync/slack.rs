//! Slack sync: users, then each channel's history and the threads in it.
//!
//! Cursors:
//! - `slack:history:<CHANNEL>` holds the greatest `ts` seen in the channel.
//!   The next sync asks `conversations.history` for `oldest` = that `ts`
//!   minus [`LOOKBACK_SECS`], so that threads and edits on recent parents are
//!   seen again; anything older than that is dropped (Slack's `oldest` does
//!   it server side; the client also stops paging there).
//! - `slack:thread:<CHANNEL>/<TS>` holds the thread's `latest_reply` (or its
//!   reply count) when its replies were written; replies are fetched again
//!   only when the parent shows a newer one.
//!
//! - `slack:users` holds when the user list was last read completely; Slack
//!   offers no incremental `users.list`, so it is read again once a day
//!   ([`USERS_EVERY_HOURS`]) or on `sync --full`, not on every delta.
//!
//! History arrives newest first, so the channel cursor can only move once the
//! walk is complete: every page is written in its own transaction (records
//! are keyed by `channel/ts`, so re-writing after a crash never doubles), and
//! the last page carries the cursor. The replies of the threads a page
//! opens, with their thread cursors, go in that page's transaction, before
//! the page's own messages (so the history's copy of a parent wins).
//! Channels are synced [`CHANNELS_AT_ONCE`] at a time; a channel that fails
//! is reported and the others go on.

use std::collections::{HashMap, HashSet};

use futures_util::{StreamExt, stream};
use jiff::Timestamp;
use serde_json::Value;

use super::{Progress, SourceReport, SyncEvent};
use crate::config::Config;
use crate::model::{Record, RecordKind, Source};
use crate::sources::slack::map::{self, ChannelRef};
use crate::sources::slack::{Channel, PageNext, SlackClient, SlackError};
use crate::store::{Batch, Store, StoreError, Writer};

/// How far before the channel cursor an incremental sync reads again, to see
/// new replies on recent threads (7 days).
pub const LOOKBACK_SECS: i64 = 7 * 24 * 3600;

/// Cursor scope holding when the user list was last read completely (UTC).
const USERS_SCOPE: &str = "slack:users";
/// `users.list` has no incremental form: the whole list is read again at
/// most this often (hours), or on `sync --full`.
const USERS_EVERY_HOURS: i64 = 24;

/// Channels synced at once (their requests interleave; each channel's own
/// pages stay in order).
const CHANNELS_AT_ONCE: usize = 4;

/// Why a part of the Slack sync stopped.
#[derive(Debug, thiserror::Error)]
enum Stop {
    #[error(transparent)]
    Slack(#[from] SlackError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Counts per kind, as the report lists them.
struct Written {
    people: usize,
    messages: usize,
}

/// Syncs Slack into `store`. Never fails as a whole: the report carries the
/// errors (one per failed channel or step), and everything written before
/// stays written. `full` ignores the cursors.
pub async fn sync_slack(
    store: &Store,
    cfg: &Config,
    client: &SlackClient,
    progress: &Progress,
    full: bool,
) -> SourceReport {
    progress.send(SyncEvent::Started {
        source: Source::Slack,
    });
    let mut written = Written {
        people: 0,
        messages: 0,
    };
    let mut errors = Vec::new();
    let mut fail = |scope: String, e: Stop| {
        let message = format!("{scope}: {e}");
        tracing::warn!(source = "slack", %scope, error = %e, "slack sync step failed");
        progress.send(SyncEvent::Failed {
            source: Source::Slack,
            message: message.clone(),
        });
        errors.push(message);
    };

    let writer = match store.writer("slack") {
        Ok(w) => w,
        Err(e) => {
            fail("store".into(), e.into());
            return finished(progress, client, &written, errors);
        }
    };
    match users_due(store, full, Timestamp::now()) {
        Ok(false) => {}
        Ok(true) => {
            if let Err(e) = sync_users(&writer, store.site(), client, progress, &mut written).await {
                fail("users".into(), e);
            }
        }
        Err(e) => fail("users".into(), e.into()),
    }

    let listed = match client.channels().await {
        Ok(list) => Some(list),
        Err(e) => {
            fail("channels".into(), e.into());
            None
        }
    };
    // A few channels at once: each channel's pages and its cursor still
    // reach the writer in order (a crash keeps a prefix of every channel),
    // and the shared client honours Slack's `Retry-After` for all of them.
    let writer_ref = &writer;
    let runs: Vec<(String, Written, Result<(), Stop>)> =
        stream::iter(targets(&cfg.slack.channels, listed.as_deref()))
            .map(|channel| async move {
                let mut w = Written {
                    people: 0,
                    messages: 0,
                };
                let run = sync_channel(
                    store,
                    writer_ref,
                    client,
                    progress,
                    &channel.id,
                    channel.name.as_deref(),
                    full,
                    &mut w,
                )
                .await;
                (channel.id, w, run)
            })
            .buffered(CHANNELS_AT_ONCE)
            .collect()
            .await;
    for (id, w, run) in runs {
        written.people += w.people;
        written.messages += w.messages;
        if let Err(e) = run {
            fail(format!("channel {id}"), e);
        }
    }
    if let Err(e) = writer.finish().await {
        fail("store".into(), e.into());
    }
    finished(progress, client, &written, errors)
}

fn finished(
    progress: &Progress,
    client: &SlackClient,
    written: &Written,
    errors: Vec<String>,
) -> SourceReport {
    let report = SourceReport {
        source: Source::Slack,
        written: vec![
            (RecordKind::Person, written.people),
            (RecordKind::Message, written.messages),
        ],
        requests: client.http().requests(),
        error: (!errors.is_empty()).then(|| errors.join("; ")),
        finished: Timestamp::now(),
    };
    progress.send(SyncEvent::Finished(report.clone()));
    report
}

/// The channels to read: the configured ids (named from the listing when it
/// has them), else every listed channel the token is a member of.
fn targets(configured: &[String], listed: Option<&[Channel]>) -> Vec<Channel> {
    let listed = listed.unwrap_or_default();
    if configured.is_empty() {
        return listed
            .iter()
            .filter(|c| c.is_member && !c.is_archived)
            .cloned()
            .collect();
    }
    configured
        .iter()
        .map(|id| {
            listed.iter().find(|c| &c.id == id).cloned().unwrap_or(Channel {
                id: id.clone(),
                name: None,
                is_private: false,
                is_archived: false,
                is_member: true,
            })
        })
        .collect()
}

/// Whether the user list is due at `now`: always with `full`, else when
/// it was last read completely [`USERS_EVERY_HOURS`] or more ago (or never).
fn users_due(store: &Store, full: bool, now: Timestamp) -> Result<bool, StoreError> {
    if full {
        return Ok(true);
    }
    let last = store
        .cursor(USERS_SCOPE)?
        .and_then(|c| c.parse::<Timestamp>().ok());
    Ok(last.is_none_or(|t| now.duration_since(t) >= jiff::SignedDuration::from_hours(USERS_EVERY_HOURS)))
}

async fn sync_users(
    writer: &Writer,
    site: &str,
    client: &SlackClient,
    progress: &Progress,
    written: &mut Written,
) -> Result<(), Stop> {
    let mut cursor: Option<String> = None;
    loop {
        let page = client.users_page(cursor.as_deref()).await?;
        let now = Timestamp::now();
        let records: Vec<Record> = page
            .items
            .iter()
            .filter_map(|u| match map::person(u, site, now) {
                Ok(p) => Some(Record::Person(p)),
                Err(e) => {
                    tracing::warn!(error = %e, "skipping slack user");
                    None
                }
            })
            .collect();
        let n = records.len();
        let mut batch = Batch::new();
        batch.extend(records);
        let last = !matches!(page.next, Some(PageNext::Cursor(_)));
        if last {
            // The whole list is read: the next read is due a day from now.
            batch.set_cursor(USERS_SCOPE, now.to_string());
        }
        writer.send(batch).await?;
        written.people += n;
        progress.send(SyncEvent::Page {
            source: Source::Slack,
            endpoint: "users.list".into(),
            items: n,
        });
        match page.next {
            Some(PageNext::Cursor(c)) => cursor = Some(c),
            _ => return Ok(()),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn sync_channel(
    store: &Store,
    writer: &Writer,
    client: &SlackClient,
    progress: &Progress,
    channel: &str,
    name: Option<&str>,
    full: bool,
    written: &mut Written,
) -> Result<(), Stop> {
    let site = store.site().to_string();
    let scope = format!("slack:history:{channel}");
    let stored = if full { None } else { store.cursor(&scope)? };
    let oldest = stored.as_deref().and_then(|c| map::ts_minus(c, LOOKBACK_SECS));
    let cref = ChannelRef { id: channel, name };
    let mut newest = stored.clone();
    let mut next: Option<PageNext> = None;
    let mut overridden: HashSet<String> = HashSet::new();
    loop {
        let page = client
            .history_page(channel, oldest.as_deref(), next.as_ref())
            .await?;
        let now = Timestamp::now();
        // Newest first: once a page reaches `oldest`, the rest is older.
        let is_new = |m: &Value| {
            let ts = m.get("ts").and_then(Value::as_str).unwrap_or_default();
            oldest
                .as_deref()
                .is_none_or(|o| map::ts_cmp(ts, o) == std::cmp::Ordering::Greater)
        };
        let reached_oldest = page.items.iter().any(|m| !is_new(m));
        let mut records = Vec::new();
        let mut threads: Vec<(String, String)> = Vec::new();
        for raw in page.items.iter().filter(|m| is_new(m)) {
            if let Some(ts) = raw.get("ts").and_then(Value::as_str)
                && newest
                    .as_deref()
                    .is_none_or(|n| map::ts_cmp(ts, n) == std::cmp::Ordering::Greater)
            {
                newest = Some(ts.to_string());
            }
            if let Some(t) = thread_to_fetch(store, channel, raw, full)? {
                threads.push(t);
            }
            // Newest first: an edit or deletion event comes before the
            // message it changes, which must then not overwrite it.
            if let Some(target) = changed_ts(raw) {
                overridden.insert(target.to_string());
            } else if raw
                .get("ts")
                .and_then(Value::as_str)
                .is_some_and(|ts| overridden.contains(ts))
            {
                continue;
            }
            match map::message(raw, cref, &site, now) {
                Ok(Some(m)) => records.push(Record::Message(m)),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "skipping slack message"),
            }
        }
        let mut batch = Batch::new();
        for (thread_ts, marker) in &threads {
            let replies = sync_thread(client, cref, &site, thread_ts, marker).await?;
            let n = replies.len();
            batch.append(replies);
            written.messages += n;
            progress.send(SyncEvent::Page {
                source: Source::Slack,
                endpoint: "conversations.replies".into(),
                items: n,
            });
        }
        let last = page.next.is_none() || reached_oldest;
        let n = records.len();
        batch.extend(records);
        if last && let Some(v) = newest.as_deref() {
            batch.set_cursor(scope.as_str(), v);
        }
        writer.send(batch).await?;
        written.messages += n;
        progress.send(SyncEvent::Page {
            source: Source::Slack,
            endpoint: "conversations.history".into(),
            items: n,
        });
        if last {
            return Ok(());
        }
        next = page.next;
    }
}

/// The `ts` an edit or deletion event is about.
fn changed_ts(raw: &Value) -> Option<&str> {
    match raw.get("subtype").and_then(Value::as_str)? {
        "message_changed" => raw.pointer("/message/ts").and_then(Value::as_str),
        "message_deleted" => raw
            .get("deleted_ts")
            .or_else(|| raw.pointer("/previous_message/ts"))
            .and_then(Value::as_str),
        _ => None,
    }
}

/// The thread to (re)read for a history message: `(thread_ts, marker)` when
/// it has replies and its marker (`latest_reply`, else the reply count)
/// differs from the one stored with its replies.
fn thread_to_fetch(
    store: &Store,
    channel: &str,
    raw: &Value,
    full: bool,
) -> Result<Option<(String, String)>, StoreError> {
    let replies = raw.get("reply_count").and_then(Value::as_u64).unwrap_or(0);
    let latest = raw.get("latest_reply").and_then(Value::as_str);
    let Some(ts) = raw.get("ts").and_then(Value::as_str) else {
        return Ok(None);
    };
    if replies == 0 && latest.is_none() {
        return Ok(None);
    }
    let marker = latest.map_or_else(|| format!("n{replies}"), str::to_string);
    if !full && store.cursor(&thread_scope(channel, ts))?.as_deref() == Some(marker.as_str()) {
        return Ok(None);
    }
    Ok(Some((ts.to_string(), marker)))
}

fn thread_scope(channel: &str, ts: &str) -> String {
    format!("slack:thread:{channel}/{ts}")
}

/// A thread's replies with its thread cursor, as one batch.
async fn sync_thread(
    client: &SlackClient,
    channel: ChannelRef<'_>,
    site: &str,
    thread_ts: &str,
    marker: &str,
) -> Result<Batch, Stop> {
    let raw = client.replies(channel.id, thread_ts).await?;
    let now = Timestamp::now();
    // A reply edited twice may come twice in odd exports; keep the last.
    let mut by_ts: HashMap<String, Record> = HashMap::new();
    for r in &raw {
        match map::message(r, channel, site, now) {
            Ok(Some(m)) => {
                by_ts.insert(m.ts.clone(), Record::Message(m));
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "skipping slack reply"),
        }
    }
    let mut batch = Batch::new();
    batch.extend(by_ts.into_values());
    batch.set_cursor(thread_scope(channel.id, thread_ts), marker);
    Ok(batch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(id: &str, member: bool) -> Channel {
        Channel {
            id: id.into(),
            name: Some(format!("n-{id}")),
            is_private: false,
            is_archived: false,
            is_member: member,
        }
    }

    #[test]
    fn targets_are_configured_ids_or_member_channels() {
        let listed = vec![ch("C1", true), ch("C2", false)];
        let all: Vec<String> = targets(&[], Some(&listed)).into_iter().map(|c| c.id).collect();
        assert_eq!(all, vec!["C1"]);
        let picked = targets(&["C2".into(), "C9".into()], Some(&listed));
        assert_eq!(picked[0].name.as_deref(), Some("n-C2"));
        assert_eq!(picked[1].id, "C9");
        assert_eq!(picked[1].name, None);
        assert_eq!(targets(&["C9".into()], None).len(), 1);
    }
}
