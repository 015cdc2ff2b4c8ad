//! AES (FIPS 197) and its modes of operation: CTR and CBC (NIST SP 800-38A),
//! and GCM (NIST SP 800-38D), the AEAD that TLS records are sealed with.
//!
//! # How the crate is organised
//!
//! - [`Aes`]: the block cipher, one key, on one of three [`Backend`]s:
//!   - `reference`: AES as FIPS 197 writes it, byte by byte with an S-box
//!     table. **Variable time**; for teaching and as a test oracle only, and
//!     never chosen unless asked for by name.
//!   - `bitsliced`: constant-time AES in portable Rust, several blocks at once.
//!   - `ni`: AES-NI on x86-64, constant time.
//!
//!   [`Aes::new`] picks `ni` when the CPU has it, else `bitsliced`;
//!   `PADLOCK_BACKEND=portable` forces `bitsliced`.
//! - [`ctr`] and [`cbc`]: the SP 800-38A modes (CBC with PKCS#7 padding).
//! - [`gcm`]: AES-GCM, with GHASH (`ghash`: portable constant time, and
//!   `clmul`: PCLMULQDQ on x86-64).
//! - [`Aead`]: seal and open in place, the interface TLS records use.
//!
//! # Example
//!
//! ```
//! use padlock_aes::{Aead, AesGcm};
//!
//! let gcm = AesGcm::new(&[0x42; 16]).unwrap();
//! let nonce = [7u8; 12];
//! let mut record = *b"GET / HTTP/1.1\r\n";
//! let tag = gcm.seal_in_place(&nonce, b"header", &mut record).unwrap();
//! assert_ne!(&record, b"GET / HTTP/1.1\r\n");
//! gcm.open_in_place(&nonce, b"header", &mut record, tag.as_ref()).unwrap();
//! assert_eq!(&record, b"GET / HTTP/1.1\r\n");
//! ```

mod bitsliced;
pub mod cbc;
mod clmul;
pub mod ctr;
pub mod gcm;
mod ghash;
mod ni;
mod reference;

pub use gcm::AesGcm;
pub use padlock_aead::{Aead, DecryptError, SealError, Tag};

/// The AES block length in bytes (128 bits, FIPS 197 §3.1).
pub const BLOCK_LEN: usize = 16;

/// An implementation of the AES block cipher.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// FIPS 197 step by step with table lookups. **Not constant time**: for
    /// teaching and tests only; never chosen by default.
    Reference,
    /// Bitsliced, portable Rust. Constant time.
    Bitsliced,
    /// AES-NI on x86-64. Constant time.
    Ni,
}

impl Backend {
    /// Every backend, available on this CPU or not.
    pub const ALL: [Backend; 3] = [Backend::Reference, Backend::Bitsliced, Backend::Ni];

    /// The backend [`Aes::new`] uses: AES-NI if the CPU has it and
    /// `PADLOCK_BACKEND=portable` is not set, else bitsliced. Never
    /// [`Backend::Reference`].
    pub fn preferred() -> Backend {
        static PREFERRED: std::sync::OnceLock<Backend> = std::sync::OnceLock::new();
        *PREFERRED.get_or_init(|| {
            let forced_portable = padlock_cpu::portable_forced();
            if !forced_portable && ni::is_available() { Backend::Ni } else { Backend::Bitsliced }
        })
    }

    /// Whether this CPU can run the backend.
    pub fn is_available(self) -> bool {
        match self {
            Backend::Reference | Backend::Bitsliced => true,
            Backend::Ni => ni::is_available(),
        }
    }

    /// The backends this CPU can run.
    pub fn available() -> impl Iterator<Item = Backend> {
        Backend::ALL.into_iter().filter(|b| b.is_available())
    }

    /// A short name for reports and bench labels.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Reference => "reference",
            Backend::Bitsliced => "bitsliced",
            Backend::Ni => "aes-ni",
        }
    }
}

/// Why a key could not be set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// AES keys are 16, 24 or 32 bytes; this one had the given length.
    InvalidLength(usize),
    /// The backend asked for does not run on this CPU.
    BackendUnavailable(Backend),
}

impl core::fmt::Display for KeyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            KeyError::InvalidLength(n) => write!(f, "AES keys are 16, 24 or 32 bytes, not {n}"),
            KeyError::BackendUnavailable(b) => write!(f, "the {} backend does not run on this CPU", b.name()),
        }
    }
}

impl std::error::Error for KeyError {}

/// The AES block cipher under one key: AES-128, AES-192 or AES-256 by the
/// key's length. The round keys are wiped on drop.
pub struct Aes {
    key: Key,
}

/// The round keys in the form the backend needs. The bitsliced ones are
/// large (each round key is spread over eight 64-bit words for four blocks),
/// so they live on the heap; the AES-NI ones (encryption and decryption round
/// keys, 480 bytes) stay inline, read on every call.
#[allow(clippy::large_enum_variant, reason = "one value per key; the hot variant stays inline")]
enum Key {
    Reference(reference::Key),
    Bitsliced(Box<bitsliced::Key>),
    Ni(ni::Key),
}

impl Aes {
    /// Expands `key` (16, 24 or 32 bytes) on the preferred backend.
    pub fn new(key: &[u8]) -> Result<Aes, KeyError> {
        Aes::with_backend(key, Backend::preferred())
    }

    /// Expands `key` on the given backend.
    pub fn with_backend(key: &[u8], backend: Backend) -> Result<Aes, KeyError> {
        if !matches!(key.len(), 16 | 24 | 32) {
            return Err(KeyError::InvalidLength(key.len()));
        }
        if !backend.is_available() {
            return Err(KeyError::BackendUnavailable(backend));
        }
        let key = match backend {
            Backend::Reference => Key::Reference(reference::Key::new(key)),
            Backend::Bitsliced => Key::Bitsliced(Box::new(bitsliced::Key::new(key))),
            Backend::Ni => Key::Ni(ni::Key::new(key)),
        };
        Ok(Aes { key })
    }

    /// The backend this key runs on.
    pub fn backend(&self) -> Backend {
        match self.key {
            Key::Reference(_) => Backend::Reference,
            Key::Bitsliced(_) => Backend::Bitsliced,
            Key::Ni(_) => Backend::Ni,
        }
    }

    /// Encrypts one block in place (FIPS 197 §5.1, Cipher).
    pub fn encrypt_block(&self, block: &mut [u8; 16]) {
        self.encrypt_blocks(core::slice::from_mut(block));
    }

    /// Decrypts one block in place (FIPS 197 §5.3, InvCipher).
    pub fn decrypt_block(&self, block: &mut [u8; 16]) {
        self.decrypt_blocks(core::slice::from_mut(block));
    }

    /// Encrypts each block in place. Passing many blocks at once is faster:
    /// the bitsliced and AES-NI backends work on several in parallel.
    pub fn encrypt_blocks(&self, blocks: &mut [[u8; 16]]) {
        match &self.key {
            Key::Reference(k) => blocks.iter_mut().for_each(|b| k.encrypt_block(b)),
            Key::Bitsliced(k) => k.encrypt_blocks(blocks),
            Key::Ni(k) => k.encrypt_blocks(blocks),
        }
    }

    /// The AES-NI round keys, for the modes that have an AES-NI fast path.
    pub(crate) fn ni_key(&self) -> Option<&ni::Key> {
        match &self.key {
            Key::Ni(k) => Some(k),
            _ => None,
        }
    }

    /// Decrypts each block in place.
    pub fn decrypt_blocks(&self, blocks: &mut [[u8; 16]]) {
        match &self.key {
            Key::Reference(k) => blocks.iter_mut().for_each(|b| k.decrypt_block(b)),
            Key::Bitsliced(k) => k.decrypt_blocks(blocks),
            Key::Ni(k) => k.decrypt_blocks(blocks),
        }
    }
}
