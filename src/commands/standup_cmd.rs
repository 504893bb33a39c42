//! `standup`: the team's (or one person's) standup from the store, drafted by
//! the configured LLM or, by default, the offline drafter; `--post CHANNEL`
//! posts it to Slack after showing exactly what will be posted and asking.
//!
//! Also the helpers the `llm` commands share: loading activity, the API key,
//! the drafter.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use jiff::Timestamp;
use zeroize::Zeroizing;

use super::{load_config, open_store};
use crate::analytics::calendar::Calendar;
use crate::cli::GlobalArgs;
use crate::config::{Config, LlmProviderKind};
use crate::identity::Directory;
use crate::insight::standup::{Activity, team_standup};
use crate::llm::budget::Prompt;
use crate::llm::offline::{self, Format};
use crate::llm::redact::Redactor;
use crate::llm::{self, ApiKey, Drafter};
use crate::model::RecordKind;
use crate::sources::http::Auth;
use crate::sources::slack::SlackClient;
use crate::store::Store;

/// Options of `standup` (the lead maps the CLI flags onto these).
#[derive(Debug, Clone, Default)]
pub struct StandupOptions {
    /// `--person P`: only this person (cockpit name, or a unique first name).
    pub person: Option<String>,
    /// `--markdown`: Markdown instead of plain text.
    pub markdown: bool,
    /// `--post CHANNEL`: post to this Slack channel (id or name).
    pub post: Option<String>,
    /// `--yes`: post without asking (required when stdin is not a terminal).
    pub yes: bool,
    /// `--offline`: use the offline drafter even when an LLM is configured.
    pub offline: bool,
}

/// The records insights read.
pub(super) fn load_activity(store: &Store) -> anyhow::Result<Activity> {
    let mut records = Vec::new();
    for kind in [
        RecordKind::WorkItem,
        RecordKind::Sprint,
        RecordKind::PullRequest,
        RecordKind::Review,
        RecordKind::Message,
        RecordKind::Meeting,
    ] {
        records.extend(
            store
                .records(kind)
                .with_context(|| format!("cannot read the stored {kind} records"))?,
        );
    }
    Ok(Activity::from_records(records))
}

/// Configured people's cockpit names, in configuration order.
pub(super) fn people(cfg: &Config) -> Vec<String> {
    cfg.people.iter().map(|p| p.name.clone()).collect()
}

/// The LLM API key: the configured environment variable (or the provider's
/// usual one), else the token stored by `auth set llm`.
pub(super) fn api_key(cfg: &Config, store: &Store) -> anyhow::Result<Option<ApiKey>> {
    let env = llm::key_env(&cfg.llm);
    if !env.is_empty()
        && let Ok(v) = std::env::var(env)
        && !v.trim().is_empty()
    {
        return Ok(Some(ApiKey {
            secret: Arc::new(Zeroizing::new(v.trim().to_string())),
            source: format!("${env}"),
        }));
    }
    Ok(store.secret("llm")?.map(|s| ApiKey {
        secret: Arc::new(s),
        source: "the token stored by `auth set llm`".into(),
    }))
}

/// The drafter the configuration asks for (`offline` forces the template).
pub(super) fn drafter<'s>(
    cfg: &Config,
    store: &'s Store,
    format: Format,
    offline: bool,
) -> anyhow::Result<Drafter<'s>> {
    let provider = if offline || cfg.llm.provider == LlmProviderKind::Offline {
        Box::new(llm::offline::OfflineProvider) as Box<dyn llm::Provider>
    } else {
        llm::from_config(&cfg.llm, api_key(cfg, store)?)?
    };
    Ok(Drafter::new(provider, Some(store))
        .with_max_output_tokens(cfg.llm.max_output_tokens)
        .with_format(format))
}

/// Item links of a prompt as a "Sources" list, for LLM drafts (which carry
/// ids, not links).
pub(super) fn sources(prompt: &Prompt, format: Format) -> String {
    let mut out = String::new();
    for s in &prompt.sections {
        for i in &s.items {
            let Some(link) = &i.link else { continue };
            let label = i.text.split(" \"").next().unwrap_or(&i.text);
            out.push_str(&match format {
                Format::Slack => format!("• <{link}|{label}>\n"),
                Format::Markdown => format!("- [{label}]({link})\n"),
                Format::Plain => format!("  {label}  {link}\n"),
            });
        }
    }
    if out.is_empty() {
        return out;
    }
    let head = match format {
        Format::Slack => "_Sources_",
        Format::Markdown => "**Sources**",
        Format::Plain => "Sources:",
    };
    format!("\n{head}\n{out}")
}

/// Drafts `prompt`: the LLM's text plus its sources, or the offline draft.
/// An LLM failure is reported and the offline draft used instead.
pub(super) async fn draft_text(drafter: &Drafter<'_>, prompt: &Prompt, format: Format) -> String {
    if drafter.is_offline() {
        return offline::render(prompt, format);
    }
    match drafter.draft(prompt).await {
        Ok(d) => {
            if d.cached {
                eprintln!(
                    "(answer from the store: this input was drafted before by {} {})",
                    d.provider, d.model
                );
            } else if let Some(o) = &d.output {
                eprintln!(
                    "drafted by {} {}{}; the prompt carried {}",
                    o.provider,
                    o.model,
                    if d.shrunk { " (prompt shrunk to fit)" } else { "" },
                    o.fields_seen.join(", ")
                );
            }
            let title = match format {
                Format::Markdown => format!("# {}\n\n", prompt.title),
                Format::Slack => format!("*{}*\n", prompt.title),
                Format::Plain => format!("{}\n\n", prompt.title),
            };
            format!("{title}{}\n{}", d.text.trim_end(), sources(prompt, format))
        }
        Err(e) => {
            eprintln!("the LLM draft failed: {e}");
            if e.partial().is_some_and(|p| !p.is_empty()) {
                eprintln!("(its incomplete text is not used)");
            }
            eprintln!("showing the offline draft instead");
            offline::render(prompt, format)
        }
    }
}

/// `async-cockpit standup [--person P] [--markdown] [--offline] [--post CHANNEL [--yes]]`.
pub(super) async fn standup(g: &GlobalArgs, o: &StandupOptions) -> anyhow::Result<ExitCode> {
    let (cfg, _) = load_config(g)?;
    let store = open_store(g, &cfg, false)?;
    let act = load_activity(&store)?;
    let dir = Directory::from_config(&cfg);
    let names = people(&cfg);
    let cal = Calendar::from_team(&cfg.team);
    let team = team_standup(&act, &dir, &names, &cal, &cfg.team.name, Timestamp::now());
    if let Some(p) = &o.person {
        anyhow::ensure!(
            team.person(p).is_some(),
            "--person {p:?}: no such person in the configuration (people: {})",
            names.join(", ")
        );
    }
    let gate = Redactor::new(Some(&dir))?;
    let prompt = team.prompt(&gate, o.person.as_deref());
    let format = if o.post.is_some() {
        Format::Slack
    } else if o.markdown {
        Format::Markdown
    } else {
        Format::Plain
    };
    let d = drafter(&cfg, &store, format, o.offline)?;
    let text = draft_text(&d, &prompt, format).await;
    match &o.post {
        None => {
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Some(channel) => post(&cfg, &store, channel, &text, o.yes).await,
    }
}

/// Shows exactly what will be posted, asks, posts; on failure says why and
/// prints the text so nothing is lost.
async fn post(cfg: &Config, store: &Store, channel: &str, text: &str, yes: bool) -> anyhow::Result<ExitCode> {
    let rule = "-".repeat(60);
    println!("This exact text will be posted to Slack channel {channel}:\n{rule}\n{text}{rule}");
    let confirmed = if yes {
        true
    } else if std::io::stdin().is_terminal() {
        print!("Post it? [y/N] ");
        std::io::stdout().flush().ok();
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .context("cannot read the answer")?;
        matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
    } else {
        eprintln!(
            "not posted: standard input is not a terminal, so nobody can confirm; pass --yes to post anyway"
        );
        return Ok(ExitCode::from(2));
    };
    if !confirmed {
        eprintln!("not posted");
        return Ok(ExitCode::from(1));
    }
    let failed = |why: String| {
        eprintln!("posting to {channel} failed: {why}");
        eprintln!("the standup was not posted; its text is kept here:");
        print!("{text}");
        Ok(ExitCode::from(1))
    };
    let token = match super::sync_cmd::token(store, "slack", &cfg.slack.token_env) {
        Ok(t) => t,
        Err(e) => return failed(format!("{e:#}")),
    };
    let client = match SlackClient::new(&cfg.slack, Auth::Bearer(token), 5) {
        Ok(c) => c,
        Err(e) => return failed(e.to_string()),
    };
    match client.post_message(channel, text, None).await {
        Ok(ts) => {
            println!("posted to {channel} (message ts {ts})");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => failed(e.to_string()),
    }
}
