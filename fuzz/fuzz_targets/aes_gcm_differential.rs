//! AES-GCM, differentially: for a fuzzer-chosen key, nonce, AAD and message,
//! every backend (reference, bitsliced, AES-NI) gives the same ciphertext and
//! tag; opening restores the message; and opening a mutated ciphertext, AAD
//! or tag fails without panicking and leaves the buffer zeroed.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use padlock_aes::{Aead, AesGcm, Backend};

#[derive(Arbitrary, Debug)]
struct Input {
    /// 0, 1 or 2: AES-128, -192 or -256.
    key_size: u8,
    key: [u8; 32],
    nonce: Vec<u8>,
    aad: Vec<u8>,
    message: Vec<u8>,
    /// Which byte to flip in the mutated open (taken modulo the total length).
    flip_at: u16,
    flip_mask: u8,
}

fuzz_target!(|input: Input| {
    let key = &input.key[..16 + 8 * usize::from(input.key_size % 3)];
    let mut first: Option<(Vec<u8>, Vec<u8>)> = None;
    for backend in Backend::available() {
        let gcm = AesGcm::with_backend(key, backend).expect("valid key, available backend");
        let mut buffer = input.message.clone();
        let Ok(tag) = gcm.seal_in_place(&input.nonce, &input.aad, &mut buffer) else {
            assert!(input.nonce.is_empty(), "only an empty nonce is refused at these sizes");
            return;
        };
        let sealed = (buffer.clone(), tag.as_ref().to_vec());
        match &first {
            None => first = Some(sealed),
            Some(expected) => assert_eq!(&sealed, expected, "{} disagrees", backend.name()),
        }

        let mut opened = buffer.clone();
        gcm.open_in_place(&input.nonce, &input.aad, &mut opened, tag.as_ref()).expect("round trip");
        assert_eq!(opened, input.message);

        // Flip bits in the ciphertext, the AAD or the tag: open must fail.
        if input.flip_mask != 0 {
            let (mut ciphertext, mut aad, mut tag) = (buffer, input.aad.clone(), tag.as_ref().to_vec());
            let total = ciphertext.len() + aad.len() + tag.len();
            let at = usize::from(input.flip_at) % total;
            if at < ciphertext.len() {
                ciphertext[at] ^= input.flip_mask;
            } else if at < ciphertext.len() + aad.len() {
                aad[at - ciphertext.len()] ^= input.flip_mask;
            } else {
                tag[at - ciphertext.len() - aad.len()] ^= input.flip_mask;
            }
            assert!(gcm.open_in_place(&input.nonce, &aad, &mut ciphertext, &tag).is_err());
            assert!(ciphertext.iter().all(|&b| b == 0), "buffer not wiped after a failed open");
        }
    }
});
