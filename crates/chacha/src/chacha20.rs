//! ChaCha20 (RFC 8439 §2.1-2.4): the quarter round, the block function and
//! the stream cipher with a 32-bit block counter and a 96-bit nonce.
//!
//! Constant time: yes, because every step adds modulo 2^32, XORs or rotates
//! by a fixed amount; no branch, loop bound or memory index depends on the
//! key, the nonce or the data.
//!
//! The state is a 4x4 matrix of 32-bit words (§2.3):
//!
//! ```text
//!   cccccccc  cccccccc  cccccccc  cccccccc      c = the constants "expand 32-byte k"
//!   kkkkkkkk  kkkkkkkk  kkkkkkkk  kkkkkkkk      k = the key, 8 little-endian words
//!   kkkkkkkk  kkkkkkkk  kkkkkkkk  kkkkkkkk
//!   bbbbbbbb  nnnnnnnn  nnnnnnnn  nnnnnnnn      b = block counter, n = nonce
//! ```
//!
//! The block function runs ten double rounds (a column round, then a
//! diagonal round) on a copy of the state and adds the state back; the 64
//! bytes out, little-endian, are one block of keystream. The stream cipher
//! XORs the keystream of blocks `counter, counter + 1, ...` into the data.
//! The counter is 32 bits, so one (key, nonce) gives at most 2^32 blocks
//! (256 GiB); [`ChaCha20`] refuses to go past the last one rather than wrap
//! and repeat keystream.

use zeroize::Zeroize;

use crate::{Backend, KeyError, NONCE_LEN, avx2, avx512, check_backend};

/// One block of keystream: 64 bytes (§2.3).
pub const BLOCK_LEN: usize = 64;

/// §2.3: the first four words, "expand 32-byte k" read as little-endian words.
pub(crate) const CONSTANTS: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// A ChaCha20 key: the 256-bit key as eight little-endian words (§2.3).
/// Wiped on drop; no `Debug`, `Clone` or `PartialEq`.
pub struct Key {
    words: [u32; 8],
}

impl Key {
    /// The key from its 32 bytes.
    pub fn new(bytes: &[u8; 32]) -> Key {
        let mut words = [0u32; 8];
        for (w, chunk) in words.iter_mut().zip(bytes.chunks_exact(4)) {
            *w = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        Key { words }
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        self.words.zeroize();
    }
}

/// §2.1: the quarter round on four words.
///
/// ```text
/// a += b; d ^= a; d <<<= 16;
/// c += d; b ^= c; b <<<= 12;
/// a += b; d ^= a; d <<<= 8;
/// c += d; b ^= c; b <<<= 7;
/// ```
pub fn quarter_round(mut a: u32, mut b: u32, mut c: u32, mut d: u32) -> [u32; 4] {
    a = a.wrapping_add(b);
    d = (d ^ a).rotate_left(16);
    c = c.wrapping_add(d);
    b = (b ^ c).rotate_left(12);
    a = a.wrapping_add(b);
    d = (d ^ a).rotate_left(8);
    c = c.wrapping_add(d);
    b = (b ^ c).rotate_left(7);
    [a, b, c, d]
}

/// §2.2: `QUARTERROUND(x, y, z, w)`, the quarter round on the words at
/// indices `x, y, z, w` of the state. Panics if an index is not below 16.
pub fn quarter_round_on_state(state: &mut [u32; 16], x: usize, y: usize, z: usize, w: usize) {
    [state[x], state[y], state[z], state[w]] = quarter_round(state[x], state[y], state[z], state[w]);
}

/// §2.3.1 `inner_block`: one column round and one diagonal round.
fn inner_block(state: &mut [u32; 16]) {
    quarter_round_on_state(state, 0, 4, 8, 12);
    quarter_round_on_state(state, 1, 5, 9, 13);
    quarter_round_on_state(state, 2, 6, 10, 14);
    quarter_round_on_state(state, 3, 7, 11, 15);
    quarter_round_on_state(state, 0, 5, 10, 15);
    quarter_round_on_state(state, 1, 6, 11, 12);
    quarter_round_on_state(state, 2, 7, 8, 13);
    quarter_round_on_state(state, 3, 4, 9, 14);
}

/// §2.3: the initial state `constants | key | counter | nonce`.
pub(crate) fn initial_state(key: &Key, counter: u32, nonce: &[u8; NONCE_LEN]) -> [u32; 16] {
    let mut state = [0u32; 16];
    state[..4].copy_from_slice(&CONSTANTS);
    state[4..12].copy_from_slice(&key.words);
    state[12] = counter;
    for (w, chunk) in state[13..].iter_mut().zip(nonce.chunks_exact(4)) {
        *w = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    state
}

/// §2.3.1 `chacha20_block` on a prepared state: 20 rounds on a copy, then
/// the original state added back, as words.
pub(crate) fn block_words(initial: &[u32; 16]) -> [u32; 16] {
    let mut state = *initial;
    for _ in 0..10 {
        inner_block(&mut state);
    }
    for (s, i) in state.iter_mut().zip(initial) {
        *s = s.wrapping_add(*i);
    }
    state
}

/// §2.3: the block function. Returns the 64 bytes of keystream for block
/// `counter` under `key` and `nonce` (the words serialized little-endian).
pub fn block(key: &Key, counter: u32, nonce: &[u8; NONCE_LEN]) -> [u8; BLOCK_LEN] {
    let mut state = initial_state(key, counter, nonce);
    let mut words = block_words(&state);
    let mut out = [0u8; BLOCK_LEN];
    for (bytes, w) in out.chunks_exact_mut(4).zip(&words) {
        bytes.copy_from_slice(&w.to_le_bytes());
    }
    state.zeroize();
    words.zeroize();
    out
}

/// XORs keystream into `data`, from the block counter in `state[12]` on,
/// with the given backend. The caller has checked that the counter does not
/// pass 2^32 - 1 within `data` (the counter arithmetic here wraps).
pub(crate) fn xor_keystream(backend: Backend, state: &[u32; 16], data: &mut [u8]) {
    match backend {
        Backend::Portable => xor_keystream_portable(state, data),
        Backend::Avx2 => avx2::xor_keystream(state, data),
        Backend::Avx512 => avx512::xor_keystream(state, data),
    }
}

/// §2.4.1 `chacha20_encrypt`, one block at a time in portable Rust; the last
/// block may be partial, and its unused keystream is discarded.
pub(crate) fn xor_keystream_portable(state: &[u32; 16], data: &mut [u8]) {
    let mut state = *state;
    for chunk in data.chunks_mut(BLOCK_LEN) {
        let mut words = block_words(&state);
        if chunk.len() == BLOCK_LEN {
            for (bytes, w) in chunk.chunks_exact_mut(4).zip(&words) {
                let x = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) ^ w;
                bytes.copy_from_slice(&x.to_le_bytes());
            }
        } else {
            let keystream = words.iter().flat_map(|w| w.to_le_bytes());
            for (byte, k) in chunk.iter_mut().zip(keystream) {
                *byte ^= k;
            }
        }
        words.zeroize();
        state[12] = state[12].wrapping_add(1);
    }
    state.zeroize();
}

/// The block counter would pass 2^32 - 1: ChaCha20 with one (key, nonce)
/// gives at most 2^32 blocks of keystream (RFC 8439 §2.3), and wrapping
/// would repeat keystream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CounterOverflow;

impl core::fmt::Display for CounterOverflow {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the ChaCha20 block counter would wrap: at most 2^32 blocks per key and nonce")
    }
}

impl std::error::Error for CounterOverflow {}

/// The ChaCha20 stream cipher (§2.4): one key and nonce, the keystream
/// applied across as many calls as wanted. Splitting the data into calls at
/// any point gives the same result as one call.
///
/// Encryption and decryption are the same XOR. The key and any unused
/// keystream are wiped on drop.
pub struct ChaCha20 {
    key: Key,
    nonce: [u8; NONCE_LEN],
    /// The counter of the next block to generate; 2^32 when all are used.
    next_counter: u64,
    /// Keystream left over from a partial block, used first by the next call.
    leftover: [u8; BLOCK_LEN],
    /// How much of `leftover` is used: `BLOCK_LEN` when none is left.
    leftover_used: usize,
    backend: Backend,
}

impl ChaCha20 {
    /// ChaCha20 starting at block `counter`, on the preferred backend.
    pub fn new(key: &[u8; 32], nonce: &[u8; NONCE_LEN], counter: u32) -> ChaCha20 {
        ChaCha20::from_key(Key::new(key), nonce, counter, Backend::preferred())
    }

    /// ChaCha20 on the given backend.
    pub fn with_backend(
        key: &[u8; 32],
        nonce: &[u8; NONCE_LEN],
        counter: u32,
        backend: Backend,
    ) -> Result<ChaCha20, KeyError> {
        check_backend(backend)?;
        Ok(ChaCha20::from_key(Key::new(key), nonce, counter, backend))
    }

    fn from_key(key: Key, nonce: &[u8; NONCE_LEN], counter: u32, backend: Backend) -> ChaCha20 {
        let next_counter = u64::from(counter);
        ChaCha20 { key, nonce: *nonce, next_counter, leftover: [0; 64], leftover_used: BLOCK_LEN, backend }
    }

    /// The backend this cipher runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// XORs the next `data.len()` bytes of keystream into `data`.
    ///
    /// If that would need a block past counter 2^32 - 1, nothing is changed
    /// and the error says so (§2.3: the counter is 32 bits, and a wrapped
    /// counter would repeat keystream).
    pub fn apply_keystream(&mut self, data: &mut [u8]) -> Result<(), CounterOverflow> {
        let blocks_left = (1u64 << 32) - self.next_counter;
        let bytes_left = (BLOCK_LEN - self.leftover_used) as u64 + blocks_left * BLOCK_LEN as u64;
        if data.len() as u64 > bytes_left {
            return Err(CounterOverflow);
        }
        // First the keystream left over from the last call's partial block.
        let from_leftover = data.len().min(BLOCK_LEN - self.leftover_used);
        let (head, rest) = data.split_at_mut(from_leftover);
        for (byte, k) in head.iter_mut().zip(&self.leftover[self.leftover_used..]) {
            *byte ^= k;
        }
        self.leftover_used += from_leftover;
        // Then whole blocks, on the backend.
        let whole = rest.len() / BLOCK_LEN * BLOCK_LEN;
        let (blocks, tail) = rest.split_at_mut(whole);
        if !blocks.is_empty() {
            let state = initial_state(&self.key, self.next_counter as u32, &self.nonce);
            xor_keystream(self.backend, &state, blocks);
            self.next_counter += (whole / BLOCK_LEN) as u64;
        }
        // Then a partial block, keeping the rest of its keystream.
        if !tail.is_empty() {
            self.leftover = block(&self.key, self.next_counter as u32, &self.nonce);
            self.next_counter += 1;
            for (byte, k) in tail.iter_mut().zip(&self.leftover) {
                *byte ^= k;
            }
            self.leftover_used = tail.len();
        }
        Ok(())
    }
}

impl Drop for ChaCha20 {
    fn drop(&mut self) {
        self.leftover.zeroize();
    }
}
