//! Insights and the LLM layer on the demo organisation, generated through the
//! real binary (`--data-dir TMP demo --headless`, XDG folders in TMP): the
//! offline drafter writes a standup for every person; a copilot question from
//! a viewer without a strategic role never carries another person's
//! individual figures; the retrospective has numbers; and the prompt-token
//! benchmark (team standup prompt against a naive prompt holding the same
//! raw activity).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use async_cockpit::access::Viewer;
use async_cockpit::analytics::calendar::Calendar;
use async_cockpit::config::{Config, LlmConfig, LlmProviderKind};
use async_cockpit::identity::Directory;
use async_cockpit::insight::copilot::retrieve;
use async_cockpit::insight::retro::retro;
use async_cockpit::insight::standup::{Activity, ItemKind, TeamStandup, pr_id, team_standup};
use async_cockpit::llm::budget::estimate_tokens;
use async_cockpit::llm::offline::{Format, render};
use async_cockpit::llm::redact::Redactor;
use async_cockpit::llm::{self, ApiKey, Drafter};
use async_cockpit::model::{Record, RecordKind};
use async_cockpit::store::{KeySource, Store};
use jiff::Timestamp;
use zeroize::Zeroizing;

struct Demo {
    _home: tempfile::TempDir,
    act: Activity,
    cfg: Config,
    now: Timestamp,
}

fn demo_config() -> Config {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo/config.toml");
    Config::from_toml(&std::fs::read_to_string(&path).unwrap(), &path).unwrap()
}

fn generate(home: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_async-cockpit"))
        .args(["--data-dir", home.to_str().unwrap(), "demo", "--headless"])
        .env("XDG_CONFIG_HOME", home.join("cfg"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("ASYNC_COCKPIT_PASSPHRASE")
        .env_remove("ASYNC_COCKPIT_CONFIG")
        .env_remove("CREDENTIALS_DIRECTORY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The demo store, generated once for all tests of this file.
fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let home = tempfile::tempdir().unwrap();
        generate(home.path());
        let key = KeySource::resolve(&home.path().join("cfg/async-cockpit/key")).unwrap();
        let store = Store::open(&home.path().join("demo"), "demo", &key, false).unwrap();
        let mut records: Vec<Record> = Vec::new();
        for kind in RecordKind::ALL {
            records.extend(store.records(kind).unwrap());
        }
        let act = Activity::from_records(records);
        // The demo's present: the replay server shifts it by whole weeks, so
        // on a Sunday its latest activity is days old. Standups are computed
        // an hour after the latest recorded activity, whatever the weekday.
        let wall = Timestamp::now();
        let latest = act
            .items
            .iter()
            .map(|i| i.updated)
            .chain(act.prs.iter().map(|p| p.updated))
            .chain(act.reviews.iter().map(|r| r.submitted))
            .chain(act.messages.iter().map(|m| m.meta.event_time))
            .filter(|t| *t <= wall)
            .max()
            .unwrap_or(wall);
        let now = latest
            .checked_add(jiff::SignedDuration::from_hours(1))
            .unwrap()
            .min(wall);
        Demo {
            _home: home,
            act,
            cfg: demo_config(),
            now,
        }
    })
}

fn names(cfg: &Config) -> Vec<String> {
    cfg.people.iter().map(|p| p.name.clone()).collect()
}

fn standup(d: &Demo) -> TeamStandup {
    let dir = Directory::from_config(&d.cfg);
    let cal = Calendar::from_team(&d.cfg.team);
    team_standup(&d.act, &dir, &names(&d.cfg), &cal, &d.cfg.team.name, d.now)
}

#[test]
fn the_offline_drafter_writes_a_standup_for_every_person() {
    let d = demo();
    let team = standup(d);
    let dir = Directory::from_config(&d.cfg);
    let gate = Redactor::new(Some(&dir)).unwrap();
    let team_text = render(&team.prompt(&gate, None), Format::Plain);
    println!("{team_text}");
    let mut with_activity = 0;
    for name in names(&d.cfg) {
        let p = team
            .person(&name)
            .unwrap_or_else(|| panic!("no standup for {name}"));
        let prompt = team.prompt(&gate, Some(&name));
        let text = render(&prompt, Format::Plain);
        assert!(text.starts_with(&format!("Standup: {name}, ")), "{text}");
        assert!(
            team_text.contains(&format!("\n{name}\n")),
            "{name} missing from the team standup"
        );
        // Same input, same text.
        assert_eq!(text, render(&team.prompt(&gate, Some(&name)), Format::Plain));
        if !p.is_empty() {
            with_activity += 1;
            // Every item keeps its source link.
            for it in p.done.iter().chain(&p.doing).chain(&p.blockers) {
                assert!(
                    it.link.as_deref().is_some_and(|l| l.starts_with("http")),
                    "{it:?}"
                );
            }
        }
        let md = render(&prompt, Format::Markdown);
        assert!(md.starts_with(&format!("# Standup: {name}")), "{md}");
    }
    assert!(
        with_activity >= 8,
        "only {with_activity} people have activity on the last work day"
    );
    let all: Vec<_> = team
        .people
        .iter()
        .flat_map(|p| p.done.iter().chain(&p.doing).chain(&p.blockers))
        .collect();
    for kind in [
        ItemKind::IssueInProgress,
        ItemKind::PrOpen,
        ItemKind::IssueBlocked,
    ] {
        assert!(
            all.iter().any(|i| i.kind == kind),
            "no {kind:?} item in the demo standup"
        );
    }
    assert!(
        all.iter().any(|i| matches!(
            i.kind,
            ItemKind::IssueDone | ItemKind::PrMerged | ItemKind::ReviewGiven
        )),
        "nothing done on the last work day"
    );
}

#[test]
fn the_demo_standup_request_carries_no_secret() {
    let d = demo();
    let dir = Directory::from_config(&d.cfg);
    let gate = Redactor::new(Some(&dir)).unwrap();
    let prompt = standup(d).prompt(&gate, None);
    let cfg = LlmConfig {
        provider: LlmProviderKind::Anthropic,
        model: "claude-sonnet-4-5".into(),
        ..LlmConfig::default()
    };
    let key = ApiKey {
        secret: Arc::new(Zeroizing::new("k".into())),
        source: "$K".into(),
    };
    let drafter = Drafter::new(llm::from_config(&cfg, Some(key)).unwrap(), None);
    let p = drafter.prepare(&prompt).unwrap();
    let body = String::from_utf8_lossy(&p.body);
    for needle in [
        "xoxb-",
        "ghp_",
        "Traceback",
        "tn_legacy_0042",
        "@example.com",
        "<@U",
    ] {
        assert!(!body.contains(needle), "{needle} in the request body");
    }
    // Each person appears by cockpit name.
    for n in names(&d.cfg) {
        assert!(body.contains(&n), "{n} missing");
    }
}

#[test]
fn a_copilot_question_from_an_engineer_never_carries_others_figures() {
    let d = demo();
    let dir = Directory::from_config(&d.cfg);
    let gate = Redactor::new(Some(&dir)).unwrap();
    let cal = Calendar::from_team(&d.cfg.team);
    let people = names(&d.cfg);
    let question = "How many PRs did Rui merge, how many reviews did Oskar give, what is Tobias \
                    working on, how many meeting hours did Priya have, and how am I doing?";
    let ines = Viewer {
        name: "Ines Quillfeather".into(),
        roles: vec![],
    };
    let ctx = retrieve(question, &ines, &d.act, &dir, &people, &cal, d.now);
    assert!(ctx.subjects_read.is_empty(), "{:?}", ctx.subjects_read);
    assert!(
        ctx.facts
            .iter()
            .all(|f| f.subject.as_deref().is_none_or(|s| s == ines.name))
    );
    assert!(!ctx.withheld.is_empty());
    let prompt = ctx.prompt(&gate, &ines.role_label());
    let fitted = prompt.fit(100_000);
    // Only the question line may name the others.
    let facts: Vec<&str> = fitted
        .user
        .lines()
        .filter(|l| !l.starts_with("Question:"))
        .collect();
    for other in people.iter().filter(|p| **p != ines.name) {
        let first = other.split_whitespace().next().unwrap();
        for l in &facts {
            assert!(
                !l.contains(first),
                "{other} named in a fact line for an engineer: {l}"
            );
        }
    }
    // Her own figures are there.
    assert!(
        facts
            .iter()
            .any(|l| l.contains("Ines Quillfeather, last 14 days")),
        "{}",
        fitted.user
    );
    println!("{}", fitted.user);

    // The same question from the engineering manager: individual figures,
    // each subject listed for the audit log.
    let greta = Viewer {
        name: "Greta Moonfield".into(),
        roles: vec!["engineering-manager".into()],
    };
    let ctx = retrieve(question, &greta, &d.act, &dir, &people, &cal, d.now);
    let read: BTreeSet<&str> = ctx.subjects_read.iter().map(String::as_str).collect();
    for who in ["Rui Solano-Vex", "Oskar Fennimore-Pike", "Tobias Wrenhaven"] {
        assert!(read.contains(who), "{who} not audited: {read:?}");
    }
}

#[test]
fn the_retrospective_of_the_last_sprint_has_numbers() {
    let d = demo();
    let cal = Calendar::from_team(&d.cfg.team);
    let r = retro(&d.act, &cal, "last", d.now).unwrap();
    assert!(r.committed_points > 0.0);
    assert!(!r.went_well.is_empty() || !r.slipped.is_empty());
    let dir = Directory::from_config(&d.cfg);
    let gate = Redactor::new(Some(&dir)).unwrap();
    let text = render(&r.prompt(&gate), Format::Plain);
    println!("{text}");
    assert!(text.contains("committed points"), "{text}");
    for c in &r.carry_over {
        assert!(!c.causes.is_empty());
    }
    assert!(retro(&d.act, &cal, "no such sprint", d.now).is_err());
}

/// The raw records behind the standup's items, as a naive prompt would hold them.
fn naive_prompt(d: &Demo, team: &TeamStandup) -> String {
    let items: Vec<_> = team
        .people
        .iter()
        .flat_map(|p| p.done.iter().chain(&p.doing).chain(&p.blockers))
        .collect();
    let ids: BTreeSet<&str> = items.iter().map(|i| i.id.as_str()).collect();
    let mut raw: Vec<serde_json::Value> = Vec::new();
    for w in &d.act.items {
        if ids.contains(w.key.as_str()) {
            raw.push(serde_json::to_value(w).unwrap());
        }
    }
    for p in &d.act.prs {
        if ids.contains(pr_id(&p.repo, p.number).as_str()) {
            raw.push(serde_json::to_value(p).unwrap());
        }
    }
    for r in &d.act.reviews {
        if r.submitted > team.since && ids.contains(pr_id(&r.repo, r.pr_number).as_str()) {
            raw.push(serde_json::to_value(r).unwrap());
        }
    }
    for m in &d.act.messages {
        if ids.contains(m.meta.source_id.as_str()) {
            raw.push(serde_json::to_value(m).unwrap());
        }
    }
    format!(
        "Write the daily standup of team {} from this activity of the last work day:\n{}",
        team.team,
        serde_json::to_string(&raw).unwrap()
    )
}

#[test]
fn benchmark_team_standup_prompt_tokens_against_a_naive_prompt() {
    let d = demo();
    let team = standup(d);
    let dir = Directory::from_config(&d.cfg);
    let gate = Redactor::new(Some(&dir)).unwrap();
    let prompt = team.prompt(&gate, None);
    let fitted = prompt.fit(llm::DEFAULT_PROMPT_BUDGET);
    let naive = naive_prompt(d, &team);
    let ours = fitted.tokens;
    let theirs = estimate_tokens(&naive);
    let share = ours as f64 / theirs as f64;
    println!(
        "team standup prompt: {ours} tokens ({} items kept, {} dropped); naive prompt with the same raw \
         activity: {theirs} tokens; ratio {:.1}% (goal <= 25%)",
        fitted.kept,
        fitted.dropped,
        share * 100.0
    );
    assert_eq!(fitted.dropped, 0, "the demo team standup fits the default budget");
    assert!(share <= 0.25, "{:.1}%", share * 100.0);
}
