//! Sources: the one HTTP policy and one client per provider, turning each
//! provider's wire format into provider-neutral records.
//!
//! Owns: requests, pagination, wire types and their mapping. Must not: write
//! to the store (the sync layer does) or compute metrics.

pub mod confluence;
pub mod github;
pub mod http;
pub mod import;
pub mod jira;
pub mod slack;
pub mod time;
pub mod transcript;
pub mod zoom;
