//! Copying bulk data without falling into one CPU's slow path.
//!
//! A record layer copies up to 16 KiB at a time: the application's data into
//! the outgoing buffer just after a 5-byte header, the peer's bytes into the
//! deframer, the opened plaintext out to the application. `copy_from_slice`
//! and `extend_from_slice` become `memcpy`, and glibc's `memcpy` copies large
//! blocks with `rep movsb`. On AMD Zen cores `rep movsb` runs twenty to
//! thirty times slower when the destination lies a few bytes past the source
//! modulo 4096 (the two addresses alias in the store buffer's page-offset
//! check): 16 KiB took 5.4–6.8 µs instead of 0.17–0.25 µs on the project's
//! EPYC at every distance from 1 to 31 bytes. A 5-byte header makes exactly
//! that distance likely, and whether it happens depends on where the
//! allocator put two buffers — so a benchmark ran at 7.9 µs per record in
//! one process and 13–15 µs in the next.
//!
//! glibc takes `rep movsb` only for copies above a threshold of at least
//! 2 KiB (it scales with the vector width: 4 KiB with AVX2), and below it
//! a loop of vector moves. So at those distances these functions copy in
//! pieces of 1 KiB: 0.18–0.26 µs for 16 KiB at every distance, as fast as
//! the fast case. Elsewhere they are one `memcpy`. Nothing here depends on
//! the data, only on addresses, so the choice leaks nothing secret.

/// Distances (destination minus source, modulo 4096) at which `rep movsb`
/// is slow: measured slow at 1 to 31, fine from 32 on; 64 leaves margin.
const SLOW_DISTANCE: usize = 64;

/// Pieces small enough that `memcpy` does not use `rep movsb` on them.
const PIECE: usize = 1024;

/// Whether `memcpy` from `src` to `dst` would hit the slow path.
fn aliases(dst: *const u8, src: *const u8) -> bool {
    let distance = (dst as usize).wrapping_sub(src as usize) % 4096;
    (1..SLOW_DISTANCE).contains(&distance)
}

/// `dst.copy_from_slice(src)` (the lengths must be equal), avoiding the slow
/// path of the module doc.
pub(crate) fn copy(dst: &mut [u8], src: &[u8]) {
    if !aliases(dst.as_ptr(), src.as_ptr()) {
        dst.copy_from_slice(src);
        return;
    }
    assert_eq!(dst.len(), src.len(), "copy between slices of different lengths");
    for (to, from) in dst.chunks_mut(PIECE).zip(src.chunks(PIECE)) {
        // `black_box` keeps the compiler from merging the pieces back into
        // one `memcpy` of the whole (it recognises such loops).
        to.copy_from_slice(core::hint::black_box(from));
    }
}

/// `out.extend_from_slice(src)`, avoiding the slow path of the module doc.
pub(crate) fn extend(out: &mut Vec<u8>, src: &[u8]) {
    out.reserve(src.len());
    if !aliases(out.as_ptr().wrapping_add(out.len()), src.as_ptr()) {
        out.extend_from_slice(src);
        return;
    }
    for piece in src.chunks(PIECE) {
        out.extend_from_slice(core::hint::black_box(piece));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every distance around the slow ones, every length up to a few chunks:
    /// the copy is exact and touches nothing else.
    #[test]
    fn copies_exactly_at_every_distance() {
        let source: Vec<u8> = (0..3000).map(|i| (i * 7 + 3) as u8).collect();
        for distance in [0, 1, 5, 16, 31, 32, 63, 64, 65, 4095] {
            for len in [0, 1, 31, 32, 33, 100, 1000, 1024, 1025, 3000] {
                let src = &source[..len];
                let mut buffer = vec![0xeeu8; 4096 + 3000];
                // Where in `buffer` the copy must go to lie `distance` past `src`, modulo 4096.
                let at = (src.as_ptr() as usize + distance).wrapping_sub(buffer.as_ptr() as usize) % 4096;
                let expected_slow = (1..SLOW_DISTANCE).contains(&distance);
                assert_eq!(aliases(buffer[at..].as_ptr(), src.as_ptr()), expected_slow);
                copy(&mut buffer[at..at + len], src);
                assert_eq!(&buffer[at..at + len], src, "distance {distance}, len {len}");
                assert!(buffer[..at].iter().chain(&buffer[at + len..]).all(|&b| b == 0xee));

                let mut out = vec![9u8; 5];
                extend(&mut out, src);
                assert_eq!(&out[..5], &[9; 5]);
                assert_eq!(&out[5..], src);
            }
        }
    }

    #[test]
    fn the_slow_distances_are_recognised() {
        let buffer = [0u8; 8192];
        let base = buffer.as_ptr();
        assert!(!aliases(base, base));
        assert!(aliases(base.wrapping_add(5), base));
        assert!(aliases(base.wrapping_add(4096 + 21), base));
        assert!(!aliases(base.wrapping_add(64), base));
        assert!(!aliases(base, base.wrapping_add(5)), "a destination before the source is fine");
    }
}
