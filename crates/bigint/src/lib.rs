//! Unsigned big integers for public-key cryptography: Montgomery arithmetic
//! modulo an odd number, constant-time modular exponentiation and inversion,
//! and random primes (Miller–Rabin, FIPS 186-5 Appendix B.3).
//!
//! RSA (`padlock-rsa`) and finite-field Diffie–Hellman (`padlock-dh`) are
//! built on this crate. The design follows Go's `crypto/internal/bigmod` and
//! BearSSL's `i31`/`i62` code: numbers have a public length and a secret
//! value, and a [`Modulus`] carries what Montgomery multiplication needs.
//!
//! # How the crate is organised
//!
//! - [`Uint`] (`uint.rs`): an unsigned integer on little-endian 64-bit
//!   limbs. The *number of limbs* is public ("announced"): loops run over all
//!   of them. The *value* is secret: no branch or memory index depends on it.
//!   From and to big-endian bytes, comparisons returning [`subtle::Choice`],
//!   masked select and swap, add and subtract with carry, full
//!   multiplication, shifts, constant-time long division.
//! - `limbs`: the slice arithmetic underneath (carries, masks, shifts).
//! - [`Modulus`] (`modulus.rs`): an odd `m > 1` with `-m^-1 mod 2^64` and
//!   `R^2 mod m`; [`Modulus::reduce`] of a number of any length, and
//!   [`add`](Modulus::add), [`sub`](Modulus::sub), [`mul`](Modulus::mul) of
//!   elements (numbers on `m`'s limb count, below `m`).
//! - `montgomery`: Montgomery multiplication and squaring, every row one call
//!   of a backend's kernel `t += x * y`. [`Backend`] (`backend.rs`) picks the
//!   kernel at run time: portable `u128` code, or `adx`, x86-64 assembly with
//!   `mulx`/`adcx`/`adox`, with every row written out at 16 limbs
//!   (`adx16.rs`), or `ifma`, whole exponentiations in radix 2^52 on
//!   AVX-512 IFMA (`ifma.rs`), or `avx2`, whole exponentiations in radix
//!   2^28 on AVX2 (`avx2.rs`), up to 1024 bits. These four modules hold the
//!   crate's only `unsafe`.
//! - `pow.rs`: [`Modulus::pow`], constant time with a 5-bit window whose
//!   table is read in full with masks, for secret exponents;
//!   [`Modulus::pow_vartime`] for public exponents such as e = 65537.
//! - `inverse.rs`: [`Modulus::inv`] (odd modulus), [`gcd`], [`lcm`], and
//!   [`inv_small_odd_mod`] for RSA's `d = e^-1 mod λ(n)`, where `λ(n)` is
//!   even and secret but `e` is small, public and odd.
//! - `prime.rs`: trial division, [`miller_rabin`], [`is_probable_prime`],
//!   [`random_prime`].
//!
//! # Example
//!
//! ```
//! use padlock_bigint::{Modulus, Uint};
//! use subtle::ConstantTimeEq;
//!
//! // 2^127 - 1 is prime, so 3^(p - 1) = 1 mod p (Fermat).
//! let p = Uint::from_be_bytes(&[[0x7f].as_slice(), &[0xff; 15]].concat());
//! let m = Modulus::new(&p).unwrap();
//! let three = Uint::from_u64(3).resize(m.limbs()).unwrap();
//! let (p_minus_1, _) = p.borrowing_sub(&Uint::from_u64(1));
//! let one = m.pow(&three, &p_minus_1);
//! assert!(bool::from(one.ct_eq(&Uint::from_u64(1))));
//! assert_eq!(one.to_be_bytes(2).unwrap(), [0, 1]);
//! ```
//!
//! # Constant time, and what is variable time
//!
//! Everything is constant time in the values of its operands except:
//!
//! - functions whose name ends in `_vartime`: [`Uint::bits_vartime`] and
//!   [`Modulus::pow_vartime`] (variable time in the exponent only);
//! - [`Modulus::new`], which treats the modulus's bit length as public;
//! - [`Modulus::new_public`], variable time in the whole modulus (a
//!   division in `vartime.rs`), for public moduli such as RSA public keys;
//! - the prime functions, which are variable time in the candidate tested
//!   (see `prime.rs` for what that does and does not reveal);
//! - functions that return an `Err` or panic, which reveal that they did
//!   (a value too large for the bytes asked for, a division by zero).
//!
//! Conditions on secrets become masks made from [`subtle::Choice`], which
//! the compiler cannot see through. `num-bigint` is used in tests only, as
//! the oracle every operation is compared with.

mod adx;
mod adx16;
mod avx2;
mod backend;
mod ifma;
mod inverse;
mod limbs;
mod modulus;
mod montgomery;
mod pow;
mod prime;
mod uint;
mod vartime;

pub use backend::Backend;
pub use inverse::{gcd, inv_small_odd_mod, lcm};
pub use modulus::Modulus;
pub use prime::{
    ARBITRARY_INPUT_ROUNDS, has_no_small_factor, is_probable_prime, is_strong_probable_prime, miller_rabin,
    random_prime, random_prime_rounds,
};
pub use uint::Uint;

/// What can go wrong. The errors are deliberately coarse: they say which
/// operation failed, never anything about a secret value beyond that.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// A value does not fit in the length asked for.
    DoesNotFit,
    /// A modulus must be odd and at least 3.
    InvalidModulus,
    /// Division by zero.
    DivisionByZero,
    /// The requested backend is not available on this CPU.
    BackendUnavailable,
    /// A prime must have at least 16 bits.
    InvalidBitLength,
    /// No prime found in the number of candidates FIPS 186-5 allows.
    PrimeNotFound,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Error::DoesNotFit => "the number does not fit in the requested length",
            Error::InvalidModulus => "the modulus must be odd and at least 3",
            Error::DivisionByZero => "division by zero",
            Error::BackendUnavailable => "this CPU lacks the requested backend",
            Error::InvalidBitLength => "a random prime must have at least 16 bits",
            Error::PrimeNotFound => "no prime found within the allowed number of candidates",
        })
    }
}

impl std::error::Error for Error {}
