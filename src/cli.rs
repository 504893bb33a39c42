//! The command line (clap derive). Parsing only; [`crate::commands`] runs them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// ASYNC Cockpit: where your team stands, in your terminal.
#[derive(Debug, Parser)]
#[command(name = "async-cockpit", version, about, long_about = None)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do; without one, the cockpit opens on the configured site.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Clone, Args, Default)]
pub struct GlobalArgs {
    /// Config file (default: $ASYNC_COCKPIT_CONFIG, then $XDG_CONFIG_HOME/async-cockpit/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Folder holding one store folder per site (default: $XDG_DATA_HOME/async-cockpit/sites).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Site to use instead of the config's `site`.
    #[arg(long, global = true, value_name = "NAME")]
    pub site: Option<String>,
    /// Key file (default: $XDG_CONFIG_HOME/async-cockpit/key).
    #[arg(long, global = true, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the cockpit on the built-in demo organisation (no account needed).
    Demo(DemoArgs),
    /// Pull activity from the configured sources into the store, then purge.
    Sync(SyncArgs),
    /// Import activity from local files (no API needed).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print the standup of the last work day (offline drafter unless an LLM is configured).
    Standup(StandupArgs),
    /// Print the retrospective of a closed sprint.
    Retro(RetroArgs),
    /// LLM tools: see exactly what would be sent; ask the copilot.
    #[command(subcommand)]
    Llm(LlmCommand),
    /// Check the configuration, key, store, sources and identities.
    Doctor,
    /// Print the metrics: sprint health, velocity, flow, meeting load, focus time, pulse.
    Metrics(MetricsArgs),
    /// Print the ranked intelligence cards the Cards tab shows.
    Cards(CardsArgs),
    /// Print the sprint triage summary (at-risk issues, decisions, notes).
    Triage(TriageArgs),
    /// Print the stored records you may see.
    Export(ExportArgs),
    /// Delete records older than the retention window (LLM answers included).
    Purge,
    /// Manage the key that protects the store.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Store provider tokens sealed in the store.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Show or check the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
}

/// `demo` options.
#[derive(Debug, Clone, Args, Default)]
pub struct DemoArgs {
    /// Sync and print a summary instead of opening the cockpit.
    #[arg(long)]
    pub headless: bool,
}

/// `sync` options.
#[derive(Debug, Clone, Args, Default)]
pub struct SyncArgs {
    /// Only this source: github, jira, slack, zoom or confluence (repeatable).
    #[arg(long = "source", value_name = "SOURCE")]
    pub sources: Vec<String>,
    /// Ignore the cursors and fetch everything again.
    #[arg(long)]
    pub full: bool,
}

/// `import` subcommands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A local git clone: commits, authors, co-authors, files touched.
    Git {
        /// Path of the clone.
        path: PathBuf,
        /// Repository name to record (default: the folder name).
        #[arg(long)]
        repo: Option<String>,
    },
    /// A Slack workspace export (zip file or unpacked folder).
    SlackExport {
        /// The export.
        path: PathBuf,
    },
    /// WebVTT transcripts of one meeting.
    Vtt {
        /// One or more .vtt files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Meeting id or UUID the transcript belongs to.
        #[arg(long)]
        meeting: String,
    },
}

/// `metrics` options.
#[derive(Debug, Clone, Args, Default)]
pub struct MetricsArgs {
    /// One JSON document (snake_case names with units in them).
    #[arg(long)]
    pub json: bool,
    /// Only this sprint id.
    #[arg(long)]
    pub sprint: Option<u64>,
    /// Only sprints of this board id.
    #[arg(long)]
    pub board: Option<u64>,
    /// Evaluate for this person (cockpit name), under the access rules.
    #[arg(long = "as", value_name = "PERSON")]
    pub as_person: Option<String>,
    /// Evaluate as of this instant (RFC 3339, e.g. 2026-11-23T09:00:00Z) instead of now.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
}

/// `cards` options.
#[derive(Debug, Clone, Args, Default)]
pub struct CardsArgs {
    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Evaluate as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
}

/// `triage` options.
#[derive(Debug, Clone, Args)]
pub struct TriageArgs {
    /// Only this active sprint (its id or name).
    #[arg(long, value_name = "SPRINT")]
    pub sprint: Option<String>,
    /// Markdown, as the cockpit's `y` copies it.
    #[arg(long)]
    pub markdown: bool,
}

/// `export` options.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// One JSON document (the default and, for now, the only format).
    #[arg(long, default_value_t = true)]
    pub json: bool,
}

/// `key` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create a new random key file (mode 0600); never overwrites one.
    Init,
}

/// `auth` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Read a token from stdin and store it sealed for PROVIDER.
    Set {
        /// github, jira, slack, zoom, confluence or llm.
        provider: String,
    },
}

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the fully commented default configuration.
    Default,
    /// Load and validate the configuration, and say where it came from.
    Check,
}

/// `standup` options.
#[derive(Debug, Clone, Args, Default)]
pub struct StandupArgs {
    /// Only this person (cockpit name, or a unique first name).
    #[arg(long, value_name = "P")]
    pub person: Option<String>,
    /// Markdown instead of plain text.
    #[arg(long)]
    pub markdown: bool,
    /// Use the offline drafter even when an LLM is configured.
    #[arg(long)]
    pub offline: bool,
    /// Post the standup to this Slack channel (id or name) after confirmation.
    #[arg(long, value_name = "CHANNEL")]
    pub post: Option<String>,
    /// Post without asking (needed when standard input is not a terminal).
    #[arg(long, requires = "post")]
    pub yes: bool,
}

/// `retro` options.
#[derive(Debug, Clone, Args)]
pub struct RetroArgs {
    /// Sprint id, name, or `last`.
    pub sprint: String,
    /// Markdown instead of plain text.
    #[arg(long)]
    pub markdown: bool,
}

/// `llm` subcommands.
#[derive(Debug, Subcommand)]
pub enum LlmCommand {
    /// Print exactly the request body that would be sent; sends nothing.
    Preview(PreviewArgs),
    /// Ask the copilot a question about the team (answer streamed).
    Ask {
        /// The question.
        question: String,
    },
}

/// `llm preview` options: exactly one of --standup, --retro, --ask.
#[derive(Debug, Clone, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["standup", "retro", "ask"]))]
pub struct PreviewArgs {
    /// The standup request.
    #[arg(long)]
    pub standup: bool,
    /// With --standup: only this person.
    #[arg(long, value_name = "P", requires = "standup")]
    pub person: Option<String>,
    /// The retrospective request of a closed sprint (id, name, or `last`).
    #[arg(long, value_name = "SPRINT")]
    pub retro: Option<String>,
    /// The copilot request for a question.
    #[arg(long, value_name = "QUESTION")]
    pub ask: Option<String>,
}
