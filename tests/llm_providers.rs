//! Each LLM provider against a mock server speaking its wire format: a normal
//! answer, a streamed answer (SSE), a stream cut off, a truncated or empty
//! answer, and each error class (rate limit, quota, overloaded, context too
//! long, auth); and the answer cache (same input twice, one call).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/llm/mock.rs"]
mod mock;

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_cockpit::config::{LlmConfig, LlmProviderKind};
use async_cockpit::llm::budget::{Item, Prompt, Section};
use async_cockpit::llm::{
    self, ApiKey, Delta, Drafter, LlmError, Provider, Request, RetryPolicy, collect_stream,
    from_config_with_retry,
};
use async_cockpit::store::{KeySource, Store};
use futures_util::StreamExt;
use mock::{Mock, Reply, fixture};
use zeroize::Zeroizing;

const KINDS: [LlmProviderKind; 4] = [
    LlmProviderKind::Anthropic,
    LlmProviderKind::Openai,
    LlmProviderKind::Gemini,
    LlmProviderKind::Local,
];

fn cfg(kind: LlmProviderKind, base: &str) -> LlmConfig {
    LlmConfig {
        provider: kind,
        model: if kind == LlmProviderKind::Gemini {
            "gemini-2.5-flash".into()
        } else {
            "test-model".into()
        },
        base_url: base.into(),
        api_key_env: String::new(),
        timeout_secs: 5,
        read_timeout_secs: 5,
        max_output_tokens: 100,
    }
}

fn key() -> Option<ApiKey> {
    Some(ApiKey {
        secret: Arc::new(Zeroizing::new("test-key-123".into())),
        source: "$TEST_LLM_KEY".into(),
    })
}

fn fast() -> RetryPolicy {
    RetryPolicy {
        rate_limit_waits: 3,
        max_wait: Duration::from_secs(5),
        overload_retries: 2,
        backoff_base: Duration::from_millis(10),
        backoff_cap: Duration::from_millis(40),
    }
}

fn provider(kind: LlmProviderKind, m: &Mock) -> Box<dyn Provider> {
    from_config_with_retry(&cfg(kind, &m.base), key(), fast()).unwrap()
}

fn req() -> Request {
    Request::new(
        "You write standups.",
        "## Greta\n- done: launchpad-api#41 merged",
        100,
    )
    .unwrap()
}

/// Fixture stem per provider (`local` speaks OpenAI's format).
fn stem(kind: LlmProviderKind) -> &'static str {
    match kind {
        LlmProviderKind::Anthropic => "anthropic",
        LlmProviderKind::Gemini => "gemini",
        _ => "openai",
    }
}

fn answer(kind: LlmProviderKind) -> Reply {
    Reply::json(200, &fixture(&format!("{}_answer.json", stem(kind))))
}

fn stream_fixture(kind: LlmProviderKind) -> String {
    match kind {
        LlmProviderKind::Local => fixture("ollama_stream.sse"),
        k => fixture(&format!("{}_stream.sse", stem(k))),
    }
}

async fn collect(p: &dyn Provider, r: &Request) -> (String, Vec<Result<Delta, LlmError>>) {
    let mut items = Vec::new();
    let mut s = p.stream(r);
    let mut text = String::new();
    while let Some(i) = s.next().await {
        if let Ok(Delta::Text(t)) = &i {
            text.push_str(t);
        }
        items.push(i);
    }
    (text, items)
}

#[tokio::test]
async fn a_normal_answer_from_each_provider() {
    for kind in KINDS {
        let m = Mock::start(vec![answer(kind)]).await;
        let p = provider(kind, &m);
        let r = req();
        let a = p.complete(&r).await.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert!(
            a.text.starts_with("Greta: merged launchpad-api#41."),
            "{kind:?}: {}",
            a.text
        );
        let got = &m.requests()[0];
        assert_eq!(got.method, "POST");
        assert_eq!(
            got.body,
            p.body(&r, false),
            "{kind:?}: the body sent is the body shown"
        );
        match kind {
            LlmProviderKind::Anthropic => {
                assert_eq!(got.path, "/messages");
                assert_eq!(got.header("x-api-key"), Some("test-key-123"));
                assert_eq!(got.header("anthropic-version"), Some("2023-06-01"));
                assert_eq!(got.header("authorization"), None);
                assert_eq!(a.usage.input_tokens, Some(812));
            }
            LlmProviderKind::Gemini => {
                assert_eq!(got.path, "/models/gemini-2.5-flash:generateContent");
                assert_eq!(got.header("x-goog-api-key"), Some("test-key-123"));
                assert!(!got.path.contains("key="), "never a key in the URL");
                assert_eq!(a.model, "gemini-2.5-flash");
            }
            _ => {
                assert_eq!(got.path, "/chat/completions");
                assert_eq!(got.header("authorization"), Some("Bearer test-key-123"));
                let v: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
                let cap = if kind == LlmProviderKind::Local {
                    "max_tokens"
                } else {
                    "max_completion_tokens"
                };
                assert_eq!(v[cap], 100, "{kind:?}");
                assert_eq!(v["messages"][0]["role"], "system");
            }
        }
    }
}

#[tokio::test]
async fn a_streamed_answer_from_each_provider() {
    for kind in KINDS {
        let m = Mock::start(vec![Reply::sse(&stream_fixture(kind))]).await;
        let p = provider(kind, &m);
        let (text, items) = collect(p.as_ref(), &req()).await;
        assert_eq!(text, "Greta: merged launchpad-api#41.", "{kind:?}");
        assert!(
            matches!(items.last(), Some(Ok(Delta::Done(_)))),
            "{kind:?}: {items:?}"
        );
        let got = &m.requests()[0];
        let v: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
        if kind == LlmProviderKind::Gemini {
            assert_eq!(got.path, "/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        } else {
            assert_eq!(v["stream"], true, "{kind:?}");
        }
    }
}

#[tokio::test]
async fn a_stream_cut_off_is_never_complete() {
    for kind in KINDS {
        // The connection drops after the first events (Gemini sends two in all).
        let cut_at = if kind == LlmProviderKind::Gemini { 1 } else { 2 };
        let m = Mock::start(vec![Reply::sse_cut(&stream_fixture(kind), cut_at)]).await;
        let p = provider(kind, &m);
        let (_, items) = collect(p.as_ref(), &req()).await;
        assert!(
            matches!(items.last(), Some(Err(LlmError::CutOff { .. }))),
            "{kind:?}: {items:?}"
        );
        assert!(!items.iter().any(|i| matches!(i, Ok(Delta::Done(_)))), "{kind:?}");
        // The body ends cleanly, but before the provider's end.
        let keep = match kind {
            LlmProviderKind::Anthropic => 7, // everything but message_stop
            LlmProviderKind::Gemini => 1,
            _ => 2, // text chunks only: no finish_reason, no [DONE]
        };
        let m = Mock::start(vec![Reply::sse_short(&stream_fixture(kind), keep)]).await;
        let p = provider(kind, &m);
        let r = req();
        let e = collect_stream(p.as_ref(), &r, |_| {}).await.unwrap_err();
        assert!(
            matches!(&e, LlmError::CutOff { partial, .. } if !partial.is_empty()),
            "{kind:?}: {e:?}"
        );
        assert!(e.to_string().contains("cut off"), "{e}");
    }
}

#[tokio::test]
async fn truncated_and_empty_answers_are_errors() {
    let streams = [
        (LlmProviderKind::Anthropic, "anthropic_stream_max_tokens.sse"),
        (LlmProviderKind::Openai, "openai_stream_length.sse"),
        (LlmProviderKind::Gemini, "gemini_stream_max_tokens.sse"),
    ];
    for (kind, file) in streams {
        let m = Mock::start(vec![Reply::sse(&fixture(file))]).await;
        let p = provider(kind, &m);
        let r = req();
        let e = collect_stream(p.as_ref(), &r, |_| {}).await.unwrap_err();
        assert!(
            matches!(&e, LlmError::Truncated { partial, .. } if partial.ends_with("Rui: AL")),
            "{kind:?}: {e:?}"
        );
    }
    // Whole answers: the stop reason says truncated, or the text is empty.
    let cut = fixture("anthropic_answer.json").replace("end_turn", "max_tokens");
    let empty = fixture("openai_answer.json").replace(
        "Greta: merged launchpad-api#41. Rui: ALP-94 blocked on the API contract.",
        "",
    );
    let refused = fixture("gemini_answer.json").replace("\"STOP\"", "\"SAFETY\"");
    let m = Mock::start(vec![Reply::json(200, &cut)]).await;
    let e = provider(LlmProviderKind::Anthropic, &m)
        .complete(&req())
        .await
        .unwrap_err();
    assert!(matches!(e, LlmError::Truncated { .. }), "{e:?}");
    let m = Mock::start(vec![Reply::json(200, &empty)]).await;
    let e = provider(LlmProviderKind::Openai, &m)
        .complete(&req())
        .await
        .unwrap_err();
    assert!(matches!(e, LlmError::Empty { .. }), "{e:?}");
    let m = Mock::start(vec![Reply::json(200, &refused)]).await;
    let e = provider(LlmProviderKind::Gemini, &m)
        .complete(&req())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, LlmError::Incomplete { reason, .. } if reason == "SAFETY"),
        "{e:?}"
    );
    // A whole body cut short.
    let half = fixture("openai_answer.json");
    let m = Mock::start(vec![Reply::json(200, &half[..half.len() / 2])]).await;
    let e = provider(LlmProviderKind::Openai, &m)
        .complete(&req())
        .await
        .unwrap_err();
    assert!(matches!(e, LlmError::CutOff { .. }), "{e:?}");
}

#[tokio::test]
async fn rate_limits_are_waited_out_as_asked() {
    let cases = [
        (
            LlmProviderKind::Anthropic,
            Reply::json(429, &fixture("anthropic_error_rate_limit.json")).header("retry-after", "1"),
            Duration::from_millis(950),
        ),
        (
            LlmProviderKind::Openai,
            Reply::json(429, &fixture("openai_error_rate_limit.json")).header("retry-after-ms", "400"),
            Duration::from_millis(380),
        ),
        (
            LlmProviderKind::Gemini,
            Reply::json(429, &fixture("gemini_error_rate_limit.json")),
            Duration::from_millis(950),
        ),
    ];
    for (kind, limited, at_least) in cases {
        let m = Mock::start(vec![limited, answer(kind)]).await;
        let p = provider(kind, &m);
        let t = Instant::now();
        let a = p
            .complete(&req())
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert!(t.elapsed() >= at_least, "{kind:?} waited only {:?}", t.elapsed());
        assert!(!a.text.is_empty());
        assert_eq!(m.requests().len(), 2, "{kind:?}");
    }
    // Asked to wait longer than the policy allows: reported, not slept.
    let m = Mock::start(vec![
        Reply::json(429, &fixture("anthropic_error_rate_limit.json")).header("retry-after", "3600"),
    ])
    .await;
    let e = provider(LlmProviderKind::Anthropic, &m)
        .complete(&req())
        .await
        .unwrap_err();
    assert!(matches!(e, LlmError::RateLimited { .. }), "{e:?}");
    assert!(e.to_string().contains("3600"), "{e}");
}

#[tokio::test]
async fn quota_exhausted_stops_at_once() {
    let cases = [
        (
            LlmProviderKind::Openai,
            Reply::json(429, &fixture("openai_error_quota.json")),
        ),
        (
            LlmProviderKind::Gemini,
            Reply::json(429, &fixture("gemini_error_quota.json")),
        ),
        (
            LlmProviderKind::Anthropic,
            Reply::json(400, &fixture("anthropic_error_billing.json")),
        ),
    ];
    for (kind, reply) in cases {
        let m = Mock::start(vec![reply, answer(kind)]).await;
        let e = provider(kind, &m).complete(&req()).await.unwrap_err();
        assert!(matches!(e, LlmError::QuotaExhausted { .. }), "{kind:?}: {e:?}");
        assert!(e.to_string().contains("quota exhausted"), "{e}");
        assert_eq!(m.requests().len(), 1, "{kind:?}: nothing more is sent");
    }
}

#[tokio::test]
async fn overloaded_is_retried_with_backoff_then_reported() {
    let over = |kind: LlmProviderKind| match kind {
        LlmProviderKind::Anthropic => Reply::json(529, &fixture("anthropic_error_overloaded.json")),
        LlmProviderKind::Gemini => Reply::json(503, &fixture("gemini_error_overloaded.json")),
        _ => Reply::json(503, &fixture("openai_error_overloaded.json")),
    };
    for kind in KINDS {
        let m = Mock::start(vec![over(kind), over(kind), answer(kind)]).await;
        let a = provider(kind, &m).complete(&req()).await;
        assert!(a.is_ok(), "{kind:?}: {a:?}");
        assert_eq!(m.requests().len(), 3, "{kind:?}");
        let m = Mock::start(vec![over(kind), over(kind), over(kind), answer(kind)]).await;
        let e = provider(kind, &m).complete(&req()).await.unwrap_err();
        assert!(
            matches!(e, LlmError::Overloaded { attempts: 3, .. }),
            "{kind:?}: {e:?}"
        );
        assert_eq!(m.requests().len(), 3, "{kind:?}: 1 try + 2 retries");
    }
    // Overloaded in the middle of a stream: the partial text is not complete.
    let m = Mock::start(vec![Reply::sse(&fixture("anthropic_stream_overloaded.sse"))]).await;
    let p = provider(LlmProviderKind::Anthropic, &m);
    let (text, items) = collect(p.as_ref(), &req()).await;
    assert_eq!(text, "Greta: ");
    assert!(
        matches!(items.last(), Some(Err(LlmError::Overloaded { .. }))),
        "{items:?}"
    );
}

#[tokio::test]
async fn auth_errors_name_the_key() {
    let cases = [
        (
            LlmProviderKind::Anthropic,
            Reply::json(401, &fixture("anthropic_error_auth.json")),
        ),
        (
            LlmProviderKind::Openai,
            Reply::json(401, &fixture("openai_error_auth.json")),
        ),
        (
            LlmProviderKind::Gemini,
            Reply::json(400, &fixture("gemini_error_auth.json")),
        ),
    ];
    for (kind, reply) in cases {
        let m = Mock::start(vec![reply]).await;
        let e = provider(kind, &m).complete(&req()).await.unwrap_err();
        assert!(matches!(e, LlmError::Auth { .. }), "{kind:?}: {e:?}");
        let msg = e.to_string();
        assert!(msg.contains("$TEST_LLM_KEY"), "{msg}");
        assert!(!msg.contains("test-key-123"), "never the key itself: {msg}");
    }
    // No key at all: said before anything is sent.
    let e = llm::from_config(&cfg(LlmProviderKind::Openai, "https://api.openai.com/v1"), None).err();
    assert!(e.is_some_and(|e| e.to_string().contains("OPENAI_API_KEY")));
}

fn prompt(n: usize) -> Prompt {
    Prompt {
        kind: "standup".into(),
        title: "Standup".into(),
        system: "You write standups.".into(),
        context: vec!["Team Orbital.".into()],
        sections: vec![Section {
            title: "Greta Moonfield".into(),
            items: (0..n)
                .map(|i| {
                    Item::new(
                        format!("ALP-{i} \"work item number {i}\" (In Progress)"),
                        (i % 7) as u32,
                        "standup.doing",
                    )
                    .label("doing")
                })
                .collect(),
            empty_note: "nothing".into(),
        }],
        task: "Write the standup.".into(),
        event_time: jiff::Timestamp::now(),
    }
}

#[tokio::test]
async fn context_too_long_shrinks_the_prompt_and_retries_once() {
    let ctx = |kind: LlmProviderKind| match kind {
        LlmProviderKind::Anthropic => Reply::json(400, &fixture("anthropic_error_context.json")),
        LlmProviderKind::Gemini => Reply::json(400, &fixture("gemini_error_context.json")),
        LlmProviderKind::Local => Reply::json(400, &fixture("llamacpp_error_context.json")),
        _ => Reply::json(400, &fixture("openai_error_context.json")),
    };
    for kind in KINDS {
        let m = Mock::start(vec![ctx(kind), Reply::sse(&stream_fixture(kind))]).await;
        let d = Drafter::new(provider(kind, &m), None).with_budget(1_000);
        let drafted = d
            .draft(&prompt(200))
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert!(drafted.shrunk, "{kind:?}");
        let reqs = m.requests();
        assert_eq!(reqs.len(), 2, "{kind:?}");
        assert!(
            reqs[1].body.len() < reqs[0].body.len() * 3 / 4,
            "{kind:?}: the second prompt is smaller"
        );
        // Still too long after shrinking: reported, no third try.
        let m = Mock::start(vec![ctx(kind), ctx(kind), answer(kind)]).await;
        let d = Drafter::new(provider(kind, &m), None).with_budget(1_000);
        let e = d.draft(&prompt(200)).await.unwrap_err();
        assert!(matches!(e, LlmError::ContextTooLong { .. }), "{kind:?}: {e:?}");
        assert_eq!(m.requests().len(), 2, "{kind:?}");
    }
}

#[tokio::test]
async fn the_same_input_twice_makes_one_provider_call() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t"), "t", &KeySource::ephemeral(), true).unwrap();
    for kind in KINDS {
        let m = Mock::start(vec![
            Reply::sse(&stream_fixture(kind)),
            Reply::sse(&stream_fixture(kind)),
        ])
        .await;
        let d = Drafter::new(provider(kind, &m), Some(&store));
        let p = prompt(5);
        let first = d.draft(&p).await.unwrap();
        let second = d.draft(&p).await.unwrap();
        assert!(!first.cached && second.cached, "{kind:?}");
        assert_eq!(first.text, second.text);
        assert_eq!(m.requests().len(), 1, "{kind:?}: one provider call");
        // Stored sealed with provenance, under the hash of the exact body.
        let prepared = d.prepare(&p).unwrap();
        let out = store.llm_output(&prepared.input_hash).unwrap().unwrap();
        assert_eq!(out.provider, llm::provider_name(kind));
        assert_eq!(out.fields_seen, ["standup.doing"]);
        assert_eq!(out.event_time, p.event_time);
        assert_eq!(out.text, first.text);
        // Streaming the same input is served from the store too.
        let mut seen = String::new();
        let third = d
            .draft_streaming(&p, &mut |t: &str| seen.push_str(t))
            .await
            .unwrap();
        assert!(third.cached && seen == first.text, "{kind:?}");
        assert_eq!(m.requests().len(), 1, "{kind:?}");
    }
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused() {
    let mut c = cfg(LlmProviderKind::Local, "http://llm.example.com/v1");
    let e = llm::from_config(&c, None)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("llm.base_url"), "{e}");
    c.base_url = "http://127.0.0.1:11434/v1".into();
    assert!(
        llm::from_config(&c, None).is_ok(),
        "loopback is allowed for local servers"
    );
    c.base_url.clear();
    let e = llm::from_config(&c, None)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("needs llm.base_url"), "{e}");
}

#[tokio::test]
async fn a_streamed_token_is_handed_on_within_50_ms_of_arriving() {
    for kind in KINDS {
        let mut reply = Reply::sse(&stream_fixture(kind));
        if let Reply::Chunks { delay, .. } = &mut reply {
            *delay = Duration::from_millis(100);
        }
        let m = Mock::start(vec![reply]).await;
        let p = provider(kind, &m);
        let r = req();
        let mut s = p.stream(&r);
        let mut first_text = None;
        while let Some(item) = s.next().await {
            if matches!(item, Ok(Delta::Text(_))) {
                first_text = Some(Instant::now());
                break;
            }
        }
        let got = first_text.expect("a text delta");
        // The chunk that carried the first text: the latest write before it.
        let sent = m
            .chunk_writes()
            .into_iter()
            .filter(|w| *w <= got)
            .max()
            .expect("a chunk write");
        let latency = got.duration_since(sent);
        println!(
            "{kind:?}: first token handed on {:.2} ms after the chunk left the server",
            latency.as_secs_f64() * 1000.0
        );
        assert!(latency < Duration::from_millis(50), "{kind:?}: {latency:?}");
    }
}

/// A local model that thinks 1.5 s between two pieces of its answer.
fn slow_stream() -> Reply {
    let text = fixture("ollama_stream.sse").replace("\r\n", "\n");
    let (first, rest) = text.split_once("\n\n").unwrap();
    Reply::Chunks {
        status: 200,
        headers: vec![("content-type".into(), "text/event-stream".into())],
        chunks: vec![format!("{first}\n\n").into_bytes(), rest.as_bytes().to_vec()],
        delay: Duration::from_millis(1500),
        cut: false,
    }
}

#[tokio::test]
async fn slow_local_models_wait_for_llm_read_timeout_secs_between_pieces() {
    // llm.timeout_secs bounds the wait for the answer to start, not the gaps
    // in it: a 1 s start timeout with a 3 s read timeout gets the whole answer.
    let m = Mock::start(vec![slow_stream()]).await;
    let mut c = cfg(LlmProviderKind::Local, &m.base);
    c.timeout_secs = 1;
    c.read_timeout_secs = 3;
    let p = from_config_with_retry(&c, None, fast()).unwrap();
    let (text, items) = collect(p.as_ref(), &req()).await;
    assert_eq!(text, "Greta: merged launchpad-api#41.");
    assert!(matches!(items.last(), Some(Ok(Delta::Done(_)))), "{items:?}");

    // A gap longer than llm.read_timeout_secs stops it, naming that setting,
    // and what arrived is never complete.
    let m = Mock::start(vec![slow_stream()]).await;
    c.base_url = m.base.clone();
    c.read_timeout_secs = 1;
    let p = from_config_with_retry(&c, None, fast()).unwrap();
    let (_, items) = collect(p.as_ref(), &req()).await;
    let last = items.last().unwrap().as_ref().unwrap_err();
    assert!(
        matches!(
            last,
            LlmError::Timeout {
                setting: "llm.read_timeout_secs",
                secs: 1,
                ..
            }
        ),
        "{last:?}"
    );
    assert!(last.to_string().contains("llm.read_timeout_secs"), "{last}");
}
