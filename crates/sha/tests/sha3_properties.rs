//! Property tests for SHA-3 and SHAKE: streaming at any split equals one-shot,
//! squeezing in pieces equals squeezing at once, and everything equals
//! RustCrypto's `sha3` crate (a test oracle only), HMAC included.

mod common;

use common::split_at_points;
use padlock_sha::hmac::hmac;
use padlock_sha::{Hash, Sha3_224, Sha3_256, Sha3_384, Sha3_512, Shake128, Shake256};
use proptest::prelude::*;
use sha3::digest::{Digest, ExtendableOutput, Update, XofReader as _};

fn streamed<H: Hash>(parts: &[&[u8]]) -> Vec<u8> {
    let mut hasher = H::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().as_ref().to_vec()
}

fn oracle<D: Digest>(data: &[u8]) -> Vec<u8> {
    D::digest(data).to_vec()
}

/// Our SHAKE on `parts`, read out in pieces of the given lengths.
fn our_shake<const RATE: usize>(parts: &[&[u8]], pieces: &[usize]) -> Vec<u8> {
    let mut shake = padlock_sha::Shake::<RATE>::new();
    for part in parts {
        shake.update(part);
    }
    let mut reader = shake.finalize_xof();
    let mut out = Vec::new();
    for &len in pieces {
        let mut piece = vec![0; len];
        reader.read(&mut piece);
        out.extend_from_slice(&piece);
    }
    out
}

fn oracle_shake<X: Default + Update + ExtendableOutput>(data: &[u8], len: usize) -> Vec<u8> {
    let mut xof = X::default();
    xof.update(data);
    let mut out = vec![0; len];
    xof.finalize_xof().read(&mut out);
    out
}

/// `blocks` blocks of each of four SHAKE outputs made at once (`ShakeX4`).
fn four_at_once<const RATE: usize>(messages: [&[u8]; 4], blocks: usize) -> Vec<Vec<u8>> {
    let mut four = padlock_sha::ShakeX4::<RATE>::new(messages);
    let mut outputs = vec![Vec::new(); 4];
    for _ in 0..blocks {
        for (out, block) in outputs.iter_mut().zip(four.squeeze_blocks()) {
            out.extend_from_slice(&block);
        }
    }
    outputs
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every SHA-3 function, fed in pieces cut anywhere, equals the oracle.
    #[test]
    fn sha3_streaming_equals_oracle(
        data in proptest::collection::vec(any::<u8>(), 0..700),
        points in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let parts = split_at_points(&data, &points);
        prop_assert_eq!(streamed::<Sha3_224>(&parts), oracle::<sha3::Sha3_224>(&data));
        prop_assert_eq!(streamed::<Sha3_256>(&parts), oracle::<sha3::Sha3_256>(&data));
        prop_assert_eq!(streamed::<Sha3_384>(&parts), oracle::<sha3::Sha3_384>(&data));
        prop_assert_eq!(streamed::<Sha3_512>(&parts), oracle::<sha3::Sha3_512>(&data));
        prop_assert_eq!(streamed::<Sha3_256>(&parts), Sha3_256::digest(&data).to_vec());
    }

    /// SHAKE absorbed in pieces and squeezed in pieces equals SHAKE absorbed
    /// and squeezed at once, and the oracle.
    #[test]
    fn shake_pieces_equal_at_once(
        data in proptest::collection::vec(any::<u8>(), 0..500),
        points in proptest::collection::vec(any::<usize>(), 0..6),
        pieces in proptest::collection::vec(0usize..400, 0..6),
    ) {
        let parts = split_at_points(&data, &points);
        let total: usize = pieces.iter().sum();

        let mut at_once = vec![0; total];
        Shake128::digest_xof(&data, &mut at_once);
        prop_assert_eq!(&our_shake::<168>(&parts, &pieces), &at_once);
        prop_assert_eq!(&at_once, &oracle_shake::<shake::Shake128>(&data, total));

        let mut at_once = vec![0; total];
        Shake256::digest_xof(&data, &mut at_once);
        prop_assert_eq!(&our_shake::<136>(&parts, &pieces), &at_once);
        prop_assert_eq!(&at_once, &oracle_shake::<shake::Shake256>(&data, total));
    }

    /// Four SHAKEs at once (`ShakeX4`, on AVX2 four states to a register)
    /// equal four single ones, for messages shorter and longer than a block
    /// and several blocks of output.
    #[test]
    fn shake_four_at_once_equals_four_single(
        messages in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 400), 4),
        len in 0usize..400,
        blocks in 1usize..4,
    ) {
        let four: [&[u8]; 4] = core::array::from_fn(|s| &messages[s][..len]);
        for (message, out) in four.iter().zip(&four_at_once::<168>(four, blocks)) {
            prop_assert_eq!(out, &oracle_shake::<shake::Shake128>(message, 168 * blocks));
        }
        for (message, out) in four.iter().zip(&four_at_once::<136>(four, blocks)) {
            let mut one = vec![0; 136 * blocks];
            Shake256::digest_xof(message, &mut one);
            prop_assert_eq!(out, &one);
        }
    }

    /// HMAC over SHA-3 (keys shorter and longer than the rate) equals
    /// RustCrypto's HMAC over its SHA-3.
    #[test]
    fn hmac_sha3_equals_oracle(
        key in proptest::collection::vec(any::<u8>(), 0..300),
        data in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        use hmac::{KeyInit, Mac};
        // The oracle's HMAC over one of its SHA-3 types.
        macro_rules! theirs {
            ($digest:ty) => {{
                let mut mac = <hmac::SimpleHmac<$digest> as KeyInit>::new_from_slice(&key).expect("any key length");
                Mac::update(&mut mac, &data);
                mac.finalize().into_bytes().to_vec()
            }};
        }
        prop_assert_eq!(hmac::<Sha3_224>(&key, &data).to_vec(), theirs!(sha3::Sha3_224));
        prop_assert_eq!(hmac::<Sha3_256>(&key, &data).to_vec(), theirs!(sha3::Sha3_256));
        prop_assert_eq!(hmac::<Sha3_384>(&key, &data).to_vec(), theirs!(sha3::Sha3_384));
        prop_assert_eq!(hmac::<Sha3_512>(&key, &data).to_vec(), theirs!(sha3::Sha3_512));
    }
}
