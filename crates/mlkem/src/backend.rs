//! Which implementation of the NTT arithmetic runs: the portable Rust of
//! `ntt.rs` on every CPU, or the AVX2 code of `avx2.rs` where the CPU has it.
//!
//! The choice is made once per process. Setting the environment variable
//! `PADLOCK_BACKEND=portable` (read by `padlock_cpu::portable_forced`) forces
//! the portable code, for tests, benches, and a student who wants to step
//! through the Rust.

use std::sync::OnceLock;

/// An implementation of the NTT, its inverse and the base-case products.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Plain Rust, on every CPU. Constant time: yes (see `field`).
    Portable,
    /// AVX2 on x86-64: sixteen coefficients per instruction. Constant time:
    /// yes, vector instructions take the same time whatever their lanes hold.
    Avx2,
}

impl Backend {
    /// Every backend, available on this CPU or not.
    pub const ALL: [Backend; 2] = [Backend::Portable, Backend::Avx2];

    /// The backend ML-KEM uses in this process: AVX2 if the CPU has it and
    /// `PADLOCK_BACKEND=portable` is not set, else portable.
    pub fn preferred() -> Backend {
        static PREFERRED: OnceLock<Backend> = OnceLock::new();
        *PREFERRED.get_or_init(|| {
            if !padlock_cpu::portable_forced() && Backend::Avx2.is_available() {
                Backend::Avx2
            } else {
                Backend::Portable
            }
        })
    }

    /// Whether this CPU can run the backend.
    pub fn is_available(self) -> bool {
        match self {
            Backend::Portable => true,
            Backend::Avx2 => crate::avx2::is_available(),
        }
    }

    /// The backends this CPU can run, portable first.
    pub fn available() -> impl Iterator<Item = Backend> {
        Backend::ALL.into_iter().filter(|b| b.is_available())
    }

    /// A short name for reports and bench labels: `"portable"`, `"avx2"`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Portable => "portable",
            Backend::Avx2 => "avx2",
        }
    }
}
