//! `metrics` and `cards`: the numbers and findings, for scripts and reports.
//!
//! Both evaluate from the stored records at `--as-of` (default now) and apply
//! the access rules for the viewer (`--as PERSON`, else the person whose
//! `unix_user` is `$USER`); a strategic read is audited like in the cockpit.

use std::process::ExitCode;

use anyhow::Context;
use jiff::Timestamp;

use super::snapshot::{compute, load_inputs};
use super::{audit_strategic_read, load_config, open_store, unix_user};
use crate::access::Viewer;
use crate::cli::{CardsArgs, GlobalArgs, MetricsArgs};
use crate::config::Config;
use crate::insight::Snapshot;

/// Parses `--as-of`.
fn as_of(value: Option<&str>) -> anyhow::Result<Timestamp> {
    match value {
        None => Ok(Timestamp::now()),
        Some(v) => v.parse::<Timestamp>().with_context(|| {
            format!("--as-of {v:?} is not an RFC 3339 instant such as 2026-11-23T09:00:00Z")
        }),
    }
}

fn viewer(cfg: &Config, as_person: Option<&str>) -> anyhow::Result<Viewer> {
    match as_person {
        Some(name) => {
            let p = cfg
                .people
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(name))
                .with_context(|| {
                    let known: Vec<&str> = cfg.people.iter().map(|p| p.name.as_str()).collect();
                    format!(
                        "--as {name:?} is not a configured person; known: {}",
                        known.join(", ")
                    )
                })?;
            Ok(Viewer {
                name: p.name.clone(),
                roles: p.roles.clone(),
            })
        }
        None => Ok(Viewer::from_config(cfg, unix_user().as_deref())),
    }
}

fn evaluate(g: &GlobalArgs, at: Timestamp, who: Option<&str>) -> anyhow::Result<(Snapshot, Viewer)> {
    let (cfg, _) = load_config(g)?;
    let store = open_store(g, &cfg, false)?;
    let mut snapshot = compute(&load_inputs(&store)?, &cfg, at);
    let viewer = viewer(&cfg, who)?;
    audit_strategic_read(&store, &viewer, &cfg, &mut snapshot)?;
    Ok((snapshot, viewer))
}

pub(super) fn metrics(g: &GlobalArgs, args: &MetricsArgs) -> anyhow::Result<ExitCode> {
    let at = as_of(args.as_of.as_deref())?;
    let (mut s, viewer) = evaluate(g, at, args.as_person.as_deref())?;
    let keep =
        |id: u64, board: u64| args.sprint.is_none_or(|x| x == id) && args.board.is_none_or(|b| b == board);
    s.sprints.retain(|r| keep(r.id, r.board_id));
    s.sprint_health.retain(|h| keep(h.id, h.board_id));
    let health_ids: Vec<u64> = s.sprint_health.iter().map(|h| h.id).collect();
    s.burndowns.retain(|b| health_ids.contains(&b.sprint_id));
    if args.json {
        let doc = serde_json::json!({
            "site": s.site,
            "as_of": s.as_of.to_string(),
            "viewer": viewer.name,
            "time_zone": s.time_zone,
            "sprints": s.sprints,
            "sprint_health": s.sprint_health,
            "burndowns": s.burndowns,
            "workload": s.workload,
            "blockers": s.blockers,
            "docs": s.docs,
            "flow": s.flow,
            "person_weeks": s.person_weeks,
            "meeting_load": s.meeting_load,
            "knowledge": s.knowledge,
            "decisions": s.decisions,
            "pulse": s.pulse,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} · as of {} · viewer {}", s.site, s.as_of, viewer.name);
    println!("\nsprints (story points)        committed  added  removed  completed  carried  unest.  say/do");
    for r in &s.sprints {
        println!(
            "  {:<26} {:>9.1} {:>6.1} {:>8.1} {:>10.1} {:>8.1} {:>6} {:>7}",
            r.name,
            r.committed_points,
            r.added_points,
            r.removed_points,
            r.completed_points,
            r.carried_over_points,
            r.unestimated_issues,
            r.say_do_ratio
                .map_or("–".into(), |x| format!("{:.0}%", x * 100.0))
        );
    }
    for h in &s.sprint_health {
        if let Some(risk) = h.risk.as_ref().filter(|r| r.at_risk) {
            println!("  at risk: {}: {}", h.name, risk.reason);
        }
    }
    if let Some(f) = &s.flow {
        let h = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{v:.1} h"));
        println!("\nflow (pull requests, bots excluded)");
        println!(
            "  cycle time p50 {} · p85 {}",
            h(f.cycle_time_hours_p50),
            h(f.cycle_time_hours_p85)
        );
        println!(
            "  pickup time p50 {} · review time p50 {}",
            h(f.pickup_time_hours_p50),
            h(f.review_time_hours_p50)
        );
        println!(
            "  merged without review {} · stale open {}",
            f.merged_without_review, f.stale_open_prs
        );
    }
    if !s.person_weeks.is_empty() {
        println!("\nmeeting and focus hours per person-week");
        for w in &s.person_weeks {
            println!(
                "  {:<24} {}  meetings {:>5.1} h  focus {:>5.1} h",
                w.person, w.week_start, w.meeting_hours, w.focus_hours
            );
        }
    }
    if !s.decisions.is_empty() {
        println!("\ndecisions ({})", s.decisions.len());
        for d in s.decisions.iter().take(10) {
            println!(
                "  {} — {}",
                d.meeting_topic.as_deref().unwrap_or(&d.meeting_id),
                d.text
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn cards(g: &GlobalArgs, args: &CardsArgs) -> anyhow::Result<ExitCode> {
    let at = as_of(args.as_of.as_deref())?;
    let (s, _) = evaluate(g, at, None)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&s.cards)?);
        return Ok(ExitCode::SUCCESS);
    }
    for c in &s.cards {
        println!("[{:>3}] {}", c.urgency, c.title);
        println!("      {}", c.detail);
        for e in c.evidence.iter().take(5) {
            println!(
                "      · {}{}",
                e.label,
                e.url.as_deref().map(|u| format!(" <{u}>")).unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
