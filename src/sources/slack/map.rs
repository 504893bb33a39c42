//! Slack message and user JSON → provider-neutral records.
//!
//! Subtypes are handled on purpose, one rule each (see [`message`]): plain
//! posts, bot posts, edits, deletions and tombstones become [`Message`]s;
//! membership and channel-housekeeping events are skipped. `ts` stays the
//! string Slack sent; it is parsed only to order messages and to time them.

use std::cmp::Ordering;

use jiff::Timestamp;
use serde_json::Value;

use crate::model::{Message, Person, RecordMeta, Source};

/// Why a Slack object could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("slack {what}: {reason}")]
pub struct MapError {
    /// What was being mapped (`message C123/1712.000100`, `user U1`).
    pub what: String,
    /// What is missing or malformed.
    pub reason: String,
}

/// Housekeeping subtypes: not activity, skipped without error.
pub const SKIPPED_SUBTYPES: &[&str] = &[
    "channel_join",
    "channel_leave",
    "group_join",
    "group_leave",
    "channel_topic",
    "channel_purpose",
    "channel_name",
    "channel_archive",
    "channel_unarchive",
    "channel_convert_to_private",
    "channel_convert_to_public",
    "group_topic",
    "group_purpose",
    "group_name",
    "group_archive",
    "group_unarchive",
    "bot_add",
    "bot_remove",
    "pinned_item",
    "unpinned_item",
    "reminder_add",
    "ekm_access_denied",
];

/// Subtype written for messages deleted after we stored them.
pub const DELETED: &str = "message_deleted";
/// Subtype Slack gives a deleted parent that still has replies.
pub const TOMBSTONE: &str = "tombstone";
/// Subtype of every post by a bot or app (Slack only sets it for some).
pub const BOT: &str = "bot_message";

/// The channel a message belongs to.
#[derive(Debug, Clone, Copy)]
pub struct ChannelRef<'a> {
    /// Channel id (`C...`, `G...`).
    pub id: &'a str,
    /// Channel name, when known.
    pub name: Option<&'a str>,
}

/// A Slack `ts` (`"1486999900.000136"`) as (seconds, microseconds).
pub fn ts_parts(ts: &str) -> Option<(i64, u32)> {
    let (secs, frac) = ts.trim().split_once('.').unwrap_or((ts.trim(), ""));
    let secs = secs.parse::<i64>().ok()?;
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: String = frac.chars().take(6).collect();
    let micros = format!("{digits:0<6}").parse::<u32>().ok()?;
    Some((secs, micros))
}

/// The instant of a `ts`.
pub fn ts_time(ts: &str) -> Option<Timestamp> {
    let (secs, micros) = ts_parts(ts)?;
    Timestamp::new(secs, i32::try_from(micros).ok()? * 1000).ok()
}

/// Orders two `ts` values numerically (a string compare breaks on ts with
/// fewer digits); unparsable values sort first.
pub fn ts_cmp(a: &str, b: &str) -> Ordering {
    ts_parts(a).cmp(&ts_parts(b))
}

/// `ts` moved back by `secs` seconds, in Slack's own format.
pub fn ts_minus(ts: &str, secs: i64) -> Option<String> {
    let (s, micros) = ts_parts(ts)?;
    Some(format!("{}.{micros:06}", (s - secs).max(0)))
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The text a message shows: its `text`, else the fallbacks of its
/// attachments (CI and alert bots post with an empty `text`).
fn shown_text(v: &Value) -> String {
    if let Some(t) = str_at(v, "text") {
        return t.to_string();
    }
    v.get("attachments")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| {
                    str_at(x, "fallback")
                        .or_else(|| str_at(x, "title"))
                        .or_else(|| str_at(x, "text"))
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// Maps one message of `conversations.history` or `conversations.replies`.
///
/// - no subtype, `me_message`, `file_share`, `file_comment`,
///   `thread_broadcast`: kept as posted.
/// - `bot_message`, or any post carrying a `bot_id`: kept, subtype
///   `bot_message`, `user` the bot's user id or else its `bot_id`.
/// - `message_changed`: the edited message (the nested `message`), with
///   `edited` set.
/// - `message_deleted`: a record for the deleted `ts` with subtype
///   `message_deleted` and no text, so it replaces (marks) the stored one.
/// - `tombstone` (a deleted parent whose thread lives on): kept with subtype
///   `tombstone` and no text.
/// - joins, leaves, topic/purpose/name changes, pins ([`SKIPPED_SUBTYPES`]):
///   `Ok(None)`.
///
/// # Errors
/// [`MapError`] when the message has no usable `ts`.
pub fn message(
    v: &Value,
    channel: ChannelRef<'_>,
    site: &str,
    now: Timestamp,
) -> Result<Option<Message>, MapError> {
    let subtype = str_at(v, "subtype");
    match subtype {
        Some(s) if SKIPPED_SUBTYPES.contains(&s) => return Ok(None),
        Some("message_changed") => {
            let inner = v.get("message").ok_or_else(|| MapError {
                what: format!("message {}/{}", channel.id, str_at(v, "ts").unwrap_or("?")),
                reason: "message_changed without the edited `message`".into(),
            })?;
            let mut m = match message(inner, channel, site, now)? {
                Some(m) => m,
                None => return Ok(None),
            };
            if m.edited.is_none() {
                m.edited = inner
                    .pointer("/edited/ts")
                    .and_then(Value::as_str)
                    .or_else(|| str_at(v, "ts"))
                    .and_then(ts_time);
            }
            return Ok(Some(m));
        }
        Some(DELETED) => {
            let ts = str_at(v, "deleted_ts")
                .or_else(|| v.pointer("/previous_message/ts").and_then(Value::as_str))
                .ok_or_else(|| MapError {
                    what: format!("message {}/?", channel.id),
                    reason: "message_deleted without `deleted_ts`".into(),
                })?;
            let user = v
                .pointer("/previous_message/user")
                .and_then(Value::as_str)
                .map(str::to_string);
            return build(ts, channel, site, now, |m| {
                m.subtype = Some(DELETED.into());
                m.user = user;
                m.thread_ts = v
                    .pointer("/previous_message/thread_ts")
                    .and_then(Value::as_str)
                    .filter(|t| *t != ts)
                    .map(str::to_string);
            })
            .map(Some);
        }
        _ => {}
    }
    let ts = str_at(v, "ts").ok_or_else(|| MapError {
        what: format!("message in {}", channel.id),
        reason: "no `ts`".into(),
    })?;
    let bot_id = str_at(v, "bot_id");
    let is_bot = subtype == Some(BOT) || bot_id.is_some();
    build(ts, channel, site, now, |m| {
        m.thread_ts = str_at(v, "thread_ts").filter(|t| *t != ts).map(str::to_string);
        m.reply_count = v
            .get("reply_count")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0);
        m.edited = v.pointer("/edited/ts").and_then(Value::as_str).and_then(ts_time);
        if subtype == Some(TOMBSTONE) {
            m.subtype = Some(TOMBSTONE.into());
            m.user = None;
            return;
        }
        m.text = shown_text(v);
        m.user = str_at(v, "user").or(bot_id).map(str::to_string);
        m.subtype = if is_bot {
            Some(BOT.into())
        } else {
            subtype.map(str::to_string)
        };
    })
    .map(Some)
}

fn build(
    ts: &str,
    channel: ChannelRef<'_>,
    site: &str,
    now: Timestamp,
    fill: impl FnOnce(&mut Message),
) -> Result<Message, MapError> {
    let at = ts_time(ts).ok_or_else(|| MapError {
        what: format!("message {}/{ts}", channel.id),
        reason: format!("`ts` {ts:?} is not a Slack timestamp"),
    })?;
    let mut m = Message {
        meta: RecordMeta {
            site: site.to_string(),
            source: Source::Slack,
            source_id: format!("{}/{ts}", channel.id),
            event_time: at,
            fetched_at: now,
        },
        channel: channel.id.to_string(),
        channel_name: channel.name.map(str::to_string),
        ts: ts.to_string(),
        thread_ts: None,
        user: None,
        subtype: None,
        text: String::new(),
        edited: None,
        reply_count: 0,
    };
    fill(&mut m);
    Ok(m)
}

/// Maps a member of `users.list` or the `user` of `users.info`.
///
/// # Errors
/// [`MapError`] when the user has no `id`.
pub fn person(v: &Value, site: &str, now: Timestamp) -> Result<Person, MapError> {
    let id = str_at(v, "id").ok_or_else(|| MapError {
        what: "user".into(),
        reason: "no `id`".into(),
    })?;
    let profile = v.get("profile").unwrap_or(&Value::Null);
    let display_name = str_at(v, "real_name")
        .or_else(|| str_at(profile, "real_name"))
        .or_else(|| str_at(profile, "display_name"))
        .or_else(|| str_at(v, "name"))
        .unwrap_or(id)
        .to_string();
    let flag = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    let updated = v
        .get("updated")
        .and_then(Value::as_i64)
        .and_then(|s| Timestamp::from_second(s).ok());
    Ok(Person {
        meta: RecordMeta {
            site: site.to_string(),
            source: Source::Slack,
            source_id: id.to_string(),
            event_time: updated.unwrap_or(now),
            fetched_at: now,
        },
        display_name,
        email: str_at(profile, "email").map(str::to_string),
        login: str_at(v, "name").map(str::to_string),
        // Slackbot is not flagged `is_bot` by Slack, but it is one.
        is_bot: flag("is_bot") || flag("is_app_user") || id == "USLACKBOT",
        time_zone: str_at(v, "tz").map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CH: ChannelRef<'static> = ChannelRef {
        id: "C1",
        name: Some("dev"),
    };

    fn now() -> Timestamp {
        Timestamp::from_second(1_800_000_000).unwrap_or_default()
    }

    #[test]
    fn ts_orders_numerically_and_keeps_its_string() {
        assert_eq!(ts_parts("1486969200.000136"), Some((1_486_969_200, 136)));
        assert_eq!(ts_cmp("999.9", "1000.000001"), Ordering::Less);
        assert_eq!(ts_cmp("1.5", "1.500000"), Ordering::Equal);
        assert_eq!(ts_minus("1000.000200", 60).as_deref(), Some("940.000200"));
        assert_eq!(ts_parts("abc"), None);
        let m = message(
            &json!({"ts": "1486969200.000136", "text": "x", "user": "U1"}),
            CH,
            "s",
            now(),
        )
        .ok()
        .flatten();
        assert_eq!(m.as_ref().map(|m| m.ts.as_str()), Some("1486969200.000136"));
        assert_eq!(
            m.map(|m| m.meta.source_id),
            Some("C1/1486969200.000136".to_string())
        );
    }

    #[test]
    fn subtypes_are_handled_on_purpose() {
        let join = json!({"subtype": "channel_join", "ts": "1.000001", "user": "U1", "text": "joined"});
        assert_eq!(message(&join, CH, "s", now()), Ok(None));

        let bot = json!({"subtype": "bot_message", "bot_id": "B1", "ts": "2.000001", "text": "", "attachments": [{"fallback": "build failed"}]});
        let m = message(&bot, CH, "s", now()).ok().flatten();
        assert_eq!(m.as_ref().and_then(|m| m.subtype.as_deref()), Some(BOT));
        assert_eq!(m.as_ref().and_then(|m| m.user.as_deref()), Some("B1"));
        assert_eq!(m.map(|m| m.text), Some("build failed".to_string()));

        let app = json!({"bot_id": "B2", "user": "U9", "ts": "3.000001", "text": "deployed"});
        let m = message(&app, CH, "s", now()).ok().flatten();
        assert_eq!(m.as_ref().and_then(|m| m.subtype.as_deref()), Some(BOT));
        assert_eq!(m.and_then(|m| m.user), Some("U9".to_string()));

        let changed = json!({"subtype": "message_changed", "ts": "9.000001",
            "message": {"ts": "4.000001", "user": "U1", "text": "fixed", "edited": {"user": "U1", "ts": "5.000000"}}});
        let m = message(&changed, CH, "s", now()).ok().flatten();
        assert_eq!(m.as_ref().map(|m| m.meta.source_id.as_str()), Some("C1/4.000001"));
        assert_eq!(m.as_ref().map(|m| m.text.as_str()), Some("fixed"));
        assert_eq!(m.and_then(|m| m.edited), ts_time("5.000000"));

        let deleted = json!({"subtype": "message_deleted", "ts": "9.000002", "deleted_ts": "4.000001",
            "previous_message": {"ts": "4.000001", "user": "U1", "text": "secret"}});
        let m = message(&deleted, CH, "s", now()).ok().flatten();
        assert_eq!(m.as_ref().map(|m| m.meta.source_id.as_str()), Some("C1/4.000001"));
        assert_eq!(m.as_ref().and_then(|m| m.subtype.as_deref()), Some(DELETED));
        assert_eq!(m.map(|m| m.text), Some(String::new()));

        let tomb = json!({"subtype": "tombstone", "ts": "6.000001", "user": "USLACKBOT", "hidden": true,
            "text": "This message was deleted.", "thread_ts": "6.000001", "reply_count": 2});
        let m = message(&tomb, CH, "s", now()).ok().flatten();
        assert_eq!(m.as_ref().and_then(|m| m.subtype.as_deref()), Some(TOMBSTONE));
        assert_eq!(m.as_ref().map(|m| m.text.as_str()), Some(""));
        assert_eq!(m.as_ref().map(|m| m.reply_count), Some(2));
        assert_eq!(m.and_then(|m| m.thread_ts), None);

        let reply = json!({"ts": "7.000001", "thread_ts": "6.000001", "user": "U2", "text": "which doc?"});
        let m = message(&reply, CH, "s", now()).ok().flatten();
        assert_eq!(m.and_then(|m| m.thread_ts), Some("6.000001".to_string()));

        assert!(message(&json!({"text": "no ts"}), CH, "s", now()).is_err());
    }

    #[test]
    fn people_with_bots_and_slackbot() {
        let u = json!({"id": "U1", "name": "dev1", "real_name": "", "is_bot": false,
            "profile": {"real_name": "Dev One", "email": "dev1@example.com"}, "tz": "Europe/Berlin"});
        let p = person(&u, "s", now());
        assert_eq!(p.as_ref().map(|p| p.display_name.as_str()), Ok("Dev One"));
        assert_eq!(
            p.as_ref().map(|p| p.email.as_deref()),
            Ok(Some("dev1@example.com"))
        );
        assert_eq!(p.map(|p| p.is_bot), Ok(false));
        let sb = json!({"id": "USLACKBOT", "name": "slackbot", "is_bot": false});
        assert_eq!(person(&sb, "s", now()).map(|p| p.is_bot), Ok(true));
    }
}
