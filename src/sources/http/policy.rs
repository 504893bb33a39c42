//! The retry and rate-limit arithmetic of the HTTP policy (backoff with
//! jitter, how long a 429/403 asks us to wait) and the wording of errors
//! (the provider's own message, the cause chain), always scrubbed of
//! anything that looks like a credential.
//!
//! Must not: send requests (that is [`super::HttpClient`]).

use std::time::Duration;

use rand::Rng;
use reqwest::StatusCode;

use super::{BACKOFF_BASE_MS, BACKOFF_CAP_MS};

/// Exponential backoff with full jitter: uniform in [0, min(cap, base·2^attempt)].
pub(super) fn backoff(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE_MS
        .saturating_mul(1 << attempt.min(16))
        .min(BACKOFF_CAP_MS);
    Duration::from_millis(rand::rng().random_range(ceiling / 2..=ceiling))
}

/// How long a rate-limited answer asks us to wait, if it is one.
pub(super) fn rate_limit_wait(status: StatusCode, headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let exhausted = header("x-ratelimit-remaining") == Some("0");
    if status != StatusCode::TOO_MANY_REQUESTS && !(status == StatusCode::FORBIDDEN && exhausted) {
        return None;
    }
    if let Some(secs) = header("retry-after").and_then(|v| v.parse::<f64>().ok()) {
        return Some(Duration::from_secs_f64(secs.max(0.0)));
    }
    if let Some(reset) = header("x-ratelimit-reset").and_then(|v| v.parse::<i64>().ok()) {
        let now = jiff::Timestamp::now().as_second();
        return Some(Duration::from_secs(
            u64::try_from(reset - now).unwrap_or(0).max(1),
        ));
    }
    Some(backoff(3))
}

/// The provider's own error message from a JSON error body (GitHub `message`,
/// Jira `errorMessages`, Slack `error`), shortened; never echoes the request.
pub(super) fn error_detail(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = v
        .get("message")
        .and_then(|m| m.as_str())
        .map(str::to_string)
        .or_else(|| {
            v.get("errorMessages")
                .and_then(|m| m.as_array())
                .map(|a| a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join("; "))
        })
        .or_else(|| v.get("error").and_then(|m| m.as_str()).map(str::to_string))?;
    Some(scrub(&text.chars().take(200).collect::<String>()))
}

/// A reqwest error with its causes ("error sending request: connection
/// refused"), URL removed, credentials scrubbed.
pub(super) fn describe(e: &reqwest::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(c) = cur {
        let text = c.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = c.source();
    }
    scrub(&parts.join(": "))
}

/// Removes anything that looks like a credential from a message.
pub(super) fn scrub(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let lw = w.to_ascii_lowercase();
            if lw.starts_with("xox")
                || lw.starts_with("ghp_")
                || lw.starts_with("bearer")
                || lw.contains("token=")
            {
                "[redacted]"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 1..10 {
            let d = backoff(attempt);
            assert!(d <= Duration::from_millis(BACKOFF_CAP_MS));
        }
        assert!(backoff(1) <= Duration::from_millis(1000));
    }
}
