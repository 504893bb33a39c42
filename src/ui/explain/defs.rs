//! What each number means, in the analytics' own words: copied from the
//! doc comments of `analytics::velocity`, `analytics::sprint` (and its
//! `risk`), `analytics::meetings`, `analytics::focus`, `sync::SourceReport`
//! and `insight::cards`. When a definition changes there, change it here in
//! the same breath (a test checks a phrase of each against its source file).

use crate::insight::CardKind;

/// Velocity: `analytics::velocity` (module doc).
pub const COMPLETED: &str = "A sprint's velocity is its completed points: the issues in the sprint at \
close that became done with a completing resolution during it, each at its estimate when completed; \
an issue's points count once, in the first sprint to close with it completed. Issues closed as \
\"Won't Do\", \"Duplicate\" and the like are not completed work.";
/// Committed points: `analytics::sprint` (module doc).
pub const PLANNED: &str = "Committed points: the estimates, at start, of the issues that were in the \
sprint at start and open. Issues already done at start count nowhere. An unestimated issue adds 0 \
points to every sum and is counted separately, never as an estimate of 0.";
/// Added points: `analytics::sprint` (module doc).
pub const ADDED: &str = "Added points: added + reopened + estimate increases, between start and close: \
an open issue joins the sprint, a done issue is reopened, or the estimate of an open issue in the \
sprint goes up.";
/// Removed points: `analytics::sprint` (module doc).
pub const REMOVED: &str = "Removed points: removed + closed-not-completed + estimate decreases, between \
start and close; also an issue completed again after an earlier sprint counted it, and one that left \
the sprint after being completed in it.";
/// Remaining points: `analytics::sprint` (module doc).
pub const REMAINING: &str = "Remaining points: estimates at close of the issues in the sprint at close \
and open. By construction committed + added − removed − completed = remaining.";
/// Carried-over points: `analytics::sprint` (module doc).
pub const CARRIED_OVER: &str = "Carried-over points (closed sprints only): remaining issues that, as of \
the evaluation, are in a later sprint (one that starts after this one, or has no start yet).";
/// Say/do: `analytics::velocity`.
pub const SAY_DO: &str = "The say/do ratio is completed ÷ committed (points at start); none when \
nothing was committed.";
/// Rolling mean: `analytics::velocity`.
pub const MEAN_3: &str = "The rolling mean is the mean completed points of the last three closed \
sprints of the same board, this one included (fewer at the start of a board's history); none for a \
sprint not closed.";
/// Unestimated issues: `analytics::sprint`.
pub const UNESTIMATED: &str = "Unestimated issues: issues in the sprint at close whose estimate is unset \
then, leaving out the issue types never counted as unestimated (epics, sub-tasks).";
/// At risk: `analytics::sprint::risk` (`Risk`).
pub const AT_RISK: &str = "Scope = remaining + completed points now; the elapsed share is the work \
time (team calendar: work days and hours, DST-correct) from start to now divided by the work time from \
start to the planned end; the ideal remaining is scope × (1 − elapsed share). At risk when remaining − \
ideal remaining > tolerance × scope, or when no work day is left and points remain, or when nothing in \
the sprint is estimated while issues are unestimated (pace cannot be measured).";
/// Meeting hours: `analytics::meetings` (module doc).
pub const MEETING_HOURS: &str = "For each person (attendance matched by email, else by name) and each \
ISO week (Monday 00:00 in the team's time zone), the length of the union of their attendance \
intervals: overlapping meetings count once and a re-join inside the same meeting is merged with the \
earlier stretch. An interval crossing a week boundary is split at it. The meeting count is the number \
of distinct meetings the person attended that week. A meeting across a daylight-saving change counts \
its real (UTC) length.";
/// Focus hours: `analytics::focus` (module doc).
pub const FOCUS_HOURS: &str = "Busy time is the union of the person's attendance clipped to the work \
window of each work day; the free pieces are the work window minus busy time. A focus block is a free \
piece at least the minimum block long (default 120 minutes); focus hours are their sum. Shorter free \
pieces are fragmented time, and a meeting that borders one is a fragmenting meeting. Per day, work \
hours = meeting hours + focus hours + fragmented hours. Only whole work days that have ended count.";
/// Card urgency: `insight::cards` (module doc).
pub const URGENCY: &str = "Urgency is 0-100, most urgent first; ties break by kind then title, so the \
order is stable. Cards are about the team's work, never about one person's activity level.";
/// Records written: `sync::SourceReport`.
pub const RECORDS: &str = "Records written by the source's last sync, per kind.";
/// Requests: `sync::SourceReport`.
pub const REQUESTS: &str = "HTTP requests made by the source's last sync.";

/// How one card kind earns its urgency (`insight::cards::cards` and `CardKind`).
pub fn urgency_rule(kind: CardKind) -> &'static str {
    match kind {
        CardKind::SprintAtRisk => {
            "The sprint-health verdict: the burndown pace against the work days left. Urgency: 65 plus \
how far the remaining points trail the ideal remaining, as a share of the scope in percentage points \
(at most 30)."
        }
        CardKind::Blocked => {
            "Open blockers from Jira and Slack: flagged, in a Blocked status, \"is blocked by\" an open \
issue, or an unresolved Slack report; oldest first. Urgency: 70 plus one per open blocker (at most 25)."
        }
        CardKind::CarryOver => {
            "Open issues in two or more sprints. Urgency: 50 plus one per issue (at most 30)."
        }
        CardKind::Unestimated => {
            "Issues of an active sprint without an estimate. Urgency: 35 plus one per issue (at most 20)."
        }
        CardKind::PrWaitingForReview => {
            "Open pull requests idle past the stale threshold (from the flow metrics). Urgency: 55 plus \
one per pull request (at most 30)."
        }
        CardKind::MergedWithoutReview => {
            "Pull requests merged without a review by someone other than the author. Urgency: 45 plus one \
per pull request (at most 30)."
        }
        CardKind::StaleDoc => {
            "Pages linked to an active epic, not updated for longer than the threshold. Urgency: 30 plus \
one per page (at most 20)."
        }
        CardKind::KnowledgeSilo => {
            "Code areas whose bus factor is 1: one person made half or more of the changes (no name on \
the card; names stay behind the access rules). Urgency: 40 plus one per area (at most 20)."
        }
    }
}

#[cfg(test)]
mod tests {

    /// A phrase of each definition still appears in the doc comment it was
    /// copied from; when the analytics reword one, this fails and says where.
    #[test]
    fn definitions_match_their_sources() {
        let sources = [
            (
                "analytics/velocity.rs",
                include_str!("../../analytics/velocity.rs"),
                "mean completed points of the last",
            ),
            (
                "analytics/velocity.rs",
                include_str!("../../analytics/velocity.rs"),
                "completed ÷ committed",
            ),
            (
                "analytics/sprint.rs",
                include_str!("../../analytics/sprint.rs"),
                "Issues already done at `start`",
            ),
            (
                "analytics/sprint.rs",
                include_str!("../../analytics/sprint.rs"),
                "added + reopened + estimate increases",
            ),
            (
                "analytics/sprint.rs",
                include_str!("../../analytics/sprint.rs"),
                "removed + closed-not-completed + estimate decreases",
            ),
            (
                "analytics/sprint.rs",
                include_str!("../../analytics/sprint.rs"),
                "committed + added − removed −",
            ),
            (
                "analytics/meetings.rs",
                include_str!("../../analytics/meetings.rs"),
                "overlapping meetings count once",
            ),
            (
                "analytics/focus.rs",
                include_str!("../../analytics/focus.rs"),
                "Per day, `work_hours = meeting_hours + focus_hours +",
            ),
            (
                "insight/cards.rs",
                include_str!("../../insight/cards.rs"),
                "ties break by kind then title",
            ),
            (
                "insight/cards.rs",
                include_str!("../../insight/cards.rs"),
                "urgency: 70 + open.len().min(25)",
            ),
            (
                "insight/cards.rs",
                include_str!("../../insight/cards.rs"),
                "urgency: 55 + f.stale_prs.len().min(30)",
            ),
            (
                "insight/cards.rs",
                include_str!("../../insight/cards.rs"),
                "urgency: (65.0 + gap.clamp(0.0, 30.0))",
            ),
        ];
        for (file, text, phrase) in sources {
            let flat = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace("//! ", "")
                .replace("/// ", "");
            let want = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                flat.contains(&want),
                "src/{file} no longer says {phrase:?}: update explain/defs.rs"
            );
        }
    }
}
