//! Which implementation of a compression function a hasher runs.
//!
//! Every hash has a portable backend in plain Rust. SHA-1 and SHA-256 also have
//! a SHA-NI backend on x86-64 CPUs with the SHA extensions. The fastest
//! available backend is chosen once, at run time; setting the environment
//! variable `PADLOCK_BACKEND=portable` forces the portable one (for tests,
//! benches, and a student who wants to step through the Rust code).

use std::sync::OnceLock;

/// An implementation of the compression functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Plain Rust, on every CPU. Constant time: yes, because it only adds,
    /// rotates and applies boolean functions to words.
    Portable,
    /// The x86 SHA extensions (`sha256rnds2`, `sha1rnds4`, ...). Constant time:
    /// yes, the instructions' timing does not depend on their operands.
    ShaNi,
}

impl Backend {
    /// Every backend, available on this CPU or not.
    pub const ALL: [Backend; 2] = [Backend::Portable, Backend::ShaNi];

    /// The backend new hashers use: the fastest this CPU has, unless
    /// `PADLOCK_BACKEND=portable` is set. Decided once per process.
    pub fn preferred() -> Backend {
        static PREFERRED: OnceLock<Backend> = OnceLock::new();
        *PREFERRED.get_or_init(|| {
            let forced_portable = std::env::var("PADLOCK_BACKEND").is_ok_and(|v| v == "portable");
            if !forced_portable && Backend::ShaNi.is_available() { Backend::ShaNi } else { Backend::Portable }
        })
    }

    /// Whether this CPU can run the backend.
    pub fn is_available(self) -> bool {
        match self {
            Backend::Portable => true,
            Backend::ShaNi => crate::ni::is_available(),
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
        }
    }
}
