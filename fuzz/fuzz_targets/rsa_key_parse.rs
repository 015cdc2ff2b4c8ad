//! Arbitrary bytes through padlock-rsa's key-file reader, as PEM or DER in
//! any of the four formats (PKCS #1 private and public, PKCS #8,
//! SubjectPublicKeyInfo): it never panics, and a key that reads, written
//! back in its own format and encoding and read again, has the same
//! numbers. DER has one encoding per value, so DER that reads as anything
//! but PKCS #8 (whose attributes we drop) is written back to exactly itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use padlock_rsa::{KeyEncoding, KeyFormat, RsaKey, read_key, write_key};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = read_key(data) else { return };
    let written =
        write_key(file.key(), file.format(), file.encoding()).expect("a key writes in its own format");
    let again = read_key(&written).expect("our own key file reads");
    assert_eq!((again.format(), again.encoding()), (file.format(), file.encoding()));
    assert_same_numbers(file.key(), again.key());
    if file.encoding() == KeyEncoding::Der && file.format() != KeyFormat::Pkcs8 {
        assert_eq!(&written[..], data);
    }
});

/// `a` and `b` are the same key: public or private alike, equal numbers.
fn assert_same_numbers(a: &RsaKey, b: &RsaKey) {
    assert_eq!(a.public_key().n_bytes(), b.public_key().n_bytes());
    assert_eq!(a.public_key().e(), b.public_key().e());
    match (a.private_key(), b.private_key()) {
        (None, None) => {}
        (Some(a), Some(b)) => {
            assert!(a.d_bytes() == b.d_bytes(), "d differs");
            assert!(a.crt_bytes() == b.crt_bytes(), "p, q, dP, dQ or qInv differs");
        }
        _ => panic!("one key is private, the other public"),
    }
}
