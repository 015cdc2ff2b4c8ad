//! Division with remainder in **variable time**, for public numbers only.
//!
//! Constant time: **no**. The quotient digit estimate is corrected by a
//! loop whose count depends on the operands, and the hardware division
//! instruction's time depends on its operands too. It is here for one job:
//! the Montgomery constant `R^2 mod m` of a *public* modulus (an RSA public
//! key, whose certificate anyone can read), where a division costs far less
//! than the constant-time chain of `Modulus::new` (about 1 against 8 µs at
//! 2048 bits, and a TLS client makes two such keys per handshake). Secret
//! moduli (RSA's primes) never come here.
//!
//! The method is Knuth's Algorithm D (The Art of Computer Programming,
//! vol. 2, §4.3.1) with 64-bit limbs: shift the divisor until its top bit
//! is set, estimate each quotient limb from the top two limbs of the
//! remainder and the top limb of the divisor (Knuth shows the estimate is
//! at most 2 too large once checked against the second limb of the
//! divisor), subtract that multiple, and add the divisor back in the rare
//! case the estimate was still one too large.

/// `x mod m`, on `m.len()` limbs. Panics if `m` is zero. **Variable time**
/// in `x` and `m`: public numbers only (see the module doc).
pub(crate) fn rem_vartime(x: &[u64], m: &[u64]) -> Vec<u64> {
    let t = m.iter().rposition(|&limb| limb != 0).expect("division by zero") + 1;
    let mut out = vec![0u64; m.len()];
    if t == 1 {
        // One limb: the remainder limb by limb from the top.
        let d = u128::from(m[0]);
        out[0] = x.iter().rev().fold(0u128, |r, &limb| ((r << 64) | u128::from(limb)) % d) as u64;
        return out;
    }
    // D1: normalize, so that the divisor's top limb has its top bit set.
    let shift = m[t - 1].leading_zeros();
    let v = shifted_left(&m[..t], shift, t);
    let mut u = shifted_left(x, shift, x.len() + 1);
    if u.len() < t + 1 {
        u.resize(t + 1, 0);
    }
    let (v_top, v_next) = (u128::from(v[t - 1]), u128::from(v[t - 2]));
    // D2-D7: one quotient limb per position, from the top.
    for j in (0..u.len() - t).rev() {
        // D3: the estimate from the top two limbs, corrected against the
        // divisor's second limb.
        let top = (u128::from(u[j + t]) << 64) | u128::from(u[j + t - 1]);
        let (mut q, mut r) = (top / v_top, top % v_top);
        while q >> 64 != 0 || q * v_next > ((r << 64) | u128::from(u[j + t - 2])) {
            q -= 1;
            r += v_top;
            if r >> 64 != 0 {
                break;
            }
        }
        // D4: u[j..=j+t] -= q v.
        let (mut borrow, mut carry) = (0u64, 0u64);
        for i in 0..t {
            let product = q * u128::from(v[i]) + u128::from(carry);
            carry = (product >> 64) as u64;
            let (d, b1) = u[j + i].overflowing_sub(product as u64);
            let (d, b2) = d.overflowing_sub(borrow);
            u[j + i] = d;
            borrow = u64::from(b1) + u64::from(b2);
        }
        let (d, b1) = u[j + t].overflowing_sub(carry);
        let (d, b2) = d.overflowing_sub(borrow);
        u[j + t] = d;
        // D5, D6: the estimate was one too large; add v back.
        if b1 || b2 {
            let mut carry = 0u64;
            for i in 0..t {
                let (s, c1) = u[j + i].overflowing_add(v[i]);
                let (s, c2) = s.overflowing_add(carry);
                u[j + i] = s;
                carry = u64::from(c1) + u64::from(c2);
            }
            u[j + t] = u[j + t].wrapping_add(carry);
        }
    }
    // D8: the remainder is u[..t], shifted back.
    for i in 0..t {
        let high = if shift == 0 || i + 1 == t { 0 } else { u[i + 1] << (64 - shift) };
        out[i] = (u[i] >> shift) | high;
    }
    out
}

/// `x << shift` (`shift < 64`) on `len` limbs (which must hold it).
fn shifted_left(x: &[u64], shift: u32, len: usize) -> Vec<u64> {
    let mut out = vec![0u64; len];
    let mut carry = 0u64;
    for (o, &limb) in out.iter_mut().zip(x) {
        *o = (limb << shift) | carry;
        carry = if shift == 0 { 0 } else { limb >> (64 - shift) };
    }
    if let Some(o) = out.get_mut(x.len()) {
        *o = carry;
    } else {
        debug_assert_eq!(carry, 0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;
    use proptest::prelude::*;

    fn big(limbs: &[u64]) -> BigUint {
        limbs.iter().rev().fold(BigUint::ZERO, |acc, &l| (acc << 64u32) + l)
    }

    /// Limbs whose values favour the edge cases of Algorithm D: all ones,
    /// zeros, a top bit alone.
    fn limb() -> impl Strategy<Value = u64> {
        prop_oneof![any::<u64>(), Just(u64::MAX), Just(0), Just(1 << 63), Just(1)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn remainders_match_num_bigint(x in prop::collection::vec(limb(), 0..40),
                                       m in prop::collection::vec(limb(), 1..20)) {
            prop_assume!(m.iter().any(|&l| l != 0));
            let r = rem_vartime(&x, &m);
            prop_assert_eq!(r.len(), m.len());
            prop_assert_eq!(big(&r), big(&x) % big(&m));
        }
    }

    #[test]
    fn r_squared_of_rsa_sized_moduli() {
        // 2^(128 n) mod m for an all-ones modulus and for one just above 2^(64n - 1).
        for n in [16usize, 32, 64] {
            let mut x = vec![0u64; 2 * n + 1];
            x[2 * n] = 1;
            let ones = vec![u64::MAX; n];
            let mut low = vec![1u64; n];
            low[n - 1] = 1 << 63;
            for m in [ones, low] {
                assert_eq!(big(&rem_vartime(&x, &m)), big(&x) % big(&m));
            }
        }
    }
}
