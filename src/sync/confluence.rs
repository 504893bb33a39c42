//! Confluence sync: the pages of each configured space, then pages elsewhere
//! that mention the configured Jira projects (CQL search).
//!
//! - Cloud: `/wiki/api/v2/pages?space-id=..&sort=-modified-date`, most
//!   recently modified first; an incremental sync stops at the first page
//!   not newer than the cursor.
//! - Server/Data Center: a full sync walks the content API
//!   (`/rest/api/content?spaceKey=..`); an incremental one asks CQL for
//!   `lastmodified >=` the cursor minus [`CQL_OVERLAP`] (CQL reads date
//!   literals in the account's time zone, which we do not know; a day of
//!   overlap covers every offset), newest first.
//! - Mentions: `type = page AND (text ~ "ALP" OR ...)`, newest first; pages
//!   of the configured spaces are skipped (their space walk has them with
//!   every field), others are written.
//!
//! Cursors `confluence:pages:<SPACE>` and `confluence:mentions` hold the
//! latest modification time written (RFC 3339, UTC). Results arrive newest
//! first, so a cursor moves only with the last page of its walk; earlier
//! pages are written in their own transactions (pages are keyed by id, so a
//! walk resumed after a crash rewrites, never doubles). A space that fails
//! is reported and the others go on.

use jiff::{SignedDuration, Timestamp};

use super::{Progress, SourceReport, SyncEvent};
use crate::config::{Config, Deployment};
use crate::model::{Page, Record, RecordKind, Source};
use crate::sources::confluence::map::{self, PageContext};
use crate::sources::confluence::{ConfluenceClient, ConfluenceError, ResultsPage, Space};
use crate::store::{Batch, Store, StoreError, Writer};

/// Overlap subtracted from a cursor in CQL date literals.
pub const CQL_OVERLAP: SignedDuration = SignedDuration::from_hours(24);

/// Why a part of the Confluence sync stopped.
#[derive(Debug, thiserror::Error)]
enum Stop {
    #[error(transparent)]
    Confluence(#[from] ConfluenceError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One listing to walk.
enum Walk<'a> {
    /// Cloud v2 pages of a space.
    Pages(&'a Space),
    /// Server/DC content API of a space key.
    Content(&'a str),
    /// CQL search.
    Search(String),
}

impl Walk<'_> {
    fn endpoint(&self) -> &'static str {
        match self {
            Walk::Pages(_) => "/api/v2/pages",
            Walk::Content(_) => "/rest/api/content",
            Walk::Search(_) => "/rest/api/content/search",
        }
    }

    async fn fetch(
        &self,
        client: &ConfluenceClient,
        next: Option<&str>,
    ) -> Result<ResultsPage, ConfluenceError> {
        match self {
            Walk::Pages(space) => client.pages(&space.id, next).await,
            Walk::Content(key) => client.content(key, next).await,
            Walk::Search(cql) => client.search(cql, next).await,
        }
    }
}

/// Syncs Confluence into `store`. Never fails as a whole: the report carries
/// the errors (one per failed space or step), and everything written before
/// stays written. `full` ignores the cursors.
pub async fn sync_confluence(
    store: &Store,
    cfg: &Config,
    client: &ConfluenceClient,
    progress: &Progress,
    full: bool,
) -> SourceReport {
    progress.send(SyncEvent::Started {
        source: Source::Confluence,
    });
    let mut written = 0usize;
    let mut errors = Vec::new();
    let mut fail = |scope: String, e: Stop| {
        let message = format!("{scope}: {e}");
        tracing::warn!(source = "confluence", %scope, error = %e, "confluence sync step failed");
        progress.send(SyncEvent::Failed {
            source: Source::Confluence,
            message: message.clone(),
        });
        errors.push(message);
    };
    let projects: Vec<String> = cfg
        .jira
        .projects
        .iter()
        .map(|p| p.trim().to_ascii_uppercase())
        .collect();
    let writer = match store.writer("confluence") {
        Ok(w) => w,
        Err(e) => {
            fail("store".into(), e.into());
            return finished(progress, client, written, errors);
        }
    };
    let sync = Sync {
        store,
        writer: &writer,
        client,
        progress,
        projects: &projects,
        full,
    };

    match client.deployment() {
        Deployment::Cloud if cfg.confluence.spaces.is_empty() => {}
        Deployment::Cloud => match client.spaces(&cfg.confluence.spaces).await {
            Ok(spaces) => {
                for key in &cfg.confluence.spaces {
                    let Some(space) = spaces.iter().find(|s| s.key.eq_ignore_ascii_case(key)) else {
                        fail(
                            format!("space {key}"),
                            ConfluenceError::SpaceNotFound { key: key.clone() }.into(),
                        );
                        continue;
                    };
                    let scope = format!("confluence:pages:{}", space.key);
                    match sync.walk(&Walk::Pages(space), &scope, |_| true).await {
                        Ok(n) => written += n,
                        Err(e) => fail(format!("space {key}"), e),
                    }
                }
            }
            Err(e) => fail("spaces".into(), e.into()),
        },
        Deployment::Server => {
            for key in &cfg.confluence.spaces {
                let scope = format!("confluence:pages:{key}");
                let result = match sync.since(&scope) {
                    Ok(Some(since)) => {
                        let cql = format!(
                            "space = \"{}\" AND type = page AND lastmodified >= \"{}\" ORDER BY lastmodified DESC",
                            cql_escape(key),
                            cql_date(since)
                        );
                        sync.walk(&Walk::Search(cql), &scope, |_| true).await
                    }
                    Ok(None) => sync.walk(&Walk::Content(key), &scope, |_| true).await,
                    Err(e) => Err(e.into()),
                };
                match result {
                    Ok(n) => written += n,
                    Err(e) => fail(format!("space {key}"), e),
                }
            }
        }
    }

    if !projects.is_empty() {
        let scope = "confluence:mentions";
        let result = match sync.since(scope) {
            Ok(since) => {
                let cql = mentions_cql(&projects, since);
                let covered = &cfg.confluence.spaces;
                sync.walk(&Walk::Search(cql), scope, |p: &Page| {
                    !covered.iter().any(|k| k.eq_ignore_ascii_case(&p.space))
                })
                .await
            }
            Err(e) => Err(e.into()),
        };
        match result {
            Ok(n) => written += n,
            Err(e) => fail("mentions".into(), e),
        }
    }
    if let Err(e) = writer.finish().await {
        fail("store".into(), e.into());
    }
    finished(progress, client, written, errors)
}

fn finished(
    progress: &Progress,
    client: &ConfluenceClient,
    written: usize,
    errors: Vec<String>,
) -> SourceReport {
    let report = SourceReport {
        source: Source::Confluence,
        written: vec![(RecordKind::Page, written)],
        requests: client.http().requests(),
        error: (!errors.is_empty()).then(|| errors.join("; ")),
        finished: Timestamp::now(),
    };
    progress.send(SyncEvent::Finished(report.clone()));
    report
}

/// The CQL for pages mentioning any of `projects`, newest first.
pub fn mentions_cql(projects: &[String], since: Option<Timestamp>) -> String {
    let terms: Vec<String> = projects
        .iter()
        .map(|p| format!("text ~ \"{}\"", cql_escape(p)))
        .collect();
    let mut cql = format!("type = page AND ({})", terms.join(" OR "));
    if let Some(t) = since {
        cql.push_str(&format!(" AND lastmodified >= \"{}\"", cql_date(t)));
    }
    cql.push_str(" ORDER BY lastmodified DESC");
    cql
}

/// A CQL date literal for `t` minus the overlap, `yyyy/MM/dd HH:mm` (UTC).
fn cql_date(t: Timestamp) -> String {
    (t - CQL_OVERLAP).strftime("%Y/%m/%d %H:%M").to_string()
}

fn cql_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// What every walk shares.
struct Sync<'a> {
    store: &'a Store,
    writer: &'a Writer,
    client: &'a ConfluenceClient,
    progress: &'a Progress,
    projects: &'a [String],
    full: bool,
}

impl Sync<'_> {
    fn since(&self, scope: &str) -> Result<Option<Timestamp>, StoreError> {
        if self.full {
            return Ok(None);
        }
        Ok(self.store.cursor(scope)?.and_then(|c| c.parse().ok()))
    }

    /// Walks one listing newest first, writing pages newer than the cursor
    /// of `scope` that `keep` accepts; the cursor moves with the last page.
    /// Returns how many pages were written.
    async fn walk(&self, walk: &Walk<'_>, scope: &str, keep: impl Fn(&Page) -> bool) -> Result<usize, Stop> {
        let since = self.since(scope)?;
        let mut newest = since;
        let mut next: Option<String> = None;
        let mut written = 0;
        loop {
            let page = walk.fetch(self.client, next.as_deref()).await?;
            let ctx = PageContext {
                site: self.store.site(),
                base_url: self.client.base_url(),
                projects: self.projects,
                now: Timestamp::now(),
            };
            let mut reached = false;
            let mut records = Vec::new();
            for raw in &page.results {
                let mapped = match walk {
                    Walk::Pages(space) => map::page_v2(raw, &space.key, ctx),
                    Walk::Content(_) | Walk::Search(_) => map::page_v1(raw, ctx),
                };
                let p = match mapped {
                    Ok(Some(p)) => p,
                    Ok(None) => continue,
                    Err(e) => {
                        tracing::warn!(error = %e, "skipping confluence page");
                        continue;
                    }
                };
                if since.is_some_and(|s| p.updated <= s) {
                    reached = true;
                    continue;
                }
                newest = newest.max(Some(p.updated));
                if keep(&p) {
                    records.push(Record::Page(p));
                }
            }
            // A full Server content walk is not ordered: it reads to the end.
            let ordered = !matches!(walk, Walk::Content(_));
            let last = page.next.is_none() || (reached && ordered);
            let n = records.len();
            let mut batch = Batch::new();
            batch.extend(records);
            if last && let Some(t) = newest {
                batch.set_cursor(scope, t.to_string());
            }
            self.writer.send(batch).await?;
            written += n;
            self.progress.send(SyncEvent::Page {
                source: Source::Confluence,
                endpoint: walk.endpoint().into(),
                items: n,
            });
            if last {
                return Ok(written);
            }
            next = page.next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_query_with_and_without_cursor() {
        let p = vec!["ALP".to_string(), "BET".to_string()];
        assert_eq!(
            mentions_cql(&p, None),
            "type = page AND (text ~ \"ALP\" OR text ~ \"BET\") ORDER BY lastmodified DESC"
        );
        let t: Timestamp = "2026-01-05T09:00:00Z".parse().unwrap_or_default();
        assert!(
            mentions_cql(&p, Some(t)).contains("AND lastmodified >= \"2026/01/04 09:00\" ORDER BY"),
            "{}",
            mentions_cql(&p, Some(t))
        );
    }
}
