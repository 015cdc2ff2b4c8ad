//! Arbitrary bytes through padlock-der's PEM decoder: it never panics, and
//! every block it decodes, encoded again, decodes to the same label and
//! contents. Base64 on its own is held to more: text that decodes is exactly
//! the encoding of what it decodes to (one encoding per byte string).

#![no_main]

use libfuzzer_sys::fuzz_target;
use padlock_der::{base64, pem};

fuzz_target!(|data: &[u8]| {
    if let Ok(blocks) = pem::decode_all(data) {
        for block in blocks {
            let again = pem::decode(pem::encode(&block.label, &block.contents)).expect("our own PEM decodes");
            assert_eq!(again.label, block.label);
            assert_eq!(again.contents, block.contents);
        }
    }
    let _ = pem::decode(data);
    if let Ok(decoded) = base64::decode(data) {
        assert_eq!(base64::encode(&decoded).as_bytes(), data);
    }
});
