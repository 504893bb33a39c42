//! Workload, blockers (Jira and Slack, resolved and not) and documentation
//! coverage/staleness on small hand-built records; each expected value has
//! its arithmetic beside it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_cockpit::analytics::blockers::{BlockerOptions, BlockerSource, blockers};
use async_cockpit::analytics::docs::docs;
use async_cockpit::analytics::sprint::{JiraFields, SprintOptions};
use async_cockpit::analytics::workload::{Capacity, workload};
use async_cockpit::model::{
    FieldChange, IssueLink, Message, Page, RecordMeta, Source, StatusCategory, WorkItem,
};
use jiff::{SignedDuration, Timestamp};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn meta(source: Source, id: &str, at: Timestamp) -> RecordMeta {
    RecordMeta {
        site: "t".into(),
        source,
        source_id: id.into(),
        event_time: at,
        fetched_at: at,
    }
}

fn category(status: &str) -> StatusCategory {
    match status {
        "To Do" => StatusCategory::ToDo,
        "Done" => StatusCategory::Done,
        _ => StatusCategory::InProgress,
    }
}

/// Builds an issue forward in time, writing Jira-shaped changelog entries.
struct B {
    item: WorkItem,
}

impl B {
    fn new(key: &str, created: &str) -> B {
        let at = ts(created);
        B {
            item: WorkItem {
                meta: meta(Source::Jira, &format!("id-{key}"), at),
                key: key.into(),
                project: key.split('-').next().unwrap().into(),
                summary: format!("summary of {key}"),
                issue_type: "Story".into(),
                status: "To Do".into(),
                status_category: StatusCategory::ToDo,
                resolution: None,
                assignee: None,
                reporter: Some("reporter".into()),
                created: at,
                updated: at,
                resolved: None,
                story_points: None,
                sprint_ids: vec![],
                parent_key: None,
                labels: vec![],
                flagged: false,
                links: vec![],
                description: String::new(),
                changelog: vec![],
                url: format!("https://jira.example.com/browse/{key}"),
            },
        }
    }

    fn change(
        &mut self,
        at: &str,
        field: &str,
        from: Option<&str>,
        to: Option<&str>,
        fs: Option<&str>,
        tos: Option<&str>,
    ) {
        let at = ts(at);
        let s = |x: Option<&str>| x.map(str::to_string);
        self.item.changelog.push(FieldChange {
            at,
            author: None,
            field: field.into(),
            from: s(from),
            to: s(to),
            from_string: s(fs),
            to_string: s(tos),
        });
        self.item.updated = self.item.updated.max(at);
    }

    fn with(mut self, f: impl FnOnce(&mut WorkItem)) -> B {
        f(&mut self.item);
        self
    }

    fn status(mut self, at: &str, to: &str) -> B {
        let from = self.item.status.clone();
        self.change(at, "status", Some("1"), Some("2"), Some(&from), Some(to));
        self.item.status = to.into();
        self.item.status_category = category(to);
        self
    }

    fn done(mut self, at: &str, resolution: &str) -> B {
        self = self.status(at, "Done");
        self.change(at, "resolution", None, Some("10000"), None, Some(resolution));
        self.item.resolution = Some(resolution.into());
        self
    }

    fn flag(mut self, at: &str, on: bool) -> B {
        let (from, to) = if on {
            (None, Some("[10019]"))
        } else {
            (Some("[10019]"), None)
        };
        let s = |x: Option<&str>| x.map(|_| "Impediment");
        self.change(at, "customfield_10021", from, to, s(from), s(to));
        self.item.flagged = on;
        self
    }

    fn blocked_by(mut self, at: &str, other: &str) -> B {
        let text = format!("This issue is blocked by {other}");
        self.change(at, "Link", None, Some(other), None, Some(&text));
        self.item.links.push(IssueLink {
            link_type: "Blocks".into(),
            relation: "is blocked by".into(),
            other_key: other.into(),
        });
        self
    }

    fn assignee(mut self, at: &str, to: &str) -> B {
        let from = self.item.assignee.clone();
        self.change(
            at,
            "assignee",
            from.as_deref(),
            Some(to),
            from.as_deref(),
            Some(to),
        );
        self.item.assignee = Some(to.into());
        self
    }

    fn build(self) -> WorkItem {
        self.item
    }
}

// ----------------------------------------------------------------- workload

fn in_sprint(key: &str, who: Option<&str>, points: Option<f64>, sprint: u64) -> B {
    B::new(key, "2026-03-01T08:00:00Z").with(|i| {
        i.assignee = who.map(str::to_string);
        i.story_points = points;
        i.sprint_ids = vec![sprint];
    })
}

fn workload_items() -> Vec<WorkItem> {
    vec![
        in_sprint("W-1", Some("ann"), Some(5.0), 40)
            .status("2026-03-03T09:00:00Z", "In Progress")
            .build(),
        in_sprint("W-2", Some("ann"), Some(3.0), 40).build(),
        in_sprint("W-3", Some("ann"), Some(2.0), 40)
            .done("2026-03-04T09:00:00Z", "Done")
            .build(),
        // Unestimated, in progress.
        in_sprint("W-4", Some("bob"), None, 40)
            .status("2026-03-03T09:00:00Z", "In Progress")
            .build(),
        // Won't Do is not work.
        in_sprint("W-5", Some("bob"), Some(8.0), 40)
            .done("2026-03-04T09:00:00Z", "Won't Do")
            .build(),
        in_sprint("W-6", None, Some(1.0), 40).build(),
        // Another sprint.
        in_sprint("W-7", Some("cat"), Some(4.0), 41)
            .status("2026-03-03T09:00:00Z", "In Progress")
            .build(),
        // Ann's at `as_of`; handed to Bob afterwards.
        in_sprint("W-8", Some("ann"), Some(2.0), 40)
            .assignee("2026-03-09T09:00:00Z", "bob")
            .build(),
        // Epics never count.
        in_sprint("W-9", Some("ann"), Some(13.0), 40)
            .with(|i| i.issue_type = "Epic".into())
            .build(),
    ]
}

#[test]
fn workload_per_person_against_capacity() {
    let as_of = ts("2026-03-05T12:00:00Z");
    let opts = SprintOptions::default();
    let w = workload(
        &workload_items(),
        Some(40),
        as_of,
        Capacity::SplitCommitted(20.0),
        &opts,
    );
    assert_eq!(w.people.len(), 2); // ann, bob (unassigned is not a person)
    assert!(close(w.capacity_points_per_person.unwrap(), 10.0)); // 20 ÷ 2 people
    let ann = &w.people[0];
    assert_eq!(ann.assignee.as_deref(), Some("ann"));
    assert_eq!(ann.assigned_issues, 4); // W-1, W-2, W-3 (done), W-8
    assert!(close(ann.assigned_points, 12.0)); // 5 + 3 + 2 + 2
    assert_eq!(ann.open_issues, 3); // W-1, W-2, W-8
    assert!(close(ann.open_points, 10.0)); // 5 + 3 + 2
    assert_eq!(ann.open_keys, vec!["W-1", "W-2", "W-8"]);
    assert_eq!(
        (ann.wip_issues, ann.wip_keys.clone()),
        (1, vec!["W-1".to_string()])
    );
    assert!(close(ann.wip_points, 5.0));
    assert!(close(ann.load_ratio.unwrap(), 1.2)); // 12 ÷ 10
    assert!(ann.over_capacity);
    let bob = &w.people[1];
    assert_eq!(bob.assigned_issues, 1); // W-4 (W-5 Won't Do, W-8 not yet his)
    assert!(close(bob.assigned_points, 0.0)); // unestimated
    assert_eq!(bob.unestimated_open_issues, 1);
    assert_eq!(bob.wip_issues, 1);
    assert!(close(bob.load_ratio.unwrap(), 0.0));
    assert!(!bob.over_capacity);
    assert_eq!(w.unassigned.open_keys, vec!["W-6"]);
    assert!(close(w.unassigned.open_points, 1.0));

    // Capacity passed in.
    let w = workload(
        &workload_items(),
        Some(40),
        as_of,
        Capacity::PerPerson(15.0),
        &opts,
    );
    assert!(close(w.people[0].load_ratio.unwrap(), 0.8)); // 12 ÷ 15

    // No sprint: every open issue; assigned = open.
    let w = workload(&workload_items(), None, as_of, Capacity::Unknown, &opts);
    let who: Vec<(&str, usize, f64)> = w
        .people
        .iter()
        .map(|p| (p.assignee.as_deref().unwrap(), p.open_issues, p.assigned_points))
        .collect();
    assert_eq!(who, vec![("ann", 3, 10.0), ("bob", 1, 0.0), ("cat", 1, 4.0)]);
    assert_eq!(w.people[0].load_ratio, None);

    // Later, W-8 is Bob's.
    let w = workload(
        &workload_items(),
        Some(40),
        ts("2026-03-10T00:00:00Z"),
        Capacity::Unknown,
        &opts,
    );
    assert_eq!(w.people[1].open_keys, vec!["W-4", "W-8"]);
}

// ----------------------------------------------------------------- blockers

fn jira_blocker_items() -> Vec<WorkItem> {
    vec![
        // Blocked status then flag; flag cleared, then status back: one stretch.
        B::new("J-1", "2026-03-01T08:00:00Z")
            .with(|i| i.assignee = Some("ann".into()))
            .status("2026-03-02T09:00:00Z", "In Progress")
            .status("2026-03-02T10:00:00Z", "Blocked")
            .flag("2026-03-02T10:00:30Z", true)
            .flag("2026-03-03T10:00:00Z", false)
            .status("2026-03-03T10:00:30Z", "In Progress")
            .build(),
        // Blocked by J-3 until J-3 is done.
        B::new("J-2", "2026-03-01T08:00:00Z")
            .with(|i| i.assignee = Some("bob".into()))
            .blocked_by("2026-03-04T09:00:00Z", "J-3")
            .build(),
        B::new("J-3", "2026-03-01T08:00:00Z")
            .done("2026-03-05T15:00:00Z", "Done")
            .build(),
        // Flagged since creation (no changelog): open.
        B::new("J-4", "2026-03-01T08:00:00Z")
            .with(|i| {
                i.flagged = true;
                i.assignee = Some("ann".into());
            })
            .build(),
        // Blocked by an issue we do not have: open, since creation; no
        // assignee, so the reporter owns it.
        B::new("J-5", "2026-03-02T08:00:00Z")
            .with(|i| {
                i.links.push(IssueLink {
                    link_type: "Blocks".into(),
                    relation: "is blocked by".into(),
                    other_key: "OTHER-99".into(),
                })
            })
            .build(),
        // Flagged, then done long before the window: not listed.
        B::new("J-6", "2026-02-20T08:00:00Z")
            .with(|i| i.flagged = true)
            .done("2026-02-25T08:00:00Z", "Done")
            .build(),
        // Its status moves after the Slack report about it.
        B::new("K-1", "2026-03-01T08:00:00Z")
            .status("2026-03-04T17:00:00Z", "In Progress")
            .build(),
    ]
}

fn msg(channel: &str, at: &str, thread: Option<&str>, user: &str, text: &str) -> Message {
    let t = ts(at);
    let id = t.as_second().to_string();
    Message {
        meta: meta(Source::Slack, &format!("{channel}/{id}"), t),
        channel: channel.into(),
        channel_name: Some("dev".into()),
        ts: id,
        thread_ts: thread.map(|t| ts(t).as_second().to_string()),
        user: Some(user.into()),
        subtype: None,
        text: text.into(),
        edited: None,
        reply_count: 0,
    }
}

fn slack() -> Vec<Message> {
    let s1 = "2026-03-02T09:00:00Z";
    let s2 = "2026-03-04T09:00:00Z";
    let s3 = "2026-03-05T08:00:00Z";
    let mut bot = msg(
        "C1",
        "2026-03-05T10:00:00Z",
        None,
        "B1",
        "deploy blocked on approvals",
    );
    bot.subtype = Some("bot_message".into());
    vec![
        // S1: resolved by the thread.
        msg(
            "C1",
            s1,
            None,
            "U1",
            "blocked on the staging credentials, waiting on ops",
        ),
        msg("C1", "2026-03-02T15:00:00Z", Some(s1), "U2", "any news?"),
        msg("C1", "2026-03-03T11:00:00Z", Some(s1), "U1", "unblocked ✅"),
        // S2: resolved by its issue moving.
        msg(
            "C1",
            s2,
            None,
            "U3",
            "K-1 is stuck: I need the API contract before I continue",
        ),
        // S3: a negated reply does not resolve it; 28 h old at as_of.
        msg("C2", s3, None, "U4", "waiting for review on the schema"),
        msg(
            "C2",
            "2026-03-05T09:00:00Z",
            Some(s3),
            "U5",
            "not done yet, sorry",
        ),
        // S4: 4 h old at as_of, under the 24 h threshold.
        msg(
            "C2",
            "2026-03-06T08:00:00Z",
            None,
            "U6",
            "I\u{2019}m blocked by flaky CI",
        ),
        // Not reports: a bot, an invitation, a message after as_of.
        bot,
        msg(
            "C3",
            "2026-03-05T11:00:00Z",
            None,
            "U7",
            "Shout if you're blocked.",
        ),
        msg("C3", "2026-03-07T11:00:00Z", None, "U7", "blocked on lunch"),
    ]
}

#[test]
fn blockers_from_jira_and_slack() {
    let as_of = ts("2026-03-06T12:00:00Z");
    let since = ts("2026-03-02T00:00:00Z");
    let r = blockers(
        &jira_blocker_items(),
        &slack(),
        as_of,
        since,
        &BlockerOptions::default(),
    );

    let open: Vec<&str> = r.open.iter().map(|b| b.source_id.as_str()).collect();
    let s3 = format!("C2/{}", ts("2026-03-05T08:00:00Z").as_second());
    assert_eq!(open, vec!["J-4", "J-5", s3.as_str()]); // oldest first
    let j4 = &r.open[0];
    assert_eq!(j4.source, BlockerSource::Jira);
    assert_eq!(j4.reasons, vec!["flagged"]);
    assert_eq!(j4.owner.as_deref(), Some("ann"));
    assert!(close(j4.age_hours, 124.0)); // 1 Mar 08:00 → 6 Mar 12:00 = 5 × 24 + 4
    assert_eq!(j4.url.as_deref(), Some("https://jira.example.com/browse/J-4"));
    let j5 = &r.open[1];
    assert_eq!(j5.reasons, vec!["is blocked by OTHER-99"]);
    assert_eq!(j5.blocking_keys, vec!["OTHER-99"]);
    assert_eq!(j5.owner.as_deref(), Some("reporter"));
    assert!(close(j5.age_hours, 100.0)); // 2 Mar 08:00 → 6 Mar 12:00 = 4 × 24 + 4
    let slack3 = &r.open[2];
    assert_eq!(slack3.source, BlockerSource::Slack);
    assert_eq!(slack3.owner.as_deref(), Some("U4"));
    assert!(close(slack3.age_hours, 28.0)); // 5 Mar 08:00 → 6 Mar 12:00

    let resolved: Vec<(&str, f64)> = r
        .resolved
        .iter()
        .map(|b| (b.source_id.as_str(), b.age_hours))
        .collect();
    let s1 = format!("C1/{}", ts("2026-03-02T09:00:00Z").as_second());
    let s2 = format!("C1/{}", ts("2026-03-04T09:00:00Z").as_second());
    assert_eq!(resolved.len(), 4);
    // J-1: Blocked 2 Mar 10:00 → back In Progress 3 Mar 10:00:30 = 24 h 30 s.
    assert_eq!(resolved[0].0, "J-1");
    assert!(close(resolved[0].1, 24.0 + 30.0 / 3600.0));
    assert_eq!(r.resolved[0].reasons, vec!["status Blocked", "flagged"]);
    // S1: 2 Mar 09:00 → "unblocked" 3 Mar 11:00 = 26 h.
    assert_eq!(resolved[1], (s1.as_str(), 26.0));
    assert!(r.resolved[1].resolution.as_deref().unwrap().contains("unblocked"));
    // S2: 4 Mar 09:00 → K-1 moved 4 Mar 17:00 = 8 h.
    assert_eq!(resolved[2], (s2.as_str(), 8.0));
    assert_eq!(r.resolved[2].key.as_deref(), Some("K-1"));
    assert_eq!(
        r.resolved[2].resolution.as_deref(),
        Some("K-1 moved to In Progress")
    );
    // J-2: link 4 Mar 09:00 → J-3 done 5 Mar 15:00 = 30 h.
    assert_eq!(resolved[3], ("J-2", 30.0));
    assert_eq!(r.resolved[3].reasons, vec!["is blocked by J-3"]);
    assert_eq!(r.resolved[3].owner.as_deref(), Some("bob"));

    let s4 = format!("C2/{}", ts("2026-03-06T08:00:00Z").as_second());
    assert_eq!(r.slack_below_threshold, vec![s4]); // 4 h < 24 h

    // Evaluated earlier, J-2 is still open and S1 not yet reported resolved.
    let r = blockers(
        &jira_blocker_items(),
        &slack(),
        ts("2026-03-05T12:00:00Z"),
        since,
        &BlockerOptions::default(),
    );
    assert!(
        r.open
            .iter()
            .any(|b| b.source_id == "J-2" && close(b.age_hours, 27.0))
    ); // 4 Mar 09:00 → 5 Mar 12:00
    assert!(r.resolved.iter().any(|b| b.source_id == s1));
    // The window hides what was resolved before it.
    let r = blockers(
        &jira_blocker_items(),
        &slack(),
        as_of,
        ts("2026-03-05T00:00:00Z"),
        &BlockerOptions::default(),
    );
    assert_eq!(
        r.resolved
            .iter()
            .map(|b| b.source_id.as_str())
            .collect::<Vec<_>>(),
        vec!["J-2"]
    );
}

// --------------------------------------------------------------------- docs

fn page(id: &str, keys: &[&str], created: &str, updated: &str) -> Page {
    Page {
        meta: meta(Source::Confluence, id, ts(updated)),
        space: "ENG".into(),
        title: format!("page {id}"),
        version: 3,
        created: ts(created),
        updated: ts(updated),
        author: None,
        issue_keys: keys.iter().map(|k| (*k).to_string()).collect(),
        body_text: String::new(),
        url: format!("http://127.0.0.1:9/wiki/spaces/ENG/pages/{id}/Title"),
    }
}

fn epic(key: &str) -> B {
    B::new(key, "2026-01-05T08:00:00Z").with(|i| i.issue_type = "Epic".into())
}

fn child(key: &str, parent: &str) -> B {
    B::new(key, "2026-01-06T08:00:00Z").with(|i| i.parent_key = Some(parent.into()))
}

#[test]
fn docs_coverage_and_staleness() {
    let as_of = ts("2026-03-31T12:00:00Z");
    let since = as_of - SignedDuration::from_hours(24 * 14); // 17 Mar 12:00
    let items = vec![
        // Active (open child); linked by P1's keys and by P2's URL in its description.
        epic("E-1")
            .with(|i| i.description = "Design: http://127.0.0.1:9/wiki/spaces/ENG/pages/202/Title".into())
            .build(),
        child("C-1a", "E-1").build(),
        child("C-1b", "E-1").done("2026-02-01T08:00:00Z", "Done").build(),
        // Active (changed in the window), no page; one child has its own page.
        epic("E-2").status("2026-03-20T08:00:00Z", "In Progress").build(),
        child("C-2a", "E-2").build(),
        child("C-2b", "E-2").build(),
        // Done with done children: not active.
        epic("E-3").done("2026-02-10T08:00:00Z", "Done").build(),
        child("C-3a", "E-3").done("2026-02-09T08:00:00Z", "Done").build(),
        // Open, no children, untouched since January: not active.
        epic("E-4").build(),
        // Active; its description names page 777 on another host (same id).
        epic("E-5")
            .with(|i| i.description = "See https://wiki.example.com/wiki/spaces/ENG/pages/777/Spec".into())
            .build(),
        child("C-5a", "E-5").build(),
        // Open, no children, changed in the window: active, no page.
        epic("E-6").status("2026-03-25T08:00:00Z", "In Progress").build(),
    ];
    let pages = vec![
        page(
            "101",
            &["E-1", "E-3"],
            "2026-01-10T12:00:00Z",
            "2026-02-19T12:00:00Z",
        ), // 40 days old
        page("202", &[], "2026-01-10T12:00:00Z", "2026-03-26T12:00:00Z"), // 5 days old
        page("777", &[], "2026-01-10T12:00:00Z", "2026-03-30T12:00:00Z"),
        page("77", &[], "2026-01-10T12:00:00Z", "2026-03-30T12:00:00Z"), // "/pages/777" is not page 77
        page("303", &["C-2b"], "2026-01-10T12:00:00Z", "2026-03-30T12:00:00Z"),
        page("404", &["E-2"], "2026-04-02T12:00:00Z", "2026-04-02T12:00:00Z"), // written after as_of
    ];
    let r = docs(&items, &pages, as_of, since, 30, &JiraFields::default());
    let keys: Vec<&str> = r.epics.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, vec!["E-1", "E-2", "E-5", "E-6"]);
    assert_eq!(r.active_epics, 4);
    assert_eq!(r.covered_epics, 2); // E-1, E-5
    assert_eq!(r.uncovered_epic_keys, vec!["E-2", "E-6"]);
    assert!(close(r.epic_coverage.unwrap(), 0.5)); // 2 ÷ 4
    assert_eq!(r.active_issues, 4); // C-1a, C-2a, C-2b, C-5a (C-1b done)
    assert_eq!(r.covered_issues, 3); // C-1a (epic), C-2b (own page), C-5a (epic)
    assert_eq!(r.uncovered_issue_keys, vec!["C-2a"]);
    assert!(close(r.issue_coverage.unwrap(), 0.75));
    let e1 = &r.epics[0];
    let ids: Vec<&str> = e1.pages.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, vec!["202", "101"]); // most recently updated first
    assert!(close(e1.pages[1].days_since_update, 40.0)); // 19 Feb 12:00 → 31 Mar 12:00
    assert!(e1.pages[1].stale); // 40 > 30
    assert!(!e1.pages[0].stale); // 5 ≤ 30
    assert_eq!(
        r.epics[2].pages.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        vec!["777"]
    );
    assert_eq!(r.stale_pages, vec![("E-1".to_string(), "101".to_string())]);

    // A month later: pages 202 (26 Mar → 1 May = 36 days) and 777 (30 Mar →
    // 1 May = 32 days) are stale too, E-2's page 404 exists (2 Apr → 1 May =
    // 29 days, fresh), and E-6 (untouched since 25 Mar) is no longer active.
    let later = ts("2026-05-01T12:00:00Z");
    let r = docs(
        &items,
        &pages,
        later,
        later - SignedDuration::from_hours(24 * 14),
        30,
        &JiraFields::default(),
    );
    let pair = |e: &str, p: &str| (e.to_string(), p.to_string());
    assert_eq!(
        r.stale_pages,
        vec![pair("E-1", "202"), pair("E-1", "101"), pair("E-5", "777")]
    );
    assert_eq!(r.covered_epics, 3); // E-1, E-2 (page 404), E-5
    assert!(r.uncovered_epic_keys.is_empty());
    assert_eq!(r.active_epics, 3);
}
