//! Which implementation of a compression function a hasher runs.
//!
//! Every hash has a portable backend in plain Rust. On x86-64, SHA-224 and
//! SHA-256 also have a SHA-NI backend (the SHA extensions), and the SHA-512
//! family an AVX2 backend. The fastest available backend is chosen at run time; setting the environment
//! variable `PADLOCK_BACKEND=portable` forces the portable one (for tests,
//! benches, and a student who wants to step through the Rust code).

use std::sync::OnceLock;

/// An implementation of the compression functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Plain Rust, on every CPU. Constant time: yes, because it only adds,
    /// rotates and applies boolean functions to words.
    Portable,
    /// The x86 SHA extensions (`sha256rnds2`, ...), for SHA-224 and SHA-256.
    /// Constant time: yes, the instructions' timing does not depend on their
    /// operands.
    ShaNi,
    /// AVX2 and BMI2 on x86-64, for the SHA-512 family: the message schedule
    /// in vector registers. Constant time: yes, as the portable backend.
    Avx2,
}

impl Backend {
    /// Every backend, available on this CPU or not.
    pub const ALL: [Backend; 3] = [Backend::Portable, Backend::ShaNi, Backend::Avx2];

    /// The backends `Hash::new` tries, fastest first: every backend this CPU
    /// has, or only the portable one if `PADLOCK_BACKEND=portable` is set.
    /// Each hasher takes the first one its function supports. Decided once
    /// per process.
    pub fn preferred() -> &'static [Backend] {
        static PREFERRED: OnceLock<Vec<Backend>> = OnceLock::new();
        PREFERRED.get_or_init(|| {
            if padlock_cpu::portable_forced() {
                vec![Backend::Portable]
            } else {
                [Backend::ShaNi, Backend::Avx2, Backend::Portable]
                    .into_iter()
                    .filter(|b| b.is_available())
                    .collect()
            }
        })
    }

    /// Whether this CPU can run the backend.
    pub fn is_available(self) -> bool {
        match self {
            Backend::Portable => true,
            Backend::ShaNi => crate::ni::is_available(),
            Backend::Avx2 => crate::avx2::is_available(),
        }
    }

    /// The backends this CPU can run, portable first.
    pub fn available() -> impl Iterator<Item = Backend> {
        Backend::ALL.into_iter().filter(|b| b.is_available())
    }

    /// A short name for reports and bench labels: `"portable"`, `"sha-ni"`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Portable => "portable",
            Backend::ShaNi => "sha-ni",
            Backend::Avx2 => "avx2",
        }
    }
}
