//! Computes the cockpit snapshot from the store and keeps it sealed there, so
//! opening the cockpit reads it instead of recomputing.
//!
//! [`compute`] is pure (records, config and a clock in; a [`Snapshot`] out), so
//! `metrics --as-of` evaluates any past instant from the same records.

use jiff::{SignedDuration, Timestamp};

use crate::access::MIN_GROUP_SIZE;
use crate::analytics::blockers::{BlockerOptions, blockers};
use crate::analytics::burndown::burndown;
use crate::analytics::calendar::Calendar;
use crate::analytics::decisions::decisions;
use crate::analytics::docs::docs;
use crate::analytics::flow::{FlowParams, Window, flow};
use crate::analytics::focus::{FocusParams, person_weeks};
use crate::analytics::knowledge::{KnowledgeParams, knowledge};
use crate::analytics::pulse::{PulseParams, pulse};
use crate::analytics::sprint::{JiraFields, SprintOptions, sprint_health};
use crate::analytics::triage::{TriageInputs, TriageParams, triage};
use crate::analytics::workload::{Capacity, workload};
use crate::analytics::{meetings, velocity};
use crate::config::Config;
use crate::identity::Directory;
use crate::insight::{CardInputs, KindCount, Snapshot, cards};
use crate::model::{
    Commit, Meeting, Message, Page, PullRequest, Record, Review, Sprint, SprintState, Transcript, WorkItem,
};
use crate::store::{Store, StoreError};
use crate::sync::FIELDS_CURSOR;

/// Snapshot name in the store.
pub const SNAPSHOT_NAME: &str = "cockpit";
/// Days of activity the flow, focus, knowledge and blocker figures look at.
pub const WINDOW_DAYS: i64 = 28;
/// A linked page older than this, while its epic is active, is stale.
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

/// Attendance of configured people keyed by their cockpit name (all their
/// emails count as one person); everyone else keeps their email.
fn named(list: &[Meeting], dir: &Directory) -> Vec<Meeting> {
    let mut list = list.to_vec();
    for m in &mut list {
        for a in &mut m.attendance {
            if let Some(name) = a.email.as_deref().and_then(|e| dir.by_email(e)) {
                a.name = name.to_string();
                a.email = None;
            }
        }
    }
    list
}

/// Everything the cockpit shows, evaluated as of `now` (records dated after
/// `now` are ignored by every metric). Pure: no I/O.
pub fn compute(inp: &Inputs, cfg: &Config, now: Timestamp) -> Snapshot {
    let cal = Calendar::from_team(&cfg.team);
    let dir = Directory::from_config(cfg);
    let since = now - SignedDuration::from_hours(24 * WINDOW_DAYS);
    let window = Window::new(since, now);
    let opts = SprintOptions {
        fields: inp.fields.clone(),
        ..SprintOptions::default()
    };
    let health = sprint_health(&inp.sprints, &inp.items, &cal, now, &opts);
    let burndowns = health
        .iter()
        .filter(|h| h.state == SprintState::Active)
        .map(|h| burndown(h, &cal))
        .collect();
    let active = health
        .iter()
        .filter(|h| h.state == SprintState::Active)
        .max_by_key(|h| h.start);
    let load = workload(
        &inp.items,
        active.map(|h| h.id),
        now,
        Capacity::SplitCommitted(active.map_or(0.0, |h| h.committed_points)),
        &opts,
    );
    let blocked = blockers(&inp.items, &inp.messages, now, since, &BlockerOptions::default());
    let doc_report = docs(&inp.items, &inp.pages, now, since, STALE_DOC_DAYS, &opts.fields);
    let flow_params = FlowParams {
        bots: cfg.github.bots.clone(),
        ..FlowParams::default()
    };
    let flow_metrics = flow(
        &inp.prs,
        &inp.reviews,
        &inp.commits,
        &window,
        now,
        &dir,
        &flow_params,
    );
    let meetings_named = named(&inp.meetings, &dir);
    let people: Vec<String> = cfg.people.iter().map(|p| p.name.clone()).collect();
    let weeks = person_weeks(
        &meetings_named,
        &cal,
        &people,
        &window,
        now,
        &FocusParams::default(),
    );
    let areas = knowledge(
        &inp.commits,
        &inp.reviews,
        &inp.prs,
        &window,
        now,
        &dir,
        &KnowledgeParams {
            bots: cfg.github.bots.clone(),
            ..KnowledgeParams::default()
        },
    );
    let found = decisions(&inp.transcripts, &inp.meetings, &window);
    let team_pulse = pulse(
        &flow_metrics,
        &weeks,
        &areas,
        &[],
        &PulseParams {
            min_group_size: MIN_GROUP_SIZE,
        },
    );
    let triage_report = triage(
        &TriageInputs {
            sprints: &inp.sprints,
            items: &inp.items,
            health: &health,
            blockers: Some(&blocked),
            fields: &opts.fields,
            unestimated_excluded_types: &opts.unestimated_excluded_types,
        },
        now,
        &TriageParams::default(),
    );
    let velocity = velocity::velocity(&inp.sprints, &inp.items);
    let rows = velocity::velocity_rows(&health);
    let ranked = cards(&CardInputs {
        sprints: &inp.sprints,
        items: &inp.items,
        health: &health,
        blockers: Some(&blocked),
        flow: Some(&flow_metrics),
        docs: Some(&doc_report),
        knowledge: &areas,
        now,
    });
    Snapshot {
        site: cfg.site.clone(),
        team: cfg.team.name.clone(),
        time_zone: cfg.team.time_zone.clone(),
        as_of: now,
        cards: ranked,
        meeting_load: meetings::meeting_load(&meetings_named, &cal.tz),
        velocity,
        counts: inp.counts.clone(),
        sprints: rows,
        sprint_health: health,
        burndowns,
        workload: Some(load),
        blockers: Some(blocked),
        docs: Some(doc_report),
        flow: Some(flow_metrics),
        person_weeks: weeks,
        knowledge: areas,
        decisions: found,
        pulse: Some(team_pulse),
        triage: Some(triage_report),
    }
}

/// Computes the snapshot as of `now` from the store and stores it sealed.
///
/// # Errors
/// [`StoreError`] reading records or writing the snapshot.
pub fn compute_snapshot(store: &Store, cfg: &Config, now: Timestamp) -> Result<Snapshot, StoreError> {
    let snapshot = compute(&load_inputs(store)?, cfg, now);
    if let Ok(bytes) = serde_json::to_vec(&snapshot) {
        store.put_snapshot(SNAPSHOT_NAME, &bytes)?;
    }
    Ok(snapshot)
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
