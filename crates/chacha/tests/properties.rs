//! Property tests: every backend gives what the portable one gives, and the
//! AEAD what RustCrypto's `chacha20poly1305` gives; Poly1305 agrees with the
//! textbook formula computed with `num-bigint`; streaming in pieces equals
//! one call; the block counter refuses to wrap; any flipped bit is refused.

use chacha20poly1305::KeyInit;
use chacha20poly1305::aead::AeadInOut;
use num_bigint::BigUint;
use padlock_chacha::{Aead, Backend, ChaCha20, ChaCha20Poly1305, CounterOverflow, Poly1305};
use proptest::prelude::*;

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

/// Cut points for streaming: piece lengths, reused in a cycle.
fn pieces() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(1usize..150, 1..8)
}

fn split<'a>(mut data: &'a [u8], pieces: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    for &n in pieces.iter().cycle() {
        if data.is_empty() {
            break;
        }
        let (head, rest) = data.split_at(n.min(data.len()));
        out.push(head);
        data = rest;
    }
    out
}

/// RFC 8439 §2.5.1 `poly1305_mac`, word for word, on big integers.
fn textbook_poly1305(key: &[u8; 32], message: &[u8]) -> [u8; 16] {
    let clamp = BigUint::from_bytes_le(&0x0fff_fffc_0fff_fffc_0fff_fffc_0fff_ffffu128.to_le_bytes());
    let r = BigUint::from_bytes_le(&key[..16]) & clamp;
    let s = BigUint::from_bytes_le(&key[16..]);
    let p = (BigUint::from(1u8) << 130u32) - 5u8;
    let mut a = BigUint::from(0u8);
    for block in message.chunks(16) {
        let mut padded = block.to_vec();
        padded.push(1);
        a = ((a + BigUint::from_bytes_le(&padded)) * &r) % &p;
    }
    let tag = (a + s) % (BigUint::from(1u8) << 128u32);
    let mut out = [0u8; 16];
    let le = tag.to_bytes_le();
    out[..le.len()].copy_from_slice(&le);
    out
}

/// The oracle: RustCrypto's ciphertext and tag.
fn rustcrypto_seal(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], message: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let oracle = chacha20poly1305::ChaCha20Poly1305::new(&(*key).into());
    let mut ciphertext = message.to_vec();
    let tag = oracle
        .encrypt_inout_detached(&(*nonce).into(), aad, ciphertext.as_mut_slice().into())
        .expect("RustCrypto seals");
    (ciphertext, tag.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Seal on every backend gives RustCrypto's ciphertext and tag, for
    /// every length up to 2000 bytes (odd ones included), and open restores
    /// the plaintext.
    #[test]
    fn aead_backends_agree_with_rustcrypto(
        key in any::<[u8; 32]>(),
        nonce in any::<[u8; 12]>(),
        aad in bytes(80),
        message in bytes(2000),
    ) {
        let (expected, expected_tag) = rustcrypto_seal(&key, &nonce, &aad, &message);
        for backend in Backend::available() {
            let aead = ChaCha20Poly1305::with_backend(&key, backend).expect("available");
            let mut buffer = message.clone();
            let tag = aead.seal_in_place(&nonce, &aad, &mut buffer).expect("sealable");
            prop_assert_eq!(&buffer, &expected, "ciphertext on {}", backend.name());
            prop_assert_eq!(tag.as_ref(), expected_tag.as_slice(), "tag on {}", backend.name());
            aead.open_in_place(&nonce, &aad, &mut buffer, tag.as_ref()).expect("opens");
            prop_assert_eq!(&buffer, &message);
        }
    }

    /// Flipping any one bit of the ciphertext, the tag, the AAD or the nonce
    /// makes open fail on every backend, and the buffer is wiped.
    #[test]
    fn aead_any_flipped_bit_is_refused(
        key in any::<[u8; 32]>(),
        nonce in any::<[u8; 12]>(),
        aad in proptest::collection::vec(any::<u8>(), 1..40),
        message in proptest::collection::vec(any::<u8>(), 1..700),
        which in 0usize..4,
        position in any::<usize>(),
        bit in 0u8..8,
    ) {
        for backend in Backend::available() {
            let aead = ChaCha20Poly1305::with_backend(&key, backend).expect("available");
            let mut buffer = message.clone();
            let tag = aead.seal_in_place(&nonce, &aad, &mut buffer).expect("sealable");
            let (mut nonce, mut aad, mut tag) = (nonce.to_vec(), aad.clone(), tag.as_ref().to_vec());
            let target: &mut Vec<u8> = match which {
                0 => &mut buffer,
                1 => &mut tag,
                2 => &mut aad,
                _ => &mut nonce,
            };
            let i = position % target.len();
            target[i] ^= 1 << bit;
            prop_assert!(aead.open_in_place(&nonce, &aad, &mut buffer, &tag).is_err(), "on {}", backend.name());
            prop_assert!(buffer.iter().all(|&b| b == 0), "buffer not wiped on {}", backend.name());
        }
    }

    /// The stream cipher: every backend gives the portable keystream, for
    /// counters anywhere and right below 2^32, and feeding the data in pieces
    /// gives what one call gives.
    #[test]
    fn chacha20_backends_and_pieces_agree(
        key in any::<[u8; 32]>(),
        nonce in any::<[u8; 12]>(),
        counter in prop_oneof![any::<u32>(), (0u32..40).prop_map(|k| u32::MAX - k)],
        message in bytes(2000),
        pieces in pieces(),
    ) {
        let blocks_left = (1u64 << 32) - u64::from(counter);
        let fits = (message.len() as u64).min(blocks_left * 64) as usize;
        let message = &message[..fits];
        let mut expected = message.to_vec();
        ChaCha20::with_backend(&key, &nonce, counter, Backend::Portable)
            .expect("portable")
            .apply_keystream(&mut expected)
            .expect("fits");
        for backend in Backend::available() {
            let mut whole = message.to_vec();
            let mut cipher = ChaCha20::with_backend(&key, &nonce, counter, backend).expect("available");
            cipher.apply_keystream(&mut whole).expect("fits");
            prop_assert_eq!(&whole, &expected, "one call on {}", backend.name());
            let mut cipher = ChaCha20::with_backend(&key, &nonce, counter, backend).expect("available");
            let mut streamed = Vec::new();
            for piece in split(message, &pieces) {
                let mut piece = piece.to_vec();
                cipher.apply_keystream(&mut piece).expect("fits");
                streamed.extend_from_slice(&piece);
            }
            prop_assert_eq!(&streamed, &expected, "in pieces on {}", backend.name());
        }
    }

    /// Poly1305 on every backend, in one call and in pieces, equals the
    /// textbook formula on big integers.
    #[test]
    fn poly1305_backends_agree_with_textbook(
        key in any::<[u8; 32]>(),
        message in bytes(2000),
        pieces in pieces(),
    ) {
        let expected = textbook_poly1305(&key, &message);
        for backend in Backend::available() {
            let mut mac = Poly1305::with_backend(&key, backend).expect("available");
            mac.update(&message);
            prop_assert_eq!(mac.finalize(), expected, "one call on {}", backend.name());
            let mut mac = Poly1305::with_backend(&key, backend).expect("available");
            split(&message, &pieces).into_iter().for_each(|p| mac.update(p));
            prop_assert_eq!(mac.finalize(), expected, "in pieces on {}", backend.name());
        }
    }

    /// Poly1305's arithmetic at its extremes: keys and messages of all-ones
    /// bytes (the largest limbs the clamp allows) against the textbook.
    #[test]
    fn poly1305_extreme_limbs(
        s in any::<[u8; 16]>(),
        blocks in 0usize..70,
        tail in 0usize..16,
        fill in prop_oneof![Just(0xffu8), Just(0xfe), Just(0x00)],
    ) {
        let mut key = [0xffu8; 32];
        key[16..].copy_from_slice(&s);
        let message = vec![fill; blocks * 16 + tail];
        let expected = textbook_poly1305(&key, &message);
        for backend in Backend::available() {
            let mut mac = Poly1305::with_backend(&key, backend).expect("available");
            mac.update(&message);
            prop_assert_eq!(mac.finalize(), expected, "on {}", backend.name());
        }
    }
}

/// At the end of the counter: the last block can be used, to the byte; one
/// byte more is refused and leaves the data as it was, on every backend.
#[test]
fn counter_overflow_is_refused_not_wrapped() {
    for backend in Backend::available() {
        let mut cipher =
            ChaCha20::with_backend(&[1; 32], &[2; 12], u32::MAX - 1, backend).expect("available");
        let mut too_long = vec![0x5a; 2 * 64 + 1];
        assert_eq!(cipher.apply_keystream(&mut too_long), Err(CounterOverflow), "on {}", backend.name());
        assert!(too_long.iter().all(|&b| b == 0x5a), "nothing changed on {}", backend.name());
        let mut first = vec![0u8; 100];
        cipher.apply_keystream(&mut first).expect("blocks 2^32 - 2 and part of 2^32 - 1");
        let mut rest = vec![0u8; 28];
        cipher.apply_keystream(&mut rest).expect("the rest of block 2^32 - 1");
        assert_eq!(cipher.apply_keystream(&mut [0u8; 1]), Err(CounterOverflow), "on {}", backend.name());
        cipher.apply_keystream(&mut []).expect("nothing asked, nothing refused");
    }
}

/// Wrong key, nonce and tag lengths are errors, never panics.
#[test]
fn wrong_lengths_are_errors() {
    for len in [0, 16, 31, 33, 64] {
        assert!(ChaCha20Poly1305::new(&vec![0; len]).is_err(), "a {len}-byte key");
    }
    let aead = ChaCha20Poly1305::new(&[9; 32]).expect("32 bytes");
    for nonce_len in [0, 8, 11, 13, 16, 24] {
        let nonce = vec![0u8; nonce_len];
        assert_eq!(
            aead.seal_in_place(&nonce, b"", &mut [1, 2, 3]).err(),
            Some(padlock_chacha::SealError::InvalidNonce)
        );
        assert!(aead.open_in_place(&nonce, b"", &mut [1, 2, 3], &[0; 16]).is_err());
    }
    let mut buffer = *b"attack at dawn";
    let tag = aead.seal_in_place(&[0; 12], b"", &mut buffer).expect("sealable");
    for tag_len in [0, 12, 15, 17] {
        let mut copy = buffer;
        let mut tag = tag.as_ref().to_vec();
        tag.resize(tag_len, 0);
        assert!(aead.open_in_place(&[0; 12], b"", &mut copy, &tag).is_err(), "a {tag_len}-byte tag");
        assert_eq!(copy, [0; 14], "wiped");
    }
}

/// A regression the fuzzer found: with this key, a run of all-ones blocks
/// drives the accumulator's middle limb to 2^44 + 1 (the carry out of the
/// low limb), and the next all-ones block makes it exactly 2^45, one past
/// the bound `mul` used to assert. The arithmetic was right; the stated
/// bound was not. Every backend, in one call and split where the fuzzer
/// split it, equals the textbook.
#[test]
fn poly1305_middle_limb_at_its_bound() {
    let mut key = [0xffu8; 32];
    key[..13].copy_from_slice(&[9, 255, 255, 255, 255, 13, 0, 0, 0, 0, 0, 0, 0]);
    for blocks in [144, 150, 160, 200, 260, 400] {
        let message = vec![0xffu8; blocks * 16];
        let expected = textbook_poly1305(&key, &message);
        for backend in Backend::available() {
            let mut mac = Poly1305::with_backend(&key, backend).expect("available");
            mac.update(&message);
            assert_eq!(mac.finalize(), expected, "one call on {}", backend.name());
            let mut mac = Poly1305::with_backend(&key, backend).expect("available");
            mac.update(&message[..2304]);
            mac.update(&message[2304..]);
            assert_eq!(mac.finalize(), expected, "split on {}", backend.name());
        }
    }
}

/// The AEAD at the lengths where the AVX2 backend's one-pass seal and open
/// change course. Sealing: the first region ends after 448 bytes (block 0
/// is the one-time key), later ones every 512; a last region of up to four
/// blocks (256 bytes) and a first batch of up to four blocks in all (192
/// bytes of data) take the horizontal kernel, longer ones the eight-block
/// kernel. Opening: up to seven blocks (448 bytes) come with the key, in
/// rows up to three (192 bytes); past that, a head of one to three blocks
/// when the block count is 1 to 3 mod 8 (513 to 704, 1025 to 1216 bytes),
/// then regions of 512 bytes, the last partial one in rows (four blocks)
/// or in eight with at most 28 Poly1305 blocks in its slots and up to
/// three after (a last region of 465 to 511 bytes).
/// With the largest limbs the clamp allows (keys and messages of all-ones
/// bytes) and with zeros, against RustCrypto on every backend; a flipped
/// bit in the head, near the end of the first region, in the middle, or at
/// the end is refused.
#[test]
fn aead_at_chunk_boundaries_and_extreme_limbs() {
    let lengths = [
        1,
        63,
        64,
        65,
        192,
        193,
        447,
        448,
        449,
        500,
        511,
        512,
        513,
        576,
        577,
        703,
        704,
        705,
        959,
        960,
        961,
        1000,
        1023,
        1024,
        1025,
        1088,
        1089,
        1216,
        1217,
        1471,
        1472,
        1473,
        1536,
        2047,
        4096 + 17,
        16384,
        16385,
    ];
    for fill in [0xffu8, 0x00, 0x5a] {
        for &len in &lengths {
            let key = [fill; 32];
            let (nonce, aad) = ([fill; 12], vec![fill; 13]);
            let message = vec![fill; len];
            let (expected, expected_tag) = rustcrypto_seal(&key, &nonce, &aad, &message);
            for backend in Backend::available() {
                let aead = ChaCha20Poly1305::with_backend(&key, backend).expect("available");
                let mut buffer = message.clone();
                let tag = aead.seal_in_place(&nonce, &aad, &mut buffer).expect("sealable");
                assert_eq!(buffer, expected, "ciphertext, {len} bytes of {fill:#x} on {}", backend.name());
                assert_eq!(tag.as_ref(), expected_tag.as_slice(), "tag, {len} bytes on {}", backend.name());
                let sealed = buffer.clone();
                aead.open_in_place(&nonce, &aad, &mut buffer, tag.as_ref()).expect("opens");
                assert_eq!(buffer, message, "opened, {len} bytes on {}", backend.name());
                for position in [10 % len, 446 % len, len / 2, len - 1] {
                    let mut forged = sealed.clone();
                    forged[position] ^= 0x80;
                    assert!(aead.open_in_place(&nonce, &aad, &mut forged, tag.as_ref()).is_err());
                    assert!(forged.iter().all(|&b| b == 0), "wiped, {len} bytes on {}", backend.name());
                }
            }
        }
    }
}
