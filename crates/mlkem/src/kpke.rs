//! K-PKE, the public-key encryption scheme inside ML-KEM (FIPS 203 §5):
//! KeyGen, Encrypt and Decrypt (Algorithms 13-15).
//!
//! Constant time: yes, because every step on secret data (the seed σ, the
//! vectors s, e, y, e1, e2, the message m and the key ŝ) is a fixed sequence
//! of field operations, NTTs and bit packing (see `field`, `ntt`, `poly`).
//! Only the matrix Â, derived from the public ρ, is sampled in variable time.
//!
//! K-PKE alone is only secure against passive attackers (IND-CPA); ML-KEM
//! wraps it with the Fujisaki-Okamoto transform (`kem`) to resist chosen
//! ciphertexts.

use padlock_sha::{Hash, Sha3_512};
use zeroize::Zeroize;

use crate::ntt::{inverse_ntt, multiply_ntts_add, ntt};
use crate::params::{MAX_K, ParameterSet};
use crate::poly::Poly;
use crate::sample::{sample_matrix, sample_poly_cbd_many};

/// FIPS 203 Algorithm 13, K-PKE.KeyGen(d): writes ek_PKE (384·k + 32 bytes)
/// and dk_PKE (384·k bytes).
pub(crate) fn keygen<P: ParameterSet>(d: &[u8; 32], ek: &mut [u8], dk: &mut [u8]) {
    let k = P::K;
    debug_assert_eq!((ek.len(), dk.len()), (384 * k + 32, 384 * k));

    // Step 1: (ρ, σ) = G(d ‖ k), G = SHA3-512. The byte k separates the
    // parameter sets' keys from one seed.
    let mut g = Sha3_512::new();
    g.update(d);
    g.update(&[k as u8]);
    let mut rho_sigma = g.finalize();
    let mut rho = [0u8; 32];
    let mut sigma = [0u8; 32];
    rho.copy_from_slice(&rho_sigma[..32]);
    sigma.copy_from_slice(&rho_sigma[32..]);

    // Steps 8-15: s and e, from the binomial distribution, N = 0 .. 2k-1.
    let mut noise: [Poly; 2 * MAX_K] = core::array::from_fn(|_| Poly::ZERO);
    let wanted: [(u32, u8); 2 * MAX_K] = core::array::from_fn(|n| (P::ETA1, n as u8));
    sample_poly_cbd_many(&sigma, &wanted[..2 * k], &mut noise[..2 * k]);
    let (s, e) = noise[..2 * k].split_at_mut(k);
    // Steps 16-17: into the NTT domain.
    for (s_i, e_i) in s.iter_mut().zip(e.iter_mut()) {
        ntt(s_i);
        ntt(e_i);
    }
    // Steps 3-7 and 18: t̂ = Â ∘ ŝ + ê, with Â[i, j] = SampleNTT(ρ ‖ j ‖ i).
    let a_hat = sample_matrix(&rho, k, false);
    let (t_bytes, rho_out) = ek.split_at_mut(384 * k);
    for i in 0..k {
        let mut t_i = e[i].clone();
        for (a_ij, s_j) in a_hat[i].iter().zip(&*s) {
            multiply_ntts_add(&mut t_i, a_ij, s_j);
        }
        // Step 19: ek_PKE = ByteEncode_12(t̂) ‖ ρ.
        t_i.byte_encode(12, &mut t_bytes[384 * i..384 * (i + 1)]);
    }
    rho_out.copy_from_slice(&rho);
    // Step 20: dk_PKE = ByteEncode_12(ŝ).
    for i in 0..k {
        s[i].byte_encode(12, &mut dk[384 * i..384 * (i + 1)]);
    }

    rho_sigma.zeroize();
    sigma.zeroize();
    noise.zeroize();
}

/// FIPS 203 Algorithm 14, K-PKE.Encrypt(ek_PKE, m, r): writes the ciphertext
/// c (32·(d_u·k + d_v) bytes). `ek` must have passed the modulus check (or
/// come from KeyGen); it is decoded here either way.
pub(crate) fn encrypt<P: ParameterSet>(ek: &[u8], m: &[u8; 32], r: &[u8; 32], c: &mut [u8]) {
    let k = P::K;
    debug_assert_eq!((ek.len(), c.len()), (P::ENCAPSULATION_KEY_LEN, P::CIPHERTEXT_LEN));

    // Steps 2-3: t̂ = ByteDecode_12(ek[0 : 384k]), ρ = ek[384k : 384k + 32].
    let (t_bytes, rho_bytes) = ek.split_at(384 * k);
    let mut rho = [0u8; 32];
    rho.copy_from_slice(rho_bytes);

    // Steps 9-17: y, e1 (η1, η2) and e2 (η2) from PRF(r, N), N = 0 .. 2k.
    let mut noise: [Poly; 2 * MAX_K + 1] = core::array::from_fn(|_| Poly::ZERO);
    let wanted: [(u32, u8); 2 * MAX_K + 1] =
        core::array::from_fn(|n| (if n < k { P::ETA1 } else { P::ETA2 }, n as u8));
    sample_poly_cbd_many(r, &wanted[..2 * k + 1], &mut noise[..2 * k + 1]);
    let (y, e) = noise[..2 * k + 1].split_at_mut(k);
    let (e1, e2) = e.split_at(k);
    let e2 = &e2[0];
    // Step 18: ŷ = NTT(y).
    for y_i in y.iter_mut() {
        ntt(y_i);
    }

    // Step 19: u = NTT^-1(Â^T ∘ ŷ) + e1, where Â^T[i, j] = Â[j, i] =
    // SampleNTT(ρ ‖ i ‖ j). Step 22: c1 = ByteEncode_du(Compress_du(u)).
    let a_hat_t = sample_matrix(&rho, k, true);
    let (c1, c2) = c.split_at_mut(32 * P::DU as usize * k);
    let u_len = 32 * P::DU as usize;
    for i in 0..k {
        let mut u_i = Poly::ZERO;
        for (a_ij, y_j) in a_hat_t[i].iter().zip(&*y) {
            multiply_ntts_add(&mut u_i, a_ij, y_j);
        }
        inverse_ntt(&mut u_i);
        u_i.add_assign(&e1[i]);
        u_i.compress(P::DU);
        u_i.byte_encode(P::DU, &mut c1[u_len * i..u_len * (i + 1)]);
    }

    // Step 20: μ = Decompress_1(ByteDecode_1(m)): each bit becomes 0 or ⌈q/2⌋.
    let mut mu = Poly::byte_decode(1, m);
    mu.decompress(1);
    // Step 21: v = NTT^-1(t̂^T ∘ ŷ) + e2 + μ.
    let mut v = Poly::ZERO;
    for i in 0..k {
        let t_i = Poly::byte_decode(12, &t_bytes[384 * i..384 * (i + 1)]);
        multiply_ntts_add(&mut v, &t_i, &y[i]);
    }
    inverse_ntt(&mut v);
    v.add_assign(e2);
    v.add_assign(&mu);
    // Step 23: c2 = ByteEncode_dv(Compress_dv(v)).
    v.compress(P::DV);
    v.byte_encode(P::DV, c2);

    noise.zeroize();
    mu.zeroize();
    v.zeroize();
}

/// FIPS 203 Algorithm 15, K-PKE.Decrypt(dk_PKE, c): the 32-byte message.
pub(crate) fn decrypt<P: ParameterSet>(dk: &[u8], c: &[u8]) -> [u8; 32] {
    let k = P::K;
    debug_assert_eq!((dk.len(), c.len()), (384 * k, P::CIPHERTEXT_LEN));
    let (c1, c2) = c.split_at(32 * P::DU as usize * k);
    let u_len = 32 * P::DU as usize;

    // Steps 3-6: u' = Decompress_du(ByteDecode_du(c1)), v' likewise from c2,
    // ŝ = ByteDecode_12(dk_PKE); then s^T ∘ NTT(u'), summed over i.
    let mut product = Poly::ZERO;
    for i in 0..k {
        let mut u_i = Poly::byte_decode(P::DU, &c1[u_len * i..u_len * (i + 1)]);
        u_i.decompress(P::DU);
        ntt(&mut u_i);
        let mut s_i = Poly::byte_decode(12, &dk[384 * i..384 * (i + 1)]);
        multiply_ntts_add(&mut product, &s_i, &u_i);
        s_i.zeroize();
    }
    inverse_ntt(&mut product);
    let mut w = Poly::byte_decode(P::DV, c2);
    w.decompress(P::DV);
    // Step 6: w = v' - NTT^-1(ŝ^T ∘ NTT(u')), close to μ = m·⌈q/2⌋.
    w.sub_assign(&product);
    // Step 7: m = ByteEncode_1(Compress_1(w)): each coefficient is rounded
    // to the nearer of 0 and ⌈q/2⌋. Compress is division-free (KyberSlash).
    w.compress(1);
    let mut m = [0u8; 32];
    w.byte_encode(1, &mut m);

    product.zeroize();
    w.zeroize();
    m
}
