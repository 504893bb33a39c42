//! Where the key-encryption key comes from: a passphrase, a key file, or
//! systemd credentials. Resolution order (first that is present wins):
//!
//! 1. `ASYNC_COCKPIT_PASSPHRASE` (Argon2id, salted per site);
//! 2. `$CREDENTIALS_DIRECTORY/async-cockpit-key` (systemd `LoadCredential=`);
//! 3. the key file: `--key-file`, else `$XDG_CONFIG_HOME/async-cockpit/key`,
//!    made by `async-cockpit key init` (32 random bytes, hex, mode 0600).

use std::io::Write;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::StoreError;
use super::crypto::{Key32, random_key};

/// Environment variable holding the passphrase.
pub const PASSPHRASE_ENV: &str = "ASYNC_COCKPIT_PASSPHRASE";
/// File name looked up in `$CREDENTIALS_DIRECTORY`.
pub const CREDENTIAL_NAME: &str = "async-cockpit-key";

/// The secret the key-encryption key is derived from.
pub enum KeySource {
    /// A passphrase, stretched with Argon2id.
    Passphrase(Zeroizing<String>),
    /// 32 bytes of key material read from a file.
    KeyFile {
        /// Where it was read (for messages).
        path: PathBuf,
        /// The material.
        key: Key32,
    },
    /// Key material held in memory only (the demo's throw-away store).
    Ephemeral(Key32),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        match self {
            KeySource::Passphrase(_) => f.write_str("KeySource::Passphrase(..)"),
            KeySource::KeyFile { path, .. } => write!(f, "KeySource::KeyFile({})", path.display()),
            KeySource::Ephemeral(_) => f.write_str("KeySource::Ephemeral(..)"),
        }
    }
}

impl KeySource {
    /// A short label stored beside the wrapped key, so a wrong *kind* of key
    /// gets a precise message.
    pub fn kind(&self) -> &'static str {
        match self {
            KeySource::Passphrase(_) => "passphrase",
            KeySource::KeyFile { .. } | KeySource::Ephemeral(_) => "key-file",
        }
    }

    /// A fresh random in-memory key.
    pub fn ephemeral() -> KeySource {
        KeySource::Ephemeral(random_key())
    }

    /// Resolves the key source from the environment and `key_file`.
    ///
    /// # Errors
    /// [`StoreError::NoKey`] when none is present; [`StoreError::KeyFile`] when a
    /// key file exists but is unreadable, malformed or readable by others.
    pub fn resolve(key_file: &Path) -> Result<KeySource, StoreError> {
        if let Some(p) = std::env::var_os(PASSPHRASE_ENV).filter(|v| !v.is_empty()) {
            let s = p.into_string().map_err(|_| StoreError::KeyFile {
                path: PathBuf::from(PASSPHRASE_ENV),
                reason: "the passphrase is not valid UTF-8".into(),
            })?;
            return Ok(KeySource::Passphrase(Zeroizing::new(s)));
        }
        if let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY") {
            let path = PathBuf::from(dir).join(CREDENTIAL_NAME);
            if path.exists() {
                return read_key_file(&path, false);
            }
        }
        if key_file.exists() {
            return read_key_file(key_file, true);
        }
        Err(StoreError::NoKey {
            key_file: key_file.to_path_buf(),
        })
    }
}

/// Reads a key file: 64 hex characters (whitespace ignored).
///
/// # Errors
/// [`StoreError::KeyFile`] naming the file and the reason.
pub fn read_key_file(path: &Path, check_mode: bool) -> Result<KeySource, StoreError> {
    let bad = |reason: String| StoreError::KeyFile {
        path: path.to_path_buf(),
        reason,
    };
    #[cfg(unix)]
    if check_mode {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| bad(e.to_string()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(bad(format!(
                "mode {:o} lets other users read it; run `chmod 600 {}`",
                mode & 0o777,
                path.display()
            )));
        }
    }
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?);
    let hex_text: Zeroizing<String> = Zeroizing::new(text.split_whitespace().collect());
    let mut key = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(hex_text.as_bytes(), key.as_mut())
        .map_err(|_| bad("expected 64 hexadecimal characters (256 bits)".into()))?;
    Ok(KeySource::KeyFile {
        path: path.to_path_buf(),
        key,
    })
}

/// Creates a new key file with 256 random bits, mode 0600, in a 0700 folder.
///
/// # Errors
/// [`StoreError::KeyFile`] when the file already exists (never overwritten:
/// that would orphan every store sealed under it) or cannot be written.
pub fn init_key_file(path: &Path) -> Result<(), StoreError> {
    let bad = |reason: String| StoreError::KeyFile {
        path: path.to_path_buf(),
        reason,
    };
    if path.exists() {
        return Err(bad(
            "already exists; refusing to overwrite it (stores sealed under it would become unreadable)"
                .into(),
        ));
    }
    if let Some(parent) = path.parent() {
        super::fsutil::create_private_dir(parent).map_err(|e| bad(e.to_string()))?;
    }
    let key = random_key();
    let text = Zeroizing::new(format!("{}\n", hex::encode(key.as_ref())));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| bad(e.to_string()))?;
    f.write_all(text.as_bytes()).map_err(|e| bad(e.to_string()))?;
    f.sync_all().map_err(|e| bad(e.to_string()))?;
    Ok(())
}
