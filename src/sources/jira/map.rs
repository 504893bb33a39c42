//! Jira issue and sprint JSON → provider-neutral records.
//!
//! Fields are read from `serde_json::Value` because custom field ids differ per
//! site (story points, sprint, flagged); the field ids to read are passed in
//! as [`FieldIds`]. Handles both wire forms of the sprint field: Cloud objects
//! (`[{"id": 7, "name": ..}]`) and Server/DC (and 2014 Cloud) serialized strings
//! (`"com.atlassian.greenhopper.service.sprint.Sprint@..[id=7,state=CLOSED,..]"`).

use jiff::Timestamp;
use serde_json::Value;

use super::adf::flatten;
use crate::model::{
    FieldChange, IssueLink, RecordMeta, Source, Sprint, SprintState, StatusCategory, WorkItem,
};
use crate::sources::time::parse_provider_time;

/// The custom field ids of one site/project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIds {
    /// Story points field (`customfield_10016`), if any.
    pub story_points: Option<String>,
    /// Sprint field (`customfield_10020`).
    pub sprint: Option<String>,
    /// Flagged field (`customfield_10021`).
    pub flagged: Option<String>,
}

/// Why an issue could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("jira issue {issue}: {reason}")]
pub struct MapError {
    /// Issue key or id.
    pub issue: String,
    /// What is missing or malformed.
    pub reason: String,
}

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

fn time(v: &Value, path: &[&str]) -> Option<Timestamp> {
    s(v, path).and_then(parse_provider_time)
}

/// A number given as JSON number or numeric string; negatives mean "not set".
fn points(v: Option<&Value>) -> Option<f64> {
    let n = match v? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (n.is_finite() && n >= 0.0).then_some(n)
}

/// Sprint ids from the sprint field, in either wire form.
pub fn sprint_ids(v: Option<&Value>) -> Vec<u64> {
    let Some(Value::Array(items)) = v else {
        return Vec::new();
    };
    let mut ids: Vec<u64> = items
        .iter()
        .filter_map(|item| match item {
            Value::Object(_) => item.get("id").and_then(Value::as_u64),
            Value::String(text) => legacy_sprint_attr(text, "id").and_then(|id| id.parse().ok()),
            _ => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// One `key=value` attribute of a serialized GreenHopper sprint string.
pub fn legacy_sprint_attr<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let inner = text
        .split_once('[')?
        .1
        .strip_suffix(']')
        .unwrap_or(text.split_once('[')?.1);
    // Values may contain commas (goals, names); attributes are `,key=`.
    let mut rest = inner;
    let prefix = format!("{key}=");
    loop {
        if let Some(v) = rest.strip_prefix(prefix.as_str()) {
            let end = find_next_attr(v).unwrap_or(v.len());
            return Some(&v[..end]);
        }
        let next = find_next_attr(rest)?;
        rest = &rest[next + 1..];
    }
}

fn find_next_attr(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(pos) = s[i..].find(',') {
        let at = i + pos;
        let tail = &s[at + 1..];
        let key_len = tail.bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
        if key_len > 0 && tail.as_bytes().get(key_len) == Some(&b'=') {
            return Some(at);
        }
        i = at + 1;
        if i >= bytes.len() {
            return None;
        }
    }
    None
}

fn status_category(key: Option<&str>) -> StatusCategory {
    match key {
        Some("done") => StatusCategory::Done,
        Some("indeterminate") => StatusCategory::InProgress,
        _ => StatusCategory::ToDo,
    }
}

/// Maps one changelog history entry to its field changes.
pub fn history_changes(h: &Value) -> Vec<FieldChange> {
    let Some(at) = time(h, &["created"]) else {
        return Vec::new();
    };
    let author = s(h, &["author", "accountId"])
        .or_else(|| s(h, &["author", "name"]))
        .map(str::to_string);
    h.get("items")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|it| FieldChange {
                    at,
                    author: author.clone(),
                    field: s(it, &["fieldId"])
                        .or_else(|| s(it, &["field"]))
                        .unwrap_or_default()
                        .to_string(),
                    from: s(it, &["from"]).map(str::to_string),
                    to: s(it, &["to"]).map(str::to_string),
                    from_string: s(it, &["fromString"]).map(str::to_string),
                    to_string: s(it, &["toString"]).map(str::to_string),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the embedded changelog holds every history (`total` ≤ given).
pub fn changelog_complete(issue: &Value) -> bool {
    let Some(cl) = issue.get("changelog") else {
        return true;
    };
    let given = cl.get("histories").and_then(Value::as_array).map_or(0, Vec::len) as u64;
    cl.get("total").and_then(Value::as_u64).is_none_or(|t| t <= given)
}

/// Maps an issue (REST v2/v3 or Agile API shape) to a [`WorkItem`].
///
/// `histories` overrides the embedded changelog when the full one was paged
/// separately. `browse_base` is the site root for the browse URL.
///
/// # Errors
/// [`MapError`] when `id`, `key`, `fields.created` or `fields.updated` is
/// missing or malformed.
pub fn work_item(
    issue: &Value,
    ids: &FieldIds,
    histories: Option<&[Value]>,
    site: &str,
    browse_base: &str,
    fetched_at: Timestamp,
) -> Result<WorkItem, MapError> {
    let key = s(issue, &["key"]).unwrap_or_default().to_string();
    let err = |reason: &str| MapError {
        issue: if key.is_empty() {
            "<no key>".into()
        } else {
            key.clone()
        },
        reason: reason.into(),
    };
    let id = match issue.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(err("missing `id`")),
    };
    if key.is_empty() {
        return Err(err("missing `key`"));
    }
    let f = issue.get("fields").ok_or_else(|| err("missing `fields`"))?;
    let created = time(f, &["created"]).ok_or_else(|| err("missing or malformed `fields.created`"))?;
    let updated = time(f, &["updated"]).ok_or_else(|| err("missing or malformed `fields.updated`"))?;
    let field = |id: &Option<String>| id.as_deref().and_then(|k| f.get(k));
    let embedded: Vec<Value> = issue
        .get("changelog")
        .and_then(|c| c.get("histories"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut changelog: Vec<FieldChange> = histories
        .unwrap_or(&embedded)
        .iter()
        .flat_map(history_changes)
        .collect();
    changelog.sort_by_key(|c| c.at);
    let links = f
        .get("issuelinks")
        .and_then(Value::as_array)
        .map(|ls| {
            ls.iter()
                .filter_map(|l| {
                    let t = s(l, &["type", "name"]).unwrap_or_default().to_string();
                    if let Some(k) = s(l, &["inwardIssue", "key"]) {
                        Some(IssueLink {
                            link_type: t,
                            relation: s(l, &["type", "inward"]).unwrap_or_default().to_string(),
                            other_key: k.to_string(),
                        })
                    } else {
                        s(l, &["outwardIssue", "key"]).map(|k| IssueLink {
                            link_type: t,
                            relation: s(l, &["type", "outward"]).unwrap_or_default().to_string(),
                            other_key: k.to_string(),
                        })
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let flagged = match field(&ids.flagged) {
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(_)) | Some(Value::String(_)) => true,
        _ => false,
    };
    let description = match f.get("description") {
        Some(Value::String(text)) => text.clone(),
        Some(doc @ Value::Object(_)) => flatten(doc),
        _ => String::new(),
    };
    Ok(WorkItem {
        meta: RecordMeta {
            site: site.to_string(),
            source: Source::Jira,
            source_id: id,
            event_time: updated,
            fetched_at,
        },
        project: s(f, &["project", "key"])
            .map(str::to_string)
            .unwrap_or_else(|| key.split('-').next().unwrap_or_default().to_string()),
        url: format!("{}/browse/{key}", browse_base.trim_end_matches('/')),
        key,
        summary: s(f, &["summary"]).unwrap_or_default().to_string(),
        issue_type: s(f, &["issuetype", "name"]).unwrap_or_default().to_string(),
        status: s(f, &["status", "name"]).unwrap_or_default().to_string(),
        status_category: status_category(s(f, &["status", "statusCategory", "key"])),
        resolution: s(f, &["resolution", "name"]).map(str::to_string),
        assignee: s(f, &["assignee", "accountId"])
            .or_else(|| s(f, &["assignee", "name"]))
            .map(str::to_string),
        reporter: s(f, &["reporter", "accountId"])
            .or_else(|| s(f, &["reporter", "name"]))
            .map(str::to_string),
        created,
        updated,
        resolved: time(f, &["resolutiondate"]),
        story_points: points(field(&ids.story_points)),
        sprint_ids: sprint_ids(field(&ids.sprint)),
        parent_key: s(f, &["parent", "key"]).map(str::to_string),
        labels: f
            .get("labels")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
        flagged,
        links,
        description,
        changelog,
    })
}

/// Maps an Agile API sprint (`/rest/agile/1.0/board/{id}/sprint` value).
///
/// # Errors
/// [`MapError`] when `id` or `state` is missing.
pub fn sprint(
    v: &Value,
    board_id: u64,
    board_name: Option<&str>,
    site: &str,
    fetched_at: Timestamp,
) -> Result<Sprint, MapError> {
    let id = v.get("id").and_then(Value::as_u64).ok_or_else(|| MapError {
        issue: "sprint".into(),
        reason: "missing numeric `id`".into(),
    })?;
    let state = match s(v, &["state"]).map(str::to_ascii_lowercase).as_deref() {
        Some("closed") => SprintState::Closed,
        Some("active") => SprintState::Active,
        Some("future") => SprintState::Future,
        other => {
            return Err(MapError {
                issue: format!("sprint {id}"),
                reason: format!("unknown state {other:?}"),
            });
        }
    };
    let start = time(v, &["startDate"]);
    let end = time(v, &["endDate"]);
    let complete = time(v, &["completeDate"]);
    Ok(Sprint {
        meta: RecordMeta {
            site: site.to_string(),
            source: Source::Jira,
            source_id: id.to_string(),
            event_time: complete.or(end).or(start).unwrap_or(fetched_at),
            fetched_at,
        },
        id,
        board_id: v.get("originBoardId").and_then(Value::as_u64).unwrap_or(board_id),
        board_name: board_name.map(str::to_string),
        name: s(v, &["name"]).unwrap_or_default().to_string(),
        state,
        start,
        end,
        complete,
        goal: s(v, &["goal"])
            .filter(|g| !g.trim().is_empty())
            .map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_sprint_strings_parse_with_commas_in_values() {
        let text = "com.atlassian.greenhopper.service.sprint.Sprint@14b1c359[id=7,rapidViewId=3,state=CLOSED,name=Sprint 1, the first,goal=Ship it, fast,startDate=2014-01-07T09:00:00.000+01:00]";
        assert_eq!(legacy_sprint_attr(text, "id"), Some("7"));
        assert_eq!(legacy_sprint_attr(text, "state"), Some("CLOSED"));
        assert_eq!(legacy_sprint_attr(text, "name"), Some("Sprint 1, the first"));
        assert_eq!(legacy_sprint_attr(text, "goal"), Some("Ship it, fast"));
        assert_eq!(
            legacy_sprint_attr(text, "startDate"),
            Some("2014-01-07T09:00:00.000+01:00")
        );
        assert_eq!(
            sprint_ids(Some(&serde_json::json!([text, {"id": 9}]))),
            vec![7, 9]
        );
    }

    #[test]
    fn points_are_unestimated_not_zero() {
        assert_eq!(points(None), None);
        assert_eq!(points(Some(&Value::Null)), None);
        assert_eq!(points(Some(&serde_json::json!(3.0))), Some(3.0));
        assert_eq!(points(Some(&serde_json::json!("5"))), Some(5.0));
        assert_eq!(points(Some(&serde_json::json!("-1"))), None);
        assert_eq!(points(Some(&serde_json::json!(0))), Some(0.0));
    }
}
