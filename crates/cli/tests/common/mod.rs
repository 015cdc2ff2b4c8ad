//! What the CLI tests that run `padlock` beside `openssl` share: a scratch
//! directory per test, the `openssl` runner, and a readable description of
//! a program's output for failed assertions.

#![allow(dead_code, unreachable_pub, missing_docs)]

use std::fs;
use std::io;
use std::path::PathBuf;
use std::process::{Command, Output};

/// A scratch directory for one test, deleted when dropped.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    /// An empty directory whose name is unique to this test binary, test and
    /// process.
    pub fn new(test: &str) -> Scratch {
        let name = format!("padlock-cli-{}-{}-{test}", env!("CARGO_CRATE_NAME"), std::process::id());
        let path = std::env::temp_dir().join(name);
        // Left over from an earlier, killed run whose process id was the same.
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("creating a scratch directory");
        Scratch { path }
    }

    /// Writes the file `name`.
    pub fn write(&self, name: &str, contents: &[u8]) {
        fs::write(self.path.join(name), contents).expect("writing a scratch file");
    }

    /// Reads the file `name`.
    pub fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.path.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Runs `openssl <args>` in `dir`, failing the test if it is missing or
/// fails.
pub fn openssl(dir: &Scratch, args: &[&str]) -> Output {
    let output = match Command::new("openssl").args(args).current_dir(&dir.path).output() {
        Ok(output) => output,
        Err(error) if error.kind() == io::ErrorKind::NotFound => panic!(
            "`openssl` was not found on PATH. These tests check padlock against OpenSSL; \
             install OpenSSL 3.0 or later (the `openssl` package) to run them."
        ),
        Err(error) => panic!("running openssl: {error}"),
    };
    assert!(output.status.success(), "openssl {}: {}", args.join(" "), describe(&output));
    output
}

/// A program's output, for a failed assertion's message.
pub fn describe(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
