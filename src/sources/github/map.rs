//! GitHub pull requests, reviews, commits and timelines → provider-neutral
//! records.
//!
//! Owns: the meaning of GitHub's fields. Must not: do I/O or decide what is
//! new (pure functions; the client fetches, the sync decides).
//!
//! Bots are recognised by account type (`Bot`), by the `[bot]` login suffix
//! GitHub Apps get, or by the configured `github.bots` list (service accounts
//! that are plain users). `Co-authored-by:` trailers
//! become co-authors; Jira keys in a pull request's title or branch become
//! its `issue_keys`. Ready-for-review times come from the timeline: GitHub has
//! no "opened as draft" event, so a pull request whose first draft transition
//! is `ready_for_review` was opened as a draft and became ready then; one whose
//! first transition is `convert_to_draft` (or that has none) was ready when
//! opened, and its `created` time is the ready time.

use jiff::Timestamp;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::wire::{self, Account, CommitItem, GitPerson, TimelineEvent};
use crate::model::{Commit, PullRequest, RecordMeta, Review, Signature, Source};
use crate::sources::time::parse_provider_time;

/// Why a GitHub object could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("github {what} {id}: {reason}")]
pub struct MapError {
    /// `pull request`, `review`, `commit`.
    pub what: &'static str,
    /// Which one (`owner/repo#12`, review id, `owner/repo@sha`).
    pub id: String,
    /// What is missing or malformed.
    pub reason: String,
}

/// Which accounts are bots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bots {
    extra: Vec<String>,
}

impl Bots {
    /// Bots by type and suffix, plus the configured `logins` (case-insensitive).
    pub fn new(logins: &[String]) -> Bots {
        Bots {
            extra: logins.iter().map(|l| l.trim().to_ascii_lowercase()).collect(),
        }
    }

    /// An account is a bot by type `Bot`, a `[bot]` suffix or the config list.
    pub fn is_bot(&self, account: &Account) -> bool {
        account.kind.as_deref() == Some("Bot") || self.is_bot_login(&account.login)
    }

    /// A login alone (no account type known) is a bot by suffix or config list.
    pub fn is_bot_login(&self, login: &str) -> bool {
        let lower = login.trim().to_ascii_lowercase();
        lower.ends_with("[bot]") || self.extra.contains(&lower)
    }
}

/// What every record of one repository shares.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Site the records belong to.
    pub site: &'a str,
    /// `owner/name`.
    pub repo: &'a str,
    /// When the page was fetched.
    pub fetched_at: Timestamp,
    /// Bot rules.
    pub bots: &'a Bots,
}

impl Context<'_> {
    fn meta(&self, source_id: String, event_time: Timestamp) -> RecordMeta {
        RecordMeta {
            site: self.site.to_string(),
            source: Source::Github,
            source_id,
            event_time,
            fetched_at: self.fetched_at,
        }
    }
}

fn decode<T: DeserializeOwned>(
    v: &Value,
    what: &'static str,
    id: impl Fn() -> String,
) -> Result<T, MapError> {
    T::deserialize(v).map_err(|e| MapError {
        what,
        id: id(),
        reason: e.to_string(),
    })
}

fn time(s: &str, what: &'static str, id: &str, field: &str) -> Result<Timestamp, MapError> {
    parse_provider_time(s).ok_or_else(|| MapError {
        what,
        id: id.to_string(),
        reason: format!("`{field}` {s:?} is not a timestamp"),
    })
}

fn opt_time(
    s: Option<&str>,
    what: &'static str,
    id: &str,
    field: &str,
) -> Result<Option<Timestamp>, MapError> {
    s.map(|s| time(s, what, id, field)).transpose()
}

/// A listed or single pull request, decoded.
///
/// # Errors
/// [`MapError`] when `number`, `created_at` or `updated_at` is missing.
pub fn pull(v: &Value, repo: &str) -> Result<wire::Pull, MapError> {
    decode(v, "pull request", || {
        let n = v.get("number").and_then(Value::as_u64).map(|n| n.to_string());
        format!("{repo}#{}", n.unwrap_or_else(|| "?".into()))
    })
}

/// When a listed pull request was last updated.
///
/// # Errors
/// [`MapError`] when `updated_at` is not a timestamp.
pub fn pull_updated(p: &wire::Pull, repo: &str) -> Result<Timestamp, MapError> {
    time(
        &p.updated_at,
        "pull request",
        &format!("{repo}#{}", p.number),
        "updated_at",
    )
}

/// A pull request record from its list entry, the single pull request (which
/// adds the size fields; preferred when given, being the fresher) and its
/// timeline.
///
/// # Errors
/// [`MapError`] when a timestamp is malformed.
pub fn pull_request(
    listed: &wire::Pull,
    single: Option<&wire::Pull>,
    timeline: &[TimelineEvent],
    cx: &Context<'_>,
) -> Result<PullRequest, MapError> {
    let p = single.unwrap_or(listed);
    let id = format!("{}#{}", cx.repo, p.number);
    let what = "pull request";
    let created = time(&p.created_at, what, &id, "created_at")?;
    let updated = time(&p.updated_at, what, &id, "updated_at")?;
    let draft = p.draft.unwrap_or(false);
    let branch = p.head.as_ref().map(|h| h.name.as_str()).unwrap_or_default();
    Ok(PullRequest {
        meta: cx.meta(id.clone(), updated),
        repo: cx.repo.to_string(),
        number: p.number,
        title: p.title.clone(),
        author: p
            .user
            .as_ref()
            .map_or_else(|| GHOST.to_string(), |u| u.login.clone()),
        author_is_bot: p.user.as_ref().is_some_and(|u| cx.bots.is_bot(u)),
        state: p.state.clone(),
        draft,
        created,
        updated,
        merged: opt_time(p.merged_at.as_deref(), what, &id, "merged_at")?,
        closed: opt_time(p.closed_at.as_deref(), what, &id, "closed_at")?,
        ready_for_review: ready_for_review(timeline, draft),
        additions: p.additions,
        deletions: p.deletions,
        changed_files: p.changed_files,
        requested_reviewers: requested_reviewers(timeline, &p.requested_reviewers),
        issue_keys: issue_keys([p.title.as_str(), branch]),
        url: p.html_url.clone(),
    })
}

/// The login GitHub shows for a deleted account.
const GHOST: &str = "ghost";

/// A review record; `None` for a `PENDING` review (not submitted, visible to
/// its author only).
///
/// # Errors
/// [`MapError`] when the review lacks an id or has a malformed time.
pub fn review(v: &Value, pr_number: u64, cx: &Context<'_>) -> Result<Option<Review>, MapError> {
    let r: wire::Review = decode(v, "review", || format!("on {}#{pr_number}", cx.repo))?;
    let id = r.id.to_string();
    let Some(submitted) = r.submitted_at.as_deref().filter(|_| r.state != "PENDING") else {
        return Ok(None);
    };
    let submitted = time(submitted, "review", &id, "submitted_at")?;
    Ok(Some(Review {
        meta: cx.meta(id, submitted),
        repo: cx.repo.to_string(),
        pr_number,
        reviewer: r
            .user
            .as_ref()
            .map_or_else(|| GHOST.to_string(), |u| u.login.clone()),
        reviewer_is_bot: r.user.as_ref().is_some_and(|u| cx.bots.is_bot(u)),
        state: r.state,
        submitted,
    }))
}

/// A commit record from a commit list entry. `pr_number` is the pull request
/// it was listed under; default-branch commits get theirs from a squash
/// (`Title (#12)`) or merge (`Merge pull request #12 from ...`) message.
///
/// # Errors
/// [`MapError`] when the commit lacks a SHA or dates.
pub fn commit(v: &Value, pr_number: Option<u64>, cx: &Context<'_>) -> Result<Commit, MapError> {
    let c: CommitItem = decode(v, "commit", || {
        let sha = v.get("sha").and_then(Value::as_str).unwrap_or("?");
        format!("{}@{sha}", cx.repo)
    })?;
    let id = format!("{}@{}", cx.repo, c.sha);
    let what = "commit";
    let missing = |field: &str| MapError {
        what,
        id: id.clone(),
        reason: format!("no `commit.{field}.date`"),
    };
    let author_git = c.commit.author.as_ref();
    let committer_git = c.commit.committer.as_ref();
    let authored = match author_git.and_then(|a| a.date.as_deref()) {
        Some(d) => time(d, what, &id, "commit.author.date")?,
        None => return Err(missing("author")),
    };
    let committed = match committer_git.and_then(|a| a.date.as_deref()) {
        Some(d) => time(d, what, &id, "commit.committer.date")?,
        None => authored,
    };
    let summary = c
        .commit
        .message
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    Ok(Commit {
        meta: cx.meta(id.clone(), committed),
        repo: cx.repo.to_string(),
        sha: c.sha.clone(),
        author: signature(author_git, c.author.as_ref()),
        committer: signature(committer_git.or(author_git), c.committer.as_ref()),
        co_authors: co_authors(&c.commit.message),
        authored,
        committed,
        pr_number: pr_number.or_else(|| pr_number_in_message(&summary)),
        summary,
        files: Vec::new(),
    })
}

fn signature(git: Option<&GitPerson>, account: Option<&Account>) -> Signature {
    let email = git.map(|g| g.email.clone()).unwrap_or_default();
    Signature {
        name: git.map(|g| g.name.clone()).unwrap_or_default(),
        login: account.map(|a| a.login.clone()).or_else(|| noreply_login(&email)),
        email,
    }
}

/// Timeline entries, decoded; entries of shapes the cockpit does not read are
/// skipped.
pub fn timeline(values: &[Value]) -> Vec<TimelineEvent> {
    values
        .iter()
        .filter_map(|v| TimelineEvent::deserialize(v).ok())
        .collect()
}

fn event_time(e: &TimelineEvent) -> Option<Timestamp> {
    e.created_at.as_deref().and_then(parse_provider_time)
}

/// When a pull request opened as a draft was marked ready for review: the
/// first `ready_for_review` event, if it comes before any `convert_to_draft`.
/// `None` while it is a draft, and for a pull request opened ready (its
/// `created` time is when it became ready, even if it went back to draft
/// for a while later).
pub fn ready_for_review(events: &[TimelineEvent], draft_now: bool) -> Option<Timestamp> {
    if draft_now {
        return None;
    }
    let mut transitions: Vec<(Timestamp, &str)> = events
        .iter()
        .filter_map(|e| {
            let kind = e.event.as_deref()?;
            matches!(kind, "ready_for_review" | "convert_to_draft").then_some((event_time(e)?, kind))
        })
        .collect();
    // The timeline is chronological; sorting (stably) guards the rule anyway.
    transitions.sort_by_key(|(t, _)| *t);
    match transitions.first() {
        Some((t, "ready_for_review")) => Some(*t),
        _ => None,
    }
}

/// Everyone ever asked to review: `review_requested` events in order, then
/// requests still pending that the timeline did not show; each login once.
pub fn requested_reviewers(events: &[TimelineEvent], pending: &[Account]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let asked = events
        .iter()
        .filter(|e| e.event.as_deref() == Some("review_requested"))
        .filter_map(|e| e.requested_reviewer.as_ref())
        .chain(pending);
    for a in asked {
        if !out.iter().any(|l| l.eq_ignore_ascii_case(&a.login)) {
            out.push(a.login.clone());
        }
    }
    out
}

/// `Co-authored-by: Name <email>` trailers of a commit message, each email
/// once (case-insensitive), in order. The key is matched case-insensitively,
/// as git does; lines without an `<email>` are not trailers and are skipped.
pub fn co_authors(message: &str) -> Vec<Signature> {
    const KEY: &str = "co-authored-by:";
    let mut out: Vec<Signature> = Vec::new();
    for line in message.lines() {
        let line = line.trim();
        let Some(head) = line.get(..KEY.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(KEY) {
            continue;
        }
        let rest = line[KEY.len()..].trim();
        let (Some(open), Some(close)) = (rest.find('<'), rest.rfind('>')) else {
            continue;
        };
        if close <= open {
            continue;
        }
        let email = rest[open + 1..close].trim().to_string();
        if email.is_empty() || out.iter().any(|s| s.email.eq_ignore_ascii_case(&email)) {
            continue;
        }
        out.push(Signature {
            name: rest[..open].trim().to_string(),
            login: noreply_login(&email),
            email,
        });
    }
    out
}

/// The login inside a GitHub no-reply address (`123+octocat@users.noreply.github.com`
/// or the older `octocat@users.noreply.github.com`).
pub fn noreply_login(email: &str) -> Option<String> {
    let (local, domain) = email.rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case("users.noreply.github.com") {
        return None;
    }
    let login = local.split_once('+').map_or(local, |(_, l)| l);
    (!login.is_empty()).then(|| login.to_string())
}

/// Jira issue keys (`[A-Z][A-Z0-9]+-\d+`, not preceded by a letter or digit)
/// in `texts`, each once, in order of appearance.
pub fn issue_keys<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for text in texts {
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
            if !(boundary && b[i].is_ascii_uppercase()) {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < b.len() && (b[j].is_ascii_uppercase() || b[j].is_ascii_digit()) {
                j += 1;
            }
            let project_ok = j - i >= 2;
            let digits_start = j + 1;
            let mut k = digits_start;
            while k < b.len() && b[k].is_ascii_digit() {
                k += 1;
            }
            if project_ok && b.get(j) == Some(&b'-') && k > digits_start {
                let key = &text[i..k];
                if !out.iter().any(|x| x == key) {
                    out.push(key.to_string());
                }
                i = k;
            } else {
                i = j;
            }
        }
    }
    out
}

/// The pull request number in a default-branch commit summary: a squash merge
/// (`Title (#12)`) or a merge commit (`Merge pull request #12 from ...`).
pub fn pr_number_in_message(summary: &str) -> Option<u64> {
    let s = summary.trim();
    if let Some(rest) = s.strip_prefix("Merge pull request #") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return digits.parse().ok();
    }
    let inner = s.strip_suffix(')')?;
    let open = inner.rfind("(#")?;
    inner[open + 2..].parse().ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or_default()
    }

    fn ev(kind: &str, at: &str) -> TimelineEvent {
        TimelineEvent {
            event: Some(kind.into()),
            created_at: Some(at.into()),
            requested_reviewer: None,
        }
    }

    fn account(login: &str, kind: &str) -> Account {
        Account {
            login: login.into(),
            kind: Some(kind.into()),
        }
    }

    #[test]
    fn bots_by_type_suffix_and_config() {
        let bots = Bots::new(&["Orbital-Releaser".into()]);
        assert!(bots.is_bot(&account("renovate", "Bot")));
        assert!(bots.is_bot(&account("dependabot[bot]", "User")));
        assert!(bots.is_bot(&account("orbital-releaser", "User")));
        assert!(!bots.is_bot(&account("octocat", "User")));
        assert!(bots.is_bot_login("github-actions[BOT]"));
        assert!(!bots.is_bot_login("robot"));
    }

    #[test]
    fn co_authored_by_trailers() {
        let msg = "Fix the scheduler\n\nLonger text.\n\nCo-authored-by: Ada Lovelace <ada@example.com>\n\
                   co-authored-by:Grace Hopper <123+ghopper@users.noreply.github.com>\n\
                   Co-authored-by: Ada again <ADA@example.com>\nCo-authored-by: no email here\n\
                   Signed-off-by: Someone <s@example.com>";
        let co = co_authors(msg);
        assert_eq!(co.len(), 2, "{co:?}");
        assert_eq!(co[0].name, "Ada Lovelace");
        assert_eq!(co[0].email, "ada@example.com");
        assert_eq!(co[0].login, None);
        assert_eq!(co[1].name, "Grace Hopper");
        assert_eq!(co[1].login.as_deref(), Some("ghopper"));
        assert!(co_authors("no trailers").is_empty());
    }

    #[test]
    fn noreply_addresses() {
        assert_eq!(
            noreply_login("49699333+dependabot[bot]@users.noreply.github.com").as_deref(),
            Some("dependabot[bot]")
        );
        assert_eq!(
            noreply_login("octocat@users.noreply.github.com").as_deref(),
            Some("octocat")
        );
        assert_eq!(noreply_login("octocat@example.com"), None);
    }

    #[test]
    fn jira_keys_in_title_and_branch() {
        assert_eq!(
            issue_keys(["ALP-12: checkout retries (see BET2-7)", "feature/ALP-12-retries"]),
            vec!["ALP-12".to_string(), "BET2-7".to_string()]
        );
        assert!(
            issue_keys([
                "alp-12 lower case",
                "A-1 too short",
                "xALP-1 glued",
                "ALP- no digits"
            ])
            .is_empty()
        );
        assert_eq!(
            issue_keys(["fix_ALP-3", "[ALP-4]"]),
            vec!["ALP-3".to_string(), "ALP-4".to_string()]
        );
    }

    #[test]
    fn ready_for_review_rules() {
        let opened_draft = [
            ev("committed", "2026-01-01T00:00:00Z"),
            ev("review_requested", "2026-01-02T10:00:00Z"),
            ev("ready_for_review", "2026-01-02T09:00:00Z"),
            ev("convert_to_draft", "2026-01-03T09:00:00Z"),
            ev("ready_for_review", "2026-01-04T09:00:00Z"),
        ];
        assert_eq!(
            ready_for_review(&opened_draft, false),
            Some(ts("2026-01-02T09:00:00Z"))
        );
        assert_eq!(ready_for_review(&opened_draft, true), None);
        let opened_ready = [
            ev("convert_to_draft", "2026-01-03T09:00:00Z"),
            ev("ready_for_review", "2026-01-04T09:00:00Z"),
        ];
        assert_eq!(ready_for_review(&opened_ready, false), None);
        assert_eq!(ready_for_review(&[], false), None);
    }

    #[test]
    fn requested_reviewers_from_timeline_and_pending() {
        let mut e = ev("review_requested", "2026-01-02T10:00:00Z");
        e.requested_reviewer = Some(account("amy", "User"));
        let team = ev("review_requested", "2026-01-02T10:00:01Z");
        let got = requested_reviewers(&[e, team], &[account("bob", "User"), account("Amy", "User")]);
        assert_eq!(got, vec!["amy".to_string(), "bob".to_string()]);
    }

    #[test]
    fn pr_numbers_in_default_branch_messages() {
        assert_eq!(pr_number_in_message("ALP-1: retries (#412)"), Some(412));
        assert_eq!(
            pr_number_in_message("Merge pull request #7 from o/branch"),
            Some(7)
        );
        assert_eq!(pr_number_in_message("Fix typo in README"), None);
        assert_eq!(pr_number_in_message("Support (#x)"), None);
    }

    #[test]
    fn pending_reviews_are_skipped_and_ghosts_named() {
        let bots = Bots::default();
        let cx = Context {
            site: "s",
            repo: "o/r",
            fetched_at: ts("2026-01-05T09:00:00Z"),
            bots: &bots,
        };
        let pending = json!({"id": 1, "user": {"login": "a", "type": "User"}, "state": "PENDING"});
        assert_eq!(review(&pending, 3, &cx), Ok(None));
        let ghost =
            json!({"id": 2, "user": null, "state": "APPROVED", "submitted_at": "2026-01-02T10:00:00Z"});
        let r = review(&ghost, 3, &cx).ok().flatten();
        assert_eq!(r.as_ref().map(|r| r.reviewer.as_str()), Some("ghost"));
        assert_eq!(r.map(|r| r.meta.source_id), Some("2".to_string()));
        let bad = json!({"id": 3, "state": "APPROVED", "submitted_at": "yesterday"});
        assert!(review(&bad, 3, &cx).is_err());
    }
}
