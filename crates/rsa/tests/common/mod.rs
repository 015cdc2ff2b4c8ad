//! Shared by the tests that run the `openssl` command: a scratch directory
//! per test, and the runner.

#![allow(dead_code, unreachable_pub)]

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

use padlock_testkit::run_ok;

/// Runs `openssl` with `args` in `dir` and returns its output, failing the
/// test if it is missing (saying how to install it) or fails.
pub fn openssl(dir: &Scratch, args: &[&str]) -> Output {
    run_ok(Command::new("openssl").args(args).current_dir(&dir.path))
}

/// A scratch directory for one test, deleted when dropped.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    /// An empty directory whose name is unique to this test and process.
    pub fn new(test: &str) -> Scratch {
        let path = std::env::temp_dir().join(format!("padlock-rsa-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("creating a scratch directory");
        Scratch { path }
    }

    /// Writes `contents` to the file `name`; returns the name, for arguments.
    pub fn write(&self, name: &str, contents: &[u8]) -> String {
        fs::write(self.path.join(name), contents).expect("writing a scratch file");
        name.to_string()
    }

    /// The contents of the file `name`.
    pub fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.path.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}
