//! Access: who may see what. The three rules live here and nowhere else:
//! 1. own data is always visible to its owner;
//! 2. team aggregates are visible to every team member, without attribution;
//! 3. another person's individual detail only for a strategic role
//!    (`engineering-manager`, `team-lead`), each such read audited.
//!
//! Must not: fetch or render anything.

use crate::config::{Config, STRATEGIC_ROLES};

/// Who is looking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Cockpit name.
    pub name: String,
    /// Roles from the config.
    pub roles: Vec<String>,
}

impl Viewer {
    /// Whether the viewer holds a strategic role.
    pub fn is_strategic(&self) -> bool {
        self.roles.iter().any(|r| STRATEGIC_ROLES.contains(&r.as_str()))
    }

    /// The role shown in the status line.
    pub fn role_label(&self) -> String {
        self.roles.first().cloned().unwrap_or_else(|| "engineer".into())
    }

    /// The viewer for this login: the person whose `unix_user` matches
    /// `$USER`, else the first strategic person for the demo, else an
    /// anonymous team member with no roles.
    pub fn from_config(cfg: &Config, unix_user: Option<&str>) -> Viewer {
        let person = unix_user.and_then(|u| cfg.people.iter().find(|p| p.unix_user.as_deref() == Some(u)));
        match person {
            Some(p) => Viewer {
                name: p.name.clone(),
                roles: p.roles.clone(),
            },
            None => Viewer {
                name: unix_user.unwrap_or("you").to_string(),
                roles: Vec::new(),
            },
        }
    }
}

/// Smallest group whose aggregate may be shown (no group small enough to
/// single a person out).
pub const MIN_GROUP_SIZE: usize = 3;

/// Label of the aggregated row that stands for the team.
pub const TEAM_ROW: &str = "Team average";

/// The account ids, logins and emails `cfg` maps to the viewer.
fn own_accounts(viewer: &Viewer, cfg: &Config) -> Vec<String> {
    cfg.people
        .iter()
        .filter(|p| p.name == viewer.name)
        .flat_map(|p| {
            p.emails
                .iter()
                .chain(p.github.iter())
                .chain(p.jira_account_id.iter())
                .chain(p.slack_id.iter())
                .chain(p.zoom_email.iter())
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Applies the three rules to a snapshot before it is shown to `viewer`.
///
/// - Strategic roles see individual rows; the names (or account ids) of the
///   other people whose individual figures are shown are returned, so the
///   caller can audit the read (one record per subject).
/// - Everyone else sees their own rows, and per week one team row of meeting
///   hours: the mean of the people with data that week, shown only when at
///   least [`MIN_GROUP_SIZE`] people are in it. Other people's rows of meeting
///   load, focus time, review load and workload are removed, and knowledge
///   shares lose their names; team aggregates stay in `pulse`.
pub fn restrict_snapshot(
    snapshot: &mut crate::insight::Snapshot,
    viewer: &Viewer,
    cfg: &Config,
) -> Vec<String> {
    use std::collections::{BTreeMap, BTreeSet};
    let own = own_accounts(viewer, cfg);
    let is_own = |who: &str| who == viewer.name || own.iter().any(|a| a.eq_ignore_ascii_case(who));
    if viewer.is_strategic() {
        let mut others: BTreeSet<String> = BTreeSet::new();
        others.extend(snapshot.meeting_load.iter().map(|m| m.person.clone()));
        others.extend(snapshot.person_weeks.iter().map(|m| m.person.clone()));
        if let Some(f) = &snapshot.flow {
            others.extend(f.review_load.iter().map(|r| r.person.clone()));
        }
        if let Some(w) = &snapshot.workload {
            others.extend(w.people.iter().filter_map(|p| p.assignee.clone()));
        }
        return others.into_iter().filter(|p| !is_own(p)).collect();
    }
    let mut weeks: BTreeMap<jiff::civil::Date, (f64, usize, usize)> = BTreeMap::new();
    for m in &snapshot.meeting_load {
        let e = weeks.entry(m.week_start).or_default();
        e.0 += m.meeting_hours;
        e.1 += 1;
        e.2 += m.meetings;
    }
    snapshot.meeting_load.retain(|m| is_own(&m.person));
    for (week, (hours, people, meetings)) in weeks {
        if people >= MIN_GROUP_SIZE {
            snapshot
                .meeting_load
                .push(crate::analytics::meetings::MeetingWeek {
                    person: TEAM_ROW.to_string(),
                    week_start: week,
                    meeting_hours: hours / people as f64,
                    meetings: meetings / people,
                    meeting_ids: Vec::new(),
                });
        }
    }
    snapshot.person_weeks.retain(|w| is_own(&w.person));
    if let Some(f) = &mut snapshot.flow {
        f.review_load.retain(|r| is_own(&r.person));
    }
    if let Some(w) = &mut snapshot.workload {
        w.people.retain(|p| p.assignee.as_deref().is_some_and(is_own));
    }
    for area in &mut snapshot.knowledge {
        area.shares.clear();
        area.bus_factor_people.clear();
    }
    Vec::new()
}

/// The audit `view` of the cockpit's Strategic tab.
pub const STRATEGIC_VIEW: &str = "cockpit.strategic";

/// What the cockpit knows of its viewer's access, decided here from the
/// config: whether they hold a strategic role, which roles would grant one,
/// which accounts are their own, and the cockpit name of every configured
/// account (individual figures are keyed by account id, login or name).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Access {
    /// The viewer's cockpit name.
    pub viewer: String,
    /// Whether the viewer holds a strategic role.
    pub strategic: bool,
    /// The roles that grant individual detail of others (from the config's
    /// [`STRATEGIC_ROLES`]).
    pub strategic_roles: Vec<String>,
    /// The viewer's accounts (emails, logins, account ids), lower case.
    own: Vec<String>,
    /// Account (email, login, account id; lower case) → cockpit name.
    names: std::collections::BTreeMap<String, String>,
}

impl Access {
    /// The access of `viewer` under `cfg`.
    pub fn new(viewer: &Viewer, cfg: &Config) -> Access {
        let mut names = std::collections::BTreeMap::new();
        for p in &cfg.people {
            let accounts = p
                .emails
                .iter()
                .chain(p.github.iter())
                .chain(p.jira_account_id.iter())
                .chain(p.slack_id.iter())
                .chain(p.zoom_email.iter());
            for a in accounts {
                names.insert(a.to_lowercase(), p.name.clone());
            }
        }
        Access {
            viewer: viewer.name.clone(),
            strategic: viewer.is_strategic(),
            strategic_roles: STRATEGIC_ROLES.iter().map(|r| r.to_string()).collect(),
            own: own_accounts(viewer, cfg)
                .iter()
                .map(|a| a.to_lowercase())
                .collect(),
            names,
        }
    }

    /// The access assumed without a config: the viewer `name` with the single
    /// role `role` (strategic when that role is), owning only their name.
    pub fn assumed(name: &str, role: &str) -> Access {
        Access {
            viewer: name.to_string(),
            strategic: STRATEGIC_ROLES.contains(&role),
            strategic_roles: STRATEGIC_ROLES.iter().map(|r| r.to_string()).collect(),
            ..Access::default()
        }
    }

    /// The cockpit name of `who` (a name, login, email or account id), or
    /// `who` itself when no configured person has it.
    pub fn name_of(&self, who: &str) -> String {
        self.names
            .get(&who.to_lowercase())
            .cloned()
            .unwrap_or_else(|| who.to_string())
    }

    /// Whether `who` is the viewer (by name or one of their accounts).
    pub fn is_own(&self, who: &str) -> bool {
        who == self.viewer || self.own.iter().any(|a| a.eq_ignore_ascii_case(who))
    }

    /// Rule 1 and 3: the viewer may see `who`'s individual figures when they
    /// are their own, or when the viewer holds a strategic role.
    pub fn may_see(&self, who: &str) -> bool {
        self.strategic || self.is_own(who)
    }

    /// The sentence a non-strategic viewer reads instead of others' figures.
    pub fn needs_role_sentence(&self) -> String {
        let roles = match self.strategic_roles.as_slice() {
            [] => "a strategic role".to_string(),
            [one] => format!("the {one} role"),
            [rest @ .., last] => format!("the {} or {last} role", rest.join(", ")),
        };
        format!(
            "Other people's individual figures need {roles} in the site's config; \
             you see your own row only. Team figures without names are on the Pulse tab."
        )
    }
}

/// Which strategic reads have been audited for the data on screen: a view
/// reads each subject once per snapshot, however often it is drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadLedger {
    seen: std::collections::BTreeSet<(String, String)>,
}

impl ReadLedger {
    /// Of the people `subjects` shown by `view`, those whose read must now be
    /// audited: others than the viewer, seen by a strategic viewer, not yet
    /// audited for this `view` since the last [`ReadLedger::reset`]. They are
    /// marked audited; the caller writes one audit record each.
    pub fn first_reads<I>(&mut self, access: &Access, view: &str, subjects: I) -> Vec<String>
    where
        I: IntoIterator<Item = String>,
    {
        if !access.strategic {
            return Vec::new();
        }
        let mut out: Vec<String> = subjects
            .into_iter()
            .filter(|s| !access.is_own(s))
            .filter(|s| self.seen.insert((view.to_string(), s.clone())))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Forgets every read: fresh data is read anew.
    pub fn reset(&mut self) {
        self.seen.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::meetings::MeetingWeek;
    use crate::insight::Snapshot;

    fn week(person: &str, hours: f64) -> MeetingWeek {
        MeetingWeek {
            person: person.into(),
            week_start: jiff::civil::date(2026, 1, 5),
            meeting_hours: hours,
            meetings: 2,
            meeting_ids: vec!["m1".into()],
        }
    }

    fn snapshot(rows: Vec<MeetingWeek>) -> Snapshot {
        Snapshot {
            meeting_load: rows,
            ..Snapshot::default()
        }
    }

    #[test]
    fn engineers_see_themselves_and_the_team_mean_only() {
        let me = Viewer {
            name: "Ada".into(),
            roles: vec![],
        };
        let mut s = snapshot(vec![week("Ada", 4.0), week("Bob", 8.0), week("Cy", 12.0)]);
        assert!(restrict_snapshot(&mut s, &me, &Config::default()).is_empty());
        let people: Vec<&str> = s.meeting_load.iter().map(|m| m.person.as_str()).collect();
        assert_eq!(people, ["Ada", TEAM_ROW]);
        // (4 + 8 + 12) / 3 = 8 hours.
        assert_eq!(s.meeting_load[1].meeting_hours, 8.0);
        assert!(s.meeting_load[1].meeting_ids.is_empty());
    }

    #[test]
    fn groups_under_three_get_no_aggregate() {
        let me = Viewer {
            name: "Ada".into(),
            roles: vec![],
        };
        let mut s = snapshot(vec![week("Ada", 4.0), week("Bob", 8.0)]);
        restrict_snapshot(&mut s, &me, &Config::default());
        let people: Vec<&str> = s.meeting_load.iter().map(|m| m.person.as_str()).collect();
        assert_eq!(people, ["Ada"]);
    }

    #[test]
    fn strategic_reads_name_each_subject_for_the_audit() {
        let em = Viewer {
            name: "Eve".into(),
            roles: vec!["engineering-manager".into()],
        };
        let mut s = snapshot(vec![week("Ada", 4.0), week("Bob", 8.0), week("Eve", 1.0)]);
        assert_eq!(restrict_snapshot(&mut s, &em, &Config::default()), ["Ada", "Bob"]);
        assert_eq!(s.meeting_load.len(), 3);
    }

    #[test]
    fn a_view_audits_each_subject_once_until_reset() {
        let em = Viewer {
            name: "Eve".into(),
            roles: vec!["team-lead".into()],
        };
        let access = Access::new(&em, &Config::default());
        let mut ledger = ReadLedger::default();
        let people = || ["Ada", "Bob", "Eve", "Ada"].map(String::from);
        assert_eq!(
            ledger.first_reads(&access, STRATEGIC_VIEW, people()),
            ["Ada", "Bob"]
        );
        assert!(ledger.first_reads(&access, STRATEGIC_VIEW, people()).is_empty());
        assert_eq!(ledger.first_reads(&access, "other", people()), ["Ada", "Bob"]);
        ledger.reset();
        assert_eq!(
            ledger.first_reads(&access, STRATEGIC_VIEW, people()),
            ["Ada", "Bob"]
        );
        let engineer = Access::assumed("Ada", "engineer");
        assert!(ledger.first_reads(&engineer, "x", people()).is_empty());
        assert!(!engineer.may_see("Bob") && engineer.may_see("Ada"));
        assert!(
            engineer
                .needs_role_sentence()
                .contains("the engineering-manager or team-lead role")
        );
    }
}
