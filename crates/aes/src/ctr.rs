//! Counter mode (NIST SP 800-38A §6.5): AES turned into a stream cipher.
//!
//! The keystream is the encryption of successive counter blocks
//! `T_1, T_2, ...`; encryption and decryption are the same operation, XORing
//! the data with the keystream. A counter block must never repeat under one
//! key, or two messages share keystream and their XOR leaks.
//!
//! SP 800-38A leaves the incrementing function open; [`apply_keystream`]
//! uses the "standard incrementing function" of Appendix B.1 on the whole
//! 128-bit block. GCM increments only the last 32 bits (`inc32`, SP 800-38D
//! §6.2); it uses [`apply_keystream_inc32`].

use crate::{Aes, BLOCK_LEN};

/// How many keystream blocks are made per call to the cipher: enough for the
/// bitsliced and AES-NI backends to work on many blocks in parallel.
const BATCH: usize = 16;

/// XORs `data` with the CTR keystream that starts at `counter`, incrementing
/// the whole block as a 128-bit big-endian integer (SP 800-38A Appendix B.1).
/// Applying it twice with the same counter restores the data.
pub fn apply_keystream(aes: &Aes, counter: &[u8; 16], data: &mut [u8]) {
    let start = u128::from_be_bytes(*counter);
    xor_keystream(aes, data, move |i| start.wrapping_add(u128::from(i)));
}

/// GCTR's keystream (SP 800-38D §6.5): like [`apply_keystream`], but only the
/// last 32 bits of the counter block count, wrapping modulo 2^32 (`inc32`).
pub fn apply_keystream_inc32(aes: &Aes, counter: &[u8; 16], data: &mut [u8]) {
    xor_keystream(aes, data, inc32_counters(counter));
}

/// The counter blocks of GCTR from `counter` on: block `i` is `counter` with
/// its last 32 bits increased by `i` modulo 2^32, as a big-endian integer.
fn inc32_counters(counter: &[u8; 16]) -> impl Fn(u64) -> u128 + Copy {
    let start = u128::from_be_bytes(*counter);
    let (high, low) = (start & !0xffff_ffff, start as u32);
    // The block index is truncated to 32 bits on purpose: inc32 wraps.
    move |i| high | u128::from(low.wrapping_add(i as u32))
}

/// XORs `data` with the keystream `E(T_0) ‖ E(T_1) ‖ ...`, where `counter(i)`
/// is the counter block `T_i` as a big-endian integer.
///
/// AES-NI makes the counter blocks in registers; the other backends encrypt
/// `BATCH` counter blocks at a time, written out in memory.
fn xor_keystream(aes: &Aes, data: &mut [u8], counter: impl Fn(u64) -> u128 + Copy) {
    if let Some(ni) = aes.ni_key() {
        ni.ctr_xor(counter, data);
        return;
    }
    let mut keystream = [[0u8; BLOCK_LEN]; BATCH];
    let mut index = 0u64;
    for chunk in data.chunks_mut(BATCH * BLOCK_LEN) {
        let blocks = &mut keystream[..chunk.len().div_ceil(BLOCK_LEN)];
        for block in blocks.iter_mut() {
            *block = counter(index).to_be_bytes();
            index += 1;
        }
        aes.encrypt_blocks(blocks);
        for (byte, key) in chunk.iter_mut().zip(blocks.as_flattened()) {
            *byte ^= key;
        }
    }
    keystream.as_flattened_mut().fill(0);
    core::hint::black_box(&mut keystream);
}
