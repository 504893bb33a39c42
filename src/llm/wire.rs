//! The providers' wire formats: request bodies, whole answers, stream events,
//! stop reasons.
//!
//! - **Anthropic Messages** (`POST /v1/messages`, `x-api-key`,
//!   `anthropic-version: 2023-06-01`): answer `content[].text` and
//!   `stop_reason`; stream events `content_block_delta` (`text_delta`),
//!   `message_delta` (`delta.stop_reason`), `message_stop` (the end), `error`.
//! - **OpenAI Chat Completions** (`POST /v1/chat/completions`, bearer key),
//!   also spoken by Ollama and llama.cpp: answer `choices[0].message.content`
//!   and `finish_reason`; stream `data:` chunks with `choices[0].delta.content`,
//!   a `finish_reason`, then `data: [DONE]`.
//! - **Gemini** (`POST /v1beta/models/{model}:generateContent`, or
//!   `:streamGenerateContent?alt=sse`, `x-goog-api-key`): answer
//!   `candidates[0].content.parts[].text` and `finishReason`; each stream
//!   event is a whole `GenerateContentResponse`, the last with `finishReason`.

use serde_json::{Value, json};

use super::sse::Event;
use super::{LlmError, Request, StopReason, Usage};

/// Which wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    /// Anthropic Messages API.
    Anthropic,
    /// OpenAI Chat Completions; `local` for OpenAI-compatible servers (which
    /// take `max_tokens` rather than `max_completion_tokens`).
    OpenAi {
        /// An OpenAI-compatible local server.
        local: bool,
    },
    /// Gemini `generateContent`.
    Gemini,
}

/// What a stream has told so far.
#[derive(Debug, Default)]
pub(crate) struct StreamState {
    /// Text so far.
    pub text: String,
    /// Stop reason, once given.
    pub stop: Option<StopReason>,
    /// The provider's end marker arrived.
    pub finished: bool,
    /// Token counts.
    pub usage: Usage,
}

/// The Anthropic API version header value.
pub(crate) const ANTHROPIC_VERSION: &str = "2023-06-01";

fn u64_at(v: &Value, path: &str) -> Option<u64> {
    v.pointer(path).and_then(Value::as_u64)
}

impl Wire {
    /// Endpoint path under the base URL.
    pub fn path(self, model: &str, stream: bool) -> String {
        match self {
            Wire::Anthropic => "/messages".into(),
            Wire::OpenAi { .. } => "/chat/completions".into(),
            Wire::Gemini if stream => format!("/models/{model}:streamGenerateContent?alt=sse"),
            Wire::Gemini => format!("/models/{model}:generateContent"),
        }
    }

    /// The request body.
    pub fn body(self, model: &str, req: &Request, stream: bool) -> Value {
        match self {
            Wire::Anthropic => {
                let mut b = json!({
                    "model": model,
                    "max_tokens": req.max_output_tokens(),
                    "system": req.system(),
                    "messages": [{"role": "user", "content": req.user()}],
                });
                if stream {
                    b["stream"] = json!(true);
                }
                b
            }
            Wire::OpenAi { local } => {
                let cap = if local {
                    "max_tokens"
                } else {
                    "max_completion_tokens"
                };
                let mut b = json!({
                    "model": model,
                    "messages": [
                        {"role": "system", "content": req.system()},
                        {"role": "user", "content": req.user()},
                    ],
                });
                b[cap] = json!(req.max_output_tokens());
                if stream {
                    b["stream"] = json!(true);
                }
                b
            }
            Wire::Gemini => json!({
                "systemInstruction": {"parts": [{"text": req.system()}]},
                "contents": [{"role": "user", "parts": [{"text": req.user()}]}],
                "generationConfig": {"maxOutputTokens": req.max_output_tokens()},
            }),
        }
    }

    fn stop_reason(self, raw: &str) -> StopReason {
        match (self, raw) {
            (Wire::Anthropic, "end_turn" | "stop_sequence")
            | (Wire::OpenAi { .. }, "stop")
            | (Wire::Gemini, "STOP") => StopReason::Complete,
            (Wire::Anthropic, "max_tokens")
            | (Wire::OpenAi { .. }, "length")
            | (Wire::Gemini, "MAX_TOKENS") => StopReason::MaxTokens,
            (_, other) => StopReason::Other(other.to_string()),
        }
    }

    /// Text, stop reason and usage of a whole (non-streamed) answer.
    pub fn parse_answer(
        self,
        v: &Value,
    ) -> Result<(String, Option<StopReason>, Usage, Option<String>), String> {
        let model = v
            .get("model")
            .or_else(|| v.get("modelVersion"))
            .and_then(Value::as_str)
            .map(str::to_string);
        match self {
            Wire::Anthropic => {
                let blocks = v
                    .get("content")
                    .and_then(Value::as_array)
                    .ok_or("no `content` array")?;
                let text: String = blocks
                    .iter()
                    .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
                    .filter_map(|b| b.get("text").and_then(Value::as_str))
                    .collect();
                let stop = v
                    .get("stop_reason")
                    .and_then(Value::as_str)
                    .map(|r| self.stop_reason(r));
                let usage = Usage {
                    input_tokens: u64_at(v, "/usage/input_tokens"),
                    output_tokens: u64_at(v, "/usage/output_tokens"),
                };
                Ok((text, stop, usage, model))
            }
            Wire::OpenAi { .. } => {
                let choice = v.pointer("/choices/0").ok_or("no `choices[0]`")?;
                let text = choice
                    .pointer("/message/content")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let stop = choice
                    .get("finish_reason")
                    .and_then(Value::as_str)
                    .map(|r| self.stop_reason(r));
                let usage = Usage {
                    input_tokens: u64_at(v, "/usage/prompt_tokens"),
                    output_tokens: u64_at(v, "/usage/completion_tokens"),
                };
                Ok((text, stop, usage, model))
            }
            Wire::Gemini => {
                if let Some(block) = v.pointer("/promptFeedback/blockReason").and_then(Value::as_str) {
                    return Ok((
                        String::new(),
                        Some(StopReason::Other(block.to_string())),
                        Usage::default(),
                        model,
                    ));
                }
                let cand = v.pointer("/candidates/0").ok_or("no `candidates[0]`")?;
                let text = gemini_text(cand);
                let stop = cand
                    .get("finishReason")
                    .and_then(Value::as_str)
                    .map(|r| self.stop_reason(r));
                Ok((text, stop, gemini_usage(v), model))
            }
        }
    }

    /// Folds one stream event into `st`; returns the text it added.
    ///
    /// # Errors
    /// An error event from the provider (classified), or a `data` payload that
    /// is not JSON.
    pub fn on_event(
        self,
        provider: &'static str,
        st: &mut StreamState,
        ev: &Event,
        classify: &dyn Fn(&Value) -> LlmError,
    ) -> Result<Option<String>, LlmError> {
        let decode = |e: serde_json::Error| LlmError::Decode {
            provider,
            detail: format!("stream event: {e}"),
        };
        match self {
            Wire::Anthropic => {
                let kind = ev.event.as_deref().unwrap_or("message");
                if kind == "ping" {
                    return Ok(None);
                }
                let v: Value = serde_json::from_str(&ev.data).map_err(decode)?;
                match v.get("type").and_then(Value::as_str).unwrap_or(kind) {
                    "message_start" => {
                        st.usage.input_tokens = u64_at(&v, "/message/usage/input_tokens");
                        Ok(None)
                    }
                    "content_block_delta" => Ok(v
                        .pointer("/delta/text")
                        .and_then(Value::as_str)
                        .filter(|_| v.pointer("/delta/type").and_then(Value::as_str) == Some("text_delta"))
                        .map(str::to_string)),
                    "message_delta" => {
                        if let Some(r) = v.pointer("/delta/stop_reason").and_then(Value::as_str) {
                            st.stop = Some(self.stop_reason(r));
                        }
                        if let Some(n) = u64_at(&v, "/usage/output_tokens") {
                            st.usage.output_tokens = Some(n);
                        }
                        Ok(None)
                    }
                    "message_stop" => {
                        st.finished = true;
                        Ok(None)
                    }
                    "error" => Err(classify(&v)),
                    _ => Ok(None),
                }
            }
            Wire::OpenAi { .. } => {
                if ev.data.trim() == "[DONE]" {
                    st.finished = true;
                    return Ok(None);
                }
                let v: Value = serde_json::from_str(&ev.data).map_err(decode)?;
                if v.get("error").is_some() {
                    return Err(classify(&v));
                }
                if let Some(n) = u64_at(&v, "/usage/prompt_tokens") {
                    st.usage.input_tokens = Some(n);
                }
                if let Some(n) = u64_at(&v, "/usage/completion_tokens") {
                    st.usage.output_tokens = Some(n);
                }
                let Some(choice) = v.pointer("/choices/0") else {
                    return Ok(None);
                };
                if let Some(r) = choice.get("finish_reason").and_then(Value::as_str) {
                    st.stop = Some(self.stop_reason(r));
                }
                Ok(choice
                    .pointer("/delta/content")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string))
            }
            Wire::Gemini => {
                let v: Value = serde_json::from_str(&ev.data).map_err(decode)?;
                if v.get("error").is_some() {
                    return Err(classify(&v));
                }
                if let Some(block) = v.pointer("/promptFeedback/blockReason").and_then(Value::as_str) {
                    st.stop = Some(StopReason::Other(block.to_string()));
                    st.finished = true;
                    return Ok(None);
                }
                let usage = gemini_usage(&v);
                if usage.input_tokens.is_some() {
                    st.usage = usage;
                }
                let Some(cand) = v.pointer("/candidates/0") else {
                    return Ok(None);
                };
                if let Some(r) = cand.get("finishReason").and_then(Value::as_str) {
                    st.stop = Some(self.stop_reason(r));
                    st.finished = true;
                }
                let text = gemini_text(cand);
                Ok((!text.is_empty()).then_some(text))
            }
        }
    }

    /// Whether a body that ends after the stop reason but before the end
    /// marker is still complete. OpenAI-compatible servers differ on
    /// `[DONE]`; Anthropic always sends `message_stop`.
    pub fn stop_without_marker_is_complete(self) -> bool {
        !matches!(self, Wire::Anthropic)
    }
}

fn gemini_text(cand: &Value) -> String {
    cand.pointer("/content/parts")
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .filter(|p| !p.get("thought").and_then(Value::as_bool).unwrap_or(false))
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default()
}

fn gemini_usage(v: &Value) -> Usage {
    Usage {
        input_tokens: u64_at(v, "/usageMetadata/promptTokenCount"),
        output_tokens: u64_at(v, "/usageMetadata/candidatesTokenCount"),
    }
}
