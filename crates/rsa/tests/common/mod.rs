//! Shared by the tests that run the `openssl` command: a scratch directory
//! per test (padlock-testkit's), and the runner.

#![allow(dead_code, unreachable_pub)]

use std::process::{Command, Output};

pub use padlock_testkit::Scratch;
use padlock_testkit::run_ok;

/// Runs `openssl` with `args` in `dir` and returns its output, failing the
/// test if it is missing (saying how to install it) or fails.
pub fn openssl(dir: &Scratch, args: &[&str]) -> Output {
    run_ok(Command::new("openssl").args(args).current_dir(&dir.path))
}
