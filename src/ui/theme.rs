//! Themes: semantic style tokens, loaded from `themes/*.toml`.
//!
//! Widgets ask for a token (`muted`, `danger`...), never for a colour, so a
//! theme file and `NO_COLOR` change every screen at once. A token a theme
//! leaves out falls back to a related one (see [`Token::fallback`]); the chain
//! always ends at `text`. Must not: decide layout or read app state.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// The built-in default theme (ANSI colour names).
pub const DEFAULT_THEME: &str = include_str!("../../themes/default.toml");

/// A semantic style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Token {
    /// Body text.
    Text,
    /// Secondary text: labels, hints, empty states.
    Muted,
    /// Titles, the current tab, highlighted figures.
    Accent,
    /// Good news: finished syncs, on-target ratios.
    Success,
    /// Needs a look: medium urgency, running syncs.
    Warning,
    /// Needs action: high urgency, errors.
    Danger,
    /// The selected row.
    Selection,
    /// Pane borders.
    Border,
}

impl Token {
    /// Every token, in theme-file order.
    pub const ALL: [Token; 8] = [
        Token::Text,
        Token::Muted,
        Token::Accent,
        Token::Success,
        Token::Warning,
        Token::Danger,
        Token::Selection,
        Token::Border,
    ];

    /// Name in theme files.
    pub fn name(self) -> &'static str {
        match self {
            Token::Text => "text",
            Token::Muted => "muted",
            Token::Accent => "accent",
            Token::Success => "success",
            Token::Warning => "warning",
            Token::Danger => "danger",
            Token::Selection => "selection",
            Token::Border => "border",
        }
    }

    /// The token used when a theme leaves this one out; `None` for `text`.
    pub fn fallback(self) -> Option<Token> {
        match self {
            Token::Text => None,
            Token::Muted | Token::Accent => Some(Token::Text),
            Token::Success | Token::Warning | Token::Selection => Some(Token::Accent),
            Token::Danger => Some(Token::Warning),
            Token::Border => Some(Token::Muted),
        }
    }

    fn index(self) -> usize {
        Token::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// Why a theme file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeError {
    /// Not TOML, or not a theme's shape.
    #[error("theme: {0}")]
    Syntax(String),
    /// A token name that is not one of [`Token::ALL`].
    #[error(
        "theme: unknown token {0:?} (expected text, muted, accent, success, warning, danger, selection, border)"
    )]
    UnknownToken(String),
    /// A colour that is not an ANSI name, an index or `#rrggbb`.
    #[error("theme: token {token:?}: unknown colour {colour:?}")]
    Colour {
        /// Token.
        token: String,
        /// Colour as written.
        colour: String,
    },
    /// A modifier that is not known.
    #[error("theme: token {token:?}: unknown modifier {modifier:?}")]
    Modifier {
        /// Token.
        token: String,
        /// Modifier as written.
        modifier: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[allow(dead_code)]
    name: Option<String>,
    #[serde(default)]
    tokens: toml::Table,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TokenSpec {
    Fg(String),
    Full {
        fg: Option<String>,
        bg: Option<String>,
        #[serde(default)]
        modifiers: Vec<String>,
    },
}

/// Resolved styles, one per token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    styles: [Style; 8],
}

fn colour(token: &str, text: &str) -> Result<Color, ThemeError> {
    Color::from_str(text).map_err(|_| ThemeError::Colour {
        token: token.to_string(),
        colour: text.to_string(),
    })
}

fn modifier(token: &str, text: &str) -> Result<Modifier, ThemeError> {
    Ok(match text.to_ascii_lowercase().replace('-', "_").as_str() {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" | "underline" => Modifier::UNDERLINED,
        "reversed" | "reverse" => Modifier::REVERSED,
        "crossed_out" => Modifier::CROSSED_OUT,
        _ => {
            return Err(ThemeError::Modifier {
                token: token.to_string(),
                modifier: text.to_string(),
            });
        }
    })
}

impl Theme {
    /// Parses a theme file; tokens it leaves out fall back (see [`Token::fallback`]).
    pub fn from_toml_str(text: &str) -> Result<Theme, ThemeError> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| ThemeError::Syntax(e.to_string()))?;
        let mut given: [Option<Style>; 8] = [None; 8];
        for (name, value) in file.tokens {
            let token = Token::ALL
                .into_iter()
                .find(|t| t.name() == name)
                .ok_or_else(|| ThemeError::UnknownToken(name.clone()))?;
            let spec: TokenSpec = value
                .try_into()
                .map_err(|e: toml::de::Error| ThemeError::Syntax(format!("token {name:?}: {e}")))?;
            let style = match spec {
                TokenSpec::Fg(fg) => Style::new().fg(colour(&name, &fg)?),
                TokenSpec::Full { fg, bg, modifiers } => {
                    let mut s = Style::new();
                    if let Some(fg) = fg {
                        s = s.fg(colour(&name, &fg)?);
                    }
                    if let Some(bg) = bg {
                        s = s.bg(colour(&name, &bg)?);
                    }
                    for m in modifiers {
                        s = s.add_modifier(modifier(&name, &m)?);
                    }
                    s
                }
            };
            given[token.index()] = Some(style);
        }
        let mut styles = [Style::new(); 8];
        for token in Token::ALL {
            let mut t = Some(token);
            let mut found = None;
            // Bounded: a chain longer than the token count would be a cycle.
            for _ in 0..Token::ALL.len() {
                let Some(cur) = t else { break };
                if let Some(s) = given[cur.index()] {
                    found = Some(s);
                    break;
                }
                t = cur.fallback();
            }
            styles[token.index()] = found.unwrap_or_default();
        }
        Ok(Theme { styles })
    }

    /// The built-in default theme.
    pub fn default_theme() -> Theme {
        // The embedded file is checked by a test; plain is a safe last resort.
        Theme::from_toml_str(DEFAULT_THEME).unwrap_or_else(|_| Theme::plain())
    }

    /// No colours at all: only bold and reverse video, for `NO_COLOR`.
    pub fn plain() -> Theme {
        let mut styles = [Style::new(); 8];
        styles[Token::Accent.index()] = Style::new().add_modifier(Modifier::BOLD);
        styles[Token::Danger.index()] = Style::new().add_modifier(Modifier::BOLD);
        styles[Token::Selection.index()] = Style::new().add_modifier(Modifier::REVERSED);
        Theme { styles }
    }

    /// The default theme, or [`Theme::plain`] when `NO_COLOR` is set to a
    /// non-empty value (<https://no-color.org>).
    pub fn from_env() -> Theme {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            Theme::plain()
        } else {
            Theme::default_theme()
        }
    }

    /// The style of a token.
    pub fn style(&self, token: Token) -> Style {
        self.styles[token.index()]
    }

    /// [`Token::Text`].
    pub fn text(&self) -> Style {
        self.style(Token::Text)
    }
    /// [`Token::Muted`].
    pub fn muted(&self) -> Style {
        self.style(Token::Muted)
    }
    /// [`Token::Accent`].
    pub fn accent(&self) -> Style {
        self.style(Token::Accent)
    }
    /// [`Token::Success`].
    pub fn success(&self) -> Style {
        self.style(Token::Success)
    }
    /// [`Token::Warning`].
    pub fn warning(&self) -> Style {
        self.style(Token::Warning)
    }
    /// [`Token::Danger`].
    pub fn danger(&self) -> Style {
        self.style(Token::Danger)
    }
    /// [`Token::Selection`].
    pub fn selection(&self) -> Style {
        self.style(Token::Selection)
    }
    /// [`Token::Border`].
    pub fn border(&self) -> Style {
        self.style(Token::Border)
    }
}

impl Default for Theme {
    fn default() -> Theme {
        Theme::default_theme()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses_with_ansi_names_only() {
        let theme = Theme::from_toml_str(DEFAULT_THEME).unwrap_or_else(|e| panic!("{e}"));
        for token in Token::ALL {
            let s = theme.style(token);
            for c in [s.fg, s.bg].into_iter().flatten() {
                assert!(
                    !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                    "{token:?} uses {c:?}"
                );
            }
        }
        assert_eq!(theme.danger().fg, Some(Color::Red));
    }

    #[test]
    fn fallbacks_end_at_text_without_cycles() {
        for token in Token::ALL {
            let mut t = Some(token);
            let mut steps = 0;
            while let Some(cur) = t {
                t = cur.fallback();
                steps += 1;
                assert!(steps <= Token::ALL.len(), "fallback cycle from {token:?}");
            }
        }
        let theme = Theme::from_toml_str("[tokens]\ntext = \"white\"\nwarning = \"yellow\"\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(theme.danger().fg, Some(Color::Yellow));
        assert_eq!(theme.border().fg, Some(Color::White));
    }

    #[test]
    fn plain_has_no_colour() {
        let theme = Theme::plain();
        for token in Token::ALL {
            let s = theme.style(token);
            assert_eq!((s.fg, s.bg), (None, None), "{token:?}");
        }
    }

    #[test]
    fn bad_themes_say_what_is_wrong() {
        assert!(matches!(
            Theme::from_toml_str("[tokens]\nloud = \"red\""),
            Err(ThemeError::UnknownToken(_))
        ));
        assert!(matches!(
            Theme::from_toml_str("[tokens]\ntext = \"plaid\""),
            Err(ThemeError::Colour { .. })
        ));
        assert!(matches!(
            Theme::from_toml_str("[tokens]\ntext = { modifiers = [\"sparkly\"] }"),
            Err(ThemeError::Modifier { .. })
        ));
    }
}
