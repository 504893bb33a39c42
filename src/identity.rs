//! Identity: one person per human across providers.
//!
//! Order of evidence:
//! 1. the configured mappings (`[[people]]`: GitHub login, Jira account id,
//!    Slack id, Zoom email, emails);
//! 2. verified emails, compared case-insensitively; GitHub no-reply addresses
//!    (`12345+login@users.noreply.github.com`, `login@users.noreply.github.com`)
//!    map through the login;
//! 3. suggestions by login or display name: shown (by `doctor`), never merged
//!    silently.
//!
//! Must not: fetch, store, or guess a merge without evidence of kind 1 or 2.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::config::Config;
use crate::model::{Record, Source};

/// A provider-side identity: which provider, and the id it uses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Handle {
    /// Provider.
    pub source: Source,
    /// Account id, login, member id or email, as the provider gives it.
    pub id: String,
}

/// An identity no configured person claims, with a suggestion when one fits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmatched {
    /// The identity.
    pub handle: Handle,
    /// Name shown by the provider.
    pub display: String,
    /// A configured person it may be (same login or display name), to confirm
    /// in the config; never applied automatically.
    pub suggestion: Option<String>,
}

/// The resolved directory.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    by_handle: BTreeMap<(Source, String), String>,
    by_email: BTreeMap<String, String>,
    by_login: BTreeMap<String, String>,
    names: BTreeSet<String>,
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The login inside a GitHub no-reply address, if it is one.
pub fn github_noreply_login(email: &str) -> Option<String> {
    let local = norm(email).strip_suffix("@users.noreply.github.com")?.to_string();
    Some(
        local
            .split_once('+')
            .map_or(local.clone(), |(_, login)| login.to_string()),
    )
}

impl Directory {
    /// Builds the directory from the configured people.
    pub fn from_config(cfg: &Config) -> Directory {
        let mut d = Directory::default();
        for p in &cfg.people {
            d.names.insert(p.name.clone());
            let mut put = |source: Source, id: &Option<String>| {
                if let Some(id) = id.as_deref().filter(|i| !i.is_empty()) {
                    d.by_handle.insert((source, norm(id)), p.name.clone());
                }
            };
            put(Source::Github, &p.github);
            put(Source::Jira, &p.jira_account_id);
            put(Source::Slack, &p.slack_id);
            put(Source::SlackExport, &p.slack_id);
            put(Source::Zoom, &p.zoom_email);
            if let Some(login) = &p.github {
                d.by_login.insert(norm(login), p.name.clone());
            }
            for e in p.emails.iter().chain(p.zoom_email.iter()) {
                d.by_email.insert(norm(e), p.name.clone());
            }
        }
        d
    }

    /// The person behind an email (verified emails, GitHub no-reply via login).
    pub fn by_email(&self, email: &str) -> Option<&str> {
        if let Some(n) = self.by_email.get(&norm(email)) {
            return Some(n);
        }
        github_noreply_login(email)
            .and_then(|l| self.by_login.get(&l))
            .map(String::as_str)
    }

    /// The person behind a provider id (mapping first, then email-shaped ids).
    pub fn resolve(&self, source: Source, id: &str) -> Option<&str> {
        self.by_handle
            .get(&(source, norm(id)))
            .map(String::as_str)
            .or_else(|| if id.contains('@') { self.by_email(id) } else { None })
    }

    /// Configured people's names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// Identities seen in `records` that no configured person claims, each
    /// with a suggestion when a configured person has the same login or name.
    pub fn unmatched(&self, records: &[Record]) -> Vec<Unmatched> {
        let mut seen: BTreeMap<Handle, String> = BTreeMap::new();
        let mut note = |source: Source, id: &str, display: &str| {
            if id.is_empty() || self.resolve(source, id).is_some() {
                return;
            }
            seen.entry(Handle {
                source,
                id: id.to_string(),
            })
            .or_insert_with(|| display.to_string());
        };
        for r in records {
            match r {
                Record::Person(p)
                    if !p.is_bot && p.email.as_deref().and_then(|e| self.by_email(e)).is_none() =>
                {
                    note(p.meta.source, &p.meta.source_id, &p.display_name);
                }
                Record::WorkItem(w) => {
                    for a in w.assignee.iter().chain(w.reporter.iter()) {
                        note(Source::Jira, a, a);
                    }
                }
                Record::PullRequest(pr) if !pr.author_is_bot => note(Source::Github, &pr.author, &pr.author),
                Record::Review(rv) if !rv.reviewer_is_bot => note(Source::Github, &rv.reviewer, &rv.reviewer),
                Record::Commit(c) => {
                    for s in std::iter::once(&c.author).chain(c.co_authors.iter()) {
                        let known = self.by_email(&s.email).is_some()
                            || s.login
                                .as_deref()
                                .is_some_and(|l| self.resolve(Source::Github, l).is_some());
                        if !known {
                            note(c.meta.source, &s.email, &s.name);
                        }
                    }
                }
                Record::Meeting(m) => {
                    for a in &m.attendance {
                        let id = a.email.clone().unwrap_or_else(|| a.name.clone());
                        if a.email.as_deref().and_then(|e| self.by_email(e)).is_none() {
                            note(Source::Zoom, &id, &a.name);
                        }
                    }
                }
                _ => {}
            }
        }
        seen.into_iter()
            .map(|(handle, display)| {
                let suggestion = self.suggest(&handle, &display);
                Unmatched {
                    handle,
                    display,
                    suggestion,
                }
            })
            .collect()
    }

    fn suggest(&self, handle: &Handle, display: &str) -> Option<String> {
        let d = norm(display);
        if let Some(n) = self.names.iter().find(|n| norm(n) == d) {
            return Some(n.clone());
        }
        let local = norm(handle.id.split('@').next().unwrap_or_default());
        self.by_login.get(&local).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PersonConfig;

    fn cfg() -> Config {
        Config {
            people: vec![PersonConfig {
                name: "Ada Lovelace".into(),
                emails: vec!["Ada@Example.com".into()],
                github: Some("ada-l".into()),
                jira_account_id: Some("acc-1".into()),
                ..PersonConfig::default()
            }],
            ..Config::default()
        }
    }

    #[test]
    fn mappings_emails_and_noreply() {
        let d = Directory::from_config(&cfg());
        assert_eq!(d.resolve(Source::Jira, "acc-1"), Some("Ada Lovelace"));
        assert_eq!(d.resolve(Source::Github, "ADA-L"), Some("Ada Lovelace"));
        assert_eq!(d.by_email("ada@example.COM"), Some("Ada Lovelace"));
        assert_eq!(
            d.by_email("1234+ada-l@users.noreply.github.com"),
            Some("Ada Lovelace")
        );
        assert_eq!(d.by_email("ada-l@users.noreply.github.com"), Some("Ada Lovelace"));
        assert_eq!(d.resolve(Source::Jira, "acc-2"), None);
        assert_eq!(d.by_email("bob@example.com"), None);
    }

    #[test]
    fn suggestions_are_never_merges() {
        let d = Directory::from_config(&cfg());
        let h = Handle {
            source: Source::Slack,
            id: "U999".into(),
        };
        assert_eq!(d.suggest(&h, "ada lovelace").as_deref(), Some("Ada Lovelace"));
        assert_eq!(d.resolve(Source::Slack, "U999"), None);
    }
}
