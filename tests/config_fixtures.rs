//! The configuration, validated like an API: folders of valid and invalid
//! files, each invalid one checked against its exact message; the search order
//! of `Config::load`; and the binary's `config default` round trip.
//!
//! Fixtures live in `tests/fixtures/config/`:
//! - `valid/*.toml` must all load;
//! - `invalid/NAME.toml` must fail with exactly the text of `invalid/NAME.expected`
//!   (the `Display` of `ConfigError`, with the file given as
//!   `tests/fixtures/config/invalid/NAME.toml`). A new pair is picked up without
//!   touching this file. To write the `.expected` file of a new fixture, run
//!   `ASYNC_COCKPIT_BLESS=1 cargo test --test config_fixtures`, then read it:
//!   it must say what is wrong, where (file, line, key) and what to do.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use async_cockpit::config::{Config, ConfigError, ConfigSource, Deployment, LlmProviderKind};

/// Fixture folder, relative to the package root (how messages name the files).
const FIXTURES: &str = "tests/fixtures/config";

/// Set to `1` to (re)write every `invalid/*.expected` file from the actual output.
const BLESS_ENV: &str = "ASYNC_COCKPIT_BLESS";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `.toml` files of `valid` or `invalid`, sorted, as package-relative paths.
fn toml_files(folder: &str) -> Vec<PathBuf> {
    let rel = Path::new(FIXTURES).join(folder);
    let mut files: Vec<PathBuf> = fs::read_dir(manifest_dir().join(&rel))
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", rel.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| rel.join(p.file_name().expect("file name")))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", rel.display());
    files
}

/// Parses a fixture, attributing errors to its package-relative path.
fn parse(rel: &Path) -> Result<Config, ConfigError> {
    let text = fs::read_to_string(manifest_dir().join(rel))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", rel.display()));
    Config::from_toml(&text, rel)
}

fn valid(name: &str) -> Config {
    let rel = Path::new(FIXTURES).join("valid").join(name);
    parse(&rel).unwrap_or_else(|e| panic!("{} should load: {e}", rel.display()))
}

#[test]
fn every_valid_config_loads() {
    for rel in toml_files("valid") {
        if let Err(err) = parse(&rel) {
            panic!("{} should load, but: {err}", rel.display());
        }
    }
}

#[test]
fn minimal_config_keeps_every_default_but_the_site() {
    let config = valid("minimal.toml");
    let expected = Config {
        site: "alpha-team".into(),
        ..Config::default()
    };
    assert_eq!(config, expected);
}

#[test]
fn full_config_sets_every_section() {
    let config = valid("full.toml");
    assert_eq!(config.site, "platform_core");
    assert_eq!(config.retention_days, 90);
    assert_eq!(config.request_budget, 2500);
    assert_eq!(config.team.time_zone, "Europe/Berlin");
    assert_eq!(config.team.hours(), ((8, 30), (16, 45)));
    assert_eq!(config.team.work_days, ["mon", "tue", "wed", "thu"]);

    let names: Vec<&str> = config.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Ada Lovelace", "Grace Hopper", "Alan Turing"]);
    assert_eq!(config.people[1].roles, ["team-lead", "engineer"]);
    assert_eq!(config.people[0].unix_user.as_deref(), Some("ada"));
    assert_eq!(config.people[2].slack_id, None);
    let strategic: Vec<&str> = config
        .people_with_role("engineering-manager")
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(strategic, ["Ada Lovelace"]);

    assert!(config.github.enabled);
    assert_eq!(config.github.repositories, ["platform/core", "platform/infra"]);
    assert_eq!(config.jira.story_points_field, "customfield_10016");
    assert_eq!(config.slack.channels.len(), 2);
    assert_eq!(config.zoom.client_secret_env, "ZOOM_SECRET");
    assert_eq!(config.confluence.spaces, ["CORE"]);
    assert_eq!(config.llm.provider, LlmProviderKind::Anthropic);
    assert_eq!(config.llm.max_output_tokens, 1200);

    // Every section differs from its default, so none was silently ignored.
    let default = Config::default();
    assert_ne!(config.team, default.team);
    assert_ne!(config.github, default.github);
    assert_ne!(config.jira, default.jira);
    assert_ne!(config.slack, default.slack);
    assert_ne!(config.zoom, default.zoom);
    assert_ne!(config.confluence, default.confluence);
    assert_ne!(config.llm, default.llm);
}

#[test]
fn jira_server_deployment_loads() {
    let config = valid("jira_server.toml");
    assert_eq!(config.jira.deployment, Deployment::Server);
    assert_eq!(config.jira.base_url, "https://jira.internal.example.com/jira");
    assert!(config.jira.user.is_empty(), "empty user means a bearer token");
    assert_eq!(config.confluence.deployment, Deployment::Server);
}

#[test]
fn local_llm_may_use_plain_http_on_loopback() {
    let config = valid("llm_local.toml");
    assert_eq!(config.llm.provider, LlmProviderKind::Local);
    assert_eq!(config.llm.base_url, "http://127.0.0.1:11434/v1");
    assert_eq!(config.llm.api_key_env, "", "a local server needs no key");
}

#[test]
fn localhost_base_urls_may_use_plain_http() {
    let config = valid("localhost_base_url.toml");
    assert_eq!(config.github.base_url, "http://localhost:8787/github");
    assert_eq!(config.jira.base_url, "http://localhost:8787/jira");
}

/// Checks every `folder/NAME.toml` against `folder/NAME.<ext>`; with `bless`,
/// writes the `.<ext>` files from the actual messages instead. Returns the
/// number of fixtures.
fn check_refused(folder: &str, ext: &str, bless: bool) -> usize {
    let mut failures = Vec::new();
    let tomls = toml_files(folder);
    for rel in &tomls {
        let actual = match parse(rel) {
            Ok(config) => {
                failures.push(format!(
                    "{} loaded, but must be refused: {config:?}",
                    rel.display()
                ));
                continue;
            }
            Err(err) => err.to_string(),
        };
        // Every message names the file it is about.
        let head = format!("config error in {}", rel.display());
        if !actual.starts_with(&head) {
            failures.push(format!(
                "{}: message does not start with {head:?}: {actual}",
                rel.display()
            ));
        }
        let message_file = rel.with_extension(ext);
        if bless {
            fs::write(manifest_dir().join(&message_file), format!("{actual}\n")).expect("write message file");
            continue;
        }
        match fs::read_to_string(manifest_dir().join(&message_file)) {
            Ok(expected) => {
                let expected = expected.strip_suffix('\n').unwrap_or(&expected);
                if actual != expected {
                    failures.push(format!(
                        "{}:\n  expected: {expected}\n  actual:   {actual}",
                        rel.display()
                    ));
                }
            }
            Err(_) => failures.push(format!(
                "{} has no {}; run `{BLESS_ENV}=1 cargo test --test config_fixtures` and read it",
                rel.display(),
                message_file.display()
            )),
        }
    }
    // A message file without its `.toml` is a fixture that no longer runs.
    let dir = manifest_dir().join(FIXTURES).join(folder);
    for entry in fs::read_dir(&dir).expect("list fixtures") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == ext) && !path.with_extension("toml").exists() {
            failures.push(format!("{} has no .toml beside it", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    tomls.len()
}

#[test]
fn every_invalid_config_fails_with_its_expected_message() {
    let bless = std::env::var_os(BLESS_ENV).is_some_and(|v| v == "1");
    let checked = check_refused("invalid", "expected", bless);
    assert!(checked >= 21, "invalid fixtures went missing: {checked} left");
}

/// What `Config::load` returned, reduced to what the search order decides.
fn loaded(explicit: Option<&Path>) -> (String, ConfigSource) {
    let (config, source) = Config::load(explicit).unwrap_or_else(|e| panic!("load failed: {e}"));
    (config.site, source)
}

fn file(path: &Path, required: bool) -> ConfigSource {
    ConfigSource::File {
        path: path.to_path_buf(),
        required,
    }
}

/// Sets or removes an environment variable.
///
/// Environment variables are process-wide, so every check that depends on
/// them is in [`load_follows_the_search_order`] alone, run in sequence. The
/// other tests of this binary read the environment only through `std`, which
/// serialises access with its own lock, and start no C code that reads it.
#[allow(unsafe_code, reason = "edition 2024 marks set_var/remove_var unsafe")]
fn set_env(name: &str, value: Option<&std::ffi::OsStr>) {
    // SAFETY: see above; no thread reads the environment outside std's lock.
    unsafe {
        match value {
            Some(v) => std::env::set_var(name, v),
            None => std::env::remove_var(name),
        }
    }
}

/// Puts the saved variables back when the test ends, even on failure.
struct RestoreEnv(Vec<(&'static str, Option<OsString>)>);

impl Drop for RestoreEnv {
    fn drop(&mut self) {
        for (name, value) in &self.0 {
            set_env(name, value.as_deref());
        }
    }
}

#[test]
fn load_follows_the_search_order() {
    const CONFIG_ENV: &str = "ASYNC_COCKPIT_CONFIG";
    const XDG_ENV: &str = "XDG_CONFIG_HOME";
    let _restore = RestoreEnv(
        [CONFIG_ENV, XDG_ENV]
            .into_iter()
            .map(|n| (n, std::env::var_os(n)))
            .collect(),
    );

    let tmp = tempfile::tempdir().expect("temp dir");
    let xdg_home = tmp.path().join("xdg");
    let xdg_file = xdg_home.join("async-cockpit").join("config.toml");
    fs::create_dir_all(xdg_file.parent().expect("parent")).expect("create xdg dir");
    fs::write(&xdg_file, "site = \"from-xdg\"\n").expect("write xdg file");
    let env_file = tmp.path().join("env.toml");
    fs::write(&env_file, "site = \"from-env\"\n").expect("write env file");
    let explicit_file = tmp.path().join("explicit.toml");
    fs::write(&explicit_file, "site = \"from-explicit\"\n").expect("write explicit file");

    set_env(XDG_ENV, Some(xdg_home.as_os_str()));
    set_env(CONFIG_ENV, None);

    // 1. Only the XDG file: it is used, and it was not required.
    assert_eq!(loaded(None), ("from-xdg".into(), file(&xdg_file, false)));

    // 2. ASYNC_COCKPIT_CONFIG beats the XDG file, and is required.
    set_env(CONFIG_ENV, Some(env_file.as_os_str()));
    assert_eq!(loaded(None), ("from-env".into(), file(&env_file, true)));

    // 3. An explicit path (`--config`) beats both.
    assert_eq!(
        loaded(Some(&explicit_file)),
        ("from-explicit".into(), file(&explicit_file, true))
    );

    // 4. An empty ASYNC_COCKPIT_CONFIG counts as unset.
    set_env(CONFIG_ENV, Some("".as_ref()));
    assert_eq!(loaded(None), ("from-xdg".into(), file(&xdg_file, false)));

    // 5. An XDG file that exists but is invalid is an error, not a fallback.
    fs::write(&xdg_file, "site = \"from-xdg\"\nretention_days = 60\n").expect("rewrite xdg file");
    let err = Config::load(None).expect_err("an invalid XDG file must be refused");
    assert_eq!(
        err.to_string(),
        format!(
            "config error in {} line 2, key `retention_days`: \
             retention_days = 60 is not a retention tier; use 14, 30 or 90",
            xdg_file.display()
        )
    );

    // 6. A missing XDG file falls back to the built-in defaults.
    fs::remove_file(&xdg_file).expect("remove xdg file");
    let (config, source) = Config::load(None).expect("defaults");
    assert_eq!(source, ConfigSource::BuiltIn);
    assert_eq!(config, Config::default());

    // 7. A missing file named by ASYNC_COCKPIT_CONFIG is an error.
    let missing_env = tmp.path().join("missing-env.toml");
    set_env(CONFIG_ENV, Some(missing_env.as_os_str()));
    let err = Config::load(None).expect_err("a missing ASYNC_COCKPIT_CONFIG file must be refused");
    assert!(
        matches!(&err, ConfigError::Read { path, .. } if *path == missing_env),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "cannot read config file {0} (named by ASYNC_COCKPIT_CONFIG): No such file or directory (os error 2); \
             fix the path, or create it with `async-cockpit config default > {0}`",
            missing_env.display()
        )
    );

    // 8. A missing explicit file is an error, even when ASYNC_COCKPIT_CONFIG is fine.
    set_env(CONFIG_ENV, Some(env_file.as_os_str()));
    let missing = tmp.path().join("missing.toml");
    let err = Config::load(Some(&missing)).expect_err("a missing --config file must be refused");
    assert!(
        matches!(&err, ConfigError::Read { path, .. } if *path == missing),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "cannot read config file {0} (named by --config): No such file or directory (os error 2); \
             fix the path, or create it with `async-cockpit config default > {0}`",
            missing.display()
        )
    );
}

/// Runs the binary with a private state folder (it writes its log there) and
/// without the caller's config variables.
fn cockpit(args: &[&str]) -> std::process::Output {
    let state = tempfile::tempdir().expect("temp dir");
    Command::new(env!("CARGO_BIN_EXE_async-cockpit"))
        .args(args)
        .current_dir(manifest_dir())
        .env("XDG_STATE_HOME", state.path())
        .env_remove("ASYNC_COCKPIT_CONFIG")
        .output()
        .expect("run async-cockpit")
}

#[test]
fn config_default_output_parses_back_to_the_defaults() {
    let out = cockpit(&["config", "default"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(text, async_cockpit::config::DEFAULT_TOML);
    let parsed = Config::from_toml(&text, Path::new("<config default>"));
    assert_eq!(parsed.expect("config default parses"), Config::default());
}

#[test]
fn config_check_prints_the_same_message() {
    for name in ["invalid/plain_http_jira.toml", "invalid/request_budget_zero.toml"] {
        let rel = Path::new(FIXTURES).join(name);
        let expected =
            fs::read_to_string(manifest_dir().join(rel.with_extension("expected"))).expect("read .expected");
        let rel_str = rel.to_str().expect("utf-8 path");
        let out = cockpit(&["config", "check", "--config", rel_str]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(String::from_utf8_lossy(&out.stderr), format!("error: {expected}"));
    }

    let ok = Path::new(FIXTURES).join("valid/full.toml");
    let out = cockpit(&["config", "check", "--config", ok.to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "{}: ok (site 'platform_core', 3 people, retention 90 days)\n",
            ok.display()
        )
    );
}
