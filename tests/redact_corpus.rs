//! The redaction gate: each rule catches its sample, and a corpus of secrets
//! and code (including the stack trace and fake tokens pasted in the demo
//! organisation's Slack) never appears in any request body, whatever the
//! provider.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::Arc;

use async_cockpit::config::{Config, LlmConfig, LlmProviderKind};
use async_cockpit::identity::Directory;
use async_cockpit::insight::standup::{ItemKind, PersonStandup, StandupItem, TeamStandup};
use async_cockpit::llm::redact::{self, Action, RULES, Redactor};
use async_cockpit::llm::{self, ApiKey, Drafter, Request};
use zeroize::Zeroizing;

fn demo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo")
}

fn demo_directory() -> Directory {
    let path = demo_dir().join("config.toml");
    let cfg = Config::from_toml(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
    Directory::from_config(&cfg)
}

/// Every message text of the demo's Slack (histories and thread replies).
fn demo_slack_texts() -> Vec<String> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [demo_dir().join("slack"), demo_dir().join("slack/replies")] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    for f in files {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for m in v["messages"].as_array().into_iter().flatten() {
            if let Some(t) = m["text"].as_str() {
                out.push(t.to_string());
            }
        }
    }
    out
}

/// Strings that must never reach a provider.
const NEEDLES: &[&str] = &[
    // The demo's pasted tokens and stack trace.
    "xoxb-000000000000-000000000000-DEMOFAKEtokenDEMOFAKEtok",
    "DEMOFAKEtokenDEMOFAKEtok",
    "ghp_DEMOfakeDEMOfakeDEMOfakeDEMOfake0000",
    "DEMOfakeDEMOfakeDEMOfakeDEMOfake0000",
    "Traceback (most recent call last)",
    "/app/telemetry/purge/job.py",
    "self.policies[row[",
    "KeyError: 'tn_legacy_0042'",
    "tn_legacy_0042",
    // Provider tokens and keys.
    "github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ0123456789abcdefghijklmnopqrstuv",
    "gho_16C7e42F292c6912E7710c838347Ae178B4a",
    "xoxp-1234567890-1234567890-1234567890-abcdefabcdefabcdefabcdefabcdef12",
    "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",
    "sk-proj-abcdefghijklmnopqrstuvwxyzABCDEFGH0123456789",
    "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF-abcdefAA",
    "ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123456789=A1B2C3D4",
    "eyJzdiI6IjAwMDAwMSIsImFsZyI6IkhTNTEyIn0",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0",
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    "S3cr3tP4ss",
    "hunter2hunter2",
    "correct-horse-battery",
    "Zq3vN8xL2pR7tY5wK9mB4cF6hJ1gD0sA",
    "abcdef0123456789abcdef",
    // Code, diffs, traces, file contents.
    "fn connect(url: &str)",
    "let pool = Pool::new",
    "+    retries: 5,",
    "@@ -10,7 +10,8 @@",
    "at com.kestrel.telemetry.Purge.run(Purge.java:42)",
    "at processTicksAndRejections (node:internal/process/task_queues:95:5)",
    "attempt to subtract with overflow",
    "listen_addr = \"0.0.0.0:8443\";",
    // Personal data replaced by names or placeholders.
    "U0812MS5LWM",
    "greta.moonfield@example.com",
    "someone.outside@contoso.example",
];

/// Texts as they could arrive in titles, descriptions and chat.
fn corpus() -> Vec<String> {
    let mut c: Vec<String> = [
        "use github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ0123456789abcdefghijklmnopqrstuv for CI",
        "oauth token gho_16C7e42F292c6912E7710c838347Ae178B4a leaked in logs",
        "user token xoxp-1234567890-1234567890-1234567890-abcdefabcdefabcdefabcdefabcdef12",
        "webhook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "aws_access_key_id=AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "maps key AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI in the frontend",
        "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyzABCDEFGH0123456789",
        "try sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF-abcdefAA",
        "jira token ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123456789=A1B2C3D4 expired",
        "zoom says eyJzdiI6IjAwMDAwMSIsImFsZyI6IkhTNTEyIn0.eyJhdWQiOiJodHRwczovL29hdXRoLnpvb20udXMifQ.c2lnbmF0dXJlLXBhcnQtaGVyZQ",
        "session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----\nthanks",
        "DATABASE_URL is postgres://app:S3cr3tP4ss@db.prod.internal:5432/telemetry",
        "login with password: hunter2hunter2 for now",
        "DB_PASSWORD=correct-horse-battery",
        "the signing secret is Zq3vN8xL2pR7tY5wK9mB4cF6hJ1gD0sA don't share",
        "curl -H 'Authorization: Bearer abcdef0123456789abcdef' https://api.example.com",
        "```rust\nfn connect(url: &str) -> Pool {\n    let pool = Pool::new(url);\n}\n```",
        "diff --git a/config.yaml b/config.yaml\n--- a/config.yaml\n+++ b/config.yaml\n@@ -10,7 +10,8 @@\n-    retries: 3,\n+    retries: 5,\n",
        "java.lang.NullPointerException: boom\n\tat com.kestrel.telemetry.Purge.run(Purge.java:42)\n\tat java.base/java.lang.Thread.run(Thread.java:840)",
        "TypeError: cannot read properties of undefined\n    at render (/srv/console/app.js:10:5)\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)",
        "thread 'main' panicked at src/purge.rs:88:5:\nattempt to subtract with overflow\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
        "the config now reads\n[server]\nlisten_addr = \"0.0.0.0:8443\";\n    tls = true\n",
        "Traceback (most recent call last):\n  File \"/app/telemetry/purge/job.py\", line 88, in run\n    for batch in self.plan(tenant):\nKeyError: 'tn_legacy_0042'",
        "ask <@U0812MS5LWM> or mail greta.moonfield@example.com, cc someone.outside@contoso.example",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    c.extend(demo_slack_texts());
    c
}

fn item(kind: ItemKind, id: &str, title: &str) -> StandupItem {
    StandupItem {
        kind,
        id: id.into(),
        title: title.into(),
        detail: Some(title.into()),
        link: None,
        at: None,
    }
}

/// A standup whose every title, detail and chat text is from the corpus.
fn standup_of(corpus: &[String]) -> TeamStandup {
    let mut p = PersonStandup {
        person: "Greta Moonfield".into(),
        done: Vec::new(),
        doing: Vec::new(),
        blockers: Vec::new(),
    };
    for (i, t) in corpus.iter().enumerate() {
        match i % 3 {
            0 => p
                .blockers
                .push(item(ItemKind::ChatBlocker, &format!("C1/{i}.0"), t)),
            1 => p.done.push(item(ItemKind::PrMerged, &format!("repo#{i}"), t)),
            _ => p
                .doing
                .push(item(ItemKind::IssueInProgress, &format!("ALP-{i}"), t)),
        }
    }
    TeamStandup {
        team: "Orbital Platform".into(),
        time_zone: "Europe/Berlin".into(),
        day: jiff::civil::date(2026, 1, 5),
        since: jiff::Timestamp::UNIX_EPOCH,
        as_of: jiff::Timestamp::UNIX_EPOCH,
        people: vec![p],
        unattributed: 0,
    }
}

fn escaped(needle: &str) -> String {
    let s = serde_json::to_string(needle).unwrap();
    s[1..s.len() - 1].to_string()
}

fn assert_clean(body: &[u8], what: &str) {
    let text = String::from_utf8_lossy(body);
    for n in NEEDLES {
        assert!(
            !text.contains(n) && !text.contains(&escaped(n)),
            "{what}: {n:?} reached the request body"
        );
    }
}

#[test]
fn each_rule_catches_its_sample() {
    let gate = Redactor::new(None).unwrap();
    for rule in RULES {
        let r = gate.text(rule.sample);
        assert!(
            r.fired.contains(&rule.name),
            "rule {} did not fire on its sample: {:?}",
            rule.name,
            r
        );
        assert!(
            !r.text.contains(rule.sample),
            "rule {} left its sample",
            rule.name
        );
        if rule.action == Action::Secret {
            assert!(
                redact::find_secrets(rule.sample).unwrap().contains(&rule.name),
                "the final scan misses {}",
                rule.name
            );
        }
    }
    assert!(redact::is_high_entropy(redact::ENTROPY_SAMPLE));
}

#[test]
fn the_demo_slack_really_holds_the_secrets_we_test() {
    let all = demo_slack_texts().join("\n");
    for n in [
        "xoxb-000000000000-000000000000-DEMOFAKEtokenDEMOFAKEtok",
        "ghp_DEMOfakeDEMOfakeDEMOfakeDEMOfake0000",
        "Traceback (most recent call last)",
        "KeyError: 'tn_legacy_0042'",
    ] {
        assert!(all.contains(n), "the demo no longer contains {n:?}");
    }
}

#[test]
fn no_secret_or_code_reaches_any_request_body() {
    let dir = demo_directory();
    let gate = Redactor::new(Some(&dir)).unwrap();
    let corpus = corpus();
    let prompt = standup_of(&corpus).prompt(&gate, None);
    for kind in [
        LlmProviderKind::Anthropic,
        LlmProviderKind::Openai,
        LlmProviderKind::Gemini,
        LlmProviderKind::Local,
    ] {
        let cfg = LlmConfig {
            provider: kind,
            model: "m".into(),
            base_url: "http://127.0.0.1:9/v1".into(),
            api_key_env: String::new(),
            timeout_secs: 5,
            read_timeout_secs: 5,
            max_output_tokens: 100,
        };
        let key = ApiKey {
            secret: Arc::new(Zeroizing::new("k".into())),
            source: "$K".into(),
        };
        let d = Drafter::new(llm::from_config(&cfg, Some(key)).unwrap(), None).with_budget(1_000_000);
        let p = d.prepare(&prompt).unwrap();
        assert_eq!(p.fitted.dropped, 0, "everything was in the prompt");
        assert_clean(&p.body, &format!("{kind:?} standup"));
        // Names stand in for handles and known emails.
        let body = String::from_utf8_lossy(&p.body);
        assert!(body.contains("@Greta Moonfield"), "{kind:?}");
        assert!(body.contains("[email]"), "{kind:?}");
        assert!(redact::scan_body(&body).unwrap().is_empty());
    }
    // Texts handed straight to a request pass the gate too.
    let raw = corpus.join("\n\n");
    let r = Request::new(&raw, &raw, 10).unwrap();
    assert_clean(r.system().as_bytes(), "Request::new system");
    assert_clean(r.user().as_bytes(), "Request::new user");
}

#[test]
fn ordinary_work_text_passes_unchanged() {
    let gate = Redactor::new(None).unwrap();
    for t in [
        "ALP-94 Confirm the telemetry API contract",
        "Merge launchpad-api#41: add retries to the uplink client",
        "blocked on ALP-99, waiting for review",
        "Reduce token usage of the standup prompt",
        "commit 3f786850e387550fdab836ed7e6dc881de23001b reverted",
    ] {
        assert_eq!(gate.text(t).text, t, "changed: {t}");
    }
}
