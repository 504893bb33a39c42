//! LLM drafting: the words for standups, retrospectives and copilot answers,
//! written from structured facts our own analytics computed.
//!
//! Owns: the [`Provider`] trait and its back ends (Anthropic Messages, OpenAI
//! Chat Completions, Gemini `generateContent`, any OpenAI-compatible local
//! server, and the offline drafter), the redaction gate ([`redact`]), prompt
//! budgets ([`budget`]) and the [`Drafter`] that caches and stores answers.
//!
//! Must not: build prompts from raw records (prompts come from insight
//! structs as a [`budget::Prompt`]), send a byte that did not pass the gate,
//! or call anything but the configured provider through the one HTTP policy
//! (`sources::http`).
//!
//! # Why hand-written clients and not `genai`
//! `genai` 0.7 accepts a `reqwest::Client` but drives the requests itself: our
//! policy's per-request URL check, request budget and error handling would
//! not be in the path; it builds the request body internally, so `llm preview`
//! could not show, and the cache could not hash, the exact bytes sent; and its
//! streams end quietly when the connection drops before the provider's stop
//! event. Four wire formats over [`HttpClient::post_stream`] are a few hundred
//! lines and keep every one of those promises.
//!
//! [`HttpClient::post_stream`]: crate::sources::http::HttpClient::post_stream

pub mod budget;
mod classify;
mod draft;
mod error;
pub mod offline;
pub mod redact;
mod sse;
mod stream;
mod transport;
mod wire;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use draft::{DEFAULT_PROMPT_BUDGET, Drafted, Drafter, Prepared};
pub use error::LlmError;
pub use transport::RetryPolicy;

use crate::config::{LlmConfig, LlmProviderKind};

/// What a provider is asked: a system text, a user text and an output cap.
///
/// Only [`Request::new`] makes one, and it passes both texts through the
/// redaction gate: holding a `Request` means the text is safe to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    system: String,
    user: String,
    max_output_tokens: u32,
    offline: Option<String>,
}

impl Request {
    /// A request whose texts have passed the gate.
    ///
    /// # Errors
    /// [`LlmError::Gate`] when the gate cannot run (then nothing may be sent).
    pub fn new(system: &str, user: &str, max_output_tokens: u32) -> Result<Request, LlmError> {
        let gate = redact::Redactor::new(None)?;
        Ok(Request {
            system: gate.text(system).text,
            user: gate.text(user).text,
            max_output_tokens: max_output_tokens.max(1),
            offline: None,
        })
    }

    /// The same request carrying the offline drafter's text (what the
    /// offline provider answers; never sent anywhere).
    pub fn with_offline(mut self, text: String) -> Request {
        self.offline = Some(text);
        self
    }

    /// System text (after the gate).
    pub fn system(&self) -> &str {
        &self.system
    }

    /// User text (after the gate).
    pub fn user(&self) -> &str {
        &self.user
    }

    /// Output token cap.
    pub fn max_output_tokens(&self) -> u32 {
        self.max_output_tokens
    }

    /// The offline draft, when one was attached.
    pub fn offline(&self) -> Option<&str> {
        self.offline.as_deref()
    }
}

/// Why an answer ended, normalised across providers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The model finished (`end_turn`, `stop`, `STOP`, a stop sequence).
    Complete,
    /// The output cap cut it (`max_tokens`, `length`, `MAX_TOKENS`).
    MaxTokens,
    /// Anything else (`refusal`, `content_filter`, `SAFETY`, ...), as given.
    Other(String),
}

/// Token counts a provider reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens.
    pub input_tokens: Option<u64>,
    /// Answer tokens.
    pub output_tokens: Option<u64>,
}

/// A complete answer: only ever built when the provider said it finished
/// normally and the text is not empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The text.
    pub text: String,
    /// Model that answered (as the provider named it, else as configured).
    pub model: String,
    /// Token counts, when reported.
    pub usage: Usage,
}

/// One piece of a streamed answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delta {
    /// More text.
    Text(String),
    /// The provider finished normally; nothing follows. A stream that ends
    /// without this item ended in an error item instead.
    Done(Usage),
}

/// A back end that turns a [`Request`] into text.
///
/// `complete` and `stream` never report success for an answer that was cut
/// off, truncated by the output cap, stopped for another reason, or empty:
/// those are [`LlmError`]s carrying the partial text.
pub trait Provider: Send + Sync {
    /// Which kind of provider.
    fn kind(&self) -> LlmProviderKind;

    /// Model name as configured.
    fn model(&self) -> &str;

    /// Endpoint path (under the base URL) a request goes to.
    fn endpoint(&self, stream: bool) -> String;

    /// The exact request body for `req`, as sent.
    fn body(&self, req: &Request, stream: bool) -> Vec<u8>;

    /// The whole answer at once.
    fn complete<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Answer, LlmError>>;

    /// The answer as it is written: text deltas, then [`Delta::Done`], or an
    /// error item last.
    fn stream<'a>(&'a self, req: &'a Request) -> BoxStream<'a, Result<Delta, LlmError>>;
}

/// Lower-case provider name (`offline`, `anthropic`, `openai`, `gemini`, `local`).
pub fn provider_name(kind: LlmProviderKind) -> &'static str {
    match kind {
        LlmProviderKind::Offline => "offline",
        LlmProviderKind::Anthropic => "anthropic",
        LlmProviderKind::Openai => "openai",
        LlmProviderKind::Gemini => "gemini",
        LlmProviderKind::Local => "local",
    }
}

/// The provider's public endpoint, used when `llm.base_url` is empty.
pub fn default_base_url(kind: LlmProviderKind) -> Option<&'static str> {
    match kind {
        LlmProviderKind::Anthropic => Some("https://api.anthropic.com/v1"),
        LlmProviderKind::Openai => Some("https://api.openai.com/v1"),
        LlmProviderKind::Gemini => Some("https://generativelanguage.googleapis.com/v1beta"),
        LlmProviderKind::Offline | LlmProviderKind::Local => None,
    }
}

/// The environment variable read for the API key when `llm.api_key_env` is
/// empty.
pub fn default_key_env(kind: LlmProviderKind) -> &'static str {
    match kind {
        LlmProviderKind::Anthropic => "ANTHROPIC_API_KEY",
        LlmProviderKind::Openai => "OPENAI_API_KEY",
        LlmProviderKind::Gemini => "GEMINI_API_KEY",
        LlmProviderKind::Offline | LlmProviderKind::Local => "",
    }
}

/// An API key and where it came from (for error messages: never the key).
#[derive(Clone)]
pub struct ApiKey {
    /// The key.
    pub secret: Arc<Zeroizing<String>>,
    /// `$ANTHROPIC_API_KEY`, or `the token stored by \`auth set llm\``.
    pub source: String,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// The provider the configuration names. `key` is required by Anthropic,
/// OpenAI and Gemini and optional for a local server.
///
/// # Errors
/// [`LlmError::Config`] for a missing model or key, a bad model name, or a
/// base URL the HTTP policy refuses.
pub fn from_config(cfg: &LlmConfig, key: Option<ApiKey>) -> Result<Box<dyn Provider>, LlmError> {
    from_config_with_retry(cfg, key, RetryPolicy::default())
}

/// As [`from_config`], with another retry policy (tests use short backoffs).
///
/// # Errors
/// As [`from_config`].
pub fn from_config_with_retry(
    cfg: &LlmConfig,
    key: Option<ApiKey>,
    retry: RetryPolicy,
) -> Result<Box<dyn Provider>, LlmError> {
    if cfg.provider == LlmProviderKind::Offline {
        return Ok(Box::new(offline::OfflineProvider));
    }
    transport::HttpProvider::from_config(cfg, key).map(|p| Box::new(p.with_retry(retry)) as Box<dyn Provider>)
}

/// The env var to read for the key: `llm.api_key_env`, else the provider's
/// usual one.
pub fn key_env(cfg: &LlmConfig) -> &str {
    if cfg.api_key_env.trim().is_empty() {
        default_key_env(cfg.provider)
    } else {
        cfg.api_key_env.trim()
    }
}

/// Collects a whole stream into an [`Answer`] (for callers that want the
/// streaming transport but one result), calling `on_text` for each delta.
///
/// # Errors
/// The first error item of the stream; a stream that ends without
/// [`Delta::Done`] is [`LlmError::CutOff`].
pub async fn collect_stream(
    provider: &dyn Provider,
    req: &Request,
    mut on_text: impl FnMut(&str) + Send,
) -> Result<Answer, LlmError> {
    use futures_util::StreamExt;
    let mut s = provider.stream(req);
    let mut text = String::new();
    while let Some(item) = s.next().await {
        match item? {
            Delta::Text(t) => {
                on_text(&t);
                text.push_str(&t);
            }
            Delta::Done(usage) => {
                return Ok(Answer {
                    text,
                    model: provider.model().to_string(),
                    usage,
                });
            }
        }
    }
    Err(LlmError::CutOff {
        provider: provider_name(provider.kind()),
        partial: text,
    })
}
