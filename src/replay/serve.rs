//! Answering one request: fault, route, page, ETag, record.
//!
//! Owns: the request → response step and the request log. Must not: read
//! files (everything is loaded before the first request) or block: the only
//! wait is an injected [`Fault::Delay`].

use std::sync::Mutex;

use bytes::Bytes;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, IF_NONE_MATCH, RETRY_AFTER};
use hyper::{Request, Response, StatusCode};
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use url::form_urlencoded;

use super::faults::{self, Fault, FaultQueue, MALFORMED_BODY, ReplyBody};
use super::pages::PageRequest;
use super::routes::{self, Payload, Route};

/// One request the server answered, for tests that count calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string, `""` when there was none.
    pub query: String,
    /// The status sent (`200` for a truncated body).
    pub status: u16,
    /// When the request arrived.
    pub at: Timestamp,
    /// Whether an injected fault shaped the answer.
    pub faulted: bool,
}

/// Everything the connections share.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) base_url: String,
    pub(crate) routes: Vec<Route>,
    /// The routes by method and path.
    pub(crate) index: routes::RouteIndex,
    /// Pre-computed ETags of whole payloads, by route index.
    pub(crate) etags: Vec<Option<HeaderValue>>,
    pub(crate) faults: FaultQueue,
    pub(crate) records: Mutex<Vec<RequestRecord>>,
}

/// A response before it becomes a hyper one.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn json(status: StatusCode, body: String) -> Reply {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        Reply {
            status,
            headers,
            body: Bytes::from(body),
        }
    }
}

impl State {
    pub(crate) fn new(base_url: String, routes: Vec<Route>) -> State {
        let etags = routes
            .iter()
            .map(|route| match &route.payload {
                Payload::Whole(body) => Some(etag(body)),
                Payload::Paged(_) => None,
            })
            .collect();
        State {
            base_url,
            index: routes::RouteIndex::new(&routes),
            routes,
            etags,
            faults: FaultQueue::default(),
            records: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn records(&self) -> std::sync::MutexGuard<'_, Vec<RequestRecord>> {
        // Records are whole values pushed under the lock; a poisoned lock
        // still holds a consistent list.
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Answers one request. Never fails: every problem is an HTTP answer.
    pub(crate) async fn handle<B>(&self, req: Request<B>) -> Response<ReplyBody> {
        let at = Timestamp::now();
        let method = req.method().as_str().to_owned();
        let path = req.uri().path().to_owned();
        let query = req.uri().query().unwrap_or("").to_owned();
        let if_none_match = req
            .headers()
            .get(IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        drop(req);

        let target = if query.is_empty() {
            path.clone()
        } else {
            format!("{path}?{query}")
        };
        let fault = self.faults.take(&target);
        let faulted = fault.is_some();
        tracing::trace!(%method, %path, faulted, "replay request");

        let mut truncate = false;
        let reply = match fault {
            Some(Fault::Status {
                code,
                retry_after,
                body,
            }) => status_fault(code, retry_after, body),
            Some(Fault::Malformed) => with_etag(Reply::json(StatusCode::OK, MALFORMED_BODY.to_owned()), None),
            Some(Fault::Delay(wait)) => {
                tokio::time::sleep(wait).await;
                self.answer(&method, &path, &query, if_none_match.as_deref())
            }
            Some(Fault::Truncate) => {
                truncate = true;
                self.answer(&method, &path, &query, if_none_match.as_deref())
            }
            None => self.answer(&method, &path, &query, if_none_match.as_deref()),
        };

        self.records().push(RequestRecord {
            method,
            path,
            query,
            status: reply.status.as_u16(),
            at,
            faulted,
        });

        let Reply {
            status,
            mut headers,
            body,
        } = reply;
        let body = if truncate && !body.is_empty() {
            // Promise the whole length, deliver half.
            headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
            faults::truncated(body)
        } else {
            faults::full(body)
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        response
    }

    /// The normal answer: route, page, ETag and `If-None-Match`.
    fn answer(&self, method: &str, path: &str, query: &str, if_none_match: Option<&str>) -> Reply {
        let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let Some(index) = self.index.find(&self.routes, method, path, &params) else {
            return not_found(method, path);
        };
        let route = &self.routes[index];
        let mut headers = HeaderMap::new();
        for (name, value) in &route.headers {
            headers.append(name.clone(), value.clone());
        }
        let (status, body, known_etag) = match &route.payload {
            Payload::Whole(body) => (
                route.status,
                body.clone(),
                self.etags.get(index).cloned().flatten(),
            ),
            Payload::Paged(paged) => {
                let page = paged.render(&PageRequest {
                    base_url: &self.base_url,
                    path,
                    params: &params,
                });
                for (name, value) in page.headers {
                    headers.append(name, value);
                }
                // A page error (bad token) wins over the route's status.
                let status = if page.status == StatusCode::OK {
                    route.status
                } else {
                    page.status
                };
                (status, page.body, None)
            }
        };
        let reply = with_etag(
            Reply {
                status,
                headers,
                body,
            },
            known_etag,
        );
        not_modified_if_matching(reply, if_none_match)
    }
}

/// Adds an `ETag` to a `200` reply (computed unless already known).
fn with_etag(mut reply: Reply, known: Option<HeaderValue>) -> Reply {
    if reply.status == StatusCode::OK {
        let tag = known.unwrap_or_else(|| etag(&reply.body));
        reply.headers.insert(ETAG, tag);
    }
    reply
}

/// `304 Not Modified` with no body when `If-None-Match` names the ETag.
fn not_modified_if_matching(mut reply: Reply, if_none_match: Option<&str>) -> Reply {
    let (Some(wanted), Some(tag)) = (if_none_match, reply.headers.get(ETAG)) else {
        return reply;
    };
    let tag = tag.to_str().unwrap_or_default();
    let matches = wanted
        .split(',')
        .map(|t| t.trim())
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag);
    if matches {
        reply.status = StatusCode::NOT_MODIFIED;
        reply.body = Bytes::new();
        reply.headers.remove(CONTENT_TYPE);
    }
    reply
}

/// A strong ETag: the quoted start of the SHA-256 of the bytes.
pub(crate) fn etag(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    let tag = format!("\"{}\"", hex::encode(&digest[..16]));
    HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

fn not_found(method: &str, path: &str) -> Reply {
    let body = serde_json::json!({
        "message": "Not Found",
        "path": path,
        "replay": format!("no route in routes.json answers {method} {path}"),
    });
    Reply::json(StatusCode::NOT_FOUND, body.to_string())
}

fn status_fault(code: u16, retry_after: Option<u64>, body: Option<String>) -> Reply {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut reply = Reply::json(
        status,
        body.unwrap_or_else(|| faults::status_body(status.as_u16())),
    );
    if let Some(secs) = retry_after {
        reply.headers.insert(RETRY_AFTER, HeaderValue::from(secs));
    }
    with_etag(reply, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply_with_tag() -> Reply {
        with_etag(Reply::json(StatusCode::OK, "{}".into()), None)
    }

    fn tag_of(reply: &Reply) -> String {
        reply
            .headers
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    #[test]
    fn etag_is_quoted_and_depends_on_the_bytes() {
        let a = etag(b"one");
        assert_eq!(a, etag(b"one"));
        assert_ne!(a, etag(b"two"));
        let text = a.to_str().unwrap_or_default();
        assert!(
            text.starts_with('"') && text.ends_with('"') && text.len() == 34,
            "{text}"
        );
    }

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_star() {
        let tag = tag_of(&reply_with_tag());
        for header in [
            tag.clone(),
            format!("W/{tag}"),
            format!("\"x\", {tag}"),
            "*".to_owned(),
        ] {
            let reply = not_modified_if_matching(reply_with_tag(), Some(&header));
            assert_eq!(reply.status, StatusCode::NOT_MODIFIED, "{header}");
            assert!(reply.body.is_empty());
        }
        let reply = not_modified_if_matching(reply_with_tag(), Some("\"other\""));
        assert_eq!(reply.status, StatusCode::OK);
    }

    #[test]
    fn only_200_gets_an_etag() {
        let reply = with_etag(Reply::json(StatusCode::NOT_FOUND, "{}".into()), None);
        assert!(reply.headers.get(ETAG).is_none());
    }
}
