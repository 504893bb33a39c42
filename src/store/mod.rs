//! The encrypted store: one redb file per site, every value sealed.
//!
//! Owns: the on-disk format, keys, sealing, blinding, the retention purge,
//! the audit log, and the write path the sync uses ([`Writer`]: a thread per
//! source, group commits, deferred `fsync`; see `writer`'s doc for why a
//! crash still never leaves a cursor ahead of its records). Must not: know
//! providers, HTTP, analytics or the UI.
//!
//! # Scheme
//! - **Files.** `<data-dir>/<site>/store.redb`, folder 0700, file 0600. redb's
//!   exclusive lock means one process opens a store at a time; the team box
//!   shares through `async-cockpit serve`, never through the file.
//! - **Keys.** A random 256-bit *data key* (DEK) per site. It is stored wrapped
//!   (XChaCha20-Poly1305) under a *key-encryption key* (KEK) derived with
//!   HKDF-SHA256 (salt: a random per-site salt; info: the site name) from either
//!   Argon2id(`ASYNC_COCKPIT_PASSPHRASE`, salt) or 256 bits from a 0600 key file
//!   or `$CREDENTIALS_DIRECTORY` (see [`keys`]). From the DEK, HKDF derives the
//!   *sealing key* and the *blinding key*. All key material sits in
//!   `Zeroizing` buffers, wiped on drop.
//! - **Sealing.** Every value is `version(1) || nonce(24, random) ||
//!   XChaCha20-Poly1305 ciphertext+tag`, with associated data binding the format
//!   version, site, table name and row key. A value altered on disk, or moved to
//!   another row, table or site, fails to open: an integrity error naming the table.
//! - **Blinding.** Row keys that carry names or ids (record ids, cursor scopes,
//!   provider names of secrets) are `HMAC-SHA256(blinding key, table || id)`.
//! - **Wrong key.** The wrapped DEK fails to open, and a sealed check value is
//!   verified after unwrapping: `wrong passphrase or key file for site 'X'`,
//!   never garbage.
//!
//! # What stays plaintext, and why
//! - Table names (`records.work_item`, `retention.work_item`,
//!   `meta`, `cursors`, `secrets`, `snapshots`, `audit`, `triage`): redb needs them; they
//!   reveal which *kinds* of data exist, nothing else.
//! - In `meta`: the format version, the site name (to refuse a file copied under
//!   another site's name with a clear message), the kind of key (passphrase or
//!   key file, for a precise error), the KEK salt. The DEK and check value are
//!   sealed.
//! - Day buckets (days since 1970-01-01 UTC of each record's event time): the
//!   first 4 bytes of each retained value (outside the seal) and the keys of
//!   the `retention.*` index, so the purge can find expired rows
//!   without the key. They reveal how many records fall on each day.
//! - Audit sequence numbers (the audit entries themselves are sealed).
//! - Value lengths (padding is not used).

pub mod crypto;
mod fsutil;
pub mod keys;
mod marks;
mod retention;
mod snapshot;
mod tables;
mod triage;
mod writer;

pub use fsutil::{create_private_dir, ensure_private_file};
pub use keys::{KeySource, init_key_file};
pub use marks::StandupFlag;
pub use retention::PurgeReport;
pub use tables::{AuditEntry, LlmOutput};
pub use writer::{Batch, Commit, DURABLE_EVERY, Writer};

use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use zeroize::Zeroizing;

use crate::model::{Record, RecordKind};
use crypto::{Blinder, Key32, Sealer, aad, hkdf32};

/// File name of a site's store inside its folder.
pub const STORE_FILE: &str = "store.redb";

/// Why the store could not do what was asked. Messages name the site, table or file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The key does not open this site's store.
    #[error("wrong passphrase or key file for site '{site}'")]
    WrongKey {
        /// Site.
        site: String,
    },
    /// The store was sealed with another kind of key.
    #[error("the store of site '{site}' is protected by a {expected}, but a {given} was given; {hint}")]
    KeyKind {
        /// Site.
        site: String,
        /// Kind recorded in the store.
        expected: String,
        /// Kind given.
        given: String,
        /// What to do.
        hint: String,
    },
    /// No key anywhere.
    #[error(
        "no key for the encrypted store: set ASYNC_COCKPIT_PASSPHRASE, or run `async-cockpit key init` \
         to create the key file {key_file}"
    )]
    NoKey {
        /// Where the key file was looked for.
        key_file: PathBuf,
    },
    /// A key file problem.
    #[error("key file {path}: {reason}")]
    KeyFile {
        /// File.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A value failed authentication: altered, swapped or truncated.
    #[error(
        "integrity error in table '{table}' of site '{site}': a stored value was altered or moved; \
         the store file may be damaged or tampered with"
    )]
    Integrity {
        /// Site.
        site: String,
        /// Table.
        table: String,
    },
    /// Another process holds the store.
    #[error(
        "the store {path} is already open in another async-cockpit process; close it, or run \
         `async-cockpit serve` once and attach every cockpit to it for shared use"
    )]
    Locked {
        /// File.
        path: PathBuf,
    },
    /// No store yet for the site.
    #[error("no store for site '{site}' at {path}; run `async-cockpit sync` (or `demo --data-dir`) first")]
    NotFound {
        /// Site.
        site: String,
        /// File looked for.
        path: PathBuf,
    },
    /// The file belongs to another site.
    #[error("the store at {path} belongs to site '{found}', not '{site}'")]
    SiteMismatch {
        /// Site asked for.
        site: String,
        /// Site recorded in the file.
        found: String,
        /// File.
        path: PathBuf,
    },
    /// The file is not a store this version understands.
    #[error("{path} is not an async-cockpit store or is damaged: {reason}")]
    Corrupt {
        /// File.
        path: PathBuf,
        /// Detail.
        reason: String,
    },
    /// redb failed.
    #[error("store database error ({context}): {message}")]
    Db {
        /// What was being done.
        context: &'static str,
        /// redb's message.
        message: String,
    },
    /// File system failure.
    #[error("{path}: {source}")]
    Io {
        /// File or folder.
        path: PathBuf,
        /// Error.
        source: std::io::Error,
    },
    /// The sync's writer thread refused or failed a write.
    #[error("store writer for {label}: {message}; nothing after that was written")]
    Writer {
        /// Whose writer (a source name).
        label: String,
        /// The first failure.
        message: String,
    },
    /// A decrypted value did not deserialize (a bug or a version mismatch).
    #[error("cannot decode a value of table '{table}': {message}")]
    Decode {
        /// Table.
        table: String,
        /// serde message.
        message: String,
    },
}

pub(crate) fn db_err(context: &'static str) -> impl Fn(&dyn std::fmt::Display) -> StoreError {
    move |e| StoreError::Db {
        context,
        message: e.to_string(),
    }
}

/// How values are encoded: sealed (always, in the program) or plain (only the
/// storage benchmark's baseline, to measure what sealing costs).
pub(crate) enum Codec {
    Sealed { sealer: Sealer, blinder: Blinder },
    Plain,
}

/// An open store of one site.
///
/// Clones share the one open database (the sync's writer thread holds one);
/// the file is closed, and its lock released, when the last clone is dropped.
#[derive(Clone)]
pub struct Store {
    inner: std::sync::Arc<Inner>,
}

struct Inner {
    db: Database,
    site: String,
    path: PathBuf,
    codec: Codec,
}

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const CHECK_PLAINTEXT: &[u8] = b"async-cockpit:check:v1";

impl Store {
    /// Opens (or, with `create`, creates) the store of `site` in `site_dir`.
    ///
    /// # Errors
    /// [`StoreError::WrongKey`], [`StoreError::KeyKind`], [`StoreError::Locked`],
    /// [`StoreError::NotFound`] (when `create` is false), [`StoreError::SiteMismatch`],
    /// [`StoreError::Corrupt`], [`StoreError::Io`].
    pub fn open(site_dir: &Path, site: &str, key: &KeySource, create: bool) -> Result<Store, StoreError> {
        let path = site_dir.join(STORE_FILE);
        let db = open_db(site_dir, &path, site, create)?;
        let codec = unlock(&db, &path, site, key)?;
        Ok(Store::from_parts(db, site, path, codec))
    }

    /// Opens a store whose values are **not sealed**, for the storage
    /// benchmark's baseline only. The program never calls this.
    ///
    /// # Errors
    /// As [`Store::open`].
    #[doc(hidden)]
    pub fn open_plaintext_baseline(site_dir: &Path, site: &str) -> Result<Store, StoreError> {
        let path = site_dir.join(STORE_FILE);
        let db = open_db(site_dir, &path, site, true)?;
        Ok(Store::from_parts(db, site, path, Codec::Plain))
    }

    fn from_parts(db: Database, site: &str, path: PathBuf, codec: Codec) -> Store {
        Store {
            inner: std::sync::Arc::new(Inner {
                db,
                site: site.to_string(),
                path,
                codec,
            }),
        }
    }

    /// The site this store belongs to.
    pub fn site(&self) -> &str {
        &self.inner.site
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    pub(crate) fn db(&self) -> &Database {
        &self.inner.db
    }

    /// Blinded row key of `id` in `table` (plain bytes in the baseline).
    pub(crate) fn row_key(&self, table: &str, id: &str) -> Vec<u8> {
        match &self.inner.codec {
            Codec::Sealed { blinder, .. } => blinder.blind(table, id).to_vec(),
            Codec::Plain => id.as_bytes().to_vec(),
        }
    }

    pub(crate) fn seal(&self, table: &str, row_key: &[u8], plaintext: &[u8]) -> Vec<u8> {
        match &self.inner.codec {
            Codec::Sealed { sealer, .. } => sealer.seal(plaintext, &aad(&self.inner.site, table, row_key)),
            Codec::Plain => plaintext.to_vec(),
        }
    }

    pub(crate) fn open_value(
        &self,
        table: &str,
        row_key: &[u8],
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        match &self.inner.codec {
            Codec::Sealed { sealer, .. } => sealer
                .open(sealed, &aad(&self.inner.site, table, row_key))
                .ok_or_else(|| StoreError::Integrity {
                    site: self.inner.site.clone(),
                    table: table.to_string(),
                }),
            Codec::Plain => Ok(Zeroizing::new(sealed.to_vec())),
        }
    }

    /// Opens a retained value (`day || sealed`).
    pub(crate) fn open_retained(
        &self,
        table: &str,
        row_key: &[u8],
        stored: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        let (_, sealed) = tables::split_day(stored).ok_or_else(|| StoreError::Integrity {
            site: self.inner.site.clone(),
            table: table.to_string(),
        })?;
        self.open_value(table, row_key, sealed)
    }

    /// Number of stored records per kind.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn counts(&self) -> Result<Vec<(RecordKind, u64)>, StoreError> {
        let txn = self.inner.db.begin_read().map_err(|e| db_err("begin read")(&e))?;
        let mut out = Vec::new();
        for kind in RecordKind::ALL {
            let n = match txn.open_table(tables::data_table(tables::kind_tables(kind).data)) {
                Ok(t) => t.len().map_err(|e| db_err("count")(&e))?,
                Err(redb::TableError::TableDoesNotExist(_)) => 0,
                Err(e) => return Err(db_err("open table")(&e)),
            };
            out.push((kind, n));
        }
        Ok(out)
    }

    /// Every record of `kind`, unsealed, in row-key order.
    ///
    /// # Errors
    /// [`StoreError::Integrity`] if any value fails to open.
    pub fn records(&self, kind: RecordKind) -> Result<Vec<Record>, StoreError> {
        let names = tables::kind_tables(kind);
        let txn = self.inner.db.begin_read().map_err(|e| db_err("begin read")(&e))?;
        let table = match txn.open_table(tables::data_table(names.data)) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(db_err("open table")(&e)),
        };
        let mut out = Vec::new();
        for row in table.iter().map_err(|e| db_err("iterate")(&e))? {
            let (k, v) = row.map_err(|e| db_err("read row")(&e))?;
            let plain = self.open_retained(names.data, k.value(), v.value())?;
            let rec: Record = serde_json::from_slice(&plain).map_err(|e| StoreError::Decode {
                table: names.data.to_string(),
                message: e.to_string(),
            })?;
            out.push(rec);
        }
        Ok(out)
    }

    /// Every record of every kind.
    ///
    /// # Errors
    /// As [`Store::records`].
    pub fn all_records(&self) -> Result<Vec<Record>, StoreError> {
        let mut out = Vec::new();
        for kind in RecordKind::ALL {
            out.extend(self.records(kind)?);
        }
        Ok(out)
    }

    /// Writes `records` and, when given, the sync cursor `(scope, value)` in one
    /// durable transaction: after a crash either all of it is there or none.
    /// Returns how many records were written. (The sync writes through
    /// [`Store::writer`] instead.)
    ///
    /// # Errors
    /// [`StoreError::Db`] (nothing is written).
    pub fn write_batch(&self, records: &[Record], cursor: Option<(&str, &str)>) -> Result<usize, StoreError> {
        self.write_parts(records.iter(), cursor.into_iter(), Commit::Durable)
    }

    /// The stored sync cursor of `scope`.
    ///
    /// # Errors
    /// [`StoreError::Integrity`], [`StoreError::Db`].
    pub fn cursor(&self, scope: &str) -> Result<Option<String>, StoreError> {
        Ok(
            tables::get_keyed(self, tables::CURSORS, scope)?
                .map(|v| String::from_utf8_lossy(&v).into_owned()),
        )
    }

    /// Stores a provider token, sealed (`async-cockpit auth set`).
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn put_secret(&self, provider: &str, token: &str) -> Result<(), StoreError> {
        let txn = self
            .inner
            .db
            .begin_write()
            .map_err(|e| db_err("begin write")(&e))?;
        tables::put_plain_keyed(self, &txn, tables::SECRETS, provider, token.as_bytes())?;
        txn.commit().map_err(|e| db_err("commit")(&e))
    }

    /// A stored provider token.
    ///
    /// # Errors
    /// [`StoreError::Integrity`], [`StoreError::Db`].
    pub fn secret(&self, provider: &str) -> Result<Option<Zeroizing<String>>, StoreError> {
        Ok(tables::get_keyed(self, tables::SECRETS, provider)?
            .map(|v| Zeroizing::new(String::from_utf8_lossy(&v).into_owned())))
    }
}

fn open_db(site_dir: &Path, path: &Path, site: &str, create: bool) -> Result<Database, StoreError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| StoreError::Io { path: p, source }
    };
    if !path.exists() {
        if !create {
            return Err(StoreError::NotFound {
                site: site.to_string(),
                path: path.to_path_buf(),
            });
        }
        create_private_dir(site_dir).map_err(io(site_dir))?;
    }
    ensure_private_file(path).map_err(io(path))?;
    Database::create(path).map_err(|e| match e {
        redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Locked {
            path: path.to_path_buf(),
        },
        other => StoreError::Corrupt {
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    })
}

/// Reads or initialises the key material of the store in `db`.
fn unlock(db: &Database, path: &Path, site: &str, key: &KeySource) -> Result<Codec, StoreError> {
    let existing = {
        let txn = db.begin_read().map_err(|e| db_err("begin read")(&e))?;
        match txn.open_table(META) {
            Ok(t) => {
                let get = |k: &str| -> Result<Option<Vec<u8>>, StoreError> {
                    Ok(t.get(k)
                        .map_err(|e| db_err("read meta")(&e))?
                        .map(|v| v.value().to_vec()))
                };
                match (
                    get("site")?,
                    get("kek_kind")?,
                    get("salt")?,
                    get("wrapped_dek")?,
                    get("check")?,
                ) {
                    (Some(s), Some(k), Some(salt), Some(w), Some(c)) => Some((s, k, salt, w, c)),
                    (None, None, None, None, None) => None,
                    _ => {
                        return Err(StoreError::Corrupt {
                            path: path.to_path_buf(),
                            reason: "key metadata is incomplete".into(),
                        });
                    }
                }
            }
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(db_err("open meta")(&e)),
        }
    };
    match existing {
        Some((found_site, kind, salt, wrapped, check)) => {
            let found_site = String::from_utf8_lossy(&found_site).into_owned();
            if found_site != site {
                return Err(StoreError::SiteMismatch {
                    site: site.to_string(),
                    found: found_site,
                    path: path.to_path_buf(),
                });
            }
            let kind = String::from_utf8_lossy(&kind).into_owned();
            if kind != key.kind() {
                let hint = if kind == "passphrase" {
                    "set ASYNC_COCKPIT_PASSPHRASE".to_string()
                } else {
                    "unset ASYNC_COCKPIT_PASSPHRASE so the key file is used".to_string()
                };
                return Err(StoreError::KeyKind {
                    site: site.to_string(),
                    expected: kind,
                    given: key.kind().to_string(),
                    hint,
                });
            }
            let kek = derive_kek(key, &salt, site)?;
            let wrong = || StoreError::WrongKey {
                site: site.to_string(),
            };
            let dek_bytes = Sealer::new(&kek)
                .open(&wrapped, &aad(site, "meta", b"wrapped_dek"))
                .ok_or_else(wrong)?;
            let mut dek: Key32 = Zeroizing::new([0u8; 32]);
            if dek_bytes.len() != 32 {
                return Err(wrong());
            }
            dek.copy_from_slice(&dek_bytes);
            let codec = codec_from_dek(&dek, site);
            if let Codec::Sealed { sealer, .. } = &codec {
                let ok = sealer
                    .open(&check, &aad(site, "meta", b"check"))
                    .is_some_and(|v| v.as_slice() == CHECK_PLAINTEXT);
                if !ok {
                    return Err(wrong());
                }
            }
            Ok(codec)
        }
        None => {
            let salt: [u8; 16] = crypto::random_bytes();
            let kek = derive_kek(key, &salt, site)?;
            let dek = crypto::random_key();
            let wrapped = Sealer::new(&kek).seal(dek.as_ref(), &aad(site, "meta", b"wrapped_dek"));
            let codec = codec_from_dek(&dek, site);
            let check = match &codec {
                Codec::Sealed { sealer, .. } => sealer.seal(CHECK_PLAINTEXT, &aad(site, "meta", b"check")),
                Codec::Plain => Vec::new(),
            };
            let txn = db.begin_write().map_err(|e| db_err("begin write")(&e))?;
            {
                let mut t = txn.open_table(META).map_err(|e| db_err("open meta")(&e))?;
                let rows: [(&str, &[u8]); 6] = [
                    ("format", b"1"),
                    ("site", site.as_bytes()),
                    ("kek_kind", key.kind().as_bytes()),
                    ("salt", &salt),
                    ("wrapped_dek", &wrapped),
                    ("check", &check),
                ];
                for (k, v) in rows {
                    t.insert(k, v).map_err(|e| db_err("write meta")(&e))?;
                }
            }
            txn.commit().map_err(|e| db_err("commit")(&e))?;
            Ok(codec)
        }
    }
}

fn derive_kek(key: &KeySource, salt: &[u8], site: &str) -> Result<Key32, StoreError> {
    let info = format!("async-cockpit kek v1|{site}");
    match key {
        KeySource::Passphrase(p) => {
            let stretched = crypto::argon2id(p.as_bytes(), salt).map_err(|reason| StoreError::KeyFile {
                path: PathBuf::from(keys::PASSPHRASE_ENV),
                reason,
            })?;
            Ok(hkdf32(stretched.as_ref(), salt, info.as_bytes()))
        }
        KeySource::KeyFile { key, .. } | KeySource::Ephemeral(key) => {
            Ok(hkdf32(key.as_ref(), salt, info.as_bytes()))
        }
    }
}

fn codec_from_dek(dek: &Key32, site: &str) -> Codec {
    let seal_key = hkdf32(dek.as_ref(), site.as_bytes(), b"async-cockpit seal v1");
    let blind_key = hkdf32(dek.as_ref(), site.as_bytes(), b"async-cockpit blind v1");
    Codec::Sealed {
        sealer: Sealer::new(&seal_key),
        blinder: Blinder::new(blind_key),
    }
}
