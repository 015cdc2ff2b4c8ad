//! Sampling polynomials from SHAKE (FIPS 203 §4.2.2): SampleNTT (Algorithm 7)
//! for the public matrix Â, SamplePolyCBD (Algorithm 8) for the secret and
//! error vectors, and the functions XOF and PRF of §4.1 they read.
//!
//! Constant time: SamplePolyCBD yes, because it only counts bits (`count_ones`)
//! at fixed positions. SampleNTT no, on purpose: it rejects 12-bit candidates
//! that are not below q, so its running time depends on the SHAKE128 output,
//! but that output is derived from the public seed ρ alone and the matrix it
//! makes is public (anyone can expand ρ from the encapsulation key).

use padlock_sha::{Shake128, Shake256};
use zeroize::Zeroize;

use crate::field::{self, Q};
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
        for triple in block.chunks_exact(3) {
            // Steps 5-6: two 12-bit candidates from three bytes.
            let (b0, b1, b2) = (u16::from(triple[0]), u16::from(triple[1]), u16::from(triple[2]));
            let d1 = b0 | ((b1 & 0x0f) << 8);
            let d2 = (b1 >> 4) | (b2 << 4);
            // Steps 7-14: keep each one that is below q, until 256 are kept.
            for candidate in [d1, d2] {
                if candidate < Q && filled < 256 {
                    a.0[filled] = candidate;
                    filled += 1;
                }
            }
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

    // Algorithm 8 reads 2η bits per coefficient: x = the sum of the first
    // η bits, y = the sum of the next η, f_i = x - y mod q. ByteDecode_2η
    // cuts the bit string into exactly those 256 groups of 2η bits.
    let mut f = Poly::byte_decode(2 * eta, bytes);
    let mask = (1u16 << eta) - 1;
    for c in f.0.iter_mut() {
        let x = (*c & mask).count_ones() as u16;
        let y = ((*c >> eta) & mask).count_ones() as u16;
        *c = field::sub(x, y);
    }
    bytes.zeroize();
    f
}
