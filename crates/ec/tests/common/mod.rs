//! What the OpenSSL interoperability tests share: running `openssl`, and a
//! scratch directory (padlock-testkit's) for the files it reads and writes.

#![allow(dead_code, unreachable_pub, missing_docs)]

use std::process::{Command, Output};

pub use padlock_testkit::Scratch;

/// Runs `openssl` with `args`, whatever its exit status (a missing
/// `openssl` fails the test with an install hint).
pub fn openssl_output(args: &[&str]) -> Output {
    padlock_testkit::run(Command::new("openssl").args(args))
}

/// Runs `openssl` and returns its standard output; fails the test, with
/// OpenSSL's message, if it fails.
pub fn openssl(args: &[&str]) -> Vec<u8> {
    padlock_testkit::run_ok(Command::new("openssl").args(args)).stdout
}
