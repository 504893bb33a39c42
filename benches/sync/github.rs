//! GitHub: per repository the default-branch commits and the pull requests,
//! each with its single view, reviews, commits and timeline.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::org::{COMMITS_PER_PULL, Org, REVIEWS_PER_PULL, Rng, Writer, pages, sha, z_time};

/// Writes the GitHub routes; returns the records a full sync writes from them.
pub(crate) fn github(org: &Org, w: &mut Writer, rng: &mut Rng) -> usize {
    let logins: Vec<String> = (0..60).map(|i| format!("dev-{i:02}")).collect();
    let account = |l: &str| json!({ "login": l, "id": 1, "type": "User" });
    let mut records = 0;
    for r in 0..org.repos {
        let repo = org.repo(r);
        let base = format!("/repos/{repo}");
        let dir = format!("github/{r:03}");
        let commit = |sha: String, login: &str, at: Timestamp, message: String| {
            json!({
                "sha": sha,
                "commit": {
                    "author": { "name": login, "email": format!("{login}@example.com"), "date": z_time(at) },
                    "committer": { "name": login, "email": format!("{login}@example.com"), "date": z_time(at) },
                    "message": message
                },
                "author": account(login), "committer": account(login)
            })
        };

        let n = org.branch_commits_per_repo;
        // Newest first, as GitHub lists them.
        let branch: Vec<Value> = (0..n)
            .rev()
            .map(|i| {
                let login = &logins[rng.below(60) as usize];
                commit(sha(r, 900_000 + i, 0), login, org.at_fraction(i, n), rng.words(6))
            })
            .collect();
        records += branch.len();
        w.route(
            &format!("{base}/commits"),
            json!({}),
            &format!("{dir}/commits.json"),
            &Value::Array(branch),
            pages("github_link", "", 30),
        );

        let n = org.pulls_per_repo;
        let mut listed = Vec::with_capacity(n);
        for i in (0..n).rev() {
            let number = i + 1;
            let updated = org.at_fraction(i, n);
            let created = updated - SignedDuration::from_hours(2 + rng.below(72) as i64);
            let author = logins[rng.below(60) as usize].clone();
            let merged = rng.below(100) < 70;
            let entry = json!({
                "number": number, "title": format!("{} (QAA-{})", rng.words(5), 1 + rng.below(500)),
                "user": account(&author), "state": if merged { "closed" } else { "open" }, "draft": false,
                "created_at": z_time(created), "updated_at": z_time(updated),
                "closed_at": if merged { json!(z_time(updated)) } else { Value::Null },
                "merged_at": if merged { json!(z_time(updated)) } else { Value::Null },
                "head": { "ref": format!("feature/{number}") },
                "html_url": format!("https://github.com/{repo}/pull/{number}"),
                "requested_reviewers": []
            });
            let mut single = entry.clone();
            single["additions"] = json!(rng.below(400));
            single["deletions"] = json!(rng.below(200));
            single["changed_files"] = json!(1 + rng.below(12));
            let pull = format!("{base}/pulls/{number}");
            let pdir = format!("{dir}/pulls/{number}");
            w.route(&pull, json!({}), &format!("{pdir}/pull.json"), &single, None);
            let reviewers: Vec<&String> = (0..REVIEWS_PER_PULL)
                .map(|_| &logins[rng.below(60) as usize])
                .collect();
            let reviews: Vec<Value> = reviewers
                .iter()
                .enumerate()
                .map(|(k, login)| {
                    json!({ "id": (r * 10_000_000 + number * 10 + k) as u64, "user": account(login),
                            "state": if k == 0 { "APPROVED" } else { "COMMENTED" },
                            "submitted_at": z_time(created + SignedDuration::from_mins(30 * (k as i64 + 1))) })
                })
                .collect();
            w.route(
                &format!("{pull}/reviews"),
                json!({}),
                &format!("{pdir}/reviews.json"),
                &Value::Array(reviews),
                pages("github_link", "", 30),
            );
            let commits: Vec<Value> = (0..COMMITS_PER_PULL)
                .map(|k| {
                    commit(
                        sha(r, number, k + 1),
                        &author,
                        created + SignedDuration::from_mins(10 * k as i64),
                        rng.words(6),
                    )
                })
                .collect();
            w.route(
                &format!("{pull}/commits"),
                json!({}),
                &format!("{pdir}/commits.json"),
                &Value::Array(commits),
                pages("github_link", "", 30),
            );
            let timeline = json!([
                { "event": "review_requested", "created_at": z_time(created + SignedDuration::from_mins(5)),
                  "requested_reviewer": account(reviewers[0]) },
                { "event": "ready_for_review", "created_at": z_time(created + SignedDuration::from_mins(1)) }
            ]);
            w.route(
                &format!("{base}/issues/{number}/timeline"),
                json!({}),
                &format!("{pdir}/timeline.json"),
                &timeline,
                pages("github_link", "", 30),
            );
            records += 1 + REVIEWS_PER_PULL + COMMITS_PER_PULL;
            listed.push(entry);
        }
        w.route(
            &format!("{base}/pulls"),
            json!({}),
            &format!("{dir}/pulls.json"),
            &Value::Array(listed),
            pages("github_link", "", 30),
        );
    }
    records
}
