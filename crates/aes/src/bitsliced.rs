//! AES (FIPS 197) in portable, constant-time Rust: four blocks at a time, bitsliced and fixsliced.
//!
//! Constant time: yes, because the whole cipher, key schedule included, is a fixed sequence of
//! AND, XOR and rotations by constant amounts on 64-bit words. The S-box is a Boolean circuit,
//! not a table, so no memory index depends on the key or the data; the only branches and loop
//! bounds depend on the key *length* and the number of blocks, which are public.
//!
//! # Bitslicing: the layout
//!
//! Four blocks are 4 × 16 bytes = 512 bits. We hold them in eight `u64` words `s[0..8]`, the
//! *bit planes*: `s[k]` collects bit `k` (bit 0 is the least significant) of all 64 bytes. The
//! byte in row `r`, column `c` of the state of block `b` (FIPS 197 §3.4: `s[r, c]`, input byte
//! `in[r + 4c]`) owns bit `16 r + 4 c + b` of every plane:
//!
//! ```text
//!   bit 63                                                                   bit 0
//!   |      row 3      |      row 2      |      row 1      |      row 0      |
//!                                                 ...    | c3 | c2 | c1 | c0 |
//!                                              each cell:   b3 b2 b1 b0
//! ```
//!
//! One AND or XOR of two planes then acts on 64 bytes at once, and the AES steps become:
//!
//! - SubBytes (§5.1.1): a circuit of 113 AND/XOR gates from bit planes to bit planes
//!   ([`sub_bytes`]), which computes all 64 S-boxes together.
//! - MixColumns (§5.1.3) combines each byte with the ones below it in its column. Moving every
//!   row up by one is rotating a plane by 16 bits; multiplying by {02} is renaming planes plus
//!   three XORs ([`xtime`]).
//! - AddRoundKey (§5.1.4): XOR with eight planes holding the round key, repeated for four blocks.
//! - ShiftRows (§5.1.2) would rotate row `r` by `r` cells, which inside a plane means moving
//!   4-bit groups within each 16-bit row: shifts and masks, plane by plane. *Fixslicing*
//!   (Adomnicai and Peyrin, "Fixslicing AES-like ciphers", TCHES 2021) skips it. After round `i`
//!   we keep the state with ShiftRows undone `i` times: cell `(r, c)` holds the true
//!   `s[r, c - i r]`. The rest of that byte's true column is then in cells `(r + n, c + n i)`,
//!   which is where MixColumns looks ([`mix_columns`]); the round keys are stored in the same
//!   shifted form. ShiftRows applied four times is the identity, so after AES-192's 12 rounds
//!   nothing is left over; after the 10 or 14 rounds of AES-128 and AES-256, ShiftRows twice
//!   remains, a swap of two bytes in two of the rows ([`shift_rows_twice`]).
//!
//! The S-box's affine map adds the constant {63} to every byte (§5.1.1). We leave it out of the
//! circuit and add it to round keys 1 to Nr instead: ShiftRows and MixColumns map a state whose
//! bytes are all {63} to itself, so the constant reaches AddRoundKey unchanged.
//!
//! Decryption (InvCipher, §5.3) runs the same rounds backwards with the same round keys: the
//! inverse S-box is the forward circuit between two inverse affine maps ([`inv_sub_bytes`]), and
//! InvMixColumns is MixColumns after one cheap extra step ([`inv_mix_columns`]).

use core::array;

use zeroize::Zeroize;

/// Blocks handled together: 4 blocks × 16 bytes fill eight 64-bit planes.
const BATCH: usize = 4;

/// The largest number of rounds, Nr = 14 for AES-256 (FIPS 197 §5, Figure 4).
const MAX_ROUNDS: usize = 14;

/// Round keys for one AES key, in bitsliced form. Wiped on drop; no Debug/Clone/PartialEq.
pub(crate) struct Key {
    /// Eight planes per round key, round key `i` at `[8 i .. 8 i + 8]`, in the fixsliced layout
    /// of round `i`, with {63} added to every byte of round keys 1 to Nr.
    round_keys: [u64; 8 * (MAX_ROUNDS + 1)],
    /// Nr: 10, 12 or 14.
    rounds: usize,
}

impl Drop for Key {
    fn drop(&mut self) {
        self.round_keys.zeroize();
    }
}

impl Key {
    /// `key` is 16, 24 or 32 bytes (AES-128/192/256); the caller has checked (you may assert).
    pub(crate) fn new(key: &[u8]) -> Key {
        assert!(matches!(key.len(), 16 | 24 | 32), "an AES key is 16, 24 or 32 bytes");
        // FIPS 197 §5, Figure 4: Nr = Nk + 6.
        let rounds = key.len() / 4 + 6;
        let mut w = expand_key(key);
        let mut round_keys = [0u64; 8 * (MAX_ROUNDS + 1)];
        let mut bytes = [[0u8; 16]; BATCH];
        for i in 0..=rounds {
            // Round key i as a state (§5.1.4: column c is the word w[4 i + c]), then stored with
            // ShiftRows undone i times, like the state it meets: cell (r, c) gets s[r, c - i r].
            let mut rk = [0u8; 16];
            for c in 0..4 {
                rk[4 * c..4 * c + 4].copy_from_slice(&w[4 * i + c].to_be_bytes());
            }
            let shift = i % 4;
            for copy in bytes.iter_mut() {
                *copy = array::from_fn(|n| {
                    let (r, c) = (n % 4, n / 4);
                    rk[r + 4 * ((c + 16 - shift * r) % 4)]
                });
            }
            let mut planes = bitslice(&bytes);
            for k in 0..8 {
                // Rounds 1 to Nr also add the S-box constant {63} (bits 0, 1, 5 and 6).
                let constant = if i > 0 && (0x63 >> k) & 1 == 1 { u64::MAX } else { 0 };
                round_keys[8 * i + k] = planes[k] ^ constant;
            }
            rk.zeroize();
            planes.zeroize();
        }
        w.zeroize();
        bytes.zeroize();
        Key { round_keys, rounds }
    }

    /// Encrypts each 16-byte block in place (FIPS 197 §5.1 Cipher), several blocks at a time;
    /// any number of blocks, including 0 and counts that are not multiples of the batch.
    pub(crate) fn encrypt_blocks(&self, blocks: &mut [[u8; 16]]) {
        for batch in blocks.chunks_mut(BATCH) {
            let mut s = bitslice(batch);
            self.add_round_key(&mut s, 0);
            for round in 1..self.rounds {
                // SubBytes; ShiftRows, skipped (fixslicing); MixColumns; AddRoundKey.
                sub_bytes(&mut s);
                // The round number is public: this picks one of four fixed code paths.
                match round % 4 {
                    0 => mix_columns(&mut s, 0),
                    1 => mix_columns(&mut s, 1),
                    2 => mix_columns(&mut s, 2),
                    _ => mix_columns(&mut s, 3),
                }
                self.add_round_key(&mut s, round);
            }
            // The final round has no MixColumns (§5.1). Then the ShiftRows still owed.
            sub_bytes(&mut s);
            self.add_round_key(&mut s, self.rounds);
            if self.rounds % 4 == 2 {
                shift_rows_twice(&mut s);
            }
            unbitslice(&s, batch);
        }
    }

    /// Decrypts each block in place (FIPS 197 §5.3 InvCipher).
    pub(crate) fn decrypt_blocks(&self, blocks: &mut [[u8; 16]]) {
        for batch in blocks.chunks_mut(BATCH) {
            let mut s = bitslice(batch);
            // Undo ShiftRows twice (its own inverse), to the layout the last round left.
            if self.rounds % 4 == 2 {
                shift_rows_twice(&mut s);
            }
            self.add_round_key(&mut s, self.rounds);
            inv_sub_bytes(&mut s);
            for round in (1..self.rounds).rev() {
                // AddRoundKey; InvMixColumns; InvShiftRows, skipped; InvSubBytes.
                self.add_round_key(&mut s, round);
                match round % 4 {
                    0 => inv_mix_columns(&mut s, 0),
                    1 => inv_mix_columns(&mut s, 1),
                    2 => inv_mix_columns(&mut s, 2),
                    _ => inv_mix_columns(&mut s, 3),
                }
                inv_sub_bytes(&mut s);
            }
            self.add_round_key(&mut s, 0);
            unbitslice(&s, batch);
        }
    }

    /// AddRoundKey (FIPS 197 §5.1.4) with round key `round`.
    #[inline(always)]
    fn add_round_key(&self, s: &mut [u64; 8], round: usize) {
        let rk = &self.round_keys[8 * round..8 * round + 8];
        for (plane, key) in s.iter_mut().zip(rk) {
            *plane ^= key;
        }
    }
}

/// KeyExpansion (FIPS 197 §5.2): the words w[0 .. 4 (Nr + 1)], each read big-endian as the
/// standard writes them (w[0] = key[0..4], key[0] the most significant byte).
fn expand_key(key: &[u8]) -> [u32; 4 * (MAX_ROUNDS + 1)] {
    /// Rcon[i] = x^(i-1) in GF(2^8), the first byte of the round constant word (§5.2).
    const RCON: [u8; 10] = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36];
    let nk = key.len() / 4;
    let mut w = [0u32; 4 * (MAX_ROUNDS + 1)];
    for (word, bytes) in w.iter_mut().zip(key.chunks_exact(4)) {
        *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    // The branches below depend on the word index i only, never on the key.
    for i in nk..4 * (nk + 7) {
        let mut temp = w[i - 1];
        if i % nk == 0 {
            // SubWord(RotWord(temp)) xor Rcon[i / Nk]
            temp = sub_word(temp.rotate_left(8)) ^ (u32::from(RCON[i / nk - 1]) << 24);
        } else if nk > 6 && i % nk == 4 {
            temp = sub_word(temp);
        }
        w[i] = w[i - nk] ^ temp;
    }
    w
}

/// SubWord (FIPS 197 §5.2): the S-box on each byte of `word`, in constant time. Plane `k` holds
/// bit `k` of byte `n` at bit `8 n`; the circuit treats every bit position alike, so the other bits
/// just stay zero.
fn sub_word(word: u32) -> u32 {
    let mut s: [u64; 8] = array::from_fn(|k| u64::from((word >> k) & 0x0101_0101));
    sub_bytes(&mut s);
    let out = (0..8).fold(0, |out, k| out | ((s[k] as u32 & 0x0101_0101) << k));
    out ^ 0x6363_6363
}

/// Loads up to four blocks into bit planes; missing blocks read as zero.
///
/// Block `b` arrives as two little-endian words (columns 0–1 and 2–3); bit `8 (4 c0 + r) + k` of
/// word `2 b + c1` is bit `k` of cell `(r, c = 2 c1 + c0)`. A transpose must give plane `k` the
/// bit of cell `(r, c)` of block `b` at `16 r + 4 c + b`. Think of each bit's address as nine
/// bits, three naming the word and six its place in it. A "swap-move" between all word pairs
/// that differ in one word-address bit exchanges that bit with one place bit (the pair trades the
/// bits the mask selects); six of them rearrange the address:
///
/// ```text
///   word     place in the word
///   address  (bit 5 .. bit 0)
///   b1 b0 c1  c0 r1 r0 k2 k1 k0  as loaded
///   b1 b0 r0  c0 r1 c1 k2 k1 k0  SWAPS[0]: word bit 0 <-> place bit 3
///   b1 b0 r1  c0 r0 c1 k2 k1 k0  SWAPS[1]: word bit 0 <-> place bit 4
///   b1 b0 c0  r1 r0 c1 k2 k1 k0  SWAPS[2]: word bit 0 <-> place bit 5
///   b1 b0 k2  r1 r0 c1 c0 k1 k0  SWAPS[3]: word bit 0 <-> place bit 2
///   k1 b0 k2  r1 r0 c1 c0 b1 k0  SWAPS[4]: word bit 2 <-> place bit 1
///   k1 k0 k2  r1 r0 c1 c0 b1 b0  SWAPS[5]: word bit 1 <-> place bit 0
/// ```
fn bitslice(blocks: &[[u8; 16]]) -> [u64; 8] {
    debug_assert!(blocks.len() <= BATCH);
    let mut w = [0u64; 8];
    for (b, block) in blocks.iter().enumerate() {
        let x = u128::from_le_bytes(*block);
        w[2 * b] = x as u64;
        w[2 * b + 1] = (x >> 64) as u64;
    }
    for &(stride, shift, mask) in &SWAPS {
        swap_layer(&mut w, stride, shift, mask);
    }
    array::from_fn(|k| w[PLANE_WORD[k]])
}

/// The inverse of [`bitslice`]: writes the planes back to as many blocks as `blocks` has.
fn unbitslice(s: &[u64; 8], blocks: &mut [[u8; 16]]) {
    let mut w = [0u64; 8];
    for k in 0..8 {
        w[PLANE_WORD[k]] = s[k];
    }
    // Each swap-move is its own inverse: undo them in reverse order.
    for &(stride, shift, mask) in SWAPS.iter().rev() {
        swap_layer(&mut w, stride, shift, mask);
    }
    for (b, block) in blocks.iter_mut().enumerate() {
        let x = u128::from(w[2 * b]) | (u128::from(w[2 * b + 1]) << 64);
        *block = x.to_le_bytes();
    }
}

/// The swap-moves of [`bitslice`]: (distance between paired words, distance between swapped
/// bits, mask of the bits the lower word keeps).
const SWAPS: [(usize, u32, u64); 6] = [
    (1, 8, 0x00ff_00ff_00ff_00ff),
    (1, 16, 0x0000_ffff_0000_ffff),
    (1, 32, 0x0000_0000_ffff_ffff),
    (1, 4, 0x0f0f_0f0f_0f0f_0f0f),
    (4, 2, 0x3333_3333_3333_3333),
    (2, 1, 0x5555_5555_5555_5555),
];

/// After [`SWAPS`], plane `k = 4 k2 + 2 k1 + k0` is word `4 k1 + 2 k0 + k2`.
const PLANE_WORD: [usize; 8] = [0, 2, 4, 6, 1, 3, 5, 7];

/// One layer of swap-moves: for each pair `(w[i], w[i + stride])`, the bits of `w[i]` outside
/// `mask` trade places with the bits of `w[i + stride]` inside it, `shift` positions lower.
#[inline(always)]
fn swap_layer(w: &mut [u64; 8], stride: usize, shift: u32, mask: u64) {
    for i in (0..8).filter(|i| i & stride == 0) {
        let t = ((w[i] >> shift) ^ w[i + stride]) & mask;
        w[i + stride] ^= t;
        w[i] ^= t << shift;
    }
}

/// In one plane, moves the bit of every cell `(r + rows, c + cols)` (indices mod 4) to cell
/// `(r, c)`. Rows are 16 bits apart and columns 4, so this is one rotation, except that columns
/// which wrap around within their row come from a rotation 16 bits shorter.
#[inline(always)]
fn rotate_cells(x: u64, rows: u32, cols: u32) -> u64 {
    let cols = cols % 4;
    // Per 16-bit row, the columns c < 4 - cols, which do not wrap.
    let stay = ((1u64 << (16 - 4 * cols)) - 1) * 0x0001_0001_0001_0001;
    (x.rotate_right(16 * rows + 4 * cols) & stay) | (x.rotate_right(16 * (rows - 1) + 4 * cols) & !stay)
}

/// Multiplies every byte by {02} (xtime, FIPS 197 §4.2.1): shift up one bit, and reduce by
/// x^8 = x^4 + x^3 + x + 1 by adding the old bit 7 into bits 0, 1, 3 and 4.
#[inline(always)]
fn xtime(a: [u64; 8]) -> [u64; 8] {
    [a[7], a[0] ^ a[7], a[1], a[2] ^ a[7], a[3] ^ a[7], a[4], a[5], a[6]]
}

/// MixColumns (FIPS 197 §5.1.3) on the fixsliced state of a round `i` with `i % 4 == shift`.
///
/// §5.1.3 computes `s'[r, c] = {02} s[r, c] + {03} s[r+1, c] + s[r+2, c] + s[r+3, c]`. Stored
/// cell `(r, c)` holds the true `s[r, c - shift r]` (as it is after this round's skipped
/// ShiftRows), so the rest of its true column sits in cells `(r + n, c + n shift)`. With `b` those cells for `n = 1` and `a` the cells themselves,
/// `s' = {02} (a + b) + b + [a + b moved by n = 2]`.
#[inline(always)]
fn mix_columns(s: &mut [u64; 8], shift: u32) {
    let b = s.map(|x| rotate_cells(x, 1, shift));
    let a_b: [u64; 8] = array::from_fn(|k| s[k] ^ b[k]);
    let twice = xtime(a_b);
    *s = array::from_fn(|k| twice[k] ^ b[k] ^ rotate_cells(a_b[k], 2, 2 * shift));
}

/// InvMixColumns (FIPS 197 §5.3.3) on the fixsliced state of a round `i` with `i % 4 == shift`.
///
/// The inverse matrix (0e 0b 0d 09) is MixColumns' (02 03 01 01) times (05 00 04 00), so first
/// `s[r, c] = {05} s[r, c] + {04} s[r+2, c] = s[r, c] + {04} (s[r, c] + s[r+2, c])`, then
/// MixColumns.
#[inline(always)]
fn inv_mix_columns(s: &mut [u64; 8], shift: u32) {
    let t: [u64; 8] = array::from_fn(|k| s[k] ^ rotate_cells(s[k], 2, 2 * shift));
    let four = xtime(xtime(t));
    for (plane, f) in s.iter_mut().zip(four) {
        *plane ^= f;
    }
    mix_columns(s, shift);
}

/// ShiftRows (FIPS 197 §5.1.2) applied twice, which is also its own inverse: rows 1 and 3 swap
/// columns 0–1 with columns 2–3, the low and high byte of their 16 bits in every plane.
fn shift_rows_twice(s: &mut [u64; 8]) {
    for x in s.iter_mut() {
        let t = (*x ^ (*x >> 8)) & 0x00ff_0000_00ff_0000;
        *x ^= t ^ (t << 8);
    }
}

/// InvSubBytes (FIPS 197 §5.3.2) of `x + {63}` on every byte (the round keys added the {63}).
///
/// The S-box is `S(x) = L(x^-1) + {63}` with L the linear part of the affine map (§5.1.1),
/// and [`sub_bytes`] computes `L(x^-1)`. So `S^-1(x) = (L^-1(x + {63}))^-1
/// = L^-1(sub_bytes(L^-1(x + {63})))`, where L^-1 (the matrix of §5.3.2) takes bit `i` to the
/// sum of bits `i + 2, i + 5` and `i + 7`, mod 8.
#[inline(always)]
fn inv_sub_bytes(s: &mut [u64; 8]) {
    let inv_linear = |x: [u64; 8]| array::from_fn(|i| x[(i + 2) % 8] ^ x[(i + 5) % 8] ^ x[(i + 7) % 8]);
    *s = inv_linear(*s);
    sub_bytes(s);
    *s = inv_linear(*s);
}

/// SubBytes (FIPS 197 §5.1.1) without the constant {63}: every byte `x` of the 64 becomes
/// `S(x) + {63}`.
///
/// This is a transcription of the 113-gate circuit (32 AND, 81 XOR/XNOR) of Boyar, Matthews and
/// Peralta, "Logic minimization techniques with applications to cryptology", Journal of
/// Cryptology 26 (2013), as listed in the Circuit Minimization Team's `SLP_AES_113.txt`, with
/// the four XNORs turned into XORs (they add {63}). `U0` is the most significant bit, `S0` too.
/// The test `sub_bytes_is_the_sbox` checks it against the S-box for all 256 bytes.
#[inline(always)]
fn sub_bytes(state: &mut [u64; 8]) {
    let [u7, u6, u5, u4, u3, u2, u1, u0] = *state;

    // Top linear transformation.
    let y14 = u3 ^ u5;
    let y13 = u0 ^ u6;
    let y9 = u0 ^ u3;
    let y8 = u0 ^ u5;
    let t0 = u1 ^ u2;
    let y1 = t0 ^ u7;
    let y4 = y1 ^ u3;
    let y12 = y13 ^ y14;
    let y2 = y1 ^ u0;
    let y5 = y1 ^ u6;
    let y3 = y5 ^ y8;
    let t1 = u4 ^ y12;
    let y15 = t1 ^ u5;
    let y20 = t1 ^ u1;
    let y6 = y15 ^ u7;
    let y10 = y15 ^ t0;
    let y11 = y20 ^ y9;
    let y7 = u7 ^ y11;
    let y17 = y10 ^ y11;
    let y19 = y10 ^ y8;
    let y16 = t0 ^ y11;
    let y21 = y13 ^ y16;
    let y18 = u0 ^ y16;

    // Middle non-linear section: inversion in GF(2^8) through GF(2^4).
    let t2 = y12 & y15;
    let t3 = y3 & y6;
    let t4 = t3 ^ t2;
    let t5 = y4 & u7;
    let t6 = t5 ^ t2;
    let t7 = y13 & y16;
    let t8 = y5 & y1;
    let t9 = t8 ^ t7;
    let t10 = y2 & y7;
    let t11 = t10 ^ t7;
    let t12 = y9 & y11;
    let t13 = y14 & y17;
    let t14 = t13 ^ t12;
    let t15 = y8 & y10;
    let t16 = t15 ^ t12;
    let t17 = t4 ^ y20;
    let t18 = t6 ^ t16;
    let t19 = t9 ^ t14;
    let t20 = t11 ^ t16;
    let t21 = t17 ^ t14;
    let t22 = t18 ^ y19;
    let t23 = t19 ^ y21;
    let t24 = t20 ^ y18;
    let t25 = t21 ^ t22;
    let t26 = t21 & t23;
    let t27 = t24 ^ t26;
    let t28 = t25 & t27;
    let t29 = t28 ^ t22;
    let t30 = t23 ^ t24;
    let t31 = t22 ^ t26;
    let t32 = t31 & t30;
    let t33 = t32 ^ t24;
    let t34 = t23 ^ t33;
    let t35 = t27 ^ t33;
    let t36 = t24 & t35;
    let t37 = t36 ^ t34;
    let t38 = t27 ^ t36;
    let t39 = t29 & t38;
    let t40 = t25 ^ t39;
    let t41 = t40 ^ t37;
    let t42 = t29 ^ t33;
    let t43 = t29 ^ t40;
    let t44 = t33 ^ t37;
    let t45 = t42 ^ t41;
    let z0 = t44 & y15;
    let z1 = t37 & y6;
    let z2 = t33 & u7;
    let z3 = t43 & y16;
    let z4 = t40 & y1;
    let z5 = t29 & y7;
    let z6 = t42 & y11;
    let z7 = t45 & y17;
    let z8 = t41 & y10;
    let z9 = t44 & y12;
    let z10 = t37 & y3;
    let z11 = t33 & y4;
    let z12 = t43 & y13;
    let z13 = t40 & y5;
    let z14 = t29 & y2;
    let z15 = t42 & y9;
    let z16 = t45 & y14;
    let z17 = t41 & y8;

    // Bottom linear transformation.
    let tc1 = z15 ^ z16;
    let tc2 = z10 ^ tc1;
    let tc3 = z9 ^ tc2;
    let tc4 = z0 ^ z2;
    let tc5 = z1 ^ z0;
    let tc6 = z3 ^ z4;
    let tc7 = z12 ^ tc4;
    let tc8 = z7 ^ tc6;
    let tc9 = z8 ^ tc7;
    let tc10 = tc8 ^ tc9;
    let tc11 = tc6 ^ tc5;
    let tc12 = z3 ^ z5;
    let tc13 = z13 ^ tc1;
    let tc14 = tc4 ^ tc12;
    let s3 = tc3 ^ tc11;
    let tc16 = z6 ^ tc8;
    let tc17 = z14 ^ tc10;
    let tc18 = tc13 ^ tc14;
    let s7 = z12 ^ tc18; // XNOR in the listing
    let tc20 = z15 ^ tc16;
    let tc21 = tc2 ^ z11;
    let s0 = tc3 ^ tc16;
    let s6 = tc10 ^ tc18; // XNOR in the listing
    let s4 = tc14 ^ s3;
    let s1 = s3 ^ tc16; // XNOR in the listing
    let tc26 = tc17 ^ tc20;
    let s2 = tc26 ^ z17; // XNOR in the listing
    let s5 = tc21 ^ tc17;

    *state = [s7, s6, s5, s4, s3, s2, s1, s0];
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Parses hex into bytes (test vectors only).
    fn hex(s: &str) -> Vec<u8> {
        padlock_testkit::decode_hex(s).expect("hex digits")
    }

    fn block(s: &str) -> [u8; 16] {
        hex(s).try_into().unwrap()
    }

    /// (key, plaintext, ciphertext) from FIPS 197.
    const VECTORS: [(&str, &str, &str); 4] = [
        // FIPS 197 Appendix B, Cipher Example
        (
            "2b7e151628aed2a6abf7158809cf4f3c",
            "3243f6a8885a308d313198a2e0370734",
            "3925841d02dc09fbdc118597196a0b32",
        ),
        // FIPS 197 Appendix C.1, AES-128 (Nk=4, Nr=10)
        (
            "000102030405060708090a0b0c0d0e0f",
            "00112233445566778899aabbccddeeff",
            "69c4e0d86a7b0430d8cdb78070b4c55a",
        ),
        // FIPS 197 Appendix C.2, AES-192 (Nk=6, Nr=12)
        (
            "000102030405060708090a0b0c0d0e0f1011121314151617",
            "00112233445566778899aabbccddeeff",
            "dda97ca4864cdfe06eaf70a0ec0d7191",
        ),
        // FIPS 197 Appendix C.3, AES-256 (Nk=8, Nr=14)
        (
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "00112233445566778899aabbccddeeff",
            "8ea2b7ca516745bfeafc49904b496089",
        ),
    ];

    /// A small deterministic generator (SplitMix64) for filler blocks.
    struct Filler(u64);

    impl Filler {
        fn block(&mut self) -> [u8; 16] {
            let mut next = || {
                self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let z = (self.0 ^ (self.0 >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                let z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                z ^ (z >> 31)
            };
            (u128::from(next()) | (u128::from(next()) << 64)).to_le_bytes()
        }
    }

    /// The S-box computed from its definition (FIPS 197 §5.1.1): inverse in GF(2^8), then the
    /// affine map. Slow and variable time: a test oracle only.
    fn sbox_oracle(x: u8) -> u8 {
        let mul = |mut a: u8, mut b: u8| {
            let mut p = 0u8;
            while b != 0 {
                if b & 1 == 1 {
                    p ^= a;
                }
                a = (a << 1) ^ if a & 0x80 != 0 { 0x1b } else { 0 };
                b >>= 1;
            }
            p
        };
        let inv = (1..=255u8).find(|&y| mul(x, y) == 1).unwrap_or(0);
        inv ^ inv.rotate_left(1) ^ inv.rotate_left(2) ^ inv.rotate_left(3) ^ inv.rotate_left(4) ^ 0x63
    }

    #[test]
    fn sub_bytes_is_the_sbox() {
        for base in (0..256).step_by(64) {
            let bytes: [[u8; 16]; 4] = array::from_fn(|b| array::from_fn(|i| (base + 16 * b + i) as u8));
            let mut s = bitslice(&bytes);
            sub_bytes(&mut s);
            let mut out = [[0u8; 16]; 4];
            unbitslice(&s, &mut out);
            for (x, y) in bytes.as_flattened().iter().zip(out.as_flattened()) {
                assert_eq!(*y ^ 0x63, sbox_oracle(*x), "S({x:#04x})");
            }
            // inv_sub_bytes expects x + {63} and returns S^-1(x).
            let mut s = bitslice(&out);
            inv_sub_bytes(&mut s);
            let mut back = [[0u8; 16]; 4];
            unbitslice(&s, &mut back);
            assert_eq!(back, bytes);
        }
    }

    #[test]
    fn key_expansion_matches_appendix_a() {
        // FIPS 197 Appendix A.1, A.2, A.3: the key and the last word of the expansion.
        for (key, last) in [
            ("2b7e151628aed2a6abf7158809cf4f3c", 0xb663_0ca6),
            ("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", 0x0100_2202),
            ("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", 0x706c_631e),
        ] {
            let key = hex(key);
            let w = expand_key(&key);
            assert_eq!(w[4 * (key.len() / 4 + 7) - 1], last);
        }
    }

    #[test]
    fn fips_197_vectors() {
        for (key, pt, ct) in VECTORS {
            let key = Key::new(&hex(key));
            let mut blocks = [block(pt)];
            key.encrypt_blocks(&mut blocks);
            assert_eq!(blocks[0], block(ct));
            key.decrypt_blocks(&mut blocks);
            assert_eq!(blocks[0], block(pt));
        }
    }

    #[test]
    fn vectors_at_every_position_of_a_batch() {
        let mut filler = Filler(1);
        for (key, pt, ct) in VECTORS {
            let key = Key::new(&hex(key));
            for count in 1..=9 {
                for position in 0..count {
                    let plain: Vec<[u8; 16]> =
                        (0..count).map(|i| if i == position { block(pt) } else { filler.block() }).collect();
                    let mut blocks = plain.clone();
                    key.encrypt_blocks(&mut blocks);
                    assert_eq!(blocks[position], block(ct), "{count} blocks, vector at {position}");
                    for (i, (p, c)) in plain.iter().zip(&blocks).enumerate() {
                        let mut alone = [*p];
                        key.encrypt_blocks(&mut alone);
                        assert_eq!(alone[0], *c, "{count} blocks, filler at {i}");
                    }
                    key.decrypt_blocks(&mut blocks);
                    assert_eq!(blocks, plain);
                }
            }
        }
    }

    #[test]
    fn block_counts_zero_to_nine() {
        let mut filler = Filler(2);
        for key_len in [16, 24, 32] {
            let key = Key::new(&filler.block().repeat(2)[..key_len]);
            for count in 0..=9 {
                let plain: Vec<[u8; 16]> = (0..count).map(|_| filler.block()).collect();
                let mut blocks = plain.clone();
                key.encrypt_blocks(&mut blocks);
                for (p, c) in plain.iter().zip(&blocks) {
                    let mut alone = [*p];
                    key.encrypt_blocks(&mut alone);
                    assert_eq!(alone[0], *c);
                    assert_ne!(p, c);
                }
                key.decrypt_blocks(&mut blocks);
                assert_eq!(blocks, plain);
            }
        }
    }

    proptest! {
        #[test]
        fn decrypt_inverts_encrypt(
            key in prop::sample::select(vec![16usize, 24, 32])
                .prop_flat_map(|len| prop::collection::vec(any::<u8>(), len)),
            plain in prop::collection::vec(any::<[u8; 16]>(), 0..12),
        ) {
            let key = Key::new(&key);
            let mut blocks = plain.clone();
            key.encrypt_blocks(&mut blocks);
            key.decrypt_blocks(&mut blocks);
            prop_assert_eq!(blocks, plain);
        }

        #[test]
        fn matches_the_reference_backend(
            key in prop::sample::select(vec![16usize, 24, 32])
                .prop_flat_map(|len| prop::collection::vec(any::<u8>(), len)),
            plain in prop::collection::vec(any::<[u8; 16]>(), 0..12),
        ) {
            let (ours, reference) = (Key::new(&key), crate::reference::Key::new(&key));
            let (mut encrypted, mut decrypted) = (plain.clone(), plain.clone());
            ours.encrypt_blocks(&mut encrypted);
            ours.decrypt_blocks(&mut decrypted);
            for ((p, e), d) in plain.iter().zip(&encrypted).zip(&decrypted) {
                let (mut expected_e, mut expected_d) = (*p, *p);
                reference.encrypt_block(&mut expected_e);
                reference.decrypt_block(&mut expected_d);
                prop_assert_eq!(*e, expected_e);
                prop_assert_eq!(*d, expected_d);
            }
        }
    }
}
