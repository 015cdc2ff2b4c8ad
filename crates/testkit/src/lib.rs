//! Test support shared by Padlock's crates (a dev-dependency only): the
//! reader for the known-answer vector files in each crate's `tests/vectors/`,
//! hex helpers, a runner for the outside programs tests compare against
//! (`tools`: a missing program fails the test with how to install it), a
//! [`Scratch`] directory for the files those programs read and write, and
//! [`rerun_on_portable_backend`] for crates with hardware backends.
//!
//! A vector file is a series of blocks separated by blank lines. Each block
//! opens with `# ` comment lines saying where it comes from, then holds
//! `Name = value` lines (hex for byte strings). A block with comments only is
//! a file header. Every attribute must be read by the test: a block dropped
//! with an unread attribute fails, so a typo in a name cannot silently skip a
//! check.

use std::cell::RefCell;
use std::path::PathBuf;

mod backends;
mod scratch;
mod tools;
pub use backends::rerun_on_portable_backend;
pub use scratch::Scratch;
pub use tools::{describe, install_hint, not_started, run, run_ok};

/// One vector: its source comment and its attributes.
pub struct Block {
    /// Where the vector comes from: its comment lines, joined.
    pub source: String,
    attrs: Vec<(String, String)>,
    used: RefCell<Vec<bool>>,
}

/// The blocks of `<crate_dir>/tests/vectors/<path>` that hold attributes.
/// Call it as `read_vectors(env!("CARGO_MANIFEST_DIR"), "sha/fips180-4-examples.txt")`.
pub fn read_vectors(crate_dir: &str, path: &str) -> Vec<Block> {
    let full: PathBuf = [crate_dir, "tests", "vectors", path].iter().collect();
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    let mut blocks = Vec::new();
    for chunk in text.split("\n\n") {
        let mut source = Vec::new();
        let mut attrs = Vec::new();
        for line in chunk.lines().filter(|l| !l.trim().is_empty()) {
            if let Some(comment) = line.strip_prefix('#') {
                source.push(comment.trim().to_string());
            } else {
                let (name, value) = line
                    .split_once(" =")
                    .unwrap_or_else(|| panic!("{}: not `Name = value`: {line:?}", full.display()));
                attrs.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        if attrs.is_empty() {
            continue;
        }
        assert!(!source.is_empty(), "{}: a vector without a source comment: {attrs:?}", full.display());
        let used = RefCell::new(vec![false; attrs.len()]);
        blocks.push(Block { source: source.join(" / "), attrs, used });
    }
    assert!(!blocks.is_empty(), "{}: no vectors", full.display());
    blocks
}

impl Block {
    /// The attribute's value; panics if it is missing.
    pub fn get(&self, name: &str) -> &str {
        self.opt(name).unwrap_or_else(|| panic!("{}: no attribute {name}", self.source))
    }

    /// The attribute's value, if present.
    pub fn opt(&self, name: &str) -> Option<&str> {
        let i = self.attrs.iter().position(|(n, _)| n == name)?;
        self.used.borrow_mut()[i] = true;
        Some(&self.attrs[i].1)
    }

    /// A hex attribute, decoded.
    pub fn hex(&self, name: &str) -> Vec<u8> {
        decode_hex(self.get(name)).unwrap_or_else(|| panic!("{}: {name} is not hex", self.source))
    }

    /// A decimal attribute.
    pub fn number(&self, name: &str) -> usize {
        self.get(name).parse().unwrap_or_else(|_| panic!("{}: {name} is not a number", self.source))
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        for ((name, _), used) in self.attrs.iter().zip(self.used.borrow().iter()) {
            assert!(used, "{}: attribute {name} was never used", self.source);
        }
    }
}

/// Decodes a hex string; `None` if it is not hex.
pub fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
