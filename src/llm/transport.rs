//! The network providers: one [`HttpProvider`] per wire format, over the one
//! HTTP policy ([`HttpClient::post_stream`]), with error classes acted on:
//!
//! | class | seen as | action |
//! | --- | --- | --- |
//! | rate limit | 429, `rate_limit_error`, Gemini `RetryInfo` | wait `Retry-After` / `retry-after-ms` / `retryDelay` (at most [`RetryPolicy::rate_limit_waits`] times, each at most [`RetryPolicy::max_wait`]) |
//! | quota | OpenAI `insufficient_quota`, 402 / `billing_error`, "credit balance", Gemini per-day quota | stop, say so |
//! | overloaded | 529, 500/502/503/504, `overloaded_error`, `UNAVAILABLE` | retry with exponential backoff and jitter |
//! | context too long | 413, `context_length_exceeded`, "prompt is too long", llama.cpp `exceed_context_size_error`, Gemini "input token count … exceeds" | returned; the [`super::Drafter`] shrinks the prompt and retries once |
//! | auth | 401, 403, `authentication_error`, "API key not valid" | stop, name the key's source |
//!
//! A 2xx answer is accepted only with the provider's normal stop reason and
//! some text; a stream must also reach its end marker (see
//! [`Wire::stop_without_marker_is_complete`]).
//!
//! [`HttpClient::post_stream`]: crate::sources::http::HttpClient::post_stream

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt};
use rand::Rng;
use serde_json::Value;
use zeroize::Zeroizing;

use super::sse::Parser;
use super::wire::{ANTHROPIC_VERSION, StreamState, Wire};
use super::{
    Answer, ApiKey, Delta, LlmError, Provider, Request, StopReason, Usage, default_base_url, key_env,
    provider_name, redact,
};
use crate::config::{LlmConfig, LlmProviderKind};
use crate::model::Source;
use crate::sources::http::{Auth, HttpClient, HttpError, Streaming};

/// `HttpClient` names its provider with a record [`Source`]; LLM traffic has
/// none of its own, and every `HttpError` is mapped to an [`LlmError`] naming
/// the LLM provider, so this label never reaches a message.
const HTTP_LABEL: Source = Source::Github;
/// Requests one provider object may make (retries included).
const REQUEST_BUDGET: u32 = 200;
/// The most of an error body read for classification.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// How persistent a provider is before giving up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Rate-limited answers waited out before giving up.
    pub rate_limit_waits: u32,
    /// Longest single wait; a provider asking for more is reported instead.
    pub max_wait: Duration,
    /// Retries after an overloaded answer.
    pub overload_retries: u32,
    /// First backoff step (doubles per retry, with jitter).
    pub backoff_base: Duration,
    /// Backoff ceiling.
    pub backoff_cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            rate_limit_waits: 3,
            max_wait: Duration::from_secs(120),
            overload_retries: 3,
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .backoff_base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.backoff_cap);
        let ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(ms / 2..=ms.max(1)))
    }
}

/// A network provider: a wire format over the HTTP policy.
pub(crate) struct HttpProvider {
    kind: LlmProviderKind,
    wire: Wire,
    model: String,
    http: HttpClient,
    key_headers: Vec<(&'static str, Zeroizing<String>)>,
    key_source: String,
    timeout: Duration,
    retry: RetryPolicy,
}

impl std::fmt::Debug for HttpProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpProvider")
            .field("kind", &self.kind)
            .field("model", &self.model)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

fn valid_model(m: &str) -> bool {
    !m.is_empty()
        && m
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':' | '/'))
}

impl HttpProvider {
    /// Builds the provider the configuration names.
    pub fn from_config(cfg: &LlmConfig, key: Option<ApiKey>) -> Result<HttpProvider, LlmError> {
        let name = provider_name(cfg.provider);
        let wire = match cfg.provider {
            LlmProviderKind::Anthropic => Wire::Anthropic,
            LlmProviderKind::Openai => Wire::OpenAi { local: false },
            LlmProviderKind::Local => Wire::OpenAi { local: true },
            LlmProviderKind::Gemini => Wire::Gemini,
            LlmProviderKind::Offline => {
                return Err(LlmError::Config("the offline drafter has no HTTP client".into()));
            }
        };
        let base = match cfg.base_url.trim() {
            "" => default_base_url(cfg.provider).ok_or_else(|| {
                LlmError::Config(
                    "llm.provider = \"local\" needs llm.base_url, e.g. \"http://127.0.0.1:11434/v1\" (Ollama) \
                     or \"http://127.0.0.1:8080/v1\" (llama.cpp)"
                        .into(),
                )
            })?,
            b => b,
        };
        let model = cfg.model.trim().trim_start_matches("models/").to_string();
        if model.is_empty() {
            return Err(LlmError::Config(format!(
                "llm.model is empty: name the {name} model to use"
            )));
        }
        if !valid_model(&model) {
            return Err(LlmError::Config(format!(
                "llm.model {model:?}: a model name is letters, digits and . _ - : /"
            )));
        }
        let env = key_env(cfg);
        let (auth, key_headers, key_source) = match (wire, key) {
            (Wire::OpenAi { local: true }, None) => (Auth::None, Vec::new(), "no key".to_string()),
            (_, None) => {
                return Err(LlmError::Config(format!(
                    "no API key for {name}: set {} or run `async-cockpit auth set llm` (reads stdin)",
                    if env.is_empty() { "llm.api_key_env" } else { env }
                )));
            }
            (Wire::OpenAi { .. }, Some(k)) => (Auth::Bearer(k.secret), Vec::new(), k.source),
            (Wire::Anthropic, Some(k)) => (
                Auth::None,
                vec![
                    ("x-api-key", Zeroizing::new(k.secret.as_str().to_string())),
                    ("anthropic-version", Zeroizing::new(ANTHROPIC_VERSION.to_string())),
                ],
                k.source,
            ),
            (Wire::Gemini, Some(k)) => (
                Auth::None,
                vec![("x-goog-api-key", Zeroizing::new(k.secret.as_str().to_string()))],
                k.source,
            ),
        };
        let http = HttpClient::new(HTTP_LABEL, base, auth, REQUEST_BUDGET)
            .map_err(|e| LlmError::Config(format!("llm.base_url {base:?}: {}", policy_reason(&e))))?;
        Ok(HttpProvider {
            kind: cfg.provider,
            wire,
            model,
            http,
            key_headers,
            key_source,
            timeout: Duration::from_secs(cfg.timeout_secs.max(1)),
            retry: RetryPolicy::default(),
        })
    }

    /// The same provider with another retry policy (tests use short waits).
    pub fn with_retry(mut self, retry: RetryPolicy) -> HttpProvider {
        self.retry = retry;
        self
    }

    fn name(&self) -> &'static str {
        provider_name(self.kind)
    }

    fn map_http(&self, e: HttpError) -> LlmError {
        let endpoint = self.wire.path(&self.model, false);
        LlmError::Network {
            provider: self.name(),
            endpoint,
            detail: policy_reason(&e),
        }
    }

    /// The final check of the bytes about to leave.
    fn gate(&self, body: &[u8]) -> Result<(), LlmError> {
        let hits = redact::scan_body(&String::from_utf8_lossy(body))?;
        if hits.is_empty() {
            Ok(())
        } else {
            Err(LlmError::Refused { rules: hits })
        }
    }

    /// Sends `body`, acting on rate limits and overloads, until a 2xx answer
    /// starts or an error is final.
    async fn open(&self, stream: bool, body: Vec<u8>) -> Result<Streaming, LlmError> {
        self.gate(&body)?;
        let path = self.wire.path(&self.model, stream);
        let headers: Vec<(&str, &str)> = self.key_headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let mut waits = 0u32;
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let mut resp = match tokio::time::timeout(self.timeout, self.http.post_stream(&path, &headers, body.clone())).await
            {
                Err(_) => {
                    return Err(LlmError::Timeout {
                        provider: self.name(),
                        secs: self.timeout.as_secs(),
                    });
                }
                Ok(Err(e)) => return Err(self.map_http(e)),
                Ok(Ok(r)) => r,
            };
            if (200..300).contains(&resp.status) {
                return Ok(resp);
            }
            let mut bytes = Vec::new();
            while bytes.len() < ERROR_BODY_LIMIT {
                match tokio::time::timeout(self.timeout, resp.chunk()).await {
                    Ok(Ok(Some(c))) => bytes.extend_from_slice(&c),
                    _ => break,
                }
            }
            let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            match self.classify(Some(resp.status), &resp, &v) {
                Failure::Rate(wait) => {
                    let wait = wait.unwrap_or_else(|| self.retry.backoff(waits + 1));
                    if waits >= self.retry.rate_limit_waits || wait > self.retry.max_wait {
                        return Err(LlmError::RateLimited {
                            provider: self.name(),
                            waits,
                            retry_after_secs: Some(wait.as_secs_f64()),
                        });
                    }
                    waits += 1;
                    tracing::info!(provider = self.name(), seconds = wait.as_secs_f64(), "LLM rate limited, waiting");
                    tokio::time::sleep(wait).await;
                }
                Failure::Overloaded(detail) => {
                    if attempts > self.retry.overload_retries {
                        return Err(LlmError::Overloaded {
                            provider: self.name(),
                            attempts,
                            detail,
                        });
                    }
                    let wait = self.retry.backoff(attempts);
                    tracing::info!(provider = self.name(), seconds = wait.as_secs_f64(), "LLM overloaded, retrying");
                    tokio::time::sleep(wait).await;
                }
                Failure::Final(e) => return Err(e),
            }
        }
    }

    /// Classifies an error answer (`status` `None`: an error event inside a stream).
    fn classify(&self, status: Option<u16>, resp: &Streaming, v: &Value) -> Failure {
        let retry_after = retry_after(Some(resp), v);
        classify(self.name(), &self.key_source, &self.wire.path(&self.model, false), status, retry_after, v)
    }

    async fn complete_inner(&self, req: &Request) -> Result<Answer, LlmError> {
        let mut resp = self.open(false, self.body(req, false)).await?;
        let mut bytes = Vec::new();
        loop {
            match tokio::time::timeout(self.timeout, resp.chunk()).await {
                Err(_) => {
                    return Err(LlmError::Timeout {
                        provider: self.name(),
                        secs: self.timeout.as_secs(),
                    });
                }
                Ok(Err(_)) => {
                    return Err(LlmError::CutOff {
                        provider: self.name(),
                        partial: String::new(),
                    });
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(c))) => bytes.extend_from_slice(&c),
            }
        }
        let v: Value = serde_json::from_slice(&bytes).map_err(|e| {
            if e.is_eof() {
                LlmError::CutOff {
                    provider: self.name(),
                    partial: String::new(),
                }
            } else {
                LlmError::Decode {
                    provider: self.name(),
                    detail: e.to_string(),
                }
            }
        })?;
        let (text, stop, usage, model) = self.wire.parse_answer(&v).map_err(|detail| LlmError::Decode {
            provider: self.name(),
            detail,
        })?;
        finish(self.name(), text, stop, usage, model.unwrap_or_else(|| self.model.clone()))
    }
}

/// Accepts an answer only when it ended normally with some text.
fn finish(
    provider: &'static str,
    text: String,
    stop: Option<StopReason>,
    usage: Usage,
    model: String,
) -> Result<Answer, LlmError> {
    match stop {
        None => Err(LlmError::CutOff { provider, partial: text }),
        Some(StopReason::MaxTokens) => Err(LlmError::Truncated { provider, partial: text }),
        Some(StopReason::Other(reason)) => Err(LlmError::Incomplete {
            provider,
            reason,
            partial: text,
        }),
        Some(StopReason::Complete) if text.trim().is_empty() => Err(LlmError::Empty { provider }),
        Some(StopReason::Complete) => Ok(Answer { text, model, usage }),
    }
}

/// What to do about an error answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Wait (this long, when the provider said) and try again.
    Rate(Option<Duration>),
    /// Back off and try again.
    Overloaded(String),
    /// Stop.
    Final(LlmError),
}

/// The error's kind words (`type`, `code`, `status`) and message, from any
/// of the providers' error bodies.
fn error_words(v: &Value) -> (String, String) {
    let err = v.get("error").unwrap_or(v);
    if let Some(s) = err.as_str() {
        return (String::new(), s.to_string());
    }
    let word = |k: &str| match err.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let kind = [word("type"), word("code"), word("status")].join(" ");
    let mut message = word("message");
    if message.is_empty() {
        message = v.get("message").and_then(Value::as_str).unwrap_or_default().to_string();
    }
    (kind, message)
}

fn short(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return "no detail given".into();
    }
    let mut out: String = s.chars().take(200).collect();
    if s.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// Classifies an error body (and status, when it came as an HTTP answer).
pub(crate) fn classify(
    provider: &'static str,
    key_source: &str,
    endpoint: &str,
    status: Option<u16>,
    retry_after: Option<Duration>,
    v: &Value,
) -> Failure {
    let (kind, message) = error_words(v);
    let detail = short(&message);
    let hay = format!("{kind} {message}").to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| hay.contains(w));
    let code = status.unwrap_or(0);
    if code == 413
        || has(&[
            "context_length_exceeded",
            "prompt is too long",
            "exceed_context_size",
            "context size",
            "context length",
            "context window",
            "maximum context",
            "too many tokens",
            "request_too_large",
        ])
        || (hay.contains("input token count") && hay.contains("exceed"))
    {
        return Failure::Final(LlmError::ContextTooLong { provider, detail });
    }
    let gemini_exhausted = hay.contains("resource_exhausted");
    let per_day = gemini_quota_ids(v).iter().any(|q| q.to_lowercase().contains("perday"));
    if code == 402
        || has(&["insufficient_quota", "billing_error", "credit balance", "billing_not_active"])
        || (gemini_exhausted && (per_day || (retry_after.is_none() && hay.contains("quota"))))
    {
        return Failure::Final(LlmError::QuotaExhausted { provider, detail });
    }
    if code == 401
        || code == 403
        || has(&[
            "authentication_error",
            "permission_error",
            "invalid_api_key",
            "incorrect api key",
            "api key not valid",
            "api_key_invalid",
            "permission_denied",
            "unauthenticated",
        ])
    {
        return Failure::Final(LlmError::Auth {
            provider,
            key_source: key_source.to_string(),
            status: code,
            detail,
        });
    }
    if code == 429 || gemini_exhausted || has(&["rate_limit", "rate limit"]) {
        return Failure::Rate(retry_after);
    }
    if matches!(code, 500 | 502 | 503 | 504 | 529) || has(&["overloaded", "unavailable", "api_error", "server_error"])
    {
        return Failure::Overloaded(detail);
    }
    Failure::Final(LlmError::Status {
        provider,
        endpoint: endpoint.to_string(),
        status: code,
        detail,
    })
}

fn gemini_quota_ids(v: &Value) -> Vec<String> {
    v.pointer("/error/details")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|d| d.get("violations").and_then(Value::as_array).into_iter().flatten())
        .filter_map(|x| x.get("quotaId").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// How long the provider asks us to wait: `retry-after-ms`, `retry-after`
/// (seconds or an HTTP date), or Gemini's `RetryInfo.retryDelay` (`"34s"`).
fn retry_after(resp: Option<&Streaming>, v: &Value) -> Option<Duration> {
    if let Some(r) = resp {
        if let Some(ms) = r.header("retry-after-ms").and_then(|s| s.trim().parse::<f64>().ok()) {
            return Some(Duration::from_secs_f64(ms.max(0.0) / 1000.0));
        }
        if let Some(h) = r.header("retry-after") {
            if let Ok(secs) = h.trim().parse::<f64>() {
                return Some(Duration::from_secs_f64(secs.max(0.0)));
            }
            if let Ok(at) = jiff::fmt::rfc2822::parse(h.trim()) {
                let secs = at.timestamp().as_second() - jiff::Timestamp::now().as_second();
                return Some(Duration::from_secs(u64::try_from(secs).unwrap_or(0)));
            }
        }
    }
    v.pointer("/error/details")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| d.get("retryDelay").and_then(Value::as_str))
        .filter_map(|s| s.trim().trim_end_matches('s').parse::<f64>().ok())
        .map(|s| Duration::from_secs_f64(s.max(0.0)))
        .next()
}

/// The policy's reason, without the label the HTTP client was built with.
fn policy_reason(e: &HttpError) -> String {
    match e {
        HttpError::Policy { source, .. } => source.to_string(),
        HttpError::Network { message, .. } => message.clone(),
        HttpError::Status { status, detail, .. } => {
            format!("HTTP {status}{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())
        }
        HttpError::Decode { message, .. } => message.clone(),
        HttpError::Budget { budget, .. } => format!("request budget of {budget} spent"),
    }
}

enum Phase {
    Start,
    Open {
        resp: Streaming,
        parser: Parser,
        st: StreamState,
    },
    Done,
}

struct StreamRun<'a> {
    p: &'a HttpProvider,
    body: Option<Vec<u8>>,
    phase: Phase,
    pending: VecDeque<Result<Delta, LlmError>>,
}

impl<'a> StreamRun<'a> {
    /// The final item once the provider's end is known (or the body ended).
    fn finish(&mut self, st: &mut StreamState, body_ended: bool) -> bool {
        let ended = st.finished || (body_ended && st.stop.is_some() && self.p.wire.stop_without_marker_is_complete());
        if !ended && !body_ended {
            return false;
        }
        let name = self.p.name();
        let text = std::mem::take(&mut st.text);
        let item = if ended {
            finish(name, text, st.stop.take(), st.usage, String::new()).map(|a| Delta::Done(a.usage))
        } else {
            Err(LlmError::CutOff { provider: name, partial: text })
        };
        self.pending.push_back(item);
        true
    }

    async fn next(mut self) -> Option<(Result<Delta, LlmError>, StreamRun<'a>)> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some((item, self));
            }
            match std::mem::replace(&mut self.phase, Phase::Done) {
                Phase::Done => return None,
                Phase::Start => {
                    let body = self.body.take().unwrap_or_default();
                    match self.p.open(true, body).await {
                        Ok(resp) => {
                            self.phase = Phase::Open {
                                resp,
                                parser: Parser::default(),
                                st: StreamState::default(),
                            }
                        }
                        Err(e) => return Some((Err(e), self)),
                    }
                }
                Phase::Open {
                    mut resp,
                    mut parser,
                    mut st,
                } => {
                    let name = self.p.name();
                    match tokio::time::timeout(self.p.timeout, resp.chunk()).await {
                        Err(_) => {
                            return Some((
                                Err(LlmError::Timeout {
                                    provider: name,
                                    secs: self.p.timeout.as_secs(),
                                }),
                                self,
                            ));
                        }
                        Ok(Err(_)) => {
                            self.finish(&mut st, true);
                        }
                        Ok(Ok(None)) => {
                            self.finish(&mut st, true);
                        }
                        Ok(Ok(Some(bytes))) => {
                            let p = self.p;
                            let classify_event = |v: &Value| match classify(
                                name,
                                &p.key_source,
                                &p.wire.path(&p.model, true),
                                None,
                                retry_after(None, v),
                                v,
                            ) {
                                Failure::Final(e) => e,
                                Failure::Rate(wait) => LlmError::RateLimited {
                                    provider: name,
                                    waits: 0,
                                    retry_after_secs: wait.map(|w| w.as_secs_f64()),
                                },
                                Failure::Overloaded(detail) => LlmError::Overloaded {
                                    provider: name,
                                    attempts: 1,
                                    detail,
                                },
                            };
                            let mut done = false;
                            for ev in parser.feed(&bytes) {
                                match self.p.wire.on_event(name, &mut st, &ev, &classify_event) {
                                    Ok(Some(t)) => {
                                        st.text.push_str(&t);
                                        self.pending.push_back(Ok(Delta::Text(t)));
                                    }
                                    Ok(None) => {}
                                    Err(e) => {
                                        self.pending.push_back(Err(e));
                                        done = true;
                                        break;
                                    }
                                }
                                if self.finish(&mut st, false) {
                                    done = true;
                                    break;
                                }
                            }
                            if !done {
                                self.phase = Phase::Open { resp, parser, st };
                            }
                        }
                    }
                }
            }
        }
    }
}

impl Provider for HttpProvider {
    fn kind(&self) -> LlmProviderKind {
        self.kind
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn endpoint(&self, stream: bool) -> String {
        self.wire.path(&self.model, stream)
    }

    fn body(&self, req: &Request, stream: bool) -> Vec<u8> {
        serde_json::to_vec(&self.wire.body(&self.model, req, stream)).unwrap_or_default()
    }

    fn complete<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Answer, LlmError>> {
        self.complete_inner(req).boxed()
    }

    fn stream<'a>(&'a self, req: &'a Request) -> BoxStream<'a, Result<Delta, LlmError>> {
        let run = StreamRun {
            p: self,
            body: Some(self.body(req, true)),
            phase: Phase::Start,
            pending: VecDeque::new(),
        };
        futures_util::stream::unfold(run, StreamRun::next).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kind(f: &Failure) -> &'static str {
        match f {
            Failure::Rate(_) => "rate",
            Failure::Overloaded(_) => "overloaded",
            Failure::Final(LlmError::QuotaExhausted { .. }) => "quota",
            Failure::Final(LlmError::ContextTooLong { .. }) => "context",
            Failure::Final(LlmError::Auth { .. }) => "auth",
            Failure::Final(_) => "other",
        }
    }

    #[test]
    fn error_bodies_of_each_provider_are_classified() {
        let c = |status: u16, v: Value| kind(&classify("p", "$K", "/x", Some(status), None, &v));
        assert_eq!(c(429, json!({"type":"error","error":{"type":"rate_limit_error","message":"slow"}})), "rate");
        assert_eq!(c(529, json!({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})), "overloaded");
        assert_eq!(
            c(400, json!({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}})),
            "context"
        );
        assert_eq!(c(401, json!({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}})), "auth");
        assert_eq!(c(429, json!({"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}})), "quota");
        assert_eq!(c(400, json!({"error":{"message":"This model's maximum context length is 128000 tokens","type":"invalid_request_error","code":"context_length_exceeded"}})), "context");
        assert_eq!(c(503, json!({"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}})), "overloaded");
        assert_eq!(c(400, json!({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}})), "auth");
        let per_day = json!({"error":{"code":429,"message":"You exceeded your current quota","status":"RESOURCE_EXHAUSTED",
            "details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]}]}});
        assert_eq!(c(429, per_day), "quota");
        let per_minute = json!({"error":{"code":429,"message":"You exceeded your current quota","status":"RESOURCE_EXHAUSTED",
            "details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2s"}]}});
        assert_eq!(retry_after(None, &per_minute), Some(Duration::from_secs(2)));
        assert_eq!(kind(&classify("p", "$K", "/x", Some(429), Some(Duration::from_secs(2)), &per_minute)), "rate");
        assert_eq!(c(400, json!({"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}})), "context");
    }

    #[test]
    fn backoff_stays_under_the_cap() {
        let p = RetryPolicy::default();
        for a in 1..12 {
            assert!(p.backoff(a) <= p.backoff_cap);
        }
    }
}
