//! Where files live: the config file search order, the data root, the state
//! (log) folder. Environment overrides first, then XDG (via `etcetera`).

use std::path::{Path, PathBuf};

use etcetera::BaseStrategy;

/// Environment variable naming the config file.
pub const CONFIG_ENV: &str = "ASYNC_COCKPIT_CONFIG";

/// Where the configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// A file; `required` when named explicitly (flag or environment).
    File {
        /// The file.
        path: PathBuf,
        /// An explicitly named file must exist.
        required: bool,
    },
    /// No file: the built-in defaults.
    BuiltIn,
}

impl std::fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigSource::File { path, .. } => write!(f, "{}", path.display()),
            ConfigSource::BuiltIn => f.write_str("<built-in default>"),
        }
    }
}

/// The config file to read: `--config`, then `ASYNC_COCKPIT_CONFIG`, then
/// `$XDG_CONFIG_HOME/async-cockpit/config.toml`.
pub fn config_file_candidate(explicit: Option<&Path>) -> ConfigSource {
    if let Some(p) = explicit {
        return ConfigSource::File {
            path: p.to_path_buf(),
            required: true,
        };
    }
    if let Some(p) = std::env::var_os(CONFIG_ENV).filter(|v| !v.is_empty()) {
        return ConfigSource::File {
            path: PathBuf::from(p),
            required: true,
        };
    }
    match config_dir() {
        Some(dir) => ConfigSource::File {
            path: dir.join("config.toml"),
            required: false,
        },
        None => ConfigSource::BuiltIn,
    }
}

/// `$XDG_CONFIG_HOME/async-cockpit` (or `~/.config/async-cockpit`).
pub fn config_dir() -> Option<PathBuf> {
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.config_dir().join("async-cockpit"))
}

/// `$XDG_DATA_HOME/async-cockpit/sites` (or `~/.local/share/...`): one folder per site.
pub fn default_data_root() -> PathBuf {
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.data_dir().join("async-cockpit").join("sites"))
        .unwrap_or_else(|| PathBuf::from(".async-cockpit/sites"))
}

/// `$XDG_STATE_HOME/async-cockpit` (or `~/.local/state/...`): logs.
pub fn state_dir() -> PathBuf {
    etcetera::choose_base_strategy()
        .ok()
        .and_then(|s| s.state_dir())
        .map(|d| d.join("async-cockpit"))
        .unwrap_or_else(|| PathBuf::from(".async-cockpit/state"))
}

/// The resolved locations for one run.
#[derive(Debug, Clone)]
pub struct Paths {
    /// Folder holding one sub-folder per site.
    pub data_root: PathBuf,
    /// Default key file location (`async-cockpit key init`).
    pub key_file: PathBuf,
}

impl Paths {
    /// Resolves paths; `data_dir` is the `--data-dir` flag.
    pub fn resolve(data_dir: Option<&Path>) -> Paths {
        let data_root = data_dir.map_or_else(default_data_root, Path::to_path_buf);
        let key_file = config_dir()
            .unwrap_or_else(|| PathBuf::from(".async-cockpit"))
            .join("key");
        Paths { data_root, key_file }
    }

    /// The folder of one site's store.
    pub fn site_dir(&self, site: &str) -> PathBuf {
        self.data_root.join(site)
    }
}
