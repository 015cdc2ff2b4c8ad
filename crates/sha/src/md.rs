//! The Merkle–Damgård framing shared by every hash of FIPS 180-4.
//!
//! A hash function here is a compression function that eats whole blocks
//! (64 bytes for SHA-1/224/256, 128 for SHA-384/512) and updates a small state.
//! [`Engine`] turns that into a function on messages of any length: it buffers
//! input until a block is full, and at the end applies the padding of §5.1.

use crate::{Backend, MAX_BLOCK_LEN};

/// A compression function with its chaining state (FIPS 180-4 §6: the `H(i)`).
pub(crate) trait Compress: Clone {
    /// The block length in bytes.
    const BLOCK_LEN: usize;
    /// The length of the big-endian message-length field that ends the padding:
    /// 8 bytes (a 64-bit bit count) for SHA-1/224/256, 16 for SHA-384/512.
    const LENGTH_LEN: usize;

    /// Processes `blocks`, whose length is a multiple of `BLOCK_LEN`.
    fn compress(&mut self, blocks: &[u8]);
}

/// Buffering and padding around a compression function.
#[derive(Clone)]
pub(crate) struct Engine<C: Compress> {
    pub(crate) core: C,
    buffer: [u8; MAX_BLOCK_LEN],
    buffered: usize,
    /// Message length so far, in bytes (FIPS 180-4 caps messages at 2^64 bits
    /// for SHA-1/256 and 2^128 bits for SHA-512; a u128 of bytes covers both).
    length: u128,
}

impl<C: Compress> Engine<C> {
    pub(crate) fn new(core: C) -> Self {
        debug_assert!(C::BLOCK_LEN <= MAX_BLOCK_LEN);
        Engine { core, buffer: [0; MAX_BLOCK_LEN], buffered: 0, length: 0 }
    }

    pub(crate) fn update(&mut self, mut data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u128);

        // Top up a partly filled block first.
        if self.buffered > 0 {
            let take = (C::BLOCK_LEN - self.buffered).min(data.len());
            self.buffer[self.buffered..self.buffered + take].copy_from_slice(&data[..take]);
            self.buffered += take;
            data = &data[take..];
            if self.buffered < C::BLOCK_LEN {
                return;
            }
            self.core.compress(&self.buffer[..C::BLOCK_LEN]);
            self.buffered = 0;
        }

        // Whole blocks go straight from the caller's slice, without a copy.
        let whole = data.len() - data.len() % C::BLOCK_LEN;
        if whole > 0 {
            self.core.compress(&data[..whole]);
        }

        let rest = &data[whole..];
        self.buffer[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    /// FIPS 180-4 §5.1.1 and §5.1.2: append the bit 1, then zeros, then the
    /// message length in bits, so that the padded message fills whole blocks.
    /// Afterwards `core` holds the final hash value.
    pub(crate) fn finish(&mut self) {
        let bit_length = self.length.wrapping_mul(8).to_be_bytes();
        let length_field = &bit_length[bit_length.len() - C::LENGTH_LEN..];
        let length_at = C::BLOCK_LEN - C::LENGTH_LEN;

        self.buffer[self.buffered] = 0x80;
        self.buffered += 1;
        // No room left for the length: pad this block out and start another.
        if self.buffered > length_at {
            self.buffer[self.buffered..C::BLOCK_LEN].fill(0);
            self.core.compress(&self.buffer[..C::BLOCK_LEN]);
            self.buffered = 0;
        }
        self.buffer[self.buffered..length_at].fill(0);
        self.buffer[length_at..C::BLOCK_LEN].copy_from_slice(length_field);
        self.core.compress(&self.buffer[..C::BLOCK_LEN]);
        self.buffered = 0;
    }
}

impl<C: Compress> Drop for Engine<C> {
    /// The buffer may hold secret input (a key, a premaster secret), so wipe it.
    ///
    /// This runs for every hash computed, so it is one vectorised fill rather
    /// than `zeroize`'s byte-by-byte volatile writes, which cost a third of the
    /// time of hashing a 64-byte message. `black_box` stops the compiler from
    /// dropping the fill as a dead store.
    fn drop(&mut self) {
        self.buffer.fill(0);
        core::hint::black_box(&mut self.buffer);
    }
}

/// What the public hasher types need from a chaining state, beyond compressing.
pub(crate) trait ChainingState: Compress {
    /// The type of the initial hash value H(0).
    type Words;

    /// The state holding `h0`, on `backend`, or `None` if the CPU lacks it.
    fn start(h0: Self::Words, backend: Backend) -> Option<Self>;

    /// The backend that compresses.
    fn backend(&self) -> Backend;

    /// The first `out.len()` bytes of H, each word big-endian (§6: the digest
    /// is the final hash value, truncated for SHA-224, -384 and -512/256).
    fn write_be(&self, out: &mut [u8]);
}

/// Defines a public hasher type: a chaining state in an [`Engine`], started
/// from the function's initial hash value. The six hashes of FIPS 180-4 differ
/// only in these parameters, so this writes their identical code once.
macro_rules! hasher {
    ($(#[$doc:meta])* $name:ident, $label:literal, $state:ty, $h0:expr, $block_len:literal, $output_len:literal) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            engine: $crate::md::Engine<$state>,
        }

        impl $name {
            /// A hasher on a given backend, or `None` if this CPU lacks it
            /// (or this function has no such backend).
            pub fn with_backend(backend: $crate::Backend) -> Option<Self> {
                use $crate::md::ChainingState;
                <$state>::start($h0, backend).map(|s| $name { engine: $crate::md::Engine::new(s) })
            }

            /// The backend this hasher runs on.
            pub fn backend(&self) -> $crate::Backend {
                use $crate::md::ChainingState;
                self.engine.core.backend()
            }
        }

        impl $crate::Hash for $name {
            const NAME: &'static str = $label;
            const BLOCK_LEN: usize = $block_len;
            const OUTPUT_LEN: usize = $output_len;
            type Output = [u8; $output_len];

            fn new() -> Self {
                $crate::Backend::preferred()
                    .iter()
                    .find_map(|&backend| Self::with_backend(backend))
                    .expect("the portable backend is always available")
            }

            fn update(&mut self, data: &[u8]) {
                self.engine.update(data);
            }

            fn finalize(mut self) -> Self::Output {
                use $crate::md::ChainingState;
                self.engine.finish();
                let mut out = [0; $output_len];
                self.engine.core.write_be(&mut out);
                out
            }
        }
    };
}
pub(crate) use hasher;
