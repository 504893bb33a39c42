//! Pagination: slicing a whole collection into pages in each provider's real
//! style (see FORMAT.md's table).
//!
//! Owns: reading the page parameters of a request, the opaque page tokens,
//! and writing the page envelope (`nextPageToken`, `Link`, `has_more`, ...).
//! Must not: read files or shift dates; the items arrive already rendered to
//! bytes at start-up so that a page costs a few copies, not a serialisation.

use bytes::Bytes;
use hyper::StatusCode;
use hyper::header::{HeaderName, HeaderValue, LINK};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use url::form_urlencoded;

/// The pagination styles of FORMAT.md, named as in `routes.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Style {
    GithubLink,
    JiraToken,
    JiraStartat,
    SlackCursor,
    ConfluenceStart,
    ConfluenceCursor,
    ZoomToken,
}

impl Style {
    /// The provider's own default page size, used when `page_size` is absent.
    pub(crate) fn default_page_size(self) -> usize {
        match self {
            Style::GithubLink | Style::ZoomToken => 30,
            Style::JiraToken | Style::JiraStartat => 50,
            Style::SlackCursor => 100,
            Style::ConfluenceStart | Style::ConfluenceCursor => 25,
        }
    }

    /// The largest page the provider hands out.
    fn max_page_size(self) -> usize {
        match self {
            Style::GithubLink => 100,
            Style::ZoomToken => 300,
            Style::SlackCursor | Style::ConfluenceStart | Style::ConfluenceCursor => 1000,
            Style::JiraToken | Style::JiraStartat => 5000,
        }
    }

    /// Whether the body is a bare array (GitHub) rather than an envelope.
    pub(crate) fn is_bare_array(self) -> bool {
        self == Style::GithubLink
    }
}

/// A collection loaded once and sliced per request.
#[derive(Debug)]
pub(crate) struct Paged {
    pub(crate) style: Style,
    /// The key of the items array in the envelope (unused for GitHub).
    pub(crate) items_key: String,
    pub(crate) page_size: usize,
    /// The file's top-level object without the items (empty for GitHub).
    pub(crate) envelope: Map<String, Value>,
    /// Each item already serialised.
    pub(crate) items: Vec<Bytes>,
    /// Jira `startAt` pages report `isLast` only when the recording had it.
    pub(crate) had_is_last: bool,
    /// Each item's time for `since` / JQL `updated` (see `query`); empty
    /// when the style has none.
    pub(crate) stamps: Vec<Option<jiff::Timestamp>>,
    /// The zone JQL date literals are read in (the Jira account's).
    pub(crate) tz: jiff::tz::TimeZone,
}

/// What a page request produced: a page body and its extra headers, or an
/// error in the provider's shape (a bad token).
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) body: Bytes,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

/// Where the request came from, for links back to the server.
pub(crate) struct PageRequest<'a> {
    pub(crate) base_url: &'a str,
    pub(crate) path: &'a str,
    pub(crate) params: &'a [(String, String)],
}

impl PageRequest<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str) -> Option<usize> {
        self.param(name).and_then(|v| v.trim().parse().ok())
    }

    /// An opaque token parameter: `Ok(0)` when absent or empty.
    fn token(&self, name: &str) -> Result<usize, ()> {
        match self.param(name) {
            None | Some("") => Ok(0),
            Some(token) => decode_token(token).ok_or(()),
        }
    }

    /// The request's query with `set` replacing (in place) or joining the
    /// other parameters, as the providers' next links do.
    fn query_with(&self, set: &[(&str, String)]) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        let mut done = vec![false; set.len()];
        for (k, v) in self.params {
            match set.iter().position(|(name, _)| name == k) {
                Some(i) if !done[i] => {
                    out.append_pair(k, &set[i].1);
                    done[i] = true;
                }
                Some(_) => {}
                None => {
                    out.append_pair(k, v);
                }
            }
        }
        for (i, (name, value)) in set.iter().enumerate() {
            if !done[i] {
                out.append_pair(name, value);
            }
        }
        out.finish()
    }

    /// Like [`Self::query_with`] but with `set` first, the rest after
    /// (Confluence v2's `?cursor=...&limit=...`).
    fn query_leading(&self, set: &[(&str, String)]) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (name, value) in set {
            out.append_pair(name, value);
        }
        for (k, v) in self.params {
            if !set.iter().any(|(name, _)| name == k) {
                out.append_pair(k, v);
            }
        }
        out.finish()
    }
}

/// Page tokens are opaque to clients; inside they are a hex-encoded offset.
pub(crate) fn encode_token(offset: usize) -> String {
    hex::encode(format!("replay:{offset}"))
}

pub(crate) fn decode_token(token: &str) -> Option<usize> {
    let bytes = hex::decode(token).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    text.strip_prefix("replay:")?.parse().ok()
}

impl Paged {
    /// Renders the page a request asks for.
    pub(crate) fn render(&self, req: &PageRequest<'_>) -> Page {
        let selection = super::query::selection(self.style, req.params, &self.tz);
        let selected: Vec<Bytes>;
        let items: &[Bytes] = if selection.is_none() || self.stamps.len() != self.items.len() {
            &self.items
        } else {
            selected = selection
                .apply(&self.stamps)
                .into_iter()
                .map(|i| self.items[i].clone())
                .collect();
            &selected
        };
        match self.style {
            Style::GithubLink => self.github(req, items),
            Style::JiraToken => self.jira_token(req, items),
            Style::JiraStartat => self.jira_startat(req, items),
            Style::SlackCursor => self.slack(req, items),
            Style::ConfluenceStart => self.confluence_start(req, items),
            Style::ConfluenceCursor => self.confluence_cursor(req, items),
            Style::ZoomToken => self.zoom(req, items),
        }
    }

    fn size(&self, req: &PageRequest<'_>, param: &str) -> usize {
        req.number(param)
            .unwrap_or(self.page_size)
            .clamp(1, self.style.max_page_size())
    }

    /// `(first, end)` indices of the page starting at `start`.
    fn window(items: &[Bytes], start: usize, size: usize) -> (usize, usize) {
        let first = start.min(items.len());
        (first, first.saturating_add(size).min(items.len()))
    }

    fn github(&self, req: &PageRequest<'_>, items: &[Bytes]) -> Page {
        let per_page = self.size(req, "per_page");
        let page = req.number("page").unwrap_or(1).max(1);
        let last = items.len().div_ceil(per_page).max(1);
        let start = (page - 1).saturating_mul(per_page);
        let (first, end) = Self::window(items, start, per_page);
        let body = join_array(&items[first..end]);

        let link_to = |n: usize| {
            let query = req.query_with(&[("page", n.to_string())]);
            format!("{}{}?{query}", req.base_url, req.path)
        };
        let mut rels = Vec::new();
        if page > 1 {
            rels.push((link_to(page - 1), "prev"));
        }
        if page < last {
            rels.push((link_to(page + 1), "next"));
            rels.push((link_to(last), "last"));
        }
        if page > 1 {
            rels.push((link_to(1), "first"));
        }
        let link = rels
            .iter()
            .map(|(url, rel)| format!("<{url}>; rel=\"{rel}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let headers = HeaderValue::from_str(&link)
            .ok()
            .filter(|_| !rels.is_empty())
            .map(|value| vec![(LINK, value)])
            .unwrap_or_default();
        Page {
            status: StatusCode::OK,
            body,
            headers,
        }
    }

    fn jira_token(&self, req: &PageRequest<'_>, items: &[Bytes]) -> Page {
        let Ok(start) = req.token("nextPageToken") else {
            return error_page(
                StatusCode::BAD_REQUEST,
                &json!({ "errorMessages": ["The provided next page token is invalid or expired."], "errors": {} }),
            );
        };
        let size = self.size(req, "maxResults");
        let (first, end) = Self::window(items, start, size);
        let is_last = end >= items.len();
        let mut envelope = self.envelope.clone();
        envelope.remove("total");
        envelope.remove("nextPageToken");
        if !is_last {
            envelope.insert("nextPageToken".into(), encode_token(end).into());
        }
        envelope.insert("isLast".into(), is_last.into());
        self.ok_page(envelope, items, first, end)
    }

    fn jira_startat(&self, req: &PageRequest<'_>, items: &[Bytes]) -> Page {
        let start = req.number("startAt").unwrap_or(0);
        let size = self.size(req, "maxResults");
        let (first, end) = Self::window(items, start, size);
        let mut envelope = self.envelope.clone();
        envelope.insert("startAt".into(), start.into());
        envelope.insert("maxResults".into(), size.into());
        envelope.insert("total".into(), items.len().into());
        if self.had_is_last {
            envelope.insert("isLast".into(), (end >= items.len()).into());
        }
        self.ok_page(envelope, items, first, end)
    }

    fn slack(&self, req: &PageRequest<'_>, items: &[Bytes]) -> Page {
        let Ok(start) = req.token("cursor") else {
            // Slack reports errors with HTTP 200 and `ok: false`.
            return error_page(StatusCode::OK, &json!({ "ok": false, "error": "invalid_cursor" }));
        };
        let size = self.size(req, "limit");
        let (first, end) = Self::window(items, start, size);
        let has_more = end < items.len();
        let mut envelope = self.envelope.clone();
        envelope.insert("has_more".into(), has_more.into());
        let next = if has_more {
            encode_token(end)
        } else {
            String::new()
        };
        let meta = envelope
            .entry("response_metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if !meta.is_object() {
            *meta = Value::Object(Map::new());
        }
        if let Value::Object(meta) = meta {
            meta.insert("next_cursor".into(), next.into());
        }
        self.ok_page(envelope, items, first, end)
    }

    fn confluence_start(&self, req: &PageRequest<'_>, items: &[Bytes]) -> Page {
        let start = req.number("start").unwrap_or(0);
        let size = self.size(req, "limit");
        let (first, end) = Self::window(items, start, size);
        let mut envelope = self.envelope.clone();
        envelope.insert("start".into(), start.into());
        envelope.insert("limit".into(), size.into());
        envelope.insert("size".into(), (end - first).into());
        let next = (end < items.len()).then(|| {
            let query = req.query_with(&[("limit", size.to_string()), ("start", end.to_string())]);
            format!("{}?{query}", req.path)
        });
        set_next_link(&mut envelope, next);
        self.ok_page(envelope, items, first, end)
    }

    fn confluence_cursor(&self, req: &PageRequest<'_>, items: &[Bytes]) -> Page {
        let Ok(start) = req.token("cursor") else {
            return error_page(
                StatusCode::BAD_REQUEST,
                &json!({ "errors": [{ "status": 400, "code": "INVALID_REQUEST_PARAMETER", "title": "Invalid cursor" }] }),
            );
        };
        let size = self.size(req, "limit");
        let (first, end) = Self::window(items, start, size);
        let mut envelope = self.envelope.clone();
        let next = (end < items.len()).then(|| {
            let query = req.query_leading(&[("cursor", encode_token(end)), ("limit", size.to_string())]);
            format!("{}?{query}", req.path)
        });
        set_next_link(&mut envelope, next);
        self.ok_page(envelope, items, first, end)
    }

    fn zoom(&self, req: &PageRequest<'_>, items: &[Bytes]) -> Page {
        let Ok(start) = req.token("next_page_token") else {
            return error_page(
                StatusCode::BAD_REQUEST,
                &json!({ "code": 300, "message": "The next page token is invalid or expired." }),
            );
        };
        let size = self.size(req, "page_size");
        let (first, end) = Self::window(items, start, size);
        let mut envelope = self.envelope.clone();
        envelope.insert("page_size".into(), size.into());
        envelope.insert("total_records".into(), items.len().into());
        let next = if end < items.len() {
            encode_token(end)
        } else {
            String::new()
        };
        envelope.insert("next_page_token".into(), next.into());
        self.ok_page(envelope, items, first, end)
    }

    /// Writes `envelope` with the items `first..end` spliced in under the
    /// items key, without re-serialising the items.
    fn ok_page(&self, mut envelope: Map<String, Value>, items: &[Bytes], first: usize, end: usize) -> Page {
        envelope.insert(self.items_key.clone(), Value::Null);
        let items = &items[first..end];
        let mut out = Vec::with_capacity(256 + items.iter().map(|i| i.len() + 1).sum::<usize>());
        out.push(b'{');
        for (i, (key, value)) in envelope.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            if serde_json::to_writer(&mut out, key).is_err() {
                return internal_error();
            }
            out.push(b':');
            if *key == self.items_key {
                out.extend_from_slice(&join_array(items));
            } else if serde_json::to_writer(&mut out, value).is_err() {
                return internal_error();
            }
        }
        out.push(b'}');
        Page {
            status: StatusCode::OK,
            body: Bytes::from(out),
            headers: Vec::new(),
        }
    }
}

/// Confluence keeps its links under `_links`; the next link is replaced,
/// the others (`base`, `context`, `self`) are kept as recorded.
fn set_next_link(envelope: &mut Map<String, Value>, next: Option<String>) {
    let links = envelope
        .entry("_links")
        .or_insert_with(|| Value::Object(Map::new()));
    if !links.is_object() {
        *links = Value::Object(Map::new());
    }
    if let Value::Object(links) = links {
        links.remove("next");
        if let Some(next) = next {
            links.insert("next".into(), next.into());
        }
    }
}

fn join_array(items: &[Bytes]) -> Bytes {
    let mut out = Vec::with_capacity(2 + items.iter().map(|i| i.len() + 1).sum::<usize>());
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.push(b']');
    Bytes::from(out)
}

fn error_page(status: StatusCode, body: &Value) -> Page {
    Page {
        status,
        body: Bytes::from(body.to_string()),
        headers: Vec::new(),
    }
}

fn internal_error() -> Page {
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        &json!({ "message": "replay server could not render the page" }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paged(style: Style, n: usize, page_size: usize) -> Paged {
        Paged {
            style,
            items_key: "values".into(),
            page_size,
            envelope: Map::new(),
            items: (0..n).map(|i| Bytes::from(i.to_string())).collect(),
            had_is_last: true,
            stamps: Vec::new(),
            tz: jiff::tz::TimeZone::UTC,
        }
    }

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn body(page: &Page) -> Value {
        serde_json::from_slice(&page.body).unwrap_or_else(|e| panic!("page is not JSON: {e}"))
    }

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        assert_eq!(decode_token(&encode_token(137)), Some(137));
        assert_eq!(decode_token("zz"), None);
        assert_eq!(decode_token(&hex::encode("other:1")), None);
    }

    #[test]
    fn jira_startat_reports_total_and_is_last() {
        let p = paged(Style::JiraStartat, 5, 2);
        let q = params(&[("startAt", "4")]);
        let req = PageRequest {
            base_url: "http://x",
            path: "/p",
            params: &q,
        };
        let page = body(&p.render(&req));
        assert_eq!(page["values"], json!([4]));
        assert_eq!(page["total"], json!(5));
        assert_eq!(page["isLast"], json!(true));
        assert_eq!(page["maxResults"], json!(2));
    }

    #[test]
    fn zero_or_huge_sizes_are_clamped() {
        let p = paged(Style::GithubLink, 250, 30);
        let q = params(&[("per_page", "0")]);
        let req = PageRequest {
            base_url: "http://x",
            path: "/p",
            params: &q,
        };
        assert_eq!(body(&p.render(&req)).as_array().map(Vec::len), Some(1));
        let q = params(&[("per_page", "1000")]);
        let req = PageRequest {
            base_url: "http://x",
            path: "/p",
            params: &q,
        };
        assert_eq!(body(&p.render(&req)).as_array().map(Vec::len), Some(100));
    }

    #[test]
    fn past_the_end_is_an_empty_last_page() {
        let p = paged(Style::ConfluenceStart, 3, 2);
        let q = params(&[("start", "10")]);
        let req = PageRequest {
            base_url: "http://x",
            path: "/p",
            params: &q,
        };
        let page = body(&p.render(&req));
        assert_eq!(page["values"], json!([]));
        assert_eq!(page["size"], json!(0));
        assert_eq!(page["_links"].get("next"), None);
    }

    #[test]
    fn query_with_replaces_in_place_and_appends() {
        let q = params(&[("state", "all"), ("page", "1"), ("q", "a b")]);
        let req = PageRequest {
            base_url: "",
            path: "/p",
            params: &q,
        };
        assert_eq!(req.query_with(&[("page", "2".into())]), "state=all&page=2&q=a+b");
        assert_eq!(
            req.query_leading(&[("cursor", "c".into()), ("limit", "5".into())]),
            "cursor=c&limit=5&state=all&page=1&q=a+b"
        );
    }
}
