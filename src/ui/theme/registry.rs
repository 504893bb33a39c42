//! Which themes exist and how a name becomes a [`Theme`]: the built-ins
//! (embedded from `themes/*.toml`), then the user's own from
//! `$XDG_CONFIG_HOME/async-cockpit/themes/*.toml` (a user file named like a
//! built-in replaces it), following `inherits` chains and refusing cycles.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{DEFAULT_THEME, Theme, ThemeError, ThemeSpec};

/// The built-in themes: name and TOML text.
pub const BUILTIN: [(&str, &str); 5] = [
    ("default", DEFAULT_THEME),
    ("dark", include_str!("../../../themes/dark.toml")),
    ("light", include_str!("../../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../../themes/high-contrast.toml"),
    ),
    ("standup", include_str!("../../../themes/standup.toml")),
];

/// Where a theme's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    Builtin,
    File(PathBuf),
}

impl Origin {
    fn describe(&self) -> String {
        match self {
            Origin::Builtin => "built-in".into(),
            Origin::File(p) => p.display().to_string(),
        }
    }
}

/// The themes that can be chosen by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeSet {
    themes: BTreeMap<String, (Origin, String)>,
}

/// User theme files found in a folder, and the ones that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserThemes {
    /// Name (file stem) → path and text.
    pub files: Vec<(String, PathBuf, String)>,
    /// One message per file that could not be read.
    pub problems: Vec<String>,
}

impl UserThemes {
    /// Reads `dir/*.toml`; a missing folder is no problem.
    pub fn read_dir(dir: &Path) -> UserThemes {
        let mut out = UserThemes::default();
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return out,
            Err(e) => {
                out.problems
                    .push(format!("cannot list user themes in {}: {e}", dir.display()));
                return out;
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let Some(name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_string) else {
                out.problems.push(format!(
                    "theme file {} has a name that is not UTF-8",
                    path.display()
                ));
                continue;
            };
            match std::fs::read_to_string(&path) {
                Ok(text) => out.files.push((name, path, text)),
                Err(e) => out
                    .problems
                    .push(format!("cannot read theme {}: {e}", path.display())),
            }
        }
        out
    }
}

impl ThemeSet {
    /// The built-in themes only.
    pub fn builtin() -> ThemeSet {
        ThemeSet {
            themes: BUILTIN
                .iter()
                .map(|(n, t)| (n.to_string(), (Origin::Builtin, t.to_string())))
                .collect(),
        }
    }

    /// The built-ins with `user` themes added (replacing built-ins of the same name).
    pub fn with_user(mut self, user: &UserThemes) -> ThemeSet {
        for (name, path, text) in &user.files {
            self.themes
                .insert(name.clone(), (Origin::File(path.clone()), text.clone()));
        }
        self
    }

    /// Every theme name, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.themes.keys().map(String::as_str).collect()
    }

    /// The theme called `name`, its `inherits` chain followed.
    pub fn resolve(&self, name: &str) -> Result<Theme, ThemeError> {
        Ok(self.spec(name, &mut Vec::new())?.resolve())
    }

    fn spec(&self, name: &str, chain: &mut Vec<String>) -> Result<ThemeSpec, ThemeError> {
        if chain.iter().any(|n| n == name) {
            chain.push(name.to_string());
            return Err(ThemeError::Cycle(chain.join(" → ")));
        }
        let Some((origin, text)) = self.themes.get(name) else {
            return Err(ThemeError::Unknown {
                name: name.to_string(),
                known: self.names().join(", "),
            });
        };
        chain.push(name.to_string());
        let within = |error: ThemeError| ThemeError::In {
            name: name.to_string(),
            origin: origin.describe(),
            error: Box::new(error),
        };
        let spec = ThemeSpec::parse(text).map_err(within)?;
        match &spec.inherits {
            None => Ok(spec),
            Some(parent) => {
                let base = match self.spec(parent, chain) {
                    Err(e @ ThemeError::Cycle(_)) => return Err(e),
                    Err(e @ ThemeError::Unknown { .. }) => return Err(within(e)),
                    other => other?,
                };
                Ok(spec.over(&base))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

    #[test]
    fn every_builtin_resolves() {
        let set = ThemeSet::builtin();
        for (name, _) in BUILTIN {
            set.resolve(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert_eq!(set.names().len(), BUILTIN.len());
    }

    fn user(files: &[(&str, &str)]) -> ThemeSet {
        let user = UserThemes {
            files: files
                .iter()
                .map(|(n, t)| {
                    (
                        n.to_string(),
                        PathBuf::from(format!("/u/{n}.toml")),
                        t.to_string(),
                    )
                })
                .collect(),
            problems: vec![],
        };
        ThemeSet::builtin().with_user(&user)
    }

    #[test]
    fn user_themes_inherit_and_replace() {
        let set = user(&[
            ("mine", "inherits = \"dark\"\n[tokens]\ndanger = \"#ff0000\"\n"),
            ("default", "[tokens]\ntext = \"green\"\n"),
        ]);
        let dark = set.resolve("dark").unwrap_or_else(|e| panic!("{e}"));
        let mine = set.resolve("mine").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mine.danger().fg, Some(Color::Rgb(255, 0, 0)));
        assert_eq!(mine.accent(), dark.accent());
        let d = set.resolve("default").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.text().fg, Some(Color::Green));
    }

    #[test]
    fn cycles_and_unknown_names_are_errors() {
        let set = user(&[
            ("a", "inherits = \"b\"\n"),
            ("b", "inherits = \"c\"\n"),
            ("c", "inherits = \"a\"\n"),
            ("self", "inherits = \"self\"\n"),
            ("orphan", "inherits = \"nope\"\n"),
            ("broken", "[tokens]\ntext = \"plaid\"\n"),
        ]);
        let err = |name: &str| match set.resolve(name) {
            Ok(_) => panic!("{name} resolved"),
            Err(e) => e.to_string(),
        };
        assert_eq!(err("a"), "themes inherit in a circle: a → b → c → a");
        assert_eq!(err("self"), "themes inherit in a circle: self → self");
        let e = err("orphan");
        assert!(
            e.starts_with("theme \"orphan\" (/u/orphan.toml): no theme \"nope\""),
            "{e}"
        );
        let e = err("broken");
        assert!(e.contains("/u/broken.toml") && e.contains("plaid"), "{e}");
        assert!(matches!(set.resolve("zzz"), Err(ThemeError::Unknown { .. })));
    }

    #[test]
    fn missing_user_folder_is_fine() {
        let u = UserThemes::read_dir(Path::new("/nonexistent/async-cockpit/themes"));
        assert!(u.files.is_empty() && u.problems.is_empty());
    }
}
