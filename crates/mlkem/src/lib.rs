//! ML-KEM, the Module-Lattice-Based Key-Encapsulation Mechanism (FIPS 203,
//! August 2024), with its three parameter sets ML-KEM-512, -768 and -1024.
//!
//! A KEM lets two parties agree on a 32-byte secret: one publishes an
//! *encapsulation key*; the other *encapsulates* against it, getting a shared
//! secret and a *ciphertext* to send back; the first *decapsulates* the
//! ciphertext with its *decapsulation key* and gets the same secret. TLS
//! 1.3's X25519MLKEM768 key share does exactly this, beside X25519, so that
//! a recording of the handshake stays secret even from a future quantum
//! computer (see docs/lattices-and-ml-kem.md).
//!
//! # How the crate is organised (one module per part of the standard)
//!
//! - `field`: arithmetic modulo q = 3329, division-free (§2.3, §4.3).
//! - `ntt`: the number-theoretic transform and multiplication in the NTT
//!   domain (§4.3, Algorithms 9-12), its constants computed from ζ = 17.
//! - `poly`: polynomials, compression and ByteEncode/ByteDecode (§4.2.1).
//! - `sample`: SampleNTT and SamplePolyCBD from SHAKE (§4.2.2).
//! - `kpke`: the inner encryption scheme K-PKE (§5, Algorithms 13-15).
//! - `kem`: ML-KEM with implicit rejection (§6, Algorithms 16-21), the input
//!   checks of §7, and the public types.
//! - [`params`]: the parameter sets (§8), one generic code path for all three.
//! - `avx2`: the NTT, its inverse and the base-case products on AVX2 (x86-64),
//!   the crate's only `unsafe`; [`Backend`] says which runs, chosen once at
//!   run time (`PADLOCK_BACKEND=portable` forces the portable code).
//!
//! SHA3-256 (H), SHA3-512 (G), SHAKE128 (XOF) and SHAKE256 (PRF, J) come from
//! `padlock-sha`.
//!
//! # Example (ML-KEM-768, as TLS uses it)
//!
//! ```
//! use padlock_mlkem::ml_kem_768::{Ciphertext, DecapsulationKey, EncapsulationKey};
//!
//! let mut rng = rand::rng();
//! // The client makes a key pair and sends the 1184-byte encapsulation key.
//! let (dk, ek) = DecapsulationKey::generate(&mut rng);
//! let sent = ek.as_bytes().to_vec();
//!
//! // The server checks it (FIPS 203 §7.2), encapsulates, sends 1088 bytes back.
//! let ek = EncapsulationKey::from_bytes(&sent).expect("a valid key");
//! let (ct, server_secret) = ek.encapsulate(&mut rng);
//!
//! // The client decapsulates: both now hold the same 32 bytes.
//! let ct = Ciphertext::from_bytes(ct.as_bytes()).expect("1088 bytes");
//! let client_secret = dk.decapsulate(&ct);
//! assert_eq!(client_secret.as_bytes(), server_secret.as_bytes());
//! ```
//!
//! # Constant time
//!
//! Every operation on secret data is constant time: reductions by
//! multiply-and-shift (never `/` or `%` on a secret: the KyberSlash lesson),
//! no secret-dependent branch or index, and decapsulation's comparison and
//! selection masked with `subtle`. The one variable-time step, rejection
//! sampling of the matrix, works on public data. Each module says why.

mod avx2;
mod backend;
mod field;
mod kem;
mod kpke;
mod ntt;
pub mod params;
mod poly;
mod sample;

pub use backend::Backend;
pub use kem::{Ciphertext, DecapsulationKey, EncapsulationKey, Error, SharedSecret};
pub use params::{MlKem512, MlKem768, MlKem1024, ParameterSet};

/// The length of the shared secret, in bytes, for every parameter set.
pub const SHARED_SECRET_LEN: usize = 32;

/// ML-KEM-768 (security category 3): the parameter set of TLS's
/// X25519MLKEM768 hybrid, under short names.
pub mod ml_kem_768 {
    use crate::MlKem768;

    /// The encapsulation key: 1184 bytes.
    pub type EncapsulationKey = crate::EncapsulationKey<MlKem768>;
    /// The decapsulation key: 2400 bytes, secret.
    pub type DecapsulationKey = crate::DecapsulationKey<MlKem768>;
    /// The ciphertext: 1088 bytes.
    pub type Ciphertext = crate::Ciphertext<MlKem768>;
    pub use crate::{Error, SharedSecret};

    /// 1184: the encapsulation key's length (FIPS 203 Table 3).
    pub const ENCAPSULATION_KEY_LEN: usize = 1184;
    /// 2400: the decapsulation key's length.
    pub const DECAPSULATION_KEY_LEN: usize = 2400;
    /// 1088: the ciphertext's length.
    pub const CIPHERTEXT_LEN: usize = 1088;
    /// 32: the shared secret's length.
    pub const SHARED_SECRET_LEN: usize = 32;
}

/// ML-KEM-512 (security category 1), under short names.
pub mod ml_kem_512 {
    use crate::MlKem512;

    /// The encapsulation key: 800 bytes.
    pub type EncapsulationKey = crate::EncapsulationKey<MlKem512>;
    /// The decapsulation key: 1632 bytes, secret.
    pub type DecapsulationKey = crate::DecapsulationKey<MlKem512>;
    /// The ciphertext: 768 bytes.
    pub type Ciphertext = crate::Ciphertext<MlKem512>;
    pub use crate::{Error, SharedSecret};
}

/// ML-KEM-1024 (security category 5), under short names.
pub mod ml_kem_1024 {
    use crate::MlKem1024;

    /// The encapsulation key: 1568 bytes.
    pub type EncapsulationKey = crate::EncapsulationKey<MlKem1024>;
    /// The decapsulation key: 3168 bytes, secret.
    pub type DecapsulationKey = crate::DecapsulationKey<MlKem1024>;
    /// The ciphertext: 1568 bytes.
    pub type Ciphertext = crate::Ciphertext<MlKem1024>;
    pub use crate::{Error, SharedSecret};
}
