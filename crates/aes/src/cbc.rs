//! Cipher block chaining (NIST SP 800-38A §6.2), with PKCS#7 padding.
//!
//! Each plaintext block is XORed with the previous ciphertext block (the IV
//! for the first) before it is encrypted, so equal blocks encrypt differently.
//! Encryption is serial; decryption is parallel, since every ciphertext block
//! is known up front.
//!
//! # Padding oracles
//!
//! CBC needs whole blocks, so [`encrypt_padded`] appends PKCS#7 padding
//! (RFC 5652 §6.3): `n` bytes of value `n`, 1 to 16 of them. A decrypter that
//! tells the sender whether the padding was valid — by a different error, a
//! different alert, or simply by taking a different time — is a *padding
//! oracle*: by flipping bits of the previous block and watching the answer,
//! an attacker decrypts any block a byte at a time without the key (Vaudenay,
//! 2002; the Lucky Thirteen and POODLE attacks on TLS). So
//! [`decrypt_padded`] checks the padding without branching on it and returns
//! one opaque error for every failure. Even so, CBC without a MAC over the
//! ciphertext is unsafe to expose to an attacker; TLS 1.3 dropped it for AEADs.

use subtle::{ConstantTimeEq, ConstantTimeLess};

use crate::{Aes, BLOCK_LEN, DecryptError};

/// The data was not a whole number of blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotWholeBlocks;

impl core::fmt::Display for NotWholeBlocks {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CBC works on whole 16-byte blocks")
    }
}

impl std::error::Error for NotWholeBlocks {}

/// SP 800-38A §6.2 CBC encryption of whole blocks in place, no padding.
pub fn encrypt_blocks(aes: &Aes, iv: &[u8; 16], data: &mut [u8]) -> Result<(), NotWholeBlocks> {
    let (blocks, []) = data.as_chunks_mut::<BLOCK_LEN>() else { return Err(NotWholeBlocks) };
    if let Some(ni) = aes.ni_key() {
        ni.cbc_encrypt(iv, blocks);
        return Ok(());
    }
    let mut previous = *iv;
    for block in blocks {
        // C_j = CIPH_K(P_j xor C_{j-1}), with C_0 = IV.
        for (b, p) in block.iter_mut().zip(previous) {
            *b ^= p;
        }
        aes.encrypt_block(block);
        previous = *block;
    }
    Ok(())
}

/// SP 800-38A §6.2 CBC decryption of whole blocks in place, no padding.
pub fn decrypt_blocks(aes: &Aes, iv: &[u8; 16], data: &mut [u8]) -> Result<(), NotWholeBlocks> {
    let (blocks, []) = data.as_chunks_mut::<BLOCK_LEN>() else { return Err(NotWholeBlocks) };
    let mut previous = *iv;
    // Decrypt a batch at once (the backends are faster on many blocks), then
    // XOR each with the ciphertext block before it, kept aside.
    for batch in blocks.chunks_mut(16) {
        let mut ciphertext = [[0u8; BLOCK_LEN]; 16];
        ciphertext[..batch.len()].copy_from_slice(batch);
        aes.decrypt_blocks(batch);
        // P_j = CIPH^-1_K(C_j) xor C_{j-1}.
        for (block, c) in batch.iter_mut().zip(&ciphertext) {
            for (b, p) in block.iter_mut().zip(previous) {
                *b ^= p;
            }
            previous = *c;
        }
    }
    Ok(())
}

/// Pads `plaintext` (PKCS#7) and encrypts it: the result is 1 to 16 bytes
/// longer than the input.
pub fn encrypt_padded(aes: &Aes, iv: &[u8; 16], plaintext: &[u8]) -> Vec<u8> {
    let pad = BLOCK_LEN - plaintext.len() % BLOCK_LEN;
    let mut data = Vec::with_capacity(plaintext.len() + pad);
    data.extend_from_slice(plaintext);
    data.resize(plaintext.len() + pad, pad as u8);
    encrypt_blocks(aes, iv, &mut data).expect("padded to whole blocks");
    data
}

/// Decrypts and removes PKCS#7 padding, checking it in constant time.
///
/// Every failure — a length that is not a positive multiple of 16, or bad
/// padding — gives the same [`DecryptError`]; the time taken does not depend
/// on the padding bytes.
pub fn decrypt_padded(aes: &Aes, iv: &[u8; 16], ciphertext: &[u8]) -> Result<Vec<u8>, DecryptError> {
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(BLOCK_LEN) {
        return Err(DecryptError); // the length is public: no oracle here
    }
    let mut data = ciphertext.to_vec();
    decrypt_blocks(aes, iv, &mut data).map_err(|_| DecryptError)?;
    let (pad_len, valid) = check_padding(&data[data.len() - BLOCK_LEN..]);
    if bool::from(valid) {
        data.truncate(data.len() - usize::from(pad_len));
        Ok(data)
    } else {
        data.fill(0);
        Err(DecryptError)
    }
}

/// Checks PKCS#7 padding on the last block without branching on its bytes.
/// Returns the padding length `n` and whether it is valid: `1 <= n <= 16` and
/// the last `n` bytes all equal `n`.
fn check_padding(last_block: &[u8]) -> (u8, subtle::Choice) {
    let n = last_block[BLOCK_LEN - 1];
    let mut valid = !n.ct_eq(&0) & n.ct_lt(&(BLOCK_LEN as u8 + 1));
    // Look at all 16 bytes every time; only those within the padding count.
    for (i, &byte) in last_block.iter().rev().enumerate() {
        let in_padding = (i as u8).ct_lt(&n);
        valid &= !in_padding | byte.ct_eq(&n);
    }
    (n, valid)
}
