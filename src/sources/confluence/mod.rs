//! Confluence client: Cloud REST v2 pages and spaces (cursor pagination via
//! `_links.next`), REST v1 CQL search (Cloud and Server/Data Center), and the
//! Server/Data Center content API (`start`/`limit`/`_links.next`). Scopes:
//! `read:confluence-space.summary`, `read:confluence-content.all`,
//! `search:confluence`.
//!
//! `base_url` is the site root the APIs hang off: `https://x.atlassian.net/wiki`
//! on Cloud, the server root (with its context path, if any) on Server/DC.
//! Paths here are relative to it (`/api/v2/pages`, `/rest/api/content`).
//! `_links.next` comes in two shapes: v2 includes the context path
//! (`/wiki/api/v2/pages?cursor=..`), v1 is relative to it
//! (`/rest/api/content/search?start=..`); both are followed, and a next link
//! to another host is refused.
//!
//! Must not: write to the store or decide what to sync (`sync::confluence`).

pub mod map;
pub mod storage;

use serde_json::Value;

use crate::config::{ConfluenceConfig, Deployment};
use crate::model::Source;
use crate::sources::http::{Auth, HttpClient, HttpError};

/// Pages asked per request (v2 allows 250, v1 caps bodies lower).
pub const PAGE_LIMIT: u32 = 50;
/// What v1 calls expand so that a result maps to a full page.
pub const V1_EXPAND: &str = "body.storage,version,history,space";

/// Why a Confluence call failed.
#[derive(Debug, thiserror::Error)]
pub enum ConfluenceError {
    /// Transport, status, budget or an undecodable body.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// A configured space key the site does not know (or hides).
    #[error("confluence: no space with key {key:?} (check `confluence.spaces` and the token's access)")]
    SpaceNotFound {
        /// The key.
        key: String,
    },
    /// A `_links.next` pointing away from the configured site.
    #[error("confluence {endpoint}: refusing to follow a next link to another host")]
    ForeignLink {
        /// Path that returned it.
        endpoint: String,
    },
}

/// A space (`/wiki/api/v2/spaces`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Space {
    /// Numeric id as a string (v2 pages are listed by it).
    pub id: String,
    /// Key (`ORB`).
    pub key: String,
    /// Name.
    pub name: String,
}

/// One page of results and the link to the next.
#[derive(Debug, Clone)]
pub struct ResultsPage {
    /// Raw results.
    pub results: Vec<Value>,
    /// The next page, as a path relative to the client's base URL.
    pub next: Option<String>,
}

/// The Confluence client of one site.
#[derive(Debug, Clone)]
pub struct ConfluenceClient {
    http: HttpClient,
    deployment: Deployment,
    base_url: String,
    /// Path part of the base URL without a trailing slash (`/wiki`, or `""`).
    base_path: String,
}

impl ConfluenceClient {
    /// A client for the configured site.
    ///
    /// # Errors
    /// [`HttpError::Policy`] when the base URL is not allowed.
    pub fn new(cfg: &ConfluenceConfig, auth: Auth, budget: u32) -> Result<ConfluenceClient, HttpError> {
        let http = HttpClient::new(Source::Confluence, &cfg.base_url, auth, budget)?;
        let base_path = http.url("")?.path().trim_end_matches('/').to_string();
        Ok(ConfluenceClient {
            http,
            deployment: cfg.deployment,
            base_url: cfg.base_url.trim_end_matches('/').to_string(),
            base_path,
        })
    }

    /// The underlying HTTP client (request counts, wait hook).
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// Replaces the HTTP client (to attach a wait hook).
    pub fn with_http(mut self, http: HttpClient) -> ConfluenceClient {
        self.http = http;
        self
    }

    /// Site root the page links are relative to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Cloud or Server/DC.
    pub fn deployment(&self) -> Deployment {
        self.deployment
    }

    /// GET `path` (which may carry its own query, as next links do) and
    /// read `results` and `_links.next`.
    async fn results(&self, path: &str, query: &[(&str, String)]) -> Result<ResultsPage, ConfluenceError> {
        let endpoint = self.http.url(path)?.path().to_string();
        let f = self.http.get(path, query, None).await?;
        let v: Value = f.json(Source::Confluence, &endpoint)?;
        let results = v
            .get("results")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| HttpError::Decode {
                provider: Source::Confluence,
                endpoint: endpoint.clone(),
                status: f.status,
                message: "the answer has no `results` array".into(),
            })?;
        let next = match v.pointer("/_links/next").and_then(Value::as_str) {
            Some(n) if !n.is_empty() && !results.is_empty() => Some(self.relative(n, &endpoint)?),
            _ => None,
        };
        Ok(ResultsPage { results, next })
    }

    /// A next link as a path relative to the base URL.
    fn relative(&self, next: &str, endpoint: &str) -> Result<String, ConfluenceError> {
        let path_and_query = if next.starts_with("http://") || next.starts_with("https://") {
            let target = url::Url::parse(next).map_err(|_| ConfluenceError::ForeignLink {
                endpoint: endpoint.to_string(),
            })?;
            let base = self.http.url("")?;
            if target.origin() != base.origin() {
                return Err(ConfluenceError::ForeignLink {
                    endpoint: endpoint.to_string(),
                });
            }
            match target.query() {
                Some(q) => format!("{}?{q}", target.path()),
                None => target.path().to_string(),
            }
        } else if next.starts_with('/') {
            next.to_string()
        } else {
            format!("/{next}")
        };
        let prefixed = format!("{}/", self.base_path);
        Ok(
            if !self.base_path.is_empty() && path_and_query.starts_with(&prefixed) {
                path_and_query[self.base_path.len()..].to_string()
            } else {
                path_and_query
            },
        )
    }

    /// Cloud v2: the spaces with `keys` (`GET /api/v2/spaces?keys=..`), all
    /// pages, only those asked for.
    ///
    /// # Errors
    /// Any [`ConfluenceError`].
    pub async fn spaces(&self, keys: &[String]) -> Result<Vec<Space>, ConfluenceError> {
        let mut out = Vec::new();
        let mut query: Vec<(&str, String)> = keys.iter().map(|k| ("keys", k.clone())).collect();
        query.push(("limit", "250".into()));
        let mut page = self.results("/api/v2/spaces", &query).await?;
        loop {
            out.extend(page.results.iter().filter_map(|s| {
                let key = s.get("key")?.as_str()?;
                let id = match s.get("id")? {
                    Value::String(id) => id.clone(),
                    other => other.to_string(),
                };
                keys.iter().any(|k| k.eq_ignore_ascii_case(key)).then(|| Space {
                    id,
                    key: key.to_string(),
                    name: s.get("name").and_then(Value::as_str).unwrap_or(key).to_string(),
                })
            }));
            match page.next {
                Some(next) => page = self.results(&next, &[]).await?,
                None => return Ok(out),
            }
        }
    }

    /// Cloud v2: one page of the pages of `space_id`, storage bodies
    /// included, most recently modified first. `next` continues a walk.
    ///
    /// # Errors
    /// Any [`ConfluenceError`].
    pub async fn pages(&self, space_id: &str, next: Option<&str>) -> Result<ResultsPage, ConfluenceError> {
        match next {
            Some(n) => self.results(n, &[]).await,
            None => {
                let q = [
                    ("space-id", space_id.to_string()),
                    ("body-format", "storage".to_string()),
                    ("sort", "-modified-date".to_string()),
                    ("limit", PAGE_LIMIT.to_string()),
                ];
                self.results("/api/v2/pages", &q).await
            }
        }
    }

    /// REST v1 CQL search (`GET /rest/api/content/search?cql=..`), one page,
    /// expanded to full pages. `next` continues a walk.
    ///
    /// # Errors
    /// Any [`ConfluenceError`].
    pub async fn search(&self, cql: &str, next: Option<&str>) -> Result<ResultsPage, ConfluenceError> {
        match next {
            Some(n) => self.results(n, &[]).await,
            None => {
                let q = [
                    ("cql", cql.to_string()),
                    ("expand", V1_EXPAND.to_string()),
                    ("limit", PAGE_LIMIT.to_string()),
                ];
                self.results("/rest/api/content/search", &q).await
            }
        }
    }

    /// Server/DC content API: one page of the pages of `space_key`
    /// (`GET /rest/api/content?spaceKey=..&type=page&expand=..`), walked with
    /// `start`/`limit` through `_links.next`.
    ///
    /// # Errors
    /// Any [`ConfluenceError`].
    pub async fn content(&self, space_key: &str, next: Option<&str>) -> Result<ResultsPage, ConfluenceError> {
        match next {
            Some(n) => self.results(n, &[]).await,
            None => {
                let q = [
                    ("spaceKey", space_key.to_string()),
                    ("type", "page".to_string()),
                    ("expand", V1_EXPAND.to_string()),
                    ("start", "0".to_string()),
                    ("limit", PAGE_LIMIT.to_string()),
                ];
                self.results("/rest/api/content", &q).await
            }
        }
    }

    /// REST v1: one content object (`GET /rest/api/content/{id}?expand=..`).
    ///
    /// # Errors
    /// Any [`ConfluenceError`].
    pub async fn page_v1(&self, id: &str) -> Result<Value, ConfluenceError> {
        let path = format!("/rest/api/content/{id}");
        Ok(self
            .http
            .get_json(&path, &[("expand", V1_EXPAND.to_string())])
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> Option<ConfluenceClient> {
        let cfg = ConfluenceConfig {
            base_url: base.into(),
            ..ConfluenceConfig::default()
        };
        ConfluenceClient::new(&cfg, Auth::None, 10).ok()
    }

    #[test]
    fn next_links_of_both_shapes_stay_on_the_site() {
        let c = client("https://x.atlassian.net/wiki");
        let rel = |n: &str| c.as_ref().map(|c| c.relative(n, "/e").map_err(|e| e.to_string()));
        assert_eq!(
            rel("/wiki/api/v2/pages?cursor=abc&limit=50"),
            Some(Ok("/api/v2/pages?cursor=abc&limit=50".into()))
        );
        assert_eq!(
            rel("/rest/api/content/search?start=25&cql=x"),
            Some(Ok("/rest/api/content/search?start=25&cql=x".into()))
        );
        assert_eq!(
            rel("https://x.atlassian.net/wiki/rest/api/content?start=2"),
            Some(Ok("/rest/api/content?start=2".into()))
        );
        assert!(rel("https://evil.example.com/wiki/rest/api/content").is_some_and(|r| r.is_err()));
        let server = client("https://wiki.example.com");
        assert_eq!(
            server.map(|c| c.relative("/rest/api/content?start=2", "/e").ok()),
            Some(Some("/rest/api/content?start=2".into()))
        );
    }
}
