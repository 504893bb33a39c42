//! GitHub sync: per configured repository, the default branch's commits, then
//! the pull requests (with their reviews, commits and timeline), each page
//! written with its cursor in one transaction.
//!
//! Cursors (sealed like every value): `github:pulls:<owner/repo>` and
//! `github:commits:<owner/repo>` each hold `{"high": <newest updated_at /
//! commit date of the last complete walk>, "etag": <ETag>, "etag_url": <the
//! exact request (path and query) that ETag was returned for>}`. GitHub
//! answers `304` only to the same request, so the tag is sent only when the
//! next request is that one: a `304` means nothing changed and costs no
//! budget. The commits request carries `since` = `high`, which moves with
//! every walk that finds newer commits; so a walk that moved it ends by
//! asking the first page of the next sync's request (`since` = new `high`,
//! one request, its new commits written too) and keeps that page's ETag. An
//! unchanged branch then answers `304` at the next sync, as it does on real
//! GitHub, not only against a server that ignores `since`.
//!
//! Pull requests are listed newest update first, so the walk stops at the
//! first one older than `high`. A newest-first walk can only move its cursor
//! once it reaches the old one: earlier pages are written with their records
//! alone, and the last page carries the new cursor. A walk cut short (crash,
//! budget, error) is resumed by the next sync from the first page; pull
//! requests already stored at the listed `updated_at` are skipped, so nothing
//! is fetched twice and nothing is lost. Commits are keyed by SHA and
//! pull requests by number, so rewrites never double a record.
//!
//! Default-branch commits go first: in a merge-commit flow a pull request's
//! commits land on the branch too, and the pull request's own listing (which
//! knows the number) should be the last to write them.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Progress, SourceReport, SyncEvent};
use crate::config::Config;
use crate::model::{Record, RecordKind, Source};
use crate::sources::github::{Bots, Context, GithubClient, GithubError, ListPage, Listed, Repo, map, wire};
use crate::sources::http::HttpError;
use crate::store::{Batch, Store, StoreError, Writer};

/// Why one repository's part of the sync stopped.
#[derive(Debug, thiserror::Error)]
enum Stop {
    #[error(transparent)]
    Github(#[from] GithubError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Stop {
    /// The budget is spent: the other repositories would fail the same way.
    fn is_budget(&self) -> bool {
        matches!(self, Stop::Github(GithubError::Http(HttpError::Budget { .. })))
    }
}

/// The cursor of one list (pull requests or default-branch commits).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct ListCursor {
    /// Newest `updated_at` (pulls) or commit date (commits) of the last complete walk.
    #[serde(default)]
    high: Option<Timestamp>,
    /// `ETag` of the list's first page at `etag_url`.
    #[serde(default)]
    etag: Option<String>,
    /// The exact request (path and query) `etag` was returned for: GitHub
    /// answers `304` only to the same request, so the tag is sent only when
    /// the next request is this one.
    #[serde(default)]
    etag_url: Option<String>,
}

impl ListCursor {
    /// The stored `ETag`, when it belongs to `url`.
    fn etag_for(&self, url: &url::Url) -> Option<&str> {
        self.etag
            .as_deref()
            .filter(|_| self.etag_url.as_deref() == Some(request_of(url)))
    }
}

/// Path and query of `url`: what an `ETag` is keyed by (the host may move,
/// e.g. a replay server on another port; the resource does not).
fn request_of(url: &url::Url) -> &str {
    &url[url::Position::BeforePath..]
}

/// Cursor scope of the pull requests of `repo`.
fn pulls_scope(repo: &str) -> String {
    format!("github:pulls:{repo}")
}

/// Cursor scope of the default-branch commits of `repo`.
fn commits_scope(repo: &str) -> String {
    format!("github:commits:{repo}")
}

/// Syncs GitHub into `store`. Never fails as a whole: one repository failing
/// does not stop the others, and the report carries every error. `full`
/// ignores cursors and ETags and walks every list to its end.
pub async fn sync_github(
    store: &Store,
    cfg: &Config,
    client: &GithubClient,
    progress: &Progress,
    full: bool,
) -> SourceReport {
    progress.send(SyncEvent::Started {
        source: Source::Github,
    });
    let requests_before = client.http().requests();
    let bots = Bots::new(&cfg.github.bots);
    let mut errors: Vec<String> = Vec::new();
    let writer = match store.writer("github") {
        Ok(w) => Some(w),
        Err(e) => {
            errors.push(e.to_string());
            None
        }
    };
    let mut run = Run {
        store,
        writer: writer.as_ref(),
        client,
        progress,
        full,
        site: store.site().to_string(),
        bots: &bots,
        jira_projects: &cfg.jira.projects,
        known: None,
        written: vec![
            (RecordKind::PullRequest, 0usize),
            (RecordKind::Review, 0usize),
            (RecordKind::Commit, 0usize),
        ],
    };
    'repos: for name in &cfg.github.repositories {
        if run.writer.is_none() {
            break;
        }
        let repo = match Repo::parse(name) {
            Ok(r) => r,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        for part in [Part::Commits, Part::Pulls] {
            let result = match part {
                Part::Commits => run.branch_commits(&repo).await,
                Part::Pulls => run.pulls(&repo).await,
            };
            if let Err(e) = result {
                tracing::warn!(repo = %repo, error = %e, "github sync of a repository stopped");
                errors.push(e.to_string());
                if e.is_budget() {
                    break 'repos;
                }
            }
        }
    }
    let written = std::mem::take(&mut run.written);
    drop(run);
    if let Some(w) = writer
        && let Err(e) = w.finish().await
    {
        errors.push(e.to_string());
    }
    let error = (!errors.is_empty()).then(|| errors.join("; "));
    if let Some(message) = &error {
        progress.send(SyncEvent::Failed {
            source: Source::Github,
            message: message.clone(),
        });
    }
    let report = SourceReport {
        source: Source::Github,
        written,
        requests: client.http().requests().saturating_sub(requests_before),
        error,
        finished: Timestamp::now(),
    };
    progress.send(SyncEvent::Finished(report.clone()));
    report
}

#[derive(Clone, Copy)]
enum Part {
    Commits,
    Pulls,
}

struct Run<'a> {
    store: &'a Store,
    /// Where pages go; `None` only when the writer could not start (then
    /// nothing runs).
    writer: Option<&'a Writer>,
    client: &'a GithubClient,
    progress: &'a Progress,
    full: bool,
    site: String,
    bots: &'a Bots,
    jira_projects: &'a [String],
    /// `(repo, number)` → `updated` of the stored pull requests; loaded on
    /// first need, kept current as pages are written.
    known: Option<HashMap<(String, u64), Timestamp>>,
    written: Vec<(RecordKind, usize)>,
}

impl Run<'_> {
    fn cursor(&self, scope: &str) -> Result<ListCursor, StoreError> {
        if self.full {
            return Ok(ListCursor::default());
        }
        Ok(match self.store.cursor(scope)? {
            Some(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
                tracing::warn!(scope, error = %e, "unreadable github cursor; walking the whole list");
                ListCursor::default()
            }),
            None => ListCursor::default(),
        })
    }

    /// Hands one page's records to the writer, with the cursor when the walk
    /// ends here (one transaction).
    async fn write(
        &mut self,
        page: &ListPage,
        records: Vec<Record>,
        cursor: Option<(&str, &ListCursor)>,
    ) -> Result<(), StoreError> {
        let items = records.len();
        for rec in &records {
            if let Some(slot) = self.written.iter_mut().find(|(k, _)| *k == rec.kind()) {
                slot.1 += 1;
            }
            if let (Record::PullRequest(pr), Some(known)) = (rec, self.known.as_mut()) {
                known.insert((pr.repo.clone(), pr.number), pr.updated);
            }
        }
        let mut batch = Batch::new();
        batch.extend(records);
        if let Some((scope, c)) = cursor {
            batch.set_cursor(scope, serde_json::to_string(c).unwrap_or_default());
        }
        if let Some(writer) = self.writer {
            writer.send(batch).await?;
        }
        self.progress.send(SyncEvent::Page {
            source: Source::Github,
            endpoint: page.endpoint.clone(),
            items,
        });
        Ok(())
    }

    /// The default branch's commits since the cursor, every page.
    async fn branch_commits(&mut self, repo: &Repo) -> Result<(), Stop> {
        let full_name = repo.full_name();
        let scope = commits_scope(&full_name);
        let state = self.cursor(&scope)?;
        let url = self.client.commits_url(repo, state.high)?;
        let Listed::Page(mut page) = self.client.first_page(&url, state.etag_for(&url)).await? else {
            return Ok(());
        };
        let mut next_state = ListCursor {
            high: state.high,
            etag: page.etag.clone(),
            etag_url: Some(request_of(&url).to_string()),
        };
        let mut seen: HashSet<String> = HashSet::new();
        loop {
            let cx = Context {
                site: &self.site,
                repo: &full_name,
                fetched_at: Timestamp::now(),
                bots: self.bots,
            };
            let mut records = Vec::with_capacity(page.items.len());
            for v in &page.items {
                match map::commit(v, None, &cx) {
                    Ok(c) => {
                        next_state.high = next_state.high.max(Some(c.committed));
                        seen.insert(c.sha.clone());
                        records.push(Record::Commit(c));
                    }
                    Err(e) => tracing::warn!(error = %e, "skipping commit"),
                }
            }
            let next = page.next.take();
            if next.is_none() {
                // The next sync asks with `since` = the new high: take that
                // request's ETag now, so an unchanged branch is a 304 then.
                let next_url = self.client.commits_url(repo, next_state.high)?;
                if next_url != url
                    && let Listed::Page(primed) = self.client.first_page(&next_url, None).await?
                {
                    for v in &primed.items {
                        match map::commit(v, None, &cx) {
                            Ok(c) if seen.contains(&c.sha) => {}
                            Ok(c) => records.push(Record::Commit(c)),
                            Err(e) => tracing::warn!(error = %e, "skipping commit"),
                        }
                    }
                    // Its commits are written here; `high` stays, so the URL
                    // stays this one. More than a page of them (commits landed
                    // during the walk): no tag, the next sync walks them.
                    if primed.next.is_none() {
                        next_state.etag = primed.etag;
                        next_state.etag_url = Some(request_of(&next_url).to_string());
                    } else {
                        next_state.etag = None;
                        next_state.etag_url = None;
                    }
                }
            }
            let cursor = next.is_none().then_some((scope.as_str(), &next_state));
            self.write(&page, records, cursor).await?;
            match next {
                Some(url) => page = self.client.next_page(&url).await?,
                None => return Ok(()),
            }
        }
    }

    /// Pull requests updated since the cursor, newest first, with their
    /// reviews, commits and timeline.
    async fn pulls(&mut self, repo: &Repo) -> Result<(), Stop> {
        let full_name = repo.full_name();
        let scope = pulls_scope(&full_name);
        let state = self.cursor(&scope)?;
        let url = self.client.pulls_url(repo)?;
        let Listed::Page(mut page) = self.client.first_page(&url, state.etag_for(&url)).await? else {
            return Ok(());
        };
        let mut next_state = ListCursor {
            high: state.high,
            etag: page.etag.clone(),
            etag_url: Some(request_of(&url).to_string()),
        };
        loop {
            let fetched_at = Timestamp::now();
            let mut records = Vec::new();
            let mut reached_cursor = false;
            for v in &page.items {
                let listed = match map::pull(v, &full_name) {
                    Ok(p) => p,
                    Err(e) => {
                        tracing::warn!(error = %e, "skipping pull request");
                        continue;
                    }
                };
                let updated = match map::pull_updated(&listed, &full_name) {
                    Ok(t) => t,
                    Err(e) => {
                        tracing::warn!(error = %e, "skipping pull request");
                        continue;
                    }
                };
                next_state.high = next_state.high.max(Some(updated));
                if !self.full {
                    // Sorted newest first: from here on everything is older.
                    if state.high.is_some_and(|high| updated < high) {
                        reached_cursor = true;
                        continue;
                    }
                    if self.known()?.get(&(full_name.clone(), listed.number)) == Some(&updated) {
                        continue;
                    }
                }
                let cx = Context {
                    site: &self.site,
                    repo: &full_name,
                    fetched_at,
                    bots: self.bots,
                };
                records.extend(self.pull_records(repo, &listed, &cx).await?);
            }
            let next = page.next.take().filter(|_| !reached_cursor);
            let cursor = next.is_none().then_some((scope.as_str(), &next_state));
            self.write(&page, records, cursor).await?;
            match next {
                Some(url) => page = self.client.next_page(&url).await?,
                None => return Ok(()),
            }
        }
    }

    /// One pull request and its reviews and commits, as records.
    async fn pull_records(
        &self,
        repo: &Repo,
        listed: &wire::Pull,
        cx: &Context<'_>,
    ) -> Result<Vec<Record>, Stop> {
        let n = listed.number;
        let single_raw = self.client.pull(repo, n).await?;
        let single = map::pull(&single_raw, cx.repo)
            .map_err(|e| tracing::warn!(error = %e, "single pull request unreadable; using the list entry"))
            .ok();
        let reviews = self.client.reviews(repo, n).await?;
        let commits = self.client.pull_commits(repo, n).await?;
        let timeline = map::timeline(&self.client.timeline(repo, n).await?);

        let mut pr = match map::pull_request(listed, single.as_ref(), &timeline, cx) {
            Ok(pr) => pr,
            Err(e) => {
                tracing::warn!(error = %e, "skipping pull request");
                return Ok(Vec::new());
            }
        };
        if !self.jira_projects.is_empty() {
            // Only keys of synced projects: "UTF-8" or "SHA-256" in a title is no issue.
            pr.issue_keys.retain(|k| {
                let project = k.rsplit_once('-').map_or(k.as_str(), |(p, _)| p);
                self.jira_projects.iter().any(|p| p.eq_ignore_ascii_case(project))
            });
        }
        let mut out = Vec::with_capacity(1 + reviews.len() + commits.len());
        out.push(Record::PullRequest(pr));
        for v in &reviews {
            match map::review(v, n, cx) {
                Ok(Some(r)) => out.push(Record::Review(r)),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "skipping review"),
            }
        }
        for v in &commits {
            match map::commit(v, Some(n), cx) {
                Ok(c) => out.push(Record::Commit(c)),
                Err(e) => tracing::warn!(error = %e, "skipping commit"),
            }
        }
        Ok(out)
    }

    /// The stored pull requests' `updated`, loaded once per sync.
    fn known(&mut self) -> Result<&HashMap<(String, u64), Timestamp>, StoreError> {
        if self.known.is_none() {
            let mut map = HashMap::new();
            for rec in self.store.records(RecordKind::PullRequest)? {
                if let Record::PullRequest(pr) = rec
                    && pr.meta.source == Source::Github
                {
                    map.insert((pr.repo, pr.number), pr.updated);
                }
            }
            self.known = Some(map);
        }
        Ok(self.known.get_or_insert_default())
    }
}
