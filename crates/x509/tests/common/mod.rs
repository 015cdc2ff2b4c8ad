//! Shared by the tests that run the `openssl` command: a scratch directory
//! per test, the runner, and reading what it wrote. A missing `openssl`
//! fails the test, saying how to install it.

#![allow(dead_code, unreachable_pub)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use padlock_x509::Certificate;

/// A scratch directory, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// An empty directory whose name is unique to `name` and this process.
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("padlock-x509-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("creating a scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Runs `openssl` in `dir` with `args` separated by spaces; a `~` inside an
/// argument stands for a space (`/CN=Other~CA`). Returns (success, stdout +
/// stderr).
pub fn openssl(dir: &Path, args: &str) -> (bool, String) {
    let args = args.split(' ').filter(|a| !a.is_empty()).map(|a| a.replace('~', " "));
    let output = padlock_testkit::run(Command::new("openssl").args(args).current_dir(dir));
    let text =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

/// [`openssl`], which must succeed; returns what it printed.
pub fn must(dir: &Path, args: &str) -> String {
    let (ok, text) = openssl(dir, args);
    assert!(ok, "openssl {args}: {text}");
    text
}

/// Reads `name.pem` from `dir` as a certificate.
pub fn read(dir: &Path, name: &str) -> Certificate {
    let pem = fs::read(dir.join(format!("{name}.pem"))).unwrap_or_else(|e| panic!("reading {name}.pem: {e}"));
    Certificate::from_pem(&pem).unwrap_or_else(|e| panic!("parsing {name}.pem: {e}"))
}

/// A certificate's DER as PEM.
pub fn pem(der: &[u8]) -> String {
    padlock_der::pem::encode("CERTIFICATE", der)
}
