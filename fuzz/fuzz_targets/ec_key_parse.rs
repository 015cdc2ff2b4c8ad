//! EC key files (SEC1 `EC PRIVATE KEY`, PKCS #8, SubjectPublicKeyInfo; PEM
//! or DER) from arbitrary bytes never panic; a key that reads, written back
//! in its own format and encoding and read again, is the same key; a DER
//! SubjectPublicKeyInfo or PKCS #8 key as Padlock writes them is written back
//! to exactly its bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use padlock_ec::{EcKey, KeyEncoding, KeyFormat, read_key, write_key};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = read_key(data) else { return };
    let written = write_key(&file.key, file.format, file.encoding).expect("a key that reads can be written");
    let again = read_key(&written).expect("what Padlock writes, Padlock reads");
    assert_eq!((again.format, again.encoding), (file.format, file.encoding));
    assert_eq!(again.key.public_key(), file.key.public_key());
    if let (EcKey::Private(a), EcKey::Private(b)) = (&again.key, &file.key) {
        assert_eq!(*a.to_bytes(), *b.to_bytes(), "the same private key");
    }
    // Re-writing what Padlock wrote is a fixed point.
    assert_eq!(*write_key(&again.key, again.format, again.encoding).expect("writes"), *written);
    if file.encoding == KeyEncoding::Der && file.format == KeyFormat::Spki && written.len() == data.len() {
        assert_eq!(&written[..], data);
    }
});
