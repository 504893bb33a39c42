//! What can go wrong asking an LLM, classified so each class is acted on:
//! rate limits are waited out, overloads retried, quota and auth stop with a
//! clear message, a prompt too long is shrunk once, and an answer that did not
//! finish is never passed off as complete (its partial text travels in the
//! error, for a caller that wants to show it marked as such).

use super::redact::GateBroken;

/// Why no complete answer came back. Messages name the provider and what to
/// do; none contains a key or the prompt.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LlmError {
    /// Still rate limited after waiting as asked.
    #[error(
        "{provider}: still rate limited after {waits} wait(s){}; try again later",
        retry_after_secs.map(|s| format!(" (the provider asks for {s:.0} s more)")).unwrap_or_default()
    )]
    RateLimited {
        /// Provider.
        provider: &'static str,
        /// Waits already made.
        waits: u32,
        /// The last wait asked for, seconds.
        retry_after_secs: Option<f64>,
    },
    /// The account's quota or credit is used up: nothing more is sent.
    #[error(
        "{provider}: quota exhausted ({detail}); nothing more is sent. Check the plan or billing, \
         or set llm.provider = \"offline\""
    )]
    QuotaExhausted {
        /// Provider.
        provider: &'static str,
        /// The provider's words.
        detail: String,
    },
    /// Overloaded (or failing server-side) after every retry.
    #[error("{provider}: overloaded after {attempts} attempt(s) ({detail}); try again in a few minutes")]
    Overloaded {
        /// Provider.
        provider: &'static str,
        /// Attempts made.
        attempts: u32,
        /// The provider's words.
        detail: String,
    },
    /// The prompt does not fit the model's context, even shrunk.
    #[error("{provider}: the prompt is too long for the model ({detail}), even after shrinking it once")]
    ContextTooLong {
        /// Provider.
        provider: &'static str,
        /// The provider's words.
        detail: String,
    },
    /// The key was refused.
    #[error("{provider} refused the API key from {key_source} (HTTP {status}: {detail}); check that key")]
    Auth {
        /// Provider.
        provider: &'static str,
        /// Where the key came from (`$OPENAI_API_KEY`).
        key_source: String,
        /// Status.
        status: u16,
        /// The provider's words.
        detail: String,
    },
    /// The stream or body ended before the provider's end marker.
    #[error("{provider}: the answer was cut off before its end; it is not shown as complete")]
    CutOff {
        /// Provider.
        provider: &'static str,
        /// Text received before the cut.
        partial: String,
    },
    /// The output cap stopped the answer.
    #[error(
        "{provider}: the answer hit the output limit (llm.max_output_tokens) and is incomplete; \
         raise the limit or ask for less"
    )]
    Truncated {
        /// Provider.
        provider: &'static str,
        /// Text received.
        partial: String,
    },
    /// The model stopped for another reason (refusal, safety filter, ...).
    #[error("{provider}: the answer stopped early ({reason}) and is incomplete")]
    Incomplete {
        /// Provider.
        provider: &'static str,
        /// Stop reason as the provider gave it.
        reason: String,
        /// Text received.
        partial: String,
    },
    /// Finished, but with no text.
    #[error("{provider}: the answer was empty")]
    Empty {
        /// Provider.
        provider: &'static str,
    },
    /// Any other error status.
    #[error("{provider} {endpoint}: HTTP {status}: {detail}")]
    Status {
        /// Provider.
        provider: &'static str,
        /// Path called.
        endpoint: String,
        /// Status.
        status: u16,
        /// The provider's words.
        detail: String,
    },
    /// No answer: connection refused, reset, TLS failure, policy refusal.
    #[error("{provider} {endpoint}: {detail}")]
    Network {
        /// Provider.
        provider: &'static str,
        /// Path called.
        endpoint: String,
        /// Cause.
        detail: String,
    },
    /// Nothing arrived within a limit: `llm.timeout_secs` until the answer
    /// starts, `llm.read_timeout_secs` between two pieces of it.
    #[error("{provider}: nothing arrived within {secs} s ({setting})")]
    Timeout {
        /// Provider.
        provider: &'static str,
        /// The limit.
        secs: u64,
        /// The setting that holds the limit (`llm.timeout_secs`, `llm.read_timeout_secs`).
        setting: &'static str,
    },
    /// The answer was not in the provider's format.
    #[error("{provider}: the answer is not in the expected format: {detail}")]
    Decode {
        /// Provider.
        provider: &'static str,
        /// Parser message.
        detail: String,
    },
    /// The final scan found a secret format in the request body: not sent.
    #[error("the request was not sent: the redaction gate still found {} in it", rules.join(", "))]
    Refused {
        /// Rules that matched.
        rules: Vec<&'static str>,
    },
    /// The gate cannot run.
    #[error(transparent)]
    Gate(#[from] GateBroken),
    /// The configuration cannot make a provider.
    #[error("{0}")]
    Config(String),
    /// The answer cache or store failed.
    #[error("LLM answer store: {0}")]
    Store(String),
}

impl LlmError {
    /// Text received before the answer failed, if any.
    pub fn partial(&self) -> Option<&str> {
        match self {
            LlmError::CutOff { partial, .. }
            | LlmError::Truncated { partial, .. }
            | LlmError::Incomplete { partial, .. } => Some(partial),
            _ => None,
        }
    }
}
