//! The Standup tab's state: the drafted text pane, the live standup (who is
//! speaking, in which order, for how long), blockers flagged during it, and
//! posting the team standup to Slack after showing exactly what will go.
//!
//! Pure like the rest of [`App`]: the clock comes in through [`App::tick`],
//! drafting, storing flags and posting go out as [`Intent`]s, and their
//! results come back as [`CockpitEvent`]s. Must not: read the clock, draft,
//! store or post.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::post::PostFlow;
use super::{App, Intent, Tab};
use crate::config::StandupOrder;
use crate::insight::standup::{PersonStandup, TeamStandup};
use crate::store::StandupFlag;
use crate::ui::action::Action;

/// What the Standup tab shows: the standup computed from the store's
/// activity ([`crate::insight::standup::team_standup`]) and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandupData {
    /// Done / doing / blockers per person over the last work day.
    pub team: TeamStandup,
    /// Blockers already flagged in this standup day's live standup.
    pub flags: Vec<StandupFlag>,
    /// Time box per person in the live standup, seconds (`standup.time_box_secs`).
    pub time_box_secs: u64,
    /// Order people are called on in (`standup.order`).
    pub order: StandupOrder,
    /// Slack channel the team standup is posted to; empty: posting is off.
    pub slack_channel: String,
}

/// Where a drafted text (standup or copilot answer) stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DraftStatus {
    /// Nothing asked for yet.
    #[default]
    Idle,
    /// Asked; nothing arrived yet.
    Waiting,
    /// Text is arriving.
    Streaming,
    /// Complete; who wrote it (`offline template-v1`, `anthropic claude-...`).
    Done(String),
    /// Failed; why. Text already shown stays, marked incomplete.
    Failed(String),
}

impl DraftStatus {
    /// Asked and not finished.
    pub fn is_busy(&self) -> bool {
        matches!(self, DraftStatus::Waiting | DraftStatus::Streaming)
    }
}

/// One piece of a drafting job's result, as the drafting task sends it.
#[derive(Debug, Clone, PartialEq)]
pub enum DraftPart {
    /// The copilot's retrieved facts (sent before the answer's text).
    Facts(Vec<crate::insight::copilot::Fact>),
    /// More text.
    Text(String),
    /// Finished; who wrote it (provider and model).
    Done(String),
    /// Failed; why (text already sent is incomplete).
    Failed(String),
}

/// The drafted standup text for the team or one person.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StandupDraft {
    /// Job id of the latest request (events of older jobs are ignored).
    pub job: u64,
    /// Whose standup: `None` for the team.
    pub person: Option<String>,
    /// Text so far.
    pub text: String,
    /// Progress.
    pub status: DraftStatus,
}

/// A live standup in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Live {
    /// Indices into the team's people, in speaking order.
    pub order: Vec<usize>,
    /// Position in `order` of the person speaking.
    pub at: usize,
    /// When the current person's turn started (the app's clock).
    pub turn_started: Instant,
    /// Time used so far per position in `order` (earlier turns).
    pub spent: Vec<Duration>,
}

/// The Standup tab's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StandupState {
    /// The drafted text pane.
    pub draft: StandupDraft,
    /// The live standup, when running.
    pub live: Option<Live>,
    /// The order the next live standup uses.
    pub order: StandupOrder,
    /// Flags of this standup day (as stored, plus those set here).
    pub flags: Vec<StandupFlag>,
    /// Posting to Slack.
    pub post: PostFlow,
}

impl StandupState {
    pub(super) fn from_data(data: Option<&StandupData>) -> StandupState {
        StandupState {
            order: data.map(|d| d.order).unwrap_or_default(),
            flags: data.map(|d| d.flags.clone()).unwrap_or_default(),
            ..StandupState::default()
        }
    }
}

/// A shuffle of `0..n` that depends only on `seed` (xorshift64*, Fisher-Yates),
/// so everyone watching the same standup day sees the same order.
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
    for i in (1..n).rev() {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let j = (r % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// The seed of a standup day: its date as a number (`20260106`).
fn day_seed(team: &TeamStandup) -> u64 {
    let d = team.day;
    (i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())).unsigned_abs()
}

/// `1:05`, `12:00`.
pub fn mm_ss(d: Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

impl App {
    /// The standup data, when the cockpit was given one.
    pub fn standup_data(&self) -> Option<&StandupData> {
        self.data.standup.as_ref()
    }

    /// The Standup tab's state.
    pub fn standup(&self) -> &StandupState {
        &self.standup
    }

    /// The person at row `i` of the standup list.
    pub fn standup_person(&self, i: usize) -> Option<&PersonStandup> {
        self.standup_data().and_then(|d| d.team.people.get(i))
    }

    /// Whether `person` has a blocker flagged in this standup day.
    pub fn is_flagged(&self, person: &str) -> bool {
        self.standup.flags.iter().any(|f| f.person == person)
    }

    /// Sets the clock (the caller passes `Instant::now()` every turn of its
    /// loop; tests pass their own). The screen is marked changed only when
    /// the live standup's timer shows another second.
    pub fn tick(&mut self, now: Instant) {
        let shown = |clock: Option<Instant>, live: &Option<Live>| {
            live.as_ref()
                .zip(clock)
                .map(|(l, c)| c.saturating_duration_since(l.turn_started).as_secs())
        };
        let before = shown(self.clock, &self.standup.live);
        self.clock = Some(now);
        if shown(self.clock, &self.standup.live) != before {
            self.dirty = true;
        }
    }

    /// How long the person speaking has spoken (all their turns), and the
    /// whole standup so far.
    pub fn live_elapsed(&self) -> Option<(Duration, Duration)> {
        let live = self.standup.live.as_ref()?;
        let now = self.clock?;
        let turn = now.saturating_duration_since(live.turn_started);
        let before = live.spent.get(live.at).copied().unwrap_or_default();
        let all: Duration = live.spent.iter().sum();
        Some((before + turn, all + turn))
    }

    /// The person speaking in the live standup.
    pub fn live_person(&self) -> Option<&PersonStandup> {
        let live = self.standup.live.as_ref()?;
        self.standup_person(*live.order.get(live.at)?)
    }

    pub(super) fn next_job(&mut self) -> u64 {
        self.jobs += 1;
        self.jobs
    }

    fn person_order(&self) -> Vec<usize> {
        let Some(d) = self.standup_data() else {
            return Vec::new();
        };
        let n = d.team.people.len();
        match self.standup.order {
            StandupOrder::Config => (0..n).collect(),
            StandupOrder::Shuffled => shuffled(n, day_seed(&d.team)),
        }
    }

    /// Moves the live standup to position `to` of its order.
    fn live_move(&mut self, to: usize) {
        let Some(now) = self.clock else { return };
        let Some(live) = self.standup.live.as_mut() else {
            return;
        };
        let to = to.min(live.order.len().saturating_sub(1));
        if to == live.at {
            return;
        }
        let spent = now.saturating_duration_since(live.turn_started);
        if let Some(s) = live.spent.get_mut(live.at) {
            *s += spent;
        }
        live.at = to;
        live.turn_started = now;
        self.follow_speaker();
    }

    /// Selects the speaker's row in the list (when the filter shows it).
    fn follow_speaker(&mut self) {
        let i = Tab::Standup.index();
        let speaker = self
            .standup
            .live
            .as_ref()
            .and_then(|l| l.order.get(l.at).copied());
        if let Some(pos) = speaker.and_then(|p| self.visible[i].iter().position(|&r| r == p)) {
            self.selected[i] = pos;
        }
        self.dirty = true;
    }

    /// The actions of the Standup tab (see [`Action`] for each).
    pub(super) fn apply_standup(&mut self, action: Action) -> Option<Intent> {
        if self.tab != Tab::Standup {
            self.sync.notice = Some(format!("{} works on the Standup tab", action.description()));
            return None;
        }
        let Some(data) = self.standup_data() else {
            self.sync.notice = Some("no standup: no activity has been synced".into());
            return None;
        };
        let channel = data.slack_channel.trim().to_string();
        let day = data.team.day.to_string();
        match action {
            Action::LiveStandup => {
                if self.standup.live.take().is_none() {
                    let now = self.clock?;
                    let order = self.person_order();
                    if order.is_empty() {
                        self.sync.notice = Some("nobody is configured: add [[people]] to the config".into());
                        return None;
                    }
                    let n = order.len();
                    self.standup.live = Some(Live {
                        order,
                        at: 0,
                        turn_started: now,
                        spent: vec![Duration::ZERO; n],
                    });
                    self.follow_speaker();
                }
                self.dirty = true;
            }
            Action::NextPerson | Action::PrevPerson => {
                let forward = action == Action::NextPerson;
                match &self.standup.live {
                    Some(l) => {
                        let to = if forward { l.at + 1 } else { l.at.saturating_sub(1) };
                        if forward && to >= l.order.len() {
                            self.sync.notice = Some("that was everyone: s ends the live standup".into());
                        } else {
                            self.live_move(to);
                        }
                    }
                    None => {
                        return self.apply(if forward { Action::Down } else { Action::Up });
                    }
                }
            }
            Action::ShuffleOrder => {
                self.standup.order = match self.standup.order {
                    StandupOrder::Config => StandupOrder::Shuffled,
                    StandupOrder::Shuffled => StandupOrder::Config,
                };
                if let Some(live) = self.standup.live.as_mut() {
                    // Keep the speaker; the rest follow the new order.
                    let current = live.order.get(live.at).copied();
                    let order = self.person_order();
                    if let Some(live) = self.standup.live.as_mut() {
                        let mut spent = vec![Duration::ZERO; order.len()];
                        for (pos, person) in order.iter().enumerate() {
                            if let Some(old) = live.order.iter().position(|p| p == person) {
                                spent[pos] = live.spent.get(old).copied().unwrap_or_default();
                            }
                        }
                        live.at = current
                            .and_then(|c| order.iter().position(|&p| p == c))
                            .unwrap_or(0);
                        live.order = order;
                        live.spent = spent;
                    }
                }
                self.dirty = true;
            }
            Action::FlagBlocker => {
                let person = match &self.standup.live {
                    Some(_) => self.live_person().map(|p| p.person.clone()),
                    None => self
                        .selected_row(Tab::Standup)
                        .and_then(|i| self.standup_person(i))
                        .map(|p| p.person.clone()),
                };
                let person = person?;
                if self.is_flagged(&person) {
                    self.standup.flags.retain(|f| f.person != person);
                } else {
                    self.standup.flags.push(StandupFlag {
                        person,
                        by: self.data.viewer.clone(),
                        at: self.data.snapshot.as_of.max(data.team.as_of),
                    });
                }
                self.dirty = true;
                return Some(Intent::SaveFlags {
                    day,
                    flags: self.standup.flags.clone(),
                });
            }
            Action::Draft => {
                let person = self
                    .selected_row(Tab::Standup)
                    .and_then(|i| self.standup_person(i))
                    .map(|p| p.person.clone());
                let person = if self.standup.live.is_some() {
                    self.live_person().map(|p| p.person.clone())
                } else {
                    person
                };
                return Some(self.draft_standup(person));
            }
            Action::DraftTeam => return Some(self.draft_standup(None)),
            Action::PostStandup => {
                if channel.is_empty() {
                    self.sync.notice = Some("posting is off: set standup.slack_channel in the config".into());
                    return None;
                }
                let job = self.next_job();
                self.standup.post = PostFlow::Preparing(job);
                self.dirty = true;
                return Some(Intent::PreparePost { job, channel });
            }
            _ => {}
        }
        None
    }

    /// Asks for the drafted standup of `person` (the team when `None`).
    pub fn draft_standup(&mut self, person: Option<String>) -> Intent {
        let job = self.next_job();
        self.standup.draft = StandupDraft {
            job,
            person: person.clone(),
            text: String::new(),
            status: DraftStatus::Waiting,
        };
        self.dirty = true;
        Intent::DraftStandup { job, person }
    }

    /// Applies a drafting job's piece to the pane waiting for it (standup
    /// draft or copilot answer); pieces of older jobs are dropped.
    pub(super) fn on_draft(&mut self, job: u64, part: DraftPart) {
        if job == self.standup.draft.job && job != 0 {
            apply_part(&mut self.standup.draft.text, &mut self.standup.draft.status, part);
            self.dirty = true;
        } else if job == self.copilot.job && job != 0 {
            self.on_copilot_part(part);
            self.dirty = true;
        }
    }

    /// A one-off message from a background job (a flag that could not be stored).
    pub(super) fn on_notice(&mut self, message: String) {
        self.sync.notice = Some(message);
        self.dirty = true;
    }
}

/// Adds a piece of a draft to `text`/`status`.
pub(super) fn apply_part(text: &mut String, status: &mut DraftStatus, part: DraftPart) {
    match part {
        DraftPart::Facts(_) => {}
        DraftPart::Text(t) => {
            text.push_str(&t);
            *status = DraftStatus::Streaming;
        }
        DraftPart::Done(by) => *status = DraftStatus::Done(by),
        DraftPart::Failed(why) => *status = DraftStatus::Failed(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_permutation_fixed_by_its_seed() {
        let a = shuffled(10, 20260106);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..10).collect::<Vec<_>>());
        assert_eq!(a, shuffled(10, 20260106));
        assert_ne!(a, shuffled(10, 20260107));
        assert_ne!(a, (0..10).collect::<Vec<_>>());
        assert!(shuffled(0, 1).is_empty());
    }

    #[test]
    fn clock_text() {
        assert_eq!(mm_ss(Duration::from_secs(65)), "1:05");
        assert_eq!(mm_ss(Duration::from_secs(720)), "12:00");
    }
}
