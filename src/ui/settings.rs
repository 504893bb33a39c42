//! Where the cockpit's keys and look come from, and what went wrong loading
//! them.
//!
//! The user's keymap is `$XDG_CONFIG_HOME/async-cockpit/keymap.toml` (a
//! `[bindings]` table over the embedded defaults); user themes are
//! `themes/*.toml` in the same folder; the theme is chosen by
//! `ASYNC_COCKPIT_THEME` (a config key may set [`UiSettings::theme`] later);
//! `NO_COLOR` turns colour off and `COLORTERM` decides between truecolor and
//! 256 colours. Nothing here may stop the cockpit: a broken file falls back
//! to the built-ins and becomes a one-line problem the cockpit shows at start.
//! Must not: draw, or read anything but these files and variables.

use std::path::{Path, PathBuf};

use etcetera::BaseStrategy;

use super::action::Action;
use super::keymap::Keymap;
use super::theme::{ColourDepth, Theme, ThemeSet, UserThemes};

/// Environment variable naming the theme.
pub const THEME_ENV: &str = "ASYNC_COCKPIT_THEME";
/// Environment variable turning mouse support on (`1`, `true`, `yes`, `on`).
pub const MOUSE_ENV: &str = "ASYNC_COCKPIT_MOUSE";
/// The keymap file's name in the config folder.
pub const KEYMAP_FILE: &str = "keymap.toml";
/// The user themes' folder in the config folder.
pub const THEMES_DIR: &str = "themes";

/// Actions that must keep a key: without them a user cannot leave an
/// overlay, find the keys, or quit.
const ESSENTIAL: [Action; 3] = [Action::Quit, Action::Back, Action::Help];

/// How the cockpit is set up, before anything is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiSettings {
    /// Folder with `keymap.toml` and `themes/`; `None`: built-ins only.
    pub config_dir: Option<PathBuf>,
    /// Theme name; `None`: `default`.
    pub theme: Option<String>,
    /// What the terminal can show.
    pub depth: ColourDepth,
    /// Capture the mouse (wheel scrolls, a click on a tab shows it).
    pub mouse: bool,
}

impl Default for UiSettings {
    /// Built-ins only: default keys and theme, truecolor, no mouse (tests).
    fn default() -> UiSettings {
        UiSettings {
            config_dir: None,
            theme: None,
            depth: ColourDepth::TrueColor,
            mouse: false,
        }
    }
}

/// The config folder: `$XDG_CONFIG_HOME/async-cockpit` (or `~/.config/...`),
/// as `config::paths` finds it.
pub fn config_dir() -> Option<PathBuf> {
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.config_dir().join("async-cockpit"))
}

fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

impl UiSettings {
    /// From this process's environment.
    pub fn from_env() -> UiSettings {
        UiSettings {
            config_dir: config_dir(),
            theme: std::env::var(THEME_ENV).ok().filter(|t| !t.trim().is_empty()),
            depth: ColourDepth::from_env(),
            mouse: std::env::var(MOUSE_ENV).is_ok_and(|v| truthy(&v)),
        }
    }

    /// Reads the keymap and theme; never fails (see [`Loaded::problems`]).
    pub fn load(&self) -> Loaded {
        let mut problems = Vec::new();
        let keymap = load_keymap(self.config_dir.as_deref(), &mut problems);
        let theme = load_theme(self.config_dir.as_deref(), self.theme.as_deref(), &mut problems);
        Loaded {
            keymap,
            theme: theme.for_depth(self.depth),
            problems,
        }
    }
}

/// What [`UiSettings::load`] found.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The keys in force.
    pub keymap: Keymap,
    /// The theme in force, for the terminal's colour depth.
    pub theme: Theme,
    /// One line per file that could not be used, saying what was used instead.
    pub problems: Vec<String>,
}

fn load_keymap(dir: Option<&Path>, problems: &mut Vec<String>) -> Keymap {
    let Some(path) = dir.map(|d| d.join(KEYMAP_FILE)) else {
        return Keymap::builtin();
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Keymap::builtin(),
        Err(e) => {
            problems.push(format!(
                "cannot read {}: {e}; using the default keys",
                path.display()
            ));
            return Keymap::builtin();
        }
    };
    match Keymap::from_override_str(&text) {
        Ok(km) => {
            for a in ESSENTIAL {
                if km.key_for(a).is_none() {
                    problems.push(format!(
                        "{}: no key is bound to \"{}\" ({}); bind one",
                        path.display(),
                        a.name(),
                        a.description().to_lowercase()
                    ));
                }
            }
            km
        }
        Err(e) => {
            problems.push(format!("{} in {}; using the default keys", e, path.display()));
            Keymap::builtin()
        }
    }
}

fn load_theme(dir: Option<&Path>, name: Option<&str>, problems: &mut Vec<String>) -> Theme {
    let user = dir.map_or_else(UserThemes::default, |d| UserThemes::read_dir(&d.join(THEMES_DIR)));
    problems.extend(user.problems.iter().cloned());
    let set = ThemeSet::builtin().with_user(&user);
    let name = name.unwrap_or("default").trim();
    match set.resolve(name) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("theme: {e}; using the default theme"));
            ThemeSet::builtin()
                .resolve("default")
                .unwrap_or_else(|_| Theme::default_theme())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (name, text) in files {
            let path = dir.path().join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
        }
        dir
    }

    fn settings(dir: &tempfile::TempDir, theme: Option<&str>) -> UiSettings {
        UiSettings {
            config_dir: Some(dir.path().to_path_buf()),
            theme: theme.map(str::to_string),
            ..UiSettings::default()
        }
    }

    #[test]
    fn nothing_there_is_no_problem() {
        let dir = dir_with(&[]);
        let loaded = settings(&dir, None).load();
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.keymap, Keymap::builtin());
        assert_eq!(loaded.theme, Theme::default_theme());
    }

    #[test]
    fn user_keymap_and_theme_are_used() {
        let dir = dir_with(&[
            ("keymap.toml", "[bindings]\nx = \"quit\"\n"),
            (
                "themes/mine.toml",
                "inherits = \"light\"\n[tokens]\ndanger = \"magenta\"\n",
            ),
        ]);
        let loaded = settings(&dir, Some("mine")).load();
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.keymap.key_for(Action::Quit).as_deref(), Some("q"));
        assert!(loaded.keymap.bindings().iter().any(|b| b.key.to_string() == "x"));
        assert_eq!(loaded.theme.danger().fg, Some(ratatui::style::Color::Magenta));
    }

    #[test]
    fn conflicts_and_bad_files_are_problems_not_panics() {
        let dir = dir_with(&[
            (
                "keymap.toml",
                "[bindings]\nctrl-c = \"quit\"\nCtrl-C = \"help\"\n",
            ),
            ("themes/broken.toml", "[tokens]\ntext = \"plaid\"\n"),
        ]);
        let loaded = settings(&dir, Some("broken")).load();
        assert_eq!(loaded.problems.len(), 2, "{:?}", loaded.problems);
        assert!(loaded.problems[0].contains("same key"), "{}", loaded.problems[0]);
        assert!(loaded.problems[0].contains("using the default keys"));
        assert!(loaded.problems[1].contains("plaid"), "{}", loaded.problems[1]);
        assert_eq!(loaded.keymap, Keymap::builtin());
        assert_eq!(loaded.theme, Theme::default_theme());
        let loaded = settings(&dir, Some("nope")).load();
        assert!(
            loaded.problems.iter().any(|p| p.contains("no theme \"nope\"")),
            "{:?}",
            loaded.problems
        );
    }

    #[test]
    fn unbinding_quit_is_reported() {
        let dir = dir_with(&[("keymap.toml", "[bindings]\nq = \"none\"\nctrl-c = \"none\"\n")]);
        let loaded = settings(&dir, None).load();
        assert_eq!(loaded.problems.len(), 1, "{:?}", loaded.problems);
        assert!(loaded.problems[0].contains("\"quit\""));
    }

    #[test]
    fn mouse_flag_words() {
        for v in ["1", "true", "YES", " on "] {
            assert!(truthy(v), "{v}");
        }
        for v in ["", "0", "no", "off"] {
            assert!(!truthy(v), "{v}");
        }
    }
}
