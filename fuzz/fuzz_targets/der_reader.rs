//! Arbitrary bytes through padlock-der's reader: every element is tried with
//! every typed reader, recursively, and each value that reads must be written
//! back by the `Writer` to exactly the bytes it came from. Malformed input
//! must be an error, never a panic.
//!
//! The walk is the one the crate's property tests use, included from
//! `crates/der/tests/common/walk.rs` so the two cannot drift apart.

#![no_main]

use libfuzzer_sys::fuzz_target;
use padlock_der::Reader;

#[path = "../../crates/der/tests/common/walk.rs"]
mod walk;

fuzz_target!(|data: &[u8]| {
    let _ = walk::walk(Reader::new(data));
});
