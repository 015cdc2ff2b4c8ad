//! Key files: every format and encoding round-trips for both curves, and
//! malformed or inconsistent files are refused with the right error.

use padlock_der::pem;
use padlock_ec::{
    Curve, EcKey, EcPrivateKey, EcPublicKey, KeyEncoding, KeyFileError, KeyFormat, read_key, write_key,
};

fn keys() -> Vec<EcPrivateKey> {
    Curve::ALL.iter().map(|&curve| EcPrivateKey::generate(curve, &mut rand::rng())).collect()
}

#[test]
fn every_format_round_trips() {
    for key in keys() {
        let public = key.public_key();
        let private = EcKey::Private(key);
        for (format, encoding) in [
            (KeyFormat::Sec1, KeyEncoding::Der),
            (KeyFormat::Sec1, KeyEncoding::Pem),
            (KeyFormat::Pkcs8, KeyEncoding::Der),
            (KeyFormat::Pkcs8, KeyEncoding::Pem),
            (KeyFormat::Spki, KeyEncoding::Der),
            (KeyFormat::Spki, KeyEncoding::Pem),
        ] {
            let bytes = write_key(&private, format, encoding).expect("writes");
            let file = read_key(&bytes).expect("reads back");
            assert_eq!((file.format, file.encoding), (format, encoding));
            assert_eq!(file.key.public_key(), public, "{format:?} {encoding:?}");
            assert_eq!(file.key.curve(), public.curve());
            // Writing what was read gives the same bytes: DER has one encoding.
            assert_eq!(*write_key(&file.key, format, encoding).expect("writes"), *bytes);
        }
        let public_only = EcKey::Public(public);
        assert!(write_key(&public_only, KeyFormat::Pkcs8, KeyEncoding::Pem).is_err());
        assert!(write_key(&public_only, KeyFormat::Sec1, KeyEncoding::Der).is_err());
    }
}

#[test]
fn pem_labels_are_the_ones_openssl_writes() {
    let key = EcPrivateKey::generate(Curve::P256, &mut rand::rng());
    assert!(key.to_sec1_pem().starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
    assert!(key.to_pkcs8_pem().starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(key.public_key().to_spki_pem().starts_with("-----BEGIN PUBLIC KEY-----\n"));
}

#[test]
fn spki_matches_wycheproof() {
    // Wycheproof ecdsa_secp256r1_sha256_test.json, the second test group's
    // publicKeyDer and its uncompressed point.
    let der = padlock_testkit::decode_hex(concat!(
        "3059301306072a8648ce3d020106082a8648ce3d030107034200042927b10512bae3eddcfe467828128bad29",
        "03269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e"
    ))
    .expect("hex");
    let key = EcPublicKey::from_spki_der(&der).expect("reads");
    assert_eq!(key.curve(), Curve::P256);
    assert_eq!(key.to_spki_der(), der);
}

#[test]
fn malformed_files_are_refused() {
    assert_eq!(read_key(b"hello").err(), Some(KeyFileError::NotAKeyFile));
    let key = EcPrivateKey::generate(Curve::P384, &mut rand::rng());
    let der = key.to_sec1_der();
    // Truncated, and with a trailing byte.
    assert!(matches!(read_key(&der[..der.len() - 1]), Err(KeyFileError::Malformed { .. })));
    let mut long = der.to_vec();
    long.push(0);
    assert!(matches!(read_key(&long), Err(KeyFileError::Malformed { .. })));
    // An unknown PEM label, and an encrypted key.
    let other = pem::encode("CERTIFICATE", &der);
    assert_eq!(read_key(other.as_bytes()).err(), Some(KeyFileError::UnexpectedLabel("CERTIFICATE".into())));
    let encrypted = pem::encode("ENCRYPTED PRIVATE KEY", &der);
    assert!(matches!(read_key(encrypted.as_bytes()), Err(KeyFileError::Unsupported(_))));
}

#[test]
fn inconsistent_keys_are_refused() {
    let key = EcPrivateKey::generate(Curve::P256, &mut rand::rng());
    let other = EcPrivateKey::generate(Curve::P256, &mut rand::rng());
    // Splice the other key's public point into this key's SEC1 file: the
    // point is the last 65 bytes.
    let mut der = key.to_sec1_der().to_vec();
    let len = der.len();
    der[len - 65..].copy_from_slice(&other.public_key().to_sec1_uncompressed());
    assert!(matches!(read_key(&der), Err(KeyFileError::Inconsistent(_))));
    // A point off the curve there instead.
    der[len - 1] ^= 1;
    assert!(matches!(read_key(&der), Err(KeyFileError::InvalidKey(padlock_ec::Error::PointNotOnCurve))));
    // d = 0.
    let mut zero = key.to_sec1_der().to_vec();
    zero[7..39].fill(0);
    assert!(matches!(read_key(&zero), Err(KeyFileError::InvalidKey(padlock_ec::Error::InvalidPrivateKey))));
}

#[test]
fn other_curves_and_algorithms_are_named() {
    // SubjectPublicKeyInfo with secp521r1 (1.3.132.0.35) and a dummy point.
    let mut spki = vec![0x30, 0x1c, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    spki.extend([0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23, 0x03, 0x08, 0x00, 0x04, 1, 2, 3, 4, 5, 6]);
    assert!(matches!(read_key(&spki), Err(KeyFileError::UnsupportedCurve(_))), "{:?}", read_key(&spki).err());
    let message = read_key(&spki).err().expect("error").to_string();
    assert!(message.contains("secp521r1"), "{message}");
    // rsaEncryption.
    let mut rsa = vec![
        0x30, 0x19, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    rsa.extend([0x03, 0x08, 0x00, 0x30, 0x05, 0x02, 0x01, 0x03, 0x02, 0x00]);
    rsa[1] = (rsa.len() - 2) as u8;
    assert!(matches!(read_key(&rsa), Err(KeyFileError::NotEc(_))));
}
