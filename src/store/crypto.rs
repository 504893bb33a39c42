//! Sealing and key derivation. See the scheme in the `store` module doc.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Version byte at the front of every sealed value and inside every AAD.
pub const FORMAT_VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// A 256-bit key, wiped from memory on drop.
pub type Key32 = Zeroizing<[u8; 32]>;

/// A fresh random 256-bit key.
pub fn random_key() -> Key32 {
    let mut k = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(k.as_mut());
    k
}

/// Random bytes (salts).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rng().fill_bytes(&mut b);
    b
}

/// HKDF-SHA256 expansion of `ikm` with `salt` and `info` into a 256-bit key.
pub fn hkdf32(ikm: &[u8], salt: &[u8], info: &[u8]) -> Key32 {
    let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so this cannot fail.
    let _ = hk.expand(info, out.as_mut());
    out
}

/// Argon2id over a passphrase, 64 MiB, 3 passes, 1 lane (OWASP's first
/// recommended configuration), into a 256-bit key.
///
/// # Errors
/// A message when Argon2 rejects its parameters (it does not for these).
pub fn argon2id(passphrase: &[u8], salt: &[u8]) -> Result<Key32, String> {
    let params = argon2::Params::new(64 * 1024, 3, 1, Some(32)).map_err(|e| e.to_string())?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase, salt, out.as_mut())
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// Associated data binding a sealed value to where it belongs.
pub fn aad(site: &str, table: &str, row_key: &[u8]) -> Vec<u8> {
    let mut a = Vec::with_capacity(16 + site.len() + table.len() + row_key.len());
    a.extend_from_slice(b"acv");
    a.push(FORMAT_VERSION);
    for part in [site.as_bytes(), table.as_bytes(), row_key] {
        a.extend_from_slice(&(part.len() as u32).to_be_bytes());
        a.extend_from_slice(part);
    }
    a
}

/// The AEAD for one key.
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl Sealer {
    /// A sealer over `key`.
    pub fn new(key: &[u8; 32]) -> Sealer {
        Sealer {
            cipher: XChaCha20Poly1305::new(key.into()),
        }
    }

    /// `version || nonce(24) || ciphertext+tag`, with a fresh random nonce.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        let nonce_bytes: [u8; NONCE_LEN] = random_bytes();
        let nonce = XNonce::from(nonce_bytes);
        let mut out = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + TAG_LEN);
        out.push(FORMAT_VERSION);
        out.extend_from_slice(&nonce_bytes);
        // Encryption with a valid key and nonce only fails for inputs over
        // 256 GiB; an empty output then fails every later open, loudly.
        if let Ok(ct) = self.cipher.encrypt(&nonce, Payload { msg: plaintext, aad }) {
            out.extend_from_slice(&ct);
        }
        out
    }

    /// Opens what [`Sealer::seal`] produced with the same `aad`.
    /// `None` when the value was altered, moved to another row or table, or
    /// sealed under another key.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != FORMAT_VERSION {
            return None;
        }
        let nonce = XNonce::from_slice(&sealed[1..1 + NONCE_LEN]);
        self.cipher
            .decrypt(
                nonce,
                Payload {
                    msg: &sealed[1 + NONCE_LEN..],
                    aad,
                },
            )
            .ok()
            .map(Zeroizing::new)
    }
}

/// HMAC-SHA256 blinding of row keys that carry names or ids.
pub struct Blinder {
    key: Key32,
}

impl Blinder {
    /// A blinder over `key`.
    pub fn new(key: Key32) -> Blinder {
        Blinder { key }
    }

    /// `HMAC-SHA256(key, table || 0 || id)`: stable per site, unlinkable across sites.
    pub fn blind(&self, table: &str, id: &str) -> [u8; 32] {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(self.key.as_ref()) else {
            // HMAC accepts keys of any length.
            return [0u8; 32];
        };
        mac.update(table.as_bytes());
        mac.update(&[0]);
        mac.update(id.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_binding() {
        let key = random_key();
        let s = Sealer::new(&key);
        let a = aad("site", "records.work_item", b"row1");
        let sealed = s.seal(b"hello", &a);
        assert_eq!(sealed.len(), 1 + 24 + 5 + 16);
        assert_eq!(
            s.open(&sealed, &a).as_deref().map(Vec::as_slice),
            Some(&b"hello"[..])
        );
        // Another row, table or site: refused.
        assert!(
            s.open(&sealed, &aad("site", "records.work_item", b"row2"))
                .is_none()
        );
        assert!(s.open(&sealed, &aad("site", "records.sprint", b"row1")).is_none());
        assert!(
            s.open(&sealed, &aad("other", "records.work_item", b"row1"))
                .is_none()
        );
        // Another key: refused.
        assert!(Sealer::new(&random_key()).open(&sealed, &a).is_none());
        // Fresh nonce every time.
        assert_ne!(s.seal(b"hello", &a), sealed);
    }

    #[test]
    fn blinding_is_stable_and_keyed() {
        let k = random_key();
        let b1 = Blinder::new(k.clone());
        let b2 = Blinder::new(random_key());
        assert_eq!(b1.blind("t", "ALP-1"), b1.blind("t", "ALP-1"));
        assert_ne!(b1.blind("t", "ALP-1"), b1.blind("u", "ALP-1"));
        assert_ne!(b1.blind("t", "ALP-1"), b2.blind("t", "ALP-1"));
    }
}
