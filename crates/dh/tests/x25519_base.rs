//! The fixed-base key generation (`PrivateKey::public_key`, a table on the
//! Edwards curve) against the Montgomery ladder (`x25519(k, 9)`), which the
//! RFC 7748 vectors check: random scalars, and scalars whose signed digits
//! hit the table's edges (every nibble 0, 8 or 15, runs of carries).

use padlock_dh::x25519::{BASE_POINT, PrivateKey, x25519};
use proptest::prelude::*;

/// A byte biased towards the values where the radix-16 recoding changes
/// behaviour: nibbles 0, 7, 8 and 15.
fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![4 => any::<u8>(), 1 => Just(0x00), 1 => Just(0x88), 1 => Just(0xff), 1 => Just(0x78), 1 => Just(0x87)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn fixed_base_equals_the_ladder(scalar in proptest::array::uniform32(byte())) {
        let public = PrivateKey::from_bytes(scalar).public_key();
        prop_assert_eq!(public.as_bytes(), &x25519(&scalar, &BASE_POINT));
    }
}

#[test]
fn fixed_base_at_the_extremes() {
    // All nibbles 8 (every digit -8 with a carry), all 15, all 0 but the
    // clamped bits, and the largest clamped scalar.
    for scalar in [[0x88; 32], [0xff; 32], [0x00; 32], [0x77; 32], [0xf8; 32]] {
        let public = PrivateKey::from_bytes(scalar).public_key();
        assert_eq!(public.as_bytes(), &x25519(&scalar, &BASE_POINT), "{scalar:02x?}");
    }
}
