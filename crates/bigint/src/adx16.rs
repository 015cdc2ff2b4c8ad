//! The BMI2/ADX backend at 16 limbs (1024 bits, the CRT halves of
//! RSA-2048): the product and the Montgomery reduction with every row
//! written out, no loop over the limbs of a row.
//!
//! Constant time: yes, for the reasons given in `adx.rs`: `mulx`, `adcx`,
//! `adox`, `mov`, `lea` and `imul` take the same time whatever their
//! operands, and the only branch counts rows (16, a public number).
//!
//! Why a separate path for one size: a row of the generic kernels
//! (`adx.rs`) loops over blocks of four limbs, and at 16 limbs that loop
//! (pointer steps, a test and a jump per block, the pointers rewound per
//! row) costs about a quarter of the time. With the row's four blocks
//! written out, each block addresses its limbs at fixed offsets from the
//! row's start, and a Montgomery multiplication takes about 750 cycles
//! against 935 (measured on AMD Zen 4; see docs/performance.md).
//!
//! Both functions use the row step of `adx.rs`, [`four_steps!`]: four
//! products `x * y[j]` added into `t[j]`, low halves on one carry chain and
//! high halves on the other.

#![allow(unsafe_code)]

use crate::adx::{Adx, four_steps};

/// The limb count this module is for.
pub(crate) const LIMBS: usize = 16;

/// A whole row `t[0..16] += x * y[0..16]`, as four [`four_steps!`] at
/// fixed offsets (`rdx` = x, `rdi` = t, `$y` = y). The carry limb is left
/// in `r10` and the two carry flags, for the caller to fold in.
macro_rules! row16 {
    ($y:literal) => {
        concat!(
            "xor r10d, r10d\n", // hi_{-1} = 0; clears CF and OF
            four_steps!($y, "0"),
            four_steps!($y, "32"),
            four_steps!($y, "64"),
            four_steps!($y, "96"),
            "mov eax, 0\n", // `mov`, not `xor`: keep the flags
            "adox r10, rax\n",
            "adcx r10, rax\n", // the carry limb
        )
    };
}

/// One step of a row, `$off` bytes in: `hi:lo = x * y[j]`, `lo += hi_{j-1}`
/// (OF), `lo += t[j]` (CF), `t[j] = lo`; the high half moves to `r10`.
macro_rules! one_step {
    ($off:literal) => {
        concat!(
            "mulx r11, rax, [rsi + ",
            $off,
            "]\n",
            "adox rax, r10\n",
            "adcx rax, [rdi + ",
            $off,
            "]\n",
            "mov [rdi + ",
            $off,
            "], rax\n",
            "mov r10, r11\n",
        )
    };
}

/// Row `i` of the products above a square's diagonal, `a[i] a[i+1..16]`
/// added into `t[2i+1..]`, with its carry limb stored above the row.
/// `$a`, `$t` are the byte offsets of `a[i]` and `t[2i+1]` from `r8` and
/// `r12`; the row's `$len = 15 - i` limbs are done as the steps listed
/// after them (the leftover `len % 4` singles first, then blocks of four).
macro_rules! tri_row {
    ($a:literal, $t:literal, $len:literal, $($step:expr),*) => {
        concat!(
            "mov rdx, [r8 + ", $a, "]\n",
            "lea rsi, [r8 + ", $a, " + 8]\n",
            "lea rdi, [r12 + ", $t, "]\n",
            "xor r10d, r10d\n",
            $($step,)*
            "mov eax, 0\n",
            "adox r10, rax\n",
            "adcx r10, rax\n",
            "mov [rdi + 8 * ", $len, "], r10\n",
        )
    };
}

impl Adx {
    /// `t[0..32] = a b` for 16-limb `a` and `b`: row `i` adds `a[i] b` into
    /// `t[i..i+16]` and writes its carry limb into `t[i+16]`, which no row
    /// has touched yet. `t[..16]` must be zero on entry.
    #[inline(always)]
    pub(crate) fn mul16(self, t: &mut [u64], a: &[u64], b: &[u64]) {
        assert!(a.len() == LIMBS && b.len() == LIMBS && t.len() >= 2 * LIMBS);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: an `Adx` exists only if the CPU has BMI2 and ADX. Row i
        // reads a[i] and b[0..16] and reads and writes t[i..=i+16], inside
        // t[..32] (lengths asserted above). No stack is used, and every
        // register changed is declared.
        unsafe {
            core::arch::asm!(
                "2:",
                "mov rdx, [r8]",           // a[i]
                row16!("rsi"),
                "mov [rdi + 128], r10",    // t[i+16] = carry limb
                "lea rdi, [rdi + 8]",
                "lea r8, [r8 + 8]",
                "dec r9",
                "jnz 2b",
                inout("rdi") t.as_mut_ptr() => _,
                inout("r8") a.as_ptr() => _,
                inout("r9") LIMBS => _,
                in("rsi") b.as_ptr(),
                out("rax") _,
                out("rdx") _,
                out("r10") _,
                out("r11") _,
                options(nostack),
            );
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (t, a, b);
    }

    /// The products above the diagonal of a 16-limb square: for each
    /// `i < 15`, `t[2i+1..i+16] += a[i] a[i+1..16]` and `t[i+16]` = the
    /// carry limb, one [`tri_row!`] per row. `t[..32]` must be zero on entry.
    #[inline(always)]
    pub(crate) fn sqr_triangle16(self, t: &mut [u64], a: &[u64]) {
        assert!(a.len() == LIMBS && t.len() >= 2 * LIMBS);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: an `Adx` exists only if the CPU has BMI2 and ADX. Row i
        // reads a[i..16] and writes t[2i+1..=i+16], inside t[..32] (lengths
        // asserted above). No stack is used, and every register changed is
        // declared.
        unsafe {
            core::arch::asm!(
                tri_row!("0", "8", "15", one_step!("0"), one_step!("8"), one_step!("16"), four_steps!("rsi", "24"), four_steps!("rsi", "56"), four_steps!("rsi", "88")),
                tri_row!("8", "24", "14", one_step!("0"), one_step!("8"), four_steps!("rsi", "16"), four_steps!("rsi", "48"), four_steps!("rsi", "80")),
                tri_row!("16", "40", "13", one_step!("0"), four_steps!("rsi", "8"), four_steps!("rsi", "40"), four_steps!("rsi", "72")),
                tri_row!("24", "56", "12", four_steps!("rsi", "0"), four_steps!("rsi", "32"), four_steps!("rsi", "64")),
                tri_row!("32", "72", "11", one_step!("0"), one_step!("8"), one_step!("16"), four_steps!("rsi", "24"), four_steps!("rsi", "56")),
                tri_row!("40", "88", "10", one_step!("0"), one_step!("8"), four_steps!("rsi", "16"), four_steps!("rsi", "48")),
                tri_row!("48", "104", "9", one_step!("0"), four_steps!("rsi", "8"), four_steps!("rsi", "40")),
                tri_row!("56", "120", "8", four_steps!("rsi", "0"), four_steps!("rsi", "32")),
                tri_row!("64", "136", "7", one_step!("0"), one_step!("8"), one_step!("16"), four_steps!("rsi", "24")),
                tri_row!("72", "152", "6", one_step!("0"), one_step!("8"), four_steps!("rsi", "16")),
                tri_row!("80", "168", "5", one_step!("0"), four_steps!("rsi", "8")),
                tri_row!("88", "184", "4", four_steps!("rsi", "0")),
                tri_row!("96", "200", "3", one_step!("0"), one_step!("8"), one_step!("16")),
                tri_row!("104", "216", "2", one_step!("0"), one_step!("8")),
                tri_row!("112", "232", "1", one_step!("0")),
                in("r8") a.as_ptr(),
                in("r12") t.as_mut_ptr(),
                out("rax") _,
                out("rdx") _,
                out("rsi") _,
                out("rdi") _,
                out("r10") _,
                out("r11") _,
                options(nostack),
            );
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (t, a);
    }

    /// Montgomery reduction of `t[0..32]` (steps 2 and 3 of
    /// `montgomery.rs`): for each `i < 16`, `q = t[i] m' mod 2^64` and
    /// `t[i..i+16] += q m`, the row's carry limb added into `t[i+16]` with a
    /// running carry bit, which is returned: `t R^-1 = c R + t[16..32]`.
    #[inline(always)]
    pub(crate) fn redc16(self, t: &mut [u64], m: &[u64], m0inv: u64) -> u64 {
        assert!(m.len() == LIMBS && t.len() >= 2 * LIMBS);
        let carry: u64;
        #[cfg(target_arch = "x86_64")]
        // SAFETY: an `Adx` exists only if the CPU has BMI2 and ADX. Row i
        // reads m[0..16] and reads and writes t[i..=i+16], inside t[..32]
        // (lengths asserted above). No stack is used, and every register
        // changed is declared.
        unsafe {
            core::arch::asm!(
                "xor r8d, r8d",            // running carry bit
                "2:",
                "mov rdx, [rdi]",
                "imul rdx, r14",           // q = t[i] m'
                row16!("rsi"),
                "xor r11d, r11d",
                "add r10, [rdi + 128]",    // + t[i+16]
                "adc r11, 0",
                "add r10, r8",             // + the carry bit
                "adc r11, 0",              // (at most one of the two carries)
                "mov [rdi + 128], r10",
                "mov r8, r11",
                "lea rdi, [rdi + 8]",
                "dec r9",
                "jnz 2b",
                inout("rdi") t.as_mut_ptr() => _,
                inout("r9") LIMBS => _,
                in("rsi") m.as_ptr(),
                in("r14") m0inv,
                out("r8") carry,
                out("rax") _,
                out("rdx") _,
                out("r10") _,
                out("r11") _,
                options(nostack),
            );
        }
        #[cfg(not(target_arch = "x86_64"))]
        let carry = {
            let _ = (t, m, m0inv);
            0
        };
        carry
    }
}
