//! Matching typed text against labels: fuzzy for the palette, plain
//! substrings for list filters.
//!
//! The palette's fuzzy match is a subsequence match in the manner of fzf:
//! every character of a term must appear in order; matches at word starts and
//! runs of consecutive characters score higher, gaps cost a little, and the
//! tightest occurrence wins. Several space-separated terms must all match.
//! List filters are stricter (each term a case-insensitive substring), so a
//! filtered list holds what it says. Must not: know about actions or tabs.

/// A fuzzy match: its score (higher is better) and the matched character
/// positions (indices into the label's `chars()`), for highlighting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Higher is better.
    pub score: i32,
    /// Matched positions, ascending, as `char` indices.
    pub positions: Vec<usize>,
}

const MATCH: i32 = 16;
const WORD_START: i32 = 10;
const FIRST_CHAR: i32 = 6;
const CONSECUTIVE: i32 = 8;
const GAP: i32 = 1;

fn fold(c: char) -> char {
    // One char per char so positions stay aligned; good enough for labels.
    c.to_lowercase().next().unwrap_or(c)
}

fn is_word_start(chars: &[char], i: usize) -> bool {
    i == 0 || {
        let p = chars[i - 1];
        !p.is_alphanumeric() || (p.is_lowercase() && chars[i].is_uppercase())
    }
}

/// Scores one term (no spaces) against `label`, or `None` when some
/// character of the term does not appear in order.
fn term(label: &[char], folded: &[char], term: &[char]) -> Option<Match> {
    if term.is_empty() {
        return Some(Match {
            score: 0,
            positions: Vec::new(),
        });
    }
    // Try each place the first character occurs; keep the best. Labels are
    // short (palette entries), so this stays cheap.
    let mut best: Option<Match> = None;
    for start in 0..folded.len() {
        if folded[start] != term[0] {
            continue;
        }
        let Some(positions) = follow(label, folded, &term[1..], start) else {
            // No later start can succeed where this one ran out of label.
            break;
        };
        let score = score(label, &positions);
        if best.as_ref().is_none_or(|b| score > b.score) {
            best = Some(Match { score, positions });
        }
    }
    best
}

/// Positions of `rest` after `start`, preferring word starts over scattered
/// hits (but never breaking a run of adjacent characters).
fn follow(label: &[char], folded: &[char], rest: &[char], start: usize) -> Option<Vec<usize>> {
    let mut positions = vec![start];
    let mut at = start + 1;
    for (n, &t) in rest.iter().enumerate() {
        let plain = (at..folded.len()).find(|&i| folded[i] == t)?;
        let word = (plain..folded.len()).find(|&i| folded[i] == t && is_word_start(label, i));
        let pick = match word {
            // Jump to the word start only if the rest still fits after it.
            Some(w) if plain != at && fits(folded, &rest[n + 1..], w + 1) => w,
            _ => plain,
        };
        positions.push(pick);
        at = pick + 1;
    }
    Some(positions)
}

/// Whether `rest` occurs in order in `folded[from..]`.
fn fits(folded: &[char], rest: &[char], from: usize) -> bool {
    let mut it = folded.iter().skip(from);
    rest.iter().all(|t| it.any(|c| c == t))
}

fn score(label: &[char], positions: &[usize]) -> i32 {
    let mut s = 0;
    for (n, &p) in positions.iter().enumerate() {
        s += MATCH;
        if is_word_start(label, p) {
            s += WORD_START;
        }
        if p == 0 {
            s += FIRST_CHAR;
        }
        if n > 0 {
            let prev = positions[n - 1];
            if p == prev + 1 {
                s += CONSECUTIVE;
            } else {
                s -= GAP * (p - prev - 1).min(12) as i32;
            }
        }
    }
    // Shorter labels win ties: the query covers more of them.
    s - (label.len() as i32 / 8)
}

/// Fuzzy-matches `query` (space-separated terms, all required, case-insensitive)
/// against `label`. An empty query matches everything with score 0.
pub fn fuzzy(query: &str, label: &str) -> Option<Match> {
    let chars: Vec<char> = label.chars().collect();
    let folded: Vec<char> = chars.iter().map(|&c| fold(c)).collect();
    let mut total = Match {
        score: 0,
        positions: Vec::new(),
    };
    for t in query.split_whitespace() {
        let t: Vec<char> = t.chars().map(fold).collect();
        let m = term(&chars, &folded, &t)?;
        total.score += m.score;
        total.positions.extend(m.positions);
    }
    total.positions.sort_unstable();
    total.positions.dedup();
    Some(total)
}

/// A list filter: lower-cased terms, each of which must appear in a row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    terms: Vec<String>,
}

impl Filter {
    /// Parses what was typed at the `/` prompt.
    pub fn new(query: &str) -> Filter {
        Filter {
            terms: query.split_whitespace().map(str::to_lowercase).collect(),
        }
    }

    /// Whether the filter lets everything through.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether every term occurs in one of `fields` (case-insensitive).
    pub fn matches<'a>(&self, fields: impl IntoIterator<Item = &'a str>) -> bool {
        if self.terms.is_empty() {
            return true;
        }
        let hay: String = fields
            .into_iter()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join("\u{1f}");
        self.terms.iter().all(|t| hay.contains(t.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsequences_match_in_order_only() {
        assert!(fuzzy("gts", "Go to tab: Sprint").is_some());
        assert!(fuzzy("stg", "Go to tab: Sprint").is_none());
        assert!(fuzzy("", "anything").is_some());
        assert!(fuzzy("SYNC", "Sync all sources now").is_some());
        assert!(fuzzy("sync quit", "Sync all sources now").is_none());
    }

    #[test]
    fn word_starts_and_runs_score_higher() {
        let a = fuzzy("sp", "Go to tab: Sprint").map(|m| m.score);
        let b = fuzzy("sp", "Close the overlay, clear the filter: s p").map(|m| m.score);
        assert!(a > b, "{a:?} {b:?}");
        let m = fuzzy("spr", "Go to tab: Sprint").unwrap_or_else(|| panic!("no match"));
        assert_eq!(m.positions, [11, 12, 13]);
        let run = fuzzy("help", "Show or hide this help").map(|m| m.score);
        let spread = fuzzy("help", "Go to the last row, please").map(|m| m.score);
        assert!(run > spread, "{run:?} {spread:?}");
    }

    #[test]
    fn positions_index_chars_not_bytes() {
        let m = fuzzy("m", "Élodie Martin").unwrap_or_else(|| panic!("no match"));
        assert_eq!(m.positions, [7]);
    }

    #[test]
    fn filters_need_every_term() {
        let f = Filter::new("PAY  blocked");
        assert!(f.matches(["3 blocked issue(s)", "PAY-412 Refund"]));
        assert!(!f.matches(["3 blocked issue(s)"]));
        assert!(Filter::new("  ").matches(["x"]));
        assert!(Filter::new("élo").matches(["Élodie Martin"]));
        assert!(!Filter::new("ab").matches(["a", "b"]), "terms do not span fields");
    }
}
