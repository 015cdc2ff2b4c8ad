//! Test support for padlock-der: the test data files, hex, and the walk that
//! re-encodes everything it reads (shared with the `der_reader` fuzz target).

#![allow(dead_code, unused_imports, unreachable_pub, missing_docs)]

pub mod walk;

pub use padlock_testkit::{Block, hex};

/// The blocks of this crate's `tests/vectors/<path>`.
pub fn read_vectors(path: &str) -> Vec<Block> {
    padlock_testkit::read_vectors(env!("CARGO_MANIFEST_DIR"), path)
}

/// The text of `tests/data/<name>`.
pub fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Bytes from hex digits, spaces allowed between them.
pub fn unhex(digits: &str) -> Vec<u8> {
    let digits: String = digits.split_whitespace().collect();
    padlock_testkit::decode_hex(&digits).unwrap_or_else(|| panic!("not hex: {digits}"))
}
