//! Jira sync: sprints of every board of the configured projects, then issues
//! incrementally by `updated`, each page written with its cursor.
//!
//! Cursor: `jira:issues:<PROJECT>` holds the greatest `updated` (RFC 3339, UTC)
//! written so far. The next sync asks for `updated >= cursor - 2 minutes`
//! (overlap: JQL compares at minute precision), written as a JQL date literal
//! in the *account's* time zone, which is how Jira reads it. Issues are keyed
//! by their immutable id, so the overlap rewrites and never doubles.

use jiff::{SignedDuration, Timestamp};

use super::{Progress, SourceReport, SyncEvent};
use crate::config::Config;
use crate::model::{Record, RecordKind, Source};
use crate::sources::http::HttpError;
use crate::sources::jira::{FieldIds, JiraClient, PageCursor, field_ids_from_catalogue, map};
use crate::store::{Batch, Store, StoreError, Writer};

/// Why a Jira sync stopped.
#[derive(Debug, thiserror::Error)]
enum Stop {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Cursor scope holding the site's custom field ids (JSON: `story_points`,
/// `sprint`, `flagged`), as found at the last sync.
pub const FIELDS_CURSOR: &str = "jira:fields";

/// Overlap subtracted from the cursor for the next incremental query.
pub const OVERLAP: SignedDuration = SignedDuration::from_mins(2);

/// Syncs Jira into `store`. Never fails as a whole: the report carries the
/// error that stopped it, and everything written before stays written.
/// `full` ignores the cursors.
pub async fn sync_jira(
    store: &Store,
    cfg: &Config,
    client: &JiraClient,
    progress: &Progress,
    full: bool,
) -> SourceReport {
    progress.send(SyncEvent::Started { source: Source::Jira });
    let mut written = vec![(RecordKind::Sprint, 0usize), (RecordKind::WorkItem, 0usize)];
    let mut errors = Vec::new();
    match store.writer("jira") {
        Ok(writer) => {
            if let Err(e) = run(store, &writer, cfg, client, progress, full, &mut written).await {
                errors.push(e.to_string());
            }
            if let Err(e) = writer.finish().await {
                errors.push(e.to_string());
            }
        }
        Err(e) => errors.push(e.to_string()),
    }
    let error = (!errors.is_empty()).then(|| errors.join("; "));
    if let Some(message) = &error {
        progress.send(SyncEvent::Failed {
            source: Source::Jira,
            message: message.clone(),
        });
    }
    let report = SourceReport {
        source: Source::Jira,
        written,
        requests: client.http().requests(),
        error,
        finished: Timestamp::now(),
    };
    progress.send(SyncEvent::Finished(report.clone()));
    report
}

async fn run(
    store: &Store,
    writer: &Writer,
    cfg: &Config,
    client: &JiraClient,
    progress: &Progress,
    full: bool,
    written: &mut [(RecordKind, usize)],
) -> Result<(), Stop> {
    let site = store.site().to_string();
    let me = client.myself().await?;
    let tz = me
        .time_zone
        .as_deref()
        .and_then(|z| jiff::tz::TimeZone::get(z).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let catalogue = client.fields().await?;
    let mut ids: FieldIds = field_ids_from_catalogue(&catalogue);

    for project in &cfg.jira.projects {
        let boards = client.boards(project).await?;
        for board in &boards {
            if cfg.jira.story_points_field.is_empty()
                && let Some(f) = client.board_estimation_field(board.id).await?
            {
                ids.story_points = Some(f);
            }
            let now = Timestamp::now();
            let sprints: Vec<Record> = client
                .sprints(board.id)
                .await?
                .iter()
                .filter_map(
                    |v| match map::sprint(v, board.id, Some(&board.name), &site, now) {
                        Ok(s) => Some(Record::Sprint(s)),
                        Err(e) => {
                            tracing::warn!(error = %e, "skipping sprint");
                            None
                        }
                    },
                )
                .collect();
            let n = sprints.len();
            let mut batch = Batch::new();
            batch.extend(sprints);
            writer.send(batch).await?;
            written[0].1 += n;
            progress.send(SyncEvent::Page {
                source: Source::Jira,
                endpoint: format!("/rest/agile/1.0/board/{}/sprint", board.id),
                items: n,
            });
        }
        if !cfg.jira.story_points_field.is_empty() {
            ids.story_points = Some(cfg.jira.story_points_field.clone());
        }
        // The analytics replay changelogs by these field ids.
        let fields = serde_json::json!({
            "story_points": ids.story_points, "sprint": ids.sprint, "flagged": ids.flagged,
        });
        let mut batch = Batch::new();
        batch.set_cursor(FIELDS_CURSOR, fields.to_string());
        writer.send(batch).await?;
        sync_issues(
            store, writer, client, progress, project, &ids, &tz, full, &site, written,
        )
        .await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn sync_issues(
    store: &Store,
    writer: &Writer,
    client: &JiraClient,
    progress: &Progress,
    project: &str,
    ids: &FieldIds,
    tz: &jiff::tz::TimeZone,
    full: bool,
    site: &str,
    written: &mut [(RecordKind, usize)],
) -> Result<(), Stop> {
    let scope = format!("jira:issues:{project}");
    let since = if full {
        None
    } else {
        store.cursor(&scope)?.and_then(|c| c.parse::<Timestamp>().ok())
    };
    let jql = issue_jql(project, since, tz);
    let mut fields: Vec<String> = [
        "summary",
        "status",
        "issuetype",
        "assignee",
        "reporter",
        "created",
        "updated",
        "resolutiondate",
        "resolution",
        "priority",
        "labels",
        "parent",
        "issuelinks",
        "description",
        "project",
    ]
    .map(String::from)
    .to_vec();
    fields.extend(
        [&ids.story_points, &ids.sprint, &ids.flagged]
            .into_iter()
            .flatten()
            .cloned(),
    );
    let mut cursor: Option<PageCursor> = None;
    let mut high_water = since;
    loop {
        let page = client.search_page(&jql, &fields, cursor.as_ref()).await?;
        let now = Timestamp::now();
        let mut records = Vec::with_capacity(page.issues.len());
        for issue in &page.issues {
            let full_log = if map::changelog_complete(issue) {
                None
            } else {
                let id = issue.get("id").and_then(|v| v.as_str()).unwrap_or_default();
                Some(client.changelog(id).await?)
            };
            match map::work_item(issue, ids, full_log.as_deref(), site, client.base_url(), now) {
                Ok(item) => {
                    high_water = high_water.max(Some(item.updated));
                    records.push(Record::WorkItem(item));
                }
                Err(e) => tracing::warn!(error = %e, "skipping issue"),
            }
        }
        let n = records.len();
        let mut batch = Batch::new();
        batch.extend(records);
        if let Some(t) = high_water {
            batch.set_cursor(scope.as_str(), t.to_string());
        }
        writer.send(batch).await?;
        written[1].1 += n;
        progress.send(SyncEvent::Page {
            source: Source::Jira,
            endpoint: "search".into(),
            items: n,
        });
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(()),
        }
    }
}

/// The JQL for one project's issues, oldest update first; with `since`, only
/// issues updated at or after `since - OVERLAP`, written in `tz` (the
/// account's time zone, in which Jira reads date literals).
pub fn issue_jql(project: &str, since: Option<Timestamp>, tz: &jiff::tz::TimeZone) -> String {
    match since {
        Some(t) => {
            let local = (t - OVERLAP).to_zoned_datetime(tz.clone());
            format!(
                "project = {project} AND updated >= \"{}\" ORDER BY updated ASC",
                local.strftime("%Y/%m/%d %H:%M")
            )
        }
        None => format!("project = {project} ORDER BY updated ASC"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jql_date_literal_is_in_account_time_zone() {
        let t: Timestamp = "2026-01-05T09:00:00Z".parse().unwrap_or_default();
        let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap_or(jiff::tz::TimeZone::UTC);
        // 09:00 UTC is 10:00 in Berlin (CET, UTC+1); minus the 2-minute overlap.
        assert_eq!(
            issue_jql("ALP", Some(t), &berlin),
            "project = ALP AND updated >= \"2026/01/05 09:58\" ORDER BY updated ASC"
        );
        assert_eq!(
            issue_jql("ALP", None, &berlin),
            "project = ALP ORDER BY updated ASC"
        );
    }
}
