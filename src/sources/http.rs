//! The one HTTP policy every provider client goes through.
//!
//! - https only, TLS 1.2 or newer (rustls); plain `http://` only to loopback
//!   hosts (replay server, tests, local LLM servers), checked per request URL.
//! - Redirects off; connect timeout 10 s, read timeout 30 s.
//! - Retries on 5xx, timeouts and connection resets with exponential backoff
//!   and full jitter (base 500 ms, cap 30 s, at most 4 retries).
//! - 429 and 403-with-`X-RateLimit-Remaining: 0`: waits for `Retry-After`
//!   (seconds) or until `X-RateLimit-Reset` (epoch seconds), reported as a
//!   progress event, capped at 15 minutes; never hammers.
//! - A request budget per client; a user agent naming the product.
//! - Tokens travel only in the `Authorization` header (or, for LLM APIs that
//!   want it, a provider's key header given to [`HttpClient::post_stream`]):
//!   never in URLs, logs or error messages.
//! - [`HttpClient::post_stream`] is the one exception to the retry rules: it
//!   sends once and returns the answer unread, whatever its status, for
//!   streamed (server-sent events) answers whose errors the caller classifies.
//!
//! The backoff and rate-limit arithmetic and the scrubbed error wording live
//! in `policy`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::config::{EndpointError, check_base_url, is_loopback_url};
use crate::model::Source;

mod policy;
use policy::{backoff, describe, error_detail, rate_limit_wait};

/// User agent sent on every request.
pub const USER_AGENT: &str = concat!("async-cockpit/", env!("CARGO_PKG_VERSION"));
const MAX_RETRIES: u32 = 4;
const BACKOFF_BASE_MS: u64 = 500;
const BACKOFF_CAP_MS: u64 = 30_000;
const MAX_RATE_WAIT: Duration = Duration::from_secs(15 * 60);

/// How a client authenticates. Debug output never shows the secret.
#[derive(Clone)]
pub enum Auth {
    /// No credentials.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(Arc<Zeroizing<String>>),
    /// `Authorization: Basic` with user and token (Atlassian API tokens).
    Basic {
        /// Account email.
        user: String,
        /// API token.
        token: Arc<Zeroizing<String>>,
    },
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Auth::None => "Auth::None",
            Auth::Bearer(_) => "Auth::Bearer(..)",
            Auth::Basic { .. } => "Auth::Basic(..)",
        })
    }
}

/// Why a request failed. Every variant names the provider and endpoint; none
/// contains a credential.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The URL breaks the https-only promise or is malformed.
    #[error("{provider}: {source}")]
    Policy {
        /// Provider.
        provider: Source,
        /// Why.
        source: EndpointError,
    },
    /// Could not connect, or the connection broke, after retries.
    #[error("{provider} {endpoint}: network error after {attempts} attempt(s): {message}")]
    Network {
        /// Provider.
        provider: Source,
        /// Path called.
        endpoint: String,
        /// Attempts made.
        attempts: u32,
        /// Cause.
        message: String,
    },
    /// The server answered with an error status.
    #[error("{provider} {endpoint}: HTTP {status}{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Status {
        /// Provider.
        provider: Source,
        /// Path called.
        endpoint: String,
        /// Status code.
        status: u16,
        /// The provider's error message, when it gave one.
        detail: Option<String>,
    },
    /// The body was cut short or not the JSON expected.
    #[error("{provider} {endpoint}: HTTP {status} with a malformed or truncated body: {message}")]
    Decode {
        /// Provider.
        provider: Source,
        /// Path called.
        endpoint: String,
        /// Status code.
        status: u16,
        /// Parser message.
        message: String,
    },
    /// The per-run request budget is spent.
    #[error("{provider}: request budget of {budget} spent; the rest waits for the next sync")]
    Budget {
        /// Provider.
        provider: Source,
        /// Budget.
        budget: u32,
    },
}

/// Called before each wait with (seconds, reason).
pub type WaitHook = Arc<dyn Fn(f64, &str) + Send + Sync>;

/// A provider's HTTP client under the policy.
#[derive(Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    provider: Source,
    base: url::Url,
    auth: Auth,
    budget: u32,
    requests: Arc<AtomicU32>,
    budget_used: Arc<AtomicU32>,
    not_modified: Arc<AtomicU32>,
    on_wait: Option<WaitHook>,
}

/// A request body.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// No body.
    None,
    /// `application/x-www-form-urlencoded`.
    Form(&'a [(&'a str, String)]),
    /// JSON.
    Json(&'a serde_json::Value),
}

/// A successful (2xx) or not-modified (304) answer.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Status code.
    pub status: u16,
    /// Response headers.
    pub headers: reqwest::header::HeaderMap,
    /// Body bytes (empty for 304).
    pub body: bytes::Bytes,
}

impl Fetched {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The answer was `304 Not Modified`.
    pub fn is_not_modified(&self) -> bool {
        self.status == 304
    }

    /// Decodes the body as JSON.
    ///
    /// # Errors
    /// [`HttpError::Decode`] naming `provider` and `endpoint`.
    pub fn json<T: DeserializeOwned>(&self, provider: Source, endpoint: &str) -> Result<T, HttpError> {
        serde_json::from_slice(&self.body).map_err(|e| HttpError::Decode {
            provider,
            endpoint: endpoint.to_string(),
            status: self.status,
            message: e.to_string(),
        })
    }
}

/// An answer read piece by piece (server-sent events), whatever its status:
/// the caller decides what a status means and whether to try again.
#[derive(Debug)]
pub struct Streaming {
    /// Status code.
    pub status: u16,
    /// Response headers.
    pub headers: reqwest::header::HeaderMap,
    response: reqwest::Response,
    provider: Source,
    endpoint: String,
}

impl Streaming {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The next piece of the body; `None` once the body has ended.
    ///
    /// # Errors
    /// [`HttpError::Network`] when the connection breaks mid-body (a stream
    /// cut off).
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>, HttpError> {
        self.response.chunk().await.map_err(|e| HttpError::Network {
            provider: self.provider,
            endpoint: self.endpoint.clone(),
            attempts: 1,
            message: describe(&e.without_url()),
        })
    }
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("provider", &self.provider)
            .field("base", &self.base.as_str())
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

/// Longest wait between two reads of a response body, by default.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);

impl HttpClient {
    /// A client for `provider` rooted at `base_url`, with at most `budget`
    /// requests per run.
    ///
    /// # Errors
    /// [`HttpError::Policy`] when `base_url` is plain http to a non-loopback
    /// host or malformed; [`HttpError::Network`] when the TLS stack cannot start.
    pub fn new(provider: Source, base_url: &str, auth: Auth, budget: u32) -> Result<HttpClient, HttpError> {
        Self::with_read_timeout(provider, base_url, auth, budget, READ_TIMEOUT)
    }

    /// As [`HttpClient::new`], with another longest wait between two reads
    /// of a response body (LLM streams from slow local models need minutes).
    ///
    /// # Errors
    /// As [`HttpClient::new`].
    pub fn with_read_timeout(
        provider: Source,
        base_url: &str,
        auth: Auth,
        budget: u32,
        read_timeout: Duration,
    ) -> Result<HttpClient, HttpError> {
        let base = check_base_url(base_url).map_err(|source| HttpError::Policy { provider, source })?;
        let inner = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .https_only(!is_loopback_url(&base))
            .tls_version_min(reqwest::tls::Version::TLS_1_2)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(read_timeout)
            .build()
            .map_err(|e| HttpError::Network {
                provider,
                endpoint: String::new(),
                attempts: 0,
                message: e.to_string(),
            })?;
        Ok(HttpClient {
            inner,
            provider,
            base,
            auth,
            budget,
            requests: Arc::new(AtomicU32::new(0)),
            budget_used: Arc::new(AtomicU32::new(0)),
            not_modified: Arc::new(AtomicU32::new(0)),
            on_wait: None,
        })
    }

    /// The same client with other credentials (same counters and budget).
    pub fn with_auth(mut self, auth: Auth) -> HttpClient {
        self.auth = auth;
        self
    }

    /// Resolves a URL a provider handed us (a download link, a `next` link):
    /// absolute URLs must pass the https policy; a path beginning with `/` is
    /// taken relative to the base URL's origin.
    ///
    /// # Errors
    /// [`HttpError::Policy`] when the result is not allowed.
    pub fn resolve(&self, link: &str) -> Result<url::Url, HttpError> {
        let joined = self.base.join(link).map_err(|e| HttpError::Policy {
            provider: self.provider,
            source: EndpointError::Malformed {
                url: link.to_string(),
                reason: e.to_string(),
            },
        })?;
        check_base_url(joined.as_str()).map_err(|source| HttpError::Policy {
            provider: self.provider,
            source,
        })
    }

    /// Reports waits (rate limits, backoff) to `hook`.
    pub fn with_wait_hook(mut self, hook: WaitHook) -> HttpClient {
        self.on_wait = Some(hook);
        self
    }

    /// Requests made so far (retries and 304s included).
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Requests answered `304 Not Modified` so far.
    pub fn not_modified(&self) -> u32 {
        self.not_modified.load(Ordering::Relaxed)
    }

    /// Provider.
    pub fn provider(&self) -> Source {
        self.provider
    }

    /// The absolute URL of `path` (joined to the base URL's path).
    ///
    /// # Errors
    /// [`HttpError::Policy`] when the result is not allowed.
    pub fn url(&self, path: &str) -> Result<url::Url, HttpError> {
        let joined = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.base.as_str().trim_end_matches('/'), path)
        };
        check_base_url(&joined).map_err(|source| HttpError::Policy {
            provider: self.provider,
            source,
        })
    }

    /// GET `path` with `query` and decode the JSON body.
    ///
    /// # Errors
    /// Any [`HttpError`]; `Decode` when the body is cut short or not a `T`.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, HttpError> {
        let (status, bytes) = self.get_bytes(path, query).await?;
        serde_json::from_slice(&bytes).map_err(|e| HttpError::Decode {
            provider: self.provider,
            endpoint: path.to_string(),
            status,
            message: e.to_string(),
        })
    }

    /// GET `path` and return (status, body), following the retry policy.
    ///
    /// # Errors
    /// Any [`HttpError`].
    pub async fn get_bytes(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(u16, bytes::Bytes), HttpError> {
        let f = self
            .execute(reqwest::Method::GET, path, query, None, Body::None, None)
            .await?;
        Ok((f.status, f.body))
    }

    /// GET `path`, conditionally when `if_none_match` holds the `ETag` of the
    /// copy we have: an unchanged resource answers `304` (status 304, empty
    /// body), which does not count against the request budget.
    ///
    /// # Errors
    /// Any [`HttpError`].
    pub async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
        if_none_match: Option<&str>,
    ) -> Result<Fetched, HttpError> {
        self.execute(reqwest::Method::GET, path, query, if_none_match, Body::None, None)
            .await
    }

    /// POST to `path` with `body`; `auth` overrides the client's credentials
    /// (OAuth token endpoints authenticate with client credentials).
    ///
    /// # Errors
    /// Any [`HttpError`].
    pub async fn post(
        &self,
        path: &str,
        query: &[(&str, String)],
        body: Body<'_>,
        auth: Option<&Auth>,
    ) -> Result<Fetched, HttpError> {
        self.execute(reqwest::Method::POST, path, query, None, body, auth)
            .await
    }

    /// POST `body` (JSON bytes, sent exactly as given) to `path` once, with
    /// `headers` added (values marked sensitive: API-key headers of LLM
    /// providers), and hand back the answer as it starts, whatever its status.
    /// Nothing is retried: a streamed answer cannot be replayed, and LLM
    /// providers classify their own errors (rate limit, quota, overload).
    /// The https policy, the request budget and the client's credentials
    /// apply as for every request.
    ///
    /// # Errors
    /// [`HttpError::Policy`], [`HttpError::Budget`], or
    /// [`HttpError::Network`] when no answer arrives.
    pub async fn post_stream(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<Streaming, HttpError> {
        let url = self.url(path)?;
        let endpoint = url.path().to_string();
        if self.budget_used.fetch_add(1, Ordering::Relaxed) >= self.budget {
            return Err(HttpError::Budget {
                provider: self.provider,
                budget: self.budget,
            });
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let network = |attempts: u32, message: String| HttpError::Network {
            provider: self.provider,
            endpoint: endpoint.clone(),
            attempts,
            message,
        };
        let mut req = self
            .inner
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        req = match &self.auth {
            Auth::None => req,
            Auth::Bearer(t) => req.bearer_auth(t.as_str()),
            Auth::Basic { user, token } => req.basic_auth(user, Some(token.as_str())),
        };
        for (name, value) in headers {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| network(0, format!("invalid header name {name:?}")))?;
            let mut value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| network(0, format!("invalid value for header {name}")))?;
            value.set_sensitive(true);
            req = req.header(name, value);
        }
        let response = req
            .send()
            .await
            .map_err(|e| network(1, describe(&e.without_url())))?;
        Ok(Streaming {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            response,
            provider: self.provider,
            endpoint: endpoint.clone(),
        })
    }

    async fn execute(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        if_none_match: Option<&str>,
        body: Body<'_>,
        auth: Option<&Auth>,
    ) -> Result<Fetched, HttpError> {
        let url = self.url(path)?;
        let endpoint = url.path().to_string();
        let mut attempt = 0u32;
        let mut last_error: Option<HttpError> = None;
        // A POST may have taken effect before the answer was lost (a posted
        // standup): only GETs are retried after errors; 429s are safe to retry.
        let idempotent = method == reqwest::Method::GET;
        loop {
            attempt += 1;
            if self.budget_used.fetch_add(1, Ordering::Relaxed) >= self.budget {
                // Out of budget while retrying: the failure that made us retry is the news.
                return Err(last_error.unwrap_or(HttpError::Budget {
                    provider: self.provider,
                    budget: self.budget,
                }));
            }
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut req = self.inner.request(method.clone(), url.clone()).query(query);
            req = match auth.unwrap_or(&self.auth) {
                Auth::None => req,
                Auth::Bearer(t) => req.bearer_auth(t.as_str()),
                Auth::Basic { user, token } => req.basic_auth(user, Some(token.as_str())),
            };
            if let Some(tag) = if_none_match {
                req = req.header(reqwest::header::IF_NONE_MATCH, tag);
            }
            req = match body {
                Body::None => req,
                Body::Form(f) => req.form(f),
                Body::Json(j) => req.json(j),
            };
            let outcome = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    match resp.bytes().await {
                        Ok(body) => Ok((status, headers, body)),
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            match outcome {
                Ok((status, headers, body)) if status.is_success() || status == StatusCode::NOT_MODIFIED => {
                    if status == StatusCode::NOT_MODIFIED {
                        // Conditional hits are free, as GitHub does not count them either.
                        self.budget_used.fetch_sub(1, Ordering::Relaxed);
                        self.not_modified.fetch_add(1, Ordering::Relaxed);
                    }
                    return Ok(Fetched {
                        status: status.as_u16(),
                        headers,
                        body,
                    });
                }
                Ok((status, headers, body)) => {
                    if let Some(wait) = rate_limit_wait(status, &headers) {
                        if attempt > MAX_RETRIES + 2 {
                            return Err(self.status_error(&endpoint, status, &body));
                        }
                        self.wait(wait.min(MAX_RATE_WAIT), &format!("rate limited on {endpoint}"))
                            .await;
                        continue;
                    }
                    if status.is_server_error() && attempt <= MAX_RETRIES && idempotent {
                        last_error = Some(self.status_error(&endpoint, status, &body));
                        self.wait(
                            backoff(attempt),
                            &format!("HTTP {} on {endpoint}, retrying", status.as_u16()),
                        )
                        .await;
                        continue;
                    }
                    return Err(self.status_error(&endpoint, status, &body));
                }
                Err(e) => {
                    let e = e.without_url();
                    let retryable = e.is_timeout() || e.is_connect() || e.is_request() || e.is_body();
                    if retryable && attempt <= MAX_RETRIES && idempotent {
                        last_error = Some(HttpError::Network {
                            provider: self.provider,
                            endpoint: endpoint.clone(),
                            attempts: attempt,
                            message: describe(&e),
                        });
                        self.wait(
                            backoff(attempt),
                            &format!("network error on {endpoint}, retrying"),
                        )
                        .await;
                        continue;
                    }
                    return Err(HttpError::Network {
                        provider: self.provider,
                        endpoint,
                        attempts: attempt,
                        message: describe(&e),
                    });
                }
            }
        }
    }

    async fn wait(&self, d: Duration, reason: &str) {
        if let Some(h) = &self.on_wait {
            h(d.as_secs_f64(), reason);
        }
        tracing::info!(provider = %self.provider, seconds = d.as_secs_f64(), reason, "waiting");
        tokio::time::sleep(d).await;
    }

    fn status_error(&self, endpoint: &str, status: StatusCode, body: &[u8]) -> HttpError {
        HttpError::Status {
            provider: self.provider,
            endpoint: endpoint.to_string(),
            status: status.as_u16(),
            detail: error_detail(body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_to_remote_host_is_refused() {
        let r = HttpClient::new(Source::Jira, "http://jira.example.com", Auth::None, 10);
        assert!(matches!(r, Err(HttpError::Policy { .. })), "{r:?}");
        assert!(HttpClient::new(Source::Jira, "http://127.0.0.1:9", Auth::None, 10).is_ok());
        assert!(HttpClient::new(Source::Jira, "https://jira.example.com", Auth::None, 10).is_ok());
    }

    #[test]
    fn an_absolute_url_elsewhere_must_also_pass() {
        let c = HttpClient::new(Source::Github, "http://127.0.0.1:9", Auth::None, 10);
        let c = c.ok();
        assert!(
            c.as_ref()
                .is_some_and(|c| c.url("http://evil.example.com/x").is_err())
        );
        assert!(c.as_ref().is_some_and(|c| c.url("/repos/a/b").is_ok()));
    }

    #[test]
    fn debug_never_shows_tokens() {
        let a = Auth::Bearer(Arc::new(Zeroizing::new("xoxb-secret".into())));
        assert!(!format!("{a:?}").contains("secret"));
        assert_eq!(policy::scrub("bad xoxb-123 token"), "bad [redacted] token");
    }
}
