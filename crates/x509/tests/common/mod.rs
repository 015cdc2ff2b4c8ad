//! Shared by the tests that run the `openssl` command: a scratch directory
//! per test (padlock-testkit's), the runner, and reading what it wrote. A missing `openssl`
//! fails the test, saying how to install it.

#![allow(dead_code, unreachable_pub)]

use std::fs;
use std::path::Path;
use std::process::Command;

pub use padlock_testkit::Scratch;
use padlock_x509::Certificate;

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
