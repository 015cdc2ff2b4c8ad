//! Test support: the known-answer vector files of `tests/vectors/`, and
//! running any hash of the crate by its FIPS 180-4 name on any backend.
//!
//! A vector file is a series of blocks separated by blank lines. Each block
//! opens with `# ` comment lines saying where it comes from, then holds
//! `Name = value` lines (hex for byte strings). A block with comments only is
//! a file header. Every attribute must be read by the test: a block dropped
//! with an unread attribute fails, so a typo in a name cannot silently skip a
//! check.

#![allow(dead_code, unreachable_pub, missing_docs)]

use std::cell::RefCell;
use std::path::PathBuf;

use padlock_sha::{Backend, Hash, Sha1, Sha224, Sha256, Sha384, Sha512, Sha512_256};

/// One vector: its source comment and its attributes.
pub struct Block {
    pub source: String,
    attrs: Vec<(String, String)>,
    used: RefCell<Vec<bool>>,
}

/// The blocks of `tests/vectors/<path>` that hold attributes.
pub fn read_vectors(path: &str) -> Vec<Block> {
    let full: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "vectors", path].iter().collect();
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

pub fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes the concatenation of `parts` with the named function on `backend`,
/// feeding each part to `update` in turn. `None` if the function has no such
/// backend on this CPU.
pub fn digest_parts<'a>(
    algorithm: &str,
    backend: Backend,
    parts: impl Iterator<Item = &'a [u8]>,
) -> Option<Vec<u8>> {
    fn run<'a, H: Hash>(hasher: Option<H>, parts: impl Iterator<Item = &'a [u8]>) -> Option<Vec<u8>> {
        let mut hasher = hasher?;
        for part in parts {
            hasher.update(part);
        }
        Some(hasher.finalize().as_ref().to_vec())
    }
    match algorithm {
        "SHA-1" => run(Sha1::with_backend(backend), parts),
        "SHA-224" => run(Sha224::with_backend(backend), parts),
        "SHA-256" => run(Sha256::with_backend(backend), parts),
        "SHA-384" => run(Sha384::with_backend(backend), parts),
        "SHA-512" => run(Sha512::with_backend(backend), parts),
        "SHA-512/256" => run(Sha512_256::with_backend(backend), parts),
        other => panic!("unknown algorithm {other}"),
    }
}

/// Every algorithm name, as the vector files spell them.
pub const ALGORITHMS: [&str; 6] = ["SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA-512/256"];
