//! The Zoom client against the replay server: the demo organisation's Zoom
//! payloads, the recorded participants report from `../shared/fixtures/zoom`
//! (skipped with a notice when absent), and OAuth failures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_cockpit::config::ZoomConfig;
use async_cockpit::replay::{Fault, FaultRule, ReplayOptions, ReplayServer};
use async_cockpit::sources::zoom::{ZoomClient, ZoomCredentials, encode_uuid};
use serde_json::json;
use zeroize::Zeroizing;

fn creds() -> ZoomCredentials {
    ZoomCredentials {
        account_id: "acc".into(),
        client_id: "cid".into(),
        client_secret: Arc::new(Zeroizing::new("SECRET-never-in-errors".into())),
    }
}

fn client(base: &str) -> ZoomClient {
    let cfg = ZoomConfig {
        enabled: true,
        base_url: format!("{base}/v2"),
        oauth_url: base.to_string(),
        ..ZoomConfig::default()
    };
    ZoomClient::new(&cfg, creds(), 10_000).unwrap()
}

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo")
}

#[tokio::test]
async fn demo_meetings_attendance_and_transcripts() {
    let server = ReplayServer::start(&demo_dir(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&server.base_url()).authorize().await.unwrap();
    let users = c.users().await.unwrap();
    assert_eq!(users.len(), 10);
    let mut uuids = Vec::new();
    for u in &users {
        for m in c.meetings(&u.id).await.unwrap() {
            uuids.extend(c.instances(&m).await.unwrap());
        }
    }
    uuids.sort();
    uuids.dedup();
    assert_eq!(uuids.len(), 57, "past meeting instances");
    let mut stretches = 0;
    let mut rejoined = 0;
    for uuid in &uuids {
        let m = c.meeting(uuid, "demo").await.unwrap();
        assert_eq!(&m.meta.source_id, uuid);
        assert!(
            m.duration_minutes > 0 && m.duration_minutes < 8 * 60,
            "{}",
            m.topic
        );
        for a in &m.attendance {
            assert!(a.leave >= a.join);
        }
        let mut names: Vec<&str> = m.attendance.iter().map(|a| a.name.as_str()).collect();
        stretches += names.len();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        rejoined += before - names.len();
    }
    assert_eq!(stretches, 357, "participant rows, re-joins kept apart");
    assert!(rejoined > 0, "the demo has re-joins");
    // UUIDs with '/' or '//' went out encoded as Zoom requires.
    let odd: Vec<&String> = uuids
        .iter()
        .filter(|u| u.starts_with('/') || u.contains("//"))
        .collect();
    for u in &odd {
        let path = format!("/v2/past_meetings/{}", encode_uuid(u));
        assert!(path.contains("%252F"), "{path}");
        assert!(server.request_count(&path) >= 1, "{path} not requested");
    }
    let mut transcripts = 0;
    for u in &users {
        let ts = c
            .transcripts(&u.id, "2025-01-01", "2027-01-01", "demo")
            .await
            .unwrap();
        for t in &ts {
            assert!(!t.cues.is_empty());
            assert!(t.cues.iter().any(|c| c.speaker.is_some()));
        }
        transcripts += ts.len();
    }
    assert_eq!(transcripts, 6);
}

#[tokio::test]
async fn recorded_participants_report_keeps_rejoins_apart() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/zoom/report-meeting-participants.json");
    if !fixture.exists() {
        eprintln!("notice: ../shared/fixtures absent; skipping the recorded participants report");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(&fixture, tmp.path().join("participants.json")).unwrap();
    let details = json!({"uuid": "/ab//cd==", "id": 123, "topic": "Recorded", "start_time": "2020-09-25T19:20:00Z",
                         "end_time": "2020-09-25T20:10:00Z", "duration": 50, "user_email": "host@example.com"});
    std::fs::write(tmp.path().join("details.json"), details.to_string()).unwrap();
    let enc = encode_uuid("/ab//cd==");
    let routes = json!({"routes": [
        {"method": "POST", "path": "/oauth/token", "file": "token.json"},
        {"path": format!("/v2/past_meetings/{enc}"), "file": "details.json"},
        {"path": format!("/v2/report/meetings/{enc}/participants"), "file": "participants.json",
         "pages": {"style": "zoom_token", "items": "participants", "page_size": 20}}
    ]});
    std::fs::write(
        tmp.path().join("token.json"),
        json!({"access_token": "t", "token_type": "bearer"}).to_string(),
    )
    .unwrap();
    std::fs::write(tmp.path().join("routes.json"), routes.to_string()).unwrap();
    let server = ReplayServer::start(tmp.path(), ReplayOptions::default())
        .await
        .unwrap();
    let c = client(&server.base_url())
        .with_page_size(20)
        .authorize()
        .await
        .unwrap();
    let m = c.meeting("/ab//cd==", "s").await.unwrap();
    // 57 rows over three pages of 20; participants 02-04 joined twice.
    assert_eq!(m.attendance.len(), 57);
    assert_eq!(server.request_count("/participants"), 3);
    let twice = m
        .attendance
        .iter()
        .filter(|a| a.email.as_deref() == Some("participant02@example.com"))
        .count();
    assert_eq!(twice, 2);
    assert_eq!(m.duration_minutes, 50);
    // One empty email is kept as no email, not "".
    assert!(m.attendance.iter().all(|a| a.email.as_deref() != Some("")));
}

#[tokio::test]
async fn wrong_credentials_are_reported_without_the_secret() {
    let server = ReplayServer::start(&demo_dir(), ReplayOptions::default())
        .await
        .unwrap();
    server.inject(FaultRule::once(
        "/oauth/token",
        Fault::Status {
            code: 401,
            retry_after: None,
            body: Some(r#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#.into()),
        },
    ));
    let err = client(&server.base_url())
        .authorize()
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("/oauth/token") && err.contains("401"), "{err}");
    assert!(!err.contains("SECRET-never-in-errors"), "{err}");
}
