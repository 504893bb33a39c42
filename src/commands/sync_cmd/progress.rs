//! What `sync` shows while it runs, fed by the sync's [`SyncEvent`] channel.
//!
//! On a terminal: one indicatif spinner per source (pages, items, the wait in
//! progress with its seconds, errors), drawn on stderr. Otherwise (stderr not
//! a terminal, `NO_COLOR` set, or `TERM=dumb`): plain lines on stderr, page
//! counts at most once a second per source so a log of a long sync stays
//! readable, waits, errors and the end of each source at once. The summary
//! table at the end goes to stdout in both modes.
//!
//! Owns: presentation only. Must not: touch the store or the clients; it
//! learns everything from events and reports.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::model::Source;
use crate::sync::{SourceReport, SyncEvent};

use super::SourceSummary;

/// Plain mode prints a source's page counts at most this often.
const PLAIN_INTERVAL: Duration = Duration::from_secs(1);
/// Spinner redraw interval on a terminal.
const TICK: Duration = Duration::from_millis(120);

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// indicatif spinners on stderr.
    Bars,
    /// One line per notable event on stderr.
    Plain,
}

impl Mode {
    /// Bars when stderr is a terminal that may draw them, plain lines else.
    pub(crate) fn detect() -> Mode {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        Mode::choose(std::io::stderr().is_terminal(), no_color, dumb)
    }

    fn choose(is_tty: bool, no_color: bool, dumb: bool) -> Mode {
        if is_tty && !no_color && !dumb {
            Mode::Bars
        } else {
            Mode::Plain
        }
    }
}

/// What one source has done so far.
#[derive(Debug, Default)]
struct SourceState {
    pages: u64,
    items: u64,
    errors: u32,
    last_endpoint: String,
    /// The wait in progress: its end and its reason.
    waiting: Option<(Instant, String)>,
    /// A `Started` event came (a source that cannot start sends none).
    started: bool,
    finished: bool,
    /// When plain mode last printed this source's counts.
    last_line: Option<Instant>,
    /// Pages already printed in plain mode.
    printed_pages: u64,
}

impl SourceState {
    /// `page 12 · 340 items · 1 error · /repos/o/r/pulls`, or while waiting
    /// `rate limited on /x, waiting 12 s · page 12 · 340 items` (the wait
    /// first, so a narrow terminal still shows it).
    fn status(&self, now: Instant) -> String {
        let mut parts = Vec::with_capacity(4);
        if let Some((until, reason)) = &self.waiting {
            let left = until.saturating_duration_since(now).as_secs_f64().ceil();
            parts.push(format!("{reason}, waiting {left:.0} s"));
        }
        parts.push(format!("page {}", self.pages));
        parts.push(format!("{} item{}", self.items, plural(self.items)));
        if self.errors > 0 {
            parts.push(format!("{} error{}", self.errors, plural(u64::from(self.errors))));
        }
        if self.waiting.is_none() && !self.last_endpoint.is_empty() {
            parts.push(self.last_endpoint.clone());
        }
        parts.join(" · ")
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The live view: turns events into spinners or lines.
pub(crate) struct ProgressView {
    sources: Vec<(Source, SourceState)>,
    out: Output,
}

enum Output {
    Bars {
        multi: MultiProgress,
        bars: Vec<(Source, ProgressBar)>,
    },
    Plain {
        to: Box<dyn Write + Send>,
        interval: Duration,
    },
}

impl ProgressView {
    /// A view of `sources` (in the order shown) in `mode`, drawn on stderr.
    pub(crate) fn new(mode: Mode, sources: &[Source]) -> ProgressView {
        match mode {
            Mode::Bars => ProgressView::bars(sources, ProgressDrawTarget::stderr()),
            Mode::Plain => ProgressView::plain(sources, Box::new(std::io::stderr()), PLAIN_INTERVAL),
        }
    }

    fn bars(sources: &[Source], target: ProgressDrawTarget) -> ProgressView {
        let multi = MultiProgress::with_draw_target(target);
        let style = ProgressStyle::with_template("{spinner:.cyan} {prefix:<11.bold} {elapsed:>4} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ");
        let bars = sources
            .iter()
            .map(|s| {
                let bar = multi.add(ProgressBar::new_spinner().with_style(style.clone()));
                bar.set_prefix(s.as_str());
                bar.set_message("waiting to start");
                bar.enable_steady_tick(TICK);
                (*s, bar)
            })
            .collect();
        ProgressView {
            sources: sources.iter().map(|s| (*s, SourceState::default())).collect(),
            out: Output::Bars { multi, bars },
        }
    }

    fn plain(sources: &[Source], to: Box<dyn Write + Send>, interval: Duration) -> ProgressView {
        let mut view = ProgressView {
            sources: sources.iter().map(|s| (*s, SourceState::default())).collect(),
            out: Output::Plain { to, interval },
        };
        let names: Vec<&str> = sources.iter().map(|s| s.as_str()).collect();
        view.line(&format!("sync: {}", names.join(", ")));
        view
    }

    fn state(&mut self, source: Source) -> &mut SourceState {
        let i = match self.sources.iter().position(|(s, _)| *s == source) {
            Some(i) => i,
            None => {
                self.sources.push((source, SourceState::default()));
                self.sources.len() - 1
            }
        };
        &mut self.sources[i].1
    }

    /// Prints a line: above the bars, or on its own in plain mode.
    fn line(&mut self, text: &str) {
        match &mut self.out {
            Output::Bars { multi, .. } => {
                let _ = multi.println(text);
            }
            Output::Plain { to, .. } => {
                let _ = writeln!(to, "{text}");
                let _ = to.flush();
            }
        }
    }

    fn bar(&mut self, source: Source) -> Option<ProgressBar> {
        match &mut self.out {
            Output::Bars { multi, bars } => {
                if let Some((_, b)) = bars.iter().find(|(s, _)| *s == source) {
                    return Some(b.clone());
                }
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_prefix(source.as_str());
                bars.push((source, bar.clone()));
                Some(bar)
            }
            Output::Plain { .. } => None,
        }
    }

    /// Takes one event into account.
    pub(crate) fn handle(&mut self, ev: &SyncEvent) {
        let now = Instant::now();
        match ev {
            SyncEvent::Started { source } => {
                self.state(*source).started = true;
                if let Some(bar) = self.bar(*source) {
                    bar.set_message("started");
                } else {
                    self.line(&format!("{}: started", source.as_str()));
                }
            }
            SyncEvent::Page {
                source,
                endpoint,
                items,
            } => {
                let st = self.state(*source);
                st.pages += 1;
                st.items += *items as u64;
                st.last_endpoint.clone_from(endpoint);
                st.waiting = None;
                self.refresh(*source, now, false);
            }
            SyncEvent::Waiting {
                source,
                seconds,
                reason,
            } => {
                let wait = Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::ZERO);
                self.state(*source).waiting = Some((now + wait, reason.clone()));
                if let Some(bar) = self.bar(*source) {
                    let msg = self.state(*source).status(now);
                    bar.set_message(msg);
                } else {
                    self.line(&format!("{}: {reason}, waiting {seconds:.0} s", source.as_str()));
                }
            }
            SyncEvent::Failed { source, message } => {
                self.state(*source).errors += 1;
                self.line(&format!("{}: error: {message}", source.as_str()));
                self.refresh(*source, now, true);
            }
            SyncEvent::Finished(report) => self.finish(report),
        }
    }

    /// Redraws the countdowns of waits in progress (call about once a second).
    pub(crate) fn tick(&mut self) {
        let now = Instant::now();
        let waiting: Vec<Source> = self
            .sources
            .iter()
            .filter(|(_, st)| st.waiting.is_some() && !st.finished)
            .map(|(s, _)| *s)
            .collect();
        if let Output::Bars { .. } = self.out {
            for s in waiting {
                self.refresh(s, now, true);
            }
        }
    }

    /// Shows `source`'s counts: on its bar, or as a plain line unless one
    /// was printed less than the interval ago (`force` prints anyway).
    fn refresh(&mut self, source: Source, now: Instant, force: bool) {
        let status = self.state(source).status(now);
        if let Some(bar) = self.bar(source) {
            bar.set_message(status);
            return;
        }
        let Output::Plain { interval, .. } = &self.out else {
            return;
        };
        let interval = *interval;
        let st = self.state(source);
        let due = st.last_line.is_none_or(|t| now.duration_since(t) >= interval);
        if (force || due) && st.pages > st.printed_pages {
            st.last_line = Some(now);
            st.printed_pages = st.pages;
            let text = format!(
                "{}: {} page{}, {} item{} (last {})",
                source.as_str(),
                st.pages,
                plural(st.pages),
                st.items,
                plural(st.items),
                st.last_endpoint
            );
            self.line(&text);
        }
    }

    /// Marks `source` done with its report (once).
    fn finish(&mut self, report: &SourceReport) {
        let source = report.source;
        // Plain mode: the counts not yet printed, then the end.
        if matches!(self.out, Output::Plain { .. }) {
            self.refresh(source, Instant::now(), true);
        }
        let st = self.state(source);
        if st.finished {
            return;
        }
        st.finished = true;
        st.waiting = None;
        let errors = st.errors.max(u32::from(report.error.is_some()));
        let outcome = if errors > 0 {
            format!(", {errors} error{}", plural(u64::from(errors)))
        } else {
            String::new()
        };
        let text = format!(
            "{} record{} in {} request{}{outcome}",
            report.total(),
            plural(report.total() as u64),
            report.requests,
            plural(u64::from(report.requests)),
        );
        match self.bar(source) {
            Some(bar) => {
                let mark = if errors > 0 { "✗" } else { "✓" };
                bar.set_style(
                    ProgressStyle::with_template("{prefix:<13} {elapsed:>4} {wide_msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.set_prefix(format!("{mark} {}", source.as_str()));
                bar.finish_with_message(text);
            }
            None => self.line(&format!("{}: done, {text}", source.as_str())),
        }
    }

    /// Ends the view once the sync returned: sources that never reported
    /// (they could not start) end with their report, spinners stop.
    pub(crate) fn close(mut self, summaries: &[SourceSummary]) -> Vec<u32> {
        for s in summaries {
            // A source that could not start sent no events: say why here.
            if let Some(message) = &s.report.error
                && !self.state(s.report.source).started
            {
                self.state(s.report.source).errors += 1;
                self.line(&format!("{}: error: {message}", s.report.source.as_str()));
            }
            self.finish(&s.report);
        }
        let errors = summaries
            .iter()
            .map(|s| {
                let st = self.state(s.report.source);
                st.errors.max(u32::from(s.report.error.is_some()))
            })
            .collect();
        if let Output::Bars { multi, bars } = &self.out {
            for (_, b) in bars {
                if !b.is_finished() {
                    b.finish();
                }
            }
            let _ = multi.clear();
        }
        errors
    }
}

/// The summary table: one row per source (records, requests, 304s, errors,
/// records per kind), a total row, then each source's error text.
pub(crate) fn summary(summaries: &[SourceSummary], errors: &[u32]) -> String {
    let mut out = format!(
        "{:<11} {:>8} {:>9} {:>6} {:>7}  {}\n",
        "source", "records", "requests", "304s", "errors", "written"
    );
    let (mut records, mut requests, mut cached, mut failed) = (0usize, 0u64, 0u64, 0u64);
    for (i, s) in summaries.iter().enumerate() {
        let r = &s.report;
        let e = errors.get(i).copied().unwrap_or(u32::from(r.error.is_some()));
        let kinds: Vec<String> = r.written.iter().map(|(k, n)| format!("{n} {k}")).collect();
        out.push_str(&format!(
            "{:<11} {:>8} {:>9} {:>6} {:>7}  {}\n",
            r.source.as_str(),
            r.total(),
            r.requests,
            s.not_modified,
            e,
            kinds.join(", ")
        ));
        records += r.total();
        requests += u64::from(r.requests);
        cached += u64::from(s.not_modified);
        failed += u64::from(e);
    }
    out.push_str(&format!(
        "{:<11} {:>8} {:>9} {:>6} {:>7}\n",
        "total", records, requests, cached, failed
    ));
    for s in summaries {
        if let Some(e) = &s.report.error {
            out.push_str(&format!("{} error: {e}\n", s.report.source.as_str()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use jiff::Timestamp;

    use super::*;
    use crate::model::RecordKind;

    /// A writer the test can read back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut v) = self.0.lock() {
                v.extend_from_slice(buf);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            self.0
                .lock()
                .map(|v| String::from_utf8_lossy(&v).into_owned())
                .unwrap_or_default()
        }
    }

    fn report(source: Source, error: Option<&str>) -> SourceReport {
        SourceReport {
            source,
            written: vec![(RecordKind::Sprint, 2), (RecordKind::WorkItem, 40)],
            requests: 7,
            error: error.map(str::to_string),
            finished: Timestamp::UNIX_EPOCH,
        }
    }

    fn page(source: Source, items: usize) -> SyncEvent {
        SyncEvent::Page {
            source,
            endpoint: "search".into(),
            items,
        }
    }

    #[test]
    fn mode_is_plain_off_a_terminal_or_when_asked() {
        assert_eq!(Mode::choose(true, false, false), Mode::Bars);
        assert_eq!(Mode::choose(false, false, false), Mode::Plain);
        assert_eq!(Mode::choose(true, true, false), Mode::Plain);
        assert_eq!(Mode::choose(true, false, true), Mode::Plain);
    }

    #[test]
    fn plain_lines_show_pages_waits_errors_and_the_end() {
        let out = Shared::default();
        let mut view = ProgressView::plain(
            &[Source::Jira, Source::Zoom],
            Box::new(out.clone()),
            Duration::ZERO,
        );
        view.handle(&SyncEvent::Started { source: Source::Jira });
        view.handle(&page(Source::Jira, 40));
        view.handle(&SyncEvent::Waiting {
            source: Source::Jira,
            seconds: 12.0,
            reason: "rate limited on /rest/api/3/search/jql".into(),
        });
        view.handle(&page(Source::Jira, 2));
        view.handle(&SyncEvent::Finished(report(Source::Jira, None)));
        // Zoom could not start: no events, only its report.
        let summaries = vec![
            SourceSummary {
                report: report(Source::Jira, None),
                not_modified: 3,
            },
            SourceSummary {
                report: report(Source::Zoom, Some("no zoom credentials")),
                not_modified: 0,
            },
        ];
        let errors = view.close(&summaries);
        assert_eq!(errors, vec![0, 1]);
        assert_eq!(
            out.text(),
            "sync: jira, zoom\n\
             jira: started\n\
             jira: 1 page, 40 items (last search)\n\
             jira: rate limited on /rest/api/3/search/jql, waiting 12 s\n\
             jira: 2 pages, 42 items (last search)\n\
             jira: done, 42 records in 7 requests\n\
             zoom: error: no zoom credentials\n\
             zoom: done, 42 records in 7 requests, 1 error\n"
        );
    }

    #[test]
    fn plain_page_lines_are_throttled() {
        let out = Shared::default();
        let mut view =
            ProgressView::plain(&[Source::Slack], Box::new(out.clone()), Duration::from_secs(3600));
        for _ in 0..50 {
            view.handle(&page(Source::Slack, 10));
        }
        view.handle(&SyncEvent::Finished(report(Source::Slack, None)));
        let text = out.text();
        assert!(text.contains("slack: 1 page, 10 items"), "{text}");
        assert!(text.contains("slack: 50 pages, 500 items"), "{text}");
        assert_eq!(text.lines().count(), 4, "{text}");
    }

    #[test]
    fn status_shows_the_wait_in_seconds() {
        let now = Instant::now();
        let st = SourceState {
            pages: 3,
            items: 1,
            errors: 1,
            waiting: Some((now + Duration::from_millis(11_400), "rate limited".into())),
            ..SourceState::default()
        };
        // The wait first: a narrow terminal cuts the end of the line.
        assert_eq!(
            st.status(now),
            "rate limited, waiting 12 s · page 3 · 1 item · 1 error"
        );
        let done = SourceState {
            waiting: None,
            last_endpoint: "search".into(),
            ..st
        };
        assert_eq!(done.status(now), "page 3 · 1 item · 1 error · search");
    }

    #[test]
    fn bars_end_with_each_report() {
        let mut view = ProgressView::bars(&[Source::Github], ProgressDrawTarget::hidden());
        view.handle(&SyncEvent::Started {
            source: Source::Github,
        });
        view.handle(&page(Source::Github, 5));
        view.handle(&SyncEvent::Failed {
            source: Source::Github,
            message: "boom".into(),
        });
        let errors = view.close(&[SourceSummary {
            report: report(Source::Github, Some("boom")),
            not_modified: 0,
        }]);
        assert_eq!(errors, vec![1]);
    }

    #[test]
    fn summary_has_a_row_per_source_and_a_total() {
        let text = summary(
            &[
                SourceSummary {
                    report: report(Source::Jira, None),
                    not_modified: 0,
                },
                SourceSummary {
                    report: report(Source::Github, Some("budget spent")),
                    not_modified: 4,
                },
            ],
            &[0, 1],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "source       records  requests   304s  errors  written");
        assert_eq!(
            lines[1],
            "jira              42         7      0       0  2 sprint, 40 work_item"
        );
        assert_eq!(lines[3], "total             84        14      4       1");
        assert_eq!(lines[4], "github error: budget spent");
    }
}
