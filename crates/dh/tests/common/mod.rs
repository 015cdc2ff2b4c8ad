//! What the OpenSSL interoperability tests share: running `openssl`, and a
//! scratch directory (padlock-testkit's) for the key files it reads and
//! writes.

#![allow(dead_code, unreachable_pub, missing_docs)]

use std::process::Command;

pub use padlock_testkit::Scratch;

/// Runs `openssl` and returns its standard output; fails the test, with
/// OpenSSL's message, if it fails, and saying how to install it if it is
/// missing.
pub fn openssl(args: &[&str]) -> Vec<u8> {
    padlock_testkit::run_ok(Command::new("openssl").args(args)).stdout
}
