//! SHA-3 and SHAKE (FIPS 202) fed in fuzzer-chosen pieces equal one-shot
//! hashing, SHAKE output read in fuzzer-chosen pieces equals the same
//! number of bytes read at once, and four SHAKEs at once (`ShakeX4`, on
//! AVX2 four states to a register) equal four single ones.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use padlock_sha::{Hash, Sha3_256, Sha3_512, Shake, Shake128, Shake256, ShakeX4};

#[derive(Arbitrary, Debug)]
struct Input {
    data: Vec<u8>,
    /// Where to cut `data` (taken modulo its length).
    splits: Vec<u16>,
    /// The lengths of the output pieces to read (each below 1024).
    reads: Vec<u16>,
}

/// `data` cut at the given points.
fn pieces<'a>(data: &'a [u8], splits: &[u16]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = splits.iter().map(|&s| s as usize % (data.len() + 1)).collect();
    cuts.sort_unstable();
    let mut parts = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([data.len()]) {
        parts.push(&data[start..cut]);
        start = cut;
    }
    parts
}

fn streamed<H: Hash>(parts: &[&[u8]]) -> H::Output {
    let mut hasher = H::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize()
}

fn check_shake<const RATE: usize>(parts: &[&[u8]], data: &[u8], reads: &[usize]) {
    let mut shake = Shake::<RATE>::new();
    for part in parts {
        shake.update(part);
    }
    let mut reader = shake.finalize_xof();
    let mut in_pieces = Vec::new();
    for &len in reads {
        let mut piece = vec![0; len];
        reader.read(&mut piece);
        in_pieces.extend_from_slice(&piece);
    }
    let mut at_once = vec![0; in_pieces.len()];
    Shake::<RATE>::digest_xof(data, &mut at_once);
    assert_eq!(in_pieces, at_once, "{}", Shake::<RATE>::NAME);
}

/// Four SHAKEs at once on four cuts of `data` of one length (its quarters),
/// two blocks of output, against one SHAKE each.
fn check_four<const RATE: usize>(data: &[u8]) {
    let len = data.len() / 4;
    let messages: [&[u8]; 4] = core::array::from_fn(|s| &data[s * len..(s + 1) * len]);
    let mut four = ShakeX4::<RATE>::new(messages);
    let (first, second) = (four.squeeze_blocks(), four.squeeze_blocks());
    for (s, message) in messages.iter().enumerate() {
        let mut one = vec![0; 2 * RATE];
        Shake::<RATE>::digest_xof(message, &mut one);
        assert_eq!(one, [&first[s][..], &second[s][..]].concat(), "four {} at once", Shake::<RATE>::NAME);
    }
}

fuzz_target!(|input: Input| {
    let parts = pieces(&input.data, &input.splits);
    assert_eq!(streamed::<Sha3_256>(&parts), Sha3_256::digest(&input.data));
    assert_eq!(streamed::<Sha3_512>(&parts), Sha3_512::digest(&input.data));
    let reads: Vec<usize> = input.reads.iter().map(|&r| usize::from(r % 1024)).collect();
    check_shake::<168>(&parts, &input.data, &reads);
    check_shake::<136>(&parts, &input.data, &reads);
    check_four::<168>(&input.data);
    check_four::<136>(&input.data);
    let _ = (Shake128::NAME, Shake256::NAME);
});
