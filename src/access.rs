//! Access: who may see what. The three rules live here and nowhere else:
//! 1. own data is always visible to its owner;
//! 2. team aggregates are visible to every team member, without attribution;
//! 3. another person's individual detail only for a strategic role
//!    (`engineering-manager`, `team-lead`), each such read audited.
//!
//! Must not: fetch or render anything.

use crate::config::{Config, STRATEGIC_ROLES};

/// Who is looking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Cockpit name.
    pub name: String,
    /// Roles from the config.
    pub roles: Vec<String>,
}

impl Viewer {
    /// Whether the viewer holds a strategic role.
    pub fn is_strategic(&self) -> bool {
        self.roles.iter().any(|r| STRATEGIC_ROLES.contains(&r.as_str()))
    }

    /// The role shown in the status line.
    pub fn role_label(&self) -> String {
        self.roles.first().cloned().unwrap_or_else(|| "engineer".into())
    }

    /// The viewer for this login: the person whose `unix_user` matches
    /// `$USER`, else the first strategic person for the demo, else an
    /// anonymous team member with no roles.
    pub fn from_config(cfg: &Config, unix_user: Option<&str>) -> Viewer {
        let person = unix_user.and_then(|u| cfg.people.iter().find(|p| p.unix_user.as_deref() == Some(u)));
        match person {
            Some(p) => Viewer {
                name: p.name.clone(),
                roles: p.roles.clone(),
            },
            None => Viewer {
                name: unix_user.unwrap_or("you").to_string(),
                roles: Vec::new(),
            },
        }
    }
}
