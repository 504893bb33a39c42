//! End to end in a real pseudo-terminal: start `async-cockpit demo` (the real
//! binary, the replay server, the sealed store) with every XDG folder in a
//! temporary directory, wait for the Cards tab, switch tabs with keys and a
//! mouse click, open help, resize the terminal, quit with `q`; then check,
//! by replaying everything it wrote through a vt100 parser, that it left the
//! alternate screen, showed the cursor again and released the mouse, that the
//! pty is back in cooked mode (echo on), and that it exited 0.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// Polling a child process from a plain test thread: no async runtime here.
#![allow(clippy::disallowed_methods)]

use std::io::{ErrorKind, Write};
use std::num::NonZeroU16;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::Session;
use expectrl::process::Termios;
use expectrl::process::unix::WaitStatus;

/// Everything the cockpit wrote, and the screen it makes.
struct Term {
    session: expectrl::session::OsSession,
    parser: vt100::Parser,
    raw: Vec<u8>,
    eof: bool,
}

impl Term {
    /// Reads what is there; true when something was read.
    fn pump(&mut self) -> bool {
        let mut buf = [0u8; 16384];
        match self.session.try_read(&mut buf) {
            Ok(0) => {
                self.eof = true;
                false
            }
            Ok(n) => {
                self.parser.process(&buf[..n]);
                self.raw.extend_from_slice(&buf[..n]);
                true
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => false,
            // EIO: the child closed the pty.
            Err(_) => {
                self.eof = true;
                false
            }
        }
    }

    /// Reads until the screen satisfies `done`, or panics after `limit`.
    fn wait_for(&mut self, what: &str, limit: Duration, done: impl Fn(&vt100::Screen) -> bool) {
        let start = Instant::now();
        loop {
            while self.pump() {}
            if done(self.parser.screen()) {
                return;
            }
            assert!(
                !self.eof && start.elapsed() < limit,
                "waited {:?} for {what}; the screen shows:\n{}",
                start.elapsed(),
                self.parser.screen().contents()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Reads until the child closes the pty.
    fn wait_eof(&mut self, limit: Duration) {
        let start = Instant::now();
        while !self.eof {
            if !self.pump() {
                assert!(
                    start.elapsed() < limit,
                    "the cockpit did not exit; the screen shows:\n{}",
                    self.parser.screen().contents()
                );
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    fn send(&mut self, bytes: &str) {
        self.session.write_all(bytes.as_bytes()).unwrap();
        self.session.flush().unwrap();
    }

    fn shows(&self, text: &str) -> bool {
        self.parser.screen().contents().contains(text)
    }
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

fn contains(text: &'static str) -> impl Fn(&vt100::Screen) -> bool {
    move |s| s.contents().contains(text)
}

/// Starts `async-cockpit demo` in a fresh 80×24 pty, every XDG folder and
/// HOME in a temporary directory (kept alive by the returned guard).
fn spawn_demo() -> (Term, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_async-cockpit"));
    cmd.arg("demo");
    for (var, dir) in [
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_RUNTIME_DIR", "run"),
        ("HOME", "home"),
    ] {
        let path = home.path().join(dir);
        std::fs::create_dir_all(&path).unwrap();
        cmd.env(var, path);
    }
    cmd.env("TERM", "xterm-256color")
        .env("ASYNC_COCKPIT_MOUSE", "1")
        .env_remove("NO_COLOR")
        .env_remove("COLORTERM")
        .env_remove("ASYNC_COCKPIT_THEME")
        .env_remove("ASYNC_COCKPIT_CONFIG")
        .env_remove("ASYNC_COCKPIT_DEMO_DIR");
    let mut session = Session::spawn(cmd).unwrap();
    // The pty starts without echo; turn it on (long before the cockpit takes
    // the terminal, after its sync) so that coming back to it proves the
    // cockpit restored the modes it found.
    assert!(session.set_echo(true).unwrap());
    let mut t = Term {
        session,
        parser: vt100::Parser::new(nz(24), nz(80), 0),
        raw: Vec::new(),
        eof: false,
    };
    // The demo syncs its replayed organisation first (a few seconds in a debug build).
    t.wait_for("the Cards tab", Duration::from_secs(30), |s| {
        s.alternate_screen() && s.contents().contains("most urgent first")
    });
    (t, home)
}

/// After the cockpit ended: the terminal is as it found it.
fn assert_restored(t: &mut Term) {
    let screen = t.parser.screen();
    assert!(!screen.alternate_screen(), "left the alternate screen");
    assert!(!screen.hide_cursor(), "the cursor is shown again");
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "the mouse is released"
    );
    let find = |needle: &[u8]| t.raw.windows(needle.len()).rposition(|w| w == needle);
    let (entered, left) = (find(b"\x1b[?1049h"), find(b"\x1b[?1049l"));
    assert!(entered.is_some() && left > entered, "{entered:?} {left:?}");
    assert!(
        find(b"\x1b[?25h") > find(b"\x1b[?25l"),
        "the last cursor escape shows it"
    );
    assert!(t.session.is_echo().unwrap(), "echo (cooked mode) is back");
}

#[test]
fn demo_in_a_pty_switches_tabs_resizes_and_restores_the_terminal() {
    let started = Instant::now();
    let (mut t, _home) = spawn_demo();
    // At 80 columns the tabs bar gives the brand's room to the tab labels.
    assert!(t.shows("1 Cards") && t.shows("9 Sy"));
    assert!(
        t.parser.screen().hide_cursor(),
        "the cursor is hidden while the cockpit runs"
    );
    assert!(!t.session.is_echo().unwrap(), "raw mode while the cockpit runs");
    let shown = Instant::now();

    t.send("2");
    t.wait_for(
        "the Standup tab",
        Duration::from_secs(5),
        contains("Standup (10)"),
    );
    t.send("L");
    t.wait_for(
        "the live standup",
        Duration::from_secs(5),
        contains("Live standup · 1 of 10"),
    );
    t.send("n");
    t.wait_for(
        "the next person",
        Duration::from_secs(5),
        contains("Live standup · 2 of 10"),
    );
    t.send("L");
    t.send("3");
    t.wait_for("the Sprint tab", Duration::from_secs(5), contains("Sprints ("));
    t.send("4");
    t.wait_for(
        "the Meetings tab",
        Duration::from_secs(5),
        contains("Hours per week"),
    );
    t.send("\t");
    t.wait_for(
        "the Pulse tab",
        Duration::from_secs(5),
        contains("Engineering Pulse"),
    );
    t.send("8");
    t.wait_for("the Copilot tab", Duration::from_secs(5), contains("Question ·"));
    // Typing a question: `q` and digits type, they neither quit nor switch tabs.
    t.send("a");
    t.send("q2 who is blocked?\r");
    t.wait_for("the copilot's answer", Duration::from_secs(10), |s| {
        let c = s.contents();
        c.contains("Q: q2 who is blocked?") && c.contains("Answer · offline") && c.contains("Cited (")
    });
    t.send("9");
    t.wait_for("the Sync tab", Duration::from_secs(5), contains("Sources ("));
    // A click on the first tab's label (SGR mouse, 1-based column and row).
    t.send("\x1b[<0;4;1M\x1b[<0;4;1m");
    t.wait_for(
        "the Cards tab again",
        Duration::from_secs(5),
        contains("most urgent first"),
    );
    t.send("?");
    t.wait_for("the help overlay", Duration::from_secs(5), |s| {
        let c = s.contents();
        c.contains(" Keys ")
            && c.contains("Command palette")
            && c.contains("Explain the sel")
            && c.contains("Ask the copilot")
    });
    t.send("\x1b");
    t.wait_for("help to close", Duration::from_secs(5), |s| {
        !s.contents().contains(" Keys ")
    });

    // Resize: the kernel sends SIGWINCH; at 120 columns every tab has its title.
    assert!(
        !t.shows("3 Sprint"),
        "80 columns: other tabs show their number only"
    );
    t.session.get_process_mut().set_window_size(120, 40).unwrap();
    t.parser.screen_mut().set_size(nz(40), nz(120));
    t.wait_for("a redraw at 120×40", Duration::from_secs(5), |s| {
        s.contents().contains("3 Sprint") && s.contents().lines().count() >= 39
    });
    t.send(":");
    t.wait_for("the palette", Duration::from_secs(5), contains(" Command "));
    t.send("meet\r");
    t.wait_for(
        "the Meetings tab via the palette",
        Duration::from_secs(5),
        contains("Hours per week"),
    );

    t.send("q");
    t.wait_eof(Duration::from_secs(10));
    assert_restored(&mut t);
    let status = t.session.get_process().wait().unwrap();
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    eprintln!(
        "pty test: first frame after {:?}, keys to exit {:?}, {} bytes written by the cockpit",
        shown.duration_since(started),
        shown.elapsed(),
        t.raw.len()
    );
}

/// A dropped SSH session sends SIGHUP: the cockpit restores the terminal
/// and ends normally.
#[test]
fn sighup_restores_the_terminal() {
    let (mut t, _home) = spawn_demo();
    let pid = t.session.get_process().pid().as_raw().to_string();
    let killed = Command::new("kill").args(["-HUP", &pid]).status().unwrap();
    assert!(killed.success());
    t.wait_eof(Duration::from_secs(10));
    assert_restored(&mut t);
    let status = t.session.get_process().wait().unwrap();
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
}
