//! Arbitrary bytes through padlock-rsa's key-file reader, as PEM or DER in
//! any of the four formats (PKCS #1 private and public, PKCS #8,
//! SubjectPublicKeyInfo), with rsaEncryption or id-RSASSA-PSS (and its
//! RSASSA-PSS-params): it never panics, and a key that reads, written back
//! in its own format and encoding and read again, is the same key — the
//! same numbers, the same algorithm, the same PSS parameters. DER has one
//! encoding per value, so DER that reads as anything but PKCS #8 (whose
//! attributes we drop) or an id-RSASSA-PSS key (whose parameters may spell
//! out a DEFAULT, which RFC 4055 §3.1 says readers accept and writers omit)
//! is written back to exactly itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use padlock_rsa::{KeyEncoding, KeyFormat, PssParams, RsaKey, read_key, write_key};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = read_key(data) else { return };
    let written =
        write_key(file.key(), file.format(), file.encoding()).expect("a key writes in its own format");
    let again = read_key(&written).expect("our own key file reads");
    assert_eq!((again.format(), again.encoding()), (file.format(), file.encoding()));
    assert_same_key(file.key(), again.key());
    let is_pss = file.key().pss_public_key().is_some();
    if file.encoding() == KeyEncoding::Der && file.format() != KeyFormat::Pkcs8 && !is_pss {
        assert_eq!(&written[..], data);
    }
    // The parameters alone: whatever reads writes back canonically, and reads the same.
    if let Ok(params) = PssParams::from_der(data) {
        assert_eq!(PssParams::from_der(&params.to_der()), Ok(params));
    }
});

/// `a` and `b` are the same key: public or private alike, of one algorithm,
/// with equal numbers and PSS parameters.
fn assert_same_key(a: &RsaKey, b: &RsaKey) {
    assert_eq!(a.public_key().n_bytes(), b.public_key().n_bytes());
    assert_eq!(a.public_key().e(), b.public_key().e());
    assert_eq!(a.is_private(), b.is_private(), "one key is private, the other public");
    match (a.pss_public_key(), b.pss_public_key()) {
        (None, None) => {}
        (Some(a), Some(b)) => assert_eq!(a.params(), b.params(), "the PSS parameters differ"),
        _ => panic!("one key is id-RSASSA-PSS, the other rsaEncryption"),
    }
    if let (Some(a), Some(b)) = (a.private_key(), b.private_key()) {
        assert!(a.d_bytes() == b.d_bytes(), "d differs");
        assert!(a.crt_bytes() == b.crt_bytes(), "p, q, dP, dQ or qInv differs");
    }
    if let (Some(a), Some(b)) = (a.pss_private_key(), b.pss_private_key()) {
        assert!(a.to_pkcs8_der() == b.to_pkcs8_der(), "the private numbers differ");
    }
}
