//! `llm preview`, `llm ask` and `retro`: what would be sent to the LLM (and
//! sending nothing), a copilot question answered as it streams, and a
//! sprint's retrospective.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use jiff::Timestamp;
use zeroize::Zeroizing;

use super::standup_cmd::{api_key, draft_text, drafter, load_activity, people};
use super::{load_config, open_store, unix_user};
use crate::access::Viewer;
use crate::analytics::calendar::Calendar;
use crate::cli::GlobalArgs;
use crate::config::{Config, LlmProviderKind};
use crate::identity::Directory;
use crate::insight::copilot::{CopilotContext, retrieve};
use crate::insight::retro::retro as retro_of;
use crate::insight::standup::{Activity, team_standup};
use crate::llm::budget::Prompt;
use crate::llm::offline::Format;
use crate::llm::redact::Redactor;
use crate::llm::{self, ApiKey, Drafter};
use crate::store::{AuditEntry, Store};

/// What `llm preview` shows the request for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreviewTarget {
    /// `--standup [--person P]`.
    Standup {
        /// One person only.
        person: Option<String>,
    },
    /// `--retro SPRINT` (id, name, or `last`).
    Retro {
        /// Sprint.
        sprint: String,
    },
    /// `--ask "QUESTION"`.
    Ask {
        /// Question.
        question: String,
    },
}

/// Where the preview came from, for the note on stderr.
const PREVIEW_LOCAL_URL: &str = "http://127.0.0.1:11434/v1";

fn viewer(cfg: &Config) -> Viewer {
    Viewer::from_config(cfg, unix_user().as_deref())
}

/// Writes one audit entry per other person whose individual figures the
/// viewer is about to see.
pub(super) fn audit(store: &Store, viewer: &Viewer, ctx: &CopilotContext) -> anyhow::Result<()> {
    let now = Timestamp::now();
    for subject in &ctx.subjects_read {
        store.append_audit(&AuditEntry {
            viewer: viewer.name.clone(),
            subject: subject.clone(),
            view: "copilot".into(),
            at: now,
        })?;
    }
    Ok(())
}

/// The prompt of a preview target.
fn prompt_of(
    cfg: &Config,
    store: &Store,
    act: &Activity,
    gate: &Redactor<'_>,
    target: &PreviewTarget,
) -> anyhow::Result<Prompt> {
    let dir = Directory::from_config(cfg);
    let names = people(cfg);
    let cal = Calendar::from_team(&cfg.team);
    let now = Timestamp::now();
    Ok(match target {
        PreviewTarget::Standup { person } => {
            let team = team_standup(act, &dir, &names, &cal, &cfg.team.name, now);
            if let Some(p) = person {
                anyhow::ensure!(
                    team.person(p).is_some(),
                    "--person {p:?}: no such person in the configuration (people: {})",
                    names.join(", ")
                );
            }
            team.prompt(gate, person.as_deref())
        }
        PreviewTarget::Retro { sprint } => retro_of(act, &cal, sprint, now)?.prompt(gate),
        PreviewTarget::Ask { question } => {
            let v = viewer(cfg);
            let ctx = retrieve(question, &v, act, &dir, &names, &cal, now);
            audit(store, &v, &ctx)?;
            ctx.prompt(gate, &v.role_label())
        }
    })
}

/// `async-cockpit llm preview (--standup [--person P] | --retro SPRINT | --ask "QUESTION")`:
/// prints on stdout exactly the request body that would be sent, and a
/// summary on stderr. Sends nothing.
pub(super) fn preview(g: &GlobalArgs, target: &PreviewTarget) -> anyhow::Result<ExitCode> {
    let (cfg, _) = load_config(g)?;
    let store = open_store(g, &cfg, false)?;
    let act = load_activity(&store)?;
    let dir = Directory::from_config(&cfg);
    let gate = Redactor::new(Some(&dir))?;
    let prompt = prompt_of(&cfg, &store, &act, &gate, target)?;

    let mut llm_cfg = cfg.llm.clone();
    let offline = llm_cfg.provider == LlmProviderKind::Offline;
    if offline {
        // Nothing is ever sent offline; show the shape a local
        // OpenAI-compatible server would get.
        llm_cfg.provider = LlmProviderKind::Local;
        llm_cfg.base_url = PREVIEW_LOCAL_URL.into();
        llm_cfg.model = "local-model".into();
    }
    if llm_cfg.model.trim().is_empty() {
        llm_cfg.model = "unset-model".into();
    }
    // The key only goes into headers, never into the body shown here.
    let key = api_key(&cfg, &store)?.or_else(|| {
        Some(ApiKey {
            secret: Arc::new(Zeroizing::new("preview-only".into())),
            source: "none".into(),
        })
    });
    let provider = llm::from_config(&llm_cfg, key)?;
    let d = Drafter::new(provider, Some(&store)).with_max_output_tokens(cfg.llm.max_output_tokens);
    let p = d.prepare(&prompt)?;
    let cached = store.llm_output(&p.input_hash)?.is_some();

    let mut out = std::io::stdout().lock();
    out.write_all(&p.body)?;
    out.write_all(b"\n")?;
    out.flush()?;
    if offline {
        eprintln!(
            "llm.provider is \"offline\": nothing is ever sent. Above is the body an OpenAI-compatible \
             server would receive."
        );
    }
    eprintln!(
        "provider {}, model {}, POST {}{}",
        p.provider,
        p.model,
        if offline || llm_cfg.base_url.is_empty() {
            llm::default_base_url(llm_cfg.provider)
                .unwrap_or(PREVIEW_LOCAL_URL)
                .to_string()
        } else {
            llm_cfg.base_url.clone()
        },
        d.provider().endpoint(true)
    );
    eprintln!(
        "about {} prompt tokens (chars/4); {} items kept, {} dropped for the budget; {} bytes; \
         input hash {}{}; nothing was sent",
        p.fitted.tokens,
        p.fitted.kept,
        p.fitted.dropped,
        p.body.len(),
        &p.input_hash[..16.min(p.input_hash.len())],
        if cached {
            " (an answer is stored: it would not be sent again)"
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// `async-cockpit llm ask "QUESTION"`: the copilot's answer, streamed, with
/// the facts it could cite.
pub(super) async fn ask(g: &GlobalArgs, question: &str) -> anyhow::Result<ExitCode> {
    let (cfg, _) = load_config(g)?;
    let store = open_store(g, &cfg, false)?;
    let act = load_activity(&store)?;
    let dir = Directory::from_config(&cfg);
    let gate = Redactor::new(Some(&dir))?;
    let v = viewer(&cfg);
    let cal = Calendar::from_team(&cfg.team);
    let ctx = retrieve(question, &v, &act, &dir, &people(&cfg), &cal, Timestamp::now());
    audit(&store, &v, &ctx)?;
    let prompt = ctx.prompt(&gate, &v.role_label());
    let d = drafter(&cfg, &store, Format::Plain, false)?;
    if d.is_offline() {
        print!("{}", llm::offline::render(&prompt, Format::Plain));
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout();
    let mut on_text = |t: &str| {
        let _ = out.write_all(t.as_bytes());
        let _ = out.flush();
    };
    match d.draft_streaming(&prompt, &mut on_text).await {
        Ok(answer) => {
            println!();
            print!("{}", cited(&ctx, &answer.text));
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!();
            eprintln!("the answer is incomplete and not to be relied on: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// The facts an answer cites (`[F2]`), with the items behind them.
fn cited(ctx: &CopilotContext, answer: &str) -> String {
    let mut out = String::new();
    for f in &ctx.facts {
        if !answer.contains(&format!("[{}]", f.id)) {
            continue;
        }
        out.push_str(&format!("  [{}] {}\n", f.id, f.text));
        for e in &f.cites {
            out.push_str(&format!(
                "       {} {}\n",
                e.label,
                e.url.as_deref().unwrap_or("")
            ));
        }
    }
    if out.is_empty() {
        out
    } else {
        format!("\nCited:\n{out}")
    }
}

/// `async-cockpit retro SPRINT [--markdown]`: the retrospective of a closed
/// sprint (id, name, or `last`).
pub(super) async fn retro(g: &GlobalArgs, sprint: &str, markdown: bool) -> anyhow::Result<ExitCode> {
    let (cfg, _) = load_config(g)?;
    let store = open_store(g, &cfg, false)?;
    let act = load_activity(&store)?;
    let dir = Directory::from_config(&cfg);
    let gate = Redactor::new(Some(&dir))?;
    let cal = Calendar::from_team(&cfg.team);
    let r = retro_of(&act, &cal, sprint, Timestamp::now()).with_context(|| format!("retro {sprint:?}"))?;
    let format = if markdown { Format::Markdown } else { Format::Plain };
    let d = drafter(&cfg, &store, format, false)?;
    print!("{}", draft_text(&d, &r.prompt(&gate), format).await);
    Ok(ExitCode::SUCCESS)
}
