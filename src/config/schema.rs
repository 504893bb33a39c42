//! The configuration schema. Field defaults here equal `config/default.toml`
//! (a test holds them together).

use serde::{Deserialize, Serialize};

use super::endpoint::check_base_url;

/// The whole configuration. See `config/default.toml` for every key's meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Site name: one team/workspace, one store, one data key.
    pub site: String,
    /// Retention window in days: 14, 30 or 90.
    pub retention_days: u32,
    /// Requests one provider may make in one sync run (1 to
    /// [`MAX_REQUEST_BUDGET`]); `304 Not Modified` answers do not count.
    pub request_budget: u32,
    /// Work calendar.
    pub team: TeamConfig,
    /// People and their identities across providers.
    pub people: Vec<PersonConfig>,
    /// GitHub REST v3.
    pub github: GithubConfig,
    /// Jira Cloud or Server/Data Center.
    pub jira: JiraConfig,
    /// Slack Web API.
    pub slack: SlackConfig,
    /// Zoom API with server-to-server OAuth.
    pub zoom: ZoomConfig,
    /// Confluence Cloud or Server/Data Center.
    pub confluence: ConfluenceConfig,
    /// LLM provider for drafted text.
    pub llm: LlmConfig,
    /// The Standup tab: live mode and posting.
    pub standup: StandupConfig,
    /// Thresholds of the metrics teams tune.
    pub analytics: AnalyticsConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            site: "default".into(),
            retention_days: 30,
            request_budget: DEFAULT_REQUEST_BUDGET,
            team: TeamConfig::default(),
            people: Vec::new(),
            github: GithubConfig::default(),
            jira: JiraConfig::default(),
            slack: SlackConfig::default(),
            zoom: ZoomConfig::default(),
            confluence: ConfluenceConfig::default(),
            llm: LlmConfig::default(),
            standup: StandupConfig::default(),
            analytics: AnalyticsConfig::default(),
        }
    }
}

/// The team's work calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TeamConfig {
    /// Display name.
    pub name: String,
    /// IANA time zone name, e.g. `Europe/Berlin`.
    pub time_zone: String,
    /// Local work hours.
    pub work_hours: WorkHours,
    /// Work days, `mon`..`sun`.
    pub work_days: Vec<String>,
}

impl Default for TeamConfig {
    fn default() -> Self {
        TeamConfig {
            name: "Team".into(),
            time_zone: "UTC".into(),
            work_hours: WorkHours::default(),
            work_days: ["mon", "tue", "wed", "thu", "fri"].map(String::from).to_vec(),
        }
    }
}

/// Start and end of the work day, `HH:MM`, local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkHours {
    /// Start, `HH:MM`.
    pub start: String,
    /// End, `HH:MM`, after start.
    pub end: String,
}

impl Default for WorkHours {
    fn default() -> Self {
        WorkHours {
            start: "09:00".into(),
            end: "17:00".into(),
        }
    }
}

/// One person and the identities they have on each provider.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PersonConfig {
    /// Cockpit name, shown everywhere.
    pub name: String,
    /// Verified email addresses (matched case-insensitively).
    pub emails: Vec<String>,
    /// GitHub login.
    pub github: Option<String>,
    /// Atlassian account id.
    pub jira_account_id: Option<String>,
    /// Slack member id (`U...`).
    pub slack_id: Option<String>,
    /// Zoom user email.
    pub zoom_email: Option<String>,
    /// Login on the team box.
    pub unix_user: Option<String>,
    /// Roles, e.g. `engineering-manager`, `team-lead`.
    pub roles: Vec<String>,
}

/// GitHub REST v3 source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GithubConfig {
    /// Sync this source.
    pub enabled: bool,
    /// API root.
    pub base_url: String,
    /// Environment variable holding the token; empty: the sealed token.
    pub token_env: String,
    /// `owner/name` repositories.
    pub repositories: Vec<String>,
    /// Extra bot logins.
    pub bots: Vec<String>,
}

impl Default for GithubConfig {
    fn default() -> Self {
        GithubConfig {
            enabled: false,
            base_url: "https://api.github.com".into(),
            token_env: "GITHUB_TOKEN".into(),
            repositories: Vec::new(),
            bots: Vec::new(),
        }
    }
}

/// Jira deployment kind, which decides the REST API flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Deployment {
    /// Atlassian Cloud (REST v3; `/search/jql` with `nextPageToken`).
    #[default]
    Cloud,
    /// Server / Data Center (REST v2; `/search` with `startAt`).
    Server,
}

/// Jira source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JiraConfig {
    /// Sync this source.
    pub enabled: bool,
    /// Site root.
    pub base_url: String,
    /// Cloud or Server/DC.
    pub deployment: Deployment,
    /// Account email for basic auth; empty: bearer token.
    pub user: String,
    /// Environment variable holding the token.
    pub token_env: String,
    /// Project keys.
    pub projects: Vec<String>,
    /// Story-points field override.
    pub story_points_field: String,
}

impl Default for JiraConfig {
    fn default() -> Self {
        JiraConfig {
            enabled: false,
            base_url: "https://your-team.atlassian.net".into(),
            deployment: Deployment::Cloud,
            user: String::new(),
            token_env: "JIRA_TOKEN".into(),
            projects: Vec::new(),
            story_points_field: String::new(),
        }
    }
}

/// Slack source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlackConfig {
    /// Sync this source.
    pub enabled: bool,
    /// Web API root.
    pub base_url: String,
    /// Environment variable holding the bot token.
    pub token_env: String,
    /// Channel ids.
    pub channels: Vec<String>,
}

impl Default for SlackConfig {
    fn default() -> Self {
        SlackConfig {
            enabled: false,
            base_url: "https://slack.com/api".into(),
            token_env: "SLACK_TOKEN".into(),
            channels: Vec::new(),
        }
    }
}

/// Zoom source (server-to-server OAuth app).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ZoomConfig {
    /// Sync this source.
    pub enabled: bool,
    /// API root.
    pub base_url: String,
    /// OAuth host.
    pub oauth_url: String,
    /// Environment variable with the account id.
    pub account_id_env: String,
    /// Environment variable with the client id.
    pub client_id_env: String,
    /// Environment variable with the client secret.
    pub client_secret_env: String,
}

impl Default for ZoomConfig {
    fn default() -> Self {
        ZoomConfig {
            enabled: false,
            base_url: "https://api.zoom.us/v2".into(),
            oauth_url: "https://zoom.us".into(),
            account_id_env: "ZOOM_ACCOUNT_ID".into(),
            client_id_env: "ZOOM_CLIENT_ID".into(),
            client_secret_env: "ZOOM_CLIENT_SECRET".into(),
        }
    }
}

/// Confluence source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConfluenceConfig {
    /// Sync this source.
    pub enabled: bool,
    /// Site root including `/wiki` on Cloud.
    pub base_url: String,
    /// Cloud or Server/DC.
    pub deployment: Deployment,
    /// Account email for basic auth; empty: bearer.
    pub user: String,
    /// Environment variable holding the token.
    pub token_env: String,
    /// Space keys.
    pub spaces: Vec<String>,
}

impl Default for ConfluenceConfig {
    fn default() -> Self {
        ConfluenceConfig {
            enabled: false,
            base_url: "https://your-team.atlassian.net/wiki".into(),
            deployment: Deployment::Cloud,
            user: String::new(),
            token_env: "CONFLUENCE_TOKEN".into(),
            spaces: Vec::new(),
        }
    }
}

/// Which LLM drafts text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LlmProviderKind {
    /// No network: deterministic template drafts.
    #[default]
    Offline,
    /// Anthropic Messages API.
    Anthropic,
    /// OpenAI Chat Completions.
    Openai,
    /// Google Gemini generateContent.
    Gemini,
    /// An OpenAI-compatible local server.
    Local,
}

/// Thresholds of the metrics (the definitions are in `src/analytics/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnalyticsConfig {
    /// An active sprint is at risk when its remaining points exceed the ideal
    /// remaining by more than this share of its scope, percent.
    pub risk_tolerance_percent: u32,
    /// An open pull request idle this many days is stale.
    pub stale_pr_days: u32,
    /// A Slack blocker report unresolved this many hours becomes a blocker.
    pub blocker_threshold_hours: u32,
    /// Shortest uninterrupted free time that counts as focus, minutes.
    pub focus_min_block_minutes: u32,
    /// A linked page not updated for this many days, while its epic is
    /// active, is stale.
    pub stale_doc_days: u32,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        AnalyticsConfig {
            risk_tolerance_percent: 20,
            stale_pr_days: 7,
            blocker_threshold_hours: 24,
            focus_min_block_minutes: 120,
            stale_doc_days: 30,
        }
    }
}

/// LLM settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LlmConfig {
    /// Provider.
    pub provider: LlmProviderKind,
    /// Model name.
    pub model: String,
    /// Endpoint override.
    pub base_url: String,
    /// Environment variable holding the API key.
    pub api_key_env: String,
    /// Seconds to wait for an answer to start (response headers).
    pub timeout_secs: u64,
    /// Longest wait between two pieces of a streamed answer, seconds: slow
    /// local models can think for minutes before their first token.
    pub read_timeout_secs: u64,
    /// Output token cap per answer.
    pub max_output_tokens: u32,
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            provider: LlmProviderKind::Offline,
            model: String::new(),
            base_url: String::new(),
            api_key_env: String::new(),
            timeout_secs: 60,
            read_timeout_secs: 120,
            max_output_tokens: 800,
        }
    }
}

/// In which order the live standup calls on people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StandupOrder {
    /// The order of the `[[people]]` tables.
    #[default]
    Config,
    /// Shuffled, differently each work day (seeded by the day, so everyone
    /// watching the same standup sees the same order).
    Shuffled,
}

/// The Standup tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StandupConfig {
    /// Time box per person in the live standup, seconds (10-1800).
    pub time_box_secs: u64,
    /// Order people are called on in.
    pub order: StandupOrder,
    /// Slack channel (id or name) the team standup is posted to; empty:
    /// posting from the cockpit is off.
    pub slack_channel: String,
}

impl Default for StandupConfig {
    fn default() -> Self {
        StandupConfig {
            time_box_secs: 120,
            order: StandupOrder::Config,
            slack_channel: String::new(),
        }
    }
}

/// A rule a parsed configuration breaks, with the dotted key it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Dotted key (`jira.base_url`, `people[1].roles`).
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

fn violation(key: impl Into<String>, message: impl Into<String>) -> Violation {
    Violation {
        key: key.into(),
        message: message.into(),
    }
}

/// Requests one provider may make in one sync run, unless configured.
pub const DEFAULT_REQUEST_BUDGET: u32 = 5_000;
/// The largest `request_budget` accepted.
pub const MAX_REQUEST_BUDGET: u32 = 1_000_000;

/// Allowed retention tiers, in days.
pub const RETENTION_TIERS: [u32; 3] = [14, 30, 90];
/// Roles that may read another person's individual detail (Strategic Pulse).
pub const STRATEGIC_ROLES: [&str; 2] = ["engineering-manager", "team-lead"];
const KNOWN_ROLES: [&str; 4] = ["engineering-manager", "team-lead", "engineer", "product-manager"];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Config {
    /// Checks every rule a well-formed file can still break.
    ///
    /// # Errors
    /// The first [`Violation`] found, in file order.
    pub fn validate(&self) -> Result<(), Violation> {
        if !is_valid_site_name(&self.site) {
            return Err(violation(
                "site",
                format!(
                    "site name {:?} must be 1-64 letters, digits, '-' or '_'",
                    self.site
                ),
            ));
        }
        if !RETENTION_TIERS.contains(&self.retention_days) {
            return Err(violation(
                "retention_days",
                format!(
                    "retention_days = {} is not a retention tier; use 14, 30 or 90",
                    self.retention_days
                ),
            ));
        }
        if !(1..=MAX_REQUEST_BUDGET).contains(&self.request_budget) {
            return Err(violation(
                "request_budget",
                format!(
                    "request_budget = {} is out of range; use 1 to {MAX_REQUEST_BUDGET} requests per provider and sync",
                    self.request_budget
                ),
            ));
        }
        self.team.validate()?;
        if !(10..=1800).contains(&self.standup.time_box_secs) {
            return Err(violation(
                "standup.time_box_secs",
                format!(
                    "standup.time_box_secs = {} is out of range; use 10 to 1800 seconds",
                    self.standup.time_box_secs
                ),
            ));
        }
        for (i, p) in self.people.iter().enumerate() {
            if p.name.trim().is_empty() {
                return Err(violation(
                    format!("people[{i}].name"),
                    "every person needs a name; add `name = \"...\"` to this [[people]] table",
                ));
            }
            if let Some(role) = p.roles.iter().find(|r| !KNOWN_ROLES.contains(&r.as_str())) {
                return Err(violation(
                    format!("people[{i}].roles"),
                    format!(
                        "unknown role {role:?} for {:?}; known roles: {}",
                        p.name,
                        KNOWN_ROLES.join(", ")
                    ),
                ));
            }
        }
        let urls = [
            ("github.base_url", &self.github.base_url),
            ("jira.base_url", &self.jira.base_url),
            ("slack.base_url", &self.slack.base_url),
            ("zoom.base_url", &self.zoom.base_url),
            ("zoom.oauth_url", &self.zoom.oauth_url),
            ("confluence.base_url", &self.confluence.base_url),
        ];
        for (key, url) in urls {
            check_base_url(url).map_err(|e| violation(key, e.to_string()))?;
        }
        if !self.llm.base_url.is_empty() {
            check_base_url(&self.llm.base_url).map_err(|e| violation("llm.base_url", e.to_string()))?;
        }
        let envs = [
            ("github.token_env", &self.github.token_env),
            ("jira.token_env", &self.jira.token_env),
            ("slack.token_env", &self.slack.token_env),
            ("zoom.account_id_env", &self.zoom.account_id_env),
            ("zoom.client_id_env", &self.zoom.client_id_env),
            ("zoom.client_secret_env", &self.zoom.client_secret_env),
            ("confluence.token_env", &self.confluence.token_env),
            ("llm.api_key_env", &self.llm.api_key_env),
        ];
        for (key, name) in envs {
            if !name.is_empty() && !is_env_var_name(name) {
                return Err(violation(
                    key,
                    format!(
                        "{key} must name an environment variable (A-Z, 0-9, _), not hold a secret: \
                         write e.g. token_env = \"GITHUB_TOKEN\" and put the token in that variable, or store it \
                         with `async-cockpit auth set PROVIDER`; treat a token pasted here as leaked and revoke it"
                    ),
                ));
            }
        }
        if let Some(bad) = self.github.repositories.iter().find(|r| {
            let mut parts = r.split('/');
            !matches!((parts.next(), parts.next(), parts.next()), (Some(o), Some(n), None) if !o.is_empty() && !n.is_empty())
        }) {
            return Err(violation(
                "github.repositories",
                format!("repository {bad:?} must be written \"owner/name\""),
            ));
        }
        Ok(())
    }

    /// People holding `role`.
    pub fn people_with_role<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a PersonConfig> {
        self.people
            .iter()
            .filter(move |p| p.roles.iter().any(|r| r == role))
    }
}

impl TeamConfig {
    fn validate(&self) -> Result<(), Violation> {
        if jiff::tz::TimeZone::get(&self.time_zone).is_err() {
            return Err(violation(
                "team.time_zone",
                format!(
                    "unknown time zone {:?}; use an IANA name such as \"Europe/Berlin\"",
                    self.time_zone
                ),
            ));
        }
        let start = parse_hhmm(&self.work_hours.start).ok_or_else(|| {
            violation(
                "team.work_hours",
                format!("start {:?} is not HH:MM", self.work_hours.start),
            )
        })?;
        let end = parse_hhmm(&self.work_hours.end).ok_or_else(|| {
            violation(
                "team.work_hours",
                format!("end {:?} is not HH:MM", self.work_hours.end),
            )
        })?;
        if end <= start {
            return Err(violation(
                "team.work_hours",
                format!(
                    "work_hours end {:?} must be after start {:?}",
                    self.work_hours.end, self.work_hours.start
                ),
            ));
        }
        if self.work_days.is_empty() {
            return Err(violation("team.work_days", "at least one work day is needed"));
        }
        if let Some(bad) = self.work_days.iter().find(|d| !DAYS.contains(&d.as_str())) {
            return Err(violation(
                "team.work_days",
                format!("unknown day {bad:?}; use mon tue wed thu fri sat sun"),
            ));
        }
        Ok(())
    }

    /// The IANA time zone (validated at load; UTC if somehow invalid).
    pub fn tz(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.time_zone).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// Work day start and end as (hour, minute) pairs.
    pub fn hours(&self) -> ((i8, i8), (i8, i8)) {
        (
            parse_hhmm(&self.work_hours.start).unwrap_or((9, 0)),
            parse_hhmm(&self.work_hours.end).unwrap_or((17, 0)),
        )
    }

    /// Whether `weekday` is a work day.
    pub fn is_work_day(&self, weekday: jiff::civil::Weekday) -> bool {
        let idx = weekday.to_monday_zero_offset() as usize;
        DAYS.get(idx)
            .is_some_and(|d| self.work_days.iter().any(|w| w == d))
    }
}

/// Parses `HH:MM` (24-hour clock).
pub fn parse_hhmm(s: &str) -> Option<(i8, i8)> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some((h, m))
}

/// Site names become folder names and key-derivation labels.
pub fn is_valid_site_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_env_var_name(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}
