//! Slack Web API client: users, channels, history, thread replies, and
//! `chat.postMessage` for posting standups later.
//!
//! Scopes: `channels:read`, `channels:history`, `channels:join`,
//! `groups:read`, `groups:history`, `users:read`, `users:read.email`,
//! `chat:write`, `team:read`. Read methods are called with GET and query
//! parameters, `chat.postMessage` with a JSON body; the token travels only in
//! the `Authorization` header (through the one HTTP policy, which also
//! honours 429 + `Retry-After`).
//!
//! Slack answers most failures with HTTP 200 and `{"ok": false, "error":
//! "..."}`: those become [`SlackError::Api`] naming the method and the error.
//! Must not: write to the store or decide what to sync (that is `sync::slack`).

pub mod map;

use serde_json::{Value, json};

use crate::config::SlackConfig;
use crate::model::Source;
use crate::sources::http::{Auth, Body, Fetched, HttpClient, HttpError};

/// Items asked per page (Slack recommends at most 200).
pub const PAGE_LIMIT: u32 = 200;

/// Why a Slack call failed.
#[derive(Debug, thiserror::Error)]
pub enum SlackError {
    /// Transport, status, budget or a body that is not JSON.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// Slack said `ok: false`.
    #[error("slack {method}: {error}{}", needed.as_deref().map(|n| format!(" (needs scope {n:?})")).unwrap_or_default())]
    Api {
        /// Web API method (`conversations.history`).
        method: String,
        /// Slack's error code (`channel_not_found`, `not_in_channel`, ...).
        error: String,
        /// The missing scope, for `missing_scope`.
        needed: Option<String>,
    },
}

impl SlackError {
    /// Slack's error code, when Slack gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            SlackError::Api { error, .. } => Some(error),
            SlackError::Http(_) => None,
        }
    }
}

/// Where the next page of a listing starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageNext {
    /// `response_metadata.next_cursor`.
    Cursor(String),
    /// Older history answers say `has_more` without a cursor: the next page
    /// is the one `latest` = the oldest `ts` seen.
    Before(String),
}

/// One page of a listing.
#[derive(Debug, Clone)]
pub struct SlackPage {
    /// Raw items (`members`, `channels`, `messages`).
    pub items: Vec<Value>,
    /// The next page; `None` on the last.
    pub next: Option<PageNext>,
    /// Slack's `has_more` flag (history and replies).
    pub has_more: bool,
}

/// A conversation as `conversations.list` / `conversations.info` give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// `C...` or `G...`.
    pub id: String,
    /// Name without `#`.
    pub name: Option<String>,
    /// Private channel.
    pub is_private: bool,
    /// Archived.
    pub is_archived: bool,
    /// The token's user (the bot) is a member; history needs it.
    pub is_member: bool,
}

impl Channel {
    fn from_value(v: &Value) -> Option<Channel> {
        let flag = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        Some(Channel {
            id: v.get("id")?.as_str()?.to_string(),
            name: v.get("name").and_then(Value::as_str).map(str::to_string),
            is_private: flag("is_private") || flag("is_group"),
            is_archived: flag("is_archived"),
            is_member: flag("is_member"),
        })
    }
}

/// The Slack client of one workspace.
#[derive(Debug, Clone)]
pub struct SlackClient {
    http: HttpClient,
}

impl SlackClient {
    /// A client for the configured workspace (`base_url` like
    /// `https://slack.com/api`).
    ///
    /// # Errors
    /// [`HttpError::Policy`] when the base URL is not allowed.
    pub fn new(cfg: &SlackConfig, auth: Auth, budget: u32) -> Result<SlackClient, HttpError> {
        Ok(SlackClient {
            http: HttpClient::new(Source::Slack, &cfg.base_url, auth, budget)?,
        })
    }

    /// The underlying HTTP client (request counts, wait hook).
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// Replaces the HTTP client (to attach a wait hook).
    pub fn with_http(mut self, http: HttpClient) -> SlackClient {
        self.http = http;
        self
    }

    /// GET `method` with `query`; `ok: false` becomes [`SlackError::Api`].
    async fn call(&self, method: &str, query: &[(&str, String)]) -> Result<Value, SlackError> {
        let fetched = self.http.get(&format!("/{method}"), query, None).await?;
        self.check(method, &fetched)
    }

    /// The URL path of `method` (`/api/users.list`), as errors name it.
    fn endpoint(&self, method: &str) -> String {
        self.http
            .url(&format!("/{method}"))
            .map(|u| u.path().to_string())
            .unwrap_or_else(|_| format!("/{method}"))
    }

    fn check(&self, method: &str, f: &Fetched) -> Result<Value, SlackError> {
        let endpoint = self.endpoint(method);
        let v: Value = f.json(Source::Slack, &endpoint)?;
        if !v.is_object() {
            return Err(decode(&endpoint, f.status, "the answer is not a JSON object").into());
        }
        if v.get("ok").and_then(Value::as_bool) == Some(true) {
            return Ok(v);
        }
        Err(SlackError::Api {
            method: method.to_string(),
            error: v
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("unknown_error")
                .to_string(),
            needed: v.get("needed").and_then(Value::as_str).map(str::to_string),
        })
    }

    /// One page of a cursor listing: `items` under `key`.
    async fn page(
        &self,
        method: &str,
        key: &str,
        mut query: Vec<(&str, String)>,
        cursor: Option<&str>,
    ) -> Result<SlackPage, SlackError> {
        if let Some(c) = cursor.filter(|c| !c.is_empty()) {
            query.push(("cursor", c.to_string()));
        }
        let v = self.call(method, &query).await?;
        let items = v.get(key).and_then(Value::as_array).cloned().ok_or_else(|| {
            SlackError::Http(decode(
                &self.endpoint(method),
                200,
                &format!("the answer has no `{key}` array"),
            ))
        })?;
        let next = next_cursor(&v).map(PageNext::Cursor);
        let has_more = v.get("has_more").and_then(Value::as_bool).unwrap_or(false);
        Ok(SlackPage {
            items,
            next,
            has_more,
        })
    }

    /// `users.list`, one page (members with email, real name, bot flag).
    ///
    /// # Errors
    /// Any [`SlackError`].
    pub async fn users_page(&self, cursor: Option<&str>) -> Result<SlackPage, SlackError> {
        self.page(
            "users.list",
            "members",
            vec![("limit", PAGE_LIMIT.to_string())],
            cursor,
        )
        .await
    }

    /// `users.info` for one user.
    ///
    /// # Errors
    /// Any [`SlackError`] (`user_not_found` for users the token cannot see).
    pub async fn user_info(&self, user: &str) -> Result<Value, SlackError> {
        let v = self.call("users.info", &[("user", user.to_string())]).await?;
        v.get("user")
            .cloned()
            .ok_or_else(|| decode(&self.endpoint("users.info"), 200, "the answer has no `user`").into())
    }

    /// `conversations.list` (public and private channels), one page.
    ///
    /// # Errors
    /// Any [`SlackError`].
    pub async fn channels_page(&self, cursor: Option<&str>) -> Result<SlackPage, SlackError> {
        let q = vec![
            ("types", "public_channel,private_channel".to_string()),
            ("exclude_archived", "true".to_string()),
            ("limit", PAGE_LIMIT.to_string()),
        ];
        self.page("conversations.list", "channels", q, cursor).await
    }

    /// Every channel the token can list, all pages.
    ///
    /// # Errors
    /// Any [`SlackError`].
    pub async fn channels(&self) -> Result<Vec<Channel>, SlackError> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self.channels_page(cursor.as_deref()).await?;
            out.extend(page.items.iter().filter_map(Channel::from_value));
            match page.next {
                Some(PageNext::Cursor(c)) => cursor = Some(c),
                _ => return Ok(out),
            }
        }
    }

    /// `conversations.info` for one channel.
    ///
    /// # Errors
    /// Any [`SlackError`] (`channel_not_found`, ...).
    pub async fn channel_info(&self, channel: &str) -> Result<Channel, SlackError> {
        let v = self
            .call("conversations.info", &[("channel", channel.to_string())])
            .await?;
        v.get("channel").and_then(Channel::from_value).ok_or_else(|| {
            decode(
                &self.endpoint("conversations.info"),
                200,
                "the answer has no `channel` with an id",
            )
            .into()
        })
    }

    /// `conversations.members`: every member id of `channel`, all pages.
    ///
    /// # Errors
    /// Any [`SlackError`].
    pub async fn members(&self, channel: &str) -> Result<Vec<String>, SlackError> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let q = vec![
                ("channel", channel.to_string()),
                ("limit", PAGE_LIMIT.to_string()),
            ];
            let page = self
                .page("conversations.members", "members", q, cursor.as_deref())
                .await?;
            out.extend(page.items.iter().filter_map(|m| m.as_str().map(str::to_string)));
            match page.next {
                Some(PageNext::Cursor(c)) => cursor = Some(c),
                _ => return Ok(out),
            }
        }
    }

    /// `conversations.history` of `channel`, one page, newest first. With
    /// `oldest`, only messages after it (Slack's `oldest` is exclusive).
    ///
    /// # Errors
    /// Any [`SlackError`] (`not_in_channel`, `channel_not_found`, ...).
    pub async fn history_page(
        &self,
        channel: &str,
        oldest: Option<&str>,
        next: Option<&PageNext>,
    ) -> Result<SlackPage, SlackError> {
        let mut q = vec![
            ("channel", channel.to_string()),
            ("limit", PAGE_LIMIT.to_string()),
        ];
        if let Some(o) = oldest {
            q.push(("oldest", o.to_string()));
        }
        let cursor = match next {
            Some(PageNext::Cursor(c)) => Some(c.as_str()),
            Some(PageNext::Before(latest)) => {
                q.push(("latest", latest.clone()));
                None
            }
            None => None,
        };
        let mut page = self.page("conversations.history", "messages", q, cursor).await?;
        if page.next.is_none() && page.has_more {
            page.next = page
                .items
                .iter()
                .filter_map(|m| m.get("ts").and_then(Value::as_str))
                .min_by(|a, b| map::ts_cmp(a, b))
                .map(|ts| PageNext::Before(ts.to_string()));
        }
        Ok(page)
    }

    /// `conversations.replies`: the replies of the thread `thread_ts`, all
    /// pages, oldest first, without the parent (history already has it).
    ///
    /// # Errors
    /// Any [`SlackError`] (`thread_not_found`, ...).
    pub async fn replies(&self, channel: &str, thread_ts: &str) -> Result<Vec<Value>, SlackError> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let q = vec![
                ("channel", channel.to_string()),
                ("ts", thread_ts.to_string()),
                ("limit", PAGE_LIMIT.to_string()),
            ];
            let page = self
                .page("conversations.replies", "messages", q, cursor.as_deref())
                .await?;
            out.extend(
                page.items
                    .into_iter()
                    .filter(|m| m.get("ts").and_then(Value::as_str) != Some(thread_ts)),
            );
            match page.next {
                Some(PageNext::Cursor(c)) => cursor = Some(c),
                _ => return Ok(out),
            }
        }
    }

    /// `conversations.join`: the bot joins a public channel (scope
    /// `channels:join`), after which its history can be read. The sync never
    /// calls this on its own: joining is visible to the channel.
    ///
    /// # Errors
    /// [`SlackError::Api`] (`method_not_supported_for_channel_type` for
    /// private channels, `is_archived`, ...) or any [`HttpError`].
    pub async fn join_channel(&self, channel: &str) -> Result<Channel, SlackError> {
        let body = json!({ "channel": channel });
        let fetched = self
            .http
            .post("/conversations.join", &[], Body::Json(&body), None)
            .await?;
        let v = self.check("conversations.join", &fetched)?;
        v.get("channel").and_then(Channel::from_value).ok_or_else(|| {
            decode(
                &self.endpoint("conversations.join"),
                200,
                "the answer has no `channel` with an id",
            )
            .into()
        })
    }

    /// `chat.postMessage` to `channel` with `text` (the notification
    /// fallback) and optional Block Kit `blocks`; returns the posted `ts`.
    ///
    /// # Errors
    /// [`SlackError::Api`] (`not_in_channel`, `channel_not_found`,
    /// `missing_scope`, ...) or any [`HttpError`].
    pub async fn post_message(
        &self,
        channel: &str,
        text: &str,
        blocks: Option<&Value>,
    ) -> Result<String, SlackError> {
        let mut body = json!({ "channel": channel, "text": text });
        if let Some(b) = blocks {
            body["blocks"] = b.clone();
        }
        let fetched = self
            .http
            .post("/chat.postMessage", &[], Body::Json(&body), None)
            .await?;
        let v = self.check("chat.postMessage", &fetched)?;
        v.get("ts")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| decode(&self.endpoint("chat.postMessage"), 200, "the answer has no `ts`").into())
    }
}

fn next_cursor(v: &Value) -> Option<String> {
    v.pointer("/response_metadata/next_cursor")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
}

fn decode(endpoint: &str, status: u16, message: &str) -> HttpError {
    HttpError::Decode {
        provider: Source::Slack,
        endpoint: endpoint.to_string(),
        status,
        message: message.to_string(),
    }
}
