//! What the cockpit asks of the world besides a sync: standup drafts,
//! copilot answers, storing blocker flags and posting the standup to Slack.
//!
//! The cockpit sends [`Intent`]s; a task here answers each on its own tokio
//! task (the UI thread never waits on the network or the store) with
//! [`CockpitEvent`]s: drafts and answers stream in as they are written.
//! Drafting goes through the same [`Drafter`](crate::llm::Drafter) as the
//! `standup` and `llm ask` commands: the offline template unless an LLM is
//! configured, the redaction gate before any byte leaves, the cache in the
//! store. Copilot facts are retrieved for the viewer under the access rules,
//! and every other person whose individual figures they show is audited.

use std::sync::Arc;

use anyhow::Context;
use jiff::Timestamp;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::llm_cmd::audit;
use super::standup_cmd::{drafter, load_activity, people, sources};
use crate::access::Viewer;
use crate::analytics::calendar::Calendar;
use crate::config::Config;
use crate::identity::Directory;
use crate::insight::copilot::retrieve;
use crate::insight::standup::{Activity, TeamStandup, team_standup};
use crate::llm::budget::Prompt;
use crate::llm::offline::{self, Format};
use crate::llm::redact::Redactor;
use crate::sources::http::Auth;
use crate::sources::slack::SlackClient;
use crate::store::{StandupFlag, Store};
use crate::ui::app::{DraftPart, PostEvent};
use crate::ui::{CockpitEvent, Intent, StandupData};

/// What the answering task works from.
struct Ctx {
    store: Arc<Store>,
    cfg: Config,
    viewer: Viewer,
    activity: Activity,
    team: TeamStandup,
    events: UnboundedSender<CockpitEvent>,
    /// A fixed clock (tests); `None`: the wall clock.
    clock: Option<Timestamp>,
}

/// The activity of the store and the Standup tab's data as of `now`: the team
/// standup over the last work day, that day's stored flags, the settings.
///
/// # Errors
/// When the store cannot be read.
pub fn standup_data(store: &Store, cfg: &Config, now: Timestamp) -> anyhow::Result<(Activity, StandupData)> {
    let activity = load_activity(store)?;
    let team = team_standup(
        &activity,
        &Directory::from_config(cfg),
        &people(cfg),
        &Calendar::from_team(&cfg.team),
        &cfg.team.name,
        now,
    );
    let flags = store
        .standup_flags(&team.day.to_string())
        .context("cannot read the standup's blocker flags")?;
    let data = StandupData {
        team,
        flags,
        time_box_secs: cfg.standup.time_box_secs,
        order: cfg.standup.order,
        slack_channel: cfg.standup.slack_channel.clone(),
    };
    Ok((activity, data))
}

/// Answers the Standup and Copilot tabs' intents, each on a tokio task of
/// its own, sending the results to the cockpit's event channel.
#[derive(Clone)]
pub struct Service {
    ctx: Arc<Ctx>,
}

impl Service {
    /// A service over `store` for `viewer`, working from `activity` and the
    /// standup `team` computed from it. Copilot facts are retrieved as of
    /// `clock` when given (tests), else as of the wall clock.
    pub fn new(
        store: Arc<Store>,
        cfg: Config,
        viewer: Viewer,
        (activity, team): (Activity, TeamStandup),
        clock: Option<Timestamp>,
        events: UnboundedSender<CockpitEvent>,
    ) -> Service {
        Service {
            ctx: Arc::new(Ctx {
                store,
                cfg,
                viewer,
                activity,
                team,
                events,
                clock,
            }),
        }
    }

    /// Whether this service answers `intent`: standup drafts, copilot
    /// questions, posting to Slack and standup blocker flags.
    pub fn handles(intent: &Intent) -> bool {
        matches!(
            intent,
            Intent::DraftStandup { .. }
                | Intent::Ask { .. }
                | Intent::PreparePost { .. }
                | Intent::Post { .. }
                | Intent::SaveFlags { .. }
        )
    }

    /// Answers `intent` on a task of its own (nothing for intents it does
    /// not [handle](Service::handles)). Must be called inside a tokio runtime.
    pub fn handle(&self, intent: Intent) {
        if Self::handles(&intent) {
            let ctx = Arc::clone(&self.ctx);
            tokio::spawn(async move { ctx.answer(intent).await });
        }
    }
}

/// Starts a task that answers the cockpit's intents with a [`Service`].
/// Returns the events to feed the cockpit and where it sends its intents.
/// [`Intent::Sync`] is not answered here (give the cockpit `without_sync`).
pub fn spawn(
    store: Arc<Store>,
    cfg: Config,
    viewer: Viewer,
    standup: (Activity, TeamStandup),
    clock: Option<Timestamp>,
) -> (UnboundedReceiver<CockpitEvent>, UnboundedSender<Intent>) {
    let (events, events_rx) = unbounded_channel();
    let (intents_tx, mut intents) = unbounded_channel::<Intent>();
    let service = Service::new(store, cfg, viewer, standup, clock, events);
    tokio::spawn(async move {
        while let Some(intent) = intents.recv().await {
            service.handle(intent);
        }
    });
    (events_rx, intents_tx)
}

impl Ctx {
    fn send(&self, e: CockpitEvent) {
        // The cockpit has quit: nobody is left to tell.
        let _ = self.events.send(e);
    }

    fn part(&self, job: u64, part: DraftPart) {
        self.send(CockpitEvent::Draft { job, part });
    }

    async fn answer(&self, intent: Intent) {
        match intent {
            // Syncs, triage marks, audits and copies are the session's (`live`).
            Intent::Sync | Intent::SaveTriage { .. } | Intent::Audit { .. } | Intent::Copy(_) => {}
            Intent::DraftStandup { job, person } => {
                let prompt = match Redactor::new(Some(&Directory::from_config(&self.cfg))) {
                    Ok(g) => self.team.prompt(&g, person.as_deref()),
                    Err(e) => return self.part(job, DraftPart::Failed(e.to_string())),
                };
                self.stream(job, &prompt).await;
            }
            Intent::Ask { job, question } => {
                let dir = Directory::from_config(&self.cfg);
                let cal = Calendar::from_team(&self.cfg.team);
                let ctx = retrieve(
                    &question,
                    &self.viewer,
                    &self.activity,
                    &dir,
                    &people(&self.cfg),
                    &cal,
                    self.clock.unwrap_or_else(Timestamp::now),
                );
                if let Err(e) = audit(&self.store, &self.viewer, &ctx) {
                    // Nothing is shown that could not be audited.
                    return self.part(job, DraftPart::Failed(format!("{e:#}")));
                }
                self.part(job, DraftPart::Facts(ctx.facts.clone()));
                let prompt = match Redactor::new(Some(&dir)) {
                    Ok(g) => ctx.prompt(&g, &self.viewer.role_label()),
                    Err(e) => return self.part(job, DraftPart::Failed(e.to_string())),
                };
                self.stream(job, &prompt).await;
            }
            Intent::PreparePost { job, channel } => {
                let event = match self.slack_text().await {
                    Ok(text) => PostEvent::Preview { job, channel, text },
                    Err(e) => PostEvent::Posted {
                        job,
                        result: Err(format!("{e:#}")),
                    },
                };
                self.send(CockpitEvent::Post(event));
            }
            Intent::Post { job, channel, text } => {
                let result = self.post(&channel, &text).await.map_err(|e| format!("{e:#}"));
                self.send(CockpitEvent::Post(PostEvent::Posted { job, result }));
            }
            Intent::SaveFlags { day, flags } => self.save_flags(&day, &flags),
        }
    }

    /// Drafts `prompt`, sending its text as it is written.
    async fn stream(&self, job: u64, prompt: &Prompt) {
        let d = match drafter(&self.cfg, &self.store, Format::Plain, false) {
            Ok(d) => d,
            Err(e) => return self.part(job, DraftPart::Failed(format!("{e:#}"))),
        };
        let mut on_text = |t: &str| self.part(job, DraftPart::Text(t.to_string()));
        match d.draft_streaming(prompt, &mut on_text).await {
            Ok(done) => {
                let by = format!(
                    "{} {}{}",
                    done.provider,
                    done.model,
                    if done.cached { " (from the store)" } else { "" }
                );
                self.part(job, DraftPart::Done(by));
            }
            Err(e) => self.part(job, DraftPart::Failed(e.to_string())),
        }
    }

    /// The team standup as Slack will show it (an LLM draft with its sources,
    /// or the offline draft, also when the LLM fails).
    async fn slack_text(&self) -> anyhow::Result<String> {
        let dir = Directory::from_config(&self.cfg);
        let gate = Redactor::new(Some(&dir))?;
        let prompt = self.team.prompt(&gate, None);
        let d = drafter(&self.cfg, &self.store, Format::Slack, false)?;
        if d.is_offline() {
            return Ok(offline::render(&prompt, Format::Slack));
        }
        Ok(match d.draft(&prompt).await {
            Ok(done) => format!(
                "*{}*\n{}\n{}",
                prompt.title,
                done.text.trim_end(),
                sources(&prompt, Format::Slack)
            ),
            Err(e) => {
                tracing::warn!(error = %e, "LLM standup draft failed; posting the offline draft");
                offline::render(&prompt, Format::Slack)
            }
        })
    }

    async fn post(&self, channel: &str, text: &str) -> anyhow::Result<String> {
        let token = super::sync_cmd::token(&self.store, "slack", &self.cfg.slack.token_env)?;
        let client = SlackClient::new(&self.cfg.slack, Auth::Bearer(token), 5)?;
        Ok(client.post_message(channel, text, None).await?)
    }

    fn save_flags(&self, day: &str, flags: &[StandupFlag]) {
        if let Err(e) = self.store.put_standup_flags(day, flags) {
            tracing::warn!(error = %e, "cannot store the standup flags");
            self.send(CockpitEvent::Notice(format!(
                "the blocker flag could not be stored: {e}"
            )));
        }
    }
}
