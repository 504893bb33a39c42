//! Error answers of the LLM providers, classified: what each class looks
//! like in Anthropic's, OpenAI's (and llama.cpp's, Ollama's) and Gemini's
//! error bodies, and how long a provider asks us to wait.

use std::time::Duration;

use serde_json::Value;

use super::LlmError;
use crate::sources::http::Streaming;

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
        message = v
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
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
    let per_day = gemini_quota_ids(v)
        .iter()
        .any(|q| q.to_lowercase().contains("perday"));
    if code == 402
        || has(&[
            "insufficient_quota",
            "billing_error",
            "credit balance",
            "billing_not_active",
        ])
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
    if matches!(code, 500 | 502 | 503 | 504 | 529)
        || has(&["overloaded", "unavailable", "api_error", "server_error"])
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
        .flat_map(|d| {
            d.get("violations")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|x| x.get("quotaId").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// How long the provider asks us to wait: `retry-after-ms`, `retry-after`
/// (seconds or an HTTP date), or Gemini's `RetryInfo.retryDelay` (`"34s"`).
pub(crate) fn retry_after(resp: Option<&Streaming>, v: &Value) -> Option<Duration> {
    if let Some(r) = resp {
        if let Some(ms) = r
            .header("retry-after-ms")
            .and_then(|s| s.trim().parse::<f64>().ok())
        {
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
        assert_eq!(
            c(
                429,
                json!({"type":"error","error":{"type":"rate_limit_error","message":"slow"}})
            ),
            "rate"
        );
        assert_eq!(
            c(
                529,
                json!({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})
            ),
            "overloaded"
        );
        assert_eq!(
            c(
                400,
                json!({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}})
            ),
            "context"
        );
        assert_eq!(
            c(
                401,
                json!({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}})
            ),
            "auth"
        );
        assert_eq!(
            c(
                429,
                json!({"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}})
            ),
            "quota"
        );
        assert_eq!(
            c(
                400,
                json!({"error":{"message":"This model's maximum context length is 128000 tokens","type":"invalid_request_error","code":"context_length_exceeded"}})
            ),
            "context"
        );
        assert_eq!(
            c(
                503,
                json!({"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}})
            ),
            "overloaded"
        );
        assert_eq!(
            c(
                400,
                json!({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}})
            ),
            "auth"
        );
        let per_day = json!({"error":{"code":429,"message":"You exceeded your current quota","status":"RESOURCE_EXHAUSTED",
            "details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]}]}});
        assert_eq!(c(429, per_day), "quota");
        let per_minute = json!({"error":{"code":429,"message":"You exceeded your current quota","status":"RESOURCE_EXHAUSTED",
            "details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2s"}]}});
        assert_eq!(retry_after(None, &per_minute), Some(Duration::from_secs(2)));
        assert_eq!(
            kind(&classify(
                "p",
                "$K",
                "/x",
                Some(429),
                Some(Duration::from_secs(2)),
                &per_minute
            )),
            "rate"
        );
        assert_eq!(
            c(
                400,
                json!({"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}})
            ),
            "context"
        );
    }
}
