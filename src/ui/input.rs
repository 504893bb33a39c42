//! A one-line text input (the palette's query, the filter prompt) and the
//! keys that edit it.
//!
//! While a prompt is open keys type text instead of running actions; the few
//! keys that do something else (`enter`, `esc`, `up`/`down`) are fixed, like
//! a shell's, so a user keymap can never make a prompt impossible to leave.
//! The cursor moves by grapheme, so emoji and CJK text edit as one character
//! each. Must not: know what the text is for.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Style;
use ratatui::text::Span;

use super::text;

/// One edit of a prompt, from a key press.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Type a character at the cursor.
    Insert(char),
    /// Delete the grapheme before the cursor.
    Backspace,
    /// Delete the grapheme under the cursor.
    Delete,
    /// Move the cursor one grapheme left.
    Left,
    /// Move the cursor one grapheme right.
    Right,
    /// Move the cursor to the start.
    Home,
    /// Move the cursor to the end.
    End,
    /// Delete the word before the cursor (`ctrl-w`).
    DeleteWord,
    /// Delete everything before the cursor (`ctrl-u`).
    Clear,
    /// Accept (`enter`): run the palette entry, keep the filter.
    Submit,
    /// Give up (`esc`, `ctrl-c`): close the palette, clear the filter.
    Cancel,
    /// Choose the previous entry (`up`, `ctrl-p`, `shift-tab`).
    Prev,
    /// Choose the next entry (`down`, `ctrl-n`, `tab`).
    Next,
}

impl Edit {
    /// The edit a key press makes in a prompt, if any.
    pub fn from_key(ev: &KeyEvent) -> Option<Edit> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        Some(match ev.code {
            KeyCode::Char(c) if ctrl => match c.to_ascii_lowercase() {
                'c' | 'g' => Edit::Cancel,
                'w' => Edit::DeleteWord,
                'h' => Edit::Backspace,
                'u' => Edit::Clear,
                'a' => Edit::Home,
                'e' => Edit::End,
                'b' => Edit::Left,
                'f' => Edit::Right,
                'd' => Edit::Delete,
                'p' | 'k' => Edit::Prev,
                'n' | 'j' => Edit::Next,
                'm' => Edit::Submit,
                _ => return None,
            },
            KeyCode::Char(_) if alt => return None,
            KeyCode::Char(c) if !c.is_control() => Edit::Insert(c),
            KeyCode::Backspace if alt => Edit::DeleteWord,
            KeyCode::Backspace => Edit::Backspace,
            KeyCode::Delete => Edit::Delete,
            KeyCode::Left => Edit::Left,
            KeyCode::Right => Edit::Right,
            KeyCode::Home => Edit::Home,
            KeyCode::End => Edit::End,
            KeyCode::Enter => Edit::Submit,
            KeyCode::Esc => Edit::Cancel,
            KeyCode::Up | KeyCode::BackTab => Edit::Prev,
            KeyCode::Down | KeyCode::Tab => Edit::Next,
            _ => return None,
        })
    }
}

/// The graphemes of `s` with their byte offsets.
fn boundaries(s: &str) -> Vec<usize> {
    let mut out = vec![0];
    let mut at = 0;
    for g in Span::raw(s).styled_graphemes(Style::new()) {
        at += g.symbol.len();
        out.push(at);
    }
    // Graphemes cover the whole string; this only guards the invariant.
    if out.last() != Some(&s.len()) {
        out.push(s.len());
    }
    out
}

/// A line of text and a cursor (a byte offset on a grapheme boundary).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    cursor: usize,
}

/// Longest text a prompt accepts: enough for any query, small enough that
/// a stuck key or a huge paste cannot slow every frame.
pub const MAX_LEN: usize = 256;

impl LineInput {
    /// A prompt holding `text`, the cursor at its end.
    pub fn new(text: &str) -> LineInput {
        LineInput {
            text: text.to_string(),
            cursor: text.len(),
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Display width of the text before the cursor (the cursor's column).
    pub fn cursor_column(&self) -> usize {
        text::width(&self.text[..self.cursor])
    }

    /// Applies a text edit; returns whether the text changed. `Submit`,
    /// `Cancel`, `Prev` and `Next` are for the prompt's owner and do nothing here.
    pub fn apply(&mut self, edit: Edit) -> bool {
        let b = boundaries(&self.text);
        let at = b.iter().position(|&o| o >= self.cursor).unwrap_or(b.len() - 1);
        let before = self.text.clone();
        match edit {
            Edit::Insert(c) => {
                if self.text.len() + c.len_utf8() <= MAX_LEN {
                    self.text.insert(self.cursor, c);
                    self.cursor += c.len_utf8();
                }
            }
            Edit::Backspace => {
                if at > 0 {
                    let start = b[at - 1];
                    self.text.replace_range(start..self.cursor, "");
                    self.cursor = start;
                }
            }
            Edit::Delete => {
                if at + 1 < b.len() {
                    self.text.replace_range(self.cursor..b[at + 1], "");
                }
            }
            Edit::Left => self.cursor = b[at.saturating_sub(1)],
            Edit::Right => self.cursor = b[(at + 1).min(b.len() - 1)],
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = self.text.len(),
            Edit::DeleteWord => {
                let head = &self.text[..self.cursor];
                let trimmed = head.trim_end();
                let start = trimmed
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_whitespace())
                    .map_or(0, |(i, c)| i + c.len_utf8());
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
            Edit::Clear => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            Edit::Submit | Edit::Cancel | Edit::Prev | Edit::Next => {}
        }
        self.text != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> LineInput {
        let mut l = LineInput::default();
        for c in s.chars() {
            l.apply(Edit::Insert(c));
        }
        l
    }

    #[test]
    fn edits_move_by_grapheme() {
        let mut l = typed("a🚀日");
        assert_eq!(l.cursor_column(), 5);
        l.apply(Edit::Left);
        assert_eq!(l.cursor_column(), 3);
        l.apply(Edit::Backspace);
        assert_eq!(l.text(), "a日");
        l.apply(Edit::Home);
        l.apply(Edit::Delete);
        assert_eq!(l.text(), "日");
        l.apply(Edit::End);
        l.apply(Edit::Right);
        l.apply(Edit::Backspace);
        l.apply(Edit::Backspace);
        assert_eq!(l.text(), "");
        assert!(!l.apply(Edit::Backspace));
    }

    #[test]
    fn words_and_lines_delete() {
        let mut l = typed("go to  sprint");
        l.apply(Edit::DeleteWord);
        assert_eq!(l.text(), "go to  ");
        l.apply(Edit::DeleteWord);
        assert_eq!(l.text(), "go ");
        l.apply(Edit::Clear);
        assert_eq!(l.text(), "");
    }

    #[test]
    fn length_is_bounded() {
        let l = typed(&"x".repeat(MAX_LEN + 10));
        assert_eq!(l.text().len(), MAX_LEN);
    }

    #[test]
    fn keys_map_to_edits() {
        let k = |code, mods| Edit::from_key(&KeyEvent::new(code, mods));
        assert_eq!(k(KeyCode::Char('j'), KeyModifiers::NONE), Some(Edit::Insert('j')));
        assert_eq!(
            k(KeyCode::Char('J'), KeyModifiers::SHIFT),
            Some(Edit::Insert('J'))
        );
        assert_eq!(
            k(KeyCode::Char('w'), KeyModifiers::CONTROL),
            Some(Edit::DeleteWord)
        );
        assert_eq!(k(KeyCode::Char('c'), KeyModifiers::CONTROL), Some(Edit::Cancel));
        assert_eq!(k(KeyCode::Char('n'), KeyModifiers::CONTROL), Some(Edit::Next));
        assert_eq!(k(KeyCode::Enter, KeyModifiers::NONE), Some(Edit::Submit));
        assert_eq!(k(KeyCode::Esc, KeyModifiers::NONE), Some(Edit::Cancel));
        assert_eq!(k(KeyCode::Up, KeyModifiers::NONE), Some(Edit::Prev));
        assert_eq!(k(KeyCode::F(1), KeyModifiers::NONE), None);
    }
}
