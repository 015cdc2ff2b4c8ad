//! Negative tests: every malformed or hostile input gets the specific
//! error, never a panic — points off the curve, the identity, wrong lengths
//! and prefixes, coordinates not below p; private keys out of range;
//! signatures with r or s out of range, non-minimal or negative INTEGERs,
//! trailing bytes, or from the wrong curve. And why the nonce matters: two
//! signatures with one nonce give away the key.

mod textbook;

use num_bigint::BigUint;
use padlock_ec::{EphemeralSecret, Error, PrivateKey, Signature, p256, p384};
use padlock_sha::{Hash, Sha256};

const P256_P: &str = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

fn unhex(s: &str) -> Vec<u8> {
    padlock_testkit::decode_hex(s).expect("hex")
}

fn key() -> p256::PrivateKey {
    p256::PrivateKey::from_bytes(&[0x42; 32]).expect("valid")
}

#[test]
fn sec1_points_that_are_refused() {
    let good = key().public_key().to_sec1_uncompressed();
    let decode = |bytes: &[u8]| p256::PublicKey::from_sec1(bytes).map(|_| ());
    assert_eq!(decode(&good), Ok(()));
    assert_eq!(decode(&[]), Err(Error::InvalidPointEncoding), "empty");
    assert_eq!(decode(&[0x00]), Err(Error::PointAtInfinity), "the identity");
    assert_eq!(decode(&[0x00, 0x00]), Err(Error::InvalidPointEncoding), "identity with a tail");
    assert_eq!(decode(&good[..64]), Err(Error::InvalidPointEncoding), "one byte short");
    assert_eq!(decode(&[&good[..], &[0]].concat()), Err(Error::InvalidPointEncoding), "one byte long");
    let compressed = key().public_key().to_sec1_compressed();
    assert_eq!(decode(&compressed[..32]), Err(Error::InvalidPointEncoding), "compressed, short");
    for prefix in [0x01, 0x05, 0x06, 0x07, 0xff] {
        let mut bad = good.clone();
        bad[0] = prefix;
        assert_eq!(decode(&bad), Err(Error::InvalidPointEncoding), "prefix {prefix:#x}");
    }
    let mut off_curve = good.clone();
    off_curve[64] ^= 1;
    assert_eq!(decode(&off_curve), Err(Error::PointNotOnCurve), "y changed");
    // A P-384 point handed to P-256 is the wrong length.
    let p384_point =
        p384::PrivateKey::from_bytes(&[0x42; 48]).expect("valid").public_key().to_sec1_uncompressed();
    assert_eq!(decode(&p384_point), Err(Error::InvalidPointEncoding), "P-384 point to P-256");
    // Coordinates equal to p, and (x, y + p) which is "on the curve" mod p.
    let p = unhex(P256_P);
    let x_is_p = [&[4u8][..], &p, &good[33..]].concat();
    assert_eq!(decode(&x_is_p), Err(Error::CoordinateOutOfRange), "x = p");
    let y = BigUint::from_bytes_be(&good[33..]);
    let y_plus_p = y + BigUint::from_bytes_be(&p);
    if y_plus_p.bits() <= 256 {
        let bad = [&good[..33], &y_plus_p.to_bytes_be()[..]].concat();
        assert_eq!(decode(&bad), Err(Error::CoordinateOutOfRange), "y + p");
    }
    // The point (0, 0) and an all-ones point: off the curve, or out of range.
    assert_eq!(decode(&[&[4u8][..], &[0; 64]].concat()), Err(Error::PointNotOnCurve), "(0, 0)");
    assert_eq!(decode(&[&[4u8][..], &[0xff; 64]].concat()), Err(Error::CoordinateOutOfRange), "all ones");
}

#[test]
fn compressed_x_not_on_the_curve_is_refused() {
    // About half of all x have no y; find one with the textbook curve.
    let t = textbook::Curve::p256();
    let mut refused = 0;
    for x in 1u32..40 {
        let x_big = BigUint::from(x);
        let rhs = (&x_big * &x_big * &x_big + &t.b + &t.p * 3u32 - 3u32 * &x_big) % &t.p;
        let is_square = rhs.modpow(&((&t.p - 1u32) / 2u32), &t.p) != &t.p - 1u32;
        let encoded = [&[2u8][..], &t.fixed(&x_big)].concat();
        let result = p256::PublicKey::from_sec1(&encoded);
        if is_square {
            let point = result.expect("x on the curve decompresses");
            let y = BigUint::from_bytes_be(&point.to_sec1_uncompressed()[33..]);
            assert!(!y.bit(0), "02 asks for an even y");
        } else {
            assert_eq!(result.map(|_| ()), Err(Error::PointNotOnCurve), "x = {x}");
            refused += 1;
        }
    }
    assert!(refused > 5, "some small x are not on the curve");
}

#[test]
fn private_keys_out_of_range() {
    let n = unhex(P256_N);
    let mut n_plus_1 = n.clone();
    n_plus_1[31] += 1;
    let mut n_minus_1 = n.clone();
    n_minus_1[31] -= 1;
    for (bytes, what) in
        [(vec![0; 32], "zero"), (n.clone(), "n"), (n_plus_1, "n + 1"), (vec![0xff; 32], "2^256 - 1")]
    {
        assert_eq!(p256::PrivateKey::from_bytes(&bytes).err(), Some(Error::InvalidPrivateKey), "{what}");
    }
    assert!(p256::PrivateKey::from_bytes(&n_minus_1).is_ok(), "n - 1 is the largest key");
    assert!(p256::PrivateKey::from_bytes(&[1; 31]).is_err(), "31 bytes");
    assert!(p256::PrivateKey::from_bytes(&[1; 33]).is_err(), "33 bytes");
    assert!(p256::EphemeralSecret::from_bytes(&[0; 32]).is_err(), "zero ephemeral key");
}

#[test]
fn ecdh_refuses_bad_peer_points() {
    let good = key().public_key().to_sec1_uncompressed();
    let shared = |peer: &[u8]| {
        let ours = p256::EphemeralSecret::generate(&mut rand::rng());
        ours.diffie_hellman(peer).map(|_| ())
    };
    assert_eq!(shared(&good), Ok(()));
    assert_eq!(shared(&[0]), Err(Error::PointAtInfinity));
    assert_eq!(shared(&good[..64]), Err(Error::InvalidPointEncoding));
    let mut off = good.clone();
    off[10] ^= 0x80;
    assert_eq!(shared(&off), Err(Error::PointNotOnCurve));
    // The same through the generic type, for P-384.
    let ours = EphemeralSecret::<p384::NistP384, 6>::generate(&mut rand::rng());
    assert_eq!(
        ours.diffie_hellman(&good).map(|_| ()),
        Err(Error::InvalidPointEncoding),
        "P-256 point to P-384"
    );
}

#[test]
fn signatures_out_of_range() {
    let key = key();
    let message = b"out of range";
    let good = key.sign::<Sha256>(message);
    let (r, s) = (good.r_bytes(), good.s_bytes());
    let n = unhex(P256_N);
    let zero = vec![0u8; 32];
    let cases = [
        (zero.clone(), s.clone(), "r = 0"),
        (r.clone(), zero, "s = 0"),
        (n.clone(), s.clone(), "r = n"),
        (r.clone(), n, "s = n"),
    ];
    for (r, s, what) in cases {
        let raw = [r, s].concat();
        assert_eq!(p256::Signature::from_raw(&raw).err(), Some(Error::SignatureOutOfRange), "{what}");
    }
    assert_eq!(p256::Signature::from_raw(&good.to_raw()[..63]).err(), Some(Error::MalformedSignature));
    // s replaced by n - s is the other valid signature of the pair (ECDSA
    // malleability; FIPS 186-5 does not forbid it, neither does TLS).
    let n_big = BigUint::from_bytes_be(&unhex(P256_N));
    let minus_s = (&n_big - BigUint::from_bytes_be(&s)).to_bytes_be();
    let mut raw = r.clone();
    raw.extend(vec![0u8; 32 - minus_s.len()]);
    raw.extend(minus_s);
    let twin = p256::Signature::from_raw(&raw).expect("in range");
    key.public_key().verify::<Sha256>(message, &twin).expect("(r, n - s) verifies too");
}

#[test]
fn der_signatures_that_are_refused() {
    let key = key();
    let message = b"strict DER";
    let der = key.sign::<Sha256>(message).to_der();
    let verify = |der: &[u8]| key.public_key().verify_der::<Sha256>(message, der);
    assert_eq!(verify(&der), Ok(()));
    let mut trailing = der.clone();
    trailing.push(0);
    assert_eq!(verify(&trailing), Err(Error::MalformedSignature), "trailing byte");
    // SEQUENCE { INTEGER 00 01, INTEGER 01 }: a non-minimal INTEGER.
    assert_eq!(
        verify(&[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01]),
        Err(Error::MalformedSignature),
        "non-minimal"
    );
    // SEQUENCE { INTEGER -1, INTEGER 1 }: negative.
    assert_eq!(
        verify(&[0x30, 0x06, 0x02, 0x01, 0xff, 0x02, 0x01, 0x01]),
        Err(Error::MalformedSignature),
        "negative"
    );
    // SEQUENCE { INTEGER 0, INTEGER 1 }: zero.
    assert_eq!(
        verify(&[0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01]),
        Err(Error::SignatureOutOfRange),
        "r = 0"
    );
    // SEQUENCE { INTEGER 1, INTEGER 1 }: in range, does not verify.
    assert_eq!(
        verify(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]),
        Err(Error::VerificationFailed),
        "r = s = 1"
    );
    // r of 33 significant bytes: too large for P-256.
    let mut big = vec![0x30, 0x26, 0x02, 0x21, 0x01];
    big.extend([0u8; 32]);
    big.extend([0x02, 0x01, 0x01]);
    assert_eq!(verify(&big), Err(Error::SignatureOutOfRange), "r > 2^256");
    assert_eq!(verify(&[]), Err(Error::MalformedSignature), "empty");
    assert_eq!(verify(&[0x30, 0x00]), Err(Error::MalformedSignature), "empty SEQUENCE");
    assert_eq!(verify(&[0x30, 0x03, 0x02, 0x01, 0x01]), Err(Error::MalformedSignature), "only r");
}

#[test]
fn signatures_from_the_wrong_curve_or_key() {
    let message = b"which curve?";
    let p256_key = key();
    let p384_key = p384::PrivateKey::from_bytes(&[0x42; 48]).expect("valid");
    let p384_der = p384_key.sign::<Sha256>(message).to_der();
    assert!(
        p256_key.public_key().verify_der::<Sha256>(message, &p384_der).is_err(),
        "P-384 signature, P-256 key"
    );
    let p256_der = p256_key.sign::<Sha256>(message).to_der();
    assert_eq!(
        p384_key.public_key().verify_der::<Sha256>(message, &p256_der),
        Err(Error::VerificationFailed),
        "P-256 signature, P-384 key"
    );
    let other = p256::PrivateKey::from_bytes(&[0x43; 32]).expect("valid");
    assert_eq!(
        other.public_key().verify_der::<Sha256>(message, &p256_der),
        Err(Error::VerificationFailed),
        "other key"
    );
    assert_eq!(
        p384::Signature::from_raw(&p256_key.sign::<Sha256>(message).to_raw()).err(),
        Some(Error::MalformedSignature),
        "raw P-256 signature is too short for P-384"
    );
}

/// Two signatures with the same nonce k reveal the private key (the
/// PlayStation 3 failure): from s1 - s2 = k^-1 (e1 - e2), k = (e1 - e2) /
/// (s1 - s2), and then d = (s1·k - e1) / r.
#[test]
fn nonce_reuse_reveals_the_key() {
    let t = textbook::Curve::p256();
    let key = PrivateKey::<p256::NistP256, 4>::from_bytes(&[0x5a; 32]).expect("valid");
    let k = [0x17; 32];
    let (m1, m2) = (b"game disc v1.00".as_slice(), b"game disc v1.01".as_slice());
    let (h1, h2) = (Sha256::digest(m1), Sha256::digest(m2));
    let sig1: Signature<p256::NistP256, 4> =
        padlock_ec::hazmat::sign_prehashed_with_nonce(&key, &h1, &k).expect("signs");
    let sig2 = padlock_ec::hazmat::sign_prehashed_with_nonce(&key, &h2, &k).expect("signs");
    assert_eq!(sig1.r_bytes(), sig2.r_bytes(), "same k, same r: the tell-tale sign");

    let n = &t.n;
    let big = |b: &[u8]| BigUint::from_bytes_be(b) % n;
    let (e1, e2, r) = (big(&h1), big(&h2), big(&sig1.r_bytes()));
    let (s1, s2) = (big(&sig1.s_bytes()), big(&sig2.s_bytes()));
    let inv = |x: &BigUint| textbook::Curve::inv(x, n);
    let k_found = ((&e1 + n - &e2) % n) * inv(&((&s1 + n - &s2) % n)) % n;
    assert_eq!(t.fixed(&k_found), k, "the nonce is recovered");
    let d_found = ((&s1 * &k_found + n - &e1) % n) * inv(&r) % n;
    assert_eq!(t.fixed(&d_found), key.to_bytes().to_vec(), "the private key is recovered");
    // RFC 6979 gives the two messages different nonces, so different r.
    assert_ne!(key.sign::<Sha256>(m1).r_bytes(), key.sign::<Sha256>(m2).r_bytes());
}
