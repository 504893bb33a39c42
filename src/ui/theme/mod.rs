//! Themes: semantic style tokens, loaded from `themes/*.toml`.
//!
//! Widgets ask for a token (`muted`, `danger`...), never for a colour, so a
//! theme file and `NO_COLOR` change every screen at once. A token a theme
//! leaves out falls back to a related one (see [`Token::fallback`]); every
//! chain ends at `text`, and a test proves there is no cycle. A theme may
//! `inherits = "other"` to start from another theme's tokens ([`registry`]
//! resolves the chain and rejects cycles). Terminals that do not announce
//! truecolor get every `#rrggbb` mapped to the nearest xterm-256 colour
//! ([`colour`]). Must not: decide layout or read app state.

pub mod colour;
pub mod registry;

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

pub use colour::ColourDepth;
pub use registry::{ThemeSet, UserThemes};

/// The built-in default theme (ANSI colour names).
pub const DEFAULT_THEME: &str = include_str!("../../../themes/default.toml");

/// A semantic style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Token {
    /// Body text.
    Text,
    /// Secondary text: labels, hints, empty states.
    Muted,
    /// The current tab, highlighted figures, key names.
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
    /// Pane and overlay titles.
    Title,
    /// The body of overlays (help, palette, explain).
    Surface,
    /// Characters a palette query or a filter matched; the prompt.
    Match,
    /// First chart series (closed sprints' bars).
    Series1,
    /// Second chart series (the active sprint's bar).
    Series2,
    /// Third chart series.
    Series3,
}

/// How many tokens there are.
const N: usize = 14;

impl Token {
    /// Every token, in theme-file order.
    pub const ALL: [Token; N] = [
        Token::Text,
        Token::Muted,
        Token::Accent,
        Token::Success,
        Token::Warning,
        Token::Danger,
        Token::Selection,
        Token::Border,
        Token::Title,
        Token::Surface,
        Token::Match,
        Token::Series1,
        Token::Series2,
        Token::Series3,
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
            Token::Title => "title",
            Token::Surface => "surface",
            Token::Match => "match",
            Token::Series1 => "series_1",
            Token::Series2 => "series_2",
            Token::Series3 => "series_3",
        }
    }

    /// The token used when a theme leaves this one out; `None` for `text`.
    pub fn fallback(self) -> Option<Token> {
        match self {
            Token::Text => None,
            Token::Muted | Token::Accent | Token::Surface => Some(Token::Text),
            Token::Success | Token::Warning | Token::Selection | Token::Title | Token::Match => {
                Some(Token::Accent)
            }
            Token::Danger => Some(Token::Warning),
            Token::Border => Some(Token::Muted),
            Token::Series1 => Some(Token::Success),
            Token::Series2 => Some(Token::Warning),
            Token::Series3 => Some(Token::Accent),
        }
    }

    fn index(self) -> usize {
        Token::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    fn from_name(name: &str) -> Option<Token> {
        Token::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Why a theme could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeError {
    /// Not TOML, or not a theme's shape.
    #[error("{0}")]
    Syntax(String),
    /// A token name that is not one of [`Token::ALL`].
    #[error("unknown token {0:?} (expected {known})", known = token_names())]
    UnknownToken(String),
    /// A colour that is not an ANSI name, an index or `#rrggbb`.
    #[error(
        "token {token:?}: unknown colour {colour:?} (use an ANSI name such as \"cyan\", 0-255, or \"#rrggbb\")"
    )]
    Colour {
        /// Token.
        token: String,
        /// Colour as written.
        colour: String,
    },
    /// A modifier that is not known.
    #[error(
        "token {token:?}: unknown modifier {modifier:?} (bold, dim, italic, underlined, reversed, crossed_out)"
    )]
    Modifier {
        /// Token.
        token: String,
        /// Modifier as written.
        modifier: String,
    },
    /// No theme of that name, built in or in the user's folder.
    #[error("no theme {name:?} (known: {known})")]
    Unknown {
        /// Name asked for.
        name: String,
        /// Names that exist, comma separated.
        known: String,
    },
    /// Themes inheriting from each other in a circle.
    #[error("themes inherit in a circle: {0}")]
    Cycle(String),
    /// An error inside a named theme, with where it came from.
    #[error("theme {name:?} ({origin}): {error}")]
    In {
        /// Theme name.
        name: String,
        /// `built-in` or the file's path.
        origin: String,
        /// What is wrong.
        error: Box<ThemeError>,
    },
}

fn token_names() -> String {
    Token::ALL.map(Token::name).join(", ")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[allow(dead_code)]
    name: Option<String>,
    inherits: Option<String>,
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

/// A parsed theme file: the tokens it sets, and the theme it starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeSpec {
    /// `inherits = "..."`, if given.
    pub inherits: Option<String>,
    given: [Option<Style>; N],
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

impl ThemeSpec {
    /// Parses a theme file.
    pub fn parse(text: &str) -> Result<ThemeSpec, ThemeError> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| ThemeError::Syntax(e.to_string()))?;
        let mut given: [Option<Style>; N] = [None; N];
        for (name, value) in file.tokens {
            let token = Token::from_name(&name).ok_or_else(|| ThemeError::UnknownToken(name.clone()))?;
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
        Ok(ThemeSpec {
            inherits: file.inherits,
            given,
        })
    }

    /// `self` on top of `base`: tokens set here win, the rest come from `base`.
    pub fn over(&self, base: &ThemeSpec) -> ThemeSpec {
        let mut given = base.given;
        for (slot, mine) in given.iter_mut().zip(self.given) {
            if mine.is_some() {
                *slot = mine;
            }
        }
        ThemeSpec {
            inherits: base.inherits.clone(),
            given,
        }
    }

    /// Fills the tokens left out from their fallbacks.
    pub fn resolve(&self) -> Theme {
        let mut styles = [Style::new(); N];
        for token in Token::ALL {
            let mut t = Some(token);
            let mut found = None;
            // Bounded: a chain longer than the token count would be a cycle.
            for _ in 0..N {
                let Some(cur) = t else { break };
                if let Some(s) = self.given[cur.index()] {
                    found = Some(s);
                    break;
                }
                t = cur.fallback();
            }
            styles[token.index()] = found.unwrap_or_default();
        }
        Theme { styles }
    }
}

/// Resolved styles, one per token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    styles: [Style; N],
}

impl Theme {
    /// Parses a theme file on its own (an `inherits` line is ignored here;
    /// [`ThemeSet::resolve`] follows it). Tokens it leaves out fall back.
    pub fn from_toml_str(text: &str) -> Result<Theme, ThemeError> {
        Ok(ThemeSpec::parse(text)?.resolve())
    }

    /// The built-in default theme.
    pub fn default_theme() -> Theme {
        // The embedded file is checked by a test; plain is a safe last resort.
        Theme::from_toml_str(DEFAULT_THEME).unwrap_or_else(|_| Theme::plain())
    }

    /// No colours at all: only bold and reverse video, for `NO_COLOR`.
    pub fn plain() -> Theme {
        let mut styles = [Style::new(); N];
        for t in [Token::Accent, Token::Danger, Token::Title, Token::Match] {
            styles[t.index()] = Style::new().add_modifier(Modifier::BOLD);
        }
        styles[Token::Selection.index()] = Style::new().add_modifier(Modifier::REVERSED);
        Theme { styles }
    }

    /// The same theme without any colour (for `NO_COLOR`): modifiers stay,
    /// and what colour alone set apart is marked with bold or reverse video.
    pub fn without_colour(&self) -> Theme {
        let mut out = Theme::plain();
        for (slot, s) in out.styles.iter_mut().zip(self.styles) {
            slot.add_modifier |= s.add_modifier;
        }
        out
    }

    /// The default theme, or [`Theme::plain`] when `NO_COLOR` is set to a
    /// non-empty value (<https://no-color.org>). See
    /// [`super::settings::UiSettings`] for the full choice (named and user
    /// themes, colour depth).
    pub fn from_env() -> Theme {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            Theme::plain()
        } else {
            Theme::default_theme()
        }
    }

    /// The theme as a terminal of `depth` can show it.
    pub fn for_depth(&self, depth: ColourDepth) -> Theme {
        match depth {
            ColourDepth::TrueColor => *self,
            ColourDepth::Indexed256 => {
                let mut out = *self;
                for s in &mut out.styles {
                    s.fg = s.fg.map(colour::to_256);
                    s.bg = s.bg.map(colour::to_256);
                }
                out
            }
            ColourDepth::None => self.without_colour(),
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
    /// [`Token::Title`].
    pub fn title(&self) -> Style {
        self.style(Token::Title)
    }
    /// [`Token::Surface`].
    pub fn surface(&self) -> Style {
        self.style(Token::Surface)
    }
    /// [`Token::Match`].
    pub fn matched(&self) -> Style {
        self.style(Token::Match)
    }
    /// [`Token::Series1`], [`Token::Series2`] or [`Token::Series3`] (`n` is 0-based, wrapping).
    pub fn series(&self, n: usize) -> Style {
        [Token::Series1, Token::Series2, Token::Series3]
            .get(n % 3)
            .map_or_else(Style::new, |t| self.style(*t))
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
                if t.is_none() {
                    assert_eq!(cur, Token::Text, "{token:?} ends at {cur:?}");
                }
            }
        }
        let theme = Theme::from_toml_str("[tokens]\ntext = \"white\"\nwarning = \"yellow\"\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(theme.danger().fg, Some(Color::Yellow));
        assert_eq!(theme.border().fg, Some(Color::White));
        assert_eq!(theme.series(1).fg, Some(Color::Yellow));
    }

    #[test]
    fn token_names_are_unique_and_round_trip() {
        for t in Token::ALL {
            assert_eq!(Token::from_name(t.name()), Some(t));
            assert_eq!(Token::ALL[t.index()], t);
        }
    }

    #[test]
    fn plain_has_no_colour() {
        for theme in [Theme::plain(), Theme::default_theme().without_colour()] {
            for token in Token::ALL {
                let s = theme.style(token);
                assert_eq!((s.fg, s.bg), (None, None), "{token:?}");
            }
            assert!(theme.selection().add_modifier.contains(Modifier::REVERSED));
        }
    }

    #[test]
    fn rgb_becomes_indexed_below_truecolor() {
        let theme = Theme::from_toml_str("[tokens]\ntext = { fg = \"#ff0000\", bg = \"#000000\" }\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let t = theme.for_depth(ColourDepth::Indexed256).text();
        assert_eq!(
            (t.fg, t.bg),
            (Some(Color::Indexed(196)), Some(Color::Indexed(16)))
        );
        assert_eq!(theme.for_depth(ColourDepth::TrueColor), theme);
        assert_eq!(theme.for_depth(ColourDepth::None).text().fg, None);
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
        let e = Theme::from_toml_str("[tokens]\nloud = \"red\"").map(|_| ());
        assert!(
            e.as_ref()
                .err()
                .is_some_and(|e| e.to_string().contains("series_1")),
            "{e:?}"
        );
    }
}
