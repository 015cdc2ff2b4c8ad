//! What the OpenSSL interoperability tests share: running `openssl`, and a
//! temporary directory for the files it reads and writes.

#![allow(dead_code, unreachable_pub, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// A fresh directory under the system's temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(test: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("padlock-ec-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    pub fn write(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        let path = self.path(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
