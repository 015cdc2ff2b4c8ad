//! Poly1305 (RFC 8439 §2.5), the one-time authenticator, and the generation
//! of its key with ChaCha20 (§2.6).
//!
//! Constant time: yes, because the arithmetic runs on fixed-size limbs with
//! the same sequence of additions, shifts, masks and 64x64 -> 128-bit
//! multiplications whatever the values (x86-64's `mul` and AArch64's
//! `mul`/`umulh` take the same time for every operand), and the final
//! reduction chooses between two candidates with `subtle`, not a branch.
//!
//! The key is two 128-bit halves, `r` (clamped: some bits forced to zero)
//! and `s`. The message is cut into 16-byte blocks; each block, read as a
//! little-endian number with a 1 bit appended above its last byte, is added
//! to an accumulator, which is then multiplied by `r` modulo the prime
//! `p = 2^130 - 5`:
//!
//! ```text
//! acc = ((acc + block) * r) mod p        for each block
//! tag = (acc + s) mod 2^128
//! ```
//!
//! # Limbs of 44 bits
//!
//! A 130-bit number is held in three 64-bit limbs of 44, 44 and 42 bits:
//! `h = h0 + h1 * 2^44 + h2 * 2^88`. Products of two limbs fit in a `u128`
//! with room to add three of them, and the spare bits of each limb let
//! additions go without carrying at once. Reduction uses
//! `2^130 = 5 (mod p)`: the part of a product at `2^132` (limb 2 times limb 1,
//! and so on) folds back as `4 * 5 = 20` times itself, and a carry out of the
//! top limb's 42 bits comes back into limb 0 times 5.

use subtle::{Choice, ConditionallySelectable};
use zeroize::Zeroize;

use crate::chacha20::{self, Key};
use crate::{Backend, KeyError, NONCE_LEN, TAG_LEN, avx2, avx512, check_backend};

/// Poly1305 works on 16-byte blocks.
pub const BLOCK_LEN: usize = 16;

/// The one-time key: `r` (16 bytes) then `s` (16 bytes).
pub const KEY_LEN: usize = 32;

const MASK44: u64 = (1 << 44) - 1;
const MASK42: u64 = (1 << 42) - 1;

/// The vector backends take runs of at least this many bytes: below it,
/// setting up the vectors (the powers of `r`) costs more than it saves.
const VECTOR_MIN_LEN: usize = 256;

/// A number modulo 2^130 - 5 in 44-bit limbs (see the module doc).
///
/// Bounds, checked with `debug_assert!` where they matter: a stored
/// accumulator has `h0 < 2^44`, `h1 < 2^44 + 2^9`, `h2 < 2^42` (what
/// [`mul`]'s carry chain leaves: `h1` can pass 2^44 by the carry out of
/// `h0`); after one message block is added, `h0 < 2^45`,
/// `h1 < 2^45 + 2^9` and `h2 < 2^43`, which [`mul`] accepts.
pub(crate) type Limbs = [u64; 3];

/// Poly1305 under one one-time key, fed in as many pieces as wanted.
///
/// The key halves and the accumulator are wiped on drop. A key must
/// authenticate one message only: two tags under the same `r` and `s` let
/// an attacker solve for them (§2.5, §4).
pub struct Poly1305 {
    /// `r` clamped (§2.5), in limbs; `r2 < 2^36` because clamping clears
    /// the top four bits.
    r: Limbs,
    /// `s` as a 128-bit number.
    s: u128,
    /// The accumulator.
    h: Limbs,
    /// Bytes of a block not yet complete.
    buffer: [u8; BLOCK_LEN],
    buffered: usize,
    backend: Backend,
    /// Powers of `r` for the vector backends, computed on first use.
    powers: Option<VectorPowers>,
}

impl Poly1305 {
    /// Poly1305 with the one-time `key` (`r || s`), on the preferred backend.
    pub fn new(key: &[u8; KEY_LEN]) -> Poly1305 {
        Poly1305::from_key(key, Backend::preferred())
    }

    /// Poly1305 on the given backend.
    pub fn with_backend(key: &[u8; KEY_LEN], backend: Backend) -> Result<Poly1305, KeyError> {
        check_backend(backend)?;
        Ok(Poly1305::from_key(key, backend))
    }

    /// The tag of `message` under `key`, in one call (§2.5.1 `poly1305_mac`).
    pub fn mac(key: &[u8; KEY_LEN], message: &[u8]) -> [u8; TAG_LEN] {
        let mut poly = Poly1305::new(key);
        poly.update(message);
        poly.finalize()
    }

    pub(crate) fn from_key(key: &[u8; KEY_LEN], backend: Backend) -> Poly1305 {
        let [r_lo, r_hi, s_lo, s_hi] = le_u64s(key);
        let (r_lo, r_hi) = clamp(r_lo, r_hi);
        let r = r_limbs(r_lo, r_hi);
        debug_assert!(r[2] < 1 << 36, "clamping leaves r below 2^124");
        let s = u128::from(s_lo) | (u128::from(s_hi) << 64);
        Poly1305 { r, s, h: [0; 3], buffer: [0; BLOCK_LEN], buffered: 0, backend, powers: None }
    }

    /// The backend this instance runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The clamped `r`, for the AVX2 backend's tests.
    #[cfg(test)]
    pub(crate) fn clamped_r(&self) -> Limbs {
        self.r
    }

    /// Feeds more of the message. Splitting a message into `update` calls at
    /// any point gives the same tag as feeding it at once.
    pub fn update(&mut self, mut data: &[u8]) {
        if self.buffered > 0 {
            let take = data.len().min(BLOCK_LEN - self.buffered);
            self.buffer[self.buffered..self.buffered + take].copy_from_slice(&data[..take]);
            self.buffered += take;
            data = &data[take..];
            if self.buffered < BLOCK_LEN {
                return;
            }
            let block = self.buffer;
            self.full_blocks(&block);
            self.buffered = 0;
        }
        let whole = data.len() / BLOCK_LEN * BLOCK_LEN;
        self.full_blocks(&data[..whole]);
        let rest = &data[whole..];
        self.buffer[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    /// Pads the message so far with zeros to a multiple of 16 bytes: the
    /// `pad16` of the AEAD construction (§2.8).
    pub(crate) fn pad16(&mut self) {
        if self.buffered > 0 {
            self.buffer[self.buffered..].fill(0);
            let block = self.buffer;
            self.full_blocks(&block);
            self.buffered = 0;
        }
    }

    /// §2.5: the last, partial block gets its 1 bit right after its bytes,
    /// then `tag = (acc + s) mod 2^128`, little-endian.
    pub fn finalize(mut self) -> [u8; TAG_LEN] {
        if self.buffered > 0 {
            let mut last = [0u8; BLOCK_LEN];
            last[..self.buffered].copy_from_slice(&self.buffer[..self.buffered]);
            last[self.buffered] = 1;
            blocks(&mut self.h, &self.r, &last, 0);
        }
        let h = reduce_fully(&self.h);
        let tag = h.wrapping_add(self.s);
        tag.to_le_bytes()
    }

    /// Whole 16-byte blocks, each with its 2^128 bit, on the backend.
    fn full_blocks(&mut self, data: &[u8]) {
        debug_assert!(data.len().is_multiple_of(BLOCK_LEN));
        let mut data = data;
        if self.backend != Backend::Portable && data.len() >= VECTOR_MIN_LEN {
            let (r, backend) = (&self.r, self.backend);
            let powers = self.powers.get_or_insert_with(|| match backend {
                Backend::Avx512 => VectorPowers::Avx512(avx512::Powers::new(r)),
                _ => VectorPowers::Avx2(avx2::Powers::new(r)),
            });
            let vectored = match powers {
                VectorPowers::Avx2(powers) => {
                    let vectored = data.len() / avx2::POLY_STRIDE * avx2::POLY_STRIDE;
                    avx2::poly1305_blocks(&mut self.h, powers, &data[..vectored]);
                    vectored
                }
                VectorPowers::Avx512(powers) => {
                    let vectored = data.len() / avx512::POLY_STRIDE * avx512::POLY_STRIDE;
                    avx512::poly1305_blocks(&mut self.h, powers, &data[..vectored]);
                    vectored
                }
            };
            data = &data[vectored..];
        }
        blocks(&mut self.h, &self.r, data, 1 << 40);
    }
}

/// The powers of `r` a vector backend precomputes (each wiped on drop).
enum VectorPowers {
    Avx2(avx2::Powers),
    Avx512(avx512::Powers),
}

impl Drop for Poly1305 {
    fn drop(&mut self) {
        self.r.zeroize();
        self.s.zeroize();
        self.h.zeroize();
        self.buffer.zeroize();
    }
}

/// The message blocks in `data` (a multiple of 16 bytes), portable:
/// `h = (h + block) * r mod p` for each. `hibit` is the 2^128 bit of each
/// block in limb 2's position (2^40 there); 0 for a final partial block,
/// whose 1 bit is already in its bytes.
pub(crate) fn blocks(h: &mut Limbs, r: &Limbs, data: &[u8], hibit: u64) {
    for block in data.chunks_exact(BLOCK_LEN) {
        let [t0, t1] = le_u64s(block);
        h[0] += t0 & MASK44;
        h[1] += ((t0 >> 44) | (t1 << 20)) & MASK44;
        h[2] += (t1 >> 24) | hibit;
        *h = mul(h, r);
    }
}

/// `a * b mod p`, partly reduced. Both operands within the post-addition
/// bounds (`a0 < 2^45`, `a1 < 2^45 + 2^9`, `a2 < 2^43`); the result within
/// the stored bounds (`h0 < 2^44`, `h1 < 2^44 + 2^9`, `h2 < 2^42`).
///
/// The stored bound on `h1` is what makes a block added to it reach past
/// 2^45: an accumulator with `h1 = 2^44 + 1` (the carry out of `h0`) plus
/// a block of all-ones bytes gives `a1 = 2^45` exactly (a fuzzer found it).
pub(crate) fn mul(a: &Limbs, b: &Limbs) -> Limbs {
    const A1_BOUND: u64 = (1 << 45) + (1 << 9);
    debug_assert!(a[0] < 1 << 45 && a[1] < A1_BOUND && a[2] < 1 << 43, "operand a out of bounds");
    debug_assert!(b[0] < 1 << 45 && b[1] < A1_BOUND && b[2] < 1 << 43, "operand b out of bounds");
    let wide = |x: u64| u128::from(x);
    // Limb products at 2^132 and above fold back times 20 (2^132 = 4 * 2^130 = 20 mod p).
    // Below 2^50, so made in 64 bits: every product below is then 64 x 64 bits.
    let (s1, s2) = (wide(b[1] * 20), wide(b[2] * 20));
    let [a0, a1, a2] = a.map(wide);
    let [b0, b1, b2] = b.map(wide);
    // Each sum is below 2^94: for d0, a0*b0 < 2^91, a1*s2 < 2^93, a2*s1 < 2^93 (loosely);
    // d2 = a0*b2 + a1*b1 + a2*b0 < 2^92, so the carry out of it is below 2^50.
    let d0 = a0 * b0 + a1 * s2 + a2 * s1;
    let mut d1 = a0 * b1 + a1 * b0 + a2 * s2;
    let mut d2 = a0 * b2 + a1 * b1 + a2 * b0;
    // Carry 44, 44, 42 bits up; the carry out of limb 2 (at 2^130) comes back times 5.
    d1 += d0 >> 44;
    d2 += d1 >> 44;
    let carry = (d2 >> 42) as u64;
    debug_assert!(carry < 1 << 52, "d2 < 2^94");
    let mut h0 = (d0 as u64 & MASK44) + carry * 5;
    let h1 = (d1 as u64 & MASK44) + (h0 >> 44);
    h0 &= MASK44;
    let h2 = d2 as u64 & MASK42;
    debug_assert!(h1 < (1 << 44) + (1 << 9));
    [h0, h1, h2]
}

/// `r^1 .. r^8` (index `k` holds `r^(k + 1)`), partly reduced, for the
/// vector backends. Three multiplications deep rather than seven: `r^2`,
/// then `r^3` and `r^4`, then `r^5 .. r^8` from `r^4`, each step's
/// products independent of each other.
pub(crate) fn powers_1_to_8(r: &Limbs) -> [Limbs; 8] {
    let r2 = mul(r, r);
    let (r3, r4) = (mul(&r2, r), mul(&r2, &r2));
    [*r, r2, r3, r4, mul(&r4, r), mul(&r4, &r2), mul(&r4, &r3), mul(&r4, &r4)]
}

/// `h mod p`, fully reduced, as a 128-bit number (only the low 128 bits of
/// the 130-bit result matter for the tag).
pub(crate) fn reduce_fully(h: &Limbs) -> u128 {
    let [h0, h1, h2] = reduce_fully_limbs(h);
    u128::from(h0) | (u128::from(h1) << 44) | (u128::from(h2) << 88)
}

/// `h mod p`, fully reduced, in limbs of exactly 44, 44 and 42 bits.
/// Constant time: the choice between `h` and `h - p` is a masked select.
pub(crate) fn reduce_fully_limbs(h: &Limbs) -> Limbs {
    // Carry twice around. The first pass can leave h1 = 2^44 only when the
    // fold into h0 carried; the second pass then starts from h1 = 0 and ends
    // with every limb within its width, so h < 2^130.
    let [h0, h1, h2] = carry(carry(*h));
    debug_assert!(
        h0 < 1 << 44 && h1 < 1 << 44 && h2 < 1 << 42,
        "two passes leave every limb within its width"
    );
    // g = h + 5 - 2^130: non-negative exactly when h >= p.
    let mut g0 = h0 + 5;
    let mut g1 = h1 + (g0 >> 44);
    g0 &= MASK44;
    let g2 = (h2 + (g1 >> 44)).wrapping_sub(1 << 42);
    g1 &= MASK44;
    // The top bit of g2 is set when g went negative, that is when h < p.
    let h_is_reduced = Choice::from((g2 >> 63) as u8);
    [
        u64::conditional_select(&g0, &h0, h_is_reduced),
        u64::conditional_select(&g1, &h1, h_is_reduced),
        u64::conditional_select(&(g2 & MASK42), &h2, h_is_reduced),
    ]
}

/// One pass of carries: limb 0 into 1, 1 into 2, what passes 2^130 back
/// into limb 0 times 5 (`2^130 = 5 mod p`), and limb 0 into 1 again. From
/// limbs below 2^63 it leaves `h0 < 2^44`, `h2 < 2^42` and `h1` within 2^44
/// plus the last carry.
pub(crate) fn carry(h: Limbs) -> Limbs {
    let [mut h0, mut h1, mut h2] = h;
    h1 += h0 >> 44;
    h0 &= MASK44;
    h2 += h1 >> 44;
    h1 &= MASK44;
    h0 += (h2 >> 42) * 5;
    h2 &= MASK42;
    h1 += h0 >> 44;
    h0 &= MASK44;
    [h0, h1, h2]
}

/// §2.5: clamp r: r[3], r[7], r[11], r[15] < 16 and r[4], r[8], r[12]
/// divisible by 4; that is r &= 0x0ffffffc0ffffffc0ffffffc0fffffff, here
/// on its two little-endian 64-bit halves.
fn clamp(r_lo: u64, r_hi: u64) -> (u64, u64) {
    (r_lo & 0x0fff_fffc_0fff_ffff, r_hi & 0x0fff_fffc_0fff_fffc)
}

/// The one-time `key` in the 64-bit form of the stitched AEAD
/// (`avx2::x86::poly_block`): `[r0, r1, r1 + r1 / 4]` with `r = r0 + r1
/// 2^64` clamped, and `s`.
pub(crate) fn key64(key: &[u8; KEY_LEN]) -> ([u64; 3], u128) {
    let [r_lo, r_hi, s_lo, s_hi] = le_u64s(key);
    let (r0, r1) = clamp(r_lo, r_hi);
    ([r0, r1, r1 + (r1 >> 2)], u128::from(s_lo) | (u128::from(s_hi) << 64))
}

/// §2.5's last step on an accumulator in 64-bit limbs, `h = h0 + h1 2^64 +
/// h2 2^128` with `h2` below 2^63 (as the stitched AEAD leaves it): `tag =
/// ((h mod p) + s) mod 2^128`, little-endian. Constant time: the choice
/// between `h` and `h - p` is a mask.
pub(crate) fn tag64(h: [u64; 3], s: u128) -> [u8; TAG_LEN] {
    let [h0, h1, h2] = h;
    debug_assert!(h2 < 1 << 63, "the stitched AEAD keeps h2 below 2^63");
    // What is at 2^130 and above comes back times 5 (2^130 = 5 mod p);
    // 5 (h2 >> 2) is below 2^64. After it `h2` is at most 3, or 4 with the
    // low 128 bits below 2^64: so h < 2^130 + 2^64 < 2p, and one
    // conditional subtraction of p is enough.
    let (low, carried) = (u128::from(h0) | (u128::from(h1) << 64)).overflowing_add(u128::from((h2 >> 2) * 5));
    let h2 = (h2 & 3) + u64::from(carried);
    // g = h + 5 - 2^130 is the reduced value exactly when it is not
    // negative, that is when bit 130 of h + 5 is set.
    let (g, carried) = low.overflowing_add(5);
    let h_at_least_p = 0u128.wrapping_sub(u128::from((h2 + u64::from(carried)) >> 2));
    let reduced = (g & h_at_least_p) | (low & !h_at_least_p);
    reduced.wrapping_add(s).to_le_bytes()
}

/// The clamped `r = r_lo + r_hi 2^64` in limbs of 44, 44 and 36 bits.
pub(crate) fn r_limbs(r_lo: u64, r_hi: u64) -> Limbs {
    [r_lo & MASK44, ((r_lo >> 44) | (r_hi << 20)) & MASK44, r_hi >> 24]
}

/// Little-endian 64-bit words of `N * 8` bytes.
fn le_u64s<const N: usize>(bytes: &[u8]) -> [u64; N] {
    let mut words = [0u64; N];
    for (w, chunk) in words.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        *w = u64::from_le_bytes(b);
    }
    words
}

/// A Poly1305 one-time key made by [`key_gen`]. Wiped on drop; no `Debug`,
/// `Clone` or `PartialEq`.
pub struct OneTimeKey {
    bytes: [u8; KEY_LEN],
}

impl OneTimeKey {
    /// The 32 bytes: `r` then `s`.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }
}

impl Drop for OneTimeKey {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

/// §2.6 `poly1305_key_gen`: the first 32 bytes of ChaCha20's block 0 under
/// `key` and `nonce` are the one-time key; the other 32 are discarded.
pub fn key_gen(key: &Key, nonce: &[u8; NONCE_LEN]) -> OneTimeKey {
    let mut block = chacha20::block(key, 0, nonce);
    let mut bytes = [0u8; KEY_LEN];
    bytes.copy_from_slice(&block[..KEY_LEN]);
    block.zeroize();
    OneTimeKey { bytes }
}
