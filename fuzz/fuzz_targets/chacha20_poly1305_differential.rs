//! ChaCha20-Poly1305, differentially: for a fuzzer-chosen key, nonce, AAD and
//! message, every backend (portable, AVX2, ...) gives the portable backend's
//! ciphertext and tag; opening restores the message; opening with one byte
//! of the ciphertext, AAD, tag or nonce changed fails and leaves the buffer
//! zeroed. ChaCha20 and Poly1305 fed in two fuzzer-chosen pieces equal one
//! call, and the stream cipher near the end of its 32-bit counter agrees
//! across backends and refuses to wrap.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use padlock_chacha::{Aead, Backend, ChaCha20, ChaCha20Poly1305, Poly1305};

#[derive(Arbitrary, Debug)]
struct Input {
    key: [u8; 32],
    nonce: [u8; 12],
    aad: Vec<u8>,
    message: Vec<u8>,
    /// Where to split the message for the streaming checks.
    split_at: u16,
    /// Which byte to change in the tampered open (modulo the total length).
    flip_at: u16,
    flip_mask: u8,
    /// How many blocks below 2^32 the stream cipher starts, for the
    /// counter-overflow check.
    blocks_below_end: u8,
}

fuzz_target!(|input: Input| {
    let portable = ChaCha20Poly1305::with_backend(&input.key, Backend::Portable).expect("portable");
    let mut expected = input.message.clone();
    let expected_tag = portable.seal_in_place(&input.nonce, &input.aad, &mut expected).expect("sealable");
    for backend in Backend::available() {
        let aead = ChaCha20Poly1305::with_backend(&input.key, backend).expect("available backend");
        let mut buffer = input.message.clone();
        let tag = aead.seal_in_place(&input.nonce, &input.aad, &mut buffer).expect("sealable");
        assert_eq!(buffer, expected, "{} ciphertext differs from portable", backend.name());
        assert_eq!(tag, expected_tag, "{} tag differs from portable", backend.name());

        let mut opened = buffer.clone();
        aead.open_in_place(&input.nonce, &input.aad, &mut opened, tag.as_ref()).expect("round trip");
        assert_eq!(opened, input.message);

        if input.flip_mask != 0 {
            tampered_open_fails(&aead, &input, buffer, tag.as_ref());
        }
        streaming_equals_one_shot(backend, &input);
        counter_end(backend, &input);
    }
});

/// One byte of the ciphertext, the AAD, the tag or the nonce changed: open fails and wipes.
fn tampered_open_fails(aead: &ChaCha20Poly1305, input: &Input, mut ciphertext: Vec<u8>, tag: &[u8]) {
    let (mut aad, mut tag, mut nonce) = (input.aad.clone(), tag.to_vec(), input.nonce);
    let total = ciphertext.len() + aad.len() + tag.len() + nonce.len();
    let mut at = usize::from(input.flip_at) % total;
    for part in [&mut ciphertext[..], &mut aad[..], &mut tag[..], &mut nonce[..]] {
        if at < part.len() {
            part[at] ^= input.flip_mask;
            break;
        }
        at -= part.len();
    }
    assert!(aead.open_in_place(&nonce, &aad, &mut ciphertext, &tag).is_err(), "a tampered record opened");
    assert!(ciphertext.iter().all(|&b| b == 0), "buffer not wiped after a failed open");
}

/// ChaCha20 and Poly1305 in two pieces equal one call.
fn streaming_equals_one_shot(backend: Backend, input: &Input) {
    let split = usize::from(input.split_at).min(input.message.len());
    let (head, tail) = input.message.split_at(split);
    let mut whole = input.message.clone();
    let mut cipher = ChaCha20::with_backend(&input.key, &input.nonce, 0, backend).expect("available");
    cipher.apply_keystream(&mut whole).expect("short message");
    let mut cipher = ChaCha20::with_backend(&input.key, &input.nonce, 0, backend).expect("available");
    let (mut first, mut second) = (head.to_vec(), tail.to_vec());
    cipher.apply_keystream(&mut first).expect("short message");
    cipher.apply_keystream(&mut second).expect("short message");
    first.extend_from_slice(&second);
    assert_eq!(first, whole, "ChaCha20 in two pieces on {}", backend.name());

    let mut mac = Poly1305::with_backend(&input.key, backend).expect("available");
    mac.update(&input.message);
    let one_shot = mac.finalize();
    let mut mac = Poly1305::with_backend(&input.key, backend).expect("available");
    mac.update(head);
    mac.update(tail);
    assert_eq!(mac.finalize(), one_shot, "Poly1305 in two pieces on {}", backend.name());
}

/// Near the end of the 32-bit counter: what fits agrees with portable, what
/// does not is refused and changes nothing.
fn counter_end(backend: Backend, input: &Input) {
    let counter = u32::MAX - u32::from(input.blocks_below_end);
    let room = (usize::from(input.blocks_below_end) + 1) * 64;
    let mut data = input.message.clone();
    let mut cipher = ChaCha20::with_backend(&input.key, &input.nonce, counter, backend).expect("available");
    if data.len() > room {
        assert!(cipher.apply_keystream(&mut data).is_err(), "the counter wrapped on {}", backend.name());
        assert_eq!(data, input.message, "a refused call changed the data");
        return;
    }
    cipher.apply_keystream(&mut data).expect("fits");
    let mut expected = input.message.clone();
    let mut reference =
        ChaCha20::with_backend(&input.key, &input.nonce, counter, Backend::Portable).expect("portable");
    reference.apply_keystream(&mut expected).expect("fits");
    assert_eq!(data, expected, "{} near the counter's end", backend.name());
}
