//! `import git PATH`: the history of a local clone as [`Commit`] records,
//! read with gix straight from the object database (no network, no `git`
//! binary, no user or system git configuration).
//!
//! Every commit reachable from `HEAD` through any parent is read once. The
//! files of a commit are the paths it changed against its first parent (all
//! paths for a root commit), so knowledge coverage can credit authors with
//! what they touched. A merge keeps only the paths its result changed against
//! *every* parent (git's combined diff): a clean merge touches nothing of its
//! own, so the work of a merged branch is never counted twice, while a
//! conflict resolution still counts for whoever resolved it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};
use gix::diff::tree::recorder::Change;
use gix::objs::{FindExt, TreeRefIter};
use jiff::Timestamp;

use crate::model::{Commit, RecordMeta, Signature, Source};

/// Why a repository could not be imported. Every variant names the path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitImportError {
    /// The path is not a git repository (or cannot be opened as one).
    #[error("git import {path:?}: not a git repository: {reason}")]
    NotARepository {
        /// The path given.
        path: PathBuf,
        /// What gix said.
        reason: String,
    },
    /// `HEAD` could not be resolved to a commit.
    #[error("git import {path:?}: cannot resolve HEAD: {reason}")]
    Head {
        /// The repository.
        path: PathBuf,
        /// What gix said.
        reason: String,
    },
    /// The history walk failed (a missing or corrupt commit on the way).
    #[error("git import {path:?}: cannot walk the history from HEAD: {reason}")]
    Walk {
        /// The repository.
        path: PathBuf,
        /// What gix said.
        reason: String,
    },
    /// One object could not be read or decoded.
    #[error("git import {path:?}: cannot read {what} {id}: {reason}; is the clone complete (`git fsck`)?")]
    Object {
        /// The repository.
        path: PathBuf,
        /// `commit` or `tree`.
        what: &'static str,
        /// Full object id.
        id: String,
        /// What gix said.
        reason: String,
    },
}

/// The imported history of one repository.
#[derive(Debug, Clone, PartialEq)]
pub struct GitHistory {
    /// Repository name recorded on every commit.
    pub repo: String,
    /// Every commit reachable from `HEAD`, children before their parents.
    pub commits: Vec<Commit>,
    /// Full SHAs of the merge commits (more than one parent) among `commits`.
    pub merges: Vec<String>,
}

/// The repository name for `path`: its folder name, without a `.git` suffix;
/// for a `.git` folder itself, the name of the folder holding it.
pub fn repo_name_of(path: &Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut name = abs.file_name().map(|n| n.to_string_lossy().into_owned());
    if name.as_deref() == Some(".git") {
        name = abs
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned());
    }
    let name = name.unwrap_or_else(|| "repo".to_string());
    name.strip_suffix(".git")
        .filter(|n| !n.is_empty())
        .map_or(name.clone(), str::to_string)
}

/// Reads the history reachable from `HEAD` of the clone at `path` (a work
/// tree or a bare repository). `repo` names it (default: [`repo_name_of`]).
/// An unborn `HEAD` (a repository without commits) yields no commits.
///
/// # Errors
/// [`GitImportError`] naming `path`: not a repository, unreadable `HEAD`, or a
/// missing or corrupt object.
pub fn read_history(
    path: &Path,
    repo: Option<&str>,
    site: &str,
    now: Timestamp,
) -> Result<GitHistory, GitImportError> {
    let mut git =
        gix::open_opts(path, gix::open::Options::isolated()).map_err(|e| GitImportError::NotARepository {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    git.object_cache_size_if_unset(16 * 1024 * 1024);
    let name = repo.map_or_else(|| repo_name_of(path), str::to_string);
    let mut out = GitHistory {
        repo: name,
        commits: Vec::new(),
        merges: Vec::new(),
    };
    let head_err = |e: &dyn std::fmt::Display| GitImportError::Head {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    if git.head().map_err(|e| head_err(&e))?.is_unborn() {
        return Ok(out);
    }
    let head = git.head_id().map_err(|e| head_err(&e))?.detach();
    // A shallow clone lacks the parents of its boundary commits: those are
    // read as roots, as `git log` shows them.
    let shallow: BTreeSet<ObjectId> = git
        .shallow_commits()
        .ok()
        .flatten()
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    let walk = git.rev_walk([head]).all().map_err(|e| GitImportError::Walk {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut reader = Reader {
        git: &git,
        path,
        state: gix::diff::tree::State::default(),
        lhs: Vec::new(),
        rhs: Vec::new(),
        parent: Vec::new(),
    };
    for info in walk {
        let info = info.map_err(|e| GitImportError::Walk {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let parents_known = !shallow.contains(&info.id);
        let (commit, is_merge) = reader.commit(info.id, &out.repo, site, now, parents_known)?;
        if is_merge {
            out.merges.push(commit.sha.clone());
        }
        out.commits.push(commit);
    }
    Ok(out)
}

/// Reusable buffers for reading commits and diffing their trees.
struct Reader<'a> {
    git: &'a gix::Repository,
    path: &'a Path,
    state: gix::diff::tree::State,
    lhs: Vec<u8>,
    rhs: Vec<u8>,
    parent: Vec<u8>,
}

impl Reader<'_> {
    /// One commit as a record, and whether it is a merge.
    fn commit(
        &mut self,
        id: ObjectId,
        repo: &str,
        site: &str,
        now: Timestamp,
        parents_known: bool,
    ) -> Result<(Commit, bool), GitImportError> {
        let git = self.git;
        let object = git
            .find_commit(id)
            .map_err(|e| object_err(self.path, "commit", &id, &e))?;
        let c = object
            .decode()
            .map_err(|e| object_err(self.path, "commit", &id, &e))?;
        let parents: Vec<ObjectId> = if parents_known {
            c.parents().collect()
        } else {
            Vec::new()
        };
        let tree = c.tree();
        let author = c.author().map_err(|e| object_err(self.path, "commit", &id, &e))?;
        let committer = c
            .committer()
            .map_err(|e| object_err(self.path, "commit", &id, &e))?;
        let authored = signature_time(&author).map_err(|e| object_err(self.path, "commit", &id, &e))?;
        let committed = signature_time(&committer).map_err(|e| object_err(self.path, "commit", &id, &e))?;
        let message = c.message;
        let summary = first_line(message);
        let co_authors = co_authors(message);
        let is_merge = parents.len() > 1;
        let files = self.files(tree, &parents)?;
        let sha = id.to_string();
        let record = Commit {
            meta: RecordMeta {
                site: site.to_string(),
                source: Source::Git,
                source_id: format!("{repo}@{sha}"),
                event_time: committed,
                fetched_at: now,
            },
            repo: repo.to_string(),
            sha,
            author: signature(&author),
            committer: signature(&committer),
            co_authors,
            authored,
            committed,
            pr_number: pr_number(&summary, is_merge),
            summary,
            files,
        };
        Ok((record, is_merge))
    }

    /// Paths changed against the first parent; for a merge, only those that
    /// differ from every parent; for a root, every path. Sorted bytewise.
    fn files(&mut self, tree: ObjectId, parents: &[ObjectId]) -> Result<Vec<String>, GitImportError> {
        let Some((first, others)) = parents.split_first() else {
            let all: BTreeSet<BString> = self.changed(None, tree)?.into_iter().collect();
            return Ok(all.into_iter().map(path_string).collect());
        };
        let first_tree = self.parent_tree(*first)?;
        let mut paths: BTreeSet<BString> = self.changed(Some(first_tree), tree)?.into_iter().collect();
        for p in others {
            if paths.is_empty() {
                break;
            }
            let t = self.parent_tree(*p)?;
            let against: BTreeSet<BString> = self.changed(Some(t), tree)?.into_iter().collect();
            paths.retain(|x| against.contains(x));
        }
        Ok(paths.into_iter().map(path_string).collect())
    }

    fn parent_tree(&mut self, parent: ObjectId) -> Result<ObjectId, GitImportError> {
        let git = self.git;
        let mut iter = git
            .objects
            .find_commit_iter(&parent, &mut self.parent)
            .map_err(|e| object_err(self.path, "commit", &parent, &e))?;
        iter.tree_id()
            .map_err(|e| object_err(self.path, "commit", &parent, &e))
    }

    /// Paths of the blobs, links and submodules that differ between two trees
    /// (`None`: the empty tree).
    fn changed(&mut self, old: Option<ObjectId>, new: ObjectId) -> Result<Vec<BString>, GitImportError> {
        let git = self.git;
        let kind = git.object_hash();
        let lhs = match old {
            Some(id) => git
                .objects
                .find_tree_iter(&id, &mut self.lhs)
                .map_err(|e| object_err(self.path, "tree", &id, &e))?,
            None => TreeRefIter::from_bytes(&[], kind),
        };
        let rhs = git
            .objects
            .find_tree_iter(&new, &mut self.rhs)
            .map_err(|e| object_err(self.path, "tree", &new, &e))?;
        let mut recorder = gix::diff::tree::Recorder::default();
        gix::diff::tree(lhs, rhs, &mut self.state, &git.objects, &mut recorder)
            .map_err(|e| object_err(self.path, "tree", &new, &e))?;
        Ok(recorder
            .records
            .into_iter()
            .filter_map(|change| match change {
                Change::Addition { entry_mode, path, .. }
                | Change::Deletion { entry_mode, path, .. }
                | Change::Modification { entry_mode, path, .. } => (!entry_mode.is_tree()).then_some(path),
            })
            .collect())
    }
}

fn object_err(path: &Path, what: &'static str, id: &ObjectId, e: &dyn std::fmt::Display) -> GitImportError {
    GitImportError::Object {
        path: path.to_path_buf(),
        what,
        id: id.to_string(),
        reason: e.to_string(),
    }
}

fn path_string(p: BString) -> String {
    p.to_str_lossy().into_owned()
}

fn signature(s: &gix::actor::SignatureRef<'_>) -> Signature {
    let s = s.trim();
    Signature {
        name: s.name.to_str_lossy().into_owned(),
        email: s.email.to_str_lossy().into_owned(),
        login: None,
    }
}

/// The UTC instant of a signature (git stores seconds since the epoch plus
/// the author's offset, which does not change the instant).
fn signature_time(s: &gix::actor::SignatureRef<'_>) -> Result<Timestamp, String> {
    let t = s.time().map_err(|e| format!("bad time {:?}: {e}", s.time))?;
    Timestamp::from_second(t.seconds).map_err(|e| format!("time {} out of range: {e}", t.seconds))
}

/// The first line of a commit message, trimmed.
fn first_line(message: &BStr) -> String {
    let text = message.trim_start();
    let line = text.lines().next().unwrap_or_default();
    line.to_str_lossy().trim().to_string()
}

/// `Co-authored-by: Name <email>` trailers of the message's trailer block
/// (git's rules: the last paragraph, token case-insensitive), in order,
/// without repeats.
pub fn co_authors(message: &BStr) -> Vec<Signature> {
    let parsed = gix::objs::commit::MessageRef::from_bytes(message);
    let Some(body) = parsed.body() else {
        return Vec::new();
    };
    let mut out: Vec<Signature> = Vec::new();
    for t in body.trailers() {
        if !t.token.eq_ignore_ascii_case(b"co-authored-by") {
            continue;
        }
        if let Some(sig) = parse_person(&t.value.to_str_lossy())
            && !out.contains(&sig)
        {
            out.push(sig);
        }
    }
    out
}

/// `Name <email>` (or a bare `<email>` or `email`).
fn parse_person(value: &str) -> Option<Signature> {
    let value = value.trim();
    let (name, email) = match value.rsplit_once('<') {
        Some((name, rest)) => (name.trim(), rest.split('>').next().unwrap_or_default().trim()),
        None if value.contains('@') => ("", value),
        None => (value, ""),
    };
    if name.is_empty() && email.is_empty() {
        return None;
    }
    Some(Signature {
        name: name.to_string(),
        email: email.to_string(),
        login: None,
    })
}

/// The pull request a commit came from, when its summary says so: GitHub's
/// merge commits (`Merge pull request #12 from ...`) and squash merges
/// (`Title (#12)`).
fn pr_number(summary: &str, is_merge: bool) -> Option<u64> {
    if is_merge {
        let rest = summary.strip_prefix("Merge pull request #")?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return digits.parse().ok();
    }
    let inner = summary.strip_suffix(')')?;
    let (_, num) = inner.rsplit_once(" (#")?;
    num.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_need_the_last_paragraph() {
        let msg = BStr::new(
            "Add parser\n\nCo-authored-by: not a trailer block\nsome prose here\n\nCo-authored-by: Ada L <ada@example.com>\nco-authored-by: Bob <bob@example.com>\nCo-authored-by: Ada L <ada@example.com>\n",
        );
        let got = co_authors(msg);
        let emails: Vec<&str> = got.iter().map(|s| s.email.as_str()).collect();
        assert_eq!(emails, ["ada@example.com", "bob@example.com"]);
        assert_eq!(got[0].name, "Ada L");
        assert!(co_authors(BStr::new("Only a title")).is_empty());
    }

    #[test]
    fn pull_request_numbers_from_summaries() {
        assert_eq!(
            pr_number("Merge pull request #42 from org/branch", true),
            Some(42)
        );
        assert_eq!(pr_number("Merge branch 'x'", true), None);
        assert_eq!(pr_number("Fix the thing (#7)", false), Some(7));
        assert_eq!(pr_number("Fix the thing (see #7)", false), None);
        assert_eq!(first_line(BStr::new("\nTitle here  \r\nbody")), "Title here");
    }

    #[test]
    fn repo_names() {
        assert_eq!(repo_name_of(Path::new("/nonexistent/x/widgets.git")), "widgets");
        assert_eq!(repo_name_of(Path::new("/nonexistent/x/widgets/.git")), "widgets");
        assert_eq!(repo_name_of(Path::new("/nonexistent/x/widgets")), "widgets");
    }
}
