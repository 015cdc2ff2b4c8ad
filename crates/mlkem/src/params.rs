//! The three parameter sets of FIPS 203 §8 (Table 2), and the sizes they
//! give (Table 3).
//!
//! All of ML-KEM is written once, generic over [`ParameterSet`]; the sets
//! differ only in these numbers.

/// A byte array of a fixed length: the type of an encoded key or ciphertext
/// of one parameter set (`[u8; 1184]`, ...).
pub trait ByteArray: AsRef<[u8]> + AsMut<[u8]> + Copy + Send + Sync + 'static + private::Sealed {
    /// All zeros.
    fn zeroed() -> Self;
}

impl<const N: usize> ByteArray for [u8; N] {
    fn zeroed() -> Self {
        [0; N]
    }
}

/// An ML-KEM parameter set: FIPS 203 §8, Table 2.
pub trait ParameterSet: private::Sealed + Send + Sync + 'static {
    /// `"ML-KEM-768"`, ...
    const NAME: &'static str;
    /// k: the rank of the module, the number of polynomials in a vector.
    const K: usize;
    /// η1: the width of the binomial noise in s, e and y.
    const ETA1: u32;
    /// η2: the width of the binomial noise in e1 and e2.
    const ETA2: u32;
    /// d_u: the bits kept per coefficient of u in the ciphertext.
    const DU: u32;
    /// d_v: the bits kept per coefficient of v in the ciphertext.
    const DV: u32;

    /// Table 3: the encapsulation key, 384·k + 32 bytes (t̂ and ρ).
    const ENCAPSULATION_KEY_LEN: usize = 384 * Self::K + 32;
    /// Table 3: the decapsulation key, 768·k + 96 bytes (ŝ, ek, H(ek), z).
    const DECAPSULATION_KEY_LEN: usize = 768 * Self::K + 96;
    /// Table 3: the ciphertext, 32·(d_u·k + d_v) bytes (u and v, compressed).
    const CIPHERTEXT_LEN: usize = 32 * (Self::DU as usize * Self::K + Self::DV as usize);

    /// `[u8; ENCAPSULATION_KEY_LEN]`.
    type EncapsulationKeyBytes: ByteArray;
    /// `[u8; DECAPSULATION_KEY_LEN]`.
    type DecapsulationKeyBytes: ByteArray;
    /// `[u8; CIPHERTEXT_LEN]`.
    type CiphertextBytes: ByteArray;
}

/// ML-KEM-512: security category 1 (like AES-128).
pub struct MlKem512;
/// ML-KEM-768: security category 3 (like AES-192); the one TLS's
/// X25519MLKEM768 uses.
pub struct MlKem768;
/// ML-KEM-1024: security category 5 (like AES-256).
pub struct MlKem1024;

impl ParameterSet for MlKem512 {
    const NAME: &'static str = "ML-KEM-512";
    const K: usize = 2;
    const ETA1: u32 = 3;
    const ETA2: u32 = 2;
    const DU: u32 = 10;
    const DV: u32 = 4;
    type EncapsulationKeyBytes = [u8; 800];
    type DecapsulationKeyBytes = [u8; 1632];
    type CiphertextBytes = [u8; 768];
}

impl ParameterSet for MlKem768 {
    const NAME: &'static str = "ML-KEM-768";
    const K: usize = 3;
    const ETA1: u32 = 2;
    const ETA2: u32 = 2;
    const DU: u32 = 10;
    const DV: u32 = 4;
    type EncapsulationKeyBytes = [u8; 1184];
    type DecapsulationKeyBytes = [u8; 2400];
    type CiphertextBytes = [u8; 1088];
}

impl ParameterSet for MlKem1024 {
    const NAME: &'static str = "ML-KEM-1024";
    const K: usize = 4;
    const ETA1: u32 = 2;
    const ETA2: u32 = 2;
    const DU: u32 = 11;
    const DV: u32 = 5;
    type EncapsulationKeyBytes = [u8; 1568];
    type DecapsulationKeyBytes = [u8; 3168];
    type CiphertextBytes = [u8; 1568];
}

/// The largest k of the three sets: vectors are arrays of this many
/// polynomials, of which the first k are used.
pub(crate) const MAX_K: usize = 4;

mod private {
    pub trait Sealed {}
    impl<const N: usize> Sealed for [u8; N] {}
    impl Sealed for super::MlKem512 {}
    impl Sealed for super::MlKem768 {}
    impl Sealed for super::MlKem1024 {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The array types agree with the lengths of Table 3.
    fn sizes_agree<P: ParameterSet>(ek: usize, dk: usize, ct: usize) {
        assert_eq!((P::ENCAPSULATION_KEY_LEN, P::DECAPSULATION_KEY_LEN, P::CIPHERTEXT_LEN), (ek, dk, ct));
        assert_eq!(P::EncapsulationKeyBytes::zeroed().as_ref().len(), ek);
        assert_eq!(P::DecapsulationKeyBytes::zeroed().as_ref().len(), dk);
        assert_eq!(P::CiphertextBytes::zeroed().as_ref().len(), ct);
        assert!(P::K <= MAX_K);
    }

    #[test]
    fn table_3_sizes() {
        sizes_agree::<MlKem512>(800, 1632, 768);
        sizes_agree::<MlKem768>(1184, 2400, 1088);
        sizes_agree::<MlKem1024>(1568, 3168, 1568);
    }
}
