//! The BMI2/ADX backend: the row kernel `t += x * y` in x86-64 assembly.
//!
//! Constant time: yes. `mulx`, `adcx`, `adox`, `mov` and `lea` take the same
//! time whatever their operands, and the only branches count limbs (a public
//! length).
//!
//! Why assembly: a row is a chain of additions where each limb's carry feeds
//! the next. With `u128` arithmetic the compiler keeps one carry flag, so
//! adding the low half of `x * y[j]` and the high half of `x * y[j - 1]` into
//! `t[j]` needs two dependent `adc` chains run one after the other. ADX gives
//! two independent carry flags: `adcx` uses only CF and `adox` only OF, and
//! `mulx` touches no flag at all, so both chains run interleaved:
//!
//! ```text
//! mulx hi_j, lo_j, y[j]          ; hi_j:lo_j = x * y[j]          (rdx = x)
//! adox lo_j, hi_{j-1}            ; OF chain: lo_j + hi_{j-1} + OF
//! adcx lo_j, t[j]                ; CF chain: ... + t[j] + CF
//! mov  t[j], lo_j
//! ```
//!
//! The loop body does four limbs, alternating the registers that hold
//! `hi_j`; a second loop does the zero to three limbs left over. Loop counts
//! live in `rcx` and are tested with `jrcxz` and stepped with `lea`, which,
//! unlike `dec`, leave CF and OF alone. At the end the last high half takes
//! the two pending carries: the result cannot overflow one limb, since
//! `t + x * y < 2^(64 len) * 2^64` (Intel, "New Instructions Supporting Large
//! Integer Arithmetic on Intel Architecture Processors", 2012).
//!
//! The same four steps (`four_steps!`) also make whole loops of rows, for
//! limb counts that are a multiple of 4, so that the outer loop runs in
//! assembly too: [`Adx::mont_mul`] (a Montgomery multiplication),
//! [`Adx::sqr_triangle`] (the products above the diagonal of a square) and
//! [`Adx::redc`] (a Montgomery reduction).
//!
//! This module holds the crate's only `unsafe`: the inline assembly. An
//! [`Adx`] value exists only where the CPU has BMI2 and ADX, and property
//! tests check the kernel against the portable one.

#![allow(unsafe_code)]

use crate::backend::AddMul;

/// Four steps of a row `t += x * y` (`rdx` = x, `rdi` = t, the register
/// named by `$y` = y), on the four limbs `$off` bytes in: for `j` = 0 to 3,
/// `hi:lo = x * y[j]`, then `lo += hi_{j-1}` on the OF chain and
/// `lo += t[j]` on the CF chain, and `t[j] = lo`. The high halves take
/// turns in `r10` and `r11`: the previous one is in `r10` on entry, the last
/// one is in `r10` on exit. Exported for the unrolled rows of `adx16.rs`.
macro_rules! four_steps {
    ($y:literal, $off:literal) => {
        concat!(
            "mulx r11, rax, [",
            $y,
            " + ",
            $off,
            "]\n",
            "adox rax, r10\n",
            "adcx rax, [rdi + ",
            $off,
            "]\n",
            "mov [rdi + ",
            $off,
            "], rax\n",
            "mulx r10, rax, [",
            $y,
            " + ",
            $off,
            " + 8]\n",
            "adox rax, r11\n",
            "adcx rax, [rdi + ",
            $off,
            " + 8]\n",
            "mov [rdi + ",
            $off,
            " + 8], rax\n",
            "mulx r11, rax, [",
            $y,
            " + ",
            $off,
            " + 16]\n",
            "adox rax, r10\n",
            "adcx rax, [rdi + ",
            $off,
            " + 16]\n",
            "mov [rdi + ",
            $off,
            " + 16], rax\n",
            "mulx r10, rax, [",
            $y,
            " + ",
            $off,
            " + 24]\n",
            "adox rax, r11\n",
            "adcx rax, [rdi + ",
            $off,
            " + 24]\n",
            "mov [rdi + ",
            $off,
            " + 24], rax\n",
        )
    };
}
pub(crate) use four_steps;

/// A row of `rcx` >= 1 blocks of [`four_steps!`], moving `rsi` and `rdi`
/// past them. Numeric labels are local, so the text can appear several
/// times in one block of assembly.
macro_rules! blocks_of_four {
    () => {
        concat!(
            "3:\n",
            four_steps!("rsi", "0"),
            "lea rsi, [rsi + 32]\n",
            "lea rdi, [rdi + 32]\n",
            "lea rcx, [rcx - 1]\n",
            "jrcxz 4f\n",
            "jmp 3b\n",
            "4:\n",
        )
    };
}

/// Proof that this CPU has BMI2 and ADX: only [`Adx::new`] makes one.
#[derive(Clone, Copy)]
pub(crate) struct Adx(());

impl Adx {
    /// The kernel, if this CPU has BMI2 and ADX (asked once per process).
    pub(crate) fn new() -> Option<Adx> {
        static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let available = *AVAILABLE.get_or_init(|| {
            #[cfg(target_arch = "x86_64")]
            {
                std::arch::is_x86_feature_detected!("bmi2") && std::arch::is_x86_feature_detected!("adx")
            }
            #[cfg(not(target_arch = "x86_64"))]
            {
                false
            }
        });
        available.then_some(Adx(()))
    }
}

impl Adx {
    /// Montgomery multiplication with the whole loop in assembly, for `n`
    /// a multiple of 4: `t[n..=2n]` ends as `a b R^-1` plus a multiple of
    /// `m` below `2m`, for the caller's final subtraction.
    ///
    /// This is the CIOS method of Koç, Acar and Kaliski (1996, §4) on a
    /// sliding window of `t` instead of a shifted one: for each limb `a[i]`,
    /// one row `t[i..i+n] += a[i] b`, then `q = t[i] m' mod 2^64` and one row
    /// `t[i..i+n] += q m`, which zeroes `t[i]`; each row's carry limb is added
    /// into `t[i+n]` and its carry into `t[i+n+1]`. Both rows are the
    /// four-limb loop of `addmul_1`, and keeping the outer loop in assembly
    /// saves the call overhead of `2n` separate rows, a large share of the
    /// work at 1024 bits (16 limbs).
    ///
    /// `t` has `2n + 2` limbs, all zero on entry.
    #[inline(always)]
    pub(crate) fn mont_mul(self, t: &mut [u64], a: &[u64], b: &[u64], m: &[u64], m0inv: u64) {
        let n = m.len();
        assert!(n > 0 && n.is_multiple_of(4) && a.len() == n && b.len() == n && t.len() == 2 * n + 2);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: an `Adx` exists only if the CPU has BMI2 and ADX. The
        // assembly reads `a`, `b` and `m` (n limbs each) and reads and
        // writes `t[0..2n+2]`: row i touches t[i..i+n+2] for i < n. The
        // assertion above checked every length. No stack is used, and every
        // register changed is declared.
        unsafe {
            core::arch::asm!(
                "2:",
                // Row 1: t[i..i+n] += a[i] * b.
                "mov rdx, [r8]",
                "mov rsi, r12",
                "mov rcx, r15",
                "xor r10d, r10d",
                blocks_of_four!(),
                "mov eax, 0",
                "adox r10, rax",
                "adcx r10, rax",
                "add [rdi], r10",              // t[i+n] += carry limb
                "adc qword ptr [rdi + 8], 0",  // t[i+n+1] += carry
                "mov rax, r15",
                "shl rax, 5",
                "sub rdi, rax",                // back to t[i]
                // q = t[i] m' mod 2^64.
                "mov rdx, [rdi]",
                "imul rdx, r14",
                // Row 2: t[i..i+n] += q * m.
                "mov rsi, r13",
                "mov rcx, r15",
                "xor r10d, r10d",
                blocks_of_four!(),
                "mov eax, 0",
                "adox r10, rax",
                "adcx r10, rax",
                "add [rdi], r10",
                "adc qword ptr [rdi + 8], 0",
                "mov rax, r15",
                "shl rax, 5",
                "sub rdi, rax",
                "lea rdi, [rdi + 8]",          // on to t[i+1]
                "lea r8, [r8 + 8]",            // and a[i+1]
                "dec r9",
                "jnz 2b",
                inout("rdi") t.as_mut_ptr() => _,
                inout("r8") a.as_ptr() => _,
                inout("r9") n => _,
                in("r12") b.as_ptr(),
                in("r13") m.as_ptr(),
                in("r14") m0inv,
                in("r15") n / 4,
                out("rax") _,
                out("rcx") _,
                out("rdx") _,
                out("rsi") _,
                out("r10") _,
                out("r11") _,
                options(nostack),
            );
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (t, a, b, m0inv);
    }

    /// The products above the diagonal of a square: for each `i < n - 1`,
    /// `t[2i+1 .. n+i] += a[i] a[i+1..n]` and `t[n+i]` = the carry limb
    /// (Koç, Acar and Kaliski 1996, §7). Row `i` has `n - 1 - i` limbs: the
    /// leftover `len % 4` first, one at a time, then blocks of four.
    ///
    /// `t` has at least `2n` limbs, zero on entry; `n >= 2`.
    #[inline(always)]
    pub(crate) fn sqr_triangle(self, t: &mut [u64], a: &[u64]) {
        let n = a.len();
        assert!(n >= 2 && t.len() >= 2 * n);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: an `Adx` exists only if the CPU has BMI2 and ADX. Row i
        // reads a[i..n] and writes t[2i+1..=n+i], inside `a` and `t[..2n]`
        // (lengths asserted above). No stack is used, and every register
        // changed is declared.
        unsafe {
            core::arch::asm!(
                "2:",
                "mov rdx, [r8]",               // a[i]
                "lea rsi, [r8 + 8]",           // a[i+1..]
                "mov rdi, r12",                // t[2i+1..]
                "mov r13, r9",
                "and r13, 3",                  // leftover limbs
                "mov r14, r9",
                "shr r14, 2",                  // blocks of four
                "mov rcx, r13",
                "xor r10d, r10d",              // clears CF and OF
                "3:",
                "jrcxz 4f",
                "mulx r11, rax, [rsi]",
                "adox rax, r10",
                "adcx rax, [rdi]",
                "mov [rdi], rax",
                "mov r10, r11",
                "lea rsi, [rsi + 8]",
                "lea rdi, [rdi + 8]",
                "lea rcx, [rcx - 1]",
                "jmp 3b",
                "4:",
                "mov rcx, r14",
                "5:",
                "jrcxz 6f",
                four_steps!("rsi", "0"),
                "lea rsi, [rsi + 32]",
                "lea rdi, [rdi + 32]",
                "lea rcx, [rcx - 1]",
                "jmp 5b",
                "6:",
                "mov eax, 0",
                "adox r10, rax",
                "adcx r10, rax",
                "mov [rdi], r10",              // t[n+i] = carry limb
                "lea r8, [r8 + 8]",
                "lea r12, [r12 + 16]",
                "dec r9",
                "jnz 2b",
                inout("r8") a.as_ptr() => _,
                inout("r9") n - 1 => _,
                inout("r12") t.as_mut_ptr().wrapping_add(1) => _,
                out("rax") _,
                out("rcx") _,
                out("rdx") _,
                out("rsi") _,
                out("rdi") _,
                out("r10") _,
                out("r11") _,
                out("r13") _,
                out("r14") _,
                options(nostack),
            );
        }
    }

    /// The rest of a square's product once `t[..2n]` holds the products
    /// above the diagonal (`n = a.len()`): `t = 2 t + sum a[i]^2 2^(128 i)`.
    /// One pass, two carry chains: `adcx x, x` adds a limb to itself plus
    /// the bit shifted out of the limb below (the doubling, CF), and `adox`
    /// adds the square `a[i]^2` into limbs `2i` and `2i + 1` (OF). Neither
    /// chain carries out of the top: `a^2 < 2^(128 n)`.
    #[inline(always)]
    pub(crate) fn double_add_diagonal(self, t: &mut [u64], a: &[u64]) {
        let n = a.len();
        assert!(n >= 1 && t.len() >= 2 * n);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: an `Adx` exists only if the CPU has BMI2 and ADX. The loop
        // reads a[0..n] and reads and writes t[0..2n] (lengths asserted
        // above). No stack is used, and every register changed is declared.
        unsafe {
            core::arch::asm!(
                "xor eax, eax",                // clears CF and OF
                "2:",
                "mov rdx, [rsi]",
                "mulx r11, r10, rdx",          // a[i]^2
                "mov r8, [rdi]",
                "mov r9, [rdi + 8]",
                "adcx r8, r8",
                "adcx r9, r9",
                "adox r8, r10",
                "adox r9, r11",
                "mov [rdi], r8",
                "mov [rdi + 8], r9",
                "lea rsi, [rsi + 8]",
                "lea rdi, [rdi + 16]",
                "lea rcx, [rcx - 1]",
                "jrcxz 3f",
                "jmp 2b",
                "3:",
                inout("rcx") n => _,
                inout("rsi") a.as_ptr() => _,
                inout("rdi") t.as_mut_ptr() => _,
                out("rax") _,
                out("rdx") _,
                out("r8") _,
                out("r9") _,
                out("r10") _,
                out("r11") _,
                options(nostack),
            );
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (t, a);
    }

    /// Montgomery reduction of a double-length `t` for `n` a multiple of 4:
    /// for each `i < n`, `q = t[i] m' mod 2^64` and `t[i..i+n] += q m`, the
    /// carry limb added into `t[i+n]` with a running carry bit. Returns that
    /// bit `c`: `t R^-1 = c R + t[n..2n]`, below `2m` if `t < R m`
    /// (`montgomery.rs`, steps 2 and 3).
    #[inline(always)]
    pub(crate) fn redc(self, t: &mut [u64], m: &[u64], m0inv: u64) -> u64 {
        let n = m.len();
        assert!(n > 0 && n.is_multiple_of(4) && t.len() >= 2 * n);
        let carry: u64;
        #[cfg(target_arch = "x86_64")]
        // SAFETY: an `Adx` exists only if the CPU has BMI2 and ADX. Row i
        // reads m (n limbs) and reads and writes t[i..=i+n], inside
        // `t[..2n]` (lengths asserted above). No stack is used, and every
        // register changed is declared.
        unsafe {
            core::arch::asm!(
                "xor r8d, r8d",                // running carry bit
                "2:",
                "mov rdx, [rdi]",
                "imul rdx, r14",               // q = t[i] m'
                "mov rsi, r12",
                "mov rcx, r15",
                "xor r10d, r10d",
                blocks_of_four!(),
                "mov eax, 0",
                "adox r10, rax",
                "adcx r10, rax",               // the carry limb
                "xor r11d, r11d",
                "add r10, [rdi]",              // + t[i+n]
                "adc r11, 0",
                "add r10, r8",                 // + the carry bit
                "adc r11, 0",                  // (at most one of the two carries)
                "mov [rdi], r10",
                "mov r8, r11",
                "mov rax, r15",
                "shl rax, 5",
                "sub rdi, rax",
                "lea rdi, [rdi + 8]",          // on to t[i+1]
                "dec r9",
                "jnz 2b",
                inout("rdi") t.as_mut_ptr() => _,
                inout("r9") n => _,
                in("r12") m.as_ptr(),
                in("r14") m0inv,
                in("r15") n / 4,
                out("r8") carry,
                out("rax") _,
                out("rcx") _,
                out("rdx") _,
                out("rsi") _,
                out("r10") _,
                out("r11") _,
                options(nostack),
            );
        }
        #[cfg(not(target_arch = "x86_64"))]
        let carry = {
            let _ = (t, m0inv);
            0
        };
        carry
    }
}

impl AddMul for Adx {
    #[inline(always)]
    fn addmul_1(self, t: &mut [u64], y: &[u64], x: u64) -> u64 {
        assert_eq!(t.len(), y.len());
        #[cfg(target_arch = "x86_64")]
        {
            let n = t.len();
            let carry: u64;
            // SAFETY: an `Adx` exists only if the CPU has BMI2 and ADX
            // (`Adx::new`). The assembly reads `y[0..n]` and reads and writes
            // `t[0..n]` through the pointers given, and the assertion above
            // checked both slices have `n` limbs. It uses no stack, and every
            // register it changes is declared.
            unsafe {
                core::arch::asm!(
                    "xor r10d, r10d",     // hi_{-1} = 0; clears CF and OF
                    "2:",
                    "jrcxz 3f",
                    four_steps!("rsi", "0"),
                    "lea rsi, [rsi + 32]",
                    "lea rdi, [rdi + 32]",
                    "lea rcx, [rcx - 1]",
                    "jmp 2b",
                    "3:",
                    "mov rcx, r8",        // the n % 4 limbs left
                    "4:",
                    "jrcxz 5f",
                    "mulx r11, rax, [rsi]",
                    "adox rax, r10",
                    "adcx rax, [rdi]",
                    "mov [rdi], rax",
                    "mov r10, r11",
                    "lea rsi, [rsi + 8]",
                    "lea rdi, [rdi + 8]",
                    "lea rcx, [rcx - 1]",
                    "jmp 4b",
                    "5:",
                    "mov eax, 0",         // `mov`, not `xor`: keep the flags
                    "adox r10, rax",      // carry limb = hi_{n-1} + OF + CF
                    "adcx r10, rax",
                    inout("rcx") n / 4 => _,
                    inout("rsi") y.as_ptr() => _,
                    inout("rdi") t.as_mut_ptr() => _,
                    in("rdx") x,
                    in("r8") n % 4,
                    out("r10") carry,
                    out("rax") _,
                    out("r11") _,
                    options(nostack),
                );
            }
            carry
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            crate::backend::Portable.addmul_1(t, y, x)
        }
    }
}
