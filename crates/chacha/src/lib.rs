//! ChaCha20, Poly1305 and their AEAD, AEAD_CHACHA20_POLY1305 (RFC 8439): the
//! second cipher TLS seals records with (RFC 8446 §9.1, RFC 7905), and the
//! one servers pick for clients without AES hardware.
//!
//! ChaCha20 was built to be constant time in plain code: its rounds only add,
//! XOR and rotate 32-bit words, with no tables. Poly1305 is arithmetic modulo
//! 2^130 - 5 on numbers split into limbs; multiplications take the same time
//! whatever the operands on the CPUs we run on.
//!
//! # How the crate is organised
//!
//! - [`chacha20`]: the quarter round (§2.1, §2.2), the block function (§2.3)
//!   and the stream cipher (§2.4) with its 32-bit block counter, which refuses
//!   to wrap ([`ChaCha20`], [`CounterOverflow`]).
//! - [`poly1305`]: the one-time authenticator (§2.5) with 44-bit limbs,
//!   streaming and one-shot ([`Poly1305`]), and its key from ChaCha20's block
//!   0 (§2.6, [`poly1305::key_gen`]).
//! - `aead`: the AEAD of §2.8 ([`ChaCha20Poly1305`]), implementing the
//!   [`Aead`] trait that TLS records use.
//! - `avx2`: the AVX2 backend, eight ChaCha20 blocks at once and Poly1305 four
//!   blocks at once; `avx512`: ChaCha20 sixteen blocks at once with AVX-512's
//!   rotate instruction, Poly1305 eight at once with IFMA (x86-64 only).
//!   These two hold the crate's only `unsafe`.
//!
//! [`Backend`] says which implementation runs: the fastest the CPU has,
//! chosen once at run time; `PADLOCK_BACKEND=portable` forces the portable
//! one. Property tests check every backend against the portable one.
//!
//! # Example
//!
//! ```
//! use padlock_chacha::{Aead, ChaCha20Poly1305};
//!
//! let aead = ChaCha20Poly1305::new(&[0x42; 32]).unwrap();
//! let nonce = [7u8; 12];
//! let mut record = *b"GET / HTTP/1.1\r\n";
//! let tag = aead.seal_in_place(&nonce, b"header", &mut record).unwrap();
//! assert_ne!(&record, b"GET / HTTP/1.1\r\n");
//! aead.open_in_place(&nonce, b"header", &mut record, tag.as_ref()).unwrap();
//! assert_eq!(&record, b"GET / HTTP/1.1\r\n");
//! ```

mod aead;
mod avx2;
mod avx512;
pub mod chacha20;
pub mod poly1305;

pub use aead::ChaCha20Poly1305;
pub use chacha20::{ChaCha20, CounterOverflow};
pub use padlock_aead::{Aead, DecryptError, SealError, Tag};
pub use poly1305::Poly1305;

/// The key length of ChaCha20 and of the AEAD: 256 bits (RFC 8439 §2.3).
pub const KEY_LEN: usize = 32;

/// The nonce length: 96 bits (RFC 8439 §2.3, N_MIN = N_MAX = 12 in §2.8).
pub const NONCE_LEN: usize = 12;

/// The Poly1305 tag length: 128 bits (RFC 8439 §2.5).
pub const TAG_LEN: usize = 16;

/// An implementation of ChaCha20 and Poly1305.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Plain Rust, on every CPU. Constant time: yes, it only adds, XORs,
    /// rotates and multiplies fixed-size words.
    Portable,
    /// AVX2 on x86-64: eight ChaCha20 blocks in 256-bit registers, and
    /// Poly1305 four blocks at a time in 26-bit limbs. Constant time: yes,
    /// the same operations on vectors.
    Avx2,
    /// AVX-512F and AVX-512 IFMA on x86-64: sixteen ChaCha20 blocks in
    /// 512-bit registers, rotating with `vprold`; Poly1305 eight blocks at a
    /// time with 52-bit multiply-adds on the portable code's 44-bit limbs.
    /// Constant time: yes, as AVX2.
    Avx512,
}

impl Backend {
    /// Every backend, available on this CPU or not.
    pub const ALL: [Backend; 3] = [Backend::Portable, Backend::Avx2, Backend::Avx512];

    /// The backend [`ChaCha20Poly1305::new`] and friends use: the widest
    /// vectors the CPU has (AVX-512, then AVX2) unless
    /// `PADLOCK_BACKEND=portable` is set, else portable. Decided once per
    /// process.
    pub fn preferred() -> Backend {
        static PREFERRED: std::sync::OnceLock<Backend> = std::sync::OnceLock::new();
        *PREFERRED.get_or_init(|| {
            if padlock_cpu::portable_forced() {
                Backend::Portable
            } else if avx512::is_available() {
                Backend::Avx512
            } else if avx2::is_available() {
                Backend::Avx2
            } else {
                Backend::Portable
            }
        })
    }

    /// Whether this CPU can run the backend.
    pub fn is_available(self) -> bool {
        match self {
            Backend::Portable => true,
            Backend::Avx2 => avx2::is_available(),
            Backend::Avx512 => avx512::is_available(),
        }
    }

    /// The backends this CPU can run, portable first.
    pub fn available() -> impl Iterator<Item = Backend> {
        Backend::ALL.into_iter().filter(|b| b.is_available())
    }

    /// A short name for reports and bench labels: `"portable"`, `"avx2"`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Portable => "portable",
            Backend::Avx2 => "avx2",
            Backend::Avx512 => "avx512",
        }
    }
}

/// Why a key could not be set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// ChaCha20 keys are 32 bytes; this one had the given length.
    InvalidLength(usize),
    /// The backend asked for does not run on this CPU.
    BackendUnavailable(Backend),
}

impl core::fmt::Display for KeyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            KeyError::InvalidLength(n) => write!(f, "ChaCha20 keys are 32 bytes, not {n}"),
            KeyError::BackendUnavailable(b) => write!(f, "the {} backend does not run on this CPU", b.name()),
        }
    }
}

impl std::error::Error for KeyError {}

/// Checks that `backend` runs here.
fn check_backend(backend: Backend) -> Result<(), KeyError> {
    if backend.is_available() { Ok(()) } else { Err(KeyError::BackendUnavailable(backend)) }
}
