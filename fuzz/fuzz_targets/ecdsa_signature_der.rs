//! ECDSA signatures as DER `Ecdsa-Sig-Value` and raw `r || s`, for P-256 and
//! P-384: arbitrary bytes never panic; a signature that parses re-encodes to
//! exactly its bytes (DER has one encoding of each value, so the parser is
//! strict); verification of any parsed signature against a fixed key never
//! panics, and fails unless the fuzzer found a valid signature.

#![no_main]

use libfuzzer_sys::fuzz_target;
use padlock_ec::{CurveParams, PrivateKey, Signature, p256, p384};
use padlock_sha::Sha256;

fn check<C: CurveParams<N>, const N: usize>(key: &PrivateKey<C, N>, data: &[u8]) {
    if let Ok(signature) = Signature::<C, N>::from_der(data) {
        assert_eq!(signature.to_der(), data, "DER round trip");
        assert_eq!(Signature::<C, N>::from_raw(&signature.to_raw()).ok(), Some(signature.clone()));
        let _ = key.public_key().verify::<Sha256>(b"fuzz", &signature);
    }
    if let Ok(signature) = Signature::<C, N>::from_raw(data) {
        assert_eq!(signature.to_raw(), data, "raw round trip");
        assert_eq!(Signature::<C, N>::from_der(&signature.to_der()).ok(), Some(signature));
    }
}

fuzz_target!(|data: &[u8]| {
    let p256_key = p256::PrivateKey::from_bytes(&[0x42; 32]).expect("valid");
    let p384_key = p384::PrivateKey::from_bytes(&[0x42; 48]).expect("valid");
    check(&p256_key, data);
    check(&p384_key, data);
    assert!(p256_key.public_key().verify_der::<Sha256>(b"not signed", data).is_err());
});
