//! Known-answer tests from the standards: NIST CAVP SigGen (with the given
//! nonce), SigVer (valid and invalid), the ECC CDH primitive and key pairs;
//! RFC 6979's deterministic signatures (every P-256 and P-384 row); the
//! ECDH examples of RFC 5903. Each file under `tests/vectors/` says where its
//! vectors come from.

use padlock_ec::hazmat::sign_prehashed_with_nonce;
use padlock_ec::{CurveParams, PrivateKey, PublicKey, Signature, p256, p384};
use padlock_sha::{Hash, Sha1, Sha224, Sha256, Sha384, Sha512};
use padlock_testkit::{Block, hex, read_vectors};

fn vectors(path: &str) -> Vec<Block> {
    read_vectors(env!("CARGO_MANIFEST_DIR"), path)
}

/// Runs the P-256 or the P-384 check, by the vector's `Curve`.
fn on_curve(v: &Block, p256: impl FnOnce(&Block), p384: impl FnOnce(&Block)) {
    match v.get("Curve") {
        "P-256" => p256(v),
        "P-384" => p384(v),
        other => panic!("{}: unknown curve {other}", v.source),
    }
}

/// The digest of `message` with the hash the vector names.
fn digest(name: &str, message: &[u8]) -> Vec<u8> {
    match name {
        "SHA-1" => Sha1::digest(message).as_ref().to_vec(),
        "SHA-224" => Sha224::digest(message).as_ref().to_vec(),
        "SHA-256" => Sha256::digest(message).as_ref().to_vec(),
        "SHA-384" => Sha384::digest(message).as_ref().to_vec(),
        "SHA-512" => Sha512::digest(message).as_ref().to_vec(),
        other => panic!("unknown hash {other}"),
    }
}

/// Deterministic (RFC 6979) signature of `message` with the named hash.
fn sign_by_name<C: CurveParams<N>, const N: usize>(
    key: &PrivateKey<C, N>,
    name: &str,
    message: &[u8],
) -> Signature<C, N> {
    match name {
        "SHA-1" => key.sign::<Sha1>(message),
        "SHA-224" => key.sign::<Sha224>(message),
        "SHA-256" => key.sign::<Sha256>(message),
        "SHA-384" => key.sign::<Sha384>(message),
        "SHA-512" => key.sign::<Sha512>(message),
        other => panic!("unknown hash {other}"),
    }
}

fn public_key<C: CurveParams<N>, const N: usize>(
    v: &Block,
    x: &str,
    y: &str,
) -> Result<PublicKey<C, N>, padlock_ec::Error> {
    PublicKey::<C, N>::from_sec1(&[&[4][..], &v.hex(x), &v.hex(y)].concat())
}

fn check_key_pair<C: CurveParams<N>, const N: usize>(v: &Block) -> PrivateKey<C, N> {
    let key = PrivateKey::<C, N>::from_bytes(&v.hex("d")).expect("valid private key");
    let expected = public_key::<C, N>(v, "Qx", "Qy").expect("valid public key");
    assert_eq!(*key.public_key(), expected, "{}", v.source);
    key
}

#[test]
fn key_pairs() {
    let all = vectors("keypair/standards.txt");
    for v in &all {
        on_curve(
            v,
            |v| drop(check_key_pair::<p256::NistP256, 4>(v)),
            |v| drop(check_key_pair::<p384::NistP384, 6>(v)),
        );
    }
    assert_eq!(all.len(), 8);
}

/// CAVP SigGen: the signature with the file's k, from the message (or its
/// digest), and the key pair. Then our verification accepts it.
fn check_siggen<C: CurveParams<N>, const N: usize>(v: &Block) {
    let key = check_key_pair::<C, N>(v);
    let digest = match v.opt("Msg") {
        Some(_) => digest(v.get("Hash"), &v.hex("Msg")),
        None => {
            v.get("Hash");
            v.hex("Digest")
        }
    };
    let signature = sign_prehashed_with_nonce(&key, &digest, &v.hex("k")).expect("signs");
    assert_eq!(hex(&signature.r_bytes()), hex(&v.hex("R")), "{}: R", v.source);
    assert_eq!(hex(&signature.s_bytes()), hex(&v.hex("S")), "{}: S", v.source);
    key.public_key().verify_prehashed(&digest, &signature).expect("our verification accepts it");
}

#[test]
fn cavp_siggen() {
    let all = vectors("ecdsa/cavp-siggen.txt");
    for v in &all {
        on_curve(v, check_siggen::<p256::NistP256, 4>, check_siggen::<p384::NistP384, 6>);
    }
    assert_eq!(all.len(), 30);
}

/// CAVP SigVer: P (pass) must verify; F (fail) must be refused. Every key is
/// a point on the curve and every r and s is in [1, n-1] (CAVP changes the
/// message, R, S or Q, not their ranges), so a mistyped Q fails here even in
/// an F vector.
fn check_sigver<C: CurveParams<N>, const N: usize>(v: &Block) -> bool {
    let digest = digest(v.get("Hash"), &v.hex("Msg"));
    let expected = v.get("Result").starts_with('P');
    let key = public_key::<C, N>(v, "Qx", "Qy").expect("a point on the curve");
    let signature = Signature::<C, N>::from_scalar_bytes(&v.hex("R"), &v.hex("S")).expect("r, s in range");
    let verified = key.verify_prehashed(&digest, &signature).is_ok();
    assert_eq!(verified, expected, "{}: {}", v.source, v.get("Result"));
    expected
}

#[test]
fn cavp_sigver() {
    let all = vectors("ecdsa/cavp-sigver.txt");
    // (vectors, valid ones) for P-256 and for P-384.
    let mut counts = [(0, 0); 2];
    for v in &all {
        let (curve, pass) = match v.get("Curve") {
            "P-256" => (0, check_sigver::<p256::NistP256, 4>(v)),
            "P-384" => (1, check_sigver::<p384::NistP384, 6>(v)),
            other => panic!("{}: unknown curve {other}", v.source),
        };
        counts[curve].0 += 1;
        counts[curve].1 += usize::from(pass);
    }
    assert_eq!(counts, [(15, 3), (15, 3)]);
}

/// RFC 6979: the deterministic signature, and the same signature from the
/// RFC's k through the hazmat path (so the nonce itself is checked).
fn check_rfc6979<C: CurveParams<N>, const N: usize>(v: &Block) {
    let key = PrivateKey::<C, N>::from_bytes(&v.hex("X")).expect("valid key");
    assert_eq!(*key.public_key(), public_key::<C, N>(v, "Ux", "Uy").expect("valid"), "{}", v.source);
    let (hash, message) = (v.get("Hash"), v.get("Message").as_bytes());
    let signature = sign_by_name(&key, hash, message);
    assert_eq!(hex(&signature.r_bytes()), hex(&v.hex("R")), "{}: r", v.source);
    assert_eq!(hex(&signature.s_bytes()), hex(&v.hex("S")), "{}: s", v.source);
    let digest = digest(hash, message);
    let with_k = sign_prehashed_with_nonce(&key, &digest, &v.hex("K")).expect("signs");
    assert_eq!(with_k, signature, "{}: the RFC's k gives the same signature", v.source);
    key.public_key().verify_prehashed(&digest, &signature).expect("verifies");
}

#[test]
fn rfc6979_deterministic_signatures() {
    let all = vectors("ecdsa/rfc6979.txt");
    for v in &all {
        on_curve(v, check_rfc6979::<p256::NistP256, 4>, check_rfc6979::<p384::NistP384, 6>);
    }
    assert_eq!(all.len(), 20);
}

/// ECDH: z = x(dIUT · QCAVS), and QIUT when the vector gives it.
fn check_cdh<C: CurveParams<N>, const N: usize>(v: &Block) {
    let key = PrivateKey::<C, N>::from_bytes(&v.hex("dIUT")).expect("valid key");
    if v.opt("QIUTx").is_some() {
        assert_eq!(
            *key.public_key(),
            public_key::<C, N>(v, "QIUTx", "QIUTy").expect("valid"),
            "{}",
            v.source
        );
    }
    let peer = public_key::<C, N>(v, "QCAVSx", "QCAVSy").expect("valid peer key");
    let shared = key.diffie_hellman(&peer).expect("not the identity");
    assert_eq!(hex(shared.as_bytes()), hex(&v.hex("ZIUT")), "{}", v.source);
    // The ephemeral API, from the wire encoding, agrees.
    let ephemeral = padlock_ec::EphemeralSecret::<C, N>::from_bytes(&v.hex("dIUT")).expect("valid");
    let shared = ephemeral.diffie_hellman(&peer.to_sec1_uncompressed()).expect("valid");
    assert_eq!(hex(shared.as_bytes()), hex(&v.hex("ZIUT")), "{}", v.source);
}

#[test]
fn cavp_ecc_cdh() {
    let all = vectors("ecdh/cavp-cdh.txt");
    for v in &all {
        // Every COUNT gives QIUT, so dIUT is checked against it too.
        v.get("QIUTx");
        on_curve(v, check_cdh::<p256::NistP256, 4>, check_cdh::<p384::NistP384, 6>);
    }
    let p384 = all.iter().filter(|v| v.get("Curve") == "P-384").count();
    assert_eq!((all.len() - p384, p384), (25, 25));
}

#[test]
fn rfc5903_ecdh() {
    let all = vectors("ecdh/rfc5903.txt");
    for v in &all {
        on_curve(v, check_cdh::<p256::NistP256, 4>, check_cdh::<p384::NistP384, 6>);
    }
    assert_eq!(all.len(), 2);
}

/// Wycheproof ECDSA: every valid signature verifies; every invalid one —
/// mostly DER that a lax parser would take — is refused.
fn check_wycheproof_ecdsa<C: CurveParams<N>, const N: usize>(v: &Block) -> bool {
    let key = public_key::<C, N>(v, "Qx", "Qy").expect("valid key");
    let digest = digest(v.get("Hash"), &v.hex("Msg"));
    let signature = match v.opt("Sig") {
        Some(_) => Signature::<C, N>::from_der(&v.hex("Sig")),
        None => Signature::<C, N>::from_scalar_bytes(&v.hex("R"), &v.hex("S")),
    };
    let verified = signature.is_ok_and(|signature| key.verify_prehashed(&digest, &signature).is_ok());
    let expected = v.get("Result") == "valid";
    assert_eq!(verified, expected, "{}", v.source);
    // A valid DER signature re-encodes to the same bytes: DER has one encoding.
    if expected && v.opt("Sig").is_some() {
        let parsed = Signature::<C, N>::from_der(&v.hex("Sig")).expect("valid");
        assert_eq!(hex(&parsed.to_der()), hex(&v.hex("Sig")), "{}", v.source);
    }
    expected
}

#[test]
fn wycheproof_ecdsa_p256() {
    let all = vectors("ecdsa/wycheproof-p256.txt");
    let valid = all
        .iter()
        .filter(|v| {
            assert_eq!(v.get("Curve"), "P-256");
            check_wycheproof_ecdsa::<p256::NistP256, 4>(v)
        })
        .count();
    assert_eq!((all.len(), valid), (48, 7));
}

#[test]
fn wycheproof_ecdh_p256() {
    let all = vectors("ecdh/wycheproof-p256.txt");
    for v in &all {
        v.get("Curve");
        let key = p256::PrivateKey::from_bytes(&v.hex("Private")).expect("valid key");
        let peer = p256::PublicKey::from_sec1(&v.hex("Public")).expect("valid or acceptable point");
        let shared = key.diffie_hellman(&peer).expect("not the identity");
        assert_eq!(hex(shared.as_bytes()), hex(&v.hex("Shared")), "{}", v.source);
        assert!(matches!(v.get("Result"), "valid" | "acceptable"), "{}", v.source);
    }
    assert_eq!(all.len(), 20);
}
