//! Keccak-f[1600], the permutation under every SHA-3 function (FIPS 202 §3).
//!
//! Constant time: yes, because the five step mappings only XOR, AND, NOT and
//! rotate 64-bit lanes by fixed amounts; no branch or memory index depends on
//! the state.
//!
//! The state is 1600 bits, seen as a 5 x 5 array of 64-bit lanes `A[x, y]`
//! (FIPS 202 §3.1.2). Here lane `A[x, y]` is `a[x + 5 * y]`, and a lane's bit
//! `z` is bit `z` of the `u64`: the byte order of §3.1.3 and Appendix B.1
//! makes that the little-endian reading of 8 consecutive state bytes.
//!
//! One round (§3.3, `Rnd`) is the composition of five steps:
//!
//! ```text
//! Rnd(A, i_r) = ι(χ(π(ρ(θ(A)))), i_r)
//! ```
//!
//! and Keccak-f[1600] = Keccak-p[1600, 24] runs rounds 0 to 23 (§3.4).

use zeroize::Zeroize;

/// FIPS 202 §3.2.5: the round constants RC[i_r], for i_r = 0 .. 23, as the
/// 64-bit lanes that ι XORs into `A[0, 0]`. Algorithm 6 defines them bit by
/// bit with the LFSR `rc(t)` of Algorithm 5; this table is the one printed in
/// the Keccak reference (Bertoni, Daemen, Peeters, Van Assche, "The Keccak
/// reference", version 3.0, Table 1), and the test `round_constants_follow_algorithm_6`
/// recomputes it from Algorithms 5 and 6.
pub(crate) const RC: [u64; 24] = [
    0x0000_0000_0000_0001,
    0x0000_0000_0000_8082,
    0x8000_0000_0000_808a,
    0x8000_0000_8000_8000,
    0x0000_0000_0000_808b,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8009,
    0x0000_0000_0000_008a,
    0x0000_0000_0000_0088,
    0x0000_0000_8000_8009,
    0x0000_0000_8000_000a,
    0x0000_0000_8000_808b,
    0x8000_0000_0000_008b,
    0x8000_0000_0000_8089,
    0x8000_0000_0000_8003,
    0x8000_0000_0000_8002,
    0x8000_0000_0000_0080,
    0x0000_0000_0000_800a,
    0x8000_0000_8000_000a,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8080,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8008,
];

/// FIPS 202 §3.2.2, Table 2: the rotation offset of ρ for lane `A[x, y]`, at
/// index `x + 5 * y` (Table 2 prints them modulo the lane size w = 64). The
/// test `rho_offsets_follow_algorithm_2` recomputes them from Algorithm 2.
pub(crate) const RHO: [u32; 25] = [
    0, 1, 62, 28, 27, // y = 0
    36, 44, 6, 55, 20, // y = 1
    3, 10, 43, 25, 39, // y = 2
    41, 45, 15, 21, 8, // y = 3
    18, 2, 61, 56, 14, // y = 4
];

/// Keccak-f[1600] (FIPS 202 §3.4): 24 rounds on the state, in place.
pub(crate) fn keccak_f1600(a: &mut [u64; 25]) {
    for rc in RC {
        round(a, rc);
    }
}

/// Keccak-f[1600] on four independent states, interleaved: lane `i` of
/// state `s` is `lanes[i][s]`. On AVX2 (unless `PADLOCK_BACKEND=portable`)
/// the four go through the rounds together, one register per lane
/// (`keccak_avx2`); otherwise one after the other.
pub(crate) fn keccak_f1600_x4(lanes: &mut [[u64; 4]; 25]) {
    keccak_f1600_x4_on(crate::Backend::preferred().contains(&crate::Backend::Avx2), lanes);
}

/// `keccak_f1600_x4` with the AVX2 code or without it.
fn keccak_f1600_x4_on(avx2: bool, lanes: &mut [[u64; 4]; 25]) {
    if avx2 {
        crate::keccak_avx2::keccak_f1600_x4(lanes);
        return;
    }
    for s in 0..4 {
        let mut state: [u64; 25] = core::array::from_fn(|i| lanes[i][s]);
        keccak_f1600(&mut state);
        for (lane, word) in lanes.iter_mut().zip(state) {
            lane[s] = word;
        }
        state.zeroize();
    }
}

/// One round `Rnd(A, i_r)` of §3.3, given its round constant.
#[inline(always)]
fn round(a: &mut [u64; 25], rc: u64) {
    // θ (§3.2.1): C[x] is the parity of column x; every lane of column x is
    // XORed with D[x] = C[x - 1] ⊕ rot(C[x + 1], 1).
    let mut c = [0u64; 5];
    for x in 0..5 {
        c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    }
    for x in 0..5 {
        let d = c[(x + 4) % 5] ^ c[(x + 1) % 5].rotate_left(1);
        for y in 0..5 {
            a[x + 5 * y] ^= d;
        }
    }

    // ρ (§3.2.2) and π (§3.2.3) together: π sets A'[x, y] = A[(x + 3y) mod 5, x],
    // that is, lane (x, y) moves to (y, 2x + 3y mod 5); on the way it is
    // rotated by its ρ offset.
    let mut b = [0u64; 25];
    for x in 0..5 {
        for y in 0..5 {
            b[y + 5 * ((2 * x + 3 * y) % 5)] = a[x + 5 * y].rotate_left(RHO[x + 5 * y]);
        }
    }

    // χ (§3.2.4): A'[x, y] = A[x, y] ⊕ ((A[x + 1, y] ⊕ 1) · A[x + 2, y]),
    // the only non-linear step.
    for y in 0..5 {
        for x in 0..5 {
            a[x + 5 * y] = b[x + 5 * y] ^ (!b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
        }
    }

    // ι (§3.2.5): break the symmetry between rounds.
    a[0] ^= rc;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FIPS 202 Algorithm 5: `rc(t)`, one output bit of an LFSR.
    fn rc_bit(t: usize) -> u64 {
        if t.is_multiple_of(255) {
            return 1;
        }
        // R = 10000000, as bits R[0] .. R[7]; stored with R[i] in bit i.
        let mut r: u16 = 1;
        for _ in 1..=t % 255 {
            // R = 0 || R, then R[0], R[4], R[5], R[6] ^= R[8]; truncate to 8.
            r <<= 1;
            let r8 = (r >> 8) & 1;
            r ^= r8 | (r8 << 4) | (r8 << 5) | (r8 << 6);
            r &= 0xff;
        }
        u64::from(r & 1)
    }

    /// The four-state permutation without AVX2 is the permutation of each.
    #[test]
    fn four_states_one_after_the_other() {
        let mut lanes = [[0u64; 4]; 25];
        for (i, lane) in lanes.iter_mut().enumerate() {
            *lane = core::array::from_fn(|s| (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ s as u64);
        }
        let mut states: [[u64; 25]; 4] = core::array::from_fn(|s| core::array::from_fn(|i| lanes[i][s]));
        keccak_f1600_x4_on(false, &mut lanes);
        for (s, state) in states.iter_mut().enumerate() {
            keccak_f1600(state);
            assert!((0..25).all(|i| lanes[i][s] == state[i]), "state {s}");
        }
    }

    #[test]
    fn round_constants_follow_algorithm_6() {
        for (i_r, &constant) in RC.iter().enumerate() {
            // Algorithm 6 step 3: RC[2^j - 1] = rc(j + 7 i_r) for j = 0 .. 6.
            let mut expected = 0u64;
            for j in 0..=6 {
                expected |= rc_bit(j + 7 * i_r) << ((1 << j) - 1);
            }
            assert_eq!(constant, expected, "RC[{i_r}]");
        }
    }

    #[test]
    fn rho_offsets_follow_algorithm_2() {
        let mut expected = [0u32; 25];
        // Algorithm 2: start at (x, y) = (1, 0); for t = 0 .. 23 the lane at
        // (x, y) is rotated by (t + 1)(t + 2)/2, then (x, y) = (y, 2x + 3y).
        let (mut x, mut y) = (1, 0);
        for t in 0..24 {
            expected[x + 5 * y] = (((t + 1) * (t + 2) / 2) % 64) as u32;
            (x, y) = (y, (2 * x + 3 * y) % 5);
        }
        assert_eq!(RHO, expected);
    }

    /// The permutation of the all-zero state, as printed in the Keccak team's
    /// "KeccakF-1600-IntermediateValues.txt" (first two lanes after 24 rounds).
    #[test]
    fn permutation_of_zero_state() {
        let mut a = [0u64; 25];
        keccak_f1600(&mut a);
        assert_eq!(a[0], 0xf1258f7940e1dde7);
        assert_eq!(a[1], 0x84d5ccf933c0478a);
    }
}
