//! `import git`: a real repository built in the test with the `git` CLI
//! (authors, a different committer, a branch merged cleanly, a conflict
//! resolved in a merge, co-author trailers, files in several folders), read
//! with gix and checked commit by commit against what `git` itself reports;
//! then the same through the binary into a sealed store and out of `export`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use async_cockpit::model::{Commit, Signature, Source};
use async_cockpit::sources::import::{GitImportError, read_history};
use jiff::Timestamp;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// `git` isolated from the user's and the system's configuration.
fn git_cmd(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.autocrlf=false",
        ]);
    c
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_cmd(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Who and when, for one commit.
struct Stamp<'a> {
    author: (&'a str, &'a str),
    authored: &'a str,
    committer: (&'a str, &'a str),
    committed: &'a str,
}

fn commit(dir: &Path, s: &Stamp<'_>, args: &[&str]) {
    let out = stamped(dir, s, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn stamped(dir: &Path, s: &Stamp<'_>, args: &[&str]) -> Output {
    git_cmd(dir)
        .env("GIT_AUTHOR_NAME", s.author.0)
        .env("GIT_AUTHOR_EMAIL", s.author.1)
        .env("GIT_AUTHOR_DATE", s.authored)
        .env("GIT_COMMITTER_NAME", s.committer.0)
        .env("GIT_COMMITTER_EMAIL", s.committer.1)
        .env("GIT_COMMITTER_DATE", s.committed)
        .args(args)
        .output()
        .unwrap()
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const ADA: (&str, &str) = ("Ada Lovelace", "ada@example.com");
const BOB: (&str, &str) = ("Bob Stone", "bob@example.com");
const CAROL: (&str, &str) = ("Carol Wu", "carol@example.com");

fn by<'a>(who: (&'a str, &'a str), at: &'a str) -> Stamp<'a> {
    Stamp {
        author: who,
        authored: at,
        committer: who,
        committed: at,
    }
}

/// Eight commits on `main`:
/// 1. Ada, root: README.md, docs/guide.md, src/lib.rs
/// 2. Bob authored, Ada committed a day later: src/lib.rs, src/util/mod.rs
/// 3. (feature) Carol with two co-authors: tests/basic.rs, docs/guide.md
/// 4. Ada: README.md, ci/config.yml
/// 5. Ada merges `feature` cleanly (no files of its own)
/// 6. (hotfix) Bob: README.md line 1
/// 7. Ada: README.md line 1, differently
/// 8. Ada merges `hotfix`, resolving the README.md conflict
fn build_repo(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q"]);
    write(dir, "README.md", "widgets\n\nA library.\n");
    write(dir, "docs/guide.md", "# Guide\n");
    write(dir, "src/lib.rs", "pub fn one() {}\n");
    git(dir, &["add", "-A"]);
    commit(
        dir,
        &by(ADA, "2025-01-06T09:00:00+01:00"),
        &["commit", "-q", "-m", "Initial commit"],
    );

    write(dir, "src/lib.rs", "pub mod util;\npub fn one() {}\n");
    write(dir, "src/util/mod.rs", "pub fn two() {}\n");
    git(dir, &["add", "-A"]);
    let s = Stamp {
        author: BOB,
        authored: "2025-01-06T10:00:00-05:00",
        committer: ADA,
        committed: "2025-01-07T08:00:00Z",
    };
    commit(
        dir,
        &s,
        &[
            "commit",
            "-q",
            "-m",
            "Add util module",
            "-m",
            "Applied from a patch by Bob.",
        ],
    );

    git(dir, &["checkout", "-q", "-b", "feature"]);
    write(dir, "tests/basic.rs", "#[test]\nfn works() {}\n");
    write(dir, "docs/guide.md", "# Guide\n\nRun the tests.\n");
    git(dir, &["add", "-A"]);
    commit(
        dir,
        &by(CAROL, "2025-01-08T12:30:00+09:00"),
        &[
            "commit",
            "-q",
            "-m",
            "Add basic tests (#12)",
            "-m",
            "Co-authored-by: in prose, not a trailer block\nSo this paragraph is text.",
            "-m",
            "Co-authored-by: Dan Doe <dan@example.com>\nSigned-off-by: Carol Wu <carol@example.com>\nco-authored-by: Erin Roe <erin@example.com>",
        ],
    );

    git(dir, &["checkout", "-q", "main"]);
    write(dir, "README.md", "widgets\n\nA small library.\n");
    write(dir, "ci/config.yml", "steps: [test]\n");
    git(dir, &["add", "-A"]);
    commit(
        dir,
        &by(ADA, "2025-01-09T09:00:00Z"),
        &["commit", "-q", "-m", "Describe the library; add CI"],
    );

    commit(
        dir,
        &by(ADA, "2025-01-09T10:00:00Z"),
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge branch 'feature'",
            "feature",
        ],
    );

    git(dir, &["checkout", "-q", "-b", "hotfix"]);
    write(dir, "README.md", "widgets (hotfix)\n\nA small library.\n");
    git(dir, &["add", "-A"]);
    commit(
        dir,
        &by(BOB, "2025-01-10T09:00:00Z"),
        &["commit", "-q", "-m", "Hotfix the title"],
    );

    git(dir, &["checkout", "-q", "main"]);
    write(dir, "README.md", "Widgets\n\nA small library.\n");
    git(dir, &["add", "-A"]);
    commit(
        dir,
        &by(ADA, "2025-01-10T10:00:00Z"),
        &["commit", "-q", "-m", "Capitalise the title"],
    );

    let merge = stamped(dir, &by(ADA, "2025-01-10T11:00:00Z"), &["merge", "-q", "hotfix"]);
    let said = String::from_utf8_lossy(&merge.stdout);
    assert!(
        said.contains("CONFLICT"),
        "the hotfix merge should conflict: {said}"
    );
    write(dir, "README.md", "Widgets (hotfix)\n\nA small library.\n");
    git(dir, &["add", "README.md"]);
    commit(
        dir,
        &by(ADA, "2025-01-10T11:00:00Z"),
        &["commit", "-q", "-m", "Merge branch 'hotfix'"],
    );
}

fn sig(who: (&str, &str)) -> Signature {
    Signature {
        name: who.0.into(),
        email: who.1.into(),
        login: None,
    }
}

fn lines(s: &str) -> Vec<String> {
    s.lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
}

fn find<'a>(commits: &'a [Commit], summary: &str) -> &'a Commit {
    commits
        .iter()
        .find(|c| c.summary == summary)
        .unwrap_or_else(|| panic!("no commit {summary:?}"))
}

#[test]
fn history_with_merges_co_authors_files_and_times() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("widgets");
    build_repo(&dir);
    let now = ts("2026-01-01T00:00:00Z");
    let h = read_history(&dir, None, "acme", now).unwrap();

    assert_eq!(h.repo, "widgets");
    let want: BTreeSet<String> = lines(&git(&dir, &["rev-list", "HEAD"])).into_iter().collect();
    let got: BTreeSet<String> = h.commits.iter().map(|c| c.sha.clone()).collect();
    assert_eq!(h.commits.len(), 8);
    assert_eq!(got, want, "every commit reachable from HEAD, once");
    assert_eq!(
        h.commits[0].sha,
        git(&dir, &["rev-parse", "HEAD"]).trim(),
        "HEAD first"
    );
    let merges: BTreeSet<String> = h.merges.iter().cloned().collect();
    let want_merges: BTreeSet<String> = lines(&git(&dir, &["rev-list", "--merges", "HEAD"]))
        .into_iter()
        .collect();
    assert_eq!(merges.len(), 2);
    assert_eq!(merges, want_merges);

    for c in &h.commits {
        assert_eq!(c.meta.source, Source::Git);
        assert_eq!(c.meta.site, "acme");
        assert_eq!(c.meta.source_id, format!("widgets@{}", c.sha));
        assert_eq!(c.meta.event_time, c.committed);
        assert_eq!(c.meta.fetched_at, now);
        assert_eq!(c.repo, "widgets");
        // Files agree with git's combined diff (`-c`: a merge lists only the
        // paths that differ from every parent).
        let git_files = git(
            &dir,
            &[
                "diff-tree",
                "-r",
                "-c",
                "--root",
                "--no-commit-id",
                "--name-only",
                &c.sha,
            ],
        );
        let mut want = lines(&git_files);
        want.sort();
        want.dedup();
        assert_eq!(c.files, want, "files of {:?}", c.summary);
        // Times agree with git's own reading.
        let unix = git(&dir, &["show", "-s", "--format=%at %ct", &c.sha]);
        let (a, t) = unix.trim().split_once(' ').unwrap();
        assert_eq!(c.authored.as_second(), a.parse::<i64>().unwrap());
        assert_eq!(c.committed.as_second(), t.parse::<i64>().unwrap());
    }

    let root = find(&h.commits, "Initial commit");
    assert_eq!(root.author, sig(ADA));
    assert_eq!(root.files, ["README.md", "docs/guide.md", "src/lib.rs"]);
    assert_eq!(root.authored, ts("2025-01-06T08:00:00Z"));
    assert!(root.co_authors.is_empty());

    let util = find(&h.commits, "Add util module");
    assert_eq!(util.author, sig(BOB));
    assert_eq!(util.committer, sig(ADA));
    assert_eq!(util.authored, ts("2025-01-06T15:00:00Z"));
    assert_eq!(util.committed, ts("2025-01-07T08:00:00Z"));
    assert_eq!(util.files, ["src/lib.rs", "src/util/mod.rs"]);

    let tests = find(&h.commits, "Add basic tests (#12)");
    assert_eq!(tests.author, sig(CAROL));
    assert_eq!(
        tests.co_authors,
        [
            sig(("Dan Doe", "dan@example.com")),
            sig(("Erin Roe", "erin@example.com"))
        ]
    );
    assert_eq!(tests.files, ["docs/guide.md", "tests/basic.rs"]);
    assert_eq!(tests.authored, ts("2025-01-08T03:30:00Z"));
    assert_eq!(tests.pr_number, Some(12));

    let ci = find(&h.commits, "Describe the library; add CI");
    assert_eq!(ci.files, ["README.md", "ci/config.yml"]);

    // A clean merge touches nothing of its own: the branch's files are
    // counted once, on the branch's commits.
    let clean = find(&h.commits, "Merge branch 'feature'");
    assert!(h.merges.contains(&clean.sha));
    assert!(clean.files.is_empty(), "{:?}", clean.files);
    // A merge that resolved a conflict keeps the resolved file.
    let resolved = find(&h.commits, "Merge branch 'hotfix'");
    assert!(h.merges.contains(&resolved.sha));
    assert_eq!(resolved.files, ["README.md"]);
    assert_eq!(resolved.committed, ts("2025-01-10T11:00:00Z"));

    let folders: BTreeSet<&str> = h
        .commits
        .iter()
        .flat_map(|c| c.files.iter())
        .filter_map(|f| f.split_once('/').map(|(d, _)| d))
        .collect();
    assert_eq!(
        folders.into_iter().collect::<Vec<_>>(),
        ["ci", "docs", "src", "tests"]
    );
}

#[test]
fn bare_clones_names_and_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("widgets");
    build_repo(&dir);
    let now = ts("2026-01-01T00:00:00Z");

    git(tmp.path(), &["clone", "-q", "--bare", "widgets", "mirror.git"]);
    let bare = read_history(&tmp.path().join("mirror.git"), None, "acme", now).unwrap();
    assert_eq!(bare.repo, "mirror");
    assert_eq!(bare.commits.len(), 8);
    let work = read_history(&dir.join(".git"), Some("acme/widgets"), "acme", now).unwrap();
    assert_eq!(work.repo, "acme/widgets");
    assert!(
        work.commits
            .iter()
            .all(|c| c.meta.source_id == format!("acme/widgets@{}", c.sha))
    );
    let same = |a: &[Commit], b: &[Commit]| {
        let key = |c: &Commit| {
            let co: Vec<String> = c
                .co_authors
                .iter()
                .map(|s| format!("{} <{}>", s.name, s.email))
                .collect();
            (c.sha.clone(), c.files.clone(), co)
        };
        a.iter().map(key).collect::<BTreeSet<_>>() == b.iter().map(key).collect::<BTreeSet<_>>()
    };
    assert!(same(&bare.commits, &work.commits));

    // A shallow clone: the boundary commits read as roots (all their files).
    let url = format!("file://{}", dir.display());
    git(tmp.path(), &["clone", "-q", "--depth", "2", &url, "shallow"]);
    let shallow = tmp.path().join("shallow");
    let h = read_history(&shallow, None, "acme", now).unwrap();
    let summaries: BTreeSet<&str> = h.commits.iter().map(|c| c.summary.as_str()).collect();
    assert_eq!(
        summaries,
        BTreeSet::from([
            "Merge branch 'hotfix'",
            "Capitalise the title",
            "Hotfix the title"
        ])
    );
    for c in h.commits.iter().filter(|c| !h.merges.contains(&c.sha)) {
        let all = lines(&git(&shallow, &["ls-tree", "-r", "--name-only", &c.sha]));
        assert_eq!(c.files, all, "{}", c.summary);
    }
    assert_eq!(find(&h.commits, "Merge branch 'hotfix'").files, ["README.md"]);

    // Not a repository: a typed error naming the path.
    let plain = tmp.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    match read_history(&plain, None, "acme", now) {
        Err(e @ GitImportError::NotARepository { .. }) => {
            assert!(e.to_string().contains(&*plain.to_string_lossy()), "{e}");
        }
        other => panic!("expected NotARepository, got {other:?}"),
    }

    // No commits yet: nothing to import, not an error.
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    git(&empty, &["init", "-q"]);
    assert_eq!(read_history(&empty, None, "acme", now).unwrap().commits.len(), 0);

    // A missing tree object: a typed error naming the repository and object.
    let broken = tmp.path().join("broken");
    copy_dir(&dir, &broken);
    let root_tree = git(&broken, &["rev-parse", "HEAD~1~1~1^{tree}"])
        .trim()
        .to_string();
    let loose = broken
        .join(".git/objects")
        .join(&root_tree[..2])
        .join(&root_tree[2..]);
    std::fs::remove_file(&loose).unwrap();
    match read_history(&broken, None, "acme", now) {
        Err(e @ GitImportError::Object { .. }) => {
            let shown = e.to_string();
            assert!(shown.contains(&root_tree), "{shown}");
            assert!(shown.contains(&*broken.to_string_lossy()), "{shown}");
        }
        other => panic!("expected an object error, got {other:?}"),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// A bare repository of `n` commits by 40 authors over 20 folders, every
/// 50th a merge of a one-commit side branch, written with `git fast-import`.
fn generated_repo(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "--bare"]);
    let mut s = String::new();
    let data = |s: &mut String, text: &str| {
        s.push_str(&format!("data {}\n{text}\n", text.len()));
    };
    let mut mark = 0usize;
    let mut main: Option<usize> = None;
    for i in 0..n {
        let who = format!(
            "Dev {} <dev{}@example.com> {} +0000",
            i % 40,
            i % 40,
            1_700_000_000 + i * 600
        );
        let path = format!("d{}/f{}.txt", i % 20, (i * 7) % 50);
        if i % 50 == 49
            && let Some(parent) = main
        {
            mark += 1;
            let side = mark;
            s.push_str(&format!(
                "commit refs/heads/side\nmark :{side}\nauthor {who}\ncommitter {who}\n"
            ));
            data(&mut s, &format!("Side change {i}"));
            s.push_str(&format!("from :{parent}\nM 100644 inline side/s{i}.txt\n"));
            data(&mut s, &format!("side {i}"));
            mark += 1;
            s.push_str(&format!(
                "commit refs/heads/main\nmark :{mark}\nauthor {who}\ncommitter {who}\n"
            ));
            data(&mut s, &format!("Merge side {i}"));
            s.push_str(&format!(
                "from :{parent}\nmerge :{side}\nM 100644 inline side/s{i}.txt\n"
            ));
            data(&mut s, &format!("side {i}"));
            main = Some(mark);
            continue;
        }
        mark += 1;
        s.push_str(&format!(
            "commit refs/heads/main\nmark :{mark}\nauthor {who}\ncommitter {who}\n"
        ));
        data(
            &mut s,
            &format!(
                "Change {i}\n\nCo-authored-by: Pair {} <pair{}@example.com>",
                i % 3,
                i % 3
            ),
        );
        if let Some(parent) = main {
            s.push_str(&format!("from :{parent}\n"));
        }
        s.push_str(&format!("M 100644 inline {path}\n"));
        data(&mut s, &format!("content {i}"));
        main = Some(mark);
    }
    let mut child = git_cmd(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

fn timed_import(n: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("big.git");
    generated_repo(&dir, n);
    let started = Instant::now();
    let h = read_history(&dir, None, "acme", ts("2026-01-01T00:00:00Z")).unwrap();
    let took = started.elapsed();
    let want = lines(&git(&dir, &["rev-list", "--count", "HEAD"]))[0]
        .parse::<usize>()
        .unwrap();
    assert_eq!(h.commits.len(), want);
    assert!(h.merges.len() >= n / 50 - 1);
    assert!(
        h.commits
            .iter()
            .filter(|c| h.merges.contains(&c.sha))
            .all(|c| c.files.is_empty())
    );
    assert!(
        h.commits
            .iter()
            .filter(|c| !h.merges.contains(&c.sha))
            .all(|c| c.files.len() == 1)
    );
    println!(
        "imported {} commits ({} merges) in {:.2}s ({:.0} commits/s)",
        h.commits.len(),
        h.merges.len(),
        took.as_secs_f64(),
        h.commits.len() as f64 / took.as_secs_f64()
    );
}

#[test]
fn a_thousand_generated_commits() {
    timed_import(1_000);
}

fn run(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_async-cockpit"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("ASYNC_COCKPIT_PASSPHRASE")
        .env_remove("ASYNC_COCKPIT_CONFIG")
        .env_remove("CREDENTIALS_DIRECTORY")
        .output()
        .unwrap()
}

fn shown(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn through_the_binary_into_the_store_and_out_of_export() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let repo = home.join("widgets");
    build_repo(&repo);
    let data = home.join("stores");
    let key = home.join("key");
    let (d, k) = (data.to_str().unwrap(), key.to_str().unwrap());

    let out = run(home, &["--key-file", k, "key", "init"]);
    assert!(out.status.success(), "{}", shown(&out));

    let out = run(
        home,
        &[
            "--data-dir",
            d,
            "--key-file",
            k,
            "import",
            "git",
            "/nonexistent/repo",
        ],
    );
    assert!(!out.status.success());
    assert!(shown(&out).contains("/nonexistent/repo"), "{}", shown(&out));

    let out = run(
        home,
        &[
            "--data-dir",
            d,
            "--key-file",
            k,
            "import",
            "git",
            repo.to_str().unwrap(),
        ],
    );
    let text = shown(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("git widgets: 8 commit(s) (2 merge(s), 1 with co-authors)"),
        "{text}"
    );
    assert!(text.contains("commit"), "{text}");
    // 2025 is far outside any retention window: counted, kept.
    assert!(text.contains("older than the"), "{text}");

    let out = run(home, &["--data-dir", d, "--key-file", k, "export", "--json"]);
    assert!(out.status.success(), "{}", shown(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let commits: Vec<&serde_json::Value> = doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "commit")
        .collect();
    assert_eq!(commits.len(), 8);
    let want: BTreeSet<String> = lines(&git(&repo, &["rev-list", "HEAD"])).into_iter().collect();
    let got: BTreeSet<String> = commits
        .iter()
        .map(|c| c["sha"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, want);
    let paired = commits
        .iter()
        .find(|c| c["summary"] == "Add basic tests (#12)")
        .unwrap();
    assert_eq!(paired["co_authors"].as_array().unwrap().len(), 2);
    assert_eq!(paired["meta"]["source"], "git");
    assert_eq!(
        paired["files"],
        serde_json::json!(["docs/guide.md", "tests/basic.rs"])
    );

    // A second import replaces, never doubles.
    let out = run(
        home,
        &[
            "--data-dir",
            d,
            "--key-file",
            k,
            "import",
            "git",
            repo.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", shown(&out));
    let out = run(home, &["--data-dir", d, "--key-file", k, "export", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let n = doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "commit")
        .count();
    assert_eq!(n, 8);
}
