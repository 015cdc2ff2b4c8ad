//! Which implementation of the Montgomery multiplication kernel a
//! [`Modulus`](crate::Modulus) runs.
//!
//! Everything in Montgomery multiplication and squaring comes down to one
//! primitive, "multiply a row and add it in" (GMP calls it `mpn_addmul_1`):
//! `t += x * y` for a limb `x` and a slice `y`, returning the carry limb.
//! The portable backend writes it with `u128` products; on x86-64 with BMI2
//! and ADX, the `adx` module writes it with `mulx`, `adcx` and `adox`, which
//! keep two carry chains in flight at once (and, where the limb count is a
//! multiple of 4, whole loops of rows, see `montgomery.rs`). Where the CPU
//! has AVX-512 IFMA, `ifma.rs` runs whole exponentiations in radix 2^52
//! instead, eight digits to a vector, and where it has AVX2, `avx2.rs` in
//! radix 2^28, four digits to a vector (both up to a size). The fastest
//! available backend is chosen at run time; setting the environment variable
//! `PADLOCK_BACKEND=portable` forces the portable one.

use std::sync::OnceLock;

/// An implementation of the Montgomery multiplication kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Plain Rust with `u128` products, on every CPU. Constant time: yes,
    /// because it multiplies and adds every limb whatever its value.
    Portable,
    /// `mulx`, `adcx` and `adox` on x86-64 (BMI2 and ADX). Constant time:
    /// yes, the instructions' timing does not depend on their operands.
    Adx,
    /// AVX-512 IFMA (`vpmadd52luq`/`vpmadd52huq`) on x86-64, in radix 2^52,
    /// for exponentiation modulo numbers of up to 2048 bits; everything
    /// else (and larger moduli) on the ADX rows, or the portable ones on a
    /// CPU without ADX. Constant time: yes, see `ifma.rs`.
    Ifma,
    /// AVX2 (`vpmuludq`) on x86-64, in radix 2^28, for exponentiation
    /// modulo numbers of up to 1024 bits (RSA-2048's CRT halves); everything
    /// else on the ADX rows, or the portable ones on a CPU without ADX.
    /// Constant time: yes, see `avx2.rs`.
    Avx2,
}

impl Backend {
    /// Every backend, available on this CPU or not.
    pub const ALL: [Backend; 4] = [Backend::Portable, Backend::Adx, Backend::Ifma, Backend::Avx2];

    /// The backend a new [`Modulus`](crate::Modulus) uses: the fastest one
    /// this CPU has, or the portable one if `PADLOCK_BACKEND=portable` is set
    /// (`PADLOCK_BACKEND=adx`: the ADX one even where a vector backend is
    /// available, `PADLOCK_BACKEND=avx2`: AVX2 even where IFMA is, to
    /// measure one beside the other). Decided once per process.
    pub fn preferred() -> Backend {
        static PREFERRED: OnceLock<Backend> = OnceLock::new();
        *PREFERRED.get_or_init(|| {
            let requested = padlock_cpu::requested_backend();
            if padlock_cpu::portable_forced() {
                Backend::Portable
            } else if Backend::Ifma.is_available() && requested.is_none_or(|r| r != "adx" && r != "avx2") {
                Backend::Ifma
            } else if Backend::Avx2.is_available() && requested != Some("adx") {
                Backend::Avx2
            } else if Backend::Adx.is_available() {
                Backend::Adx
            } else {
                Backend::Portable
            }
        })
    }

    /// Whether this CPU can run the backend.
    pub fn is_available(self) -> bool {
        match self {
            Backend::Portable => true,
            Backend::Adx => crate::adx::Adx::new().is_some(),
            Backend::Ifma => crate::ifma::Ifma::new().is_some(),
            Backend::Avx2 => crate::avx2::Avx2::new().is_some(),
        }
    }

    /// The backends this CPU can run, portable first.
    pub fn available() -> impl Iterator<Item = Backend> {
        Backend::ALL.into_iter().filter(|b| b.is_available())
    }

    /// A short name for reports and bench labels: `"portable"`, `"adx"`,
    /// `"ifma"`, `"avx2"`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Portable => "portable",
            Backend::Adx => "adx",
            Backend::Ifma => "ifma",
            Backend::Avx2 => "avx2",
        }
    }
}

/// The kernel every backend implements: `t += x * y` over `t.len() ==
/// y.len()` limbs, returning the carry limb (the result's limb number
/// `t.len()`). It cannot overflow: `t + x * y < 2^(64 len) * 2^64`.
pub(crate) trait AddMul: Copy {
    /// `t += x * y`; returns the carry limb. Panics if the lengths differ.
    fn addmul_1(self, t: &mut [u64], y: &[u64], x: u64) -> u64;
}

/// The portable kernel.
#[derive(Clone, Copy)]
pub(crate) struct Portable;

impl AddMul for Portable {
    #[inline(always)]
    fn addmul_1(self, t: &mut [u64], y: &[u64], x: u64) -> u64 {
        assert_eq!(t.len(), y.len());
        let mut c = 0;
        for (ti, &yi) in t.iter_mut().zip(y) {
            (*ti, c) = crate::limbs::mac(*ti, x, yi, c);
        }
        c
    }
}
