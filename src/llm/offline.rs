//! The offline drafter: the default when no LLM is configured. It writes
//! deterministic text from the same structured [`Prompt`] an LLM would get
//! (every item, not only those within the token budget, and with their
//! links), so a standup, a retrospective or a copilot answer works without
//! any network. Same input, same text, byte for byte.

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt};

use super::budget::Prompt;
use super::{Answer, Delta, LlmError, Provider, Request, Usage};
use crate::config::LlmProviderKind;

/// Model name recorded for offline drafts.
pub const OFFLINE_MODEL: &str = "template-v1";

/// How the draft is marked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain text for a terminal.
    #[default]
    Plain,
    /// Markdown (`--markdown`).
    Markdown,
    /// Slack `mrkdwn`, for `chat.postMessage`.
    Slack,
}

/// The deterministic draft of `prompt`.
pub fn render(prompt: &Prompt, format: Format) -> String {
    let mut out = String::new();
    match format {
        Format::Plain => out.push_str(&prompt.title),
        Format::Markdown => out.push_str(&format!("# {}", prompt.title)),
        Format::Slack => out.push_str(&format!("*{}*", prompt.title)),
    }
    out.push('\n');
    for s in &prompt.sections {
        out.push('\n');
        match format {
            Format::Plain => out.push_str(&s.title),
            Format::Markdown => out.push_str(&format!("## {}", s.title)),
            Format::Slack => out.push_str(&format!("*{}*", s.title)),
        }
        out.push('\n');
        if s.items.is_empty() {
            let note = match format {
                Format::Slack => format!("_{}_", s.empty_note),
                Format::Markdown => format!("_{}_", s.empty_note),
                Format::Plain => format!("  {}", s.empty_note),
            };
            out.push_str(&note);
            out.push('\n');
            continue;
        }
        let mut current: Option<&str> = None;
        for item in &s.items {
            let label = item.label.as_deref();
            if label != current {
                if let Some(l) = label {
                    let head = capitalise(l);
                    match format {
                        Format::Plain => out.push_str(&format!("  {head}:\n")),
                        Format::Markdown => out.push_str(&format!("**{head}**\n")),
                        Format::Slack => out.push_str(&format!("_{head}_\n")),
                    }
                }
                current = label;
            }
            let indent = if label.is_some() { "    " } else { "  " };
            let line = match (format, &item.link) {
                (Format::Plain, Some(u)) => format!("{indent}- {} <{u}>", item.text),
                (Format::Plain, None) => format!("{indent}- {}", item.text),
                (Format::Markdown, Some(u)) => format!("- {} ([link]({u}))", item.text),
                (Format::Markdown, None) => format!("- {}", item.text),
                (Format::Slack, Some(u)) => format!("• {} <{u}|link>", slack_escape(&item.text)),
                (Format::Slack, None) => format!("• {}", slack_escape(&item.text)),
            };
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Slack's three control characters in text.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The offline provider: answers with the draft attached to the request
/// (see [`Request::with_offline`]); never touches the network.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineProvider;

impl OfflineProvider {
    fn text(req: &Request) -> String {
        req.offline()
            .map_or_else(|| req.user().to_string(), str::to_string)
    }
}

impl Provider for OfflineProvider {
    fn kind(&self) -> LlmProviderKind {
        LlmProviderKind::Offline
    }

    fn model(&self) -> &str {
        OFFLINE_MODEL
    }

    fn endpoint(&self, _stream: bool) -> String {
        String::new()
    }

    fn body(&self, req: &Request, _stream: bool) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "system": req.system(),
            "user": req.user(),
            "max_output_tokens": req.max_output_tokens(),
        }))
        .unwrap_or_default()
    }

    fn complete<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Answer, LlmError>> {
        async move {
            Ok(Answer {
                text: Self::text(req),
                model: OFFLINE_MODEL.to_string(),
                usage: Usage::default(),
            })
        }
        .boxed()
    }

    fn stream<'a>(&'a self, req: &'a Request) -> BoxStream<'a, Result<Delta, LlmError>> {
        futures_util::stream::iter([
            Ok(Delta::Text(Self::text(req))),
            Ok(Delta::Done(Usage::default())),
        ])
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::budget::{Item, Section};

    #[test]
    fn groups_by_label_with_links_and_is_deterministic() {
        let p = Prompt {
            kind: "standup".into(),
            title: "Standup".into(),
            system: String::new(),
            context: vec![],
            sections: vec![
                Section {
                    title: "Ada".into(),
                    items: vec![
                        Item::new("ALP-1 Fix <x>", 3, "done")
                            .label("done")
                            .link(Some("https://j/ALP-1".into())),
                        Item::new("ALP-2 Build", 2, "doing").label("doing"),
                    ],
                    empty_note: "nothing".into(),
                },
                Section {
                    title: "Bob".into(),
                    items: vec![],
                    empty_note: "nothing recorded".into(),
                },
            ],
            task: String::new(),
            event_time: jiff::Timestamp::UNIX_EPOCH,
        };
        let plain = render(&p, Format::Plain);
        assert_eq!(
            plain,
            "Standup\n\nAda\n  Done:\n    - ALP-1 Fix <x> <https://j/ALP-1>\n  Doing:\n    - ALP-2 Build\n\nBob\n  nothing recorded\n"
        );
        assert_eq!(plain, render(&p, Format::Plain));
        assert!(render(&p, Format::Slack).contains("• ALP-1 Fix &lt;x&gt; <https://j/ALP-1|link>"));
    }
}
