//! Computes the cockpit snapshot from the store and keeps it sealed there, so
//! opening the cockpit reads it instead of recomputing.
//!
//! [`compute`] is pure (records, config and a clock in; a [`Snapshot`] out), so
//! `metrics --as-of` evaluates any past instant from the same records.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use jiff::{SignedDuration, Timestamp};

use crate::access::MIN_GROUP_SIZE;
use crate::analytics::blockers::BlockerReport;
use crate::analytics::burndown::Burndown;
use crate::analytics::calendar::Calendar;
use crate::analytics::decisions::{Decision, decisions};
use crate::analytics::docs::DocsReport;
use crate::analytics::flow::{FlowMetrics, FlowParams, Window, flow};
use crate::analytics::focus::{FocusParams, PersonWeek, person_weeks_from};
use crate::analytics::knowledge::{AreaKnowledge, KnowledgeParams, knowledge};
use crate::analytics::meetings;
use crate::analytics::meetings::{MeetingWeek, StretchRef};
use crate::analytics::pulse::{Pulse, PulseParams, area_pulse, flow_pulse, pulse, week_pulses};
use crate::analytics::sprint::{JiraFields, SprintHealth, SprintOptions};
use crate::analytics::triage::TriageReport;
use crate::analytics::velocity::{SprintVelocity, VelocityRow};
use crate::analytics::workload::Workload;
use crate::config::{AnalyticsConfig, Config};
use crate::identity::Directory;
use crate::insight::{CardInputs, KindCount, Snapshot, cards};
use crate::model::{
    Commit, Meeting, Message, Page, PullRequest, Record, Review, Sprint, Transcript, WorkItem,
};
use crate::store::{Store, StoreError};

mod incremental;
use crate::sync::FIELDS_CURSOR;
pub use incremental::IncrementalSnapshot;

/// Snapshot name in the store (the full snapshot).
pub const SNAPSHOT_NAME: &str = "cockpit";
/// Name of the full snapshot's first frame in the store.
pub const FIRST_FRAME_NAME: &str = "cockpit.first_frame";
/// Days of activity the flow, focus, knowledge and blocker figures look at.
pub const WINDOW_DAYS: i64 = 28;
/// A linked page older than this, while its epic is active, is stale (the
/// default of `analytics.stale_doc_days`).
pub const STALE_DOC_DAYS: u32 = 30;

/// Every record the analytics read, by kind.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    /// Sprints.
    pub sprints: Vec<Sprint>,
    /// Jira issues.
    pub items: Vec<WorkItem>,
    /// Meetings.
    pub meetings: Vec<Meeting>,
    /// Pull requests.
    pub prs: Vec<PullRequest>,
    /// Reviews.
    pub reviews: Vec<Review>,
    /// Commits.
    pub commits: Vec<Commit>,
    /// Chat messages.
    pub messages: Vec<Message>,
    /// Documentation pages.
    pub pages: Vec<Page>,
    /// Transcripts.
    pub transcripts: Vec<Transcript>,
    /// The site's Jira custom field ids.
    pub fields: JiraFields,
    /// Stored record counts.
    pub counts: Vec<KindCount>,
}

/// Reads every record from the store.
///
/// # Errors
/// [`StoreError`] reading records.
pub fn load_inputs(store: &Store) -> Result<Inputs, StoreError> {
    let mut inp = Inputs::default();
    for rec in store.all_records()? {
        match rec {
            Record::Sprint(s) => inp.sprints.push(s),
            Record::WorkItem(w) => inp.items.push(w),
            Record::Meeting(m) => inp.meetings.push(m),
            Record::PullRequest(p) => inp.prs.push(p),
            Record::Review(r) => inp.reviews.push(r),
            Record::Commit(c) => inp.commits.push(c),
            Record::Message(m) => inp.messages.push(m),
            Record::Page(p) => inp.pages.push(p),
            Record::Transcript(t) => inp.transcripts.push(t),
            Record::Person(_) => {}
        }
    }
    let ids: serde_json::Value = store
        .cursor(FIELDS_CURSOR)?
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or_default();
    inp.fields = JiraFields::with_ids(
        ids["sprint"].as_str(),
        ids["story_points"].as_str(),
        ids["flagged"].as_str(),
    );
    inp.counts = store
        .counts()?
        .into_iter()
        .map(|(k, n)| KindCount {
            kind: k.as_str().to_string(),
            count: n,
        })
        .collect();
    Ok(inp)
}

/// Attendance stretches per person: configured people (matched by any of
/// their emails) under their cockpit name, everyone else by
/// [`meetings::person_key`]. One directory look-up per distinct email.
fn named_stretches<'a>(list: &'a [Meeting], dir: &'a Directory) -> BTreeMap<String, Vec<StretchRef<'a>>> {
    let mut seen: FxHashMap<&'a str, Option<&'a str>> = FxHashMap::default();
    meetings::stretches_by_person_with(list, |a| {
        let email = a.email.as_deref()?;
        *seen.entry(email).or_insert_with(|| dir.by_email(email))
    })
}

/// Figures fed by sprints, issues, messages and pages.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IssueFigures {
    pub(crate) health: Vec<SprintHealth>,
    pub(crate) burndowns: Vec<Burndown>,
    pub(crate) workload: Workload,
    pub(crate) blockers: BlockerReport,
    pub(crate) docs: DocsReport,
    pub(crate) velocity: Vec<SprintVelocity>,
    pub(crate) rows: Vec<VelocityRow>,
    pub(crate) triage: TriageReport,
}

/// Figures fed by pull requests, reviews and commits.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FlowFigures {
    flow: FlowMetrics,
    knowledge: Vec<AreaKnowledge>,
}

/// Figures fed by meetings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MeetingFigures {
    person_weeks: Vec<PersonWeek>,
    meeting_load: Vec<MeetingWeek>,
}

/// What every family of figures shares: the clock, window, calendar,
/// directory and options of one computation.
pub(crate) struct Context {
    now: Timestamp,
    since: Timestamp,
    window: Window,
    cal: Calendar,
    dir: Directory,
    opts: SprintOptions,
    bots: Vec<String>,
    people: Vec<String>,
    /// The configured thresholds (`[analytics]`).
    limits: AnalyticsConfig,
}

impl Context {
    pub(crate) fn new(inp: &Inputs, cfg: &Config, now: Timestamp) -> Context {
        let since = now - SignedDuration::from_hours(24 * WINDOW_DAYS);
        Context {
            now,
            since,
            window: Window::new(since, now),
            cal: Calendar::from_team(&cfg.team),
            dir: Directory::from_config(cfg),
            opts: SprintOptions {
                fields: inp.fields.clone(),
                risk_tolerance: f64::from(cfg.analytics.risk_tolerance_percent) / 100.0,
                ..SprintOptions::default()
            },
            bots: cfg.github.bots.clone(),
            people: cfg.people.iter().map(|p| p.name.clone()).collect(),
            limits: cfg.analytics.clone(),
        }
    }
}

/// Sprint health, burndowns, workload, blockers, docs, velocity and
/// triage (computed by the issue family's cache builder, see
/// `incremental/issues.rs`, so the full and incremental paths share it).
pub(crate) fn issue_figures(inp: &Inputs, cx: &Context) -> IssueFigures {
    incremental::issue_family(inp, cx, false).1
}

/// The flow options of a computation.
pub(crate) fn flow_params(cx: &Context) -> FlowParams {
    FlowParams {
        bots: cx.bots.clone(),
        stale_after_days: cx.limits.stale_pr_days,
    }
}

/// The knowledge options of a computation.
pub(crate) fn knowledge_params(cx: &Context) -> KnowledgeParams {
    KnowledgeParams {
        bots: cx.bots.clone(),
        ..KnowledgeParams::default()
    }
}

/// Pull-request flow and knowledge coverage, from scratch ([`compute`]
/// computes the two on different threads; the flow cache's tests compare
/// with this).
#[cfg(test)]
pub(crate) fn flow_figures(inp: &Inputs, cx: &Context) -> FlowFigures {
    FlowFigures {
        flow: flow_of(inp, cx),
        knowledge: knowledge_of(inp, cx),
    }
}

/// Pull-request flow over the window.
fn flow_of(inp: &Inputs, cx: &Context) -> FlowMetrics {
    flow(
        &inp.prs,
        &inp.reviews,
        &inp.commits,
        &cx.window,
        cx.now,
        &cx.dir,
        &flow_params(cx),
    )
}

/// Knowledge coverage per area over the window.
fn knowledge_of(inp: &Inputs, cx: &Context) -> Vec<AreaKnowledge> {
    knowledge(
        &inp.commits,
        &inp.reviews,
        &inp.prs,
        &cx.window,
        cx.now,
        &cx.dir,
        &knowledge_params(cx),
    )
}

/// Meeting load, focus time and fragmentation.
pub(crate) fn meeting_figures(inp: &Inputs, cx: &Context) -> MeetingFigures {
    let stretches = named_stretches(&inp.meetings, &cx.dir);
    MeetingFigures {
        person_weeks: person_weeks_from(
            &stretches,
            &cx.cal,
            &cx.people,
            &cx.window,
            cx.now,
            &FocusParams {
                min_block_minutes: cx.limits.focus_min_block_minutes,
            },
        ),
        meeting_load: meetings::load_from(&stretches, &cx.cal.tz, None),
    }
}

/// Decisions found in transcripts.
pub(crate) fn decision_figures(inp: &Inputs, cx: &Context) -> Vec<Decision> {
    decisions(&inp.transcripts, &inp.meetings, &cx.window)
}

impl IssueFigures {
    /// Moves these figures into their fields of `s`.
    pub(crate) fn put(self, s: &mut Snapshot) {
        s.sprint_health = self.health;
        s.burndowns = self.burndowns;
        s.workload = Some(self.workload);
        s.blockers = Some(self.blockers);
        s.docs = Some(self.docs);
        s.velocity = self.velocity;
        s.sprints = self.rows;
        s.triage = Some(self.triage);
    }
}

impl FlowFigures {
    /// Moves these figures into their fields of `s`.
    pub(crate) fn put(self, s: &mut Snapshot) {
        s.flow = Some(self.flow);
        s.knowledge = self.knowledge;
    }
}

impl MeetingFigures {
    /// Moves these figures into their fields of `s`.
    pub(crate) fn put(self, s: &mut Snapshot) {
        s.person_weeks = self.person_weeks;
        s.meeting_load = self.meeting_load;
    }
}

/// Which parts of the pulse to compute again in [`finish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PulseParts {
    /// The flow figures changed.
    pub(crate) flow: bool,
    /// The person-weeks changed.
    pub(crate) weeks: bool,
}

impl PulseParts {
    /// Everything.
    pub(crate) const ALL: PulseParts = PulseParts {
        flow: true,
        weeks: true,
    };
    /// Nothing (the pulse in the snapshot is kept as it is).
    pub(crate) const NONE: PulseParts = PulseParts {
        flow: false,
        weeks: false,
    };
}

/// Pulse and cards, which read across the families already in `s`, and the
/// record counts. The pulse parts not in `parts` are kept from `s.pulse`
/// (when it has one); the result equals [`pulse`] over the families in `s`.
pub(crate) fn finish(s: &mut Snapshot, inp: &Inputs, parts: PulseParts) {
    refresh_pulse(s, parts);
    s.cards = cards(&CardInputs {
        sprints: &inp.sprints,
        items: &inp.items,
        health: &s.sprint_health,
        blockers: s.blockers.as_ref(),
        flow: s.flow.as_ref(),
        docs: s.docs.as_ref(),
        knowledge: &s.knowledge,
        now: s.as_of,
    });
    s.counts.clone_from(&inp.counts);
}

/// The pulse of `s` brought up to date with the families in `s`: the parts
/// in `parts` computed again, the others kept (a snapshot without a pulse,
/// or with one of other options, gets a whole new one). The result equals
/// [`pulse`] over the families in `s`.
pub(crate) fn refresh_pulse(s: &mut Snapshot, parts: PulseParts) {
    let min = MIN_GROUP_SIZE;
    let previous = s
        .pulse
        .take()
        .filter(|p| p.min_group_size == min.max(1) && p.extra.is_empty());
    let team_pulse = match (previous, &s.flow) {
        (Some(mut p), Some(f)) => {
            if parts.flow {
                p.flow = flow_pulse(f, min.max(1));
                p.areas = s.knowledge.iter().map(|a| area_pulse(a, min.max(1))).collect();
            }
            if parts.weeks {
                p.weeks = week_pulses(&s.person_weeks, min.max(1));
            }
            p
        }
        (_, flow_metrics) => {
            let empty_flow;
            let flow_metrics = match flow_metrics {
                Some(f) => f,
                None => {
                    empty_flow = flow(
                        &[],
                        &[],
                        &[],
                        &Window::new(s.as_of, s.as_of),
                        s.as_of,
                        &Directory::default(),
                        &FlowParams::default(),
                    );
                    &empty_flow
                }
            };
            pulse(
                flow_metrics,
                &s.person_weeks,
                &s.knowledge,
                &[],
                &PulseParams { min_group_size: min },
            )
        }
    };
    s.pulse = Some(team_pulse);
}

/// The snapshot from its families of figures, finished ([`finish`]).
pub(crate) fn assemble(
    inp: &Inputs,
    cfg: &Config,
    now: Timestamp,
    issues: IssueFigures,
    flows: FlowFigures,
    meets: MeetingFigures,
    found: Vec<Decision>,
) -> Snapshot {
    let mut s = Snapshot {
        site: cfg.site.clone(),
        team: cfg.team.name.clone(),
        time_zone: cfg.team.time_zone.clone(),
        as_of: now,
        decisions: found,
        ..Snapshot::default()
    };
    issues.put(&mut s);
    flows.put(&mut s);
    meets.put(&mut s);
    finish(&mut s, inp, PulseParts::ALL);
    s
}

/// Everything the cockpit shows, evaluated as of `now` (records dated after
/// `now` are ignored by every metric). Pure: no I/O. The issue figures are
/// computed on the calling thread while a scoped second thread computes the
/// pull-request, meeting and decision figures (the families share no state).
pub fn compute(inp: &Inputs, cfg: &Config, now: Timestamp) -> Snapshot {
    let cx = Context::new(inp, cfg, now);
    let min = MIN_GROUP_SIZE.max(1);
    // The two threads carry about the same work: issues and knowledge here;
    // flow, meetings, their pulse parts and decisions on the other.
    let ((issues, areas), (flow_metrics, flow_part, meets, week_parts, found)) =
        std::thread::scope(|scope| {
            let other = scope.spawn(|| {
                let flow_metrics = flow_of(inp, &cx);
                let flow_part = flow_pulse(&flow_metrics, min);
                let meets = meeting_figures(inp, &cx);
                let week_parts = week_pulses(&meets.person_weeks, min);
                (
                    flow_metrics,
                    flow_part,
                    meets,
                    week_parts,
                    decision_figures(inp, &cx),
                )
            });
            let issues = issue_figures(inp, &cx);
            let areas = knowledge_of(inp, &cx);
            match other.join() {
                Ok(rest) => ((issues, areas), rest),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
    let mut s = Snapshot {
        site: cfg.site.clone(),
        team: cfg.team.name.clone(),
        time_zone: cfg.team.time_zone.clone(),
        as_of: now,
        decisions: found,
        ..Snapshot::default()
    };
    // The pulse from its parts, as `pulse` assembles it.
    s.pulse = Some(Pulse {
        min_group_size: min,
        flow: flow_part,
        weeks: week_parts,
        areas: areas.iter().map(|a| area_pulse(a, min)).collect(),
        extra: Vec::new(),
    });
    issues.put(&mut s);
    FlowFigures {
        flow: flow_metrics,
        knowledge: areas,
    }
    .put(&mut s);
    meets.put(&mut s);
    finish(&mut s, inp, PulseParts::NONE);
    s
}

/// Computes the snapshot as of `now` from the store and stores it sealed:
/// the full snapshot under [`SNAPSHOT_NAME`] and its first frame
/// ([`Snapshot::first_frame`]) under [`FIRST_FRAME_NAME`], in one
/// transaction.
///
/// # Errors
/// [`StoreError`] reading records or writing the snapshot.
pub fn compute_snapshot(store: &Store, cfg: &Config, now: Timestamp) -> Result<Snapshot, StoreError> {
    let snapshot = compute(&load_inputs(store)?, cfg, now);
    store_snapshot(store, &snapshot)?;
    Ok(snapshot)
}

/// Stores `snapshot` sealed: the full one and its first frame, in one
/// transaction.
///
/// # Errors
/// [`StoreError::Db`] writing; [`StoreError::Decode`] if it cannot be
/// encoded (a non-finite number).
pub fn store_snapshot(store: &Store, snapshot: &Snapshot) -> Result<(), StoreError> {
    let encode = |s: &Snapshot| {
        serde_json::to_vec(s).map_err(|e| StoreError::Decode {
            table: "snapshots".into(),
            message: e.to_string(),
        })
    };
    let full = encode(snapshot)?;
    let frame = encode(&snapshot.first_frame())?;
    store.put_snapshots(&[(FIRST_FRAME_NAME, &frame), (SNAPSHOT_NAME, &full)])
}

/// The latest stored snapshot, if it can still be read by this version.
///
/// # Errors
/// [`StoreError`] reading it.
pub fn stored_snapshot(store: &Store) -> Result<Option<Snapshot>, StoreError> {
    Ok(store
        .snapshot(SNAPSHOT_NAME)?
        .and_then(|bytes| serde_json::from_slice::<Snapshot>(&bytes).ok()))
}

/// The first frame of the latest stored snapshot (its figures without the
/// items behind them, see [`Snapshot::first_frame`]): what the cockpit opens
/// on, a few milliseconds whatever the store's size. A store written before
/// first frames existed answers from the full snapshot.
///
/// # Errors
/// [`StoreError`] reading it.
pub fn stored_first_frame(store: &Store) -> Result<Option<Snapshot>, StoreError> {
    match store
        .snapshot(FIRST_FRAME_NAME)?
        .and_then(|bytes| serde_json::from_slice::<Snapshot>(&bytes).ok())
    {
        Some(frame) => Ok(Some(frame)),
        None => Ok(stored_snapshot(store)?.map(|mut s| {
            s.strip_details();
            s
        })),
    }
}
