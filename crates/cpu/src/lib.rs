//! Whether Padlock's primitives may use their hardware backends.
//!
//! Every primitive has a portable backend in plain Rust and, on x86-64, may
//! have hardware ones (SHA-NI, AES-NI, PCLMULQDQ, ADX, AVX2) chosen at run
//! time with `is_x86_feature_detected!`. Setting the environment variable
//! `PADLOCK_BACKEND=portable` forces the portable backend everywhere: for
//! tests, for benchmarks that compare the two, and for a student who wants to
//! step through the Rust code. This crate is the one place that variable is
//! read, so every primitive crate agrees on what it means.

use std::sync::OnceLock;

/// The environment variable that forces the portable backends.
pub const BACKEND_VAR: &str = "PADLOCK_BACKEND";

/// Whether `PADLOCK_BACKEND=portable` is set. Read once per process: a
/// backend chosen at start-up stays chosen.
pub fn portable_forced() -> bool {
    requested_backend() == Some("portable")
}

/// The value of `PADLOCK_BACKEND`, if set: `portable` is understood by
/// every crate ([`portable_forced`]); a crate may understand others (for
/// padlock-bigint, `adx` keeps it off AVX-512 IFMA, to compare the two).
/// Read once per process.
pub fn requested_backend() -> Option<&'static str> {
    static REQUESTED: OnceLock<Option<String>> = OnceLock::new();
    REQUESTED.get_or_init(|| std::env::var(BACKEND_VAR).ok()).as_deref()
}
