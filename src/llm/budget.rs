//! Prompts as structures, and the token budget that fits them.
//!
//! Insight code (standup, retro, copilot) turns its structs into a
//! [`Prompt`]: fixed context lines, then sections of short items, each item
//! already through the redaction gate, with a weight saying how much it
//! matters. [`Prompt::fit`] renders the user text within a token budget,
//! dropping the least important items first and saying how many were left
//! out. Links stay local (the offline drafter shows them; the LLM sees ids).
//!
//! Token estimate: characters ÷ 4, rounded up (the usual rule of thumb for
//! English with BPE tokenizers; our prompts are mostly ids and short titles).

use std::collections::BTreeSet;

use jiff::Timestamp;
use serde::Serialize;

/// Characters per token in the estimate.
pub const CHARS_PER_TOKEN: usize = 4;

/// Tokens kept free per section for its "(+N more not shown)" line.
const SECTION_NOTE_TOKENS: usize = 7;

/// Estimated tokens of `s`.
pub fn estimate_tokens(s: &str) -> usize {
    s.chars().count().div_ceil(CHARS_PER_TOKEN)
}

/// One fact line of a prompt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// The line, already through the gate.
    pub text: String,
    /// Importance: higher is kept longer.
    pub weight: u32,
    /// Name of the insight field it carries (`standup.done`), for provenance.
    pub field: String,
    /// Group inside the section (`done`, `doing`, `blockers`), shown as a
    /// label before the text.
    pub label: Option<String>,
    /// Where to open it; shown by the offline drafter, never sent.
    pub link: Option<String>,
}

impl Item {
    /// An item with a weight and field name.
    pub fn new(text: impl Into<String>, weight: u32, field: impl Into<String>) -> Item {
        Item {
            text: text.into(),
            weight,
            field: field.into(),
            label: None,
            link: None,
        }
    }

    /// The same item in group `label`.
    pub fn label(mut self, label: impl Into<String>) -> Item {
        self.label = Some(label.into());
        self
    }

    /// The same item with a local link.
    pub fn link(mut self, link: Option<String>) -> Item {
        self.link = link;
        self
    }
}

/// A titled group of items (a person, "What went well").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Title.
    pub title: String,
    /// Items in display order.
    pub items: Vec<Item>,
    /// Said when the section has no items at all.
    pub empty_note: String,
}

/// A prompt before fitting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prompt {
    /// What it drafts (`standup`, `retro`, `copilot`).
    pub kind: String,
    /// Heading of the offline draft.
    pub title: String,
    /// Instructions for the model (system text).
    pub system: String,
    /// Lines always kept, first in the user text.
    pub context: Vec<String>,
    /// Sections of items.
    pub sections: Vec<Section>,
    /// The request, last in the user text.
    pub task: String,
    /// Event time of the newest input (UTC): the answer's retention counts from here.
    pub event_time: Timestamp,
}

/// A prompt rendered within a budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    /// The user text.
    pub user: String,
    /// Estimated tokens of system + user text.
    pub tokens: usize,
    /// Items kept.
    pub kept: usize,
    /// Items dropped for the budget.
    pub dropped: usize,
    /// Field names the text carries, sorted.
    pub fields_seen: Vec<String>,
}

fn item_line(i: &Item) -> String {
    match &i.label {
        Some(l) => format!("- {l}: {}", i.text),
        None => format!("- {}", i.text),
    }
}

impl Prompt {
    /// Items in all sections.
    pub fn item_count(&self) -> usize {
        self.sections.iter().map(|s| s.items.len()).sum()
    }

    /// Renders the user text within `budget` tokens (system text included).
    /// Items are taken by weight, heaviest first, then in order; once an item
    /// does not fit, every lighter item is dropped too, so a less important
    /// item never displaces a more important one.
    pub fn fit(&self, budget: usize) -> Fitted {
        let header = self.context.join("\n");
        let mut used = estimate_tokens(&self.system) + estimate_tokens(&header) + estimate_tokens(&self.task);
        used += self
            .sections
            .iter()
            // The title line, and room for a "(+N more not shown)" line.
            .map(|s| estimate_tokens(&format!("\n## {}\n", s.title)) + 1 + SECTION_NOTE_TOKENS)
            .sum::<usize>();
        let mut order: Vec<(usize, usize)> = self
            .sections
            .iter()
            .enumerate()
            .flat_map(|(si, s)| (0..s.items.len()).map(move |ii| (si, ii)))
            .collect();
        order.sort_by(|a, b| {
            let wa = self.sections[a.0].items[a.1].weight;
            let wb = self.sections[b.0].items[b.1].weight;
            wb.cmp(&wa).then(a.cmp(b))
        });
        let mut keep = vec![Vec::<bool>::new(); self.sections.len()];
        for (si, s) in self.sections.iter().enumerate() {
            keep[si] = vec![false; s.items.len()];
        }
        let mut cutoff: Option<u32> = None;
        for (si, ii) in order {
            let item = &self.sections[si].items[ii];
            if cutoff.is_some_and(|w| item.weight < w) {
                continue;
            }
            let cost = estimate_tokens(&item_line(item)) + 1;
            if used + cost <= budget {
                used += cost;
                keep[si][ii] = true;
            } else {
                cutoff.get_or_insert(item.weight);
            }
        }
        let mut out = header;
        let mut kept = 0;
        let mut dropped = 0;
        let mut fields = BTreeSet::new();
        for (si, s) in self.sections.iter().enumerate() {
            out.push_str(&format!("\n\n## {}", s.title));
            if s.items.is_empty() {
                out.push_str(&format!("\n- {}", s.empty_note));
                continue;
            }
            let mut left_out = 0;
            for (ii, item) in s.items.iter().enumerate() {
                if keep[si][ii] {
                    out.push('\n');
                    out.push_str(&item_line(item));
                    fields.insert(item.field.clone());
                    kept += 1;
                } else {
                    left_out += 1;
                }
            }
            if left_out > 0 {
                out.push_str(&format!("\n- (+{left_out} more not shown)"));
                dropped += left_out;
            }
        }
        if !self.task.is_empty() {
            out.push_str("\n\n");
            out.push_str(&self.task);
        }
        let tokens = estimate_tokens(&self.system) + estimate_tokens(&out);
        Fitted {
            user: out.trim_start().to_string(),
            tokens,
            kept,
            dropped,
            fields_seen: fields.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(items: Vec<Item>) -> Prompt {
        Prompt {
            kind: "t".into(),
            title: "T".into(),
            system: "sys".into(),
            context: vec!["ctx".into()],
            sections: vec![Section {
                title: "S".into(),
                items,
                empty_note: "none".into(),
            }],
            task: "do it".into(),
            event_time: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn least_important_items_go_first() {
        let p = prompt(vec![
            Item::new("a".repeat(40), 1, "low"),
            Item::new("b".repeat(40), 9, "high"),
            Item::new("c".repeat(40), 5, "mid"),
        ]);
        let all = p.fit(10_000);
        assert_eq!((all.kept, all.dropped), (3, 0));
        // Room for the "(+N more)" note is kept free, so this is one item short.
        let budget = all.tokens + SECTION_NOTE_TOKENS - 5;
        let tight = p.fit(budget);
        assert_eq!((tight.kept, tight.dropped), (2, 1));
        assert!(!tight.user.contains(&"a".repeat(40)));
        assert!(tight.user.contains("(+1 more not shown)"));
        assert_eq!(tight.fields_seen, ["high", "mid"]);
        assert!(tight.tokens <= budget);
    }

    #[test]
    fn estimate_is_chars_over_four() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abcd"), 1);
        assert_eq!(estimate_tokens("abcde"), 2);
    }
}
