//! AEAD_CHACHA20_POLY1305 (RFC 8439 §2.8), the AEAD of TLS_CHACHA20_POLY1305_SHA256
//! (RFC 8446) and of TLS 1.2's ChaCha20-Poly1305 suites (RFC 7905).
//!
//! Constant time: yes, because ChaCha20 and Poly1305 are, and the received
//! tag is compared with `subtle`'s `ct_eq`, which looks at every byte.
//!
//! ```text
//! otk        = ChaCha20 block 0 under (key, nonce), first 32 bytes     §2.6
//! ciphertext = plaintext XOR ChaCha20 keystream from block 1            §2.4
//! tag        = Poly1305_otk(aad | pad16 | ciphertext | pad16
//!                           | len(aad) as u64 LE | len(ciphertext) as u64 LE)
//! ```
//!
//! Opening computes the tag over the received ciphertext and compares it
//! before it hands anything back. The two-pass backends decrypt only after
//! the tag matched; the AVX2 backend decrypts each 512-byte region right
//! after MACing it (one pass over the buffer, see `avx2::open`), so on
//! a mismatch it wipes the buffer it decrypted: either way a forged record
//! never leaves `open_in_place` as plaintext.

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::chacha20::{self, BLOCK_LEN, Key};
use crate::poly1305::{self, Poly1305};
use crate::{
    Aead, Backend, DecryptError, KEY_LEN, KeyError, NONCE_LEN, SealError, TAG_LEN, Tag, avx2, check_backend,
};

/// §2.8: P_MAX = 274,877,906,880 bytes, (2^32 - 1) blocks of 64: the
/// keystream starts at block 1 and the counter is 32 bits.
const MAX_PLAINTEXT_LEN: u64 = ((1 << 32) - 1) * BLOCK_LEN as u64;

/// ChaCha20-Poly1305 under one 256-bit key. The key is wiped on drop.
pub struct ChaCha20Poly1305 {
    key: Key,
    backend: Backend,
}

impl ChaCha20Poly1305 {
    /// The AEAD with a 32-byte `key`, on the preferred backend.
    pub fn new(key: &[u8]) -> Result<ChaCha20Poly1305, KeyError> {
        ChaCha20Poly1305::with_backend(key, Backend::preferred())
    }

    /// The AEAD on the given backend.
    pub fn with_backend(key: &[u8], backend: Backend) -> Result<ChaCha20Poly1305, KeyError> {
        let key: &[u8; KEY_LEN] = key.try_into().map_err(|_| KeyError::InvalidLength(key.len()))?;
        check_backend(backend)?;
        Ok(ChaCha20Poly1305 { key: Key::new(key), backend })
    }

    /// The backend this key runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// §2.8 steps 1 and 3: the one-time key from block 0, then Poly1305 over
    /// the padded AAD and ciphertext and their lengths.
    fn tag(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], ciphertext: &[u8]) -> [u8; TAG_LEN] {
        let mut mac = self.mac_aad(nonce, aad);
        mac.update(ciphertext);
        finish_tag(mac, aad.len(), ciphertext.len())
    }

    /// Poly1305 under the one-time key from block 0 (§2.6), with the AAD and
    /// its padding absorbed.
    fn mac_aad(&self, nonce: &[u8; NONCE_LEN], aad: &[u8]) -> Poly1305 {
        let otk = poly1305::key_gen(&self.key, nonce);
        let mut mac = Poly1305::from_key(otk.as_bytes(), self.backend);
        mac.update(aad);
        mac.pad16();
        mac
    }

    /// Whether this key seals and opens in one pass (`avx2::aead`).
    fn stitches(&self) -> bool {
        self.backend == Backend::Avx2 && avx2::stitched_available()
    }

    /// Steps 1 to 3 in one pass over the buffer (`avx2::aead`): ChaCha20
    /// and Poly1305 together, 512 bytes at a time, so that the integer unit
    /// computes Poly1305 while the vector unit computes the keystream.
    /// Sealing (`open = false`) MACs the ciphertext it has made, opening
    /// MACs the ciphertext before decrypting it. Returns the tag.
    fn crypt_and_tag(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buffer: &mut [u8],
        open: bool,
    ) -> [u8; TAG_LEN] {
        let mut state = chacha20::initial_state(&self.key, 0, nonce);
        let tag = avx2::aead(&state, aad, buffer, open);
        state.zeroize();
        tag
    }

    /// §2.8 step 2: ChaCha20 from block 1 (block 0 made the one-time key).
    fn apply_keystream(&self, nonce: &[u8; NONCE_LEN], buffer: &mut [u8]) {
        let mut state = chacha20::initial_state(&self.key, 1, nonce);
        chacha20::xor_keystream(self.backend, &state, buffer);
        state.zeroize();
    }
}

/// §2.8 step 3's end: the ciphertext's padding, then both lengths.
fn finish_tag(mut mac: Poly1305, aad_len: usize, ciphertext_len: usize) -> [u8; TAG_LEN] {
    mac.pad16();
    mac.update(&(aad_len as u64).to_le_bytes());
    mac.update(&(ciphertext_len as u64).to_le_bytes());
    mac.finalize()
}

/// The nonce as 12 bytes, and the lengths within §2.8's limits.
fn check_inputs<'n>(nonce: &'n [u8], text: &[u8]) -> Result<&'n [u8; NONCE_LEN], SealError> {
    // §2.8: N_MIN = N_MAX = 12 octets.
    let nonce: &[u8; NONCE_LEN] = nonce.try_into().map_err(|_| SealError::InvalidNonce)?;
    // §2.8: P_MAX; A_MAX is 2^64 - 1, more than a slice can hold.
    if text.len() as u64 > MAX_PLAINTEXT_LEN {
        return Err(SealError::TooLong);
    }
    Ok(nonce)
}

impl Aead for ChaCha20Poly1305 {
    /// §2.8: encrypt with ChaCha20 from block 1, then the tag over the
    /// ciphertext.
    fn seal_in_place(&self, nonce: &[u8], aad: &[u8], buffer: &mut [u8]) -> Result<Tag, SealError> {
        let nonce = check_inputs(nonce, buffer)?;
        if self.stitches() {
            return Ok(Tag::new(self.crypt_and_tag(nonce, aad, buffer, false), TAG_LEN));
        }
        self.apply_keystream(nonce, buffer);
        Ok(Tag::new(self.tag(nonce, aad, buffer), TAG_LEN))
    }

    /// §2.8 decryption: the tag over the received ciphertext is compared in
    /// constant time; on a mismatch `buffer` is zeroed. The two-pass
    /// backends compare before decrypting; the one-pass AVX2 path decrypts
    /// as it authenticates and wipes the whole buffer on a mismatch, so no
    /// unverified plaintext is returned either way.
    fn open_in_place(
        &self,
        nonce: &[u8],
        aad: &[u8],
        buffer: &mut [u8],
        tag: &[u8],
    ) -> Result<(), DecryptError> {
        // §4: the complete tag MUST be used; truncated tags are refused.
        let (Ok(nonce), TAG_LEN) = (check_inputs(nonce, buffer), tag.len()) else {
            buffer.fill(0);
            return Err(DecryptError);
        };
        let stitches = self.stitches();
        let expected = if stitches {
            self.crypt_and_tag(nonce, aad, buffer, true)
        } else {
            self.tag(nonce, aad, buffer)
        };
        // §4: "implementation MUST use a constant-time comparison function".
        if !bool::from(expected.ct_eq(tag)) {
            buffer.fill(0);
            return Err(DecryptError);
        }
        if !stitches {
            self.apply_keystream(nonce, buffer);
        }
        Ok(())
    }
}
