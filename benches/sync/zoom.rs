//! Zoom: the token, hosts, their past meetings (details and participants),
//! and recordings with a WebVTT transcript for some.

use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::org::{Org, PARTICIPANTS, Rng, TRANSCRIPT_EVERY, Writer, pages, z_time};

/// Writes the Zoom routes; returns the records a full sync writes from them.
pub(crate) fn zoom(org: &Org, w: &mut Writer, rng: &mut Rng) -> usize {
    w.file(
        "zoom/oauth-token.json",
        &json!({ "access_token": "bench-zoom-token", "token_type": "bearer", "expires_in": 3599 }),
    );
    w.routes
        .push(json!({ "method": "POST", "path": "/oauth/token", "file": "zoom/oauth-token.json" }));
    let hosts: Vec<Value> = (0..org.hosts)
        .map(|h| {
            json!({ "id": format!("zh{h:06}"), "email": format!("host{h}@example.com"),
                          "display_name": format!("Host {h}"), "type": 2, "status": "active" })
        })
        .collect();
    w.route(
        "/v2/users",
        json!({}),
        "zoom/users.json",
        &json!({ "page_size": 300, "total_records": hosts.len(), "users": hosts }),
        pages("zoom_token", "users", 300),
    );
    let mut records = 0;
    for h in 0..org.hosts {
        let user = format!("zh{h:06}");
        let n = org.meetings_per_host;
        let mut listed = Vec::with_capacity(n);
        let mut recordings = Vec::new();
        for i in 0..n {
            let g = h * 1_000_000 + i;
            let id = 80_000_000_000u64 + g as u64;
            let uuid = format!("mu{g:012}x");
            let start = org.at_fraction(i, n);
            let minutes = 25 + rng.below(50) as i64;
            let end = start + SignedDuration::from_mins(minutes);
            let topic = format!("Sync {}", rng.words(2));
            listed.push(
                json!({ "uuid": uuid, "id": id, "host_id": user, "topic": topic, "type": 2,
                                "start_time": z_time(start), "duration": minutes }),
            );
            w.route(
                &format!("/v2/past_meetings/{uuid}"),
                json!({}),
                &format!("zoom/past/{uuid}.json"),
                &json!({ "uuid": uuid, "id": id, "host_id": user, "type": 2, "topic": topic,
                          "user_email": format!("host{h}@example.com"), "start_time": z_time(start),
                          "end_time": z_time(end), "duration": minutes, "participants_count": PARTICIPANTS }),
                None,
            );
            let participants: Vec<Value> = (0..PARTICIPANTS)
                .map(|k| {
                    let who = (h + k * 7 + i) % org.hosts.max(PARTICIPANTS);
                    json!({ "id": format!("zp{who:06}"), "name": format!("Person {who}"),
                            "user_email": format!("person{who}@example.com"),
                            "join_time": z_time(start + SignedDuration::from_secs(20 * k as i64)),
                            "leave_time": z_time(end), "duration": minutes * 60 })
                })
                .collect();
            w.route(
                &format!("/v2/report/meetings/{uuid}/participants"),
                json!({}),
                &format!("zoom/report/{uuid}.json"),
                &json!({ "page_size": 300, "total_records": PARTICIPANTS, "participants": participants }),
                pages("zoom_token", "participants", 300),
            );
            records += 1;
            if i % TRANSCRIPT_EVERY == 0 {
                let file = format!("zoom/rec/{uuid}.vtt");
                w.text(
                    &file,
                    &format!(
                        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nHost {h}: {}\n\n2\n00:00:05.000 --> 00:00:09.000\nPerson 1: {}\n",
                        rng.words(8),
                        rng.words(10)
                    ),
                );
                w.routes
                    .push(json!({ "path": format!("/rec/download/{uuid}.vtt"), "file": file }));
                recordings.push(json!({ "uuid": uuid, "id": id, "host_id": user, "topic": topic,
                                        "start_time": z_time(start), "duration": minutes, "recording_files": [
                    { "id": format!("rf{g}"), "file_type": "TRANSCRIPT", "file_extension": "VTT",
                      "download_url": format!("/rec/download/{uuid}.vtt"), "status": "completed" }
                ]}));
                records += 1;
            }
        }
        w.route(
            &format!("/v2/users/{user}/meetings"),
            json!({}),
            &format!("zoom/users/{user}-meetings.json"),
            &json!({ "page_size": 300, "total_records": listed.len(), "meetings": listed }),
            pages("zoom_token", "meetings", 300),
        );
        w.route(
            &format!("/v2/users/{user}/recordings"),
            json!({}),
            &format!("zoom/users/{user}-recordings.json"),
            &json!({ "page_size": 300, "total_records": recordings.len(), "meetings": recordings }),
            pages("zoom_token", "meetings", 300),
        );
    }
    records
}
