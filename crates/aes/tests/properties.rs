//! Property tests: every backend computes the same cipher; seal and open are
//! inverses; any change to ciphertext, AAD, tag or nonce makes open fail;
//! CBC padding round-trips and bad padding is refused.

use padlock_aes::{Aead, Aes, AesGcm, Backend, cbc, ctr};
use proptest::prelude::*;

fn key_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 16),
        proptest::collection::vec(any::<u8>(), 24),
        proptest::collection::vec(any::<u8>(), 32),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Every backend encrypts and decrypts any number of blocks exactly as
    /// the FIPS 197 reference does (the batch sizes exercise every lane).
    #[test]
    fn backends_agree_on_blocks(key in key_strategy(), blocks in proptest::collection::vec(any::<[u8; 16]>(), 0..40)) {
        let reference = Aes::with_backend(&key, Backend::Reference).expect("valid key");
        let mut expected = blocks.clone();
        reference.encrypt_blocks(&mut expected);
        for backend in Backend::available() {
            let aes = Aes::with_backend(&key, backend).expect("valid key");
            let mut got = blocks.clone();
            aes.encrypt_blocks(&mut got);
            prop_assert_eq!(&got, &expected, "encrypt on {}", backend.name());
            aes.decrypt_blocks(&mut got);
            prop_assert_eq!(&got, &blocks, "decrypt on {}", backend.name());
        }
    }

    /// Every backend gives the same GCM ciphertext and tag, for any nonce
    /// length, and seal then open restores the message.
    #[test]
    fn gcm_backends_agree_and_round_trip(
        key in key_strategy(),
        nonce in proptest::collection::vec(any::<u8>(), 1..40),
        aad in proptest::collection::vec(any::<u8>(), 0..100),
        message in proptest::collection::vec(any::<u8>(), 0..1300),
    ) {
        let mut expected: Option<(Vec<u8>, Vec<u8>)> = None;
        for backend in Backend::available() {
            let gcm = AesGcm::with_backend(&key, backend).expect("valid key");
            let mut buffer = message.clone();
            let tag = gcm.seal_in_place(&nonce, &aad, &mut buffer).expect("sealable");
            let sealed = (buffer.clone(), tag.as_ref().to_vec());
            match &expected {
                None => expected = Some(sealed),
                Some(first) => prop_assert_eq!(&sealed, first, "{} disagrees", backend.name()),
            }
            gcm.open_in_place(&nonce, &aad, &mut buffer, tag.as_ref()).expect("opens");
            prop_assert_eq!(&buffer, &message);
        }
    }

    /// Flipping any one bit of the ciphertext, the AAD, the tag or the nonce
    /// makes open fail, and the buffer is wiped.
    #[test]
    fn gcm_any_flipped_bit_fails(
        nonce in proptest::collection::vec(any::<u8>(), 12),
        aad in proptest::collection::vec(any::<u8>(), 1..50),
        message in proptest::collection::vec(any::<u8>(), 1..200),
        which in 0usize..4,
        position in any::<usize>(),
        bit in 0u8..8,
    ) {
        let gcm = AesGcm::new(&[0x5c; 16]).expect("valid key");
        let mut buffer = message.clone();
        let tag = gcm.seal_in_place(&nonce, &aad, &mut buffer).expect("sealable");
        let (mut nonce, mut aad, mut tag) = (nonce, aad, tag.as_ref().to_vec());
        let target: &mut Vec<u8> = match which {
            0 => &mut buffer,
            1 => &mut aad,
            2 => &mut tag,
            _ => &mut nonce,
        };
        let i = position % target.len();
        target[i] ^= 1 << bit;
        prop_assert!(gcm.open_in_place(&nonce, &aad, &mut buffer, &tag).is_err());
        prop_assert!(buffer.iter().all(|&b| b == 0));
    }

    /// CBC with PKCS#7 padding round-trips any message on every backend, and
    /// CTR applied twice is the identity.
    #[test]
    fn cbc_and_ctr_round_trip(key in key_strategy(), iv in any::<[u8; 16]>(), message in proptest::collection::vec(any::<u8>(), 0..300)) {
        for backend in Backend::available() {
            let aes = Aes::with_backend(&key, backend).expect("valid key");
            let sealed = cbc::encrypt_padded(&aes, &iv, &message);
            prop_assert_eq!(sealed.len(), (message.len() / 16 + 1) * 16);
            prop_assert_eq!(cbc::decrypt_padded(&aes, &iv, &sealed).expect("valid padding"), message.clone());

            let mut data = message.clone();
            ctr::apply_keystream(&aes, &iv, &mut data);
            ctr::apply_keystream(&aes, &iv, &mut data);
            prop_assert_eq!(&data, &message);
        }
    }

    /// Counter mode agrees with the reference backend on every backend and
    /// every path (AES-NI's 8-block and VAES's 16-block groups, the tails),
    /// for counters about to wrap, in both increment modes.
    #[test]
    fn ctr_backends_agree_across_wrap(
        key in key_strategy(),
        prefix in any::<[u8; 12]>(),
        below_wrap in 0u32..40,
        len in 0usize..1200,
    ) {
        let mut counter = [0u8; 16];
        counter[..12].copy_from_slice(&prefix);
        counter[12..].copy_from_slice(&(u32::MAX - below_wrap).to_be_bytes());
        let reference = Aes::with_backend(&key, Backend::Reference).expect("valid key");
        let message: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let (mut whole, mut inc32) = (message.clone(), message.clone());
        ctr::apply_keystream(&reference, &counter, &mut whole);
        ctr::apply_keystream_inc32(&reference, &counter, &mut inc32);
        for backend in Backend::available() {
            let aes = Aes::with_backend(&key, backend).expect("valid key");
            let mut data = message.clone();
            ctr::apply_keystream(&aes, &counter, &mut data);
            prop_assert_eq!(&data, &whole, "whole-block counter on {}", backend.name());
            let mut data = message.clone();
            ctr::apply_keystream_inc32(&aes, &counter, &mut data);
            prop_assert_eq!(&data, &inc32, "inc32 on {}", backend.name());
        }
    }

    /// A CBC ciphertext whose last block decrypts to anything but valid
    /// PKCS#7 padding is refused with the one opaque error.
    #[test]
    fn cbc_bad_padding_refused(last in any::<[u8; 16]>()) {
        let aes = Aes::new(&[7; 16]).expect("valid key");
        let iv = [0u8; 16];
        let n = last[15];
        let valid = (1..=16).contains(&n) && last[16 - usize::from(n)..].iter().all(|&b| b == n);
        let mut data = last.to_vec();
        cbc::encrypt_blocks(&aes, &iv, &mut data).expect("one block");
        prop_assert_eq!(cbc::decrypt_padded(&aes, &iv, &data).is_ok(), valid);
    }
}

/// The counter wraps modulo 2^128 in CTR and modulo 2^32 in GCM's inc32.
#[test]
fn counters_wrap() {
    let aes = Aes::new(&[1; 16]).expect("valid key");
    let mut data = [0u8; 32];
    ctr::apply_keystream(&aes, &[0xff; 16], &mut data);
    let (mut first, mut second) = ([0xff; 16], [0u8; 16]);
    aes.encrypt_block(&mut first);
    aes.encrypt_block(&mut second);
    assert_eq!(data[..16], first);
    assert_eq!(data[16..], second);

    let mut counter = [0xab; 16];
    counter[12..].copy_from_slice(&[0xff; 4]);
    let mut data = [0u8; 32];
    ctr::apply_keystream_inc32(&aes, &counter, &mut data);
    let mut wrapped = [0xab; 16];
    wrapped[12..].copy_from_slice(&[0; 4]);
    aes.encrypt_block(&mut counter);
    aes.encrypt_block(&mut wrapped);
    assert_eq!(data[..16], counter);
    assert_eq!(data[16..], wrapped);
}

/// Wrong lengths are errors, never panics.
#[test]
fn malformed_inputs_are_errors() {
    let aes = Aes::new(&[2; 32]).expect("valid key");
    assert!(cbc::encrypt_blocks(&aes, &[0; 16], &mut [0; 15]).is_err());
    assert!(cbc::decrypt_padded(&aes, &[0; 16], &[]).is_err());
    assert!(cbc::decrypt_padded(&aes, &[0; 16], &[0; 17]).is_err());
    let gcm = AesGcm::new(&[2; 16]).expect("valid key");
    assert!(gcm.seal_in_place(&[], b"", &mut [0; 4]).is_err());
    let mut buffer = [1u8; 8];
    assert!(gcm.open_in_place(&[0; 12], b"", &mut buffer, &[0; 15]).is_err());
    assert!(gcm.open_in_place(&[0; 12], b"", &mut buffer, &[]).is_err());
    assert!(AesGcm::new(&[2; 16]).expect("valid key").with_tag_len(8).is_none());
}
