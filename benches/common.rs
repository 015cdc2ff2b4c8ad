//! Shared helpers for Padlock's criterion benches (`benches/*.rs`).
//!
//! Each bench measures Padlock beside the peer a user would otherwise pick, in
//! the same run, so the ratio between them is what to read; absolute figures
//! depend on the machine. `docs/performance.md` records both, with commands.

use criterion::{BenchmarkGroup, Throughput, measurement::WallTime};

/// The message sizes the hash and cipher benches use: one block, a typical
/// TLS handshake message, and a full TLS record.
pub const SIZES: [usize; 3] = [64, 1024, 16 * 1024];

/// A deterministic, non-constant input of `len` bytes.
pub fn input(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 131 + 7) as u8).collect()
}

/// Sets the group to report bytes per second for messages of `len` bytes.
pub fn throughput(group: &mut BenchmarkGroup<'_, WallTime>, len: usize) {
    group.throughput(Throughput::Bytes(len as u64));
}
