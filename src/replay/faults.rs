//! Injected faults: the failures a real provider throws at a client (rate
//! limits, server errors, slow answers, cut connections, broken JSON).
//!
//! Owns: the fault vocabulary, the queue of rules (first injected, first
//! used) and the bodies that carry each fault. Must not: decide routing;
//! the server asks this module which fault, if any, the next request gets.

use std::error::Error as StdError;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use http_body_util::{BodyExt, Full, StreamBody, combinators::UnsyncBoxBody};
use hyper::body::Frame;

/// A boxed error for response bodies that fail on purpose.
pub(crate) type BoxError = Box<dyn StdError + Send + Sync>;
/// The one response body type of the server.
pub(crate) type ReplyBody = UnsyncBoxBody<Bytes, BoxError>;

/// How long a truncated body waits after its first half, so that the half
/// is flushed to the client before the connection is cut.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(20);

/// The body of [`Fault::Malformed`]: valid start, never finished.
pub(crate) const MALFORMED_BODY: &str = "{\"issues\": [";

/// One failure to inject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status instead of the payload: `429` with
    /// `Retry-After: retry_after` seconds, or `500`/`502`/`503`. `body`
    /// defaults to a small JSON message.
    Status {
        code: u16,
        retry_after: Option<u64>,
        body: Option<String>,
    },
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Send the headers with the full `Content-Length`, then half the body,
    /// then close the connection: the client sees an incomplete body.
    Truncate,
    /// `200 OK` with the invalid JSON `{"issues": [`.
    Malformed,
}

impl Fault {
    /// `429 Too Many Requests` with `Retry-After: secs`.
    pub fn rate_limited(secs: u64) -> Fault {
        Fault::Status {
            code: 429,
            retry_after: Some(secs),
            body: None,
        }
    }

    /// A bare status (`500`, `502`, `503`, ...) with the default body.
    pub fn status(code: u16) -> Fault {
        Fault::Status {
            code,
            retry_after: None,
            body: None,
        }
    }
}

/// Apply `fault` to the next `times` requests whose path and query
/// (`/path?query`) contain `path_contains`. Rules are used in the order they
/// were injected; a rule is spent after `times` requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub path_contains: String,
    pub fault: Fault,
    pub times: u32,
}

impl FaultRule {
    pub fn new(path_contains: impl Into<String>, fault: Fault, times: u32) -> FaultRule {
        FaultRule {
            path_contains: path_contains.into(),
            fault,
            times,
        }
    }

    /// The rule for just the next matching request.
    pub fn once(path_contains: impl Into<String>, fault: Fault) -> FaultRule {
        FaultRule::new(path_contains, fault, 1)
    }
}

/// The pending rules.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    rules: Mutex<Vec<FaultRule>>,
}

impl FaultQueue {
    pub(crate) fn push(&self, rule: FaultRule) {
        if rule.times == 0 {
            return;
        }
        self.lock().push(rule);
    }

    /// The fault for a request to `target` (`/path?query`), spending one use
    /// of the first rule that matches.
    pub(crate) fn take(&self, target: &str) -> Option<Fault> {
        let mut rules = self.lock();
        let index = rules
            .iter()
            .position(|r| target.contains(r.path_contains.as_str()))?;
        let rule = &mut rules[index];
        let fault = rule.fault.clone();
        rule.times = rule.times.saturating_sub(1);
        if rule.times == 0 {
            rules.remove(index);
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        // A panic elsewhere cannot leave the list half-written; keep going.
        self.rules.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A whole body.
pub(crate) fn full(bytes: Bytes) -> ReplyBody {
    Full::new(bytes).map_err(|never| match never {}).boxed_unsync()
}

/// The first half of `bytes`, then an error that makes hyper drop the
/// connection short of the `Content-Length` the headers promised.
pub(crate) fn truncated(bytes: Bytes) -> ReplyBody {
    let half = bytes.slice(..bytes.len() / 2);
    let first = stream::iter([Ok::<_, BoxError>(Frame::data(half))]);
    let cut = stream::once(async {
        tokio::time::sleep(TRUNCATE_PAUSE).await;
        Err::<Frame<Bytes>, BoxError>("replay fault: body truncated on purpose".into())
    });
    StreamBody::new(first.chain(cut)).boxed_unsync()
}

/// The default body of a status fault.
pub(crate) fn status_body(code: u16) -> String {
    serde_json::json!({ "message": format!("replay fault: HTTP {code}") }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_apply_in_order_and_are_spent() {
        let queue = FaultQueue::default();
        queue.push(FaultRule::new("/search", Fault::status(500), 2));
        queue.push(FaultRule::once("/search", Fault::Malformed));
        queue.push(FaultRule::new("/never", Fault::Truncate, 0));
        assert_eq!(queue.take("/other"), None);
        assert_eq!(queue.take("/search?jql=x"), Some(Fault::status(500)));
        assert_eq!(queue.take("/search?jql=x"), Some(Fault::status(500)));
        assert_eq!(queue.take("/search?jql=x"), Some(Fault::Malformed));
        assert_eq!(queue.take("/search?jql=x"), None);
        assert_eq!(queue.take("/never"), None);
    }

    #[test]
    fn path_contains_sees_the_query_too() {
        let queue = FaultQueue::default();
        queue.push(FaultRule::once("page=2", Fault::rate_limited(1)));
        assert_eq!(queue.take("/repos/o/r/pulls?page=1"), None);
        assert_eq!(
            queue.take("/repos/o/r/pulls?page=2"),
            Some(Fault::rate_limited(1))
        );
    }
}
