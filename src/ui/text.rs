//! Width-aware text helpers: display width, truncation with an ellipsis,
//! one-line cleaning, and the number and time formats the tabs share.
//!
//! Widths are measured per grapheme exactly as ratatui's buffer measures
//! them, so a truncated string never spills into the next column, whatever
//! emoji or CJK text a card title holds.

use jiff::Timestamp;
use jiff::civil::Date;
use ratatui::buffer::CellWidth;
use ratatui::style::Style;
use ratatui::text::Span;

/// Display width in terminal cells, as ratatui's buffer counts it.
pub fn width(s: &str) -> usize {
    Span::raw(s)
        .styled_graphemes(Style::new())
        .map(|g| usize::from(g.symbol.cell_width()))
        .sum()
}

/// Cuts `s` to at most `max` cells, ending with `…` when cut. Never splits
/// a grapheme (a wide one that does not fit is dropped whole).
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in Span::raw(s).styled_graphemes(Style::new()) {
        let w = usize::from(g.symbol.cell_width());
        if used + w > max - 1 {
            break;
        }
        out.push_str(g.symbol);
        used += w;
    }
    out.push('…');
    out
}

/// Pads `s` with spaces on the right to `w` cells (after truncating to `w`).
pub fn pad(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let fill = w.saturating_sub(width(&t));
    format!("{t}{}", " ".repeat(fill))
}

/// Replaces newlines, tabs and other control characters with spaces, so
/// provider text stays on its line.
pub fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Word-wraps `s` to lines of at most `max` cells; a word longer than a
/// line is broken between graphemes. Control characters become spaces.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in one_line(s).split(' ').filter(|w| !w.is_empty()) {
        let w = width(word);
        if used > 0 && used + 1 + w <= max {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if w <= max {
            line.push_str(word);
            used = w;
            continue;
        }
        for g in Span::raw(word).styled_graphemes(Style::new()) {
            let gw = usize::from(g.symbol.cell_width());
            if used + gw > max && used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push_str(g.symbol);
            used += gw;
        }
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Story points: `8`, `5.5`.
pub fn points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    }
}

/// Hours with one decimal: `12.5h`.
pub fn hours(h: f64) -> String {
    format!("{h:.1}h")
}

/// A ratio as a percentage: `83%`.
pub fn percent(r: f64) -> String {
    format!("{:.0}%", r * 100.0)
}

/// `2025-03-14 09:41 CET` in the team's time zone, UTC when the zone is unknown.
pub fn time(t: Timestamp, time_zone: &str) -> String {
    match t.in_tz(time_zone) {
        Ok(z) => z.strftime("%Y-%m-%d %H:%M %Z").to_string(),
        Err(_) => t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// `09:41 CET` in the team's time zone, UTC when the zone is unknown.
pub fn clock(t: Timestamp, time_zone: &str) -> String {
    match t.in_tz(time_zone) {
        Ok(z) => z.strftime("%H:%M %Z").to_string(),
        Err(_) => t.strftime("%H:%M UTC").to_string(),
    }
}

/// `2025-03-14`.
pub fn date(t: Timestamp, time_zone: &str) -> String {
    match t.in_tz(time_zone) {
        Ok(z) => z.strftime("%Y-%m-%d").to_string(),
        Err(_) => t.strftime("%Y-%m-%d").to_string(),
    }
}

/// `Mar 10` for a week column.
pub fn short_date(d: Date) -> String {
    d.strftime("%b %d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_is_width_aware() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("日本語テキスト", 6), "日本…");
        assert_eq!(width(&truncate("日本語テキスト", 6)), 5);
        assert_eq!(truncate("🚀🚀🚀", 4), "🚀…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("abc", 1), "…");
        assert_eq!(width(&pad("日本語", 5)), 5);
    }

    #[test]
    fn wrapping_respects_width() {
        assert_eq!(wrap("the quick brown fox", 9), ["the quick", "brown fox"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
        for line in wrap("日本語のテキスト and 🚀🚀🚀 rockets", 5) {
            assert!(width(&line) <= 5, "{line}");
        }
    }

    #[test]
    fn one_line_strips_controls() {
        assert_eq!(one_line("a\nb\tc"), "a b c");
    }

    #[test]
    fn times_fall_back_to_utc() {
        let t: Timestamp = "2025-03-14T08:41:00Z".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(time(t, "No/Such_Zone"), "2025-03-14 08:41 UTC");
        assert_eq!(time(t, "UTC"), "2025-03-14 08:41 UTC");
    }
}
