//! The drafter: prompt → budget → gate → provider → stored answer.
//!
//! - The user text is fitted to a token budget ([`Prompt::fit`]) and both
//!   texts pass the redaction gate ([`Request::new`]); the serialised body is
//!   scanned once more before it leaves.
//! - **Cache.** The input hash is SHA-256 over the provider name, the
//!   endpoint path and the exact request body sent (answers are always
//!   requested streamed, see [`Drafter::draft`], so that is the streamed body;
//!   the endpoint names the model where the body does not, as for Gemini). An
//!   answer stored under that hash is returned without calling the provider.
//! - **Provenance.** Every answer is stored sealed ([`Store::put_llm_output`])
//!   with provider, model, time, the insight fields the prompt carried, and
//!   the event time of its newest input, so the retention purge removes it
//!   with the records it came from.
//! - **Context too long.** The prompt is fitted again to half the budget and
//!   sent once more; the answer is stored under both hashes.
//! - The offline drafter is neither cached nor stored: it is deterministic and
//!   free.

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::budget::{Fitted, Prompt};
use super::offline::{self, Format};
use super::{Answer, LlmError, Provider, Request, collect_stream, provider_name, redact};
use crate::config::LlmProviderKind;
use crate::store::{LlmOutput, Store};

/// Prompt tokens per request (system and user text), by default.
pub const DEFAULT_PROMPT_BUDGET: usize = 3_000;

/// A request ready to send: what `llm preview` prints.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Provider name.
    pub provider: &'static str,
    /// Model.
    pub model: String,
    /// Endpoint path under the base URL.
    pub endpoint: String,
    /// The exact body sent (the streamed request).
    pub body: Vec<u8>,
    /// Cache key (see the module doc).
    pub input_hash: String,
    /// How the prompt was fitted.
    pub fitted: Fitted,
    /// The gated request.
    pub request: Request,
}

/// A drafted text and where it came from.
#[derive(Debug, Clone)]
pub struct Drafted {
    /// The text.
    pub text: String,
    /// Provider name.
    pub provider: String,
    /// Model.
    pub model: String,
    /// Served from the store without calling the provider.
    pub cached: bool,
    /// The prompt had to be shrunk to fit the model.
    pub shrunk: bool,
    /// The stored record (`None` for offline drafts).
    pub output: Option<LlmOutput>,
}

/// Drafts texts with one provider, caching answers in one store.
pub struct Drafter<'s> {
    provider: Box<dyn Provider>,
    store: Option<&'s Store>,
    budget: usize,
    max_output_tokens: u32,
    format: Format,
}

impl std::fmt::Debug for Drafter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Drafter")
            .field("provider", &provider_name(self.provider.kind()))
            .field("model", &self.provider.model())
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

/// The input hash of `body` sent to `endpoint` of `provider`.
pub fn input_hash(provider: &str, endpoint: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(provider.as_bytes());
    h.update([0]);
    h.update(endpoint.as_bytes());
    h.update([0]);
    h.update(body);
    hex::encode(h.finalize())
}

impl<'s> Drafter<'s> {
    /// A drafter over `provider`, caching in `store` when given.
    pub fn new(provider: Box<dyn Provider>, store: Option<&'s Store>) -> Drafter<'s> {
        Drafter {
            provider,
            store,
            budget: DEFAULT_PROMPT_BUDGET,
            max_output_tokens: 800,
            format: Format::Plain,
        }
    }

    /// Prompt token budget per request.
    pub fn with_budget(mut self, tokens: usize) -> Drafter<'s> {
        self.budget = tokens.max(64);
        self
    }

    /// Output token cap (`llm.max_output_tokens`).
    pub fn with_max_output_tokens(mut self, n: u32) -> Drafter<'s> {
        self.max_output_tokens = n.max(1);
        self
    }

    /// Markup of offline drafts.
    pub fn with_format(mut self, format: Format) -> Drafter<'s> {
        self.format = format;
        self
    }

    /// The provider.
    pub fn provider(&self) -> &dyn Provider {
        self.provider.as_ref()
    }

    /// Whether drafts come from the offline template.
    pub fn is_offline(&self) -> bool {
        self.provider.kind() == LlmProviderKind::Offline
    }

    /// The request `prompt` becomes, within the budget; sends nothing.
    ///
    /// # Errors
    /// [`LlmError::Gate`], or [`LlmError::Refused`] when the body still holds
    /// a secret format.
    pub fn prepare(&self, prompt: &Prompt) -> Result<Prepared, LlmError> {
        self.prepare_within(prompt, self.budget)
    }

    fn prepare_within(&self, prompt: &Prompt, budget: usize) -> Result<Prepared, LlmError> {
        let fitted = prompt.fit(budget);
        let request = Request::new(&prompt.system, &fitted.user, self.max_output_tokens)?
            .with_offline(offline::render(prompt, self.format));
        let body = self.provider.body(&request, true);
        let hits = redact::scan_body(&String::from_utf8_lossy(&body))?;
        if !hits.is_empty() {
            return Err(LlmError::Refused { rules: hits });
        }
        let provider = provider_name(self.provider.kind());
        let endpoint = self.provider.endpoint(true);
        Ok(Prepared {
            provider,
            model: self.provider.model().to_string(),
            input_hash: input_hash(provider, &endpoint, &body),
            endpoint,
            body,
            fitted,
            request,
        })
    }

    fn cached(&self, hash: &str) -> Result<Option<LlmOutput>, LlmError> {
        match self.store {
            Some(s) => s.llm_output(hash).map_err(|e| LlmError::Store(e.to_string())),
            None => Ok(None),
        }
    }

    /// Always streamed: bytes keep arriving while the model writes, so the
    /// HTTP policy's read timeout (between bytes) never cuts a long answer.
    async fn ask(
        &self,
        p: &Prepared,
        on_text: &mut Option<&mut (dyn FnMut(&str) + Send)>,
    ) -> Result<Answer, LlmError> {
        match on_text {
            Some(f) => collect_stream(self.provider.as_ref(), &p.request, |t| f(t)).await,
            None => collect_stream(self.provider.as_ref(), &p.request, |_| {}).await,
        }
    }

    fn keep(
        &self,
        p: &Prepared,
        prompt: &Prompt,
        answer: &Answer,
        hashes: &[&str],
    ) -> Result<LlmOutput, LlmError> {
        let model = if answer.model.is_empty() {
            p.model.clone()
        } else {
            answer.model.clone()
        };
        let mut out = LlmOutput {
            input_hash: String::new(),
            provider: p.provider.to_string(),
            model,
            created: Timestamp::now(),
            event_time: prompt.event_time,
            fields_seen: p.fitted.fields_seen.clone(),
            text: answer.text.clone(),
        };
        if let Some(store) = self.store {
            for h in hashes {
                out.input_hash = (*h).to_string();
                store
                    .put_llm_output(&out)
                    .map_err(|e| LlmError::Store(e.to_string()))?;
            }
        }
        out.input_hash = hashes.first().map(|h| (*h).to_string()).unwrap_or_default();
        Ok(out)
    }

    fn from_store(out: LlmOutput, shrunk: bool) -> Drafted {
        Drafted {
            text: out.text.clone(),
            provider: out.provider.clone(),
            model: out.model.clone(),
            cached: true,
            shrunk,
            output: Some(out),
        }
    }

    /// Drafts the text of `prompt`, returned whole. The provider is asked for
    /// a streamed answer all the same: bytes keep arriving while the model
    /// writes, so the HTTP policy's read timeout (between bytes) does not cut
    /// a long answer.
    ///
    /// # Errors
    /// Any [`LlmError`]: an answer that did not finish is an error, never a draft.
    pub async fn draft(&self, prompt: &Prompt) -> Result<Drafted, LlmError> {
        self.run(prompt, None).await
    }

    /// Drafts the text of `prompt`, calling `on_text` as it streams in (a
    /// cached or offline draft arrives as one piece).
    ///
    /// # Errors
    /// As [`Drafter::draft`]; text already passed to `on_text` must then be
    /// shown as incomplete.
    pub async fn draft_streaming(
        &self,
        prompt: &Prompt,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Drafted, LlmError> {
        self.run(prompt, Some(on_text)).await
    }

    async fn run(
        &self,
        prompt: &Prompt,
        mut on_text: Option<&mut (dyn FnMut(&str) + Send)>,
    ) -> Result<Drafted, LlmError> {
        let first = self.prepare(prompt)?;
        if self.is_offline() {
            let text = first.request.offline().unwrap_or_default().to_string();
            if let Some(f) = on_text.as_mut() {
                f(&text);
            }
            return Ok(Drafted {
                text,
                provider: first.provider.to_string(),
                model: first.model,
                cached: false,
                shrunk: false,
                output: None,
            });
        }
        if let Some(hit) = self.cached(&first.input_hash)? {
            if let Some(f) = on_text.as_mut() {
                f(&hit.text);
            }
            return Ok(Self::from_store(hit, false));
        }
        match self.ask(&first, &mut on_text).await {
            Ok(answer) => {
                let out = self.keep(&first, prompt, &answer, &[&first.input_hash])?;
                Ok(Drafted {
                    text: answer.text,
                    provider: out.provider.clone(),
                    model: out.model.clone(),
                    cached: false,
                    shrunk: false,
                    output: Some(out),
                })
            }
            Err(LlmError::ContextTooLong { .. }) => {
                let second = self.prepare_within(prompt, self.budget / 2)?;
                tracing::info!(
                    provider = first.provider,
                    kept = second.fitted.kept,
                    dropped = second.fitted.dropped,
                    "prompt too long for the model; shrunk once"
                );
                if let Some(hit) = self.cached(&second.input_hash)? {
                    if let Some(f) = on_text.as_mut() {
                        f(&hit.text);
                    }
                    return Ok(Self::from_store(hit, true));
                }
                let answer = self.ask(&second, &mut on_text).await?;
                let out = self.keep(&second, prompt, &answer, &[&second.input_hash, &first.input_hash])?;
                Ok(Drafted {
                    text: answer.text,
                    provider: out.provider.clone(),
                    model: out.model.clone(),
                    cached: false,
                    shrunk: true,
                    output: Some(out),
                })
            }
            Err(e) => Err(e),
        }
    }
}
