//! The TLS 1.2 key schedule: the PRF (RFC 5246 §5), the master secret
//! (§8.1, and the extended master secret of RFC 7627 §4), the key block
//! (§6.3) and the Finished `verify_data` (§7.4.9).
//!
//! ```text
//! PreMasterSecret --PRF("master secret")--> MasterSecret --PRF("key expansion")--> KeyBlock
//! ```
//!
//! Only AEAD cipher suites are supported (AES-GCM, RFC 5288, and
//! ChaCha20-Poly1305, RFC 7905), so the key block holds no MAC keys; its IVs
//! are the 4-byte implicit part of the GCM nonce, or ChaCha20's whole
//! 12-byte IV.
//!
//! Constant time: yes, because the PRF is HMAC over secrets of public length.

use padlock_sha::hmac::Hmac;
use padlock_sha::{Hash, Sha256, Sha384};
use zeroize::{Zeroize, Zeroizing};

use super::HashAlgorithm;

/// RFC 5246 §8.1: the master secret is always 48 bytes.
const MASTER_SECRET_LEN: usize = 48;

/// RFC 5246 §7.4.9: `verify_data_length` is 12 for every TLS 1.2 suite we have.
const VERIFY_DATA_LEN: usize = 12;

/// The TLS 1.2 PRF: fills `out` with `P_hash(secret, label + seed)`.
///
/// RFC 5246 §5:
///
/// ```text
/// PRF(secret, label, seed) = P_<hash>(secret, label + seed)
/// P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
///                        HMAC_hash(secret, A(2) + seed) + ...
/// A(0) = seed,  A(i) = HMAC_hash(secret, A(i-1))
/// ```
pub fn prf(hash: HashAlgorithm, secret: &[u8], label: &str, seed: &[u8], out: &mut [u8]) {
    // RFC 5246 §5: the label is ASCII, without a length byte or trailing NUL.
    let mut label_seed = Vec::with_capacity(label.len() + seed.len());
    label_seed.extend_from_slice(label.as_bytes());
    label_seed.extend_from_slice(seed);
    match hash {
        HashAlgorithm::Sha256 => p_hash::<Sha256>(secret, &label_seed, out),
        HashAlgorithm::Sha384 => p_hash::<Sha384>(secret, &label_seed, out),
    }
}

/// RFC 5246 §5: `P_hash(secret, seed)`, truncated to `out.len()` bytes.
fn p_hash<H: Hash>(secret: &[u8], seed: &[u8], out: &mut [u8]) {
    // HMAC keyed once with the secret, cloned for each HMAC below.
    let keyed = Hmac::<H>::new(secret);
    let mac = |parts: &[&[u8]]| {
        let mut mac = keyed.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize()
    };
    // A(1) = HMAC_hash(secret, A(0)), with A(0) = seed.
    let mut a = mac(&[seed]);
    for chunk in out.chunks_mut(H::OUTPUT_LEN) {
        let mut block = mac(&[a.as_ref(), seed]);
        chunk.copy_from_slice(&block.as_ref()[..chunk.len()]);
        block.as_mut().zeroize();
        // A(i+1) = HMAC_hash(secret, A(i)).
        a = mac(&[a.as_ref()]);
    }
    a.as_mut().zeroize();
}

/// The 48-byte TLS 1.2 master secret, and the PRF hash of the cipher suite.
///
/// Secret: no `Debug`, `Clone` or comparison; wiped on drop.
pub struct MasterSecret {
    hash: HashAlgorithm,
    bytes: Zeroizing<[u8; MASTER_SECRET_LEN]>,
}

impl MasterSecret {
    /// RFC 5246 §8.1: `PRF(pre_master_secret, "master secret",
    /// ClientHello.random + ServerHello.random)[0..47]`.
    pub fn derive(
        hash: HashAlgorithm,
        premaster: &[u8],
        client_random: &[u8; 32],
        server_random: &[u8; 32],
    ) -> MasterSecret {
        let mut seed = [0; 64];
        let (client, server) = seed.split_at_mut(32);
        client.copy_from_slice(client_random);
        server.copy_from_slice(server_random);
        let mut bytes = Zeroizing::new([0; MASTER_SECRET_LEN]);
        prf(hash, premaster, "master secret", &seed, bytes.as_mut()); // RFC 5246 §8.1
        MasterSecret { hash, bytes }
    }

    /// RFC 7627 §4: the extended master secret, `PRF(pre_master_secret,
    /// "extended master secret", session_hash)[0..47]`, where `session_hash`
    /// is the hash of the handshake messages up to and including the
    /// ClientKeyExchange. It binds the secret to the whole handshake.
    pub fn derive_extended(hash: HashAlgorithm, premaster: &[u8], session_hash: &[u8]) -> MasterSecret {
        let mut bytes = Zeroizing::new([0; MASTER_SECRET_LEN]);
        prf(hash, premaster, "extended master secret", session_hash, bytes.as_mut()); // RFC 7627 §4
        MasterSecret { hash, bytes }
    }

    /// Takes a master secret from elsewhere (a resumed session, a test).
    pub fn from_bytes(hash: HashAlgorithm, bytes: [u8; 48]) -> MasterSecret {
        let mut bytes = bytes;
        let secret = MasterSecret { hash, bytes: Zeroizing::new(bytes) };
        bytes.zeroize();
        secret
    }

    /// The secret's bytes (for the key log and for tests).
    pub fn as_bytes(&self) -> &[u8; 48] {
        &self.bytes
    }

    /// RFC 5246 §6.3: the key block of an AEAD suite, `key_len` bytes per
    /// write key (16 for AES-128-GCM, 32 for AES-256-GCM and
    /// ChaCha20-Poly1305) and `iv_len` per write IV (the 4-byte GCM salt of
    /// RFC 5288 §3, or the 12-byte IV of RFC 7905 §2 for ChaCha20).
    ///
    /// Note the order of the randoms: server first, unlike the master secret.
    pub fn key_block(
        &self,
        client_random: &[u8; 32],
        server_random: &[u8; 32],
        key_len: usize,
        iv_len: usize,
    ) -> KeyBlock {
        let mut seed = [0; 64];
        let (server, client) = seed.split_at_mut(32);
        server.copy_from_slice(server_random);
        client.copy_from_slice(client_random);
        // RFC 5246 §6.3: MAC keys (none for AEAD, RFC 5288 §3), then the
        // write keys, then the write IVs, client before server each time.
        let mut block = Zeroizing::new(vec![0; 2 * key_len + 2 * iv_len]);
        prf(self.hash, self.bytes.as_ref(), "key expansion", &seed, &mut block);
        let (client_key, rest) = block.split_at(key_len);
        let (server_key, rest) = rest.split_at(key_len);
        let (client_iv, server_iv) = rest.split_at(iv_len);
        KeyBlock {
            client_write_key: client_key.to_vec(),
            server_write_key: server_key.to_vec(),
            client_write_iv: client_iv.to_vec(),
            server_write_iv: server_iv.to_vec(),
        }
    }

    /// RFC 5246 §7.4.9: `PRF(master_secret, finished_label,
    /// Hash(handshake_messages))[0..11]`, with `label` `"client finished"` or
    /// `"server finished"` and `handshake_hash` the hash of every handshake
    /// message before this Finished.
    pub fn verify_data(&self, label: &str, handshake_hash: &[u8]) -> [u8; 12] {
        let mut out = [0; VERIFY_DATA_LEN];
        prf(self.hash, self.bytes.as_ref(), label, handshake_hash, &mut out);
        out
    }
}

/// The record keys of a TLS 1.2 AEAD suite (RFC 5246 §6.3, RFC 5288 §3).
///
/// Secret: wiped on drop.
pub struct KeyBlock {
    /// The key that protects what the client sends.
    pub client_write_key: Vec<u8>,
    /// The key that protects what the server sends.
    pub server_write_key: Vec<u8>,
    /// The fixed part of the client's nonces: the implicit first 4 bytes of
    /// its GCM nonces (RFC 5288 §3), or the 12-byte ChaCha20 IV (RFC 7905 §2).
    pub client_write_iv: Vec<u8>,
    /// The same for the server.
    pub server_write_iv: Vec<u8>,
}

impl Drop for KeyBlock {
    fn drop(&mut self) {
        self.client_write_key.zeroize();
        self.server_write_key.zeroize();
        self.client_write_iv.zeroize();
        self.server_write_iv.zeroize();
    }
}
