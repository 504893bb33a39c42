//! `doctor`: what is set up, what is reachable, what is missing.
//!
//! Checks, in order: the configuration, the key, the store (records per kind),
//! each enabled source (token present, one cheap authenticated request, the
//! granted scopes where the provider reports them), and identities that no
//! configured person claims (with suggestions, never merged).

use std::process::ExitCode;

use serde_json::Value;

use super::sync_cmd::{token, zoom_credentials};
use super::{key_file, load_config};
use crate::cli::GlobalArgs;
use crate::config::{Config, Deployment, Paths};
use crate::identity::Directory;
use crate::model::Source;
use crate::sources::http::{Auth, HttpClient};
use crate::sources::zoom::ZoomClient;
use crate::store::{KeySource, Store};

/// Scopes each provider needs (as the security model lists them).
pub const GITHUB_SCOPES: [&str; 3] = ["repo", "read:user", "user:email"];
/// Slack bot scopes.
pub const SLACK_SCOPES: [&str; 9] = [
    "channels:read",
    "channels:history",
    "channels:join",
    "groups:read",
    "groups:history",
    "users:read",
    "users:read.email",
    "chat:write",
    "team:read",
];

fn missing<'a>(needed: &[&'a str], granted: &str) -> Vec<&'a str> {
    let have: Vec<&str> = granted
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    needed.iter().copied().filter(|n| !have.contains(n)).collect()
}

struct Line {
    ok: bool,
    text: String,
}

fn line(ok: bool, text: impl Into<String>) -> Line {
    Line {
        ok,
        text: text.into(),
    }
}

pub(super) async fn doctor(g: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let mut problems = 0;
    let mut say = |l: Line| {
        if !l.ok {
            problems += 1;
        }
        println!("{} {}", if l.ok { "ok  " } else { "FAIL" }, l.text);
    };
    let (cfg, source) = match load_config(g) {
        Ok(c) => c,
        Err(e) => {
            say(line(false, format!("config: {e:#}")));
            return Ok(ExitCode::from(1));
        }
    };
    say(line(
        true,
        format!(
            "config {source}: site '{}', retention {} days, {} people",
            cfg.site,
            cfg.retention_days,
            cfg.people.len()
        ),
    ));
    let paths = Paths::resolve(g.data_dir.as_deref());
    let key = match KeySource::resolve(&key_file(g, &paths)) {
        Ok(k) => {
            say(line(true, format!("key: {k:?}")));
            k
        }
        Err(e) => {
            say(line(false, format!("key: {e}")));
            return Ok(ExitCode::from(1));
        }
    };
    let store = match Store::open(&paths.site_dir(&cfg.site), &cfg.site, &key, false) {
        Ok(s) => s,
        Err(e) => {
            say(line(false, format!("store: {e}")));
            return Ok(ExitCode::from(1));
        }
    };
    let size = std::fs::metadata(store.path()).map(|m| m.len()).unwrap_or(0);
    let counts = store.counts()?;
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let per_kind: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    say(line(
        true,
        format!(
            "store {} ({:.1} MiB): {total} records ({})",
            store.path().display(),
            size as f64 / 1_048_576.0,
            per_kind.join(", ")
        ),
    ));
    for l in check_sources(&store, &cfg).await {
        say(l);
    }
    let records = store.all_records()?;
    let dir = Directory::from_config(&cfg);
    let unmatched = dir.unmatched(&records);
    if unmatched.is_empty() {
        say(line(
            true,
            "identities: every identity seen maps to a configured person",
        ));
    } else {
        println!("info {} identities no configured person claims:", unmatched.len());
        for u in unmatched.iter().take(40) {
            let hint = u
                .suggestion
                .as_deref()
                .map(|s| format!(" (maybe {s}? add it to their [[people]] entry)"))
                .unwrap_or_default();
            println!(
                "       {:<12} {:<40} {}{hint}",
                u.handle.source.as_str(),
                u.handle.id,
                u.display
            );
        }
    }
    Ok(if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

async fn check_sources(store: &Store, cfg: &Config) -> Vec<Line> {
    let mut out = Vec::new();
    let tok = |provider: &str, env: &str| token(store, provider, env);
    let bearer_or_basic = |user: &str, t| {
        if user.is_empty() {
            Auth::Bearer(t)
        } else {
            Auth::Basic {
                user: user.to_string(),
                token: t,
            }
        }
    };
    if cfg.github.enabled {
        out.push(match tok("github", &cfg.github.token_env) {
            Err(e) => line(false, format!("github: {e:#}")),
            Ok(t) => match HttpClient::new(Source::Github, &cfg.github.base_url, Auth::Bearer(t), 3) {
                Err(e) => line(false, format!("github: {e}")),
                Ok(c) => match c.get("/user", &[], None).await {
                    Err(e) => line(false, format!("github unreachable: {e}")),
                    Ok(f) => {
                        let login = f
                            .json::<Value>(Source::Github, "/user")
                            .ok()
                            .and_then(|v| v["login"].as_str().map(str::to_string));
                        let gaps = f
                            .header("x-oauth-scopes")
                            .map(|s| missing(&GITHUB_SCOPES, s))
                            .unwrap_or_default();
                        line(
                            gaps.is_empty(),
                            format!(
                                "github reachable as {}; missing scopes: {}",
                                login.unwrap_or_default(),
                                if gaps.is_empty() {
                                    "none".into()
                                } else {
                                    gaps.join(", ")
                                }
                            ),
                        )
                    }
                },
            },
        });
    }
    if cfg.jira.enabled {
        out.push(match tok("jira", &cfg.jira.token_env) {
            Err(e) => line(false, format!("jira: {e:#}")),
            Ok(t) => match HttpClient::new(
                Source::Jira,
                &cfg.jira.base_url,
                bearer_or_basic(&cfg.jira.user, t),
                3,
            ) {
                Err(e) => line(false, format!("jira: {e}")),
                Ok(c) => {
                    let path = if cfg.jira.deployment == Deployment::Cloud {
                        "/rest/api/3/myself"
                    } else {
                        "/rest/api/2/myself"
                    };
                    match c.get_json::<Value>(path, &[]).await {
                        Err(e) => line(false, format!("jira unreachable: {e}")),
                        Ok(v) => line(
                            true,
                            format!(
                                "jira reachable as {} (time zone {})",
                                v["displayName"].as_str().unwrap_or("?"),
                                v["timeZone"].as_str().unwrap_or("?")
                            ),
                        ),
                    }
                }
            },
        });
    }
    if cfg.slack.enabled {
        out.push(match tok("slack", &cfg.slack.token_env) {
            Err(e) => line(false, format!("slack: {e:#}")),
            Ok(t) => match HttpClient::new(Source::Slack, &cfg.slack.base_url, Auth::Bearer(t), 3) {
                Err(e) => line(false, format!("slack: {e}")),
                Ok(c) => match c.get("/auth.test", &[], None).await {
                    Err(e) => line(false, format!("slack unreachable: {e}")),
                    Ok(f) => {
                        let v: Value = f.json(Source::Slack, "/auth.test").unwrap_or(Value::Null);
                        if v["ok"].as_bool() == Some(true) {
                            let gaps = f
                                .header("x-oauth-scopes")
                                .map(|s| missing(&SLACK_SCOPES, s))
                                .unwrap_or_default();
                            line(
                                gaps.is_empty(),
                                format!(
                                    "slack reachable as {}; missing scopes: {}",
                                    v["user"].as_str().unwrap_or("?"),
                                    if gaps.is_empty() {
                                        "none".into()
                                    } else {
                                        gaps.join(", ")
                                    }
                                ),
                            )
                        } else {
                            line(
                                false,
                                format!(
                                    "slack auth.test: {}",
                                    v["error"].as_str().unwrap_or("unexpected answer")
                                ),
                            )
                        }
                    }
                },
            },
        });
    }
    if cfg.zoom.enabled {
        out.push(
            match zoom_credentials(store, cfg)
                .and_then(|c| Ok(ZoomClient::new(&cfg.zoom, c, cfg.request_budget)?))
            {
                Err(e) => line(false, format!("zoom: {e:#}")),
                Ok(c) => match c.authorize().await {
                    Err(e) => line(false, format!("zoom token: {e}")),
                    Ok(c) => match c.users().await {
                        Err(e) => line(false, format!("zoom unreachable: {e}")),
                        Ok(u) => line(true, format!("zoom reachable: {} users", u.len())),
                    },
                },
            },
        );
    }
    if cfg.confluence.enabled {
        out.push(match tok("confluence", &cfg.confluence.token_env) {
            Err(e) => line(false, format!("confluence: {e:#}")),
            Ok(t) => match HttpClient::new(
                Source::Confluence,
                &cfg.confluence.base_url,
                bearer_or_basic(&cfg.confluence.user, t),
                3,
            ) {
                Err(e) => line(false, format!("confluence: {e}")),
                Ok(c) => {
                    let path = if cfg.confluence.deployment == Deployment::Cloud {
                        "/api/v2/spaces"
                    } else {
                        "/rest/api/space"
                    };
                    match c.get_json::<Value>(path, &[("limit", "1".into())]).await {
                        Err(e) => line(false, format!("confluence unreachable: {e}")),
                        Ok(_) => line(true, "confluence reachable"),
                    }
                }
            },
        });
    }
    if out.is_empty() {
        out.push(line(
            true,
            "sources: none enabled (set `enabled = true` in a provider section)",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_gaps() {
        assert_eq!(missing(&GITHUB_SCOPES, "repo, read:user"), vec!["user:email"]);
        assert!(missing(&GITHUB_SCOPES, "repo, user:email, read:user, gist").is_empty());
        assert_eq!(missing(&["a"], ""), vec!["a"]);
    }
}
