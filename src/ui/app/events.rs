//! What the app asks of the world ([`Intent`]) and what the world feeds it
//! besides keys ([`CockpitEvent`]): the two message types between the pure
//! [`App`](super::App) and whoever runs it (the event loop, the sync task,
//! the cockpit service that drafts, answers, stores flags and posts).
//!
//! Must not: carry behaviour; the app applies events, the caller acts on intents.

use super::{DraftPart, PostEvent};
use crate::model::TriageDecision;
use crate::sync::SyncEvent;
use crate::ui::CockpitData;

/// Something the app asks of the world outside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Start a sync of every source.
    Sync,
    /// Store an issue's triage decision and note (sealed); the receiver
    /// stamps who and when. No decision and an empty note clear the mark.
    SaveTriage {
        /// Sprint id.
        sprint_id: u64,
        /// Issue key.
        key: String,
        /// Decision.
        decision: Option<TriageDecision>,
        /// Note.
        note: String,
    },
    /// Write one audit record per subject: the viewer read their individual
    /// figures on `view` (see [`crate::access::ReadLedger`]).
    Audit {
        /// The audit view (`cockpit.strategic`).
        view: String,
        /// The people read.
        subjects: Vec<String>,
    },
    /// Put this text on the clipboard (the run loop writes OSC 52 to the
    /// terminal, so it works over SSH).
    Copy(String),
    /// Draft the standup of `person` (the team when `None`); the text comes
    /// back as [`CockpitEvent::Draft`] pieces of `job`.
    DraftStandup {
        /// Job id.
        job: u64,
        /// Cockpit name, or `None` for the team.
        person: Option<String>,
    },
    /// Answer a copilot question for the viewer; facts and text come back
    /// as [`CockpitEvent::Draft`] pieces of `job`.
    Ask {
        /// Job id.
        job: u64,
        /// The question as typed.
        question: String,
    },
    /// Draft the team standup as Slack will show it; comes back as
    /// [`PostEvent::Preview`] (or [`PostEvent::Posted`] with the error).
    PreparePost {
        /// Job id.
        job: u64,
        /// Channel it is for.
        channel: String,
    },
    /// Post exactly `text` to `channel` (`chat.postMessage`); comes back as
    /// [`PostEvent::Posted`].
    Post {
        /// Job id.
        job: u64,
        /// Channel.
        channel: String,
        /// The text the viewer confirmed.
        text: String,
    },
    /// Store the blockers flagged for standup day `day` (`YYYY-MM-DD`), sealed.
    SaveFlags {
        /// Team-local date of the standup's work day.
        day: String,
        /// Every flag of that day.
        flags: Vec<crate::store::StandupFlag>,
    },
}

/// What the caller feeds the running cockpit besides keys.
#[derive(Debug, Clone, PartialEq)]
pub enum CockpitEvent {
    /// Progress of a running sync.
    Sync(SyncEvent),
    /// A fresh snapshot (after a background sync): replaces what is shown,
    /// keeping tab, selections (by identity), filters and overlays.
    Data(Box<CockpitData>),
    /// A piece of a drafting job (standup text, copilot facts or answer).
    Draft {
        /// Job id, from the [`Intent`].
        job: u64,
        /// The piece.
        part: DraftPart,
    },
    /// Progress of posting the standup to Slack.
    Post(PostEvent),
    /// A one-off message for the status line (a flag that could not be stored).
    Notice(String),
}

impl From<SyncEvent> for CockpitEvent {
    fn from(e: SyncEvent) -> CockpitEvent {
        CockpitEvent::Sync(e)
    }
}

impl From<CockpitData> for CockpitEvent {
    fn from(d: CockpitData) -> CockpitEvent {
        CockpitEvent::Data(Box::new(d))
    }
}
