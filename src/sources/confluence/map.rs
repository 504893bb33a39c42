//! Confluence page JSON → [`Page`] records, from both wire shapes:
//! Cloud REST v2 (`/wiki/api/v2/pages`: `spaceId`, `createdAt`,
//! `version.createdAt`, `authorId`) and REST v1 (`/rest/api/content`, CQL
//! search: `space.key`, `version.when`, `history.createdDate`,
//! `history.createdBy`), as Cloud and Server/Data Center send it.

use jiff::Timestamp;
use serde_json::Value;

use super::storage::{issue_keys, to_text};
use crate::model::{Page, RecordMeta, Source};
use crate::sources::time::parse_provider_time;

/// Why a page could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("confluence page {page}: {reason}")]
pub struct MapError {
    /// Page id or title.
    pub page: String,
    /// What is missing or malformed.
    pub reason: String,
}

/// What every mapped page needs besides its JSON.
#[derive(Debug, Clone, Copy)]
pub struct PageContext<'a> {
    /// Site of the store.
    pub site: &'a str,
    /// Confluence root the `webui` links are relative to (with `/wiki` on Cloud).
    pub base_url: &'a str,
    /// Jira project keys to look for; empty: any key-shaped word.
    pub projects: &'a [String],
    /// Fetch time.
    pub now: Timestamp,
}

fn s<'a>(v: &'a Value, path: &str) -> Option<&'a str> {
    v.pointer(path).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn time(v: &Value, path: &str) -> Option<Timestamp> {
    s(v, path).and_then(parse_provider_time)
}

/// Ids come as strings (v1, v2) or numbers (some v1 answers).
fn id_of(v: &Value, path: &str) -> Option<String> {
    match v.pointer(path)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn web_url(base_url: &str, webui: Option<&str>) -> String {
    match webui {
        Some(w) if w.starts_with("http://") || w.starts_with("https://") => w.to_string(),
        Some(w) => format!("{}{w}", base_url.trim_end_matches('/')),
        None => String::new(),
    }
}

/// Statuses that are no longer documentation.
fn gone(status: Option<&str>) -> bool {
    matches!(status, Some("trashed" | "deleted" | "draft"))
}

#[allow(clippy::too_many_arguments)]
fn build(
    ctx: PageContext<'_>,
    id: String,
    space: String,
    title: String,
    version: u64,
    created: Timestamp,
    updated: Timestamp,
    author: Option<String>,
    storage: &str,
    url: String,
) -> Page {
    let body = to_text(storage);
    let mut keys = issue_keys(&title, ctx.projects);
    for k in body
        .macro_keys
        .iter()
        .filter(|k| ctx.projects.is_empty() || issue_keys(k, ctx.projects).len() == 1)
        .cloned()
        .chain(issue_keys(&body.text, ctx.projects))
    {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    Page {
        meta: RecordMeta {
            site: ctx.site.to_string(),
            source: Source::Confluence,
            source_id: id,
            event_time: updated,
            fetched_at: ctx.now,
        },
        space,
        title,
        version,
        created,
        updated,
        author,
        issue_keys: keys,
        body_text: body.text,
        url,
    }
}

/// Maps a Cloud v2 page (`/wiki/api/v2/pages` with `body-format=storage`).
/// `space_key` names the space the page was listed from. `Ok(None)` for
/// trashed, deleted and draft pages.
///
/// # Errors
/// [`MapError`] when the id, title or modification time is missing.
pub fn page_v2(v: &Value, space_key: &str, ctx: PageContext<'_>) -> Result<Option<Page>, MapError> {
    let id = id_of(v, "/id").ok_or_else(|| MapError {
        page: s(v, "/title").unwrap_or("?").to_string(),
        reason: "no `id`".into(),
    })?;
    if gone(s(v, "/status")) {
        return Ok(None);
    }
    let err = |reason: &str| MapError {
        page: id.clone(),
        reason: reason.to_string(),
    };
    let title = s(v, "/title").ok_or_else(|| err("no `title`"))?.to_string();
    let updated = time(v, "/version/createdAt")
        .or_else(|| time(v, "/createdAt"))
        .ok_or_else(|| err("no `version.createdAt`"))?;
    let created = time(v, "/createdAt").unwrap_or(updated);
    let version = v.pointer("/version/number").and_then(Value::as_u64).unwrap_or(1);
    let author = s(v, "/authorId")
        .or_else(|| s(v, "/ownerId"))
        .or_else(|| s(v, "/version/authorId"))
        .map(str::to_string);
    let storage = s(v, "/body/storage/value").unwrap_or_default();
    let url = web_url(ctx.base_url, s(v, "/_links/webui"));
    let space = if space_key.is_empty() {
        id_of(v, "/spaceId").unwrap_or_default()
    } else {
        space_key.to_string()
    };
    Ok(Some(build(
        ctx,
        id.clone(),
        space,
        title,
        version,
        created,
        updated,
        author,
        storage,
        url,
    )))
}

/// The account that made a v1 user object: Cloud `accountId`, else
/// Server's `username`, else `userKey`.
fn v1_user(v: &Value, path: &str) -> Option<String> {
    let u = v.pointer(path)?;
    s(u, "/accountId")
        .or_else(|| s(u, "/username"))
        .or_else(|| s(u, "/userKey"))
        .map(str::to_string)
}

/// The space key of a v1 content object: `space.key`, else the last segment
/// of `_expandable.space` (`/rest/api/space/DEV`).
fn v1_space(v: &Value) -> String {
    s(v, "/space/key")
        .map(str::to_string)
        .or_else(|| {
            s(v, "/_expandable/space")
                .and_then(|p| p.rsplit('/').next())
                .filter(|k| !k.is_empty())
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// Maps a v1 content object (`/rest/api/content`, `/rest/api/content/{id}`,
/// CQL search results) expanded with `body.storage,version,history,space`.
/// `Ok(None)` for attachments, comments, trashed and draft content.
///
/// # Errors
/// [`MapError`] when the id, title or version time is missing.
pub fn page_v1(v: &Value, ctx: PageContext<'_>) -> Result<Option<Page>, MapError> {
    let id = id_of(v, "/id").ok_or_else(|| MapError {
        page: s(v, "/title").unwrap_or("?").to_string(),
        reason: "no `id`".into(),
    })?;
    if !matches!(s(v, "/type"), None | Some("page" | "blogpost")) || gone(s(v, "/status")) {
        return Ok(None);
    }
    let err = |reason: &str| MapError {
        page: id.clone(),
        reason: reason.to_string(),
    };
    let title = s(v, "/title").ok_or_else(|| err("no `title`"))?.to_string();
    let updated = time(v, "/version/when")
        .or_else(|| time(v, "/history/lastUpdated/when"))
        .or_else(|| time(v, "/history/createdDate"))
        .ok_or_else(|| err("no `version.when` (expand `version`)"))?;
    let created = time(v, "/history/createdDate").unwrap_or(updated);
    let version = v.pointer("/version/number").and_then(Value::as_u64).unwrap_or(1);
    let author = v1_user(v, "/history/createdBy").or_else(|| v1_user(v, "/version/by"));
    let storage = s(v, "/body/storage/value").unwrap_or_default();
    let url = web_url(ctx.base_url, s(v, "/_links/webui"));
    Ok(Some(build(
        ctx,
        id.clone(),
        v1_space(v),
        title,
        version,
        created,
        updated,
        author,
        storage,
        url,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx(projects: &[String]) -> PageContext<'_> {
        PageContext {
            site: "s",
            base_url: "https://x.atlassian.net/wiki",
            projects,
            now: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn v2_page_with_jira_macro() {
        let v = json!({"id": "240164", "status": "current", "title": "Checkout — design", "spaceId": "98305",
            "authorId": "acc-1", "createdAt": "2025-10-13T09:56:38.551Z",
            "version": {"createdAt": "2025-12-30T14:11:05.118Z", "number": 10, "authorId": "acc-2"},
            "body": {"storage": {"representation": "storage", "value":
              "<p>Epic: <ac:structured-macro ac:name=\"jira\"><ac:parameter ac:name=\"key\">ALP-1</ac:parameter></ac:structured-macro></p><ul><li>ALP-12 Order</li><li>UTF-8 BET-4</li></ul>"}},
            "_links": {"webui": "/spaces/ORB/pages/240164/Checkout"}});
        let projects = vec!["ALP".to_string()];
        let p = page_v2(&v, "ORB", ctx(&projects)).ok().flatten();
        let p = p.as_ref();
        assert_eq!(
            p.map(|p| p.issue_keys.clone()),
            Some(vec!["ALP-1".into(), "ALP-12".into()])
        );
        assert_eq!(p.map(|p| p.version), Some(10));
        assert_eq!(p.map(|p| p.space.as_str()), Some("ORB"));
        assert_eq!(p.and_then(|p| p.author.as_deref()), Some("acc-1"));
        assert_eq!(
            p.map(|p| p.url.as_str()),
            Some("https://x.atlassian.net/wiki/spaces/ORB/pages/240164/Checkout")
        );
        assert!(p.is_some_and(|p| p.created < p.updated && p.meta.event_time == p.updated));
        assert_eq!(
            page_v2(&json!({"id": "1", "status": "trashed"}), "ORB", ctx(&[])),
            Ok(None)
        );
        assert!(page_v2(&json!({"id": "1", "title": "t"}), "ORB", ctx(&[])).is_err());
    }

    #[test]
    fn v1_attachment_is_not_a_page() {
        let v = json!({"id": "att1", "type": "attachment", "title": "x.png"});
        assert_eq!(page_v1(&v, ctx(&[])), Ok(None));
    }
}
