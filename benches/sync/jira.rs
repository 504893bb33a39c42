//! Jira Cloud: myself, the field catalogue, a scrum board per project with
//! its sprints, and the issues (embedded changelogs complete).

use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::org::{Org, Rng, Writer, jira_time, pages, z_time};

/// Writes the Jira routes; returns the records a full sync writes from them.
pub(crate) fn jira(org: &Org, w: &mut Writer, rng: &mut Rng) -> usize {
    w.route(
        "/rest/api/3/myself",
        json!({}),
        "jira/myself.json",
        &json!({ "accountId": "bench-admin", "displayName": "Bench Admin", "timeZone": "UTC" }),
        None,
    );
    w.route(
        "/rest/api/3/field",
        json!({}),
        "jira/field.json",
        &json!([
            { "id": "summary", "name": "Summary", "custom": false, "schema": { "type": "string", "system": "summary" } },
            { "id": "customfield_10016", "name": "Story point estimate", "custom": true,
              "schema": { "type": "number", "custom": "com.pyxis.greenhopper.jira:jsw-story-points" } },
            { "id": "customfield_10020", "name": "Sprint", "custom": true,
              "schema": { "type": "array", "items": "json", "custom": "com.pyxis.greenhopper.jira:gh-sprint" } },
            { "id": "customfield_10021", "name": "Flagged", "custom": true,
              "schema": { "type": "array", "items": "option", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes" } }
        ]),
        None,
    );
    let accounts: Vec<String> = (0..40).map(|i| format!("5b10ac8d82e05b22cc7d{i:04x}")).collect();
    let person = |id: &str| json!({ "accountId": id, "displayName": format!("Person {id}"), "active": true });
    let mut records = 0;
    for p in 0..org.projects {
        let key = org.project_key(p);
        let board = 1 + p as u64;
        w.route(
            "/rest/agile/1.0/board",
            json!({ "projectKeyOrId": key }),
            &format!("jira/boards-{key}.json"),
            &json!({ "maxResults": 50, "startAt": 0, "isLast": true, "values": [
                { "id": board, "name": format!("{key} board"), "type": "scrum",
                  "location": { "projectKey": key, "projectId": 10_000 + p } }
            ]}),
            pages("jira_startat", "values", 50),
        );
        w.route(
            &format!("/rest/agile/1.0/board/{board}/configuration"),
            json!({}),
            &format!("jira/board-{board}-configuration.json"),
            &json!({ "id": board, "estimation": { "type": "field", "field": { "fieldId": "customfield_10016" } } }),
            None,
        );
        // Two-week sprints ending now; the last one active.
        let sprint_id = |k: usize| 1_000 * board + k as u64;
        let sprints: Vec<Value> = (0..org.sprints_per_board)
            .map(|k| {
                let end =
                    org.now - SignedDuration::from_hours(24 * 14 * (org.sprints_per_board - 1 - k) as i64);
                let start = end - SignedDuration::from_hours(24 * 14);
                let active = k + 1 == org.sprints_per_board;
                let mut s = json!({
                    "id": sprint_id(k), "state": if active { "active" } else { "closed" },
                    "name": format!("{key} Sprint {}", k + 1), "startDate": z_time(start),
                    "endDate": z_time(end), "originBoardId": board, "goal": rng.words(5)
                });
                if !active {
                    s["completeDate"] = json!(z_time(end));
                }
                s
            })
            .collect();
        records += sprints.len();
        w.route(
            &format!("/rest/agile/1.0/board/{board}/sprint"),
            json!({}),
            &format!("jira/board-{board}-sprints.json"),
            &json!({ "maxResults": 50, "startAt": 0, "isLast": true, "values": sprints }),
            pages("jira_startat", "values", 50),
        );

        let n = org.issues_per_project;
        let issues: Vec<Value> = (0..n)
            .map(|i| {
                let id = 100_000 + p * 1_000_000 + i;
                let updated = org.at_fraction(i, n);
                let created = updated - SignedDuration::from_hours(24 + rng.below(24 * 20) as i64);
                let done = rng.below(100) < 45;
                let sprint = (i * org.sprints_per_board / n).min(org.sprints_per_board - 1);
                let assignee = &accounts[rng.below(40) as usize];
                let histories: Vec<Value> = (0..3)
                    .map(|h| {
                        let at = created + SignedDuration::from_hours(4 * (h + 1));
                        json!({ "id": format!("{id}{h}"), "author": person(assignee), "created": jira_time(at),
                                "items": [{ "field": "status", "fieldtype": "jira", "fieldId": "status",
                                            "from": "10000", "fromString": "To Do", "to": "3", "toString": "In Progress" }] })
                    })
                    .collect();
                json!({
                    "id": id.to_string(), "key": format!("{key}-{}", i + 1),
                    "self": format!("https://bench.example.com/rest/api/3/issue/{id}"),
                    "changelog": { "startAt": 0, "maxResults": histories.len(), "total": histories.len(), "histories": histories },
                    "fields": {
                        "summary": rng.words(7),
                        "status": if done {
                            json!({ "name": "Done", "id": "10002", "statusCategory": { "key": "done", "name": "Done" } })
                        } else {
                            json!({ "name": "In Progress", "id": "3", "statusCategory": { "key": "indeterminate", "name": "In Progress" } })
                        },
                        "issuetype": { "name": rng.pick(&["Story", "Bug", "Task"]), "subtask": false },
                        "project": { "key": key, "id": (10_000 + p).to_string() },
                        "assignee": person(assignee),
                        "reporter": person(&accounts[rng.below(40) as usize]),
                        "created": jira_time(created), "updated": jira_time(updated),
                        "resolutiondate": if done { json!(jira_time(updated)) } else { Value::Null },
                        "resolution": if done { json!({ "name": "Done" }) } else { Value::Null },
                        "priority": { "name": "Medium", "id": "3" },
                        "labels": [rng.pick(&["backend", "frontend", "tech-debt"])],
                        "issuelinks": [],
                        "description": { "type": "doc", "version": 1, "content": [
                            { "type": "paragraph", "content": [{ "type": "text", "text": rng.words(40) }] }
                        ]},
                        "customfield_10016": if rng.below(100) < 80 { json!([1, 2, 3, 5, 8][rng.below(5) as usize]) } else { Value::Null },
                        "customfield_10020": [{ "id": sprint_id(sprint), "name": format!("{key} Sprint {}", sprint + 1),
                                                "state": "closed", "boardId": board }],
                        "customfield_10021": null
                    }
                })
            })
            .collect();
        records += issues.len();
        // The replay server evaluates `updated >= "…"` and `ORDER BY updated`.
        w.route(
            "/rest/api/3/search/jql",
            json!({ "jql": format!("project = {key}") }),
            &format!("jira/search-{key}.json"),
            &json!({ "issues": issues }),
            pages("jira_token", "issues", 100),
        );
    }
    records
}
