//! GitHub client (REST v3; token scopes `repo`, `read:user`, `user:email`).
//!
//! Per configured repository: pull requests of every state, most recently
//! updated first (`GET /repos/{o}/{r}/pulls?state=all&sort=updated&direction=desc`),
//! and for each one the single pull request (size fields), its reviews, its
//! commits and its issue timeline (draft transitions, review requests); and
//! the default branch's commits (`GET /repos/{o}/{r}/commits?since=`).
//!
//! Pages follow the `Link: <...>; rel="next"` header to the end. A next link
//! is followed only to the origin of the configured base URL, since the token
//! goes with every request; relative links are resolved against the page that
//! gave them. List heads are fetched conditionally (`If-None-Match`): an
//! unchanged list answers `304`, which GitHub does not count against the rate
//! limit and the HTTP policy does not count against the budget.
//!
//! Owns: URLs, pagination and conditional requests. Must not: decide what is
//! new (that is the sync's cursor) or touch the store.

pub mod map;
pub mod wire;

use jiff::Timestamp;
use serde_json::Value;

use crate::config::GithubConfig;
use crate::model::Source;
use crate::sources::http::{Auth, Fetched, HttpClient, HttpError};

pub use map::{Bots, Context, MapError};

/// Items per page GitHub allows at most (and the client asks for).
pub const MAX_PAGE_SIZE: u32 = 100;

/// Why a GitHub call failed. Messages name the provider and endpoint and
/// never carry a credential.
#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    /// The HTTP policy gave up (status, network, malformed body, budget).
    #[error(transparent)]
    Http(#[from] HttpError),
    /// A `Link` header pointed somewhere the token must not go.
    #[error(
        "github {endpoint}: HTTP {status}: the next-page link leads to {link_origin}, not to the configured \
         {base_origin}; not followed, as the token would go with it"
    )]
    ForeignLink {
        /// Path of the page that gave the link.
        endpoint: String,
        /// Status of that page.
        status: u16,
        /// Scheme, host and port of the link.
        link_origin: String,
        /// Scheme, host and port of `github.base_url`.
        base_origin: String,
    },
    /// A `Link` header's next page is the page itself.
    #[error("github {endpoint}: HTTP {status}: the next-page link points back to the same page")]
    LinkLoop {
        /// Path of the page.
        endpoint: String,
        /// Status of the page.
        status: u16,
    },
    /// A configured repository is not `owner/name`.
    #[error("github: repository {0:?} is not \"owner/name\"")]
    Repository(String),
}

/// A repository, `owner/name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Repo {
    /// Owner (user or organisation).
    pub owner: String,
    /// Name.
    pub name: String,
}

impl Repo {
    /// Parses `owner/name`.
    ///
    /// # Errors
    /// [`GithubError::Repository`] for anything else.
    pub fn parse(s: &str) -> Result<Repo, GithubError> {
        let ok = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        match s.trim().split_once('/') {
            Some((owner, name)) if ok(owner) && ok(name) && name != "." && name != ".." => Ok(Repo {
                owner: owner.to_string(),
                name: name.to_string(),
            }),
            _ => Err(GithubError::Repository(s.to_string())),
        }
    }

    /// `owner/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    fn path(&self, rest: &str) -> String {
        format!("/repos/{}/{}{rest}", self.owner, self.name)
    }
}

impl std::fmt::Display for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// One page of a list endpoint.
#[derive(Debug, Clone)]
pub struct ListPage {
    /// The items (a JSON array on the wire).
    pub items: Vec<Value>,
    /// The `rel="next"` page, already checked to be on the base origin.
    pub next: Option<url::Url>,
    /// The page's `ETag`, for a conditional request next time.
    pub etag: Option<String>,
    /// Path of the page, for progress and errors.
    pub endpoint: String,
}

/// A conditional fetch of a list's first page.
#[derive(Debug, Clone)]
pub enum Listed {
    /// `304 Not Modified`: the list is as it was when its ETag was taken.
    NotModified,
    /// The page.
    Page(ListPage),
}

/// The GitHub client of one account.
#[derive(Debug, Clone)]
pub struct GithubClient {
    http: HttpClient,
    base: url::Url,
    page_size: u32,
}

impl GithubClient {
    /// A client for `cfg.base_url` (`https://api.github.com`, or
    /// `https://HOST/api/v3` for GitHub Enterprise Server).
    ///
    /// # Errors
    /// [`HttpError::Policy`] when the base URL is not allowed.
    pub fn new(cfg: &GithubConfig, auth: Auth, budget: u32) -> Result<GithubClient, HttpError> {
        let http = HttpClient::new(Source::Github, &cfg.base_url, auth, budget)?;
        let base = http.url("/")?;
        Ok(GithubClient {
            http,
            base,
            page_size: MAX_PAGE_SIZE,
        })
    }

    /// The underlying HTTP client (request counts, wait hook).
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// Replaces the HTTP client (to attach a wait hook).
    pub fn with_http(mut self, http: HttpClient) -> GithubClient {
        self.http = http;
        self
    }

    /// Asks for `n` items per page (1 to 100; tests use small pages to walk
    /// `Link` pagination over few items).
    pub fn with_page_size(mut self, n: u32) -> GithubClient {
        self.page_size = n.clamp(1, MAX_PAGE_SIZE);
        self
    }

    /// First page of the pull requests of `repo`, every state, most recently
    /// updated first; conditional on `if_none_match`.
    ///
    /// # Errors
    /// Any [`GithubError`].
    pub async fn pulls(&self, repo: &Repo, if_none_match: Option<&str>) -> Result<Listed, GithubError> {
        self.first_page(&self.pulls_url(repo)?, if_none_match).await
    }

    /// The URL of [`GithubClient::pulls`]: `GET /repos/{o}/{r}/pulls?state=all&sort=updated&direction=desc&per_page=N`.
    ///
    /// # Errors
    /// [`GithubError::Http`] when the base URL cannot take the path.
    pub fn pulls_url(&self, repo: &Repo) -> Result<url::Url, GithubError> {
        let query = [
            ("state", "all".to_string()),
            ("sort", "updated".to_string()),
            ("direction", "desc".to_string()),
            ("per_page", self.page_size.to_string()),
        ];
        self.list_url(&repo.path("/pulls"), &query)
    }

    /// First page of the default branch's commits of `repo`, newest first;
    /// with `since`, only those committed at or after it. Conditional on
    /// `if_none_match`. An empty repository (GitHub answers `409`) lists none.
    ///
    /// # Errors
    /// Any [`GithubError`].
    pub async fn commits(
        &self,
        repo: &Repo,
        since: Option<Timestamp>,
        if_none_match: Option<&str>,
    ) -> Result<Listed, GithubError> {
        self.first_page(&self.commits_url(repo, since)?, if_none_match)
            .await
    }

    /// The URL of [`GithubClient::commits`]: `GET /repos/{o}/{r}/commits?per_page=N[&since=ISO 8601 UTC]`.
    /// An `ETag` belongs to one exact URL: GitHub compares it only with the
    /// same request, so a different `since` is a different resource.
    ///
    /// # Errors
    /// [`GithubError::Http`] when the base URL cannot take the path.
    pub fn commits_url(&self, repo: &Repo, since: Option<Timestamp>) -> Result<url::Url, GithubError> {
        let mut query = vec![("per_page", self.page_size.to_string())];
        if let Some(t) = since {
            query.push(("since", t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()));
        }
        self.list_url(&repo.path("/commits"), &query)
    }

    /// The first page of a list at `url` (from [`GithubClient::pulls_url`] or
    /// [`GithubClient::commits_url`]), conditional on `if_none_match`. A `409`
    /// (an empty repository's commits) is an empty last page.
    ///
    /// # Errors
    /// Any [`GithubError`].
    pub async fn first_page(
        &self,
        url: &url::Url,
        if_none_match: Option<&str>,
    ) -> Result<Listed, GithubError> {
        match self.page(url, if_none_match).await {
            Err(GithubError::Http(HttpError::Status { status: 409, .. })) => Ok(Listed::Page(ListPage {
                items: Vec::new(),
                next: None,
                etag: None,
                endpoint: url.path().to_string(),
            })),
            other => other,
        }
    }

    /// The page a previous page's `next` link points to (unconditional).
    ///
    /// # Errors
    /// Any [`GithubError`].
    pub async fn next_page(&self, next: &url::Url) -> Result<ListPage, GithubError> {
        match self.page(next, None).await? {
            Listed::Page(p) => Ok(p),
            // Not asked conditionally; a 304 anyway is an empty page.
            Listed::NotModified => Ok(ListPage {
                items: Vec::new(),
                next: None,
                etag: None,
                endpoint: next.path().to_string(),
            }),
        }
    }

    /// `GET /repos/{o}/{r}/pulls/{n}`: one pull request, with its size fields.
    ///
    /// # Errors
    /// Any [`GithubError`].
    pub async fn pull(&self, repo: &Repo, number: u64) -> Result<Value, GithubError> {
        Ok(self
            .http
            .get_json(&repo.path(&format!("/pulls/{number}")), &[])
            .await?)
    }

    /// Every review of a pull request (`/pulls/{n}/reviews`), oldest first.
    ///
    /// # Errors
    /// Any [`GithubError`].
    pub async fn reviews(&self, repo: &Repo, number: u64) -> Result<Vec<Value>, GithubError> {
        self.list_all(&repo.path(&format!("/pulls/{number}/reviews")))
            .await
    }

    /// Every commit of a pull request (`/pulls/{n}/commits`; GitHub lists at
    /// most 250).
    ///
    /// # Errors
    /// Any [`GithubError`].
    pub async fn pull_commits(&self, repo: &Repo, number: u64) -> Result<Vec<Value>, GithubError> {
        self.list_all(&repo.path(&format!("/pulls/{number}/commits")))
            .await
    }

    /// The whole issue timeline of a pull request (`/issues/{n}/timeline`).
    ///
    /// # Errors
    /// Any [`GithubError`].
    pub async fn timeline(&self, repo: &Repo, number: u64) -> Result<Vec<Value>, GithubError> {
        self.list_all(&repo.path(&format!("/issues/{number}/timeline")))
            .await
    }

    /// Every item of a list endpoint, all pages.
    ///
    /// # Errors
    /// Any [`GithubError`].
    pub async fn list_all(&self, path: &str) -> Result<Vec<Value>, GithubError> {
        let url = self.list_url(path, &[("per_page", self.page_size.to_string())])?;
        let mut page = self.next_page(&url).await?;
        let mut items = std::mem::take(&mut page.items);
        while let Some(next) = page.next.take() {
            page = self.next_page(&next).await?;
            items.append(&mut page.items);
        }
        Ok(items)
    }

    fn list_url(&self, path: &str, query: &[(&str, String)]) -> Result<url::Url, GithubError> {
        let mut url = self.http.url(path)?;
        url.query_pairs_mut()
            .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        Ok(url)
    }

    /// GETs one list page by absolute URL and reads its items, `ETag` and
    /// next link.
    async fn page(&self, url: &url::Url, if_none_match: Option<&str>) -> Result<Listed, GithubError> {
        let endpoint = url.path().to_string();
        let fetched = self.http.get(url.as_str(), &[], if_none_match).await?;
        if fetched.is_not_modified() {
            return Ok(Listed::NotModified);
        }
        let items: Vec<Value> = fetched.json(Source::Github, &endpoint)?;
        let next = self.next_link(url, &fetched, &endpoint)?;
        Ok(Listed::Page(ListPage {
            items,
            next,
            etag: fetched.header("etag").map(str::to_string),
            endpoint,
        }))
    }

    fn next_link(
        &self,
        url: &url::Url,
        f: &Fetched,
        endpoint: &str,
    ) -> Result<Option<url::Url>, GithubError> {
        let Some(next) = f.header("link").and_then(|h| link_rel(h, "next")) else {
            return Ok(None);
        };
        // Relative references resolve against the page that gave them (RFC 8288).
        let Ok(next) = url.join(&next) else {
            return Ok(None);
        };
        if next.origin() != self.base.origin() {
            return Err(GithubError::ForeignLink {
                endpoint: endpoint.to_string(),
                status: f.status,
                link_origin: next.origin().ascii_serialization(),
                base_origin: self.base.origin().ascii_serialization(),
            });
        }
        if &next == url {
            return Err(GithubError::LinkLoop {
                endpoint: endpoint.to_string(),
                status: f.status,
            });
        }
        Ok(Some(next))
    }
}

/// The target of the link with relation `rel` in a `Link` header
/// (`<https://...&page=2>; rel="next", <...>; rel="last"`). Relations may be
/// quoted or bare, and one link may carry several (`rel="next last"`).
pub fn link_rel(header: &str, rel: &str) -> Option<String> {
    let mut rest = header;
    while let Some(open) = rest.find('<') {
        let close = open + rest[open..].find('>')?;
        let target = &rest[open + 1..close];
        let after = &rest[close + 1..];
        // Parameters run up to the next link (a comma before the next `<`).
        let params_end = after.find('<').unwrap_or(after.len());
        let params = after[..params_end].trim_end().trim_end_matches(',');
        let matches = params.split(';').any(|p| {
            let Some((k, v)) = p.split_once('=') else {
                return false;
            };
            k.trim().eq_ignore_ascii_case("rel")
                && v.trim()
                    .trim_matches('"')
                    .split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case(rel))
        });
        if matches {
            return Some(target.trim().to_string());
        }
        rest = &after[params_end..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_relations() {
        let h = "<https://api.github.com/repositories/1000/issues?per_page=3&page=1>; rel=\"prev\", \
                 <https://api.github.com/repositories/1000/issues?per_page=3&page=3>; rel=\"next\", \
                 <https://api.github.com/repositories/1000/issues?per_page=3&page=5>; rel=\"last\"";
        assert_eq!(
            link_rel(h, "next").as_deref(),
            Some("https://api.github.com/repositories/1000/issues?per_page=3&page=3")
        );
        assert_eq!(
            link_rel(h, "last").as_deref(),
            Some("https://api.github.com/repositories/1000/issues?per_page=3&page=5")
        );
        assert_eq!(link_rel(h, "first"), None);
        assert_eq!(
            link_rel("</x?a=1,2>; rel=next last", "last").as_deref(),
            Some("/x?a=1,2")
        );
        assert_eq!(link_rel("", "next"), None);
        assert_eq!(link_rel("<broken; rel=\"next\"", "next"), None);
    }

    #[test]
    fn repositories_are_owner_slash_name() {
        assert_eq!(
            Repo::parse("octo-org/hello.world")
                .map(|r| r.full_name())
                .ok()
                .as_deref(),
            Some("octo-org/hello.world")
        );
        for bad in ["nope", "a/b/c", "/b", "a/", "a/..", "a b/c", "a/b?x=1"] {
            assert!(Repo::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn next_links_stay_on_the_base_origin() {
        let cfg = GithubConfig {
            base_url: "http://127.0.0.1:9".into(),
            ..GithubConfig::default()
        };
        let Ok(c) = GithubClient::new(&cfg, Auth::None, 10) else {
            panic!("client");
        };
        let page = url::Url::parse("http://127.0.0.1:9/repos/o/r/pulls?per_page=2")
            .unwrap_or_else(|_| c.base.clone());
        let fetched = |link: &str| Fetched {
            status: 200,
            headers: {
                let mut h = reqwest::header::HeaderMap::new();
                if let Ok(v) = reqwest::header::HeaderValue::from_str(link) {
                    h.insert("link", v);
                }
                h
            },
            body: bytes::Bytes::new(),
        };
        let next = c.next_link(
            &page,
            &fetched("</repositories/1/pulls?page=2>; rel=\"next\""),
            "/x",
        );
        assert_eq!(
            next.ok().flatten().map(|u| u.to_string()).as_deref(),
            Some("http://127.0.0.1:9/repositories/1/pulls?page=2")
        );
        let foreign = c.next_link(
            &page,
            &fetched("<https://api.github.com/x?page=2>; rel=\"next\""),
            "/x",
        );
        assert!(
            matches!(foreign, Err(GithubError::ForeignLink { .. })),
            "{foreign:?}"
        );
        let other_port = c.next_link(
            &page,
            &fetched("<http://127.0.0.1:10/x?page=2>; rel=\"next\""),
            "/x",
        );
        assert!(matches!(other_port, Err(GithubError::ForeignLink { .. })));
        let same = c.next_link(&page, &fetched(&format!("<{page}>; rel=\"next\"")), "/x");
        assert!(matches!(same, Err(GithubError::LinkLoop { .. })));
    }
}
