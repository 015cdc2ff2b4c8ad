//! Conversions to and from the oracle, `num-bigint`, and proptest strategies
//! for numbers of 1 to 4096 bits.

#![allow(dead_code, unreachable_pub)]

use num_bigint::BigUint;
use padlock_bigint::Uint;
use proptest::prelude::*;

/// The largest size the properties draw, in bits.
pub const MAX_BITS: usize = 4096;

/// The oracle's copy of `x`.
pub fn big(x: &Uint) -> BigUint {
    BigUint::from_bytes_be(&x.to_be_bytes(8 * x.limb_len()).unwrap())
}

/// `x` on `limbs` limbs (it must fit).
pub fn uint(x: &BigUint, limbs: usize) -> Uint {
    Uint::from_be_bytes_padded(&x.to_bytes_be(), limbs).unwrap()
}

/// A byte biased towards 0x00 and 0xff, where carries and borrows run far.
fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![6 => any::<u8>(), 2 => Just(0xff), 1 => Just(0)]
}

/// A value of exactly `bits` bits (top bit set) from the given bytes.
fn exact(bits: usize, bytes: &[u8]) -> BigUint {
    let x = BigUint::from_bytes_be(bytes) % (BigUint::from(1u8) << (bits - 1));
    x | (BigUint::from(1u8) << (bits - 1))
}

/// A number of 1 to `max_bits` bits, also zero sometimes, on its own limb
/// count plus 0 or 1 extra (leading zero) limbs: `(value, limbs)`.
pub fn number(max_bits: usize) -> impl Strategy<Value = (BigUint, usize)> {
    (1..=max_bits, 0..=1usize, 0..16u8).prop_flat_map(|(bits, extra, zero)| {
        proptest::collection::vec(byte(), bits.div_ceil(8)).prop_map(move |bytes| {
            let x = if zero == 0 { BigUint::default() } else { exact(bits, &bytes) };
            (x, bits.div_ceil(64) + extra)
        })
    })
}

/// An odd modulus of 2 to `max_bits` bits (so at least 3), on its own limb
/// count plus 0 or 1 extra limbs: `(value, limbs)`.
pub fn odd_modulus(max_bits: usize) -> impl Strategy<Value = (BigUint, usize)> {
    (2..=max_bits, 0..=1usize).prop_flat_map(|(bits, extra)| {
        proptest::collection::vec(byte(), bits.div_ceil(8))
            .prop_map(move |bytes| (exact(bits, &bytes) | BigUint::from(1u8), bits.div_ceil(64) + extra))
    })
}

/// A value below `m` drawn from `seed` bytes: also 0, 1 and m - 1.
pub fn below(m: &BigUint, seed: &[u8], pick: u8) -> BigUint {
    match pick % 8 {
        0 => BigUint::default(),
        1 => BigUint::from(1u8) % m,
        2 => m - 1u8,
        _ => BigUint::from_bytes_be(seed) % m,
    }
}
