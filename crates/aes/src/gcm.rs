//! AES-GCM: Galois/Counter Mode (NIST SP 800-38D), the AEAD that seals TLS
//! records (RFC 5288 for TLS 1.2, RFC 8446 §5.2 for TLS 1.3).
//!
//! GCM encrypts with counter mode and authenticates with GHASH, a polynomial
//! hash over GF(2^128) keyed by `H = E_K(0^128)`:
//!
//! ```text
//! J0 = IV ‖ 0^31 ‖ 1                        (96-bit IV; else GHASH of the IV)
//! C  = GCTR(inc32(J0), P)                   counter mode from the block after J0
//! S  = GHASH(A ‖ pad ‖ C ‖ pad ‖ [len(A)]64 ‖ [len(C)]64)
//! T  = MSB_t(E_K(J0) ⊕ S)
//! ```
//!
//! Opening recomputes `T` over the received ciphertext and compares it in
//! constant time before any plaintext is handed back: a mismatch leaves the
//! buffer zeroed and returns an error.
//!
//! # One pass or two
//!
//! Written as the standard writes it, GCM is two passes over the message:
//! counter mode, then GHASH over the ciphertext (opening: GHASH first, then
//! decryption). On CPUs with VAES and VPCLMULQDQ the whole steps of sixteen
//! blocks go through one kernel instead (`Clmul::ctr_and_absorb`), which runs
//! the AES rounds of one step beside the GHASH multiplications of another,
//! so the AES and carry-less multiply units work at the same time. Opening
//! then decrypts while it hashes, and wipes the buffer if the tag turns out
//! wrong. The rest of the message (under sixteen blocks) and every other CPU
//! take the two passes. Tests check both ways against each other and the
//! standard's vectors.

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::clmul::Direction;
use crate::ctr::apply_keystream_inc32;
use crate::ghash::{Ghash, GhashBackend};
use crate::{Aead, Aes, Backend, DecryptError, KeyError, Tag};
use padlock_aead::SealError;

/// SP 800-38D §5.2.1.1: at most 2^39 - 256 bits of plaintext, so that the
/// 32-bit block counter never wraps into J0.
const MAX_PLAINTEXT_LEN: u64 = (1 << 36) - 32;

/// AES-GCM under one key.
pub struct AesGcm {
    aes: Aes,
    /// GHASH under the hash subkey H = E_K(0^128) (§7.1 step 1), its
    /// precomputation done once per key; each message starts from a fresh
    /// copy. Secret.
    ghash: Ghash,
    /// Tag length in bytes: 16 unless asked otherwise.
    tag_len: usize,
}

impl AesGcm {
    /// AES-GCM with 128-bit tags, on the preferred AES backend.
    pub fn new(key: &[u8]) -> Result<AesGcm, KeyError> {
        AesGcm::with_backend(key, Backend::preferred())
    }

    /// AES-GCM with 128-bit tags on the given AES backend. GHASH runs on
    /// PCLMULQDQ alongside AES-NI when the CPU has it, else on the portable
    /// constant-time code.
    pub fn with_backend(key: &[u8], backend: Backend) -> Result<AesGcm, KeyError> {
        let aes = Aes::with_backend(key, backend)?;
        let mut h = [0u8; 16];
        aes.encrypt_block(&mut h);
        // GHASH runs on PCLMULQDQ alongside AES-NI when the CPU has it, else
        // on the portable constant-time code.
        let clmul = backend == Backend::Ni;
        let ghash = Some(GhashBackend::Clmul)
            .filter(|_| clmul)
            .and_then(|b| Ghash::with_backend(&h, b))
            .or_else(|| Ghash::with_backend(&h, GhashBackend::Portable))
            .expect("the portable GHASH always runs");
        h.zeroize();
        Ok(AesGcm { aes, ghash, tag_len: 16 })
    }

    /// Truncated tags of 12 to 16 bytes (SP 800-38D §5.2.1.2 allows 96 to 128
    /// bits for general use). Shorter tags make forgeries likelier: use only
    /// where a protocol demands them. `None` for other lengths.
    pub fn with_tag_len(mut self, tag_len: usize) -> Option<AesGcm> {
        self.tag_len = tag_len;
        (12..=16).contains(&tag_len).then_some(self)
    }

    /// The backend the block cipher runs on.
    pub fn backend(&self) -> Backend {
        self.aes.backend()
    }

    /// GHASH for one message: Y = 0 under this key.
    fn ghash(&self) -> Ghash {
        self.ghash.fresh()
    }

    /// §7.1 step 2: the pre-counter block J0.
    fn pre_counter_block(&self, iv: &[u8]) -> [u8; 16] {
        if iv.len() == 12 {
            let mut j0 = [0u8; 16];
            j0[..12].copy_from_slice(iv);
            j0[15] = 1;
            j0
        } else {
            // J0 = GHASH_H(IV ‖ 0^(s+64) ‖ [len(IV)]64)
            let mut ghash = self.ghash();
            ghash.update_padded(iv);
            let mut lengths = [0u8; 16];
            lengths[8..].copy_from_slice(&(iv.len() as u64 * 8).to_be_bytes());
            ghash.update_block(&lengths);
            ghash.finalize()
        }
    }

    /// The one-pass kernel (see the module doc) over the whole steps of sixteen
    /// blocks at the start of `buffer`, counter mode from `inc32(J0)` and GHASH
    /// into `ghash`. Returns how many bytes it did: 0 where it does not run.
    fn one_pass(&self, ghash: &mut Ghash, j0: &[u8; 16], direction: Direction, buffer: &mut [u8]) -> usize {
        let (Some(ni), Some(clmul)) = (self.aes.ni_key(), ghash.clmul_mut()) else {
            return 0;
        };
        let (round_keys, rounds) = ni.encryption_round_keys();
        clmul.ctr_and_absorb(round_keys, rounds, direction, &inc32(j0, 1), buffer)
    }

    /// §7.1 steps 5 and 6 (and §7.2 steps 5-8): `T = MSB_t(E_K(J0) ⊕ S)`,
    /// where `S` is GHASH over the associated data and the ciphertext;
    /// `ghash` has absorbed both, padded, and the lengths follow here.
    fn tag(&self, mut ghash: Ghash, j0: &[u8; 16], aad_len: usize, ciphertext_len: usize) -> [u8; 16] {
        let mut lengths = [0u8; 16];
        lengths[..8].copy_from_slice(&(aad_len as u64 * 8).to_be_bytes());
        lengths[8..].copy_from_slice(&(ciphertext_len as u64 * 8).to_be_bytes());
        ghash.update_block(&lengths);
        let s = ghash.finalize();
        let mut tag = *j0;
        self.aes.encrypt_block(&mut tag);
        for (t, s) in tag.iter_mut().zip(s) {
            *t ^= s;
        }
        tag
    }
}

/// The counter block `n` blocks after `block`: its last 32 bits increased
/// by `n` modulo 2^32 (`inc32` applied `n` times). The plaintext starts at
/// `inc32(J0, 1)`.
fn inc32(block: &[u8; 16], n: usize) -> [u8; 16] {
    let mut counter = *block;
    let low = u32::from_be_bytes([block[12], block[13], block[14], block[15]]).wrapping_add(n as u32);
    counter[12..].copy_from_slice(&low.to_be_bytes());
    counter
}

fn check_lengths(nonce: &[u8], aad: &[u8], text: &[u8]) -> Result<(), SealError> {
    if nonce.is_empty() {
        return Err(SealError::InvalidNonce);
    }
    // §5.2.1.1: len(A) and len(IV) at most 2^64 - 1 bits.
    let fits_bits = |n: usize| (n as u64) < (1 << 61);
    if text.len() as u64 > MAX_PLAINTEXT_LEN || !fits_bits(aad.len()) || !fits_bits(nonce.len()) {
        return Err(SealError::TooLong);
    }
    Ok(())
}

impl Aead for AesGcm {
    /// SP 800-38D §7.1, GCM-AE.
    fn seal_in_place(&self, nonce: &[u8], aad: &[u8], buffer: &mut [u8]) -> Result<Tag, SealError> {
        check_lengths(nonce, aad, buffer)?;
        let j0 = self.pre_counter_block(nonce);
        let mut ghash = self.ghash();
        ghash.update_padded(aad);
        let done = self.one_pass(&mut ghash, &j0, Direction::Seal, buffer);
        let rest = &mut buffer[done..];
        apply_keystream_inc32(&self.aes, &inc32(&j0, 1 + done / 16), rest);
        ghash.update_padded(rest);
        Ok(Tag::new(self.tag(ghash, &j0, aad.len(), buffer.len()), self.tag_len))
    }

    /// SP 800-38D §7.2, GCM-AD: the tag is checked before any plaintext is
    /// returned, and a mismatch leaves `buffer` zeroed.
    fn open_in_place(
        &self,
        nonce: &[u8],
        aad: &[u8],
        buffer: &mut [u8],
        tag: &[u8],
    ) -> Result<(), DecryptError> {
        if check_lengths(nonce, aad, buffer).is_err() || tag.len() != self.tag_len {
            buffer.fill(0);
            return Err(DecryptError);
        }
        let j0 = self.pre_counter_block(nonce);
        let mut ghash = self.ghash();
        ghash.update_padded(aad);
        // The one-pass kernel decrypts what it hashes; the rest is hashed here
        // and decrypted only once the tag is known to be right.
        let done = self.one_pass(&mut ghash, &j0, Direction::Open, buffer);
        ghash.update_padded(&buffer[done..]);
        let expected = self.tag(ghash, &j0, aad.len(), buffer.len());
        if !bool::from(expected[..self.tag_len].ct_eq(tag)) {
            buffer.fill(0);
            return Err(DecryptError);
        }
        apply_keystream_inc32(&self.aes, &inc32(&j0, 1 + done / 16), &mut buffer[done..]);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the kernel runs: under one step (sixteen blocks) it does
    /// nothing and leaves the rest to the two passes. Where the CPU lacks
    /// VAES or VPCLMULQDQ (or AES-NI), it never runs, whatever the length.
    #[test]
    fn one_pass_takes_whole_steps_only_and_only_where_it_runs() {
        let available = crate::clmul::one_pass_is_available() && Backend::Ni.is_available();
        let backend = if available { Backend::Ni } else { Backend::Bitsliced };
        let gcm = AesGcm::with_backend(&[0x42; 16], backend).expect("key");
        let j0 = [0x77u8; 16];
        for (len, expected) in [(0, 0), (255, 0), (256, 256), (511, 256), (600, 512)] {
            let mut buffer = vec![0x5au8; len];
            let done = gcm.one_pass(&mut gcm.ghash(), &j0, Direction::Seal, &mut buffer);
            assert_eq!(done, if available { expected } else { 0 }, "{len} bytes");
            assert!(buffer[done..].iter().all(|&b| b == 0x5a), "bytes past the steps untouched");
        }
    }

    /// The one-pass kernel against counter mode then GHASH, both ways, for
    /// every key size and up to four steps of sixteen blocks and with the 32-bit counter wrapping
    /// inside a step (J0's last word near 2^32, as a non-96-bit IV can make).
    /// Runs where the kernel does; elsewhere the test above shows it is never used.
    #[test]
    fn one_pass_equals_two_passes_across_the_counter_wrap() {
        if !crate::clmul::one_pass_is_available() {
            return;
        }
        let message: Vec<u8> = (0..4 * 256).map(|i| (i * 13 + 5) as u8).collect();
        for (key_len, low) in [16, 24, 32]
            .into_iter()
            .flat_map(|k| [0u32, 0xffff_fff0, 0xffff_fffb, 0xffff_ffff].map(|l| (k, l)))
        {
            let gcm = AesGcm::with_backend(&[0x42; 32][..key_len], Backend::Ni).expect("AES-NI with VAES");
            let mut j0 = [0x77u8; 16];
            j0[12..].copy_from_slice(&low.to_be_bytes());
            for steps in 1..=4 {
                let plaintext = &message[..steps * 256];
                // Two passes: counter mode, then GHASH of the ciphertext.
                let mut expected = plaintext.to_vec();
                apply_keystream_inc32(&gcm.aes, &inc32(&j0, 1), &mut expected);
                let mut reference = gcm.ghash();
                reference.update_padded(&expected);

                let mut sealed = plaintext.to_vec();
                let mut ghash = gcm.ghash();
                assert_eq!(gcm.one_pass(&mut ghash, &j0, Direction::Seal, &mut sealed), steps * 256);
                assert_eq!(sealed, expected, "seal, counter word {low:#x}, {steps} steps");
                assert_eq!(ghash.finalize(), reference.finalize(), "seal hash, {low:#x}, {steps} steps");

                let mut opened = sealed.clone();
                let mut ghash = gcm.ghash();
                let mut reference = gcm.ghash();
                reference.update_padded(&sealed);
                assert_eq!(gcm.one_pass(&mut ghash, &j0, Direction::Open, &mut opened), steps * 256);
                assert_eq!(opened, plaintext, "open, counter word {low:#x}, {steps} steps");
                assert_eq!(ghash.finalize(), reference.finalize(), "open hash, {low:#x}, {steps} steps");
            }
        }
    }
}
