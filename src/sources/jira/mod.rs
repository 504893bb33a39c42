//! Jira client: Cloud REST v3 (`/rest/api/3/search/jql`, `nextPageToken` and
//! `isLast`, no `total`), Server/Data Center REST v2 (`/rest/api/2/search`,
//! `startAt`/`total`), and the Agile API (boards, board configuration,
//! sprints). Scopes: `read:jira-work`, `read:jira-user`,
//! `read:sprint:jira-software`, `read:board-scope:jira-software`.

pub mod adf;
pub mod map;

use serde::Deserialize;
use serde_json::Value;

use crate::config::{Deployment, JiraConfig};
use crate::model::Source;
use crate::sources::http::{Auth, HttpClient, HttpError};

pub use map::{FieldIds, MapError};

/// Issues per search page (Jira's maximum for `/search/jql` is 5000 ids, 100
/// with fields; 100 is the documented default ceiling).
pub const PAGE_SIZE: u32 = 100;

/// The authenticated account (`/rest/api/{2,3}/myself`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Myself {
    /// Account id (Cloud) — absent on Server.
    pub account_id: Option<String>,
    /// IANA time zone JQL date literals are read in.
    pub time_zone: Option<String>,
}

/// One entry of the field catalogue (`/rest/api/{2,3}/field`).
#[derive(Debug, Clone, Deserialize)]
pub struct FieldInfo {
    /// Field id (`customfield_10016`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Schema.
    #[serde(default)]
    pub schema: Option<FieldSchema>,
}

/// Field schema (only `custom` matters here).
#[derive(Debug, Clone, Deserialize)]
pub struct FieldSchema {
    /// Custom field type key.
    #[serde(default)]
    pub custom: Option<String>,
}

/// A board (`/rest/agile/1.0/board`).
#[derive(Debug, Clone, Deserialize)]
pub struct Board {
    /// Board id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Where it lives.
    #[serde(default)]
    pub location: Option<BoardLocation>,
}

/// Board location.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardLocation {
    /// Project key.
    #[serde(default)]
    pub project_key: Option<String>,
}

/// A page of search results and where the next one starts.
#[derive(Debug, Clone)]
pub struct SearchPage {
    /// Raw issues.
    pub issues: Vec<Value>,
    /// Cursor of the next page; `None` on the last.
    pub next: Option<PageCursor>,
}

/// Where a search page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageCursor {
    /// Cloud `nextPageToken`.
    Token(String),
    /// Server/DC `startAt`.
    StartAt(u64),
}

/// The Jira client of one site.
#[derive(Debug, Clone)]
pub struct JiraClient {
    http: HttpClient,
    deployment: Deployment,
    base_url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgilePage {
    #[serde(default)]
    values: Vec<Value>,
    #[serde(default)]
    is_last: Option<bool>,
    #[serde(default)]
    start_at: u64,
    #[serde(default)]
    total: Option<u64>,
}

impl JiraClient {
    /// A client for the configured site.
    ///
    /// # Errors
    /// [`HttpError::Policy`] when the base URL is not allowed.
    pub fn new(cfg: &JiraConfig, auth: Auth, budget: u32) -> Result<JiraClient, HttpError> {
        Ok(JiraClient {
            http: HttpClient::new(Source::Jira, &cfg.base_url, auth, budget)?,
            deployment: cfg.deployment,
            base_url: cfg.base_url.trim_end_matches('/').to_string(),
        })
    }

    /// The underlying HTTP client (request counts, wait hook).
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// Replaces the HTTP client (to attach a wait hook).
    pub fn with_http(mut self, http: HttpClient) -> JiraClient {
        self.http = http;
        self
    }

    /// Site root, for browse links.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn api(&self) -> &'static str {
        match self.deployment {
            Deployment::Cloud => "/rest/api/3",
            Deployment::Server => "/rest/api/2",
        }
    }

    /// `GET /rest/api/{3,2}/myself`.
    ///
    /// # Errors
    /// Any [`HttpError`].
    pub async fn myself(&self) -> Result<Myself, HttpError> {
        self.http.get_json(&format!("{}/myself", self.api()), &[]).await
    }

    /// `GET /rest/api/{3,2}/field`: the field catalogue.
    ///
    /// # Errors
    /// Any [`HttpError`].
    pub async fn fields(&self) -> Result<Vec<FieldInfo>, HttpError> {
        self.http.get_json(&format!("{}/field", self.api()), &[]).await
    }

    /// Boards of `project` (`GET /rest/agile/1.0/board?projectKeyOrId=`), all pages.
    ///
    /// # Errors
    /// Any [`HttpError`].
    pub async fn boards(&self, project: &str) -> Result<Vec<Board>, HttpError> {
        let values = self
            .agile_all(
                "/rest/agile/1.0/board",
                &[("projectKeyOrId", project.to_string())],
            )
            .await?;
        Ok(values
            .into_iter()
            .filter_map(|v| serde_json::from_value::<Board>(v).ok())
            .filter(|b| {
                b.location
                    .as_ref()
                    .and_then(|l| l.project_key.as_deref())
                    .is_none_or(|k| k.eq_ignore_ascii_case(project))
            })
            .collect())
    }

    /// The story-points field a board estimates with
    /// (`GET /rest/agile/1.0/board/{id}/configuration`, `estimation.field.fieldId`).
    ///
    /// # Errors
    /// Any [`HttpError`].
    pub async fn board_estimation_field(&self, board: u64) -> Result<Option<String>, HttpError> {
        let v: Value = self
            .http
            .get_json(&format!("/rest/agile/1.0/board/{board}/configuration"), &[])
            .await?;
        Ok(v.pointer("/estimation/field/fieldId")
            .and_then(Value::as_str)
            .filter(|id| id.starts_with("customfield_"))
            .map(str::to_string))
    }

    /// Every sprint of a board (`GET /rest/agile/1.0/board/{id}/sprint`), all pages.
    ///
    /// # Errors
    /// Any [`HttpError`].
    pub async fn sprints(&self, board: u64) -> Result<Vec<Value>, HttpError> {
        self.agile_all(&format!("/rest/agile/1.0/board/{board}/sprint"), &[])
            .await
    }

    async fn agile_all(&self, path: &str, query: &[(&str, String)]) -> Result<Vec<Value>, HttpError> {
        let mut out = Vec::new();
        let mut start = 0u64;
        loop {
            let mut q = query.to_vec();
            q.push(("startAt", start.to_string()));
            q.push(("maxResults", "50".to_string()));
            let page: AgilePage = self.http.get_json(path, &q).await?;
            let n = page.values.len() as u64;
            out.extend(page.values);
            let done = page
                .is_last
                .unwrap_or_else(|| page.total.is_none_or(|t| page.start_at + n >= t));
            if done || n == 0 {
                return Ok(out);
            }
            start = page.start_at + n;
        }
    }

    /// One page of `jql` results with `fields` and the changelog expanded.
    ///
    /// # Errors
    /// Any [`HttpError`]; `Decode` when the page lacks `issues`.
    pub async fn search_page(
        &self,
        jql: &str,
        fields: &[String],
        cursor: Option<&PageCursor>,
    ) -> Result<SearchPage, HttpError> {
        let mut q: Vec<(&str, String)> = vec![
            ("jql", jql.to_string()),
            ("fields", fields.join(",")),
            ("expand", "changelog".to_string()),
            ("maxResults", PAGE_SIZE.to_string()),
        ];
        let path = match self.deployment {
            Deployment::Cloud => {
                if let Some(PageCursor::Token(t)) = cursor {
                    q.push(("nextPageToken", t.clone()));
                }
                "/rest/api/3/search/jql"
            }
            Deployment::Server => {
                let start = match cursor {
                    Some(PageCursor::StartAt(s)) => *s,
                    _ => 0,
                };
                q.push(("startAt", start.to_string()));
                "/rest/api/2/search"
            }
        };
        let v: Value = self.http.get_json(path, &q).await?;
        let issues = v
            .get("issues")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| HttpError::Decode {
                provider: Source::Jira,
                endpoint: path.to_string(),
                status: 200,
                message: "the page has no `issues` array".into(),
            })?;
        let next = match self.deployment {
            Deployment::Cloud => {
                let last = v.get("isLast").and_then(Value::as_bool).unwrap_or(true);
                v.get("nextPageToken")
                    .and_then(Value::as_str)
                    .filter(|_| !last)
                    .map(|t| PageCursor::Token(t.to_string()))
            }
            Deployment::Server => {
                let start = v.get("startAt").and_then(Value::as_u64).unwrap_or(0);
                let total = v.get("total").and_then(Value::as_u64).unwrap_or(0);
                let after = start + issues.len() as u64;
                (after < total && !issues.is_empty()).then_some(PageCursor::StartAt(after))
            }
        };
        Ok(SearchPage { issues, next })
    }

    /// The full changelog of an issue (`GET /rest/api/{3,2}/issue/{id}/changelog`),
    /// every page, oldest first. Used when the embedded one is incomplete.
    ///
    /// # Errors
    /// Any [`HttpError`].
    pub async fn changelog(&self, issue_id: &str) -> Result<Vec<Value>, HttpError> {
        let mut out = Vec::new();
        let mut start = 0u64;
        let path = format!("{}/issue/{issue_id}/changelog", self.api());
        loop {
            let q = [("startAt", start.to_string()), ("maxResults", "100".to_string())];
            let page: AgilePage = self.http.get_json(&path, &q).await?;
            let n = page.values.len() as u64;
            out.extend(page.values);
            let done = page
                .is_last
                .unwrap_or_else(|| page.total.is_none_or(|t| page.start_at + n >= t));
            if done || n == 0 {
                return Ok(out);
            }
            start = page.start_at + n;
        }
    }
}

/// Picks the custom field ids from the field catalogue: story points (the
/// `jsw-story-points` type of team-managed projects, else a field named "Story
/// Points"/"Story point estimate"), sprint (`gh-sprint`), flagged ("Flagged").
pub fn field_ids_from_catalogue(fields: &[FieldInfo]) -> FieldIds {
    let custom = |f: &FieldInfo| {
        f.schema
            .as_ref()
            .and_then(|s| s.custom.as_deref())
            .unwrap_or_default()
            .to_string()
    };
    let story_points = fields
        .iter()
        .find(|f| custom(f).ends_with(":jsw-story-points"))
        .or_else(|| {
            fields.iter().find(|f| {
                let n = f.name.to_ascii_lowercase();
                n == "story points" || n == "story point estimate"
            })
        })
        .map(|f| f.id.clone());
    let sprint = fields
        .iter()
        .find(|f| custom(f).ends_with(":gh-sprint"))
        .or_else(|| fields.iter().find(|f| f.name == "Sprint"))
        .map(|f| f.id.clone());
    let flagged = fields.iter().find(|f| f.name == "Flagged").map(|f| f.id.clone());
    FieldIds {
        story_points,
        sprint,
        flagged,
    }
}
