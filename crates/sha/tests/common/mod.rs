//! Test support for padlock-sha: running any hash of the crate by its FIPS
//! 180-4 name on any backend, and the vector reader of padlock-testkit.

#![allow(dead_code, unused_imports, unreachable_pub, missing_docs)]

use padlock_sha::{Backend, Hash, Sha1, Sha224, Sha256, Sha384, Sha512, Sha512_256};
pub use padlock_testkit::{Block, hex};

/// The blocks of this crate's `tests/vectors/<path>`.
pub fn read_vectors(path: &str) -> Vec<Block> {
    padlock_testkit::read_vectors(env!("CARGO_MANIFEST_DIR"), path)
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

/// Splits `data` at the given points (taken modulo its length, sorted).
pub fn split_at_points<'a>(data: &'a [u8], points: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = points.iter().map(|p| p % (data.len() + 1)).collect();
    cuts.sort_unstable();
    let mut parts = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([data.len()]) {
        parts.push(&data[start..cut]);
        start = cut;
    }
    parts
}
