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
    static FORCED: OnceLock<bool> = OnceLock::new();
    *FORCED.get_or_init(|| std::env::var(BACKEND_VAR).is_ok_and(|v| v == "portable"))
}
