//! Colour depth: what the terminal can show, and RGB mapped down to the
//! xterm 256-colour palette for terminals that do not announce truecolor.
//!
//! Only `COLORTERM=truecolor` (or `24bit`) promises 24-bit colour; anything
//! else gets the nearest colour of the 6×6×6 cube (16-231) or the grey ramp
//! (232-255). The first 16 entries are left out on purpose: each terminal
//! paints them differently, so they are no "nearest" anything.

use ratatui::style::Color;

/// How many colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColourDepth {
    /// 24-bit RGB.
    TrueColor,
    /// The xterm 256-colour palette.
    Indexed256,
    /// No colour at all (`NO_COLOR`).
    None,
}

impl ColourDepth {
    /// From the values of `NO_COLOR` and `COLORTERM`.
    pub fn detect(no_color: Option<&str>, colorterm: Option<&str>) -> ColourDepth {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return ColourDepth::None;
        }
        match colorterm.map(str::to_ascii_lowercase).as_deref() {
            Some("truecolor" | "24bit") => ColourDepth::TrueColor,
            _ => ColourDepth::Indexed256,
        }
    }

    /// From this process's environment.
    pub fn from_env() -> ColourDepth {
        let get = |k: &str| std::env::var(k).ok();
        ColourDepth::detect(get("NO_COLOR").as_deref(), get("COLORTERM").as_deref())
    }
}

/// Channel levels of the xterm colour cube.
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn nearest_level(v: u8) -> usize {
    CUBE.iter()
        .enumerate()
        .min_by_key(|(_, l)| (i32::from(**l) - i32::from(v)).abs())
        .map_or(0, |(i, _)| i)
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> i32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2);
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

/// The xterm-256 index nearest to an RGB colour (cube or grey ramp).
pub fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    let (ri, gi, bi) = (nearest_level(r), nearest_level(g), nearest_level(b));
    let cube = (CUBE[ri], CUBE[gi], CUBE[bi]);
    let cube_index = 16 + 36 * ri + 6 * gi + bi;
    // Grey ramp: 232 + i is 8 + 10i on every channel.
    let mean = (u16::from(r) + u16::from(g) + u16::from(b)) / 3;
    let gi = usize::from(mean.saturating_sub(3) / 10).min(23);
    let grey_v = 8 + 10 * gi as u8;
    let grey = (grey_v, grey_v, grey_v);
    let index = if distance((r, g, b), grey) < distance((r, g, b), cube) {
        232 + gi
    } else {
        cube_index
    };
    u8::try_from(index).unwrap_or(231)
}

/// `c` as a 256-colour terminal shows it: RGB to the nearest index, the
/// rest unchanged.
pub fn to_256(c: Color) -> Color {
    match c {
        Color::Rgb(r, g, b) => Color::Indexed(nearest_256(r, g, b)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_follows_colorterm_and_no_color() {
        assert_eq!(
            ColourDepth::detect(None, Some("truecolor")),
            ColourDepth::TrueColor
        );
        assert_eq!(ColourDepth::detect(None, Some("24bit")), ColourDepth::TrueColor);
        assert_eq!(ColourDepth::detect(None, None), ColourDepth::Indexed256);
        assert_eq!(ColourDepth::detect(None, Some("yes")), ColourDepth::Indexed256);
        assert_eq!(
            ColourDepth::detect(Some("1"), Some("truecolor")),
            ColourDepth::None
        );
        assert_eq!(ColourDepth::detect(Some(""), None), ColourDepth::Indexed256);
    }

    #[test]
    fn known_colours_map_to_their_index() {
        assert_eq!(nearest_256(0, 0, 0), 16);
        assert_eq!(nearest_256(255, 255, 255), 231);
        assert_eq!(nearest_256(255, 0, 0), 196);
        assert_eq!(nearest_256(95, 135, 175), 67);
        assert_eq!(nearest_256(128, 128, 128), 244);
        assert_eq!(nearest_256(8, 8, 8), 232);
        assert_eq!(nearest_256(238, 238, 238), 255);
        // Near-cube colours stay in the cube, near-greys go to the ramp.
        assert_eq!(nearest_256(0, 95, 0), 22);
        assert_eq!(nearest_256(100, 102, 99), 241);
    }

    #[test]
    fn every_cube_and_grey_entry_maps_to_itself() {
        for (ri, r) in CUBE.iter().enumerate() {
            for (gi, g) in CUBE.iter().enumerate() {
                for (bi, b) in CUBE.iter().enumerate() {
                    let want = 16 + 36 * ri + 6 * gi + bi;
                    let got = nearest_256(*r, *g, *b);
                    assert_eq!(usize::from(got), want, "{ri} {gi} {bi}");
                }
            }
        }
        for i in 0..24u8 {
            let v = 8 + 10 * i;
            let got = nearest_256(v, v, v);
            // A few greys coincide with cube greys (e.g. 0x878787 both 102 and 245).
            let back = if got >= 232 {
                8 + 10 * (got - 232)
            } else {
                CUBE[usize::from((got - 16) / 36)]
            };
            assert!((i32::from(back) - i32::from(v)).abs() <= 2, "{v} -> {got}");
        }
    }
}
