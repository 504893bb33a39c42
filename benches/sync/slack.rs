//! Slack: users, channels, each channel's history (newest first) and its
//! threads' replies.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::org::{Org, REPLIES, Rng, THREAD_EVERY, Writer, pages};

/// Writes the Slack routes; returns the records a full sync writes from them.
pub(crate) fn slack(org: &Org, w: &mut Writer, rng: &mut Rng) -> usize {
    let users: Vec<String> = (0..org.slack_users).map(|i| format!("UB{i:07}")).collect();
    let members: Vec<Value> = users
        .iter()
        .enumerate()
        .map(|(i, id)| {
            json!({ "id": id, "name": format!("user{i}"), "real_name": format!("User {i}"), "tz": "Europe/Berlin",
                    "deleted": false, "is_bot": false, "updated": org.now.as_second() - 3_600,
                    "profile": { "real_name": format!("User {i}"), "display_name": format!("user{i}"),
                                 "email": format!("user{i}@example.com") } })
        })
        .collect();
    let mut records = members.len();
    w.route(
        "/api/users.list",
        json!({}),
        "slack/users.list.json",
        &json!({ "ok": true, "members": members }),
        pages("slack_cursor", "members", 200),
    );
    let channels: Vec<Value> = (0..org.channels)
        .map(|c| {
            json!({ "id": org.channel(c), "name": format!("team-{c}"), "is_channel": true, "is_private": false,
                    "is_archived": false, "is_member": true, "created": org.now.as_second() - 200 * 86_400 })
        })
        .collect();
    w.route(
        "/api/conversations.list",
        json!({}),
        "slack/conversations.list.json",
        &json!({ "ok": true, "channels": channels }),
        pages("slack_cursor", "channels", 200),
    );
    let ts = |t: Timestamp, micros: usize| format!("{}.{:06}", t.as_second(), micros % 1_000_000);
    for c in 0..org.channels {
        let channel = org.channel(c);
        let n = org.top_level_per_channel;
        let mut history = Vec::with_capacity(n);
        for i in (0..n).rev() {
            let at = org.at_fraction(i, n);
            let parent_ts = ts(at, i);
            let user = &users[rng.below(users.len() as u64) as usize];
            let mut m = json!({ "type": "message", "user": user, "text": rng.words(12), "ts": parent_ts });
            if i % THREAD_EVERY == 0 {
                let replies: Vec<Value> = (0..REPLIES)
                    .map(|k| {
                        json!({ "type": "message", "user": &users[rng.below(users.len() as u64) as usize],
                                "text": rng.words(8), "ts": ts(at + SignedDuration::from_secs(10 * (k as i64 + 1)), i),
                                "thread_ts": parent_ts, "parent_user_id": user })
                    })
                    .collect();
                let latest = replies[REPLIES - 1]["ts"].clone();
                m["thread_ts"] = json!(parent_ts);
                m["reply_count"] = json!(REPLIES);
                m["latest_reply"] = latest;
                let mut thread = vec![m.clone()];
                thread.extend(replies);
                w.route(
                    "/api/conversations.replies",
                    json!({ "channel": channel, "ts": parent_ts }),
                    &format!("slack/replies/{channel}-{parent_ts}.json"),
                    &json!({ "ok": true, "messages": thread }),
                    pages("slack_cursor", "messages", 200),
                );
                records += REPLIES;
            }
            history.push(m);
        }
        records += history.len();
        w.route(
            "/api/conversations.history",
            json!({ "channel": channel }),
            &format!("slack/history-{channel}.json"),
            &json!({ "ok": true, "messages": history }),
            pages("slack_cursor", "messages", 200),
        );
    }
    records
}
