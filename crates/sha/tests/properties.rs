//! Property tests: streaming equals one-shot at any split points; every
//! hardware backend equals the portable one; HMAC and HKDF streaming and
//! prefix properties.

mod common;

use common::{ALGORITHMS, digest_parts, split_at_points};
use padlock_sha::hkdf;
use padlock_sha::hmac::{Hmac, hmac};
use padlock_sha::{Backend, Hash, Sha256, Sha384, Sha512};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Feeding a message in pieces, wherever the cuts fall (inside a block,
    /// on a boundary, empty pieces), gives the one-shot digest, on every
    /// backend of every function.
    #[test]
    fn streaming_equals_one_shot(
        data in proptest::collection::vec(any::<u8>(), 0..600),
        points in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        for algorithm in ALGORITHMS {
            for backend in Backend::available() {
                let Some(one_shot) = digest_parts(algorithm, backend, [data.as_slice()].into_iter()) else {
                    continue;
                };
                let parts = split_at_points(&data, &points);
                let streamed = digest_parts(algorithm, backend, parts.into_iter()).expect("same backend");
                prop_assert_eq!(&streamed, &one_shot, "{} on {}", algorithm, backend.name());
            }
        }
    }

    /// Every hardware backend computes what the portable backend computes, on
    /// random messages of random length (0 to 10 000 bytes).
    #[test]
    fn hardware_equals_portable(data in proptest::collection::vec(any::<u8>(), 0..10_000)) {
        for algorithm in ALGORITHMS {
            let portable = digest_parts(algorithm, Backend::Portable, [data.as_slice()].into_iter())
                .expect("portable is always available");
            for backend in Backend::available() {
                if let Some(other) = digest_parts(algorithm, backend, [data.as_slice()].into_iter()) {
                    prop_assert_eq!(&other, &portable, "{} on {}", algorithm, backend.name());
                }
            }
        }
    }

    /// Streaming HMAC equals one-shot HMAC, and verification accepts exactly
    /// the right tag: any flipped bit is refused.
    #[test]
    fn hmac_streaming_and_verify(
        key in proptest::collection::vec(any::<u8>(), 0..300),
        data in proptest::collection::vec(any::<u8>(), 0..300),
        points in proptest::collection::vec(any::<usize>(), 0..5),
        flip in any::<usize>(),
    ) {
        let tag = hmac::<Sha384>(&key, &data);
        let mut mac = Hmac::<Sha384>::new(&key);
        for part in split_at_points(&data, &points) {
            mac.update(part);
        }
        prop_assert_eq!(mac.clone().finalize(), tag);
        prop_assert!(mac.clone().verify(&tag).is_ok());

        let mut bad = tag;
        bad[flip % bad.len()] ^= 1 << (flip % 8);
        prop_assert!(mac.clone().verify(&bad).is_err());
        prop_assert!(mac.verify_truncated(&bad[..24]).is_err() || flip % bad.len() >= 24);
    }

    /// HKDF-Expand's output for a shorter length is a prefix of the output
    /// for a longer one (RFC 5869 §2.3 computes T(1), T(2), ... the same way).
    #[test]
    fn hkdf_shorter_output_is_a_prefix(
        salt in proptest::collection::vec(any::<u8>(), 0..80),
        ikm in proptest::collection::vec(any::<u8>(), 0..80),
        info in proptest::collection::vec(any::<u8>(), 0..80),
        short in 0usize..300,
        extra in 0usize..300,
    ) {
        let prk = hkdf::extract::<Sha512>(&salt, &ikm);
        let mut long = vec![0; short + extra];
        prk.expand(&info, &mut long).expect("within 255 blocks");
        let mut prefix = vec![0; short];
        prk.expand(&info, &mut prefix).expect("within 255 blocks");
        prop_assert_eq!(&long[..short], &prefix[..]);
    }
}

/// A key longer than the block is hashed first (RFC 2104 §2), so HMAC with
/// the long key equals HMAC with its digest as the key.
#[test]
fn hmac_long_key_is_hashed() {
    let long_key = [0x5au8; 200];
    let hashed = Sha256::digest(&long_key);
    assert_eq!(hmac::<Sha256>(&long_key, b"message"), hmac::<Sha256>(&hashed, b"message"));
    // ... and a key of exactly one block is not.
    let block_key = [0x5au8; 64];
    assert_ne!(
        hmac::<Sha256>(&block_key, b"message"),
        hmac::<Sha256>(&Sha256::digest(&block_key), b"message")
    );
}

/// Truncated tags below RFC 2104's 80-bit floor, or longer than the output,
/// are refused even when their bytes are right.
#[test]
fn hmac_truncation_bounds() {
    let tag = hmac::<Sha256>(b"key", b"data");
    let mac = || {
        let mut m = Hmac::<Sha256>::new(b"key");
        m.update(b"data");
        m
    };
    assert!(mac().verify_truncated(&tag[..10]).is_ok());
    assert!(mac().verify_truncated(&tag[..9]).is_err());
    assert!(mac().verify_truncated(&[]).is_err());
    let mut longer = tag.to_vec();
    longer.push(0);
    assert!(mac().verify_truncated(&longer).is_err());
    assert!(mac().verify(&tag[..16]).is_err());
}
