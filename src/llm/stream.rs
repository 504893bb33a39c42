//! A streamed answer as a [`futures_util::Stream`] of [`Delta`]s: the SSE
//! body read chunk by chunk (each read under `llm.read_timeout_secs`), events
//! folded by the wire format, and a last item that is [`Delta::Done`] only
//! when the provider finished normally (see [`super::transport`]).

use std::collections::VecDeque;

use serde_json::Value;

use super::classify::{Failure, classify, retry_after};
use super::sse::Parser;
use super::transport::{HttpProvider, finish};
use super::wire::StreamState;
use super::{Delta, LlmError};
use crate::sources::http::Streaming;

struct OpenStream {
    resp: Streaming,
    parser: Parser,
    st: StreamState,
}

enum Phase {
    Start,
    Open(Box<OpenStream>),
    Done,
}

pub(super) struct StreamRun<'a> {
    p: &'a HttpProvider,
    body: Option<Vec<u8>>,
    phase: Phase,
    pending: VecDeque<Result<Delta, LlmError>>,
}

impl<'a> StreamRun<'a> {
    /// A stream that will send `body` through `p`.
    pub(super) fn new(p: &'a HttpProvider, body: Vec<u8>) -> StreamRun<'a> {
        StreamRun {
            p,
            body: Some(body),
            phase: Phase::Start,
            pending: VecDeque::new(),
        }
    }

    /// The final item once the provider's end is known (or the body ended).
    fn finish(&mut self, st: &mut StreamState, body_ended: bool) -> bool {
        let ended =
            st.finished || (body_ended && st.stop.is_some() && self.p.wire.stop_without_marker_is_complete());
        if !ended && !body_ended {
            return false;
        }
        let name = self.p.name();
        let text = std::mem::take(&mut st.text);
        let item = if ended {
            finish(name, text, st.stop.take(), st.usage, String::new()).map(|a| Delta::Done(a.usage))
        } else {
            Err(LlmError::CutOff {
                provider: name,
                partial: text,
            })
        };
        self.pending.push_back(item);
        true
    }

    pub(super) async fn next(mut self) -> Option<(Result<Delta, LlmError>, StreamRun<'a>)> {
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
                            self.phase = Phase::Open(Box::new(OpenStream {
                                resp,
                                parser: Parser::default(),
                                st: StreamState::default(),
                            }))
                        }
                        Err(e) => return Some((Err(e), self)),
                    }
                }
                Phase::Open(open) => {
                    let OpenStream {
                        mut resp,
                        mut parser,
                        mut st,
                    } = *open;
                    let name = self.p.name();
                    match tokio::time::timeout(self.p.read_timeout, resp.chunk()).await {
                        Err(_) => {
                            return Some((
                                Err(LlmError::Timeout {
                                    provider: name,
                                    secs: self.p.read_timeout.as_secs(),
                                    setting: "llm.read_timeout_secs",
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
                                self.phase = Phase::Open(Box::new(OpenStream { resp, parser, st }));
                            }
                        }
                    }
                }
            }
        }
    }
}
