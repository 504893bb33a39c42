//! Timestamps as providers write them, parsed to UTC instants.

use jiff::Timestamp;

/// Parses the timestamp formats providers send: RFC 3339 (`2026-01-05T09:00:00Z`,
/// with or without fractions, `+01:00`), and Atlassian's `+0000`-style offsets
/// (`2026-01-05T09:00:00.000+0000`). `None` for anything else.
pub fn parse_provider_time(s: &str) -> Option<Timestamp> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"] {
        if let Ok(z) = jiff::fmt::strtime::parse(fmt, s).and_then(|p| p.to_timestamp()) {
            return Some(z);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_formats() {
        let want: Timestamp = "2020-06-12T00:13:13.360Z".parse().unwrap_or_default();
        assert_eq!(parse_provider_time("2020-06-12T08:13:13.360+0800"), Some(want));
        assert_eq!(parse_provider_time("2020-06-12T00:13:13.360Z"), Some(want));
        assert_eq!(parse_provider_time("2020-06-12T02:13:13.360+02:00"), Some(want));
        assert!(parse_provider_time("2020-06-12T00:13:13Z").is_some());
        assert_eq!(parse_provider_time("yesterday"), None);
    }
}
