//! Configuration: the TOML schema, loading with exact error locations, and
//! validation.
//!
//! Owns: the [`Config`] types, the embedded commented default
//! (`config/default.toml`), the search order for the config file, and the checks
//! that keep the promises a config can break (retention tiers, https-only base
//! URLs, no secrets in plain text). Must not: read secrets themselves (only the
//! *names* of environment variables), touch the network or the store.
//!
//! Layers: built-in defaults < the config file < environment < command line.
//! Keys left out of the file keep their default; unknown keys and wrong types
//! are errors naming the file, line and key.

mod endpoint;
mod paths;
mod schema;

pub use endpoint::{EndpointError, check_base_url, is_loopback_url};
pub use paths::{ConfigSource, Paths, config_file_candidate, default_data_root, state_dir};
pub use schema::*;

use std::path::{Path, PathBuf};

/// The fully commented default configuration, as shipped in `config/default.toml`.
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

/// Why a configuration could not be loaded. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file named by `--config` or `ASYNC_COCKPIT_CONFIG` could not be read.
    #[error(
        "cannot read config file {path} (named by {named_by}): {source}; fix the path, or create it with \
         `async-cockpit config default > {path}`"
    )]
    Read {
        /// The file.
        path: PathBuf,
        /// Who named it: `--config` or `ASYNC_COCKPIT_CONFIG`.
        named_by: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// TOML syntax error, unknown key or wrong type.
    #[error("config error in {path}{}: {message}", location(*line, key))]
    Invalid {
        /// The file (or `<built-in default>`).
        path: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// Dotted key path, when known (`team.time_zone`).
        key: Option<String>,
        /// What is wrong, and what would be right.
        message: String,
    },
}

fn location(line: Option<usize>, key: &Option<String>) -> String {
    match (line, key) {
        (Some(l), Some(k)) => format!(" line {l}, key `{k}`"),
        (Some(l), None) => format!(" line {l}"),
        (None, Some(k)) => format!(", key `{k}`"),
        (None, None) => String::new(),
    }
}

impl Config {
    /// Parses and validates `text`, attributing errors to `path`.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for TOML syntax errors, unknown keys, wrong types
    /// and values that break a rule (retention tier, time zone, base URL, ...).
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|err| {
            let (line, key) = match err.span() {
                Some(span) => {
                    let line = line_of(text, span.start);
                    (Some(line), key_at(text, line))
                }
                None => (None, None),
            };
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                key,
                message: plain_types(err.message().trim()),
            }
        })?;
        config.validate().map_err(|v| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: find_key_line(text, &v.key).or_else(|| find_table_line(text, &v.key)),
            key: Some(v.key),
            message: v.message,
        })?;
        Ok(config)
    }

    /// Loads the configuration from the first source that exists:
    /// `explicit` (`--config`), then `ASYNC_COCKPIT_CONFIG`, then
    /// `$XDG_CONFIG_HOME/async-cockpit/config.toml`; the built-in default when
    /// none does. An explicit file that cannot be read is an error; a missing
    /// default file is not.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file, line and key.
    pub fn load(explicit: Option<&Path>) -> Result<(Config, ConfigSource), ConfigError> {
        let source = config_file_candidate(explicit);
        match &source {
            ConfigSource::File { path, required } => match std::fs::read_to_string(path) {
                Ok(text) => Ok((Config::from_toml(&text, path)?, source)),
                Err(err) if !required && err.kind() == std::io::ErrorKind::NotFound => {
                    Ok((Config::default(), ConfigSource::BuiltIn))
                }
                Err(source) => Err(ConfigError::Read {
                    path: path.clone(),
                    named_by: if explicit.is_some() {
                        "--config"
                    } else if *required {
                        paths::CONFIG_ENV
                    } else {
                        "the default location"
                    },
                    source,
                }),
            },
            ConfigSource::BuiltIn => Ok((Config::default(), source)),
        }
    }
}

/// serde's type names in words a config author knows.
fn plain_types(message: &str) -> String {
    let mut m = message.to_string();
    for (rust, words) in [
        ("expected u32", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected a boolean", "expected true or false"),
        ("expected a sequence", "expected a list like [\"a\", \"b\"]"),
    ] {
        m = m.replace(rust, words);
    }
    m
}

/// 1-based line number of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at.min(text.len()))
        .map_or(1, |head| head.bytes().filter(|b| *b == b'\n').count() + 1)
}

/// The dotted key defined on `line` (1-based), qualified by the nearest
/// `[section]` header above it.
fn key_at(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.checked_sub(1)?)?.trim();
    let section = lines[..line.saturating_sub(1).min(lines.len())]
        .iter()
        .rev()
        .find_map(|l| section_header(l));
    if let Some(own) = section_header(here) {
        return Some(own);
    }
    let key = here.split('=').next()?.trim().trim_matches('"');
    if key.is_empty() || key.starts_with('#') {
        return section;
    }
    Some(match section {
        Some(s) => format!("{s}.{key}"),
        None => key.to_string(),
    })
}

fn section_header(line: &str) -> Option<String> {
    let l = line.trim();
    // `[jira] # our Jira`: a comment may follow a header.
    let l = if l.starts_with('[') {
        l.split_once('#').map_or(l, |(h, _)| h).trim_end()
    } else {
        l
    };
    let inner = l
        .strip_prefix("[[")
        .and_then(|r| r.strip_suffix("]]"))
        .or_else(|| l.strip_prefix('[').and_then(|r| r.strip_suffix(']')))?;
    Some(inner.trim().to_string())
}

/// Finds the line where dotted `key` (`jira.base_url`, `people[2].roles`) is set.
fn find_key_line(text: &str, key: &str) -> Option<usize> {
    let (section, leaf) = match key.rsplit_once('.') {
        Some((s, l)) => (Some(s), l),
        None => (None, key),
    };
    // `people[2]` → the third `[[people]]` header.
    let (section_name, index) = match section.and_then(|s| s.split_once('[')) {
        Some((name, rest)) => (Some(name), rest.trim_end_matches(']').parse::<usize>().ok()),
        None => (section, None),
    };
    let mut current: Option<String> = None;
    let mut seen_tables = 0usize;
    for (i, raw) in text.lines().enumerate() {
        if let Some(h) = section_header(raw) {
            if Some(h.as_str()) == section_name {
                seen_tables += 1;
            }
            current = Some(h);
            continue;
        }
        let in_section =
            current.as_deref() == section_name && index.is_none_or(|want| seen_tables == want + 1);
        let trimmed = raw.trim_start();
        if in_section
            && !trimmed.starts_with('#')
            && let Some((k, _)) = trimmed.split_once('=')
            && k.trim().trim_matches('"') == leaf
        {
            return Some(i + 1);
        }
    }
    None
}

/// The header line of the table that holds dotted `key`: `[team.work_hours]`
/// for `team.work_hours` written as a table, the nth `[[people]]` for
/// `people[n].name`, else the `[section]` itself.
fn find_table_line(text: &str, key: &str) -> Option<usize> {
    let headers: Vec<(usize, String)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| section_header(l).map(|h| (i + 1, h)))
        .collect();
    if let Some(line) = headers.iter().find(|(_, h)| h == key).map(|(i, _)| *i) {
        return Some(line);
    }
    let section = key.rsplit_once('.').map_or(key, |(s, _)| s);
    if let Some((name, rest)) = section.split_once('[') {
        let n: usize = rest.trim_end_matches(']').parse().ok()?;
        return headers.iter().filter(|(_, h)| h == name).nth(n).map(|(i, _)| *i);
    }
    headers.iter().find(|(_, h)| h == section).map(|(i, _)| *i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses_and_equals_rust_defaults() {
        let parsed = Config::from_toml(DEFAULT_TOML, Path::new("default.toml"));
        assert!(parsed.is_ok(), "{parsed:?}");
        assert_eq!(parsed.ok(), Some(Config::default()));
    }

    #[test]
    fn key_location_helpers() {
        let text = "site = \"x\"\n[team]\nname = \"t\"\ntime_zone = 5\n";
        assert_eq!(line_of(text, text.find("5").unwrap_or(0)), 4);
        assert_eq!(key_at(text, 4).as_deref(), Some("team.time_zone"));
        assert_eq!(find_key_line(text, "team.time_zone"), Some(4));
        let people = "[[people]]\nname = \"a\"\n[[people]]\nname = \"b\"\nroles = [\"x\"]\n";
        assert_eq!(find_key_line(people, "people[1].roles"), Some(5));
    }
}
