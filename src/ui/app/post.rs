//! Posting the team standup to Slack from the Standup tab: the exact text
//! is drafted and shown first ([`PostFlow::Confirm`]), `open` posts it and
//! `back` cancels; a failed post keeps the text on screen with the reason.
//!
//! Pure like the rest of [`App`]: drafting and posting go out as
//! [`Intent::PreparePost`] and [`Intent::Post`], and come back as
//! [`PostEvent`]s. Must not: post.

use super::{App, Intent};
use crate::ui::action::Action;

/// Posting the team standup to Slack.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PostFlow {
    /// Not posting.
    #[default]
    Idle,
    /// The Slack text is being drafted (job id).
    Preparing(u64),
    /// Shown, waiting for the viewer to confirm (`open`) or cancel (`back`).
    Confirm {
        /// Channel.
        channel: String,
        /// The exact text that will be posted.
        text: String,
        /// Lines scrolled.
        scroll: usize,
    },
    /// Sent; waiting for Slack's answer (job id).
    Posting {
        /// Job.
        job: u64,
        /// Channel.
        channel: String,
        /// Text sent.
        text: String,
    },
    /// Posted: Slack's message timestamp.
    Posted {
        /// Channel.
        channel: String,
        /// Message `ts`.
        ts: String,
    },
    /// Failed; why, with the text kept so nothing is lost.
    Failed {
        /// Channel.
        channel: String,
        /// The text that was not posted.
        text: String,
        /// Why.
        why: String,
        /// Lines scrolled.
        scroll: usize,
    },
}

impl PostFlow {
    /// Whether the post box is open (it takes the keys).
    pub fn is_open(&self) -> bool {
        !matches!(self, PostFlow::Idle | PostFlow::Posted { .. })
    }
}

/// What a posting job reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostEvent {
    /// The exact Slack text of the team standup, to show before posting.
    Preview {
        /// Job.
        job: u64,
        /// Channel.
        channel: String,
        /// Text.
        text: String,
    },
    /// Slack accepted the message (its `ts`) or refused it (why).
    Posted {
        /// Job.
        job: u64,
        /// `Ok(ts)` or `Err(why)`.
        result: Result<String, String>,
    },
}

impl App {
    /// Keys while the post box is open: `open` posts (when confirming),
    /// `back` closes, up/down scroll the text.
    pub(super) fn apply_post(&mut self, action: Action) -> Option<Intent> {
        let post = std::mem::take(&mut self.standup.post);
        self.dirty = true;
        let (next, intent) = match (post, action) {
            (_, Action::Quit) => {
                self.quit = true;
                (PostFlow::Idle, None)
            }
            (PostFlow::Confirm { channel, text, .. }, Action::Open) => {
                let job = self.next_job();
                let intent = Intent::Post {
                    job,
                    channel: channel.clone(),
                    text: text.clone(),
                };
                (PostFlow::Posting { job, channel, text }, Some(intent))
            }
            (PostFlow::Confirm { .. } | PostFlow::Failed { .. } | PostFlow::Preparing(_), Action::Back) => {
                self.sync.notice = Some("not posted".into());
                (PostFlow::Idle, None)
            }
            (
                PostFlow::Confirm {
                    channel,
                    text,
                    scroll,
                },
                a,
            ) => (
                PostFlow::Confirm {
                    channel,
                    scroll: scroll_by(scroll, a, self.page),
                    text,
                },
                None,
            ),
            (
                PostFlow::Failed {
                    channel,
                    text,
                    why,
                    scroll,
                },
                a,
            ) => (
                PostFlow::Failed {
                    channel,
                    text,
                    why,
                    scroll: scroll_by(scroll, a, self.page),
                },
                None,
            ),
            (other, _) => (other, None),
        };
        self.standup.post = next;
        intent
    }

    pub(super) fn on_post(&mut self, event: PostEvent) {
        let post = std::mem::take(&mut self.standup.post);
        self.standup.post = match (post, event) {
            (PostFlow::Preparing(j), PostEvent::Preview { job, channel, text }) if j == job => {
                PostFlow::Confirm {
                    channel,
                    text,
                    scroll: 0,
                }
            }
            (
                PostFlow::Posting {
                    job: j,
                    channel,
                    text,
                },
                PostEvent::Posted { job, result },
            ) if j == job => match result {
                Ok(ts) => {
                    self.sync.notice = Some(format!("standup posted to {channel}"));
                    PostFlow::Posted { channel, ts }
                }
                Err(why) => PostFlow::Failed {
                    channel,
                    text,
                    why,
                    scroll: 0,
                },
            },
            (
                PostFlow::Preparing(j),
                PostEvent::Posted {
                    job,
                    result: Err(why),
                },
            ) if j == job => PostFlow::Failed {
                channel: self
                    .standup_data()
                    .map(|d| d.slack_channel.clone())
                    .unwrap_or_default(),
                text: String::new(),
                why,
                scroll: 0,
            },
            (other, _) => other,
        };
        self.dirty = true;
    }
}

fn scroll_by(scroll: usize, action: Action, page: usize) -> usize {
    match action {
        Action::Up => scroll.saturating_sub(1),
        Action::Down => scroll + 1,
        Action::PageUp => scroll.saturating_sub(page),
        Action::PageDown => scroll + page,
        Action::Top => 0,
        _ => scroll,
    }
}
