//! # ASYNC Cockpit
//!
//! A terminal team cockpit: engineering intelligence from GitHub, Jira, Slack,
//! Zoom and Confluence, kept in an encrypted local store.
//!
//! ## Module map and data flow
//! ```text
//!  sources/ (one HTTP policy, one client per provider) ──▶ provider-neutral model/
//!        │                                                    │
//!        ▼                                                    ▼
//!  sync/  (cursors; each page and its cursor in one transaction) ──▶ store/ (sealed redb)
//!                                                                     │
//!  analytics/ (pure: records + calendar + clock → metrics) ◀──────────┘
//!        │
//!        ▼
//!  insight/ cards · access (the three rules) ──▶ ui/ (ratatui cockpit)
//! ```
//! - [`config`]: load, validate and layer the TOML configuration; file paths.
//! - [`model`]: the provider-neutral records every layer speaks.
//! - [`store`]: the encrypted redb store, keys, retention purge.
//! - [`sources`]: the HTTP policy and the provider clients.
//! - [`replay`]: a loopback server replaying wire-format payloads (demo, tests, benches).
//! - [`sync`]: pulls sources into the store.
//! - [`analytics`]: pure metric functions.
//! - [`insight`]: intelligence cards drawn from the metrics.
//! - [`llm`]: drafted text (offline templates or an LLM behind the redaction gate).
//! - [`identity`]: one person per human across providers.
//! - [`access`]: who may see what.
//! - [`ui`]: the terminal cockpit.
//! - [`cli`] and [`commands`]: the command line and what each command does.
//!
//! Arrows point one way: a lower layer never imports a higher one.

pub mod access;
pub mod analytics;
pub mod cli;
pub mod commands;
pub mod config;
pub mod identity;
pub mod insight;
pub mod llm;
pub mod model;
pub mod replay;
pub mod sources;
pub mod store;
pub mod sync;
pub mod ui;
