//! Server-sent events, as the WHATWG spec frames them: `field: value` lines,
//! an event dispatched at each blank line, `data` lines joined with `\n`,
//! comment lines (`:`) ignored, `\n`, `\r\n` or `\r` line ends. Bytes are
//! buffered until a line is whole, so a UTF-8 character split across chunks
//! is never mangled. An event not closed by a blank line when the body ends
//! is dropped (the spec's rule), which the callers see as a cut-off stream.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Event {
    /// `event:` field; `None` means the default type `message`.
    pub event: Option<String>,
    /// `data:` lines joined with `\n`.
    pub data: String,
}

/// Incremental parser.
#[derive(Debug, Default)]
pub(crate) struct Parser {
    buf: Vec<u8>,
    event: Option<String>,
    data: Vec<String>,
    has_data: bool,
    skip_lf: bool,
}

impl Parser {
    /// Feeds bytes; returns the events completed by them.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut out = Vec::new();
        for &b in bytes {
            if self.skip_lf {
                self.skip_lf = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' | b'\r' => {
                    self.skip_lf = b == b'\r';
                    let line = std::mem::take(&mut self.buf);
                    if let Some(ev) = self.line(&String::from_utf8_lossy(&line)) {
                        out.push(ev);
                    }
                }
                _ => self.buf.push(b),
            }
        }
        out
    }

    fn line(&mut self, line: &str) -> Option<Event> {
        if line.is_empty() {
            let ev = Event {
                event: self.event.take(),
                data: std::mem::take(&mut self.data).join("\n"),
            };
            let had = std::mem::take(&mut self.has_data);
            return had.then_some(ev);
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_string()),
            "data" => {
                self.data.push(value.to_string());
                self.has_data = true;
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_and_line_ends() {
        let mut p = Parser::default();
        let mut evs = p.feed(b"event: a\r\ndata: {\"x\":");
        assert!(evs.is_empty());
        evs.extend(p.feed(b"1}\r\n\r\n: ping\n\ndata: one\ndata: two\n\n"));
        assert_eq!(
            evs,
            vec![
                Event {
                    event: Some("a".into()),
                    data: "{\"x\":1}".into()
                },
                Event {
                    event: None,
                    data: "one\ntwo".into()
                },
            ]
        );
    }

    #[test]
    fn utf8_split_inside_a_character_survives() {
        let mut p = Parser::default();
        let bytes = "data: café\n\n".as_bytes();
        let (a, b) = bytes.split_at(10);
        let mut evs = p.feed(a);
        evs.extend(p.feed(b));
        assert_eq!(evs[0].data, "café");
    }

    #[test]
    fn an_unterminated_event_is_not_dispatched() {
        let mut p = Parser::default();
        assert!(p.feed(b"data: half").is_empty());
    }
}
