//! Key bindings: which key asks for which [`Action`].
//!
//! The defaults are an embedded TOML file (`keymap.toml`, `key = "action"`);
//! a user's override table is layered on top, key by key. Every binding has
//! a description (its own `desc`, else the action's), and the `?` overlay and
//! the key hints are generated from the bindings, never written by hand.
//! Must not: know about app state or rendering.

use std::collections::BTreeMap;
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// The default bindings, commented.
pub const DEFAULT_KEYMAP: &str = include_str!("keymap.toml");

/// Why a keymap could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    /// The text is not TOML, or lacks a `[bindings]` table.
    #[error("keymap: {0}")]
    Syntax(String),
    /// A key name that is not understood.
    #[error("keymap: unknown key {key:?}: {reason}")]
    UnknownKey {
        /// The key as written.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A value that is not an action.
    #[error("keymap: key {key:?} is bound to an unknown action: {reason}")]
    UnknownAction {
        /// The key as written.
        key: String,
        /// The deserialiser's message.
        reason: String,
    },
    /// Two spellings of one key in the same table.
    #[error("keymap: {first:?} and {second:?} are the same key ({key}); keep one")]
    Conflict {
        /// Canonical key name.
        key: String,
        /// First spelling.
        first: String,
        /// Second spelling.
        second: String,
    },
}

/// A key press with its modifiers, normalised so that a binding and the
/// terminal's event compare equal (`G` is `G`, not `shift-g`; `shift-tab` is
/// back-tab whatever the terminal reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    mods: KeyModifiers,
}

const NAMED: [(&str, KeyCode); 16] = [
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("space", KeyCode::Char(' ')),
];

const ALIASES: [(&str, &str); 6] = [
    ("return", "enter"),
    ("escape", "esc"),
    ("pgup", "pageup"),
    ("pgdn", "pagedown"),
    ("del", "delete"),
    ("ins", "insert"),
];

impl Key {
    fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            other => other,
        };
        // The character (or back-tab) already carries the shift.
        if matches!(code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        Key { code, mods }
    }

    /// The key of a terminal event.
    pub fn from_event(ev: &KeyEvent) -> Key {
        Key::new(ev.code, ev.modifiers)
    }

    /// Parses `q`, `G`, `?`, `ctrl-c`, `shift-tab`, `alt-enter`, `f5`...
    pub fn parse(text: &str) -> Result<Key, KeymapError> {
        let err = |reason: &str| KeymapError::UnknownKey {
            key: text.to_string(),
            reason: reason.to_string(),
        };
        let mut rest = text;
        let mut mods = KeyModifiers::NONE;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (flag, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if rest.len() == len {
                break;
            }
            mods |= flag;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (None, _) => return Err(err("empty key name")),
            (Some(c), None) if c.is_control() => return Err(err("control characters cannot be bound")),
            (Some(c), None) => {
                let c = if mods.contains(KeyModifiers::CONTROL) {
                    c.to_ascii_lowercase()
                } else {
                    c
                };
                if mods.contains(KeyModifiers::SHIFT) {
                    KeyCode::Char(c.to_ascii_uppercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => {
                let lower = rest.to_ascii_lowercase();
                let name = ALIASES
                    .iter()
                    .find(|(a, _)| *a == lower)
                    .map_or(lower.as_str(), |(_, n)| n);
                if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == name) {
                    *code
                } else if let Some(n) = name.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    if !(1..=12).contains(&n) {
                        return Err(err("function keys are f1 to f12"));
                    }
                    KeyCode::F(n)
                } else {
                    return Err(err(
                        "expected a character or a key name such as enter, esc, tab, up, f1",
                    ));
                }
            }
        };
        Ok(Key::new(code, mods))
    }

    /// Sort order for listing several keys of one action: plain characters,
    /// then named keys, then keys with modifiers.
    fn list_rank(&self) -> (u8, usize, String) {
        let group = if !self.mods.is_empty() {
            2
        } else if matches!(self.code, KeyCode::Char(c) if c != ' ') {
            0
        } else {
            1
        };
        let named = NAMED
            .iter()
            .position(|(_, c)| *c == self.code)
            .unwrap_or(usize::MAX);
        (group, named, self.to_string())
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => match NAMED.iter().find(|(_, c)| *c == code) {
                Some((name, _)) => f.write_str(name),
                None => write!(f, "{code:?}"),
            },
        }
    }
}

/// One key bound to one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The key.
    pub key: Key,
    /// What it does.
    pub action: Action,
    /// Help text.
    pub desc: String,
}

/// One line of the help overlay: the keys of one description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    /// Keys, comma separated (`q, ctrl-c`; digit runs as `1-9`).
    pub keys: String,
    /// What they do.
    pub desc: String,
}

/// The bindings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

/// What a table entry asks of its key: an action with an optional own
/// description, or `None` to unbind (`"none"`).
type Entry = Option<(Action, Option<String>)>;

fn parse_table(table: &toml::Table) -> Result<Vec<(Key, Entry)>, KeymapError> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for (name, value) in table {
        let key = Key::parse(name)?;
        if let Some(first) = seen.insert(key.to_string(), name.clone()) {
            return Err(KeymapError::Conflict {
                key: key.to_string(),
                first,
                second: name.clone(),
            });
        }
        let unknown = |reason: String| KeymapError::UnknownAction {
            key: name.clone(),
            reason,
        };
        let entry = match value {
            toml::Value::String(s) if s == "none" => None,
            toml::Value::Table(t) if t.contains_key("action") => {
                let action = t
                    .get("action")
                    .cloned()
                    .ok_or_else(|| unknown("missing action".into()))?;
                let action: Action = action
                    .try_into()
                    .map_err(|e: toml::de::Error| unknown(e.to_string()))?;
                let desc = match t.get("desc") {
                    None => None,
                    Some(toml::Value::String(d)) => Some(d.clone()),
                    Some(_) => return Err(unknown("desc must be a string".into())),
                };
                if let Some(extra) = t.keys().find(|k| *k != "action" && *k != "desc") {
                    return Err(unknown(format!("unexpected field {extra:?}")));
                }
                Some((action, desc))
            }
            other => {
                let action: Action = other
                    .clone()
                    .try_into()
                    .map_err(|e: toml::de::Error| unknown(e.to_string()))?;
                Some((action, None))
            }
        };
        out.push((key, entry));
    }
    Ok(out)
}

fn bindings_table(text: &str) -> Result<toml::Table, KeymapError> {
    let mut doc: toml::Table = toml::from_str(text).map_err(|e| KeymapError::Syntax(e.to_string()))?;
    match doc.remove("bindings") {
        Some(toml::Value::Table(t)) => Ok(t),
        _ => Err(KeymapError::Syntax("expected a [bindings] table".into())),
    }
}

impl Keymap {
    /// The embedded defaults.
    pub fn defaults() -> Result<Keymap, KeymapError> {
        Keymap::load(None)
    }

    /// The embedded defaults, or no bindings at all if they were broken (a
    /// test proves they are not); for headless rendering.
    pub fn builtin() -> Keymap {
        Keymap::defaults().unwrap_or(Keymap { bindings: Vec::new() })
    }

    /// The defaults with `overrides` (a `key = "action"` table, such as a
    /// config file's `[keys]`) on top: an overriding key replaces the default
    /// binding of that key, `"none"` removes it.
    pub fn load(overrides: Option<&toml::Table>) -> Result<Keymap, KeymapError> {
        let mut map: Vec<(Key, Action, Option<String>)> = Vec::new();
        let defaults = bindings_table(DEFAULT_KEYMAP)?;
        let layers = std::iter::once(&defaults).chain(overrides);
        for layer in layers {
            for (key, entry) in parse_table(layer)? {
                map.retain(|(k, _, _)| *k != key);
                if let Some((action, desc)) = entry {
                    map.push((key, action, desc));
                }
            }
        }
        let mut bindings: Vec<Binding> = map
            .into_iter()
            .map(|(key, action, desc)| Binding {
                key,
                action,
                desc: desc.unwrap_or_else(|| action.description().to_string()),
            })
            .collect();
        bindings.sort_by_key(|b| (b.action.help_rank(), b.key.list_rank()));
        Ok(Keymap { bindings })
    }

    /// The defaults with the `[bindings]` table of a TOML text on top.
    pub fn from_override_str(text: &str) -> Result<Keymap, KeymapError> {
        let table = bindings_table(text)?;
        Keymap::load(Some(&table))
    }

    /// Every binding, in help order.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The action bound to a key press, if any.
    pub fn action_for(&self, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        self.bindings.iter().find(|b| b.key == key).map(|b| b.action)
    }

    /// The first key bound to `action`, for hints (`? help`).
    pub fn key_for(&self, action: Action) -> Option<String> {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .map(|b| b.key.to_string())
    }

    /// The help overlay's rows: bindings grouped by description, in help order.
    pub fn help_rows(&self) -> Vec<HelpRow> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for b in &self.bindings {
            let name = b.key.to_string();
            match groups.iter_mut().find(|(d, _)| *d == b.desc) {
                Some((_, keys)) => keys.push(name),
                None => groups.push((b.desc.clone(), vec![name])),
            }
        }
        groups
            .into_iter()
            .map(|(desc, keys)| HelpRow {
                keys: join_keys(&keys),
                desc,
            })
            .collect()
    }
}

/// Joins key names, writing a run of three or more consecutive digits as `1-9`.
fn join_keys(keys: &[String]) -> String {
    let digit = |k: &String| k.len() == 1 && k.as_bytes()[0].is_ascii_digit();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < keys.len() {
        let mut j = i;
        while j + 1 < keys.len()
            && digit(&keys[j])
            && digit(&keys[j + 1])
            && keys[j + 1].as_bytes()[0] == keys[j].as_bytes()[0] + 1
        {
            j += 1;
        }
        if j >= i + 2 {
            parts.push(format!("{}-{}", keys[i], keys[j]));
        } else {
            parts.extend(keys[i..=j].iter().cloned());
        }
        i = j + 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    fn keymap() -> Keymap {
        Keymap::defaults().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn defaults_parse_and_bind_the_documented_keys() {
        let km = keymap();
        let cases = [
            (press(KeyCode::Char('q'), KeyModifiers::NONE), Action::Quit),
            (press(KeyCode::Char('c'), KeyModifiers::CONTROL), Action::Quit),
            (press(KeyCode::Tab, KeyModifiers::NONE), Action::NextTab),
            (press(KeyCode::BackTab, KeyModifiers::SHIFT), Action::PrevTab),
            (press(KeyCode::Tab, KeyModifiers::SHIFT), Action::PrevTab),
            (press(KeyCode::Char('3'), KeyModifiers::NONE), Action::GoToTab(3)),
            (press(KeyCode::Char('j'), KeyModifiers::NONE), Action::Down),
            (press(KeyCode::Up, KeyModifiers::NONE), Action::Up),
            (press(KeyCode::Char('G'), KeyModifiers::SHIFT), Action::Bottom),
            (press(KeyCode::Char('g'), KeyModifiers::NONE), Action::Top),
            (press(KeyCode::Enter, KeyModifiers::NONE), Action::Open),
            (press(KeyCode::Char('?'), KeyModifiers::SHIFT), Action::Help),
            (press(KeyCode::Char('r'), KeyModifiers::NONE), Action::Sync),
            (press(KeyCode::Esc, KeyModifiers::NONE), Action::Back),
        ];
        for (ev, action) in cases {
            assert_eq!(km.action_for(&ev), Some(action), "{ev:?}");
        }
        assert_eq!(
            km.action_for(&press(KeyCode::Char('x'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn help_is_generated_from_bindings() {
        let rows = keymap().help_rows();
        let find = |d: &str| rows.iter().find(|r| r.desc == d).map(|r| r.keys.clone());
        assert_eq!(find("Quit").as_deref(), Some("q, ctrl-c"));
        assert_eq!(find("Go to tab by number").as_deref(), Some("1-9"));
        assert_eq!(find("Move down").as_deref(), Some("j, down"));
        assert_eq!(find("Live standup: next person").as_deref(), Some("n"));
        assert_eq!(find("Ask the copilot a question").as_deref(), Some("a"));
        assert_eq!(find("Triage: write a note").as_deref(), Some("N"));
        assert_eq!(rows.len(), 34);
        assert_eq!(find("Command palette").as_deref(), Some(":, ctrl-p"));
        assert_eq!(find("Move down one page").as_deref(), Some("pagedown, ctrl-d"));
    }

    #[test]
    fn overrides_replace_and_unbind() {
        let km = Keymap::from_override_str(
            "[bindings]\nx = { action = \"quit\", desc = \"Leave now\" }\nq = \"none\"\nj = \"up\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            km.action_for(&press(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action_for(&press(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            km.action_for(&press(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Up)
        );
        assert!(
            km.help_rows()
                .iter()
                .any(|r| r.desc == "Leave now" && r.keys == "x")
        );
    }

    #[test]
    fn errors_name_the_key() {
        let e = Keymap::from_override_str("[bindings]\nctrl-c = \"quit\"\nCtrl-C = \"help\"\n");
        assert!(matches!(e, Err(KeymapError::Conflict { .. })), "{e:?}");
        let e = Keymap::from_override_str("[bindings]\nshift-tab = \"quit\"\nbacktab = \"help\"\n");
        assert!(matches!(e, Err(KeymapError::Conflict { .. })), "{e:?}");
        let e = Keymap::from_override_str("[bindings]\nhyper-x = \"quit\"\n");
        assert!(
            matches!(e, Err(KeymapError::UnknownKey { ref key, .. }) if key == "hyper-x"),
            "{e:?}"
        );
        let e = Keymap::from_override_str("[bindings]\nx = \"fly\"\n");
        assert!(
            matches!(e, Err(KeymapError::UnknownAction { ref key, .. }) if key == "x"),
            "{e:?}"
        );
        let e = Keymap::from_override_str("x = 1");
        assert!(matches!(e, Err(KeymapError::Syntax(_))), "{e:?}");
    }

    #[test]
    fn key_names_round_trip() {
        for name in [
            "q",
            "G",
            "?",
            "ctrl-c",
            "shift-tab",
            "enter",
            "esc",
            "alt-enter",
            "f5",
            "space",
            "-",
        ] {
            let key = Key::parse(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(key.to_string(), name);
        }
        assert_eq!(Key::parse("shift-g").map(|k| k.to_string()), Ok("G".to_string()));
    }
}
