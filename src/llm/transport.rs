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

use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt};
use rand::Rng;
use serde_json::Value;
use zeroize::Zeroizing;

use super::classify::{Failure, classify, retry_after};
use super::stream::StreamRun;
use super::wire::{ANTHROPIC_VERSION, Wire};
use super::{
    Answer, ApiKey, Delta, LlmError, Provider, Request, StopReason, Usage, default_base_url, key_env,
    provider_name, redact,
};
use crate::config::{LlmConfig, LlmProviderKind};
use crate::model::Source;
use crate::sources::http::{Auth, HttpClient, HttpError, Streaming};

/// `HttpClient` names its provider with a [`Source`]; LLM traffic is
/// [`Source::Llm`] (every `HttpError` is also mapped to an [`LlmError`]
/// naming the LLM provider itself).
const HTTP_LABEL: Source = Source::Llm;
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
    pub(super) wire: Wire,
    pub(super) model: String,
    http: HttpClient,
    key_headers: Vec<(&'static str, Zeroizing<String>)>,
    pub(super) key_source: String,
    pub(super) timeout: Duration,
    /// Longest wait between two pieces of an answer (`llm.read_timeout_secs`).
    pub(super) read_timeout: Duration,
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
        && m.chars()
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
        let read_timeout = Duration::from_secs(cfg.read_timeout_secs.max(1));
        // The client's own read timeout is a backstop a little longer than
        // ours, so a stalled stream ends with our error naming the setting.
        let backstop = read_timeout + Duration::from_secs(5);
        let http = HttpClient::with_read_timeout(HTTP_LABEL, base, auth, REQUEST_BUDGET, backstop)
            .map_err(|e| LlmError::Config(format!("llm.base_url {base:?}: {}", policy_reason(&e))))?;
        Ok(HttpProvider {
            kind: cfg.provider,
            wire,
            model,
            http,
            key_headers,
            key_source,
            timeout: Duration::from_secs(cfg.timeout_secs.max(1)),
            read_timeout,
            retry: RetryPolicy::default(),
        })
    }

    /// The same provider with another retry policy (tests use short waits).
    pub fn with_retry(mut self, retry: RetryPolicy) -> HttpProvider {
        self.retry = retry;
        self
    }

    pub(super) fn name(&self) -> &'static str {
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
    pub(super) async fn open(&self, stream: bool, body: Vec<u8>) -> Result<Streaming, LlmError> {
        self.gate(&body)?;
        let path = self.wire.path(&self.model, stream);
        let headers: Vec<(&str, &str)> = self.key_headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let mut waits = 0u32;
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let mut resp = match tokio::time::timeout(
                self.timeout,
                self.http.post_stream(&path, &headers, body.clone()),
            )
            .await
            {
                Err(_) => {
                    return Err(LlmError::Timeout {
                        provider: self.name(),
                        secs: self.timeout.as_secs(),
                        setting: "llm.timeout_secs",
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
                    tracing::info!(
                        provider = self.name(),
                        seconds = wait.as_secs_f64(),
                        "LLM rate limited, waiting"
                    );
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
                    tracing::info!(
                        provider = self.name(),
                        seconds = wait.as_secs_f64(),
                        "LLM overloaded, retrying"
                    );
                    tokio::time::sleep(wait).await;
                }
                Failure::Final(e) => return Err(e),
            }
        }
    }

    /// Classifies an error answer (`status` `None`: an error event inside a stream).
    fn classify(&self, status: Option<u16>, resp: &Streaming, v: &Value) -> Failure {
        let retry_after = retry_after(Some(resp), v);
        classify(
            self.name(),
            &self.key_source,
            &self.wire.path(&self.model, false),
            status,
            retry_after,
            v,
        )
    }

    async fn complete_inner(&self, req: &Request) -> Result<Answer, LlmError> {
        let mut resp = self.open(false, self.body(req, false)).await?;
        let mut bytes = Vec::new();
        loop {
            match tokio::time::timeout(self.read_timeout, resp.chunk()).await {
                Err(_) => {
                    return Err(LlmError::Timeout {
                        provider: self.name(),
                        secs: self.read_timeout.as_secs(),
                        setting: "llm.read_timeout_secs",
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
        finish(
            self.name(),
            text,
            stop,
            usage,
            model.unwrap_or_else(|| self.model.clone()),
        )
    }
}

/// Accepts an answer only when it ended normally with some text.
pub(super) fn finish(
    provider: &'static str,
    text: String,
    stop: Option<StopReason>,
    usage: Usage,
    model: String,
) -> Result<Answer, LlmError> {
    match stop {
        None => Err(LlmError::CutOff {
            provider,
            partial: text,
        }),
        Some(StopReason::MaxTokens) => Err(LlmError::Truncated {
            provider,
            partial: text,
        }),
        Some(StopReason::Other(reason)) => Err(LlmError::Incomplete {
            provider,
            reason,
            partial: text,
        }),
        Some(StopReason::Complete) if text.trim().is_empty() => Err(LlmError::Empty { provider }),
        Some(StopReason::Complete) => Ok(Answer { text, model, usage }),
    }
}

/// The policy's reason, without the label the HTTP client was built with.
fn policy_reason(e: &HttpError) -> String {
    match e {
        HttpError::Policy { source, .. } => source.to_string(),
        HttpError::Network { message, .. } => message.clone(),
        HttpError::Status { status, detail, .. } => {
            format!(
                "HTTP {status}{}",
                detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
            )
        }
        HttpError::Decode { message, .. } => message.clone(),
        HttpError::Budget { budget, .. } => format!("request budget of {budget} spent"),
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
        let run = StreamRun::new(self, self.body(req, true));
        futures_util::stream::unfold(run, StreamRun::next).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_the_cap() {
        let p = RetryPolicy::default();
        for a in 1..12 {
            assert!(p.backoff(a) <= p.backoff_cap);
        }
    }
}
