//! The redaction gate: every byte sent to an LLM provider passes it.
//!
//! Two layers:
//! 1. **Field values** (issue titles, PR titles, chat text, anything that came
//!    from a provider) go through [`Redactor::text`] when a prompt is built:
//!    code blocks, diffs, stack traces and pasted file contents are removed;
//!    provider tokens, keys, JWTs, connection-string passwords, secret
//!    assignments and high-entropy strings are replaced; emails and chat
//!    handles become the person's cockpit name (or a neutral placeholder).
//! 2. **The whole request body** is scanned once more with the secret rules
//!    ([`find_secrets`]) right before it leaves; a hit refuses the request.
//!
//! The rules live in one table, [`RULES`]: a name, a pattern and a sample the
//! pattern must catch. A unit test proves every rule catches its sample, so a
//! rule cannot silently rot. If any pattern fails to compile the gate fails
//! closed: nothing is sent.
//!
//! Must not: fetch, store, or log the text it is given.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::identity::Directory;
use crate::model::Source;

/// What a rule does with what it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A secret: replaced by `[redacted-<name>]` (only the `secret` group
    /// when the pattern names one, so `password=` stays readable). The
    /// marker matches no rule, so a redacted text scans clean.
    Secret,
    /// Code, a diff, a stack trace or file contents: the whole match is
    /// replaced by the given marker.
    Remove(&'static str),
}

/// One rule of the gate.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Short name, shown in the placeholder.
    pub name: &'static str,
    /// Regular expression (`regex` crate syntax).
    pub pattern: &'static str,
    /// A text the pattern must catch (tested).
    pub sample: &'static str,
    /// What happens to a match.
    pub action: Action,
}

const CODE: Action = Action::Remove("[code removed]");
const TRACE: Action = Action::Remove("[stack trace removed]");
const DIFF: Action = Action::Remove("[diff removed]");
const FILE: Action = Action::Remove("[file contents removed]");

/// The rule table, applied in this order (removals first, so a secret inside
/// a removed block never needs a rule of its own; specific token formats
/// before the generic ones).
///
/// Token formats are the ones providers document: GitHub (`ghp_` classic,
/// `gho_`/`ghu_`/`ghs_`/`ghr_` OAuth and app tokens, `github_pat_`
/// fine-grained), Slack (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxe-`,
/// `xapp-`, webhook URLs), AWS access key ids, Google API keys (`AIza`),
/// Anthropic (`sk-ant-`), OpenAI (`sk-`, `sk-proj-`), Atlassian API tokens
/// (`ATATT`), Zoom OAuth access tokens (JWTs whose header starts `{"sv":`).
pub const RULES: &[Rule] = &[
    Rule {
        name: "private-key",
        pattern: r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\z)",
        sample: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----",
        action: Action::Secret,
    },
    Rule {
        name: "code-block",
        // ``` anywhere (Slack fences inline); ~~~ only as a line's fence,
        // since Python 3.11 tracebacks underline with `~~~^^^`.
        pattern: r"(?s)```.*?(?:```|\z)|(?ms)^[ \t]*~~~[^\n]*\n.*?(?:^[ \t]*~~~[^\n]*$|\z)",
        sample: "see\n```\nfn main() {}\n```",
        action: CODE,
    },
    Rule {
        name: "diff",
        pattern: r"(?m)(?:^(?:diff --git |index [0-9a-f]{7,}\.\.|--- (?:a/|/dev/null)|\+\+\+ (?:b/|/dev/null)|@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@)[^\n]*(?:\n|\z))+(?:^(?:[-+ \\@]|diff |index |new file|deleted file|similarity|rename )[^\n]*(?:\n|\z))*",
        sample: "diff --git a/x.rs b/x.rs\n--- a/x.rs\n+++ b/x.rs\n@@ -1,2 +1,2 @@\n-let a = 1;\n+let a = 2;\n",
        action: DIFF,
    },
    Rule {
        name: "python-traceback",
        pattern: r"Traceback \(most recent call last\):[^\n]*(?:\n[ \t]+[^\n]*)*(?:\n[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)\b[^\n]*)?",
        sample: "Traceback (most recent call last):\n  File \"/app/job.py\", line 88, in run\n    plan()\nKeyError: 'tn_0042'",
        action: TRACE,
    },
    Rule {
        name: "java-trace",
        pattern: r"(?m)(?:^[^\n]*(?:Exception|Error|Throwable)\b[^\n]*\n)?(?:^[ \t]*(?:at [\w$.<>/]+\([^)\n]*\)|Caused by: [^\n]*|\.\.\. \d+ (?:more|common frames omitted))[ \t]*(?:\n|\z))+",
        sample: "java.lang.IllegalStateException: boom\n\tat com.acme.Job.run(Job.java:42)\n\tat java.base/java.lang.Thread.run(Thread.java:840)\n",
        action: TRACE,
    },
    Rule {
        name: "js-trace",
        pattern: r"(?m)(?:^[^\n]*(?:Error|Exception)\b[^\n]*\n)?(?:^[ \t]*at [^\n]*?:\d+:\d+\)?[ \t]*(?:\n|\z))+",
        sample: "TypeError: x is undefined\n    at render (/srv/app/index.js:10:5)\n    at node:internal/main:3:1\n",
        action: TRACE,
    },
    Rule {
        name: "rust-panic",
        pattern: r"(?m)thread '[^'\n]*' panicked at [^\n]*(?:\n[^\n]*)?(?:\nnote: [^\n]*)?(?:\nstack backtrace:(?:\n[ \t]+[^\n]*)*)?|^stack backtrace:(?:\n[ \t]+[^\n]*)+",
        sample: "thread 'main' panicked at src/main.rs:4:5:\nattempt to divide by zero\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
        action: TRACE,
    },
    Rule {
        name: "file-contents",
        pattern: r"(?m)(?:^(?:[ \t]{4,}|\t)[^\n]*(?:\n|\z)|^[^\n]*[;{}][ \t]*(?:\n|\z)|^[ \t]*(?:#include|import |from \S+ import|def |fn |pub fn |func |function |class |package |use |const |let |var |<\?xml|<[a-zA-Z][\w-]*[ >])[^\n]*(?:\n|\z)|^[ \t]*\[[\w.-]+\][ \t]*(?:\n|\z)){3,}",
        sample: "[server]\nport = 8080;\n    host = \"0.0.0.0\"\n",
        action: FILE,
    },
    Rule {
        name: "github-token",
        pattern: r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b",
        sample: "ghp_DEMOfakeDEMOfakeDEMOfakeDEMOfake0000",
        action: Action::Secret,
    },
    Rule {
        name: "github-pat",
        pattern: r"\bgithub_pat_[A-Za-z0-9_]{22,255}\b",
        sample: "github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ0123456789abcdefghijklmnopqrstuv",
        action: Action::Secret,
    },
    Rule {
        name: "slack-token",
        pattern: r"\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{10,}",
        sample: "xoxb-000000000000-000000000000-DEMOFAKEtokenDEMOFAKEtok",
        action: Action::Secret,
    },
    Rule {
        name: "slack-webhook",
        pattern: r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]+",
        sample: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        action: Action::Secret,
    },
    Rule {
        name: "aws-access-key",
        pattern: r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b",
        sample: "AKIAIOSFODNN7EXAMPLE",
        action: Action::Secret,
    },
    Rule {
        name: "google-api-key",
        pattern: r"\bAIza[0-9A-Za-z_-]{35}",
        sample: "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",
        action: Action::Secret,
    },
    Rule {
        name: "anthropic-key",
        pattern: r"\bsk-ant-[A-Za-z0-9_-]{20,}",
        sample: "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF-abcdefAA",
        action: Action::Secret,
    },
    Rule {
        name: "openai-key",
        pattern: r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",
        sample: "sk-proj-abcdefghijklmnopqrstuvwxyzABCDEFGH0123456789",
        action: Action::Secret,
    },
    Rule {
        name: "atlassian-token",
        pattern: r"\bAT(?:ATT|CTT)[A-Za-z0-9_=-]{20,}",
        sample: "ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123456789=A1B2C3D4",
        action: Action::Secret,
    },
    Rule {
        name: "zoom-token",
        pattern: r"\beyJzdiI6[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+",
        sample: "eyJzdiI6IjAwMDAwMSIsImFsZyI6IkhTNTEyIn0.eyJhdWQiOiJodHRwczovL29hdXRoLnpvb20udXMifQ.c2lnbmF0dXJlLXBhcnQtaGVyZQ",
        action: Action::Secret,
    },
    Rule {
        name: "jwt",
        pattern: r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        sample: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        action: Action::Secret,
    },
    Rule {
        name: "bearer",
        pattern: r"(?i)\bbearer\s+(?P<secret>[A-Za-z0-9._~+/=-]{16,})",
        sample: "Authorization: Bearer abcdef0123456789abcdef",
        action: Action::Secret,
    },
    Rule {
        name: "connection-string",
        pattern: r#"\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://(?P<secret>[^\s:/@"'<>]+:[^\s@/"'<>]+)@"#,
        sample: "postgres://app:hunter2@db.internal:5432/main",
        action: Action::Secret,
    },
    Rule {
        name: "assignment",
        pattern: r#"(?i)\b[\w.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|credentials?)["']?\s*[:=]\s*["']?(?P<secret>[^\s"'`,;\[\]<>]{3,})"#,
        sample: "DB_PASSWORD=correct-horse-battery",
        action: Action::Secret,
    },
];

/// Shortest string the entropy check looks at.
pub const ENTROPY_MIN_LEN: usize = 24;
/// Shannon entropy (bits per character) from which such a string is a secret.
/// Hex digests (≤ 4.0 by construction), UUIDs and identifiers stay below.
pub const ENTROPY_THRESHOLD: f64 = 4.0;
const ENTROPY_CANDIDATE: &str = r"[A-Za-z0-9+=_-]{24,}";
/// A sample the entropy check must catch (tested).
pub const ENTROPY_SAMPLE: &str = "Zq3vN8xL2pR7tY5wK9mB4cF6hJ1gD0sA";

const EMAIL: &str = r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b";
const SLACK_MENTION: &str = r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>";
const SLACK_CHANNEL: &str = r"<#[CG][A-Z0-9]+(?:\|([^>]*))?>";
const SLACK_SPECIAL: &str = r"<!(?:subteam\^[A-Z0-9]+(?:\|([^>]*))?|(here|channel|everyone))>";
const SLACK_LINK: &str = r"<(https?://[^|>\s]+)(?:\|([^>]*))?>";

struct Compiled {
    rules: Vec<(Rule, Regex)>,
    entropy: Regex,
    email: Regex,
    mention: Regex,
    channel: Regex,
    special: Regex,
    link: Regex,
}

fn compile() -> Result<Compiled, String> {
    let re = |p: &str| Regex::new(p).map_err(|e| format!("redaction pattern {p:?}: {e}"));
    Ok(Compiled {
        rules: RULES
            .iter()
            .map(|r| re(r.pattern).map(|x| (*r, x)))
            .collect::<Result<_, _>>()?,
        entropy: re(ENTROPY_CANDIDATE)?,
        email: re(EMAIL)?,
        mention: re(SLACK_MENTION)?,
        channel: re(SLACK_CHANNEL)?,
        special: re(SLACK_SPECIAL)?,
        link: re(SLACK_LINK)?,
    })
}

static COMPILED: LazyLock<Result<Compiled, String>> = LazyLock::new(compile);

/// The gate could not start (a pattern did not compile): nothing may be sent.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the redaction gate is broken ({0}); nothing is sent to an LLM until it is fixed")]
pub struct GateBroken(pub String);

fn compiled() -> Result<&'static Compiled, GateBroken> {
    COMPILED.as_ref().map_err(|e| GateBroken(e.clone()))
}

/// Shannon entropy of `s`, bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[usize::from(b)] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether a candidate string looks like a random secret: long enough, a
/// digit and a letter, entropy over the threshold.
pub fn is_high_entropy(s: &str) -> bool {
    s.len() >= ENTROPY_MIN_LEN
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().any(|b| b.is_ascii_alphabetic())
        && shannon_entropy(s) >= ENTROPY_THRESHOLD
}

/// Names of the secret rules (and `high-entropy`) that match somewhere in
/// `text`. Empty means clean.
///
/// # Errors
/// [`GateBroken`] when the rules did not compile.
pub fn find_secrets(text: &str) -> Result<Vec<&'static str>, GateBroken> {
    let mut hits = scan_body(text)?;
    let c = compiled()?;
    if c.entropy.find_iter(text).any(|m| is_high_entropy(m.as_str())) {
        hits.push("high-entropy");
    }
    Ok(hits)
}

/// The last check on a request body: names of the secret-format rules that
/// match anywhere in it (the entropy check is left out here, since model
/// names and ids in the envelope are ours; every field value already passed
/// it). Empty means clean.
///
/// # Errors
/// [`GateBroken`] when the rules did not compile.
pub fn scan_body(text: &str) -> Result<Vec<&'static str>, GateBroken> {
    let c = compiled()?;
    Ok(c.rules
        .iter()
        .filter(|(r, re)| r.action == Action::Secret && re.is_match(text))
        .map(|(r, _)| r.name)
        .collect())
}

/// Text after the gate, with the names of the rules that changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    /// Safe text.
    pub text: String,
    /// Rules that fired (`github-token`, `code-block`, `email`, ...), in order.
    pub fired: Vec<&'static str>,
}

/// Applies the gate to field values; knows the directory so emails and chat
/// handles become cockpit names.
#[derive(Debug, Clone, Copy)]
pub struct Redactor<'d> {
    dir: Option<&'d Directory>,
}

impl<'d> Redactor<'d> {
    /// A redactor that names people through `dir` (or uses placeholders when
    /// `None`).
    ///
    /// # Errors
    /// [`GateBroken`] when the rules did not compile.
    pub fn new(dir: Option<&'d Directory>) -> Result<Redactor<'d>, GateBroken> {
        compiled()?;
        Ok(Redactor { dir })
    }

    /// The safe form of one field value.
    pub fn text(&self, input: &str) -> Redacted {
        let mut fired = Vec::new();
        let Ok(c) = compiled() else {
            // Unreachable after `new`; fail closed all the same.
            return Redacted {
                text: "[redacted]".into(),
                fired: vec!["gate-broken"],
            };
        };
        let mut text = input.replace("\r\n", "\n");
        for (rule, re) in &c.rules {
            if !re.is_match(&text) {
                continue;
            }
            fired.push(rule.name);
            text = re
                .replace_all(&text, |caps: &Captures<'_>| match rule.action {
                    Action::Remove(marker) => {
                        let whole = caps.get(0).map_or("", |m| m.as_str());
                        if whole.ends_with('\n') {
                            format!("{marker}\n")
                        } else {
                            marker.to_string()
                        }
                    }
                    Action::Secret => match (caps.get(0), caps.name("secret")) {
                        (Some(all), Some(secret)) => {
                            let a = all.as_str();
                            let start = secret.start() - all.start();
                            let end = secret.end() - all.start();
                            format!("{}[redacted-{}]{}", &a[..start], rule.name, &a[end..])
                        }
                        _ => format!("[redacted-{}]", rule.name),
                    },
                })
                .into_owned();
        }
        // Chat markup: mentions to names, channels and links to their labels.
        if c.mention.is_match(&text) {
            fired.push("chat-handle");
            text = c
                .mention
                .replace_all(&text, |caps: &Captures<'_>| {
                    let id = caps.get(1).map_or("", |m| m.as_str());
                    let name = self.dir.and_then(|d| {
                        d.resolve(Source::Slack, id)
                            .or_else(|| d.resolve(Source::SlackExport, id))
                    });
                    format!("@{}", name.unwrap_or("someone"))
                })
                .into_owned();
        }
        text = c
            .channel
            .replace_all(&text, |caps: &Captures<'_>| {
                format!("#{}", caps.get(1).map_or("channel", |m| m.as_str()))
            })
            .into_owned();
        text = c
            .special
            .replace_all(&text, |caps: &Captures<'_>| {
                let label = caps
                    .get(1)
                    .or_else(|| caps.get(2))
                    .map_or("group", |m| m.as_str().trim_start_matches('@'));
                format!("@{label}")
            })
            .into_owned();
        text = c
            .link
            .replace_all(&text, |caps: &Captures<'_>| {
                caps.get(2)
                    .or_else(|| caps.get(1))
                    .map_or(String::new(), |m| m.as_str().to_string())
            })
            .into_owned();
        if c.email.is_match(&text) {
            fired.push("email");
            text = c
                .email
                .replace_all(&text, |caps: &Captures<'_>| {
                    let email = caps.get(0).map_or("", |m| m.as_str());
                    self.dir
                        .and_then(|d| d.by_email(email))
                        .map_or_else(|| "[email]".to_string(), str::to_string)
                })
                .into_owned();
        }
        let before = text.clone();
        text = c
            .entropy
            .replace_all(&text, |caps: &Captures<'_>| {
                let s = caps.get(0).map_or("", |m| m.as_str());
                if is_high_entropy(s) {
                    "[redacted-high-entropy]".to_string()
                } else {
                    s.to_string()
                }
            })
            .into_owned();
        if text != before {
            fired.push("high-entropy");
        }
        Redacted { text, fired }
    }

    /// The safe form of a value, on one line (newlines become ` / `), at most
    /// `max_chars` characters: for titles and chat lines inside a prompt.
    pub fn line(&self, input: &str, max_chars: usize) -> String {
        let safe = self.text(input).text;
        let joined = safe
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" / ");
        if joined.chars().count() > max_chars {
            let cut: String = joined.chars().take(max_chars.saturating_sub(1)).collect();
            format!("{}…", cut.trim_end())
        } else {
            joined
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        assert!(compiled().is_ok(), "{:?}", compiled().err());
    }

    #[test]
    fn every_rule_catches_its_sample() {
        let Ok(c) = compiled() else {
            panic!("gate broken");
        };
        for (rule, re) in &c.rules {
            assert!(re.is_match(rule.sample), "rule {} misses its sample", rule.name);
            let r = Redactor::new(None).map(|r| r.text(rule.sample));
            let out = r.map(|r| r.text).unwrap_or_default();
            assert!(
                !out.contains(rule.sample),
                "rule {} leaves its sample: {out}",
                rule.name
            );
        }
        assert!(is_high_entropy(ENTROPY_SAMPLE));
    }

    #[test]
    fn secret_rules_replace_only_the_secret_group() {
        let r = Redactor::new(None).ok();
        let out = r.map(|r| r.text("DB_PASSWORD=correct-horse-battery and go").text);
        assert_eq!(out.as_deref(), Some("DB_PASSWORD=[redacted-assignment] and go"));
    }

    #[test]
    fn hex_digests_and_uuids_are_not_secrets() {
        assert!(!is_high_entropy("3f786850e387550fdab836ed7e6dc881de23001b"));
        assert!(!is_high_entropy("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!is_high_entropy("test_redaction_of_every_rule_2"));
    }
}
