//! Property tests of the points and protocols against two oracles: the
//! textbook affine arithmetic of `textbook` (num-bigint, variable time) and
//! RustCrypto's `p256`/`p384` crates. Scalar multiplication (variable base,
//! fixed base, the verification double multiplication), SEC1 encoding,
//! ECDSA (sign-then-verify, RFC 6979 agreement, cross-verification) and
//! ECDH.

mod textbook;

use num_bigint::BigUint;
use padlock_ec::mul::{mul, mul_base, mul_double_base_vartime};
use padlock_ec::{AffinePoint, CurveParams, PrivateKey, ProjectivePoint, PublicKey, Scalar, p256, p384};
use padlock_sha::{Sha256, Sha384};
use proptest::prelude::*;
use textbook::Point;

/// The SEC1 encoding of a projective point (00 for the identity), to
/// compare with the textbook's.
fn encode<C: CurveParams<N>, const N: usize>(point: &ProjectivePoint<C, N>) -> Vec<u8> {
    Option::<AffinePoint<C, N>>::from(point.to_affine()).map_or(vec![0], |p| p.to_sec1_uncompressed())
}

/// k·P, k·G (fixed base), and u1·G + u2·P against the textbook, where P =
/// j·G for a random j (so P is a random point of the group).
fn check_multiplications<C: CurveParams<N>, const N: usize>(
    t: &textbook::Curve,
    k: &[u8],
    j: &[u8],
    u: &[u8],
) {
    let (k_big, j_big, u_big) = (big(k, &t.n), big(j, &t.n), big(u, &t.n));
    let (k, j, u) = (scalar::<C, N>(k), scalar::<C, N>(j), scalar::<C, N>(u));

    let p = mul_base::<C, N>(&j);
    let p_big = t.mul(&j_big, &t.g);
    assert_eq!(encode(&p), t.encode(&p_big), "fixed base j·G");
    assert_eq!(encode(&mul(&ProjectivePoint::<C, N>::GENERATOR, &j)), t.encode(&p_big), "variable base j·G");

    let kp = t.mul(&k_big, &p_big);
    assert_eq!(encode(&mul(&p, &k)), t.encode(&kp), "k·P");

    if let Some(p_affine) = Option::<AffinePoint<C, N>>::from(p.to_affine()) {
        let expected = t.add(&t.mul(&u_big, &t.g), &kp);
        assert_eq!(encode(&mul_double_base_vartime(&u, &k, &p_affine)), t.encode(&expected), "u·G + k·P");
    }
}

fn big(bytes: &[u8], n: &BigUint) -> BigUint {
    BigUint::from_bytes_be(bytes) % n
}

fn scalar<C: CurveParams<N>, const N: usize>(bytes: &[u8]) -> Scalar<C, N> {
    Scalar::<C, N>::from_be_bytes_reduced(bytes)
}

/// The group order n - x as L bytes.
fn n_minus(t: &textbook::Curve, x: u32) -> Vec<u8> {
    t.fixed(&(&t.n - x))
}

#[test]
fn edge_scalars() {
    fn run<C: CurveParams<N>, const N: usize>(t: &textbook::Curve) {
        let small = |x: u32| t.fixed(&BigUint::from(x));
        // 0, 1, 2, n-1, n-2, and high and low bit patterns.
        let mut edges =
            vec![small(0), small(1), small(2), small(15), small(16), small(17), small(31), small(32)];
        edges.extend([n_minus(t, 1), n_minus(t, 2), n_minus(t, 16), vec![0x80; t.len], vec![0x55; t.len]]);
        for k in &edges {
            for j in [&small(2), &edges[12]] {
                check_multiplications::<C, N>(t, k, j, &edges[11]);
            }
        }
        // (n-1)·G = -G, and its sum with G is the identity.
        let minus_g = mul_base::<C, N>(&scalar::<C, N>(&n_minus(t, 1)));
        assert!(bool::from(minus_g.add(&ProjectivePoint::GENERATOR).is_identity()));
        assert!(bool::from(mul_base::<C, N>(&scalar::<C, N>(&small(0))).is_identity()));
    }
    run::<p256::NistP256, 4>(&textbook::Curve::p256());
    run::<p384::NistP384, 6>(&textbook::Curve::p384());
}

#[test]
fn complete_formulas_on_special_cases() {
    fn run<C: CurveParams<N>, const N: usize>() {
        let g = ProjectivePoint::<C, N>::GENERATOR;
        let o = ProjectivePoint::<C, N>::IDENTITY;
        let g_affine = AffinePoint::<C, N>::GENERATOR;
        let eq = |a: &ProjectivePoint<C, N>, b: &ProjectivePoint<C, N>| {
            bool::from(subtle::ConstantTimeEq::ct_eq(a, b))
        };
        assert!(eq(&g.add(&g), &g.double()), "P + P = 2P");
        assert!(eq(&g.add(&o), &g) && eq(&o.add(&g), &g), "P + O = P");
        assert!(bool::from(g.add(&g.neg()).is_identity()), "P + (-P) = O");
        assert!(bool::from(o.add(&o).is_identity() & o.double().is_identity()), "O + O = 2O = O");
        assert!(eq(&o.add_affine(&g_affine), &g), "O + G (mixed)");
        assert!(eq(&g.add_affine(&g_affine), &g.double()), "G + G (mixed)");
        assert!(bool::from(g.neg().add_affine(&g_affine).is_identity()), "-G + G (mixed)");
        assert!(!eq(&g, &o), "G is not O");
    }
    run::<p256::NistP256, 4>();
    run::<p384::NistP384, 6>();
}

#[test]
fn generators_are_on_the_curve_and_of_order_n() {
    fn run<C: CurveParams<N>, const N: usize>(t: &textbook::Curve) {
        let g = AffinePoint::<C, N>::GENERATOR;
        assert!(bool::from(AffinePoint::<C, N>::from_coordinates(g.x(), g.y()).is_some()));
        assert!(t.is_on_curve(&t.g));
        assert_eq!(t.mul(&t.n, &t.g), Point::Infinity, "n·G = O (textbook)");
        assert_eq!(g.to_sec1_uncompressed(), t.encode(&t.g), "the two transcriptions agree");
    }
    run::<p256::NistP256, 4>(&textbook::Curve::p256());
    run::<p384::NistP384, 6>(&textbook::Curve::p384());
    // And with RustCrypto's.
    // (`to_sec1_bytes` is uncompressed: P-256 and P-384 do not set
    // RustCrypto's `PointCompression`.)
    let theirs = ::p256::PublicKey::from_affine(::p256::AffinePoint::GENERATOR).expect("G").to_sec1_bytes();
    assert_eq!(AffinePoint::<p256::NistP256, 4>::GENERATOR.to_sec1_uncompressed(), theirs[..]);
    let theirs = ::p384::PublicKey::from_affine(::p384::AffinePoint::GENERATOR).expect("G").to_sec1_bytes();
    assert_eq!(AffinePoint::<p384::NistP384, 6>::GENERATOR.to_sec1_uncompressed(), theirs[..]);
}

/// Sign, verify, and the ways a signature must fail.
fn check_sign_verify<C: CurveParams<N>, const N: usize>(t: &textbook::Curve, d: &[u8], message: &[u8]) {
    let Ok(key) = PrivateKey::<C, N>::from_bytes(d) else { return };
    let public = key.public_key();
    let signature = key.sign::<Sha256>(message);
    public.verify::<Sha256>(message, &signature).expect("verifies");
    assert_eq!(signature, key.sign::<Sha256>(message), "deterministic");
    let der = signature.to_der();
    public.verify_der::<Sha256>(message, &der).expect("DER round trip verifies");
    assert_eq!(padlock_ec::Signature::<C, N>::from_der(&der).expect("parses"), signature);
    assert_eq!(padlock_ec::Signature::<C, N>::from_raw(&signature.to_raw()).expect("parses"), signature);
    // The textbook verifies it too.
    let q = decode_textbook(t, &public.to_sec1_uncompressed());
    let digest = <Sha256 as padlock_sha::Hash>::digest(message);
    let (r, s) = (BigUint::from_bytes_be(&signature.r_bytes()), BigUint::from_bytes_be(&signature.s_bytes()));
    assert!(t.verify(&q, &digest, &r, &s), "textbook verifies");
    // Another message, a hedged signature, tampered values.
    let mut other = message.to_vec();
    other.push(1);
    assert!(public.verify::<Sha256>(&other, &signature).is_err(), "other message");
    let hedged = key.sign_hedged::<Sha256, _>(message, &mut rand::rng());
    public.verify::<Sha256>(message, &hedged).expect("hedged verifies");
    assert_ne!(hedged, signature, "hedged differs");
    let mut raw = signature.to_raw();
    raw[t.len - 1] ^= 1;
    if let Ok(tampered) = padlock_ec::Signature::<C, N>::from_raw(&raw) {
        assert!(public.verify::<Sha256>(message, &tampered).is_err(), "tampered r");
    }
}

fn decode_textbook(t: &textbook::Curve, sec1: &[u8]) -> Point {
    let len = t.len;
    Point::Affine(BigUint::from_bytes_be(&sec1[1..=len]), BigUint::from_bytes_be(&sec1[1 + len..]))
}

/// Encoding round trips, compressed and uncompressed.
fn check_encodings<C: CurveParams<N>, const N: usize>(d: &[u8]) {
    let Ok(key) = PrivateKey::<C, N>::from_bytes(d) else { return };
    let public = key.public_key();
    let uncompressed = public.to_sec1_uncompressed();
    let compressed = public.to_sec1_compressed();
    assert_eq!(PublicKey::<C, N>::from_sec1(&uncompressed).expect("uncompressed"), *public);
    assert_eq!(PublicKey::<C, N>::from_sec1(&compressed).expect("compressed"), *public);
    assert_eq!(compressed[1..], uncompressed[1..=compressed.len() - 1]);
    assert_eq!(PrivateKey::<C, N>::from_bytes(&key.to_bytes()).expect("round trip").public_key(), public);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn p256_multiplications(k in any::<[u8; 32]>(), j in any::<[u8; 32]>(), u in any::<[u8; 32]>()) {
        check_multiplications::<p256::NistP256, 4>(&textbook::Curve::p256(), &k, &j, &u);
    }

    #[test]
    fn p256_sign_verify(d in any::<[u8; 32]>(), message in proptest::collection::vec(any::<u8>(), 0..100)) {
        check_sign_verify::<p256::NistP256, 4>(&textbook::Curve::p256(), &d, &message);
        check_encodings::<p256::NistP256, 4>(&d);
    }

    /// Against RustCrypto's p256: the same public key, the same ECDH
    /// secret, the same RFC 6979 signature, and each verifies the other's.
    #[test]
    fn p256_against_rustcrypto(a in any::<[u8; 32]>(), b in any::<[u8; 32]>(), message in proptest::collection::vec(any::<u8>(), 0..100)) {
        use ::p256::ecdsa::signature::{Signer as _, Verifier as _};
        let (Ok(ours_a), Ok(theirs_a)) = (p256::PrivateKey::from_bytes(&a), ::p256::SecretKey::from_slice(&a)) else {
            return Ok(());
        };
        let (Ok(ours_b), Ok(theirs_b)) = (p256::PrivateKey::from_bytes(&b), ::p256::SecretKey::from_slice(&b)) else {
            return Ok(());
        };
        prop_assert_eq!(&ours_a.public_key().to_sec1_uncompressed()[..], &theirs_a.public_key().to_sec1_bytes()[..]);
        let ours = ours_a.diffie_hellman(ours_b.public_key()).expect("valid");
        let theirs = ::p256::ecdh::diffie_hellman(theirs_a.to_nonzero_scalar(), theirs_b.public_key().as_affine());
        prop_assert_eq!(ours.as_bytes(), &theirs.raw_secret_bytes()[..]);

        let signing = ::p256::ecdsa::SigningKey::from_slice(&a).expect("valid");
        let their_signature: ::p256::ecdsa::Signature = signing.sign(&message);
        let our_signature = ours_a.sign::<Sha256>(&message);
        prop_assert_eq!(&our_signature.to_raw()[..], &their_signature.to_bytes()[..], "RFC 6979 agrees");
        let hedged = ours_a.sign_hedged::<Sha256, _>(&message, &mut rand::rng());
        let hedged = ::p256::ecdsa::Signature::from_slice(&hedged.to_raw()).expect("valid");
        prop_assert!(signing.verifying_key().verify(&message, &hedged).is_ok());
        let theirs_der = their_signature.to_der();
        prop_assert!(ours_a.public_key().verify_der::<Sha256>(&message, theirs_der.as_bytes()).is_ok());
    }

    #[test]
    fn p384_against_rustcrypto(a in proptest::collection::vec(any::<u8>(), 48), b in proptest::collection::vec(any::<u8>(), 48), message in proptest::collection::vec(any::<u8>(), 0..100)) {
        use ::p384::ecdsa::signature::{Signer as _, Verifier as _};
        let (Ok(ours_a), Ok(theirs_a)) = (p384::PrivateKey::from_bytes(&a), ::p384::SecretKey::from_slice(&a)) else {
            return Ok(());
        };
        let (Ok(ours_b), Ok(theirs_b)) = (p384::PrivateKey::from_bytes(&b), ::p384::SecretKey::from_slice(&b)) else {
            return Ok(());
        };
        prop_assert_eq!(&ours_a.public_key().to_sec1_uncompressed()[..], &theirs_a.public_key().to_sec1_bytes()[..]);
        let ours = ours_a.diffie_hellman(ours_b.public_key()).expect("valid");
        let theirs = ::p384::ecdh::diffie_hellman(theirs_a.to_nonzero_scalar(), theirs_b.public_key().as_affine());
        prop_assert_eq!(ours.as_bytes(), &theirs.raw_secret_bytes()[..]);

        let signing = ::p384::ecdsa::SigningKey::from_slice(&a).expect("valid");
        let their_signature: ::p384::ecdsa::Signature = signing.sign(&message);
        let our_signature = ours_a.sign::<Sha384>(&message);
        prop_assert_eq!(&our_signature.to_raw()[..], &their_signature.to_bytes()[..], "RFC 6979 agrees");
        let hedged = ours_a.sign_hedged::<Sha384, _>(&message, &mut rand::rng());
        let hedged = ::p384::ecdsa::Signature::from_slice(&hedged.to_raw()).expect("valid");
        prop_assert!(signing.verifying_key().verify(&message, &hedged).is_ok());
        let theirs_der = their_signature.to_der();
        prop_assert!(ours_a.public_key().verify_der::<Sha384>(&message, theirs_der.as_bytes()).is_ok());
    }
}

// P-384's textbook arithmetic is about three times slower: fewer cases.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn p384_multiplications(
        k in proptest::collection::vec(any::<u8>(), 48),
        j in proptest::collection::vec(any::<u8>(), 48),
        u in proptest::collection::vec(any::<u8>(), 48),
    ) {
        check_multiplications::<p384::NistP384, 6>(&textbook::Curve::p384(), &k, &j, &u);
    }

    #[test]
    fn p384_sign_verify(d in proptest::collection::vec(any::<u8>(), 48), message in proptest::collection::vec(any::<u8>(), 0..100)) {
        check_sign_verify::<p384::NistP384, 6>(&textbook::Curve::p384(), &d, &message);
        check_encodings::<p384::NistP384, 6>(&d);
    }
}
