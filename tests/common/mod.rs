//! Shared builders for integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use async_cockpit::model::{FieldChange, Record, RecordMeta, Source, StatusCategory, WorkItem};
use jiff::Timestamp;

/// A parsed timestamp.
pub fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

/// A work item with the given id, key, summary and event time.
pub fn item(site: &str, id: &str, key: &str, summary: &str, updated: Timestamp) -> WorkItem {
    WorkItem {
        meta: RecordMeta {
            site: site.into(),
            source: Source::Jira,
            source_id: id.into(),
            event_time: updated,
            fetched_at: updated,
        },
        key: key.into(),
        project: key.split('-').next().unwrap_or("X").into(),
        summary: summary.into(),
        issue_type: "Story".into(),
        status: "In Progress".into(),
        status_category: StatusCategory::InProgress,
        resolution: None,
        assignee: Some("acc-1".into()),
        reporter: None,
        created: updated,
        updated,
        resolved: None,
        story_points: Some(3.0),
        sprint_ids: vec![1],
        parent_key: None,
        labels: vec![],
        flagged: false,
        links: vec![],
        description: format!("description of {key}"),
        changelog: vec![FieldChange {
            at: updated,
            author: None,
            field: "status".into(),
            from: Some("1".into()),
            to: Some("3".into()),
            from_string: Some("To Do".into()),
            to_string: Some("In Progress".into()),
        }],
        url: format!("https://example.atlassian.net/browse/{key}"),
    }
}

/// `item` as a record.
pub fn rec(site: &str, id: &str, key: &str, summary: &str, updated: Timestamp) -> Record {
    Record::WorkItem(item(site, id, key, summary, updated))
}

/// Whether `needle` occurs in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}
