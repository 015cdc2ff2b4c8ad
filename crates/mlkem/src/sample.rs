//! Sampling polynomials from SHAKE (FIPS 203 §4.2.2): SampleNTT (Algorithm 7)
//! for the public matrix Â, SamplePolyCBD (Algorithm 8) for the secret and
//! error vectors, and the functions XOF and PRF of §4.1 they read.
//!
//! Constant time: SamplePolyCBD yes, because it only sums bits at fixed
//! positions with shifts, masks and additions. SampleNTT no, on purpose: it
//! rejects 12-bit candidates that are not below q, so its running time
//! depends on the SHAKE128 output, but that output is derived from the
//! public seed ρ alone and the matrix it makes is public (anyone can expand
//! ρ from the encapsulation key).
//!
//! Both come four at a time too (`sample_matrix`, `sample_poly_cbd_many`):
//! the k² matrix entries and the 2k or 2k + 1 noise polynomials are
//! independent SHAKE outputs, which padlock-sha's `Shake128x4` and
//! `Shake256x4` make four at once (on AVX2, four Keccak states to a
//! register). ML-KEM-768 key generation 32 -> 24 µs, with `accept` and
//! `cbd` below.

use padlock_sha::{Shake128, Shake128x4, Shake256, Shake256x4};
use zeroize::Zeroize;

use crate::field::{self, Q};
use crate::params::MAX_K;
use crate::poly::Poly;

/// FIPS 203 Algorithm 7, SampleNTT(ρ ‖ j ‖ i): a polynomial in NTT form with
/// coefficients uniform in Z_q, by rejection sampling from
/// XOF = SHAKE128 (§4.1). Used for the entry Â[i, j] of the matrix.
pub(crate) fn sample_ntt(rho: &[u8; 32], j: u8, i: u8) -> Poly {
    let mut xof = Shake128::new();
    xof.update(rho);
    xof.update(&[j, i]);
    let mut reader = xof.finalize_xof();

    let mut a = Poly::ZERO;
    let mut filled = 0;
    // One SHAKE128 block (168 bytes) holds 56 triples of bytes.
    let mut block = [0u8; 168];
    while filled < 256 {
        reader.read(&mut block);
        accept(&block, &mut a, &mut filled);
    }
    a
}

/// Algorithm 7's steps 5-14 on one block of XOF output: the candidates it
/// holds below q go into `a` from coefficient `filled` on, until 256 are
/// kept.
///
/// Each candidate is written to the next free coefficient whether or not it
/// is kept, and the count moves on only if it is: a rejected one is
/// overwritten by the next. The data is public (it comes from ρ), so this is
/// for speed, not secrecy: a branch on `candidate < q` was mispredicted
/// about one time in five, a fifth of ML-KEM-768's key generation.
fn accept(block: &[u8; 168], a: &mut Poly, filled: &mut usize) {
    let mut n = *filled;
    for triple in block.chunks_exact(3) {
        // Steps 5-6: two 12-bit candidates from three bytes.
        let (b0, b1, b2) = (u16::from(triple[0]), u16::from(triple[1]), u16::from(triple[2]));
        let d1 = b0 | ((b1 & 0x0f) << 8);
        let d2 = (b1 >> 4) | (b2 << 4);
        // Steps 7-14: keep each one that is below q, until 256 are kept.
        for candidate in [d1, d2] {
            if n < 256 {
                a.0[n] = candidate;
                n += usize::from(candidate < Q);
            }
        }
    }
    *filled = n;
}

/// The k x k matrix Â of K-PKE (FIPS 203 Algorithm 13 steps 3-7):
/// `a[i][j]` = SampleNTT(ρ ‖ j ‖ i), or its transpose (`a[i][j]` =
/// SampleNTT(ρ ‖ i ‖ j), Algorithm 14 step 19's Â^T). Four entries at a time
/// from four SHAKE128 instances run side by side (`Shake128x4`, whose AVX2
/// permutation makes four for the price of about one and a quarter); a lone
/// last entry alone.
pub(crate) fn sample_matrix(rho: &[u8; 32], k: usize, transposed: bool) -> [[Poly; MAX_K]; MAX_K] {
    let mut a: [[Poly; MAX_K]; MAX_K] = core::array::from_fn(|_| core::array::from_fn(|_| Poly::ZERO));
    // Entry (i, j) takes the XOF input ρ ‖ j ‖ i, or ρ ‖ i ‖ j transposed.
    // The entries in order, written out without dividing by k (no integer
    // division anywhere in this crate: `tests/no_division.rs`).
    let mut entries = [(0, 0); MAX_K * MAX_K];
    for (n, entry) in (0..k).flat_map(|i| (0..k).map(move |j| (i, j))).enumerate() {
        entries[n] = entry;
    }
    let entries = &entries[..k * k];
    let xof_bytes = |(i, j): (usize, usize)| if transposed { [i as u8, j as u8] } else { [j as u8, i as u8] };
    for group in entries.chunks(4) {
        if let [(i, j)] = *group {
            let [b0, b1] = xof_bytes((i, j));
            a[i][j] = sample_ntt(rho, b0, b1);
            continue;
        }
        // Lanes past the group's end repeat its last entry; their output is dropped.
        let inputs: [[u8; 34]; 4] = core::array::from_fn(|lane| {
            let mut input = [0u8; 34];
            input[..32].copy_from_slice(rho);
            input[32..].copy_from_slice(&xof_bytes(group[lane.min(group.len() - 1)]));
            input
        });
        let mut xof = Shake128x4::new(core::array::from_fn(|lane| &inputs[lane][..]));
        let mut polys: [Poly; 4] = core::array::from_fn(|_| Poly::ZERO);
        let mut filled = [0usize; 4];
        while filled[..group.len()].iter().any(|&f| f < 256) {
            let blocks = xof.squeeze_blocks();
            for ((block, poly), filled) in blocks.iter().zip(polys.iter_mut()).zip(filled.iter_mut()) {
                accept(block, poly, filled);
            }
        }
        for (&(i, j), poly) in group.iter().zip(polys) {
            a[i][j] = poly;
        }
    }
    a
}

/// FIPS 203 §4.1, PRF_η(s, b) = SHAKE256(s ‖ b, 8 · 64 · η bits), followed by
/// Algorithm 8, SamplePolyCBD_η: a polynomial whose coefficients follow the
/// centred binomial distribution on -η .. η (η = 2 or 3).
pub(crate) fn sample_poly_cbd(eta: u32, sigma: &[u8; 32], counter: u8) -> Poly {
    debug_assert!(eta == 2 || eta == 3);
    let mut prf = Shake256::new();
    prf.update(sigma);
    prf.update(&[counter]);
    let mut bytes = [0u8; 64 * 3];
    let bytes = &mut bytes[..64 * eta as usize];
    prf.finalize_xof().read(bytes);
    let f = cbd(eta, bytes);
    bytes.zeroize();
    f
}

/// `sample_poly_cbd(eta, sigma, counter)` for each `(eta, counter)` of
/// `wanted`, into `out`: four at a time from four SHAKE256 instances side by
/// side (`Shake256x4`), a lone last one alone. Constant time as
/// `sample_poly_cbd`: what runs depends on the counts and the η only.
pub(crate) fn sample_poly_cbd_many(sigma: &[u8; 32], wanted: &[(u32, u8)], out: &mut [Poly]) {
    debug_assert_eq!(wanted.len(), out.len());
    for (group, polys) in wanted.chunks(4).zip(out.chunks_mut(4)) {
        if let ([(eta, counter)], [poly]) = (group, &mut *polys) {
            *poly = sample_poly_cbd(*eta, sigma, *counter);
            continue;
        }
        // Lanes past the group's end repeat its last input, unused.
        let inputs: [[u8; 33]; 4] = core::array::from_fn(|lane| {
            let mut input = [0u8; 33];
            input[..32].copy_from_slice(sigma);
            input[32] = group[lane.min(group.len() - 1)].1;
            input
        });
        let mut prf = Shake256x4::new(core::array::from_fn(|lane| &inputs[lane][..]));
        // 64 η bytes each: one block of 136 for η = 2, two for η = 3.
        let mut bytes = [[0u8; 2 * 136]; 4];
        let blocks = if group.iter().any(|&(eta, _)| eta == 3) { 2 } else { 1 };
        for b in 0..blocks {
            let mut squeezed = prf.squeeze_blocks();
            for (lane, block) in bytes.iter_mut().zip(&squeezed) {
                lane[136 * b..136 * (b + 1)].copy_from_slice(block);
            }
            squeezed.zeroize();
        }
        for ((&(eta, _), poly), lane) in group.iter().zip(polys.iter_mut()).zip(&bytes) {
            debug_assert!(eta == 2 || eta == 3);
            *poly = cbd(eta, &lane[..64 * eta as usize]);
        }
        bytes.zeroize();
    }
}

/// Algorithm 8 on the PRF's 64 η bytes.
///
/// It reads 2η bits per coefficient, least significant first: x = the sum
/// of the first η bits, y = the sum of the next η, f_i = x - y mod q. The
/// bit sums are made for a whole word at once: with `m` the mask of every
/// η-th bit, `(w & m) + (w >> 1 & m) (+ (w >> 2 & m) for η = 3)` holds in
/// each η-bit field the sum of that field's bits (at most η, so it fits),
/// and x and y are then two neighbouring fields. (One popcount per half
/// coefficient took three times as long.)
fn cbd(eta: u32, bytes: &[u8]) -> Poly {
    let mut f = Poly::ZERO;
    let field = |t: u32, at: usize, width: usize| (t >> at) as u16 & ((1 << width) - 1);
    if eta == 2 {
        // Four bytes, eight coefficients of four bits.
        for (word, out) in bytes.chunks_exact(4).zip(f.0.chunks_exact_mut(8)) {
            let w = u32::from_le_bytes(word.try_into().expect("four bytes"));
            let t = (w & 0x5555_5555) + (w >> 1 & 0x5555_5555);
            for (i, c) in out.iter_mut().enumerate() {
                *c = field::sub(field(t, 4 * i, 2), field(t, 4 * i + 2, 2));
            }
        }
    } else {
        // Three bytes, four coefficients of six bits.
        for (word, out) in bytes.chunks_exact(3).zip(f.0.chunks_exact_mut(4)) {
            let w = u32::from(word[0]) | u32::from(word[1]) << 8 | u32::from(word[2]) << 16;
            let t = (w & 0x0024_9249) + (w >> 1 & 0x0024_9249) + (w >> 2 & 0x0024_9249);
            for (i, c) in out.iter_mut().enumerate() {
                *c = field::sub(field(t, 6 * i, 3), field(t, 6 * i + 3, 3));
            }
        }
    }
    f
}
